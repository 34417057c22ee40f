"""Fit the trend growth of external demand by industry to 2019 SEI value added.

Method: fixed-point iteration on log(1 + trend_i) with the simulated 2019 VA of the `history`
scenario (mean over seeds) against sei_value_added.csv; only 2018-2019 data are used. The
result is written to configs/calibration/<name>.yaml with the fit per industry.

    python -m experiments.calibrate_demand [--seeds 0 1 2] [--scale city] [--name default]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np

from sim.basedata import load
from sim.config import to_config
from sim.ids import INDUSTRIES
from sim.model import SEIModel

ROOT = Path(__file__).resolve().parents[1]
SCALES = ("city", "small")
# d log(VA_2019) / d log(1 + annual growth): quarters 1-4 of 2019 carry growth^(q/4), mean 0.625
RESPONSE = 0.625


def simulated_va_2019(trend: dict[str, float], seeds: list[int], scale: str) -> np.ndarray:
    out = []
    for seed in seeds:
        cfg = to_config(None, seed=seed, scale=scale, **{"scenario.end_year": 2019})
        cfg.calibration.demand_trend = dict(trend)
        m = SEIModel(cfg, handles=False).run()
        ts = m.timeseries()
        va = ts[(ts.metric == "value_added") & (ts.year == 2019)].groupby("industry", observed=True)["value"].sum()
        out.append([va[i] for i in INDUSTRIES])
    return np.mean(out, axis=0)


def fit(seeds: list[int], scale: str, iterations: int = 8, tol: float = 0.002) -> tuple[dict[str, float], np.ndarray, list]:
    target = load().va_2019
    trend = {i: 0.10 for i in INDUSTRIES}
    history = []
    best = (np.inf, dict(trend), None)
    for it in range(iterations):
        sim = simulated_va_2019(trend, seeds, scale)
        err = sim / target - 1
        history.append({"iteration": it, "max_abs_error": float(np.abs(err).max()), "trend": dict(trend)})
        print(f"iteration {it}: max |error| {np.abs(err).max():.4f}  " + " ".join(f"{i}:{e:+.3f}" for i, e in zip(INDUSTRIES, err)))
        if np.abs(err).max() < best[0]:
            best = (float(np.abs(err).max()), dict(trend), err)
        if np.abs(err).max() < tol:
            break
        for k, i in enumerate(INDUSTRIES):
            trend[i] = float(np.exp(np.log1p(trend[i]) - np.log(sim[k] / target[k]) / RESPONSE) - 1)
    return best[1], best[2], history


def write_yaml(path: Path, name: str, trend: dict[str, float], err: np.ndarray, seeds: list[int], scale: str) -> None:
    lines = [
        "# Fitted by experiments/calibrate_demand.py on " + date.today().isoformat(),
        f"#   python -m experiments.calibrate_demand --name {name} --scale {scale} --seeds {' '.join(map(str, seeds))}",
        "# Target: 2019 SEI value added by industry (sei_value_added.csv); relative error after the fit:",
        "#   " + ", ".join(f"{i} {e:+.2%}" for i, e in zip(INDUSTRIES, err)),
        f"name: {name}",
        "demand_trend:  # nominal growth of external demand per year, at the 2018-19 reference drivers",
    ] + [f"  {i}: {trend[i]:.5f}" for i in INDUSTRIES]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--scale", choices=SCALES, default="city")
    ap.add_argument("--name", default="default")
    a = ap.parse_args()
    trend, err, _ = fit(a.seeds, a.scale)
    path = ROOT / "configs" / "calibration" / f"{a.name}.yaml"
    write_yaml(path, a.name, trend, err, a.seeds, a.scale)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
