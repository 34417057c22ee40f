"""Figure 6: the supply-chain network. (a) payments between the seven industries inside the city
(node-link diagram: arrows supplier -> customer, width by flow; within-industry flows in the node
labels); (b) the firm-level degree distribution (complementary CDF, log-log).

Source of (a): the runs' network snapshots (``network_<year>.parquet``: every supplier link with
its Q4 payment, written when ``output.snapshot_years`` includes the year), aggregated to
industries with the firms snapshot and annualised (x 4). Without snapshots it falls back to the
input-output coefficients (sim/data/io_coefficients.csv) x the runs' output by industry: total
intermediate requirements, including purchases from outside the city (the caption says which).
(b) needs a snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch

from analysis import style as st
from analysis.figures._common import as_results, attach, caption_fields, pick, run_folder
from sim.ids import INDUSTRIES

# the caption: "caption" with (a)'s source of the flows, "snapshots" or "io"
TEXT = {
    "en": {
        "caption": "{source}; scenario: {scenario}; {seeds}, {scale}. (a) {flows}; node area ~ output in {year}; "
        "arrows supplier -> customer, width ~ flow (flows < {min_share:.1%} of the total between industries not "
        "drawn); within-industry flows in brackets, 100m yuan/year. (b) distinct supplier links per firm alive at "
        "the end of {year}, pooled over the runs with snapshots; zero degrees left out.",
        "snapshots": "network snapshots of {k} run(s): in-city Q4 payments x 4",
        "io": "no network snapshots: input-output coefficients x output (total intermediate requirements, incl. "
        "purchases from outside the city)",
    },
    "zh": {
        "caption": "{source}；情景：{scenario}；{seeds}，{scale}。(a){flows}；节点面积与{year}年产值成正比；箭头由供应商"
        "指向客户，宽度与流量成正比（低于产业间流量总额{min_share:.1%}的流量未画出）；括号内为产业内部流量，"
        "单位亿元/年。(b){year}年末存续企业的不同供应链连接数，汇总有快照的各次运行；度为零者不计。",
        "snapshots": "{k}次运行的网络快照：市内第四季度支付额×4",
        "io": "无网络快照：投入产出系数×产值（中间投入总需求，含从市外的采购）",
    },
}


def snapshot_flows(folder, year: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(industry flow matrix in yuan/year (Q4 payments x 4; rows supplier industry, columns
    customer industry), degree table (firm, in_degree, out_degree)) of one run folder, or None
    when it has no snapshot of ``year``. Links to firms that exited in Q4 (not in the firms
    snapshot) are left out of the matrix."""
    from pathlib import Path

    f_net, f_firms = Path(folder) / f"network_{year}.parquet", Path(folder) / f"firms_{year}.parquet"
    if not (f_net.is_file() and f_firms.is_file()):
        return None
    net = pd.read_parquet(f_net)
    firms = pd.read_parquet(f_firms, columns=["firm", "industry"]).set_index("firm")["industry"]
    ind_s, ind_c = net["supplier"].map(firms), net["customer"].map(firms)
    ok = ind_s.notna() & ind_c.notna()
    m = (
        net[ok]
        .assign(s=ind_s[ok].astype(str), c=ind_c[ok].astype(str))
        .groupby(["s", "c"])["flow"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(index=INDUSTRIES, columns=INDUSTRIES, fill_value=0.0)
    ) * 4
    pairs = net[["supplier", "customer"]].drop_duplicates()
    out_deg = pairs.groupby("supplier").size()
    in_deg = pairs.groupby("customer").size()
    deg = pd.DataFrame({"firm": firms.index})
    deg["in_degree"] = deg["firm"].map(in_deg).fillna(0).astype(int)
    deg["out_degree"] = deg["firm"].map(out_deg).fillna(0).astype(int)
    return m, deg


def io_flows(res, year: int) -> pd.DataFrame:
    """Intermediate requirements between industries implied by the input-output coefficients:
    coefficient(i -> j) x output of j in ``year`` (mean over runs), yuan/year; rows supplier."""
    from sim.basedata import read_csv

    a = res.annual
    out = a[(a["metric"] == "output") & (a["district"] == "ALL") & (a["year"] == year)].groupby(
        "industry", observed=True
    )["value"].sum() / max(1, res.runs["run_id"].nunique())
    m = pd.DataFrame(0.0, index=list(INDUSTRIES), columns=list(INDUSTRIES))
    for r in read_csv("io_coefficients.csv"):
        if r["from_sector"] in INDUSTRIES:
            m.loc[r["from_sector"], r["to_industry"]] = float(r["coefficient"]) * float(out.get(r["to_industry"], 0.0))
    return m


def ccdf(k: np.ndarray) -> pd.DataFrame:
    """Complementary CDF of positive integer values: k, P(K >= k)."""
    k = np.sort(np.asarray(k)[np.asarray(k) > 0])
    if not len(k):
        return pd.DataFrame({"k": [], "ccdf": []})
    u, idx = np.unique(k, return_index=True)
    return pd.DataFrame({"k": u, "ccdf": 1 - idx / len(k)})


def fig_network(results, scenario=None, by=None, *, year: int = 2025, lang: str = "en", min_share: float = 0.005):
    """Industry flows (a) and the firm degree CCDF (b) in ``year`` for one scenario (default the
    plan). Flows below ``min_share`` of the total between different industries are not drawn.
    ``fig.plot_data``: ``flows`` (supplier, customer, flow yuan/year, source), ``degree_ccdf``
    (kind in/out, k, ccdf) and ``degrees`` (firm degrees pooled over the runs with snapshots)."""
    res, name, label = pick(as_results(results), scenario, by)
    mats, degs, used = [], [], []
    for _, row in res.runs.iterrows():
        snap = snapshot_flows(run_folder(row), year)
        if snap is not None:
            mats.append(snap[0])
            degs.append(snap[1].assign(run_id=row["run_id"]))
            used.append(row["run_id"])
    if mats:
        m = sum(mats) / len(mats)
    else:
        m = io_flows(res, year)
    flows = m.stack().rename("flow").reset_index()
    flows.columns = ["supplier", "customer", "flow"]
    flows["source"] = "snapshot" if mats else "io_coefficients"
    deg = (
        pd.concat(degs, ignore_index=True)
        if degs
        else pd.DataFrame(columns=["firm", "in_degree", "out_degree", "run_id"])
    )
    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_DOUBLE, 3.4)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.15, 1])
        n = len(INDUSTRIES)
        ang = np.pi / 2 - 2 * np.pi * np.arange(n) / n
        pos = {ind: (np.cos(a), np.sin(a)) for ind, a in zip(INDUSTRIES, ang)}
        between = flows[flows["supplier"] != flows["customer"]]
        tot = between["flow"].sum()
        fmax = between["flow"].max() if len(between) else 0
        for _, r in between.sort_values("flow").iterrows():
            if tot <= 0 or r["flow"] < min_share * tot:
                continue
            w = 0.4 + 4.6 * r["flow"] / fmax
            ax1.add_patch(
                FancyArrowPatch(
                    pos[r["supplier"]],
                    pos[r["customer"]],
                    connectionstyle="arc3,rad=0.18",
                    arrowstyle="-|>",
                    mutation_scale=6 + w,
                    lw=w,
                    shrinkA=14,
                    shrinkB=14,
                    color=st.industry_style(r["supplier"])["color"],
                    alpha=0.7,
                )
            )
        outp = (
            res.annual[
                (res.annual["metric"] == "output") & (res.annual["district"] == "ALL") & (res.annual["year"] == year)
            ]
            .groupby("industry", observed=True)["value"]
            .mean()
        )
        omax = max(float(outp.max()) if len(outp) else 1.0, 1.0)
        for ind in INDUSTRIES:
            x, y = pos[ind]
            size = 60 + 500 * float(outp.get(ind, 0.0)) / omax
            ax1.scatter([x], [y], s=size, color=st.industry_style(ind)["color"], edgecolor="black", lw=0.5, zorder=3)
            self_flow = float(m.loc[ind, ind]) / st.YUAN_UNIT
            ax1.text(
                1.28 * x,
                1.2 * y,
                f"{st.industry_name(ind, lang)}\n({'within' if lang == 'en' else '内部'} {self_flow:,.0f})",
                ha="center",
                va="center",
                fontsize=5.5,
            )
        ax1.set_xlim(-1.75, 1.75)
        ax1.set_ylim(-1.45, 1.45)
        ax1.set_aspect("equal")
        ax1.axis("off")
        ax1.set_title(f"(a) {st.t('network_title', lang, year=year)}")
        cc = []
        if len(deg):
            for kind, colname, mk, colr in (
                ("in", "in_degree", "o", st.OKABE_ITO["blue"]),
                ("out", "out_degree", "s", st.OKABE_ITO["vermillion"]),
            ):
                c = ccdf(deg[colname].to_numpy()).assign(kind=kind)
                cc.append(c)
                ax2.loglog(
                    c["k"], c["ccdf"], marker=mk, ls="none", ms=2.5, color=colr, label=st.t(f"{kind}_degree", lang)
                )
            ax2.legend(loc="lower left")
        else:
            ax2.text(
                0.5,
                0.5,
                st.t("no_snapshot", lang, year=year),
                transform=ax2.transAxes,
                ha="center",
                va="center",
                fontsize=7,
            )
            ax2.set_xscale("log")
            ax2.set_yscale("log")
        ax2.set_xlabel(st.t("degree", lang))
        ax2.set_ylabel(st.t("ccdf", lang))
        ax2.set_title(f"(b) {st.t('degree_title', lang, year=year)}")
        tx = TEXT[lang]
        cap = tx["caption"].format(
            **caption_fields(res.runs, lang),
            scenario=st.scenario_name(label, lang),
            flows=tx["snapshots"].format(k=len(mats)) if mats else tx["io"],
            year=year,
            min_share=min_share,
        )
        st.caption(fig, cap)
    attach(
        fig,
        flows=flows,
        degrees=deg,
        degree_ccdf=pd.concat(cc, ignore_index=True) if cc else pd.DataFrame(columns=["k", "ccdf", "kind"]),
    )
    fig.snapshot_runs = used
    return fig


__all__ = ["fig_network", "snapshot_flows", "io_flows", "ccdf"]
