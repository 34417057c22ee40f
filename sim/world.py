"""The world's state and how the base year (end of 2018) is built from sim/data.

Construction, in order (docs/ODD.md, "Initialisation"):
1. firms per industry = recorded NHTE population x firm_share x scale.firm_fraction; sizes Pareto
   (tail exponent 1.05, Axtell 2001), placed in districts so each industry's output follows
   district_industry_shares;
2. a supplier network: for every input industry of its input-coefficient column, each firm buys
   from 1-6 suppliers chosen by size and distance decay;
3. external (final) demand per firm is what the network does not buy; industry levels are then
   rescaled (a 7x7 linear solve) so that the base quarter's VA equals 2018Q4 by industry
   (basedata.va_base_quarter);
4. labour, capital and TFP from VA per worker and capital/VA ratios; talent agents fill jobs;
5. innovation carriers (institutes) by carrier type, field and district.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sim.basedata import BaseData
from sim.config import SimConfig
from sim.economy.geography import decay
from sim.economy.innovation import spillover_kernel
from sim.economy.production import leontief_solve, link_pairs, link_weights
from sim.ids import BASE, DISTRICTS, FIRM, INDUSTRIES, INSTITUTE, N_DIST, N_IND
from sim.policy.effects import PolicyEffects
from sim.sampling import GroupSampler, choose_rows, row_cdf, stochastic_round
from sim.state import FIRM_SCHEMA, INSTITUTE_SCHEMA, LINK_SCHEMA, TALENT_SCHEMA, Table

PARETO_TAIL = 1.05  # Zipf-like firm sizes (Axtell 2001)
MAX_SUPPLIERS = 6
BASE_RD_GROWTH = 0.025  # per quarter; growth of R&D used for the base knowledge stock (steady state)


@dataclass
class World:
    """All state of one run. Mechanisms read and write these tables and arrays."""

    cfg: SimConfig
    data: BaseData
    firms: Table
    institutes: Table
    talent: Table
    links: Table
    floor_space: np.ndarray  # [N_DIST] m2 available to SEI firms
    rent: np.ndarray  # [N_DIST] yuan/m2/month
    wage_index: np.ndarray  # [N_IND, N_DIST] yuan/person/quarter at skill premium 1
    ext_demand: np.ndarray  # [N_IND] trend level of external demand, yuan/quarter
    ext_growth: np.ndarray  # [N_IND] this quarter's growth factor of external demand
    ppa: int  # people per talent agent
    occupancy_ref: np.ndarray  # [N_DIST] base-year occupancy of floor space (rent reference)
    z_industry: np.ndarray  # [N_IND] capacity scale of each industry (base-year geometric mean)
    spill_kernel: np.ndarray  # [N_IND*N_DIST]^2 knowledge spillover weights
    industry_ids: tuple[str, ...] = INDUSTRIES
    last_production: object = None
    effects: PolicyEffects | None = None  # this quarter's policy effects (neutral without levers)
    cache: dict = field(default_factory=dict)  # per-quarter derived values (see phases.industry_size_quantiles)
    quarter: int = -1  # index of the last completed quarter (0 = first simulated quarter)
    flows: dict[str, np.ndarray] = field(default_factory=dict)  # this quarter's event counts

    def reset_flows(self) -> None:
        z = lambda: np.zeros((N_IND, N_DIST))  # noqa: E731
        self.flows = {
            k: z()
            for k in (
                "entries",
                "exits",
                "inflow",
                "outflow",
                "relocations",
                "institutes_created",
                "spinoffs",
                "inward",
                "breakthroughs",
            )
        }
        self.effects = PolicyEffects(self.firms.n, self.institutes.n)


# ---------------------------------------------------------------------------------------------
def _pareto_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    return (1.0 - rng.random(n)) ** (-1.0 / PARETO_TAIL)


def _place(sizes: np.ndarray, target_share: np.ndarray, rng: np.random.Generator, n_greedy: int = 40) -> np.ndarray:
    """Districts for firms of one industry so that output by district tracks ``target_share``.
    The largest firms are placed greedily where the deficit is largest, the rest by sampling the
    remaining deficit (build time only)."""
    order = np.argsort(-sizes)
    dist = np.empty(len(sizes), dtype=np.int8)
    goal = target_share * sizes.sum()
    placed = np.zeros(N_DIST)
    for k in order[:n_greedy]:
        d = int(np.argmax(goal - placed))
        dist[k] = d
        placed[d] += sizes[k]
    rest = order[n_greedy:]
    if len(rest):
        deficit = np.clip(goal - placed, 0, None) + 1e-9 * goal.sum() * (target_share > 0)
        p = deficit / deficit.sum()
        dist[rest] = rng.choice(N_DIST, size=len(rest), p=p)
    return dist


def draw_subfields(data: BaseData, industry: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A sub-field for each agent of the given industries, by the sub-fields' VA weights."""
    w = np.zeros((N_IND, len(data.subfield_ids)))
    w[data.subfield_industry, np.arange(len(data.subfield_ids))] = data.subfield_weight
    return choose_rows(np.cumsum(w, axis=1), np.asarray(industry, dtype=np.int64), rng).astype(np.int16)


