"""Sweeps (``python -m sim -m ...``): what one job of a multirun does, and the monitor that reports
the progress of the whole sweep (a Hydra callback, ``SweepMonitor``; analysis.results.GatherResults
gathers the results).

A job is one config: a single run in its job folder (``ensemble.size=1``, what the named
experiments use, seeds swept with ``seed=range(...)``) or an ensemble with ``seed_<k>/`` folders.
Jobs are resumable: a run whose folder already holds a complete result of the same config
(``sim.drivers.run.completed``) is not rerun. A job that crashes is recorded as failed (its manifest and
``job.json`` hold the error) and the sweep goes on. Each job ends by writing ``job.json``
(status complete | skipped | failed, its overrides, wall time); the monitor counts those.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.config import ConfigError, compose, to_config
from sim.drivers import JOB_FILE, lock
from sim.drivers.ensemble import run_ensemble, run_folder
from sim.drivers.guard import check_config
from sim.economy import production_kernel
from sim.io import write_json

log = logging.getLogger("sim.drivers.sweep")
SWEEP_FILE = "sweep.json"
# set by SweepMonitor.on_multirun_end in the launching process: sim.__main__ exits 1 if any job failed
LAST_SWEEP: dict[str, Any] = {}


def run_job(cfg, out: Path, overrides: list[str], job_num: int | None = None) -> dict:
    """Run one job of a sweep (``cfg``: its composed DictConfig or a SimConfig) into ``out``; never
    raises for a bad config or a failing model run. Returns (and writes as ``job.json``) its status
    record."""
    t0 = time.perf_counter()
    meta = {"overrides": list(overrides), "job": job_num}
    rec: dict[str, Any] = {
        "job": job_num,
        "overrides": list(overrides),
        "seeds": [],
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    sim_cfg = None
    try:
        sim_cfg = to_config(cfg)
        check_config(sim_cfg)
        production_kernel.warm()  # a worker's first job pays numba's start-up; its small runs then use the kernel
        if sim_cfg.ensemble.size == 1:
            results = [run_folder(sim_cfg, out, meta, tables=False)]  # the status is all it reads
        else:
            workers = sim_cfg.ensemble.workers or 1  # the launcher already runs jobs in parallel
            results = run_ensemble(
                replace(sim_cfg, ensemble=replace(sim_cfg.ensemble, workers=workers)), out, meta=meta
            ).results
        failed = [r for r in results if r.status != "complete"]
        resumed = [r for r in results if r.manifest.get("resumed")]
        rec.update(
            seeds=[r.seed for r in results],
            resumed=len(resumed),
            failed=[{"seed": r.seed, "error": r.error} for r in failed],
            status="failed" if failed else ("skipped" if len(resumed) == len(results) else "complete"),
        )
    except Exception as exc:  # a config or set-up error of this job: record it, let the sweep go on
        rec.update(
            status="failed",
            failed=[
                {
                    "seed": getattr(sim_cfg, "seed", None),
                    "error": str(exc) if isinstance(exc, ConfigError) else f"{type(exc).__name__}: {exc}",
                }
            ],
        )
    rec.update(wall_time_s=round(time.perf_counter() - t0, 3), finished=datetime.now(UTC).isoformat(timespec="seconds"))
    write_json(out / JOB_FILE, rec)
    return rec


def expand(overrides: list[str]) -> list[list[str]]:
    """The override lists of the jobs of a sweep given as overrides (``a=1,2 b=range(0,3)``), in the
    order the basic sweeper launches them (cartesian product, the last key varying fastest; a key
    given twice takes its last value)."""
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    return [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def sweeper_params(params) -> list[str]:
    """``hydra.sweeper.params`` (a mapping key -> values) as override strings."""
    return [f"{k}={v}" for k, v in (params or {}).items()]


def job_overrides(config: DictConfig) -> list[list[str]] | None:
    """The override lists of the jobs the basic sweeper makes of this multirun config (the
    command-line overrides and ``hydra.sweeper.params``), in job order; None for other sweepers."""
    if not str(config.hydra.sweeper.get("_target_", "")).endswith(("BasicSweeper", "CoveringSweeper")):
        return None
    return expand(sweeper_params(config.hydra.sweeper.get("params")) + list(config.hydra.overrides.task))


# keys whose every value composes and validates alike (any integer seed is a valid seed), so one
# job stands for all their values
UNIFORM_KEYS = ("seed",)


def covering_jobs(jobs: list[list[str]]) -> list[int]:
    """Indices of a few jobs that between them use every value of every swept key (the first job
    using each; seeds count as one value): validating them finds any bad value without composing
    thousands of configs."""
    seen: set[str] = set()
    pick = []
    for k, job in enumerate(jobs):
        new = [o for o in job if o not in seen and o.partition("=")[0].lstrip("+~") not in UNIFORM_KEYS]
        if new or k == 0:
            pick.append(k)
            seen.update(new)
    return pick


def validate_jobs(jobs: list[list[str]]) -> list[str]:
    """Compose and validate the covering jobs' configs; the errors, each naming the job."""
    errors = []
    for k in covering_jobs(jobs):
        try:
            check_config(to_config(compose(jobs[k])))
        except ConfigError as exc:
            errors.append(f"job {k} ({' '.join(jobs[k])}): {exc}")
    return errors


