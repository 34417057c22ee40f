"""Value added and public spending of ``python -m analysis.compare`` side by side: per configuration
the mean over seeds, and for every configuration after the first the paired (same-seed) difference
against the first with its 95% t interval. Read from the runs' annual tables (``annual.parquet``).
Money in 100m yuan (亿元) in the printed table, yuan in the CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.stats import t_interval
from sim.basedata import YUAN_PER_100M
from sim.ids import INDUSTRIES


def outcomes(run_dirs: list[Path], seeds: list[int]) -> pd.DataFrame:
    """Long table: config (0, 1, ...), seed, outcome, value (yuan). Outcomes: SEI value added in the
    last year, total and by industry (``value_added <year> <industry>``), and public spending of the
    plan's levers, total over the run and per year on average (``public spending ...``)."""
    rows = []
    for k, d in enumerate(run_dirs):
        for s in seeds:
            f = Path(d) / f"seed_{s}" / "annual.parquet"
            if not f.is_file():
                continue
            a = pd.read_parquet(f)
            a = a[a["district"] == "ALL"]
            last = int(a["year"].max())
            va = a[(a["metric"] == "value_added") & (a["year"] == last)].set_index("industry")["value"]
            for ind in ("ALL", *INDUSTRIES):
                if ind in va.index:
                    rows.append((k, s, f"value added {last} {ind}", float(va[ind])))
            sp = a[a["metric"].astype(str).str.startswith("spend_") & (a["industry"] == "ALL")]
            total = float(sp["value"].sum())
            rows.append((k, s, "public spending, total over the run", total))
            rows.append((k, s, "public spending, per year", total / max(1, a["year"].nunique())))
    return pd.DataFrame(rows, columns=["config", "seed", "outcome", "value"])


def side_by_side(o: pd.DataFrame, letters: list[str]) -> pd.DataFrame:
    """One row per outcome: the mean of each configuration and each paired difference with its
    95% t interval (yuan)."""
    w = o.pivot_table(index=["outcome", "seed"], columns="config", values="value", aggfunc="first")
    out = []
    for outcome, g in w.groupby(level="outcome", sort=False):
        row: dict = {"outcome": outcome}
        for k, L in enumerate(letters):
            row[L] = float(g[k].mean()) if k in g else np.nan
        for k, L in enumerate(letters[1:], start=1):
            if k not in g or 0 not in g:
                continue
            d = (g[k] - g[0]).dropna().to_numpy(float)
            m, lo, hi = t_interval(d)
            row.update({f"{L}-A": m, f"{L}-A lo": lo, f"{L}-A hi": hi, f"{L}-A pairs": len(d)})
        out.append(row)
    t = pd.DataFrame(out)
    order = {x: i for i, x in enumerate(dict.fromkeys(o["outcome"]))}
    return t.sort_values("outcome", key=lambda s: s.map(order)).reset_index(drop=True)


def format_side_by_side(t: pd.DataFrame, letters: list[str]) -> str:
    y = lambda v: "-" if pd.isna(v) else f"{v / YUAN_PER_100M:,.0f}"  # noqa: E731
    head = f"  {'outcome (100m yuan, 亿元)':<40}" + "".join(f"{L:>10}" for L in letters)
    head += "".join(f"{L + '-A (paired)':>16}{'95% CI':>22}" for L in letters[1:])
    lines = [
        "SEI value added and public spending side by side: mean over seeds; X-A: mean of the same-seed "
        "differences with its 95% t interval",
        head,
    ]
    for _, r in t.iterrows():
        line = f"  {r['outcome']:<40}" + "".join(f"{y(r[L]):>10}" for L in letters)
        for L in letters[1:]:
            ci = f"[{y(r.get(f'{L}-A lo'))}, {y(r.get(f'{L}-A hi'))}]"
            line += f"{y(r.get(f'{L}-A')):>16}{ci:>22}"
        lines.append(line)
    return "\n".join(lines)
