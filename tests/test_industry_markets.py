"""sim/data/industry_markets.csv: every industry's exposures to the national drivers sum to 1 and name
a known price index (issue 12 groundwork)."""

from __future__ import annotations

import csv

import pytest

from sim.basedata import DATA_DIR
from sim.economy.markets import DRIVERS
from sim.ids import INDUSTRIES


@pytest.fixture(scope="module")
def rows():
    with open(DATA_DIR / "industry_markets.csv", newline="", encoding="utf-8") as fh:
        return {r["industry_id"]: r for r in csv.DictReader(fh)}


def test_every_industry_has_exposures_summing_to_one(rows):
    assert set(rows) == set(INDUSTRIES)
    for r in rows.values():
        w = [float(r[k]) for k in DRIVERS]
        assert min(w) >= 0 and sum(w) == pytest.approx(1.0)
        assert r["price_index"] in ("ppi", "cpi")
        assert 0 < float(r["national_share_2018"]) < 1
        assert r["confidence"] in ("H", "M", "L") and r["source"]


def test_base_years_list_every_quantity_for_2015_and_2018():
    with open(DATA_DIR / "base_years.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_year: dict[str, set[str]] = {}
    for r in rows:
        float(r["value"])
        assert r["confidence"] and r["source"]
        by_year.setdefault(r["year"], set()).add(r["quantity"])
    assert set(by_year) == {"2015", "2018"} and by_year["2015"] == by_year["2018"]
    va = {r["year"]: float(r["value"]) for r in rows if r["quantity"] == "sei_value_added"}
    assert va["2015"] < va["2018"]


def test_largest_firms_are_in_known_industries_and_districts():
    from sim.ids import DISTRICTS

    with open(DATA_DIR / "largest_firms.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["industry_id"] in INDUSTRIES and r["district_id"] in DISTRICTS for r in rows)
    revenue = [float(r["revenue_2018_100m_yuan"]) for r in rows]
    assert revenue == sorted(revenue, reverse=True)
    g500 = 1561.7  # Fortune Global 500 entry 2018, 100m yuan (targets config)
    assert {r["firm"] for r in rows if r["fortune_global_500_2018"] == "1"} == {
        r["firm"] for r, v in zip(rows, revenue) if v >= g500
    }
