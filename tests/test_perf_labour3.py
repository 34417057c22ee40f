"""The faster labour, finance and innovation code (computed on the rows that matter) gives the
results and consumes the random numbers of the full-table code it replaces (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.economy.innovation import update_firm_innovation
from sim.params import InnovationParams


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
