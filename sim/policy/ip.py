"""IP and standards levers (四.五): strict protection and the IP court (M-IP-1, M-IP-2), IP-backed
finance (M-IP-3) and standards leadership (M-IP-4).

Channels in the model: a firm's market share grows with its TFP gain relative to its industry at
the elasticity params.production.share_elasticity (sim.kernel.phases.production); protection raises that
elasticity (innovators keep more of the returns to their innovations) and lowers the weight of
firm knowledge in the spillover pool (slower imitation; sim.kernel.phases.innovation). IP finance raises
borrowing limits (leverage_bonus, a share of capital; sim.economy.finance). Standards leadership
raises external (export) demand of the industry's knowledge leaders. Money in yuan, budgets per year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import N_DIST, N_IND
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.targeting import Targeting


# ---------------------------------------------------------------------------------------------
# M-IP-1, M-IP-2: strictest protection, protection centre, IP court
# ---------------------------------------------------------------------------------------------
@dataclass
class ProtectionConfig(LeverConfig):
    """Strictest IP protection (M-IP-1: protection centre, evidence system, fast grant and
    enforcement; M-IP-2: IP court, heavier penalties). Appropriability rises: the share elasticity
    of TFP gains is multiplied by ``share_elasticity_multiplier`` (> 1) and the weight of firm
    knowledge in the spillover pool by ``firm_knowledge_spill_weight`` (< 1; institutes' public
    knowledge is unaffected). The budget runs the centre and court; it is booked on cells by their
    firms' knowledge stock and the effect does not depend on it.

    The two channels pull apart in this model: firms absorb spillovers in proportion to their R&D,
    so less imitation also slows the TFP growth of the R&D-intensive firms that are the innovators;
    over a few quarters the net effect on innovators' market shares can be negative (the
    appropriability-diffusion trade-off). tests/test_levers_ip.py tests each channel separately."""

    share_elasticity_multiplier: float = param(
        1.2,
        "multiplier",
        "[0, inf)",
        "assumption: innovators keep a fifth more of their market-share gains (docs/evidence.md)",
        (1.0, 1.5),
    )
    firm_knowledge_spill_weight: float = param(
        0.9, "weight", "[0, inf)", "assumption: 10% less firm knowledge open to imitation"
    )
    budget: float = param(
        1.0e8,
        "yuan/year",
        "[0, inf)",
        "yuan/yr for the protection centre, evidence system and court support (assumption)",
    )


@lever(
    "ip.protection",
    clauses=("M-IP-1", "M-IP-2"),
    channel="appropriability: share elasticity of innovators' TFP gains x share_elasticity_multiplier (> 1), "
    "firm knowledge in the spillover pool x firm_knowledge_spill_weight (< 1, slower imitation)",
    test="tests/test_levers_ip.py::test_protection_raises_innovators_share_gains",
    default_source="multipliers 1.2 and 0.9, budget 1e8 yuan/yr (assumptions)",
)
def protection(ctx: PolicyContext, c: ProtectionConfig) -> None:
    e = ctx.effects
    e.share_elasticity_multiplier *= c.share_elasticity_multiplier
    e.firm_knowledge_spill_weight *= c.firm_knowledge_spill_weight
    k = ctx.view.cell_sum(ctx.world, "knowledge").reshape(-1)  # firm knowledge by cell
    amount = ctx.quarter_budget(c.budget) * k / max(k.sum(), 1e-300)
    keep = amount > 0
    cells = np.flatnonzero(keep)
    ctx.spend("ip.protection", cells // N_DIST, cells % N_DIST, amount[keep])


# ---------------------------------------------------------------------------------------------
# M-IP-3: IP operation centre, IP-backed loans
# ---------------------------------------------------------------------------------------------
@dataclass
class IPFinanceConfig(LeverConfig):
    """IP-backed loans (M-IP-3: IP operation centre and trading hub, IP finance). Banks lend against
    patents when the city's risk pool shares their losses. A firm's IP credit line is
    ``loan_to_value`` x its knowledge stock (the model's IP value), as a share of its capital at
    most ``max_bonus``; it raises the firm's borrowing limit (leverage_bonus). The risk pool costs
    ``risk_pool_rate`` per year of the lines granted (expected losses x the city's share; booked on
    lines, not on drawn loans). Where the budget cannot cover every line, all lines are scaled down
    by the same factor: lines stay in proportion to IP value and change smoothly from quarter to
    quarter. (A cut-off by IP intensity was tried first: firms crossing the cut-off lost their line
    from one quarter to the next and those that had borrowed against it became insolvent, which
    raised exits above the no-plan run; real IP loans are term loans, not recalled lines.)"""

    loan_to_value: float = param(0.3, "share", "[0, 1]", "credit per yuan of knowledge stock (assumption)")
    max_bonus: float = param(
        0.2, "number", "[0, inf)", "cap of the extra borrowing limit, share of capital (assumption)"
    )
    risk_pool_rate: float = (
        0.01  # yuan of risk-pool cost per yuan of line per year (assumption: ~2% losses x 50% city share)
    )
    budget: float = param(
        1.0e8,
        "yuan/year",
        "[0, inf)",
        "yuan/yr; supports ~1e10 yuan of IP credit lines, the scale of Guangdong's 134.6e8 yuan of",
    )
    # IP-pledge loans in 2017 (national IP administration data, cited in Cui et al., cnipol.com)
    targeting: Targeting = field(default_factory=Targeting)


@lever(
    "ip.finance",
    clauses=("M-IP-3",),
    channel="IP-backed credit lines: borrowing limit + min(max_bonus, loan_to_value x knowledge / capital), "
    "scaled down uniformly to what the risk pool can cover",
    test="tests/test_levers_ip.py::test_ip_finance_raises_borrowing",
    default_source="risk pool 1e8 yuan/yr at 1%/yr of lines (~1e10 yuan of lines; Guangdong IP-pledge loans 134.6e8 "
    "yuan in 2017); loan-to-value 0.3, cap 0.2 (assumptions)",
)
def finance(ctx: PolicyContext, c: IPFinanceConfig) -> None:
    f = ctx.world.firms
    rows = np.flatnonzero(ctx.firm_mask(c.targeting) & (f.knowledge > 0) & (f.capital > 0))
    if len(rows) == 0:
        return
    bonus = np.minimum(c.max_bonus, c.loan_to_value * f.knowledge[rows] / f.capital[rows])
    cost = c.risk_pool_rate / 4.0 * bonus * f.capital[rows]
    scale = min(1.0, ctx.quarter_budget(c.budget) / max(cost.sum(), 1e-300))
    bonus, cost = bonus * scale, cost * scale
    ctx.effects.leverage_bonus[rows] += bonus
    ctx.spend("ip.finance", f.industry[rows], f.district[rows], cost)


# ---------------------------------------------------------------------------------------------
# M-IP-4: patents, brands, standards leadership
# ---------------------------------------------------------------------------------------------
@dataclass
class StandardsConfig(LeverConfig):
    """Standards and brands (M-IP-4: global patent portfolios, world brands, firms leading
    international and national standards). The knowledge leaders of each industry (the top firms
    by knowledge stock, in proportion to the industry's firm count, ``max_firms`` in all at city
    scale) get support for standards work (cash) and sell more abroad: external demand x
    (1 + export_uplift x the industry's export share, sim/data/industries.csv)."""

    max_firms: int = param(
        300, "number", "[0, inf)", "leader firms supported at city scale (assumption: ~2% of 14,400 firms)"
    )
    support_per_firm: float = param(5.0e5, "yuan", "[0, inf)", "yuan per firm per year for standards work (assumption)")
    export_uplift: float = param(
        0.1, "number", "[0, inf)", "relative rise of export demand of a standards leader (assumption)"
    )
    budget: float = param(1.5e8, "yuan/year", "[0, inf)", "yuan/yr = 300 x 5e5")
    targeting: Targeting = field(default_factory=Targeting)


def _standards_capacity(c: StandardsConfig) -> float:
    return c.max_firms * c.support_per_firm


@lever(
    "ip.standards",
    clauses=("M-IP-4",),
    channel="knowledge leaders of each industry get standards support (cash) and external demand x "
    "(1 + export_uplift x export share)",
    test="tests/test_levers_ip.py::test_standards_raise_leaders_sales",
    default_source="300 leaders x 5e5 yuan/yr, export uplift 0.1 (assumptions)",
    capacity=_standards_capacity,
)
def standards(ctx: PolicyContext, c: StandardsConfig) -> None:
    w = ctx.world
    f = w.firms
    ff = w.scale.firm_fraction
    rows = ctx.firm_rows(c.targeting)
    if len(rows) == 0 or c.max_firms <= 0:
        return
    per_firm = c.support_per_firm / 4.0 / ff
    n = min(int(round(c.max_firms * ff)), int(ctx.quarter_budget(c.budget) // max(per_firm, 1e-9)), len(rows))
    if n <= 0:
        return
    # leaders per industry in proportion to its eligible firms (largest remainders), top by knowledge
    ind = f.industry[rows].astype(np.int64)
    counts = np.bincount(ind, minlength=N_IND)
    quota = n * counts / counts.sum()
    n_i = np.floor(quota).astype(np.int64)
    n_i[np.argsort(-(quota - n_i), kind="stable")[: n - n_i.sum()]] += 1
    picks = []
    for i in np.flatnonzero(n_i):  # seven industries
        r = rows[ind == i]
        picks.append(r[np.argpartition(-f.knowledge[r], n_i[i] - 1)[: n_i[i]]])
    leaders = np.concatenate(picks)
    e = ctx.effects
    e.demand_multiplier[leaders] *= 1.0 + c.export_uplift * w.data.export_share[f.industry[leaders]]
    e.cash_transfer[leaders] += per_firm
    ctx.spend("ip.standards", f.industry[leaders], f.district[leaders], np.full(len(leaders), per_firm))


@dataclass
class IPConfig:
    protection: ProtectionConfig = field(default_factory=ProtectionConfig)
    finance: IPFinanceConfig = field(default_factory=IPFinanceConfig)
    standards: StandardsConfig = field(default_factory=StandardsConfig)
