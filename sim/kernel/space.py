"""Floor space and location: space per worker, free space by district, and the logit location
choice of entrants and movers (used by labour, entry, relocation and the space levers)."""

from __future__ import annotations

import numpy as np

from sim.economy import production_kernel
from sim.economy.geography import location_utility, logit_probabilities
from sim.ids import N_DIST, N_IND
from sim.kernel.cells import N_CELLS, cell
from sim.kernel.order_stats import sums_where
from sim.kernel.world import World
from sim.sampling import choose_rows


def space_per_worker(w: World) -> np.ndarray:
    """Floor space per employee by district (m2): the norm at base-year data rents, less where
    rents have risen (firms economise on space; elasticity params.geography.space_rent_elasticity)."""
    g = w.params.geography
    return g.floor_space_per_worker * (w.rent / (w.data.rent * w.base.rent_index)) ** (-g.space_rent_elasticity)


def floor_used(w: World) -> np.ndarray:
    """Floor space used by alive firms by district (m2)."""
    f = w.firms
    return sums_where(f.district, f.alive, f.floor_space, N_DIST, compiled=production_kernel.enabled(w.links.n))


def free_space(w: World) -> np.ndarray:
    """Floor space open to SEI firms and not used, by district (m2)."""
    return np.clip(w.floor_space - floor_used(w), 0, None)


def location_probs(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Logit location probabilities [N_IND, N_DIST] (rent, free space, industry presence and this
    quarter's policy bonuses) and free floor space [N_DIST] (m2)."""
    f = w.firms
    free = free_space(w)
    # output by cell of the alive firms: count(f.industry[alive], f.district[alive], f.output[alive])
    compiled = production_kernel.enabled(w.links.n)
    out = sums_where(cell(f.industry, f.district), f.alive, f.output, N_CELLS, compiled=compiled).reshape(N_IND, N_DIST)
    presence = out / np.maximum(out.sum(axis=1, keepdims=True), 1e-300)
    u = location_utility(w.rent, free, presence, w.params.demography) + w.effects.location_bonus
    return logit_probabilities(u), free


def choose_district(
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
