"""Phase 5 of a quarter: production along the supply chain (sim.economy.production), then market
shares move (replicator on TFP gains, buyers lost where demand went unserved)."""

from __future__ import annotations

import numpy as np

from sim.economy import demand as dem
from sim.economy import production_kernel, shocks
from sim.economy.production import produce, va_capacity
from sim.ids import MONTHS_PER_QUARTER, N_IND
from sim.kernel.markets import industry_ulc_and_productivity
from sim.kernel.state import gather, reusable
from sim.kernel.world import ProductionRecord, World

PRODUCTION_COLUMNS = (
    "final_demand",
    "demand",
    "output",
    "value_added",
    "intermediate",
    "interm_sei",
    "sales_final",
    "sales_interm",
)


def alive_capacity(w: World) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alive firm rows, their real VA capacity in base-year yuan/quarter, their gross-output
    capacity at this quarter's output price of their industry in yuan/quarter): real capacity x
    price / VA ratio. Input coefficients are fixed in value terms."""
    f = w.firms
    a = np.flatnonzero(f.alive)  # the powers only for alive rows (exited ones keep their rows)
    cap_va = va_capacity(f.z[a], f.tfp[a], f.employees[a], f.capital[a], w.params.production.labour_elasticity)
    return a, cap_va, cap_va * (w.markets.price / w.data.va_ratio)[f.industry[a]]


def active_links(w: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Alive firm rows and the links among them, re-indexed to positions in that list, with the
    link table's weights as they are and the sorted positions of the links left out (None when
    none is): produce passes over those, so the weights are not copied (6 MB at city scale)."""
    f, L = w.firms, w.links
    idx = np.flatnonzero(f.alive)
    pos = np.full(f.n, -1, np.int32 if f.n < 2**31 else np.int64)  # int32: half the traffic of the link passes
    pos[idx] = np.arange(len(idx))
    if production_kernel.enabled(L.n):  # one compiled pass: both ends and whether any is dead
        s, c = reusable(w.cache, "supplier_pos", L.n, pos.dtype), reusable(w.cache, "customer_pos", L.n, pos.dtype)
        s, c = s[: L.n], c[: L.n]
        all_alive = production_kernel.jit_loops(__name__, {"ends": _link_ends})["ends"](
            pos, L.supplier, L.customer, s, c
        )
    else:
        s, c = gather(pos, L.supplier), gather(pos, L.customer)
        all_alive = s.min(initial=0) >= 0 and c.min(initial=0) >= 0
    # demography drops the links of exited customers and rewires those of exited suppliers, but a
    # few redraws fail (no firm, or the customer itself) each quarter: the filter runs most quarters
    if all_alive:
        return idx, s, c, L.weight, None
    bad = np.union1d(np.flatnonzero(s < 0), np.flatnonzero(c < 0))  # a few dozen links
    if len(bad) > 4096:
        ok = (s | c) >= 0  # both positions >= 0 (the sign bit of either is set in s | c)
        return idx, s[ok], c[ok], L.weight, np.flatnonzero(~ok)
    return idx, _without(s, bad), _without(c, bad), L.weight, bad


def _link_ends(pos: np.ndarray, sup: np.ndarray, cust: np.ndarray, s: np.ndarray, c: np.ndarray) -> bool:
    """active_links' compiled pass: the positions of both ends of every link (into ``s`` and ``c``,
    of ``pos``'s type), and whether all are alive (no position -1)."""
    lo = 0
    for k in range(len(sup)):
        a, b = pos[sup[k]], pos[cust[k]]
        s[k], c[k] = a, b
        lo = min(lo, a | b)
    return lo >= 0


