"""The stored baseline: headline numbers of small default runs, kept in tests/baseline/ so that any
change that moves results shows in its diff.

``python -m experiments.baseline`` prints the current numbers beside the stored ones;
``python -m experiments.baseline --update`` (``make baseline``) rewrites the file on purpose. The
test tests/test_baseline.py fails when the numbers move and the file was not updated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sim.config import to_config
from sim.drivers.run import run
from sim.io import write_json

BASELINE = Path(__file__).resolve().parents[1] / "tests" / "baseline" / "small_default.json"
SEEDS = (0, 1)
YEARS = (2019, 2025)
ANNUAL = ("value_added", "output", "employment", "firms", "talent", "rd_spending")  # by industry at ALL districts
RTOL = 1e-9  # relative tolerance: the same code and seed give bit-identical numbers; this only absorbs printing


def headline(seed: int) -> dict[str, Any]:
    """Headline numbers of one small default run (history scenario, plan_2018): value added and
    other annual metrics in 2019 and 2025 (yuan, people, counts), public spending and every
    scorecard value."""
    cfg = to_config(None, scale="small", seed=seed, **{"ensemble.size": 1, "output.write": False})
    res = run(cfg, None, handles=False)
    a = res.annual
    a = a[(a["district"] == "ALL") & a["year"].isin(YEARS)]
    out: dict[str, Any] = {}
    for metric in ANNUAL:
        rows = a[a["metric"] == metric]
        for ind, year, value in zip(rows["industry"], rows["year"], rows["value"]):
            out[f"{metric}.{ind}.{year}"] = float(value)
    spend = a[a["metric"].str.startswith("spend_") & (a["industry"] == "ALL")]
    for year in YEARS:
        out[f"spend_total.{year}"] = float(spend.loc[spend["year"] == year, "value"].sum())
    for t in res.scorecard["targets"]:
        out[f"target.{t['id']}"] = None if t["value"] is None else float(t["value"])
    return out


def current() -> dict[str, dict[str, Any]]:
    return {str(s): headline(s) for s in SEEDS}


def differences(stored: dict, now: dict, rtol: float = RTOL) -> list[str]:
    """Keys whose values differ by more than ``rtol`` (or appear in only one), with both values."""
    out = []
    for seed in sorted(set(stored) | set(now)):
        a, b = stored.get(seed, {}), now.get(seed, {})
        for k in sorted(set(a) | set(b)):
            x, y = a.get(k), b.get(k)
            same = x == y or (
                isinstance(x, int | float) and isinstance(y, int | float) and abs(x - y) <= rtol * max(abs(x), abs(y))
            )
            if not same:
                rel = (
                    f" ({(y - x) / abs(x):+.3%})"
                    if isinstance(x, int | float) and isinstance(y, int | float) and x
                    else ""
                )
                out.append(f"seed {seed} {k}: stored {x}, now {y}{rel}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help=f"rewrite {BASELINE.name} with the current numbers")
    a = ap.parse_args(argv)
    now = current()
    if a.update:
        write_json(BASELINE, now)
        print(f"wrote {BASELINE}")
        return 0
    stored = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    diff = differences(stored, now)
    print("\n".join(diff) if diff else f"the current numbers equal {BASELINE}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
