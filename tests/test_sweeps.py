"""Sweeps through Hydra launchers (issue 5): the same results under every launcher, resuming an
interrupted sweep, a failing run that does not stop the others, bad values refused before any job
starts, and the gathered table. Each sweep runs the CLI in a subprocess, as an analyst would."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.results import gather, load
from sim.drivers.sweep import covering_jobs, progress_line

ROOT = Path(__file__).resolve().parents[1]
# 2 policies x 2 scenarios x 2 seeds, small scale, two simulated years: 8 one-run jobs
SWEEP = [
    "scale=small",
    "policy=plan_2018,no_plan",
    "scenario=history,steady",
    "seed=0,1",
    "ensemble.size=1",
    "scenario.end_year=2020",
]
KEY = ["policy", "scenario", "seed"]


def sim_multirun(
    sweep_dir: Path,
    *overrides: str,
    launcher: str = "basic",
    prelude: str = "",
    env: dict | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """``python -m sim -m ...`` into ``sweep_dir`` (``prelude``: Python run first, in the launching process)."""
    code = f"{prelude}\nfrom sim.__main__ import main\nmain()"
    argv = [
        "-m",
        *overrides,
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={sweep_dir}",
        "hydra.callbacks.sweep_monitor.interval=1",
    ]
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def outcome_table(sweep_dir: Path) -> pd.DataFrame:
    """The gathered runs, keyed by (policy, scenario, seed), only the simulated outcomes."""
    runs = gather(sweep_dir, write=False).runs
    assert (runs["status"] == "complete").all(), runs[["run_id", "status", "error"]]
    cols = [
        c
        for c in runs.columns
        if c.startswith(("value_added.", "employment.", "firms.", "spend_total.")) or c.endswith((".value", ".margin"))
    ]
    return runs.set_index(KEY).sort_index()[cols]


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sweeps") / "basic"
    p = sim_multirun(d, *SWEEP)
    assert p.returncode == 0, p.stderr[-3000:]
    return d


@pytest.mark.slow
def test_basic_sweep_writes_every_run_and_gathers_one_row_each(basic_sweep):
    res = load(basic_sweep)
    assert len(res.runs) == 8 and (res.runs["status"] == "complete").all()
    assert set(res.swept) == {"policy", "scenario"}
    assert sorted(res.runs["seed"].unique()) == [0, 1]
    # common random numbers: every scenario has the same seeds
    assert res.runs.groupby(["policy", "scenario"])["seed"].apply(sorted).map(tuple).nunique() == 1
    # the headline columns are the runs' own annual files, the target columns their scorecards
    for _, r in res.runs.iterrows():
        run_dir = basic_sweep / r["run_id"]
        a = pd.read_parquet(run_dir / "annual.parquet")
        va = a[(a.metric == "value_added") & (a.industry == "ALL") & (a.district == "ALL") & (a.year == 2020)]["value"]
        assert r["value_added.ALL.2020"] == pytest.approx(float(va.iloc[0]), rel=1e-12)
        card = json.loads((run_dir / "scorecard.json").read_text())
        t = card["targets"][0]
        assert (
            r[f"{t['id']}.value"] == pytest.approx(t["value"])
            and r["policy"] == json.loads((run_dir / "manifest.json").read_text())["policy"]
        )
    # Mesa logs every step at INFO; the job logs keep only the job's own line
    log = (basic_sweep / "0" / "sim.log").read_text()
    assert "job 0 (" in log and "MESA" not in log and "Step 1" not in log
    summary = json.loads((basic_sweep / "sweep.json").read_text())
    assert summary["total"] == 8 and summary["counts"] == {"complete": 8, "skipped": 0, "failed": 0}
    # the plan spends public money, no_plan does not
    spend = res.runs.groupby("policy")["spend_total.ALL.2020"].mean()
    assert spend["plan_2018"] > 1e9 and spend.get("no_plan", 0.0) == pytest.approx(0.0, abs=1.0)


@pytest.mark.slow
def test_joblib_launcher_gives_identical_results(basic_sweep, tmp_path):
    p = sim_multirun(tmp_path / "joblib", *SWEEP, launcher="joblib")
    assert p.returncode == 0, p.stderr[-3000:]
    pd.testing.assert_frame_equal(outcome_table(tmp_path / "joblib"), outcome_table(basic_sweep))
    assert "[sweep] 8/8 jobs done" in p.stderr  # the progress line


@pytest.mark.slow
@pytest.mark.parametrize("batch", ["auto", "3"])
def test_default_launcher_gives_identical_results_and_job_configs(basic_sweep, tmp_path, batch):
    """The default launcher (joblib_resilient) composes each group of jobs that differ only in the
    seed once per worker (sim.drivers.job_configs): every job's saved config is Hydra's own, with
    one job a batch (``auto`` for 8 jobs on 2 workers) and with batches of 3 jobs."""
    d = tmp_path / "resilient"
    p = sim_multirun(
        d, *SWEEP, "hydra.launcher.n_jobs=2", f"hydra.launcher.batch_size={batch}", launcher="joblib_resilient"
    )
    assert p.returncode == 0, p.stderr[-3000:]
    pd.testing.assert_frame_equal(outcome_table(d), outcome_table(basic_sweep))
    for job in range(8):
        for f in ("config.yaml", "overrides.yaml"):
            assert (d / str(job) / ".hydra" / f).read_text() == (basic_sweep / str(job) / ".hydra" / f).read_text()
        ours, theirs = (json.loads((x / str(job) / "manifest.json").read_text()) for x in (d, basic_sweep))
        assert ours["config_hash"] == theirs["config_hash"]


@pytest.mark.slow
def test_interrupted_sweep_resumes_without_rerunning_complete_runs(basic_sweep, tmp_path):
    d = tmp_path / "resumed"
    shutil.copytree(basic_sweep, d)
    shutil.rmtree(d / "results")
    # interrupt: job 2 died while writing (no annual table yet), job 5 was killed while running
    (d / "2" / "annual.parquet").unlink()
    m = json.loads((d / "5" / "manifest.json").read_text())
    (d / "5" / "manifest.json").write_text(json.dumps({**m, "status": "running"}))
    untouched = {j: (d / j / "timeseries.parquet").stat().st_mtime_ns for j in ("0", "1", "3", "4", "6", "7")}
    p = sim_multirun(d, *SWEEP)
    assert p.returncode == 0, p.stderr[-3000:]
    status = {j: json.loads((d / j / "job.json").read_text())["status"] for j in map(str, range(8))}
    assert status == {**{j: "skipped" for j in untouched}, "2": "complete", "5": "complete"}
    assert {j: (d / j / "timeseries.parquet").stat().st_mtime_ns for j in untouched} == untouched
    pd.testing.assert_frame_equal(outcome_table(d), outcome_table(basic_sweep))


@pytest.mark.slow
def test_a_changed_config_is_rerun_not_skipped(basic_sweep, tmp_path):
    d = tmp_path / "changed"
    shutil.copytree(basic_sweep, d)
    over = [o if not o.startswith("scenario.end_year") else "scenario.end_year=2019" for o in SWEEP]
    p = sim_multirun(d, *over)
    assert p.returncode == 0, p.stderr[-3000:]
    assert {json.loads((d / str(j) / "job.json").read_text())["status"] for j in range(8)} == {"complete"}
    assert "value_added.ALL.2020" not in gather(d, write=False).runs.columns


FAIL_SEED_1 = """
import sim.model
_step = sim.model.SEIModel.step
def step(self):
    if self.cfg.seed == 1 and self.cfg.policy.name == "no_plan":
        raise RuntimeError("injected failure of seed 1")
    _step(self)
