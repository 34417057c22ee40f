"""Statistics over gathered runs (``analysis.results``): paired differences between scenarios on
common random numbers, target-attainment probabilities and the effects of the plan's lever groups.

Every function is pure: it takes the tidy tables of ``analysis.results.gather``/``load`` (or the
``Results`` holding them) and returns a new DataFrame; nothing is written or printed.

Pairing (common random numbers). Every scenario of an experiment runs with the same seeds, and a
seed fixes every random draw of a run that does not depend on the scenario. The difference
between two scenarios on the same seed therefore carries much less noise than the difference of
two independent runs; the confidence interval of the mean difference is the t interval over the
per-seed differences (n_pairs - 1 degrees of freedom), i.e. a paired t test.

Scenario labels. ``by`` names the column of ``runs`` that tells the scenarios apart (``policy``,
``ablation``, ``budget_mix``, ``principle``, ``scenario`` or any override key). A list of columns
means "the first non-missing of these columns": ``by=["principle", "policy"]`` labels the
principles experiment's runs by their principle and its reference runs (no principle) by their
policy. ``scenario_labels`` picks the column(s) automatically for a gathered sweep.

Units are those of the outcome column: money in yuan (per year for annual series), people in
persons; relative differences are fractions (0.05 = 5%).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

import numpy as np
import pandas as pd

CONFIDENCE = 0.95
# columns that name an experiment's scenarios, most specific first (see scenario_labels)
EXPERIMENT_COLUMNS = ("ablation", "budget_mix", "principle", "scenario", "policy")
# the scenario every other one is compared with, per label column, when none is given
# override keys that do not change a run's results (what is written, how many seeds/workers)
NOT_SCENARIO = ("output.", "ensemble.")
DEFAULT_BASELINES = {"ablation": "none", "policy": "no_plan", "principle": "no_plan", "scenario": "history"}


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
def _runs_of(runs) -> pd.DataFrame:
    """The runs table of a Results object or a DataFrame, complete runs only."""
    df = getattr(runs, "runs", runs)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"runs: expected analysis.results.Results or a DataFrame, got {type(runs).__name__}")
    if "status" in df.columns:
        df = df[df["status"] == "complete"]
    return df


def _require(df: pd.DataFrame, cols: Sequence[str], arg: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        shown = [c for c in df.columns if not _is_series(c)][:40]
        raise KeyError(f"{arg}: column(s) {missing} not in the runs table; available (series left out): {shown}")


def _is_series(col: str) -> bool:
    return col.endswith((".value", ".met", ".margin")) or (col.count(".") >= 2 and col.rsplit(".", 1)[-1].isdigit())


def labels(runs, by: str | Sequence[str]) -> pd.Series:
    """The scenario label of each run: column ``by``, or the first non-missing of the columns
    ``by`` (a list). Index as ``runs``; missing where every column is missing."""
    df = getattr(runs, "runs", runs)
    cols = [by] if isinstance(by, str) else list(by)
    if not cols:
        raise ValueError("by: give a column name or a non-empty list of column names")
    _require(df, cols, "by")
    out = df[cols[0]].astype(object).where(df[cols[0]].notna(), None)
    for c in cols[1:]:
        out = out.where(out.notna(), df[c].astype(object))
    return out.rename(cols[0])


def scenario_labels(runs, by: str | Sequence[str] | None = None) -> tuple[str, pd.Series]:
    """(name, labels) of the scenarios of a gathered sweep.

    ``by`` given: ``labels(runs, by)``. Otherwise the columns that vary across the complete runs
    (override columns other than ``seed``, ``output.*`` and ``ensemble.*``, plus ``scenario`` and
    ``policy``): none -> one label
    "all"; only experiment columns (EXPERIMENT_COLUMNS) -> the first non-missing of them in that
    order, if that keeps the scenarios apart (runs of several experiments gathered together);
    otherwise (crossed factors, e.g. the shocks experiment's scenario x policy, or other swept
    keys) the name "scenario/policy" and labels "history / no_plan" (values in that order)."""
    df = getattr(runs, "runs", runs)
    if by is not None:
        lab = labels(df, by)
        return lab.name, lab
    ok = _runs_of(df)
    from analysis.results import RUN_COLUMNS

    skip = set(RUN_COLUMNS) - {"scenario", "policy"}
    varying = [
        c
        for c in df.columns
        if c not in skip
        and not _is_series(c)
        and not c.startswith(NOT_SCENARIO)
        and ok[c].astype(str).nunique(dropna=False) > 1
    ]
    if not varying:
        return "scenario", pd.Series("all", index=df.index, name="scenario")
    order = [c for c in EXPERIMENT_COLUMNS if c in varying] + [c for c in varying if c not in EXPERIMENT_COLUMNS]
    if all(c in EXPERIMENT_COLUMNS for c in varying):
        lab = labels(df, order)
        combos = ok[order].astype(str).drop_duplicates()
        if lab.loc[ok.index].nunique() == len(combos):  # coalescing keeps the scenarios apart
            return lab.name, lab
    # several factors crossed (e.g. shocks: scenario x policy): "value / value" in `order`
    name = "/".join(order)
    lab = df[order].apply(lambda r: " / ".join(str(v) for v in r if pd.notna(v)), axis=1)
    return name, lab.rename(name)


def default_baseline(name: str, values) -> object:
    """The reference scenario among ``values``: DEFAULT_BASELINES[name] (or 'no_plan' / 'none')
    when present, else the first value."""
    vals = list(dict.fromkeys(v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))))
    if not vals:
        raise ValueError(f"no scenarios in column '{name}'")
    for cand in (DEFAULT_BASELINES.get(name), "no_plan", "none", "history"):
        if cand in vals:
            return cand
    if "/" in name:  # crossed factors: the label with the most parts at their own default
        parts = name.split("/")
        score = lambda v: sum(DEFAULT_BASELINES.get(c) == x for c, x in zip(parts, str(v).split(" / ")))  # noqa: E731
        return max(vals, key=score)
    return vals[0]


# ---------------------------------------------------------------------------------------------
# Paired differences
# ---------------------------------------------------------------------------------------------
def t_interval(x: np.ndarray, level: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of the t interval for the mean of ``x`` (NaN bounds for fewer than 2
    values; zero width when every value is the same)."""
    from scipy import stats

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if n < 2:
        return m, np.nan, np.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return m, m - half, m + half


