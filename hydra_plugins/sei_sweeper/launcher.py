"""The project's joblib launcher (``hydra/launcher=joblib_resilient``, the default): Hydra's joblib
launcher, except that a worker process that dies (kill -9, out of memory) does not abort the sweep.
Joblib's pool breaks (TerminatedWorkerError) and loses the jobs it was running; this launcher
records those jobs as failed (``job.json`` and ``manifest.json`` say so, with the error, so a rerun
redoes them), keeps the jobs that had finished, and launches the jobs that had not started in a
fresh pool. The pool's workers are shut down when the sweep ends, and end themselves if the
launcher dies first (SIGTERM, SIGKILL: sim.drivers.pool.exit_with_parent), so none outlives it.
Its workers compose the config of jobs that differ only in their seed once (sim.drivers.job_configs).

Every job Hydra's launcher sends carries Hydra's whole state (the config and the singletons' state,
~70 ms of the parent's CPU to pickle, and as much to unpickle). With ``batch_size: auto`` (the
default) jobs go in batches of up to MAX_BATCH, at least four batches a worker (``batch_size``), so
that state is pickled once a batch; and a job returns without its configs (``execute_lean``), which
the sweeper does not read. An integer ``batch_size`` is used as it is."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobStatus, configure_log, setup_globals
from hydra.types import HydraContext
from joblib import Parallel, delayed, effective_n_jobs
from joblib.externals.loky import get_reusable_executor
from joblib.externals.loky.process_executor import TerminatedWorkerError

from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher
from hydra_plugins.sei_sweeper.job import execute_job
from sim.drivers import JOB_FILE
from sim.drivers.heap import freeze_heap
from sim.drivers.job_configs import CachingConfigLoader
from sim.drivers.pool import exit_with_parent
from sim.io import write_json

log = logging.getLogger(__name__)
MAX_ROUNDS = 5  # fresh pools after a worker died before the jobs left are recorded failed
MAX_BATCH = 8  # jobs a batch at most (100 small runs on 2 workers: 48.9 s with batches of 1, 42.2 s with 8)


def batch_size(n_jobs: int, n_workers: int) -> int:
    """Jobs a batch for ``batch_size: auto``: as many as keep at least four batches a worker (so
    that the workers finish together), at most MAX_BATCH, at least 1."""
    return max(1, min(MAX_BATCH, n_jobs // (4 * max(n_workers, 1))))


def execute_lean(
    idx: int,
    overrides: Sequence[str],
    context: HydraContext,
    config: Any,
    task_function: Any,
    state: dict,
    parent: int | None = None,
) -> JobReturn:
    """Hydra's joblib ``execute_job`` as hydra_plugins.sei_sweeper.job runs it: the job's status
    and return value come back without its composed configs (``cfg``, ``hydra_cfg``), which the
    sweeper does not read and which cost more to send back than the rest (each job's own are in
    its ``.hydra`` folder).
    With ``parent`` (the launching process's pid), the worker ends itself once that process is
    gone (sim.drivers.pool.exit_with_parent) instead of running on its batch and idling."""
    if parent is not None:
        exit_with_parent(parent)
    ret = execute_job(idx, overrides, context, config, task_function, state)
    freeze_heap()
    return ret


def _job_dir(config: Any, idx: int) -> Path:
    return Path(str(config.hydra.sweep.dir)) / str(idx)


def _finished_since(d: Path, t0: float) -> bool:
    try:
        return (d / JOB_FILE).stat().st_mtime >= t0
    except OSError:
        return False


def _started_since(d: Path, t0: float) -> bool:
    try:
        return (d / ".hydra" / "overrides.yaml").stat().st_mtime >= t0
    except OSError:
        return False


def record_dead(d: Path, idx: int, overrides: list[str], error: str) -> None:
    """job.json and manifest.json of a job whose worker died: failed, with the error."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        m = json.loads((d / "manifest.json").read_text())
        if m.get("status") == "running":
            write_json(d / "manifest.json", {**m, "status": "failed", "error": error})
    except (OSError, ValueError):
        pass
    write_json(
        d / JOB_FILE,
        {"job": idx, "overrides": overrides, "seeds": [], "status": "failed", "failed": [{"seed": None, "error": error}],
         "finished": now, "wall_time_s": None},
    )  # fmt: skip


class ResilientJoblibLauncher(JoblibLauncher):
    """JoblibLauncher whose sweep survives the death of a worker process (see the module)."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        setup_globals()
        assert self.config is not None and self.task_function is not None and self.hydra_context is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
        cfg = dict(self.joblib)
        cfg["backend"] = "loky"
        process_joblib_cfg(cfg)
        todo = [(initial_job_idx + i, list(o)) for i, o in enumerate(job_overrides)]
        # workers compose a job's config once per distinct config, not once per seed (sim.drivers.job_configs)
        context = HydraContext(
            config_loader=CachingConfigLoader(self.hydra_context.config_loader, uuid.uuid4().hex),
            callbacks=self.hydra_context.callbacks,
        )
        out: dict[int, JobReturn] = {}
        try:
            for _ in range(MAX_ROUNDS):
                if not todo:
                    break
                todo = self._round(cfg, context, todo, out)
            for idx, overrides in todo:
                self._dead(idx, overrides, "its worker pools kept dying", out)
        finally:
            get_reusable_executor().shutdown(wait=True)  # no idle worker outlives the sweep
        return [out[initial_job_idx + i] for i in range(len(job_overrides))]

    def _dead(self, idx: int, overrides: list[str], error: str, out: dict[int, JobReturn]) -> None:
        record_dead(_job_dir(self.config, idx), idx, overrides, error)
        ret = JobReturn(overrides=overrides, status=JobStatus.COMPLETED)
        ret.return_value = None
        out[idx] = ret

    def _round(
        self, cfg: dict, context: HydraContext, todo: list[tuple[int, list[str]]], out: dict[int, JobReturn]
    ) -> list:
        """One pool over ``todo``; the jobs to launch again (those not started when a worker died)."""
        t0 = time.time() - 1.0
        state = Singleton.get_state()
        if cfg.get("batch_size") in (None, "auto"):
            cfg = {**cfg, "batch_size": batch_size(len(todo), effective_n_jobs(cfg.get("n_jobs") or 1))}
        try:
            runs = Parallel(**cfg)(
                delayed(execute_lean)(idx, o, context, self.config, self.task_function, state, os.getpid())
                for idx, o in todo
            )
        except TerminatedWorkerError as exc:
            log.error("a worker process died: %s", str(exc).splitlines()[0])
            again = []
            for idx, o in todo:
                d = _job_dir(self.config, idx)
                if _finished_since(d, t0):
                    ret = JobReturn(overrides=o, status=JobStatus.COMPLETED)
                    ret.return_value = None
                    out[idx] = ret
                elif _started_since(d, t0):
                    self._dead(
                        idx, o, f"its worker process died (TerminatedWorkerError: {str(exc).splitlines()[0]})", out
                    )
                else:
                    again.append((idx, o))
            return again
        for (idx, _), r in zip(todo, runs, strict=True):
            out[idx] = r
        return []


__all__ = ["ResilientJoblibLauncher", "batch_size", "execute_lean"]
