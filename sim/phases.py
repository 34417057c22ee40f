"""The phases of a quarter: each reads the world, calls the pure mechanisms of sim.economy and
writes the results back. Every phase is vectorised over whole columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.economy import demand as dem
from sim.economy import demography as demo
from sim.economy import finance as fin
from sim.economy import innovation as inn
from sim.economy import labour as lab
from sim.economy.geography import location_utility, logit_probabilities, update_rent
from sim.economy.production import produce, va_capacity
from sim.ids import FIRM, INSTITUTE, INWARD, N_DIST, N_IND, NONE, SPINOFF, STARTUP
from sim.sampling import choose_rows, stochastic_round
from sim.world import SupplierChooser, World, build_network, draw_subfields


def _cell(ind: np.ndarray, dist: np.ndarray) -> np.ndarray:
    return ind.astype(np.int64) * N_DIST + dist


def _count(ind: np.ndarray, dist: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(_cell(ind, dist), weights=weights, minlength=N_IND * N_DIST).reshape(N_IND, N_DIST)


def firm_capacity(w: World) -> np.ndarray:
    """Gross-output capacity of each firm (yuan/quarter)."""
    f = w.firms
    cap_va = va_capacity(f.z, f.tfp, f.employees, f.capital, w.cfg.params.production.labour_elasticity)
    return np.where(f.alive, cap_va / w.data.va_ratio[f.industry], 0.0)


# ---------------------------------------------------------------------------------------------
def environment(w: World, year: int, q: int) -> None:
    """Advance the trend level of external demand by one quarter (demand.py)."""
    g = dem.annual_growth(year, w.cfg.calibration.demand_trend, w.cfg.scenario, w.data)
    w.ext_growth = dem.quarterly_factor(g)
    w.ext_demand = w.ext_demand * w.ext_growth


def innovation(w: World, rng: np.random.Generator) -> None:
    f, inst, p, e = w.firms, w.institutes, w.cfg.params.innovation, w.effects
    alive = f.alive
    rd = np.where(alive, f.rd_intensity * f.output + e.rd_additionality * e.rd_grant, 0.0)
    k_i, flow, cap, budget = inn.update_institutes(
        inst.knowledge,
        inst.budget,
        inst.capability,
        inst.researchers,
        inst.target_researchers,
        inst.alive,
        p,
        e.institute_budget,
        e.capability_learning_multiplier * e.institute_learning_multiplier,
    )
    inst.knowledge[:], inst.knowledge_flow[:], inst.capability[:], inst.budget[:] = k_i, flow, cap, budget
    pool = e.firm_knowledge_spill_weight * inn.knowledge_pool(
        f.industry[alive], f.district[alive], f.knowledge[alive]
    ) + p.public_knowledge_weight * inn.knowledge_pool(
        inst.field[inst.alive], inst.district[inst.alive], inst.knowledge[inst.alive]
    )
    reachable = (w.spill_kernel @ pool) * e.spillover_multiplier
    cell = _cell(f.industry, f.district)
    spill = np.where(alive, inn.firm_spillovers(cell, rd, reachable, p), 0.0)
    k, tfp, hit = inn.update_firm_innovation(f.knowledge, f.tfp, rd, spill, f.output, p, rng, e.breakthrough_multiplier)
    f.knowledge[:] = np.where(alive, k, f.knowledge)
    f.tfp[:] = np.where(alive, tfp * np.exp(e.tfp_gain), f.tfp)
    f.rd_spending[:] = rd
    hit &= alive
    f.last_breakthrough[hit] = w.quarter
    w.flows["breakthroughs"] += _count(f.industry[hit], f.district[hit])


def labour(w: World, rng: np.random.Generator) -> None:
    f, inst, t, p = w.firms, w.institutes, w.talent, w.cfg.params.labour
    ppa, nf = w.ppa, w.firms.n
    t.age[:] += 0.25
    # training: employed technicians upgrade
    up = (
        t.alive
        & (t.employer_kind > NONE)
        & (t.skill == 0)
        & (rng.random(t.n) < p.training_rate + w.effects.training_rate_add)
    )
    t.skill[up] = 1

    # labour demand of firms and institutes
    # expected demand: last quarter's, grown at the industry's current external demand growth
    expected = f.demand * w.ext_growth[f.industry]
    gap = lab.labour_gap(f.employees, firm_capacity(w), expected, w.cfg.params.production.target_utilisation)
    vac_f, lay_f = lab.vacancies_and_layoffs(gap, ppa, f.alive & (f.cash > 0), p, rng)
    vac_f[~f.alive] = 0
    lay_f[~f.alive] = 0
    # growth needs floor space: vacancies are scaled down where the district has no room for them
    spw = space_per_worker(w)
    need = np.bincount(f.district, weights=vac_f * ppa * spw[f.district], minlength=N_DIST)
    room = np.divide(free_space(w), need, out=np.ones(N_DIST), where=need > 0).clip(max=1.0)
    vac_f = np.where(room[f.district] < 1.0, stochastic_round(vac_f * room[f.district], rng), vac_f)
    gap_i = inst.target_researchers - inst.researchers
    vac_i, lay_i = lab.vacancies_and_layoffs(gap_i, ppa, inst.alive, p, rng)
    vac_i[~inst.alive] = 0

    # separations (employer ids: firms 0..nf-1, institutes nf..)
    employed = t.alive & (t.employer_kind > NONE)
    emp_id = np.where(t.employer_kind == INSTITUTE, nf + t.employer, t.employer).astype(np.int64)
    emp_id = np.where(employed, emp_id, 0)
    sep = lab.separations(emp_id, employed, np.concatenate([lay_f, lay_i]), p.quit_rate, rng)
    t.employer_kind[sep] = NONE
    t.employer[sep] = -1

    # leaving the city (out-migration, retirement)
    employed = t.alive & (t.employer_kind > NONE)
    leave = t.alive & lab.leave_city(employed, t.age, p, rng, w.effects.outmigration_multiplier[t.district])
    w.flows["outflow"] += _count(t.field[leave], t.district[leave]) * ppa
    t.alive[leave] = False
    t.employer_kind[leave] = NONE
    t.employer[leave] = -1

    # unemployed search in other districts, pulled by vacancies
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    pull = (
        np.bincount(f.district, weights=vac_f, minlength=N_DIST)
        + np.bincount(inst.district, weights=vac_i, minlength=N_DIST)
        + 1.0
    )
    t.district[unemp] = lab.move_destinations(t.district[unemp], pull, w.data.distance_km, p, rng)

    # matching: institutes (skill >= 1, same field), firms (same field), firms (any field)
    inst_slots = np.repeat(np.arange(inst.n), vac_i)
    firm_slots = np.repeat(np.arange(nf), vac_f)
    pool = unemp[t.skill[unemp] >= 1]
    a, s = lab.match(
        pool,
        lab.cell_key(t.field[pool], t.district[pool]),
        inst_slots,
        lab.cell_key(inst.field[inst_slots], inst.district[inst_slots]),
        p.match_efficiency,
        rng,
    )
    _hire(t, a, INSTITUTE, inst_slots[s])
    filled_i = np.bincount(inst_slots[s], minlength=inst.n)
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    a, s = lab.match(
        unemp,
        lab.cell_key(t.field[unemp], t.district[unemp]),
        firm_slots,
        lab.cell_key(f.industry[firm_slots], f.district[firm_slots]),
        p.match_efficiency,
        rng,
    )
    _hire(t, a, FIRM, firm_slots[s])
    left = np.ones(len(firm_slots), bool)
    left[s] = False
    firm_slots = firm_slots[left]
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    a, s = lab.match(
        unemp,
        t.district[unemp].astype(np.int64),
        firm_slots,
        f.district[firm_slots].astype(np.int64),
        p.match_efficiency * 0.5,
        rng,
    )
    _hire(t, a, FIRM, firm_slots[s])
    left2 = np.ones(len(firm_slots), bool)
    left2[s] = False
    unfilled_f = np.bincount(firm_slots[left2], minlength=nf)
    unfilled_i = vac_i - filled_i
    f.vacancies[:] = unfilled_f
    inst.vacancies[:] = unfilled_i

    # in-flow of graduates and migrants (arrive unemployed; match from next quarter)
    stock = _count(t.field[t.alive], t.district[t.alive]) * ppa
    unfilled = (_count(f.industry, f.district, unfilled_f) + _count(inst.field, inst.district, unfilled_i)) * ppa
    new = lab.inflow_counts(stock, unfilled, ppa, p, rng)
    add_talent(w, new, rng)
    # arrivals recruited by talent programmes (policy), a share of them senior
    extra = rng.poisson(np.clip(w.effects.talent_inflow, 0, None) / ppa)
    if extra.any():
        rows = add_talent(w, extra, rng)
        cells = np.repeat(np.arange(N_IND * N_DIST), extra.reshape(-1))
        u = rng.random(len(rows))
        s_sen = w.effects.senior_share_inflow.reshape(-1)[cells]
        senior = u < s_sen
        t.skill[rows[senior]] = 2
        # professionals (e.g. graduates, recruited teams): at least skill 1; same draw, no extra randomness
        prof = ~senior & (u < s_sen + w.effects.professional_share_inflow.reshape(-1)[cells])
        t.skill[rows[prof]] = np.maximum(t.skill[rows[prof]], 1)

    # wages and employment
    unemployed_cells = (
        _count(t.field[t.alive & (t.employer_kind == NONE)], t.district[t.alive & (t.employer_kind == NONE)]) * ppa
    )
    w.wage_index = lab.update_wage_index(
        w.wage_index, unemployed_cells, _count(t.field[t.alive], t.district[t.alive]) * ppa, p
    )
    refresh_employment(w)


def _hire(t, agents: np.ndarray, kind: int, employers: np.ndarray) -> None:
    t.employer_kind[agents] = kind
    t.employer[agents] = employers


def add_talent(w: World, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Append new unemployed talent agents, ``counts`` per field x district; recorded as inflow."""
    counts = np.asarray(counts).reshape(N_IND, N_DIST)
    n = int(counts.sum())
    if n == 0:
        return np.zeros(0, np.int64)
    cells = np.repeat(np.arange(N_IND * N_DIST), counts.reshape(-1))
    p = w.cfg.params.labour
    rows = w.talent.add(
        n,
        alive=True,
        skill=rng.choice(3, size=n, p=p.skill_mix),
        field=cells // N_DIST,
        district=cells % N_DIST,
        employer_kind=NONE,
        employer=-1,
        age=22 + rng.gamma(2.0, 3.0, n),
    )
    w.flows["inflow"] += counts * w.ppa
    return rows


