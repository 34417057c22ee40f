"""Helpers for lever direction tests: one lever on against all levers off, same seed (common
random numbers), small scale."""

from __future__ import annotations

from sim.config import to_config
from sim.model import SEIModel


def lever_model(seed: int = 0, lever: str | None = None, end_year: int = 2021, **overrides) -> SEIModel:
    """A small model with every lever off except ``lever`` (e.g. "funding.grants"), which keeps its
    plan_2018 defaults unless ``overrides`` (dotted keys) change them."""
    ov = {"scenario.end_year": end_year, **overrides}
    if lever is not None:
        ov[f"policy.{lever}.enabled"] = True
    return SEIModel(to_config(None, scale="small", seed=seed, policy="no_plan", **ov), handles=False)


def step_both(lever: str, quarters: int, seed: int = 0, **overrides) -> tuple[SEIModel, SEIModel]:
    """(all off, only ``lever`` on), each stepped ``quarters`` times."""
    off, on = lever_model(seed, None, **overrides), lever_model(seed, lever, **overrides)
    for _ in range(quarters):
        off.step()
        on.step()
    return off, on
