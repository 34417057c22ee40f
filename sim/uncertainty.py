"""Parameter uncertainty as part of a run's config (``uncertainty.parameters``): each seed draws its
own values of the uncertain parameters, so an ensemble or a paired sweep (plan vs no plan on the
same seeds) carries the uncertainty of the parameters and not only of the agents' draws.

- ``evidence``: the lever behavioural parameters and the market parameters with a literature range
  (every declared parameter under ``policy.`` and ``params.market|migration|space.`` that has a
  plausible range; docs/evidence.md), uniform within the range;
- ``all``: every declared parameter with a plausible range;
- in both, the calibrated values (``configs/calibration/<name>.params.csv``: estimate and standard
  error from experiments/calibrate.py) are drawn normal, truncated to their bounds.
The draws come from their own random stream of the seed (the model's streams are untouched), in
the sorted order of the keys, so two configs that differ only in their levers draw the same
values. Units: each parameter's own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.params.spec import specs

MODES = ("none", "evidence", "all")
EVIDENCE_PREFIXES = (".policy.", ".params.market.", ".params.migration.", ".params.space.")
STREAM = 7919  # the uncertainty draws' own entry in the SeedSequence of the seed


@dataclass
class UncertaintyConfig:
    """How a run draws its uncertain parameters (docs/validation.md, 'plan effect')."""

    parameters: str = "none"  # none | evidence | all (see sim.uncertainty)


def _set(obj: Any, dotted: str, value: float) -> None:
    *path, leaf = dotted.strip(".").split(".")
    for p in path:
        obj = getattr(obj, p)
    current = getattr(obj, leaf)
    setattr(obj, leaf, int(round(value)) if isinstance(current, int) and not isinstance(current, bool) else value)


def calibrated_draw_table(path: Path) -> list[tuple[str, float, float, float, float]]:
    """(key, estimate, se, low bound, high bound) rows of a calibration's params.csv (empty if none)."""
    if not path.exists():
        return []
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            lo, hi = (float(x) for x in r["bounds"].strip("[]").split(","))
            rows.append((r["parameter"], float(r["estimate"]), float(r["se"]), lo, hi))
    return rows


def draw(cfg: Any, calibration_dir: Path) -> dict[str, float]:
    """The drawn values {dotted key: value} for ``cfg`` (a SimConfig) and its seed; applied in place."""
    mode = cfg.uncertainty.parameters
    if mode == "none":
        return {}
    rng = np.random.default_rng(np.random.SeedSequence([int(cfg.seed), STREAM]))
    out: dict[str, float] = {}
    for key, spec, value in sorted(specs(cfg, ""), key=lambda t: t[0]):
        if spec.plausible is None or isinstance(value, list | bool) or not isinstance(value, int | float):
            continue
        u = float(rng.random())  # one draw per key in sorted order, whether used or not
        if mode == "all" or key.startswith(EVIDENCE_PREFIXES):
            lo, hi = spec.plausible
            out[key.strip(".")] = lo + u * (hi - lo)
    for key, est, se, lo, hi in calibrated_draw_table(calibration_dir / f"{cfg.calibration.name}.params.csv"):
        z = float(rng.standard_normal())
        out[key] = float(np.clip(est + se * z, lo, hi))
    for key, v in out.items():
        if key.startswith("calibration.share_trend."):
            cfg.calibration.share_trend[key.rsplit(".", 1)[1]] = v
        else:
            _set(cfg, key, v)
    return out