def space_per_worker(w: World) -> np.ndarray:
    """Floor space per employee by district (m2): the norm at base-year data rents, less where
    rents have risen (firms economise on space; elasticity params.geography.space_rent_elasticity)."""
    g = w.cfg.params.geography
    return g.floor_space_per_worker * (w.rent / w.data.rent) ** (-g.space_rent_elasticity)


def refresh_employment(w: World) -> None:
    """Derive employees, researchers, wages and wage bills from the talent table."""
    f, inst, t, ppa = w.firms, w.institutes, w.talent, w.ppa
    prem = np.asarray(w.cfg.params.labour.skill_premium)
    live = np.flatnonzero(t.alive & (t.employer_kind > NONE))
    is_f = t.employer_kind[live] == FIRM
    emp = t.employer[live]
    gid = np.where(is_f, emp, f.n + emp)  # one id space: firms, then institutes
    ind = np.concatenate([f.industry, inst.field])[gid]
    dist = np.concatenate([f.district, inst.district])[gid]
    wage = w.wage_index[ind, dist] * prem[t.skill[live]]
    t.wage[:] = 0.0
    t.wage[live] = wage
    # employed agents live where they work (commuting between districts is not modelled)
    t.district[live] = dist
    heads = np.bincount(gid, minlength=f.n + inst.n)
    f.employees[:] = heads[: f.n] * float(ppa)
    f.wage_bill[:] = np.bincount(gid, weights=wage * ppa, minlength=f.n + inst.n)[: f.n]
    inst.researchers[:] = heads[f.n :] * float(ppa)
    f.floor_space[:] = f.employees * space_per_worker(w)[f.district]


