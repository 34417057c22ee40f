"""The budget trap: each lever's budget beside what it spent in a run (per year and in total) and
the run's total public spending, printed next to the scorecard. A lever that spends less than its
budget shows it, so that cutting its budget "changes nothing" is seen for what it is, and a "move"
of money between levers that is really an addition shows in the total."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.basedata import YUAN_PER_100M
from sim.ids import quarter_index
from sim.policy.registry import REGISTRY, lever_config


def spending(annual: pd.DataFrame) -> pd.DataFrame:
    """Public spending by lever metric (rows, ``spend_<group>_<lever>``) and year (columns), yuan."""
    s = annual[annual["metric"].str.startswith("spend_") & (annual["district"] == "ALL")]
    city = s[s["industry"] == "ALL"]
    if city.empty:  # no city rows: the sum over industries
        city = s[s["industry"] != "ALL"]
    return city.pivot_table(index="metric", columns="year", values="value", aggfunc="sum").fillna(0.0)


def budget_table(policy, annual: pd.DataFrame) -> pd.DataFrame:
    """One row per enabled lever with a budget: budget (yuan/year), spent per year (yuan), the
    share of its budget it spent over the years of its window in the run."""
    spent = spending(annual)
    years = [int(y) for y in spent.columns] if len(spent.columns) else sorted(annual["year"].unique())
    rows = []
    for key in REGISTRY:
        c = lever_config(policy, key)
        if not getattr(c, "enabled", False) or not hasattr(c, "budget"):
            continue
        s, e = quarter_index(c.start) // 4, quarter_index(c.end) // 4
        active = [y for y in years if s <= y <= e]
        metric = f"spend_{key.replace('.', '_')}"
        by_year = spent.loc[metric] if metric in spent.index else pd.Series(0.0, index=spent.columns)
        total = float(by_year.to_numpy().sum())
        avail = float(c.budget) * len(active)
        row: dict[Any, Any] = {"lever": key, "budget": float(c.budget)}
        row.update({int(str(y)): v for y, v in zip(by_year.index, by_year.to_numpy(dtype=float))})
        row.update(spent=total, used=total / avail if avail > 0 else float("nan"))
        rows.append(row)
    return pd.DataFrame(rows).set_index("lever") if rows else pd.DataFrame()


def format_budget(tab: pd.DataFrame, title: str = "") -> str:
    """The printed budget table (100m yuan) and the total public spending per year and per run."""
    if tab.empty:
        return "Public spending of the levers: none (no lever with a budget is enabled)"
    years = [c for c in tab.columns if isinstance(c, int)]
    show = tab[["budget", *years, "spent"]] / YUAN_PER_100M
    show["used %"] = tab["used"] * 100
    lines = [title or "Lever budgets beside spending, 100m yuan (亿元): budget per year, spent per year and in total"]
    lines.append(show.round(1).to_string())
    under = [str(k) for k, u in tab["used"].items() if u == u and u < 0.95]
    tot = tab[years].sum()
    lines.append(
        "Total public spending, 100m yuan: "
        + ", ".join(f"{y} {v / YUAN_PER_100M:.1f}" for y, v in tot.items())
        + f"; whole run {tab['spent'].sum() / YUAN_PER_100M:.1f}"
    )
    if under:
        lines.append(f"spent under 95% of the budget (a budget cut there may change nothing): {', '.join(under)}")
    return "\n".join(lines)
