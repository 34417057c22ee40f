"""Base-year data (end of 2018) from ``sim/data/*.csv``, loaded once into numpy arrays.

How the base year is built: SEI value added of 2018 (9155.18e8 yuan, the total in
sei_value_added.csv) is split across the seven industries by their 2019 composition (the only
year with all seven published); the base quarter is 2018Q4 (see ``va_base_quarter``);
output = VA / va_ratio; locations by district_industry_shares.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND

DATA_DIR = Path(__file__).with_name("data")
YUAN_PER_100M = 1e8


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _by_industry(rows: list[dict[str, str]], col: str) -> np.ndarray:
    vals = {r["industry_id"]: float(r[col]) for r in rows}
    return np.array([vals[i] for i in INDUSTRIES])


@dataclass(frozen=True)
class BaseYear:
    """The totals a base year (the year before a run starts) is built from (sim/data/base_years.csv)."""

    year: int
    va: np.ndarray  # yuan/year by industry: the year's SEI value added split by the 2019 composition
    growth_next: float  # SEI value added of the next year over this year's (nominal)
    high_tech_enterprises: float  # firms
    carriers: float  # innovation carriers, cumulative
    rent_index: float  # district rents relative to 2018 (sim/data/districts.csv)
    wage_index: float  # wages relative to 2018
    floor_space_index: float  # floor space open to SEI firms relative to 2018

    @property
    def va_base_quarter(self) -> np.ndarray:
        """VA flow of the base year's Q4 by industry (yuan/quarter): the average quarter grown by 3/8
        of a year at the growth to the next year, so that a path growing at that rate from the base
        reproduces both annual totals."""
        return self.va / 4.0 * self.growth_next**0.375


@dataclass(frozen=True)
class BaseData:
    # industries (index order = ids.INDUSTRIES)
    va_ratio: np.ndarray  # VA / gross output
    va_per_worker: np.ndarray  # yuan/person/year
    capital_va_ratio: np.ndarray  # capital / annual VA
    rd_intensity: np.ndarray  # R&D / sales
    export_share: np.ndarray
    semiconductor_exposure: np.ndarray
    firm_share: np.ndarray
    subfield_ids: tuple[str, ...]
    subfield_industry: np.ndarray  # industry index of each sub-field
    subfield_weight: np.ndarray  # share of its industry's VA
    # districts (index order = ids.DISTRICTS)
    lat: np.ndarray
    lon: np.ndarray
    area_km2: np.ndarray
    floor_space: np.ndarray  # m2 for industry
    rent: np.ndarray  # yuan/m2/month
    distance_km: np.ndarray  # [N_DIST, N_DIST] great-circle distance between centres
    location_share: np.ndarray  # [N_IND, N_DIST] share of each industry's VA by district
    # input coefficients: rows = 7 industries + ROE + IMPORT, cols = 7 industries
    io: np.ndarray
    # carriers
    carrier_types: tuple[str, ...]
    carrier_share: np.ndarray
    carrier_researchers: np.ndarray  # people
    carrier_budget: np.ndarray  # yuan/year
    carrier_capability: np.ndarray  # 0-1
    # statistics
    va_2018: np.ndarray  # yuan/year by industry (built as described above)
    va_2019: np.ndarray  # yuan/year by industry (calibration target)
    drivers: dict[int, dict[str, float]]  # year -> macro drivers (percent)
    nhte_2018: float  # national high-tech enterprises (firms)
    carriers_2018: float  # innovation carriers, cumulative (carriers)
    base_years: dict[int, BaseYear]  # the years a run can start after (base_years.csv): 2015, 2018
    # national markets (national_drivers.csv, national_gdp_quarterly.csv, industry_markets.csv)
    national: tuple[dict[str, float], ...]  # one row per year, numeric columns (percent, trn yuan, CNY/USD)
    gdp_yoy_quarterly: dict[str, float]  # quarter label -> China real GDP growth y/y (percent)
    market_exposure: np.ndarray  # [N_IND, 5] weights of the drivers gdp, exports, semis, electronics, high_tech
    price_is_cpi: np.ndarray  # [N_IND] bool: the industry's market price follows CPI (else PPI)
    national_share: np.ndarray  # [N_IND] Shenzhen's share of its national-plus-export market, 2018
    population: dict[int, float]  # year -> resident population (people, year end; up to 2019)

    @property
    def va_base_quarter(self) -> np.ndarray:
        """VA flow of 2018Q4 by industry (yuan/quarter), the default base (BaseYear.va_base_quarter)."""
        return self.base_years[2018].va_base_quarter

    @property
    def output_base_quarter(self) -> np.ndarray:
        return self.va_base_quarter / self.va_ratio


def _base_years(va_2018: np.ndarray, va_2019: np.ndarray) -> dict[int, BaseYear]:
    """Base years of base_years.csv; value added by industry follows the 2019 composition, and the
    2018 growth to 2019 comes from the two published levels themselves."""
    table: dict[int, dict[str, float]] = {}
    for r in read_csv("base_years.csv"):
        table.setdefault(int(r["year"]), {})[r["quantity"]] = float(r["value"])
    out = {}
    for year, q in table.items():
        va = va_2018 if year == 2018 else q["sei_value_added"] * YUAN_PER_100M * va_2019 / va_2019.sum()
        growth = va_2019.sum() / va_2018.sum() if year == 2018 else q["value_added_growth_next_year"]
        out[year] = BaseYear(
            year=year,
            va=va,
            growth_next=float(growth),
            high_tech_enterprises=q["high_tech_enterprises"],
            carriers=q["innovation_carriers"],
            rent_index=q["rent_index"],
            wage_index=q["wage_index"],
            floor_space_index=q["floor_space_index"],
        )
    return out


def haversine_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    dla = la[:, None] - la[None, :]
    dlo = lo[:, None] - lo[None, :]
    a = np.sin(dla / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlo / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _indicator(rows: list[dict[str, str]], name: str, year: int) -> float:
    for r in rows:
        if r["indicator"] == name and r["year"] == str(year):
            return float(r["value"])
    raise KeyError(f"{name} {year} not in innovation_and_people.csv")


@lru_cache(maxsize=1)
def load() -> BaseData:
    ind = read_csv("industries.csv")
    sub = read_csv("subfields.csv")
    dist = {r["district_id"]: r for r in read_csv("districts.csv")}
    shares = read_csv("district_industry_shares.csv")
    io_rows = read_csv("io_coefficients.csv")
    inst = read_csv("institutes.csv")
    sei = read_csv("sei_value_added.csv")
    inno = read_csv("innovation_and_people.csv")
    macro = read_csv("macro_drivers.csv")

    va_ratio = _by_industry(ind, "va_ratio")
    loc = np.zeros((N_IND, N_DIST))
    for r in shares:
        loc[INDUSTRIES.index(r["industry_id"]), DISTRICTS.index(r["district_id"])] = float(r["share"])
    loc /= loc.sum(axis=1, keepdims=True)

    sectors = list(INDUSTRIES) + ["ROE", "IMPORT"]
    io = np.zeros((len(sectors), N_IND))
    for r in io_rows:
        io[sectors.index(r["from_sector"]), INDUSTRIES.index(r["to_industry"])] = float(r["coefficient"])
    if not np.allclose(io.sum(axis=0), 1 - va_ratio, atol=1e-4):
        raise ValueError("io_coefficients.csv: column sums must equal 1 - va_ratio (industries.csv)")

    va19 = {r["industry"]: float(r["value_added_100m_yuan"]) * YUAN_PER_100M for r in sei if r["year"] == "2019"}
    total18 = next(float(r["value_added_100m_yuan"]) for r in sei if r["year"] == "2018" and r["industry"] == "ALL")
    va_2019 = np.array([va19[i] for i in INDUSTRIES])
    va_2018 = total18 * YUAN_PER_100M * va_2019 / va_2019.sum()

    lat = np.array([float(dist[d]["lat"]) for d in DISTRICTS])
    lon = np.array([float(dist[d]["lon"]) for d in DISTRICTS])
    sub_ind = np.array([INDUSTRIES.index(r["industry_id"]) for r in sub])
    sub_w = np.array([float(r["va_weight"]) for r in sub])
    for i in range(N_IND):
        sub_w[sub_ind == i] /= sub_w[sub_ind == i].sum()

    drivers = {
        int(r["year"]): {
            "gdp": float(r["china_real_gdp_growth_pct"]),
            "exports": float(r["china_goods_exports_usd_growth_pct"]),
            "semiconductors": float(r["world_semiconductor_sales_growth_pct"]),
        }
        for r in macro
    }
    return BaseData(
        va_ratio=va_ratio,
        va_per_worker=_by_industry(ind, "va_per_worker_yuan"),
        capital_va_ratio=_by_industry(ind, "capital_va_ratio"),
        rd_intensity=_by_industry(ind, "rd_intensity"),
        export_share=_by_industry(ind, "export_share"),
        semiconductor_exposure=_by_industry(ind, "semiconductor_exposure"),
        firm_share=_by_industry(ind, "firm_share") / _by_industry(ind, "firm_share").sum(),
        subfield_ids=tuple(r["subfield_id"] for r in sub),
        subfield_industry=sub_ind,
        subfield_weight=sub_w,
        lat=lat,
        lon=lon,
        area_km2=np.array([float(dist[d]["area_km2"]) for d in DISTRICTS]),
        floor_space=np.array([float(dist[d]["industrial_floor_space_m2"]) for d in DISTRICTS]),
        rent=np.array([float(dist[d]["rent_yuan_m2_month"]) for d in DISTRICTS]),
        distance_km=haversine_km(lat, lon),
        location_share=loc,
        io=io,
        carrier_types=tuple(r["carrier_type"] for r in inst),
        carrier_share=np.array([float(r["count_share"]) for r in inst]) / sum(float(r["count_share"]) for r in inst),
        carrier_researchers=np.array([float(r["researchers_mean"]) for r in inst]),
        carrier_budget=np.array([float(r["budget_yuan_per_year_mean"]) for r in inst]),
        carrier_capability=np.array([float(r["capability_mean"]) for r in inst]),
        va_2018=va_2018,
        va_2019=va_2019,
        drivers=drivers,
        nhte_2018=_indicator(inno, "national_high_tech_enterprises", 2018),
        carriers_2018=_indicator(inno, "innovation_carriers", 2017) + _indicator(inno, "innovation_carriers_new", 2018),
        base_years=_base_years(va_2018, va_2019),
        **_national(inno),
    )


MARKET_DRIVERS = ("gdp", "exports", "semis", "electronics", "high_tech")  # columns of industry_markets.csv


def _national(inno: list[dict[str, str]]) -> dict:
    """The national drivers, the quarterly GDP profile and each industry's market (BaseData fields)."""
    rows = []
    for r in read_csv("national_drivers.csv"):
        rows.append(
            {
                k: float(v) if v not in ("", None) else float("nan")
                for k, v in r.items()
                if k not in ("confidence", "note")
            }
        )
    markets = {r["industry_id"]: r for r in read_csv("industry_markets.csv")}
    return {
        "national": tuple(sorted(rows, key=lambda r: r["year"])),
        "gdp_yoy_quarterly": {
            r["quarter"]: float(r["china_real_gdp_yoy_pct"]) for r in read_csv("national_gdp_quarterly.csv")
        },
        "market_exposure": np.array([[float(markets[i][k]) for k in MARKET_DRIVERS] for i in INDUSTRIES]),
        "price_is_cpi": np.array([markets[i]["price_index"] == "cpi" for i in INDUSTRIES]),
        "national_share": np.array([float(markets[i]["national_share_2018"]) for i in INDUSTRIES]),
        "population": {int(r["year"]): float(r["value"]) * 1e4 for r in inno if r["indicator"] == "population"},
    }
