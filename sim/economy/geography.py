"""Geography: distance decay between district centres, rents and location choice.

Assumptions: interactions (knowledge, suppliers, moves) decay as exp(-distance / e-folding
distance); rents follow a trend plus a response to occupancy of industrial floor space
(units: yuan/m2/month, m2); firms choose a district by a logit on rent, free space and the
presence of their industry (agglomeration).
"""

from __future__ import annotations

import numpy as np

from sim.params import DemographyParams, GeographyParams


def decay(distance_km: np.ndarray, efold_km: float) -> np.ndarray:
    """exp(-d / efold); efold 0 means only the own district counts."""
    if efold_km <= 0:
        return (distance_km == 0).astype(float)
    return np.exp(-distance_km / efold_km)


def update_rent(
    rent: np.ndarray, used: np.ndarray, space: np.ndarray, reference_occupancy: np.ndarray, p: GeographyParams
) -> np.ndarray:
    """New rent (yuan/m2/month): trend growth plus a response to occupancy above the district's
    base-year occupancy (rents rise where space fills up, fall where it empties)."""
    occ = used / np.maximum(space, 1.0)
    growth = p.rent_growth + p.rent_occupancy_elasticity * (occ - reference_occupancy)
    return rent * np.clip(1.0 + growth, 1.0 + p.max_rent_change[0], 1.0 + p.max_rent_change[1])


def location_utility(rent: np.ndarray, free_space: np.ndarray, presence: np.ndarray, p: DemographyParams) -> np.ndarray:
    """Logit utility of each district [N_IND, N_DIST] for a firm of each industry.

    rent [N_DIST] yuan/m2/month; free_space [N_DIST] m2; presence [N_IND, N_DIST] output share.
    A district without free space gets a very low utility (entry is blocked there).
    """
    u = (
        -p.location_rent_elasticity * np.log(np.maximum(rent, 1e-6))
        + p.location_space_weight * np.log(np.maximum(free_space, 1.0))
    )[None, :]
    u = u + p.location_cluster_weight * np.log(presence + 1e-3)
    u = np.where(free_space[None, :] > 0, u, -np.inf)
    return u


def logit_probabilities(u: np.ndarray) -> np.ndarray:
    m = np.max(np.where(np.isfinite(u), u, -1e300), axis=-1, keepdims=True)
    e = np.where(np.isfinite(u), np.exp(u - m), 0.0)
    s = e.sum(axis=-1, keepdims=True)
    return np.where(s > 0, e / np.where(s > 0, s, 1.0), 1.0 / u.shape[-1])
