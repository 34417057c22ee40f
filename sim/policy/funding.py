"""Funding levers (四.二): the special fund's four support modes (M-FUND-1, M-FUND-2), the
guidance and angel funds (M-FUND-3), the pilot-scale sub-fund (M-FUND-4), cross-border and
overseas M&A funds (M-FUND-5) and proof-of-concept grants (M-FUND-7). M-FUND-6 (the
Shenzhen-HK-Macao S&T centre and the city's platform company for major projects) is the
major-projects lever (sim/policy/projects.py).

Default budgets: Shenzhen budgeted 3e9 yuan a year for its SEI special funds in 2013 and 2015
(municipal finance committee, as reported by Guangming Daily 2013 and Jingbao 2015-05-28: "30亿元,
扶持1000个项目"); the 2018 plan keeps an annual special fund (M-FUND-1). The split across the four
modes of M-FUND-2 is an assumption: grants 1.5e9, equity 9e8, interest subsidies 3e8, risk
compensation 3e8 yuan/yr (sum 3e9). The guidance and angel funds, the pilot-scale sub-fund, the
M&A fund and proof-of-concept grants are financed outside the special fund.

Scale: a firm agent stands for 1 / scale.firm_fraction firms (an institute agent for
1 / institute_fraction carriers), so a call makes ``awards_per_year x fraction`` awards of up to
``max_award / fraction`` yuan per agent, and per-firm thresholds (employees, sales) compare the
agent's value x fraction; the money spent is the same at every scale.

Units: yuan, yuan per year for budgets (a quarter of it at most per quarter, unspent money lapses),
people for employees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import N_DIST, N_IND
from sim.policy.base import LeverConfig, PolicyContext, Targeting, award_capacity, lever
from sim.sampling import stochastic_round

TEST = "tests/test_levers_funding.py::"


# -- helpers ---------------------------------------------------------------------------------
def _ff(ctx: PolicyContext) -> float:
    """Firms represented by one firm agent, inverted: scale.firm_fraction."""
    return float(ctx.world.cfg.scale.firm_fraction)


def _firms(ctx: PolicyContext, t: Targeting) -> np.ndarray:
    """Alive firms the targeting admits that have rows in this quarter's effects (a lever that adds
    firms in the policy phase extends the effects with PolicyEffects.grow)."""
    m = ctx.firm_mask(t)
    return m & (np.arange(len(m)) < ctx.effects.n_firms)


def _open_account(ctx: PolicyContext, key: str) -> None:
    """Book zero for lever ``key`` so that its spend metric exists in every quarter it is active,
    also in quarters where it awards nothing (the timeseries then has the same metrics in every run)."""
    ctx.spend(key, np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1))


def _n_awards(ctx: PolicyContext, per_year: float, fraction: float) -> int:
    """Awards this quarter: a quarter of the yearly number x the agent fraction, rounded stochastically."""
    return int(stochastic_round(np.array([per_year / 4.0 * fraction]), ctx.rng)[0])


def _pay_in_order(amounts: np.ndarray, budget: float) -> np.ndarray:
    """Pay claims in call order until the quarter's budget is used up (the last one partly)."""
    before = np.cumsum(amounts) - amounts
    return np.clip(np.minimum(amounts, budget - before), 0.0, None)


def _sme(ctx: PolicyContext, max_employees: float, max_sales: float) -> np.ndarray:
    """Firms whose represented firm has at most ``max_employees`` people and ``max_sales`` yuan/yr of sales."""
    f, ff = ctx.world.firms, _ff(ctx)
    return (f.employees * ff <= max_employees) & (4.0 * f.output * ff <= max_sales)


def _inject_equity(ctx: PolicyContext, rows: np.ndarray, amount: np.ndarray, collateral_weight: float) -> None:
    """Equity reaches cash (effects.equity) and, being net worth, raises the borrowing limit in the
    quarter it arrives as if it were capital: leverage_bonus = weight x leverage_cap x equity /
    capital, so a yuan of equity supports leverage_cap / (1 - leverage_cap) yuan of new debt like a
    yuan of capital does (sim/economy/finance.py)."""
    f, e = ctx.world.firms, ctx.effects
    np.add.at(e.equity, rows, amount)
    lc = ctx.world.cfg.params.finance.leverage_cap
    np.add.at(e.leverage_bonus, rows, collateral_weight * lc * amount / np.maximum(f.capital[rows], 1.0))


