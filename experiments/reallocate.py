"""Budget moves: move money from one lever (or lever group) to another at constant total spending.

    python -m experiments.reallocate FROM TO AMOUNT[,AMOUNT ...] [--scale small] [--seeds N]
                                     [--launcher L] [--out DIR] [--summary-only] [key=value ...]

FROM and TO are levers (``projects.major_projects``) or lever groups (``talent``: the amount is
split over the group's budgeted levers in proportion to their budgets). AMOUNT is yuan per year
(``1e9``; a comma list ``5e8,1e9,2e9`` for a response curve). Each amount is one scenario, run on the same seeds as the plan (``plan_2018``) into
``multirun/reallocate/<FROM>_to_<TO>/<scale>/`` (``--out``), one Hydra sweep per scenario (resumed
when rerun). A move the receiving lever cannot spend (its budget above what its design disburses)
is refused before any run, with the reason. Afterwards the summary checks from the runs'
``spend_<group>_<lever>`` metrics that total public spending really stayed constant (and says
which side did not spend what it was given), and prints the paired effect of the move on SEI
value added and on each target of the plan, with 95% t intervals, and total spending before and
after; several amounts give a response curve (``response_curve.csv`` and a figure).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.basedata import YUAN_PER_100M
from sim.config import to_config
from sim.errors import ConfigError
from sim.policy.registry import REGISTRY, lever_config

TOLERANCE = 0.01  # the moved levers' spending must balance within 1% of the money moved
OTHER_TOLERANCE = 0.05  # indirect changes of the other levers' spending above 5% of it are reported


def budgets(overrides: list[str] | None = None) -> dict[str, float]:
    """Budgets (yuan/year) of the plan's enabled levers that have one, by lever key ``group.lever``."""
    from sim.config import compose  # deferred: hydra composes only here

    cfg = to_config(compose(list(overrides or [])))
    out = {}
    for key in REGISTRY:
        c = lever_config(cfg.policy, key)
        b = getattr(c, "budget", None)
        if c.enabled and b:
            out[key] = float(b)
    return out


def resolve(name: str, budget: dict[str, float]) -> dict[str, float]:
    """``name`` (a lever or a lever group) as {lever key: share of the amount}."""
    if name in budget:
        return {name: 1.0}
    members = {k: b for k, b in budget.items() if k.split(".")[0] == name}
    if not members:
        groups = sorted({k.split(".")[0] for k in budget})
        raise ValueError(
            f"'{name}' is neither a budgeted lever nor a lever group; levers: {', '.join(budget)}; groups: {', '.join(groups)}"
        )
    total = sum(members.values())
    return {k: b / total for k, b in members.items()}


def move(budget: dict[str, float], src: str, dst: str, amount: float) -> dict[str, float]:
    """New budgets (yuan/year) of the levers that change when ``amount`` moves from ``src`` to ``dst``."""
    frm, to = resolve(src, budget), resolve(dst, budget)
    if set(frm) & set(to):
        raise ValueError(f"FROM '{src}' and TO '{dst}' share levers: {sorted(set(frm) & set(to))}")
    have = sum(budget[k] for k in frm)
    if not 0 < amount <= have:
        raise ValueError(f"AMOUNT: {amount:.3g} yuan/year must be > 0 and at most FROM's budget ({have:.3g})")
    new = {k: budget[k] - amount * s for k, s in frm.items()}
    new.update({k: budget[k] + amount * s for k, s in to.items()})
    return new


def overrides_of(new: dict[str, float]) -> list[str]:
    return [f"policy.{k}.budget={v:.6g}" for k, v in new.items()]


def refusal(new: dict[str, float], extra: list[str]) -> str | None:
    """Why the config with these budgets is refused (e.g. a lever that cannot spend it), or None."""
    from sim.config import compose  # deferred: hydra composes only here

    try:
        to_config(compose([*overrides_of(new), *extra]))
    except ConfigError as exc:
        return str(exc)
    return None


def variant_name(amount: float) -> str:
    return "plan" if amount == 0 else f"move_{amount:.3g}".replace("+", "")


def run_variant(out: Path, name: str, ov: list[str], args) -> int:
    cmd = [sys.executable, "-m", "sim", "-m", f"scale={args.scale}", f"seed=range(0,{args.seeds})"]
    cmd += ["ensemble.size=1", f"hydra.sweep.dir={out / name}", *ov, *args.overrides]
    if args.launcher:
        cmd.append(f"hydra/launcher={args.launcher}")
    print("$ " + " ".join(cmd[2:]), file=sys.stderr, flush=True)
    return subprocess.call(cmd)


def load_variants(out: Path, names: list[str]):
    from analysis.results import load  # deferred: analysis is needed only for the summary

    res = load([out / n for n in names]).complete()
    res.runs["move"] = [Path(r).name for r in res.runs["root"]]
    return res


