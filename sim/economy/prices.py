"""Prices: firms' output prices from unit labour costs, industry deflators, and wage setting.

Assumptions (issue 12 groundwork; the phases do not call this module yet):
- A firm's price is its industry's national market price index times its relative unit labour
  cost: p_f = P_i x (ulc_f / ulc_f,0) / (U / U_0), where ulc is the wage bill per yuan of real value
  added and U the national unit labour cost index (national wages over national productivity).
  Cost pass-through to the price is ``pass_through`` (1 = full). A firm that innovates faster
  than the nation, or pays wages that rise slower than its productivity, becomes cheaper.
- The industry deflator is implicit: nominal value added over real value added, so real x
  deflator = nominal by construction.
- Wages follow prices and productivity with partial indexation: d log w = index_cpi x CPI
  inflation + (1 - index_cpi) x the industry's output price inflation + productivity_pass x
  productivity growth (+ the wage curve of sim.economy.labour); with full productivity pass-through
  the wage share of value added stays where it was.
Units: prices and indices are dimensionless (base year = 1); wages in yuan/person/quarter.
"""

from __future__ import annotations

import numpy as np


def relative_price(ulc: np.ndarray, ulc_base: np.ndarray, national_ulc_index: float, pass_through: float) -> np.ndarray:
    """Firm price relative to its market's price index: (ulc / ulc at base, over the national
    unit-labour-cost index) ** pass_through."""
    rel = np.divide(ulc, ulc_base, out=np.ones_like(ulc, dtype=float), where=ulc_base > 0) / national_ulc_index
    return np.power(np.maximum(rel, 1e-9), pass_through)


def implicit_deflator(
    nominal: np.ndarray, price: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """(real, deflator) by group: real = sum of nominal / price, deflator = nominal / real (1 where empty)."""
    nom = np.bincount(group, weights=nominal, minlength=n_groups)
    real = np.bincount(
        group, weights=np.divide(nominal, price, out=np.zeros_like(nominal), where=price > 0), minlength=n_groups
    )
    return real, np.divide(nom, real, out=np.ones(n_groups), where=real > 0)


def wage_growth(cpi_inflation: float, price_inflation: np.ndarray, productivity_growth: float | np.ndarray,
                index_cpi: float, productivity_pass: float) -> np.ndarray:  # fmt: skip
    """Log growth of the nominal wage (per period): partial indexation to consumer and output
    prices plus a pass-through of productivity growth."""
    return index_cpi * cpi_inflation + (1.0 - index_cpi) * price_inflation + productivity_pass * productivity_growth
