"""An ensemble: one config run with several seeds (seed, seed+1, ... seed+size-1), each into its
own folder ``<out>/seed_<seed>/``, and the ensemble scorecard over them.

Runs are independent, so the results do not depend on how many worker processes share them
(``ensemble.workers``; 0 = one per core, in-process for small-scale runs). Worker processes are started with ``spawn`` and one
BLAS thread each, and end with the ensemble's process (sim.drivers.pool). A seed that crashes leaves its folder with a manifest saying "failed" and the
error; the others go on, and the ensemble reports the failed seeds.

Files at the top of the ensemble folder: ``ensemble_scorecard.json`` (per target: probability of
meeting it with a Wilson interval, median and 10-90% band of value and margin; the seeds and the
failures), ``ensemble_scorecard.csv`` (the same per-target table) and ``scorecards.csv`` (tidy:
one row per seed x target).
"""

from __future__ import annotations

import json
import os
import signal
import time
import traceback
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sim.config import SimConfig
from sim.drivers.heap import freeze_heap
from sim.drivers.pool import process_pool
from sim.drivers.run import completed, run
from sim.io import atomic_write, write_json
from sim.outputs.budget import budget_table
from sim.outputs.evaluation import definitions
from sim.outputs.scorecard import summarise, tidy
from sim.outputs.summary import value_added_table

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass
class SeedResult:
    seed: int
    status: str  # complete | failed
    manifest: dict
    scorecard: dict | None = None
    va_table: pd.DataFrame | None = None  # sim.outputs.summary.value_added_table
    error: str | None = None
    budget: pd.DataFrame | None = None  # sim.outputs.budget.budget_table: each lever's budget beside its spending


@dataclass
class EnsembleResult:
    cfg: SimConfig
    results: list[SeedResult]
    summary: list[dict]  # sim.outputs.scorecard.summarise
    workers: int
    wall_time_s: float
    out_dir: Path | None = None
    report: dict = field(default_factory=dict)  # what ensemble_scorecard.json holds

    @property
    def seeds(self) -> list[int]:
        return [r.seed for r in self.results]

    @property
    def failed(self) -> list[SeedResult]:
        return [r for r in self.results if r.status != "complete"]

    @property
    def cards(self) -> list[dict]:
        return [r.scorecard for r in self.results if r.status == "complete" and r.scorecard is not None]

    def va_median(self) -> pd.DataFrame | None:
        """SEI value added by industry and year (100m yuan), the median over complete runs."""
        tabs = [r.va_table for r in self.results if r.va_table is not None]
        if not tabs:
            return None
        med = pd.concat(tabs).groupby(level=0, sort=False).median()
        return med.reindex(tabs[0].index)[tabs[0].columns]

    def budget_mean(self) -> pd.DataFrame | None:
        """sim.outputs.budget.budget_table, the mean over complete runs."""
        tabs = [r.budget for r in self.results if r.budget is not None and not r.budget.empty]
        if not tabs:
            return None
        return pd.concat(tabs).groupby(level=0, sort=False).mean().reindex(tabs[0].index)


def ensemble_seeds(cfg: SimConfig) -> list[int]:
    return [cfg.seed + k for k in range(cfg.ensemble.size)]


def seed_dir(out_dir: Path, seed: int) -> Path:
    return Path(out_dir) / f"seed_{seed}"


SMALL_RUN_FRACTION = 0.5  # below this firm fraction a run takes under a second: run in-process


def resolve_workers(workers: int, n_runs: int, firm_fraction: float = 1.0) -> int:
    """Worker processes: ``workers``, or for 0 one per available core, except for small runs
    (``scale.firm_fraction`` < 0.5), which go in-process: a worker costs ~1.5 s to start (imports
    and data), more than a small run (~0.5 s). Measured on 2 cores (docs/targets.md): 5 city-scale
    seeds take 11.5 s in-process and 8.5 s on 2 workers; 2 small-scale seeds 1.8 s and 4.7 s."""
    if workers <= 0:
        if firm_fraction < SMALL_RUN_FRACTION:
            return 1
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            workers = os.cpu_count() or 1
    return max(1, min(int(workers), n_runs))


def run_seed(
    cfg: SimConfig, seed: int, out_dir: Path | None, meta: dict | None = None, *, resume: bool = True
) -> SeedResult:
    """Run ``cfg`` with ``seed`` into ``out_dir/seed_<seed>`` (if ``out_dir`` is given); see run_folder."""
    c = replace(cfg, seed=seed)
    return run_folder(c, seed_dir(out_dir, seed) if out_dir is not None else None, meta, resume=resume)


