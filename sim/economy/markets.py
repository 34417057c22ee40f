"""National markets: how the demand for each industry's products grows with China's drivers.

Assumptions (sim.kernel.phases.demand applies them each quarter):
- Every industry sells into a national-plus-export market whose nominal growth is a weighted sum
  of national driver indices (nominal CNY growth, per year): nominal GDP, goods exports converted
  at the yuan-dollar rate, world chip sales converted likewise, and the nominal value added of
  China's electronics and high-tech manufacturing (real growth plus PPI). The weights of an
  industry are its exposures (they sum to 1).
- In a scenario without observed drivers for a year (``steady``, or years after the data), each
  driver grows at its reference rate: its mean over REFERENCE_YEARS.
- Within a year the market follows the quarterly profile of China's real GDP (year-on-year growth
  by quarter, national_gdp_quarterly.csv): a quarter whose national output fell below the year's
  average gets less demand, the annual total unchanged. Shocks are thus sized from national data.
Units: growth rates as shares per year (0.07 = 7%); profiles are dimensionless multipliers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

REFERENCE_YEARS = (2015, 2016, 2017, 2018, 2019)  # the pre-pandemic normal the steady scenario repeats
DRIVERS = ("gdp", "exports", "semis", "electronics", "high_tech")  # nominal CNY driver indices


def driver_growth(row: Mapping[str, float], prev_fx: float) -> dict[str, float]:
    """Nominal CNY growth (share per year) of every driver index from one year's row of
    national_drivers.csv (percent columns) and the previous year's yuan-dollar rate."""
    fx = row["cny_per_usd"] / prev_fx  # yuan per dollar this year over last year
    ppi = 1.0 + row["china_ppi_pct"] / 100.0
    return {
        "gdp": row["china_nominal_gdp_growth_pct"] / 100.0,
        "exports": (1.0 + row["china_goods_exports_usd_growth_pct"] / 100.0) * fx - 1.0,
        "semis": (1.0 + row["world_semiconductor_sales_growth_pct"] / 100.0) * fx - 1.0,
        "electronics": (1.0 + row["china_electronics_manufacturing_va_real_growth_pct"] / 100.0) * ppi - 1.0,
        "high_tech": (1.0 + row["china_high_tech_manufacturing_va_real_growth_pct"] / 100.0) * ppi - 1.0,
    }


def driver_table(rows: list[Mapping[str, float]]) -> dict[int, dict[str, float]]:
    """Driver growth by year for every year with a previous year in ``rows`` (sorted by year)."""
    out = {}
    for prev, row in zip(rows, rows[1:]):
        g = driver_growth(row, prev["cny_per_usd"])
        if all(np.isfinite(v) for v in g.values()):
            out[int(row["year"])] = g
    return out


def reference_growth(
    table: Mapping[int, Mapping[str, float]], years: tuple[int, ...] = REFERENCE_YEARS
) -> dict[str, float]:
    """Mean growth of every driver over ``years`` (the steady scenario's drivers)."""
    return {k: float(np.mean([table[y][k] for y in years])) for k in DRIVERS}


def market_growth(drivers: Mapping[str, float], exposure: np.ndarray) -> np.ndarray:
    """Nominal market growth by industry (share per year): exposure [N_IND, len(DRIVERS)] (rows sum
    to 1) times the drivers' growth."""
    g = np.array([drivers[k] for k in DRIVERS])
    return exposure @ g


def quarterly_profile(yoy: Mapping[str, float], base_year: int) -> dict[str, float]:
    """Level of each quarter relative to its year's mean, from year-on-year growth by quarter
    (percent, keys like '2020Q1'): levels are chained from equal quarters in ``base_year``."""
    level: dict[str, float] = {f"{base_year}Q{q}": 1.0 for q in range(1, 5)}
    years = sorted({int(k[:4]) for k in yoy})
    out: dict[str, float] = {}
    for y in years:
        keys = [f"{y}Q{q}" for q in range(1, 5)]
        if not all(k in yoy and f"{y - 1}Q{k[-1]}" in level for k in keys):
            continue
        for k in keys:
            level[k] = level[f"{y - 1}Q{k[-1]}"] * (1.0 + yoy[k] / 100.0)
        mean = np.mean([level[k] for k in keys])
        out.update({k: float(level[k] / mean) for k in keys})
    return out


def price_growth(row: Mapping[str, float]) -> dict[str, float]:
    """National price and income growth (share per year) from one year's row of national_drivers.csv:
    consumer and producer prices, the GDP deflator (nominal over real GDP growth) and nominal GDP."""
    nominal = row["china_nominal_gdp_growth_pct"] / 100.0
    return {
        "cpi": row["china_cpi_pct"] / 100.0,
        "ppi": row["china_ppi_pct"] / 100.0,
        "deflator": (1.0 + nominal) / (1.0 + row["china_real_gdp_growth_pct"] / 100.0) - 1.0,
        "nominal_gdp": nominal,
    }


PRICES = ("cpi", "ppi", "deflator", "nominal_gdp")


@dataclass(frozen=True)
class NationalPath:
    """The national environment of a run by year: driver growth (DRIVERS) and price growth (PRICES),
    shares per year; years without data (or every year in ``steady``) take the 2015-2019 means."""

    table: dict[int, dict[str, float]]  # year -> DRIVERS + PRICES growth
    reference: dict[str, float]  # 2015-2019 mean of every entry
    profile: dict[str, float]  # quarter label -> level relative to the year's mean (history only)
    steady: bool

    def year(self, y: int) -> dict[str, float]:
        return self.reference if self.steady or y not in self.table else self.table[y]

    def quarter_level(self, y: int, q: int) -> float:
        return 1.0 if self.steady else self.profile.get(f"{y}Q{q}", 1.0)


def national_path(rows: list[Mapping[str, float]], gdp_yoy: Mapping[str, float], steady: bool) -> NationalPath:
    """The NationalPath of the national_drivers.csv rows (sorted by year) and the quarterly GDP profile."""
    drivers = driver_table(rows)
    table = {y: {**g, **price_growth(next(r for r in rows if int(r["year"]) == y))} for y, g in drivers.items()}
    ref = {k: float(np.mean([table[y][k] for y in REFERENCE_YEARS])) for k in DRIVERS + PRICES}
    return NationalPath(table, ref, quarterly_profile(gdp_yoy, min(int(k[:4]) for k in gdp_yoy) - 1), steady)
