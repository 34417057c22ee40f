"""Direction and accounting tests of the demand-bound core's mechanisms (issue 12 groundwork):
national markets, prices, migration bounded by housing, private floor space, certification."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from sim.basedata import DATA_DIR
from sim.economy import certification as cert
from sim.economy import markets, migration, prices, space_supply


@pytest.fixture(scope="module")
def drivers():
    with open(DATA_DIR / "national_drivers.csv", newline="", encoding="utf-8") as fh:
        rows = [{k: float(v) if v not in ("", None) else np.nan for k, v in r.items() if k not in ("confidence", "note")}
                for r in csv.DictReader(fh)]  # fmt: skip
    return markets.driver_table(rows)


def test_higher_national_demand_gives_a_larger_market(drivers):
    exposure = np.full((2, len(markets.DRIVERS)), 1.0 / len(markets.DRIVERS))
    base = dict(drivers[2019])
    more = {k: v + 0.05 for k, v in base.items()}
    assert (markets.market_growth(more, exposure) > markets.market_growth(base, exposure)).all()
    one = {k: 0.08 for k in markets.DRIVERS}
    np.testing.assert_allclose(markets.market_growth(one, exposure), 0.08)


def test_drivers_slow_in_2020_and_rebound_in_2021(drivers):
    for k in ("gdp", "exports"):
        assert drivers[2020][k] < drivers[2019][k] < drivers[2021][k]
    ref = markets.reference_growth(drivers)
    assert 0.0 < ref["gdp"] < 0.12


def test_exports_convert_at_the_exchange_rate():
    row = {"cny_per_usd": 6.9, "china_ppi_pct": 0.0, "china_nominal_gdp_growth_pct": 7.0,
           "china_goods_exports_usd_growth_pct": 0.0, "world_semiconductor_sales_growth_pct": 0.0,
           "china_electronics_manufacturing_va_real_growth_pct": 0.0, "china_high_tech_manufacturing_va_real_growth_pct": 0.0}  # fmt: skip
    g = markets.driver_growth(row, prev_fx=6.0)
    assert g["exports"] == pytest.approx(6.9 / 6.0 - 1.0)


def test_quarterly_profile_keeps_the_annual_level_and_dips_in_lockdowns():
    with open(DATA_DIR / "national_gdp_quarterly.csv", newline="", encoding="utf-8") as fh:
        yoy = {r["quarter"]: float(r["china_real_gdp_yoy_pct"]) for r in csv.DictReader(fh)}
    prof = markets.quarterly_profile(yoy, base_year=2018)
    for y in range(2019, 2025):
        assert np.mean([prof[f"{y}Q{q}"] for q in range(1, 5)]) == pytest.approx(1.0)
    assert prof["2020Q1"] < 0.95 < prof["2020Q4"]
    assert prof["2022Q2"] < np.mean([prof[f"2022Q{q}"] for q in (1, 3, 4)])


def test_a_costlier_firm_charges_more_and_deflators_add_up():
    ulc0 = np.array([1.0, 1.0])
    p = prices.relative_price(np.array([1.0, 1.2]), ulc0, national_ulc_index=1.0, pass_through=1.0)
    assert p[1] > p[0] == pytest.approx(1.0)
    nominal = np.array([10.0, 20.0, 5.0])
    price = np.array([1.1, 0.9, 1.3])
    group = np.array([0, 0, 1])
    real, deflator = prices.implicit_deflator(nominal, price, group, 3)
    np.testing.assert_allclose(real * deflator, np.bincount(group, weights=nominal, minlength=3))
    assert deflator[2] == 1.0 and real[2] == 0.0


def test_full_indexation_keeps_the_wage_share():
    infl, prod = np.array([0.01, -0.02]), np.array([0.02, 0.05])
    dw = prices.wage_growth(0.005, infl, prod, index_cpi=0.0, productivity_pass=1.0)
    # wage share = w L / (p Y): its log change is dw - infl - prod
    np.testing.assert_allclose(dw - infl - prod, 0.0, atol=1e-12)


def test_tighter_housing_means_fewer_migrants_and_the_vacancy_pull_is_capped():
    stock, unfilled = np.array([1000.0]), np.array([500.0])
    kw = dict(base_rate=0.01, wage_gap=1.2, wage_elasticity=1.0, housing_elasticity=-2.0, vacancy_response=0.5,
              max_vacancy_share=0.01)  # fmt: skip
    loose = migration.arrivals(stock, unfilled, tightness=0.9, **kw)
    tight = migration.arrivals(stock, unfilled, tightness=1.2, **kw)
    assert tight[0] < loose[0]
    richer = migration.arrivals(stock, unfilled, tightness=1.0, **{**kw, "wage_gap": 1.5})
    assert richer[0] > migration.arrivals(stock, unfilled, tightness=1.0, **kw)[0]
    no_cap = migration.arrivals(stock, unfilled, tightness=1.0, **{**kw, "max_vacancy_share": 1.0})
    assert no_cap[0] - migration.arrivals(stock, unfilled, tightness=1.0, **kw)[0] == pytest.approx(250.0 - 10.0)


def test_higher_rents_call_forth_more_private_floor_space_and_public_space_crowds_out():
    stock, base = np.array([1e6, 1e6]), np.array([50.0, 50.0])
    kw = dict(base_growth=0.01, rent_elasticity=1.5, capacity=np.array([2e6, 2e6]))
    low = space_supply.private_additions(
        stock, np.array([50.0, 50.0]), base, public_added=np.zeros(2), crowd_out=0.5, **kw
    )
    high = space_supply.private_additions(
        stock, np.array([60.0, 60.0]), base, public_added=np.zeros(2), crowd_out=0.5, **kw
    )
    assert (high > low).all()
    crowded = space_supply.private_additions(
        stock, base, base, public_added=np.array([4000.0, 0.0]), crowd_out=0.5, **kw
    )
    assert crowded[0] == pytest.approx(low[0] - 2000.0) and crowded[1] == pytest.approx(low[1])
    full = space_supply.private_additions(stock, base, base, public_added=np.zeros(2), crowd_out=0.5,
                                          base_growth=0.01, rent_elasticity=1.5, capacity=stock + 10.0)  # fmt: skip
    assert (full <= 10.0 + 1e-9).all()


def test_certified_stock_adds_up_and_certificates_lapse_without_renewal():
    rng = np.random.default_rng(0)
    until = np.full(10_000, cert.NONE)
    can = np.ones(10_000, bool)
    until, new, lapsed = cert.step(until, 0, can, hazard=0.3, renewal=0.0, validity=12, rng=rng)
    n0 = cert.count(until, 0)
    assert n0 == int(new.sum()) and not lapsed.any() and 2_800 < n0 < 3_200
    for now in range(1, 13):
        before = cert.count(until, now - 1)
        until, new, lapsed = cert.step(
            until, now, can & (until == cert.NONE), hazard=0.0, renewal=0.0, validity=12, rng=rng
        )
        assert cert.count(until, now) == before + int(new.sum()) - int(lapsed.sum())
    assert cert.count(until, 12) == 0  # every certificate of quarter 0 ran out after 12 quarters, none renewed
    until2, new2, _ = cert.step(
        np.full(100, cert.NONE), 0, np.ones(100, bool), hazard=0.0, renewal=1.0, validity=12, rng=rng
    )
    assert not new2.any()


def test_national_path_steady_repeats_the_reference_and_history_reads_the_year():
    from sim.basedata import load

    d = load()
    hist = markets.national_path(list(d.national), d.gdp_yoy_quarterly, steady=False)
    steady = markets.national_path(list(d.national), d.gdp_yoy_quarterly, steady=True)
    assert steady.year(2021) == steady.reference == hist.year(2030)  # no data after 2024: the reference
    assert hist.year(2021)["gdp"] > hist.reference["gdp"] > hist.year(2020)["gdp"]
    assert hist.year(2019)["deflator"] == pytest.approx((1 + 0.073) / (1 + 0.060) - 1)
    assert steady.quarter_level(2020, 1) == 1.0 and hist.quarter_level(2016, 2) == 1.0  # no quarterly data
    assert hist.quarter_level(2020, 1) < 0.95 < hist.quarter_level(2020, 4)
    assert set(hist.reference) == set(markets.DRIVERS + markets.PRICES)
