"""Finance: profit, investment under a collateral constraint, debt and cash.

Assumptions (docs/ODD.md, "Finance"); all in yuan/quarter or yuan:
- Operating profit = VA - wage bill - rent - interest - depreciation - non-wage R&D
  (taxes are not modelled). A share of positive profit is paid out.
- Desired capital scales with desired capacity; gross investment replaces depreciation and closes a share of the gap
  (investment_speed) and is financed from cash above a buffer, then by new debt up to
  leverage_cap x capital (collateral constraint); what cannot be financed is not invested.
- Debt is amortised at debt_repayment per quarter; interest at interest_rate / 4.
- A firm is insolvent when its cash is negative beyond what it can still borrow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import FinanceParams


@dataclass
class FinanceResult:
    profit: np.ndarray
    investment: np.ndarray
    capital: np.ndarray
    debt: np.ndarray
    cash: np.ndarray
    interest: np.ndarray
    insolvent: np.ndarray
    credit_constrained: np.ndarray


def settle(
    *,
    value_added: np.ndarray,
    wage_bill: np.ndarray,
    rent: np.ndarray,
    rd: np.ndarray,
    capital: np.ndarray,
    desired_capital: np.ndarray,
    debt: np.ndarray,
    cash: np.ndarray,
    p: FinanceParams,
    transfers: np.ndarray | float = 0.0,
    leverage_bonus: np.ndarray | float = 0.0,
) -> FinanceResult:
    """One quarter of accounts. ``transfers`` (yuan: grants, equity, subsidies) add to cash
    before investment; ``leverage_bonus`` raises the firm's borrowing limit (share of capital)."""
    interest = debt * p.interest_rate / 4.0
    depreciation = capital * p.depreciation
    profit = value_added - wage_bill - rent - interest - depreciation - p.rd_cost_share * rd
    payout = p.payout_ratio * np.clip(profit, 0, None)
    repay = np.minimum(debt, debt * p.debt_repayment)
    # cash flow before investment: profit plus the non-cash depreciation, minus payout and repayment
    cash1 = cash + profit + depreciation - payout - repay + transfers
    cap = np.minimum(p.leverage_cap + leverage_bonus, p.max_leverage)
    debt1 = debt - repay
    k_dep = capital - depreciation
    want = np.clip(depreciation + p.investment_speed * (desired_capital - capital), 0, None)  # replacement + gap
    buffer = p.cash_buffer_quarters * (wage_bill + rent)
    own = np.clip(np.minimum(want, cash1 - buffer), 0, None)
    # new debt b must satisfy debt1 + b <= cap * (k_dep + own + b): the capital it buys counts
    headroom = np.clip((cap * (k_dep + own) - debt1) / (1.0 - cap), 0, None)
    borrowed = np.minimum(want - own, headroom)
    inv = own + borrowed
    cash2 = cash1 - own
    debt2 = debt1 + borrowed
    capital2 = k_dep + inv
    insolvent = cash2 < -np.clip(cap * capital2 - debt2, 0, None)
    # a firm short of cash borrows what it can to cover the gap
    cover = np.where(cash2 < 0, np.minimum(-cash2, np.clip(cap * capital2 - debt2, 0, None)), 0.0)
    return FinanceResult(
        profit=profit,
        investment=inv,
        capital=capital2,
        debt=debt2 + cover,
        cash=cash2 + cover,
        interest=interest,
        insolvent=insolvent,
        credit_constrained=inv < want - 1e-9,
    )