def _institute_call(
    ctx: PolicyContext, eligible: np.ndarray, score: np.ndarray, n_awards: int, application_rate: float
) -> np.ndarray:
    """Rows of the institutes winning a call: a share applies, ranked by score plus reviewers' noise."""
    rows = np.flatnonzero(eligible)
    rows = rows[ctx.rng.random(len(rows)) < application_rate]
    if len(rows) == 0 or n_awards <= 0:
        return np.zeros(0, np.int64)
    z = (score[rows] - score[rows].mean()) / (score[rows].std() + 1e-12)
    return rows[np.argsort(-(z + ctx.rng.normal(0.0, 1.0, len(rows))))][:n_awards]


def _award(ctx: PolicyContext, c, n_winners: int, ff: float) -> float:
    """Yuan per award: the cap per represented firm, or the quarter's budget shared by the winners."""
    return min(c.max_award / ff, ctx.quarter_budget(c.budget) / n_winners)


def _growth_score(f) -> np.ndarray:
    """R&D intensity plus log TFP gain since base or entry: what reviewers and investors rank on."""
    return f.rd_intensity + np.log(np.maximum(f.tfp / f.tfp_ref, 1e-9))


# -- M-FUND-1, M-FUND-2: direct grants -----------------------------------------------------------
@dataclass
class GrantsConfig(LeverConfig):
    """Direct grants (无偿资助) from the special fund, by competitive call (M-FUND-1, M-FUND-2)."""

    budget: float = 1.5e9  # yuan/year; half of the 3e9 special fund (assumption on the split)
    max_award: float = 5.0e6  # yuan per award; 3e9 for ~1,000 projects a year = 3e6 on average
    awards_per_year: int = 500  # awards; ~1,000 projects/yr across all modes (2013 report)
    sme_share: float = 0.5  # minimum share of awards to SMEs (assumption)
    application_rate: float = 0.3  # share of eligible firms that apply (application costs; assumption)
    additionality: float = (
        0.8  # share of a grant that adds to R&D; meta-analyses find partial, not full, crowding out (Dimos & Pugh 2016)
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
    _open_account(ctx, "funding.grants")
    f, ff = ctx.world.firms, _ff(ctx)
    n = _n_awards(ctx, c.awards_per_year, ff)
    eligible = _firms(ctx, c.targeting)
    winners = ctx.competitive_call(eligible, _growth_score(f), n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = _award(ctx, c, len(winners), ff)
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
    max_award: float = 1.0e7  # yuan per stake; assumption: twice the grant cap, equity rounds are larger than grants
    awards_per_year: int = 100  # stakes per year; assumption (~9e6 yuan average at the default budget)
    sme_share: float = 0.5  # minimum share of stakes to SMEs (as grants; assumption)
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
    _open_account(ctx, "funding.equity")
    f, ff = ctx.world.firms, _ff(ctx)
    n = _n_awards(ctx, c.awards_per_year, ff)
    winners = ctx.competitive_call(_firms(ctx, c.targeting), _growth_score(f), n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = np.full(len(winners), _award(ctx, c, len(winners), ff))
    _inject_equity(ctx, winners, award, c.collateral_weight)
    ctx.spend("funding.equity", f.industry[winners], f.district[winners], award)


# -- M-FUND-2: loan interest subsidies ------------------------------------------------------------
@dataclass
class LoanSubsidyConfig(LeverConfig):
    """Loan interest subsidies (贷款贴息) from the special fund (M-FUND-1, M-FUND-2): the city pays
    a share of this quarter's interest (debt x interest_rate / 4) of selected indebted SMEs, up to a
    cap per firm; the money reaches their cash (cheaper credit). Each quarter a call: applicants are
    ranked by R&D intensity and paid in that order until the quarter's budget is used up."""

    budget: float = 3.0e8  # yuan/year; special-fund split (assumption)
    subsidy_share: float = 0.5  # share of interest paid; Shenzhen's S&T SME loan subsidy pays up to 50% of the interest actually paid (70% on a first loan)
    cap_per_firm: float = (
        1.0e6  # yuan/year per firm; Shenzhen's S&T SME interest and guarantee subsidy: at most 1e6 yuan per firm a year
    )
    recipients: int = 1500  # firms subsidised per quarter; assumption (bounds what the budget can buy: capacity)
    max_employees: float = 500.0  # people; eligibility of Shenzhen's S&T SME loan subsidy (<= 500 staff)
    max_sales: float = 2.0e8  # yuan/year; same scheme (sales <= 2e8 yuan)
    application_rate: float = 0.3  # share of eligible indebted firms that apply (assumption)
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
    _open_account(ctx, "funding.loan_subsidy")
    f, ff = ctx.world.firms, _ff(ctx)
    eligible = _firms(ctx, c.targeting) & (f.debt > 0) & _sme(ctx, c.max_employees, c.max_sales)
    n = _n_awards(ctx, 4.0 * c.recipients, ff)
    order = ctx.competitive_call(eligible, f.rd_intensity, n, 0.0, c.application_rate)
    if len(order) == 0:
        return
    r = ctx.world.cfg.params.finance.interest_rate
    claim = np.minimum(c.subsidy_share * f.debt[order] * r / 4.0, c.cap_per_firm / 4.0 / ff)
    paid = _pay_in_order(claim, ctx.quarter_budget(c.budget))
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

    budget: float = 3.0e8  # yuan/year; special-fund split (assumption); Shenzhen also set up a 5e9 SME risk-compensation pool in 2018 (its payouts are spread over years)
    compensation_share: float = (
        0.5  # share of losses covered; Shenzhen's SME risk-compensation pool covers up to 50% (2020 rules)
    )
    default_rate: float = 0.0375  # per year; NPL ratio of inclusive small-business loans, June 2019 (CBIRC/PBoC, 2019 China Inclusive Finance Development Report)
    bank_response: float = 0.5  # share of the covered uncollateralised gap banks turn into credit (assumption: banks keep part of the risk and their own limits)
    max_extra_loan: float = (
        1.0e7  # yuan per firm; the inclusive small-business loan bound (credit <= 1e7 yuan per borrower, CBIRC)
    )
    max_firms: int = 15000  # firms enrolled per quarter at most; ~the number of SME high-tech firms (model base year; bounds capacity)
    max_employees: float = 500.0  # people; SME bound as for the interest subsidy
    max_sales: float = 2.0e8  # yuan/year
    application_rate: float = 0.5  # share of eligible SMEs borrowing from a participating bank (assumption)
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
    _open_account(ctx, "funding.risk_compensation")
    f, ff = ctx.world.firms, _ff(ctx)
    eligible = _firms(ctx, c.targeting) & _sme(ctx, c.max_employees, c.max_sales)
    n = _n_awards(ctx, 4.0 * c.max_firms, ff)
    score = f.profit / np.maximum(f.capital, 1.0)
    order = ctx.competitive_call(eligible, score, n, 0.0, c.application_rate)
    if len(order) == 0:
        return
    lc = ctx.world.cfg.params.finance.leverage_cap
    bonus = c.bank_response * c.compensation_share * (1.0 - lc)
    extra = np.minimum(bonus * f.capital[order], c.max_extra_loan / ff)  # yuan of extra credit line
    cost = c.compensation_share * c.default_rate / 4.0 * extra
    paid = _pay_in_order(cost, ctx.quarter_budget(c.budget))
    full = paid >= cost * (1 - 1e-12)  # firms whose expected compensation is fully funded are enrolled
    order, extra, paid = order[full & (cost > 0)], extra[full & (cost > 0)], paid[full & (cost > 0)]
    if len(order) == 0:
        return
    ctx.effects.leverage_bonus[order] += extra / np.maximum(f.capital[order], 1.0)
    ctx.spend("funding.risk_compensation", f.industry[order], f.district[order], paid)


# -- M-FUND-3: guidance fund and angel fund-of-funds ----------------------------------------------------
@dataclass
class GuidanceFundConfig(LeverConfig):
    """Government investment guidance fund and angel fund-of-funds (M-FUND-3): public money goes
    into market-run sub-funds that add ``leverage`` yuan of private capital per public yuan; the
    sub-funds invest (1 + leverage) x budget a year in young firms (age < young_age_years) of the
    targeted industries and districts. A share ``startup_share`` funds seed and angel rounds of new
    ventures: ``startup_additionality`` of the funded ventures would not have started otherwise and
    raise the start-up rate (entry_multiplier) of the targeted cells; the rest is equity in existing
    young firms chosen by the fund managers (ranked on R&D intensity and TFP gains), which reaches
    their cash and borrowing base like the special fund's equity. Public spending booked is the
    public contribution only: invested / (1 + leverage). Targeting by sub-field or firm size
    applies to the equity deals only (the start-up rate is set by industry x district cell)."""

    budget: float = 4.0e9  # public yuan/year reaching Shenzhen's young SEI firms; assumption: the 1e11 guidance fund (2015) and the 5e9 angel fund-of-funds (2018) paid in over ~10 and ~5 years = ~1.1e10/yr, ~40% of it to early-stage firms
    leverage: float = 3.5  # private yuan per public yuan; the city guidance fund's reported overall amplification was ~4.5x (21st Century Business Herald, 2025)
    startup_share: float = 0.1  # share of sub-fund money in seed/angel rounds of new ventures (assumption; the angel fund-of-funds is ~1/10 of the public money)
    seed_per_startup: float = 5.0e6  # yuan per funded new venture (assumption: a typical angel round)
    startup_additionality: float = 0.5  # share of funded ventures that would not have started otherwise (assumption)
    deals_per_year: int = 800  # equity deals in existing young firms per year; the guidance-fund family backed ~8,000 projects in 10 years
    max_deal: float = 5.0e7  # yuan per deal, private and public money together (assumption: a large A round)
    young_age_years: float = 5.0  # years; as params.demography.young_age_years
    application_rate: float = 0.3  # share of young firms seeking venture capital in a quarter (assumption)
    collateral_weight: float = 1.0  # as for funding.equity
    targeting: Targeting = field(default_factory=Targeting)


def _guidance_capacity(c: GuidanceFundConfig) -> float:
    if c.startup_share >= 1.0:
        return float("inf")
    return c.max_deal * c.deals_per_year / (1.0 - c.startup_share) / (1.0 + c.leverage)


@lever(
    "funding.guidance_fund",
    clauses=("M-FUND-3",),
    channel="public money levered (1 + leverage) by market-run sub-funds: equity in young firms (cash, borrowing base) "
    "and more start-ups in the targeted cells (entry_multiplier); spending = the public contribution",
    test=TEST + "test_guidance_fund_raises_startups_and_young_firm_equity",
    default_source="1e11 yuan guidance fund (2015), 5e9 angel fund-of-funds (2018), ~4.5x amplification "
    "(press reports); share to young Shenzhen SEI firms assumed",
    capacity=_guidance_capacity,
)
def guidance_fund(ctx: PolicyContext, c: GuidanceFundConfig) -> None:
    _open_account(ctx, "funding.guidance_fund")
    w, ff = ctx.world, _ff(ctx)
    f = w.firms
    public_q = ctx.quarter_budget(c.budget)
    invest_q = public_q * (1.0 + c.leverage)
    cells = ctx.cell_mask(c.targeting)
    # new ventures: extra start-ups in the targeted cells, spread over them like the start-up rate
    seed = c.startup_share * invest_q
    alive = f.alive
    stock = np.bincount(f.industry[alive].astype(np.int64) * N_DIST + f.district[alive], minlength=N_IND * N_DIST)
    stock = stock.reshape(N_IND, N_DIST) * cells
    if seed > 0 and stock.sum() > 0:
        extra_city = seed / max(c.seed_per_startup, 1.0) * c.startup_additionality  # start-ups (firms) this quarter
        baseline = w.cfg.params.demography.entry_rate / 4.0 * stock.sum()  # start-up agents per quarter in the cells
        ctx.effects.entry_multiplier *= np.where(cells, 1.0 + extra_city * ff / max(baseline, 1e-9), 1.0)
        where = np.flatnonzero(stock.reshape(-1))
        ctx.spend(
            "funding.guidance_fund",
            where // N_DIST,
            where % N_DIST,
            seed / (1.0 + c.leverage) * stock.reshape(-1)[where] / stock.sum(),
        )
    # equity deals in existing young firms
    young = _firms(ctx, c.targeting) & (f.age < 4.0 * c.young_age_years)
    n = _n_awards(ctx, c.deals_per_year, ff)
    winners = ctx.competitive_call(young, _growth_score(f), n, 0.0, c.application_rate)
    if len(winners) == 0:
        return
    deal = np.full(len(winners), min(c.max_deal / ff, (invest_q - seed) / len(winners)))
    _inject_equity(ctx, winners, deal, c.collateral_weight)
    ctx.spend("funding.guidance_fund", f.industry[winners], f.district[winners], deal / (1.0 + c.leverage))


# -- M-FUND-4: pilot-scale sub-fund ------------------------------------------------------------------
@dataclass
class PilotFundConfig(LeverConfig):
    """Pilot-scale (中试) sub-fund (M-FUND-4): equity for firms with recent R&D success to take
    products from prototype to scale. Eligible: a breakthrough in the last ``recent_quarters`` or
    knowledge at least ``min_knowledge_sales`` x annual sales; ranked on knowledge / sales. The money
    reaches cash and the borrowing base (equity), and the pilot raises the firm's breakthrough
    hazard in the funded quarter as if it were extra development spending: breakthrough_multiplier
    = 1 + effectiveness x award / last quarter's R&D, at most max_multiplier."""

    budget: float = 5.0e8  # yuan/year; assumption (no public figure for the sub-fund found)
    max_award: float = (
        8.0e6  # yuan per project; Shenzhen's cap for a pilot-base (中试基地) project (2023 high-tech zone guide)
    )
    awards_per_year: int = 100  # projects per year; assumption (5e6 average at the default budget)
    recent_quarters: int = 8  # quarters since the last breakthrough that count as recent R&D success (assumption)
    min_knowledge_sales: float = (
        0.2  # knowledge / annual sales for eligibility without a recent breakthrough (~2x the median firm; assumption)
    )
    effectiveness: float = 1.0  # a yuan of pilot funding raises the breakthrough hazard like a yuan of R&D (assumption)
    max_multiplier: float = 3.0  # cap on the breakthrough multiplier (assumption)
    sme_share: float = 0.0  # minimum share of awards to SMEs
    application_rate: float = 0.3  # share of eligible firms that apply (assumption)
    collateral_weight: float = 1.0  # as for funding.equity
    targeting: Targeting = field(default_factory=Targeting)


@lever(
    "funding.pilot_fund",
    clauses=("M-FUND-4",),
    channel="equity for pilot-scale production of firms with recent R&D success (cash, borrowing base) and a higher "
    "breakthrough hazard in the funded quarter (breakthrough_multiplier)",
    test=TEST + "test_pilot_fund_raises_breakthroughs_of_recipients",
    default_source="assumption: 5e8 yuan/yr, 100 projects up to the 8e6 yuan cap Shenzhen sets for a pilot-base "
    "project (2023)",
    capacity=award_capacity,
)
def pilot_fund(ctx: PolicyContext, c: PilotFundConfig) -> None:
    _open_account(ctx, "funding.pilot_fund")
    w, ff = ctx.world, _ff(ctx)
    f = w.firms
    ratio = f.knowledge / np.maximum(4.0 * f.output, 1.0)
    recent = f.last_breakthrough >= w.quarter - c.recent_quarters
    eligible = _firms(ctx, c.targeting) & (recent | (ratio >= c.min_knowledge_sales))
    n = _n_awards(ctx, c.awards_per_year, ff)
    winners = ctx.competitive_call(eligible, np.log(np.maximum(ratio, 1e-9)), n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = np.full(len(winners), _award(ctx, c, len(winners), ff))
    _inject_equity(ctx, winners, award, c.collateral_weight)
    rd = np.maximum(f.rd_spending[winners], 1.0)
    ctx.effects.breakthrough_multiplier[winners] *= np.minimum(
        1.0 + c.effectiveness * award / rd, max(c.max_multiplier, 1.0)
    )
    ctx.spend("funding.pilot_fund", f.industry[winners], f.district[winners], award)


# -- M-FUND-5: cross-border RMB fund and overseas M&A fund ---------------------------------------------
@dataclass
class OverseasMAConfig(LeverConfig):
    """Cross-border RMB investment-and-loan fund and overseas M&A fund (M-FUND-5): the fund finances
    ``public_share`` of acquisitions of foreign technology firms by large SEI firms (at least
    ``min_employees`` people; ranked on knowledge, their absorptive capacity). The acquired
    technology is ``technology_share`` of the deal value in yuan of R&D-equivalent knowledge; the
    acquirer's TFP rises as it would with that much own knowledge: dlog TFP = tfp_knowledge_elasticity
    x log(1 + technology_share x deal / acquirer's knowledge) (params.innovation). The deal is
    financed outside the acquirer's operating accounts (fund, co-investors, group), so its cash is
    unchanged; every funded deal is taken as additional. Spending = public_share x deal value."""

    budget: float = 5.0e8  # public yuan/year; assumption (no public figure for the funds' size found)
    deals_per_year: int = 5  # acquisitions financed per year; assumption
    max_deal: float = 1.0e9  # yuan per acquisition; assumption
    public_share: float = (
        0.3  # share of a deal the public fund finances; assumption, as the guidance fund's <= 30% share of a sub-fund
    )
    technology_share: float = 0.5  # share of the deal value that is technology (patents, know-how; assumption)
    min_employees: float = 1000.0  # people; "large" acquirers (assumption: China's large-industrial-enterprise bound)
    application_rate: float = 0.3  # share of large firms considering an acquisition in a quarter (assumption)
    targeting: Targeting = field(default_factory=Targeting)


def _ma_capacity(c: OverseasMAConfig) -> float:
    return c.deals_per_year * c.max_deal * c.public_share


@lever(
    "funding.overseas_ma",
    clauses=("M-FUND-5",),
    channel="acquired foreign technology: TFP of large acquirers rises with the deal's technology content relative "
    "to their knowledge (tfp_gain); the fund finances public_share of each deal",
    test=TEST + "test_overseas_ma_raises_tfp_of_acquirers",
    default_source="assumption: 5e8 yuan/yr public, 5 deals a year, 30% public share",
    capacity=_ma_capacity,
)
def overseas_ma(ctx: PolicyContext, c: OverseasMAConfig) -> None:
    _open_account(ctx, "funding.overseas_ma")
    w, ff = ctx.world, _ff(ctx)
    f = w.firms
    eligible = _firms(ctx, c.targeting) & (f.employees * ff >= c.min_employees)
    n = _n_awards(ctx, c.deals_per_year, ff)
    winners = ctx.competitive_call(eligible, np.log(np.maximum(f.knowledge, 1.0)), n, 0.0, c.application_rate)
    if len(winners) == 0 or c.public_share <= 0:
        return
    deal = min(c.max_deal / ff, ctx.quarter_budget(c.budget) / c.public_share / len(winners))
    eps = w.cfg.params.innovation.tfp_knowledge_elasticity
    ctx.effects.tfp_gain[winners] += eps * np.log1p(c.technology_share * deal / np.maximum(f.knowledge[winners], 1.0))
    ctx.spend(
        "funding.overseas_ma", f.industry[winners], f.district[winners], np.full(len(winners), c.public_share * deal)
    )


# -- M-FUND-7: proof-of-concept (innovation verification) grants -----------------------------------------
@dataclass
class ProofOfConceptConfig(LeverConfig):
    """Innovation verification (proof-of-concept) grants (M-FUND-7) to innovation carriers: each
    grant funds the verification of a research result; with probability ``spinoff_probability`` it
    leads to a spin-off. Winners are chosen by a call among carriers of the targeted fields and
    districts (ranked on capability). The extra spin-offs raise the spin-off hazard of the winners'
    field x district cells this quarter (effects.spinoff_cell_multiplier = 1 + expected extra
    spin-offs / the cell's baseline)."""

    budget: float = 1.0e8  # yuan/year; assumption (no public figure for the 2018 scheme found)
    max_award: float = (
        5.0e6  # yuan per grant; Shenzhen's cap for a proof-of-concept centre project (2023 high-tech zone guide)
    )
    awards_per_year: int = 50  # grants per year; assumption (2e6 average at the default budget)
    spinoff_probability: float = 0.2  # chance a verified result becomes a spin-off firm (assumption)
    application_rate: float = 0.5  # share of carriers applying in a quarter (assumption)
    targeting: Targeting = field(
        default_factory=Targeting
    )  # industries = the carriers' fields; sub-fields and firm size do not apply


@lever(
    "funding.proof_of_concept",
    clauses=("M-FUND-7",),
    channel="verification grants to innovation carriers: more institute spin-offs in the winners' cells "
    "(spinoff_cell_multiplier)",
    test=TEST + "test_proof_of_concept_raises_spinoffs",
    default_source="assumption: 1e8 yuan/yr, 50 grants up to the 5e6 yuan cap Shenzhen sets for a proof-of-concept "
    "centre project (2023)",
    capacity=award_capacity,
)
def proof_of_concept(ctx: PolicyContext, c: ProofOfConceptConfig) -> None:
    _open_account(ctx, "funding.proof_of_concept")
    w = ctx.world
    inst, fi = w.institutes, float(w.cfg.scale.institute_fraction)
    cells = ctx.cell_mask(c.targeting)
    eligible = inst.alive & cells[inst.field.astype(np.int64), inst.district.astype(np.int64)]
    n = _n_awards(ctx, c.awards_per_year, fi)
    winners = _institute_call(ctx, eligible, inst.capability, n, c.application_rate)
    if len(winners) == 0:
        return
    award = np.full(len(winners), min(c.max_award / fi, ctx.quarter_budget(c.budget) / len(winners)))
    key = inst.field.astype(np.int64) * N_DIST + inst.district
    extra = np.bincount(key[winners], minlength=N_IND * N_DIST) * c.spinoff_probability  # spin-off agents
    base = w.cfg.params.demography.spinoff_rate * np.bincount(
        key[inst.alive], weights=inst.capability[inst.alive], minlength=N_IND * N_DIST
    )
    mult = np.where(extra > 0, 1.0 + extra / np.maximum(base, 1e-9), 1.0).reshape(N_IND, N_DIST)
    ctx.effects.spinoff_cell_multiplier *= mult
    ctx.spend("funding.proof_of_concept", inst.field[winners], inst.district[winners], award)


@dataclass
class FundingConfig:
    grants: GrantsConfig = field(default_factory=GrantsConfig)
    equity: EquityConfig = field(default_factory=EquityConfig)
    loan_subsidy: LoanSubsidyConfig = field(default_factory=LoanSubsidyConfig)
    risk_compensation: RiskCompensationConfig = field(default_factory=RiskCompensationConfig)
    guidance_fund: GuidanceFundConfig = field(default_factory=GuidanceFundConfig)
    pilot_fund: PilotFundConfig = field(default_factory=PilotFundConfig)
    overseas_ma: OverseasMAConfig = field(default_factory=OverseasMAConfig)
    proof_of_concept: ProofOfConceptConfig = field(default_factory=ProofOfConceptConfig)
