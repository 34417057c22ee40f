"""Every lever in the order it acts each quarter (``ORDER``, declared, not the order of imports),
and the clauses no lever models."""

from __future__ import annotations

from typing import Any

from sim.policy import (  # noqa: F401  (importing a lever module registers its levers)
    access,
    funding,
    governance,
    infrastructure,
    ip,
    projects,
    space,
    special_fund,
    talent,
    tech,
    zones,
)
from sim.policy.base import NOT_MODELLED, REGISTERED, LeverSpec

# The order levers act in within a quarter. Levers that add floor space, firms or institutes act
# on this quarter's state, so a later lever sees what an earlier one did; the order below is the
# one the model has used since the levers were introduced (results depend on it).
ORDER: tuple[str, ...] = (
    "access.first_purchase",
    "access.first_set",
    "access.pilot_zones",
    "funding.grants",
    "funding.equity",
    "funding.loan_subsidy",
    "funding.risk_compensation",
    "funding.guidance_fund",
    "funding.pilot_fund",
    "funding.overseas_ma",
    "funding.proof_of_concept",
    "space.land_release",
    "space.rent_cap",
    "space.parks",
    "space.district_focus",
    "governance.coordination",
    "ip.protection",
    "ip.finance",
    "ip.standards",
    "projects.major_projects",
    "talent.university",
    "talent.training",
    "talent.recruitment",
    "talent.housing",
    "talent.evaluation",
    "tech.new_carriers",
    "tech.leading_institutes",
    "tech.platforms",
    "tech.infrastructure",
)

if set(ORDER) != set(REGISTERED) or len(ORDER) != len(REGISTERED):
    raise RuntimeError(
        "sim.policy.registry.ORDER must list every registered lever once; "
        f"missing {sorted(set(REGISTERED) - set(ORDER))}, unknown {sorted(set(ORDER) - set(REGISTERED))}"
    )

REGISTRY: dict[str, LeverSpec] = {key: REGISTERED[key] for key in ORDER}

__all__ = ["REGISTRY", "ORDER", "NOT_MODELLED", "lever_config", "new_lever_state"]


def lever_config(policy: Any, key: str) -> Any:
    """The config node of lever ``key`` (e.g. "funding.grants") inside a PolicyConfig."""
    node = policy
    for part in key.split("."):
        node = getattr(node, part)
    return node


def new_lever_state() -> dict[str, Any]:
    """A fresh instance of every lever's declared state (one run's lever memory)."""
    return {key: spec.state() for key, spec in REGISTRY.items() if spec.state is not None}
