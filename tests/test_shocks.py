"""Shocks as data (issue 14): scenario.shocks validated key by key, the history scenario's quarter
shocks expressed as two entries give bit-identical results, a shock moves what it hits and nothing
else, the presets compose, and ``python -m experiments.shocks`` runs end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config import compose, to_config
from sim.errors import ConfigError
from sim.model import SEIModel
from sim.params import ShockConfig
from tests.simtest import annual, small_config, small_model

ROOT = Path(__file__).resolve().parents[1]
PRESETS = ("pandemic_2020", "lockdown_2022", "chip_export_rules", "import_cut", "trade_war_tariff")
SHORT = {"scenario.end_year": 2020}


def _shock(**kw):
    return {"name": "test", "start": "2020Q1", "end": "2020Q1", **kw}


@pytest.mark.parametrize(
    ("shock", "key"),
    [
        (_shock(end="2019Q4", demand=-0.1), "scenario.shocks[0].end"),
        (_shock(start="2020X1", demand=-0.1), "scenario.shocks[0].start"),
        (_shock(start="2030Q1", end="2030Q2", demand=-0.1), "scenario.shocks[0].start"),
        (_shock(industries=["IND-XX"], demand=-0.1), "scenario.shocks[0].industries[0]"),
        (_shock(districts=["atlantis"], demand=-0.1), "scenario.shocks[0].districts[0]"),
        (_shock(demand=-1.0), "scenario.shocks[0].demand"),
        (_shock(supply=-1.5), "scenario.shocks[0].supply"),
        (_shock(import_availability=1.5), "scenario.shocks[0].import_availability"),
        (_shock(districts=["nanshan"], import_availability=0.5), "scenario.shocks[0].districts"),
        (_shock(name="", demand=-0.1), "scenario.shocks[0].name"),
        (_shock(), "scenario.shocks[0]"),
    ],
)
def test_a_bad_shock_is_refused_naming_its_key(shock, key):
    with pytest.raises(ConfigError, match=f"'{key.replace('[', r'\[').replace(']', r'\]')}'"):
        to_config(None, scale="small", **{"scenario.shocks": [shock]})


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_composes_and_validates(preset):
    cfg = to_config(compose([f"shocks={preset}", "scenario=steady", "scale=small"]))
    assert cfg.scenario.shocks, preset
    assert all(s.name and (s.demand or s.supply or s.import_availability is not None) for s in cfg.scenario.shocks)


def test_quarter_shocks_as_two_entries_are_bit_identical():
    old = {"scenario.quarter_shocks": {"2020Q1": -0.10, "2020Q2": -0.03}}
    as_dict = small_model(**SHORT, **old).run().timeseries()
    cfg = small_config(**SHORT, **old)
    assert cfg.scenario.quarter_shocks == {"2020Q1": -0.10, "2020Q2": -0.03}
    cfg.scenario.quarter_shocks = {}
    cfg.scenario.shocks = [
        ShockConfig(name="pandemic_q1", start="2020Q1", end="2020Q1", demand=-0.10),
        ShockConfig(name="pandemic_q2", start="2020Q2", end="2020Q2", demand=-0.03),
    ]
    as_list = SEIModel(cfg).run().timeseries()
    pd.testing.assert_frame_equal(as_dict, as_list)


def test_a_supply_shock_on_one_industry_cuts_its_output_in_its_quarter_only():
    base = small_model(**SHORT).run().timeseries()
    hit = (
        small_model(
            **SHORT, **{"scenario.shocks": [_shock(start="2020Q2", end="2020Q2", industries=["IND-BIO"], supply=-0.5)]}
        )
        .run()
        .timeseries()
    )
    q = ["quarter", "industry"]

    def out(ts, quarter):
        d = ts[(ts["metric"] == "output") & (ts["quarter"] == quarter)]
        return d.groupby(q[1], observed=True)["value"].sum()

    before, during = out(hit, "2020Q1") / out(base, "2020Q1"), out(hit, "2020Q2") / out(base, "2020Q2")
    assert np.allclose(before, 1.0)  # nothing happens before the window
    assert during["IND-BIO"] < 0.8  # capacity halved: output of the hit industry falls
    assert annual(hit, "value_added", 2020) < annual(base, "value_added", 2020)


def test_a_demand_shock_in_one_district_lowers_value_added_there():
    shock = _shock(start="2019Q2", end="2019Q4", districts=["nanshan"], demand=-0.3)
    base = small_model(**{"scenario.end_year": 2019}).run().timeseries()
    hit = small_model(**{"scenario.end_year": 2019, "scenario.shocks": [shock]}).run().timeseries()
    by = "district"
    b, h = annual(base, "value_added", 2019, by), annual(hit, "value_added", 2019, by)
    assert h["nanshan"] < 0.9 * b["nanshan"]


@pytest.mark.slow
def test_shocks_experiment_runs_end_to_end(tmp_path):
    """``python -m experiments.shocks --scale small --seeds 2`` on two presets with short runs, then
    ``--summary-only`` on the same folder: both print the plan's effect under each shock with intervals."""
    out = tmp_path / "shocks"
    args = ["--scale", "small", "--seeds", "2", "--out", str(out), "--launcher", "basic"]
    extra = ["shocks=none,pandemic_2020", "scenario.end_year=2020"]
    run = subprocess.run(
        [sys.executable, "-m", "experiments.shocks", *args, *extra], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for text in (
        run.stdout,
        subprocess.run(
            [sys.executable, "-m", "experiments.shocks", "--summary-only", "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
    ):
        assert "8 complete runs" in text
        assert "pandemic_2020" in text and "cushion" in text and "95% CI" in text
        line = next(ln for ln in text.splitlines() if ln.strip().startswith("pandemic_2020"))
        assert line.count("[") >= 3, line  # effect, relative effect and cushion intervals
    from analysis.figures import fig_shocks

    fig = fig_shocks(out, lang="zh")  # the figure of the plan's effect under each shock
    assert list(fig.plot_data["effects"]["shock"]) == ["none", "pandemic_2020"]
    assert "无冲击" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_overlapping_shock_multipliers_are_per_firm_products() -> None:
    """The multipliers, made per (industry, district) cell and gathered, are each firm's product
    of the shocks that hit it, in the shocks' order, bit for bit."""
    from sim.economy.shocks import multipliers
    from sim.ids import DISTRICTS, INDUSTRIES
    from sim.params import ScenarioConfig

    shocks = [
        ShockConfig(name="a", start="2020Q1", end="2020Q2", demand=-0.13, supply=-0.07),
        ShockConfig(name="b", start="2020Q1", end="2020Q1", industries=[INDUSTRIES[2], INDUSTRIES[5]], demand=0.21),
        ShockConfig(name="c", start="2020Q1", end="2020Q3", districts=[DISTRICTS[1]], supply=-0.3,
                    import_availability=0.6),
        ShockConfig(name="d", start="2021Q1", end="2021Q1", demand=-0.5),  # not active
    ]  # fmt: skip
    rng = np.random.default_rng(0)
    ind = rng.integers(0, len(INDUSTRIES), 5000).astype(np.int8)
    dist = rng.integers(0, len(DISTRICTS), 5000).astype(np.int8)
    got = multipliers(ScenarioConfig(shocks=shocks), 2020, 1, ind, dist)
    dm, sm, im = np.ones(5000), np.ones(5000), np.ones(len(INDUSTRIES))
    for s in shocks[:3]:
        ih = np.array([not s.industries or i in s.industries for i in INDUSTRIES])
        hit = ih[ind] & np.array([not s.districts or d in s.districts for d in DISTRICTS])[dist]
        dm[hit] *= 1.0 + s.demand
        sm[hit] *= 1.0 + s.supply
        if s.import_availability is not None:
            im[ih] *= s.import_availability
    assert got.demand.tobytes() == dm.tobytes() and got.supply.tobytes() == sm.tobytes()
    assert got.imports.tobytes() == im.tobytes()
    assert len(np.unique(got.demand)) == 2 and len(np.unique(got.supply)) == 2  # a, a x b; a, a x c
