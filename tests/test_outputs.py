"""The run's outputs: the tidy timeseries and the run folder's manifest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from simtest import small_config

import sim.kernel.phases
from sim.drivers.run import run as run_sim
from sim.drivers.run import uncommitted_digest
from sim.ids import DISTRICTS, INDUSTRIES
from sim.outputs.measure import DISTRICT_METRICS

REQUIRED = ("output", "value_added", "firms", "employment", "rd_spending", "wage_bill", "entries", "exits")
QUARTERS = [f"{y}Q{q}" for y in range(2019, 2026) for q in range(1, 5)]


def test_columns(full_ts):
    assert list(full_ts.columns) == ["quarter", "year", "industry", "district", "metric", "value"]
    assert pd.api.types.is_float_dtype(full_ts["value"])
    assert pd.api.types.is_integer_dtype(full_ts["year"])


def test_ids(full_ts):
    ts = full_ts
    inds = set(ts["industry"].astype(str))
    assert inds == set(INDUSTRIES) | {"ALL"}
    assert set(ts.loc[ts["industry"].astype(str) == "ALL", "metric"].astype(str)) <= set(DISTRICT_METRICS)
    assert not set(ts.loc[ts["industry"].astype(str) != "ALL", "metric"].astype(str)) & set(DISTRICT_METRICS)
    dists = set(ts["district"].astype(str))
    assert dists == set(DISTRICTS)
    assert all(re.fullmatch(r"[a-z]+", d) for d in dists)


def test_metrics(full_ts):
    metrics = set(full_ts["metric"].astype(str))
    missing = set(REQUIRED) - metrics
    assert not missing


def test_quarters_of_a_full_run(full_ts):
    ts = full_ts
    assert list(pd.unique(ts["quarter"].astype(str))) == QUARTERS
    assert ts.groupby(ts["quarter"].astype(str))["year"].unique().map(lambda y: list(y)).to_dict() == {
        q: [int(q[:4])] for q in QUARTERS
    }
    # one value per quarter x industry x district x metric, every cell present
    key = ["quarter", "industry", "district", "metric"]
    assert not ts.duplicated(key).any()
    cell_metrics = ts[ts["industry"].astype(str) != "ALL"]
    n_cell = cell_metrics["metric"].nunique()
    assert len(cell_metrics) == 28 * len(INDUSTRIES) * len(DISTRICTS) * n_cell
    n_dist = ts[ts["industry"].astype(str) == "ALL"]["metric"].nunique()
    assert len(ts) - len(cell_metrics) == 28 * len(DISTRICTS) * n_dist


def test_values_are_finite_and_money_non_negative(full_ts):
    ts = full_ts
    assert np.isfinite(ts["value"]).all()
    for m in ("output", "value_added", "wage_bill", "rd_spending", "employment", "firms", "entries", "exits"):
        v = ts.loc[ts["metric"] == m, "value"]
        assert len(v) and (v >= 0).all(), m
    # counts are whole numbers, people are whole talent agents
    for m in ("firms", "entries", "exits"):
        v = ts.loc[ts["metric"] == m, "value"]
        assert (v == np.round(v)).all(), m
    assert (ts.loc[ts["metric"] == "employment", "value"] % 250 == 0).all()


def test_timeseries_agrees_with_the_firm_table(trace, full_ts):
    m = trace[0]
    f = m.world.firms
    last = full_ts[full_ts["quarter"] == "2025Q4"]
    by = last.groupby("metric", observed=True)["value"].sum()
    assert by["firms"] == f.alive.sum()
    assert by["employment"] == pytest.approx(f.employees[f.alive].sum(), rel=1e-12)
    assert by["knowledge"] == pytest.approx(f.knowledge[f.alive].sum(), rel=1e-9)


# ---------------------------------------------------------------------------------------------
# The run folder
# ---------------------------------------------------------------------------------------------
def test_manifest_of_a_complete_run(written_runs):
    d, res = written_runs[0]
    man = json.loads((d / "manifest.json").read_text())
    for k in ("seed", "version", "git_commit", "wall_time_s", "status"):
        assert k in man, k
    assert man["status"] == "complete"
    assert man["seed"] == 0
    assert isinstance(man["version"], str) and man["version"]
    assert isinstance(man["git_commit"], str) and man["git_commit"]
    assert isinstance(man["wall_time_s"], (int, float)) and man["wall_time_s"] >= 0
    assert man == json.loads(json.dumps(res.manifest, default=str))
    assert (d / "timeseries.parquet").exists()
    assert not [p.name for p in d.iterdir() if p.name.endswith(".tmp")]  # no leftovers of atomic writes


def test_crash_leaves_a_failed_manifest(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom in production")

    monkeypatch.setattr(sim.kernel.phases, "production", boom)
    with pytest.raises(RuntimeError, match="boom in production"):
        run_sim(small_config(0, **{"scenario.end_year": 2020}), tmp_path, handles=False)
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["status"] == "failed"
    assert "boom in production" in man["error"] and "RuntimeError" in man["error"]
    assert man["seed"] == 0 and "wall_time_s" in man
    assert not (tmp_path / "timeseries.parquet").exists()


def test_run_without_folder_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run_sim(small_config(0, **{"scenario.end_year": 2020}), None, handles=False)
    assert res.manifest["status"] == "complete"
    assert list(tmp_path.iterdir()) == []


def test_annual_table_adds_up_to_the_quarterly_timeseries(trace, full_ts):
    """Flows are the sums of the year's quarters, stocks its last quarter; industry rows, district
    rows and the city total are three views of the same cells."""
    from sim.outputs.measure import STOCK_METRICS

    annual = trace[0].recorder.annual_frame()
    ts = full_ts
    for metric in ("value_added", "output", "employment", "firms", "talent", "floor_space"):
        q = ts[ts["metric"] == metric]
        if metric in STOCK_METRICS:
            q = q[q["quarter"].astype(str).str.endswith("Q4")]
        by_ind = q.groupby(["year", "industry"], observed=True)["value"].sum()
        by_dist = q.groupby(["year", "district"], observed=True)["value"].sum()
        a = annual[annual["metric"] == metric].set_index(["year", "industry", "district"])["value"]
        for (y, i), v in by_ind.items():
            if i != "ALL":
                assert a[(y, i, "ALL")] == pytest.approx(v, rel=1e-12), (metric, y, i)
        for (y, d), v in by_dist.items():
            assert a[(y, "ALL", d)] == pytest.approx(v, rel=1e-12), (metric, y, d)
        for y, v in q.groupby("year")["value"].sum().items():
            assert a[(y, "ALL", "ALL")] == pytest.approx(v, rel=1e-12), (metric, y)
    # rent is a price: by district only, no city total
    rent = annual[annual["metric"] == "rent"]
    assert len(rent) and (rent["industry"] == "ALL").all() and not (rent["district"] == "ALL").any()


def test_a_complete_run_is_found_for_its_own_config_only(written_runs):
    from dataclasses import replace

    from sim.drivers.run import RUN_FILES, completed

    d, res = written_runs[0]
    cfg = small_config(0)
    assert all((d / f).is_file() for f in RUN_FILES)
    assert completed(cfg, d)["config_hash"] == res.manifest["config_hash"]
    assert completed(replace(cfg, seed=1), d) is None  # another config: rerun
    # ensemble settings and printing do not change results, so they do not change the identity
    assert completed(replace(cfg, ensemble=replace(cfg.ensemble, workers=3)), d) is not None
    # a run made by other model code (another commit) is not reused: its results may differ
    manifest = json.loads((d / "manifest.json").read_text())
    try:
        (d / "manifest.json").write_text(json.dumps({**manifest, "git_commit": "0" * 40}))
        assert completed(cfg, d) is None
        # ... nor one made by the same commit with other uncommitted edits of the model
        (d / "manifest.json").write_text(json.dumps({**manifest, "code_changes": "0123456789abcdef"}))
        assert completed(cfg, d) is None
    finally:
        (d / "manifest.json").write_text(json.dumps(manifest))
    assert completed(cfg, d) is not None
    facts = json.loads((d / "stylized_facts.json").read_text())
    assert {r["status"] for r in facts} <= {"PASS", "WARN", "FAIL"} and len(facts) >= 5


def test_uncommitted_edits_of_the_model_have_their_own_digest(tmp_path):
    """A run's identity includes a digest of uncommitted changes to sim/ (sim.drivers.run.code_changes):
    empty when committed, different for different edits and for new files, blind to other folders."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")

    def sh(*args):
        subprocess.run([git, *args], cwd=tmp_path, check=True, capture_output=True)

    sh("init", "-q")
    sh("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "root")
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "model.py").write_text("RATE = 0.1\n")
    sh("add", ".")
    sh("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "model")
    assert uncommitted_digest(tmp_path / "sim") == ""
    (tmp_path / "notes.txt").write_text("not the model")
    assert uncommitted_digest(tmp_path / "sim") == ""
    (tmp_path / "sim" / "model.py").write_text("RATE = 0.2\n")
    one = uncommitted_digest(tmp_path / "sim")
    (tmp_path / "sim" / "model.py").write_text("RATE = 0.3\n")
    two = uncommitted_digest(tmp_path / "sim")
    assert "" != one != two and len(one) == 16
    (tmp_path / "sim" / "model.py").write_text("RATE = 0.1\n")
    (tmp_path / "sim" / "extra.py").write_text("X = 1\n")
    three = uncommitted_digest(tmp_path / "sim")
    assert three not in ("", one, two)
    assert uncommitted_digest(tmp_path / "missing") == "unknown"  # no checkout there
