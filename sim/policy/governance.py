"""Governance (五): the leading group's city-wide co-ordination (G-LEAD) and the city's allocation of
projects and teams that prevents districts from competing blindly for the same firms (S-RESOURCES,
三.二.1).

Without co-ordination (lever off: the model's baseline) districts compete: firms move between
districts at the baseline relocation hazard (params.demography.relocation_rate, higher where rent
is high) and start-ups spread over districts by the location logit alone. With co-ordination:
- fewer moves driven by districts poaching each other's firms: relocation hazard x
  ``relocation_multiplier`` (< 1);
- entry allocated by the district focus plans (the table of space.district_focus, used whether or
  not that lever's location bonus is on): in each industry, start-up rates in focus districts get
  relative weight ``focus_entry_weight`` against 1 elsewhere, renormalised so that the industry's
  expected number of start-ups is unchanged (entry is re-allocated, not created).
No budget: co-ordination is administrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.kernel.space import location_probs
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever, not_modelled
from sim.policy.space import focus_matrix


@dataclass
class CoordinationConfig(LeverConfig):
    """City-wide co-ordination switch (G-LEAD, S-RESOURCES)."""

    relocation_multiplier: float = (
        0.5  # assumption: half of baseline moves are districts bidding for each other's firms
    )
    focus_entry_weight: float = param(
        1.5, "weight", "[0, inf)", "relative start-up rate of focus districts within an industry (assumption)"
    )


def entry_reallocation(probs: np.ndarray, focus: np.ndarray, weight: float) -> np.ndarray:
    """[N_IND, N_DIST] entry multipliers m with m = weight / s in focus cells and 1 / s elsewhere,
    s = sum_d probs[i, d] * (weight if focus else 1), so that sum_d probs * m = 1 for each industry
    (expected start-ups per industry unchanged, since start-ups in a cell ~ probs x multiplier)."""
    rel = np.where(focus, weight, 1.0)
    s = (probs * rel).sum(axis=1, keepdims=True)
    return np.where(s > 0, rel / np.where(s > 0, s, 1.0), 1.0)


@lever(
    "governance.coordination",
    clauses=("G-LEAD", "S-RESOURCES"),
    channel="switch: relocation hazard x relocation_multiplier (< 1, no poaching between districts) and start-ups "
    "re-allocated towards each district's focus industries (same total per industry)",
    test="tests/test_levers_projects.py::test_coordination_less_churn_more_focus_entry",
    default_source="relocation x 0.5, focus weight 1.5 (assumptions); focus table of space.district_focus",
)
def coordination(ctx: PolicyContext, c: CoordinationConfig) -> None:
    e = ctx.effects
    e.relocation_multiplier *= c.relocation_multiplier
    focus = focus_matrix(ctx.policy.space.district_focus.focus)
    probs, _ = location_probs(ctx.world)
    e.entry_multiplier *= entry_reallocation(probs, focus, c.focus_entry_weight)


not_modelled(
    "G-TASKS",
    "departments' action plans for the seven industries are administrative; their content is "
    "the other levers (funding, carriers, talent, space, access, IP), not a channel of its own",
)
not_modelled(
    "G-EVAL",
    "statistics, accounting, assessment and supervision change what the city knows about the "
    "industries, not what firms, institutes or talent do; the model's measurement is exact",
)


@dataclass
class GovernanceConfig:
    coordination: CoordinationConfig = field(default_factory=CoordinationConfig)
