"""Figure 2: scenario comparison. (a) fan chart of SEI value added per scenario (median and
percentile band over seeds); (b) the paired difference of each scenario against the baseline
per year (mean over common seeds with its t interval)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis import style as st
from analysis.figures._common import (
    NotApplicable,
    as_results,
    attach,
    band_stats,
    caption_fields,
    complete,
    scenarios,
    subset,
)
from analysis.stats import CONFIDENCE, paired_series

TEXT = {
    "en": {
        "caption": "{source}; scenarios by {name}, {seeds} per scenario, {scale}. (a) lines: median over seeds; bands: "
        "{lo}-{hi}th percentiles. (b) mean over {n_pairs}+ seeds of the same-seed difference (common random numbers) "
        "with its {level:.0%} t interval. 100m yuan = 1e8 yuan per year, current prices.",
    },
    "zh": {
        "caption": "{source}；情景按{name}划分，每个情景{seeds}，{scale}。(a)线：各随机种子的中位数；阴影：第{lo}-{hi}"
        "百分位。(b)相同随机种子配对差异（共同随机数）在至少{n_pairs}个随机种子上的均值及{level:.0%} t区间。"
        "单位亿元/年，当年价格。",
    },
}


def fig_scenarios(
    results,
    by=None,
    baseline=None,
    *,
    metric: str = "value_added",
    industry: str = "ALL",
    band=(10, 90),
    level: float = CONFIDENCE,
    lang: str = "en",
    include=None,
):
    """Fan charts of ``metric`` (``industry``, yuan/year) per scenario, and paired differences
    against ``baseline`` (default: no_plan / none / history / the first scenario).

    ``include``: scenarios to show (default all). ``fig.plot_data``: ``fan`` (scenario, year, n,
    median, lo, hi, mean; yuan) and ``paired`` (analysis.stats.paired_series: one row per
    scenario x year, yuan)."""
    res = complete(as_results(results))
    name, lab, present, baseline = scenarios(res, by, baseline)
    if len(present) < 2:
        raise NotApplicable(f"one scenario only ({name}={present}); the comparison needs two or more")
    show = present if include is None else list(include)
    bad = [s for s in show if s not in present]
    if bad:
        raise ValueError(f"include: {bad} not among the scenarios of '{name}': {present}")
    if baseline not in show:
        show = [baseline, *show]
    colors = st.scenario_colors(show)
    runs = res.runs.copy()
    runs[name] = lab.to_numpy()
    paired = paired_series(runs, metric, name, baseline, industry, level=level)
    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_DOUBLE, 3.2)
        ax1, ax2 = fig.subplots(1, 2)
        fans = []
        for s in show:
            ids = res.runs.loc[(lab == s).to_numpy(), "run_id"]
            w = subset(res, ids).series(metric, industry, "ALL")
            w.columns = w.columns.astype(int)
            b = band_stats(w, band)
            b.insert(0, name, s)
            fans.append(b)
            c = colors[s]
            ax1.fill_between(b["year"], b["lo"] / st.YUAN_UNIT, b["hi"] / st.YUAN_UNIT, color=c, alpha=0.2, lw=0)
            ax1.plot(
                b["year"],
                b["median"] / st.YUAN_UNIT,
                color=c,
                label=str(s),
                lw=1.6 if s == baseline else 1.3,
                ls="--" if s == baseline else "-",
            )
        fan = pd.concat(fans, ignore_index=True)
        shown = paired[paired[name].isin(show)]
        k = 0
        others = [s for s in show if s != baseline]
        width = 0.6 / max(1, len(others))
        for s in others:
            d = shown[shown[name] == s]
            x = d["year"].to_numpy() + (k - (len(others) - 1) / 2) * width
            k += 1
            y = d["diff"].to_numpy() / st.YUAN_UNIT
            err = np.vstack([y - d["diff_lo"].to_numpy() / st.YUAN_UNIT, d["diff_hi"].to_numpy() / st.YUAN_UNIT - y])
            ax2.errorbar(
                x, y, yerr=np.nan_to_num(err), color=colors[s], marker="o", ms=3, lw=1.0, capsize=1.5, label=str(s)
            )
        ax2.axhline(0, color=colors[baseline], lw=0.9, ls="--")
        ax1.set_ylabel(
            st.t("va_unit", lang)
            if metric == "value_added"
            else f"{metric} ({'100m yuan' if lang == 'en' else '亿元'})"
        )
        ax2.set_ylabel(st.t("va_diff_unit", lang) if metric == "value_added" else f"{metric} difference")
        for ax in (ax1, ax2):
            ax.set_xlabel(st.t("year", lang))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        title = st.t("fan_title", lang) if industry == "ALL" else st.industry_name(industry, lang)
        ax1.set_title(f"(a) {title}")
        ax2.set_title(f"(b) {st.t('diff_title', lang, base=baseline)}")
        ax1.legend(title=name, loc="upper left", fontsize=6.5)
        n = int(shown["n_pairs"].min()) if len(shown) else 0
        cap = TEXT[lang]["caption"].format(
            **caption_fields(res.runs, lang), name=name, lo=band[0], hi=band[1], n_pairs=n, level=level
        )
        st.caption(fig, cap)
    attach(fig, fan=fan, paired=shown.reset_index(drop=True))
    return fig


__all__ = ["fig_scenarios"]