def floor_space_for_sei(
    stock: np.ndarray, used: np.ndarray, occupancy: float, max_occupancy: float = 0.97
) -> np.ndarray:
    """Floor space (m2) open to SEI firms by district: proportional to the district's industrial
    stock, but at least used / max_occupancy, scaled so city-wide occupancy equals ``occupancy``."""
    from scipy.optimize import brentq

    total = used.sum() / occupancy
    floor = used / max_occupancy
    if floor.sum() >= total:
        return floor
    s = brentq(lambda k: np.maximum(k * stock, floor).sum() - total, 0.0, total / max(stock.sum(), 1e-9) * 2 + 1.0)
    return np.maximum(s * stock, floor)


class SupplierChooser:
    """Draws suppliers of a given industry for customers in given districts: the supplier's
    district by distance decay times the industry's output there, then a firm in proportion to
    its size (built once per use from the current firm columns)."""

    def __init__(
        self,
        ind: np.ndarray,
        dist: np.ndarray,
        size: np.ndarray,
        alive: np.ndarray,
        distance_km: np.ndarray,
        efold_km: float,
    ):
        group = ind.astype(np.int64) * N_DIST + dist
        self.sampler = GroupSampler(
            np.where(alive, group, N_IND * N_DIST), np.where(alive, size, 0.0), N_IND * N_DIST + 1
        )
        mass = self.sampler.group_total()[: N_IND * N_DIST].reshape(N_IND, N_DIST)
        kern = decay(distance_km, efold_km)
        self.cdf = row_cdf((mass[:, None, :] * kern[None, :, :]).reshape(N_IND * N_DIST, N_DIST))

    def draw(self, industry: np.ndarray, customer_district: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One supplier row per request; -1 where the industry has no firm."""
        industry = industry.astype(np.int64)
        d_sup = choose_rows(self.cdf, industry * N_DIST + customer_district, rng)
        return self.sampler.draw(industry * N_DIST + d_sup, rng)


def build_network(
    ind: np.ndarray,
    dist: np.ndarray,
    size: np.ndarray,
    alive: np.ndarray,
    data: BaseData,
    rng: np.random.Generator,
    *,
    customers: np.ndarray | None = None,
    efold_km: float = 20.0,
    chooser: SupplierChooser | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Supplier links (supplier, customer, weight) for ``customers`` (default: all alive firms).

    Each customer buys from 1-6 suppliers in every SEI industry its input column uses (more for
    larger customers). The returned weights are link strengths (1.0); order shares follow from
    them times supplier capacity (production.link_weights).
    """
    if customers is None:
        customers = np.flatnonzero(alive)
    uses = data.io[:N_IND, :] > 0  # [from j, to i]
    c_rep, j_rep = np.nonzero(uses[:, ind[customers]].T)  # pairs (customer position, input industry)
    cust = customers[c_rep]
    med = np.median(size[alive]) if alive.any() else 1.0
    lam = 1.0 + 0.5 * np.log(np.maximum(size[cust], 1e-12) / med).clip(0, None)
    k = np.clip(1 + rng.poisson(lam), 1, MAX_SUPPLIERS)
    pair = np.repeat(np.arange(len(cust)), k)
    cust_l, j_l = cust[pair], j_rep[pair]
    if chooser is None:
        chooser = SupplierChooser(ind, dist, size, alive, data.distance_km, efold_km)
    sup = chooser.draw(j_l, dist[cust_l], rng)
    redo = sup == cust_l
    if redo.any():
        sup[redo] = chooser.draw(j_l[redo], dist[cust_l[redo]], rng)
    ok = (sup >= 0) & (sup != cust_l)
    sup, cust_l, pair = sup[ok], cust_l[ok], pair[ok]
    return sup.astype(np.int32), cust_l.astype(np.int32), np.ones(len(sup))


# ---------------------------------------------------------------------------------------------
def build_world(cfg: SimConfig, data: BaseData, rng: np.random.Generator) -> World:
    p = cfg.params
    ppa = int(cfg.scale.people_per_agent)

    # 1. firms, sizes and places --------------------------------------------------------------
    n_total = max(N_IND * 5, int(round(data.nhte_2018 * cfg.scale.firm_fraction)))
    n_ind = np.maximum(5, np.round(n_total * data.firm_share).astype(int))
    ind = np.repeat(np.arange(N_IND), n_ind).astype(np.int8)
    size = np.empty(len(ind))
    dist = np.empty(len(ind), dtype=np.int8)
    for i in range(N_IND):
        m = ind == i
        s = _pareto_sizes(int(m.sum()), rng)
        size[m] = data.output_base_quarter[i] * s / s.sum()
        dist[m] = _place(size[m], data.location_share[i], rng)
    n = len(ind)
    alive = np.ones(n, bool)
    sub = draw_subfields(data, ind, rng)

    # 2. network ----------------------------------------------------------------------------
    sup, cust, w = build_network(ind, dist, size, alive, data, rng, efold_km=p.demography.supplier_distance_km)

    # 3. external demand and the 7x7 rescaling to 2018 VA -----------------------------------------
    pair, pair_cust = link_pairs(sup, cust, ind, n)
    w_eff = link_weights(sup, w, pair, len(pair_cust), size)
    A = sp.csr_matrix((data.io[ind[sup], ind[cust]] * w_eff, (sup, cust)), shape=(n, n))
    F = np.maximum(size - A @ size, 0.05 * size)
    x_by = np.stack([leontief_solve(A, np.where(ind == j, F, 0.0)) for j in range(N_IND)])  # [j, firm]
    v = data.va_ratio[ind]
    M = np.stack([np.bincount(ind, weights=v * x_by[j], minlength=N_IND) for j in range(N_IND)], axis=1)
    scale = np.linalg.solve(M, data.va_base_quarter)
    F = F * scale[ind]
    x = (scale[:, None] * x_by).sum(axis=0)
    va = v * x

    # 4. labour, capital, TFP ----------------------------------------------------------------
    u0 = p.production.target_utilisation
    emp_goal = va * 4 / data.va_per_worker[ind] * rng.lognormal(-0.045, 0.3, n)
    for i in range(N_IND):
        m = ind == i
        emp_goal[m] *= (data.va_2018[i] / data.va_per_worker[i]) / emp_goal[m].sum()
    agents = np.maximum(1, stochastic_round(emp_goal / ppa, rng))
    L = agents * float(ppa)
    K = data.capital_va_ratio[ind] * va * 4 * rng.lognormal(-0.02, 0.2, n)
    b = p.production.labour_elasticity
    raw = (va / u0) / (L**b * K ** (1 - b))
    z_ind = np.exp(np.bincount(ind, weights=np.log(raw), minlength=N_IND) / np.bincount(ind, minlength=N_IND))
    z = z_ind[ind]
    tfp = raw / z
    rd_int = data.rd_intensity[ind] * rng.lognormal(-0.125, 0.5, n)
    for i in range(N_IND):  # keep the industry's R&D / sales at its data value
        m = ind == i
        rd_int[m] *= data.rd_intensity[i] * x[m].sum() / (rd_int[m] * x[m]).sum()
    rd = rd_int * x
    knowledge = rd / (p.innovation.knowledge_depreciation + BASE_RD_GROWTH)

    skill_prem = np.asarray(p.labour.skill_premium)
    rel = (data.va_per_worker / np.average(data.va_per_worker, weights=data.va_2018)) ** 0.5
    wage_index = np.repeat((p.labour.base_wage * rel)[:, None], N_DIST, axis=1)
    mean_prem = float(np.dot(skill_prem, p.labour.skill_mix))
    wage_bill = L * wage_index[ind, dist] * mean_prem
    rent0 = data.rent * np.array([cfg.scenario.rent_multiplier.get(d, 1.0) for d in DISTRICTS])
    floor = L * p.geography.floor_space_per_worker * (rent0 / data.rent)[dist] ** (-p.geography.space_rent_elasticity)
    rent_bill = floor * rent0[dist] * 3
    cash = p.finance.cash_buffer_quarters * (wage_bill + rent_bill) * rng.lognormal(0, 0.5, n)

    firms = Table(FIRM_SCHEMA, capacity=int(n * 1.8))
    firms.add(
        n,
        alive=True,
        industry=ind,
        subfield=sub,
        district=dist,
        entry_kind=BASE,
        entry_quarter=-1,
        age=rng.gamma(2.0, 16.0, n),
        employees=L,
        capital=K,
        tfp=tfp,
        tfp_ref=tfp,
        knowledge=knowledge,
        rd_intensity=rd_int,
        cash=cash,
        debt=p.finance.initial_leverage * K,
        share=0.0,
        z=z,
        floor_space=floor,
        capacity=x / u0,
        demand=x,
        output=x,
        value_added=va,
        intermediate=x - va,
        sales_final=F,
        sales_interm=x - F,
        wage_bill=wage_bill,
        rent=rent_bill,
        rd_spending=rd,
        last_breakthrough=-1000,
    )
    ext = np.bincount(ind, weights=F, minlength=N_IND)
    firms.col("share")[:] = F / ext[ind]

    # link strengths that make production's order shares (strength x supplier capacity) equal
    # the shares used above, so the base year is an exact fixed point of production
    cap_out = x / u0
    strength = w_eff * np.bincount(pair, weights=cap_out[sup], minlength=len(pair_cust))[pair] / cap_out[sup]
    links = Table(LINK_SCHEMA, capacity=int(len(sup) * 2))
    links.add(len(sup), supplier=sup, customer=cust, weight=strength)

    # 5. institutes --------------------------------------------------------------------------
    n_inst = max(N_IND, int(round(data.carriers_2018 * cfg.scale.institute_fraction)))
    itype = rng.choice(len(data.carrier_types), size=n_inst, p=data.carrier_share)
    field_p = np.sqrt(data.va_2018) / np.sqrt(data.va_2018).sum()
    ifield = rng.choice(N_IND, size=n_inst, p=field_p).astype(np.int8)
    idist = choose_rows(np.cumsum(data.location_share, axis=1), ifield, rng).astype(np.int8)
    isub = draw_subfields(data, ifield, rng)
    per = 1.0 / cfg.scale.institute_fraction
    res_target = data.carrier_researchers[itype] * rng.lognormal(-0.125, 0.5, n_inst) * per
    i_agents = np.maximum(1, stochastic_round(res_target / ppa, rng))
    budget = data.carrier_budget[itype] / 4 * rng.lognormal(-0.125, 0.5, n_inst) * per
    cap = np.clip(data.carrier_capability[itype] + rng.normal(0, 0.08, n_inst), 0.02, 0.99)
    ik = (
        p.innovation.institute_knowledge_per_yuan
        * cap
        * budget
        / (p.innovation.knowledge_depreciation + BASE_RD_GROWTH)
    )
    institutes = Table(INSTITUTE_SCHEMA, capacity=int(n_inst * 2))
    institutes.add(
        n_inst,
        alive=True,
        field=ifield,
        subfield=isub,
        district=idist,
        carrier_type=itype,
        created_quarter=-1,
        researchers=i_agents * float(ppa),
        target_researchers=res_target,
        budget=budget,
        capability=cap,
        knowledge=ik,
    )

    # talent: employed by firms and institutes, plus the unemployed ----------------------------
    emp_kind = np.concatenate([np.full(agents.sum(), FIRM), np.full(i_agents.sum(), INSTITUTE)]).astype(np.int8)
    employer = np.concatenate([np.repeat(np.arange(n), agents), np.repeat(np.arange(n_inst), i_agents)]).astype(
        np.int32
    )
    t_field = np.concatenate([np.repeat(ind, agents), np.repeat(ifield, i_agents)])
    t_dist = np.concatenate([np.repeat(dist, agents), np.repeat(idist, i_agents)])
    n_emp = len(employer)
    n_unemp = int(round(n_emp * p.labour.unemployment_rate / (1 - p.labour.unemployment_rate)))
    pick = rng.integers(0, n_emp, n_unemp)  # unemployed live where jobs are
    skill = np.concatenate(
        [
            rng.choice(3, size=agents.sum(), p=p.labour.skill_mix),
            rng.choice(3, size=i_agents.sum(), p=[0.0, 0.7, 0.3]),
            rng.choice(3, size=n_unemp, p=p.labour.skill_mix),
        ]
    ).astype(np.int8)
    kind = np.concatenate([emp_kind, np.zeros(n_unemp, np.int8)])
    emp = np.concatenate([employer, np.full(n_unemp, -1, np.int32)])
    t_field = np.concatenate([t_field, t_field[pick]]).astype(np.int8)
    t_dist = np.concatenate([t_dist, t_dist[pick]]).astype(np.int8)
    n_t = len(kind)
    wage = np.where(kind > 0, wage_index[t_field, t_dist] * skill_prem[skill], 0.0)
    talent = Table(TALENT_SCHEMA, capacity=int(n_t * 1.6))
    talent.add(
        n_t,
        alive=True,
        skill=skill,
        field=t_field,
        district=t_dist,
        employer_kind=kind,
        employer=emp,
        wage=wage,
        age=np.minimum(22 + rng.gamma(3.0, 4.0, n_t), p.labour.retirement_age - 0.25),
    )
    # firm wage bills from the actual workforce
    firm_w = talent.employer_kind == FIRM
    firms.col("wage_bill")[:] = np.bincount(talent.employer[firm_w], weights=talent.wage[firm_w] * ppa, minlength=n)

    # floor space for SEI firms: the data's industrial stock, scaled so that city-wide occupancy
    # is the base occupancy, and never below what base-year firms use / 0.97 in a district
    used = np.bincount(dist, weights=floor, minlength=N_DIST)
    space = floor_space_for_sei(data.floor_space, used, p.geography.base_occupancy)

    world = World(
        cfg=cfg,
        data=data,
        firms=firms,
        institutes=institutes,
        talent=talent,
        links=links,
        floor_space=space,
        rent=rent0,
        wage_index=wage_index,
        ext_demand=ext,
        ext_growth=np.ones(N_IND),
        ppa=ppa,
        occupancy_ref=used / space,
        z_industry=z_ind,
        spill_kernel=spillover_kernel(data.distance_km, p.innovation),
    )
    world.reset_flows()
    return world
