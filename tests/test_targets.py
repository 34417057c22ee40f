"""The plan's targets: each metric on hand-made records where the right answer is known, the
config checks, and what a run records for them (sim/targets.py, sim/measure.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from simtest import SMALL, small_model

import sim.kernel.phases
from sim.basedata import load
from sim.config import ConfigError, to_config
from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.outputs.evaluation import evaluate, evaluate_target
from sim.outputs.measure import YearEnd, base_annual_factor
from sim.outputs.metrics import METRICS, RunMeasures, policy_levers_by_year
from sim.outputs.targets import TARGET_BY_ID, TARGETS

IT, GREEN = INDUSTRIES.index("IND-IT"), INDUSTRIES.index("IND-GREEN")
NANSHAN, BAOAN, PINGSHAN = DISTRICTS.index("nanshan"), DISTRICTS.index("baoan"), DISTRICTS.index("pingshan")
YEARS = list(range(2018, 2026))
QUARTERS = [(y, q) for y in range(2019, 2026) for q in range(1, 5)]


@pytest.fixture(scope="module")
def tc():
    """The default targets config (plan_2018)."""
    return to_config(None, **SMALL).targets


def blank(years=YEARS, quarters=QUARTERS, **kw) -> RunMeasures:
    """Hand-made records: everything zero, one small firm and one weak institute at every year end."""
    d = load()
    n_sub = len(d.subfield_ids)
    z = lambda shape: {y: np.zeros(shape) for y in years}  # noqa: E731
    ye = {
        y: YearEnd(
            firm_revenue=np.array([1e6]),
            institute_capability=np.array([0.1]),
            senior_talent=1000.0,
            firm_knowledge=1e9,
            institute_knowledge=1e8,
        )
        for y in years
    }
    m = RunMeasures(
        base_year=years[0],
        years=list(years),
        quarters=list(quarters),
        industry_annual={"output": z(N_IND), "value_added": z(N_IND)},
        subfield_annual={"output": z(n_sub), "value_added": z(n_sub)},
        zone_annual={k: z((N_IND, N_DIST)) for k in ("output", "intermediate_inputs", "network_purchases")},
        year_end=ye,
        quarterly={"institutes_created": np.zeros(len(quarters)), "inward_entries": np.zeros(len(quarters))},
        subfield_ids=tuple(d.subfield_ids),
        subfield_industry=np.asarray(d.subfield_industry),
        va_annual={y: 1e12 for y in years},
        policy_levers={y: 0 for y in years},
    )
    for k, v in kw.items():
        setattr(m, k, v)
    return m


def row(tid: str, m: RunMeasures, tc) -> dict:
    return evaluate_target(TARGET_BY_ID[tid], m, tc)


def sub_index(name: str) -> int:
    return load().subfield_ids.index(name)


# ---------------------------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------------------------
def test_every_plan_target_is_declared_once(tc):
    ids = [t.id for t in TARGETS]
    assert ids == [
        "T20-CARRIERS",
        "T20-INSTITUTES",
        "T20-FIRMS",
        "T20-POLICIES",
        "T20-PROJECTS",
        "T20-TALENT",
        "T20-TECH",
        "T20-TRILLION",
        "T20-HUNDREDBN",
        "T25-RENOWN",
        "T25-FORTUNE",
        "T25-ZONES",
        "T25-CLUSTERS",
        "TLT-SOURCE",
    ]
    proxies = {t.id for t in TARGETS if t.kind == "proxy"}
    assert proxies == {"T20-FIRMS", "T20-POLICIES", "T20-TALENT", "T20-TECH", "T25-RENOWN", "TLT-SOURCE"}
    for t in TARGETS:
        assert t.metric in METRICS and t.threshold >= 0 and t.comparison in (">=", ">")
        assert t.wording_zh and t.short and t.unit
        assert tc.settings[t.id].metric == t.metric and tc.settings[t.id].threshold == pytest.approx(t.threshold)


def test_group_file_equals_the_declarations():
    """configs/targets/plan_2018.yaml spells out the declared defaults (no drift)."""
    from sim.outputs.targets import TargetsConfig

    composed = to_config(None, **SMALL).targets
    bare = TargetsConfig()
    assert dataclasses.asdict(composed) == dataclasses.asdict(bare)


# ---------------------------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------------------------
def test_trillion_cluster_just_over_and_just_under(tc):
    m = blank()
    m.industry_annual["output"][2020][IT] = 1.0e12
    r = row("T20-TRILLION", m, tc)
    assert (r["value"], r["threshold"], r["met"], r["margin"]) == (1, 1, True, 0)
    assert r["detail"]["clusters"] == {"IND-IT": 1.0e12}
    m.industry_annual["output"][2020][IT] = 1.0e12 * (1 - 1e-9)
    r = row("T20-TRILLION", m, tc)
    assert (r["value"], r["met"], r["margin"], r["margin_rel"]) == (0, False, -1, -1.0)
    assert r["status"] == "missed"


def test_cluster_measure_output_or_value_added(tc):
    m = blank()
    m.industry_annual["output"][2020][IT] = 2.5e12
    m.industry_annual["value_added"][2020][IT] = 0.55e12
    assert row("T20-TRILLION", m, tc)["met"] is True
    tva = dataclasses.replace(tc, clusters=dataclasses.replace(tc.clusters, measure="value_added"))
    r = row("T20-TRILLION", m, tva)
    assert r["met"] is False and r["detail"]["measure"] == "value_added"


def test_subfield_counts_as_a_cluster(tc):
    m = blank()
    m.subfield_annual["output"][2020][sub_index("5g_communications")] = 1.2e12
    assert row("T20-TRILLION", m, tc)["value"] == 1
    only_industries = dataclasses.replace(
        tc, clusters=dataclasses.replace(tc.clusters, trillion_clusters=["industries"])
    )
    assert row("T20-TRILLION", m, only_industries)["value"] == 0


def test_hundred_billion_clusters_built_since_2018(tc):
    """T20-HUNDREDBN: frontier (sub-field) clusters >= 1e11 in 2020, at least 3 more than in 2018."""
    m = blank()
    ic, ai, disp, nev, robo = (
        sub_index(s)
        for s in ("integrated_circuits", "artificial_intelligence", "new_displays", "new_energy_vehicles", "robotics")
    )
    m.subfield_annual["output"][2018][ic] = 3e11
    for s in (ic, ai, disp, nev):
        m.subfield_annual["output"][2020][s] = 1.0e11
    m.subfield_annual["output"][2020][robo] = 1.0e11 - 1.0  # just under: does not count
    m.industry_annual["output"][2020][GREEN] = 5e11  # an industry is not in the frontier list
    r = row("T20-HUNDREDBN", m, tc)
    assert (r["reference_value"], r["value"], r["threshold"], r["met"], r["margin"]) == (1, 4, 4, True, 0)
    m.subfield_annual["output"][2020][nev] = 0.99e11
    r = row("T20-HUNDREDBN", m, tc)
    assert (r["value"], r["met"], r["margin"]) == (3, False, -1)


def test_more_clusters_in_2025_than_in_2020(tc):
    """T25-CLUSTERS: hundred-billion plus trillion levels, more than in 2020."""
    m = blank()
    m.industry_annual["output"][2020][IT] = 2e12  # 2 levels
    m.industry_annual["output"][2025][IT] = 3e12  # 2 levels
    r = row("T25-CLUSTERS", m, tc)
    assert (r["reference_value"], r["value"], r["met"]) == (2, 2, False)
    m.subfield_annual["output"][2025][sub_index("integrated_circuits")] = 1.5e12  # promoted: +2 levels
    r = row("T25-CLUSTERS", m, tc)
    assert (r["value"], r["met"], r["margin"]) == (4, True, 2)
    assert r["detail"]["trillion"] == 2 and r["detail"]["hundred_billion"] == 2


# ---------------------------------------------------------------------------------------------
# Zones
# ---------------------------------------------------------------------------------------------
def test_zones_need_output_and_a_complete_chain(tc):
    m = blank()
    z = m.zone_annual
    # passes: 1.5e10 output, in-city input share 0.25
    z["output"][2025][IT, NANSHAN], z["intermediate_inputs"][2025][IT, NANSHAN] = 1.5e10, 1e10
    z["network_purchases"][2025][IT, NANSHAN] = 0.25e10
    # over 1e10 but fails chain completeness (share 0.1)
    z["output"][2025][GREEN, PINGSHAN], z["intermediate_inputs"][2025][GREEN, PINGSHAN] = 2e10, 1.5e10
    z["network_purchases"][2025][GREEN, PINGSHAN] = 0.15e10
    # complete chain but just under 1e10
    z["output"][2025][IT, BAOAN], z["intermediate_inputs"][2025][IT, BAOAN] = 1e10 - 1, 0.7e10
    z["network_purchases"][2025][IT, BAOAN] = 0.3e10
    r = row("T25-ZONES", m, tc)
    assert r["value"] == 1 and r["met"] is False and r["margin"] == -9 and r["margin_rel"] == pytest.approx(-0.9)
    assert r["detail"]["zones_over_output"] == 2
    assert r["detail"]["failing_chain_test"] == {"pingshan:IND-GREEN": 0.1}
    assert r["detail"]["passing"] == ["nanshan:IND-IT"]
    # the chain test at its threshold passes (>=)
    z["network_purchases"][2025][GREEN, PINGSHAN] = 0.2 * 1.5e10
    assert row("T25-ZONES", m, tc)["value"] == 2


# ---------------------------------------------------------------------------------------------
# Firms, institutes, carriers, projects
# ---------------------------------------------------------------------------------------------
def test_global500_firms_more_than_in_2018(tc):
    thr = tc.firms.global500_revenue_yuan
    assert thr == pytest.approx(23.6e9 * 6.6174, rel=1e-3)
    m = blank()
    m.year_end[2018].firm_revenue = np.array([2e11, 1e9])
    m.year_end[2025].firm_revenue = np.array([thr, thr * (1 - 1e-9), 3e11])
    r = row("T25-FORTUNE", m, tc)
    k = tc.firms.non_sei_global500  # non-SEI headquarters, an exogenous count added every year
    assert k == 5
    assert (r["reference_value"], r["value"], r["threshold"], r["met"], r["margin"]) == (1 + k, 2 + k, 1 + k, True, 1)
    m.year_end[2025].firm_revenue = np.array([thr * (1 - 1e-9), 3e11])
    r = row("T25-FORTUNE", m, tc)
    assert (r["value"], r["met"], r["margin"]) == (1 + k, False, 0)  # "more than": equal is missed


def test_carriers_counted_from_the_plan_start(tc):
    m = blank(institute_weight=10.0)
    m.quarterly["institutes_created"][:] = 1.0  # one agent = ten carriers per quarter
    r = row("T20-CARRIERS", m, tc)
    assert r["value"] == 80 and r["met"] is True and r["margin"] == 30 and r["margin_rel"] == pytest.approx(0.6)
    later = dataclasses.replace(tc, plan_start="2020Q1")
    assert row("T20-CARRIERS", m, later)["value"] == 40
    # a run that starts after the plan cannot count them
    late = blank(years=list(range(2019, 2026)), quarters=QUARTERS[4:])
    late.quarterly = {k: np.ones(len(late.quarters)) for k in late.quarterly}
    r = row("T20-CARRIERS", late, tc)
    assert r["status"] == "n/a" and r["met"] is None and "plan_start" in r["detail"]["reason"]


def test_major_projects_are_inward_entries(tc):
    m = blank(firm_weight=1.0)
    m.quarterly["inward_entries"][:8] = 12.5  # 2019-2020
    m.quarterly["inward_entries"][8:] = 100.0  # later quarters do not count for 2020
    r = row("T20-PROJECTS", m, tc)
    assert (r["value"], r["met"], r["margin"]) == (100, True, 0)


def test_leading_institutes_cultivated_since_2018(tc):
    tc.institutes.leading_capability = 0.85  # the hand-made capabilities below sit around 0.85
    m = blank(institute_weight=1.0)
    m.year_end[2018].institute_capability = np.array([0.9, 0.5, 0.84])
    m.year_end[2020].institute_capability = np.concatenate([[0.9, 0.85, 0.849999], np.full(9, 0.95)])
    r = row("T20-INSTITUTES", m, tc)
    assert (r["reference_value"], r["value"], r["threshold"], r["met"]) == (1, 11, 11, True)
    m.year_end[2020].institute_capability[1] = 0.84
    assert row("T20-INSTITUTES", m, tc)["met"] is False


def test_ratio_proxies_talent_and_knowledge(tc):
    m = blank()
    m.year_end[2018].senior_talent, m.year_end[2020].senior_talent = 100_000.0, 110_000.0
    r = row("T20-TALENT", m, tc)
    assert r["kind"] == "proxy" and r["threshold"] == pytest.approx(110_000) and r["met"] is True
    m.year_end[2018].institute_knowledge, m.year_end[2020].institute_knowledge = 1e10, 1.2e10
    r = row("T20-TECH", m, tc)
    assert r["met"] is False and r["margin"] == pytest.approx(-0.02e10)
    # TLT-SOURCE is read at the run's last year: knowledge per yuan of VA above 2018
    m = blank()
    m.year_end[2025].firm_knowledge, m.year_end[2025].institute_knowledge = 2e9, 2e8
    r = row("TLT-SOURCE", m, tc)
    assert r["year"] == 2025 and r["horizon"] == "long term"
    assert r["value"] == pytest.approx(2.2e-3) and r["reference_value"] == pytest.approx(1.1e-3) and r["met"] is True


def test_targets_outside_the_run_are_not_available(tc):
    m = blank(years=list(range(2018, 2022)), quarters=QUARTERS[:12])
    rows = {r["id"]: r for r in evaluate(m, tc)}
    for tid in ("T25-RENOWN", "T25-FORTUNE", "T25-ZONES", "T25-CLUSTERS"):
        assert rows[tid]["status"] == "n/a" and rows[tid]["met"] is None and rows[tid]["value"] is None
    assert rows["TLT-SOURCE"]["year"] == 2021 and rows["TLT-SOURCE"]["met"] is not None
    assert rows["T20-CARRIERS"]["met"] is not None


def test_policy_levers_counted_from_the_config():
    plan = to_config(None, **SMALL)
    none = to_config(None, policy="no_plan", **SMALL)
    n_plan = policy_levers_by_year(plan, [2018, 2020])
    assert n_plan[2020] >= 1
    assert policy_levers_by_year(none, [2018, 2020]) == {2018: 0, 2020: 0}


# ---------------------------------------------------------------------------------------------
# Config checks: refused before any work, naming the key
# ---------------------------------------------------------------------------------------------
BAD = [
    (
        {"targets.settings": {"T20-CARRIERS": {"metric": "carriers_built", "threshold": 50}}},
        "targets.settings.T20-CARRIERS.metric",
    ),
    (
        {"targets.settings": {"T25-ZONES": {"metric": "complete_zones", "threshold": -1}}},
        "targets.settings.T25-ZONES.threshold",
    ),
    ({"targets.settings": {"T99-MOON": {"metric": "complete_zones", "threshold": 1}}}, "targets.settings.T99-MOON"),
    ({"targets.clusters.measure": "revenue"}, "targets.clusters.measure"),
    ({"targets.clusters.trillion_clusters": ["IND-IT", "quantum_gravity"]}, "targets.clusters.trillion_clusters"),
    ({"targets.zones.min_local_input_share": 1.5}, "targets.zones.min_local_input_share"),
    ({"targets.firms.global500_revenue_yuan": -1.0}, "targets.firms.global500_revenue_yuan"),
    ({"targets.institutes.leading_capability": 2.0}, "targets.institutes.leading_capability"),
    ({"targets.plan_start": "2019-01"}, "targets.plan_start"),
    ({"ensemble.size": 0}, "ensemble.size"),
]


@pytest.mark.parametrize("overrides,key", BAD, ids=[k for _, k in BAD])
def test_bad_target_config_is_refused_naming_the_key(overrides, key, monkeypatch):
    import sim.model

    monkeypatch.setattr(sim.model, "build_world", lambda *a, **k: pytest.fail("work started on a bad config"))
    with pytest.raises(ConfigError) as exc:
        sim.model.SEIModel(None, handles=False, **SMALL, **overrides)
    assert key in str(exc.value)
    if key.endswith(".metric"):
        assert "carriers_created" in str(exc.value)  # the allowed metrics are listed


# ---------------------------------------------------------------------------------------------
# What a run records
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_run():
    """Seed 2, small scale, 2019-2020, with a fake public-spending flow in 2019Q3 only."""
    real = sim.kernel.phases.production

    def production(w, year, q):
        real(w, year, q)
        if (year, q) == (2019, 3):
            w.flows["spend_test_lever"] = np.full((N_IND, N_DIST), 2.0)

    mp = pytest.MonkeyPatch()
    mp.setattr(sim.kernel.phases, "production", production)
    try:
        m = small_model(2, **{"scenario.end_year": 2020}).run()
    finally:
        mp.undo()
    return m


def test_run_records_year_ends_and_base(short_run):
    m = short_run
    w, rec = m.world, m.recorder
    assert sorted(rec.year_end) == [2018, 2019, 2020]
    ye = rec.year_end[2020]
    assert len(ye.firm_revenue) == int(w.firms.alive.sum())
    assert ye.institute_knowledge == pytest.approx(w.institutes.knowledge[w.institutes.alive].sum())
    assert ye.senior_talent == np.count_nonzero(w.talent.alive & (w.talent.skill == 2)) * w.ppa
    ts = m.timeseries()
    # the firms' annual revenue adds up to the year's output of the firms alive at the year end (<= all output)
    out_2020 = ts[(ts.metric == "output") & (ts.year == 2020)]["value"].sum()
    assert 0.9 * out_2020 < ye.firm_revenue.sum() <= out_2020 * (1 + 1e-12)
    # base year: annual output approximated from the base quarter, by industry equal to the data
    d = load()
    assert rec.base["year"] == 2018
    np.testing.assert_allclose(rec.base["industry"]["value_added"], d.va_2018, rtol=1e-9)
    np.testing.assert_allclose(
        rec.base["industry"]["output"],
        d.va_base_quarter / d.va_ratio * base_annual_factor(d.base_years[2018]),
        rtol=1e-9,
    )
    meas = RunMeasures.from_recorder(rec, m.cfg)
    assert meas.years == [2018, 2019, 2020] and meas.institute_weight == pytest.approx(10)


def test_subfield_table_adds_up_to_industries(short_run):
    m = short_run
    sf, ts = m.recorder.subfield_frame(), m.timeseries()
    assert list(sf.columns) == ["quarter", "year", "industry", "subfield", "metric", "value"]
    assert set(sf["subfield"].astype(str)) == set(load().subfield_ids)
    for metric in ("output", "value_added"):
        a = sf[sf.metric == metric].groupby(["quarter", "industry"], observed=True)["value"].sum()
        b = ts[ts.metric == metric].groupby(["quarter", "industry"], observed=True)["value"].sum()
        np.testing.assert_allclose(a.sort_index().to_numpy(), b.sort_index().to_numpy(), rtol=1e-9)


def test_spending_and_new_flows_are_recorded_generically(short_run):
    ts = short_run.timeseries()
    sp = ts[ts.metric == "spend_test_lever"].groupby("quarter", observed=True)["value"].sum()
    assert len(sp) == 8  # every quarter has rows
    assert sp["2019Q3"] == 2.0 * N_IND * N_DIST and sp.drop("2019Q3").eq(0).all()
    for metric in ("inward_entries", "leading_institutes", "senior_talent"):
        assert metric in set(ts["metric"].astype(str))
    # inward entries recorded = firm rows of kind INWARD created during the run
    f = short_run.world.firms
    assert ts[ts.metric == "inward_entries"]["value"].sum() == np.count_nonzero(f.entry_kind == 3)