@dataclass
class ProductionRecord:
    """Last quarter's production: the alive firm rows it covered, the result (indexed like
    ``rows``) and the firm rows at both ends of each link of ``result.link_flow``."""

    rows: np.ndarray
    result: object
    supplier_rows: np.ndarray
    customer_rows: np.ndarray


def active_links(w: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Alive firm rows and the links among them, re-indexed to positions in that list."""
    f, L = w.firms, w.links
    idx = np.flatnonzero(f.alive)
    pos = np.full(f.n, -1, np.int64)
    pos[idx] = np.arange(len(idx))
    s, c = pos[L.supplier], pos[L.customer]
    ok = (s >= 0) & (c >= 0)
    return idx, s[ok], c[ok], L.weight[ok]


def production(w: World, year: int, q: int) -> None:
    f, pp, sc = w.firms, w.cfg.params.production, w.cfg.scenario
    level = w.ext_demand * dem.shock_multiplier(year, q, sc)
    cap_all = firm_capacity(w)
    idx, sup, cust, wt = active_links(w)
    ind = f.industry[idx]
    d = f.share[idx] * level[ind] * w.effects.demand_multiplier[idx] + w.effects.public_demand[idx]
    avail = np.array([sc.import_availability.get(i, 1.0) for i in w.industry_ids])
    res = produce(
        ind=ind,
        capacity=cap_all[idx],
        final_demand=d,
        sup=sup,
        cust=cust,
        w=wt,
        io=w.data.io,
        va_ratio=w.data.va_ratio,
        import_avail=avail,
        rounds=pp.rationing_rounds,
    )
    f.capacity[:] = cap_all
    for col, val in (
        ("demand", res.demand),
        ("output", res.output),
        ("value_added", res.value_added),
        ("intermediate", res.intermediate),
        ("interm_sei", res.interm_sei),
        ("sales_final", res.sales_final),
        ("sales_interm", res.sales_interm),
    ):
        arr = f.col(col)
        arr[:] = 0.0
        arr[idx] = val
    f.rent[:] = f.floor_space * w.rent[f.district] * 3.0
    w.last_production = ProductionRecord(rows=idx, result=res, supplier_rows=idx[sup], customer_rows=idx[cust])
    # market shares: replicator on TFP gains since base/entry relative to the industry (innovators
    # win buyers), and buyers lost where final demand went unserved
    ind_all = f.industry
    alive = f.alive
    gain = np.log(f.tfp / f.tfp_ref)
    mean_gain = np.bincount(ind, weights=f.share[idx] * gain[idx], minlength=N_IND) / np.maximum(
        np.bincount(ind, weights=f.share[idx], minlength=N_IND), 1e-300
    )
    rel = np.exp(gain - mean_gain[ind_all])
    d_all = np.zeros(f.n)
    d_all[idx] = d
    pp_share = pp.share_elasticity * w.effects.share_elasticity_multiplier
    unmet = np.where(d_all > 0, np.clip(d_all - f.sales_final, 0, None) / np.where(d_all > 0, d_all, 1.0), 0.0)
    s = np.where(alive, f.share * rel**pp_share * (1.0 - pp.lost_share_rate * unmet), 0.0)
    f.share[:] = s / np.maximum(np.bincount(ind_all, weights=s, minlength=N_IND), 1e-300)[ind_all]


def finance(w: World) -> np.ndarray:
    f, pp = w.firms, w.cfg.params
    cap = np.maximum(f.capacity, 1e-9)
    expected = f.demand * w.ext_growth[f.industry]
    factor = np.clip(expected / pp.production.target_utilisation / cap, 0.0, 4.0)
    e = w.effects
    res = fin.settle(
        value_added=f.value_added,
        wage_bill=f.wage_bill,
        rent=f.rent,
        rd=f.rd_spending,
        capital=f.capital,
        desired_capital=f.capital * factor,
        debt=f.debt,
        cash=f.cash,
        p=pp.finance,
        transfers=e.firm_transfers(),
        leverage_bonus=e.leverage_bonus,
    )
    alive = f.alive
    f.wage_paid[:] = np.where(alive, f.wage_bill, 0.0)  # the quarter's wage bill as settled (recorded as wage_bill)
    for name in ("profit", "investment", "capital", "debt", "cash", "interest"):
        col = f.col(name)
        col[:] = np.where(alive, getattr(res, name), col)
    return res.insolvent & alive


# ---------------------------------------------------------------------------------------------
def demography(
    w: World, insolvent: np.ndarray, quarter: int, rng: np.random.Generator, rng_institutes: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Exit, relocation, entry, new carriers, rewiring, rents. Returns (new firm rows, exited rows)."""
    f, inst, t, p = w.firms, w.institutes, w.talent, w.cfg.params.demography
    f.age[:] += np.where(f.alive, 1.0, 0.0)

    # exits: workers become unemployed where they are
    out = demo.exit_mask(f.age, f.employees, f.alive, insolvent | (f.employees <= 0), p, rng)
    exited = np.flatnonzero(out)
    w.flows["exits"] += _count(f.industry[out], f.district[out])
    f.alive[out] = False
    lost = t.alive & (t.employer_kind == FIRM) & np.isin(t.employer, exited)
    t.employer_kind[lost] = NONE
    t.employer[lost] = -1

    # relocation, only to a district with free floor space for the whole firm
    probs, free = _location_probs(w)
    move = demo.relocation_mask(
        w.rent[f.district], float(w.rent.mean()), f.alive, p, rng, w.effects.relocation_multiplier
    )
    if move.any():
        rows = np.flatnonzero(move)
        dest = _choose_district(probs, free, f.industry[rows], f.floor_space[rows], rng)
        changed = (dest >= 0) & (dest != f.district[rows])
        w.flows["relocations"] += _count(f.industry[rows[changed]], dest[changed])
        f.district[rows[changed]] = dest[changed]

    # entry: start-ups, spin-offs, inward investment
    n_alive = np.bincount(f.industry[f.alive], minlength=N_IND)
    # start-ups per cell: the industry's rate spread by the location logit, times any policy multiplier
    rate = (n_alive[:, None] * probs * w.effects.entry_multiplier).reshape(-1)
    starts = demo.startup_counts(rate, p, rng)
    cells = np.repeat(np.arange(N_IND * N_DIST), starts)
    ind_s, dist_s = cells // N_DIST, cells % N_DIST
    dist_s = np.where(free[dist_s] > 0, dist_s, -1)
    spin = demo.spinoff_count(
        inst.capability
        * w.effects.spinoff_multiplier
        * w.effects.spinoff_cell_multiplier[inst.field.astype(np.int64), inst.district.astype(np.int64)],
        inst.alive,
        p,
        rng,
    )
    ind_p, dist_p = inst.field[spin].astype(np.int64), inst.district[spin].astype(np.int64)
    n_in = rng.poisson(p.inward_investment_per_year / 4.0 * w.cfg.scale.firm_fraction)
    size_w = np.maximum(w.ext_demand, 0) / w.ext_demand.sum()
    ind_w = rng.choice(N_IND, size=n_in, p=size_w)
    dist_w = _choose_district(
        probs,
        free,
        ind_w,
        _entrant_agents(w, ind_w, np.full(n_in, INWARD), rng) * w.ppa * w.cfg.params.geography.floor_space_per_worker,
        rng,
    )
    kinds = np.concatenate([np.full(len(ind_s), STARTUP), np.full(len(ind_p), SPINOFF), np.full(n_in, INWARD)])
    placed = np.concatenate([dist_s, dist_p, dist_w]) >= 0
    chooser = SupplierChooser(
        f.industry,
        f.district,
        np.where(f.alive, f.output + 1e-9, 0.0),
        f.alive,
        w.data.distance_km,
        w.cfg.params.demography.supplier_distance_km,
    )
    new_rows = _enter(
        w,
        np.concatenate([ind_s, ind_p, ind_w])[placed],
        np.concatenate([dist_s, dist_p, dist_w])[placed],
        kinds[placed],
        quarter,
        rng,
        chooser,
    )
    w.flows["spinoffs"] += _count(ind_p, dist_p)
    w.flows["inward"] += _count(ind_w[dist_w >= 0], dist_w[dist_w >= 0])

    # new innovation carriers (organic creation at the observed 2019 rate; own random stream)
    n_new = rng_institutes.poisson(p.institute_creation_per_year / 4.0 * w.cfg.scale.institute_fraction)
    create_institutes(w, n_new, quarter, rng_institutes)

    rewire(w, rng, chooser)
    refresh_employment(w)
    g = w.cfg.params.geography
    w.rent = update_rent(w.rent, floor_used(w), w.floor_space, w.occupancy_ref, g)
    w.floor_space = w.floor_space * (1.0 + g.floor_space_growth) ** 0.25
    return new_rows, exited


def floor_used(w: World) -> np.ndarray:
    """Floor space used by alive firms by district (m2)."""
    f = w.firms
    return np.bincount(f.district[f.alive], weights=f.floor_space[f.alive], minlength=N_DIST)


def free_space(w: World) -> np.ndarray:
    return np.clip(w.floor_space - floor_used(w), 0, None)


def _location_probs(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Logit location probabilities [N_IND, N_DIST] and free floor space [N_DIST] (m2)."""
    f = w.firms
    free = free_space(w)
    out = _count(f.industry[f.alive], f.district[f.alive], f.output[f.alive])
    presence = out / np.maximum(out.sum(axis=1, keepdims=True), 1e-300)
    u = location_utility(w.rent, free, presence, w.cfg.params.demography) + w.effects.location_bonus
    return logit_probabilities(u), free


def _choose_district(
    probs: np.ndarray, free: np.ndarray, ind: np.ndarray, need: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A district for each mover or entrant among those with at least ``need`` m2 free, by the
    logit probabilities of its industry; -1 where no district has room."""
    if len(ind) == 0:
        return np.zeros(0, np.int64)
    p = probs[np.asarray(ind, dtype=np.int64)] * (free[None, :] >= np.asarray(need)[:, None])
    ok = p.sum(axis=1) > 0
    out = np.full(len(ind), -1, np.int64)
    if ok.any():
        out[ok] = choose_rows(
            np.cumsum(p[ok] / p[ok].sum(axis=1, keepdims=True), axis=1), np.arange(int(ok.sum())), rng
        )
    return out


def industry_size_quantiles(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Median and 97th-percentile employment (people) of alive firms by industry, computed once
    per quarter (entry, major projects and relocation share them)."""
    f = w.firms
    key = (w.quarter, f.n)
    if w.cache.get("size_q_key") != key:
        alive = np.flatnonzero(f.alive)
        ind, emp = f.industry[alive], f.employees[alive]
        order = np.lexsort((emp, ind))
        ind, emp = ind[order], emp[order]
        start = np.searchsorted(ind, np.arange(N_IND), side="left")
        stop = np.searchsorted(ind, np.arange(N_IND), side="right")
        med, p97 = np.full(N_IND, float(w.ppa)), np.full(N_IND, float(w.ppa))
        for i in range(N_IND):  # seven industries
            if stop[i] > start[i]:
                med[i] = np.median(emp[start[i] : stop[i]])
                p97[i] = np.quantile(emp[start[i] : stop[i]], 0.97)
        w.cache["size_q_key"], w.cache["size_q"] = key, (med, p97)
    return w.cache["size_q"]


def _entrant_agents(w: World, ind: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Planned talent agents of entrants: start-ups and spin-offs entrant_size x the industry's
    median firm, inward investments the industry's 97th-percentile firm (at least one agent)."""
    med, p97 = industry_size_quantiles(w)
    target = np.where(kind == INWARD, p97[ind], w.cfg.params.demography.entrant_size * med[ind])
    return np.maximum(1, stochastic_round(target / w.ppa, rng))


def enter_firms(w: World, ind: np.ndarray, dist: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Create entrant firms of the given industries, districts and entry kinds now (used by
    levers such as major projects); returns their rows (some may not enter: no founder)."""
    f = w.firms
    chooser = SupplierChooser(
        f.industry,
        f.district,
        np.where(f.alive, f.output + 1e-9, 0.0),
        f.alive,
        w.data.distance_km,
        w.cfg.params.demography.supplier_distance_km,
    )
    return _enter(
        w, np.asarray(ind, dtype=np.int64), np.asarray(dist, dtype=np.int64), np.asarray(kind), w.quarter, rng, chooser
    )


def _enter(
    w: World,
    ind: np.ndarray,
    dist: np.ndarray,
    kind: np.ndarray,
    quarter: int,
    rng: np.random.Generator,
    chooser: SupplierChooser,
) -> np.ndarray:
    """Create entrant firms: founders are unemployed talent of the district (any field) or, failing
    that, employed professionals of the same field elsewhere; entrants without a founder do not enter."""
    f, t, pp, ppa = w.firms, w.talent, w.cfg.params, w.ppa
    if len(ind) == 0:
        return np.zeros(0, np.int64)
    slots = np.arange(len(ind))
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    a1, s1 = lab.match(unemp, t.district[unemp].astype(np.int64), slots, dist.astype(np.int64), 1.0, rng)
    founder = np.full(len(ind), -1, np.int64)
    founder[s1] = a1
    rest = np.flatnonzero(founder < 0)
    if len(rest):
        # employed professionals, never the first-ranked agent of their firm (every firm keeps one)
        at_firm = np.flatnonzero(t.alive & (t.employer_kind == FIRM))
        keeps = lab.rank_within(t.employer[at_firm].astype(np.int64), rng) == 0
        cand = at_firm[~keeps & (t.skill[at_firm] >= 1)]
        a2, s2 = lab.match(cand, t.field[cand].astype(np.int64), rest, ind[rest].astype(np.int64), 1.0, rng)
        founder[rest[s2]] = a2
    ok = founder >= 0
    ind, dist, kind, founder = ind[ok], dist[ok].astype(np.int8), kind[ok], founder[ok]
    n = len(ind)
    if n == 0:
        return np.zeros(0, np.int64)
    alive = f.alive
    agents = _entrant_agents(w, ind, kind, rng)
    mean_log_tfp = np.bincount(f.industry[alive], weights=np.log(f.tfp[alive]), minlength=N_IND) / np.maximum(
        np.bincount(f.industry[alive], minlength=N_IND), 1
    )
    tfp = np.exp(mean_log_tfp[ind] + rng.normal(-0.1, 0.3, n) + np.where(kind == SPINOFF, 0.1, 0.0))
    L = agents * float(ppa)
    K = w.data.capital_va_ratio[ind] * 4 * (w.data.va_per_worker[ind] / 4) * L
    z = w.z_industry[ind]
    b = pp.production.labour_elasticity
    cap_out = va_capacity(z, tfp, L, K, b) / w.data.va_ratio[ind]
    share = cap_out * pp.production.target_utilisation / np.maximum(w.ext_demand[ind], 1e-9)
    rd_int = w.data.rd_intensity[ind] * rng.lognormal(0.0, 0.5, n) * np.where(kind == SPINOFF, 2.0, 1.0)
    wage_bill = L * w.wage_index[ind, dist]
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
        knowledge=rd_int * cap_out * pp.production.target_utilisation * 4,
        rd_intensity=rd_int,
        cash=4 * wage_bill,
        debt=0.0,
        share=share,
        z=z,
        floor_space=L * space_per_worker(w)[dist],
        capacity=cap_out,
        demand=cap_out * pp.production.target_utilisation,
    )
    s = f.share
    s[:] = s / np.bincount(f.industry[f.alive], weights=s[f.alive], minlength=N_IND)[f.industry]
    # founders join their firm; larger entrants open vacancies for the rest
    _hire(t, founder, FIRM, rows)
    t.district[founder] = dist
    t.field[founder] = ind
    f.vacancies[rows] = agents - 1
    f.employees[rows] = float(ppa)
    sup, cust, wt = build_network(
        f.industry, f.district, f.capacity, f.alive, w.data, rng, customers=rows, chooser=chooser
    )
    w.links.add(len(sup), supplier=sup, customer=cust, weight=wt)
    w.flows["entries"] += _count(ind, dist)
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
    """Create ``n`` new innovation carriers; they hire researchers through the labour market."""
    if n <= 0:
        return np.zeros(0, np.int64)
    d, inst = w.data, w.institutes
    itype = (
        rng.choice(len(d.carrier_types), size=n, p=d.carrier_share)
        if carrier_type is None
        else np.full(n, carrier_type)
    )
    fp = np.sqrt(d.va_2018) / np.sqrt(d.va_2018).sum()
    ifield = rng.choice(N_IND, size=n, p=fp) if field is None else np.asarray(field)
    idist = choose_rows(np.cumsum(d.location_share, axis=1), ifield, rng) if district is None else np.asarray(district)
    per = 1.0 / w.cfg.scale.institute_fraction
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
        capability=np.clip(d.carrier_capability[itype] - 0.1, 0.02, 0.99),
        knowledge=0.0,
    )
    w.flows["institutes_created"] += _count(ifield, idist)
    return rows


def rewire(w: World, rng: np.random.Generator, chooser: SupplierChooser) -> None:
    """Replace links to exited suppliers, drop links of exited customers, re-choose a share."""
    f, L, p = w.firms, w.links, w.cfg.params.demography
    keep = f.alive[L.customer]
    if not keep.all():
        w.links.keep(keep)
    L = w.links
    redo = ~f.alive[L.supplier] | (rng.random(L.n) < p.rewiring_rate)
    if redo.any():
        idx = np.flatnonzero(redo)
        new = chooser.draw(f.industry[L.supplier[idx]], f.district[L.customer[idx]], rng)
        ok = (new >= 0) & (new != L.customer[idx])
        L.supplier[idx[ok]] = new[ok]
