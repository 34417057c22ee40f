"""The special fund's four support modes (四.二, M-FUND-1, M-FUND-2): direct grants, equity
support, loan interest subsidies and risk compensation, each by competitive call.

Default budgets: Shenzhen budgeted 3e9 yuan a year for its SEI special funds in 2013 and 2015
(municipal finance committee, as reported by Guangming Daily 2013 and Jingbao 2015-05-28: "30亿元,
扶持1000个项目"); the 2018 plan keeps an annual special fund (M-FUND-1). The split across the four
modes of M-FUND-2 is an assumption: grants 1.5e9, equity 9e8, interest subsidies 3e8, risk
compensation 3e8 yuan/yr (sum 3e9). Scale conversion: sim.policy.awards.

Units: yuan, yuan per year for budgets (a quarter of it at most per quarter, unspent money lapses),
people for employees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.params.spec import param
from sim.policy.awards import (
    award_size,
    call_growth_score,
    eligible_firms,
    inject_equity,
    pay_in_order,
    scale_fraction,
    small_firms,
)
from sim.policy.base import LeverConfig, PolicyContext, award_capacity, lever
from sim.policy.targeting import Targeting

TEST = "tests/test_levers_funding.py::"


# -- M-FUND-1, M-FUND-2: direct grants -----------------------------------------------------------
@dataclass
class GrantsConfig(LeverConfig):
    """Direct grants (无偿资助) from the special fund, by competitive call (M-FUND-1, M-FUND-2)."""

    budget: float = param(
        1.5e9, "yuan/year", "[0, inf)", "yuan/year; half of the 3e9 special fund (assumption on the split)"
    )
    max_award: float = param(
        5.0e6, "yuan", "[0, inf)", "yuan per award; 3e9 for ~1,000 projects a year = 3e6 on average"
    )
    awards_per_year: int = param(
        500, "per year", "[0, inf)", "awards; ~1,000 projects/yr across all modes (2013 report)"
    )
    sme_share: float = param(0.5, "share", "[0, 1]", "minimum share of awards to SMEs (assumption)")
    application_rate: float = param(
        0.3, "share", "[0, 1]", "share of eligible firms that apply (application costs; assumption)"
    )
    additionality: float = param(
        0.8,
        "share",
        "[0, 1]",
        "share of a grant that adds to R&D; partial, not full, crowding out (Dimos & Pugh 2016; Boeing 2016; "
        "docs/evidence.md)",
        (0.3, 1.0),
    )
    targeting: Targeting = field(default_factory=Targeting)


@lever(
    "funding.grants",
    clauses=("M-FUND-1", "M-FUND-2"),
    channel="cash earmarked for R&D to winners of a competitive call scored on R&D intensity and TFP gains; "
    "R&D rises by additionality x grant",
    test=TEST + "test_grants_raise_rd_of_recipients",
    default_source="3e9 yuan/yr SEI special fund (2013, 2015 budget reports), half as grants (assumption)",
    capacity=award_capacity,
)
def grants(ctx: PolicyContext, c: GrantsConfig) -> None:
    ctx.open_account("funding.grants")
    f, ff = ctx.world.firms, scale_fraction(ctx)
    n = ctx.quarter_count(c.awards_per_year, ff)
    eligible = eligible_firms(ctx, c.targeting)
    winners = ctx.competitive_call(eligible, call_growth_score(ctx), n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = award_size(ctx, c, len(winners), ff)
    ctx.effects.rd_grant[winners] += award
    ctx.effects.rd_additionality[winners] = c.additionality
    ctx.spend("funding.grants", f.industry[winners], f.district[winners], np.full(len(winners), award))


# -- M-FUND-2: equity support -------------------------------------------------------------------
@dataclass
class EquityConfig(LeverConfig):
    """Equity support (股权资助) from the special fund (M-FUND-1, M-FUND-2): the city takes minority
    stakes in winners of a competitive call. The money reaches the firm's cash and, being equity,
    raises its borrowing limit (see ``_inject_equity``). Dividends and exit proceeds of the stakes
    are not modelled (the stake is held to the end of the run)."""

    budget: float = (
        9.0e8  # yuan/year; special-fund split (assumption): 3e9 - grants 1.5e9 - subsidies 3e8 - risk compensation 3e8
    )
    max_award: float = param(
        1.0e7,
        "yuan",
        "[0, inf)",
        "yuan per stake; assumption: twice the grant cap, equity rounds are larger than grants",
    )
    awards_per_year: int = param(
        100, "per year", "[0, inf)", "stakes per year; assumption (~9e6 yuan average at the default budget)"
    )
    sme_share: float = param(0.5, "share", "[0, 1]", "minimum share of stakes to SMEs (as grants; assumption)")
    application_rate: float = (
        0.2  # share of eligible firms that apply; fewer than for grants: owners cede a stake (assumption)
    )
    collateral_weight: float = (
        1.0  # how far new equity counts in the borrowing base like capital (1 = fully; assumption)
    )
    targeting: Targeting = field(default_factory=Targeting)


@lever(
    "funding.equity",
    clauses=("M-FUND-1", "M-FUND-2"),
    channel="public equity stakes in winners of a competitive call (R&D intensity and TFP gains): cash, and a "
    "higher borrowing limit (the equity counts in the collateral base like capital)",
    test=TEST + "test_equity_raises_net_worth_and_borrowing_base_of_recipients",
    default_source="3e9 yuan/yr special fund; 9e8 as equity (assumption on the split)",
    capacity=award_capacity,
)
def equity(ctx: PolicyContext, c: EquityConfig) -> None:
    ctx.open_account("funding.equity")
    f, ff = ctx.world.firms, scale_fraction(ctx)
    n = ctx.quarter_count(c.awards_per_year, ff)
    winners = ctx.competitive_call(
        eligible_firms(ctx, c.targeting), call_growth_score(ctx), n, c.sme_share, c.application_rate
    )
    if len(winners) == 0:
        return
    award = np.full(len(winners), award_size(ctx, c, len(winners), ff))
    inject_equity(ctx, winners, award, c.collateral_weight)
    ctx.spend("funding.equity", f.industry[winners], f.district[winners], award)


# -- M-FUND-2: loan interest subsidies ------------------------------------------------------------
@dataclass
class LoanSubsidyConfig(LeverConfig):
    """Loan interest subsidies (贷款贴息) from the special fund (M-FUND-1, M-FUND-2): the city pays
    a share of this quarter's interest (debt x interest_rate / 4) of selected indebted SMEs, up to a
    cap per firm; the money reaches their cash (cheaper credit). Each quarter a call: applicants are
    ranked by R&D intensity and paid in that order until the quarter's budget is used up."""

    budget: float = param(3.0e8, "yuan/year", "[0, inf)", "yuan/year; special-fund split (assumption)")
    subsidy_share: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of interest paid; Shenzhen's S&T SME loan subsidy pays up to 50% of the interest actually paid (70% on a first loan)",
    )
    cap_per_firm: float = (
        1.0e6  # yuan/year per firm; Shenzhen's S&T SME interest and guarantee subsidy: at most 1e6 yuan per firm a year
    )
    recipients: int = param(
        1500,
        "number",
        "[0, inf)",
        "firms subsidised per quarter; assumption (bounds what the budget can buy: capacity)",
    )
    max_employees: float = param(
        500.0, "people", "[0, inf)", "people; eligibility of Shenzhen's S&T SME loan subsidy (<= 500 staff)"
    )
    max_sales: float = param(2.0e8, "yuan", "[0, inf)", "yuan/year; same scheme (sales <= 2e8 yuan)")
    application_rate: float = param(0.3, "share", "[0, 1]", "share of eligible indebted firms that apply (assumption)")
    targeting: Targeting = field(default_factory=Targeting)


