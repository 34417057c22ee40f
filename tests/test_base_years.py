"""Base years as data (sim/data/base_years.csv): a run can start after 2018 (default) or after 2015, for
an in-sample 2016-2019 run; the base world carries that year's totals."""

from __future__ import annotations

import numpy as np
import pytest

from sim.basedata import YUAN_PER_100M, load
from sim.config import ConfigError, to_config
from sim.model import SEIModel


def test_a_run_after_2015_starts_from_the_2015_totals():
    cfg = {"scenario.start_year": 2016, "scenario.end_year": 2016, "targets.plan_start": "2016Q1"}
    m = SEIModel(to_config(None, scale="small", **cfg), handles=False)
    base = load().base_years[2015]
    assert m.world.base.year == 2015
    n_cert = round(base.high_tech_enterprises * 0.1)  # certified stock; uncertified firms on top (params.init)
    assert np.count_nonzero(m.world.firms.certified_until >= -1) == n_cert
    assert m.world.firms.n == pytest.approx(n_cert * (1 + m.cfg.params.init.uncertified_per_certified[0]), abs=8)
    assert m.recorder.base["va_annual"] / YUAN_PER_100M == pytest.approx(6204.0, rel=1e-6)
    assert m.recorder.base["year"] == 2015
    m.run()  # four quarters of 2016
    assert m.year == 2016 and m.q == 4


def test_the_default_base_is_2018_and_its_value_added_the_statistic():
    d = load()
    np.testing.assert_allclose(d.base_years[2018].va, d.va_2018)
    assert d.base_years[2018].growth_next == pytest.approx(d.va_2019.sum() / d.va_2018.sum())


@pytest.mark.parametrize("year", [2017, 2020, 2030])
def test_a_start_year_without_a_base_year_is_refused(year):
    with pytest.raises(ConfigError, match=r"scenario\.start_year.*allowed: 2016, 2019"):
        to_config(None, **{"scenario.start_year": year, "scenario.end_year": 2030})
