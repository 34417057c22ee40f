"""Migration bounded by housing: how many people come to the city's talent pool in a quarter.

Assumptions (the labour phase, sim.kernel.phases.labour, applies them each quarter):
- Arrivals (graduates and migrants) are a base share of the talent stock, scaled by the expected
  wage gap against the rest of China (elasticity ``wage_elasticity``) and by housing tightness:
  people per dwelling against its base-year value, elasticity ``housing_elasticity`` (< 0: tighter
  housing, fewer arrivals), and by talent policies (a multiplier, within a bound).
- Unfilled vacancies pull extra migrants (Harris-Todaro), but at most ``max_vacancy_share`` of the
  stock per quarter: migration cannot answer every vacancy.
- The housing stock grows at its own rate plus what public housing programmes add.
Units: people and dwellings (people-equivalents); rates per quarter.
"""

from __future__ import annotations

import numpy as np


def housing_tightness(population: float, housing: float, base_ratio: float) -> float:
    """People per unit of housing relative to the base year (1 = as tight as then)."""
    return (population / max(housing, 1e-9)) / base_ratio


def arrivals(stock: np.ndarray, unfilled: np.ndarray, base_rate: float, wage_gap: float, tightness: float,
             wage_elasticity: float, housing_elasticity: float, vacancy_response: float,
             max_vacancy_share: float, policy_multiplier: float = 1.0) -> np.ndarray:  # fmt: skip
    """Expected arrivals (people) per cell this quarter: the base flow scaled by the wage gap
    (Shenzhen over national wage, 1 = equal) and housing tightness, plus the capped vacancy pull."""
    scale = wage_gap**wage_elasticity * tightness**housing_elasticity * policy_multiplier
    pull = np.minimum(vacancy_response * unfilled, max_vacancy_share * stock)
    return np.clip(base_rate * stock * scale + pull * tightness**housing_elasticity, 0.0, None)


def grow_housing(housing: float, growth: float, added: float = 0.0) -> float:
    """Housing stock after one quarter: trend growth plus public additions (people-equivalents)."""
    return housing * (1.0 + growth) + added
