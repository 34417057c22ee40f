"""The scorecard: the plan's targets (sim/targets.py) evaluated for one run, summarised over an
ensemble of runs, and printed.

One run: per target the value, the threshold in force, met / missed and the margin (absolute and
relative to the threshold). An ensemble (several seeds of one config): per target the probability
of meeting it with a Wilson confidence interval (scipy.stats.binomtest), the median and the
10-90% band of the value and of the margin. Targets the run cannot evaluate (e.g. a 2025 target
in a run ending in 2021) are "n/a" and left out of the probabilities.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from sim.config import SimConfig, config_hash
from sim.outputs.evaluation import definitions, evaluate
from sim.outputs.measure import Recorder
from sim.outputs.metrics import RunMeasures
from sim.outputs.targets import PROXY, TARGETS

CONFIDENCE = 0.95
KIND_MARK = {"quantitative": "Q", "proxy": "proxy"}


def run_scorecard(cfg: SimConfig, recorder: Recorder) -> dict:
    """The scorecard of one finished run (the JSON object written as scorecard.json)."""
    rows = evaluate(RunMeasures.from_recorder(recorder, cfg), cfg.targets)
    return {
        "seed": cfg.seed,
        "config_hash": config_hash(cfg),
        "scale": cfg.scale.name,
        "scenario": cfg.scenario.name,
        "policy": getattr(getattr(cfg, "policy", None), "name", None),
        "definitions": definitions(cfg.targets),
        "targets": rows,
    }


# ---------------------------------------------------------------------------------------------
# Ensemble statistics
# ---------------------------------------------------------------------------------------------
def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval of a binomial proportion k / n (None, None for n = 0)."""
    if n == 0:
        return None, None
    from scipy import stats  # deferred: scipy.stats takes ~0.3 s to import

    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def _q(values: list[float], p: float) -> float | None:
    return float(np.percentile(values, p)) if values else None


def summarise(cards: list[dict], confidence: float = CONFIDENCE) -> list[dict]:
    """Per target over the runs' scorecards (``run_scorecard`` objects of complete runs)."""
    out = []
    for i, t in enumerate(TARGETS):
        rows = [c["targets"][i] for c in cards]
        assert all(r["id"] == t.id for r in rows)
        ev = [r for r in rows if r["met"] is not None]
        k, n = sum(bool(r["met"]) for r in ev), len(ev)
        lo, hi = wilson_interval(k, n, confidence)
        vals = [r["value"] for r in ev]
        thr = [r["threshold"] for r in ev]
        mar = [r["margin"] for r in ev]
        rel = [r["margin_rel"] for r in ev if r["margin_rel"] is not None]
        first = rows[0] if rows else {}
        out.append(
            {
                "id": t.id,
                "year": first.get("year", t.year),
                "horizon": first.get("horizon"),
                "short": t.short,
                "wording_en": t.wording_en,
                "wording_zh": t.wording_zh,
                "kind": t.kind,
                "metric": first.get("metric", t.metric),
                "unit": t.unit,
                "rule": first.get("rule", t.rule()),
                "runs": len(rows),
                "evaluated": n,
                "met": k,
                "p_met": k / n if n else None,
                "ci_low": lo,
                "ci_high": hi,
                "confidence": confidence,
                "value_median": _q(vals, 50),
                "value_p10": _q(vals, 10),
                "value_p90": _q(vals, 90),
                "threshold_median": _q(thr, 50),
                "margin_median": _q(mar, 50),
                "margin_p10": _q(mar, 10),
                "margin_p90": _q(mar, 90),
                "margin_rel_median": _q(rel, 50),
            }
        )
    return out


# the fields of a scorecard target that the tidy table (and a run's summary row) keep
TARGET_FIELDS = (
    "id",
    "year",
    "kind",
    "metric",
    "value",
    "threshold",
    "reference_value",
    "status",
    "met",
    "margin",
    "margin_rel",
)


def target_columns(targets: list[dict]) -> dict[str, list]:
    """A scorecard's targets column-wise: one list per field of TARGET_FIELDS (how a run's summary
    row stores them: quicker to parse and to make a table of)."""
    return {k: [r[k] for r in targets] for k in TARGET_FIELDS}


def tidy_columns(seeds: list, columns: list[dict[str, list]]) -> pd.DataFrame:
    """``tidy`` of scorecards given as their seeds and their targets column-wise (target_columns)."""
    n = [len(c["id"]) for c in columns]
    if not sum(n):  # no target: empty columns of object dtype, as a frame of no records has
        return pd.DataFrame(columns=["seed", *TARGET_FIELDS])
    data = {"seed": [s for s, k in zip(seeds, n, strict=True) for _ in range(k)]}
    data.update({f: [x for c in columns for x in c[f]] for f in TARGET_FIELDS})
    return pd.DataFrame(data, columns=["seed", *TARGET_FIELDS])


