"""The choices of the run mode and the Hydra override line that reproduces a run.

A run is fully described by ``Choices``; ``overrides(choices)`` turns them into the tokens of
``python -m sim`` (``scale=small scenario=history policy=plan_2018 seed=0 ensemble.size=2 ...``),
and the page runs exactly ``sim.config.to_config(sim.config.compose(tokens))``, so the line it
shows reproduces its numbers on the command line. Lever groups are scaled with
sim.policy.intensity (``group_overrides``: budgets with the counts they buy; 0 = the group off)
and given a window (every lever of the group acts from ``start`` to ``end``).
"""

from __future__ import annotations

import copy
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sim.config import CONFIG_DIR, SimConfig, compose, to_config, validate
from sim.ids import quarter_index
from sim.policy.intensity import GROUPS, group_overrides
from sim.policy.registry import REGISTRY

POLICIES = tuple(sorted(p.stem for p in (CONFIG_DIR / "policy").glob("*.yaml")))
SCENARIOS = tuple(sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml")))
SCALES = ("small", "city")
BASELINES = ("no_plan", "plan_2018")
BUDGET_RANGE = (0.0, 2.0)  # multiple of the policy's budgets, as the sensitivity analysis varies them
WINDOW_RANGE = ("2019Q1", "2025Q4")  # the plan's horizon
SEED_RANGE = (0, 10_000)
MAX_SEEDS = 20
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


@dataclass
class LeverGroup:
    budget: float = 1.0  # multiple of the policy's intensities (sim.policy.intensity)
    start: str = ""  # "" = each lever keeps its own window
    end: str = ""


@dataclass
class Choices:
    policy: str = "plan_2018"
    scenario: str = "history"
    scale: str = "small"
    seed: int = 0
    n_seeds: int = 1
    baseline: str = "no_plan"
    groups: dict[str, LeverGroup] = field(default_factory=lambda: {g: LeverGroup() for g in GROUPS})


# -- ranges: a message for a refused value, None when it is allowed ---------------------------
def check_budget(value: Any) -> str | None:
    lo, hi = BUDGET_RANGE
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"not a number: {value!r}"
    if not (lo <= v <= hi):
        return f"{v:g} is out of range: allowed {lo:g} to {hi:g} (x the policy's budget; 0 = off, 1 = as planned)"
    return None


def check_window(start: str, end: str) -> str | None:
    lo, hi = WINDOW_RANGE
    for name, v in (("start", start), ("end", end)):
        if v and not QUARTER.match(v):
            return f"{name} '{v}' is not a quarter like 2019Q1"
        if v and not (quarter_index(lo) <= quarter_index(v) <= quarter_index(hi)):
            return f"{name} {v} is out of range: allowed {lo} to {hi}"
    if start and end and quarter_index(end) < quarter_index(start):
        return f"end {end} is before start {start}"
    return None


def check_seeds(seed: Any, n_seeds: Any) -> str | None:
    try:
        s, n = int(seed), int(n_seeds)
    except (TypeError, ValueError):
        return "seed and number of seeds must be whole numbers"
    if not (SEED_RANGE[0] <= s <= SEED_RANGE[1]):
        return f"seed {s} is out of range: allowed {SEED_RANGE[0]} to {SEED_RANGE[1]}"
    if not (1 <= n <= MAX_SEEDS):
        return f"{n} seeds is out of range: allowed 1 to {MAX_SEEDS}"
    return None


def problems(c: Choices) -> dict[str, str]:
    """Control name -> message for every refused value (empty: the run can start)."""
    out = {}
    for name, value, allowed in (
        ("policy", c.policy, POLICIES),
        ("scenario", c.scenario, SCENARIOS),
        ("scale", c.scale, SCALES),
        ("baseline", c.baseline, BASELINES),
    ):
        if value not in allowed:
            out[name] = f"'{value}' is not one of {', '.join(allowed)}"
    if msg := check_seeds(c.seed, c.n_seeds):
        out["seeds"] = msg
    for g, lg in c.groups.items():
        if msg := check_budget(lg.budget):
            out[f"{g}.budget"] = msg
        if msg := check_window(lg.start, lg.end):
            out[f"{g}.window"] = msg
    return out


# -- the override line --------------------------------------------------------------------------
def _numeric(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def hydra_value(v: Any) -> str:
    """A Python value in Hydra's override grammar (round-trips through compose)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if v is None:
        return "null"
    if isinstance(v, str):
        if PLAIN.match(v) and v.lower() not in ("true", "false", "null", "nan", "inf") and not _numeric(v):
            return v  # an identifier or a quarter (2020Q1): no quotes, the line stays readable
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(v, dict):
        return "{" + ",".join(f"{k}:{hydra_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ",".join(hydra_value(x) for x in v) + "]"
    raise TypeError(f"no Hydra override syntax for {type(v).__name__}")


@lru_cache(maxsize=16)
def base_config(policy: str, scenario: str, scale: str) -> SimConfig:
    return to_config(None, policy=policy, scenario=scenario, scale=scale)


def _get(cfg: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        cfg = getattr(cfg, part)
    return cfg


def _plain(v: Any) -> Any:
    if hasattr(v, "__dataclass_fields__"):
        return {k: _plain(getattr(v, k)) for k in v.__dataclass_fields__}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def lever_overrides(c: Choices) -> dict[str, Any]:
    """Dotted key -> value for the lever groups the user changed (only values that differ from the policy)."""
    base = base_config(c.policy, c.scenario, c.scale)
    out: dict[str, Any] = {}
    for g in GROUPS:
        lg = c.groups.get(g, LeverGroup())
        if float(lg.budget) != 1.0:
            out.update(group_overrides(g, float(lg.budget), base.policy))
        for lever in (k for k in REGISTRY if k.split(".")[0] == g):
            for end in ("start", "end"):
                if getattr(lg, end):
                    out[f"policy.{lever}.{end}"] = getattr(lg, end)
    return {k: v for k, v in out.items() if _plain(_get(base, k)) != _plain(v)}


def overrides(c: Choices) -> list[str]:
    """The tokens of ``python -m sim`` that reproduce the run (seeds seed .. seed+n_seeds-1)."""
    head = [f"scale={c.scale}", f"scenario={c.scenario}", f"policy={c.policy}"]
    head += [f"seed={int(c.seed)}", f"ensemble.size={int(c.n_seeds)}"]
    return head + [f"{k}={hydra_value(v)}" for k, v in lever_overrides(c).items()]


def baseline_overrides(c: Choices) -> list[str]:
    """The tokens of the baseline: the same scenario, scale and seeds under the baseline policy."""
    return [f"scale={c.scale}", f"scenario={c.scenario}", f"policy={c.baseline}"] + [
        f"seed={int(c.seed)}",
        f"ensemble.size={int(c.n_seeds)}",
    ]


def command_line(tokens: list[str]) -> str:
    """The shell command: ``python -m sim <tokens>``, each token quoted for the shell where needed."""
    return "python -m sim " + " ".join(shlex.quote(t) for t in tokens)


def _set(cfg: Any, dotted: str, value: Any) -> None:
    *path, name = dotted.split(".")
    node = _get(cfg, ".".join(path)) if path else cfg
    old = getattr(node, name)
    if isinstance(old, list) and old and hasattr(old[0], "__dataclass_fields__"):  # e.g. facilities
        value = [type(old[0])(**d) for d in value]
    setattr(node, name, value)


def page_config(c: Choices, policy: str | None = None) -> SimConfig:
    """The run config of ``c`` (of its baseline with ``policy=c.baseline``) without composing it
    again: the composed policy/scenario/scale config (cached) with the seed, the ensemble size and
    the lever overrides set, then validated. It is the config of ``config_of(overrides(c))``
    (tests/test_dashboard.py compares their hashes), in a tenth of the time."""
    cfg = copy.deepcopy(base_config(policy or c.policy, c.scenario, c.scale))
    cfg.seed, cfg.ensemble.size = int(c.seed), int(c.n_seeds)
    if policy is None:
        for k, v in lever_overrides(c).items():
            _set(cfg, k, v)
    validate(cfg)
    return cfg


def config_of(tokens: list[str]) -> SimConfig:
    """The run config of the tokens, composed exactly as ``python -m sim`` composes it."""
    return to_config(compose(tokens))
