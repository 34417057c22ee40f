"""Innovation: R&D, institute knowledge, spillovers and productivity.

Assumptions (docs/ODD.md, "Innovation"); knowledge is measured in yuan of R&D-equivalent:
- Firms spend rd_intensity x sales on R&D each quarter; knowledge K' = (1-delta) K + R&D + spillover
  (perpetual inventory, delta = 15%/yr, Griliches).
- Knowledge pools by industry x district (firms, and institutes with a larger weight: public
  research is open, firm knowledge partly appropriated) spill over to every cell with
  weight exp(-distance / e-fold) and cross-field proximity; a firm absorbs a share of the pool
  reachable from its cell in proportion to its R&D (absorptive capacity, Cohen & Levinthal 1989).
- TFP: dlog TFP = elasticity x dlog K (Hall, Mairesse & Mohnen 2010: 0.08-0.12) plus random
  breakthroughs with hazard 1 - exp(-rate x R&D/sales) and an exponentially distributed
  log-TFP jump (mean breakthrough_size).
- Institutes turn budget into knowledge at their capability (0-1) and staffing; capability
  converges to 1 by learning, faster with larger budgets.
"""

from __future__ import annotations

import numpy as np

from sim.economy.geography import decay
from sim.ids import N_DIST, N_IND
from sim.params import InnovationParams


def spillover_kernel(distance_km: np.ndarray, p: InnovationParams) -> np.ndarray:
    """K[(i,d), (j,d')] = proximity(i,j) * exp(-dist(d,d')/efold), shape [N_IND*N_DIST]^2."""
    prox = np.full((N_IND, N_IND), p.cross_field_proximity)
    np.fill_diagonal(prox, 1.0)
    return np.kron(prox, decay(distance_km, p.spillover_distance_km))


def knowledge_pool(ind: np.ndarray, dist: np.ndarray, knowledge: np.ndarray) -> np.ndarray:
    """Knowledge stock by cell (industry x district), flattened [N_IND*N_DIST]."""
    return np.bincount(ind.astype(np.int64) * N_DIST + dist, weights=knowledge, minlength=N_IND * N_DIST)


def firm_spillovers(cell: np.ndarray, rd: np.ndarray, reachable: np.ndarray, p: InnovationParams) -> np.ndarray:
    """Knowledge each firm absorbs this quarter (yuan-equivalent): spillover_rate x reachable pool
    of its cell, shared among the cell's firms in proportion to their R&D."""
    cell_rd = np.bincount(cell, weights=rd, minlength=N_IND * N_DIST)
    share = np.where(cell_rd[cell] > 0, rd / np.where(cell_rd[cell] > 0, cell_rd[cell], 1.0), 0.0)
    return p.spillover_rate * reachable[cell] * share


def update_firm_innovation(
    knowledge: np.ndarray,
    tfp: np.ndarray,
    rd: np.ndarray,
    spill: np.ndarray,
    sales: np.ndarray,
    p: InnovationParams,
    rng: np.random.Generator,
    breakthrough_multiplier: np.ndarray | float = 1.0,
    rows: np.ndarray | None = None,
    n: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New (knowledge, tfp, breakthrough mask) after one quarter of R&D and spillovers.
    ``breakthrough_multiplier`` scales the hazard (pilot-scale funding, regulatory pilots). With
    ``rows`` of a table of ``n`` firms, the arrays are those rows' values: the draws are made for all
    ``n`` firms (the same draws) and the results, elementwise, are those of the rows."""
    k_new = (1.0 - p.knowledge_depreciation) * knowledge + rd + spill
    growth = np.log(np.maximum(k_new, 1e-9) / np.maximum(knowledge, 1e-9))
    intensity = np.where(sales > 0, rd / np.where(sales > 0, sales, 1.0), 0.0)
    u = rng.random(len(tfp) if rows is None else n)
    hit = (u if rows is None else u[rows]) < 1.0 - np.exp(-p.breakthrough_rate * intensity * breakthrough_multiplier)
    size = rng.exponential(p.breakthrough_size, len(u))
    jump = np.zeros(len(tfp))  # 0 where there is no breakthrough, as np.where(hit, size, 0.0)
    jump[hit] = size[np.flatnonzero(hit) if rows is None else rows[hit]]
    tfp_new = tfp * np.exp(p.tfp_knowledge_elasticity * growth + jump)
    return k_new, tfp_new, hit


def update_institutes(
    knowledge: np.ndarray,
    budget: np.ndarray,
    capability: np.ndarray,
    researchers: np.ndarray,
    target: np.ndarray,
    alive: np.ndarray,
    p: InnovationParams,
    extra_budget: np.ndarray | float = 0.0,
    learning_multiplier: np.ndarray | float = 1.0,
) -> tuple[np.ndarray, ...]:
    """New (knowledge, knowledge_flow, capability, budget) of institutes after one quarter.
    ``extra_budget`` (yuan this quarter) is spent on research like the own budget."""
    staffing = np.sqrt(np.clip(researchers / np.maximum(target, 1e-9), 0.0, 1.0))
    spent = budget + extra_budget
    flow = np.where(alive, p.institute_knowledge_per_yuan * capability * spent * staffing, 0.0)
    k_new = (1.0 - p.knowledge_depreciation) * knowledge + flow
    mean_b = spent[alive].mean() if alive.any() else 1.0
    learn = learning_multiplier * p.capability_learning * np.sqrt(spent / max(mean_b, 1e-9)) * staffing
    cap_new = np.where(alive, capability + np.minimum(learn, 1.0) * (1.0 - capability), capability)
    b_new = np.where(alive, budget * (1.0 + p.institute_budget_growth), budget)
    return k_new, flow, cap_new, b_new