def tidy(cards: list[dict]) -> pd.DataFrame:
    """One row per run x target: seed and the TARGET_FIELDS (id, year, kind, metric, value, threshold,
    reference value, status, met, margin, margin_rel)."""
    return tidy_columns([c["seed"] for c in cards], [target_columns(c["targets"]) for c in cards])


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------
def fmt_num(x: Any, signed: bool = False) -> str:
    """Counts as integers, people with thousands separators, yuan amounts in 3 significant digits."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    x = float(x)
    s = "+" if signed and x > 0 else ""
    if abs(x) >= 1e8:
        return f"{s}{x:.3g}"
    if abs(x) >= 1000:
        return f"{s}{x:,.0f}"
    if x == round(x):
        return f"{s}{int(round(x))}"
    return f"{s}{x:.3g}" if abs(x) < 10 else f"{s}{x:.1f}"


COUNT_UNITS = frozenset(
    {"carriers", "institutes", "firms", "levers", "projects", "people", "clusters", "zones", "cluster levels"}
)
UNIT_LABEL = {"yuan-equivalent": "亿元-eq.", "ratio": "ratio"}  # money shown in 100m yuan (亿元)


def unit_label(unit: str) -> str:
    return UNIT_LABEL.get(unit, unit)


def _scaled(x: Any, unit: str) -> Any:
    """Money targets in 100m yuan (亿元) for printing; others as they are."""
    return x / 1e8 if x is not None and "yuan" in unit else x


def fmt_band(lo: Any, hi: Any, unit: str) -> str:
    """A 10-90% band: counts as whole numbers (lower end down, upper end up), money in 亿元."""
    if lo is None or hi is None:
        return "-"
    if unit in COUNT_UNITS:
        return f"[{fmt_num(float(np.floor(lo)))}, {fmt_num(float(np.ceil(hi)))}]"
    return f"[{fmt_num(_scaled(lo, unit))}, {fmt_num(_scaled(hi, unit))}]"


def proxy_line() -> str:
    ids = [t.id for t in TARGETS if t.kind == PROXY]
    return f"Proxies (a measurable stand-in for a qualitative target, docs/targets.md): {', '.join(ids)}."


def fmt_pct(x: Any) -> str:
    if x is None:
        return "-"
    return f"{x * 100:+.1f}%" if 0 < abs(x) < 0.01 else f"{x * 100:+.0f}%"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(
        c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )  # noqa: E731
    return "\n".join([line(header)] + [line(r) for r in rows]).rstrip()


def footnote(lead: str, defs: dict) -> str:
    m = "output (产值)" if defs["cluster_measure"] == "output" else "value added (增加值)"
    text = (
        f"{lead}Clusters by {m}: 万亿 >= {defs['trillion_yuan']:.3g}, 千亿 >= {defs['hundred_billion_yuan']:.3g} "
        f"yuan/yr; zones = district x industry, output >= {defs['zone_min_output_yuan']:.3g} yuan/yr and in-city "
        f"input share >= {defs['zone_min_local_input_share']:g}; Global 500 = revenue >= "
        f"{defs['global500_revenue_yuan']:.4g} yuan/yr; leading institute = capability >= "
        f"{defs['leading_capability']:g}; counts from {defs['plan_start']}. 'proxy' = a declared stand-in for a "
        "qualitative target (docs/targets.md)."
    )
    return textwrap.fill(text, width=110)


def format_run(card: dict, title: str = "") -> str:
    rows = []
    for r in card["targets"]:
        rows.append(
            [
                r["id"],
                r["horizon"] if r["horizon"] != "long term" else f"{r['year']}*",
                r["short"],
                fmt_num(_scaled(r["value"], r.get("unit", ""))),
                unit_label(r.get("unit", "")),
                r["rule"],
                fmt_num(_scaled(r["threshold"], r.get("unit", ""))),
                r["status"],
                fmt_num(_scaled(r["margin"], r.get("unit", "")), True),
                fmt_pct(r["margin_rel"]),
                KIND_MARK[r["kind"]],
            ]
        )
    head = [
        "target",
        "year",
        "plan (short)",
        "value",
        "unit",
        "rule",
        "threshold",
        "result",
        "margin",
        "margin %",
        "kind",
    ]
    n_met = sum(r["met"] is True for r in card["targets"])
    n_ev = sum(r["met"] is not None for r in card["targets"])
    lines = [
        title or f"Plan targets (深府〔2018〕84号), seed {card['seed']}: {n_met} of {n_ev} evaluated targets met",
        _table(head, rows, {3, 6, 8, 9}),
        proxy_line(),
        footnote("* long-term target, read at the run's last year. ", card["definitions"]),
    ]
    return "\n".join(lines)


def format_ensemble(summary: list[dict], defs: dict, title: str = "") -> str:
    rows = []
    for s in summary:
        p = "-" if s["p_met"] is None else f"{s['p_met']:.2f}"
        ci = "-" if s["ci_low"] is None else f"[{s['ci_low']:.2f}, {s['ci_high']:.2f}]"
        u = s.get("unit", "")
        band = fmt_band(s["value_p10"], s["value_p90"], u)
        rows.append(
            [
                s["id"],
                s["horizon"] if s["horizon"] != "long term" else f"{s['year']}*",
                s["short"],
                f"{s['met']}/{s['evaluated']}",
                p,
                ci,
                fmt_num(_scaled(s["value_median"], u)),
                band,
                unit_label(u),
                s["rule"],
                fmt_num(_scaled(s["margin_median"], u), True),
                fmt_pct(s["margin_rel_median"]),
                KIND_MARK[s["kind"]],
            ]
        )
    head = [
        "target",
        "year",
        "plan (short)",
        "met",
        "P(met)",
        f"{int(CONFIDENCE * 100)}% CI",
        "value",
        "10-90%",
        "unit",
        "rule",
        "margin",
        "margin %",
        "kind",
    ]
    lines = [
        title or "Plan targets (深府〔2018〕84号): probability of meeting each target",
        _table(head, rows, {3, 4, 6, 10, 11}),
        proxy_line(),
        footnote(
            "value, margin: medians over the runs; CI: Wilson interval of P(met). * long-term target, read at "
            "the run's last year. ",
            defs,
        ),
    ]
    return "\n".join(lines)


__all__ = ["run_scorecard", "summarise", "tidy", "wilson_interval", "format_run", "format_ensemble", "PROXY"]
