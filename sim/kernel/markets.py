"""The city's market state: national markets and prices, Shenzhen's shares and output prices, unit
labour costs and productivity by industry, housing and floor-space supply (issue 12 core).

The phases read and write one ``MarketState`` per run (``World.markets``); indices are 1 in the base
year. Units: prices and indices dimensionless; unit labour cost in yuan of wages per yuan of real
value-added capacity; productivity in yuan of real VA capacity per worker per quarter; housing in
people; floor space in m2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.basedata import BaseData
from sim.economy.markets import NationalPath, national_path
from sim.economy.production import va_capacity
from sim.ids import INDUSTRIES, N_IND
from sim.kernel.state import Table
from sim.params import EconomyParams, ScenarioConfig


@dataclass
class MarketState:
    path: NationalPath  # the national drivers and prices of the scenario
    share_trend: np.ndarray  # [N_IND] calibration.share_trend: the edge's share gain per year at base (log points)
    market_price: np.ndarray  # [N_IND] national price index of each industry's market (PPI or CPI)
    price: np.ndarray  # [N_IND] Shenzhen output price = market price x relative price (the VA deflator)
    log_share: np.ndarray  # [N_IND] log of Shenzhen's market share relative to its base
    edge: np.ndarray  # [N_IND] accumulated non-price edge (log points of competitive share)
    ulc: np.ndarray  # [N_IND] smoothed unit labour cost
    ulc_base: np.ndarray  # [N_IND] base-year unit labour cost
    productivity: np.ndarray  # [N_IND] smoothed real VA capacity per worker (yuan/person/quarter)
    productivity_growth: np.ndarray  # [N_IND] smoothed quarterly log growth of productivity
    unserved: np.ndarray  # [N_IND] share of last quarter's final demand not delivered
    housing: float  # people the city's housing holds for the SEI workforce
    housing_ratio_base: float  # talent people per unit of housing in the base year
    wage_base: float  # base-year employment-weighted mean wage index (yuan/person/quarter)
    wage_index_base: np.ndarray  # [N_IND, N_DIST] base-year wage index
    kl_base: np.ndarray  # [N_IND] base-year capital per worker (yuan/person)
    floor_base: np.ndarray  # [N_DIST] base-year floor space open to SEI firms (m2)
    rent_base: np.ndarray  # [N_DIST] base-year rent (yuan/m2/month)
    rent_history: list[np.ndarray] = field(default_factory=list)  # district rents of past quarters, newest last
    space_at_start: np.ndarray = field(default_factory=lambda: np.zeros(0))  # floor space at the quarter's start
    cpi: float = 1.0  # national consumer price index
    national_ulc: float = 1.0  # national unit labour cost index (the GDP deflator: constant national wage share)
    national_wage: float = 1.0  # national nominal wage index (nominal GDP: flat labour force, constant wage share)
    national_productivity_growth: float = 0.0  # this quarter's log growth of national labour productivity (real GDP)
    cpi_inflation: float = 0.0  # this quarter's log growth of the CPI
    price_inflation: np.ndarray = field(
        default_factory=lambda: np.zeros(N_IND)
    )  # this quarter's log growth of market prices
    profile: float = 1.0  # this quarter's level of national output relative to its year's mean (history)


EDGE_YEAR0 = 2016  # the edge's erosion is counted from the start of the in-sample period (calendar time)


def edge_gain(share_trend: np.ndarray, catch_up: float, year: int, q: int) -> np.ndarray:
    """The edge gained in quarter (year, q): share_trend / 4, eroded at ``catch_up`` a year since 2016."""
    return share_trend * np.exp(-catch_up * max(year + (q - 0.5) / 4.0 - EDGE_YEAR0, 0.0)) / 4.0


def industry_ulc_and_productivity(
    firms: Table, labour_elasticity: float, alive_capacity: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(wage bill per yuan of real VA capacity, real VA capacity per worker) by industry, alive
    firms with staff. ``alive_capacity``: (the alive rows in order, their real VA capacity) when
    the caller has them from the same columns (sim.kernel.phases.production.alive_capacity)."""
    f = firms
    if alive_capacity is None:
        alive = np.flatnonzero(f.alive)  # by position: the same rows, gathered faster than by a mask
        cap_alive = va_capacity(f.z[alive], f.tfp[alive], f.employees[alive], f.capital[alive], labour_elasticity)
    else:
        alive, cap_alive = alive_capacity
    employees = f.employees[alive]
    staffed = np.flatnonzero(employees > 0)  # elementwise capacities: the staffed rows' are theirs alone
    a, employees, cap = alive[staffed], employees[staffed], cap_alive[staffed]
    ind = f.industry[a]
    cap_i = np.bincount(ind, weights=cap, minlength=N_IND)
    wages = np.bincount(ind, weights=f.wage_bill[a], minlength=N_IND)
    emp = np.bincount(ind, weights=employees, minlength=N_IND)
    ulc = np.divide(wages, cap_i, out=np.ones(N_IND), where=cap_i > 0)
    return ulc, np.divide(cap_i, emp, out=np.zeros(N_IND), where=emp > 0)


