"""Calibration by the method of simulated moments (MSM); docs/calibration.md.

Fits the free parameters of experiments/freeparams.py that 2019 data identify (``calibrated_params()``)
to moments of the 2019 data, with only data up to 2019 and runs that end in 2019:

- outer search over those parameters: a Latin hypercube (scipy.stats.qmc) over their declared
  ranges, then Nelder-Mead (scipy.optimize) from the best point, in unit-cube coordinates;
- inner step, for every outer vector: the demand trends ``calibration.demand_trend.<IND>`` are
  solved by fixed-point iteration so that simulated 2019 value added matches the statistics
  industry by industry (the trends are what VA is most sensitive to; searching them jointly with
  the outer parameters would waste the budget on 7 dimensions with an almost diagonal solution);
- every evaluation runs the same seeds (common random numbers) and averages the statistics over
  them; objective J = sum over targeted moments of ((simulated - observed) / tolerance)^2, i.e.
  weights 1 / tolerance^2 (tolerances and their reasons are in ``moments()``).

Writes ``configs/calibration/<name>.yaml`` (a Hydra option of the ``calibration`` group that sets
``calibration.*`` and the fitted ``params.*``), ``configs/calibration/<name>.history.csv`` (every
evaluation of the objective; also ``outputs/calibration/<name>/history.parquet``) and
``configs/calibration/<name>.fit.csv`` (the fit per moment of the chosen point), all atomically.

    python -m experiments.calibrate --name msm --scale city --seeds 0 1 --lhs 32 --local 40
    python -m experiments.calibrate --name trends --lhs 0 --local 0   # demand trends only (old calibrate_demand)
    python -m experiments.calibrate --check [--calibration default] [--scale city] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.freeparams import FreeParam, calibrated_params, overrides
from sim.basedata import YUAN_PER_100M, load, read_csv
from sim.ids import INDUSTRIES
from sim.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "configs" / "calibration"  # where <name>.yaml is written (tests monkeypatch it)
OUT_DIR = ROOT / "outputs" / "calibration"  # OUT_DIR / <name> / history.parquet (untracked copy of the history)
SCALES = ("city", "small")
END_YEAR = 2019  # runs stop at the calibration year; no data after 2019 is used
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
# d log(VA_2019) / d log(1 + annual trend): quarters 1-4 of 2019 carry growth^(q/4), mean 0.625
RESPONSE = 0.625
# stop the inner solve when every industry's 2019 VA is within 0.75% of the data: about the noise of
# the 2-seed mean under a small change of the trends (measured at city scale), well inside the 2% tolerance
INNER_TOL = 0.0075
INNER_MAX_RUNS = 3  # at most this many simulations per seed in one inner solve


# ---------------------------------------------------------------------------------------------
# Moments: observed values (from sim/data), tolerances (weights = 1 / tolerance^2)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Moment:
    """One moment of the data and the statistic of a run it is compared with.

    observed and tolerance are in ``unit``; role: 'target' (in the objective, weight
    1/tolerance^2), 'base' (the base year imposes it: a check of the construction), 'derived'
    (implied by the targets; checked, not in the objective) or 'info' (the model cannot fit it:
    reported with the reason, no PASS/FAIL).
    """

    id: str
    observed: float
    tolerance: float
    unit: str
    role: str
    source: str
    why_tolerance: str

    @property
    def weight(self) -> float:
        return 1.0 / self.tolerance**2 if self.role == "target" else 0.0


def _indicator(name: str, year: int) -> dict[str, str]:
    for r in read_csv("innovation_and_people.csv"):
        if r["indicator"] == name and r["year"] == str(year):
            return r
    raise KeyError(f"{name} {year} not in sim/data/innovation_and_people.csv")


def _new_carriers_2019() -> float:
    """New innovation carriers of 2019: the csv states it in the unit column ('85 new that year')."""
    r = _indicator("innovation_carriers", 2019)
    m = re.search(r"(\d+) new that year", r["unit"])
    if not m:
        raise ValueError(
            "innovation_and_people.csv: the 2019 innovation_carriers row no longer states 'N new that year'"
        )
    return float(m.group(1))


def _sei_growth(year: int, industry: str) -> float:
    for r in read_csv("sei_value_added.csv"):
        if r["year"] == str(year) and r["industry"] == industry and r["growth_pct"]:
            return float(r["growth_pct"]) / 100.0
    raise KeyError(f"growth of {industry} {year} not in sei_value_added.csv")


@lru_cache(maxsize=1)
def moments() -> tuple[Moment, ...]:
    """The moments, read from sim/data (data up to 2019 only)."""
    d = load()
    out: list[Moment] = []
    for k, i in enumerate(INDUSTRIES):
        out.append(
            Moment(
                f"va_2018_{i}",
                d.va_2018[k] / YUAN_PER_100M,
                1e-4 * d.va_2018[k] / YUAN_PER_100M,
                "100m yuan",
                "base",
                "sei_value_added.csv: 2018 total split by the 2019 composition (sim/basedata.py)",
                "imposed by the base year: any deviation is a bug",
            )
        )
    rounding = "imposed; 0.5% because agents are whole (at scale=small one agent stands for 10)"
    out.append(
        Moment(
            "firms_2018",
            d.nhte_2018,
            0.005 * d.nhte_2018,
            "firms",
            "base",
            "innovation_and_people.csv: 14,400 national high-tech enterprises (2018)",
            rounding,
        )
    )
    out.append(
        Moment(
            "carriers_2018",
            d.carriers_2018,
            0.005 * d.carriers_2018,
            "carriers",
            "base",
            "innovation_and_people.csv: 1,688 (2017) + 189 new (2018)",
            rounding,
        )
    )
    for k, i in enumerate(INDUSTRIES):
        v = d.va_2019[k] / YUAN_PER_100M
        out.append(
            Moment(
                f"va_2019_{i}",
                v,
                0.02 * v,
                "100m yuan",
                "target",
                "sei_value_added.csv: 2019 statistical bulletin",
                "2%: first releases of SEI VA are revised by ~0.5-1% (2018: 8.5% -> 9.1% growth, sei_value_added.csv) plus seed noise",
            )
        )
    g = d.va_2019.sum() / d.va_2018.sum() - 1
    out.append(
        Moment(
            "va_growth_2019_ALL",
            100 * g,
            1.0,
            "% nominal",
            "derived",
            "sei_value_added.csv: 10155.51 / 9155.18 (levels; the published 8.8% is at constant prices)",
            "1 pt; implied by the seven VA levels, so not weighted again",
        )
    )
    nhte19 = float(_indicator("national_high_tech_enterprises", 2019)["value"])
    out.append(
        Moment(
            "firms_2019",
            nhte19,
            0.05 * nhte19,
            "firms",
            "target",
            "innovation_and_people.csv: 'more than 17000' national high-tech enterprises (2019; M, one journal article)",
            "5%: a rounded 'more than' figure from one secondary source",
        )
    )
    new = _new_carriers_2019()
    out.append(
        Moment(
            "carriers_new_2019",
            new,
            2 * np.sqrt(new),
            "carriers",
            "target",
            "innovation_and_people.csv: 85 new innovation carriers in 2019 (H; scope wider than 2017)",
            "2 x Poisson sd of a count of 85 (~18): creation is a rare-event count",
        )
    )
    p18 = float(_indicator("population", 2018)["value"])
    p19 = float(_indicator("population", 2019)["value"])
    out.append(
        Moment(
            "talent_growth_2019",
            100 * (p19 / p18 - 1),
            2.0,
            "%",
            "target",
            "innovation_and_people.csv: resident population 1302.66 -> 1343.88 (10k), a proxy for SEI talent growth",
            "2 pt: a proxy (SEI talent is a quarter of residents); population grew 3.9-5.0%/yr in 2016-18",
        )
    )
    rd18 = float(_indicator("rd_expenditure", 2018)["value"])
    rd19 = float(_indicator("rd_expenditure", 2019)["value"])
    out.append(
        Moment(
            "rd_growth_2019",
            100 * (rd19 / rd18 - 1),
            5.0,
            "%",
            "info",
            "innovation_and_people.csv: city R&D 'more than 1000' (2018, M) -> 1328 (2019, H) 100m yuan",
            "not fitted: the 2018 figure is a rounded lower bound and city-wide; model R&D follows sales at fixed intensities "
            "and no free parameter moves it",
        )
    )
    out.append(
        Moment(
            "va_growth_2019_IND-DIGI",
            100 * _sei_growth(2019, "IND-DIGI"),
            2.0,
            "%",
            "info",
            "sei_value_added.csv: digital economy +18% in 2019 (H)",
            "not fitted: the base year splits 2018 VA by the 2019 composition (sim/basedata.py), so every industry grows "
            "by the same 10.9% in 2019 once its 2019 level is matched",
        )
    )
    return tuple(out)


def moment(mid: str) -> Moment:
    return next(m for m in moments() if m.id == mid)


# ---------------------------------------------------------------------------------------------
# One run: the statistics the moments need
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _base_config(scale: str, calibration: str):
    from sim.config import to_config

    return to_config(None, scale=scale, calibration=calibration, **{"scenario.end_year": END_YEAR})


def run_statistics(seed: int, scale: str, calibration: str, values: tuple[tuple[str, float], ...]) -> dict[str, float]:
    """Run the ``history`` scenario to 2019 with ``calibration`` and the dotted overrides
    ``values``; return the statistics of the moments (same ids; money in 100m yuan per year,
    counts in firms / carriers scaled to the city, growth in %)."""
    from sim.config import to_config
    from sim.model import SEIModel
    from sim.outputs.measure import base_annual_factor

    cfg = to_config(_base_config(scale, calibration), seed=seed, **dict(values))
    m = SEIModel(cfg, handles=False)
    w = m.world
    fw, iw = 1.0 / cfg.scale.firm_fraction, 1.0 / cfg.scale.institute_fraction
    k = base_annual_factor(w.base)
    f, inst = w.firms, w.institutes
    base = {
        "firms": (f.alive & (f.certified_until >= w.quarter)).sum() * fw,  # certified (NHTE) firms
        "carriers": inst.alive.sum() * iw,
        "talent": w.talent.alive.sum() * w.ppa,
        "rd": (f.rd_spending[f.alive].sum() + inst.budget[inst.alive].sum()) * k,
    }
    va18 = m.recorder.base["industry"]["value_added"]
    m.run()
    ts = m.timeseries()
    ts = ts[(ts.year == END_YEAR) & (ts.industry != "ALL")]
    flows = ts.groupby("metric", observed=True)["value"].sum()
    q4 = sorted(ts.quarter.astype(str).unique())[-1]
    last = ts[ts.quarter.astype(str) == q4].groupby("metric", observed=True)["value"].sum()
    va19 = ts[ts.metric == "value_added"].groupby("industry", observed=True)["value"].sum()
    out: dict[str, float] = {}
    for n, i in enumerate(INDUSTRIES):
        out[f"va_2018_{i}"] = va18[n] / YUAN_PER_100M
        out[f"va_2019_{i}"] = va19[i] / YUAN_PER_100M
    out["va_growth_2019_ALL"] = 100 * (va19.sum() / va18.sum() - 1)
    out["firms_2018"] = base["firms"]
    out["carriers_2018"] = base["carriers"]
    out["firms_2019"] = last["certified_firms"] * fw
    out["carriers_new_2019"] = flows["institutes_created"] * iw
    out["talent_growth_2019"] = 100 * (last["talent"] / base["talent"] - 1)
    out["rd_growth_2019"] = 100 * ((flows["rd_spending"] + flows["institute_budget"]) / base["rd"] - 1)
    out["va_growth_2019_IND-DIGI"] = 100 * (va19["IND-DIGI"] / va18[INDUSTRIES.index("IND-DIGI")] - 1)
    return {k: float(v) for k, v in out.items()}


def _job(args: tuple) -> dict[str, float]:
    return run_statistics(*args)


class Simulator:
    """Runs the seeds of one evaluation, in-process or on a pool of at most ``workers`` processes."""

    def __init__(self, scale: str, seeds: list[int], calibration: str, workers: int) -> None:
        self.scale, self.seeds, self.calibration = scale, list(seeds), calibration
        self.workers = max(1, min(int(workers), len(self.seeds)))
        self._pool: Executor | None = None
        self.runs = 0

    def __enter__(self) -> Simulator:
        if self.workers > 1:
            for v in THREAD_VARS:  # one BLAS thread per spawned worker
                os.environ.setdefault(v, "1")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"))
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def mean_statistics(self, values: dict[str, float]) -> dict[str, float]:
        """Statistics averaged over the seeds (common random numbers: the same seeds everywhere)."""
        items = tuple(sorted(values.items()))
        jobs = [(s, self.scale, self.calibration, items) for s in self.seeds]
        res = list(self._pool.map(_job, jobs)) if self._pool is not None else [_job(j) for j in jobs]
        self.runs += len(jobs)
        return {k: float(np.mean([r[k] for r in res])) for k in res[0]}


# ---------------------------------------------------------------------------------------------
# Fit per moment and the objective
# ---------------------------------------------------------------------------------------------
def fit_table(stats: dict[str, float]) -> pd.DataFrame:
    """One row per moment: simulated, observed, error, tolerance, weight, contribution to J, status."""
    rows = []
    for m in moments():
        s = stats[m.id]
        err = s - m.observed
        z = err / m.tolerance
        status = "info" if m.role == "info" else ("PASS" if abs(err) <= m.tolerance else "FAIL")
        rows.append(
            {
                "moment": m.id,
                "role": m.role,
                "unit": m.unit,
                "simulated": s,
                "observed": m.observed,
                "error": err,
                "error_pct": 100 * err / m.observed if m.observed else np.nan,
                "tolerance": m.tolerance,
                "weight": m.weight,
                "contribution": m.weight * err**2,
                "status": status,
                "source": m.source,
                "why_tolerance": m.why_tolerance,
                "z": z,
            }
        )
    return pd.DataFrame(rows)


def objective(stats: dict[str, float]) -> float:
    """J = sum over targeted moments of ((simulated - observed) / tolerance)^2."""
    return float(sum(m.weight * (stats[m.id] - m.observed) ** 2 for m in moments() if m.role == "target"))


def va_objective(stats: dict[str, float]) -> float:
    """The part of J from the 2019 VA moments (the criterion for replacing the default)."""
    return float(sum(m.weight * (stats[m.id] - m.observed) ** 2 for m in moments() if m.id.startswith("va_2019_")))


def trend_keys() -> list[str]:
    return [f"calibration.demand_trend.{i}" for i in INDUSTRIES]


def solve_trends(
    sim: Simulator, outer: dict[str, float], start: dict[str, float]
) -> tuple[dict[str, float], dict[str, float], int]:
    """Inner step: demand trends (per year, by industry) that make simulated 2019 VA match the data
    for the outer parameters ``outer``: fixed-point iteration on log(1 + trend) from ``start``,
    stopping when every industry is within INNER_TOL; returns the run with the smallest largest
    error (simulated VA jumps by ~0.5% between nearby trend vectors even with the same seeds, so
    the iteration cannot go below that noise). Returns (trends, statistics, runs per seed)."""
    target = load().va_2019 / YUAN_PER_100M
    trends = dict(start)
    best: tuple[float, dict[str, float], dict[str, float]] | None = None
    for it in range(1, INNER_MAX_RUNS + 1):
        stats = sim.mean_statistics({**outer, **{f"calibration.demand_trend.{i}": trends[i] for i in INDUSTRIES}})
        simva = np.array([stats[f"va_2019_{i}"] for i in INDUSTRIES])
        worst = float(np.abs(simva / target - 1).max())
        if os.environ.get("CALIBRATE_DEBUG"):
            print("    inner", it, np.round(100 * (simva / target - 1), 3))
        if best is None or worst < best[0]:
            best = (worst, dict(trends), stats)
        if worst < INNER_TOL:
            break
        for k, i in enumerate(INDUSTRIES):
            new = float(np.exp(np.log1p(trends[i]) - np.log(simva[k] / target[k]) / RESPONSE) - 1)
            trends[i] = float(np.clip(new, -0.10, 0.50))  # the range declared in experiments.freeparams.DEMAND_TRENDS
    assert best is not None
    return best[1], best[2], it


# ---------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------
@dataclass
class Evaluation:
    n: int
    phase: str
    outer: dict[str, float]
    trends: dict[str, float]
    stats: dict[str, float]
    objective: float
    inner_runs: int
    wall_s: float

    def row(self) -> dict:
        return {
            "eval": self.n,
            "phase": self.phase,
            "objective": self.objective,
            "va_objective": va_objective(self.stats),
            "inner_runs": self.inner_runs,
            "wall_s": round(self.wall_s, 2),
            **self.outer,
            **{f"calibration.demand_trend.{i}": v for i, v in self.trends.items()},
            **{f"sim.{k}": v for k, v in self.stats.items()},
        }


class Calibration:
    """The MSM search over ``params`` (FreeParam) for one simulator; keeps every evaluation."""

    def __init__(
        self,
        sim: Simulator,
        params: tuple[FreeParam, ...],
        start_trends: dict[str, float],
        start_values: dict[str, float],
    ) -> None:
        self.sim, self.params = sim, params
        self.start_trends = dict(start_trends)
        self.start_values = dict(start_values)
        self.history: list[Evaluation] = []
        self._seen: dict[tuple, Evaluation] = {}

    def to_values(self, u: np.ndarray) -> dict[str, float]:
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        return overrides({p.key: p.low + x * (p.high - p.low) for p, x in zip(self.params, u)})

    def to_unit(self, values: dict[str, float]) -> np.ndarray:
        return np.array([(values[p.key] - p.low) / (p.high - p.low) for p in self.params])

    def evaluate(self, values: dict[str, float], phase: str) -> Evaluation:
        key = tuple(round(values[p.key], 12) for p in self.params)
        if key in self._seen:  # a point evaluated before (the optimiser's start): same seeds, same result
            return self._seen[key]
        t0 = time.perf_counter()
        trends, stats, runs = solve_trends(self.sim, values, self.start_trends)
        ev = Evaluation(
            len(self.history), phase, dict(values), trends, stats, objective(stats), runs, time.perf_counter() - t0
        )
        self.history.append(ev)
        self._seen[key] = ev
        best = min(e.objective for e in self.history)
        print(
            f"  [{ev.n:3d} {phase:5s}] J = {ev.objective:9.3f} (VA part {va_objective(stats):7.3f}; best {best:8.3f}; "
            f"{runs} run(s)/seed, {ev.wall_s:.1f} s)  "
            + " ".join(f"{k.split('.')[-1]}={v:.4g}" for k, v in values.items()),
            flush=True,
        )
        return ev

    def best(self) -> Evaluation:
        return min(self.history, key=lambda e: e.objective)

    def latin_hypercube(self, n: int, seed: int) -> None:
        from scipy.stats import qmc

        if n <= 0:
            return
        for u in qmc.LatinHypercube(d=len(self.params), seed=seed).random(n):
            self.evaluate(self.to_values(u), "lhs")

    def local(self, max_evals: int) -> None:
        """Nelder-Mead in unit-cube coordinates from the best point so far (bounds [0, 1])."""
        from scipy.optimize import minimize

        if max_evals <= 0:
            return
        x0 = self.to_unit(self.best().outer)
        budget = len(self.history) + max_evals

        def f(u: np.ndarray) -> float:
            if len(self.history) >= budget:
                return self.best().objective + 1e9  # budget spent: refuse further points
            return self.evaluate(self.to_values(u), "local").objective

        d = len(self.params)
        simplex = np.vstack(
            [x0] + [np.clip(x0 + 0.15 * np.eye(d)[k] * (1 if x0[k] < 0.85 else -1), 0, 1) for k in range(d)]
        )
        minimize(
            f,
            x0,
            method="Nelder-Mead",
            bounds=[(0.0, 1.0)] * d,
            options={"maxfev": max_evals, "initial_simplex": simplex, "xatol": 0.01, "fatol": 0.05},
        )

    def history_frame(self) -> pd.DataFrame:
        return pd.DataFrame([e.row() for e in self.history])


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
def _nest(values: dict[str, float]) -> dict:
    out: dict = {}
    for key, v in values.items():
        node = out
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = v
    return out


def yaml_text(name: str, ev: Evaluation, command: str, fit: pd.DataFrame, params: tuple[FreeParam, ...]) -> str:
    """The calibration option: a Hydra config with package _global_ (it sets calibration.* and params.*)."""
    tgt = fit[fit.role == "target"]
    lines = (
        [
            "# @package _global_",
            f"# Fitted by experiments/calibrate.py on {date.today().isoformat()} (method of simulated moments; docs/calibration.md):",
            f"#   {command}",
            f"# objective J = {ev.objective:.3f} (sum of squared errors / tolerance over {len(tgt)} targeted moments); fit per moment:",
        ]
        + [
            f"#   {r.moment}: simulated {r.simulated:.6g}, observed {r.observed:.6g} ({r.error_pct:+.2f}%), tolerance {r.tolerance:.4g}"
            for r in tgt.itertuples()
        ]
        + [
            "calibration:",
            f"  name: {name}",
            "  demand_trend:  # nominal growth of external demand per year at the 2018-19 reference drivers; solved to match 2019 VA",
        ]
        + [f"    {i}: {ev.trends[i]:.5f}" for i in INDUSTRIES]
    )
    nested = _nest({p.key: ev.outer[p.key] for p in params})
    why = {p.key: p for p in params}
    if nested:
        lines.append("params:  # fitted free parameters (experiments/freeparams.py)")
        for mech, vals in nested["params"].items():
            lines.append(f"  {mech}:")
            for k, v in vals.items():
                p = why[f"params.{mech}.{k}"]
                lines.append(f"    {k}: {v:.6g}  # {p.unit}; range [{p.low:g}, {p.high:g}]; fitted to {p.moment}")
    return "\n".join(lines) + "\n"


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_frame(path: Path, df: pd.DataFrame) -> None:
    if path.suffix == ".parquet":
        atomic_write(path, lambda p: df.to_parquet(p, index=False))
    else:
        atomic_write(path, lambda p: df.to_csv(p, index=False))


def format_fit(fit: pd.DataFrame) -> str:
    show = fit[["moment", "role", "unit", "simulated", "observed", "error_pct", "tolerance", "z", "status"]].copy()
    show = show.rename(columns={"error_pct": "error %", "z": "error/tol"})
    return show.to_string(index=False, float_format=lambda v: f"{v:.6g}")


def current_values(
    calibration: str, scale: str, params: tuple[FreeParam, ...]
) -> tuple[dict[str, float], dict[str, float]]:
    """(free parameter values, demand trends) of a calibration option."""
    from functools import reduce

    cfg = _base_config(scale, calibration)
    vals = {p.key: float(reduce(getattr, p.key.split(".")[1:], cfg.params)) for p in params}
    return vals, dict(cfg.calibration.demand_trend)


def check(calibration: str, scale: str, seeds: list[int], workers: int) -> tuple[pd.DataFrame, bool]:
    """Fit per moment of a calibration option as it stands (no refitting); ok = no FAIL."""
    with Simulator(scale, seeds, calibration, workers) as sim:
        stats = sim.mean_statistics({})
    fit = fit_table(stats)
    return fit, bool((fit.status != "FAIL").all())


def calibrate(
    name: str,
    scale: str,
    seeds: list[int],
    n_lhs: int,
    n_local: int,
    workers: int,
    start: str = "default",
    lhs_seed: int = 0,
    command: str = "",
) -> tuple[Calibration, pd.DataFrame, Path]:
    """Run the search and write the yaml, the history and the fit; returns (calibration, fit, yaml path)."""
    params = calibrated_params() if (n_lhs > 0 or n_local > 0) else ()
    values0, trends0 = current_values(start, scale, calibrated_params())
    t0 = time.perf_counter()
    with Simulator(scale, seeds, start, workers) as sim:
        cal = Calibration(sim, params, trends0, values0)
        print(
            f"calibrating {[p.key for p in params] or 'demand trends only'} at scale={scale}, seeds {seeds}, "
            f"{sim.workers} worker(s), starting from calibration={start}",
            flush=True,
        )
        cal.evaluate({p.key: values0[p.key] for p in params}, "start")
        cal.latin_hypercube(n_lhs, lhs_seed)
        cal.local(n_local)
        runs = sim.runs
    best = cal.best()
    fit = fit_table(best.stats)
    hist = cal.history_frame()
    write_frame(CONFIG_DIR / f"{name}.history.csv", hist)
    write_frame(CONFIG_DIR / f"{name}.fit.csv", fit)
    write_frame(OUT_DIR / name / "history.parquet", hist)
    path = CONFIG_DIR / f"{name}.yaml"
    write_text(path, yaml_text(name, best, command or f"python -m experiments.calibrate --name {name}", fit, params))
    print(
        f"\nbest evaluation {best.n} ({best.phase}): J = {best.objective:.3f}; {len(cal.history)} evaluations, "
        f"{runs} runs, {time.perf_counter() - t0:.0f} s"
    )
    return cal, fit, path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[-3:]),
    )
    ap.add_argument("--name", default="msm", help="write configs/calibration/NAME.yaml and outputs/calibration/NAME/")
    ap.add_argument("--scale", choices=SCALES, default="city")
    ap.add_argument(
        "--seeds", type=int, nargs="+", default=None, help="seeds of every evaluation (default: 0 1; --check: 0 1 2)"
    )
    ap.add_argument("--lhs", type=int, default=32, help="Latin hypercube points (0: none)")
    ap.add_argument("--local", type=int, default=40, help="Nelder-Mead evaluations after the hypercube (0: none)")
    ap.add_argument("--lhs-seed", type=int, default=0)
    ap.add_argument(
        "--workers", type=int, default=2, help="processes per evaluation (at most one per seed; 1 = in-process)"
    )
    ap.add_argument(
        "--start", default="default", help="calibration option to start from (its trends warm-start the inner solve)"
    )
    ap.add_argument(
        "--check", action="store_true", help="only print the fit per moment of --calibration, exit 1 on a FAIL"
    )
    ap.add_argument("--calibration", default="default", help="with --check: the calibration option to check")
    a = ap.parse_args(argv)
    if a.check:
        seeds = a.seeds or [0, 1, 2]
        t0 = time.perf_counter()
        fit, ok = check(a.calibration, a.scale, seeds, a.workers)
        print(
            f"calibration={a.calibration}, scale={a.scale}, seeds {seeds} (mean), runs to {END_YEAR}; "
            f"J = {objective(dict(zip(fit.moment, fit.simulated))):.3f} (2019 VA moments: "
            f"{va_objective(dict(zip(fit.moment, fit.simulated))):.3f}), {time.perf_counter() - t0:.1f} s"
        )
        print(format_fit(fit))
        print("all moments within tolerance" if ok else "some moments outside their tolerance (FAIL)")
        return 0 if ok else 1
    seeds = a.seeds or [0, 1]
    command = "python -m experiments.calibrate " + " ".join(sys.argv[1:] if argv is None else argv)
    _, fit, path = calibrate(a.name, a.scale, seeds, a.lhs, a.local, a.workers, a.start, a.lhs_seed, command)
    print(format_fit(fit))
    print(
        f"wrote {path}, {CONFIG_DIR / a.name}.history.csv, {CONFIG_DIR / a.name}.fit.csv and {OUT_DIR / a.name}/history.parquet"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
