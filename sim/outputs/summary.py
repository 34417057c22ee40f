"""The printed summary of a run: SEI value added by industry per year, beside the data."""

from __future__ import annotations

import pandas as pd

from sim.basedata import YUAN_PER_100M, load
from sim.ids import INDUSTRIES
from sim.outputs.measure import annual_by_industry


def value_added_table(ts: pd.DataFrame) -> pd.DataFrame:
    """SEI value added by industry (rows, + ALL) and year (columns) in 100m yuan (亿元), with the
    2018 statistic the base year is built from and the 2019 statistic for comparison."""
    d = load()
    tab = annual_by_industry(ts, "value_added") / YUAN_PER_100M
    base = pd.Series(
        list(d.va_2018 / YUAN_PER_100M) + [d.va_2018.sum() / YUAN_PER_100M], index=list(INDUSTRIES) + ["ALL"]
    )
    obs = pd.Series(
        list(d.va_2019 / YUAN_PER_100M) + [d.va_2019.sum() / YUAN_PER_100M], index=list(INDUSTRIES) + ["ALL"]
    )
    tab.insert(0, "2018 data", base)
    tab.insert(1, "2019 data", obs)
    return tab


def format_summary(ts: pd.DataFrame, title: str = "") -> str:
    return format_va_table(value_added_table(ts), title)


def format_va_table(tab: pd.DataFrame, title: str = "") -> str:
    """The printed table of ``value_added_table`` (or an ensemble median of it) with the 2019 check."""
    lines = [title or "SEI value added by industry, 100m yuan (亿元), current prices"]
    shown = tab.round(0).astype(int)
    shown.index.name = None  # the row labels are industries; no separate header line for them
    lines.append(shown.to_string())
    if 2019 in tab.columns:
        err = (tab[2019] / tab["2019 data"] - 1) * 100
        lines.append("2019 simulated vs data (%): " + ", ".join(f"{i} {e:+.1f}" for i, e in err.items()))
    return "\n".join(lines)
