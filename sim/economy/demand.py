"""External demand for each industry's output (exports, domestic market, rest of the economy).

Assumption: nominal external demand of industry i grows each year by a calibrated trend plus
its exposure-weighted deviation of the macro drivers from their 2018-2019 reference:
    g_i(y) = trend_i + (1 - export_i) * dGDP + export_i * dExports + semi_i * dSemis   (shares, per year)
`history` uses shared/data/macro_drivers.csv (years without data: deviations 0); `steady` sets
every deviation to 0. Quarter shocks are temporary level deviations. Units: yuan/quarter.
"""

from __future__ import annotations

import numpy as np

from sim.basedata import BaseData
from sim.ids import INDUSTRIES, parse_quarter
from sim.params import ScenarioConfig

REFERENCE_YEARS = (2018, 2019)  # calibration window; reference level of each driver


def driver_reference(data: BaseData) -> dict[str, float]:
    keys = data.drivers[REFERENCE_YEARS[0]].keys()
    return {k: float(np.mean([data.drivers[y][k] for y in REFERENCE_YEARS])) for k in keys}


def annual_growth(year: int, trend: dict[str, float], scenario: ScenarioConfig, data: BaseData) -> np.ndarray:
    """Nominal growth rate of external demand in ``year`` by industry (share per year)."""
    g = np.array([trend[i] for i in INDUSTRIES], dtype=float)
    if scenario.demand_path == "history" and year in data.drivers:
        ref = driver_reference(data)
        dev = {k: (data.drivers[year][k] - ref[k]) / 100.0 for k in ref}
        g = (
            g
            + (1 - data.export_share) * dev["gdp"]
            + data.export_share * dev["exports"]
            + data.semiconductor_exposure * dev["semiconductors"]
        )
    return g


def quarterly_factor(annual: np.ndarray) -> np.ndarray:
    """Growth factor per quarter that compounds to the annual rate."""
    return (1.0 + annual) ** 0.25


def shock_multiplier(year: int, q: int, scenario: ScenarioConfig) -> float:
    """Temporary level multiplier of external demand in quarter (year, q)."""
    for key, dev in scenario.quarter_shocks.items():
        if parse_quarter(f"scenario.quarter_shocks.{key}", key) == (year, q):
            return 1.0 + float(dev)
    return 1.0
