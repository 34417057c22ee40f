"""Run a named experiment (configs/experiment/<name>.yaml) as a Hydra sweep, then print its summary.

    python -m experiments.<name> [--scale small] [--seeds N] [--launcher basic|joblib|ray|...]
                                 [--out DIR] [--summary-only] [key=value ...]

The sweep is ``python -m sim -m +experiment=<name>`` (a subprocess, so every launcher works as on
the command line) into ``multirun/<name>/<scale>/`` unless ``--out`` is given. Rerunning the same
command resumes: complete runs are kept, the rest run. The summary reads the gathered tables
(``analysis.results.load``) and prints paired differences over common seeds (analysis.stats).
Money in 100m yuan (亿元) in the printed tables; the tables in ``results/`` are in yuan.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.basedata import YUAN_PER_100M

OUTCOME_YEARS = (2020, 2025)


@dataclass(frozen=True)
class Experiment:
    name: str
    doc: str
    summarise: Callable[[object], str]


def _yi(x: float) -> str:
    return f"{x / YUAN_PER_100M:,.0f}"


def _pct(x: float) -> str:
    return "-" if pd.isna(x) else f"{100 * x:+.1f}%"


def _paired_table(res, by, baseline, years=OUTCOME_YEARS, title: str = "") -> str:
    """Paired differences of SEI value added (all industries) against ``baseline`` per year."""
    from analysis.stats import paired_differences

    lines = [title] if title else []
    for y in years:
        col = f"value_added.ALL.{y}"
        if col not in getattr(res, "runs", res).columns:
            continue
        d = paired_differences(res, col, by, baseline)
        name = d.columns[0]
        lines.append(
            f"SEI value added {y}, 100m yuan (亿元): each scenario minus '{baseline}', paired on seed "
            f"(mean and 95% t interval)"
        )
        lines.append(
            f"  {'scenario':<22}{'pairs':>6}{'baseline':>10}{'scenario':>10}{'difference':>12}"
            f"{'95% CI':>22}{'relative':>10}{'95% CI':>20}"
        )
        for _, r in d.iterrows():
            lines.append(
                f"  {str(r[name]):<22}{r['n_pairs']:>6}{_yi(r['mean_baseline']):>10}{_yi(r['mean']):>10}"
                f"{_yi(r['diff']):>12}{'[' + _yi(r['diff_lo']) + ', ' + _yi(r['diff_hi']) + ']':>22}"
                f"{_pct(r['rel_diff']):>10}{'[' + _pct(r['rel_lo']) + ', ' + _pct(r['rel_hi']) + ']':>20}"
            )
    return "\n".join(lines)


def _per_yuan_table(res, by, baseline) -> str:
    """Cumulative extra SEI value added over the run per yuan of extra public spending, paired on
    seed: sum over years of (scenario - baseline) value added / sum of (scenario - baseline) spending."""
    from analysis.stats import pairs, t_interval

    df = getattr(res, "runs", res)
    va = sorted(c for c in df.columns if c.startswith("value_added.ALL."))
    sp = [c.replace("value_added.", "spend_total.") for c in va]
    if not va or not all(c in df.columns for c in sp):
        return ""
    df = df.assign(cum_va=df[va].sum(axis=1), cum_spend=df[sp].fillna(0.0).sum(axis=1))
    p = pairs(df, "cum_va", by, baseline, extra=["cum_spend"])
    p["d_spend"] = p["cum_spend"] - p["cum_spend_baseline"]
    name = p.attrs["by"]
    years = f"{va[0].rsplit('.', 1)[1]}-{va[-1].rsplit('.', 1)[1]}"
    lines = [
        f"Cumulative extra SEI value added {years} per yuan of extra public spending, paired on seed "
        "(mean and 95% t interval; parameter draws included when uncertainty.parameters is set)",
        f"  {'scenario':<22}{'pairs':>6}{'extra VA, 100m yuan':>22}{'extra spending':>16}{'yuan per yuan':>15}{'95% CI':>18}",
    ]
    for s in dict.fromkeys(p[name]):
        g = p[(p[name] == s) & p["diff"].notna() & (p["d_spend"].abs() > 0)]
        if g.empty:
            continue
        m, lo, hi = t_interval((g["diff"] / g["d_spend"]).to_numpy(float), 0.95)
        lines.append(
            f"  {str(s):<22}{len(g):>6}{_yi(g['diff'].mean()):>22}{_yi(g['d_spend'].mean()):>16}{m:>15.2f}"
            f"{'[' + f'{lo:.2f}, {hi:.2f}' + ']':>18}"
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def _attainment_table(res, by) -> str:
    """Probability of meeting each quantitative target per scenario (share of runs)."""
    from analysis.stats import attainment

    a = attainment(res, by)
    a = a[a["kind"] == "quantitative"]
    if a.empty:
        return ""
    name = a.columns[0]
    w = a.pivot_table(index="target", columns=name, values="p_met", sort=False)
    return "Probability of meeting each quantitative target (share of runs)\n" + w.round(2).to_string()


def _spend_table(res, by) -> str:
    """Public spending of the plan's levers per year, mean per scenario (100m yuan/year)."""
    cols = [c for c in res.runs.columns if c.startswith("spend_total.ALL.")]
    if not cols:
        return ""
    t = res.runs.groupby(by, sort=False)[cols].mean() / YUAN_PER_100M
    t.columns = [c.rsplit(".", 1)[-1] for c in t.columns]
    return "Public spending of the plan's levers, 100m yuan/year (mean over runs)\n" + t.round(0).to_string()


