"""Firm populations (issue 12, item 5): how many firms the base year holds, the largest firms at
their real sizes, high-tech certificates at build and every quarter, and how many start-ups a
market supports.

- The firm table holds the certified national high-tech enterprises (NHTE) of the base year
  (sim/data/base_years.csv) and ``params.init.uncertified_per_certified`` uncertified SEI firms
  per certified one; the NHTE statistic is the certified stock (sim.economy.certification).
- Base-year certificates were granted in the ``cert_validity_quarters`` quarters up to the base
  quarter, spread evenly, so a twelfth expires each quarter at first.
- The ten largest SEI firms of sim/data/largest_firms.csv are placed with their 2018 revenue
  (scaled to the base year by their industry's value added), in their home districts, and hold a
  certificate; a named firm's base output is at most ``largest_firm_max_share`` of its industry.
- Start-ups per year are ``entry_rate`` x the firms the industry's market supports: its base-year
  firm count x (its output over base output)^``entry_market_elasticity`` (``startup_weight``). The stock then tracks the market
  instead of compounding on itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.basedata import YUAN_PER_100M, BaseData, BaseYear, read_csv
from sim.economy import certification as cert
from sim.ids import DISTRICTS, INDUSTRIES, N_IND
from sim.kernel.cells import count
from sim.kernel.order_stats import industry_counts
from sim.kernel.world import World
from sim.params import DemographyParams, InitParams, ScaleConfig


def uncertified_ratio(init: InitParams, base_year: int) -> float:
    """Uncertified firms per certified firm in the base year (the 2015 value before 2018, else the 2018 one)."""
    r15, r18 = init.uncertified_per_certified
    return float(r15 if base_year < 2018 else r18)


def base_firm_counts(data: BaseData, base: BaseYear, scale: ScaleConfig, init: InitParams) -> tuple[np.ndarray, int]:
    """(firm agents by industry, certified agents) of the base year: the certified stock is the NHTE
    count x scale.firm_fraction, the table holds uncertified firms on top, split by firm_share."""
    n_cert = int(round(base.high_tech_enterprises * scale.firm_fraction))
    n_total = max(N_IND * init.min_firms_per_industry, int(round(n_cert * (1.0 + uncertified_ratio(init, base.year)))))
    n_ind = np.maximum(init.min_firms_per_industry, np.round(n_total * data.firm_share).astype(int))
    return n_ind, n_cert


@dataclass(frozen=True)
class NamedFirms:
    """The largest SEI firms (sim/data/largest_firms.csv): industry and district index, base-quarter
    output (yuan/quarter, before the industry ceiling) and name."""

    industry: np.ndarray
    district: np.ndarray
    output_q: np.ndarray
    name: tuple[str, ...]


def named_firms(data: BaseData, base: BaseYear) -> NamedFirms:
    """The named firms with their 2018 revenue as a base-quarter flow: x va_base_quarter / va_2018 of
    their industry, which is the base year's quarterly profile (and its level before 2018)."""
    rows = read_csv("largest_firms.csv")
    ind = np.array([INDUSTRIES.index(r["industry_id"]) for r in rows], dtype=np.int64)
    dist = np.array([DISTRICTS.index(r["district_id"]) for r in rows], dtype=np.int64)
    rev = np.array([float(r["revenue_2018_100m_yuan"]) for r in rows]) * YUAN_PER_100M
    return NamedFirms(ind, dist, rev * (base.va_base_quarter / data.va_2018)[ind], tuple(r["firm"] for r in rows))


