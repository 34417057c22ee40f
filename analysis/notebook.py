"""Helpers of the analysis notebooks (analysis/notebooks/): which results folder a notebook reads,
money in 100m yuan (亿元), and the small pieces the notebooks' generated conclusions are made of.

The notebooks never run the model: they read gathered results (analysis.results.load). Which
folder, in this order: the notebook's ``RESULTS`` parameter (its cell tagged ``parameters``, as
papermill sets it), the environment variable ``SEI_RESULTS``, else the small example kept in the
repository (``docs/example/``, written by ``make example``). A folder that holds a subfolder named
after the notebook's experiment (``docs/example/shocks``, ``multirun/shocks/small``) is read there.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from sim.basedata import YUAN_PER_100M

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "example"
ENV = "SEI_RESULTS"
UNIT = "100m yuan (亿元)"


def _has_results(p: Path) -> bool:
    from analysis.results import RESULTS_DIR, find_runs

    return (p / RESULTS_DIR / "runs.parquet").is_file() or bool(find_runs(p))


def results_folder(experiment: str, results: str | Path | None = None) -> Path:
    """The folder of ``experiment``'s results a notebook reads (see the module docstring).

    ``results`` (or $SEI_RESULTS) may be the sweep folder itself or a folder holding
    ``<experiment>/`` or ``<experiment>/small|city/``; a relative path is taken from the current
    folder, else from the repository root."""
    given = results if results not in (None, "") else os.environ.get(ENV) or None
    base = Path(given) if given is not None else EXAMPLE
    if not base.is_absolute() and not base.exists():
        base = ROOT / base
    cands = [base / experiment, base / experiment / "small", base / experiment / "city", base]
    for c in cands:
        if c.is_dir() and _has_results(c):
            return c
    raise FileNotFoundError(
        f"no results of the {experiment} experiment in {base} (looked in {', '.join(str(c) for c in cands)}): "
        f"give a sweep folder (RESULTS parameter or ${ENV}), or write the example with `make example`"
    )


def yi(x: float, digits: int = 0) -> str:
    """Yuan as 100m yuan (亿元), thousands separated: 2.4e11 -> '2,400'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x / YUAN_PER_100M + 0.0:,.{digits}f}"


def yi_signed(x: float, digits: int = 0) -> str:
    s = yi(x, digits)
    return s if s == "n/a" or s.startswith("-") else "+" + s


def pct(x: float, digits: int = 1) -> str:
    """A fraction as a signed percentage: 0.131 -> '+13.1%'."""
    if x is None or pd.isna(x):
        return "n/a"
    return f"{100 * x:+.{digits}f}%"


def interval(lo: float, hi: float, digits: int = 0) -> str:
    """A 95% interval in 100m yuan: '95% CI 1,556 to 3,255'."""
    return f"95% CI {yi(lo, digits)} to {yi(hi, digits)}"


def excludes_zero(lo: float, hi: float) -> bool:
    return bool(lo > 0 or hi < 0)


def verdict(lo: float, hi: float) -> str:
    """Words for an interval against zero."""
    if lo > 0:
        return "its interval lies above zero"
    if hi < 0:
        return "its interval lies below zero"
    return "its interval includes zero, so these runs cannot tell it from no effect"


def listing(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(x) for x in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def lever_name(key: str) -> str:
    """A lever key in words: ``funding.guidance_fund`` -> 'guidance fund (funding)'."""
    from analysis.style import scenario_name

    group, _, lever = key.partition(".")
    return f"{lever.replace('_', ' ')} ({scenario_name(group)})" if lever else scenario_name(key)


def describe(runs: pd.DataFrame) -> str:
    """The runs in a line: how many, seeds, scale, years."""
    from analysis.figures._common import scale_text, seeds_text

    ys = sorted({int(c.rsplit(".", 1)[-1]) for c in runs.columns if c.startswith("value_added.ALL.")})
    span = f", years {ys[0]}-{ys[-1]}" if ys else ""
    return f"{len(runs)} complete runs, {seeds_text(runs)}, {scale_text(runs)}{span}"


def last_year(runs: pd.DataFrame) -> int:
    """The last year with SEI value added in the runs table."""
    return max(int(c.rsplit(".", 1)[-1]) for c in runs.columns if c.startswith("value_added.ALL."))


def money_columns(df: pd.DataFrame, cols) -> pd.DataFrame:
    """``df`` with the money columns ``cols`` converted from yuan to 100m yuan (亿元)."""
    return df.assign(**{c: df[c] / YUAN_PER_100M for c in cols if c in df.columns})


__all__ = [
    "ENV",
    "EXAMPLE",
    "UNIT",
    "results_folder",
    "yi",
    "yi_signed",
    "pct",
    "interval",
    "excludes_zero",
    "verdict",
    "listing",
    "lever_name",
    "describe",
    "last_year",
    "money_columns",
]
