"""What the funding levers share: scale conversion, eligibility, award sizes, paying claims
within a budget, and equity injections (used by sim.policy.special_fund and sim.policy.funding).

Scale: a firm agent stands for 1 / scale.firm_fraction firms (an institute agent for
1 / institute_fraction carriers), so a call makes ``awards_per_year x fraction`` awards of up to
``max_award / fraction`` yuan per agent, and per-firm thresholds (employees, sales) compare the
agent's value x fraction; the money spent is the same at every scale.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.kernel.state import Table
from sim.policy.base import PolicyContext
from sim.policy.targeting import Targeting


def scale_fraction(ctx: PolicyContext) -> float:
    """Firms represented by one firm agent, inverted: scale.firm_fraction."""
    return float(ctx.world.scale.firm_fraction)


def eligible_firms(ctx: PolicyContext, t: Targeting) -> np.ndarray:
    """Alive firms the targeting admits that have rows in this quarter's effects (a lever that adds
    firms in the policy phase extends the effects with PolicyEffects.grow)."""
    m = ctx.firm_mask(t)
    if ctx.effects.n_firms >= len(m):  # every row has effects (the usual case): nothing to cut
        return m
    return m & (np.arange(len(m)) < ctx.effects.n_firms)


def pay_in_order(amounts: np.ndarray, budget: float) -> np.ndarray:
    """Pay claims in call order until the quarter's budget is used up (the last one partly)."""
    before = np.cumsum(amounts) - amounts
    return np.clip(np.minimum(amounts, budget - before), 0.0, None)


def small_firms(ctx: PolicyContext, max_employees: float, max_sales: float) -> np.ndarray:
    """Firms whose represented firm has at most ``max_employees`` people and ``max_sales`` yuan/yr of
    sales (shared within the policy phase: read-only)."""
    f, ff = ctx.world.firms, scale_fraction(ctx)

    def make() -> np.ndarray:  # the same bounds serve the loan subsidy and risk compensation
        m = (f.employees * ff <= max_employees) & (4.0 * f.output * ff <= max_sales)
        m.setflags(write=False)
        return m

    return ctx.view.memo(ctx.world, ("small_firms", ff, max_employees, max_sales), make, "firms")


def inject_equity(ctx: PolicyContext, rows: np.ndarray, amount: np.ndarray, collateral_weight: float) -> None:
    """Equity reaches cash (effects.equity) and, being net worth, raises the borrowing limit in the
    quarter it arrives as if it were capital: leverage_bonus = weight x leverage_cap x equity /
    capital, so a yuan of equity supports leverage_cap / (1 - leverage_cap) yuan of new debt like a
    yuan of capital does (sim/economy/finance.py)."""
    f, e = ctx.world.firms, ctx.effects
    np.add.at(e.equity, rows, amount)
    lc = ctx.world.params.finance.leverage_cap
    np.add.at(e.leverage_bonus, rows, collateral_weight * lc * amount / np.maximum(f.capital[rows], 1.0))


def award_size(ctx: PolicyContext, c: Any, n_winners: int, ff: float) -> float:
    """Yuan per award: the cap per represented firm, or the quarter's budget shared by the winners."""
    return float(min(c.max_award / ff, ctx.quarter_budget(c.budget) / n_winners))


def growth_score(f: Table) -> np.ndarray:
    """R&D intensity plus log TFP gain since base or entry: what reviewers and investors rank on."""
    return f.rd_intensity + np.log(np.maximum(f.tfp / f.tfp_ref, 1e-9))


def call_growth_score(ctx: PolicyContext) -> np.ndarray:
    """growth_score of every firm row, worked out once per policy phase (grants, equity and the
    guidance fund rank on it; the caller must not change the array)."""
    return ctx.view.memo(ctx.world, "growth_score", lambda: growth_score(ctx.world.firms), "firms")