def spend_by_run(res, levers: list[str]) -> pd.DataFrame:
    """Public spending over the whole run (yuan) per run: ``total`` and one column per lever key."""
    a = res.annual
    a = a[(a["industry"] == "ALL") & (a["district"] == "ALL") & a["metric"].astype(str).str.startswith("spend_")]
    a = a[a["metric"].astype(str) != "spend_total"]
    per = a.groupby(["run_id", "metric"], observed=True)["value"].sum().unstack("metric", fill_value=0.0)
    out = pd.DataFrame(index=res.runs["run_id"])
    out["total"] = per.sum(axis=1).reindex(out.index).fillna(0.0)
    for k in levers:
        m = "spend_" + k.replace(".", "_")
        out[k] = per[m].reindex(out.index).fillna(0.0) if m in per.columns else 0.0
    return out


def spending_check(
    res, name: str, frm: dict, to: dict, amount: float, budget: dict[str, float]
) -> tuple[list[str], bool]:
    """Lines on total spending before and after (mean per year, paired on seed) and whether it stayed
    constant; says which side did not spend what it was given."""
    from analysis.stats import t_interval

    levers = [*frm, *to]
    sp = spend_by_run(res, levers).join(res.runs.set_index("run_id")[["move", "seed"]])
    years = res.annual["year"].nunique()
    w = sp.pivot_table(index="seed", columns="move", values=["total", *levers], aggfunc="first").dropna()
    d = lambda col: (w[(col, name)] - w[(col, "plan")]).to_numpy(float)  # noqa: E731
    tot_m, tot_lo, tot_hi = t_interval(d("total"))
    before, after = w[("total", "plan")].mean() / years, w[("total", name)].mean() / years
    given = sum(d(k).mean() for k in to) / years + 0.0
    taken = -sum(d(k).mean() for k in frm) / years + 0.0
    spent_from = sum(w[(k, "plan")].mean() for k in frm) / years
    budget_from = sum(budget[k] for k in frm)
    ok = abs(given - taken) <= TOLERANCE * amount  # the moved levers' spending balances
    other = tot_m / years - (given - taken)
    y = lambda v: f"{v / YUAN_PER_100M + 0.0:,.2f}"  # noqa: E731
    lines = [
        f"  total public spending, 100m yuan/year (mean over {len(w)} paired seeds, {years} years): before {y(before)}, "
        f"after {y(after)}; change {y(tot_m / years)} [{y(tot_lo / years)}, {y(tot_hi / years)}]",
        f"  moved {y(amount)}/year: FROM spent {y(taken)} less, TO spent {y(given)} more -> "
        + ("spending-neutral (within 1% of the money moved)" if ok else "NOT CONSTANT")
        + f"; before the move FROM spent {y(spent_from)} of its budget of {y(budget_from)}/year",
    ]
    if taken < (1 - TOLERANCE) * amount:
        lines.append(
            f"  warning: FROM gave up only {y(taken)} of the {y(amount)} moved: its levers did not spend their whole "
            "budget before the move, so the move adds money overall"
        )
    if given < (1 - TOLERANCE) * amount:
        lines.append(
            f"  warning: TO used only {y(given)} of the {y(amount)} it was given: its levers cannot spend more "
            "(too few eligible applicants or awards); the rest is not spent"
        )
    if abs(other) > OTHER_TOLERANCE * amount:
        lines.append(
            f"  note: the other levers spent {y(other)}/year more (negative: less) in response to the move "
            "(levers whose spending follows the economy, e.g. rent caps, purchases)"
        )
    return lines, ok


def effects(res, name: str) -> pd.DataFrame:
    """Paired effect (move - plan) on SEI value added in the last year and on each target's value."""
    from analysis.stats import paired_differences

    runs = res.runs[res.runs["move"].isin(["plan", name])]
    last = max(int(c.rsplit(".", 1)[-1]) for c in runs.columns if c.startswith("value_added.ALL."))
    cols = [f"value_added.ALL.{last}", *[c for c in runs.columns if c.startswith("T") and c.endswith(".value")]]
    rows = []
    for col in cols:
        if not pd.api.types.is_numeric_dtype(runs[col]):
            continue
        d = paired_differences(runs, col, "move", "plan")
        if len(d) and d["n_pairs"].iloc[0] > 0:
            rows.append(d.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True)


def _fmt(v: float, money: bool) -> str:
    if pd.isna(v):
        return "-"
    return f"{v / YUAN_PER_100M:,.0f}" if money else f"{v:,.4g}"


