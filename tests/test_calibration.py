"""In-sample fit: the base year reproduces 2018Q4 VA exactly, simulated 2019 VA is near the data."""

from __future__ import annotations

import numpy as np
import pytest
from simtest import annual, small_model

from sim.basedata import load
from sim.config import to_config
from sim.ids import INDUSTRIES
from sim.model import SEIModel

TOLERANCE = 0.05
# 2019 is the calibration year; the run goes on to 2020 because the history scenario's 2020 demand
# shocks may not lie outside the run
END = {"scenario.end_year": 2020}


def base_va_by_industry(m: SEIModel) -> np.ndarray:
    f = m.world.firms
    return np.bincount(f.industry[f.alive], weights=f.value_added[f.alive], minlength=len(INDUSTRIES))


def va_2019_by_industry(m: SEIModel) -> np.ndarray:
    by = annual(m.timeseries(), "value_added", 2019, by="industry")
    return np.array([by[i] for i in INDUSTRIES])


def relative_error(sim: np.ndarray) -> np.ndarray:
    return sim / load().va_2019 - 1


@pytest.mark.parametrize("seed", [0, 1])
def test_base_year_reproduces_2018q4_value_added(seed):
    m = small_model(seed)
    np.testing.assert_allclose(base_va_by_industry(m), load().va_base_quarter, rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_2019_value_added_by_industry_small_scale(seed):
    err = relative_error(va_2019_by_industry(small_model(seed, **END).run()))
    bad = {i: f"{e:+.1%}" for i, e in zip(INDUSTRIES, err) if abs(e) >= TOLERANCE}
    assert not bad, f"2019 VA off by >= 5% (seed {seed}): {bad}"


@pytest.fixture(scope="module")
def city():
    m = SEIModel(to_config(None, seed=0, **END), handles=False)
    base = base_va_by_industry(m)
    m.run()
    return m, base


@pytest.mark.slow
def test_city_base_year_reproduces_2018q4_value_added(city):
    m, base = city
    assert m.cfg.scale.name == "city" and m.world.ppa == 25
    np.testing.assert_allclose(base, load().va_base_quarter, rtol=1e-6)


@pytest.mark.slow
def test_2019_value_added_by_industry_city_scale(city):
    err = relative_error(va_2019_by_industry(city[0]))
    bad = {i: f"{e:+.1%}" for i, e in zip(INDUSTRIES, err) if abs(e) >= TOLERANCE}
    assert not bad, f"2019 VA off by >= 5% (city, seed 0): {bad}"
    # the total is the calibration target of the demand trends: much closer than 5%
    assert abs(va_2019_by_industry(city[0]).sum() / load().va_2019.sum() - 1) < 0.02


# ---------------------------------------------------------------------------------------------
# experiments/calibrate.py: the moments, the check of the calibrated default, the optimiser
# ---------------------------------------------------------------------------------------------
def test_moments_are_read_from_the_data_and_weighted_by_tolerance():
    from experiments.calibrate import moment, moments, objective

    ms = moments()
    assert len({m.id for m in ms}) == len(ms)
    assert moment("firms_2019").observed == 17000 and moment("carriers_new_2019").observed == 85
    assert moment("va_2019_IND-IT").observed == pytest.approx(5086.15)
    assert moment("talent_growth_2019").observed == pytest.approx(100 * (1343.88 / 1302.66 - 1))
    for m in ms:
        assert m.tolerance > 0 and m.source and m.why_tolerance, m.id
        assert (m.weight > 0) == (m.role == "target")
    perfect = {m.id: m.observed for m in ms}
    assert objective(perfect) == 0
    off = dict(perfect, firms_2019=17000 + moment("firms_2019").tolerance)
    assert objective(off) == pytest.approx(1.0)  # one tolerance off = 1


@pytest.mark.slow
def test_calibrated_default_reproduces_2019_targets_within_tolerance():
    """`python -m experiments.calibrate --check` at city scale, seeds 0 and 1 (in-process, ~4 s)."""
    from experiments.calibrate import check, format_fit

    fit, ok = check("default", "city", [0, 1], workers=1)
    assert ok, "moments outside their tolerance:\n" + format_fit(fit[fit.status == "FAIL"])
    assert set(fit.status[fit.role == "target"]) == {"PASS"}
    assert set(fit.status[fit.role == "base"]) == {"PASS"}
    # the base year imposes 2018 exactly
    base = fit[fit.moment.str.startswith("va_2018_")]
    assert (base.error.abs() / base.observed < 1e-6).all()


def test_optimiser_end_to_end_writes_a_loadable_calibration(tmp_path, monkeypatch):
    """One hypercube point and one local step at small scale, one seed, the yaml in a tmp dir."""
    from omegaconf import OmegaConf

    import experiments.calibrate as cal
    from experiments.freeparams import calibrated_params

    monkeypatch.setattr(cal, "CONFIG_DIR", tmp_path / "configs")
    monkeypatch.setattr(cal, "OUT_DIR", tmp_path / "outputs")
    monkeypatch.setattr(cal, "INNER_MAX_RUNS", 1)
    run, fit, path = cal.calibrate("tiny", "small", [0], n_lhs=1, n_local=1, workers=1)
    assert path == tmp_path / "configs" / "tiny.yaml" and path.exists()
    hist = cal.pd.read_csv(tmp_path / "configs" / "tiny.history.csv")
    assert len(hist) >= 2 and {"objective", "phase", "params.demography.entry_rate"} <= set(hist.columns)
    assert (tmp_path / "outputs" / "tiny" / "history.parquet").exists()
    assert set(cal.pd.read_csv(tmp_path / "configs" / "tiny.fit.csv").moment) == {m.id for m in cal.moments()}
    text = path.read_text()
    assert text.startswith("# @package _global_")
    cfg = to_config(OmegaConf.load(path))  # the option merged onto the schema, as Hydra does
    best = run.best()
    assert cfg.calibration.name == "tiny"
    assert cfg.calibration.demand_trend == pytest.approx(best.trends, abs=1e-5)
    for p in calibrated_params():
        section, name = p.key.split(".")[1:]
        assert getattr(getattr(cfg.params, section), name) == pytest.approx(best.outer[p.key], rel=1e-5)
    assert best.objective == min(hist.objective)


def test_every_calibration_option_loads_through_the_calibration_group():
    """configs/calibration/*.yaml compose with `calibration=<name>` and set what the file says."""
    from omegaconf import OmegaConf

    from experiments.calibrate import CONFIG_DIR

    for path in sorted(CONFIG_DIR.glob("*.yaml")):
        cfg = to_config(None, calibration=path.stem)
        raw = OmegaConf.to_container(OmegaConf.load(path))
        assert cfg.calibration.name == path.stem
        assert cfg.calibration.demand_trend == pytest.approx(raw["calibration"]["demand_trend"])
        for section, vals in raw.get("params", {}).items():
            for name, v in vals.items():
                assert getattr(getattr(cfg.params, section), name) == pytest.approx(v), (
                    f"{path.name}: params.{section}.{name}"
                )
    assert (
        to_config(None, calibration="default", **{"params.demography.entry_rate": 0.3}).params.demography.entry_rate
        == 0.3
    )


def test_calibrate_demand_is_an_alias_of_the_inner_step(monkeypatch):
    import experiments.calibrate_demand as alias

    seen = []
    monkeypatch.setattr(alias, "calibrate_main", lambda argv: seen.append(argv) or 0)
    assert alias.main(["--name", "x", "--scale", "small"]) == 0
    assert seen == [["--lhs", "0", "--local", "0", "--name", "x", "--scale", "small"]]
