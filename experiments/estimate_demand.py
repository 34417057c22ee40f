"""Elasticities of China's industry markets to the national drivers, estimated by OLS on 2010-2019
(sim/data/national_drivers.csv), written to sim/data/demand_elasticities.csv with standard errors.

The Shenzhen statistics before 2019 are too short for a regression, so the elasticities are those
of the national markets the city's industries sell into: the real value-added growth of China's
electronics and high-tech manufacturing against real GDP growth, goods exports (USD) and world
semiconductor sales. Only years up to ESTIMATION_END are used: later years are inputs of the
history scenario, never data the model is fitted to. The standard errors give the parameters'
ranges (mean +- 2 se) for the sensitivity analysis.

``python -m experiments.estimate_demand`` rewrites the file; ``--check`` fails if it is stale.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.basedata import DATA_DIR

ESTIMATION_START, ESTIMATION_END = 2010, 2019
OUT = DATA_DIR / "demand_elasticities.csv"
COLUMNS = ("equation", "dependent", "regressor", "estimate", "se", "n", "r2", "period", "method", "source")
SOURCE = "national_drivers.csv (national statistics, confidence M); OLS with an intercept"


@dataclass(frozen=True)
class Equation:
    name: str
    dependent: str
    regressors: tuple[str, ...]


EQUATIONS = (
    Equation(
        "electronics",
        "china_electronics_manufacturing_va_real_growth_pct",
        ("china_goods_exports_usd_growth_pct", "world_semiconductor_sales_growth_pct"),
    ),  # fmt: skip
    Equation(
        "high_tech",
        "china_high_tech_manufacturing_va_real_growth_pct",
        ("china_real_gdp_growth_pct", "china_goods_exports_usd_growth_pct"),
    ),  # fmt: skip
    Equation(
        "electronics_on_gdp", "china_electronics_manufacturing_va_real_growth_pct", ("china_real_gdp_growth_pct",)
    ),
    Equation("high_tech_on_gdp", "china_high_tech_manufacturing_va_real_growth_pct", ("china_real_gdp_growth_pct",)),
)


def read_drivers(path: Path = DATA_DIR / "national_drivers.csv") -> dict[str, np.ndarray]:
    """The numeric columns of national_drivers.csv for ESTIMATION_START..ESTIMATION_END (nan where empty)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if ESTIMATION_START <= int(r["year"]) <= ESTIMATION_END]
    cols = [c for c in rows[0] if c not in ("confidence", "note")]
    return {c: np.array([float(r[c]) if r[c] != "" else np.nan for r in rows]) for c in cols}


def ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, float]:
    """(coefficients with the intercept first, their standard errors, n, R2) over the complete rows."""
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    y, X = y[ok], np.column_stack([np.ones(int(ok.sum())), X[ok]])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    cov = (resid @ resid / dof) * np.linalg.inv(X.T @ X)
    r2 = 1.0 - (resid @ resid) / ((y - y.mean()) @ (y - y.mean()))
    return beta, np.sqrt(np.diag(cov)), len(y), float(r2)


def estimate() -> list[dict[str, str]]:
    d = read_drivers()
    out = []
    for eq in EQUATIONS:
        beta, se, n, r2 = ols(d[eq.dependent], np.column_stack([d[r] for r in eq.regressors]))
        years = d["year"][np.isfinite(d[eq.dependent])]
        period = f"{int(years.min())}-{int(years.max())}"
        for name, b, s in zip(("intercept", *eq.regressors), beta, se):
            out.append({"equation": eq.name, "dependent": eq.dependent, "regressor": name, "estimate": f"{b:.4f}",
                        "se": f"{s:.4f}", "n": str(n), "r2": f"{r2:.3f}", "period": period,
                        "method": "OLS, growth rates in percent", "source": SOURCE})  # fmt: skip
    return out


def render(rows: list[dict[str, str]]) -> str:
    lines = [",".join(COLUMNS)] + [",".join(f'"{r[c]}"' if "," in r[c] else r[c] for c in COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help=f"fail if {OUT.name} differs from a new estimate")
    a = ap.parse_args(argv)
    text = render(estimate())
    if a.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date (run python -m experiments.estimate_demand)", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