def initial_markets(
    firms: Table, talent_people: float, floor_space: np.ndarray, rent: np.ndarray, wage_index: np.ndarray,
    data: BaseData, p: EconomyParams, scenario: ScenarioConfig, share_trend: dict[str, float],
) -> MarketState:  # fmt: skip
    """The market state of the base year (every index 1)."""
    ulc, prod = industry_ulc_and_productivity(firms, p.production.labour_elasticity)
    trend = np.array([share_trend[i] for i in INDUSTRIES], dtype=float)
    # the share is on its path at the base: the edge leads it by the adjustment lag, so the share
    # grows at the edge's rate from the first quarter (log S* - log S = gain / share_adjustment)
    lead = edge_gain(trend, p.market.edge_catch_up, scenario.start_year, 1) / p.market.share_adjustment
    housing = talent_people  # the base year's housing holds the base workforce (tightness 1)
    return MarketState(
        path=national_path(list(data.national), data.gdp_yoy_quarterly, scenario.demand_path == "steady"),
        share_trend=trend,
        market_price=np.ones(N_IND),
        price=np.ones(N_IND),
        log_share=np.zeros(N_IND),
        edge=lead,
        ulc=ulc.copy(),
        ulc_base=ulc,
        productivity=prod,
        productivity_growth=np.zeros(N_IND),
        unserved=np.zeros(N_IND),
        housing=housing,
        housing_ratio_base=talent_people / housing,
        wage_base=mean_wage(wage_index, firms),
        wage_index_base=wage_index.copy(),
        kl_base=np.divide(
            np.bincount(firms.industry, weights=firms.capital, minlength=N_IND),
            np.bincount(firms.industry, weights=firms.employees, minlength=N_IND),
            out=np.zeros(N_IND),
            where=np.bincount(firms.industry, weights=firms.employees, minlength=N_IND) > 0,
        ),
        floor_base=floor_space.copy(),
        rent_base=rent.copy(),
        space_at_start=floor_space.copy(),
    )


def mean_wage(wage_index: np.ndarray, firms: Table) -> float:
    """Employment-weighted mean wage index of the city's firms (yuan/person/quarter at premium 1)."""
    a = np.flatnonzero(firms.alive)  # by position: the same rows, gathered faster than by a mask
    emp = np.bincount(firms.industry[a], weights=firms.employees[a], minlength=N_IND)
    return float((wage_index.mean(axis=1) * emp).sum() / max(emp.sum(), 1e-9))


def capital_deepening(
    w_index: np.ndarray, m: MarketState, firms: Table, speed: float, rows: np.ndarray | None = None
) -> np.ndarray:
    """Per firm (or per firm of ``rows``), the step towards its cost-minimising capital per worker,
    k*/k (Cobb-Douglas: k* ~ wage / price of capital): k* = base k of the industry x (cell wage /
    base wage) / CPI, the CPI standing in for the price of capital goods. Firms close ``speed`` of
    the log gap per quarter, so labour scarcity, through wages, makes firms substitute capital for
    labour."""
    f = firms
    sel = slice(None) if rows is None else rows
    # k* depends on the firm's cell only: computed per cell (the same operations), then gathered
    rel_wage = w_index / np.maximum(m.wage_index_base, 1e-9)
    k_cell = m.kl_base[:, None] * rel_wage / m.cpi
    k_star = k_cell.reshape(-1)[f.industry[sel].astype(np.int64) * w_index.shape[1] + f.district[sel]]
    capital, employees = f.capital[sel], f.employees[sel]
    k_now = np.divide(capital, employees, out=k_star.copy(), where=employees > 0)
    ratio = np.divide(k_star, k_now, out=np.ones(len(k_star)), where=k_now > 0)
    return np.exp(speed * np.log(np.clip(ratio, 1e-3, 1e3)))
