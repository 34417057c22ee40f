"""The default run is demand-bound (issue 12): firms keep spare capacity and final demand is served.

On the traced default run (small scale, seed 0, history scenario, plan_2018, 2019Q1-2025Q4):
the median over firms of annual output / annual capacity stays under 0.9 in every year, and the
share of final demand that goes unserved (final demand - final sales) stays under 3% in every
quarter. Before issue 12 firms ran at about 0.93 and 9-18% of final demand went unserved."""

from __future__ import annotations

from collections import defaultdict

import numpy as np


def _grow(acc: np.ndarray | None, add: np.ndarray) -> np.ndarray:
    """acc + add, where the firm table (and so ``add``) may have grown since ``acc`` was made."""
    if acc is None:
        return add.copy()
    out = add.copy()
    out[: len(acc)] += acc
    return out


def _by_year(trace):
    """Per year: each firm row's output and capacity summed over the quarters (yuan), and each
    quarter's unserved share of final demand."""
    out: dict = defaultdict(lambda: None)
    cap: dict = defaultdict(lambda: None)
    unserved = defaultdict(list)
    for q in trace[1]:
        year = int(q["label"][:4])
        f, rows = q["firms"], q["rows"]
        o, c = np.zeros(len(f["output"])), np.zeros(len(f["output"]))
        o[rows], c[rows] = f["output"][rows], f["capacity"][rows]
        out[year], cap[year] = _grow(out[year], o), _grow(cap[year], c)
        unserved[year].append(1.0 - f["sales_final"][rows].sum() / f["final_demand"][rows].sum())
    return out, cap, unserved


def test_median_capacity_utilisation_is_under_0_9_in_every_year(trace):
    out, cap, _ = _by_year(trace)
    util = {}
    for year in out:
        o, c = out[year], cap[year]
        util[year] = float(np.median(o[c > 0] / c[c > 0]))
    assert len(util) == 7, util
    assert all(0.5 < u < 0.9 for u in util.values()), util


def test_unserved_final_demand_is_under_3_percent_in_every_quarter(trace):
    _, _, unserved = _by_year(trace)
    worst = {y: max(v) for y, v in unserved.items()}
    assert all(0.0 <= u < 0.03 for u in worst.values()), worst
