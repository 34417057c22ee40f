"""Validation stops bad input before any work, with a message naming the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from simtest import SMALL

from sim.config import ConfigError, SimConfig, to_config, validate
from sim.ids import INDUSTRIES
from sim.model import SEIModel

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------------------------------------
def test_default_config_is_valid():
    cfg = to_config(None)
    assert isinstance(cfg, SimConfig)
    validate(cfg)
    validate(SimConfig())  # the bare schema defaults too
    assert cfg.scale.name == "city" and cfg.scenario.name == "history"
    assert set(cfg.calibration.share_trend) == set(INDUSTRIES)


def test_small_scale_overrides_are_valid_and_match_the_scale_group():
    cfg = to_config(None, seed=3, **SMALL)
    assert (cfg.seed, cfg.scale.name, cfg.scale.people_per_agent) == (3, "small", 250)
    assert cfg.scale.firm_fraction == pytest.approx(0.1)
    group = to_config(None, seed=3, scale="small")
    for key in SMALL:
        name = key.split(".")[1]
        assert getattr(group.scale, name) == getattr(cfg.scale, name), key


BAD = [
    # (overrides, key the message must name)
    ({"scale.people_per_agent": -5}, "scale.people_per_agent"),
    ({"scale.people_per_agent": 0}, "scale.people_per_agent"),
    ({"scenario.import_availability": {"IND-FOO": 0.5}}, "scenario.import_availability.IND-FOO"),
    ({"calibration.share_trend": {"IND-FOO": 0.1}}, "calibration.share_trend.IND-FOO"),
    ({"scenario.rent_multiplier": {"atlantis": 2.0}}, "scenario.rent_multiplier.atlantis"),
    ({"scenario.end_year": 2018}, "scenario.end_year"),
    ({"scenario.start_year": 2023, "scenario.end_year": 2022}, "scenario.end_year"),
    # shares outside [0, 1]
    ({"scenario.import_availability": {"IND-IT": 1.5}}, "scenario.import_availability.IND-IT"),
    ({"scenario.import_availability": {"IND-IT": -0.1}}, "scenario.import_availability.IND-IT"),
    ({"params.labour.quit_rate": 1.5}, "params.labour.quit_rate"),
    ({"params.production.target_utilisation": 1.2}, "params.production.target_utilisation"),
    ({"params.geography.base_occupancy": 1.3}, "params.geography.base_occupancy"),
    ({"params.finance.leverage_cap": 2.0}, "params.finance.leverage_cap"),
    ({"scale.firm_fraction": 1.5}, "scale.firm_fraction"),
    # negative parameters
    ({"params.innovation.breakthrough_size": -0.04}, "params.innovation.breakthrough_size"),
    # wrong types: a string where a number belongs
    ({"scale.firm_fraction": "abc"}, "scale.firm_fraction"),
    ({"params.labour.quit_rate": "lots"}, "params.labour.quit_rate"),
    ({"scale.people_per_agent": "many"}, "scale.people_per_agent"),
]


@pytest.mark.parametrize("overrides,key", BAD, ids=[k + "=" + str(list(o.values())[-1]) for o, k in BAD])
def test_bad_value_is_refused_naming_the_key(overrides, key):
    with pytest.raises(ConfigError) as exc:
        to_config(None, **{**SMALL, **overrides})
    assert key in str(exc.value)


def test_unknown_key_is_refused_naming_it():
    with pytest.raises(ConfigError, match="bogus"):
        to_config({"bogus": 1})
    with pytest.raises(ConfigError, match="bogus"):
        to_config(None, **{"params.labour.bogus": 1})


def test_model_validates_before_building(monkeypatch):
    """Bad input fails before the base-year world is built (no work is done)."""
    import sim.model

    def no_build(*a, **k):
        raise AssertionError("the world was built from an invalid config")

    monkeypatch.setattr(sim.model, "build_world", no_build)
    with pytest.raises(ConfigError, match="scenario.rent_multiplier.atlantis"):
        SEIModel({"scenario": {"rent_multiplier": {"atlantis": 2.0}}}, handles=False)


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------
def test_cli_refuses_unknown_key(tmp_path):
    p = cli("scale=small", "bogus=1", f"hydra.run.dir={tmp_path / 'run'}")
    assert p.returncode != 0
    assert "bogus" in p.stdout + p.stderr
    assert not (tmp_path / "run" / "manifest.json").exists()


def test_cli_refuses_unknown_district_before_any_work(tmp_path):
    run_dir = tmp_path / "run"
    p = cli("scale=small", "+scenario.rent_multiplier.atlantis=2", f"hydra.run.dir={run_dir}")
    assert p.returncode != 0
    assert "scenario.rent_multiplier.atlantis" in p.stdout + p.stderr
    assert not (run_dir / "manifest.json").exists()
    assert not (run_dir / "timeseries.parquet").exists()


def test_cli_small_run_prints_summary_and_writes_run_folder(tmp_path):
    """ensemble.size=1: the single run of before, written into the run folder itself."""
    import pandas as pd

    run_dir = tmp_path / "run"
    p = cli("scale=small", "seed=7", "ensemble.size=1", f"hydra.run.dir={run_dir}")
    assert p.returncode == 0, p.stderr[-2000:]
    out = p.stdout
    assert "SEI value added by industry" in out
    assert "2019 data" in out and "2019 simulated vs data" in out
    table_lines = [ln for ln in out.splitlines() if ln.split() and ln.split()[0] in (*INDUSTRIES, "ALL")]
    assert [ln.split()[0] for ln in table_lines] == [*INDUSTRIES, "ALL"]
    # one column per simulated year after the two data columns
    assert all(len(ln.split()) == 1 + 2 + 7 for ln in table_lines)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["seed"] == 7
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert len(ts) > 0 and ts["quarter"].nunique() == 28