def _industry_table(res, by, baseline, year: int = 2025) -> str:
    """Paired differences of SEI value added in ``year`` by industry (relative, with 95% t intervals)."""
    from analysis.stats import paired_differences
    from sim.ids import INDUSTRIES

    rows = []
    for ind in (*INDUSTRIES, "ALL"):
        col = f"value_added.{ind}.{year}"
        if col not in res.runs.columns:
            return ""
        d = paired_differences(res, col, by, baseline)
        for _, r in d.iterrows():
            rows.append(
                {
                    "scenario": r[d.columns[0]],
                    "industry": ind,
                    "pairs": r["n_pairs"],
                    baseline: round(r["mean_baseline"] / YUAN_PER_100M),
                    "effect": round(r["diff"] / YUAN_PER_100M),
                    "effect %": _pct(r["rel_diff"]),
                    "95% CI": f"[{_pct(r['rel_lo'])}, {_pct(r['rel_hi'])}]",
                }
            )
    t = pd.DataFrame(rows)
    return (
        f"SEI value added {year} by industry, each scenario minus '{baseline}' paired on seed; 100m yuan (亿元)\n"
        + t.to_string(index=False)
    )


def summarise_policy(baseline: str, by_industry: bool = False) -> Callable:
    def f(res) -> str:
        return "\n\n".join(
            s
            for s in (
                _paired_table(res, "policy", baseline),
                _per_yuan_table(res, "policy", baseline),
                _industry_table(res, "policy", baseline) if by_industry else "",
                _spend_table(res, "policy"),
                _attainment_table(res, "policy"),
            )
            if s
        )

    return f


def summarise_ablation(res) -> str:
    from analysis.stats import lever_effects

    parts = []
    for y in OUTCOME_YEARS:
        col = f"value_added.ALL.{y}"
        if col not in res.runs.columns:
            continue
        e = lever_effects(res, outcome=col)
        parts.append(
            f"Effect of each lever group on SEI value added {y} = plan - plan without the group, paired on "
            f"seed; 100m yuan (亿元), 95% t interval; per yuan = effect / the group's spending to {y}"
        )
        lines = [
            f"  {'group':<12}{'pairs':>6}{'effect':>10}{'95% CI':>22}{'relative':>10}{'spend':>10}{'VA per yuan':>12}"
        ]
        for _, r in e.iterrows():
            lines.append(
                f"  {r['group']:<12}{r['n_pairs']:>6}{_yi(r['effect']):>10}"
                f"{'[' + _yi(r['effect_lo']) + ', ' + _yi(r['effect_hi']) + ']':>22}{_pct(r['rel_effect']):>10}"
                f"{'-' if pd.isna(r['spend']) else _yi(r['spend']):>10}"
                f"{'-' if pd.isna(r['effect_per_yuan']) else format(r['effect_per_yuan'], '.2f'):>12}"
            )
        parts.append("\n".join(lines))
    return "\n".join(parts)


