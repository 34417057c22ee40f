"""The scorecard of a run and of an ensemble: Wilson intervals, margins, summaries, printing."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from simtest import SMALL
from test_targets import blank

from sim.config import to_config
from sim.outputs.evaluation import definitions, evaluate
from sim.outputs.scorecard import format_ensemble, format_run, summarise, tidy, wilson_interval
from sim.outputs.targets import TARGETS


def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("k,n", [(0, 5), (5, 5), (3, 5), (1, 10)])
def test_wilson_interval(k, n):
    lo, hi = wilson_interval(k, n)
    elo, ehi = wilson_by_hand(k, n)
    assert lo == pytest.approx(max(elo, 0.0), abs=1e-9) and hi == pytest.approx(min(ehi, 1.0), abs=1e-9)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


def test_wilson_interval_of_none_and_all_of_five():
    assert wilson_interval(0, 5) == (pytest.approx(0.0, abs=1e-12), pytest.approx(0.4345, abs=1e-4))
    assert wilson_interval(5, 5) == (pytest.approx(0.5655, abs=1e-4), pytest.approx(1.0, abs=1e-12))
    assert wilson_interval(0, 0) == (None, None)


@pytest.fixture(scope="module")
def tc():
    return to_config(None, **SMALL).targets


def card(seed: int, carriers: float, tc) -> dict:
    """A hand-made scorecard: `carriers` new carriers by 2020, everything else zero."""
    m = blank()
    m.quarterly["institutes_created"][:8] = carriers / 8
    return {"seed": seed, "targets": evaluate(m, tc), "definitions": definitions(tc)}


def test_margins_absolute_and_relative(tc):
    r = card(0, 60, tc)["targets"][0]
    assert r["id"] == "T20-CARRIERS"
    assert (r["value"], r["threshold"], r["status"]) == (pytest.approx(60), 50, "met")
    assert r["margin"] == pytest.approx(10) and r["margin_rel"] == pytest.approx(0.2)
    r = card(0, 40, tc)["targets"][0]
    assert r["status"] == "missed" and r["margin"] == pytest.approx(-10) and r["margin_rel"] == pytest.approx(-0.2)
    # a zero threshold has no relative margin (without the non-SEI Global 500 headquarters)
    tc0 = copy.deepcopy(tc)
    tc0.firms.non_sei_global500 = 0
    fortune = next(r for r in card(0, 40, tc0)["targets"] if r["id"] == "T25-FORTUNE")
    assert fortune["threshold"] == 0 and fortune["margin_rel"] is None


def test_ensemble_summary(tc):
    cards = [card(s, c, tc) for s, c in enumerate([40, 55, 60, 70, 100])]
    summ = summarise(cards)
    assert [s["id"] for s in summ] == [t.id for t in TARGETS]
    s = summ[0]
    assert (s["runs"], s["evaluated"], s["met"], s["p_met"]) == (5, 5, 4, 0.8)
    assert (s["ci_low"], s["ci_high"]) == pytest.approx(wilson_interval(4, 5))
    assert s["value_median"] == pytest.approx(60)
    assert s["value_p10"] == pytest.approx(np.percentile([40, 55, 60, 70, 100], 10))
    assert s["value_p90"] == pytest.approx(np.percentile([40, 55, 60, 70, 100], 90))
    assert s["margin_median"] == pytest.approx(10)
    df = tidy(cards)
    assert len(df) == 5 * len(TARGETS) and set(df["seed"]) == set(range(5))


def test_not_available_targets_are_left_out_of_probabilities(tc):
    m = blank(years=list(range(2018, 2022)))
    cards = [{"seed": 0, "targets": evaluate(m, tc), "definitions": definitions(tc)}]
    s = {x["id"]: x for x in summarise(cards)}
    assert s["T25-ZONES"]["evaluated"] == 0 and s["T25-ZONES"]["p_met"] is None and s["T25-ZONES"]["ci_low"] is None
    assert "T25-ZONES" in format_ensemble(list(s.values()), definitions(tc))


def test_printed_tables_label_proxies(tc):
    c = card(3, 60, tc)
    text = format_run(c)
    for t in TARGETS:
        line = next(ln for ln in text.splitlines() if ln.startswith(t.id))
        assert line.rstrip().endswith("proxy" if t.kind == "proxy" else "Q"), line
        assert t.short in line
    assert "met" in text and "missed" in text and "output (产值)" in text
    ens = format_ensemble(summarise([c, card(4, 40, tc)]), c["definitions"])
    assert "P(met)" in ens and "95% CI" in ens
    assert sum(ln.rstrip().endswith("proxy") for ln in ens.splitlines()) == sum(t.kind == "proxy" for t in TARGETS)


def test_the_printed_scorecard_reads_at_a_glance():
    """Issue 14: a unit on every value, whole-number bands for counts, money in 100m yuan, the
    proxy targets named, and the failed realism checks listed under the scorecard."""
    from sim.drivers.cli import realism_lines
    from sim.outputs.scorecard import fmt_band, proxy_line

    assert fmt_band(187.2, 196.8, "carriers") == "[187, 197]"
    assert fmt_band(4.92e10, 5.55e10, "yuan-equivalent") == "[492, 555]"
    assert "T20-FIRMS" in proxy_line() and "T20-CARRIERS" not in proxy_line()
    fail = {
        "key": "degree_tail_in",
        "fact": "supplier degrees heavy-tailed",
        "status": "FAIL",
        "value": 5.2,
        "expected": "1-1.7",
    }
    ok = {**fail, "status": "PASS"}
    lines = realism_lines([[fail], [ok]])
    assert "FAIL supplier degrees heavy-tailed (degree_tail_in): in 1 of 2 runs" in "\n".join(lines)
    assert realism_lines([[ok]]) == []
