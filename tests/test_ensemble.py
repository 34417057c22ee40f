"""Ensembles: the default command line, worker counts, a failing seed, and the side-by-side
comparison (sim/ensemble.py, sim/__main__.py, analysis/compare.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from simtest import small_config

import sim.drivers.run
from sim.drivers.ensemble import run_ensemble
from sim.outputs.targets import TARGETS

ROOT = Path(__file__).resolve().parents[1]


def run_cli(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_ensemble_writes_every_seed_and_the_ensemble_scorecard(tmp_path):
    run_dir = tmp_path / "run"
    p = run_cli("sim", "scale=small", "seed=3", "ensemble.size=2", f"hydra.run.dir={run_dir}")
    assert p.returncode == 0, p.stderr[-3000:]
    for seed in (3, 4):
        d = run_dir / f"seed_{seed}"
        man = json.loads((d / "manifest.json").read_text())
        assert man["status"] == "complete" and man["seed"] == seed
        card = json.loads((d / "scorecard.json").read_text())
        assert card["seed"] == seed and [r["id"] for r in card["targets"]] == [t.id for t in TARGETS]
        assert pd.read_parquet(d / "timeseries.parquet")["quarter"].nunique() == 28
        sf = pd.read_parquet(d / "subfields.parquet")
        assert {"integrated_circuits", "artificial_intelligence", "new_displays", "new_energy_vehicles"} <= set(
            sf["subfield"]
        )
    assert not (run_dir / "manifest.json").exists()  # the runs are in their seed folders
    ens = json.loads((run_dir / "ensemble_scorecard.json").read_text())
    assert ens["seeds"] == [3, 4] and ens["status"] == "complete" and ens["failed"] == []
    assert [t["id"] for t in ens["targets"]] == [t.id for t in TARGETS]
    for t in ens["targets"]:
        assert t["runs"] == 2 and {"p_met", "ci_low", "ci_high", "value_median", "value_p10", "value_p90"} <= set(t)
    assert len(pd.read_csv(run_dir / "scorecards.csv")) == 2 * len(TARGETS)
    assert len(pd.read_csv(run_dir / "ensemble_scorecard.csv")) == len(TARGETS)
    out = p.stdout
    assert "median of 2 runs" in out and "2019 simulated vs data" in out
    assert "P(met)" in out and all(t.id in out for t in TARGETS)
    assert "proxy" in out and "seed_<seed>/" in out


@pytest.fixture(scope="module")
def short_cfg():
    return small_config(5, **{"scenario.end_year": 2020, "ensemble.size": 2})


def test_worker_count_does_not_change_results(short_cfg, tmp_path):
    one = run_ensemble(short_cfg, tmp_path / "w1", workers=1)
    two = run_ensemble(short_cfg, tmp_path / "w2", workers=2)
    assert two.workers == 2 and one.workers == 1
    assert one.cards == two.cards
    assert one.summary == two.summary
    for seed in (5, 6):
        a = (tmp_path / "w1" / f"seed_{seed}" / "timeseries.parquet").read_bytes()
        b = (tmp_path / "w2" / f"seed_{seed}" / "timeseries.parquet").read_bytes()
        assert a == b


def test_a_failing_seed_is_reported_and_the_others_survive(short_cfg, tmp_path, monkeypatch):
    real = sim.drivers.run.SEIModel

    def model(cfg, **kw):  # the model of seed 6 fails as it is built
        if cfg.seed == 6:
            raise RuntimeError("boom in seed 6")
        return real(cfg, **kw)

    monkeypatch.setattr(sim.drivers.run, "SEIModel", model)
    ens = run_ensemble(short_cfg, tmp_path, workers=1)
    assert [r.status for r in ens.results] == ["complete", "failed"]
    assert "boom in seed 6" in ens.failed[0].error
    man = json.loads((tmp_path / "seed_6" / "manifest.json").read_text())
    assert man["status"] == "failed" and "boom in seed 6" in man["error"]
    assert json.loads((tmp_path / "seed_5" / "manifest.json").read_text())["status"] == "complete"
    assert (tmp_path / "seed_5" / "scorecard.json").exists() and not (tmp_path / "seed_6" / "scorecard.json").exists()
    rep = json.loads((tmp_path / "ensemble_scorecard.json").read_text())
    assert rep["status"] == "partial" and rep["complete"] == [5]
    assert rep["failed"][0]["seed"] == 6 and "boom" in rep["failed"][0]["error"]
    assert all(t["runs"] == 1 for t in rep["targets"])


def test_compare_pairs_seeds():
    """The same configuration twice: every paired difference is zero; a different scenario differs."""
    from analysis.compare import compare, format_comparison, median_paired_differences

    specs = ["scenario=history", "", "scenario=steady"]
    ens = compare(specs, seeds=2, first_seed=1, scale="small", common=["scenario.end_year=2020"], workers=1)
    assert [e.seeds for e in ens] == [[1, 2]] * 3
    same = median_paired_differences(ens[0], ens[1])
    assert all(v == 0 for v in same.values() if v is not None)
    assert same["T20-CARRIERS"] == 0
    assert ens[2].cfg.scenario.name == "steady"
    assert ens[0].cards != ens[2].cards
    text = format_comparison(specs, ens)
    assert "A = scenario=history" in text and "B = (defaults)" in text and "C-A (paired)" in text


def test_compare_command_line(tmp_path, capsys):
    p = run_cli(
        "analysis.compare",
        "scenario=history",
        "scenario=steady",
        "--seeds",
        "2",
        "--scale",
        "small",
        "--set",
        "scenario.end_year=2021",
        "--out",
        str(tmp_path),
    )
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout
    assert "A = scenario=history" in out and "B = scenario=steady" in out and "B-A (paired)" in out
    assert all(t.id in out for t in TARGETS)
    cmp = pd.read_csv(tmp_path / "comparison.csv")
    assert len(cmp) == 2 * len(TARGETS) and set(cmp["config"]) == {0, 1}
    assert (tmp_path / "config_1" / "seed_1" / "scorecard.json").exists()
    from analysis.compare import main

    assert main(["scenario=history", "targets.clusters.measure=revenue", "--seeds", "1", "--scale", "small"]) == 2
    assert "targets.clusters.measure" in capsys.readouterr().err


def test_compare_prints_value_added_and_spending_side_by_side(tmp_path, capsys):
    """Issue 14: value added (total and by industry) and public spending, paired differences with
    intervals, printed and written as CSV; without --out the runs go to a temporary folder."""
    from analysis.compare import main

    args = ["policy=plan_2018", "policy=no_plan", "--seeds", "2", "--scale", "small", "--set", "scenario.end_year=2020"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "value added 2020 ALL" in out and "value added 2020 IND-BIO" in out and "public spending, per year" in out
    assert "95% CI" in out
    t = pd.read_csv(tmp_path / "comparison_outcomes.csv")
    spend = t.set_index("outcome").loc["public spending, per year"]
    assert spend["B"] == 0 and spend["A"] > 0 and spend["B-A hi"] < 0  # no_plan spends nothing
    by_ind = t[t["outcome"].str.startswith("value added 2020 IND-")]
    assert by_ind["A"].sum() == pytest.approx(t.set_index("outcome").loc["value added 2020 ALL", "A"], rel=1e-9)
    assert main(args) == 0 and "value added 2020 ALL" in capsys.readouterr().out


def test_tidy_totals_do_not_double_count(tmp_path):
    from analysis.results import gather
    from analysis.tables import breakdown, totals
    from sim.drivers.ensemble import run_seed
    from tests.simtest import small_config

    run_seed(small_config(**{"scenario.end_year": 2019}), 0, tmp_path)
    res = gather(tmp_path, write=False)
    tot = totals(res.annual, ["value_added"])
    by = breakdown(res.annual, "industry", ["value_added"])
    assert set(tot.columns) == {"run_id", "year", "metric", "value"} and "ALL" not in set(by["industry"])
    assert by["value"].sum() == pytest.approx(tot["value"].sum(), rel=1e-9)
    naive = res.annual[res.annual["metric"] == "value_added"]["value"].sum()
    assert naive > 1.5 * tot["value"].sum()  # what a plain sum over the table would give


def test_run_folder_without_tables_gives_the_same_run(tmp_path):
    """A sweep job's run (``tables=False``: status only) writes and reports the run as with its
    tables; resumed, it is read without them."""
    from sim.drivers.ensemble import run_folder

    cfg = small_config(3, **{"scenario.end_year": 2019, "ensemble.size": 1})
    full = run_folder(cfg, tmp_path / "a")
    lean = run_folder(cfg, tmp_path / "b", tables=False)
    assert full.va_table is not None and full.budget is not None
    assert lean.va_table is None and lean.budget is None and lean.status == full.status == "complete"
    for f in ("annual.parquet", "scorecard.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    again = run_folder(cfg, tmp_path / "b", tables=False)
    assert again.manifest["resumed"] and again.seed == 3 and again.va_table is None
