"""Dated level deviations of external demand that a scenario sets by hand (scenario.quarter_shocks).

The trend of each industry's demand follows its national market and Shenzhen's share of it
(sim.economy.markets, sim.kernel.phases.demand); the history scenario's 2020 and 2022 dips come from
the national quarterly GDP profile, not from these. Units: multipliers of the quarter's demand.
"""

from __future__ import annotations

from sim.ids import parse_quarter
from sim.params import ScenarioConfig


def shock_multiplier(year: int, q: int, scenario: ScenarioConfig) -> float:
    """Temporary level multiplier of external demand in quarter (year, q)."""
    for key, dev in scenario.quarter_shocks.items():
        if parse_quarter(f"scenario.quarter_shocks.{key}", key) == (year, q):
            return 1.0 + float(dev)
    return 1.0
