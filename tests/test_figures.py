"""Every figure function on a small sweep: it runs, writes non-empty PNG/PDF/SVG files, has the
expected labels and legend entries, and the numbers it plots are those of the analysis tables."""

from __future__ import annotations

import json
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import stats  # noqa: E402
from analysis import style as st
from analysis.figures import (  # noqa: E402
    FIGURES,
    NotApplicable,
    fig_budget,
    fig_districts,
    fig_levers,
    fig_network,
    fig_scenarios,
    fig_scorecard,
    fig_value_added,
    load_many,
)
from analysis.figures.__main__ import main as figures_main  # noqa: E402
from analysis.results import gather  # noqa: E402
from sim.config import compose, to_config  # noqa: E402
from sim.drivers.run import run  # noqa: E402
from sim.ids import DISTRICTS, INDUSTRIES  # noqa: E402

END, SEEDS = 2021, (0, 1, 2)


def _sweep(root, jobs):
    """Run jobs (override lists) in-process into <root>/<k>/ like a Hydra sweep; gather."""
    for k, ov in enumerate(jobs):
        cfg = to_config(compose([*ov, "scale=small", f"scenario.end_year={END}"]))
        run(cfg, root / str(k), handles=False, meta={"overrides": ov})
    return gather(root)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan_vs_no_plan")
    jobs = [
        [f"policy={p}", f"seed={s}"] + ([f"output.snapshot_years=[{END}]"] if p == "plan_2018" and s < 2 else [])
        for p in ("plan_2018", "no_plan")
        for s in SEEDS
    ]
    _sweep(root, jobs)
    return root


@pytest.fixture(scope="module")
def ablation(tmp_path_factory):
    root = tmp_path_factory.mktemp("lever_ablation")
    _sweep(root, [[f"+ablation={g}", f"seed={s}"] for g in ("none", "space", "funding") for s in SEEDS])
    return root


def _files_ok(paths):
    heads = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}
    assert sorted(p.suffix[1:] for p in paths) == ["pdf", "png", "svg"]
    for p in paths:
        assert p.stat().st_size > 5000, p
        assert p.read_bytes()[:5].startswith(heads[p.suffix[1:]]), p


def _legend_texts(fig):
    out = []
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    return out


def test_value_added_figure(sweep, tmp_path):
    res = load_many(sweep)
    fig = fig_value_added(res)
    _files_ok(st.save(fig, tmp_path, "va"))
    ax1, ax2 = fig.axes[:2]
    assert ax1.get_ylabel() == "Value added (100m yuan)" and ax1.get_xlabel() == "Year"
    assert ax2.get_ylabel() == "Output (100m yuan)"
    legend = _legend_texts(fig)
    assert {
        "New-generation IT",
        "Marine economy",
        "Statistics (2018-2019)",
        "Trillion-yuan cluster threshold",
        "100bn-yuan cluster threshold",
    } <= set(legend)
    assert "the plan as enacted" in fig.caption and "sim/data" not in fig.caption and "3 seeds (0-2)" in fig.caption
    # plotted medians = medians of the runs table's headline series of the plan's runs
    plan = res.runs[res.runs.policy == "plan_2018"]
    va = fig.plot_data["value_added"].set_index(["industry", "year"])
    for ind in ("IND-IT", "IND-SEA"):
        for y in (2019, END):
            assert va.loc[(ind, y), "median"] == pytest.approx(plan[f"value_added.{ind}.{y}"].median())
            assert va.loc[(ind, y), "n"] == 3
    line = next(ln for ln in ax1.get_lines() if ln.get_label() == "New-generation IT")
    np.testing.assert_allclose(line.get_ydata(), va.loc["IND-IT", "median"].to_numpy() / 1e8)
    # thresholds from the targets config; observed points from the base data
    hl = [ln.get_ydata()[0] for ln in ax2.get_lines() if "threshold" in ln.get_label()]
    assert sorted(hl) == pytest.approx([1e11 / 1e8, 1e12 / 1e8])
    obs = fig.plot_data["observed"]
    assert obs[obs.year == 2019].value_added.sum() == pytest.approx(10155.51e8, rel=1e-3)
    plt.close(fig)


