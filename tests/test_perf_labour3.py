"""The faster labour, finance and innovation code (computed on the rows that matter) gives the
results and consumes the random numbers of the full-table code it replaces (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.economy import labour as lab
from sim.economy.innovation import update_firm_innovation
from sim.ids import N_DIST
from sim.params import InnovationParams, LabourParams


@pytest.mark.parametrize("seed", range(4))
def test_update_firm_innovation_of_rows_is_the_full_call(seed: int) -> None:
    g = np.random.default_rng(300 + seed)
    n = 4000
    p = InnovationParams(breakthrough_rate=20.0)  # many breakthroughs
    knowledge, tfp, sales = g.lognormal(15, 1, n), g.lognormal(0, 0.2, n), g.lognormal(17, 1, n) * (g.random(n) < 0.9)
    rd, mult = sales * g.uniform(0.0, 0.08, n), g.uniform(0.5, 2.0, n)
    spill = knowledge * 0.01
    rows = np.flatnonzero(g.random(n) < 0.6)
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    full = update_firm_innovation(knowledge, tfp, rd, spill, sales, p, a, mult)
    part = update_firm_innovation(
        knowledge[rows], tfp[rows], rd[rows], spill[rows], sales[rows], p, b, mult[rows], rows, n
    )  # fmt: skip
    for x, y in zip(full, part, strict=True):
        np.testing.assert_array_equal(x[rows], y)
    assert full[2][rows].any() and a.random() == b.random()  # the same draws were consumed


@pytest.mark.parametrize("seed", range(4))
def test_leaving_rows_is_leave_city_of_the_alive(seed: int) -> None:
    g = np.random.default_rng(400 + seed)
    n = 5000
    district = g.integers(0, N_DIST, n).astype(np.int8)
    alive, employed, age = g.random(n) < 0.8, g.random(n) < 0.7, g.uniform(20, 70, n)
    mult = g.uniform(0.5, 3.0, N_DIST) if seed % 2 else np.ones(N_DIST)
    p = LabourParams(outmigration_unemployed=0.2 * (seed > 1))  # above, then below the employed rates
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    want = np.flatnonzero(alive & lab.leave_city(employed, age, p, a, mult, district))
    got = lab.leaving_rows(alive, lambda rows: employed[rows], age, p, b, mult, district)
    np.testing.assert_array_equal(got, want)
    assert len(want) and a.random() == b.random()
