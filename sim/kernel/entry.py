"""Creation of agents: entrant firms (start-ups, spin-offs, inward investment, major projects),
new innovation carriers and arriving talent. The demography phase and the levers both call these,
so a firm or carrier made by a lever is made exactly as one made by the economy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.basedata import BaseData
from sim.economy import production_kernel
from sim.economy.certification import NONE as NO_CERTIFICATE
from sim.economy.production import va_capacity
from sim.ids import FIRM, INWARD, N_DIST, N_IND, NONE, SPINOFF
from sim.kernel.cells import count
from sim.kernel.employment import hire
from sim.kernel.order_stats import industry_counts, sums_where
from sim.kernel.space import space_per_worker
from sim.kernel.suppliers import SupplierChooser, build_network
from sim.kernel.world import World
from sim.quantiles import median_and_quantile
from sim.sampling import choose_rows, first_in_group, match_cells, rank_given, stochastic_round


def draw_subfields(data: BaseData, industry: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A sub-field for each agent of the given industries, by the sub-fields' VA weights."""
    w = np.zeros((N_IND, len(data.subfield_ids)))
    w[data.subfield_industry, np.arange(len(data.subfield_ids))] = data.subfield_weight
    return choose_rows(np.cumsum(w, axis=1), np.asarray(industry, dtype=np.int64), rng).astype(np.int16)


def supplier_chooser(w: World) -> SupplierChooser:
    """A supplier chooser over the firms as they are now (size = last quarter's output)."""
    f = w.firms
    return SupplierChooser(
        f.industry,
        f.district,
        f.output + 1e-9,  # the chooser reads alive rows' sizes only, so exited rows need no zeroing
        f.alive,
        w.data.distance_km,
        w.params.demography.supplier_distance_km,
        compiled=production_kernel.enabled(w.links.n),
    )


