"""Figure 8: the plan under shocks (the shocks experiment, configs/experiment/shocks.yaml): for each
shock preset, the plan's effect on SEI value added (plan - no plan, paired on seed, mean and 95% t
interval), next to the same effect without a shock; the caption gives the shock's cost."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import style as st
from analysis.figures._common import NotApplicable, as_results, attach, caption_fields, complete
from analysis.stats import CONFIDENCE, paired_differences

PRESET_NAMES = {
    "none": ("no shock", "无冲击"),
    "pandemic_2020": ("2020 pandemic", "2020年新冠疫情"),
    "lockdown_2022": ("2022 lockdowns", "2022年封控"),
    "chip_export_rules": ("chip export rules (2022-)", "芯片出口管制（2022年起）"),
    "import_cut": ("import cut (2023-)", "进口中断（2023年起）"),
    "trade_war_tariff": ("trade-war tariffs (2019-)", "贸易战关税（2019年起）"),
}
TEXT = {
    "en": {
        "x": "Effect of the plan on SEI value added {year} (100m yuan)",
        "title": "The plan's effect under each shock",
        "caption": "{source}. Each bar: the plan as enacted minus no plan under the shock, same seeds ({seeds}; mean and "
        "{level:.0f}% t interval); dashed line: the effect without a shock. Shocks are laid on steady trend demand; "
        "their sizes are assumptions (see the shocks page of the documentation).",
    },
    "zh": {
        "x": "规划对{year}年战略性新兴产业增加值的影响（亿元）",
        "title": "各类冲击下规划的作用",
        "caption": "{source}。每条：冲击下按规划实施减去无规划，相同随机种子"
        "（{n}个；均值及{level:.0f}% t区间）；虚线：无冲击时的作用。冲击叠加在趋势需求上，冲击大小为假设（见文档的冲击页面）。",
    },
}


def shock_effects(res, outcome: str, level: float = CONFIDENCE) -> pd.DataFrame:
    """Per shock preset: the plan's paired effect (plan_2018 - no_plan) on ``outcome``."""
    rows = []
    for preset in dict.fromkeys(res.runs["shocks"]):
        sub = res.runs[res.runs["shocks"] == preset]
        d = paired_differences(sub, outcome, "policy", "no_plan", level=level)
        d = d[d["policy"] == "plan_2018"]
        if len(d) and d["n_pairs"].iloc[0] > 0:
            rows.append({"shock": preset, **d.iloc[0][["n_pairs", "diff", "diff_lo", "diff_hi", "rel_diff"]].to_dict()})
    return pd.DataFrame(rows)


def fig_shocks(results, *, year: int | None = None, level: float = CONFIDENCE, lang: str = "en"):
    res = complete(as_results(results))
    if "shocks" not in res.runs.columns or res.runs["policy"].nunique() < 2:
        raise NotApplicable("no 'shocks' column with plan_2018 and no_plan: run python -m experiments.shocks")
    years = sorted(int(c.rsplit(".", 1)[-1]) for c in res.runs.columns if c.startswith("value_added.ALL."))
    year = year or years[-1]
    eff = shock_effects(res, f"value_added.ALL.{year}", level)
    if eff.empty:
        raise NotApplicable("no paired plan_2018 / no_plan runs under any shock")
    with st.style(lang) as lang:
        tx = TEXT[lang]
        fig = st.figure(st.WIDTH_SINGLE * 1.45, 0.9 + 0.3 * len(eff))
        ax = fig.subplots()
        y = np.arange(len(eff))[::-1]
        u = st.YUAN_UNIT
        ax.errorbar(
            eff["diff"] / u,
            y,
            xerr=[(eff["diff"] - eff["diff_lo"]) / u, (eff["diff_hi"] - eff["diff"]) / u],
            fmt="o",
            color=st.OKABE_ITO["blue"],
            capsize=2.5,
        )
        base = eff[eff["shock"] == "none"]
        if len(base):
            ax.axvline(base["diff"].iloc[0] / u, color="#555555", ls="--", lw=0.8)
        ax.axvline(0, color="black", lw=0.6)
        k = 1 if lang == "zh" else 0
        ax.set_yticks(y, [PRESET_NAMES.get(s, (s, s))[k] for s in eff["shock"]])
        ax.set_xlabel(tx["x"].format(year=year))
        ax.set_title(tx["title"])
        st.caption(fig, tx["caption"].format(**caption_fields(res.runs, lang), level=100 * level))
    attach(fig, effects=eff)
    return fig