def _loan_subsidy_capacity(c: LoanSubsidyConfig) -> float:
    return c.recipients * c.cap_per_firm


@lever(
    "funding.loan_subsidy",
    clauses=("M-FUND-1", "M-FUND-2"),
    channel="cheaper credit: a share of this quarter's interest of indebted SMEs (ranked by R&D intensity) paid "
    "as cash, capped per firm",
    test=TEST + "test_loan_subsidy_raises_cash_of_recipients",
    default_source="3e9 yuan/yr special fund, 3e8 as interest subsidies (assumption); share 50% and cap 1e6 "
    "yuan/firm/yr as in Shenzhen's S&T SME loan-subsidy rules",
    capacity=_loan_subsidy_capacity,
)
def loan_subsidy(ctx: PolicyContext, c: LoanSubsidyConfig) -> None:
    ctx.open_account("funding.loan_subsidy")
    f, ff = ctx.world.firms, scale_fraction(ctx)
    eligible = eligible_firms(ctx, c.targeting) & (f.debt > 0) & small_firms(ctx, c.max_employees, c.max_sales)
    n = ctx.quarter_count(4.0 * c.recipients, ff)
    order = ctx.competitive_call(eligible, f.rd_intensity, n, 0.0, c.application_rate)
    if len(order) == 0:
        return
    r = ctx.world.params.finance.interest_rate
    claim = np.minimum(c.subsidy_share * f.debt[order] * r / 4.0, c.cap_per_firm / 4.0 / ff)
    paid = pay_in_order(claim, ctx.quarter_budget(c.budget))
    keep = paid > 0
    order, paid = order[keep], paid[keep]
    ctx.effects.cash_transfer[order] += paid
    ctx.spend("funding.loan_subsidy", f.industry[order], f.district[order], paid)