def test_scenarios_figure_matches_paired_stats(sweep, tmp_path):
    res = load_many(sweep)
    fig = fig_scenarios(res)
    _files_ok(st.save(fig, tmp_path, "scen"))
    assert set(_legend_texts(fig)) >= {"plan_2018", "no_plan"}
    assert fig.axes[1].get_ylabel() == "Difference in value added (100m yuan)"
    ref = stats.paired_differences(res, f"value_added.ALL.{END}", "policy", "no_plan")
    got = fig.plot_data["paired"].query("year == @END").iloc[0]
    assert got["diff"] == pytest.approx(ref.iloc[0]["diff"]) and got["diff_lo"] == pytest.approx(ref.iloc[0]["diff_lo"])
    assert got["n_pairs"] == 3
    eb = fig.axes[1].containers[0]  # the errorbar of plan_2018
    assert eb.lines[0].get_ydata()[-1] == pytest.approx(ref.iloc[0]["diff"] / 1e8)
    fan = fig.plot_data["fan"].set_index(["policy", "year"])
    nop = res.runs[res.runs.policy == "no_plan"][f"value_added.ALL.{END}"]
    assert fan.loc[("no_plan", END), "median"] == pytest.approx(nop.median())
    plt.close(fig)
    with pytest.raises(ValueError, match="include"):
        fig_scenarios(res, include=["bogus"])


def test_scorecard_heatmap_matches_attainment(sweep, tmp_path):
    res = load_many(sweep)
    fig = fig_scorecard(res)
    _files_ok(st.save(fig, tmp_path, "heat"))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Target" and ax.get_ylabel() == "Scenario"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["the plan as enacted", "no plan (counterfactual)"]
    cells = [t for t in ax.texts if t.get_text() not in ("n/a",)]
    assert cells and min(t.get_fontsize() for t in cells) >= 7  # readable inline; intervals in the table
    table = fig.plot_data["table"]
    assert table.loc["the plan as enacted", "T20-CARRIERS"].count("[") == 1
    att = stats.attainment(res, "policy")
    m = fig.plot_data["matrix"]
    for _, r in att.iterrows():
        v = m.loc[r["policy"], r["target"]]
        assert (np.isnan(v) and np.isnan(r["p_met"])) or v == pytest.approx(r["p_met"])
    img = ax.get_images()[0].get_array()
    assert np.ma.getdata(img)[1, list(m.columns).index("T20-CARRIERS")] == pytest.approx(
        m.loc["no_plan", "T20-CARRIERS"]
    )
    assert np.ma.is_masked(img[0, list(m.columns).index("T25-ZONES")])  # 2025 target, runs end in 2021: n/a
    assert fig.axes[1].get_ylabel() == "P(target met)"
    plt.close(fig)


def test_lever_forest_matches_lever_effects(ablation, sweep, tmp_path):
    res = load_many(ablation)
    fig = fig_levers(res, year=END)
    _files_ok(st.save(fig, tmp_path, "forest"))
    ax = fig.axes[0]
    assert ax.get_xlabel() == f"Effect on SEI value added in {END} (100m yuan)"
    eff = stats.lever_effects(res, f"value_added.ALL.{END}")
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["funding", "industrial space"]  # names, not ids
    pd.testing.assert_frame_equal(fig.plot_data["effects"], eff)
    pts = ax.collections[-1].get_offsets()
    by_group = dict(zip([t.get_text() for t in ax.get_yticklabels()], pts[:, 0]))
    for _, r in eff.iterrows():
        assert by_group[st.scenario_name(r["group"])] == pytest.approx(r["effect"] / 1e8)
    # effect of a group = plan - plan without it, by hand for one seed pair average
    runs = res.runs
    col = f"value_added.ALL.{END}"
    by_hand = (
        runs[runs.ablation == "none"].set_index("seed")[col] - runs[runs.ablation == "space"].set_index("seed")[col]
    )
    assert eff.set_index("group").loc["space", "effect"] == pytest.approx(by_hand.mean())
    plt.close(fig)
    with pytest.raises(NotApplicable, match="lever_ablation"):
        fig_levers(load_many(sweep), year=END)


def test_district_map_tiles_and_geojson(sweep, tmp_path):
    res = load_many(sweep)
    fig = fig_districts(res)
    _files_ok(st.save(fig, tmp_path, "map"))
    d = fig.plot_data["districts"]
    assert list(d.district) == list(DISTRICTS) and (d.year == END).all()
    plan = res.runs[res.runs.policy == "plan_2018"]
    # districts add up to the city total of the runs table
    assert d.value.sum() == pytest.approx(plan[f"output.ALL.{END}"].mean(), rel=1e-9)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Nanshan", "Shen-Shan", f"{d.set_index('district').loc['nanshan', 'value'] / 1e8:,.0f}"} <= texts
    assert fig.axes[1].get_xlabel() == "Output (100m yuan/year)"
    plt.close(fig)
    g = fig_districts(res, growth=True)
    assert g.axes[1].get_xlabel() == "Growth per year (%)"
    w = res.annual.query("metric == 'output' and industry == 'ALL' and district == 'futian'")
    w = w[w.run_id.isin(plan.run_id)].pivot_table(index="run_id", columns="year", values="value", observed=True)
    exp = (((w[END] / w[2019]) ** (1 / (END - 2019)) - 1) * 100).mean()
    assert g.plot_data["districts"].set_index("district").loc["futian", "value"] == pytest.approx(exp)
    plt.close(g)
    # real polygons from a GeoJSON file (here: unit squares named in English)
    feats = [
        {
            "type": "Feature",
            "properties": {"NAME": st.district_name(dd)},
            "geometry": {"type": "Polygon", "coordinates": [[[k, 0], [k + 1, 0], [k + 1, 1], [k, 1], [k, 0]]]},
        }
        for k, dd in enumerate(DISTRICTS)
    ]
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    gj = fig_districts(res, geojson=path)
    assert len(gj.axes[0].patches) == len(DISTRICTS) and "districts.geojson" in gj.caption
    plt.close(gj)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{**feats[0], "properties": {"x": "y"}}]}))
    with pytest.raises(ValueError, match="id_property"):
        fig_districts(res, geojson=path)
    with pytest.raises(ValueError, match="metric: 'bogus'.*allowed"):
        fig_districts(res, metric="bogus")


