"""Shared helpers of the test suite (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import numpy as np

from sim.config import to_config
from sim.model import SEIModel

# the sizes of scale=small spelled out as dotted keys (configs/scale/small.yaml also sets other
# scale options, so the tests choose the config group itself)
SMALL = {
    "scale.name": "small",
    "scale.firm_fraction": 0.1,
    "scale.institute_fraction": 0.1,
    "scale.people_per_agent": 250,
}


def small_config(seed: int = 0, scenario: str | None = None, policy: str | None = None, **overrides):
    """A validated small-scale config (scale group 'small'; history scenario and the default
    policy unless chosen)."""
    groups = {"scale": "small"}
    if scenario is not None:
        groups["scenario"] = scenario
    if policy is not None:
        groups["policy"] = policy
    return to_config(None, seed=seed, **groups, **overrides)


def small_model(seed: int = 0, *, handles: bool = False, **overrides) -> SEIModel:
    return SEIModel(small_config(seed, **overrides), handles=handles)


def production_of(world):
    """(rows, result, supplier_rows, customer_rows) of the last quarter's production
    (``world.last_production``, a sim.kernel.phases.ProductionRecord)."""
    lp = world.last_production
    assert lp is not None, "no quarter has been produced yet"
    return np.asarray(lp.rows), lp.result, np.asarray(lp.supplier_rows), np.asarray(lp.customer_rows)


def alive_total(table, column: str) -> float:
    return float(getattr(table, column)[table.alive].sum())


def annual(ts, metric: str, year: int, by: str | None = None):
    """Sum of a metric over one year (optionally by a column) from the tidy timeseries."""
    d = ts[(ts["metric"] == metric) & (ts["year"] == year)]
    if by is None:
        return float(d["value"].sum())
    return d.groupby(by, observed=True)["value"].sum()


def at_quarter(ts, metric: str, quarter: str) -> float:
    d = ts[(ts["metric"] == metric) & (ts["quarter"] == quarter)]
    assert len(d), f"no rows for {metric} {quarter}"
    return float(d["value"].sum())


class FewDraws:
    """A generator whose 32-bit tie-break draws come from ``[low, min(high, cap))``, so that ties
    are common: the bit-identical speed-ups must handle them as the code they replace."""

    def __init__(self, seed: int, cap: int):
        self.g, self.cap = np.random.default_rng(seed), cap

    def random(self, size=None):
        return self.g.random(size)

    def integers(self, low, high, size=None, dtype=np.int64):
        return self.g.integers(low, min(high, self.cap), size, dtype=dtype)
