"""Figure 9: the plan's effect by district, with its uncertainty: for each district the paired
effect of the plan (plan as enacted - no plan, same seeds) on SEI output (or value added) in one
year, mean and 95% t interval, sorted by effect. Needs runs of both policies (plan_vs_no_plan)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import style as st
from analysis.figures._common import NotApplicable, as_results, attach, caption_fields, complete
from analysis.stats import CONFIDENCE, t_interval

TEXT = {
    "en": {
        "x": "Effect of the plan on SEI {metric} {year} (100m yuan)",
        "title": "The plan's effect by district",
        "caption": "{source}. Each district: the plan as enacted minus no plan, same seeds ({seeds}); dot: mean, bar: "
        "{level:.0f}% t interval. 100m yuan per year, current prices.",
    },
    "zh": {
        "x": "规划对{year}年各区战略性新兴产业{metric}的影响（亿元）",
        "title": "规划对各区的作用",
        "caption": "{source}。各区：按规划实施减去无规划，相同随机种子（{n}个）；"
        "点：均值，线：{level:.0f}% t区间。单位亿元/年，当年价格。",
    },
}
METRIC_NAMES = {"output": ("output", "产值"), "value_added": ("value added", "增加值")}


def district_effects(res, metric: str, year: int, level: float = CONFIDENCE) -> pd.DataFrame:
    """Per district: n_pairs, effect (yuan/year), effect_lo, effect_hi (plan_2018 - no_plan, paired on seed)."""
    runs = res.runs[res.runs["policy"].isin(["plan_2018", "no_plan"])][["run_id", "policy", "seed"]]
    a = res.annual
    a = a[(a["metric"] == metric) & (a["year"] == year) & (a["industry"] == "ALL") & (a["district"] != "ALL")]
    a = a.assign(run_id=a["run_id"].astype(str), district=a["district"].astype(str))
    m = a.merge(runs.assign(run_id=runs["run_id"].astype(str)), on="run_id")
    w = m.pivot_table(index=["district", "seed"], columns="policy", values="value", aggfunc="first").dropna()
    rows = []
    for d, g in w.groupby(level="district"):
        diff = (g["plan_2018"] - g["no_plan"]).to_numpy(float)
        mean, lo, hi = t_interval(diff, level)
        rows.append({"district": d, "n_pairs": len(diff), "effect": mean, "effect_lo": lo, "effect_hi": hi})
    return pd.DataFrame(rows).sort_values("effect", kind="stable").reset_index(drop=True)


def fig_district_effects(
    results, *, metric: str = "output", year: int | None = None, level: float = CONFIDENCE, lang: str = "en"
):
    res = complete(as_results(results))
    if "policy" not in res.runs.columns or not {"plan_2018", "no_plan"} <= set(res.runs["policy"].dropna()):
        raise NotApplicable("needs runs of policy plan_2018 and no_plan (python -m experiments.plan_vs_no_plan)")
    year = year or int(res.annual["year"].max())
    eff = district_effects(res, metric, year, level)
    if eff.empty:
        raise NotApplicable(f"no district rows of {metric} in {year} for paired plan_2018 / no_plan runs")
    with st.style(lang) as lang:
        tx, k = TEXT[lang], 1 if lang == "zh" else 0
        fig = st.figure(st.WIDTH_SINGLE * 1.45, 0.9 + 0.26 * len(eff))
        ax = fig.subplots()
        y, u = np.arange(len(eff)), st.YUAN_UNIT
        ax.errorbar(
            eff["effect"] / u,
            y,
            xerr=[(eff["effect"] - eff["effect_lo"]) / u, (eff["effect_hi"] - eff["effect"]) / u],
            fmt="o",
            color=st.OKABE_ITO["blue"],
            capsize=2.5,
        )
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(y, [st.district_name(d, lang) for d in eff["district"]])
        ax.set_xlabel(tx["x"].format(metric=METRIC_NAMES[metric][k], year=year))
        ax.set_title(tx["title"])
        st.caption(fig, tx["caption"].format(**caption_fields(res.runs, lang), level=100 * level))
    attach(fig, effects=eff)
    return fig
