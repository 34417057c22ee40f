"""Phase 4 of a quarter: the labour market (sim.economy.labour). Employers open vacancies or lay
off, people quit or leave the city, the unemployed search and match, graduates and migrants
arrive, wages move; then employment is derived from the talent table."""

from __future__ import annotations

import numpy as np

from sim.economy import labour as lab
from sim.economy import migration, prices
from sim.ids import FIRM, INSTITUTE, N_DIST, N_IND, NONE
from sim.kernel.cells import count, count_where
from sim.kernel.employment import hire, refresh_employment
from sim.kernel.entry import add_talent
from sim.kernel.markets import capital_deepening, mean_wage
from sim.kernel.phases.production import alive_capacity
from sim.kernel.space import free_space, space_per_worker
from sim.kernel.world import World

SENIOR, PROFESSIONAL = 2, 1  # skill levels


def _labour_demand(w: World, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(firm vacancies, firm layoffs, institute vacancies, institute layoffs) in talent agents.
    Firms aim at the capacity that serves expected demand at the target utilisation; growth needs
    floor space, so vacancies are scaled down where the district has no room for them."""
    f, inst, p, ppa = w.firms, w.institutes, w.params.labour, w.ppa
    pp = w.params.production
    rows, _, cap_now = alive_capacity(w)  # the gap of the alive firms (elementwise); dead firms get 0
    expected = f.demand[rows] * w.ext_growth[f.industry[rows]]  # last quarter's demand, grown at the trend
    deepen = capital_deepening(w.wage_index, w.markets, f, w.params.market.capital_deepening_speed, rows=rows)
    cap = cap_now * deepen ** (1.0 - pp.labour_elasticity)  # fewer workers per unit as k/l rises
    gap = lab.labour_gap(f.employees[rows], cap, expected, pp.target_utilisation, pp.max_capacity_adjustment)
    vac_f, lay_f = lab.vacancies_and_layoffs_of(rows, f.n, gap, ppa, f.cash[rows] > 0, p, rng)
    vac_f = _fit_to_room(w, vac_f, rng)
    vac_i, lay_i = lab.vacancies_and_layoffs(inst.target_researchers - inst.researchers, ppa, inst.alive, p, rng)
    vac_i[~inst.alive] = 0
    return vac_f, lay_f, vac_i, lay_i


def _fit_to_room(w: World, vac_f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Firm vacancies (``vac_f``, changed in place) scaled down (stochastically rounded, one draw per firm) where the district's
    free floor space cannot hold the workers they ask for. Only firms with vacancies are visited: the
    others add nothing to the space needed and keep 0 (the same results and draws as for all firms)."""
    f, spw = w.firms, space_per_worker(w)
    hiring = np.flatnonzero(vac_f) if np.isfinite(spw).all() else np.arange(f.n)  # 0 x inf would count
    d = f.district[hiring]
    need = np.bincount(d, weights=vac_f[hiring] * w.ppa * spw[d], minlength=N_DIST)
    room = np.divide(free_space(w), need, out=np.ones(N_DIST), where=need > 0).clip(max=1.0)
    u = rng.random(f.n)
    tight = room[d] < 1.0
    sel = hiring[tight]
    vac_f[sel] = lab.round_with(vac_f[sel] * room[d[tight]], u[sel])  # in place: vac_f is this quarter's
    return vac_f


def _separations_and_departures(w: World, lay_f: np.ndarray, lay_i: np.ndarray, rng: np.random.Generator) -> None:
    """Layoffs and quits into unemployment, then out-migration and retirement (counted as outflow)."""
    t, p, nf = w.talent, w.params.labour, w.firms.n
    idx = np.flatnonzero(t.alive & (t.employer_kind > NONE))
    emp_id = t.employer[idx].astype(np.int64)  # firms 0..nf-1, institutes nf..
    emp_id[t.employer_kind[idx] == INSTITUTE] += nf
    sep = idx[lab.leavers(emp_id, np.concatenate([lay_f, lay_i]), p.quit_rate, rng)]
    t.employer_kind[sep] = NONE
    t.employer[sep] = -1
    employed_at = lambda rows: t.alive[rows] & (t.employer_kind[rows] > NONE)  # noqa: E731
    mult = w.effects.outmigration_multiplier
    leave = lab.leaving_rows(t.alive, employed_at, t.age, p, rng, mult, t.district)  # by position
    w.flows["outflow"] += count(t.field[leave], t.district[leave]) * w.ppa
    t.alive[leave] = False
    t.employer_kind[leave] = NONE
    t.employer[leave] = -1


def _match_slots(
    w: World, agents: np.ndarray, agent_key: np.ndarray, slots: np.ndarray, slot_key: np.ndarray, kind: int,
    efficiency: float, rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Match ``agents`` to vacancy ``slots`` (employer rows) within cells of equal key; hire the
    matched; return a mask of the slots left unfilled."""
    a, s = lab.match(agents, agent_key, slots, slot_key, efficiency, rng)
    hire(w.talent, a, kind, slots[s])
    left = np.ones(len(slots), bool)
    left[s] = False
    return left


def _matching(w: World, vac_f: np.ndarray, vac_i: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The unemployed search (some in another district, pulled by vacancies) and match: institutes
    hire professionals and seniors of their field, then firms their field, then firms any field.
    Returns the positions of those still unemployed."""
    f, inst, t, p = w.firms, w.institutes, w.talent, w.params.labour
    unemp = np.flatnonzero(t.alive & (t.employer_kind == NONE))
    hiring = np.flatnonzero(vac_f)  # firms without vacancies add 0 to the pull
    pull = (
        np.bincount(f.district[hiring], weights=vac_f[hiring], minlength=N_DIST)
        + np.bincount(inst.district, weights=vac_i, minlength=N_DIST)
        + 1.0
    )
    t.district[unemp] = lab.move_destinations(t.district[unemp], pull, w.data.distance_km, p, rng)
    inst_slots = np.repeat(np.arange(inst.n), vac_i)
    firm_slots = np.repeat(np.arange(f.n), vac_f)
    pool = unemp[t.skill[unemp] >= PROFESSIONAL]
    left_i = _match_slots(
        w, pool, lab.cell_key(t.field[pool], t.district[pool]), inst_slots,
        lab.cell_key(inst.field[inst_slots], inst.district[inst_slots]), INSTITUTE, p.match_efficiency, rng,
    )  # fmt: skip
    unemp = unemp[t.employer_kind[unemp] == NONE]  # matching only takes people out of unemployment
    left = _match_slots(
        w, unemp, lab.cell_key(t.field[unemp], t.district[unemp]), firm_slots,
        lab.cell_key(f.industry[firm_slots], f.district[firm_slots]), FIRM, p.match_efficiency, rng,
    )  # fmt: skip
    firm_slots = firm_slots[left]
    unemp = unemp[t.employer_kind[unemp] == NONE]
    left = _match_slots(
        w, unemp, t.district[unemp].astype(np.int64), firm_slots, f.district[firm_slots].astype(np.int64), FIRM,
        p.match_efficiency * p.cross_field_match_efficiency, rng,
    )  # fmt: skip
    f.vacancies[:] = np.bincount(firm_slots[left], minlength=f.n)
    inst.vacancies[:] = np.bincount(inst_slots[left_i], minlength=inst.n)
    return unemp[t.employer_kind[unemp] == NONE]


def _arrivals(w: World, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Graduates and migrants (sim.economy.migration: more when Shenzhen's wages outgrow the nation's,
    fewer when housing is tight, a capped pull of unfilled vacancies) and the arrivals recruited by
    talent programmes, a share of them senior or professional; all arrive unemployed. People: the
    housing stock grows by params.migration.housing_growth a quarter. Returns the [N_IND, N_DIST]
    counts of talent agents before the arrivals and of the arrivals."""
    f, inst, t, ppa = w.firms, w.institutes, w.talent, w.ppa
    before = count_where(t.field, t.district, t.alive)
    stock = before * ppa
    open_f = np.flatnonzero(f.vacancies)  # firms with no vacancy left add 0
    unfilled = count(f.industry[open_f], f.district[open_f], f.vacancies[open_f])
    unfilled = (unfilled + count(inst.field, inst.district, inst.vacancies)) * ppa
    m, mg, p = w.markets, w.params.migration, w.params.labour
    tight = migration.housing_tightness(float(stock.sum()), m.housing, m.housing_ratio_base)
    wage_gap = mean_wage(w.wage_index, f) / m.wage_base / m.national_wage
    expected = migration.arrivals(
        stock, unfilled, p.inflow_base, wage_gap, tight, mg.wage_elasticity, mg.housing_elasticity,
        p.inmigration_response, mg.max_vacancy_share,
    )  # fmt: skip
    arrived = rng.poisson(expected / ppa)
    add_talent(w, arrived, rng)
    m.housing = migration.grow_housing(m.housing, mg.housing_growth)
    extra = rng.poisson(np.clip(w.effects.talent_inflow, 0, None) / ppa)
    if extra.any():
        arrived = arrived + extra
        rows = add_talent(w, extra, rng)
        cells = np.repeat(np.arange(N_IND * N_DIST), extra.reshape(-1))
        u = rng.random(len(rows))
        s_sen = w.effects.senior_share_inflow.reshape(-1)[cells]
        senior = u < s_sen
        t.skill[rows[senior]] = SENIOR
        # professionals (graduates, recruited teams): at least skill 1; the same draw, no extra randomness
        prof = ~senior & (u < s_sen + w.effects.professional_share_inflow.reshape(-1)[cells])
        t.skill[rows[prof]] = np.maximum(t.skill[rows[prof]], PROFESSIONAL)
    return before, arrived


def labour(w: World, rng: np.random.Generator) -> None:
    """The quarter's labour market (see the module docstring)."""
    t, p, ppa = w.talent, w.params.labour, w.ppa
    t.age[:] += 0.25
    # training: employed technicians upgrade (the draws first, then the few drawn are checked)
    up = np.flatnonzero(rng.random(t.n) < p.training_rate + w.effects.training_rate_add)
    up = up[t.alive[up] & (t.employer_kind[up] > NONE) & (t.skill[up] == 0)]
    t.skill[up] = PROFESSIONAL
    vac_f, lay_f, vac_i, lay_i = _labour_demand(w, rng)
    _separations_and_departures(w, lay_f, lay_i, rng)
    unemp = _matching(w, vac_f, vac_i, rng)
    before, arrived = _arrivals(w, rng)
    # counts after the arrivals (who arrive alive and unemployed): the same integers as counting
    # the table's alive and unemployed rows now
    unemployed, alive = count(t.field[unemp], t.district[unemp]) + arrived, before + arrived
    m, mk = w.markets, w.params.market
    trend = prices.wage_growth(
        m.cpi_inflation, m.price_inflation, m.productivity_growth, mk.wage_cpi_indexation,
        mk.wage_productivity_pass,
    )  # fmt: skip
    w.wage_index = lab.update_wage_index(
        w.wage_index,
        unemployed * ppa,
        alive * ppa,
        trend,
        p,
    )
    refresh_employment(w)
