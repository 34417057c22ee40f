"""Direction tests of the economy's mechanisms with common random numbers: same seed, one thing
changed, small scale, plan levers off (policy=no_plan; the levers have their own tests)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import simtest
from simtest import alive_total, annual, at_quarter

from sim.economy.production import produce
from sim.ids import DISTRICTS, N_IND
from sim.model import SEIModel
from sim.params import ProductionParams

SPOT_SHARE = ProductionParams().spot_share

small_model = partial(simtest.small_model, policy="no_plan")
small_config = partial(simtest.small_config, policy="no_plan")


# ---------------------------------------------------------------------------------------------
# (a) more innovation carriers -> more knowledge
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def many_institutes():
    return {
        s: small_model(s, **{"scenario.end_year": 2023, "params.demography.institute_creation_per_year": 600}).run()
        for s in range(4)
    }


def test_more_institutes_more_institute_knowledge(runs_2023, many_institutes):
    for s in runs_2023:
        base, more = runs_2023[s].world, many_institutes[s].world
        assert more.institutes.alive.sum() > base.institutes.alive.sum()
        assert alive_total(more.institutes, "knowledge") > alive_total(base.institutes, "knowledge"), f"seed {s}"


def test_more_institutes_more_total_knowledge(runs_2023, many_institutes):
    total = lambda w: alive_total(w.firms, "knowledge") + alive_total(w.institutes, "knowledge")  # noqa: E731
    assert sum(total(many_institutes[s].world) for s in runs_2023) > sum(total(runs_2023[s].world) for s in runs_2023)


def test_more_institute_knowledge_spills_over_to_firms():
    # One quarter with common random numbers: the same world, one of them with extra carriers that
    # already hold knowledge; the innovation phase runs first, so only spillovers differ.
    from sim.kernel.entry import create_institutes

    base, more = small_model(0), small_model(0)
    rows = create_institutes(more.world, 200, 0, np.random.default_rng(1))
    inst = more.world.institutes
    inst.knowledge[rows] = np.median(inst.knowledge[: rows[0]])
    k0 = base.world.firms.knowledge.copy()
    base.step()
    more.step()
    gain_base = base.world.firms.knowledge[: len(k0)] - k0
    gain_more = more.world.firms.knowledge[: len(k0)] - k0
    alive = base.world.firms.alive[: len(k0)] & more.world.firms.alive[: len(k0)]
    assert gain_more[alive].sum() > gain_base[alive].sum()
    assert (gain_more[alive] >= gain_base[alive] - 1e-6 * np.abs(gain_base[alive])).all()


# ---------------------------------------------------------------------------------------------
# (b) a failed supplier lowers its customers' output
# ---------------------------------------------------------------------------------------------
def test_failed_supplier_lowers_its_customers_output():
    base, failed = small_model(0), small_model(0)
    base.step()
    failed.step()
    f = base.world.firms
    np.testing.assert_array_equal(f.output, failed.world.firms.output)  # identical so far
    L = base.world.links
    live = f.alive[L.supplier] & f.alive[L.customer]
    pairs = np.unique(np.stack([L.supplier[live], L.customer[live]]), axis=1)
    n_customers = np.bincount(pairs[0], minlength=f.n)
    # a large supplier with many customers: the biggest seller to the network among those with >= 20 customers
    score = np.where(f.alive & (n_customers >= 20), f.sales_interm, 0.0)
    s = int(np.argmax(score))
    assert score[s] > 0
    customers = np.unique(L.customer[live & (L.supplier == s)])
    customers = customers[customers != s]
    assert len(customers) >= 10

    failed.world.firms.tfp[s] = 1e-6  # capacity collapses; the firm stays alive this quarter
    base.step()
    failed.step()
    fb, ff = base.world.firms, failed.world.firms
    assert ff.output[s] < 1e-3 * fb.output[s]
    assert ff.output[customers].sum() < fb.output[customers].sum()


# Tiny hand-made networks where the answer is known. Industries: supplier 1, customer 0.
def _io(coef: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    io = np.zeros((N_IND + 2, N_IND))  # rows: 7 industries, ROE, IMPORT
    io[N_IND, :] = 0.4  # rest of the economy
    io[1, 0] = coef
    va_ratio = 1.0 - io.sum(axis=0)
    return io, va_ratio


def _produce(ind, capacity, demand, sup, cust, rounds=6, avail=None):
    io, va_ratio = _io()
    return produce(
        ind=np.array(ind),
        capacity=np.array(capacity, float),
        final_demand=np.array(demand, float),
        sup=np.array(sup),
        cust=np.array(cust),
        w=np.ones(len(sup)),
        io=io,
        va_ratio=va_ratio,
        import_avail=np.ones(N_IND) if avail is None else avail,
        rounds=rounds,
        spot_share=SPOT_SHARE,
    )


def test_supplier_with_zero_capacity_cuts_its_sole_customer_to_the_spot_share():
    # firm 0: supplier without capacity; firm 1: its only customer, demand 100, ample capacity
    res = _produce(ind=[1, 0], capacity=[0.0, 1000.0], demand=[0.0, 100.0], sup=[0], cust=[1])
    assert res.input_ratio[1] == pytest.approx(SPOT_SHARE)
    assert res.output[1] == pytest.approx(SPOT_SHARE * 100.0)
    assert res.output[0] == 0.0
    assert res.link_flow[0] == 0.0 and res.interm_sei[1] == 0.0
    # VA of the customer is its VA ratio times what it could make
    assert res.value_added[1] == pytest.approx((1 - 0.4 - 0.2) * SPOT_SHARE * 100.0)


def test_orders_move_to_a_supplier_that_can_deliver():
    # firm 0 has no capacity, firm 2 (same industry) has plenty: firm 1 is not hurt
    res = _produce(ind=[1, 0, 1], capacity=[0.0, 1000.0, 1000.0], demand=[0.0, 100.0, 0.0], sup=[0, 2], cust=[1, 1])
    assert res.input_ratio[1] == pytest.approx(1.0)
    assert res.output[1] == pytest.approx(100.0)
    assert res.output[2] == pytest.approx(0.2 * 100.0)
    np.testing.assert_allclose(res.link_flow, [0.0, 20.0])


def test_short_supplier_rations_to_the_fixed_point():
    # supplier capacity 10 against a need of 0.2 x 100: the customer's input ratio rho solves
    # rho = S + (1 - S) r with delivery ratio r = 10 / (0.2 x 100 x rho)
    c = 10.0 / (0.2 * 100.0)
    rho = (SPOT_SHARE + np.sqrt(SPOT_SHARE**2 + 4 * (1 - SPOT_SHARE) * c)) / 2
    res = _produce(ind=[1, 0], capacity=[10.0, 1000.0], demand=[0.0, 100.0], sup=[0], cust=[1], rounds=200)
    assert res.input_ratio[1] == pytest.approx(rho, abs=5e-3)
    assert res.output[1] == pytest.approx(100.0 * rho, rel=5e-3)
    assert res.output[0] == pytest.approx(10.0)


def test_short_supplier_sells_no_more_than_it_makes():
    res = _produce(ind=[1, 0], capacity=[10.0, 1000.0], demand=[0.0, 100.0], sup=[0], cust=[1], rounds=200)
    assert res.sales_interm[0] <= res.output[0] * (1 + 1e-9)
    assert res.interm_sei[1] <= 10.0 * (1 + 1e-9)


def test_missing_imports_cap_the_input_ratio():
    avail = np.ones(N_IND)
    avail[0] = 0.7
    res = _produce(ind=[1, 0], capacity=[1000.0, 1000.0], demand=[0.0, 100.0], sup=[0], cust=[1], avail=avail)
    assert res.input_ratio[1] == pytest.approx(0.7)
    assert res.output[1] == pytest.approx(70.0)


# ---------------------------------------------------------------------------------------------
# (c) higher rent in a district -> fewer firms there
# ---------------------------------------------------------------------------------------------
NANSHAN = DISTRICTS.index("nanshan")
DEAR = {"scenario.rent_multiplier": {"nanshan": 2.0}}


def _in_nanshan(m, column=None):
    f = m.world.firms
    here = f.alive & (f.district == NANSHAN)
    return int(here.sum()) if column is None else float(getattr(f, column)[here].sum())


@pytest.fixture(scope="module")
def dear_2023():
    return {s: small_model(s, **{"scenario.end_year": 2023}, **DEAR).run() for s in range(4)}


def test_higher_rent_in_nanshan_fewer_firms_there_by_2021(runs_2021):
    dear = small_model(0, **{"scenario.end_year": 2021}, **DEAR).run()
    assert dear.world.rent[NANSHAN] > runs_2021.world.rent[NANSHAN]
    assert _in_nanshan(dear) < _in_nanshan(runs_2021)


def test_higher_rent_in_nanshan_less_employment_there(runs_2023, dear_2023):
    # Per seed the effect on employment can vanish: where floor space binds, dearer space is used
    # more densely (params.geography.space_rent_elasticity), so the same space holds more people.
    for s in runs_2023:
        assert dear_2023[s].world.rent[NANSHAN] > runs_2023[s].world.rent[NANSHAN]
    assert sum(_in_nanshan(dear_2023[s], "employees") for s in runs_2023) < sum(
        _in_nanshan(runs_2023[s], "employees") for s in runs_2023
    )


def test_higher_rent_in_nanshan_fewer_firms_there_by_2023(runs_2023, dear_2023):
    assert sum(_in_nanshan(dear_2023[s]) for s in runs_2023) < sum(_in_nanshan(runs_2023[s]) for s in runs_2023)


# ---------------------------------------------------------------------------------------------
# (d) more R&D -> more knowledge and TFP
# ---------------------------------------------------------------------------------------------
def test_more_rd_more_knowledge_and_tfp(runs_2021):
    m = small_model(0, **{"scenario.end_year": 2021})
    m.world.firms.rd_intensity[:] *= 2.0
    m.run()
    f0, f1 = runs_2021.world.firms, m.world.firms
    assert alive_total(f1, "knowledge") > alive_total(f0, "knowledge")
    mean_log_tfp = lambda f: float(np.log(f.tfp[f.alive]).mean())  # noqa: E731
    assert mean_log_tfp(f1) > mean_log_tfp(f0)


# ---------------------------------------------------------------------------------------------
# (e) higher demand trend -> more value added and employment
# ---------------------------------------------------------------------------------------------
def test_higher_share_trend_more_value_added_and_employment(runs_2021):
    trend = runs_2021.cfg.calibration.share_trend
    m = small_model(
        0, **{"scenario.end_year": 2021, "calibration.share_trend": {i: v + 0.05 for i, v in trend.items()}}
    ).run()
    base, high = runs_2021.timeseries(), m.timeseries()
    assert annual(high, "value_added", 2021) > annual(base, "value_added", 2021)
    assert at_quarter(high, "employment", "2021Q4") > at_quarter(base, "employment", "2021Q4")


# ---------------------------------------------------------------------------------------------
# (f) the steady scenario differs from history in 2020-2021
# ---------------------------------------------------------------------------------------------
def test_steady_scenario_differs_from_history(runs_2021):
    cfg = small_config(0, scenario="steady", **{"scenario.end_year": 2021})
    assert cfg.scenario.demand_path == "steady" and not cfg.scenario.quarter_shocks
    steady = SEIModel(cfg, handles=False).run().timeseries()
    hist = runs_2021.timeseries()
    # 2020: pandemic shocks and weak growth in history; 2021: the export and chip boom
    assert annual(hist, "value_added", 2020) < annual(steady, "value_added", 2020)
    assert at_quarter(hist, "value_added", "2020Q1") < at_quarter(steady, "value_added", "2020Q1")
    growth = lambda ts: annual(ts, "value_added", 2021) / annual(ts, "value_added", 2020)  # noqa: E731
    assert growth(hist) > growth(steady)
