"""Phase 7 of a quarter: exit, relocation, entry (start-ups, spin-offs, inward investment),
high-tech certification (sim.kernel.populations), new carriers, supplier rewiring, then rents and floor space move (sim.economy.demography, geography)."""

from __future__ import annotations

import numpy as np

from sim.economy import demography as demo
from sim.economy import space_supply
from sim.economy.geography import update_rent
from sim.ids import INWARD, N_DIST, N_IND, SPINOFF, STARTUP
from sim.kernel.cells import count
from sim.kernel.employment import refresh_employment, release_workers
from sim.kernel.entry import create_institutes, enter, entrant_agents, supplier_chooser
from sim.kernel.order_stats import industry_counts
from sim.kernel.populations import certify, startup_weight
from sim.kernel.space import choose_district, floor_used, location_probs
from sim.kernel.suppliers import SupplierChooser, drop_dead_customers, rewire_links
from sim.kernel.world import World
from sim.sampling import random_below


def _exits(w: World, insolvent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Firms exit (hazard by age and size, or insolvency); their workers become unemployed."""
    f, p = w.firms, w.params.demography
    out = demo.exit_mask(f.age, f.employees, f.alive, insolvent | (f.employees <= 0), p, rng)
    exited = np.flatnonzero(out)  # positions: faster gathers and writes than the boolean mask
    w.flows["exits"] += count(f.industry[exited], f.district[exited])
    f.alive[exited] = False
    release_workers(w, out)
    return exited


def _relocations(w: World, probs: np.ndarray, free: np.ndarray, rng: np.random.Generator) -> None:
    """Firms relocate, only to a district with free floor space for the whole firm."""
    f = w.firms
    move = demo.relocation_mask(
        w.rent[f.district], float(w.rent.mean()), f.alive, w.params.demography, rng, w.effects.relocation_multiplier
    )
    if move.any():
        rows = np.flatnonzero(move)
        dest = choose_district(probs, free, f.industry[rows], f.floor_space[rows], rng)
        changed = (dest >= 0) & (dest != f.district[rows])
        w.flows["relocations"] += count(f.industry[rows[changed]], dest[changed])
        f.district[rows[changed]] = dest[changed]


def _entries(
    w: World, probs: np.ndarray, free: np.ndarray, quarter: int, rng: np.random.Generator, chooser: SupplierChooser
) -> np.ndarray:
    """Start-ups (the industry's rate spread by the location logit, times policy multipliers),
    institute spin-offs (where the institute is) and large inward investments."""
    f, inst, p, e = w.firms, w.institutes, w.params.demography, w.effects
    # firms the market supports
    n_alive = industry_counts(f.industry[np.flatnonzero(f.alive)]) * startup_weight(w)
    starts = demo.startup_counts((n_alive[:, None] * probs * e.entry_multiplier).reshape(-1), p, rng)
    cells = np.repeat(np.arange(N_IND * N_DIST), starts)
    ind_s, dist_s = cells // N_DIST, cells % N_DIST
    dist_s = np.where(free[dist_s] > 0, dist_s, -1)
    spin = demo.spinoff_count(
        inst.capability
        * e.spinoff_multiplier
        * e.spinoff_cell_multiplier[inst.field.astype(np.int64), inst.district.astype(np.int64)],
        inst.alive,
        p,
        rng,
    )
    ind_p, dist_p = inst.field[spin].astype(np.int64), inst.district[spin].astype(np.int64)
    n_in = rng.poisson(p.inward_investment_per_year / 4.0 * w.scale.firm_fraction)
    ind_w = rng.choice(N_IND, size=n_in, p=np.maximum(w.ext_demand, 0) / w.ext_demand.sum())
    need = entrant_agents(w, ind_w, np.full(n_in, INWARD), rng) * w.ppa * w.params.geography.floor_space_per_worker
    dist_w = choose_district(probs, free, ind_w, need, rng)
    kinds = np.concatenate([np.full(len(ind_s), STARTUP), np.full(len(ind_p), SPINOFF), np.full(n_in, INWARD)])
    placed = np.concatenate([dist_s, dist_p, dist_w]) >= 0
    new_rows = enter(
        w,
        np.concatenate([ind_s, ind_p, ind_w])[placed],
        np.concatenate([dist_s, dist_p, dist_w])[placed],
        kinds[placed],
        quarter,
        rng,
        chooser,
    )
    w.flows["spinoffs"] += count(ind_p, dist_p)
    w.flows["inward"] += count(ind_w[dist_w >= 0], dist_w[dist_w >= 0])
    return new_rows


def rewire(w: World, rng: np.random.Generator, chooser: SupplierChooser) -> None:
    """Replace links to exited suppliers, drop links of exited customers, re-choose a share."""
    f, L, p = w.firms, w.links, w.params.demography
    drop_dead_customers(L, f.alive, compiled=chooser.compiled)
    # a share re-chosen at random, and every link to an exited supplier
    redo = random_below(rng, L.n, p.rewiring_rate)
    rewire_links(L.supplier, L.customer, f.alive, f.industry, f.district, redo, chooser, rng)


def _private_space(w: World) -> None:
    """Developers add floor space (sim.economy.space_supply): more when real rents seen
    params.space.lag quarters ago were above base, less where public space (levers, this quarter)
    crowds them out, never beyond the districts' developable capacity (m2)."""
    m, sp, g = w.markets, w.params.space, w.params.geography
    public = np.clip(w.floor_space - m.space_at_start, 0.0, None)
    m.rent_history.append(w.rent / m.cpi)
    del m.rent_history[: -sp.lag]
    lagged = m.rent_history[0] if len(m.rent_history) >= sp.lag else m.rent_base
    w.floor_space = w.floor_space + space_supply.private_additions(
        w.floor_space, lagged, m.rent_base, (1.0 + g.floor_space_growth) ** 0.25 - 1.0, sp.rent_elasticity,
        public, sp.crowd_out, m.floor_base * sp.capacity_multiple,
    )  # fmt: skip
    m.space_at_start = w.floor_space.copy()


def demography(
    w: World, insolvent: np.ndarray, quarter: int, rng: np.random.Generator, rng_institutes: np.random.Generator,
    rng_certification: np.random.Generator, rng_exits: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Exit (draws keyed by quarter, sim.model.keyed_rng), relocation, entry, high-tech
    certification (own random stream), new carriers, rewiring, rents. Returns (new firm rows,
    exited rows)."""
    f, p = w.firms, w.params.demography
    f.age[:] += f.alive  # one quarter older if alive (True counts 1.0), without a 0/1 array
    exited = _exits(w, insolvent, rng_exits)
    probs, free = location_probs(w)
    _relocations(w, probs, free, rng)
    chooser = supplier_chooser(w)
    new_rows = _entries(w, probs, free, quarter, rng, chooser)
    certify(w, exited, rng_certification)
    # new innovation carriers (organic creation; own random stream)
    n_new = rng_institutes.poisson(p.institute_creation_per_year / 4.0 * w.scale.institute_fraction)
    create_institutes(w, n_new, quarter, rng_institutes)
    rewire(w, rng, chooser)
    refresh_employment(w)
    g = w.params.geography
    w.rent = update_rent(w.rent, floor_used(w), w.floor_space, w.occupancy_ref, g)
    _private_space(w)
    return new_rows, exited