def _va_years(runs: pd.DataFrame) -> list[int]:
    """Years of SEI value added in the runs table: 2020 (the pandemic) if present and the last year."""
    ys = sorted(int(c.rsplit(".", 1)[-1]) for c in runs.columns if c.startswith("value_added.ALL."))
    return sorted({y for y in ys if y == 2020} | set(ys[-1:]))


def _ci(lo: float, hi: float, fmt: Callable[[float], str]) -> str:
    return f"[{fmt(lo)}, {fmt(hi)}]"


def shock_rows(runs: pd.DataFrame, col: str) -> list[dict]:
    """Per preset: the plan's effect (plan - no plan) and the shock's cost with and without the plan
    (preset - none), paired on seed, and the cushion (plan's effect under the shock - without it)."""
    from analysis.stats import paired_differences, t_interval

    rows = []
    for preset in dict.fromkeys(runs["shocks"]):
        sub = runs[runs["shocks"] == preset]
        eff = paired_differences(sub, col, "policy", "no_plan")
        eff = eff[eff["policy"] == "plan_2018"]
        row = {"shock": preset, "pairs": 0}
        if not eff.empty:
            r = eff.iloc[0]
            row.update(
                pairs=int(r["n_pairs"]),
                no_plan=r["mean_baseline"],
                plan=r["mean"],
                effect=r["diff"],
                effect_lo=r["diff_lo"],
                effect_hi=r["diff_hi"],
                rel=r["rel_diff"],
                rel_lo=r["rel_lo"],
                rel_hi=r["rel_hi"],
            )
        if preset != "none" and "none" in set(runs["shocks"]):
            w = runs[runs["shocks"].isin(["none", preset])].pivot_table(
                index="seed", columns=["policy", "shocks"], values=col, aggfunc="first"
            )
            need = [("plan_2018", preset), ("plan_2018", "none"), ("no_plan", preset), ("no_plan", "none")]
            if all(k in w.columns for k in need):
                w = w[need].dropna()
                cost_plan = (w[need[0]] - w[need[1]]).to_numpy(float)
                cost_none = (w[need[2]] - w[need[3]]).to_numpy(float)
                row["cost_plan"], *_ = t_interval(cost_plan)
                row["cost_no_plan"], *_ = t_interval(cost_none)
                row["cushion"], row["cushion_lo"], row["cushion_hi"] = t_interval(cost_plan - cost_none)
        rows.append(row)
    return rows


