"""Tidy views of the gathered annual table (analysis.results) without double counting.

The annual table holds total rows (``industry == "ALL"``, ``district == "ALL"``) next to the
breakdowns; ``totals`` returns only the city totals, ``breakdown`` only one dimension's rows.

    from analysis.results import load
    from analysis.tables import totals, breakdown
    res = load("multirun/plan_vs_no_plan/small")
    totals(res.annual, ["value_added", "spend_total"])     # run_id, year, metric, value
    breakdown(res.annual, "industry", ["value_added"])       # sums over industries = totals
"""

from __future__ import annotations

import pandas as pd


def totals(annual: pd.DataFrame, metrics=None) -> pd.DataFrame:
    """City totals, tidy and without double counting: one row per run x year x metric (the
    ``industry == district == "ALL"`` rows of the annual table), columns run_id, year, metric, value."""
    a = annual[(annual["industry"] == "ALL") & (annual["district"] == "ALL")]
    if metrics is not None:
        a = a[a["metric"].isin(list(metrics))]
    out = a[["run_id", "year", "metric", "value"]].reset_index(drop=True)
    out["metric"] = out["metric"].astype(str)
    return out


def breakdown(annual: pd.DataFrame, by: str = "industry", metrics=None) -> pd.DataFrame:
    """One row per run x year x metric x ``by`` value (industry or district) with the other
    dimension at its total, total rows left out: summing it over ``by`` gives ``totals``."""
    other = {"industry": "district", "district": "industry"}[by]
    a = annual[(annual[other] == "ALL") & (annual[by] != "ALL")]
    if metrics is not None:
        a = a[a["metric"].isin(list(metrics))]
    out = a[["run_id", "year", by, "metric", "value"]].reset_index(drop=True)
    out["metric"] = out["metric"].astype(str)
    out[by] = out[by].astype(str)
    return out
