"""Figure 7: the budget. (a) public money by lever group per year (the runs' spend_<group>_<lever>
metrics, summed by group; mean over the plan's runs); (b) value added per yuan of public money:
with no_plan runs in the sweep, the plan's paired effect on SEI value added divided by its
spending, per seed (same year, and cumulative from the first year); otherwise total value added /
spending (not an effect: the caption and the panel say so)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis import style as st
from analysis.figures._common import (
    NotApplicable,
    as_results,
    attach,
    caption_fields,
    complete,
    pick,
    scenarios,
)
from analysis.stats import CONFIDENCE, budget_by_group, pairs, t_interval

GROUP_COLORS = {
    "funding": st.OKABE_ITO["blue"],
    "tech": st.OKABE_ITO["orange"],
    "talent": st.OKABE_ITO["bluish_green"],
    "space": st.OKABE_ITO["reddish_purple"],
    "access": st.OKABE_ITO["sky_blue"],
    "ip": st.OKABE_ITO["vermillion"],
    "projects": st.OKABE_ITO["yellow"],
    "governance": st.OKABE_ITO["black"],
}
# the caption: "caption" with (b) as "b_paired" (no_plan runs present) or "b_average" (absent)
TEXT = {
    "en": {
        "caption": "{source}; scenario: {scenario}; {seeds}, {scale}. (a) public spending of every lever summed by "
        "lever group, mean over runs; 100m yuan (1e8 yuan) per year, current prices. {b}",
        "b_paired": "(b) the plan's return on spending: value added gained ({scenario} minus {base}, same seed) summed "
        "from {y0} to each year, divided by the public spending summed over the same years; mean over {n_pairs}+ "
        "seeds with its {level:.0%} t interval.",
        "b_average": "(b) no {baseline} runs in this sweep, so the plan's effect cannot be computed: shown is total SEI "
        "value added / public spending (an average, not the return on spending).",
    },
    "zh": {
        "caption": "{source}；情景：{scenario}；{seeds}，{scale}。(a)各措施的财政投入按措施组加总，各次运行的均值；"
        "单位亿元/年，当年价格。{b}",
        "b_paired": "(b)规划的财政投入回报：{y0}年至各年累计的增加值增量（{scenario}减去{base}，相同随机种子），"
        "除以同期累计的财政投入；至少{n_pairs}个随机种子的均值及{level:.0%} t区间。",
        "b_average": "(b)本组运行中没有“{base}”情景，无法计算规划的作用：图为战略性新兴产业增加值总额/财政投入"
        "（平均值，而非财政投入回报）。",
    },
}


def value_per_yuan(res, by=None, plan=None, baseline="no_plan", level: float = CONFIDENCE) -> pd.DataFrame:
    """Per year: the plan's paired effect on SEI value added (``plan`` - ``baseline`` on the same
    seed) divided by the plan run's public spending, mean over seeds with a t interval, both for
    the same year (``kind`` = year) and cumulated from the first year (``cumulative``). Columns
    kind, year, n_pairs, ratio, lo, hi (yuan of value added per yuan spent), effect, spend (yuan,
    means over pairs). Raises NotApplicable without ``baseline`` runs."""
    res = complete(res)
    name, lab, present, _ = scenarios(res, by)
    if baseline not in present:
        raise NotApplicable(f"no '{baseline}' runs among {name}={present}")
    if plan is None:
        plan = next((p for p in ("plan_2018", "none") if p in present), next(p for p in present if p != baseline))
    runs = res.runs.copy()
    runs[name] = lab.to_numpy()
    runs = runs[runs[name].isin([plan, baseline])]
    years = sorted(int(c.rsplit(".", 1)[1]) for c in runs.columns if c.startswith("value_added.ALL."))
    per = {}
    for y in years:
        sp = f"spend_total.ALL.{y}"
        if sp not in runs.columns:
            runs[sp] = 0.0
        p = pairs(runs, f"value_added.ALL.{y}", name, baseline, extra=[sp])
        per[y] = p[p[name] == plan].set_index("seed")[["diff", sp]].rename(columns={sp: "spend"}).fillna({"spend": 0.0})
    rows = []
    cum_d, cum_s = None, None
    for y in years:
        d = per[y]
        cum_d = d["diff"] if cum_d is None else cum_d.add(d["diff"], fill_value=np.nan)
        cum_s = d["spend"] if cum_s is None else cum_s.add(d["spend"], fill_value=np.nan)
        for kind, eff, sp in (("year", d["diff"], d["spend"]), ("cumulative", cum_d, cum_s)):
            ok = sp > 0
            r = (eff[ok] / sp[ok]).to_numpy(float)
            m, lo, hi = t_interval(r, level)
            rows.append(
                {
                    "kind": kind,
                    "year": y,
                    "n_pairs": int(np.isfinite(r).sum()),
                    "ratio": m,
                    "lo": lo,
                    "hi": hi,
                    "effect": float(eff.mean()),
                    "spend": float(sp.mean()),
                    "plan": plan,
                    "baseline": baseline,
                }
            )
    return pd.DataFrame(rows)


def fig_budget(results, scenario=None, by=None, *, baseline="no_plan", level: float = CONFIDENCE, lang: str = "en"):
    """Public spending by lever group per year (a, 100m yuan/yr, stacked; mean over the runs of
    ``scenario``, default the plan) and value added per yuan spent (b, see the module docstring).
    ``fig.plot_data``: ``spend`` (year x group, yuan/year) and ``value_per_yuan``."""
    full = complete(as_results(results))
    res, name, label = pick(full, scenario, by)
    spend = budget_by_group(res.annual, res.runs["run_id"])
    if spend.empty:
        raise NotApplicable(
            f"no public spending in the runs of {name}={label} (spend_<group>_<lever> metrics all zero)"
        )
    try:
        vpy = value_per_yuan(full, by, plan=label, baseline=baseline, level=level)
        paired = True
    except NotApplicable:
        paired = False
        va = res.series("value_added", "ALL", "ALL")
        sp = res.series("spend_total", "ALL", "ALL").reindex(columns=va.columns)
        va.columns = va.columns.astype(int)
        sp.columns = sp.columns.astype(int)
        rows = []
        for y in va.columns:
            r = (va[y] / sp[y].where(sp[y] > 0)).to_numpy(float)
            m, lo, hi = t_interval(r, level)
            rows.append(
                {
                    "kind": "average",
                    "year": int(y),
                    "n_pairs": 0,
                    "ratio": m,
                    "lo": lo,
                    "hi": hi,
                    "effect": np.nan,
                    "spend": float(sp[y].mean()),
                    "plan": label,
                    "baseline": None,
                }
            )
        vpy = pd.DataFrame(rows)
    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_DOUBLE, 3.0)
        ax1, ax2 = fig.subplots(1, 2)
        bottom = np.zeros(len(spend))
        for g in spend.columns:
            v = spend[g].to_numpy() / st.YUAN_UNIT
            ax1.bar(
                spend.index,
                v,
                bottom=bottom,
                color=GROUP_COLORS.get(g, st.OKABE_ITO["grey"]),
                label=st.scenario_name(g, lang),
                width=0.7,
                edgecolor="white",
                lw=0.3,
            )
            bottom += v
        ax1.set_ylabel(st.t("spend_unit", lang))
        ax1.set_title(f"(a) {st.t('budget_title', lang)}")
        ax1.legend(loc="upper left", ncol=4, fontsize=6)
        ax1.set_ylim(0, bottom.max() * 1.3)
        # only the cumulative ratio: a year's effect on value added comes from all spending up to then,
        # so dividing it by that year's spending alone overstates the return (the table keeps both)
        kinds = [
            ("cumulative", "s", st.OKABE_ITO["vermillion"], st.t("cumulative", lang)),
            ("average", "o", st.OKABE_ITO["grey"], st.t("va_per_spending", lang)),
        ]
        for kind, mk, colr, lab in kinds:
            d = vpy[vpy["kind"] == kind]
            if d.empty:
                continue
            y = d["ratio"].to_numpy()
            err = np.vstack([y - d["lo"].to_numpy(), d["hi"].to_numpy() - y])
            ax2.errorbar(
                d["year"], y, yerr=np.nan_to_num(err), marker=mk, ms=3, lw=1, capsize=1.5, color=colr, label=lab
            )
        if paired:
            ax2.axhline(0, color="black", lw=0.8)
            ax2.legend(loc="best")
        else:
            ax2.text(0.5, 0.95, st.t("no_baseline", lang), transform=ax2.transAxes, ha="center", va="top", fontsize=6.5)
        ax2.set_ylabel(st.t("va_per_yuan", lang))
        ax2.set_title(f"(b) {st.t('vapy_title', lang)}")
        for ax in (ax1, ax2):
            ax.set_xlabel(st.t("year", lang))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        tx = TEXT[lang]
        names = {"scenario": st.scenario_name(label, lang), "base": st.scenario_name(baseline, lang)}
        if paired:
            b = tx["b_paired"].format(
                **names, y0=int(vpy["year"].min()), n_pairs=int(vpy["n_pairs"].min()), level=level
            )
        else:
            b = tx["b_average"].format(**names, baseline=baseline)
        cap = tx["caption"].format(**caption_fields(res.runs, lang, **names), b=b)
        st.caption(fig, cap)
    attach(fig, spend=spend, value_per_yuan=vpy)
    return fig


__all__ = ["fig_budget", "value_per_yuan", "GROUP_COLORS"]
