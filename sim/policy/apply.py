"""The policy phase: each lever whose window covers the quarter acts, in the declared order
(sim.policy.registry.ORDER), on this quarter's effects."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from sim.kernel.world import World
from sim.policy.base import PolicyContext
from sim.policy.registry import REGISTRY, lever_config
from sim.policy.shared import QuarterView


def lever_rngs(seed: int) -> dict[str, np.random.Generator]:
    """One random stream per lever, keyed by its name, so that switching one lever on or off
    leaves every other lever's draws unchanged (common random numbers across ablations)."""
    return {
        key: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),)))
        for key in REGISTRY
    }


def apply_policy(world: World, policy: Any, year: int, q: int, rngs: dict[str, np.random.Generator]) -> list[str]:
    """Let the active levers act on ``world.effects`` (fresh this quarter). Returns the active keys."""
    active = []
    view = QuarterView()  # what several levers read this quarter, computed once (sim.policy.shared)
    for key, spec in REGISTRY.items():
        cfg = lever_config(policy, key)
        ctx = PolicyContext(
            world=world, effects=world.effects, policy=policy, year=year, q=q, rng=rngs[key], key=key, view=view
        )
        if ctx.active(cfg):
            spec.apply(ctx, cfg)
            active.append(key)
    return active
