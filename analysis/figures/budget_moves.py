"""Figure 10: budget moves and budget mixes, the same money spent differently. For a sweep of the
reallocate experiment (a ``budget_move`` column): the response curve, the paired effect on SEI
value added of each amount moved between measures at constant budgets (0 is the plan itself).
For a sweep of the budget_mix experiment (a ``budget_mix`` column): (a) how each mix splits the
special fund across its support modes, as spent, and (b) each mix's paired effect against the
plan's split. Both with 95% t intervals over same-seed pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import style as st
from analysis.figures._common import NotApplicable, as_results, attach, caption_fields, complete
from analysis.figures.reallocation import fig_response_curve
from analysis.stats import CONFIDENCE, paired_differences

MODES = ("grants", "equity", "loan_subsidy", "risk_compensation")
MODE_NAMES = {
    "grants": ("grants", "无偿资助"),
    "equity": ("equity", "股权投资"),
    "loan_subsidy": ("loan interest subsidies", "贷款贴息"),
    "risk_compensation": ("risk compensation", "风险补偿"),
}
TEXT = {
    "en": {
        "spend": "special fund spent\n(100m yuan per year)",
        "effect": "effect on SEI value added {year}\nvs the plan's split (100m yuan)",
        "a": "(a) the splits compared",
        "b": "(b) effect of each split",
        "caption": "{source}; {seeds}, {scale}. (a) spending of the special fund by support mode under each split, "
        "mean over runs and years (a split can spend less than its budget when a mode has too few takers). (b) SEI "
        "value added in {year} under each split minus under the plan's split, same seeds, mean and {level:.0f}% t "
        "interval.",
    },
    "zh": {
        "spend": "专项资金实际支出\n（亿元/年）",
        "effect": "相对规划原有分配对{year}年\n增加值的影响（亿元）",
        "a": "(a) 比较的资金分配方案",
        "b": "(b) 各方案的影响",
        "caption": "{source}；{seeds}，{scale}。(a)各方案下专项资金按支持方式的实际支出"
        "（运行与年份的均值）；(b)各方案减去规划原有分配的{year}年增加值，相同随机种子，均值及{level:.0f}% t区间。",
    },
}


def _year(res, year):
    ys = sorted(int(c.rsplit(".", 1)[-1]) for c in res.runs.columns if c.startswith("value_added.ALL."))
    return year or ys[-1]


def lever_budgets(overrides=()) -> dict[str, float]:
    """Budgets (yuan/year) of the enabled levers that have one, by lever key, in the config composed
    with ``overrides`` (as experiments.reallocate.budgets; analysis does not import experiments)."""
    from sim.config import compose, to_config  # deferred: composes the Hydra config
    from sim.policy.registry import REGISTRY, lever_config

    cfg = to_config(compose(list(overrides)))
    out = {}
    for key in REGISTRY:
        c = lever_config(cfg.policy, key)
        b = getattr(c, "budget", None)
        if c.enabled and b:
            out[key] = float(b)
    return out


def moved_amounts(names) -> pd.DataFrame:
    """Per budget move (configs/budget_move/): the yuan per year moved and the levers giving and
    receiving it, from the composed configs' budgets."""
    plan = lever_budgets()
    rows = []
    for m in names:
        new = lever_budgets([f"+budget_move={m}"])
        delta = {k: new.get(k, 0.0) - plan.get(k, 0.0) for k in sorted(set(new) | set(plan))}
        rows.append(
            {
                "move": m,
                "amount": sum(v for v in delta.values() if v > 1),
                "src": [k for k, v in delta.items() if v < -1],
                "dst": [k for k, v in delta.items() if v > 1],
            }
        )
    return pd.DataFrame(rows)


def _words(keys, lang):
    out = []
    for k in keys:
        group, _, lever = k.partition(".")
        out.append(f"{lever.replace('_', ' ')} ({st.scenario_name(group, lang)})")
    return ", ".join(out)


