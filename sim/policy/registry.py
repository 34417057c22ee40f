"""Import every lever module so that the registry (sim.policy.base.REGISTRY) is complete."""

from __future__ import annotations

from sim.policy import access, funding, governance, ip, projects, space, talent, tech  # noqa: F401
from sim.policy.base import NOT_MODELLED, REGISTRY

__all__ = ["REGISTRY", "NOT_MODELLED", "lever_config"]


def lever_config(policy, key: str):
    """The config node of lever ``key`` (e.g. "funding.grants") inside a PolicyConfig."""
    node = policy
    for part in key.split("."):
        node = getattr(node, part)
    return node
