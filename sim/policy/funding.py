"""Funds outside the special fund (四.二): the guidance and angel funds (M-FUND-3), the
pilot-scale sub-fund (M-FUND-4), cross-border and overseas M&A funds (M-FUND-5) and proof-of-concept
grants (M-FUND-7); and ``FundingConfig``, the `policy.funding` node with the special fund's modes
(sim.policy.special_fund). M-FUND-6 (the Shenzhen-HK-Macao S&T centre and the city's platform
company for major projects) is the major-projects lever (sim/policy/projects.py).

Scale conversion: sim.policy.awards. Units: yuan, yuan per year for budgets (a quarter of it at
most per quarter, unspent money lapses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import N_DIST, N_IND
from sim.kernel.populations import startup_weight
from sim.params.spec import param
from sim.policy.awards import (
    award_size,
    call_growth_score,
    eligible_firms,
    inject_equity,
    scale_fraction,
)
from sim.policy.base import LeverConfig, PolicyContext, award_capacity, lever
from sim.policy.calls import competitive_call
from sim.policy.special_fund import EquityConfig, GrantsConfig, LoanSubsidyConfig, RiskCompensationConfig
from sim.policy.targeting import Targeting, institute_mask

TEST = "tests/test_levers_funding.py::"


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

    budget: float = param(
        4.0e9,
        "yuan/year",
        "[0, inf)",
        "public yuan/year reaching Shenzhen's young SEI firms; assumption: the 1e11 guidance fund (2015) and the 5e9 angel fund-of-funds (2018) paid in over ~10 and ~5 years = ~1.1e10/yr, ~40% of it to early-stage firms",
    )
    leverage: float = param(
        3.5,
        "number",
        "[0, inf)",
        "private yuan per public yuan; the city guidance fund's reported overall amplification was ~4.5x (21st Century Business Herald, 2025)",
    )
    startup_share: float = param(
        0.1,
        "share",
        "[0, 1]",
        "share of sub-fund money in seed/angel rounds of new ventures (assumption; the angel fund-of-funds is ~1/10 of the public money)",
    )
    seed_per_startup: float = param(
        5.0e6, "yuan", "[0, inf)", "yuan per funded new venture (assumption: a typical angel round)"
    )
    startup_additionality: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of funded ventures that would not have started otherwise (assumption; docs/evidence.md)",
        (0.2, 0.8),
    )
    deals_per_year: int = param(
        800,
        "per year",
        "[0, inf)",
        "equity deals in existing young firms per year; the guidance-fund family backed ~8,000 projects in 10 years",
    )
    max_deal: float = param(
        5.0e7, "yuan", "[0, inf)", "yuan per deal, private and public money together (assumption: a large A round)"
    )
    young_age_years: float = param(5.0, "years", "[0, inf)", "years; as params.demography.young_age_years")
    application_rate: float = param(
        0.3, "share", "[0, 1]", "share of young firms seeking venture capital in a quarter (assumption)"
    )
    collateral_weight: float = param(1.0, "weight", "[0, inf)", "as for funding.equity")
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
    ctx.open_account("funding.guidance_fund")
    w, ff = ctx.world, scale_fraction(ctx)
    f = w.firms
    public_q = ctx.quarter_budget(c.budget)
    invest_q = public_q * (1.0 + c.leverage)
    cells = ctx.cell_mask(c.targeting)
    # new ventures: extra start-ups in the targeted cells, spread over them like the start-up rate
    seed = c.startup_share * invest_q
    stock = ctx.view.cell_sum(w, None) * cells  # alive firms by cell
    if seed > 0 and stock.sum() > 0:
        extra_city = seed / max(c.seed_per_startup, 1.0) * c.startup_additionality  # start-ups (firms) this quarter
        # start-up agents per quarter in the cells (start-ups follow the firms the market supports)
        baseline = w.params.demography.entry_rate / 4.0 * (stock * startup_weight(w)[:, None]).sum()
        ctx.effects.entry_multiplier *= np.where(cells, 1.0 + extra_city * ff / max(baseline, 1e-9), 1.0)
        where = np.flatnonzero(stock.reshape(-1))
        ctx.spend(
            "funding.guidance_fund",
            where // N_DIST,
            where % N_DIST,
            seed / (1.0 + c.leverage) * stock.reshape(-1)[where] / stock.sum(),
        )
    # equity deals in existing young firms
    young = eligible_firms(ctx, c.targeting) & (f.age < 4.0 * c.young_age_years)
    n = ctx.quarter_count(c.deals_per_year, ff)
    winners = ctx.competitive_call(young, call_growth_score(ctx), n, 0.0, c.application_rate)
    if len(winners) == 0:
        return
    deal = np.full(len(winners), min(c.max_deal / ff, (invest_q - seed) / len(winners)))
    inject_equity(ctx, winners, deal, c.collateral_weight)
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

    budget: float = param(
        5.0e8, "yuan/year", "[0, inf)", "yuan/year; assumption (no public figure for the sub-fund found)"
    )
    max_award: float = (
        8.0e6  # yuan per project; Shenzhen's cap for a pilot-base (中试基地) project (2023 high-tech zone guide)
    )
    awards_per_year: int = param(
        100, "per year", "[0, inf)", "projects per year; assumption (5e6 average at the default budget)"
    )
    recent_quarters: int = param(
        8, "quarters", "[0, inf)", "quarters since the last breakthrough that count as recent R&D success (assumption)"
    )
    min_knowledge_sales: float = (
        0.2  # knowledge / annual sales for eligibility without a recent breakthrough (~2x the median firm; assumption)
    )
    effectiveness: float = param(
        1.0,
        "number",
        "[0, inf)",
        "a yuan of pilot funding raises the breakthrough hazard like a yuan of R&D (assumption)",
    )
    max_multiplier: float = param(3.0, "multiplier", "[0, inf)", "cap on the breakthrough multiplier (assumption)")
    sme_share: float = param(0.0, "share", "[0, 1]", "minimum share of awards to SMEs")
    application_rate: float = param(0.3, "share", "[0, 1]", "share of eligible firms that apply (assumption)")
    collateral_weight: float = param(1.0, "weight", "[0, inf)", "as for funding.equity")
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
    ctx.open_account("funding.pilot_fund")
    w, ff = ctx.world, scale_fraction(ctx)
    f = w.firms
    ratio = f.knowledge / np.maximum(4.0 * f.output, 1.0)
    recent = f.last_breakthrough >= w.quarter - c.recent_quarters
    eligible = eligible_firms(ctx, c.targeting) & (recent | (ratio >= c.min_knowledge_sales))
    n = ctx.quarter_count(c.awards_per_year, ff)

    def score(r: np.ndarray) -> np.ndarray:  # of the applicants only (a call's rows)
        return np.log(np.maximum(ratio[r], 1e-9))

    winners = ctx.competitive_call(eligible, score, n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = np.full(len(winners), award_size(ctx, c, len(winners), ff))
    inject_equity(ctx, winners, award, c.collateral_weight)
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

    budget: float = param(
        5.0e8, "yuan/year", "[0, inf)", "public yuan/year; assumption (no public figure for the funds' size found)"
    )
    deals_per_year: int = param(5, "per year", "[0, inf)", "acquisitions financed per year; assumption")
    max_deal: float = param(1.0e9, "yuan", "[0, inf)", "yuan per acquisition; assumption")
    public_share: float = (
        0.3  # share of a deal the public fund finances; assumption, as the guidance fund's <= 30% share of a sub-fund
    )
    technology_share: float = param(
        0.5, "share", "[0, 1]", "share of the deal value that is technology (patents, know-how; assumption)"
    )
    min_employees: float = param(
        1000.0,
        "people",
        "[0, inf)",
        'people; "large" acquirers (assumption: China\'s large-industrial-enterprise bound)',
    )
    application_rate: float = param(
        0.3, "share", "[0, 1]", "share of large firms considering an acquisition in a quarter (assumption)"
    )
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
    ctx.open_account("funding.overseas_ma")
    w, ff = ctx.world, scale_fraction(ctx)
    f = w.firms
    eligible = eligible_firms(ctx, c.targeting) & (f.employees * ff >= c.min_employees)
    n = ctx.quarter_count(c.deals_per_year, ff)

    def score(r: np.ndarray) -> np.ndarray:  # of the applicants only (a call's rows)
        return np.log(np.maximum(f.knowledge[r], 1.0))

    winners = ctx.competitive_call(eligible, score, n, 0.0, c.application_rate)
    if len(winners) == 0 or c.public_share <= 0:
        return
    deal = min(c.max_deal / ff, ctx.quarter_budget(c.budget) / c.public_share / len(winners))
    eps = w.params.innovation.tfp_knowledge_elasticity
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

    budget: float = param(
        1.0e8, "yuan/year", "[0, inf)", "yuan/year; assumption (no public figure for the 2018 scheme found)"
    )
    max_award: float = (
        5.0e6  # yuan per grant; Shenzhen's cap for a proof-of-concept centre project (2023 high-tech zone guide)
    )
    awards_per_year: int = param(
        50, "per year", "[0, inf)", "grants per year; assumption (2e6 average at the default budget)"
    )
    spinoff_probability: float = param(
        0.2, "share", "[0, 1]", "chance a verified result becomes a spin-off firm (assumption)"
    )
    application_rate: float = param(0.5, "share", "[0, 1]", "share of carriers applying in a quarter (assumption)")
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
    ctx.open_account("funding.proof_of_concept")
    w = ctx.world
    inst, fi = w.institutes, float(w.scale.institute_fraction)
    eligible = institute_mask(w, c.targeting)
    n = ctx.quarter_count(c.awards_per_year, fi)
    winners = competitive_call(ctx.rng, eligible, inst.capability, n, c.application_rate)
    if len(winners) == 0:
        return
    award = np.full(len(winners), min(c.max_award / fi, ctx.quarter_budget(c.budget) / len(winners)))
    key = inst.field.astype(np.int64) * N_DIST + inst.district
    extra = np.bincount(key[winners], minlength=N_IND * N_DIST) * c.spinoff_probability  # spin-off agents
    base = w.params.demography.spinoff_rate * np.bincount(
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
