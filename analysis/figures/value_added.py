"""Figure 1: SEI value added by industry, 2018-2025, with ensemble bands, the observed 2018-2019
points, and the plan's cluster thresholds (万亿 / 千亿) on the scale the targets use."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from analysis import style as st
from analysis.figures._common import attach, band_stats, caption_fields, pick, series
from sim.ids import INDUSTRIES

TEXT = {
    "en": {
        "caption": "{source}; scenario: {scenario}; {seeds}, {scale}. Lines: median over runs; bands: {lo}-{hi}th "
        "percentiles. Markers in (a): the statistics of 2018 and 2019 (2018 by industry is the 2018 total split by "
        "the 2019 shares). (b): clusters are measured by {measure}; trillion-yuan clusters are counted over "
        "industries and sub-fields, hundred-billion clusters over the sub-fields the plan names. Log scales; 100m "
        "yuan (1e8 yuan) per year, current prices.",
    },
    "zh": {
        "caption": "{source}；情景：{scenario}；{seeds}，{scale}。线：各次运行的中位数；阴影：第{lo}-{hi}百分位。(a)中的标记为2018、2019年统计数据（2018年分产业数"
        "按2019年结构拆分）。(b)产业集群按{measure}计量：万亿级集群按产业和细分领域计，千亿级集群按规划列出的细分"
        "领域计。对数坐标；单位亿元，当年价格。",
    },
}


def observed_value_added() -> pd.DataFrame:
    """The statistics the model starts from: industry, year (2018, 2019), value_added (yuan/year)
    from sim.basedata (2018 by industry = the 2018 total split by 2019 shares)."""
    from sim.basedata import load

    bd = load()
    rows = [
        {"industry": ind, "year": y, "value_added": float(v[k])}
        for y, v in ((2018, bd.va_2018), (2019, bd.va_2019))
        for k, ind in enumerate(INDUSTRIES)
    ]
    return pd.DataFrame(rows)


def cluster_definitions(targets=None) -> dict:
    """The cluster measure and thresholds (sim.outputs.evaluation.definitions) of ``targets`` (a targets
    config node), default: the default config's (configs/targets/plan_2018.yaml)."""
    from sim.outputs.evaluation import definitions

    if targets is None:
        from sim.config import to_config

        targets = to_config(None).targets
    return definitions(targets)


def log_axis(ax) -> None:
    """Log y axis with plain-number ticks at 1, 2, 5 x 10^k (readable at print size)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def fig_value_added(
    results, scenario=None, by=None, *, band=(10, 90), lang: str = "en", targets=None, industries=INDUSTRIES
):
    """SEI value added by industry (left) and the clusters' scale with the plan's thresholds
    (right), median over the runs of one scenario with a percentile band.

    results: ``Results`` or sweep folder(s). scenario / by: which runs (default: the plan as
    enacted, see ``_common.pick``). band: percentiles of the band. targets: a targets config
    node for the thresholds (default config's). Units: 100m yuan (亿元) per year, current prices.
    ``fig.plot_data``: ``value_added`` and ``cluster`` (industry, year, n, median, lo, hi, mean in
    yuan/year), ``observed`` (yuan/year), ``thresholds`` (yuan/year)."""
    from analysis.figures._common import as_results

    res, name, label = pick(as_results(results), scenario, by)
    defs = cluster_definitions(targets)
    measure = defs["cluster_measure"]
    bad = [i for i in industries if i not in INDUSTRIES]
    if bad:
        raise ValueError(f"industries: unknown {bad}; allowed: {list(INDUSTRIES)}")
    obs = observed_value_added()
    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_DOUBLE, 3.6)
        gs = fig.add_gridspec(2, 2, height_ratios=[1, 0.2])
        ax1, ax2 = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
        tabs = {}
        for ax, metric in ((ax1, "value_added"), (ax2, measure)):
            parts = []
            for ind in industries:
                b = band_stats(series(res, metric, ind), band).assign(industry=ind)
                parts.append(b)
                sty = st.industry_style(ind)
                y = b["year"].to_numpy()
                ax.fill_between(y, b["lo"] / st.YUAN_UNIT, b["hi"] / st.YUAN_UNIT, color=sty["color"], alpha=0.18, lw=0)
                ax.plot(
                    y,
                    b["median"] / st.YUAN_UNIT,
                    color=sty["color"],
                    ls=sty["linestyle"],
                    label=st.industry_name(ind, lang),
                )
            tabs[metric] = pd.concat(parts, ignore_index=True)
        for ind in industries:
            o = obs[obs["industry"] == ind]
            ax1.scatter(
                o["year"],
                o["value_added"] / st.YUAN_UNIT,
                color=st.industry_style(ind)["color"],
                marker=st.industry_style(ind)["marker"],
                edgecolor="black",
                linewidth=0.4,
                s=16,
                zorder=3,
            )
        ax1.scatter([], [], marker="o", facecolor="white", edgecolor="black", s=16, label=st.t("observed", lang))
        thr = {"trillion": defs["trillion_yuan"], "hundredbn": defs["hundred_billion_yuan"]}
        for key, ls in (("trillion", "-"), ("hundredbn", "--")):
            ax2.axhline(thr[key] / st.YUAN_UNIT, color="black", ls=ls, lw=0.9, label=st.t(key, lang))
        for ax in (ax1, ax2):
            log_axis(ax)
            ax.set_xlabel(st.t("year", lang))
            ax.set_xlim(2017.6, max(2025, int(tabs["value_added"]["year"].max())) + 0.4)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax1.set_ylabel(st.t("va_unit", lang))
        ax2.set_ylabel(st.t("output_unit", lang) if measure == "output" else st.t("va_unit", lang))
        ax1.set_title(f"(a) {st.t('va_title', lang)}")
        ax2.set_title(f"(b) {st.t('cluster_title', lang, measure=st.t(measure, lang))}")
        h1, l1 = ax1.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        st.legend_axes(fig, gs[1, :], h1 + h2[-2:], l1 + l2[-2:], ncol=4)
        cap = _caption(lang, label, res.runs, band, measure)
        st.caption(fig, cap)
    attach(
        fig,
        value_added=tabs["value_added"],
        cluster=tabs[measure].assign(measure=measure),
        observed=obs,
        thresholds=pd.DataFrame({"threshold": list(thr), "yuan": list(thr.values())}),
    )
    fig.scenario = (name, label)
    return fig


__all__ = ["fig_value_added", "observed_value_added", "cluster_definitions"]


def _caption(lang: str, label, runs: pd.DataFrame, band, measure: str) -> str:
    """The caption in words (no file paths or config syntax), in ``lang``."""
    m = measure if lang == "en" else {"output": "产值", "value_added": "增加值"}.get(measure, measure)
    return TEXT[lang]["caption"].format(
        **caption_fields(runs, lang), scenario=st.scenario_name(label, lang), lo=band[0], hi=band[1], measure=m
    )