def _without(a: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """``a`` without the entries at the sorted positions ``bad`` (not empty), compacted in place
    (a view of its head is returned): the runs between them are copied down as slices, faster than
    a boolean gather of the whole array when they are few."""
    k = int(bad[0])
    for lo, hi in zip((bad[:-1] + 1).tolist(), bad[1:].tolist()):
        a[k : k + hi - lo] = a[lo:hi]  # moves down (or stays): overlapping copies are safe
        k += hi - lo
    rest = len(a) - int(bad[-1]) - 1
    a[k : k + rest] = a[len(a) - rest :]
    return a[: k + rest]


def _update_shares(w: World, idx: np.ndarray, final_demand: np.ndarray) -> None:
    """Market shares: replicator on TFP gains since base or entry relative to the industry
    (innovators win buyers), and buyers lost where final demand went unserved."""
    f, pp = w.firms, w.params.production
    # computed for the alive rows ``idx`` only; exited rows get share 0
    ind, share, d = f.industry[idx].astype(np.intp), f.share[idx], final_demand  # intp: no cast in each use
    gain = np.log(f.tfp[idx] / f.tfp_ref[idx])
    mean_gain = np.bincount(ind, weights=share * gain, minlength=N_IND) / np.maximum(
        np.bincount(ind, weights=share, minlength=N_IND), 1e-300
    )
    rel = np.exp(gain - mean_gain[ind])
    elasticity = pp.share_elasticity * w.effects.share_elasticity_multiplier
    unmet = np.where(d > 0, np.clip(d - f.sales_final[idx], 0, None) / np.where(d > 0, d, 1.0), 0.0)
    s = share * rel**elasticity * (1.0 - pp.lost_share_rate * unmet)
    total = np.maximum(np.bincount(ind, weights=s, minlength=N_IND), 1e-300)
    f.share[:] = 0.0
    f.share[idx] = s / total[ind]


def _update_costs(
    w: World,
    ind: np.ndarray,
    final_demand: np.ndarray,
    final_sales: np.ndarray,
    alive_va: tuple[np.ndarray, np.ndarray],
) -> None:
    """The industry's unserved share of final demand, and its smoothed unit labour cost and
    productivity (what Shenzhen's prices, shares and wages follow next quarter); ``alive_va``: the
    alive rows and real VA capacities alive_capacity gave (the columns it read have not changed)."""
    m, mk = w.markets, w.params.market
    dem_i = np.bincount(ind, weights=final_demand, minlength=N_IND)
    sold = np.bincount(ind, weights=final_sales, minlength=N_IND)
    m.unserved = np.divide(dem_i - sold, dem_i, out=np.zeros(N_IND), where=dem_i > 0).clip(0.0, 1.0)
    ulc, prod = industry_ulc_and_productivity(w.firms, w.params.production.labour_elasticity, alive_va)
    m.ulc = (1.0 - mk.cost_smoothing) * m.ulc + mk.cost_smoothing * ulc
    growth = np.log(np.divide(prod, m.productivity, out=np.ones(N_IND), where=(m.productivity > 0) & (prod > 0)))
    a = mk.productivity_smoothing
    m.productivity_growth = (1.0 - a) * m.productivity_growth + a * growth
    m.productivity = prod


def production(w: World, year: int, q: int) -> None:
    """Final demand of each firm (its share of its industry's external demand, times policy
    multipliers, plus public purchases) meets capacity along the supplier network."""
    f, pp, sc = w.firms, w.params.production, w.scenario
    # only the outputs read last quarter's record, after the quarter: its link arrays (~12 MB at city scale) go now
    w.last_production = None
    level = w.ext_demand * w.markets.profile * dem.shock_multiplier(year, q, sc)
    alive, cap_va, cap_alive = alive_capacity(w)
    cap_all = np.zeros(f.n)  # exited rows: 0
    cap_all[alive] = cap_alive
    idx, sup, cust, wt, skip = active_links(w)
    ind = f.industry[idx]
    lvl = level[ind]
    avail = np.array([sc.import_availability.get(i, 1.0) for i in w.industry_ids])
    hit = shocks.multipliers(sc, year, q, f.industry, f.district) if sc.shocks or sc.events else None
    if hit is not None:  # scenario.shocks: market demand, capacity and imports of the hit firms
        lvl = lvl * hit.demand[idx]
        cap_all = cap_all * hit.supply
        avail = avail * hit.imports
    d = f.share[idx] * lvl * w.effects.demand_multiplier[idx] + w.effects.public_demand[idx]
    res = produce(
        ind=ind,
        capacity=cap_all[idx],
        final_demand=d,
        sup=sup,
        cust=cust,
        w=wt,
        w_skip=skip,
        io=w.data.io,
        va_ratio=w.data.va_ratio,
        import_avail=avail,
        rounds=pp.rationing_rounds,
        spot_share=pp.spot_share,
        flow_out=reusable(w.cache, "link_flow", len(sup)),  # kept between quarters (6 MB at city scale)
    )
    f.capacity[:] = cap_all
    for col in PRODUCTION_COLUMNS:
        arr = f.col(col)
        arr[:] = 0.0
        arr[idx] = d if col == "final_demand" else getattr(res, col)
    f.value_added_real[:] = f.value_added / w.markets.price[f.industry]
    _update_costs(w, ind, d, res.sales_final, (alive, cap_va))
    f.rent[:] = f.floor_space * w.rent[f.district] * MONTHS_PER_QUARTER
    w.last_production = ProductionRecord(rows=idx, result=res, supplier_pos=sup, customer_pos=cust)
    _update_shares(w, idx, d)
