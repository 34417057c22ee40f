"""Lever intensities as factors: one number per lever group scales what the group's levers do.

``group_overrides("funding", 2.0)`` returns the dotted config overrides (for
``sim.config.to_config(None, **overrides)``) that double every intensity of the funding levers;
``0.0`` switches the group off (every lever of the group ``enabled: false``, as in
``policy=no_plan``), ``1.0`` is the base policy unchanged (the plan, ``plan_2018``, by default).
Sensitivity analysis (experiments/sensitivity.py) and scenario discovery (analysis/ema.py) vary
the eight factors, one per group of ``sim.policy.config.PolicyConfig``: funding, tech, talent,
space, access, ip, projects, governance.

Which fields are intensities (the table ``INTENSITIES``, printed by
``python -m sim.policy.intensity``):

- ``budget``: yuan per year. Every lever with a budget has it scaled.
- ``count`` / ``area`` / ``people``: how many units the budget buys per year (awards, deals,
  orders, projects, carriers, platforms, trainees, student places, m2 or km2 of floor space or
  land). They are scaled with the budget so that the lever's capacity (what its design can spend,
  checked before a run: sim/policy/validate.py) keeps pace with the budget and a larger budget
  buys more units rather than bigger ones. Integer counts are rounded up (so capacity never falls
  below the scaled budget). Infrastructure facilities are scaled in size (construction cost,
  operating budget, researchers), their number and dates are kept.
- ``strength``: effects that no money buys (administrative reforms, designations, regulatory
  zones): location bonuses, multipliers on hazards, demand and learning. They are scaled as a
  deviation from their neutral value (1 for multipliers and weights, 0 for bonuses):
  ``neutral + factor x (plan value - neutral)``, floored at 0. Without this the governance group
  (no budget) would not vary at all and "factor 0" would leave the designations' effects on.

Not scaled (design of the instrument, not its size): award and deal caps per recipient, shares
(SME quota, subsidy, public share), application rates, eligibility bounds (firm size, age, the
enrolment cap of risk compensation, which is the number of eligible SMEs), unit costs, targeting,
windows. A test (tests/test_sensitivity.py) checks that every registered lever is in the table.

Units of the factor: multiple of the base policy's intensities (dimensionless, >= 0).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from sim.errors import ConfigError
from sim.policy.config import PolicyConfig
from sim.policy.registry import REGISTRY, lever_config

GROUPS: tuple[str, ...] = ("funding", "tech", "talent", "space", "access", "ip", "projects", "governance")

KINDS = ("budget", "count", "area", "people", "strength")


@dataclass(frozen=True)
class Intensity:
    """One scaled field: ``lever`` (key under ``policy``, e.g. "funding.grants"), ``field`` (dotted
    path inside the lever config; ``facilities[].x`` = field x of every facility, ``m2_per_year{}``
    = every entry of the dict), ``kind`` (one of KINDS), ``neutral`` (value at factor 0), ``unit``."""

    lever: str
    field: str
    kind: str
    unit: str
    neutral: float = 0.0

    @property
    def group(self) -> str:
        return self.lever.split(".")[0]


def _b(lever: str) -> Intensity:
    return Intensity(lever, "budget", "budget", "yuan/year")


INTENSITIES: tuple[Intensity, ...] = (
    # funding (M-FUND-*)
    _b("funding.grants"),
    Intensity("funding.grants", "awards_per_year", "count", "awards/year"),
    _b("funding.equity"),
    Intensity("funding.equity", "awards_per_year", "count", "stakes/year"),
    _b("funding.loan_subsidy"),
    Intensity("funding.loan_subsidy", "recipients", "count", "firms/quarter"),
    _b("funding.risk_compensation"),
    _b("funding.guidance_fund"),
    Intensity("funding.guidance_fund", "deals_per_year", "count", "deals/year"),
    _b("funding.pilot_fund"),
    Intensity("funding.pilot_fund", "awards_per_year", "count", "projects/year"),
    _b("funding.overseas_ma"),
    Intensity("funding.overseas_ma", "deals_per_year", "count", "acquisitions/year"),
    _b("funding.proof_of_concept"),
    Intensity("funding.proof_of_concept", "awards_per_year", "count", "grants/year"),
    # tech (S-CARRIERS, M-TECH-*)
    _b("tech.new_carriers"),
    Intensity("tech.new_carriers", "carriers_per_year", "count", "carriers/year"),
    _b("tech.leading_institutes"),
    Intensity("tech.leading_institutes", "n_institutes", "count", "carriers"),
    _b("tech.platforms"),
    Intensity("tech.platforms", "platforms_per_year", "count", "platforms/year"),
    _b("tech.infrastructure"),
    Intensity("tech.infrastructure", "facilities[].construction_cost", "budget", "yuan per facility"),
    Intensity("tech.infrastructure", "facilities[].operating_budget", "budget", "yuan/year per facility"),
    Intensity("tech.infrastructure", "facilities[].researchers", "people", "researchers per facility"),
    # talent (M-TALENT-*)
    _b("talent.university"),
    Intensity("talent.university", "extra_intake_per_year", "people", "students/year"),
    _b("talent.training"),
    Intensity("talent.training", "trainees_per_year", "people", "trainees/year"),
    _b("talent.recruitment"),
    _b("talent.housing"),
    Intensity("talent.evaluation", "learning_multiplier", "strength", "x capability learning", 1.0),
    # space (S-*)
    _b("space.land_release"),
    Intensity("space.land_release", "land_km2", "area", "km2"),
    Intensity("space.land_release", "land_km2_shenshan", "area", "km2"),
    Intensity("space.land_release", "m2_per_year{}", "area", "m2/year by district"),
    _b("space.rent_cap"),
    Intensity("space.rent_cap", "space_m2", "area", "m2"),
    _b("space.parks"),
    Intensity("space.parks", "m2_per_zone_per_year", "area", "m2/year per zone"),
    Intensity("space.parks", "bonus", "strength", "logit utility"),
    Intensity("space.district_focus", "bonus", "strength", "logit utility"),
    # access (M-ACCESS-*)
    _b("access.first_purchase"),
    Intensity("access.first_purchase", "orders_per_year", "count", "orders/year"),
    _b("access.first_set"),
    _b("access.pilot_zones"),
    Intensity("access.pilot_zones", "driverless.breakthrough_multiplier", "strength", "x breakthrough hazard", 1.0),
    Intensity("access.pilot_zones", "driverless.demand_multiplier", "strength", "x external demand", 1.0),
    Intensity("access.pilot_zones", "life_health.breakthrough_multiplier", "strength", "x breakthrough hazard", 1.0),
    Intensity("access.pilot_zones", "life_health.demand_multiplier", "strength", "x external demand", 1.0),
    # ip (M-IP-*)
    _b("ip.protection"),
    Intensity("ip.protection", "share_elasticity_multiplier", "strength", "x share elasticity", 1.0),
    Intensity("ip.protection", "firm_knowledge_spill_weight", "strength", "x firm knowledge in spillovers", 1.0),
    _b("ip.finance"),
    _b("ip.standards"),
    Intensity("ip.standards", "max_firms", "count", "firms"),
    # projects (T20-PROJECTS, M-FUND-6)
    _b("projects.major_projects"),
    Intensity("projects.major_projects", "projects_per_year", "count", "projects/year"),
    # governance (G-LEAD, S-RESOURCES)
    Intensity("governance.coordination", "relocation_multiplier", "strength", "x relocation hazard", 1.0),
    Intensity(
        "governance.coordination", "focus_entry_weight", "strength", "relative start-up rate of focus districts", 1.0
    ),
)


def _levers(group: str) -> list[str]:
    return [k for k in REGISTRY if k.split(".")[0] == group]


def check_group(group: str) -> str:
    """``group`` if it is a lever group, else ConfigError naming the allowed groups."""
    if group not in GROUPS:
        raise ConfigError(f"lever group '{group}' is unknown; allowed: {', '.join(GROUPS)}")
    return group


def check_factor(factor: Any, key: str = "factor") -> float:
    """``factor`` as a float >= 0, else ConfigError naming ``key``."""
    try:
        f = float(factor)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}: {factor!r} is not a number; allowed: a finite multiple >= 0 of the plan") from None
    if not (math.isfinite(f) and f >= 0):
        raise ConfigError(
            f"{key} = {f:g} is not allowed; allowed: a finite multiple >= 0 of the plan (0 = off, 1 = plan)"
        )
    return f


def _scale(value: float, factor: float, neutral: float, integer: bool) -> float | int:
    v = max(neutral + factor * (float(value) - neutral), 0.0)
    if integer:
        return math.ceil(v - 1e-9)  # up: capacity stays >= the scaled budget
    return v


def group_overrides(group: str, factor: float, policy=None) -> dict[str, Any]:
    """Dotted config overrides (``policy.<lever>.<field>`` -> value) that scale every intensity of
    the levers of ``group`` (INTENSITIES) by ``factor`` (dimensionless multiple of ``policy``,
    a sim.policy.config.PolicyConfig; None = the plan, ``plan_2018``).

    Values are floats, ints for integer counts, ``False`` for ``enabled`` at factor 0 (the group
    is off: every lever disabled, the scaled values are 0 or neutral), a list of facility dicts
    for ``policy.tech.infrastructure.facilities`` and a dict for ``m2_per_year`` when it is set.
    A lever the base policy has disabled stays disabled. Pure: ``policy`` is not modified.
    """
    check_group(group)
    f = check_factor(factor, f"intensity of lever group '{group}'")
    base = PolicyConfig() if policy is None else policy
    out: dict[str, Any] = {}
    for it in INTENSITIES:
        if it.group != group:
            continue
        c = lever_config(base, it.lever)
        key = f"policy.{it.lever}"
        if it.field.startswith("facilities[]."):
            name = it.field.split(".", 1)[1]
            facs = out.get(f"{key}.facilities") or [asdict(x) for x in c.facilities]
            for d in facs:
                d[name] = _scale(d[name], f, it.neutral, False)
            out[f"{key}.facilities"] = facs
            continue
        if it.field.endswith("{}"):
            name = it.field[:-2]
            d = getattr(c, name)
            if d:
                out[f"{key}.{name}"] = {k: _scale(v, f, it.neutral, False) for k, v in d.items()}
            continue
        node, name = c, it.field
        if "." in it.field:
            sub, name = it.field.split(".", 1)
            node = getattr(c, sub)
        value = getattr(node, name)
        integer = isinstance(value, int) and not isinstance(value, bool)
        out[f"{key}.{it.field}"] = _scale(value, f, it.neutral, integer)
    if f == 0.0:
        for lever in _levers(group):
            out[f"policy.{lever}.enabled"] = False
    return out


def all_overrides(factors: dict[str, float], policy=None) -> dict[str, Any]:
    """Overrides of several groups at once: ``{group: factor}`` -> merged ``group_overrides``."""
    out: dict[str, Any] = {}
    for g, v in factors.items():
        out.update(group_overrides(g, v, policy))
    return out


def uncovered_levers() -> list[str]:
    """Registered levers that have no row in INTENSITIES (should be empty)."""
    covered = {it.lever for it in INTENSITIES}
    return [k for k in REGISTRY if k not in covered]


def markdown_table() -> str:
    """The table of docs/sensitivity.md: group, lever, field, kind, unit, neutral value."""
    rows = ["| group | lever | field | kind | unit | value at factor 0 |", "|---|---|---|---|---|---|"]
    for it in INTENSITIES:
        rows.append(f"| {it.group} | `{it.lever}` | `{it.field}` | {it.kind} | {it.unit} | {it.neutral:g} |")
    return "\n".join(rows)


__all__ = [
    "GROUPS",
    "INTENSITIES",
    "Intensity",
    "all_overrides",
    "check_factor",
    "check_group",
    "group_overrides",
    "markdown_table",
    "uncovered_levers",
]

if __name__ == "__main__":
    print(markdown_table())
