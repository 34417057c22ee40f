"""Shocks as data (``scenario.shocks`` and the scenario's dated ``events``, sim.params.ShockConfig): the multipliers a quarter's active
shocks put on the final demand and the capacity of each firm, and on the imported inputs of each
industry. Applied in the production phase (sim.kernel.phases.production); overlapping shocks multiply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, parse_quarter
from sim.params import ScenarioConfig, ShockConfig


@dataclass(frozen=True)
class ShockMultipliers:
    demand: np.ndarray  # per firm row, multiplies final demand
    supply: np.ndarray  # per firm row, multiplies capacity
    imports: np.ndarray  # per industry, multiplies the availability of imported inputs


def active(shock: ShockConfig, year: int, q: int) -> bool:
    """Whether ``shock`` hits quarter (year, q) (its window is inclusive)."""
    start = parse_quarter("scenario.shocks.start", shock.start)
    end = parse_quarter("scenario.shocks.end", shock.end)
    return start <= (year, q) <= end


def multipliers(
    scenario: ScenarioConfig,
    year: int,
    q: int,
    industry: np.ndarray,
    district: np.ndarray,
) -> ShockMultipliers | None:
    """Multipliers of the shocks active in (year, q) for firm rows with ``industry`` and
    ``district`` indices (positions in sim.ids.INDUSTRIES, DISTRICTS); None when no shock is active (the run is then untouched)."""
    hits = [s for s in (*scenario.events, *scenario.shocks) if active(s, year, q)]
    if not hits:
        return None
    # a firm's multipliers depend on its (industry, district) cell only: made per cell, in the
    # order of the shocks (the same products as per firm), then gathered
    dm = np.ones((len(INDUSTRIES), len(DISTRICTS)))
    sm = np.ones((len(INDUSTRIES), len(DISTRICTS)))
    im = np.ones(len(INDUSTRIES))
    for s in hits:
        ind_hit = np.array([not s.industries or i in s.industries for i in INDUSTRIES])
        dis_hit = np.array([not s.districts or d in s.districts for d in DISTRICTS])
        cell_hit = ind_hit[:, None] & dis_hit[None, :]
        dm[cell_hit] *= 1.0 + s.demand
        sm[cell_hit] *= 1.0 + s.supply
        if s.import_availability is not None:
            im[ind_hit] *= s.import_availability
    cell = industry.astype(np.intp) * len(DISTRICTS) + district
    return ShockMultipliers(demand=dm.reshape(-1)[cell], supply=sm.reshape(-1)[cell], imports=im)
