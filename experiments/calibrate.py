"""Calibration of the demand-bound core by simulated moments on 2016-2019 (issue 12).

Runs start after the 2015 base (``scenario.start_year=2016``) and end in 2019, so the moments are
paths (experiments/moments.py: value-added growth 2016-2019, the 2018 level and the 2019 industry
mix, high-tech enterprise counts, population growth, R&D growth); nothing after 2019 is read.
The free parameters are Shenzhen's non-price edge by industry (``calibration.share_trend.<IND>``)
and the free parameters of experiments/freeparams.py that name a moment (arrivals, entry, new
innovation carriers); there are more moments than parameters.

Method (experiments/msm.py): residuals (simulated mean over the seeds - observed) / sd, minimised
by scipy.optimize.least_squares in the unit cube of the parameters' bounds, with common random
numbers (the same seeds at every point); then the Jacobian by central differences, the J-test of
the over-identifying restrictions and 95% parameter intervals, with the moment covariance = the
data's sd^2 plus the seeds' covariance / R.

Writes atomically: ``configs/calibration/<name>.yaml`` (the fitted values, a Hydra option of the
``calibration`` group), ``<name>.fit.csv`` (each moment: simulated mean and seed spread,
observed, sd, z), ``<name>.params.csv`` (estimate, standard error, interval), ``<name>.paths.csv``
(in-sample paths by year, simulated and observed) and ``docs/calibration_report.md``.

    python -m experiments.calibrate --scale small --seeds 0 1 2 --workers 2 [--max-evals 60]
    python -m experiments.calibrate --only calibration.share_trend.IND-IT --max-evals 4   # a quick check
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from experiments import msm
from experiments.moments import Observed, observed
from sim.basedata import YUAN_PER_100M
from sim.drivers.heap import freeze_heap
from sim.drivers.pool import process_pool
from sim.ids import INDUSTRIES
from sim.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
CAL_DIR = ROOT / "configs" / "calibration"
REPORT = ROOT / "docs" / "calibration_report.md"
START, END = 2016, 2019
TREND_BOUNDS = (-0.10, 0.50)  # log points of share per year


@dataclass(frozen=True)
class Free:
    key: str
    lo: float
    hi: float
    x0: float
    why: str


def free_parameters(only: list[str] | None = None) -> list[Free]:
    """The parameters the 2016-2019 moments identify (experiments/freeparams.py: the edges and every
    free parameter that names a moment), starting from the current default calibration;
    ``only``: a subset of their keys."""
    from experiments.freeparams import EDGES, calibrated_params, schema_default
    from sim.config import to_config

    cfg = to_config(None)
    start = {f"calibration.share_trend.{i}": v for i, v in cfg.calibration.share_trend.items()}
    out = []
    for p in (*EDGES, *calibrated_params()):
        x0 = start.get(p.key)
        if x0 is None:
            group, leaf = p.key.split(".")[1:3]
            x0 = (
                float(getattr(getattr(cfg.params, group), leaf))
                if p.key.startswith("params.")
                else schema_default(p.key)
            )
        out.append(Free(p.key, p.low, p.high, float(np.clip(x0, p.low, p.high)), p.moment))
    if only:
        unknown = sorted(set(only) - {p.key for p in out})
        if unknown:
            raise SystemExit(f"--only: not fitted parameters: {unknown}; allowed: {[p.key for p in out]}")
        out = [p for p in out if p.key in only]
    return out


def simulate(args: tuple) -> dict[str, float]:
    """The simulated moments of one seed (a run 2016Q1-2019Q4 from the 2015 base)."""
    seed, scale, values = args
    from sim.economy import production_kernel  # deferred: as the model
    from sim.model import SEIModel  # deferred: worker processes import the model once
    from sim.outputs.validation.run_facts import turnover_counts  # deferred: as the model

    production_kernel.warm()  # once per worker: its small runs then use the compiled kernel (same results)
    over = {"scale": scale, "seed": seed, "scenario.start_year": START, "scenario.end_year": END, **dict(values)}
    m = SEIModel(None, handles=False, **over)
    w = m.world
    talent = [w.talent.alive.sum() * w.ppa]
    for _ in range(m.n_quarters):
        m.step()
        if m.q == 4:
            talent.append(w.talent.alive.sum() * w.ppa)
    a = m.recorder.annual_frame()
    tot = a[(a.industry == "ALL") & (a.district == "ALL")].pivot_table(
        index="year", columns="metric", values="value", observed=True
    )
    ind = a[(a.district == "ALL") & (a.industry != "ALL") & (a.metric == "value_added")].set_index(["year", "industry"])
    fw = 1.0 / w.scale.firm_fraction
    real = [m.recorder.base["va_annual"], *tot["value_added_real"].tolist()]
    out = {f"va_real_growth_{y}": real[k + 1] / real[k] - 1.0 for k, y in enumerate(range(START, END + 1))}
    out["va_2018"] = tot.loc[2018, "value_added"] / YUAN_PER_100M
    for i in INDUSTRIES:
        out[f"va_2019_{i}"] = ind.loc[(2019, i), "value"] / YUAN_PER_100M
    counts = tot["certified_firms"] if "certified_firms" in tot else tot["firms"]
    for y in range(START, END + 1):
        out[f"high_tech_enterprises_{y}"] = counts[y] * fw
        out[f"population_growth_{y}"] = talent[y - START + 1] / talent[y - START] - 1.0
    _, entries, _, stock = turnover_counts(m.recorder)
    out["entry_rate_2016-2019"] = float(np.mean(np.array(entries) / np.array(stock)))
    out["carriers_new_2018"] = tot.loc[2018, "institutes_created"] / w.scale.institute_fraction
    for y in (2017, 2018):
        out[f"rd_growth_{y}"] = tot.loc[y, "rd_spending"] / tot.loc[y - 1, "rd_spending"] - 1.0
    freeze_heap(workers_only=True)  # after a worker's first seed: full collections scan new objects only
    return out


class Moments:
    """Simulated moments at a parameter vector, averaged over the seeds (common random numbers)."""

    def __init__(self, scale: str, seeds: list[int], workers: int, obs: list[Observed], free: list[Free]):
        self.scale, self.seeds, self.obs, self.free = scale, list(seeds), obs, free
        self.pool = process_pool(workers) if workers > 1 else None
        self.evals = 0
        self.cache: dict[tuple, np.ndarray] = {}

    def values(self, theta: np.ndarray) -> dict[str, float]:
        return {p.key: float(v) for p, v in zip(self.free, theta)}

    def draws(self, theta: np.ndarray) -> np.ndarray:
        """R x m simulated moments, one row per seed."""
        key = tuple(np.round(theta, 12))
        if key not in self.cache:
            jobs = [(s, self.scale, tuple(self.values(theta).items())) for s in self.seeds]
            res = list(self.pool.map(simulate, jobs)) if self.pool else [simulate(j) for j in jobs]
            self.cache[key] = np.array([[r[o.id] for o in self.obs] for r in res])
            self.evals += 1
        return self.cache[key]

    def mean(self, theta: np.ndarray) -> np.ndarray:
        return self.draws(theta).mean(axis=0)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def fit(sim: Moments, max_evals: int, which: list[int] | None = None) -> np.ndarray:
    """least_squares on (simulated - observed) / sd in the unit cube of the parameters' bounds;
    ``which``: indices of the parameters to move (the others stay at their current values)."""
    lo = np.array([p.lo for p in sim.free])
    hi = np.array([p.hi for p in sim.free])
    obs = np.array([o.value for o in sim.obs])
    sd = np.array([o.sd for o in sim.obs])
    x0 = np.array([p.x0 for p in sim.free])
    idx = np.arange(len(sim.free)) if which is None else np.asarray(which, dtype=int)

    def full(u: np.ndarray) -> np.ndarray:
        x = x0.copy()
        x[idx] = lo[idx] + u * (hi[idx] - lo[idx])
        return x

    def resid(u: np.ndarray) -> np.ndarray:
        r = (sim.mean(full(u)) - obs) / sd
        print(f"  eval {sim.evals:3d}  sum z^2 {float(r @ r):9.2f}", flush=True)
        return r

    if max_evals <= 0:  # no search: report the current values (e.g. after a hand-checked step)
        return x0
    u0 = (x0[idx] - lo[idx]) / (hi[idx] - lo[idx])
    res = least_squares(resid, u0, bounds=(0.0, 1.0), diff_step=0.02, max_nfev=max_evals, x_scale=1.0)
    return full(res.x)


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@dataclass
class Result:
    theta: np.ndarray
    draws: np.ndarray  # R x m at theta
    inference: msm.Inference
    obs: list[Observed]
    free: list[Free]
    seeds: list[int]
    scale: str
    evals: int
    wall_s: float

    def fit_table(self) -> pd.DataFrame:
        sim, spread = self.draws.mean(axis=0), self.draws.std(axis=0, ddof=1) if len(self.draws) > 1 else 0.0
        return pd.DataFrame(
            {
                "moment": [o.id for o in self.obs],
                "unit": [o.unit for o in self.obs],
                "simulated": sim,
                "seed_sd": spread,
                "observed": [o.value for o in self.obs],
                "data_sd": [o.sd for o in self.obs],
                "z": (sim - np.array([o.value for o in self.obs])) / np.array([o.sd for o in self.obs]),
                "source": [o.source for o in self.obs],
            }
        )

    def paths_table(self) -> pd.DataFrame:
        """In-sample paths 2015-2019, simulated (mean of the seeds) beside observed: SEI real value
        added (index, 2015 = 100, chained from the yearly growth moments), certified high-tech firms
        and residents (index, 2015 = 100, chained from the growth moments)."""
        fit = self.fit_table().set_index("moment")
        years = list(range(START - 1, END + 1))

        def chained(prefix: str, col: str) -> list[float]:
            g = [fit.loc[f"{prefix}_{y}", col] for y in years[1:]]
            return list(100.0 * np.cumprod([1.0, *(1.0 + np.asarray(g))]))

        firms = {
            c: [np.nan, *(fit.loc[f"high_tech_enterprises_{y}", c] for y in years[1:])]
            for c in ("simulated", "observed")
        }
        return pd.DataFrame(
            {
                "year": years,
                "va_real_index_sim": chained("va_real_growth", "simulated"),
                "va_real_index_obs": chained("va_real_growth", "observed"),
                "high_tech_firms_sim": firms["simulated"],
                "high_tech_firms_obs": firms["observed"],
                "residents_index_sim": chained("population_growth", "simulated"),
                "residents_index_obs": chained("population_growth", "observed"),
            }
        )

    def param_table(self) -> pd.DataFrame:
        inf = self.inference
        return pd.DataFrame(
            {
                "parameter": [p.key for p in self.free],
                "estimate": self.theta,
                "se": np.sqrt(np.clip(np.diag(inf.covariance), 0.0, None)),
                "lower_95": inf.lower,
                "upper_95": inf.upper,
                "bounds": [f"[{p.lo}, {p.hi}]" for p in self.free],
                "identified_by": [p.why for p in self.free],
            }
        )


def estimate(scale: str, seeds: list[int], workers: int, max_evals: int, only: list[str] | None = None) -> Result:
    """Fit (all free parameters, or only some), then the Jacobian of every free parameter at the
    estimate, the J-test and the intervals: the report always covers the whole calibration."""
    obs, free = observed(), free_parameters()
    moved = {p.key for p in free_parameters(only)} if only else None  # validates the keys
    which = None if moved is None else [k for k, p in enumerate(free) if p.key in moved]
    t0 = time.perf_counter()
    sim = Moments(scale, seeds, workers, obs, free)
    try:
        theta = fit(sim, max_evals, which)
        theta = np.clip(theta, [p.lo for p in free], [p.hi for p in free])
        steps = [0.02 * (p.hi - p.lo) for p in free]
        G = msm.jacobian(sim.mean, theta, steps)
        draws = sim.draws(theta)
        S = msm.moment_covariance(np.array([o.sd for o in obs]), draws)
        g = draws.mean(axis=0) - np.array([o.value for o in obs])
        inf = msm.inference(theta, g, G, S)
        return Result(theta, draws, inf, obs, free, seeds, scale, sim.evals, time.perf_counter() - t0)
    finally:
        sim.close()


def calibration_yaml(res: Result, name: str) -> str:
    """The Hydra option ``calibration=<name>``: the edges under calibration.share_trend, the other
    fitted values under params, each with its interval."""
    head = [
        "# @package _global_",
        f"# Fitted by experiments/calibrate.py on {date.today().isoformat()} (simulated moments, 2016-2019 from the 2015 base):",
        f"#   python -m experiments.calibrate --name {name} --scale {res.scale} --seeds {' '.join(map(str, res.seeds))}",
        f"# J = {res.inference.J:.2f} on {res.inference.df} degrees of freedom (p = {res.inference.p_value:.3f});"
        " docs/calibration_report.md has every moment's fit.",
        "calibration:",
        f"  name: {name}",
        "  share_trend:  # Shenzhen's non-price edge: yearly share gain (log points) in 2016, eroded by edge_catch_up",
    ]
    lines, params = [], {}
    fitted = {p.key: (v, lo, hi) for p, v, lo, hi in zip(res.free, res.theta, res.inference.lower, res.inference.upper)}
    for p in free_parameters():  # every calibrated key: this fit's value, or the current one if not refitted
        v, lo, hi = fitted.get(p.key, (p.x0, np.nan, np.nan))
        comment = f"  # 95% interval [{lo:.4g}, {hi:.4g}]; {p.why}" if p.key in fitted else f"  # not refitted; {p.why}"
        if p.key.startswith("calibration.share_trend."):
            lines.append(f"    {p.key.rsplit('.', 1)[1]}: {v:.5f}{comment}")
        else:
            group, leaf = p.key.split(".")[1:3]
            params.setdefault(group, []).append(f"    {leaf}: {v:.6g}{comment}")
    out = head + lines + ["params:  # fitted free parameters"]
    for group, rows in params.items():
        out += [f"  {group}:", *rows]
    return "\n".join(out) + "\n"


def report(res: Result, name: str) -> str:
    fit_t, par_t = res.fit_table(), res.param_table()
    inf = res.inference
    lines = [
        "# Calibration report (generated by `python -m experiments.calibrate`)",
        "",
        f"Option `calibration={name}`, scale `{res.scale}`, seeds {res.seeds}, {res.evals} evaluations, "
        f"{res.wall_s:.0f} s. In sample: 2016-2019 from the 2015 base; nothing after 2019 is read.",
        "",
        f"**{len(res.obs)} moments, {len(res.free)} parameters.** J = {inf.J:.2f} on {inf.df} degrees of freedom, "
        f"p = {inf.p_value:.3f} (Hansen's test of the over-identifying restrictions: a small p says the model "
        "cannot fit all the moments jointly within their stated uncertainty).",
        "",
        "## Parameters",
        "",
        par_t.to_markdown(index=False, floatfmt=".4g"),
        "",
        "## Fit of each moment",
        "",
        "simulated = mean over the seeds; seed_sd = the seeds' spread; z = (simulated - observed) / data_sd.",
        "",
        fit_t.drop(columns=["source"]).to_markdown(index=False, floatfmt=".4g"),
        "",
        "## In-sample paths, 2015-2019",
        "",
        "Simulated (mean of the seeds) beside observed. Indices chain the yearly growth moments from 2015 = 100;"
        " the firm count is the certified high-tech stock (city scale equivalent).",
        "",
        res.paths_table().to_markdown(index=False, floatfmt=".1f"),
        "",
    ]
    return "\n".join(lines)


def write(res: Result, name: str, cal_dir: Path = CAL_DIR, report_path: Path = REPORT) -> None:
    _write_text(cal_dir / f"{name}.yaml", calibration_yaml(res, name))
    for suffix, table in (("fit", res.fit_table()), ("params", res.param_table()), ("paths", res.paths_table())):
        _write_text(cal_dir / f"{name}.{suffix}.csv", table.to_csv(index=False))
    _write_text(report_path, report(res, name))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="default")
    ap.add_argument("--scale", default="small", choices=["small", "city"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument(
        "--max-evals",
        type=int,
        default=60,
        help="objective evaluations of the search (0: no search, report the current values)",
    )
    ap.add_argument("--only", nargs="+", help="fit only these keys (the others keep their current values)")
    ap.add_argument("--report", type=Path, default=REPORT, help="where to write the markdown report")
    a = ap.parse_args(argv)
    res = estimate(a.scale, a.seeds, a.workers, a.max_evals, a.only)
    write(res, a.name, report_path=a.report)
    print(report(res, a.name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
