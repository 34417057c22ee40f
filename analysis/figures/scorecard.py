"""Figure 3: the target scorecard as a heatmap, scenario x target, coloured by the probability
of meeting the target (share of seeds), with the Wilson interval in each cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import style as st
from analysis.figures._common import as_results, attach, caption_fields, complete, scenarios
from analysis.stats import CONFIDENCE, attainment

TEXT = {
    "en": {
        "caption": "{source}; {seeds} per scenario, {scale}. Cell: the share of seeds meeting the target; the Wilson "
        "{level:.0%} intervals are in the companion table written beside the figure. n/a: no run could evaluate the "
        "target. Targets labelled T20 are read in 2020, T25 in 2025 and TLT (long term) in the run's last year; "
        "several are declared proxies for qualitative targets (see the targets page).",
    },
    "zh": {
        "caption": "{source}；每个情景{seeds}，{scale}。格内数值：达成目标的随机种子比例；Wilson {level:.0%}区间见图旁"
        "的配套表格。n/a：没有运行能评估该目标。标为T20的目标按2020年评估，T25按2025年，TLT（长期）按运行的最后"
        "一年；其中若干为定性目标的代理指标（见文档的目标页面）。",
    },
}


def fig_scorecard(results, by=None, *, level: float = CONFIDENCE, lang: str = "en", targets=None):
    """Heatmap of P(target met) per scenario (rows) and target (columns, the plan's order).

    Cells: P(met), readable at print size; the Wilson ``level`` intervals are in the companion table
    ``fig.plot_data['table']`` (written as ``<name>_table.csv`` by the CLI); a cell with no evaluated
    run is grey. ``fig.plot_data``: ``attainment`` (analysis.stats.attainment) and ``matrix`` (the
    plotted P(met), scenarios x targets)."""
    res = complete(as_results(results))
    name, lab, present, _ = scenarios(res, by)
    runs = res.runs.copy()
    runs[name] = lab.to_numpy()
    from analysis.results import Results

    att = attainment(Results(runs, res.annual, res.scorecards), name, level=level, targets=targets)
    order_t = list(dict.fromkeys(att["target"]))
    mat = att.pivot(index=name, columns="target", values="p_met").reindex(index=present, columns=order_t)
    lo = att.pivot(index=name, columns="target", values="ci_low").reindex(index=present, columns=order_t)
    hi = att.pivot(index=name, columns="target", values="ci_high").reindex(index=present, columns=order_t)
    with st.style(lang) as lang:
        h = 1.2 + 0.32 * len(present)
        fig = st.figure(st.WIDTH_DOUBLE, max(2.2, h))
        ax = fig.subplots()
        cmap = __import__("matplotlib").colormaps[st.SEQUENTIAL].with_extremes(bad="#E0E0E0")
        im = ax.imshow(np.ma.masked_invalid(mat.to_numpy(float)), cmap=cmap, vmin=0, vmax=1, aspect="auto")
        for i in range(mat.shape[0]):
            for j in range(mat.shape[1]):
                p = mat.iat[i, j]
                if pd.isna(p):
                    ax.text(j, i, "n/a", ha="center", va="center", fontsize=5.5, color="#555555")
                    continue
                col = "black" if p > 0.6 else "white"
                ax.text(j, i, f"{p:.2f}", ha="center", va="center", fontsize=7, color=col, fontweight="bold")
        ax.set_xticks(range(len(order_t)), order_t, rotation=40, ha="right")
        ax.set_yticks(range(len(present)), [st.scenario_name(s, lang) for s in present])
        ax.set_xlabel(st.t("target", lang))
        ax.set_ylabel(st.t("scenario", lang))
        ax.grid(False)
        ax.spines[:].set_visible(False)
        ax.set_title(st.t("heat_title", lang))
        cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
        cb.set_label(st.t("p_met", lang))
        cap = TEXT[lang]["caption"].format(**caption_fields(res.runs, lang), level=level)
        st.caption(fig, cap)
    table = mat.copy().astype(object)
    for i in range(mat.shape[0]):
        for j in range(mat.shape[1]):
            p = mat.iat[i, j]
            table.iat[i, j] = "n/a" if pd.isna(p) else f"{p:.2f} [{lo.iat[i, j]:.2f}, {hi.iat[i, j]:.2f}]"
    table.index = [st.scenario_name(x) for x in table.index]
    attach(fig, attainment=att, matrix=mat, table=table)
    return fig


__all__ = ["fig_scorecard"]