def test_network_figure_from_snapshots_and_fallback(sweep, tmp_path):
    res = load_many(sweep)
    fig = fig_network(res, year=END)
    _files_ok(st.save(fig, tmp_path, "net"))
    assert len(fig.snapshot_runs) == 2 and "network snapshots of 2 run(s)" in fig.caption
    flows = fig.plot_data["flows"]
    # the industry matrix is the snapshot's link payments (among firms alive at the year end) x 4, averaged
    tot = []
    for rid in fig.snapshot_runs:
        net = pd.read_parquet(sweep / rid / f"network_{END}.parquet")
        alive = set(pd.read_parquet(sweep / rid / f"firms_{END}.parquet", columns=["firm"]).firm)
        tot.append(net[net.supplier.isin(alive) & net.customer.isin(alive)].flow.sum() * 4)
    assert flows.flow.sum() == pytest.approx(np.mean(tot))
    cc = fig.plot_data["degree_ccdf"]
    assert set(cc.kind) == {"in", "out"} and cc.groupby("kind").ccdf.max().eq(1).all()
    ax2 = fig.axes[1]
    assert ax2.get_xscale() == "log" and ax2.get_yscale() == "log" and ax2.get_ylabel() == "P(degree >= k)"
    assert set(_legend_texts(fig)) == {"In-degree (suppliers)", "Out-degree (customers)"}
    plt.close(fig)
    nop = fig_network(res, scenario="no_plan", year=END)  # no snapshots: input-output fallback, said in the caption
    assert "input-output coefficients" in nop.caption and (nop.plot_data["flows"].source == "io_coefficients").all()
    plt.close(nop)


def test_budget_figure_matches_spending(sweep, tmp_path, ablation):
    res = load_many(sweep)
    fig = fig_budget(res)
    _files_ok(st.save(fig, tmp_path, "budget"))
    spend = fig.plot_data["spend"]
    plan = res.runs[res.runs.policy == "plan_2018"]
    for y in spend.index:  # the groups add up to spend_total of the runs table
        assert spend.loc[y].sum() == pytest.approx(plan[f"spend_total.ALL.{y}"].mean())
    assert {"funding", "industrial space"} <= set(_legend_texts(fig))  # group names, not config ids
    assert fig.axes[0].get_ylabel() == "Public spending (100m yuan/year)"
    v = fig.plot_data["value_per_yuan"].set_index(["kind", "year"])
    p = stats.pairs(res, f"value_added.ALL.{END}", "policy", "no_plan", extra=[f"spend_total.ALL.{END}"])
    assert v.loc[("year", END), "ratio"] == pytest.approx((p["diff"] / p[f"spend_total.ALL.{END}"]).mean())
    assert "same seed" in fig.caption and "summed over the same years" in fig.caption
    plt.close(fig)
    abl = fig_budget(load_many(ablation))  # no no_plan runs: said in the caption
    assert "no no_plan runs in this sweep" in abl.caption
    plt.close(abl)


def test_cli_writes_the_figures_and_skips_with_reason(sweep, tmp_path, capsys):
    out = tmp_path / "figs"
    assert figures_main([str(sweep), "--out", str(out), "--formats", "png", "--year", str(END)]) == 0
    printed = capsys.readouterr().out
    assert "skipped 04_levers" in printed and "lever_ablation" in printed
    assert sorted(p.stem for p in out.glob("*.png")) == sorted(
        n for n in FIGURES if n not in ("04_levers", "08_shocks", "10_budget_moves")
    )
    assert figures_main([str(tmp_path / "missing"), "--out", str(out)]) == 2