def industry_size_quantiles(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Median and upper-quantile (params.demography.inward_size_quantile) employment (people) of
    alive firms by industry, computed once per quarter (entry, major projects share them)."""
    f = w.firms
    key = (w.quarter, f.n)
    if w.cache.get("size_q_key") != key:
        a = np.flatnonzero(f.alive)  # positions: faster gathers than the boolean mask
        ind, emp = f.industry[a], f.employees[a]
        med, top = np.full(N_IND, float(w.ppa)), np.full(N_IND, float(w.ppa))
        q = w.params.demography.inward_size_quantile
        for i in range(N_IND):  # seven industries; order statistics need no sorted input
            e = emp[ind == i]
            if len(e):
                med[i], top[i] = median_and_quantile(e, q)
        w.cache["size_q_key"], w.cache["size_q"] = key, (med, top)
    return w.cache["size_q"]


def entrant_agents(w: World, ind: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Planned talent agents of entrants: start-ups and spin-offs entrant_size x the industry's
    median firm, inward investments the industry's upper-quantile firm (at least one agent)."""
    med, top = industry_size_quantiles(w)
    target = np.where(kind == INWARD, top[ind], w.params.demography.entrant_size * med[ind])
    return np.maximum(1, stochastic_round(target / w.ppa, rng))


def enter_firms(w: World, ind: np.ndarray, dist: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Create entrant firms of the given industries, districts and entry kinds now (used by
    levers such as major projects); returns their rows (some may not enter: no founder)."""
    return enter(
        w,
        np.asarray(ind, dtype=np.int64),
        np.asarray(dist, dtype=np.int64),
        np.asarray(kind),
        w.quarter,
        rng,
        supplier_chooser(w),
    )


def _founders(w: World, ind: np.ndarray, dist: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A founder (talent row) for each planned entrant, or -1: unemployed talent of the district
    (any field) or, failing that, an employed professional of the same field elsewhere (never the
    first-ranked agent of a firm, so every firm keeps one)."""
    t = w.talent
    slots = np.arange(len(ind))
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    a1, s1 = match_cells(unemp, t.district[unemp].astype(np.int64), slots, dist.astype(np.int64), 1.0, rng)
    founder = np.full(len(ind), -1, np.int64)
    founder[s1] = a1
    rest = np.flatnonzero(founder < 0)
    if len(rest):
        cand, cand_field = _founder_pool(w, rng)
        a2, s2 = match_cells(cand, cand_field, rest, ind[rest].astype(np.int64), 1.0, rng)
        founder[rest[s2]] = a2
    return founder


def _founder_pool(w: World, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Rows and fields (int64) of the employed professionals who may found a firm: at a firm, not
    its first-ranked agent (sim.sampling.first_in_group's draws), skill >= 1. Compiled passes
    over the talent table when numba is in use, the same draws and rows."""
    t = w.talent
    if not production_kernel.enabled(w.links.n):
        return _professionals_not_first(w, lambda employer: first_in_group(employer, rng))
    loops = _founder_loops()
    n = loops["count"](t.alive, t.employer_kind)
    if n == 0:  # first_in_group draws nothing then
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r = rng.integers(0, 2**32, n, dtype=np.int64)  # first_in_group's tie-break draws
    cand, cand_field, ok = loops["pool"](t.alive, t.employer_kind, t.employer, t.skill, t.field, r, w.firms.n)
    if not ok:  # equal draws at a firm's minimum: ranked in full, as first_in_group does then
        return _professionals_not_first(w, lambda employer: rank_given(employer, r) == 0)
    return cand, cand_field


def _professionals_not_first(w: World, first: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """_founder_pool's numpy path: rows and fields (int64) of the agents at a firm with skill >= 1
    that ``first`` (given the employers of the agents at firms, in row order) does not mark as
    their firm's first."""
    t = w.talent
    at_firm = np.flatnonzero(t.alive & (t.employer_kind == FIRM))
    keeps = first(t.employer[at_firm].astype(np.int64))
    cand = at_firm[~keeps & (t.skill[at_firm] >= 1)]
    return cand, t.field[cand].astype(np.int64)


def _count_at_firms(alive: np.ndarray, kind: np.ndarray) -> int:
    """Alive talent agents employed by a firm."""
    n = 0
    for i in range(len(alive)):
        n += alive[i] and kind[i] == FIRM
    return n


def _pool(
    alive: np.ndarray, kind: np.ndarray, employer: np.ndarray, skill: np.ndarray, field: np.ndarray, r: np.ndarray,
    n_firms: int,
) -> tuple[np.ndarray, np.ndarray, bool]:  # fmt: skip
    """sim.kernel.entry._founder_pool's rows and fields, given first_in_group's draws ``r`` (one per
    agent at a firm, in row order): an agent is first at its firm when its draw is the firm's
    minimum. The flag is False when two draws tie at a minimum (the caller then ranks in full,
    as first_in_group does). The loops do not branch on the data (agents at firms, the first, the
    skilled come in no order a branch predictor could learn): other rows go to a spare slot."""
    lo = np.full(n_firms + 1, 2**32, np.int64)  # each firm's minimum draw; lo[n_firms] is the spare
    last = len(r) - 1
    m = 0
    for i in range(len(alive)):
        ok = int(alive[i] & (kind[i] == FIRM))
        e = ok * int(employer[i]) + (1 - ok) * n_firms
        lo[e] = min(lo[e], r[min(m, last)])
        m += ok
    n_groups = 0
    for g in range(n_firms):
        n_groups += lo[g] < 2**32
    cand = np.empty(len(r) + 1, np.int64)
    cand_field = np.empty(len(r) + 1, np.int64)
    c, m, n_first = 0, 0, 0
    for i in range(len(alive)):
        ok = int(alive[i] & (kind[i] == FIRM))
        first = ok * int(r[min(m, last)] == lo[ok * int(employer[i]) + (1 - ok) * n_firms])
        n_first += first
        cand[c], cand_field[c] = i, field[i]
        c += ok * (1 - first) * int(skill[i] >= 1)
        m += ok
    return cand[:c], cand_field[:c], n_first == n_groups


def _alive_share_sums(w: World) -> np.ndarray:
    """[N_IND] market shares of the alive firms summed by industry (a compiled pass when numba is
    in use, the same sums)."""
    f = w.firms
    return sums_where(f.industry, f.alive, f.share, N_IND, compiled=production_kernel.enabled(w.links.n))


def _founder_loops() -> dict[str, Callable[..., Any]]:
    """_count_at_firms and _pool compiled (production_kernel.jit_loops)."""
    return production_kernel.jit_loops(__name__, {"count": _count_at_firms, "pool": _pool})


def enter(
    w: World,
    ind: np.ndarray,
    dist: np.ndarray,
    kind: np.ndarray,
    quarter: int,
    rng: np.random.Generator,
    chooser: SupplierChooser,
) -> np.ndarray:
    """Create entrant firms (rows returned); entrants without a founder do not enter. An entrant
    plans capacity for its planned staff at its industry's capital intensity and a TFP drawn around
    the industry mean; its founder joins it and it opens vacancies for the rest."""
    f, t, pp, ppa = w.firms, w.talent, w.params, w.ppa
    if len(ind) == 0:
        return np.zeros(0, np.int64)
    founder = _founders(w, ind, dist, rng)
    ok = founder >= 0
    ind, dist, kind, founder = ind[ok], dist[ok].astype(np.int8), kind[ok], founder[ok]
    n = len(ind)
    if n == 0:
        return np.zeros(0, np.int64)
    alive, dp = np.flatnonzero(f.alive), pp.demography  # positions: faster gathers than the boolean mask
    agents = entrant_agents(w, ind, kind, rng)
    mean_log_tfp = np.bincount(f.industry[alive], weights=np.log(f.tfp[alive]), minlength=N_IND) / np.maximum(
        industry_counts(f.industry[alive]), 1
    )
    spin = kind == SPINOFF
    tfp = np.exp(
        mean_log_tfp[ind]
        + rng.normal(dp.entrant_tfp_gap, dp.entrant_tfp_sd, n)
        + np.where(spin, dp.spinoff_tfp_premium, 0.0)
    )
    L = agents * float(ppa)
    K = w.data.capital_va_ratio[ind] * 4 * (w.data.va_per_worker[ind] / 4) * L
    z = w.z_industry[ind]
    u0 = pp.production.target_utilisation
    cap_out = va_capacity(z, tfp, L, K, pp.production.labour_elasticity) / w.data.va_ratio[ind]
    rd_int = (
        w.data.rd_intensity[ind]
        * rng.lognormal(0.0, dp.entrant_rd_sd, n)
        * np.where(spin, dp.spinoff_rd_multiplier, 1.0)
    )
    rows = f.add(
        n,
        alive=True,
        industry=ind,
        subfield=draw_subfields(w.data, ind, rng),
        district=dist,
        entry_kind=kind,
        entry_quarter=quarter,
        age=0.0,
        employees=L,
        capital=K,
        tfp=tfp,
        tfp_ref=tfp,
        last_breakthrough=-1000,
        certified_until=NO_CERTIFICATE,  # certified later, once eligible (sim.kernel.populations)
        knowledge=rd_int * cap_out * u0 * 4,
        rd_intensity=rd_int,
        cash=dp.entrant_cash_quarters * (L * w.wage_index[ind, dist]),
        debt=0.0,
        share=cap_out * u0 / np.maximum(w.ext_demand[ind], 1e-9),
        z=z,
        floor_space=L * space_per_worker(w)[dist],
        capacity=cap_out,
        demand=cap_out * u0,
    )
    np.divide(f.share, _alive_share_sums(w)[f.industry.astype(np.intp)], out=f.share)  # the entrants are alive now
    hire(t, founder, FIRM, rows)
    t.district[founder] = dist
    t.field[founder] = ind
    f.vacancies[rows] = agents - 1
    f.employees[rows] = float(ppa)
    sup, cust, wt = build_network(
        f.industry, f.district, f.capacity, f.alive, w.data, pp.init, rng, customers=rows, chooser=chooser
    )
    w.links.add(len(sup), supplier=sup, customer=cust, weight=wt)
    w.flows["entries"] += count(ind, dist)
    return rows


def create_institutes(
    w: World,
    n: int,
    quarter: int,
    rng: np.random.Generator,
    *,
    carrier_type: int | None = None,
    field: np.ndarray | None = None,
    district: np.ndarray | None = None,
    budget_multiplier: float = 1.0,
) -> np.ndarray:
    """Create ``n`` new innovation carriers (type, field and district drawn unless given); they
    start below their type's capability and hire researchers through the labour market."""
    if n <= 0:
        return np.zeros(0, np.int64)
    d, inst, ip = w.data, w.institutes, w.params.innovation
    itype = (
        rng.choice(len(d.carrier_types), size=n, p=d.carrier_share)
        if carrier_type is None
        else np.full(n, carrier_type)
    )
    fp = np.sqrt(d.va_2018) / np.sqrt(d.va_2018).sum()
    ifield = rng.choice(N_IND, size=n, p=fp) if field is None else np.asarray(field)
    idist = choose_rows(np.cumsum(d.location_share, axis=1), ifield, rng) if district is None else np.asarray(district)
    per = 1.0 / w.scale.institute_fraction
    lo, hi = ip.capability_range
    rows = inst.add(
        n,
        alive=True,
        field=ifield,
        subfield=draw_subfields(w.data, ifield, rng),
        district=idist,
        carrier_type=itype,
        created_quarter=quarter,
        researchers=0.0,
        target_researchers=d.carrier_researchers[itype] * per,
        budget=d.carrier_budget[itype] / 4 * per * budget_multiplier,
        capability=np.clip(d.carrier_capability[itype] - ip.new_institute_capability_gap, lo, hi),
        knowledge=0.0,
    )
    w.flows["institutes_created"] += count(ifield, idist)
    return rows


def add_talent(w: World, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Append new unemployed talent agents, ``counts`` per field x district; recorded as inflow."""
    counts = np.asarray(counts).reshape(N_IND, N_DIST)
    n = int(counts.sum())
    if n == 0:
        return np.zeros(0, np.int64)
    cells = np.repeat(np.arange(N_IND * N_DIST), counts.reshape(-1))
    p = w.params.labour
    age0, shape, scale = p.inflow_age
    rows = w.talent.add(
        n,
        alive=True,
        skill=rng.choice(3, size=n, p=p.skill_mix),
        field=cells // N_DIST,
        district=cells % N_DIST,
        employer_kind=NONE,
        employer=-1,
        age=age0 + rng.gamma(shape, scale, n),
    )
    w.flows["inflow"] += counts * w.ppa
    return rows
