"""The observed moments of 2016-2019 (experiments.moments): enough to over-identify the calibration,
all from sim/data, none after 2019."""

from __future__ import annotations

import re

from experiments.moments import LAST_YEAR, observed


def test_moments_are_many_finite_and_never_after_2019():
    obs = observed()
    assert len(obs) >= 20  # more moments than the ~10 parameters the calibration fits
    assert len({o.id for o in obs}) == len(obs)
    for o in obs:
        assert o.sd > 0 and o.source and o.why_sd
        years = [int(y) for y in re.findall(r"(20\d\d)", o.id)]
        assert all(y <= LAST_YEAR for y in years)


def test_known_values():
    by = {o.id: o for o in observed()}
    assert abs(by["va_real_growth_2019"].value - 0.088) < 1e-12
    assert by["high_tech_enterprises_2016"].value == 8037
    assert abs(by["population_growth_2019"].value - (1343.88 / 1302.66 - 1)) < 1e-12
