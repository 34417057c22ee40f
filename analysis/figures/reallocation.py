"""The budget response curve: the paired effect on SEI value added of moving more and more money
from one lever (or lever group) to another at constant total spending (experiments/reallocate.py).
Input: a table with one row per amount moved (``amount`` yuan/year, ``effect``, ``effect_lo``,
``effect_hi`` yuan/year, ``pairs``), the plan itself being amount 0 and effect 0."""

from __future__ import annotations

import pandas as pd

from analysis import style as st
from analysis.figures._common import attach, source

TEXT = {
    "en": {
        "x": "money moved, 100m yuan per year",
        "y": "effect on SEI value added {year}, 100m yuan",
        "title": "Budget move: {src} → {dst}",
        "caption": (
            "Each point: the plan with the amount moved minus the plan as enacted, same seeds (mean of {pairs} "
            "paired runs, bar: 95% t interval). Total budgets are held constant (what is spent may differ: see the spending check of the reallocate command). {source}."
        ),
    },
    "zh": {
        "x": "调整资金（亿元/年）",
        "y": "对{year}年战略性新兴产业增加值的影响（亿元）",
        "title": "资金调整：{src} → {dst}",
        "caption": (
            "每个点：调整后的规划减去原规划，相同随机种子（{pairs}对运行的均值，误差线为95% t区间）。"
            "预算总额保持不变。{source}。"
        ),
    },
}


def fig_response_curve(curve: pd.DataFrame, src: str, dst: str, year: int, lang: str = "en"):
    """The effect of each amount moved from ``src`` to ``dst`` on SEI value added in ``year``."""
    with st.style(lang) as eff:
        tx = TEXT[eff]
        c = pd.concat([pd.DataFrame([{"amount": 0.0, "effect": 0.0, "effect_lo": 0.0, "effect_hi": 0.0}]), curve])
        c = c.sort_values("amount").reset_index(drop=True)
        fig = st.figure(st.WIDTH_SINGLE, 2.6)
        ax = fig.add_subplot()
        x, u = c["amount"] / st.YUAN_UNIT, st.YUAN_UNIT
        ax.axhline(0, color="#888888", lw=0.6, ls=":")
        ax.errorbar(
            x,
            c["effect"] / u,
            yerr=[(c["effect"] - c["effect_lo"]) / u, (c["effect_hi"] - c["effect"]) / u],
            color=st.OKABE_ITO["blue"],
            marker="o",
            ms=3.5,
            lw=1.2,
            capsize=2.5,
        )
        ax.set_xlabel(tx["x"])
        ax.set_ylabel(tx["y"].format(year=year))
        ax.set_title(tx["title"].format(src=src, dst=dst), fontsize=7)
        pairs = int(curve["pairs"].min()) if "pairs" in curve and len(curve) else 0
        st.caption(fig, tx["caption"].format(pairs=pairs, source=source(eff)))
    attach(fig, response_curve=c)
    return fig
