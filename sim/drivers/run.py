"""Run one simulation and write its folder (atomically): manifest.json, timeseries.parquet
(quarterly, industry x district), annual.parquet (by year: industry, district and city totals; what
sweeps gather), subfields.parquet (output and value added by sub-field), scorecard.json and
stylized_facts.json (sim.outputs.validation: PASS / WARN / FAIL per stylized fact) and, last,
row.bin (sim.outputs.summary.write_row: what a gather reads of the run, in one small file).

A folder whose manifest says "complete" for the same config (``config_hash``), made by the same
model code (package version, git commit and a digest of uncommitted changes to sim/) and whose files are
all there is a finished run: ``completed(cfg, out)`` finds it, so an interrupted sweep resumes
without rerunning it (``run(..., resume=True)``)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.config import SimConfig, config_hash
from sim.ids import DISTRICTS, INDUSTRIES
from sim.io import clean_tmp, write_json, write_parquet
from sim.model import SEIModel
from sim.outputs.network import link_flows
from sim.outputs.scorecard import run_scorecard
from sim.outputs.summary import ROW_FILE, write_row
from sim.outputs.validation import check_run

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RunResult:
    model: SEIModel
    timeseries: pd.DataFrame
    manifest: dict
    subfields: pd.DataFrame  # quarter, year, industry, subfield, metric, value
    scorecard: dict  # sim.outputs.scorecard.run_scorecard
    stylized_facts: list[dict]  # sim.outputs.validation.check_run: PASS / WARN / FAIL per fact
    annual: pd.DataFrame  # sim.outputs.measure.Recorder.annual_frame


@functools.lru_cache(maxsize=1)
def git_commit() -> str:
    """The checkout's HEAD commit ("unknown" outside a git checkout); read once per process."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def uncommitted_digest(root: Path) -> str:
    """Empty when the folder ``root`` of a git checkout is as committed, else the first 16 hex of
    the SHA-256 of its uncommitted changes (the diff against HEAD, and the names and contents of
    untracked files that git does not ignore); "unknown" outside a git checkout."""
    try:
        diff, new = (
            subprocess.run(["git", *args, "--", "."], cwd=root, capture_output=True, timeout=10, check=True).stdout
            for args in (["diff", "HEAD", "--binary"], ["ls-files", "--others", "--exclude-standard", "-z"])
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not diff and not new:
        return ""
    h = hashlib.sha256(diff)
    for name in sorted(filter(None, new.split(b"\0"))):
        h.update(b"\0" + name + b"\0")
        try:
            h.update((root / name.decode()).read_bytes())
        except OSError:  # gone since git listed it
            pass
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def code_changes() -> str:
    """This checkout's uncommitted changes to the model, its code and data in sim/
    (``uncommitted_digest``), read once per process: part of a run's identity, so a resumed sweep
    reruns the runs made before an edit."""
    return uncommitted_digest(Path(sim.__file__).parent)


RUN_FILES = (
    "manifest.json",
    "timeseries.parquet",
    "annual.parquet",
    "subfields.parquet",
    "scorecard.json",
    "stylized_facts.json",
)


def completed(cfg: SimConfig, out_dir: Path | None) -> dict | None:
    """The manifest of a complete run of ``cfg`` in ``out_dir`` (every file of RUN_FILES and the
    snapshots present), or None: then the run has to be (re)done."""
    if out_dir is None:
        return None
    out = Path(out_dir)
    try:
        manifest = json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("status") != "complete" or manifest.get("config_hash") != config_hash(cfg):
        return None
    made_by = (manifest.get("version"), manifest.get("git_commit"), manifest.get("code_changes", ""))
    if made_by != (sim.__version__, git_commit(), code_changes()):
        return None  # made by other model code (another version, commit or uncommitted edit): results may differ
    years = [y for y in cfg.output.snapshot_years if cfg.scenario.start_year <= y <= cfg.scenario.end_year]
    needed = list(RUN_FILES) + [f"{k}_{y}.parquet" for y in years for k in ("firms", "network")]
    return manifest if all((out / f).is_file() for f in needed) else None


def firm_table(model: SEIModel) -> pd.DataFrame:
    """Alive firms with their state and last quarter's flows, ids spelled out."""
    f = model.world.firms
    rows = np.flatnonzero(f.alive)
    df = pd.DataFrame({k: v for k, v in f.to_dict(f.alive).items() if k != "alive"})
    df.insert(0, "firm", rows)
    df["industry"] = np.array(INDUSTRIES)[df["industry"]]
    df["district"] = np.array(DISTRICTS)[df["district"]]
    df["subfield"] = np.array(model.world.data.subfield_ids)[df["subfield"]]
    return df


def write_snapshot(model: SEIModel, out: Path) -> None:
    """firms_<year>.parquet (alive firms) and network_<year>.parquet (links with Q4 payments)."""
    year = model.year
    write_parquet(out / f"firms_{year}.parquet", firm_table(model))
    write_parquet(out / f"network_{year}.parquet", link_flows(model.world))


def run(cfg: SimConfig, out_dir: Path | None = None, *, handles: bool = True, meta: dict | None = None) -> RunResult:
    """Build and run the model; if ``out_dir`` is given write its outputs there.

    The manifest is written first with status "running" and last with "complete"; a crash leaves
    status "failed" with the error, so a sweep can tell complete runs from broken ones. ``meta``
    (e.g. the Hydra overrides of a sweep job) is stored in the manifest as it is.
    """
    manifest = {
        "seed": cfg.seed,
        "version": sim.__version__,
        "git_commit": git_commit(),
        "code_changes": code_changes(),
        "config_hash": config_hash(cfg),
        "scale": cfg.scale.name,
        "scenario": cfg.scenario.name,
        "policy": cfg.policy.name,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "running",
        "pid": os.getpid(),  # the process running it: an ensemble tells a seed of a dead worker by it
        **(meta or {}),
    }
    out = Path(out_dir) if out_dir is not None and cfg.output.write else None
    t0 = time.perf_counter()
    try:
        if out is not None:
            clean_tmp(out)
            (out / ROW_FILE).unlink(missing_ok=True)  # a row of an earlier run here would outlive its manifest
            write_json(out / "manifest.json", manifest)
        model = SEIModel(cfg, handles=handles)
        t_build = time.perf_counter() - t0
        for _ in range(model.n_quarters):
            model.step()
            if out is not None and model.q == 4 and model.year in cfg.output.snapshot_years:
                write_snapshot(model, out)
        ts = model.timeseries()
        annual = model.recorder.annual_frame()
        subfields = model.recorder.subfield_frame()
        card = run_scorecard(cfg, model.recorder)
        facts = check_run(model)
        _complete(manifest, model, card, facts, t0, t_build)
        if out is not None:
            _write_outputs(out, ts, annual, subfields, card, facts, manifest)
    except BaseException as exc:  # a crash of the model or a failed write (disk full): the manifest says failed
        manifest.update(
            status="failed",
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
            wall_time_s=round(time.perf_counter() - t0, 3),
        )
        if out is not None:
            try:
                write_json(out / "manifest.json", manifest)
            except OSError:  # the disk is full: the manifest keeps "running", never "complete"
                pass
        raise
    return RunResult(
        model=model,
        timeseries=ts,
        manifest=manifest,
        subfields=subfields,
        scorecard=card,
        annual=annual,
        stylized_facts=facts,
    )


def _complete(manifest: dict, model: SEIModel, card: dict, facts: list[dict], t0: float, t_build: float) -> None:
    manifest.update(
        status="complete",
        wall_time_s=round(time.perf_counter() - t0, 3),
        build_time_s=round(t_build, 3),
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
        agents_alive={k: int(getattr(model.world, k).alive.sum()) for k in ("firms", "institutes", "talent")},
        rows_ever={k: int(getattr(model.world, k).n) for k in ("firms", "institutes", "talent")},
        quarters=model.n_quarters,
        drawn_parameters=model.drawn_parameters,  # uncertainty.parameters: this seed's draws
        targets_met=sum(r["met"] is True for r in card["targets"]),
        targets_evaluated=sum(r["met"] is not None for r in card["targets"]),
        stylized_facts={k: sum(r["status"] == k for r in facts) for k in ("PASS", "WARN", "FAIL")},
    )


def _write_outputs(out: Path, ts, annual, subfields, card: dict, facts: list[dict], manifest: dict) -> None:
    """The run's files; the manifest saying "complete" last, only once every other file is written."""
    write_parquet(out / "timeseries.parquet", ts)
    write_parquet(out / "annual.parquet", annual)
    write_parquet(out / "subfields.parquet", subfields)
    write_json(out / "scorecard.json", card)
    write_json(out / "stylized_facts.json", facts)
    write_json(out / "manifest.json", manifest)
    write_row(out, manifest, card)  # after the complete manifest: a row always belongs to a complete run