def scan_jobs(sweep_dir: Path, since: float = 0.0) -> dict[str, list[dict]]:
    """The job.json records under ``sweep_dir`` written after ``since`` (epoch s), by status."""
    out: dict[str, list[dict]] = {"complete": [], "skipped": [], "failed": []}
    for p in Path(sweep_dir).glob(f"*/{JOB_FILE}"):
        try:
            if p.stat().st_mtime < since:
                continue
            rec = json.loads(p.read_text())
        except (OSError, ValueError):  # being written or gone: next scan
            continue
        rec["folder"] = p.parent.name
        out.setdefault(rec.get("status", "failed"), []).append(rec)
    return out


def _clock(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def progress_line(counts: dict[str, int], total: int | None, elapsed: float) -> str:
    """``[sweep] 12/40 jobs done: 10 complete, 1 skipped, 1 failed; 28 remaining; 0:31 elapsed, ETA 1:12``.
    The ETA extrapolates the time per job that actually ran (skipped jobs cost nothing)."""
    done = sum(counts.values())
    ran = counts.get("complete", 0) + counts.get("failed", 0)
    parts = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("complete", "skipped", "failed"))
    if total is None:
        return f"[sweep] {done} jobs done: {parts}; {_clock(elapsed)} elapsed"
    remaining = max(total - done, 0)
    eta = _clock(elapsed / ran * remaining) if ran and remaining else ("0:00" if not remaining else "?")
    return f"[sweep] {done}/{total} jobs done: {parts}; {remaining} remaining; {_clock(elapsed)} elapsed, ETA {eta}"


class SweepMonitor(Callback):
    """Hydra callback of multiruns (configs/config.yaml ``hydra.callbacks.sweep_monitor``): prints a
    progress line (jobs done, failed, remaining, ETA) every ``interval`` seconds while the launcher
    works, then writes ``sweep.json`` (every job's status and errors). Gathering the results into
    ``<sweep dir>/results/`` is a callback of its own (analysis.results.GatherResults). It reads the job.json files in the sweep folder,
    so it sees jobs of any launcher whose workers share that folder (local, joblib, submitit_local,
    Ray or SLURM on a shared file system)."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = float(interval)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __getstate__(self) -> dict:
        """Launchers pickle the callbacks into their workers: leave the thread behind."""
        return {"interval": self.interval}

    def __setstate__(self, state: dict) -> None:
        self.interval = float(state["interval"])
        self._stop = threading.Event()
        self._thread = None

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self.dir = Path(config.hydra.sweep.dir)
        self.t0 = time.time()
        self.launcher = str(config.hydra.launcher.get("_target_", "?")).rsplit(".", 1)[-1]
        try:
            jobs = job_overrides(config)
        except Exception:  # an override the counter cannot parse: progress without a total
            jobs = None
        self.total = None if jobs is None else len(jobs)
        errors = validate_jobs(jobs) if jobs else []
        if not errors:
            try:  # one sweep per folder at a time (sim.drivers.lock)
                lock.acquire(self.dir)
            except ConfigError as exc:
                errors = [str(exc)]
        if errors:  # bad input: refuse the sweep before any job starts
            for e in errors:
                print(f"error: {e}", file=sys.stderr)
            raise SystemExit(2)
        self._last = ""
        LAST_SWEEP.clear()
        print(
            f"[sweep] {self.total if self.total is not None else '?'} jobs into {self.dir} with {self.launcher}",
            file=sys.stderr,
            flush=True,
        )
        if self.interval > 0:
            self._thread = threading.Thread(target=self._watch, name="sweep-monitor", daemon=True)
            self._thread.start()

    def _report(self) -> dict[str, list[dict]]:
        jobs = scan_jobs(self.dir, self.t0 - 1.0)
        line = progress_line({k: len(v) for k, v in jobs.items()}, self.total, time.time() - self.t0)
        if line != self._last:
            print(line, file=sys.stderr, flush=True)
            self._last = line
        return jobs

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self._report()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        jobs = self._report()
        failed = sorted(jobs.get("failed", []), key=lambda r: (r.get("job") is None, r.get("job") or 0))
        summary = {
            "sweep_dir": str(self.dir),
            "launcher": self.launcher,
            "total": self.total,
            "wall_time_s": round(time.time() - self.t0, 3),
            "counts": {k: len(v) for k, v in jobs.items()},
            "failed": [
                {"folder": r["folder"], "overrides": r.get("overrides"), "errors": r.get("failed")} for r in failed
            ],
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_json(self.dir / SWEEP_FILE, summary)
        for r in failed:
            errs = "; ".join(f"seed {e.get('seed')}: {e.get('error')}" for e in r.get("failed") or [])
            print(
                f"[sweep] failed: job {r['folder']} ({' '.join(r.get('overrides') or [])}): {errs}",
                file=sys.stderr,
                flush=True,
            )
        LAST_SWEEP.update(summary)
        lock.release(self.dir)