sim.model.SEIModel.step = step
"""


@pytest.mark.slow
def test_a_failing_run_does_not_stop_the_others_and_is_reported(tmp_path):
    d = tmp_path / "failing"
    p = sim_multirun(
        d,
        "scale=small",
        "policy=plan_2018,no_plan",
        "seed=0,1",
        "ensemble.size=1",
        "scenario.end_year=2019",
        prelude=FAIL_SEED_1,
    )
    assert p.returncode == 1, p.stderr[-3000:]
    assert "injected failure of seed 1" in p.stderr and "[sweep] failed: job 3" in p.stderr
    summary = json.loads((d / "sweep.json").read_text())
    assert summary["counts"] == {"complete": 3, "skipped": 0, "failed": 1}
    assert "injected failure" in summary["failed"][0]["errors"][0]["error"]
    manifest = json.loads((d / "3" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "RuntimeError" in manifest["error"] and "traceback" in manifest
    runs = load(d).runs.set_index("run_id")
    assert runs.loc["3", "status"] == "failed" and "injected" in runs.loc["3", "error"]
    assert (runs.drop(index="3")["status"] == "complete").all()
    # resuming reruns only the failed run (here it fails again: the failure is in the code)
    p2 = sim_multirun(
        d,
        "scale=small",
        "policy=plan_2018,no_plan",
        "seed=0,1",
        "ensemble.size=1",
        "scenario.end_year=2019",
        prelude=FAIL_SEED_1,
    )
    assert json.loads((d / "sweep.json").read_text())["counts"] == {"complete": 0, "skipped": 3, "failed": 1}
    assert p2.returncode == 1


def test_bad_value_is_refused_before_any_job_starts(tmp_path):
    d = tmp_path / "bad"
    p = sim_multirun(d, "scale=small", "seed=0,1,2", "policy.funding.grants.budget=1e9,-5e8", "ensemble.size=1")
    assert p.returncode == 2
    assert "policy.funding.grants.budget" in p.stderr
    assert not any(x.is_dir() for x in d.glob("*")), "no job folder may be created"


@pytest.mark.slow
def test_ensemble_jobs_resume_per_seed(tmp_path):
    d = tmp_path / "ens"
    args = ["scale=small", "policy=plan_2018,no_plan", "ensemble.size=2", "scenario.end_year=2019"]
    assert sim_multirun(d, *args).returncode == 0
    (d / "1" / "seed_1" / "scorecard.json").unlink()
    assert sim_multirun(d, *args).returncode == 0
    jobs = [json.loads((d / j / "job.json").read_text()) for j in ("0", "1")]
    assert [j["status"] for j in jobs] == ["skipped", "complete"] and jobs[1]["resumed"] == 1
    runs = load(d).runs
    assert sorted(runs["run_id"]) == ["0/seed_0", "0/seed_1", "1/seed_0", "1/seed_1"]
    assert list(runs["job"].unique()) == ["0", "1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_ray_launcher_on_a_local_cluster_gives_identical_results(basic_sweep, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed here (pip install .[ray]); the Ray launcher is optional")
    pytest.importorskip(
        "hydra_plugins.hydra_ray_launcher", reason="hydra-ray-launcher is not installed (pip install .[ray])"
    )
    ray = str(Path(sys.executable).with_name("ray"))
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    start = subprocess.run(
        [
            ray,
            "start",
            "--head",
            "--node-ip-address",
            "127.0.0.1",
            "--port",
            str(_free_port()),
            "--num-cpus",
            "2",
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    session = Path(tempfile.gettempdir()) / "ray" / "session_latest"
    started = session.resolve() if session.exists() else None
    try:
        assert start.returncode == 0, start.stderr[-3000:]
        # join the cluster just started (address "auto": the one `ray start` recorded on this machine)
        p = sim_multirun(
            tmp_path / "ray_sweep",
            *SWEEP,
            "hydra.launcher.ray.init.address=auto",
            launcher="ray",
            env={"RAY_USAGE_STATS_ENABLED": "0"},
        )
        assert p.returncode == 0, p.stderr[-3000:]
        assert "Connected to Ray cluster" in p.stderr
        pd.testing.assert_frame_equal(outcome_table(tmp_path / "ray_sweep"), outcome_table(basic_sweep))
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, timeout=120, env=env)
        if started is not None and started.name.startswith("session_"):
            shutil.rmtree(started, ignore_errors=True)


@pytest.mark.slow
def test_submitit_local_launcher_gives_identical_results(basic_sweep, tmp_path):
    pytest.importorskip(
        "hydra_plugins.hydra_submitit_launcher",
        reason="hydra-submitit-launcher is not installed (pip install .[slurm])",
    )
    p = sim_multirun(tmp_path / "submitit", *SWEEP, "hydra.launcher.timeout_min=10", launcher="submitit_local")
    assert p.returncode == 0, p.stderr[-3000:]
    pd.testing.assert_frame_equal(outcome_table(tmp_path / "submitit"), outcome_table(basic_sweep))


def test_auto_batches_keep_four_a_worker_and_at_most_max_batch():
    """``batch_size: auto`` of the default launcher: batches of jobs share one pickled copy of
    Hydra's state, but each worker gets at least four batches, so the workers finish together."""
    from hydra_plugins.sei_sweeper.launcher import MAX_BATCH, batch_size

    assert batch_size(1000, 2) == MAX_BATCH
    assert batch_size(40, 2) == 5
    assert batch_size(12, 2) == batch_size(1, 2) == batch_size(0, 2) == 1
    for n in range(0, 300, 7):
        for workers in (1, 2, 8):
            b = batch_size(n, workers)
            assert 1 <= b <= MAX_BATCH and (b == 1 or n // b >= 4 * workers)
            assert batch_size(n + 50, workers) >= b  # more jobs never give smaller batches


def test_progress_line_counts_and_eta():
    line = progress_line({"complete": 3, "skipped": 2, "failed": 1}, 10, 40.0)
    assert line.startswith("[sweep] 6/10 jobs done: 3 complete, 2 skipped, 1 failed; 4 remaining")
    # 4 jobs ran in 40 s: 10 s each, 4 to go
    assert line.endswith("0:40 elapsed, ETA 0:40")
    assert "ETA ?" in progress_line({"skipped": 2}, 10, 3.0)
    assert "remaining" not in progress_line({"complete": 1}, None, 3.0)


def test_covering_jobs_use_every_value_of_every_key():
    jobs = [[f"a={a}", f"b={b}", f"seed={s}"] for a in range(3) for b in range(2) for s in range(50)]
    pick = covering_jobs(jobs)
    used = {o for k in pick for o in jobs[k]}
    # every value of a and b is checked; any seed stands for all seeds (they validate alike)
    assert used >= {o for j in jobs for o in j if not o.startswith("seed=")}
    assert len(pick) == 4 and pick[0] == 0


@pytest.mark.slow
def test_experiment_configs_compose_and_validate():
    from sim.config import compose, to_config
    from sim.drivers.sweep import validate_jobs

    for exp in sorted((ROOT / "configs" / "experiment").glob("*.yaml")):
        cfg = compose([f"+experiment={exp.stem}", "scale=small"])
        assert cfg.ensemble.size == 1, exp.stem
        to_config(cfg)
    # every value the experiments sweep is a valid config (the same check the sweep makes)
    import yaml

    for exp in sorted((ROOT / "configs" / "experiment").glob("*.yaml")):
        params = yaml.safe_load(exp.read_text())["hydra"]["sweeper"]["params"]
        jobs = [
            [f"+experiment={exp.stem}", "scale=small", f"{k}={v}"]
            for k, vals in params.items()
            if k != "seed"
            for v in str(vals).split(",")
        ]
        assert validate_jobs(jobs) == [], exp.stem


@pytest.mark.slow
def test_gather_is_fast_enough_to_read_in_one_scan(basic_sweep):
    """The annual tables of all runs are read in one dataset scan: run ids and values line up."""
    res = gather(basic_sweep, write=False)
    a = res.annual
    assert set(a["run_id"].astype(str)) == set(res.runs["run_id"])
    one = a[(a.run_id == "3") & (a.metric == "employment") & (a.industry == "ALL") & (a.district == "ALL")]
    own = pd.read_parquet(basic_sweep / "3" / "annual.parquet")
    own = own[(own.metric == "employment") & (own.industry == "ALL") & (own.district == "ALL")]
    np.testing.assert_allclose(one.sort_values("year")["value"], own.sort_values("year")["value"])
