"""Phase 1 of a quarter: the trend level of external demand moves on (sim.economy.demand)."""

from __future__ import annotations

from sim.economy import demand as dem
from sim.kernel.world import World


def environment(w: World, year: int, q: int) -> None:
    """Advance the trend level of external demand by one quarter (yuan/quarter by industry)."""
    g = dem.annual_growth(year, w.demand_trend, w.scenario, w.data)
    w.ext_growth = dem.quarterly_factor(g)
    w.ext_demand = w.ext_demand * w.ext_growth
