"""Export a sensitivity sample for EMA Workbench users, and scenario discovery with PRIM.

A sample folder of experiments/sensitivity.py (``sample.parquet``, ``outcomes.parquet``,
``design.json``) becomes the pair ``(experiments, outcomes)`` that ema_workbench's
``perform_experiments`` returns and its analysis functions take
(``ema_workbench.analysis.prim.Prim(x, y)``, ``feature_scoring.get_feature_scores_all(x, y)``,
``ema_workbench.save_results``):

- ``experiments``: a DataFrame with one float column per uncertainty (the free parameters varied,
  experiments.freeparams) then one per lever (the lever-group intensities, x plan), then ``scenario``
  (id of the point's distinct uncertainty vector), ``policy`` (id of its distinct lever vector)
  and ``model`` (``sei_sim``), object dtype, as ema_workbench's DefaultCallback builds them;
- ``outcomes``: ``{name: 1-d float array}`` in the same row order: the seed means of
  experiments/sensitivity.py (``va_2025`` in 100m yuan, ``rel_margin_<ID>``, ``met_<ID>``,
  ``quant_met_share``, ``quant_met_share_2025``).

EMA Workbench 3 requires names that are Python identifiers: ``params.demography.entry_rate``
becomes ``demography_entry_rate``, ``levers.funding`` ``lever_funding``, ``rel_margin_T25-ZONES``
``rel_margin_T25_ZONES`` (``ema_names`` gives the mapping; it is written to ``names.json``).

Scenario discovery (``python -m analysis.ema --sample DIR``): PRIM on the lever columns with the
cases of interest ``outcome >= threshold`` (default: every 2025 quantitative target met in every
seed, ``quant_met_share_2025 >= 1``): which ranges of the lever-group intensities make the 2025
targets likely. The box printed is the densest box on the peeling trajectory that still covers
at least ``--min-coverage`` of the cases of interest, without its restrictions that are not
significant (quasi-p value >= ``--alpha``). Files written to ``DIR/ema/`` (or --out):
``results.tar.gz`` (``ema_workbench.load_results`` reads it), ``names.json``,
``prim_trajectory.csv``, ``prim_box.csv``, ``feature_scores.csv``.

    python -m analysis.ema --sample outputs/sensitivity/sobol_levers
    python -m analysis.ema --sample DIR --outcome met_T25-ZONES --threshold 1 --min-coverage 0.8

ema_workbench is optional: ``pip install .[ema]``; the export without it works (``to_ema``),
PRIM and ``save_ema`` raise ImportError with that hint.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.io import atomic_write, write_json

EMA_HINT = "EMA Workbench is not installed; it is an optional extra: pip install .[ema]  (ema-workbench>=3.0)"
MODEL_NAME = "sei_sim"
DEFAULT_OUTCOME = "quant_met_share_2025"
DEFAULT_THRESHOLD = 1.0
NON_OUTCOMES = ("point_id", "point_hash", "n_seeds")


def require_ema():
    """The ema_workbench module, or ImportError with the install hint."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "ipyparallel not installed"
            import ema_workbench
    except ImportError as exc:
        raise ImportError(EMA_HINT) from exc
    return ema_workbench


def ema_available() -> bool:
    try:
        require_ema()
    except ImportError:
        return False
    return True


def ema_name(name: str) -> str:
    """A Python identifier for a factor or outcome name (EMA Workbench 3 requires them)."""
    n = name.removeprefix("params.")
    if n.startswith("levers."):
        n = "lever_" + n.removeprefix("levers.")
    n = re.sub(r"\W", "_", n)
    return n if n.isidentifier() else f"x_{n}"


@dataclass(frozen=True)
class SampleData:
    """A sample folder of experiments/sensitivity.py."""

    sample: pd.DataFrame  # point_id, point_hash, one column per factor
    outcomes: pd.DataFrame  # point_id, point_hash, outcome columns, n_seeds
    design: dict  # design.json


def load_sample(folder: str | Path) -> SampleData:
    """Read ``sample.parquet``, ``outcomes.parquet`` and ``design.json``; FileNotFoundError names
    what is missing and how to make it."""
    d = Path(folder)
    missing = [n for n in ("sample.parquet", "outcomes.parquet", "design.json") if not (d / n).exists()]
    if missing:
        raise FileNotFoundError(
            f"{d} is not a finished sample of experiments.sensitivity (missing: {', '.join(missing)}); "
            f"make one with: python -m experiments.sensitivity --method sobol --factors levers --out {d}"
        )
    return SampleData(
        pd.read_parquet(d / "sample.parquet"),
        pd.read_parquet(d / "outcomes.parquet"),
        json.loads((d / "design.json").read_text()),
    )


