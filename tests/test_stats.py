"""analysis.stats on synthetic tables (exact numbers checked against scipy) and on a real pair of
runs (the scorecard's Wilson interval reused)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis import stats
from analysis.results import Results
from sim.outputs.scorecard import wilson_interval


def _runs(values: dict, col="policy") -> pd.DataFrame:
    """values: {label: [outcome per seed]} -> a runs table with seeds 0..n-1."""
    rows = []
    for lab, ys in values.items():
        for s, y in enumerate(ys):
            rows.append({"run_id": f"{lab}/{s}", "seed": s, "status": "complete", col: lab, "value_added.ALL.2025": y})
    return pd.DataFrame(rows)


def test_paired_differences_match_scipy_paired_t():
    base = np.array([100.0, 120.0, 90.0, 110.0, 105.0])
    plan = base + np.array([10.0, 14.0, 7.0, 12.0, 9.0])
    other = base * 0.95
    runs = _runs({"no_plan": base, "plan_2018": plan, "other": other})
    d = stats.paired_differences(runs, "value_added.ALL.2025", "policy", "no_plan", level=0.9)
    assert list(d["policy"]) == ["plan_2018", "other"]
    r = d.iloc[0]
    ci = sps.ttest_rel(plan, base).confidence_interval(0.9)
    assert r["n_pairs"] == 5 and r["diff"] == pytest.approx(10.4)
    assert (r["diff_lo"], r["diff_hi"]) == pytest.approx((ci.low, ci.high))
    assert r["p_value"] == pytest.approx(sps.ttest_rel(plan, base).pvalue)
    assert r["mean_baseline"] == pytest.approx(base.mean()) and r["mean"] == pytest.approx(plan.mean())
    assert r["rel_diff"] == pytest.approx(np.mean((plan - base) / base))
    o = d.iloc[1]  # constant relative difference: zero-width relative interval
    assert (
        o["rel_diff"] == pytest.approx(-0.05)
        and o["rel_lo"] == pytest.approx(-0.05)
        and o["rel_hi"] == pytest.approx(-0.05)
    )


def test_pairing_uses_seeds_not_row_order():
    runs = _runs({"no_plan": [1.0, 2.0, 3.0], "plan_2018": [11.0, 12.0, 13.0]})
    shuffled = runs.iloc[[5, 0, 3, 2, 4, 1]].reset_index(drop=True)
    d = stats.paired_differences(shuffled, "value_added.ALL.2025", "policy")  # baseline no_plan by default
    assert d.iloc[0]["diff"] == pytest.approx(10.0) and d.iloc[0]["diff_hi"] - d.iloc[0]["diff_lo"] == pytest.approx(0)
    # an unmatched seed is left out of the pairs; a failed run is ignored
    extra = pd.concat(
        [
            runs,
            pd.DataFrame(
                [
                    {
                        "run_id": "x",
                        "seed": 9,
                        "status": "complete",
                        "policy": "plan_2018",
                        "value_added.ALL.2025": 1e9,
                    },
                    {"run_id": "y", "seed": 0, "status": "failed", "policy": "no_plan", "value_added.ALL.2025": -1e9},
                ]
            ),
        ],
        ignore_index=True,
    )
    assert stats.paired_differences(extra, "value_added.ALL.2025", "policy").iloc[0]["n_pairs"] == 3


def test_paired_differences_errors_name_the_argument():
    runs = _runs({"no_plan": [1.0, 2.0], "plan_2018": [2.0, 3.0]})
    with pytest.raises(ValueError, match=r"baseline: 'nope'.*allowed: \['no_plan', 'plan_2018'\]"):
        stats.paired_differences(runs, "value_added.ALL.2025", "policy", "nope")
    with pytest.raises(KeyError, match="outcome"):
        stats.paired_differences(runs, "value_added.ALL.2099", "policy")
    with pytest.raises(KeyError, match="by"):
        stats.paired_differences(runs, "value_added.ALL.2025", "ablation")
    with pytest.raises(ValueError, match="level"):
        stats.paired_differences(runs, "value_added.ALL.2025", "policy", level=95)
    dup = pd.concat([runs, runs.assign(run_id=lambda d: d.run_id + "b")], ignore_index=True)
    with pytest.raises(ValueError, match="pair_on: several runs share"):
        stats.paired_differences(dup, "value_added.ALL.2025", "policy")


def test_labels_coalesce_and_crossed_factors():
    # principles-like: scenarios in one column, references in another
    runs = pd.DataFrame(
        {
            "run_id": list("abcd"),
            "seed": [0, 0, 0, 0],
            "status": "complete",
            "principle": ["tech_support", "key_breakthroughs", None, None],
            "policy": ["plan_2018", "plan_2018", "plan_2018", "no_plan"],
            "scale": "small",
        }
    )
    assert list(stats.labels(runs, ["principle", "policy"])) == [
        "tech_support",
        "key_breakthroughs",
        "plan_2018",
        "no_plan",
    ]
    name, lab = stats.scenario_labels(runs)
    assert name == "principle" and list(lab) == ["tech_support", "key_breakthroughs", "plan_2018", "no_plan"]
    # shocks-like: scenario x policy crossed -> joint labels, baseline history / no_plan
    sh = pd.DataFrame(
        {
            "run_id": list("abcd"),
            "seed": 0,
            "status": "complete",
            "scenario": ["history", "history", "steady", "steady"],
            "policy": ["plan_2018", "no_plan", "plan_2018", "no_plan"],
        }
    )
    name, lab = stats.scenario_labels(sh)
    assert name == "scenario/policy" and lab.iloc[1] == "history / no_plan"
    assert stats.default_baseline(name, lab) == "history / no_plan"


def test_attainment_counts_and_wilson_interval():
    runs = pd.DataFrame(
        {
            "run_id": [f"r{k}" for k in range(6)],
            "seed": [0, 1, 2, 0, 1, 2],
            "status": "complete",
            "policy": ["plan_2018"] * 3 + ["no_plan"] * 3,
        }
    )
    met = {"r0": True, "r1": True, "r2": False, "r3": False, "r4": False, "r5": None}
    sc = pd.DataFrame(
        [{"run_id": r, "seed": 0, "target": "T20-CARRIERS", "met": m} for r, m in met.items()]
        + [{"run_id": r, "seed": 0, "target": "T25-ZONES", "met": True} for r in met]
    )
    a = stats.attainment(Results(runs, pd.DataFrame(), sc), "policy", level=0.9)
    row = a[(a.policy == "plan_2018") & (a.target == "T20-CARRIERS")].iloc[0]
    assert (row["met"], row["evaluated"], row["p_met"]) == (2, 3, pytest.approx(2 / 3))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson_interval(2, 3, 0.9))
    row = a[(a.policy == "no_plan") & (a.target == "T20-CARRIERS")].iloc[0]
    assert (row["met"], row["evaluated"], row["runs"]) == (0, 2, 3)  # the n/a run is left out
    assert list(a.target.unique()) == ["T20-CARRIERS", "T25-ZONES"]  # plan order
    # the same from the wide runs table
    wide = runs.assign(**{"T20-CARRIERS.met": runs.run_id.map(met), "T25-ZONES.met": True})
    b = stats.attainment(wide, "policy", level=0.9)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    with pytest.raises(ValueError, match="targets: unknown"):
        stats.attainment(wide, "policy", targets=["T99"])


def test_lever_effects_sign_relative_and_spend():
    full = np.array([200.0, 210.0, 190.0])
    runs = _runs({"none": full, "space": full - [20.0, 22.0, 18.0], "tech": full + [1.0, -1.0, 0.5]}, col="ablation")
    ann = pd.DataFrame(
        [
            {"run_id": f"none/{s}", "year": y, "industry": "ALL", "district": "ALL", "metric": m, "value": v}
            for s in range(3)
            for y in (2024, 2025, 2026)
            for m, v in (
                ("spend_space_land_release", 5.0),
                ("spend_tech_platforms", 1.0),
                ("spend_total", 6.0),
                ("value_added", 1.0),
            )
        ]
    )
    e = stats.lever_effects(Results(runs, ann, pd.DataFrame()), "value_added.ALL.2025")
    assert list(e.group) == ["tech", "space"]  # plan order of the groups
    sp = e.set_index("group").loc["space"]
    assert sp["effect"] == pytest.approx(20.0) and sp["effect_lo"] < 20 < sp["effect_hi"]
    assert sp["rel_effect"] == pytest.approx(np.mean([20 / 200, 22 / 210, 18 / 190]))
    assert sp["spend"] == pytest.approx(10.0)  # 2024 and 2025 only (up to the outcome's year)
    assert sp["effect_per_yuan"] == pytest.approx(2.0)
    assert e.set_index("group").loc["tech", "effect"] == pytest.approx(-np.mean([1.0, -1.0, 0.5]))
    with pytest.raises(ValueError, match="full: 'all'"):
        stats.lever_effects(runs, "value_added.ALL.2025", full="all")


def test_spend_group_parsing():
    assert stats.spend_group("spend_funding_grants") == "funding"
    assert stats.spend_group("spend_projects_major_projects") == "projects"
    assert stats.spend_group("spend_total") is None and stats.spend_group("value_added") is None
