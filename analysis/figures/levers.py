"""Figure 4: lever effects from the ablation experiment, as a forest plot: the effect of each
lever group on SEI value added (plan - plan without the group, paired by seed) with its t
interval."""

from __future__ import annotations

import numpy as np

from analysis import style as st
from analysis.figures._common import NotApplicable, as_results, attach, caption_fields, complete
from analysis.stats import CONFIDENCE, lever_effects

TEXT = {
    "en": {
        "caption": "{source}; the plan as enacted and the plan without one group of measures at a time, {seeds}, "
        "{scale}. Effect of a group = SEI value added of the plan minus that of the plan without the group in {year}, "
        "mean over {n_pairs}+ same-seed pairs, {level:.0%} t interval (blue: excludes 0). Right margin: effect in % of "
        "the plan's value added, and the group's public spending 2019-{year} in the plan (100m yuan). Effects of "
        "groups are not additive.",
    },
    "zh": {
        "caption": "{source}；按规划实施，以及每次去除一组措施的规划，{seeds}，{scale}。某组措施的作用为{year}年"
        "按规划实施的战略性新兴产业增加值减去去除该组后的规划的增加值，至少{n_pairs}对相同随机种子配对的均值，"
        "{level:.0%} t区间（蓝色：不含0）。右侧：作用占规划增加值的百分比，以及该组在规划中2019-{year}年的财政投入"
        "（亿元）。各组的作用不可相加。",
    },
}


def fig_levers(
    results,
    *,
    year: int = 2025,
    industry: str = "ALL",
    column: str = "ablation",
    full="none",
    level: float = CONFIDENCE,
    lang: str = "en",
):
    """Forest plot of the lever groups' effects on value added in ``year`` (100m yuan), sorted by
    effect; the right margin gives the relative effect (% of the plan's level) and the group's
    public spending up to ``year``. ``fig.plot_data['effects']``: analysis.stats.lever_effects."""
    res = complete(as_results(results))
    if column not in res.runs.columns:
        raise NotApplicable(
            f"no '{column}' column: run the lever_ablation experiment (python -m sim -m +experiment=lever_ablation)"
        )
    outcome = f"value_added.{industry}.{year}"
    if outcome not in res.runs.columns:
        raise ValueError(f"year/industry: no column '{outcome}' in the runs")
    eff = lever_effects(res, outcome, column=column, full=full, level=level)
    if eff.empty:
        raise NotApplicable(f"no ablated groups next to '{column}={full}'")
    eff_sorted = eff.sort_values("effect", kind="stable").reset_index(drop=True)
    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_SINGLE * 1.45, 0.9 + 0.28 * len(eff_sorted))
        ax = fig.subplots()
        y = np.arange(len(eff_sorted))
        x = eff_sorted["effect"].to_numpy() / st.YUAN_UNIT
        lo = eff_sorted["effect_lo"].to_numpy() / st.YUAN_UNIT
        hi = eff_sorted["effect_hi"].to_numpy() / st.YUAN_UNIT
        sig = (lo > 0) | (hi < 0)
        col = np.where(sig, st.OKABE_ITO["blue"], st.OKABE_ITO["grey"])
        ax.hlines(y, np.nan_to_num(lo, nan=x), np.nan_to_num(hi, nan=x), color=col, lw=1.4)
        ax.scatter(x, y, color=col, marker="s", s=18, zorder=3, label=f"mean and {level:.0%} CI")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [st.scenario_name(g, lang) for g in eff_sorted["group"]])
        ax.set_xlabel(st.t("va_effect_2025", lang, year=year))
        ax.set_ylabel(st.t("lever_group", lang))
        ax.grid(axis="y", visible=False)
        labels = []
        for _, r in eff_sorted.iterrows():
            rel = "" if np.isnan(r["rel_effect"]) else f"{100 * r['rel_effect']:+.1f}%"
            sp = "" if not np.isfinite(r["spend"]) else f"  {r['spend'] / st.YUAN_UNIT:,.0f}"
            labels.append(f"{rel}{sp}")
        ax2 = ax.secondary_yaxis("right")
        ax2.set_yticks(y, labels)
        ax2.tick_params(length=0, labelsize=6)
        ax2.spines["right"].set_visible(False)
        ax.text(
            1.02,
            1.0,
            st.t("pct_of_plan_spend", lang),
            transform=ax.transAxes,
            fontsize=5.5,
            va="bottom",
            ha="left",
            color="#333333",
        )
        ax.set_title(st.t("forest_title", lang), fontsize=8)
        fields = caption_fields(res.runs, lang, year=year, n_pairs=int(eff["n_pairs"].min()), level=level)
        cap = TEXT[lang]["caption"].format(**fields)
        st.caption(fig, cap)
    attach(fig, effects=eff)
    return fig


__all__ = ["fig_levers"]
