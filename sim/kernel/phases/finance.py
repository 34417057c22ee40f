"""Phase 6 of a quarter: the firms' accounts (sim.economy.finance): profit, investment under a
collateral constraint, debt and cash, with this quarter's public transfers."""

from __future__ import annotations

import numpy as np

from sim.economy import finance as fin
from sim.kernel.markets import capital_deepening
from sim.kernel.world import World

SETTLED_COLUMNS = ("profit", "investment", "capital", "debt", "cash", "interest")


def _rows(x: np.ndarray | float, rows: np.ndarray) -> np.ndarray | float:
    """``x`` at ``rows`` if it is a per-firm array, else ``x`` (a scalar)."""
    return x[rows] if isinstance(x, np.ndarray) and x.ndim else x


def finance(w: World) -> np.ndarray:
    """Settle the quarter's accounts of alive firms; returns the mask of insolvent firms. Only the
    alive rows are computed (elementwise, so their values are those of a pass over every row)."""
    f, pp = w.firms, w.params
    alive = f.alive
    rows = np.flatnonzero(alive)
    col = lambda name: f.col(name)[rows]  # noqa: E731
    cap = np.maximum(col("capacity"), 1e-9)
    expected = col("demand") * w.ext_growth[f.industry[rows]]
    factor = np.clip(expected / pp.production.target_utilisation / cap, 0.0, pp.production.max_capacity_adjustment)
    deepen = capital_deepening(w.wage_index, w.markets, f, pp.market.capital_deepening_speed, rows)
    # a firm that could not fill its vacancies plans its extra capacity with capital alone
    # (Cobb-Douglas with labour fixed: capacity ~ K^(1-b), so K grows by factor^(1/(1-b)))
    short = np.flatnonzero((col("vacancies") > 0) & (factor > 1.0))
    grow = factor.copy()  # factor ** 1 is factor itself: only the short firms need the power
    grow[short] = factor[short] ** np.full(len(short), 1.0 / (1.0 - pp.production.labour_elasticity))
    e = w.effects
    capital = col("capital")
    res = fin.settle(
        value_added=col("value_added"),
        wage_bill=col("wage_bill"),
        rent=col("rent"),
        rd=col("rd_spending"),
        capital=capital,
        desired_capital=capital * grow * deepen**pp.production.labour_elasticity,
        debt=col("debt"),
        cash=col("cash"),
        p=pp.finance,
        transfers=_rows(e.firm_transfers(), rows),
        leverage_bonus=_rows(e.leverage_bonus, rows),
    )
    f.wage_paid[:] = np.where(alive, f.wage_bill, 0.0)  # the quarter's wage bill as settled (recorded as wage_bill)
    for name in SETTLED_COLUMNS:
        f.col(name)[rows] = getattr(res, name)
    insolvent = np.zeros(f.n, bool)
    insolvent[rows] = res.insolvent
    return insolvent