def fig_budget_moves(results, *, year: int | None = None, level: float = CONFIDENCE, lang: str = "en"):
    res = complete(as_results(results))
    y = _year(res, year)
    col = f"value_added.ALL.{y}"
    if "budget_move" in res.runs.columns and res.runs["budget_move"].nunique() > 1:
        d = paired_differences(res, col, "budget_move", "none", level=level)
        d = d[(d["budget_move"] != "none") & (d["n_pairs"] > 0)]
        am = moved_amounts(list(d["budget_move"]))
        c = d.merge(am, left_on="budget_move", right_on="move")
        c = c.rename(columns={"diff": "effect", "diff_lo": "effect_lo", "diff_hi": "effect_hi", "n_pairs": "pairs"})
        c = c[c["amount"] > 0]
        if c.empty:
            raise NotApplicable("no budget move with money moved among the runs")
        srcs, dsts = {tuple(s) for s in c["src"]}, {tuple(s) for s in c["dst"]}
        src = _words(next(iter(srcs)), lang) if len(srcs) == 1 else st.t("several_levers", lang)
        dst = _words(next(iter(dsts)), lang) if len(dsts) == 1 else st.t("several_levers", lang)
        fig = fig_response_curve(c[["amount", "effect", "effect_lo", "effect_hi", "pairs"]], src, dst, y, lang=lang)
        attach(fig, moves=c)
        return fig
    if "budget_mix" not in res.runs.columns or res.runs["budget_mix"].nunique() < 2:
        raise NotApplicable("no 'budget_move' or 'budget_mix' column: run the reallocate or budget_mix experiment")
    a = res.annual
    metrics = [f"spend_funding_{m}" for m in MODES]
    a = a[(a["industry"] == "ALL") & (a["district"] == "ALL") & a["metric"].astype(str).isin(metrics)]
    a = a.merge(res.runs[["run_id", "budget_mix"]], on="run_id")
    order = list(dict.fromkeys(res.runs["budget_mix"]))
    split = (
        a.groupby(["budget_mix", "metric"], observed=True)["value"].mean().unstack("metric").reindex(order).fillna(0.0)
    )
    split.columns = [str(c).removeprefix("spend_funding_") for c in split.columns]
    d = paired_differences(res, col, "budget_mix", "plan", level=level).set_index("budget_mix").reindex(order)
    with st.style(lang) as lang:
        tx = TEXT[lang]
        k = 1 if lang == "zh" else 0
        fig = st.figure(st.WIDTH_DOUBLE, 1.3 + 0.35 * len(order))
        ax1, ax2 = fig.subplots(1, 2, sharey=True)
        yy = np.arange(len(order))[::-1]
        left = np.zeros(len(order))
        colors = [st.OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "reddish_purple")]
        for m, colr in zip(MODES, colors):
            v = split[m].to_numpy() / st.YUAN_UNIT if m in split.columns else np.zeros(len(order))
            ax1.barh(yy, v, left=left, color=colr, label=MODE_NAMES[m][k], height=0.6, edgecolor="white", lw=0.3)
            left += v
        ax1.set_yticks(yy, [st.scenario_name(m, lang) for m in order])
        ax1.set_xlabel(tx["spend"])
        ax1.set_title(tx["a"])
        ax1.set_xlim(0, left.max() * 2.1)  # room for the legend on the right
        ax1.legend(loc="lower right", fontsize=6)
        u = st.YUAN_UNIT
        ax2.errorbar(
            d["diff"] / u,
            yy,
            xerr=np.nan_to_num([(d["diff"] - d["diff_lo"]) / u, (d["diff_hi"] - d["diff"]) / u]),
            fmt="o",
            color=st.OKABE_ITO["blue"],
            capsize=2.5,
        )
        ax2.axvline(0, color="black", lw=0.6)
        ax2.set_xlabel(tx["effect"].format(year=y))
        ax2.set_title(tx["b"])
        st.caption(fig, tx["caption"].format(**caption_fields(res.runs, lang), year=y, level=100 * level))
    attach(fig, split=split, effects=d.reset_index())
    return fig


__all__ = ["fig_budget_moves", "moved_amounts", "lever_budgets"]
