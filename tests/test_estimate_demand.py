"""The national demand elasticities (experiments.estimate_demand): estimated on 2010-2019 only and
stored current in sim/data/demand_elasticities.csv."""

from __future__ import annotations

import csv

import numpy as np

from experiments import estimate_demand as ed


def test_stored_elasticities_are_current():
    assert ed.main(["--check"]) == 0


def test_only_years_up_to_2019_enter_the_estimation():
    d = ed.read_drivers()
    assert d["year"].max() == 2019 and d["year"].min() == 2010


def test_ols_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = 1.0 + 2.0 * X[:, 0] - 0.5 * X[:, 1] + rng.normal(0, 0.1, 200)
    beta, se, n, r2 = ed.ols(y, X)
    np.testing.assert_allclose(beta, [1.0, 2.0, -0.5], atol=0.05)
    assert n == 200 and r2 > 0.99 and (se < 0.02).all()


def test_electronics_follow_exports_significantly():
    with open(ed.OUT, newline="", encoding="utf-8") as fh:
        rows = {(r["equation"], r["regressor"]): r for r in csv.DictReader(fh)}
    r = rows[("electronics", "china_goods_exports_usd_growth_pct")]
    assert float(r["estimate"]) > 2 * float(r["se"]) > 0
    assert r["period"] == "2010-2019"
