"""Major S&T industry projects (T20-PROJECTS: 100 or more by 2020; M-FUND-6: a city state-owned
platform company for major emerging-industry projects and the Shenzhen-Hong Kong-Macao S&T
industry promotion centre).

A project is a large inward investment or expansion: a new firm of the industry's 97th-percentile
size (sim.kernel.phases.enter_firms with kind INWARD; an expansion is represented as a new plant, i.e. a
new firm row) placed in a key development zone that designates its industry
(sim/data/key_zones.csv or the file of space.parks.zones_file; without such a zone, by the
industry's location of value added). The city's platform company co-invests equity in it, and the
project gets its site: its planned floor space is added to the district's stock (dedicated land).
External demand in the model is a fixed pie per industry, and an entrant's share is taken from the
incumbents; a large investor, however, brings part of its market with it (export orders, its
group's purchases), so the industry's external demand rises by ``demand_additionality`` x the
project's planned sales and only the rest is taken from incumbents.
Money in yuan, budgets per year; counts at city scale (scaled by scale.firm_fraction, the
co-investment per agent by 1/firm_fraction, so yuan totals do not depend on the scale).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, INWARD, N_DIST, N_IND
from sim.kernel.entry import enter_firms
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.targeting import Targeting
from sim.policy.zones import load_zones


@dataclass
class MajorProjectsConfig(LeverConfig):
    """Pipeline of major S&T industry projects (T20-PROJECTS, M-FUND-6). ``projects_per_year``
    projects enter per year (Poisson-rounded per quarter), of industries drawn by
    ``industry_weights`` (empty = the seven equally: the plan gives each its own section without
    ranking them) and districts drawn among the key zones designating the industry. Each gets
    ``co_investment`` yuan of equity from the city's platform company. The lever stops adding
    projects when the quarter's budget is used."""

    projects_per_year: float = (
        50.0  # T20-PROJECTS: 100 or more projects over 2019-2020; the pace is kept to 2025 (assumption)
    )
    co_investment: float = (
        1.0e8  # yuan of public equity per project (assumption: ~a fifth of a large entrant's capital)
    )
    industry_weights: dict[str, float] = field(default_factory=dict)  # industry -> weight; empty = by industry size
    demand_additionality: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of a project's planned sales that is new demand for the industry (assumption; Neumark & "
        "Simpson 2015: place-based incentives mostly relocate activity; docs/evidence.md)",
        (0.0, 0.5),
    )
    dedicated_land: bool = True  # add each project's planned floor space to its district's stock
    budget: float = param(5.0e9, "yuan/year", "[0, inf)", "yuan/yr = 50 projects x 1e8")
    targeting: Targeting = field(default_factory=Targeting)  # industries and districts the pipeline may use

    def __post_init__(self) -> None:
        if not (0.0 <= self.demand_additionality <= 1.0):
            raise ValueError(
                "config key 'policy.projects.major_projects.demand_additionality' must be between 0 and 1, "
                f"got {self.demand_additionality}"
            )
        for k, v in self.industry_weights.items():
            if k not in INDUSTRIES:
                raise ValueError(
                    f"config key 'policy.projects.major_projects.industry_weights.{k}' names an unknown industry; "
                    f"allowed: {', '.join(INDUSTRIES)}"
                )
            if not (v >= 0):
                raise ValueError(
                    f"config key 'policy.projects.major_projects.industry_weights.{k}' must be >= 0, got {v}"
                )


def _projects_capacity(c: MajorProjectsConfig) -> float:
    return c.projects_per_year * c.co_investment


def _district_weights(zones_file: str, location_share: np.ndarray, t: Targeting) -> np.ndarray:
    """[N_IND, N_DIST] weights of districts for a project of each industry: the number of key zones
    designating the industry there, else the industry's location of value added."""
    w = np.zeros((N_IND, N_DIST))
    for z in load_zones(zones_file):  # a few dozen zones
        for i in z.industries:
            w[i, z.district] += 1.0
    if t.districts:
        allowed = np.isin(np.arange(N_DIST), [DISTRICTS.index(d) for d in t.districts])
        w = w * allowed
        fallback = location_share * allowed
    else:
        fallback = location_share
    w = np.where(w.sum(axis=1, keepdims=True) > 0, w, fallback)
    return np.where(w.sum(axis=1, keepdims=True) > 0, w, 1.0)


@lever(
    "projects.major_projects",
    clauses=("T20-PROJECTS", "M-FUND-6"),
    channel="large inward firms (97th-percentile size) enter key zones of their industry with public equity and "
    "a dedicated site, bringing demand_additionality of their planned sales as new external demand",
    test="tests/test_levers_projects.py::test_major_projects_add_large_firms",
    default_source="T20-PROJECTS (100+ projects by 2020) -> 50 a year; 1e8 yuan public co-investment per project, "
    "demand additionality 0.5 (assumptions)",
    capacity=_projects_capacity,
)
def major_projects(ctx: PolicyContext, c: MajorProjectsConfig) -> None:
    w = ctx.world
    ff = w.scale.firm_fraction
    per_project = c.co_investment / ff
    n = ctx.quarter_count(c.projects_per_year, ff)
    if per_project > 0:
        n = min(n, int(ctx.quarter_budget(c.budget) // per_project))
    if n <= 0:
        return
    if c.industry_weights:
        weights = np.array([c.industry_weights.get(i, 0.0) for i in INDUSTRIES])
    else:
        weights = np.maximum(w.ext_demand, 0.0)
    if c.targeting.industries:
        weights = weights * np.isin(np.arange(N_IND), [INDUSTRIES.index(i) for i in c.targeting.industries])
    if weights.sum() <= 0:
        return
    ind = ctx.rng.choice(N_IND, size=n, p=weights / weights.sum())
    dw = _district_weights(ctx.policy.space.parks.zones_file, w.data.location_share, c.targeting)
    cum = np.cumsum(dw / dw.sum(axis=1, keepdims=True), axis=1)
    dist = np.minimum((cum[ind] < ctx.rng.random(n)[:, None]).sum(axis=1), N_DIST - 1)
    rows = enter_firms(w, ind, dist, np.full(n, INWARD), ctx.rng)
    ctx.effects.grow(w.firms.n, w.institutes.n)
    if len(rows) == 0:
        return
    f = w.firms
    # the investor's own market: planned sales (set at entry) partly add to the industry's external demand
    ext_add = np.bincount(f.industry[rows], weights=f.demand[rows], minlength=N_IND)
    w.ext_demand = w.ext_demand + c.demand_additionality * ext_add
    if c.dedicated_land:
        # the planned size's floor space (set at entry; employment is refreshed from the talent table later)
        w.floor_space = w.floor_space + np.bincount(f.district[rows], weights=f.floor_space[rows], minlength=N_DIST)
    ctx.effects.equity[rows] += per_project
    ctx.spend("projects.major_projects", f.industry[rows], f.district[rows], np.full(len(rows), per_project))


@dataclass
class ProjectsConfig:
    major_projects: MajorProjectsConfig = field(default_factory=MajorProjectsConfig)
