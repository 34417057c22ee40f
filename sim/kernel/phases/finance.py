"""Phase 6 of a quarter: the firms' accounts (sim.economy.finance): profit, investment under a
collateral constraint, debt and cash, with this quarter's public transfers."""

from __future__ import annotations

import numpy as np

from sim.economy import finance as fin
from sim.kernel.markets import capital_deepening
from sim.kernel.world import World

SETTLED_COLUMNS = ("profit", "investment", "capital", "debt", "cash", "interest")


def finance(w: World) -> np.ndarray:
    """Settle the quarter's accounts of alive firms; returns the mask of insolvent firms."""
    f, pp = w.firms, w.params
    cap = np.maximum(f.capacity, 1e-9)
    expected = f.demand * w.ext_growth[f.industry]
    factor = np.clip(expected / pp.production.target_utilisation / cap, 0.0, pp.production.max_capacity_adjustment)
    deepen = capital_deepening(w.wage_index, w.markets, f, pp.market.capital_deepening_speed)
    # a firm that could not fill its vacancies plans its extra capacity with capital alone
    # (Cobb-Douglas with labour fixed: capacity ~ K^(1-b), so K grows by factor^(1/(1-b)))
    short = (f.vacancies > 0) & (factor > 1.0)
    exponent = np.where(short, 1.0 / (1.0 - pp.production.labour_elasticity), 1.0)
    e = w.effects
    res = fin.settle(
        value_added=f.value_added,
        wage_bill=f.wage_bill,
        rent=f.rent,
        rd=f.rd_spending,
        capital=f.capital,
        desired_capital=f.capital * factor**exponent * deepen**pp.production.labour_elasticity,
        debt=f.debt,
        cash=f.cash,
        p=pp.finance,
        transfers=e.firm_transfers(),
        leverage_bonus=e.leverage_bonus,
    )
    alive = f.alive
    f.wage_paid[:] = np.where(alive, f.wage_bill, 0.0)  # the quarter's wage bill as settled (recorded as wage_bill)
    for name in SETTLED_COLUMNS:
        col = f.col(name)
        col[:] = np.where(alive, getattr(res, name), col)
    return res.insolvent & alive