def _check_level(level: float) -> None:
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ValueError(f"level: a confidence level strictly between 0 and 1, got {level!r}")


def paired_differences(
    runs,
    outcome: str,
    by: str | Sequence[str],
    baseline=None,
    pair_on: str | Sequence[str] = "seed",
    level: float = CONFIDENCE,
) -> pd.DataFrame:
    """Mean difference of ``outcome`` between each scenario and ``baseline``, paired on ``pair_on``.

    runs: ``Results`` or its ``runs`` table (complete runs are used). outcome: a numeric column
    of it, e.g. ``"value_added.ALL.2025"`` (yuan/year) or ``"T25-ZONES.value"``. by: the
    scenario column (or a list: first non-missing, see ``labels``). baseline: the reference
    scenario (default: ``default_baseline``). pair_on: the column(s) that match a run of one
    scenario with a run of the baseline (the seed: common random numbers). level: confidence level.

    Returns one row per scenario other than the baseline, in order of first appearance:
    ``<by>`` (the label), ``outcome``, ``baseline``, ``n_pairs``, ``mean_baseline`` and ``mean``
    (means over the paired runs), ``diff`` (mean of scenario - baseline per pair), ``diff_lo``,
    ``diff_hi`` (t interval), ``rel_diff`` (mean of the per-pair (scenario - baseline) /
    baseline, a fraction), ``rel_lo``, ``rel_hi``, ``p_value`` (two-sided paired t test; NaN for
    fewer than 2 pairs or zero variance), ``level``. A scenario with no pair gets n_pairs 0 and NaN.
    """
    from scipy import stats

    _check_level(level)
    df = _runs_of(runs)
    _require(df, [outcome], "outcome")
    if (
        not pd.api.types.is_numeric_dtype(df[outcome])
        and not df[outcome].dropna().map(lambda v: isinstance(v, (int, float, np.number, bool))).all()
    ):
        raise TypeError(f"outcome: column '{outcome}' is not numeric")
    p_all = pairs(df, outcome, by, baseline, pair_on)
    name, baseline = p_all.attrs["by"], p_all.attrs["baseline"]
    present = list(dict.fromkeys(labels(df, by).dropna()))
    rows = []
    for s in present:
        if s == baseline:
            continue
        g = p_all[(p_all[name] == s) & p_all["diff"].notna()]
        b, o = g["baseline_value"].to_numpy(float), g["value"].to_numpy(float)
        diff = o - b
        m, lo, hi = t_interval(diff, level)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(b != 0, diff / b, np.nan)
        rm, rlo, rhi = t_interval(rel, level)
        p = np.nan
        if len(diff) >= 2 and np.std(diff) > 0:
            p = float(stats.ttest_1samp(diff, 0.0).pvalue)
        rows.append(
            {
                name: s,
                "outcome": outcome,
                "baseline": baseline,
                "n_pairs": len(diff),
                "mean_baseline": float(b.mean()) if len(b) else np.nan,
                "mean": float(o.mean()) if len(o) else np.nan,
                "diff": m,
                "diff_lo": lo,
                "diff_hi": hi,
                "rel_diff": rm,
                "rel_lo": rlo,
                "rel_hi": rhi,
                "p_value": p,
                "level": level,
            }
        )
    cols = [
        name,
        "outcome",
        "baseline",
        "n_pairs",
        "mean_baseline",
        "mean",
        "diff",
        "diff_lo",
        "diff_hi",
        "rel_diff",
        "rel_lo",
        "rel_hi",
        "p_value",
        "level",
    ]
    return pd.DataFrame(rows, columns=cols)


