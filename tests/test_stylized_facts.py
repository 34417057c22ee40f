"""Stylized-fact statistics on synthetic data with known answers, and the checks on a small run."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from sim.outputs.validation import check_run, format_facts, inputs_from_model
from sim.outputs.validation import stylized as st
from sim.outputs.validation.facts import FACTS, vuong_score
from tests.simtest import small_model


# -- Pareto tails ------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [1.0, 1.5])
def test_pareto_tail_recovers_exponent(alpha):
    rng = np.random.default_rng(1)
    x = (1.0 - rng.random(20_000)) ** (-1.0 / alpha)  # P(X > x) = x^-alpha, x >= 1
    t = st.pareto_tail(x, xmin=1.0)
    assert abs(t["alpha"] - alpha) < 3 * t["se"] and t["n_tail"] == len(x)
    t = st.pareto_tail(x)  # xmin chosen by KS: still close
    assert abs(t["alpha"] - alpha) < 0.1 * alpha


def test_pareto_tail_finds_tail_above_lognormal_body():
    rng = np.random.default_rng(2)
    body = rng.lognormal(0.0, 0.3, 20_000)  # below ~3
    tail = 5.0 * (1.0 - rng.random(2_000)) ** (-1.0)  # Zipf above 5
    t = st.pareto_tail(np.concatenate([body, tail]))
    assert t["xmin"] >= 2.0 and abs(t["alpha"] - 1.0) < 0.15


def test_pareto_tail_thin_tail_gives_large_exponent():
    x = np.random.default_rng(3).exponential(1.0, 10_000) + 1.0
    assert st.pareto_tail(x)["alpha"] > 3.0


def test_pareto_tail_discrete_lattice():
    rng = np.random.default_rng(4)
    x = np.floor((1.0 - rng.random(50_000)) ** (-1.0 / 1.2) * 10) * 25.0  # people in agents of 25
    t = st.pareto_tail(x[x > 0], lattice=25.0)
    assert abs(t["alpha"] - 1.2) < 0.12


def test_pareto_tail_bad_input_names_argument():
    with pytest.raises(ValueError, match="'x'"):
        st.pareto_tail(np.array([1.0, -2.0] * 50))
    with pytest.raises(ValueError, match="min_tail"):
        st.pareto_tail(np.ones(5))


# -- growth: Laplace vs normal -----------------------------------------------------------------
def test_laplace_sample_prefers_laplace_and_normal_sample_prefers_normal():
    rng = np.random.default_rng(5)
    lap = st.laplace_vs_normal(rng.laplace(0.02, 0.1, 5_000))
    nor = st.laplace_vs_normal(rng.normal(0.02, 0.1, 5_000))
    assert lap["vuong_z"] > 1.96 and lap["aic_laplace"] < lap["aic_normal"]
    assert nor["vuong_z"] < -1.96 and nor["aic_normal"] < nor["aic_laplace"]
    assert vuong_score(lap["vuong_z"])[1] == st.PASS and vuong_score(nor["vuong_z"])[1] == st.FAIL
    assert abs(lap["excess_kurtosis"] - 3.0) < 1.0 and abs(nor["excess_kurtosis"]) < 0.5


def test_matched_growth_and_demeaning():
    g, rows = st.matched_log_growth([1, 3, 5, 7], [1.0, 2.0, 4.0, 0.0], [3, 4, 5, 7], [4.0, 1.0, 4.0, 2.0])
    assert rows.tolist() == [3, 5] and np.allclose(g, [np.log(2.0), 0.0])  # row 7 had zero revenue
    d = st.demean_by_group([1.0, 3.0, 10.0, 20.0], [0, 0, 1, 1])
    assert np.allclose(d, [-1.0, 1.0, -5.0, 5.0])


# -- entry and exit ----------------------------------------------------------------------------
def test_turnover_rates():
    t = st.turnover_rates([10, 20], [5, 5], [100, 200])
    assert np.allclose(t["entry_rate"], [0.1, 0.1]) and t["exit_rate_mean"] == pytest.approx(0.0375)
    with pytest.raises(ValueError, match="stock_start"):
        st.turnover_rates([1], [1], [0])


# -- geography ---------------------------------------------------------------------------------
def test_location_quotients_uniform_and_specialised():
    uniform = np.outer([1.0, 2.0, 3.0], [5.0, 1.0, 4.0])  # every area has the same industry mix
    assert np.allclose(st.location_quotients(uniform), 1.0)
    spec = np.array([[10.0, 0.0], [0.0, 10.0]])
    assert np.allclose(st.location_quotients(spec), [[2.0, 0.0], [0.0, 2.0]])


def _plants(rng, n_ind, n_plants):
    ind = np.repeat(np.arange(n_ind), n_plants)
    return ind, rng.pareto(1.5, len(ind)) + 1.0


def test_ellison_glaeser_dartboard_is_near_zero():
    rng = np.random.default_rng(6)
    n_ind, n_area, n_plants = 40, 11, 400
    x = rng.dirichlet(np.full(n_area, 3.0))
    ind, size = _plants(rng, n_ind, n_plants)
    gam = []
    for _ in range(20):  # repeated dartboards: E[gamma] = 0 (EG 1997, proposition 1)
        area = rng.choice(n_area, size=len(ind), p=x)
        gam.append(st.ellison_glaeser(size, ind, area, n_ind, n_area, area_share=x)["gamma"])
    gam = np.concatenate(gam)
    assert abs(gam.mean()) < 3 * gam.std() / np.sqrt(len(gam)) + 1e-3
    assert abs(np.median(gam)) < 0.01


def test_ellison_glaeser_full_concentration_is_high():
    rng = np.random.default_rng(7)
    n_ind, n_area = 5, 11
    ind, size = _plants(rng, n_ind, 300)
    area = ind % n_area  # every industry entirely in its own area
    r = st.ellison_glaeser(size, ind, area, n_ind, n_area)
    assert np.all(r["gamma"] > 0.7)
    with pytest.raises(ValueError, match="'area'"):
        st.ellison_glaeser(size, ind, area + n_area, n_ind, n_area)


# -- network -----------------------------------------------------------------------------------
def test_degrees_skip_dead_nodes():
    ind, out = st.degrees([0, 0, 1, 2], [1, 2, 2, 0], np.array([True, True, False]))
    assert ind.tolist() == [0, 1, 0] and out.tolist() == [1, 0, 0]


def test_band_score():
    assert st.band_score(1.0, (0.8, 1.3), (0.6, 1.6)) == (0.0, st.PASS)
    s, status = st.band_score(1.45, (0.8, 1.3), (0.6, 1.6))
    assert status == st.WARN and s == pytest.approx(0.5)
    assert st.band_score(0.3, (0.8, 1.3), (0.6, 1.6))[1] == st.FAIL
    assert st.band_score(float("nan"), (0, 1), (0, 1))[1] == st.FAIL


# -- on a run ----------------------------------------------------------------------------------
def test_check_run_on_small_model():
    m = small_model(0, **{"scenario.end_year": 2021})
    rows = {m.cfg.scenario.start_year - 1: np.flatnonzero(m.world.firms.alive)}
    for _ in range(m.n_quarters):
        m.step()
        if m.q == 4:
            rows[m.year] = np.flatnonzero(m.world.firms.alive)
    t0 = time.perf_counter()
    out = check_run(m, firm_rows=rows)
    assert time.perf_counter() - t0 < 1.0
    assert [r["key"] for r in out] == [f.key for f in FACTS]
    for r in out:
        assert r["status"] in st.STATUSES
        assert r["value"] is not None, r  # every fact is measured when firm rows are given
        assert r["score"] is not None and r["score"] >= 0
        assert (r["status"] == st.PASS) == (r["score"] == 0)
    json.dumps(out)  # the rows go to stylized_facts.json as they are
    by = {r["key"]: r for r in out}
    assert by["growth_tent"]["detail"]["n"] > 100
    assert 0 < by["entry_rate"]["value"] < 1 and 0 < by["exit_rate"]["value"] < 1
    text = format_facts(out)
    assert all(r["key"] in text for r in out)
    # without year-end firm ids the growth fact says why it is not measured (no silent pass)
    if not hasattr(m.recorder.year_end[2019], "firm_rows"):
        g = {r["key"]: r for r in check_run(m)}["growth_tent"]
        assert g["status"] == st.WARN and g["value"] is None and "firm_rows" in g["detail"]["reason"]
    with pytest.raises(ValueError, match="firm_rows"):
        inputs_from_model(m, firm_rows={2019: rows[2019][:-1], 2020: rows[2020]})