# -- M-FUND-2: risk compensation ------------------------------------------------------------------
@dataclass
class RiskCompensationConfig(LeverConfig):
    """Risk compensation (风险补偿) for lenders (M-FUND-1, M-FUND-2): the city covers a share of
    banks' losses on loans to enrolled SMEs, so banks lend more against the same collateral. The
    covered share of the uncollateralised part of a loan lowers the banks' expected loss; they raise
    the loan-to-capital limit by leverage_bonus = bank_response x compensation_share x (1 -
    leverage_cap), at most max_extra_loan per firm.

    Spending is the expected compensation, booked when the credit is extended: compensation_share x
    default_rate / 4 x extra lending per quarter, with the extra lending taken as the whole extra
    credit line (leverage_bonus x capital; an upper bound, since not every firm draws it) and a loss
    of the whole defaulted amount (no recovery). Banks enrol applicants by their credit score
    (profit / capital) until the quarter's budget is committed."""

    budget: float = param(
        3.0e8,
        "yuan/year",
        "[0, inf)",
        "yuan/year; special-fund split (assumption); Shenzhen also set up a 5e9 SME risk-compensation pool in 2018 (its payouts are spread over years)",
    )
    compensation_share: float = (
        0.5  # share of losses covered; Shenzhen's SME risk-compensation pool covers up to 50% (2020 rules)
    )
    default_rate: float = param(
        0.0375,
        "share",
        "[0, 1]",
        "per year; NPL ratio of inclusive small-business loans, June 2019 (CBIRC/PBoC, 2019 China Inclusive Finance Development Report)",
    )
    bank_response: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of the covered uncollateralised gap banks turn into credit (assumption: banks keep part of the risk and their own limits)",
    )
    max_extra_loan: float = (
        1.0e7  # yuan per firm; the inclusive small-business loan bound (credit <= 1e7 yuan per borrower, CBIRC)
    )
    max_firms: int = param(
        15000,
        "number",
        "[0, inf)",
        "firms enrolled per quarter at most; ~the number of SME high-tech firms (model base year; bounds capacity)",
    )
    max_employees: float = param(500.0, "people", "[0, inf)", "people; SME bound as for the interest subsidy")
    max_sales: float = param(2.0e8, "yuan", "[0, inf)", "yuan/year")
    application_rate: float = param(
        0.5, "share", "[0, 1]", "share of eligible SMEs borrowing from a participating bank (assumption)"
    )
    targeting: Targeting = field(default_factory=Targeting)


def _risk_capacity(c: RiskCompensationConfig) -> float:
    return c.max_firms * c.compensation_share * c.default_rate * c.max_extra_loan


@lever(
    "funding.risk_compensation",
    clauses=("M-FUND-1", "M-FUND-2"),
    channel="looser credit limits: the city covers a share of lenders' losses on enrolled SMEs' loans, banks raise "
    "their loan-to-capital limit (leverage_bonus); spending = expected compensation on the extra credit",
    test=TEST + "test_risk_compensation_raises_borrowing_of_covered_smes",
    default_source="3e9 yuan/yr special fund, 3e8 as risk compensation (assumption); 50% cover (Shenzhen SME pool), "
    "3.75% default rate (CBIRC 2019)",
    capacity=_risk_capacity,
)
def risk_compensation(ctx: PolicyContext, c: RiskCompensationConfig) -> None:
    ctx.open_account("funding.risk_compensation")
    f, ff = ctx.world.firms, scale_fraction(ctx)
    eligible = eligible_firms(ctx, c.targeting) & small_firms(ctx, c.max_employees, c.max_sales)
    n = ctx.quarter_count(4.0 * c.max_firms, ff)

    def score(r: np.ndarray) -> np.ndarray:  # credit score of the applicants only (a call's rows)
        return f.profit[r] / np.maximum(f.capital[r], 1.0)

    order = ctx.competitive_call(eligible, score, n, 0.0, c.application_rate)
    if len(order) == 0:
        return
    lc = ctx.world.params.finance.leverage_cap
    bonus = c.bank_response * c.compensation_share * (1.0 - lc)
    extra = np.minimum(bonus * f.capital[order], c.max_extra_loan / ff)  # yuan of extra credit line
    cost = c.compensation_share * c.default_rate / 4.0 * extra
    paid = pay_in_order(cost, ctx.quarter_budget(c.budget))
    full = paid >= cost * (1 - 1e-12)  # firms whose expected compensation is fully funded are enrolled
    order, extra, paid = order[full & (cost > 0)], extra[full & (cost > 0)], paid[full & (cost > 0)]
    if len(order) == 0:
        return
    ctx.effects.leverage_bonus[order] += extra / np.maximum(f.capital[order], 1.0)
    ctx.spend("funding.risk_compensation", f.industry[order], f.district[order], paid)