def pairs(
    runs,
    outcome: str,
    by: str | Sequence[str],
    baseline=None,
    pair_on: str | Sequence[str] = "seed",
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """The matched pairs behind ``paired_differences``: one row per scenario (other than the
    baseline) x pair key, with ``<by>``, the ``pair_on`` columns, ``baseline_value``, ``value``
    and ``diff`` (value - baseline_value) of ``outcome``, and for each column of ``extra`` its
    value in the scenario's run and (suffix ``_baseline``) in the baseline's run. For ratios
    that need the per-pair values (e.g. value added gained per yuan spent)."""
    df = _runs_of(runs)
    pair_cols = [pair_on] if isinstance(pair_on, str) else list(pair_on)
    _require(df, [outcome, *extra], "outcome/extra")
    _require(df, pair_cols, "pair_on")
    lab = labels(df, by)
    name = lab.name
    present = list(dict.fromkeys(lab.dropna()))
    if baseline is None:
        baseline = default_baseline(name, present)
    if baseline not in present:
        raise ValueError(f"baseline: '{baseline}' is not a value of {name!r}; allowed: {present}")
    cols = [outcome, *[c for c in extra if c != outcome]]
    d = df[pair_cols + cols].copy()
    d.insert(0, "_label", lab.to_numpy())
    d = d.dropna(subset=["_label", *pair_cols])
    dup = d.duplicated(["_label", *pair_cols], keep=False)
    if dup.any():
        ex = d[dup].iloc[0]
        raise ValueError(
            f"pair_on: several runs share {name}={ex['_label']!r} and {dict(ex[pair_cols])}; pair on more "
            f"columns (e.g. pair_on=['seed', <another swept column>]) or select the runs first"
        )
    base = d[d["_label"] == baseline].drop(columns="_label").set_index(pair_cols)
    other = d[d["_label"] != baseline].set_index(pair_cols)
    j = other.merge(base, left_index=True, right_index=True, how="inner", suffixes=("", "_baseline")).reset_index()
    out = pd.DataFrame({name: j["_label"].to_numpy()})
    for c in pair_cols:
        out[c] = j[c].to_numpy()
    out["baseline_value"] = pd.to_numeric(j[f"{outcome}_baseline"], errors="coerce").to_numpy()
    out["value"] = pd.to_numeric(j[outcome], errors="coerce").to_numpy()
    out["diff"] = out["value"] - out["baseline_value"]
    for c in extra:
        if c != outcome:
            out[c] = j[c].to_numpy()
            out[f"{c}_baseline"] = j[f"{c}_baseline"].to_numpy()
    out.attrs.update(baseline=baseline, by=name, outcome=outcome)
    order = {s: k for k, s in enumerate(present)}
    return out.sort_values(name, key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def paired_series(
    runs,
    metric: str,
    by: str | Sequence[str],
    baseline=None,
    industry: str = "ALL",
    years: Sequence[int] | None = None,
    pair_on: str | Sequence[str] = "seed",
    level: float = CONFIDENCE,
) -> pd.DataFrame:
    """``paired_differences`` of the headline series ``<metric>.<industry>.<year>`` for every year
    (or ``years``), stacked with a ``year`` column: the paired effect over time."""
    df = _runs_of(runs)
    pre = f"{metric}.{industry}."
    avail = sorted(int(c[len(pre) :]) for c in df.columns if c.startswith(pre) and c[len(pre) :].isdigit())
    if not avail:
        raise KeyError(f"metric/industry: no columns '{pre}<year>' in the runs table (headline metrics only)")
    years = avail if years is None else list(years)
    bad = [y for y in years if y not in avail]
    if bad:
        raise ValueError(f"years: {bad} not in the runs; allowed: {avail}")
    parts = [paired_differences(df, f"{pre}{y}", by, baseline, pair_on, level).assign(year=y) for y in years]
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Target attainment
# ---------------------------------------------------------------------------------------------
def attainment(
    results, by: str | Sequence[str] | None = None, level: float = CONFIDENCE, targets: Sequence[str] | None = None
) -> pd.DataFrame:
    """Probability of meeting each target of the plan, per scenario, with its Wilson interval.

    results: ``Results`` (its ``scorecards`` table is joined with the scenario labels of its
    ``runs``), or a runs table (its ``<target>.met`` columns are used). by: scenario column(s) as
    in ``paired_differences``; None = one group "all". Runs that cannot evaluate a target (met
    missing, e.g. a 2025 target in a run ending earlier) are left out of that target's counts, as
    in the ensemble scorecard (sim.outputs.scorecard.summarise, whose Wilson interval is used here).

    Returns one row per scenario x target, scenarios in order of appearance and targets in the
    plan's order: ``<by>``, ``target``, ``year``, ``kind``, ``runs``, ``evaluated``, ``met``
    (count), ``p_met``, ``ci_low``, ``ci_high``, ``level``.
    """
    from sim.outputs.scorecard import wilson_interval
    from sim.outputs.targets import TARGET_BY_ID, TARGETS

    _check_level(level)
    runs = _runs_of(results)
    if by is None:
        name, lab = "scenario", pd.Series("all", index=runs.index)
    else:
        lab = labels(runs, by)
        name = lab.name
    if hasattr(results, "scorecards") and len(results.scorecards):
        sc = results.scorecards
        sc = sc[sc["run_id"].isin(runs["run_id"])]
        lab_by_run = pd.Series(lab.to_numpy(), index=runs["run_id"].astype(str).to_numpy())
        long = pd.DataFrame(
            {
                "label": sc["run_id"].astype(str).map(lab_by_run).to_numpy(),
                "target": sc["target"].to_numpy(),
                "met": sc["met"].to_numpy(),
            }
        )
    else:
        ids = [t.id for t in TARGETS if f"{t.id}.met" in runs.columns]
        if not ids:
            raise KeyError("results: no scorecards table and no '<target>.met' columns in the runs table")
        long = pd.concat(
            [pd.DataFrame({"label": lab.to_numpy(), "target": t, "met": runs[f"{t}.met"].to_numpy()}) for t in ids],
            ignore_index=True,
        )
    long = long[long["label"].notna()]
    known = [t.id for t in TARGETS]
    if targets is not None:
        bad = [t for t in targets if t not in known]
        if bad:
            raise ValueError(f"targets: unknown {bad}; allowed: {known}")
        long = long[long["target"].isin(targets)]
    order = {t: k for k, t in enumerate(known)}
    rows = []
    for s in dict.fromkeys(long["label"]):
        g = long[long["label"] == s]
        for t in sorted(dict.fromkeys(g["target"]), key=lambda x: order.get(x, len(order))):
            m = g.loc[g["target"] == t, "met"]
            ev = m[m.notna()].astype(bool)
            k, n = int(ev.sum()), len(ev)
            lo, hi = wilson_interval(k, n, level)
            tgt = TARGET_BY_ID.get(t)
            rows.append(
                {
                    name: s,
                    "target": t,
                    "year": tgt.year if tgt else None,
                    "kind": tgt.kind if tgt else None,
                    "runs": len(m),
                    "evaluated": n,
                    "met": k,
                    "p_met": k / n if n else np.nan,
                    "ci_low": np.nan if lo is None else lo,
                    "ci_high": np.nan if hi is None else hi,
                    "level": level,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[name, "target", "year", "kind", "runs", "evaluated", "met", "p_met", "ci_low", "ci_high", "level"],
    )
    out["year"] = out["year"].astype("Int64")  # missing: a long-term target (read at the run's last year)
    return out


# ---------------------------------------------------------------------------------------------
# Lever effects (the ablation experiment)
# ---------------------------------------------------------------------------------------------
def lever_groups() -> tuple[str, ...]:
    """The plan's lever groups: the sections of the ``policy`` config node (sim/policy/config.py)."""
    from sim.policy.config import PolicyConfig

    return tuple(f.name for f in fields(PolicyConfig) if f.name != "name")


def spend_group(metric: str) -> str | None:
    """The lever group of a ``spend_<group>_<lever>`` metric (None for other metrics and spend_total)."""
    if not metric.startswith("spend_"):
        return None
    g = metric[len("spend_") :].split("_", 1)[0]
    return g if g in lever_groups() else None


def lever_effects(
    results,
    outcome: str = "value_added.ALL.2025",
    column: str = "ablation",
    full="none",
    pair_on: str | Sequence[str] = "seed",
    level: float = CONFIDENCE,
) -> pd.DataFrame:
    """The effect of each lever group from the ablation experiment, paired by seed.

    The ablation experiment runs the plan (``<column> = full``) and, for each lever group g, the
    plan without g (``<column> = g``). The effect of g is plan - plan without g on ``outcome``
    (yuan/year for value added), the mean over seeds of the per-seed differences with a t
    interval; ``rel_effect`` is the mean per-seed (plan - plan without g) / plan (a fraction of
    the plan's level). When ``results`` is a ``Results`` with annual tables, ``spend`` is the
    group's public spending in the full plan, mean over its runs, summed over the years up to
    the outcome's year when the outcome is a ``<metric>.<industry>.<year>`` series (yuan), and
    ``effect_per_yuan`` = effect / spend.

    Returns one row per ablated group in the plan's group order: ``group``, ``n_pairs``,
    ``mean_full``, ``mean_without``, ``effect``, ``effect_lo``, ``effect_hi``, ``rel_effect``,
    ``rel_lo``, ``rel_hi``, ``p_value``, ``spend``, ``effect_per_yuan``, ``outcome``, ``level``.
    """
    runs = _runs_of(results)
    _require(runs, [column], "column")
    present = list(dict.fromkeys(runs[column].dropna()))
    if full not in present:
        raise ValueError(f"full: '{full}' (the plan with every group) is not a value of '{column}'; allowed: {present}")
    pd_ = paired_differences(runs, outcome, column, baseline=full, pair_on=pair_on, level=level)
    spend = _group_spend(results, runs, column, full, outcome)
    groups = lever_groups()
    rows = []
    for _, r in pd_.iterrows():
        g = r[column]
        eff = -r["diff"]
        sp = spend.get(g, np.nan)
        rows.append(
            {
                "group": g,
                "n_pairs": r["n_pairs"],
                "mean_full": r["mean_baseline"],
                "mean_without": r["mean"],
                "effect": eff,
                "effect_lo": -r["diff_hi"],
                "effect_hi": -r["diff_lo"],
                "rel_effect": -r["rel_diff"],
                "rel_lo": -r["rel_hi"],
                "rel_hi": -r["rel_lo"],
                "p_value": r["p_value"],
                "spend": sp,
                "effect_per_yuan": eff / sp if sp and np.isfinite(sp) and sp > 0 else np.nan,
                "outcome": outcome,
                "level": level,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "group",
            "n_pairs",
            "mean_full",
            "mean_without",
            "effect",
            "effect_lo",
            "effect_hi",
            "rel_effect",
            "rel_lo",
            "rel_hi",
            "p_value",
            "spend",
            "effect_per_yuan",
            "outcome",
            "level",
        ],
    )
    rank = {g: k for k, g in enumerate(groups)}
    return out.sort_values("group", key=lambda s: s.map(lambda g: rank.get(g, len(rank))), kind="stable").reset_index(
        drop=True
    )


def _group_spend(results, runs: pd.DataFrame, column: str, full, outcome: str) -> dict:
    """Mean over the full-plan runs of each group's spending (yuan) up to the outcome's year."""
    annual = getattr(results, "annual", None)
    if annual is None or not len(annual):
        return {}
    ids = runs.loc[runs[column] == full, "run_id"]
    last = outcome.rsplit(".", 1)[-1]
    a = annual[annual["run_id"].isin(ids) & (annual["industry"] == "ALL") & (annual["district"] == "ALL")]
    if last.isdigit():
        a = a[a["year"] <= int(last)]
    a = a.assign(group=a["metric"].astype(str).map(spend_group)).dropna(subset=["group"])
    if a.empty:
        return {}
    per_run = a.groupby(["group", "run_id"], observed=True)["value"].sum()
    return per_run.groupby(level="group").mean().to_dict()


def budget_by_group(annual: pd.DataFrame, run_ids=None) -> pd.DataFrame:
    """Public spending by lever group and year (yuan/year), mean over the runs ``run_ids`` (all
    runs when None): rows year, columns the groups that spend anything (plan order)."""
    a = annual[(annual["industry"] == "ALL") & (annual["district"] == "ALL")]
    if run_ids is not None:
        a = a[a["run_id"].isin(list(run_ids))]
    n = a["run_id"].nunique()  # runs with annual rows: those without spending count as zero
    a = a.assign(group=a["metric"].astype(str).map(spend_group)).dropna(subset=["group"])
    if a.empty or n == 0:
        return pd.DataFrame()
    t = a.groupby(["year", "group"], observed=True)["value"].sum().unstack("group", fill_value=0.0) / n
    t = t[[g for g in lever_groups() if g in t.columns and t[g].sum() > 0]]
    t.index = t.index.astype(int)
    return t


__all__ = [
    "CONFIDENCE",
    "labels",
    "scenario_labels",
    "default_baseline",
    "t_interval",
    "pairs",
    "paired_differences",
    "paired_series",
    "attainment",
    "lever_groups",
    "spend_group",
    "lever_effects",
    "budget_by_group",
]