def _ids(frame: pd.DataFrame) -> np.ndarray:
    """Integer id of each row's distinct value vector, in order of first appearance (0 if no columns)."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=int)
    codes, _ = pd.factorize(pd.Series(list(map(tuple, frame.to_numpy()))), sort=False)
    return codes


def ema_names(data: SampleData) -> dict[str, str]:
    """Original name -> EMA name of every factor and outcome."""
    names = [f["name"] for f in data.design["factors"]] + [c for c in data.outcomes.columns if c not in NON_OUTCOMES]
    out = {n: ema_name(n) for n in names}
    if len(set(out.values())) != len(out):
        raise ValueError(f"names collide after conversion to identifiers: {out}")
    return out


def to_ema(data: SampleData) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``(experiments, outcomes)`` in the shape ema_workbench.perform_experiments returns (module
    docstring). Rows in sample order; outcomes aligned on point_id. Pure; no ema_workbench needed."""
    names = ema_names(data)
    fac = data.design["factors"]
    unc = [f["name"] for f in fac if f["kind"] == "param"]
    lev = [f["name"] for f in fac if f["kind"] == "lever"]
    s = data.sample.sort_values("point_id").reset_index(drop=True)
    o = data.outcomes.set_index("point_id").reindex(s["point_id"])
    if o.index.isna().any() or len(o) != len(s):
        raise ValueError("outcomes.parquet does not cover every point of sample.parquet")
    exp = s[unc + lev].astype(float).rename(columns=names)
    exp["scenario"] = pd.Series(_ids(s[unc]), dtype=object)
    exp["policy"] = pd.Series(_ids(s[lev]), dtype=object)
    exp["model"] = pd.Series([MODEL_NAME] * len(s), dtype=object)
    outcomes = {names[c]: o[c].to_numpy(float) for c in o.columns if c not in NON_OUTCOMES}
    return exp, outcomes


def save_ema(path: str | Path, experiments: pd.DataFrame, outcomes: dict[str, np.ndarray]) -> Path:
    """Write ``(experiments, outcomes)`` with ema_workbench.save_results (a tar.gz that
    ema_workbench.load_results reads), atomically."""
    ema = require_ema()
    for name in outcomes:  # save_results looks every outcome up in the outcome register
        ema.ScalarOutcome(name)
    path = Path(path)
    atomic_write(path, lambda p: ema.save_results((experiments, outcomes), str(p)))
    return path


@dataclass
class PrimResult:
    outcome: str
    threshold: float
    n: int  # points
    n_interest: int  # cases of interest
    trajectory: pd.DataFrame  # peeling trajectory: coverage, density, mass, mean, res_dim, ...
    chosen: int  # index of the reported box on the trajectory
    box: pd.DataFrame  # restricted dimensions: min, max (in factor units), qp values
    limits: pd.DataFrame  # every dimension: min, max of the chosen box
    dropped: list[str] = field(default_factory=list)  # restrictions dropped as not significant

    def format(self) -> str:
        st = self.trajectory.iloc[self.chosen]
        lines = [
            (
                f"PRIM: cases of interest = {self.outcome} >= {self.threshold:g}: {self.n_interest} of {self.n} points "
                f"(base rate {self.n_interest / self.n:.2f})"
            ),
            (
                f"box {self.chosen} of the peeling trajectory: coverage {st['coverage']:.2f}, density {st['density']:.2f}, "
                f"mass {st['mass']:.2f}, restricted dimensions {int(st['res_dim'])}"
                + (f" (dropped as not significant: {', '.join(self.dropped)})" if self.dropped else "")
            ),
        ]
        if len(self.box):
            lines.append(self.box.to_string(float_format=lambda v: f"{v:.3g}"))
        else:
            lines.append("(no dimension restricted: the whole sampled space)")
        return "\n".join(lines)