def summarise_shocks(res) -> str:
    """The plan's effect under each shock preset (sweep over ``shocks`` x ``policy``), paired on seed."""
    runs = getattr(res, "runs", res)
    if "shocks" not in runs.columns:  # an older sweep over scenarios
        parts = [
            _paired_table(runs[runs["scenario"] == sc], "policy", "no_plan", title=f"[scenario {sc}] the plan's effect")
            for sc in dict.fromkeys(runs["scenario"])
            if runs.loc[runs["scenario"] == sc, "policy"].nunique() > 1
        ]
        return "\n\n".join(parts)
    parts = []
    for y in _va_years(runs):
        rows = shock_rows(runs, f"value_added.ALL.{y}")
        lines = [
            f"SEI value added {y}, 100m yuan (亿元), under each shock preset (configs/shocks/); paired on seed, "
            "mean and 95% t interval",
            "  effect = plan - no plan under the shock; cost = shock - no shock (with the plan / without); "
            "cushion = effect under the shock - effect without a shock (> 0: the plan softens the shock)",
            f"  {'shock':<20}{'pairs':>6}{'no plan':>9}{'plan':>9}{'effect':>9}{'95% CI':>20}{'effect %':>10}"
            f"{'95% CI':>18}{'cost(plan)':>12}{'cost(none)':>12}{'cushion':>9}{'95% CI':>20}",
        ]
        for r in rows:
            if not r["pairs"]:
                lines.append(f"  {r['shock']:<20}{0:>6}  (no pairs of plan_2018 and no_plan)")
                continue
            lines.append(
                f"  {r['shock']:<20}{r['pairs']:>6}{_yi(r['no_plan']):>9}{_yi(r['plan']):>9}{_yi(r['effect']):>9}"
                f"{_ci(r['effect_lo'], r['effect_hi'], _yi):>20}{_pct(r['rel']):>10}"
                f"{_ci(r['rel_lo'], r['rel_hi'], _pct):>18}"
                + (
                    f"{_yi(r['cost_plan']):>12}{_yi(r['cost_no_plan']):>12}{_yi(r['cushion']):>9}"
                    f"{_ci(r['cushion_lo'], r['cushion_hi'], _yi):>20}"
                    if "cushion" in r
                    else f"{'-':>12}{'-':>12}{'-':>9}{'-':>20}"
                )
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


EXPERIMENTS = {
    "plan_vs_no_plan": Experiment(
        "plan_vs_no_plan", "plan_2018 vs no_plan, paired seeds", summarise_policy("no_plan", by_industry=True)
    ),
    "lever_ablation": Experiment("lever_ablation", "the plan minus one lever group at a time", summarise_ablation),
    "budget_mix": Experiment(
        "budget_mix",
        "the special fund split differently across its four modes",
        lambda res: "\n\n".join(
            s for s in (_paired_table(res, "budget_mix", "plan"), _spend_table(res, "budget_mix")) if s
        ),
    ),
    "principles": Experiment(
        "principles", "one scenario per principle of the plan, against no_plan", summarise_policy("no_plan")
    ),
    "reallocate": Experiment(
        "reallocate",
        "the plan's budgets vs money moved between levers (configs/budget_move/)",
        lambda res: "\n\n".join(
            s for s in (_paired_table(res, "budget_move", "none"), _spend_table(res, "budget_move")) if s
        ),
    ),
    "shocks": Experiment("shocks", "the plan vs no plan under each shock preset (configs/shocks/)", summarise_shocks),
}


def sweep_command(
    name: str, scale: str, out: Path, seeds: int | None, launcher: str | None, extra: list[str]
) -> list[str]:
    cmd = [sys.executable, "-m", "sim", "-m", f"+experiment={name}", f"scale={scale}", f"hydra.sweep.dir={out}"]
    if seeds is not None:
        cmd.append(f"seed=range(0,{seeds})")
    if launcher:
        cmd.append(f"hydra/launcher={launcher}")
    return cmd + list(extra)


def main(name: str, argv: list[str] | None = None) -> int:
    exp = EXPERIMENTS[name]
    ap = argparse.ArgumentParser(
        prog=f"python -m experiments.{name}", description=f"{name}: {exp.doc}. " + __doc__.split("\n")[0]
    )
    ap.add_argument("--scale", default="city", choices=("city", "small"))
    ap.add_argument("--seeds", type=int, help="seeds 0..N-1 for every scenario (default: the experiment's)")
    ap.add_argument("--launcher", help="Hydra launcher: joblib (default), basic, ray, submitit_local, submitit_slurm")
    ap.add_argument("--out", type=Path, help="sweep folder (default multirun/<name>/<scale>)")
    ap.add_argument("--summary-only", action="store_true", help="do not run: summarise the sweep folder as it is")
    ap.add_argument("overrides", nargs="*", help="more overrides for every run, e.g. scenario.end_year=2022")
    args = ap.parse_args(argv)
    if args.seeds is not None and args.seeds < 2:
        ap.error(f"--seeds: at least 2 for paired intervals, got {args.seeds}")
    out = args.out or Path("multirun") / name / args.scale
    code = 0
    if not args.summary_only:
        cmd = sweep_command(name, args.scale, out, args.seeds, args.launcher, args.overrides)
        print("$ " + " ".join(cmd[2:] if cmd[0] == sys.executable else cmd), file=sys.stderr, flush=True)
        code = subprocess.call(cmd)
        if code not in (0, 1):  # 1: some runs failed, the others are summarised
            return code
    from analysis.results import load

    res = load(out)
    failed = res.runs[res.runs["status"] != "complete"]
    res = res.complete()
    if res.runs.empty:
        print(f"error: no complete runs in {out}", file=sys.stderr)
        return code or 1
    print(
        f"{name}: {exp.doc}; {len(res.runs)} complete runs in {out}"
        + (f" ({len(failed)} failed: see {out / 'sweep.json'})" if len(failed) else "")
    )
    print()
    print(exp.summarise(res))
    return code


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=sorted(EXPERIMENTS))
    ns, rest = ap.parse_known_args()
    raise SystemExit(main(ns.name, rest))
