"""The plan's scorecard for two or more configurations side by side, over the same seeds (paired).

Each positional argument is one configuration: Hydra overrides separated by spaces, exactly as
``python -m sim`` takes them. Every configuration runs with the same seeds (common random
numbers: the seed's draws are shared, so differences come from the configuration).

    python -m analysis.compare "policy=plan_2018" "policy=no_plan"            # 5 seeds, city scale
    python -m analysis.compare "policy=plan_2018" "policy=no_plan" --seeds 10 --scale small
    python -m analysis.compare "scenario=history" "scenario=steady" --set scenario.end_year=2025
    python -m analysis.compare "" "targets.clusters.measure=value_added"      # "" = the defaults
    python -m analysis.compare A B --out outputs/compare/plan_vs_none          # also write files

Printed: per target and configuration P(met) with its Wilson 95% interval and the median value;
for every configuration after the first, the median over seeds of the paired difference of the
value against the first configuration. Then SEI value added in the last year (total and by
industry) and public spending, mean per configuration and paired differences against the first
with 95% t intervals (analysis.compare_outcomes). With --out DIR: one ensemble folder per
configuration (DIR/config_<k>/seed_<seed>/ ... and its ensemble_scorecard.json),
DIR/comparison.csv (the scorecard) and DIR/comparison_outcomes.csv (value added and spending, yuan).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compare_outcomes import format_side_by_side, outcomes, side_by_side
from sim.config import ConfigError, compose, to_config
from sim.drivers.ensemble import EnsembleResult, finish_ensemble, resolve_workers, run_many
from sim.outputs.scorecard import KIND_MARK, _table, fmt_num, footnote
from sim.outputs.targets import TARGETS


def build_configs(specs: list[str], scale: str | None, common: list[str], seed: int):
    """A validated SimConfig per configuration string (raises ConfigError naming the bad key)."""
    out = []
    for spec in specs:
        overrides = shlex.split(spec) + ([f"scale={scale}"] if scale else []) + list(common) + [f"seed={seed}"]
        out.append(to_config(compose(overrides)))
    return out


def compare(
    specs: list[str],
    *,
    seeds: int = 5,
    first_seed: int = 0,
    scale: str | None = None,
    common: list[str] = (),
    workers: int = 0,
    out_dir: Path | None = None,
) -> list[EnsembleResult]:
    """Run every configuration with seeds first_seed .. first_seed+seeds-1; one ensemble result each."""
    cfgs = build_configs(specs, scale, list(common), first_seed)
    seed_list = list(range(first_seed, first_seed + seeds))
    dirs = [Path(out_dir) / f"config_{k}" if out_dir is not None else None for k in range(len(cfgs))]
    jobs = [(c, s, d) for c, d in zip(cfgs, dirs) for s in seed_list]
    n_workers = resolve_workers(workers, len(jobs), max(c.scale.firm_fraction for c in cfgs))
    t0 = time.perf_counter()
    results = run_many(jobs, n_workers)
    wall = time.perf_counter() - t0
    n = len(seed_list)
    return [
        finish_ensemble(c, results[k * n : (k + 1) * n], n_workers, wall, d) for k, (c, d) in enumerate(zip(cfgs, dirs))
    ]


def median_paired_differences(base: EnsembleResult, other: EnsembleResult) -> dict[str, float | None]:
    """Per target, the median over seeds of other's value - base's value (seeds complete in both);
    a robust summary for the printed table. For means with t intervals on sweep results use
    analysis.stats.paired_differences."""
    a = {r.seed: r.scorecard for r in base.results if r.status == "complete"}
    b = {r.seed: r.scorecard for r in other.results if r.status == "complete"}
    out = {}
    for i, t in enumerate(TARGETS):
        d = [
            b[s]["targets"][i]["value"] - a[s]["targets"][i]["value"]
            for s in a
            if s in b and a[s]["targets"][i]["value"] is not None and b[s]["targets"][i]["value"] is not None
        ]
        out[t.id] = float(np.median(d)) if d else None
    return out


def table(specs: list[str], ens: list[EnsembleResult]) -> pd.DataFrame:
    """Tidy comparison: one row per configuration x target."""
    recs = []
    for k, (spec, e) in enumerate(zip(specs, ens)):
        diff = median_paired_differences(ens[0], e) if k else {}
        for s in e.summary:
            recs.append(
                {
                    "config": k,
                    "overrides": spec,
                    **{
                        c: s[c]
                        for c in (
                            "id",
                            "year",
                            "kind",
                            "metric",
                            "rule",
                            "evaluated",
                            "met",
                            "p_met",
                            "ci_low",
                            "ci_high",
                            "value_median",
                            "value_p10",
                            "value_p90",
                            "margin_median",
                        )
                    },
                    "paired_diff_median": diff.get(s["id"]),
                }
            )
    return pd.DataFrame(recs)


def format_comparison(specs: list[str], ens: list[EnsembleResult]) -> str:
    letters = [chr(ord("A") + k) for k in range(len(specs))]
    head = ["target", "year", "kind"]
    for k, L in enumerate(letters):
        head += [f"{L}: P(met) [95% CI]", f"{L}: value"] + ([f"{L}-A (paired)"] if k else [])
    diffs = [median_paired_differences(ens[0], e) if k else {} for k, e in enumerate(ens)]
    rows = []
    for i, t in enumerate(TARGETS):
        s0 = ens[0].summary[i]
        row = [t.id, s0["horizon"] if s0["horizon"] != "long term" else f"{s0['year']}*", KIND_MARK[t.kind]]
        for k, e in enumerate(ens):
            s = e.summary[i]
            p = "-" if s["p_met"] is None else f"{s['p_met']:.2f} [{s['ci_low']:.2f}, {s['ci_high']:.2f}]"
            row += [p, fmt_num(s["value_median"])] + ([fmt_num(diffs[k][t.id], True)] if k else [])
        rows.append(row)
    right = {i for i, h in enumerate(head) if h.endswith("value") or h.endswith("(paired)")}
    seeds = ens[0].seeds
    n_ok = [len(e.cards) for e in ens]
    lines = [
        f"Plan targets side by side: {len(seeds)} paired seeds ({seeds[0]}-{seeds[-1]}), scale "
        f"'{ens[0].cfg.scale.name}'; complete runs: " + ", ".join(f"{L} {n}" for L, n in zip(letters, n_ok))
    ]
    lines += [
        f"  {L} = {spec or '(defaults)'}  [policy '{e.report['policy']}', scenario '{e.report['scenario']}', "
        f"targets '{e.cfg.targets.name}']"
        for L, spec, e in zip(letters, specs, ens)
    ]
    lines.append(_table(head, rows, right))
    lines.append(
        footnote(
            "value: median over seeds; X-A: median of the paired (same-seed) differences of the value. "
            "* long-term target, read at the run's last year. Definitions of A: ",
            ens[0].report["definitions"],
        )
    )
    for L, e in zip(letters, ens):
        for r in e.failed:
            lines.append(f"warning: {L} seed {r.seed} failed: {r.error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.compare",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "configs", nargs="+", help='configurations: Hydra overrides in quotes, e.g. "policy=no_plan"; "" = defaults'
    )
    ap.add_argument("--seeds", type=int, default=5, help="seeds per configuration (default 5)")
    ap.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    ap.add_argument(
        "--scale",
        default=None,
        help="scale group for every configuration (city | small; default: config default, city)",
    )
    ap.add_argument(
        "--set",
        dest="common",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override applied to every configuration (repeatable)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes (0 = one per core, in-process at small scale); results do not depend on it",
    )
    ap.add_argument("--out", type=Path, default=None, help="write the runs and comparison.csv into this folder")
    a = ap.parse_args(argv)
    if len(a.configs) < 2:
        ap.error("give at least two configurations")
    if a.seeds < 1:
        ap.error("--seeds must be >= 1")
    tmp = None
    if a.out is None:  # the runs are written to read their annual tables; kept only with --out
        tmp = tempfile.TemporaryDirectory(prefix="sei-compare-")
    out_dir = a.out if a.out is not None else Path(tmp.name)  # type: ignore[union-attr]
    try:
        ens = compare(
            a.configs,
            seeds=a.seeds,
            first_seed=a.first_seed,
            scale=a.scale,
            common=a.common,
            workers=a.workers,
            out_dir=out_dir,
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_comparison(a.configs, ens))
    letters = [chr(ord("A") + k) for k in range(len(a.configs))]
    dirs = [out_dir / f"config_{k}" for k in range(len(a.configs))]
    sbs = side_by_side(outcomes(dirs, ens[0].seeds), letters)
    print()
    print(format_side_by_side(sbs, letters))
    if a.out is not None:
        table(a.configs, ens).to_csv(a.out / "comparison.csv", index=False)
        sbs.to_csv(a.out / "comparison_outcomes.csv", index=False)
        print(
            f"written: {a.out}/comparison.csv (scorecard), comparison_outcomes.csv (value added, spending; yuan) "
            "and config_<k>/ (one ensemble per configuration)"
        )
    if tmp is not None:
        tmp.cleanup()
    return 1 if any(e.failed for e in ens) else 0


if __name__ == "__main__":
    raise SystemExit(main())
