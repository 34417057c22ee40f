"""Labour: labour demand, separations, matching in district markets, migration and wages.

Assumptions (docs/ODD.md, "Labour"); units are people (talent agents x people_per_agent) and
yuan/person/quarter:
- Firms aim at the capacity that serves expected demand at the target utilisation; they open
  vacancies for a share (hire_speed) of the labour gap and lay off a share (fire_speed) of any
  excess (asymmetric adjustment costs); a firm keeps at least one talent agent (its founders).
- Matching happens in district x field cells: each quarter a share (match_efficiency) of
  min(unemployed, vacancies) is matched at random; institutes hire professionals and seniors in
  their field first, then firms in their field, then firms across fields.
- The labour market only moves people between employers and unemployment. People enter the
  city (graduates and migrants, more where vacancies stay unfilled: Harris-Todaro) and leave it
  (out-migration, retirement); these flows are counted so the stock adds up.
- Wages follow a nominal trend, slower where local unemployment exceeds its base-year rate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.economy.geography import decay
from sim.ids import N_DIST
from sim.params import LabourParams
from sim.sampling import cell_quota, choose_rows, rank_given, row_cdf, stochastic_round


def rank_within(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random rank (0, 1, ...) of each element within its key group."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order, _, rank_sorted = _ranked_order(keys, rng)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def _ranked_order(keys: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """rank_within's sort: (order by key then rank, the keys in that order, the ranks in that order)."""
    n = len(keys)
    # sort by key, ties broken by 32 random bits (one int64 sort; keys must be < 2^31)
    order = np.argsort((np.asarray(keys, dtype=np.int64) << 32) | rng.integers(0, 2**32, n, dtype=np.int64))
    sk = np.asarray(keys)[order]
    first = np.r_[True, sk[1:] != sk[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    return order, sk, np.arange(n) - start


def labour_gap(
    employees: np.ndarray, capacity: np.ndarray, expected_demand: np.ndarray, target_util: float, max_factor: float
) -> np.ndarray:
    """Desired change of employment (people): capacity should equal expected demand / target
    utilisation; with constant returns and a fixed K/L mix labour scales one-for-one, by at most
    ``max_factor`` x in a quarter."""
    want = expected_demand / target_util
    factor = np.where(capacity > 0, want / np.where(capacity > 0, capacity, 1.0), 1.0)
    return employees * (np.clip(factor, 0.0, max_factor) - 1.0)


def vacancies_and_layoffs(
    gap: np.ndarray, ppa: int, can_hire: np.ndarray, p: LabourParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Vacancies and layoffs in talent agents per employer."""
    vac = stochastic_round(np.clip(gap, 0, None) * p.hire_speed / ppa, rng)
    lay = stochastic_round(np.clip(-gap, 0, None) * p.fire_speed / ppa, rng)
    return np.where(can_hire, vac, 0), lay


def vacancies_and_layoffs_of(
    rows: np.ndarray, n: int, gap: np.ndarray, ppa: int, can_hire: np.ndarray, p: LabourParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """vacancies_and_layoffs of ``n`` employers whose gap is 0 outside ``rows`` (``gap`` and
    ``can_hire`` given for ``rows``): the same draws (one per employer) and the same results, computed
    for ``rows`` only (a gap of 0 gives no vacancies and no layoffs)."""
    u_vac, u_lay = rng.random(n), rng.random(n)
    vac, lay = np.zeros(n, np.int64), np.zeros(n, np.int64)
    # a gap <= 0 rounds to no vacancies and a gap >= 0 to no layoffs: only the others are computed
    up = np.flatnonzero(can_hire & (gap > 0))
    vac[rows[up]] = round_with(gap[up] * p.hire_speed / ppa, u_vac[rows[up]])
    down = np.flatnonzero(gap < 0)
    lay[rows[down]] = round_with(-gap[down] * p.fire_speed / ppa, u_lay[rows[down]])
    return vac, lay


def round_with(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """sim.sampling.stochastic_round with its uniform draws ``u`` given."""
    f = np.floor(x)
    return (f + (u < (x - f))).astype(np.int64)


def separations(
    employer: np.ndarray, employed: np.ndarray, layoffs: np.ndarray, quit_rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Mask of employed agents who leave their job (layoffs by random rank, then quits); the
    first-ranked agent of every employer stays (founders)."""
    idx = np.flatnonzero(employed)
    out = np.zeros(len(employer), bool)
    out[idx[leavers(employer[idx], layoffs, quit_rate, rng)]] = True
    return out


def leavers(k: np.ndarray, layoffs: np.ndarray, quit_rate: float, rng: np.random.Generator) -> np.ndarray:
    """separations of the employed agents only, keyed by employer ``k``: the mask of those who leave.
    Ranks as rank_within (same draws), but only the employers that lay off are sorted; the founder
    is the group minimum of the draws."""
    n = len(k)
    r = rng.integers(0, 2**32, n, dtype=np.int64) if n else np.zeros(0, np.int64)
    n_emp = np.bincount(k, minlength=len(layoffs))
    lay = np.minimum(layoffs, np.maximum(n_emp - 1, 0))
    ranked = _top_and_founders(k, r, n_emp, lay)
    if ranked is None:  # equal draws where they matter: the full ranking, as rank_within does it
        rank = rank_given(k, r)
        laid_off, founder = (rank >= n_emp[k] - lay[k]) & (rank > 0), rank == 0
    else:
        laid_off, founder = ranked
    # highest ranks are laid off; rank 0 (founder) never leaves
    quits = np.flatnonzero(rng.random(n) < quit_rate)
    laid_off[quits[~founder[quits]]] = True  # laid_off | (~founder & quit), set at the few who quit
    return laid_off


def _top_and_founders(
    k: np.ndarray, r: np.ndarray, n_emp: np.ndarray, lay: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(laid off, founder) masks of the agents keyed ``k`` with tie-break draws ``r``: the ``lay[k]``
    highest-ranked of each group and each group's rank 0; None when equal draws would make the
    outcome depend on the sort's order of ties (0 <= lay < n_emp, so a founder is never laid off)."""
    if len(k) == 0:
        return np.zeros(0, bool), np.zeros(0, bool)
    lo = np.full(len(n_emp), 2**32, dtype=np.int64)
    np.minimum.at(lo, k, r)
    founder = r == lo[k]
    if np.count_nonzero(founder) != np.count_nonzero(n_emp):  # equal draws at a group minimum
        return None
    sub = np.flatnonzero((lay > 0)[k])  # whole groups, so ranks within them are the full ranks
    comb = (k[sub] << 32) | r[sub]
    order = np.argsort(comb)  # no ties (checked), so any sort gives rank_within's order
    sc = comb[order]
    if (sc[1:] == sc[:-1]).any():
        return None
    sk = k[sub][order]
    start = np.searchsorted(sk, sk, side="left")
    top = np.arange(len(sub)) - start >= n_emp[sk] - lay[sk]
    laid_off = np.zeros(len(k), bool)
    laid_off[sub[order[top]]] = True
    return laid_off, founder


def match(
    agent_idx: np.ndarray,
    agent_key: np.ndarray,
    slot_owner: np.ndarray,
    slot_key: np.ndarray,
    efficiency: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Match agents to vacancy slots within cells (same key). In each cell
    floor(efficiency x min(U, V)) pairs form, at random on both sides (stochastically rounded).
    Returns (matched agent indices, slot positions)."""
    if len(agent_idx) == 0 or len(slot_owner) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    m = cell_quota(agent_key, slot_key, efficiency, rng)
    # rank_within's ranks, kept in their sorted (cell, rank) order: the k-th selected agent of a cell
    # pairs with the k-th selected slot of the same cell
    a_order, a_key, a_rank = _ranked_order(agent_key, rng)
    s_order, s_key, s_rank = _ranked_order(slot_key, rng)
    return agent_idx[a_order[a_rank < m[a_key]]], s_order[s_rank < m[s_key]]


def cell_key(field: np.ndarray, district: np.ndarray) -> np.ndarray:
    return field.astype(np.int64) * N_DIST + district


def leave_city(
    employed: np.ndarray,
    age: np.ndarray,
    p: LabourParams,
    rng: np.random.Generator,
    employed_multiplier: np.ndarray | float = 1.0,
    district: np.ndarray | None = None,
) -> np.ndarray:
    """Mask of agents leaving the talent stock this quarter (out-migration or retirement);
    ``employed_multiplier`` scales the out-migration of the employed (e.g. housing support), per
    agent, or per district when the agents' ``district`` is given (the same rates, gathered)."""
    rate_employed = p.outmigration_employed * employed_multiplier
    if district is not None:
        rate_employed = np.asarray(rate_employed)[district]
    rate = np.where(employed, rate_employed, p.outmigration_unemployed)
    return (rng.random(len(age)) < rate) | (age >= p.retirement_age)


def leaving_rows(
    alive: np.ndarray,
    employed_at: Callable[[np.ndarray], np.ndarray],
    age: np.ndarray,
    p: LabourParams,
    rng: np.random.Generator,
    employed_multiplier: np.ndarray,
    district: np.ndarray,
) -> np.ndarray:
    """Positions of the ``alive`` agents for whom leave_city(employed, age, p, rng,
    employed_multiplier, district) is true, with the same draws. A draw can only fall below an
    agent's rate if it is below the highest rate, so the rates (and ``employed_at(positions)``, the
    employed mask at those positions) are looked up for those few agents only."""
    u = rng.random(len(age))
    rate_employed = np.broadcast_to(p.outmigration_employed * np.asarray(employed_multiplier), (N_DIST,))
    cand = np.flatnonzero(u < max(float(rate_employed.max()), p.outmigration_unemployed))
    rate = np.where(employed_at(cand), rate_employed[district[cand]], p.outmigration_unemployed)
    out = age >= p.retirement_age
    out[cand[u[cand] < rate]] = True
    return np.flatnonzero(alive & out)


def move_destinations(
    district: np.ndarray, pull: np.ndarray, distance_km: np.ndarray, p: LabourParams, rng: np.random.Generator
) -> np.ndarray:
    """New districts of searching unemployed agents: a share move, choosing by vacancies
    (``pull`` per district) with distance decay; the rest stay."""
    moving = rng.random(len(district)) < p.move_probability
    cdf = row_cdf(pull[None, :] * decay(distance_km, p.move_distance_km))
    dest = district.copy()
    if moving.any():
        dest[moving] = choose_rows(cdf, district[moving].astype(np.int64), rng)
    return dest


def update_wage_index(
    wage_index: np.ndarray, unemployed: np.ndarray, labour_force: np.ndarray, trend: np.ndarray, p: LabourParams
) -> np.ndarray:
    """Nominal wage index by field x district (yuan/person/quarter): the field's indexation to prices
    and productivity (``trend`` [N_IND], log growth per quarter; sim.economy.prices.wage_growth),
    lower where the cell's unemployment rate is above the base-year rate (a wage curve, Blanchflower &
    Oswald)."""
    u = np.where(labour_force > 0, unemployed / np.maximum(labour_force, 1e-9), p.unemployment_rate)
    g = np.clip(
        np.expm1(trend)[:, None] - p.wage_unemployment_response * (u - p.unemployment_rate),
        p.max_wage_change[0],
        p.max_wage_change[1],
    )
    return wage_index * (1.0 + g)


__all__ = [
    "rank_within",
    "labour_gap",
    "vacancies_and_layoffs",
    "vacancies_and_layoffs_of",
    "round_with",
    "separations",
    "leavers",
    "match",
    "cell_key",
    "leave_city",
    "leaving_rows",
    "move_destinations",
    "update_wage_index",
]
