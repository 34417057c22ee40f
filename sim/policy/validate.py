"""Checks of the `policy` node before any work: windows, budgets, targeting, numbers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields, is_dataclass

from sim.ids import QUARTER_RE, quarter_index
from sim.policy.base import LeverConfig
from sim.policy.registry import REGISTRY, lever_config
from sim.policy.targeting import Targeting, validate_targeting

PLAN_HORIZON_END = 2025 * 4 + 3  # 2025Q4, the plan's last target year


# a lever field named like a rate or a share is a fraction: [0, 1] (the exceptions are per-yuan ratios)
FRACTION_SUFFIXES = ("_share", "_rate", "_probability", "additionality")
FRACTION_NAMES = ("discount", "retention", "retention_effect", "bank_response", "capability", "loan_to_value")
NOT_FRACTIONS = ("initial_knowledge_share",)


def is_fraction(name: str) -> bool:
    """A lever field that must lie in [0, 1] (a share, a rate, a probability)."""
    if name in NOT_FRACTIONS:
        return False
    return name in FRACTION_NAMES or name.endswith(FRACTION_SUFFIXES)


def _walk_numbers(obj, key: str, check: Callable[[bool, str, str], None]) -> None:
    for f in fields(obj):
        v = getattr(obj, f.name)
        k = f"{key}.{f.name}"
        if isinstance(v, Targeting):
            continue
        if is_dataclass(v):
            _walk_numbers(v, k, check)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            check(math.isfinite(v) and v >= 0, k, f"must be a finite number >= 0, got {v}")
            spec = f.metadata.get("spec")  # declared with sim.params.spec.param: its bounds
            if spec is not None:
                check(spec.admits(float(v)), k, f"must be in {spec.bounds} ({spec.unit}), got {v}")
            elif is_fraction(f.name):
                check(v <= 1, k, f"must be a share or rate in [0, 1], got {v}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    check(math.isfinite(x) and x >= 0, f"{k}[{i}]", f"must be >= 0, got {x}")


def _walk_targeting(obj, key: str, subfield_ids: tuple[str, ...], check) -> None:
    for f in fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, Targeting):
            validate_targeting(v, f"{key}.{f.name}", subfield_ids, check)
        elif is_dataclass(v):
            _walk_targeting(v, f"{key}.{f.name}", subfield_ids, check)


def validate_policy(
    policy, start_year: int, end_year: int, subfield_ids: tuple[str, ...], check: Callable[[bool, str, str], None]
) -> None:
    run_start, run_end = start_year * 4, end_year * 4 + 3
    for key, spec in REGISTRY.items():
        c = lever_config(policy, key)
        k = f"policy.{key}"
        assert isinstance(c, LeverConfig)
        for end in ("start", "end"):
            v = getattr(c, end)
            check(bool(QUARTER_RE.match(str(v))), f"{k}.{end}", f"must be a quarter like '2019Q1', got '{v}'")
        s, e = quarter_index(c.start), quarter_index(c.end)
        check(e >= s, f"{k}.end", f"({c.end}) is before {k}.start ({c.start})")
        if c.enabled:
            # a window must overlap the run; one that starts after a shortened run but within the
            # plan's horizon (to 2025Q4) simply does not act in that run
            check(
                e >= run_start and s <= max(run_end, PLAN_HORIZON_END),
                f"{k}.start",
                f"window {c.start}-{c.end} lies outside the run {start_year}Q1-{end_year}Q4",
            )
        _walk_numbers(c, k, check)
        _walk_targeting(c, k, subfield_ids, check)
        if spec.capacity is not None and hasattr(c, "budget"):
            cap = spec.capacity(c)
            check(
                c.budget <= cap * (1 + 1e-9),
                f"{k}.budget",
                f"= {c.budget:.3g} yuan/year cannot be spent: this lever's design disburses at most {cap:.3g} yuan/year "
                f"({spec.channel.split(';')[0]}); lower the budget or raise the award size or count",
            )
