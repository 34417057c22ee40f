"""Runs of the page in the background: the scenario and its baseline, every seed a job, several
seeds in parallel, progress as jobs finish, the runs gathered for the figures.

Each config's runs go into ``<out>/<config hash>/seed_<k>/`` through sim.drivers.ensemble.run_seed,
the function ``python -m sim`` runs every seed with, so a run from the page is the command line's
run (same files, same numbers); a config already run is read back, not rerun (its baseline too).
One job runs in the page's own process (a worker process costs ~1.5 s to start, more than a small
run); several go to a pool of worker processes (``spawn``, one BLAS thread each), kept for the
session so they start once, and ending with the server (sim.drivers.pool).
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis.dashboard.state import Choices, baseline_overrides, overrides, page_config
from analysis.results import Results, gather
from sim.config import config_hash
from sim.drivers.ensemble import THREAD_VARS, SeedResult, ensemble_seeds, run_seed
from sim.drivers.pool import process_pool
from sim.drivers.run import completed

DEFAULT_OUT = Path("outputs") / "dashboard"


@dataclass
class Job:
    """One press of "run": its override line, progress (jobs done / jobs) and, when done, the runs."""

    choices: Choices
    tokens: list[str]
    baseline_tokens: list[str]
    total: int = 0
    done: int = 0
    status: str = "running"  # running | complete | failed
    error: str | None = None
    results: Results | None = None
    folders: dict[str, Path] = field(default_factory=dict)  # "scenario" / "baseline" -> ensemble folder
    wall_time_s: float = 0.0
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def progress(self) -> float:
        return self.done / self.total if self.total else 0.0


class Runner:
    """Starts jobs in a background thread; ``workers`` worker processes for several seeds (0 = one per core)."""

    def __init__(self, out: Path | str = DEFAULT_OUT, workers: int = 0) -> None:
        self.out = Path(out)
        self.workers = workers or len(os.sched_getaffinity(0))
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                for v in THREAD_VARS:  # inherited by the spawned workers before they import numpy
                    os.environ.setdefault(v, "1")
                self._pool = process_pool(self.workers)
            return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def start(self, choices: Choices, on_update=None) -> Job:
        """Start the run of ``choices`` in the background; ``on_update(job)`` after every finished seed."""
        job = Job(choices, overrides(choices), baseline_overrides(choices))
        threading.Thread(target=self._run, args=(job, on_update), daemon=True, name="sei-dashboard-run").start()
        return job

    def run(self, choices: Choices, on_update=None) -> Job:
        """Run ``choices`` and wait for the result (the page's background task, tests, the benchmark)."""
        job = Job(choices, overrides(choices), baseline_overrides(choices))
        self._run(job, on_update)
        return job

    def _run(self, job: Job, on_update) -> None:
        t0 = time.perf_counter()
        try:
            jobs = []
            configs = {"scenario": page_config(job.choices), "baseline": page_config(job.choices, job.choices.baseline)}
            for name, tokens in (("scenario", job.tokens), ("baseline", job.baseline_tokens)):
                cfg = configs[name]
                folder = self.out / config_hash(cfg)[:16]
                job.folders[name] = folder
                if folder not in [j[2] for j in jobs]:  # the scenario is its own baseline: run it once
                    jobs += [(cfg, s, folder, {"overrides": tokens}) for s in ensemble_seeds(cfg)]
            job.total = len(jobs)
            if on_update:
                on_update(job)
            for res in self._execute(jobs, job, on_update):
                if res.status != "complete":
                    raise RuntimeError(f"seed {res.seed} failed: {res.error}")
            seeds = {j[1] for j in jobs}
            gathered = gather(list(dict.fromkeys(job.folders.values())), write=False)
            job.results = label_runs(gathered, job.folders, seeds)
            job.status = "complete"
        except Exception as exc:  # shown on the page; the server goes on
            if isinstance(exc, BrokenProcessPool):  # a worker died: the next run starts a new pool
                self._pool = None
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        job.wall_time_s = time.perf_counter() - t0
        job.finished.set()
        if on_update:
            on_update(job)

    def _execute(self, jobs: list[tuple], job: Job, on_update) -> list[SeedResult]:
        todo = [j for j in jobs if not _complete(j)]
        out = [run_seed(*j) for j in jobs if _complete(j)]
        job.done = len(out)
        if len(todo) <= 1:
            for j in todo:
                out.append(run_seed(*j))
                job.done += 1
            return out
        futures: list[Future] = [self.pool().submit(run_seed, *j) for j in todo]
        for fut in futures:
            fut.add_done_callback(lambda f: _tick(job, on_update))
        return out + [f.result() for f in futures]


def _tick(job: Job, on_update) -> None:
    job.done += 1
    if on_update and job.done < job.total:
        on_update(job)


def _complete(job: tuple) -> bool:
    cfg, seed, folder, _ = job
    return completed(replace(cfg, seed=seed), folder / f"seed_{seed}") is not None


def label_runs(res: Results, folders: dict[str, Path], seeds: set[int]) -> Results:
    """The runs of ``seeds`` (a folder keeps the seeds of earlier runs of its config) with
    ``runs["run"]``: "scenario" or "baseline" by the folder a run is in (the figures' ``by``)."""
    keep = res.runs.loc[res.runs["seed"].isin(seeds), "run_id"]
    sub = lambda df: df[df["run_id"].isin(keep)].reset_index(drop=True)  # noqa: E731
    res = Results(sub(res.runs), sub(res.annual), sub(res.scorecards))
    runs = res.runs.copy()
    lab = pd.Series(index=runs.index, dtype=object)
    for name, folder in reversed(list(folders.items())):
        lab[runs["root"].astype(str) == str(folder)] = name
    runs["run"] = lab
    return Results(runs, res.annual, res.scorecards)
