"""Mesa's own tools on SEIModel (issue 15): the ``rng`` keyword as the seed, a DataCollector filled
from the Recorder, and ``mesa.batch_run`` over a lever budget and seeds, equal to the CLI's numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.ids import INDUSTRIES
from sim.model import SEIModel

ROOT = Path(__file__).resolve().parents[1]
GRANTS = "policy.funding.grants.budget"
BUDGETS = (1.0e9, 2.5e9)


def _last_quarter(ts: pd.DataFrame) -> pd.DataFrame:
    """Value added by industry, firms, employment in the last quarter of a timeseries table."""
    last = ts["quarter"].iloc[-1]
    d = ts[ts["quarter"] == last]
    return d.groupby(["metric", "industry"], observed=True)["value"].sum()


def _expected(ts: pd.DataFrame) -> dict[str, float]:
    s = _last_quarter(ts)
    out = {"value_added": float(s["value_added"].sum()), "firms": float(s["firms"].sum())}
    out["employment"] = float(s["employment"].sum())
    for ind in INDUSTRIES:
        out[f"value_added.{ind}"] = float(s["value_added"].get(ind, 0.0))
    spend = [m for m in s.index.get_level_values(0).unique() if str(m).startswith("spend_")]
    out["public_spending"] = float(sum(s[m].sum() for m in spend))
    return out


def test_rng_keyword_is_the_seed():
    a = SEIModel(scale="small", rng=3, handles=False)
    assert a.cfg.seed == 3
    assert SEIModel(scale="small", seed=3, rng=None, handles=False).cfg.seed == 3
    with pytest.raises(ConfigError, match="disagree"):
        SEIModel(scale="small", seed=1, rng=2, handles=False)
    with pytest.raises(ConfigError, match="integer seed"):
        SEIModel(scale="small", rng=np.random.default_rng(0), handles=False)


def test_datacollector_reports_the_recorder_every_quarter():
    m = SEIModel(scale="small", seed=0, handles=False).run()
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == m.n_quarters and not m.running
    assert df["quarter"].iloc[-1] == "2025Q4"
    got = df.iloc[-1]
    for k, v in _expected(m.timeseries()).items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-6), k
    assert got["public_spending"] > 0


def test_batch_run_with_seed_parameter_runs():
    rows = mesa.batch_run(SEIModel, parameters={"seed": [0], "scale": "small"}, display_progress=False)
    assert len(rows) == 1 and rows[0]["seed"] == 0 and rows[0]["Step"] == 28


@pytest.mark.slow
def test_batch_run_over_two_budgets_and_two_seeds_equals_the_cli(tmp_path):
    rows = mesa.batch_run(
        SEIModel,
        parameters={"scale": "small", GRANTS: list(BUDGETS)},
        rng=[0, 1],
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 4
    assert sorted((r[GRANTS], r["rng"]) for r in rows) == sorted((b, s) for b in BUDGETS for s in (0, 1))
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for budget in BUDGETS:
        out = tmp_path / f"b{budget:g}"
        cmd = [sys.executable, "-m", "sim", "scale=small", "seed=0", "ensemble.size=2", f"{GRANTS}={budget}"]
        proc = subprocess.run(
            [*cmd, f"hydra.run.dir={out}"], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        for seed in (0, 1):
            row = next(r for r in rows if r[GRANTS] == budget and r["rng"] == seed)
            expected = _expected(pd.read_parquet(out / f"seed_{seed}" / "timeseries.parquet"))
            for k, v in expected.items():
                # the CLI's numbers; the tolerance only covers the order of summing districts (1e-16)
                assert row[k] == pytest.approx(v, rel=1e-12), (budget, seed, k)
    by = {(r[GRANTS], r["rng"]): r["value_added"] for r in rows}
    assert by[(BUDGETS[0], 0)] != by[(BUDGETS[1], 0)]  # the budget moves the result