def test_cli_two_sweeps_in_folders_of_the_same_name(sweep, ablation, tmp_path, capsys):
    """multirun/<experiment>/small for two experiments: run ids are prefixed by as much of the
    path as tells the folders apart (a prefix "small/" for both crashed 03_scorecard)."""
    import shutil

    a, b = tmp_path / "plan_vs_no_plan" / "small", tmp_path / "lever_ablation" / "small"
    shutil.copytree(sweep, a)
    shutil.copytree(ablation, b)
    res = load_many([a, b])
    assert res.runs["run_id"].is_unique
    assert len(res.runs) == len(load_many(sweep).runs) + len(load_many(ablation).runs)
    assert set(res.runs["run_id"].str.rsplit("/", n=1).str[0]) == {"plan_vs_no_plan/small", "lever_ablation/small"}
    assert set(res.scorecards["run_id"]) == set(res.runs["run_id"]) == set(res.annual["run_id"].astype(str))
    out = tmp_path / "figs"
    argv = ["--out", str(out), "--formats", "png", "--year", str(END), "--only", "03_scorecard,04_levers"]
    assert figures_main([str(a), str(b), *argv]) == 0
    table = pd.read_csv(out / "03_scorecard_table.csv", index_col=0)
    assert len(table) == 2 + 3  # plan and no plan; the plan without nothing, space, funding
    assert (out / "04_levers.png").stat().st_size > 5000
    assert figures_main([str(a), str(a.parent / ".." / "plan_vs_no_plan" / "small"), *argv]) == 2
    assert "given more than once" in capsys.readouterr().err


def test_lang_zh_falls_back_with_warning_or_uses_cjk(sweep, monkeypatch):
    res = load_many(sweep)
    monkeypatch.setattr(st, "cjk_font", lambda: None)
    with pytest.warns(st.CJKFontWarning, match="fall back to English"):
        fig = fig_budget(res, lang="zh")
    assert fig.axes[0].get_ylabel() == "Public spending (100m yuan/year)"
    plt.close(fig)
    monkeypatch.setattr(st, "cjk_font", lambda: "DejaVu Sans")  # pretend: a CJK font is there
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DejaVu has no CJK glyphs
        fig = fig_budget(res, lang="zh")
    assert fig.axes[0].get_ylabel() == "财政投入（亿元/年）"
    plt.close(fig)
    with pytest.raises(ValueError, match="lang: 'fr'.*allowed: en, zh"):
        st.resolve_lang("fr")


def test_style_palette_and_save_formats(tmp_path):
    assert len(set(st.OKABE_ITO.values())) == 9
    assert set(st.INDUSTRY_STYLE) == {*INDUSTRIES, "ALL"}
    cols = st.scenario_colors(["plan_2018", "no_plan", "a", "b"])
    assert len(set(cols.values())) == 4 and cols["plan_2018"] == st.OKABE_ITO["blue"]
    fig = st.figure()
    fig.subplots().plot([0, 1])
    with pytest.raises(ValueError, match="formats"):
        st.save(fig, tmp_path, "x", formats=("gif",))
    plt.close(fig)


def test_district_effects_show_the_plans_effect_with_intervals(sweep):
    from analysis.figures import fig_district_effects

    fig = fig_district_effects(load_many(sweep), year=END)
    eff = fig.plot_data["effects"]
    assert len(eff) == 11 and (eff["effect_lo"] <= eff["effect"]).all() and (eff["effect"] <= eff["effect_hi"]).all()
    assert "Nanshan" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plt.close(fig)


def test_budget_moves_figure_shows_the_response_curve_and_the_mixes():
    """Figure 10 on the example: the response curve of the reallocate sweep (amounts from the
    budget_move configs, effects paired against the plan) and the budget mixes side by side."""
    from analysis.figures import fig_budget_moves
    from analysis.notebook import EXAMPLE

    mv = load_many(EXAMPLE / "reallocate")
    fig = fig_budget_moves(mv)
    c = fig.plot_data["response_curve"]
    assert list(c["amount"]) == [0.0, 5e8, 1e9]  # the plan itself, then the two moves of configs/budget_move/
    d = stats.paired_differences(mv, "value_added.ALL.2025", "budget_move", "none").set_index("budget_move")
    assert c["effect"].iloc[2] == pytest.approx(d.loc["guidance_to_housing_1e9", "diff"])
    assert "guidance fund (funding)" in fig.axes[0].get_title(loc="left") and "Total budgets" in fig.caption
    plt.close(fig)
    mix = load_many(EXAMPLE / "budget_mix")
    fig = fig_budget_moves(mix)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["the plan's split", "all as grants", "mostly equity", *labels[3:]] and len(labels) == 5
    split = fig.plot_data["split"]
    assert split.loc["grants_only", "equity"] == 0 and split.loc["grants_only", "grants"] > 0
    assert {"grants", "equity", "loan interest subsidies", "risk compensation"} <= set(_legend_texts(fig))
    assert "_" not in fig.caption and "=" not in fig.caption
    plt.close(fig)
    with pytest.raises(NotApplicable, match="budget_move.*budget_mix"):
        fig_budget_moves(load_many(EXAMPLE / "plan_vs_no_plan"))
