"""Certification of national high-tech enterprises: the counted stock is not the set of all firms.

Assumptions (issue 12 groundwork; the phases do not call this module yet):
- A certificate lasts ``validity`` quarters (three years under the 2016 rules). When it expires
  the firm renews with probability ``renewal`` if it is still eligible, else it loses the status
  (it keeps producing).
- An uncertified firm that is eligible (old enough, R&D intensity at or above the threshold)
  applies and is certified with hazard ``hazard`` per quarter.
- The statistic 'national high-tech enterprises' counts the firms holding a valid certificate.
Units: quarters; hazards per quarter.
"""

from __future__ import annotations

import numpy as np

NONE = -(10**6)  # certified_until of a firm that holds no certificate and has none to renew


def eligible(age_q: np.ndarray, rd_intensity: np.ndarray, alive: np.ndarray, min_age_q: float,
             min_rd_intensity: float) -> np.ndarray:  # fmt: skip
    """Firms that meet the conditions to apply (registered at least ``min_age_q`` quarters, R&D
    over sales at or above ``min_rd_intensity``)."""
    return alive & (age_q >= min_age_q) & (rd_intensity >= min_rd_intensity)


def step(certified_until: np.ndarray, now: int, can_apply: np.ndarray, hazard: float, renewal: float,
         validity: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """One quarter: (new certified_until, newly certified mask, lapsed mask). ``certified_until`` is
    the last quarter index a certificate covers (NONE: no certificate)."""
    holding = certified_until >= now
    expiring = certified_until == now - 1  # ran out at the end of the last quarter
    u = rng.random(len(certified_until))
    renew = expiring & can_apply & (u < renewal)
    new = ~holding & ~expiring & can_apply & (u < hazard)
    out = certified_until.copy()
    out[renew | new] = now + validity - 1
    out[expiring & ~renew] = NONE
    return out, new, expiring & ~renew


def count(certified_until: np.ndarray, now: int) -> int:
    """Firms holding a valid certificate in quarter ``now``."""
    return int(np.count_nonzero(certified_until >= now))