def run_prim(
    experiments: pd.DataFrame,
    outcomes: dict[str, np.ndarray],
    outcome: str = DEFAULT_OUTCOME,
    threshold: float = DEFAULT_THRESHOLD,
    columns: list[str] | None = None,
    min_coverage: float = 0.5,
    alpha: float = 0.05,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> PrimResult:
    """PRIM (ema_workbench.analysis.prim.Prim) on ``columns`` of ``experiments`` (default: the
    lever columns, ``lever_*``) with cases of interest ``outcomes[outcome] >= threshold``.
    Reports the densest box of the first peeling trajectory with coverage >= ``min_coverage``,
    after dropping, one at a time (least significant first), the restrictions whose quasi-p value
    is >= ``alpha`` (Bryant & Lempert 2010: they fit noise); the boxes of the dropping are
    appended to the trajectory, as ema_workbench's ``drop_restriction`` does."""
    require_ema()
    from ema_workbench.analysis import prim

    if outcome not in outcomes:
        raise KeyError(f"outcome '{outcome}' is unknown; allowed: {', '.join(outcomes)}")
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage}")
    cols = columns or [c for c in experiments.columns if c.startswith("lever_")]
    if not cols:
        raise ValueError("no lever columns (lever_*) in the experiments; pass columns= or sample with --factors levers")
    y = np.asarray(outcomes[outcome], float) >= threshold
    k, n = int(y.sum()), len(y)
    if k == 0 or k == n:
        raise ValueError(
            f"{'no' if k == 0 else 'every'} point has {outcome} >= {threshold:g}: nothing to discover; "
            f"choose another --threshold (range of {outcome}: {np.min(outcomes[outcome]):g} to "
            f"{np.max(outcomes[outcome]):g})"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(experiments[cols].reset_index(drop=True), y, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    traj = box.peeling_trajectory.reset_index(drop=True)
    ok = traj.index[traj["coverage"] >= min_coverage]
    chosen = int(traj.loc[ok, "density"].idxmax()) if len(ok) else 0
    dropped: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while True:  # drop the least significant restriction until every one is significant
            _, lim = box.inspect(chosen, style="data")[0]
            qp = pd.Series(np.nanmax(np.nan_to_num(lim.iloc[:, 2:].to_numpy(float), nan=0.0), axis=1), index=lim.index)
            if qp.empty or qp.max() < alpha:
                break
            worst = str(qp.idxmax())
            box.drop_restriction(worst, i=chosen)
            dropped.append(worst)
            chosen = len(box.box_lims) - 1
    traj = box.peeling_trajectory.reset_index(drop=True)
    box.select(chosen)
    _, lims = box.inspect(chosen, style="data")[0]
    lims = lims.copy()
    lims.columns = ["min", "max", "qp value (min)", "qp value (max)"]
    limits = box.box_lims[chosen].copy()
    limits.index = ["min", "max"]
    return PrimResult(outcome, threshold, n, k, traj, chosen, lims, limits.T, dropped)


def feature_scores(
    experiments: pd.DataFrame, outcomes: dict[str, np.ndarray], names: list[str], columns: list[str] | None = None
) -> pd.DataFrame:
    """Extra-trees feature scores (ema_workbench.analysis.feature_scoring.get_feature_scores_all)
    of ``columns`` (default: every uncertainty and lever) for the outcomes ``names``."""
    require_ema()
    from ema_workbench.analysis import feature_scoring

    cols = columns or [c for c in experiments.columns if c not in ("scenario", "policy", "model")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return feature_scoring.get_feature_scores_all(experiments[cols], {n: outcomes[n] for n in names})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.ema", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", required=True, help="folder of python -m experiments.sensitivity")
    ap.add_argument("--outcome", default=DEFAULT_OUTCOME, help="outcome defining the cases of interest")
    ap.add_argument(
        "--threshold", type=float, default=DEFAULT_THRESHOLD, help="cases of interest: outcome >= threshold"
    )
    ap.add_argument(
        "--min-coverage", type=float, default=0.5, help="report the densest box with at least this coverage"
    )
    ap.add_argument("--alpha", type=float, default=0.05, help="drop restrictions with a quasi-p value at or above this")
    ap.add_argument("--out", default=None, help="output folder (default SAMPLE/ema)")
    a = ap.parse_args(argv)
    try:
        data = load_sample(a.sample)
        exp, outs = to_ema(data)
        names = ema_names(data)
        outcome = names.get(a.outcome, a.outcome)
        if outcome not in outs:
            raise KeyError(
                f"--outcome '{a.outcome}' is unknown; allowed: {', '.join(k for k in names if names[k] in outs)}"
            )
        require_ema()
    except (FileNotFoundError, KeyError, ImportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(a.out) if a.out else Path(a.sample) / "ema"
    save_ema(out / "results.tar.gz", exp, outs)
    write_json(out / "names.json", names)
    try:
        res = run_prim(exp, outs, outcome, a.threshold, min_coverage=a.min_coverage, alpha=a.alpha)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    atomic_write(out / "prim_trajectory.csv", lambda p: res.trajectory.to_csv(p, index=True, index_label="box"))
    atomic_write(out / "prim_box.csv", lambda p: res.limits.join(res.box.iloc[:, 2:]).to_csv(p, index_label="lever"))
    fs_names = [n for n in (names.get("va_2025"), outcome) if n in outs]
    fs = feature_scores(exp, outs, list(dict.fromkeys(fs_names)))
    atomic_write(out / "feature_scores.csv", lambda p: fs.to_csv(p, index_label="factor"))
    print(
        f"{len(exp)} experiments ({sum(c.startswith('lever_') for c in exp.columns)} levers, "
        f"{exp.shape[1] - 3 - sum(c.startswith('lever_') for c in exp.columns)} uncertainties), {len(outs)} outcomes "
        f"-> {out / 'results.tar.gz'}"
    )
    print(res.format())
    print("\nfeature scores (extra trees):")
    print(fs.sort_values(fs.columns[-1], ascending=False).to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"\nfiles in {out}: results.tar.gz, names.json, prim_trajectory.csv, prim_box.csv, feature_scores.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
