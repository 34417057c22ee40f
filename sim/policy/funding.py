"""Funding levers (四.二): the special fund's four support modes (M-FUND-1, M-FUND-2), the
guidance and angel funds (M-FUND-3), the pilot-scale sub-fund (M-FUND-4), cross-border and
overseas M&A funds (M-FUND-5) and proof-of-concept grants (M-FUND-7).

Default budgets: Shenzhen budgeted 3e9 yuan a year for its SEI special funds in 2013 and 2015
(municipal finance committee, as reported by Guangming Daily 2013 and Jingbao 2015-05-28: "30亿元,
扶持1000个项目"); the 2018 plan keeps an annual special fund (M-FUND-1). The split across the four
modes of M-FUND-2 is an assumption (half grants, the rest equity, interest subsidies and risk
compensation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.policy.base import LeverConfig, PolicyContext, Targeting, lever
from sim.sampling import stochastic_round


@dataclass
class GrantsConfig(LeverConfig):
    """Direct grants (无偿资助) from the special fund, by competitive call (M-FUND-1, M-FUND-2)."""

    budget: float = 1.5e9  # yuan/year; half of the 3e9 special fund (assumption on the split)
    max_award: float = 5.0e6  # yuan per award; 3e9 for ~1,000 projects a year = 3e6 on average
    awards_per_year: int = 500  # awards; ~1,000 projects/yr across all modes (2013 report)
    sme_share: float = 0.5  # minimum share of awards to SMEs (assumption)
    application_rate: float = 0.3  # share of eligible firms that apply (application costs; assumption)
    additionality: float = 0.8  # share of a grant that adds to R&D; meta-analyses find partial, not full, crowding out (Dimos & Pugh 2016)
    targeting: Targeting = field(default_factory=Targeting)


def _grants_capacity(c: GrantsConfig) -> float:
    return c.max_award * c.awards_per_year


@lever("funding.grants", clauses=("M-FUND-1", "M-FUND-2"),
       channel="cash earmarked for R&D to winners of a competitive call scored on R&D intensity and TFP gains; "
               "R&D rises by additionality x grant",
       test="tests/test_levers_funding.py::test_grants_raise_rd_of_recipients",
       default_source="3e9 yuan/yr SEI special fund (2013, 2015 budget reports), half as grants (assumption)",
       capacity=_grants_capacity)
def grants(ctx: PolicyContext, c: GrantsConfig) -> None:
    f = ctx.world.firms
    n = int(stochastic_round(np.array([c.awards_per_year / 4.0]), ctx.rng)[0])
    eligible = ctx.firm_mask(c.targeting)
    score = f.rd_intensity + np.log(np.maximum(f.tfp / f.tfp_ref, 1e-9))
    winners = ctx.competitive_call(eligible, score, n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    award = min(c.max_award, ctx.quarter_budget(c.budget) / len(winners))
    ctx.effects.rd_grant[winners] += award
    ctx.effects.rd_additionality[winners] = c.additionality
    ctx.spend("funding.grants", f.industry[winners], f.district[winners], np.full(len(winners), award))


@dataclass
class FundingConfig:
    grants: GrantsConfig = field(default_factory=GrantsConfig)
