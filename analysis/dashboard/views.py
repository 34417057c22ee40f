"""The page's figures, drawn by analysis.figures (the publication figures themselves), and their
downloads (PNG, PDF, SVG through analysis.style.save).

A run from the page is gathered with a column ``run`` ("scenario" / "baseline";
analysis.dashboard.runner.label_runs), which is the figures' ``by``. A sweep selection is labelled
in a column ``selection`` ("A" / "B") the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the server draws into files and buffers only

import pandas as pd  # noqa: E402

from analysis import style  # noqa: E402
from analysis.figures import fig_budget, fig_districts, fig_scenarios, fig_scorecard  # noqa: E402
from analysis.results import Results  # noqa: E402

# view name -> figure of a page run (Results with the ``run`` column)
RUN_VIEWS: dict[str, Callable] = {
    "va_view": lambda res, lang: fig_scenarios(res, by="run", baseline="baseline", lang=lang),
    "scorecard_title": lambda res, lang: fig_scorecard(res, by="run", lang=lang),
    "budget_view": lambda res, lang: fig_budget(res, "scenario", by="run", baseline="baseline", lang=lang),
    "district_view": lambda res, lang: fig_districts(
        res, "scenario", by="run", metric="value_added", baseline="baseline", lang=lang
    ),
}


def run_figures(res: Results, lang: str = "en") -> dict[str, object]:
    """View name -> matplotlib figure (or the message why it cannot be drawn)."""
    out: dict[str, object] = {}
    for name, draw in RUN_VIEWS.items():
        try:
            out[name] = draw(res, lang)
        except ValueError as exc:  # NotApplicable and bad labels: say why on the page
            out[name] = str(exc)
    return out


def figure_bytes(fig, fmt: str) -> bytes:
    """The publication file of ``fig`` (analysis.style.save: PNG 300 dpi, PDF or SVG)."""
    with tempfile.TemporaryDirectory() as d:
        (path,) = style.save(fig, d, "figure", formats=(fmt,))
        return Path(path).read_bytes()


def scorecard_table(res: Results, label: str = "scenario") -> pd.DataFrame:
    """Target, P(met) over the runs of ``label`` (the numbers behind the scorecard view)."""
    sc = res.scorecards
    ids = set(res.runs.loc[res.runs["run"] == label, "run_id"])
    d = sc[sc["run_id"].isin(ids)]
    col = "met" if "met" in d.columns else d.columns[-1]
    met = d[col].astype("float")
    return d.assign(met=met).groupby("target", sort=False)["met"].mean().rename("P(met)").reset_index()


# -- sweeps ---------------------------------------------------------------------------------------
def select(res: Results, filters: dict[str, list]) -> pd.Series:
    """Boolean mask of the runs whose columns take one of the chosen values (empty list = any)."""
    runs = res.runs
    mask = pd.Series(True, index=runs.index)
    for col, values in filters.items():
        if values:
            mask &= runs[col].astype(str).isin([str(v) for v in values])
    return mask


def compare(res: Results, a: dict[str, list], b: dict[str, list]) -> Results:
    """The runs of selections A and B, labelled in ``runs["selection"]`` (a run in both counts as A)."""
    ma, mb = select(res, a), select(res, b)
    runs = res.runs.copy()
    runs["selection"] = None
    runs.loc[mb, "selection"] = "B"
    runs.loc[ma, "selection"] = "A"
    keep = runs.loc[runs["selection"].notna(), "run_id"]
    sub = lambda df: df[df["run_id"].isin(keep)].reset_index(drop=True)  # noqa: E731
    return Results(sub(runs), sub(res.annual), sub(res.scorecards))


def sweep_figures(res: Results, lang: str = "en") -> dict[str, object]:
    """Figures of two selections side by side (``selection`` A / B; B is the reference)."""
    labels = set(res.runs["selection"].dropna())
    base = "B" if "B" in labels else "A"
    views = {
        "va_view": lambda: fig_scenarios(res, by="selection", baseline=base, lang=lang),
        "scorecard_title": lambda: fig_scorecard(res, by="selection", lang=lang),
    }
    out: dict[str, object] = {}
    for name, draw in views.items():
        try:
            out[name] = draw()
        except ValueError as exc:
            out[name] = str(exc)
    return out
