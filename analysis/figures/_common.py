"""Shared helpers of the figure modules: loading sweeps, choosing the runs of one scenario,
percentile bands, and the data attached to every figure (``fig.plot_data``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.results import Results, load
from analysis.stats import default_baseline, scenario_labels

SOURCE = "Source: sei-sim, agent-based model of Shenzhen's 2018 SEI plan (Shen Fu [2018] No. 84)"
SOURCE_ZH = "来源：sei-sim 深圳战略性新兴产业规划（深府〔2018〕84号）多主体模型"  # the twin of SOURCE


class NotApplicable(ValueError):
    """The figure cannot be drawn from these runs (e.g. no ablation column); the message says why."""


def as_results(obj) -> Results:
    """``Results`` as given, or loaded from one or several sweep/run folders (see ``load_many``)."""
    if isinstance(obj, Results):
        return obj
    if isinstance(obj, (str, Path)) or (isinstance(obj, (list, tuple)) and obj and isinstance(obj[0], (str, Path))):
        return load_many(obj)
    raise TypeError(f"results: expected analysis.results.Results or a folder path, got {type(obj).__name__}")


def load_many(roots) -> Results:
    """The gathered tables of one or several sweep folders (``analysis.results.load``)."""
    return load(roots)


def complete(res: Results) -> Results:
    r = res.complete() if "status" in res.runs.columns else res
    if not len(r.runs):
        raise NotApplicable("no complete runs")
    return r


def subset(res: Results, run_ids) -> Results:
    ids = set(map(str, run_ids))
    keep = lambda df: df[df["run_id"].astype(str).isin(ids)].reset_index(drop=True)  # noqa: E731
    return Results(keep(res.runs), keep(res.annual), keep(res.scorecards))


PLAN_LABELS = ("plan_2018", "none")  # the plan as enacted: policy plan_2018, ablation none


def pick(res: Results, scenario=None, by=None) -> tuple[Results, str, str]:
    """The runs of one scenario: (results, label column, label). ``scenario`` None: the plan as
    enacted (plan_2018 / ablation none) when present, else the only or the first scenario."""
    res = complete(res)
    name, lab = scenario_labels(res.runs, by)
    present = list(dict.fromkeys(lab.dropna()))
    if scenario is None:
        scenario = next((p for p in PLAN_LABELS if p in present), present[0] if present else None)
    if scenario not in present:
        raise ValueError(f"scenario: '{scenario}' is not a value of '{name}'; allowed: {present}")
    return subset(res, res.runs.loc[(lab == scenario).to_numpy(), "run_id"]), name, scenario


def scenarios(res: Results, by=None, baseline=None) -> tuple[str, pd.Series, list, object]:
    """(label column, labels of the complete runs, scenarios in order, baseline)."""
    name, lab = scenario_labels(res.runs, by)
    present = list(dict.fromkeys(lab.dropna()))
    if baseline is None and present:
        baseline = default_baseline(name, present)
    if baseline is not None and baseline not in present:
        raise ValueError(f"baseline: '{baseline}' is not a value of '{name}'; allowed: {present}")
    return name, lab, present, baseline


def series(res: Results, metric: str, industry: str = "ALL", district: str = "ALL") -> pd.DataFrame:
    """One row per run, one column per year (yuan/year for flows; stocks at the year end)."""
    s = res.series(metric, industry, district)
    s.columns = s.columns.astype(int)
    return s


def band_stats(wide: pd.DataFrame, band=(10, 90)) -> pd.DataFrame:
    """Per year (columns of ``wide``): n runs, median, the ``band`` percentiles and the mean."""
    lo, hi = band
    if not (0 <= lo < hi <= 100):
        raise ValueError(f"band: percentiles (lo, hi) with 0 <= lo < hi <= 100, got {band}")
    return pd.DataFrame(
        {
            "year": wide.columns.astype(int),
            "n": wide.notna().sum().to_numpy(),
            "median": wide.median().to_numpy(),
            "lo": wide.quantile(lo / 100).to_numpy(),
            "hi": wide.quantile(hi / 100).to_numpy(),
            "mean": wide.mean().to_numpy(),
        }
    )


def seeds_text(runs: pd.DataFrame, lang: str = "en") -> str:
    """The seeds of ``runs`` in words: "3 seeds (0-2)" (``lang="zh"``: "3个随机种子（0-2）")."""
    s = sorted(int(x) for x in runs["seed"].dropna().unique())
    zh = lang == "zh"
    if not s:
        return "无随机种子" if zh else "no seeds"
    contiguous = s == list(range(s[0], s[-1] + 1)) and len(s) > 1
    rng = f"{s[0]}-{s[-1]}" if contiguous else ("、" if zh else ", ").join(map(str, s))
    if zh:
        return f"{len(s)}个随机种子（{rng}）"
    return f"{len(s)} seed{'s' if len(s) > 1 else ''} ({rng})"


SCALE_NAMES_ZH = {"small": "小规模（十分之一主体）", "city": "全市规模"}


def scale_text(runs: pd.DataFrame, lang: str = "en") -> str:
    """The scale(s) of ``runs`` in words: "scale small" (``lang="zh"``: "小规模（十分之一主体）")."""
    sc = sorted(map(str, runs["scale"].dropna().unique())) if "scale" in runs.columns else []
    if lang == "zh":
        return "/".join(SCALE_NAMES_ZH.get(x, f"规模{x}") for x in sc) if sc else "规模未知"
    return f"scale {'/'.join(sc)}" if sc else "scale unknown"


def source(lang: str = "en") -> str:
    """The source line of the captions in ``lang``."""
    return SOURCE_ZH if lang == "zh" else SOURCE


def caption_fields(runs: pd.DataFrame, lang: str = "en", **extra) -> dict:
    """The fields every caption template may use, in ``lang``: source, seeds, scale and n (the
    number of seeds), plus ``extra``; for ``TEXT[lang]["caption"].format(**...)``."""
    n = int(runs["seed"].nunique()) if "seed" in runs.columns else 0
    return {"source": source(lang), "seeds": seeds_text(runs, lang), "scale": scale_text(runs, lang), "n": n, **extra}


def run_folder(row: pd.Series) -> Path:
    """The folder of a run (root / run_id, or the root's parent / run_id for prefixed ids)."""
    root = Path(str(row["root"]))
    rid = str(row["run_id"])
    for cand in (root / rid, root.parent / rid, root):
        if (cand / "annual.parquet").exists() or any(cand.glob("network_*.parquet")):
            return cand
    return root / rid


def attach(fig, **data) -> None:
    """Keep the plotted numbers with the figure: ``fig.plot_data[name]`` (DataFrames)."""
    if not hasattr(fig, "plot_data"):
        fig.plot_data = {}
    fig.plot_data.update(data)
