"""Hindcast: the simulated path of an ensemble beside observed statistics, with error metrics and
those of a naive trend forecast.

    python -m analysis.hindcast --observed sim/data/sei_value_added.csv sim/data/innovation_and_people.csv \\
        --seeds 5 --scale city --out outputs/hindcast
    python -m analysis.hindcast --observed obs.csv --runs outputs/history/<run folder>   # an existing ensemble

Observations: any CSV in the schema of sim/data and /work/shared/data: the long form (columns year,
indicator, value, optional industry, unit), ``sei_value_added.csv`` (value_added_100m_yuan by
industry, with its ``definition``) or ``city_gdp.csv``. Rows whose year is not a whole year
(``2018H1``, blank) are listed as skipped. Each observed indicator is compared through the declared
``MAPPING`` (indicator -> metric of the runs' annual tables, unit); indicators without a mapping
are listed as not simulated.

Metrics per indicator over the compared (industry, year) points, using the ensemble median as the
model's value: MAPE = 100 mean |sim - obs| / |obs| and bias = 100 mean (sim - obs) / obs (percent),
the share of observations inside the 10-90% ensemble band, split into in-sample years (<=
``--calibration-end``, default the run's first simulated year: 2018 is the base year, which the model
reproduces by construction, and 2019 the year the demand trends were fitted to) and out-of-sample
years after it.

Naive forecast (the benchmark), per series (indicator x industry) and compared year Y: constant
compound growth through the last two observed years a < b of that series, value(Y) = obs(b) x
(obs(b) / obs(a))^((Y - b) / (b - a)). For an out-of-sample Y, a and b are the last two observed
years <= the calibration end (the same information the model was fitted with); for an in-sample Y,
the last two observed years before Y (a one-step forecast that never sees Y). With fewer than two
earlier observations the naive forecast is n/a. The data in sim/data end in 2019, so with them
only the in-sample fit can be shown; an out-of-sample hindcast needs observations after 2019 in
the same file format.

Outputs with ``--out DIR``: hindcast_points.csv (every compared point), hindcast_metrics.csv,
hindcast.json (metrics, not-simulated indicators, skipped and excluded rows), hindcast.png / .pdf
(observed vs simulated with ensemble bands), and with ``--seeds`` the ensemble's run folders in
DIR/runs/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.ids import INDUSTRIES
from sim.io import atomic_write, write_json
from sim.outputs.measure import STOCK_METRICS

ALL = "ALL"


@dataclass(frozen=True)
class Mapping:
    """How an observed indicator is read from a run's annual table (``annual.parquet``,
    sim.outputs.measure.Recorder.annual_frame: flows summed over the year, stocks at its last quarter; the
    district totals by industry, and their sum over industries for ALL)."""

    metric: str  # annual-table metric
    unit: str  # unit of the compared values (the observed unit must start with it)
    factor: float = 1.0  # model value x factor = compared unit (e.g. 1e-8: yuan -> 100m yuan)
    weight: str | None = None  # "firm" | "institute": agents x 1 / scale fraction (agents -> firms, carriers)
    by_industry: bool = False  # observations by industry (else city totals, industry ALL)
    where: dict = field(default_factory=dict)  # column -> required value of the observed rows (others excluded)
    note: str = ""


MAPPING: dict[str, Mapping] = {
    "sei_value_added": Mapping(
        "value_added",
        "100m yuan",
        1e-8,
        by_industry=True,
        where={"definition": "2018 plan's seven industries"},
        note="SEI value added by industry and total, current prices; rows of the older 7+4 definition are excluded",
    ),
    "national_high_tech_enterprises": Mapping(
        "certified_firms",
        "firms",
        weight="firm",
        note="firm agents holding a valid high-tech certificate at the year end x firms per agent (certificates "
        "last three years and are renewed; uncertified SEI firms are not counted; sim.kernel.populations)",
    ),
    "innovation_carriers": Mapping(
        "institutes",
        "carriers",
        weight="institute",
        note="institute agents at the year end x carriers per agent (2018: 1,877 = 1,688 + 189 by construction); "
        "the 2019 statistic's scope appears wider than 2017's (innovation_and_people.csv)",
    ),
    "innovation_carriers_new": Mapping(
        "institutes_created",
        "carriers",
        weight="institute",
        note="carriers created in the year (organic and lever-made) x carriers per agent",
    ),
    "rd_expenditure": Mapping(
        "rd_spending",
        "100m yuan",
        1e-8,
        note="R&D of the model's SEI firms; the statistic is the whole city's R&D (all sectors, public research "
        "included): the model covers ~85% of it in 2018 by construction (sim/data/README.md)",
    ),
}


# ---------------------------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------------------------
def read_observations(paths: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observed rows in long form (year, indicator, industry, value, unit, definition, file) and the
    rows skipped because their year is not a whole year. Raises ValueError naming a missing column."""
    frames, skipped = [], []
    for p in map(Path, paths):
        if not p.exists():
            raise FileNotFoundError(f"--observed: no file {p}")
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
        cols = set(raw.columns)
        if "value_added_100m_yuan" in cols:
            _need(raw, p, ("year", "industry", "value_added_100m_yuan"))
            df = pd.DataFrame(
                {
                    "year": raw["year"],
                    "indicator": "sei_value_added",
                    "industry": raw["industry"],
                    "value": raw["value_added_100m_yuan"],
                    "unit": "100m yuan",
                    "definition": raw.get("definition", ""),
                }
            )
        elif "gdp_100m_yuan_bulletin" in cols:
            _need(raw, p, ("year", "gdp_100m_yuan_bulletin"))
            parts = [
                pd.DataFrame(
                    {
                        "year": raw["year"],
                        "indicator": name,
                        "industry": ALL,
                        "value": raw[col],
                        "unit": "100m yuan",
                        "definition": "",
                    }
                )
                for name, col in (
                    ("city_gdp_bulletin", "gdp_100m_yuan_bulletin"),
                    ("city_gdp_revised", "gdp_100m_yuan_revised"),
                )
                if col in cols
            ]
            df = pd.concat(parts, ignore_index=True)
        else:
            _need(raw, p, ("year", "indicator", "value"))
            df = pd.DataFrame(
                {
                    "year": raw["year"],
                    "indicator": raw["indicator"],
                    "industry": raw["industry"].replace("", ALL) if "industry" in cols else ALL,
                    "value": raw["value"],
                    "unit": raw["unit"] if "unit" in cols else "",
                    "definition": raw["definition"] if "definition" in cols else "",
                }
            )
        df["file"] = p.name
        whole = df["year"].str.fullmatch(r"\d{4}")
        skipped.append(df[~whole].assign(reason="year is not a whole year"))
        df = df[whole].copy()
        df["year"] = df["year"].astype(int)
        val = pd.to_numeric(df["value"], errors="coerce")
        skipped.append(df[val.isna()].assign(reason="value is not a number"))
        df = df[val.notna()].assign(value=val[val.notna()])
        frames.append(df)
    obs = pd.concat(frames, ignore_index=True)
    skip = pd.concat(skipped, ignore_index=True) if skipped else pd.DataFrame()
    return obs.reset_index(drop=True), skip.reset_index(drop=True)


