"""Sensitivity and uncertainty: Morris screening and Sobol indices (SALib) of the 2025 outcomes.

Factors (``--factors``): the free parameters of the model (``params``: experiments.freeparams.FREE_PARAMS,
each over its declared range) and the intensities of the eight lever groups (``levers``:
sim.policy.intensity, each from 0 = the group off to 2 = twice the plan's budgets, counts, areas
and effect strengths; 1 = the plan). Specific factors can be named instead (``--factors
levers.funding,params.demography.entry_rate``); ``declared`` adds every other parameter whose
declaration (sim.params) gives a plausible range.

Outcomes (per sample point, averaged over the seeds):

- ``va_2025``: SEI value added in 2025, 100m yuan (亿元), current prices;
- ``rel_margin_<ID>`` for every quantitative target of the scorecard (kind ``quantitative``):
  the margin (value - threshold) divided by |threshold| (dimensionless; +0.5 = 50% above the
  threshold). Relative margins put targets counted in carriers, projects and clusters on one
  scale, so their indices can be compared across targets; a target with threshold 0 has none;
- ``met_<ID>``: share of the seeds meeting the target (0-1; kept, not analysed: with few seeds it
  is coarse) and ``quant_met_share`` (share of the quantitative targets met, over targets and
  seeds, 0-1; analysed) and ``quant_met_share_2025`` (the 2025 targets only; for analysis/ema.py).

Every sample point runs with the same seeds (common random numbers: seed ``s`` draws the same
shocks at every point, so differences between points come from the factors). Runs go through
sim.drivers.ensemble.run_many on ``--workers`` processes; no run folders are written.

    python -m experiments.sensitivity --method morris --scale small --seeds 2 --trajectories 10 --out outputs/sensitivity/morris
    python -m experiments.sensitivity --method sobol --scale small --seeds 2 --samples 64 --factors levers --out outputs/sensitivity/sobol

Files in ``--out`` (all written atomically): ``design.json`` (method, factors and ranges, seeds,
scale, sample size, runtime), ``sample.parquet`` (one row per sample point: the factor values),
``runs.parquet`` (one row per point x seed: the outcomes of that run; the cache that makes the
study resumable: a rerun skips the (point, seed) pairs already there, keyed by a hash of the
point's config overrides, the base config (scale, calibration, defaults), end year and model
version, i.e. sim.__version__, the git commit and a digest of any uncommitted edit of sim/),
``outcomes.parquet`` (the seed means per point), ``indices.csv`` (per outcome and factor: Morris mu*, its bootstrap confidence
interval, mu, sigma; or Sobol S1 and ST with their intervals; ranked), ``sensitivity_<method>.png``
and ``.pdf`` (the indices with their intervals). The ranked table is printed.

Units of the Morris indices: SALib's elementary effects are outcome differences divided by the
step as a share of the factor's range, so mu* is in outcome units "per full range" of the factor
(e.g. 100m yuan of 2025 value added). Sobol indices are shares of the outcome's variance.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError, SimConfig, to_config, validate
from sim.io import atomic_write, write_json

METHODS = ("morris", "sobol")
SCALES = ("small", "city")
FACTOR_SETS = ("params", "levers", "declared")  # declared: every other parameter with a plausible range
YEAR = 2025  # the outcome year: the plan's last target year
LEVER_RANGE = (0.0, 2.0)  # multiples of the plan's intensities
NUM_LEVELS = 4  # Morris grid levels (SALib default)
CONF_LEVEL = 0.95
OKABE_ITO = {"param": "#0072B2", "lever": "#E69F00"}  # colour-blind-safe (Okabe & Ito 2008)


# ---------------------------------------------------------------------------------------------
# Factors
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Factor:
    """One input of the study. ``name``: a free parameter's dotted config key, or ``levers.<group>``
    for a lever-group intensity; ``kind``: param | lever; ``low``/``high``: the range in ``unit``."""

    name: str
    kind: str
    low: float
    high: float
    unit: str
    why: str = ""

    @property
    def label(self) -> str:
        """Short label for tables and figures."""
        if self.kind == "lever":
            return f"lever: {self.name.split('.', 1)[1]}"
        return self.name.removeprefix("params.")


def all_factors(lever_range: tuple[float, float] = LEVER_RANGE) -> list[Factor]:
    """Every factor: the free parameters (experiments.freeparams.FREE_PARAMS) then the lever groups."""
    from experiments.freeparams import FREE_PARAMS
    from sim.policy.intensity import GROUPS

    out = [Factor(p.key, "param", float(p.low), float(p.high), p.unit, p.why) for p in FREE_PARAMS]
    out += [
        Factor(
            f"levers.{g}",
            "lever",
            float(lever_range[0]),
            float(lever_range[1]),
            "x plan intensity",
            "sim/policy/intensity.py: 0 = group off, 1 = plan_2018",
        )
        for g in GROUPS
    ]
    return out


def declared_factors() -> list[Factor]:
    """Every declared parameter with a plausible range that is not a free parameter (experiments.freeparams.DECLARED)."""
    from experiments.freeparams import DECLARED

    return [Factor(p.key, "param", float(p.low), float(p.high), p.unit, p.why) for p in DECLARED]


def select_factors(spec: str, lever_range: tuple[float, float] = LEVER_RANGE) -> list[Factor]:
    """Factors named by ``spec``: comma-separated 'params', 'levers' or factor names (in the
    order of ``all_factors``); ConfigError names an unknown token and the allowed ones."""
    lo, hi = lever_range
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
        raise ConfigError(
            f"--lever-range {lo:g},{hi:g} is not allowed; allowed: 0 <= low < high (multiples of the plan)"
        )
    every = all_factors(lever_range)
    if "declared" in spec.split(","):
        every += declared_factors()
    names = {f.name for f in every}
    tokens = [t.strip() for t in spec.split(",") if t.strip()]
    if not tokens:
        raise ConfigError(
            f"--factors is empty; allowed: {', '.join(FACTOR_SETS)} or factor names ({', '.join(sorted(names))})"
        )
    wanted: set[str] = set()
    for t in tokens:
        if t == "declared":
            wanted |= {f.name for f in declared_factors()}
        elif t in FACTOR_SETS:
            wanted |= {f.name for f in every if f.kind == t[:-1]}
        elif t in names:
            wanted.add(t)
        else:
            raise ConfigError(
                f"--factors: '{t}' is unknown; allowed: {', '.join(FACTOR_SETS)} or factor names "
                f"({', '.join(f.name for f in every)})"
            )
    out = [f for f in every if f.name in wanted]
    if len(out) < 2:
        raise ConfigError(
            f"--factors must select at least 2 factors (SALib), got {len(out)}: {', '.join(f.name for f in out)}"
        )
    return out


def salib_problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def draw_sample(method: str, factors: Sequence[Factor], n: int, seed: int) -> np.ndarray:
    """The SALib design: Morris ``n`` trajectories on NUM_LEVELS levels (n x (k+1) points), or
    Saltelli/Sobol with ``n`` base samples, first and total order (n x (k+2) points)."""
    problem = salib_problem(factors)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, N=n, num_levels=NUM_LEVELS, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, n, calc_second_order=False, seed=seed)


def n_points(method: str, k: int, n: int) -> int:
    return n * (k + 1) if method == "morris" else n * (k + 2)


# ---------------------------------------------------------------------------------------------
# Configs of the sample points
# ---------------------------------------------------------------------------------------------
def point_overrides(factors: Sequence[Factor], row: Sequence[float]) -> dict[str, Any]:
    """Dotted config overrides of one sample point (free parameters checked against their
    declared ranges by experiments.freeparams.overrides; lever groups by sim.policy.intensity).
    Values are clipped to the factor's bounds first: SALib scales the unit design as
    low + x * (high - low), which can overshoot a bound by one rounding (-0.2 + 0.8 = 0.6000000000000001)."""
    from experiments.freeparams import overrides
    from sim.policy.intensity import group_overrides

    params = {f.name: min(max(float(v), f.low), f.high) for f, v in zip(factors, row) if f.kind == "param"}
    out: dict[str, Any] = dict(overrides(params))
    for f, v in zip(factors, row):
        if f.kind == "lever":
            out.update(group_overrides(f.name.split(".", 1)[1], float(v)))
    return out


def _coerce(key: str, old: Any, value: Any) -> Any:
    if isinstance(old, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"config key '{key}' must be true or false, got {value!r}")
        return value
    if isinstance(old, int):
        v = float(value)
        if v != int(v):
            raise ConfigError(f"config key '{key}' must be a whole number, got {value!r}")
        return int(v)
    if isinstance(old, float):
        return float(value)
    if isinstance(old, list) and old and is_dataclass(old[0]):
        kind = type(old[0])
        return [kind(**v) if isinstance(v, Mapping) else v for v in value]
    if isinstance(old, dict):
        return {**old, **dict(value)}
    if isinstance(old, (str, list)):
        return copy.deepcopy(value)
    raise ConfigError(f"config key '{key}' cannot be set from {value!r}")


def apply_overrides(base: SimConfig, overrides: Mapping[str, Any]) -> SimConfig:
    """``base`` with dotted overrides applied and validated (sim.config.validate): the same
    result as ``to_config(base, **overrides)`` (tested) in ~1 ms instead of ~0.25 s, which
    matters for thousands of sample points. Unknown keys raise ConfigError naming the key."""
    cfg = copy.deepcopy(base)
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = cfg
        for p in parts[:-1]:
            if isinstance(node, dict) and p in node:
                node = node[p]
            elif not isinstance(node, dict) and hasattr(node, p):
                node = getattr(node, p)
            else:
                raise ConfigError(f"config key '{key}' is unknown (no '{p}')")
        leaf = parts[-1]
        if isinstance(node, dict):
            if leaf not in node:
                raise ConfigError(f"config key '{key}' is unknown (no '{leaf}')")
            node[leaf] = _coerce(key, node[leaf], value)
        else:
            if not hasattr(node, leaf):
                raise ConfigError(f"config key '{key}' is unknown (no '{leaf}')")
            setattr(node, leaf, _coerce(key, getattr(node, leaf), value))
    validate(cfg)
    return cfg


def model_version() -> str:
    """sim.__version__, the git commit and a digest of uncommitted changes to the model (empty when
    there are none): part of every point hash, so a new commit or an edit starts a fresh cache."""
    import sim
    from sim.drivers.run import code_changes, git_commit

    edits = code_changes()
    return f"{sim.__version__}+{git_commit()}" + (f"+{edits}" if edits else "")


def config_digest(cfg: SimConfig) -> str:
    """Hash of a whole resolved config (e.g. the study's base: scale, calibration, defaults)."""
    from sim.config import as_dict

    return hashlib.sha256(json.dumps(as_dict(cfg), sort_keys=True, default=str).encode()).hexdigest()[:16]


def point_hash(overrides: Mapping[str, Any], base: str, end_year: int, version: str) -> str:
    """Key of a sample point in the run cache: its overrides, the digest of the base config
    (``config_digest``: scale, calibration, every default), the end year and the model version."""
    blob = json.dumps({"o": overrides, "base": base, "end": end_year, "v": version}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Outcomes of one run and of a point
# ---------------------------------------------------------------------------------------------
def quantitative_targets() -> list[tuple[str, int | None]]:
    """(id, year) of the scorecard's quantitative targets, in PLAN.md order."""
    from sim.outputs.targets import QUANTITATIVE, TARGETS

    return [(t.id, t.year) for t in TARGETS if t.kind == QUANTITATIVE]


def run_outcomes(result, year: int = YEAR) -> dict[str, float]:
    """Outcomes of one complete run (a sim.drivers.ensemble.SeedResult): value added in ``year`` (100m
    yuan), and per quantitative target the relative margin and met (1/0; NaN if not evaluated)."""
    out = {"va_2025": float(result.va_table.loc["ALL", year])}
    rows = {r["id"]: r for r in result.scorecard["targets"]}
    for tid, _ in quantitative_targets():
        r = rows[tid]
        out[f"rel_margin_{tid}"] = np.nan if r["margin_rel"] is None else float(r["margin_rel"])
        out[f"met_{tid}"] = np.nan if r["met"] is None else float(bool(r["met"]))
    return out


OUTCOME_UNITS = {
    "va_2025": "100m yuan (亿元), 2025 SEI value added",
    "quant_met_share": "share of quantitative targets met (0-1)",
    "quant_met_share_2025": "share of the 2025 quantitative targets met (0-1)",
}


def outcome_unit(name: str) -> str:
    if name.startswith("rel_margin_"):
        return f"relative margin of {name.removeprefix('rel_margin_')} (margin / |threshold|)"
    if name.startswith("met_"):
        return f"share of seeds meeting {name.removeprefix('met_')} (0-1)"
    return OUTCOME_UNITS.get(name, "")


def with_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` plus, per run, quant_met_share (share of the quantitative targets met) and
    quant_met_share_2025 (of the 2025 quantitative targets)."""
    met = [f"met_{tid}" for tid, _ in quantitative_targets()]
    met25 = [f"met_{tid}" for tid, y in quantitative_targets() if y == YEAR]
    return runs.assign(quant_met_share=runs[met].mean(axis=1), quant_met_share_2025=runs[met25].mean(axis=1))


def point_means(runs: pd.DataFrame) -> pd.DataFrame:
    """Seed means per sample point (``runs``: one row per point x seed with run_outcomes columns)
    of every outcome, quant_met_share and quant_met_share_2025 included (``with_shares``)."""
    runs = with_shares(runs)
    cols = [
        c
        for c in runs.columns
        if c in ("va_2025", "quant_met_share", "quant_met_share_2025") or c.startswith(("rel_margin_", "met_"))
    ]
    means = runs.groupby("point_id")[cols].mean()
    means["n_seeds"] = runs.groupby("point_id").size()
    return means.reset_index()


def analysed_outcomes(outcomes: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Outcomes to analyse (va_2025, quant_met_share, every rel_margin_*) and those left out with
    the reason (not finite everywhere, or constant over the sample)."""
    names = ["va_2025", "quant_met_share"] + [c for c in outcomes.columns if c.startswith("rel_margin_")]
    keep, skipped = [], {}
    for n in names:
        y = outcomes[n].to_numpy(float)
        if not np.isfinite(y).all():
            skipped[n] = "not available in every run (threshold 0 or not evaluated)"
        elif np.ptp(y) == 0:
            skipped[n] = f"constant over the sample ({y[0]:g})"
        else:
            keep.append(n)
    return keep, skipped


def morris_delta(num_levels: int = NUM_LEVELS) -> float:
    """Step of a Morris elementary effect as a share of the factor's range (SALib)."""
    return num_levels / (2.0 * (num_levels - 1))


def elementary_effects(X: np.ndarray, y: np.ndarray, factors: Sequence[Factor]) -> np.ndarray:
    """[trajectories, k] Morris elementary effects of ``y`` on the design ``X`` (rows in
    trajectories of k + 1 points, one factor moved per step), per unit of the factor's range."""
    k = len(factors)
    lo = np.array([f.low for f in factors])
    span = np.array([f.high - f.low for f in factors])
    Xn = ((X - lo) / span).reshape(-1, k + 1, k)
    Y = np.asarray(y, float).reshape(-1, k + 1)
    dx = np.diff(Xn, axis=1)  # [r, k, k]: one non-zero entry per step
    moved = np.abs(dx).argmax(axis=2)
    step = np.take_along_axis(dx, moved[..., None], axis=2)[..., 0]
    ee = np.full((Y.shape[0], k), np.nan)
    rows = np.arange(Y.shape[0])[:, None]
    ee[rows, moved] = np.diff(Y, axis=1) / step
    return ee


def seed_noise(
    runs: pd.DataFrame,
    outcomes: pd.DataFrame,
    names: Sequence[str],
    seeds: Sequence[int],
    method: str,
    X: np.ndarray | None = None,
    factors: Sequence[Factor] = (),
) -> pd.DataFrame:
    """How much of each outcome is seed noise, from the spread between the seeds of each point:
    ``seed_sd`` (standard deviation of one run around its point's mean, pooled over the distinct
    points) and ``noise_var_share``: the variance of the noise that common random numbers do not
    cancel (the point x seed interaction: residual of y = point effect + seed effect, over the
    distinct points) in a seed mean, over the variance of the seed means across the sample (near
    0: the indices see the factors; near or above 1: mostly noise). For Morris also ``mu_star_noise``:
    the mu* a factor without effect would get from noise alone, E|e| for e normal with the
    variance of a seed-mean elementary effect, estimated from how much the elementary effects of
    the individual seeds disagree (so it counts only the noise that common random numbers do not
    cancel). NaN with one seed."""
    recs = []
    runs = with_shares(runs)
    distinct = runs.drop_duplicates(["point_hash", "seed"])
    n_seeds = len(seeds)
    for n in names:
        rec = {"outcome": n, "seed_sd": np.nan, "noise_var_share": np.nan}
        if method == "morris":
            rec["mu_star_noise"] = np.nan
        if n_seeds >= 2:
            var_within = float(distinct.groupby("point_hash")[n].var(ddof=1).mean())
            Y = distinct.pivot_table(index="point_hash", columns="seed", values=n).dropna().to_numpy(float)
            resid = Y - Y.mean(axis=1, keepdims=True) - Y.mean(axis=0, keepdims=True) + Y.mean()
            var_eps = float((resid**2).sum()) / max((Y.shape[0] - 1) * (Y.shape[1] - 1), 1)
            total = float(outcomes[n].var(ddof=1))
            rec.update(
                seed_sd=math.sqrt(var_within), noise_var_share=var_eps / n_seeds / total if total > 0 else np.nan
            )
            if method == "morris" and X is not None:
                ees = []
                for s in seeds:
                    y = runs[runs["seed"] == s].set_index("point_id")[n].reindex(range(len(X))).to_numpy(float)
                    ees.append(elementary_effects(X, y, factors))
                ee = np.stack(ees)  # [seeds, r, k]
                var_mean_ee = float(np.nanmean(np.var(ee, axis=0, ddof=1))) / n_seeds
                rec["mu_star_noise"] = math.sqrt(2.0 / math.pi) * math.sqrt(var_mean_ee)
        recs.append(rec)
    return pd.DataFrame(recs)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
def _print(msg: str) -> None:
    print(msg, flush=True)


def run_points(
    cfgs: list[SimConfig],
    hashes: list[str],
    seeds: Sequence[int],
    workers: int,
    cache: Path | None,
    chunk: int = 200,
    log=None,
) -> pd.DataFrame:
    """Outcomes of every (point, seed) run, one row each; rows already in ``cache`` (runs.parquet,
    same point hash and seed) are reused, new rows are appended to it after every chunk of runs."""
    from sim.drivers.ensemble import run_many

    log = log or _print
    done = (
        pd.read_parquet(cache) if cache is not None and cache.exists() else pd.DataFrame(columns=["point_hash", "seed"])
    )
    have = set(zip(done["point_hash"], done["seed"].astype(int)))
    first = {h: i for i, h in reversed(list(enumerate(hashes)))}  # identical points run once
    todo = [(i, s) for h, i in sorted(first.items(), key=lambda x: x[1]) for s in seeds if (h, int(s)) not in have]
    if have:
        log(f"resuming: {len(first) * len(seeds) - len(todo)} of {len(first) * len(seeds)} runs found in {cache}")
    t0 = time.perf_counter()
    new_rows: list[dict] = []
    failed: list[str] = []
    for k in range(0, len(todo), max(1, chunk)):
        part = todo[k : k + chunk]
        results = run_many([(cfgs[i], s, None) for i, s in part], workers)
        rows = []
        for (i, s), r in zip(part, results):
            if r.status != "complete":
                failed.append(f"point {i} seed {s}: {r.error}")
                continue
            rows.append({"point_hash": hashes[i], "seed": int(s), **run_outcomes(r)})
        new_rows += rows
        if cache is not None and rows:
            done = pd.concat([done, pd.DataFrame(rows)], ignore_index=True) if len(done) else pd.DataFrame(rows)
            atomic_write(cache, lambda p, d=done: d.to_parquet(p, index=False))
        n = k + len(part)
        el = time.perf_counter() - t0
        log(f"  {n}/{len(todo)} runs, {el:.0f} s elapsed, ~{el / n * (len(todo) - n):.0f} s to go")
    if failed:
        raise RuntimeError(
            f"{len(failed)} runs failed (complete runs are kept in {cache}):\n  " + "\n  ".join(failed[:10])
        )
    allrows = pd.concat([done, pd.DataFrame(new_rows)], ignore_index=True) if cache is None else done
    allrows = allrows.drop_duplicates(["point_hash", "seed"], keep="last")
    index = {(h, int(s)) for h in hashes for s in seeds}
    mask = [(h, int(s)) in index for h, s in zip(allrows["point_hash"], allrows["seed"])]
    return allrows[mask].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Indices
# ---------------------------------------------------------------------------------------------
def indices(
    method: str,
    factors: Sequence[Factor],
    X: np.ndarray,
    outcomes: pd.DataFrame,
    names: Sequence[str],
    seed: int = 0,
    noise: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Morris (mu*, its bootstrap CI half-width, mu, sigma) or Sobol (S1, ST and CI half-widths)
    per outcome and factor, ranked within each outcome by mu* or ST (rank 1 = most influential);
    with ``noise`` (seed_noise) its columns are added and, for Morris, ``above_noise`` (mu* minus
    its CI half-width above mu_star_noise)."""
    problem = salib_problem(factors)
    recs = []
    for name in names:
        y = outcomes[name].to_numpy(float)
        if method == "morris":
            from SALib.analyze import morris

            si = morris.analyze(
                problem, X, y, num_resamples=1000, conf_level=CONF_LEVEL, num_levels=NUM_LEVELS, seed=seed
            )
            cols = {"mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"], "mu": si["mu"], "sigma": si["sigma"]}
            key = "mu_star"
        else:
            from SALib.analyze import sobol

            si = sobol.analyze(
                problem, y, calc_second_order=False, num_resamples=1000, conf_level=CONF_LEVEL, seed=seed
            )
            cols = {"ST": si["ST"], "ST_conf": si["ST_conf"], "S1": si["S1"], "S1_conf": si["S1_conf"]}
            key = "ST"
        df = pd.DataFrame(
            {
                "outcome": name,
                "unit": outcome_unit(name),
                "factor": [f.name for f in factors],
                "label": [f.label for f in factors],
                "kind": [f.kind for f in factors],
                "low": [f.low for f in factors],
                "high": [f.high for f in factors],
                **{c: np.asarray(v, float) for c, v in cols.items()},
            }
        )
        top = df[key].abs().max()
        df[f"{key}_rel"] = df[key] / top if top > 0 else 0.0
        df = df.sort_values(key, ascending=False, kind="stable")
        df.insert(3, "rank", np.arange(1, len(df) + 1))
        recs.append(df)
    out = pd.concat(recs, ignore_index=True)
    if noise is not None:
        out = out.merge(noise, on="outcome", how="left")
        if method == "morris":
            out["above_noise"] = (out["mu_star"] - out["mu_star_conf"]) > out["mu_star_noise"]
    return out


def format_ranking(ix: pd.DataFrame, method: str, primary: str = "va_2025") -> str:
    """The ranked table of ``primary`` and the matrix of relative importance of every factor for
    every analysed outcome (mu* / max mu* or ST / max ST within the outcome)."""
    key = "mu_star" if method == "morris" else "ST"
    lines = []
    p = ix[ix.outcome == primary] if primary in set(ix.outcome) else ix[ix.outcome == ix.outcome.iloc[0]]
    name = p.outcome.iloc[0]
    lines.append(f"{method} indices of {name} [{outcome_unit(name)}], {int(CONF_LEVEL * 100)}% CI half-widths:")
    if method == "morris":
        t = p[["rank", "label", "mu_star", "mu_star_conf", "mu", "sigma"]]
    else:
        t = p[["rank", "label", "ST", "ST_conf", "S1", "S1_conf"]]
    lines.append(t.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    if "seed_sd" in p.columns and np.isfinite(p["seed_sd"].iloc[0]):
        r = p.iloc[0]
        extra = (
            (
                f"; mu* from noise alone ~ {r['mu_star_noise']:.3g}, {int(p['above_noise'].sum())} of {len(p)} factors "
                "clearly above it (mu* - CI > noise)"
            )
            if method == "morris"
            else ""
        )
        lines.append(
            f"seed noise: sd of one run {r['seed_sd']:.3g}; the noise common random numbers do not cancel is "
            f"{r['noise_var_share']:.0%} of the variance of the seed means over the sample{extra}"
        )
    wide = ix.pivot_table(index="label", columns="outcome", values=f"{key}_rel", sort=False)
    wide = wide[[c for c in dict.fromkeys(ix.outcome)]]
    wide = wide.loc[wide.mean(axis=1).sort_values(ascending=False).index]
    wide.columns = [c.replace("rel_margin_", "m:") for c in wide.columns]
    lines.append("")
    lines.append(f"relative importance ({key} / largest {key} of the outcome; m: = relative margin of a target):")
    lines.append(wide.to_string(float_format=lambda v: f"{v:.2f}"))
    return "\n".join(lines)


def plot_indices(ix: pd.DataFrame, method: str, title: str, base: Path) -> list[Path]:
    """One horizontal bar panel per outcome: mu* (Morris) or ST and S1 (Sobol) with their CIs;
    blue = free parameters, orange (hatched) = lever groups. Writes base.png and base.pdf."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    outs = list(dict.fromkeys(ix.outcome))
    ncol = min(3, len(outs))
    nrow = math.ceil(len(outs) / ncol)
    k = ix[ix.outcome == outs[0]].shape[0]
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 0.8 + nrow * (0.6 + 0.19 * k)), squeeze=False)
    for ax, name in zip(axes.flat, outs):
        d = ix[ix.outcome == name].iloc[::-1]
        ypos = np.arange(len(d))
        colors = [OKABE_ITO[c] for c in d.kind]
        hatches = ["//" if c == "lever" else "" for c in d.kind]
        if method == "morris":
            bars = ax.barh(
                ypos,
                d.mu_star,
                xerr=d.mu_star_conf,
                color=colors,
                edgecolor="black",
                linewidth=0.4,
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
            xlabel = "μ* (per full factor range)"
            if "mu_star_noise" in d.columns and np.isfinite(d["mu_star_noise"].iloc[0]):
                ax.axvline(d["mu_star_noise"].iloc[0], color="#CC79A7", linestyle="--", linewidth=1.0)
        else:
            bars = ax.barh(
                ypos + 0.2,
                d.ST,
                height=0.4,
                xerr=d.ST_conf,
                color=colors,
                edgecolor="black",
                linewidth=0.4,
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
            ax.barh(
                ypos - 0.2,
                d.S1,
                height=0.4,
                xerr=d.S1_conf,
                color="white",
                edgecolor=colors,
                linewidth=1.0,
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
            ax.axvline(0, color="black", linewidth=0.5)
            xlabel = "ST (filled), S1 (open); share of variance"
        for b, h in zip(bars, hatches):
            b.set_hatch(h)
        ax.set_yticks(ypos, d.label, fontsize=7)
        unit = outcome_unit(name).replace(" (亿元)", "")  # no CJK glyphs in the default font
        short = name.replace("rel_margin_", "relative margin ")
        ax.set_title(f"{short}\n[{unit}]" if unit and name == "va_2025" else short, fontsize=8)
        ax.set_xlabel(xlabel, fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", linewidth=0.3, alpha=0.6)
    for ax in list(axes.flat)[len(outs) :]:
        ax.axis("off")
    kinds = set(ix["kind"])
    handles = [
        h
        for k, h in (
            ("param", Patch(facecolor=OKABE_ITO["param"], edgecolor="black", label="free parameter")),
            (
                "lever",
                Patch(facecolor=OKABE_ITO["lever"], edgecolor="black", hatch="//", label="lever group intensity"),
            ),
        )
        if k in kinds
    ]
    if method == "morris" and "mu_star_noise" in ix.columns and ix["mu_star_noise"].notna().any():
        from matplotlib.lines import Line2D

        handles.append(Line2D([0], [0], color="#CC79A7", linestyle="--", label="μ* from seed noise alone (estimate)"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    from analysis.style import save

    paths = save(fig, base.parent, base.name, formats=("png", "pdf"), dpi=110)
    plt.close(fig)
    return paths


# ---------------------------------------------------------------------------------------------
# The study
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Study:
    """Settings of one sensitivity study (validated by ``check``)."""

    method: str = "morris"
    scale: str = "small"
    seeds: tuple[int, ...] = (0, 1)
    n: int = 10  # Morris trajectories or Sobol base samples
    factors: tuple[Factor, ...] = field(default_factory=lambda: tuple(all_factors()))
    sample_seed: int = 12345  # seed of the SALib design (not of the model runs)
    workers: int = 0  # processes; 0 = one per available core
    chunk: int = 200  # runs between cache writes

    def check(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"--method '{self.method}' is unknown; allowed: {', '.join(METHODS)}")
        if self.scale not in SCALES:
            raise ConfigError(f"--scale '{self.scale}' is unknown; allowed: {', '.join(SCALES)}")
        if not self.seeds:
            raise ConfigError("--seeds must be >= 1 (runs per sample point)")
        if self.method == "morris" and self.n < 2:
            raise ConfigError(f"--trajectories must be >= 2 for Morris, got {self.n}")
        if self.method == "sobol" and (self.n < 2 or self.n & (self.n - 1)):
            raise ConfigError(f"--samples must be a power of 2 >= 2 for Sobol (Saltelli design), got {self.n}")
        if self.workers < 0:
            raise ConfigError(f"--workers must be >= 0 (0 = one per core), got {self.workers}")


def resolve(workers: int, n_runs: int) -> int:
    import os

    if workers <= 0:
        workers = len(os.sched_getaffinity(0))
    return max(1, min(workers, n_runs))


def run_study(study: Study, out: Path, log=None) -> dict:
    """Sample, build and validate every config (before any run), run, average over seeds,
    analyse, write the files and return {'indices', 'outcomes', 'sample', 'design', 'skipped'}."""
    study.check()
    log = log or _print
    t0 = time.perf_counter()
    out = Path(out)
    factors = list(study.factors)
    X = draw_sample(study.method, factors, study.n, study.sample_seed)
    base = to_config(
        None, scale=study.scale, **{"scenario.end_year": YEAR, "output.write": False, "output.print_summary": False}
    )
    ovs = [point_overrides(factors, row) for row in X]
    cfgs = [apply_overrides(base, o) for o in ovs]  # every point validated before any run
    version = model_version()
    digest = config_digest(base)
    hashes = [point_hash(o, digest, YEAR, version) for o in ovs]
    workers = resolve(study.workers, len(cfgs) * len(study.seeds))
    log(
        f"{study.method}: {len(factors)} factors, {len(X)} sample points x {len(study.seeds)} seeds = "
        f"{len(X) * len(study.seeds)} runs at scale={study.scale} to {YEAR} on {workers} worker(s)"
    )
    sample = pd.DataFrame(X, columns=[f.name for f in factors])
    sample.insert(0, "point_id", np.arange(len(X)))
    sample.insert(1, "point_hash", hashes)
    atomic_write(out / "sample.parquet", lambda p: sample.to_parquet(p, index=False))
    t_run = time.perf_counter()
    cached = len(pd.read_parquet(out / "runs.parquet")) if (out / "runs.parquet").exists() else 0
    runs = run_points(cfgs, hashes, study.seeds, workers, out / "runs.parquet", study.chunk, log)
    t_run = time.perf_counter() - t_run
    # identical points (possible in a Morris grid) share their runs
    runs = sample[["point_id", "point_hash"]].merge(runs, on="point_hash", how="left", validate="many_to_many")
    outcomes = point_means(runs)
    outcomes.insert(1, "point_hash", [hashes[i] for i in outcomes.point_id])
    atomic_write(out / "outcomes.parquet", lambda p: outcomes.to_parquet(p, index=False))
    names, skipped = analysed_outcomes(outcomes)
    if not names:
        raise RuntimeError(f"no outcome varies over the sample: {skipped}")
    noise = seed_noise(runs, outcomes, names, study.seeds, study.method, X, factors)
    ix = indices(study.method, factors, X, outcomes, names, seed=study.sample_seed, noise=noise)
    atomic_write(out / "indices.csv", lambda p: ix.to_csv(p, index=False))
    title = (
        f"{study.method.capitalize()} {'screening' if study.method == 'morris' else 'indices'}, scale={study.scale}, "
        f"{len(X)} points x {len(study.seeds)} seeds (seed means), outcomes in {YEAR}; bars: {int(CONF_LEVEL * 100)}% CI"
    )
    figs = plot_indices(ix, study.method, title, out / f"sensitivity_{study.method}")
    design = {
        "method": study.method,
        "scale": study.scale,
        "seeds": list(study.seeds),
        "n": study.n,
        "n_label": "trajectories" if study.method == "morris" else "base samples",
        "num_levels": NUM_LEVELS,
        "points": len(X),
        "runs": len(X) * len(study.seeds),
        "sample_seed": study.sample_seed,
        "year": YEAR,
        "workers": workers,
        "factors": [asdict(f) for f in factors],
        "analysed": names,
        "skipped": skipped,
        "base_config_digest": digest,
        "model_version": version,
        "runs_in_cache_before": cached,
        "run_time_s": round(t_run, 1),
        "wall_time_s": round(time.perf_counter() - t0, 1),
        "files": ["design.json", "sample.parquet", "runs.parquet", "outcomes.parquet", "indices.csv"]
        + [p.name for p in figs],
        "command": " ".join(["python -m experiments.sensitivity"] + sys.argv[1:])
        if sys.argv and "sensitivity" in sys.argv[0]
        else "",
    }
    write_json(out / "design.json", design)
    return {
        "indices": ix,
        "outcomes": outcomes,
        "sample": sample,
        "design": design,
        "skipped": skipped,
        "figures": figs,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m experiments.sensitivity", description=__doc__.split("\n\n")[0])
    ap.add_argument("--method", default="morris", help=f"one of: {', '.join(METHODS)}")
    ap.add_argument("--scale", default="small", help=f"one of: {', '.join(SCALES)}")
    ap.add_argument(
        "--seeds", type=int, default=2, help="runs per sample point (seeds seed0 .. seed0+n-1, common to all points)"
    )
    ap.add_argument("--seed0", type=int, default=0, help="first seed")
    ap.add_argument("--trajectories", type=int, default=None, help="Morris trajectories (default 10)")
    ap.add_argument("--samples", type=int, default=None, help="Sobol base samples, a power of 2 (default 64)")
    ap.add_argument("--factors", default="params,levers", help="params, levers and/or factor names, comma-separated")
    ap.add_argument(
        "--lever-range",
        default=f"{LEVER_RANGE[0]:g},{LEVER_RANGE[1]:g}",
        help="low,high multiple of the plan (default 0,2)",
    )
    ap.add_argument("--sample-seed", type=int, default=12345, help="seed of the SALib design")
    ap.add_argument("--workers", type=int, default=0, help="processes (0 = one per core)")
    ap.add_argument("--chunk", type=int, default=200, help="runs between writes of the run cache")
    ap.add_argument("--out", required=True, help="output folder (reused runs are read from its runs.parquet)")
    return ap.parse_args(argv)


def study_from_args(a: argparse.Namespace) -> Study:
    if a.method == "morris" and a.samples is not None:
        raise ConfigError("--samples is for --method sobol; Morris takes --trajectories")
    if a.method == "sobol" and a.trajectories is not None:
        raise ConfigError("--trajectories is for --method morris; Sobol takes --samples")
    try:
        lo, hi = (float(x) for x in a.lever_range.split(","))
    except ValueError:
        raise ConfigError(f"--lever-range '{a.lever_range}' must be two numbers 'low,high'") from None
    n = (
        (a.trajectories if a.trajectories is not None else 10)
        if a.method == "morris"
        else (a.samples if a.samples is not None else 64)
    )
    if a.seeds < 1:
        raise ConfigError(f"--seeds must be >= 1, got {a.seeds}")
    s = Study(
        method=a.method,
        scale=a.scale,
        seeds=tuple(range(a.seed0, a.seed0 + a.seeds)),
        n=n,
        factors=tuple(select_factors(a.factors, (lo, hi))) if a.method in METHODS else (),
        sample_seed=a.sample_seed,
        workers=a.workers,
        chunk=a.chunk,
    )
    s.check()
    return s


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    try:
        study = study_from_args(a)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    res = run_study(study, Path(a.out))
    print()
    print(format_ranking(res["indices"], study.method))
    for n, why in res["skipped"].items():
        print(f"not analysed: {n}: {why}")
    d = res["design"]
    print(
        f"\n{d['runs']} runs in {d['run_time_s']} s ({d['wall_time_s']} s in all) on {d['workers']} worker(s); "
        f"files in {a.out}: {', '.join(d['files'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
