"""Command line: ``python -m sim [key=value ...]`` (a Hydra app; also the ``sei-sim`` script).

Runs the configured scenario as an ensemble of ``ensemble.size`` seeds (default 5, from ``seed``):
each seed's run goes into ``<run folder>/seed_<seed>/``; prints the ensemble median of SEI value
added by industry and the ensemble scorecard of the plan's targets, and writes
``ensemble_scorecard.json``. With ``ensemble.size=1`` it is a single run written into the run
folder itself (manifest.json, timeseries.parquet, scorecard.json ...) with its own scorecard.
Exit status 1 if any seed failed (the others are still written and reported).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import CONFIG_DIR, ConfigError, register_configs, to_config
from sim.drivers.ensemble import run_ensemble
from sim.drivers.guard import check_argv, check_config
from sim.drivers.run import run
from sim.drivers.sweep import LAST_SWEEP, run_job
from sim.outputs.budget import budget_table, format_budget
from sim.outputs.scorecard import format_ensemble, format_run
from sim.outputs.summary import format_summary, format_va_table

log = logging.getLogger("sim")
VA_TITLE = "SEI value added by industry, 100m yuan (亿元), current prices"


def realism_lines(facts_by_run: list[list[dict]]) -> list[str]:
    """The realism checks (stylized facts, docs/validation.md) that failed in any run, one line each,
    and a count of the warnings; empty when every check passed."""
    fails: dict[str, list[dict]] = {}
    warns = set()
    for facts in facts_by_run:
        for f in facts:
            if f.get("status") == "FAIL":
                fails.setdefault(f["key"], []).append(f)
            elif f.get("status") == "WARN":
                warns.add(f["key"])
    if not fails and not warns:
        return []
    n = len(facts_by_run)
    lines = [f"Realism checks (stylized facts, docs/validation.md) failed in these {n} run(s):" if fails else ""]
    for key, fs in fails.items():
        vals = sorted(float(f["value"]) for f in fs if f.get("value") is not None)
        mid = f"{vals[len(vals) // 2]:.3g}" if vals else "-"
        lines.append(
            f"  FAIL {fs[0]['fact']} ({key}): in {len(fs)} of {n} runs; value {mid}, expected {fs[0]['expected']}"
        )
    if warns:
        lines.append(f"  WARN (near the band): {', '.join(sorted(warns))}")
    return [ln for ln in lines if ln]


def _seed_facts(out: Path, seeds: list[int]) -> list[list[dict]]:
    files = [out / f"seed_{s}" / "stylized_facts.json" for s in seeds]
    return [json.loads(f.read_text()) for f in files if f.is_file()]


def _single(sim_cfg, out: Path) -> None:
    try:
        res = run(sim_cfg, out)
    except Exception as exc:  # the manifest says failed with the error and the traceback
        print(f"error: the run failed: {type(exc).__name__}: {exc} (see {out / 'manifest.json'})", file=sys.stderr)
        raise SystemExit(1) from None
    if sim_cfg.output.print_summary:
        print(
            format_summary(
                res.timeseries,
                f"Scenario '{sim_cfg.scenario.name}', scale '{sim_cfg.scale.name}', seed {sim_cfg.seed}: {VA_TITLE}",
            )
        )
        print()
        print(format_run(res.scorecard))
        print("\n".join(realism_lines([res.stylized_facts])))
        print()
        print(format_budget(budget_table(sim_cfg.policy, res.annual)))
        print(f"run folder: {out}  (wall time {res.manifest['wall_time_s']:.2f} s)")


def _ensemble(sim_cfg, out: Path) -> int:
    ens = run_ensemble(sim_cfg, out)
    seeds = ens.seeds
    label = f"seeds {seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    ok = len(ens.cards)
    if sim_cfg.output.print_summary:
        va = ens.va_median()
        if va is not None:
            print(
                format_va_table(
                    va,
                    f"Scenario '{sim_cfg.scenario.name}', policy '{ens.report['policy']}', scale "
                    f"'{sim_cfg.scale.name}', {label}: {VA_TITLE}, median of {ok} runs",
                )
            )
            print()
        print(
            format_ensemble(
                ens.summary,
                ens.report["definitions"],
                f"Plan targets (深府〔2018〕84号), {ok} runs ({label}): probability of meeting each target",
            )
        )
        realism = realism_lines(_seed_facts(out, seeds) if len(seeds) > 1 else [])
        if realism:
            print("\n".join(realism))
        budget = ens.budget_mean()
        if budget is not None:
            print()
            print(format_budget(budget, f"Lever budgets beside spending, 100m yuan (亿元), mean of {ok} runs"))
        print(
            f"run folder: {out}  (seed_<seed>/ per run; {len(seeds)} runs on {ens.workers} worker"
            f"{'s' if ens.workers > 1 else ''}, wall time {ens.wall_time_s:.2f} s)"
        )
    for r in ens.failed:
        print(
            f"error: seed {r.seed} failed: {r.error} (see {out / f'seed_{r.seed}' / 'manifest.json'})", file=sys.stderr
        )
    return 1 if ens.failed else 0


def _sweep_job(cfg: DictConfig, out: Path, hc) -> None:
    rec = run_job(cfg, out, list(hc.overrides.task), hc.job.num)
    what = " ".join(hc.overrides.task) or "(defaults)"
    if rec["status"] == "failed":
        log.error("job %s (%s) failed: %s", hc.job.num, what, "; ".join(str(e["error"]) for e in rec["failed"]))
    else:
        log.info(
            "job %s (%s): %s, %d run(s), %.1f s", hc.job.num, what, rec["status"], len(rec["seeds"]), rec["wall_time_s"]
        )


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def _app(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    if hc.mode == RunMode.MULTIRUN:  # a bad config or a crash is this job's failure; the sweep goes on
        _sweep_job(cfg, out, hc)
        return
    try:
        sim_cfg = to_config(cfg)
        check_config(sim_cfg)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if sim_cfg.ensemble.size == 1:
        _single(sim_cfg, out)
    else:
        code = _ensemble(sim_cfg, out)
        if code:
            raise SystemExit(code)


def main() -> None:
    register_configs()
    try:
        check_argv(sys.argv[1:])  # before Hydra creates the output folder
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    _app()
    if LAST_SWEEP.get("counts", {}).get("failed"):  # a sweep with failed jobs: the others are written
        raise SystemExit(1)


if __name__ == "__main__":
    main()