def _need(raw: pd.DataFrame, path: Path, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        raise ValueError(f"--observed {path}: missing column(s) {missing}; the file has {list(raw.columns)}")


def split_observations(
    obs: pd.DataFrame, mapping: dict[str, Mapping] = MAPPING
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(rows to compare, rows of mapped indicators excluded with the reason, indicators not simulated)."""
    not_sim = sorted(set(obs["indicator"]) - set(mapping))
    keep, excluded = [], []
    for ind, m in mapping.items():
        d = obs[obs["indicator"] == ind]
        ok = pd.Series(True, index=d.index)
        for col, want in m.where.items():
            bad = d[col] != want
            excluded.append(d[bad & ok].assign(reason=f"{col} is not '{want}'"))
            ok &= ~bad
        unit_ok = d["unit"].str.startswith(m.unit) | (d["unit"] == "")
        excluded.append(d[ok & ~unit_ok].assign(reason=f"unit does not start with '{m.unit}'"))
        ok &= unit_ok
        if not m.by_industry:
            other = d["industry"] != ALL
            excluded.append(d[ok & other].assign(reason="the model compares this indicator as a city total only"))
            ok &= ~other
        else:
            unknown = ~d["industry"].isin(list(INDUSTRIES) + [ALL])
            excluded.append(d[ok & unknown].assign(reason="unknown industry id"))
            ok &= ~unknown
        keep.append(d[ok])
    ex = pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame()
    return pd.concat(keep, ignore_index=True), ex, not_sim


# ---------------------------------------------------------------------------------------------
# Simulated series
# ---------------------------------------------------------------------------------------------
def simulated_series(
    annual: pd.DataFrame, weights: dict[str, float], mapping: dict[str, Mapping] = MAPPING
) -> pd.DataFrame:
    """Annual values (indicator, industry, year, value) of one run's annual table for every mapped
    indicator, by industry and ALL, in the compared units."""
    by_ind = annual[(annual["district"] == "ALL") & annual["industry"].isin(INDUSTRIES)]
    out = []
    for ind, m in mapping.items():
        d = by_ind[by_ind["metric"] == m.metric]
        if d.empty:
            continue
        tab = d.groupby(["industry", "year"], observed=True)["value"].sum().reset_index()
        total = tab.groupby("year", as_index=False)["value"].sum().assign(industry=ALL)
        tab = pd.concat([tab, total], ignore_index=True)
        w = weights[m.weight] if m.weight else 1.0
        tab["value"] = tab["value"].astype(float) * m.factor * w
        tab["indicator"] = ind
        out.append(tab[["indicator", "industry", "year", "value"]])
    return pd.concat(out, ignore_index=True)


def ensemble_bands(series: list[pd.DataFrame]) -> pd.DataFrame:
    """Median, 10%, 90%, min and max over runs of each (indicator, industry, year)."""
    d = pd.concat([s.assign(run=k) for k, s in enumerate(series)], ignore_index=True)
    g = d.groupby(["indicator", "industry", "year"])["value"]
    return pd.DataFrame(
        {
            "sim_median": g.median(),
            "sim_p10": g.quantile(0.1),
            "sim_p90": g.quantile(0.9),
            "sim_min": g.min(),
            "sim_max": g.max(),
            "runs": g.size(),
        }
    ).reset_index()


def read_runs(run_dir: Path) -> tuple[list[pd.DataFrame], dict[str, float], dict]:
    """Annual tables of every complete run of an ensemble folder (seed_*/annual.parquet, or a single
    run's annual.parquet), the agent weights (firms and carriers per agent) and a description."""
    run_dir = Path(run_dir)
    seeds = sorted(run_dir.glob("seed_*/annual.parquet"))
    files = seeds or sorted(run_dir.glob("annual.parquet"))
    if not files:
        raise FileNotFoundError(f"--runs {run_dir}: no seed_*/annual.parquet or annual.parquet")
    manifests = [
        json.loads((f.parent / "manifest.json").read_text()) if (f.parent / "manifest.json").exists() else {}
        for f in files
    ]
    keep = [(f, m) for f, m in zip(files, manifests) if m.get("status", "complete") == "complete"]
    if not keep:
        raise ValueError(f"--runs {run_dir}: no run has status 'complete'")
    scenario = {m.get("scenario") for _, m in keep}
    scale = {m.get("scale") for _, m in keep}
    if len(scale) > 1:
        raise ValueError(f"--runs {run_dir}: runs of different scales {sorted(map(str, scale))}")
    weights = _weights(run_dir, next(iter(scale)))
    info = {
        "runs": len(keep),
        "seeds": [m.get("seed") for _, m in keep],
        "scenario": sorted(map(str, scenario)),
        "scale": next(iter(scale)),
        "folder": str(run_dir),
    }
    return [pd.read_parquet(f) for f, _ in keep], weights, info


def _weights(run_dir: Path, scale_name: str | None) -> dict[str, float]:
    """Firms and carriers per agent: from the run folder's .hydra/config.yaml, else the named scale."""
    from omegaconf import OmegaConf

    for d in (run_dir, run_dir.parent):
        y = d / ".hydra" / "config.yaml"
        if y.exists():
            s = OmegaConf.load(y).get("scale", {})
            if "firm_fraction" in s and "institute_fraction" in s:
                return {"firm": 1.0 / float(s.firm_fraction), "institute": 1.0 / float(s.institute_fraction)}
    if not scale_name:
        raise ValueError(f"--runs {run_dir}: neither .hydra/config.yaml nor a manifest names the scale")
    from sim.config import to_config

    s = to_config(None, scale=scale_name).scale
    return {"firm": 1.0 / s.firm_fraction, "institute": 1.0 / s.institute_fraction}


def run_seeds(n: int, scale: str, first_seed: int, sets: list[str], out_dir: Path) -> Path:
    """Run the configured scenario (default ``history``) as an ensemble of ``n`` seeds into ``out_dir``."""
    from sim.config import compose, to_config
    from sim.drivers.ensemble import run_ensemble

    cfg = to_config(compose([f"scale={scale}", f"seed={first_seed}", f"ensemble.size={n}", "output.write=true", *sets]))
    res = run_ensemble(cfg, out_dir)
    if res.failed:
        raise RuntimeError(f"seeds {[r.seed for r in res.failed]} failed: {res.failed[0].error}")
    return out_dir


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------
def naive_forecast(years: np.ndarray, values: np.ndarray, target: int, fit_until: int) -> tuple[float, int, int]:
    """Constant compound growth through the last two observed years a < b <= fit_until (and < target):
    obs(b) x (obs(b)/obs(a))^((target - b)/(b - a)). Returns (forecast, a, b); NaN, -1, -1 if not possible."""
    ok = (years <= fit_until) & (years < target)
    ys, vs = years[ok], values[ok]
    if len(ys) < 2:
        return float("nan"), -1, -1
    order = np.argsort(ys)
    (a, b), (va, vb) = ys[order][-2:], vs[order][-2:]
    if va <= 0 or vb <= 0:
        return float("nan"), -1, -1
    return float(vb * (vb / va) ** ((target - b) / (b - a))), int(a), int(b)


def compare(obs: pd.DataFrame, bands: pd.DataFrame, calibration_end: int) -> pd.DataFrame:
    """One row per observed point with a simulated value: observed, ensemble stats, naive forecast."""
    pts = obs.merge(bands, on=["indicator", "industry", "year"], how="inner")
    rows = []
    for _, p in pts.iterrows():  # a handful of points (indicators x industries x years)
        ser = obs[(obs["indicator"] == p["indicator"]) & (obs["industry"] == p["industry"])]
        ys, vs = ser["year"].to_numpy(), ser["value"].to_numpy(float)
        y = int(p["year"])
        fit_until = calibration_end if y > calibration_end else y - 1
        nv, a, b = naive_forecast(ys, vs, y, fit_until)
        rows.append(
            {
                **p.to_dict(),
                "sample": "out" if y > calibration_end else "in",
                "naive": nv,
                "naive_fit_years": f"{a}-{b}" if a >= 0 else "",
            }
        )
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["err_pct"] = 100 * (df["sim_median"] - df["value"]) / df["value"].abs()
    df["naive_err_pct"] = 100 * (df["naive"] - df["value"]) / df["value"].abs()
    df["in_band"] = (df["value"] >= df["sim_p10"]) & (df["value"] <= df["sim_p90"])
    return df.sort_values(["indicator", "industry", "year"]).reset_index(drop=True)


def metrics(points: pd.DataFrame) -> pd.DataFrame:
    """MAPE and bias (percent) of the model and of the naive forecast per indicator and sample;
    ``model_mape_naive_pts`` is the model's MAPE on the points where the naive forecast exists."""
    out = []
    for (ind, sample), d in points.groupby(["indicator", "sample"]):
        nv = d[d["naive"].notna()]
        out.append(
            {
                "indicator": ind,
                "sample": sample,
                "points": len(d),
                "years": f"{d.year.min()}-{d.year.max()}",
                "mape": d["err_pct"].abs().mean(),
                "bias": d["err_pct"].mean(),
                "in_band_10_90": d["in_band"].mean(),
                "naive_points": len(nv),
                "naive_mape": nv["naive_err_pct"].abs().mean() if len(nv) else np.nan,
                "naive_bias": nv["naive_err_pct"].mean() if len(nv) else np.nan,
                "model_mape_naive_pts": nv["err_pct"].abs().mean() if len(nv) else np.nan,
                "unit": MAPPING[ind].unit,
            }
        )
    return pd.DataFrame(out)


def format_report(
    met: pd.DataFrame,
    points: pd.DataFrame,
    not_sim: list[str],
    excluded: pd.DataFrame,
    skipped: pd.DataFrame,
    info: dict,
) -> str:
    lines = [
        (
            f"Hindcast: {info.get('runs')} runs (seeds {info.get('seeds')}), scenario {info.get('scenario')}, "
            f"scale {info.get('scale')}; calibration end {info.get('calibration_end')}"
        )
    ]
    if not met.empty:
        t = met.copy()
        for c in ("mape", "bias", "naive_mape", "naive_bias", "model_mape_naive_pts"):
            sign = "+" if c.endswith("bias") else ""
            t[c] = t[c].map(lambda v, s=sign: "n/a" if pd.isna(v) else f"{v:{s}.1f}")
        t["in_band_10_90"] = t["in_band_10_90"].map(lambda v: f"{v:.2f}")
        lines += [
            (
                "error metrics (percent; model = ensemble median; naive = compound growth through the last two "
                "observed years, see --help):"
            ),
            t.to_string(index=False),
            "",
            "points:",
        ]
        p = points[
            [
                "indicator",
                "industry",
                "year",
                "value",
                "sim_median",
                "sim_p10",
                "sim_p90",
                "err_pct",
                "naive",
                "naive_fit_years",
                "naive_err_pct",
            ]
        ].copy()
        lines.append(p.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    else:
        lines.append("no observed point falls in a simulated year")
    lines.append("")
    lines.append("not simulated (no mapping): " + (", ".join(not_sim) if not_sim else "none"))
    idle = info.get("mapped_without_points", [])
    if idle:
        lines.append("mapped, but no observation in a simulated year: " + ", ".join(idle))
    if len(excluded):
        g = excluded.groupby(["indicator", "reason"]).size()
        lines.append("excluded rows of mapped indicators: " + "; ".join(f"{i}: {n} ({r})" for (i, r), n in g.items()))
    if len(skipped):
        lines.append(
            "skipped rows: "
            + "; ".join(
                f"{r['file']} {r['indicator']} year '{r['year']}' ({r['reason']})" for _, r in skipped.iterrows()
            )
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Figure
# ---------------------------------------------------------------------------------------------
def plot(
    points: pd.DataFrame, bands: pd.DataFrame, obs: pd.DataFrame, calibration_end: int, out_base: Path
) -> list[Path]:
    """Observed vs simulated per series (median, 10-90% and min-max bands, naive forecast) as PNG and PDF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    series = points[["indicator", "industry"]].drop_duplicates().values.tolist()
    if not series:
        return []
    ncol = min(4, len(series))
    nrow = -(-len(series) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 2.8 * nrow), squeeze=False)
    for ax, (ind, industry) in zip(axes.flat, series):
        b = bands[(bands["indicator"] == ind) & (bands["industry"] == industry)].sort_values("year")
        o = obs[(obs["indicator"] == ind) & (obs["industry"] == industry)].sort_values("year")
        p = points[(points["indicator"] == ind) & (points["industry"] == industry)]
        ax.fill_between(b["year"], b["sim_min"], b["sim_max"], color="tab:blue", alpha=0.12, label="min-max")
        ax.fill_between(b["year"], b["sim_p10"], b["sim_p90"], color="tab:blue", alpha=0.3, label="10-90%")
        ax.plot(b["year"], b["sim_median"], "-o", color="tab:blue", ms=3, label="model median")
        ax.errorbar(
            b["year"],
            b["sim_median"],
            yerr=[b["sim_median"] - b["sim_p10"], b["sim_p90"] - b["sim_median"]],
            fmt="none",
            ecolor="tab:blue",
            capsize=3,
            lw=1,
        )  # the 10-90% band, visible for a single year
        ax.plot(o["year"], o["value"], "ks", ms=4, label="observed")
        nv = p[p["naive"].notna()]
        if len(nv):
            ax.plot(nv["year"], nv["naive"], "x", color="tab:red", ms=6, label="naive trend")
        ax.axvline(calibration_end + 0.5, color="grey", ls=":", lw=1)
        yrs = np.concatenate([b["year"].to_numpy(), o["year"].to_numpy(), [calibration_end]])
        ax.set_xlim(yrs.min() - 0.7, yrs.max() + 0.7)
        ax.set_title(f"{ind}\n{industry}", fontsize=8)
        ax.set_ylabel(
            MAPPING[ind].unit + (" (year end)" if MAPPING[ind].metric in STOCK_METRICS else "/yr"), fontsize=8
        )
        ax.set_xlabel("year", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(series) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6, loc="best")
    fig.suptitle(f"Observed vs simulated (dotted line: end of calibration, {calibration_end})", fontsize=9)
    fig.tight_layout()
    from analysis.style import save

    paths = save(fig, out_base.parent, out_base.name, formats=("png", "pdf"), dpi=150)
    plt.close(fig)
    return paths


# ---------------------------------------------------------------------------------------------
def hindcast(
    observed: list[Path],
    runs: Path | None = None,
    seeds: int | None = None,
    scale: str = "small",
    first_seed: int = 0,
    sets: list[str] = (),
    out: Path | None = None,
    calibration_end: int | None = None,
) -> dict:
    """Compare observations with an ensemble (read from ``runs`` or run with ``seeds``); with ``out``
    write the tables and the figure. Returns metrics, points and the lists of what was not compared."""
    if (runs is None) == (seeds is None):
        raise ValueError("give exactly one of --runs DIR and --seeds N")
    obs_all, skipped = read_observations(observed)
    obs, excluded, not_sim = split_observations(obs_all)
    tmp = None
    if runs is None:
        if seeds < 1:
            raise ValueError(f"--seeds must be >= 1, got {seeds}")
        if out is not None:
            runs = run_seeds(seeds, scale, first_seed, list(sets), Path(out) / "runs")
        else:
            tmp = tempfile.TemporaryDirectory(prefix="hindcast_")
            runs = run_seeds(seeds, scale, first_seed, list(sets), Path(tmp.name))
    tables, weights, info = read_runs(Path(runs))
    series = [simulated_series(a, weights) for a in tables]
    first_year = int(min(a["year"].min() for a in tables))
    if tmp is not None:
        tmp.cleanup()
    cal_end = first_year if calibration_end is None else int(calibration_end)
    info["calibration_end"] = cal_end
    bands = ensemble_bands(series)
    points = compare(obs, bands, cal_end)
    met = metrics(points) if len(points) else pd.DataFrame()
    compared = set(points["indicator"]) if len(points) else set()
    info["mapped_without_points"] = sorted(set(obs["indicator"]) - compared)
    text = format_report(met, points, not_sim, excluded, skipped, info)
    result = {
        "info": info,
        "metrics": met,
        "points": points,
        "not_simulated": not_sim,
        "excluded": excluded,
        "skipped": skipped,
        "report": text,
        "files": [],
    }
    if out is not None:
        out = Path(out)
        atomic_write(out / "hindcast_points.csv", lambda p: points.to_csv(p, index=False))
        atomic_write(out / "hindcast_metrics.csv", lambda p: met.to_csv(p, index=False))
        write_json(
            out / "hindcast.json",
            {
                "info": info,
                "calibration_end": cal_end,
                "metrics": met.to_dict(orient="records"),
                "mapping": {k: {**vars(m), "where": dict(m.where)} for k, m in MAPPING.items()},
                "not_simulated": not_sim,
                "excluded": excluded[["file", "indicator", "industry", "year", "reason"]].to_dict(orient="records")
                if len(excluded)
                else [],
                "skipped": skipped[["file", "indicator", "year", "reason"]].to_dict(orient="records")
                if len(skipped)
                else [],
                "naive": "value(Y) = obs(b) x (obs(b)/obs(a))^((Y-b)/(b-a)); a<b the last two observed years <= calibration "
                "end for Y after it, < Y for Y up to it",
            },
        )
        result["files"] = [out / "hindcast_points.csv", out / "hindcast_metrics.csv", out / "hindcast.json"]
        result["files"] += plot(points, bands, obs, cal_end, out / "hindcast")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.hindcast", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--observed", nargs="+", required=True, type=Path, help="observation CSV file(s)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--runs", type=Path, help="an ensemble folder (seed_*/annual.parquet) or a single run folder")
    src.add_argument("--seeds", type=int, help="run this many seeds of the configured scenario (default history)")
    ap.add_argument("--scale", default="small", choices=("small", "city"), help="scale of the runs with --seeds")
    ap.add_argument("--seed", type=int, default=0, help="first seed with --seeds")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Hydra override for the runs with --seeds, e.g. --set scenario.end_year=2021 (repeatable)",
    )
    ap.add_argument(
        "--calibration-end",
        type=int,
        default=None,
        help="last in-sample year (default: the first simulated year, 2019)",
    )
    ap.add_argument("--out", type=Path, help="folder for tables and the figure (and the runs with --seeds)")
    a = ap.parse_args(argv)
    bad = [s for s in a.set if not re.fullmatch(r"[+~]?[\w.]+=.*", s)]
    if bad:
        ap.error(f"--set takes KEY=VALUE, got {bad}")
    from sim.config import ConfigError

    try:
        res = hindcast(
            a.observed,
            runs=a.runs,
            seeds=a.seeds,
            scale=a.scale,
            first_seed=a.seed,
            sets=a.set,
            out=a.out,
            calibration_end=a.calibration_end,
        )
    except (ValueError, FileNotFoundError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(res["report"])
    if res["files"]:
        print("written: " + ", ".join(str(p) for p in res["files"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
