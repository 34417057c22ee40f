"""The base year (end of 2018) built from sim/data, one step per function (docs/ODD.md, "Initialisation"):

1. ``place_firms``: firms per industry = recorded NHTE population x (1 + uncertified per certified)
   x firm_share x scale.firm_fraction; sizes Pareto (params.init.pareto_tail, Axtell 2001), the
   largest firms of largest_firms.csv at their real size, placed in districts so each industry's
   output follows district_industry_shares; certificates (sim.kernel.populations);
2. ``build_network`` (sim.kernel.suppliers): for every input industry of its input-coefficient
   column, each firm buys from 1 + Poisson(supplier_base x (size/median)^0.8) suppliers chosen by size and distance;
3. ``solve_base_demand``: external (final) demand per firm is what the network does not buy;
   industry levels are rescaled (a 7x7 linear solve) so the base quarter's VA equals 2018Q4 by
   industry (basedata.va_base_quarter);
4. ``firm_inputs``: labour, capital, TFP, R&D and cash from VA per worker and capital/VA ratios;
5. ``make_institutes``: innovation carriers by type, field and district;
6. ``make_talent``: talent agents fill the jobs, plus the unemployed;
7. floor space open to SEI firms (``floor_space_for_sei``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.basedata import BaseData, BaseYear
from sim.economy.certification import NONE as NO_CERTIFICATE
from sim.economy.innovation import spillover_kernel
from sim.economy.production import link_pairs, link_weights
from sim.ids import BASE, DISTRICTS, FIRM, INSTITUTE, MONTHS_PER_QUARTER, N_DIST, N_IND
from sim.kernel.effects import PolicyEffects
from sim.kernel.entry import draw_subfields
from sim.kernel.markets import initial_markets
from sim.kernel.populations import base_firm_counts, initial_certificates, named_firms
from sim.kernel.state import FIRM_SCHEMA, INSTITUTE_SCHEMA, LINK_SCHEMA, TALENT_SCHEMA, Table
from sim.kernel.suppliers import SupplierChooser, build_network
from sim.kernel.world import World
from sim.params import EconomyParams, InitParams, ScaleConfig, ScenarioConfig
from sim.sampling import choose_rows, stochastic_round


def mean_one_lognormal(rng: np.random.Generator, sd: float, n: int) -> np.ndarray:
    """Log-normal multipliers of mean 1 and log-sd ``sd``."""
    return rng.lognormal(-0.5 * sd**2, sd, n)


def _pareto_sizes(n: int, tail: float, rng: np.random.Generator) -> np.ndarray:
    return (1.0 - rng.random(n)) ** (-1.0 / tail)


def _place(sizes: np.ndarray, target_share: np.ndarray, n_greedy: int, rng: np.random.Generator) -> np.ndarray:
    """Districts for firms of one industry so that output by district tracks ``target_share``.
    The largest firms are placed greedily where the deficit is largest, the rest by sampling the
    remaining deficit (build time only)."""
    order = np.argsort(-sizes)
    dist = np.empty(len(sizes), dtype=np.int8)
    goal = target_share * sizes.sum()
    placed = np.zeros(N_DIST)
    for k in order[:n_greedy]:  # a few dozen firms
        d = int(np.argmax(goal - placed))
        dist[k] = d
        placed[d] += sizes[k]
    rest = order[n_greedy:]
    if len(rest):
        deficit = np.clip(goal - placed, 0, None) + 1e-9 * goal.sum() * (target_share > 0)
        dist[rest] = rng.choice(N_DIST, size=len(rest), p=deficit / deficit.sum())
    return dist


def place_firms(
    data: BaseData, base: BaseYear, scale: ScaleConfig, init: InitParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(industry, planned output per quarter in yuan, district, rows of the named largest firms) of
    every base-year firm. Named firms (sim.kernel.populations.named_firms) take the largest draws of
    their industry at their real size (at most init.largest_firm_max_share of its output) in their
    home district; the other firms share the rest of the output."""
    n_ind, _ = base_firm_counts(data, base, scale, init)
    nf = named_firms(data, base)
    ind = np.repeat(np.arange(N_IND), n_ind).astype(np.int8)
    size = np.empty(len(ind))
    dist = np.empty(len(ind), dtype=np.int8)
    named_rows = []
    for i in range(N_IND):  # seven industries
        rows = np.flatnonzero(ind == i)
        total = base.va_base_quarter[i] / data.va_ratio[i]
        k = np.flatnonzero(nf.industry == i)[: max(len(rows) - 1, 0)]
        s = _pareto_sizes(len(rows), init.pareto_tail, rng)
        order = np.argsort(-s)
        top, rest = rows[order[: len(k)]], rows[order[len(k) :]]
        size[top] = np.minimum(nf.output_q[k], init.largest_firm_max_share * total)
        if len(k):  # together, too, at most the ceiling
            size[top] *= min(1.0, init.largest_firm_max_share * total / size[top].sum())
        dist[top] = nf.district[k]
        named_rows.append(top)
        size[rest] = (total - size[top].sum()) * s[order[len(k) :]] / s[order[len(k) :]].sum()
        goal = np.clip(data.location_share[i] * total - np.bincount(dist[top], size[top], N_DIST), 0.0, None)
        dist[rest] = _place(size[rest], goal / goal.sum(), init.greedy_placements, rng)
    return ind, size, dist, np.concatenate(named_rows).astype(np.int64)


