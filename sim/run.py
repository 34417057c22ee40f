"""Run one simulation and write its folder: manifest.json and timeseries.parquet (atomically)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

import sim
from sim.config import SimConfig, as_dict
from sim.io import atomic_write, write_json
from sim.model import SEIModel

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RunResult:
    model: SEIModel
    timeseries: pd.DataFrame
    manifest: dict


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def config_hash(cfg: SimConfig) -> str:
    return hashlib.sha256(json.dumps(as_dict(cfg), sort_keys=True).encode()).hexdigest()[:16]


def run(cfg: SimConfig, out_dir: Path | None = None, *, handles: bool = True) -> RunResult:
    """Build and run the model; if ``out_dir`` is given write its outputs there.

    The manifest is written first with status "running" and last with "complete"; a crash leaves
    status "failed" with the error, so a sweep can tell complete runs from broken ones.
    """
    manifest = {"seed": cfg.seed, "version": sim.__version__, "git_commit": git_commit(),
                "config_hash": config_hash(cfg), "scale": cfg.scale.name, "scenario": cfg.scenario.name,
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "status": "running"}
    out = Path(out_dir) if out_dir is not None and cfg.output.write else None
    if out is not None:
        write_json(out / "manifest.json", manifest)
    t0 = time.perf_counter()
    try:
        model = SEIModel(cfg, handles=handles)
        t_build = time.perf_counter() - t0
        model.run()
        ts = model.timeseries()
    except BaseException as exc:
        manifest.update(status="failed", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(),
                        wall_time_s=round(time.perf_counter() - t0, 3))
        if out is not None:
            write_json(out / "manifest.json", manifest)
        raise
    manifest.update(status="complete", wall_time_s=round(time.perf_counter() - t0, 3), build_time_s=round(t_build, 3),
                    finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    agents={"firms": int(model.world.firms.n), "institutes": int(model.world.institutes.n),
                            "talent": int(model.world.talent.n)}, quarters=model.n_quarters)
    if out is not None:
        atomic_write(out / "timeseries.parquet", lambda p: ts.to_parquet(p, index=False))
        write_json(out / "manifest.json", manifest)
    return RunResult(model=model, timeseries=ts, manifest=manifest)
