"""The policy phase: each lever whose window covers the quarter acts, in registry order."""

from __future__ import annotations

import zlib

import numpy as np

from sim.policy.base import PolicyContext
from sim.policy.effects import PolicyEffects
from sim.policy.registry import REGISTRY, lever_config


def lever_rngs(seed: int) -> dict[str, np.random.Generator]:
    """One random stream per lever, keyed by its name, so that switching one lever on or off
    leaves every other lever's draws unchanged (common random numbers across ablations)."""
    return {
        key: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),)))
        for key in REGISTRY
    }


def apply_policy(world, year: int, q: int, rngs: dict[str, np.random.Generator]) -> list[str]:
    """Fill ``world.effects`` for this quarter and let active levers act. Returns the active keys."""
    world.effects = PolicyEffects(world.firms.n, world.institutes.n)
    active = []
    for key, spec in REGISTRY.items():
        cfg = lever_config(world.cfg.policy, key)
        ctx = PolicyContext(world=world, effects=world.effects, year=year, q=q, rng=rngs[key])
        if ctx.active(cfg):
            spec.apply(ctx, cfg)
            active.append(key)
    return active