@dataclass
class BaseDemand:
    """The base year's production: output, VA and final sales per firm (yuan/quarter), the order
    shares of the links and the (customer, input industry) pair of each link."""

    x: np.ndarray
    va: np.ndarray
    final: np.ndarray
    w_eff: np.ndarray
    pair: np.ndarray
    n_pairs: int


def _leontief_by_industry(A: sp.csr_matrix, ind: np.ndarray, F: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """``leontief_solve(A, F where ind == j)`` for every industry j ([N_IND, firms]), the same numbers:
    the series terms of the industries not yet converged are multiplied together (one pass over A
    for all of them instead of one each), and each stops at the term where leontief_solve stops."""
    x = np.stack([np.where(ind == j, F, 0.0) for j in range(N_IND)])
    # with A >= 0 and F >= 0 (not NaN) every term is >= 0: its sum is the sum of its absolute values
    nonneg = bool(A.data.min(initial=0.0) >= 0.0 and F.min(initial=0.0) >= 0.0)
    live = np.arange(N_IND)  # the industries whose series goes on
    term = x.copy()  # their latest terms, in the order of ``live``
    for _ in range(200):
        term = np.ascontiguousarray((A @ np.ascontiguousarray(term.T)).T)  # row k as A @ term[k] computes it
        for k, j in enumerate(live):
            x[j] += term[k]
        size, total = (term, x[live]) if nonneg else (np.abs(term), np.abs(x[live]))
        go = size.sum(axis=1) > tol * total.sum(axis=1)  # pairwise row sums, as the 1-d sums
        live, term = live[go], term[go]
        if not len(live):
            break
    return x


def solve_base_demand(
    ind: np.ndarray,
    size: np.ndarray,
    sup: np.ndarray,
    cust: np.ndarray,
    w: np.ndarray,
    data: BaseData,
    va_base_quarter: np.ndarray,
    min_final_share: float,
) -> BaseDemand:
    """Final demand per firm and the 7x7 rescaling that makes the base quarter's VA equal the data."""
    n = len(ind)
    pair, pair_cust = link_pairs(sup, cust, ind, n)
    w_eff = link_weights(sup, w, pair, len(pair_cust), size)
    A = sp.csr_matrix((data.io[ind[sup], ind[cust]] * w_eff, (sup, cust)), shape=(n, n))
    F = np.maximum(size - A @ size, min_final_share * size)
    x_by = _leontief_by_industry(A, ind, F)  # [j, firm]
    v = data.va_ratio[ind]
    M = np.stack([np.bincount(ind, weights=v * x_by[j], minlength=N_IND) for j in range(N_IND)], axis=1)
    scale = np.linalg.solve(M, va_base_quarter)
    x = (scale[:, None] * x_by).sum(axis=0)
    return BaseDemand(x=x, va=v * x, final=F * scale[ind], w_eff=w_eff, pair=pair, n_pairs=len(pair_cust))


def _firm_inputs(
    ind: np.ndarray, dist: np.ndarray, base: BaseDemand, data: BaseData, year: BaseYear, p: EconomyParams,
    ppa: int, rent0: np.ndarray, rng: np.random.Generator,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Labour (whole talent agents), capital, TFP, R&D, wage and rent bills and cash of each firm."""
    n, x, va, init = len(ind), base.x, base.va, p.init
    u0 = p.production.target_utilisation
    emp_goal = va * 4 / data.va_per_worker[ind] * mean_one_lognormal(rng, init.employment_sd, n)
    for i in range(N_IND):  # each industry's employment at its VA / VA per worker
        m = ind == i
        emp_goal[m] *= (year.va[i] / (data.va_per_worker[i] * year.wage_index)) / emp_goal[m].sum()
    agents = np.maximum(1, stochastic_round(emp_goal / ppa, rng))
    L = agents * float(ppa)
    K = data.capital_va_ratio[ind] * va * 4 * mean_one_lognormal(rng, init.capital_sd, n)
    b = p.production.labour_elasticity
    raw = (va / u0) / (L**b * K ** (1 - b))
    z_ind = np.exp(np.bincount(ind, weights=np.log(raw), minlength=N_IND) / np.bincount(ind, minlength=N_IND))
    rd_int = data.rd_intensity[ind] * mean_one_lognormal(rng, init.rd_sd, n)
    for i in range(N_IND):  # keep the industry's R&D / sales at its data value
        m = ind == i
        rd_int[m] *= data.rd_intensity[i] * x[m].sum() / (rd_int[m] * x[m]).sum()
    rel = (data.va_per_worker / np.average(data.va_per_worker, weights=data.va_2018)) ** 0.5
    wage_index = np.repeat((p.labour.base_wage * year.wage_index * rel)[:, None], N_DIST, axis=1)
    mean_prem = float(np.dot(np.asarray(p.labour.skill_premium), p.labour.skill_mix))
    wage_bill = L * wage_index[ind, dist] * mean_prem
    g = p.geography
    floor = L * g.floor_space_per_worker * (rent0 / (data.rent * year.rent_index))[dist] ** (-g.space_rent_elasticity)
    rent_bill = floor * rent0[dist] * MONTHS_PER_QUARTER
    cash = p.finance.cash_buffer_quarters * (wage_bill + rent_bill) * rng.lognormal(0, init.cash_sd, n)
    return {
        "agents": agents, "L": L, "K": K, "z_ind": z_ind, "tfp": raw / z_ind[ind], "rd_int": rd_int,
        "wage_index": wage_index, "wage_bill": wage_bill, "floor": floor, "rent_bill": rent_bill, "cash": cash,
    }  # fmt: skip


def make_firms(
    ind: np.ndarray, dist: np.ndarray, sub: np.ndarray, base: BaseDemand, inp: dict[str, np.ndarray],
    p: EconomyParams, rng: np.random.Generator,
) -> Table:  # fmt: skip
    """The base-year firm table; market shares are each firm's share of its industry's final demand
    (certificates: sim.kernel.populations.initial_certificates, set by build_world)."""
    n, x, va, F = len(ind), base.x, base.va, base.final
    u0 = p.production.target_utilisation
    rd = inp["rd_int"] * x
    firms = Table(FIRM_SCHEMA, capacity=int(n * 1.8))
    firms.add(
        n, alive=True, industry=ind, subfield=sub, district=dist, entry_kind=BASE,
        entry_quarter=-1, age=rng.gamma(p.init.firm_age_quarters[0], p.init.firm_age_quarters[1], n), employees=inp["L"], capital=inp["K"],
        tfp=inp["tfp"], tfp_ref=inp["tfp"], knowledge=rd / (p.innovation.knowledge_depreciation + p.init.base_rd_growth),
        rd_intensity=inp["rd_int"], cash=inp["cash"], debt=p.finance.initial_leverage * inp["K"], share=0.0,
        z=inp["z_ind"][ind], floor_space=inp["floor"], capacity=x / u0, demand=x, output=x, value_added=va,
        intermediate=x - va, sales_final=F, sales_interm=x - F, wage_bill=inp["wage_bill"], rent=inp["rent_bill"],
        rd_spending=rd, last_breakthrough=-1000, certified_until=NO_CERTIFICATE,
    )  # fmt: skip
    ext = np.bincount(ind, weights=F, minlength=N_IND)
    firms.col("share")[:] = F / ext[ind]
    return firms


def make_links(sup: np.ndarray, cust: np.ndarray, base: BaseDemand, u0: float) -> Table:
    """Link strengths that make production's order shares (strength x supplier capacity) equal the
    shares of the base year, so the base year is an exact fixed point of production."""
    cap_sup = base.x[sup] / u0  # each link's supplier capacity (the same numbers as (x / u0)[sup])
    strength = base.w_eff * np.bincount(base.pair, weights=cap_sup, minlength=base.n_pairs)[base.pair] / cap_sup
    links = Table(LINK_SCHEMA, capacity=int(len(sup) * 2))
    links.add(len(sup), supplier=sup, customer=cust, weight=strength)
    return links


def make_institutes(
    data: BaseData, base: BaseYear, scale: ScaleConfig, p: EconomyParams, ppa: int, rng: np.random.Generator
) -> tuple[Table, np.ndarray]:
    """The base-year innovation carriers (type, field, district, staff, budget, capability,
    knowledge in steady state) and their staff in talent agents."""
    init, ip = p.init, p.innovation
    n_inst = max(N_IND, int(round(base.carriers * scale.institute_fraction)))
    itype = rng.choice(len(data.carrier_types), size=n_inst, p=data.carrier_share)
    field_p = np.sqrt(data.va_2018) / np.sqrt(data.va_2018).sum()
    ifield = rng.choice(N_IND, size=n_inst, p=field_p).astype(np.int8)
    idist = choose_rows(np.cumsum(data.location_share, axis=1), ifield, rng).astype(np.int8)
    isub = draw_subfields(data, ifield, rng)
    per = 1.0 / scale.institute_fraction
    res_target = data.carrier_researchers[itype] * mean_one_lognormal(rng, init.institute_sd, n_inst) * per
    i_agents = np.maximum(1, stochastic_round(res_target / ppa, rng))
    budget = data.carrier_budget[itype] / 4 * mean_one_lognormal(rng, init.institute_sd, n_inst) * per
    lo, hi = ip.capability_range
    cap = np.clip(data.carrier_capability[itype] + rng.normal(0, init.capability_sd, n_inst), lo, hi)
    ik = ip.institute_knowledge_per_yuan * cap * budget / (ip.knowledge_depreciation + init.base_rd_growth)
    institutes = Table(INSTITUTE_SCHEMA, capacity=int(n_inst * 2))
    institutes.add(
        n_inst, alive=True, field=ifield, subfield=isub, district=idist, carrier_type=itype, created_quarter=-1,
        researchers=i_agents * float(ppa), target_researchers=res_target, budget=budget, capability=cap, knowledge=ik,
    )  # fmt: skip
    return institutes, i_agents


def make_talent(
    firms: Table, institutes: Table, agents: np.ndarray, i_agents: np.ndarray, wage_index: np.ndarray,
    p: EconomyParams, rng: np.random.Generator,
) -> Table:  # fmt: skip
    """Talent agents employed by firms and institutes, plus the unemployed (who live where jobs are)."""
    lab = p.labour
    n, n_inst = firms.n, institutes.n
    emp_kind = np.concatenate([np.full(agents.sum(), FIRM), np.full(i_agents.sum(), INSTITUTE)]).astype(np.int8)
    employer = np.concatenate([np.repeat(np.arange(n), agents), np.repeat(np.arange(n_inst), i_agents)])
    t_field = np.concatenate([np.repeat(firms.industry, agents), np.repeat(institutes.field, i_agents)])
    t_dist = np.concatenate([np.repeat(firms.district, agents), np.repeat(institutes.district, i_agents)])
    n_emp = len(employer)
    n_unemp = int(round(n_emp * lab.unemployment_rate / (1 - lab.unemployment_rate)))
    pick = rng.integers(0, n_emp, n_unemp)
    skill = np.concatenate(
        [
            rng.choice(3, size=agents.sum(), p=lab.skill_mix),
            rng.choice(3, size=i_agents.sum(), p=lab.institute_skill_mix),
            rng.choice(3, size=n_unemp, p=lab.skill_mix),
        ]
    ).astype(np.int8)
    kind = np.concatenate([emp_kind, np.zeros(n_unemp, np.int8)])
    emp = np.concatenate([employer.astype(np.int32), np.full(n_unemp, -1, np.int32)])
    t_field = np.concatenate([t_field, t_field[pick]]).astype(np.int8)
    t_dist = np.concatenate([t_dist, t_dist[pick]]).astype(np.int8)
    n_t = len(kind)
    wage = np.where(kind > 0, wage_index[t_field, t_dist] * np.asarray(lab.skill_premium)[skill], 0.0)
    age0, shape, scale = p.init.talent_age
    talent = Table(TALENT_SCHEMA, capacity=int(n_t * 1.6))
    talent.add(
        n_t, alive=True, skill=skill, field=t_field, district=t_dist, employer_kind=kind, employer=emp, wage=wage,
        age=np.minimum(age0 + rng.gamma(shape, scale, n_t), lab.retirement_age - 0.25),
    )  # fmt: skip
    return talent


def floor_space_for_sei(stock: np.ndarray, used: np.ndarray, occupancy: float, max_occupancy: float) -> np.ndarray:
    """Floor space (m2) open to SEI firms by district: proportional to the district's industrial
    stock, but at least used / max_occupancy, scaled so city-wide occupancy equals ``occupancy``.
    The city total sum(max(k * stock, floor)) is piecewise linear in the scale k, with kinks where
    a district's floor binds, so k is exact: interpolated between the kinks (np.interp), or past
    the last kink, where every district with a stock is proportional."""
    total = used.sum() / occupancy
    floor = used / max_occupancy
    if floor.sum() >= total:
        return floor
    has = stock > 0
    if not has.any():
        raise ValueError(
            "floor_space_for_sei: no district has industrial floor space (stock), so occupancy cannot be met"
        )
    kinks = np.sort(floor[has] / stock[has])
    at_kinks = np.array([np.maximum(k * stock, floor).sum() for k in kinks])
    if total <= at_kinks[-1]:
        k = float(np.interp(total, at_kinks, kinks))
    else:
        k = (total - floor[~has].sum()) / stock[has].sum()
    return np.maximum(k * stock, floor)


def build_world(
    params: EconomyParams, scale: ScaleConfig, scenario: ScenarioConfig, share_trend: dict[str, float],
    data: BaseData, rng: np.random.Generator,
) -> World:  # fmt: skip
    """The base-year world (end of the year before scenario.start_year, a year of
    sim/data/base_years.csv), drawn with ``rng``."""
    p, ppa = params, int(scale.people_per_agent)
    year = data.base_years[scenario.start_year - 1]
    ind, size, dist, named = place_firms(data, year, scale, p.init, rng)
    sub = draw_subfields(data, ind, rng)
    alive = np.ones(len(ind), bool)
    chooser = SupplierChooser(ind, dist, size, alive, data.distance_km, p.demography.supplier_distance_km)
    sup, cust, w = build_network(ind, dist, size, alive, data, p.init, rng, chooser=chooser)
    base = solve_base_demand(ind, size, sup, cust, w, data, year.va_base_quarter, p.init.min_final_share)
    rent0 = data.rent * year.rent_index * np.array([scenario.rent_multiplier.get(d, 1.0) for d in DISTRICTS])
    inp = _firm_inputs(ind, dist, base, data, year, p, ppa, rent0, rng)
    firms = make_firms(ind, dist, sub, base, inp, p, rng)
    firms.col("certified_until")[:] = initial_certificates(
        ind, firms.age, firms.rd_intensity, firms.output, named, base_firm_counts(data, year, scale, p.init)[1],
        data, p.demography, p.init.certified_size_weight, rng,
    )  # fmt: skip
    links = make_links(sup, cust, base, p.production.target_utilisation)
    institutes, i_agents = make_institutes(data, year, scale, p, ppa, rng)
    talent = make_talent(firms, institutes, inp["agents"], i_agents, inp["wage_index"], p, rng)
    firm_w = talent.employer_kind == FIRM  # firm wage bills from the actual workforce
    firms.col("wage_bill")[:] = np.bincount(
        talent.employer[firm_w], weights=talent.wage[firm_w] * ppa, minlength=firms.n
    )
    used = np.bincount(dist, weights=inp["floor"], minlength=N_DIST)
    g = p.geography
    space = floor_space_for_sei(
        data.floor_space * year.floor_space_index, used, g.base_occupancy, g.max_district_occupancy
    )
    return World(
        params=p, scale=scale, scenario=scenario, data=data, base=year, firms=firms,
        institutes=institutes, talent=talent, links=links, floor_space=space, rent=rent0,
        wage_index=inp["wage_index"], ext_demand=np.bincount(ind, weights=base.final, minlength=N_IND),
        ext_growth=np.ones(N_IND), ppa=ppa, markets=initial_markets(
            firms, float(talent.alive.sum() * ppa), space, rent0, inp["wage_index"], data, p, scenario, share_trend
        ), occupancy_ref=used / space, z_industry=inp["z_ind"],
        spill_kernel=spillover_kernel(data.distance_km, p.innovation), effects=PolicyEffects(firms.n, institutes.n),
    )  # fmt: skip