def effect_lines(e: pd.DataFrame) -> list[str]:
    lines = [f"  {'outcome':<26}{'plan':>12}{'after move':>12}{'effect':>12}{'95% CI':>26}{'relative':>10}"]
    for _, r in e.iterrows():
        money = str(r["outcome"]).startswith("value_added")
        label = "SEI value added " + r["outcome"].rsplit(".", 1)[-1] + " (亿元)" if money else r["outcome"][:-6]
        ci = f"[{_fmt(r['diff_lo'], money)}, {_fmt(r['diff_hi'], money)}]"
        rel = "-" if pd.isna(r["rel_diff"]) else f"{100 * r['rel_diff']:+.1f}%"
        lines.append(
            f"  {label:<26}{_fmt(r['mean_baseline'], money):>12}{_fmt(r['mean'], money):>12}"
            f"{_fmt(r['diff'], money):>12}{ci:>26}{rel:>10}"
        )
    return lines


def summarise(out: Path, src: str, dst: str, amounts: list[float], budget: dict[str, float]) -> tuple[str, bool]:
    """The printed summary of every amount and the response curve (written next to the runs)."""
    names = ["plan", *[variant_name(a) for a in amounts if (out / variant_name(a)).is_dir()]]
    res = load_variants(out, names)
    frm, to = resolve(src, budget), resolve(dst, budget)
    parts, curve, all_ok = [], [], True
    for a in amounts:
        name = variant_name(a)
        if name not in set(res.runs["move"]):
            continue
        lines, ok = spending_check(res, name, frm, to, a, budget)
        all_ok &= ok
        e = effects(res, name)
        parts.append("\n".join([f"Move {a / YUAN_PER_100M:,.2f} 亿元/year from {src} to {dst} ({name}):", *lines]))
        parts.append(
            "  paired effect of the move (after - before, same seeds; 95% t interval)\n" + "\n".join(effect_lines(e))
        )
        va = e.iloc[0]
        curve.append(
            {
                "amount": a,
                "pairs": va["n_pairs"],
                "outcome": va["outcome"],
                "effect": va["diff"],
                "effect_lo": va["diff_lo"],
                "effect_hi": va["diff_hi"],
                "spending_constant": ok,
            }
        )
    if len(curve) > 1:
        c = pd.DataFrame(curve)
        c.to_csv(out / "response_curve.csv", index=False)
        from analysis import style  # deferred: matplotlib only for the figure
        from analysis.figures.reallocation import fig_response_curve  # deferred: as above

        year = int(str(c["outcome"].iloc[0]).rsplit(".", 1)[-1])
        fig = fig_response_curve(c, src, dst, year)
        style.save(fig, out, "response_curve", formats=("png",))
        parts.append(f"Response curve: {out / 'response_curve.csv'}, {out / 'response_curve.png'}")
    return "\n\n".join(parts), all_ok


def _amounts(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an amount or a comma list of amounts (yuan/year)") from None


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m experiments.reallocate", description=__doc__.split("\n")[0])
    ap.add_argument("src", metavar="FROM", help="lever (projects.major_projects) or lever group (talent)")
    ap.add_argument("dst", metavar="TO", help="lever or lever group receiving the money")
    ap.add_argument(
        "amounts", metavar="AMOUNT", type=_amounts, help="yuan per year, e.g. 1e9; a comma list (5e8,1e9,2e9): a curve"
    )
    ap.add_argument("--scale", default="city", choices=("city", "small"))
    ap.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 for every scenario (at least 2)")
    ap.add_argument("--launcher", help="Hydra launcher: joblib (default), basic, ray, ...")
    ap.add_argument("--out", type=Path, help="folder (default multirun/reallocate/<FROM>_to_<TO>/<scale>)")
    ap.add_argument("--summary-only", action="store_true", help="do not run: summarise the folder as it is")
    ap.add_argument("overrides", nargs="*", help="more overrides for every run, e.g. scenario.end_year=2022")
    args = ap.parse_intermixed_args(argv)
    if args.seeds < 2:
        ap.error(f"--seeds: at least 2 for paired intervals, got {args.seeds}")
    return ap, args


def main(argv: list[str] | None = None) -> int:
    ap, args = parse_args(argv)
    budget = budgets()
    try:
        moves = {a: move(budget, args.src, args.dst, a) for a in args.amounts}
    except ValueError as exc:
        ap.error(str(exc))
    out = args.out or Path("multirun") / "reallocate" / f"{args.src}_to_{args.dst}" / args.scale
    code = 0
    for a, new in list(moves.items()):
        why = refusal(new, [f"scale={args.scale}", *args.overrides])
        if why:
            print(f"cannot move {a:.3g} yuan/year from {args.src} to {args.dst}: {why}", file=sys.stderr)
            del moves[a]
            code = 1
    if not moves:
        return 2
    if not args.summary_only:
        for name, ov in [("plan", []), *((variant_name(a), overrides_of(n)) for a, n in moves.items())]:
            rc = run_variant(out, name, ov, args)
            if rc not in (0, 1):
                return rc
            code = max(code, rc)
    text, ok = summarise(out, args.src, args.dst, sorted(moves), budget)
    print(f"reallocate: {args.src} -> {args.dst}, {args.scale} scale, folder {out}\n")
    print(text)
    if not ok:
        print("\nwarning: total spending did not stay constant for at least one amount (see above)")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