def initial_certificates(
    ind: np.ndarray, age: np.ndarray, rd_intensity: np.ndarray, output: np.ndarray, named: np.ndarray, n_cert: int,
    data: BaseData, p: DemographyParams, size_weight: float, rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """certified_until of every base firm: the named firms and a draw of the other eligible firms
    (probability ~ output^size_weight; then the most R&D-intensive ineligible ones if too few) hold
    ``n_cert`` certificates, granted evenly over the quarters up to the base quarter (index -1)."""
    n = len(ind)
    elig = cert.eligible(age, rd_intensity / data.rd_intensity[ind], np.ones(n, bool), p.cert_min_age_quarters,
                         p.cert_min_rd)  # fmt: skip
    chosen = np.zeros(n, bool)
    chosen[named] = True
    need = max(n_cert - int(chosen.sum()), 0)
    pool = np.flatnonzero(elig & ~chosen)
    wt = np.maximum(output[pool], 1e-12) ** size_weight
    take = rng.choice(pool, size=min(need, len(pool)), replace=False, p=wt / wt.sum())
    chosen[take] = True
    if need > len(take):
        rest = np.flatnonzero(~chosen)
        chosen[rest[np.argsort(-rd_intensity[rest])[: need - len(take)]]] = True
    v = int(p.cert_validity_quarters)
    until = np.full(n, cert.NONE, dtype=np.int32)
    until[chosen] = v - 2 - rng.integers(0, v, int(chosen.sum()))  # granted in quarter -1 - U{0..v-1}
    return until


def startup_weight(w: World) -> np.ndarray:
    """[N_IND] start-up weight per alive firm: the firms the industry's market supports (base-year
    firm agents x (last quarter's output / base output)^entry_market_elasticity) over the firms alive, so that start-ups =
    entry_rate x alive firms x this weight."""
    f = w.firms
    n_base, _ = base_firm_counts(w.data, w.base, w.scale, w.params.init)
    out0 = w.base.va_base_quarter / w.data.va_ratio
    out = np.bincount(f.industry, weights=f.output, minlength=N_IND)
    alive = industry_counts(f.industry[np.flatnonzero(f.alive)])
    supported = n_base * np.where(out > 0, out / out0, 1.0) ** w.params.demography.entry_market_elasticity
    return np.divide(supported, alive, out=np.zeros(N_IND), where=alive > 0)


CERT_TREND_YEARS = (2016, 2019)  # the years of certified counts the hazard's trend is fitted to (calibration)
CERT_HAZARD_YEAR = 2018  # the year whose hazard is params.demography.cert_hazard


def cert_hazard(p: DemographyParams, year: int) -> float:
    """Certification hazard of an eligible uncertified firm in ``year`` (per year): cert_hazard in
    CERT_HAZARD_YEAR, moving by cert_hazard_trend (log per year) over CERT_TREND_YEARS and constant
    outside them."""
    lo, hi = CERT_TREND_YEARS
    years = min(max(year, lo), hi) - CERT_HAZARD_YEAR
    return float(min(p.cert_hazard * np.exp(p.cert_hazard_trend * years), 1.0))


def certify(w: World, exited: np.ndarray, rng: np.random.Generator) -> None:
    """One quarter of certification (after exit and entry): exited firms lose their certificate,
    expiring ones renew if eligible, eligible uncertified firms are certified at the quarterly
    hazard. Records the flows certified_new, certified_lapsed and certified_exits (firm agents)."""
    f, p, now = w.firms, w.params.demography, w.quarter
    until = f.col("certified_until")
    gone = exited[until[exited] >= now - 1]  # held a certificate at the end of the last quarter
    until[exited] = cert.NONE
    can = cert.eligible(f.age, f.rd_intensity / w.data.rd_intensity[f.industry], f.alive, p.cert_min_age_quarters,
                        p.cert_min_rd)  # fmt: skip
    year = w.base.year + 1 + now // 4  # quarter 0 is the first quarter after the base year
    hazard = 1.0 - (1.0 - cert_hazard(p, year)) ** 0.25
    new_until, new, lapsed = cert.step(until, now, can, hazard, p.cert_renewal, int(p.cert_validity_quarters), rng)
    until[:] = new_until
    w.flows["certified_new"] = count(f.industry[new], f.district[new])
    w.flows["certified_lapsed"] = count(f.industry[lapsed], f.district[lapsed])
    w.flows["certified_exits"] = count(f.industry[gone], f.district[gone])


def certified(w: World) -> np.ndarray:
    """Mask of the firms holding a valid certificate at the end of the current quarter."""
    return w.firms.alive & (w.firms.certified_until >= w.quarter)