def run_folder(
    cfg: SimConfig, d: Path | None, meta: dict | None = None, *, resume: bool = True, tables: bool = True
) -> SeedResult:
    """Run ``cfg`` (into folder ``d`` if given); never raises on a crash of the model: the result
    says "failed" with the error (and so does the run's manifest). With ``resume`` a complete run
    of the same config already in ``d`` is read, not rerun (``manifest["resumed"]`` is True).
    ``tables=False`` leaves the result's value-added and budget tables out (None), and a resumed
    run's scorecard too (only its manifest is read), for callers that read its status only (a
    sweep job of one run: 9 ms of a small run)."""
    done = completed(cfg, d) if resume and d is not None else None
    if d is not None and done is not None:
        if not tables:
            return SeedResult(seed=int(done["seed"]), status="complete", manifest={**done, "resumed": True})
        loaded = load_seed(d, done)
        loaded.budget = budget_table(cfg.policy, pd.read_parquet(d / "annual.parquet"))
        return loaded
    try:
        res = run(cfg, d, handles=False, meta=meta)
    except Exception as exc:
        manifest = {
            "seed": cfg.seed,
            "status": "failed",
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }
        if d is not None and (d / "manifest.json").exists():
            manifest = json.loads((d / "manifest.json").read_text())
        return SeedResult(seed=cfg.seed, status="failed", manifest=manifest, error=str(manifest.get("error")))
    return SeedResult(
        seed=cfg.seed,
        status="complete",
        manifest=res.manifest,
        scorecard=res.scorecard,
        va_table=_va_table(res.annual) if tables else None,
        budget=budget_table(cfg.policy, res.annual) if tables else None,
    )


def _va_table(annual: pd.DataFrame) -> pd.DataFrame:
    """sim.outputs.summary.value_added_table from a run's annual table (its industry rows)."""
    return value_added_table(annual[(annual["district"] == "ALL") & (annual["industry"] != "ALL")])


def load_seed(d: Path, manifest: dict) -> SeedResult:
    """The result of a complete run from its folder (resumed sweeps and ensembles)."""
    return SeedResult(
        seed=int(manifest["seed"]),
        status="complete",
        manifest={**manifest, "resumed": True},
        scorecard=json.loads((d / "scorecard.json").read_text()),
        va_table=_va_table(pd.read_parquet(d / "annual.parquet")),
    )


def _run_seed_job(job: tuple) -> SeedResult:
    """job = (cfg, seed, out_dir) or (cfg, seed, out_dir, meta)."""
    res = run_seed(*job)
    freeze_heap(workers_only=True)  # in a pool worker, after its first seed (sim.drivers.heap)
    return res


MAX_POOL_ROUNDS = 3  # fresh pools after a worker died, before the seeds left are recorded failed


def run_many(jobs: list[tuple], workers: int) -> list[SeedResult]:
    """Run (cfg, seed, out_dir[, meta]) jobs, in order, in-process (workers = 1) or in a process pool.
    A worker that dies (killed, out of memory) costs only the seed it was running: the pool breaks,
    the seeds it had not finished that were not running in the dead process go to a fresh pool."""
    if workers <= 1 or len(jobs) <= 1:
        return [_run_seed_job(j) for j in jobs]
    saved = {v: os.environ.get(v) for v in THREAD_VARS}
    for v in THREAD_VARS:  # inherited by the spawned workers before they import numpy
        os.environ[v] = "1"
    try:
        done: dict[int, SeedResult] = {}
        todo = list(range(len(jobs)))
        for _ in range(MAX_POOL_ROUNDS):
            if not todo:
                break
            todo = _pool_round(jobs, todo, workers, done)
        for k in todo:  # the pool kept breaking: give up on these seeds
            done[k] = _dead_worker_result(jobs[k][1], BrokenProcessPool(f"{MAX_POOL_ROUNDS} pools broke"))
        return [done[k] for k in range(len(jobs))]
    finally:
        for v, val in saved.items():
            if val is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = val


def _dead_worker_result(seed: int, exc: BaseException) -> SeedResult:
    error = f"{type(exc).__name__}: {exc} (its worker process died)"
    return SeedResult(
        seed=seed, status="failed", error=error, manifest={"seed": seed, "status": "failed", "error": error}
    )


