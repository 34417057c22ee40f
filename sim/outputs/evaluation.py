"""The scorecard's rule: each target's metric against its threshold, the validation of the
``targets`` config node, and the definitions printed with every scorecard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.basedata import load
from sim.errors import ConfigError
from sim.ids import INDUSTRIES, QUARTER_RE
from sim.outputs.metrics import METRICS, NotAvailable, RunMeasures
from sim.outputs.targets import TARGET_BY_ID, TARGETS, Target
from sim.params.spec import check_params

REL_TOL = 1e-9  # relative tolerance of the comparison with a threshold


# ---------------------------------------------------------------------------------------------
# Validation and evaluation
# ---------------------------------------------------------------------------------------------
def validate_targets(tc, subfield_ids: tuple[str, ...], check: Callable[[bool, str, str], None]) -> None:
    """Refuse unknown targets, unknown metrics, negative thresholds and bad definitions, naming the key."""
    check_params(tc, "targets", check)  # the declared bounds (sim.outputs.targets)
    for tid, s in tc.settings.items():
        check(
            tid in TARGET_BY_ID,
            f"targets.settings.{tid}",
            f"is not a target of PLAN.md; known: {', '.join(TARGET_BY_ID)}",
        )
        check(
            s.metric in METRICS,
            f"targets.settings.{tid}.metric",
            f"'{s.metric}' is not a known metric; allowed: {', '.join(sorted(METRICS))}",
        )
        check(
            s.threshold == s.threshold and 0 <= s.threshold < float("inf"),
            f"targets.settings.{tid}.threshold",
            f"must be a finite number >= 0, got {s.threshold}",
        )
    c = tc.clusters
    check(
        c.measure in ("output", "value_added"),
        "targets.clusters.measure",
        f"must be one of: output, value_added; got '{c.measure}'",
    )
    for key in ("trillion_clusters", "hundred_billion_clusters"):
        lst = getattr(c, key)
        check(len(lst) > 0, f"targets.clusters.{key}", "must list at least one cluster")
        for x in lst:
            check(
                x in ("industries", "subfields") or x in INDUSTRIES or x in subfield_ids,
                f"targets.clusters.{key}",
                f"'{x}' is not an industry id, a sub-field id of sim/data/subfields.csv, 'industries' or 'subfields'",
            )
    for key, v in (
        ("targets.clusters.trillion_yuan", c.trillion_yuan),
        ("targets.clusters.hundred_billion_yuan", c.hundred_billion_yuan),
        ("targets.zones.min_output_yuan", tc.zones.min_output_yuan),
        ("targets.firms.global500_revenue_yuan", tc.firms.global500_revenue_yuan),
        ("targets.firms.large_revenue_yuan", tc.firms.large_revenue_yuan),
    ):
        check(v == v and 0 < v < float("inf"), key, f"must be a positive amount of yuan per year, got {v}")
    check(
        0 <= tc.zones.min_local_input_share <= 1,
        "targets.zones.min_local_input_share",
        f"must be a share between 0 and 1, got {tc.zones.min_local_input_share}",
    )
    check(
        0 <= tc.institutes.leading_capability <= 1,
        "targets.institutes.leading_capability",
        f"must be a capability between 0 and 1, got {tc.institutes.leading_capability}",
    )
    check(
        bool(QUARTER_RE.match(str(tc.plan_start))),
        "targets.plan_start",
        f"must be a quarter like '2019Q1', got '{tc.plan_start}'",
    )


def check_config(tc) -> None:
    """``validate_targets`` raising ConfigError (for callers outside sim.config.validate)."""

    def check(cond: bool, key: str, msg: str) -> None:
        if not cond:
            raise ConfigError(f"config key '{key}' {msg}")

    validate_targets(tc, load().subfield_ids, check)


def evaluate_target(t: Target, m: RunMeasures, tc) -> dict:
    """One scorecard row: value, effective threshold, met, margins (None where not available)."""
    s = tc.settings.get(t.id)
    metric_name = s.metric if s is not None else t.metric
    threshold = float(s.threshold) if s is not None else float(t.threshold)
    year = m.last_year if t.year is None else t.year
    row: dict[str, Any] = {
        "id": t.id,
        "year": year,
        "horizon": "long term" if t.year is None else str(t.year),
        "short": t.short,
        "wording_en": t.wording_en,
        "wording_zh": t.wording_zh,
        "kind": t.kind,
        "metric": metric_name,
        "metric_doc": METRICS[metric_name][1],
        "unit": t.unit,
        "comparison": t.comparison,
        "rule": t.rule(threshold),
        "note": t.note,
        "value": None,
        "reference_year": t.relative_to,
        "reference_value": None,
        "threshold": None,
        "met": None,
        "status": "n/a",
        "margin": None,
        "margin_rel": None,
        "detail": {},
    }
    fn = METRICS[metric_name][0]
    try:
        value, detail = fn(m, tc, year)
        thr = threshold
        if t.relative_to is not None:
            ref, _ = fn(m, tc, t.relative_to)
            row["reference_value"] = ref
            thr = ref * threshold if t.relative == "ratio" else ref + threshold
    except NotAvailable as exc:
        row["detail"] = {"reason": str(exc)}
        return row
    margin = value - thr
    tol = REL_TOL * abs(thr)  # ratio thresholds are products of floats (1.1 x 100000 = 110000.00000000001)
    met = bool(margin >= -tol) if t.comparison == ">=" else bool(margin > tol)
    row.update(
        value=float(value),
        threshold=float(thr),
        met=met,
        status="met" if met else "missed",
        margin=float(margin),
        margin_rel=float(margin / abs(thr)) if thr != 0 else None,
        detail=_jsonable(detail),
    )
    return row


def evaluate(m: RunMeasures, tc) -> list[dict]:
    """Scorecard rows of every declared target, in PLAN.md order."""
    return [evaluate_target(t, m, tc) for t in TARGETS]


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def definitions(tc) -> dict:
    """The definitions in force, for the scorecard's header and JSON."""
    c, z, f = tc.clusters, tc.zones, tc.firms
    return {
        "targets": tc.name,
        "plan_start": tc.plan_start,
        "cluster_measure": c.measure,
        "trillion_yuan": c.trillion_yuan,
        "hundred_billion_yuan": c.hundred_billion_yuan,
        "trillion_clusters": list(c.trillion_clusters),
        "hundred_billion_clusters": list(c.hundred_billion_clusters),
        "zone": "district x industry",
        "zone_min_output_yuan": z.min_output_yuan,
        "zone_min_local_input_share": z.min_local_input_share,
        "global500_revenue_yuan": f.global500_revenue_yuan,
        "large_revenue_yuan": f.large_revenue_yuan,
        "leading_capability": tc.institutes.leading_capability,
        "firm_revenue": "annual gross output of the firm (the base year 2018: base-quarter output x 4 / 1.039)",
    }


__all__ = ["REL_TOL", "evaluate", "evaluate_target", "validate_targets", "check_config", "definitions"]
