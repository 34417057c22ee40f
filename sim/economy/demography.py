"""Demography of firms and institutes: exit, entry (start-ups, institute spin-offs, inward
investment), new innovation carriers, relocation and supplier rewiring.

Assumptions (docs/ODD.md, "Demography"); rates are per year unless named per quarter:
- Exit: a hazard that falls with age and size (young and small firms exit more often; Haltiwanger
  et al. 2013) plus exit on insolvency (finance).
- Entry: start-ups arrive as a Poisson number proportional to each industry's firm stock; they
  and inward investments choose a district by a logit on rent, free floor space and industry
  presence (geography); a district without free floor space receives none. Spin-offs come from
  institutes in proportion to their capability and locate with their institute; large inward
  investments (97th-percentile employment) arrive at a fixed yearly rate.
- Relocation: a baseline hazard, higher where rent is above the city mean, to a district drawn
  from the same logit.
- Rewiring: links to exited suppliers are replaced; a share of links is re-chosen each quarter.
"""

from __future__ import annotations

import numpy as np

from sim.params import DemographyParams
from sim.quantiles import median


def exit_mask(
    age_q: np.ndarray,
    employees: np.ndarray,
    alive: np.ndarray,
    insolvent: np.ndarray,
    p: DemographyParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Firms that exit this quarter (age in quarters, employees in people)."""
    young = age_q < 4 * p.young_age_years
    med = median(employees[alive]) if alive.any() else 1.0
    size_factor = np.clip(
        (np.maximum(employees, 1.0) / max(med, 1.0)) ** -p.exit_size_elasticity,
        p.exit_size_factor_bounds[0],
        p.exit_size_factor_bounds[1],
    )
    annual = np.clip(np.where(young, p.young_exit_hazard, p.mature_exit_hazard) * size_factor, 0.0, p.max_exit_hazard)
    hazard = 1.0 - (1.0 - annual) ** 0.25
    return alive & ((rng.random(len(alive)) < hazard) | insolvent)


def startup_counts(firm_weight: np.ndarray, p: DemographyParams, rng: np.random.Generator) -> np.ndarray:
    """Number of start-ups this quarter for each entry of ``firm_weight`` (a firm stock, or a
    stock spread over districts by the location logit)."""
    return rng.poisson(p.entry_rate / 4.0 * np.clip(firm_weight, 0, None))


def spinoff_count(
    capability: np.ndarray, alive: np.ndarray, p: DemographyParams, rng: np.random.Generator
) -> np.ndarray:
    """Mask of institutes spinning off a firm this quarter."""
    return alive & (rng.random(len(alive)) < p.spinoff_rate * capability)


def relocation_mask(
    rent_of_firm: np.ndarray,
    mean_rent: float,
    alive: np.ndarray,
    p: DemographyParams,
    rng: np.random.Generator,
    multiplier: float = 1.0,
) -> np.ndarray:
    """Firms that decide to relocate this quarter: baseline hazard scaled by relative rent."""
    rate = multiplier * p.relocation_rate / 4.0 * (rent_of_firm / max(mean_rent, 1e-9)) ** p.relocation_rent_elasticity
    return alive & (rng.random(len(alive)) < np.clip(rate, 0, p.max_relocation_hazard))