def _running_pid(job: tuple) -> int | None:
    """The pid in the manifest of a seed that started (status running) in its folder, else None."""
    out = job[2] if len(job) > 2 else None
    if out is None:
        return None
    try:
        m = json.loads((seed_dir(out, job[1]) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return int(m["pid"]) if m.get("status") == "running" and "pid" in m else None


def _pool_round(jobs: list[tuple], todo: list[int], workers: int, done: dict[int, SeedResult]) -> list[int]:
    """Run jobs ``todo`` in one pool into ``done``; the jobs to run again in a fresh pool (none
    unless a worker died: then those that had not started, or whose worker was not the dead one)."""
    retry: list[int] = []
    with process_pool(min(workers, len(todo))) as ex:
        futures = {k: ex.submit(_run_seed_job, jobs[k]) for k in todo}
        procs = dict(getattr(ex, "_processes", None) or {})
        broken: list[tuple[int, BaseException]] = []
        for k, fut in futures.items():
            try:
                done[k] = fut.result()
            except BrokenProcessPool as broke:
                broken.append((k, broke))
            except Exception as other:  # pickling or another error outside the run
                done[k] = _dead_worker_result(jobs[k][1], other)
    # the pool killed its other workers with SIGTERM; the dead one ended otherwise (SIGKILL, OOM)
    dead = {pid for pid, p in procs.items() if p.exitcode not in (None, 0, -signal.SIGTERM)}
    for k, err in broken:
        pid = _running_pid(jobs[k])
        if pid is not None and (pid in dead or not dead):
            done[k] = _dead_worker_result(jobs[k][1], err)
        else:
            retry.append(k)
    return retry


def run_ensemble(
    cfg: SimConfig,
    out_dir: Path | None = None,
    *,
    workers: int | None = None,
    seeds: list[int] | None = None,
    meta: dict | None = None,
) -> EnsembleResult:
    """Run the ensemble of ``cfg`` (seeds from ``cfg.seed``, ``cfg.ensemble.size`` of them, unless
    ``seeds`` is given) and, with ``out_dir``, write every seed's folder and the ensemble files."""
    t0 = time.perf_counter()
    seeds = ensemble_seeds(cfg) if seeds is None else list(seeds)
    n_workers = resolve_workers(
        cfg.ensemble.workers if workers is None else workers, len(seeds), cfg.scale.firm_fraction
    )
    out = Path(out_dir) if out_dir is not None and cfg.output.write else None
    results = run_many([(cfg, s, out, meta) for s in seeds], n_workers)
    return finish_ensemble(cfg, results, n_workers, time.perf_counter() - t0, out)


def finish_ensemble(
    cfg: SimConfig, results: list[SeedResult], workers: int, wall_time_s: float, out: Path | None
) -> EnsembleResult:
    """Summarise finished runs of one config and, with ``out``, write the ensemble files."""
    seeds = [r.seed for r in results]
    cards = [r.scorecard for r in results if r.status == "complete" and r.scorecard is not None]
    summary = summarise(cards)
    res = EnsembleResult(
        cfg=cfg, results=results, summary=summary, workers=workers, wall_time_s=round(wall_time_s, 3), out_dir=out
    )
    res.report = {
        "scale": cfg.scale.name,
        "scenario": cfg.scenario.name,
        "policy": getattr(getattr(cfg, "policy", None), "name", None),
        "seeds": seeds,
        "complete": [r.seed for r in results if r.status == "complete"],
        "failed": [{"seed": r.seed, "error": r.error} for r in results if r.status != "complete"],
        "status": "complete" if len(cards) == len(seeds) else ("failed" if not cards else "partial"),
        "workers": workers,
        "wall_time_s": res.wall_time_s,
        "definitions": definitions(cfg.targets),
        "targets": summary,
        "seed_folders": {str(s): f"seed_{s}" for s in seeds} if out is not None else {},
    }
    if out is not None:
        write_json(out / "ensemble_scorecard.json", res.report)
        table = pd.DataFrame(summary).drop(columns=["wording_en", "wording_zh"])
        atomic_write(out / "ensemble_scorecard.csv", lambda p: table.to_csv(p, index=False))
        atomic_write(out / "scorecards.csv", lambda p: tidy(cards).to_csv(p, index=False))
    return res


__all__ = [
    "run_ensemble",
    "finish_ensemble",
    "run_seed",
    "run_folder",
    "load_seed",
    "run_many",
    "resolve_workers",
    "ensemble_seeds",
    "EnsembleResult",
    "SeedResult",
]
