"""Supplier choice: who a customer buys each input from (base-year network, entrants, rewiring).

A supplier of industry j for a customer in district d is drawn in two steps: its district by
distance decay times industry j's output there, then a firm of that cell in proportion to its
size. How many suppliers a customer has per input grows as a power of its size (params.init),
with no fixed cap, so in-degrees are heavy-tailed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.basedata import BaseData
from sim.economy import production_kernel
from sim.economy.geography import decay
from sim.ids import N_DIST, N_IND
from sim.kernel.order_stats import industry_counts
from sim.kernel.state import Table, gather
from sim.params import InitParams
from sim.quantiles import median
from sim.sampling import GroupSampler, choose_rows, row_cdf


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
        *,
        compiled: bool = False,
    ):
        """``compiled``: build and draw with numba passes (_group_loop, _draw_loop: the same
        draws and results)."""
        # alive firms only: the same draws as sampling every row with exited ones in a group of
        # their own at zero weight (that group sorts last and is never drawn from)
        if compiled:  # the same arrays from a compiled counting sort (_group_loop)
            groups = _compiled_loops()["groups"](ind, dist, np.asarray(size, dtype=float), alive, N_IND * N_DIST)
            self.sampler = GroupSampler.from_sorted(*groups)
        else:
            rows = np.flatnonzero(alive)
            group = ind[rows].astype(np.int64) * N_DIST + dist[rows]
            self.sampler = GroupSampler(group, size[rows], N_IND * N_DIST, item_ids=rows)
        mass = self.sampler.group_total().reshape(N_IND, N_DIST)
        kern = decay(distance_km, efold_km)
        self.cdf = row_cdf((mass[:, None, :] * kern[None, :, :]).reshape(N_IND * N_DIST, N_DIST))
        self.compiled = False
        if compiled:
            self._compile()

    def _compile(self) -> None:
        """Draw with the compiled pass from now on: a guide table per group (_guide_loop)."""
        self.guide = np.empty(len(self.sampler.items), np.int64)
        _compiled_loops()["guide"](self.sampler.start, self.sampler.stop, self.sampler.cum, self.guide)
        self.compiled = True

    def draw(self, industry: np.ndarray, customer_district: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One supplier row per request; -1 where the industry has no firm. As many requests as a
        network has links (the base network) switch the chooser to the compiled draws, as
        production_kernel.enabled decides for that many links: the same draws either way."""
        industry = industry.astype(np.int64)
        if not self.compiled and production_kernel.enabled(len(industry)):
            self._compile()
        if self.compiled:
            rows = industry * N_DIST + customer_district
            u_dist, u_firm = rng.random(len(rows)), rng.random(len(rows))  # as choose_rows, then sampler.draw
            s = self.sampler
            out = np.empty(len(rows), np.int64)
            _compiled_loops()["draw"](
                self.cdf, rows, u_dist, u_firm, s.start, s.stop, s.cum, s.total, s.items, self.guide, out
            )
            return out
        d_sup = choose_rows(self.cdf, industry * N_DIST + customer_district, rng)
        return self.sampler.draw(industry * N_DIST + d_sup, rng)


def _group_loop(
    ind: np.ndarray, dist: np.ndarray, size: np.ndarray, alive: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """GroupSampler's items, cum, start and stop for the alive rows grouped by cell: a counting
    sort keeps row order within a cell (as the stable sort does) and the cumulative sum runs in
    that order (as np.cumsum does)."""
    count = np.zeros(n_groups, np.int64)
    for i in range(len(alive)):
        if alive[i]:
            count[np.int64(ind[i]) * N_DIST + dist[i]] += 1
    stop = np.cumsum(count)
    start = stop - count
    at = start.copy()
    items = np.empty(stop[-1], np.int64)
    cum = np.empty(stop[-1])
    for i in range(len(alive)):
        if alive[i]:
            g = np.int64(ind[i]) * N_DIST + dist[i]
            items[at[g]], cum[at[g]] = i, size[i]
            at[g] += 1
    acc = 0.0
    for p in range(len(cum)):
        acc += cum[p]
        cum[p] = acc
    return items, cum, start, stop


def _guide_loop(start: np.ndarray, stop: np.ndarray, cum: np.ndarray, guide: np.ndarray) -> None:
    """For each group of n items, n buckets of equal weight: guide[start + j] is the first item of
    the group whose cumulative weight exceeds the group's j/n point (a guide table, Chen and Asau
    1974), where a draw's search starts; drawing a bucket by weight, it then steps over one item
    on average."""
    for g in range(len(start)):
        s, e = start[g], stop[g]
        n = e - s
        base = cum[s - 1] if s > 0 else 0.0
        tot = cum[e - 1] - base if n > 0 else 0.0
        i = s
        for j in range(n):
            thr = base + (j / n) * tot
            while i < e - 1 and cum[i] <= thr:
                i += 1
            guide[s + j] = i


def _draw_loop(
    cdf: np.ndarray, rows: np.ndarray, u_dist: np.ndarray, u_firm: np.ndarray, start: np.ndarray, stop: np.ndarray,
    cum: np.ndarray, total: np.ndarray, items: np.ndarray, guide: np.ndarray, out: np.ndarray,
) -> None:  # fmt: skip
    """SupplierChooser.draw's two steps per request in one pass, with the uniforms given: the
    district as choose_rows picks it (columns of the cdf row below u), then the firm as
    GroupSampler.draw picks it: the first item of the group whose cumulative weight exceeds u (the
    position of numpy's search of the whole array, clipped to the group), found by stepping from
    the guide table's start in either direction (exact whatever the guide's rounding); -1 where
    the group has no weight."""
    n_col = cdf.shape[1]
    for k in range(len(rows)):
        d = 0
        for j in range(n_col):
            d += cdf[rows[k], j] < u_dist[k]
        g = (rows[k] // N_DIST) * N_DIST + min(d, n_col - 1)
        tot = total[g]
        if not tot > 0:
            out[k] = -1
            continue
        s, e = start[g], stop[g]
        u = (cum[s - 1] if s > 0 else 0.0) + u_firm[k] * tot
        b = guide[s + min(int(u_firm[k] * (e - s)), e - s - 1)]
        while b > s and cum[b - 1] > u:
            b -= 1
        while b < e and cum[b] <= u:
            b += 1
        out[k] = items[min(b, e - 1)]


def _links_to_redo(
    redo: np.ndarray, alive: np.ndarray, supplier: np.ndarray, customer: np.ndarray, industry: np.ndarray,
    district: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Rewiring's links to re-choose (``redo``, plus every link to an exited supplier; ``redo``
    is updated) with their supplier's industry and customer's district, in link order."""
    n = 0
    for i in range(len(redo)):
        if not alive[supplier[i]]:
            redo[i] = True
        n += redo[i]
    idx = np.empty(n, np.int64)
    ind = np.empty(n, industry.dtype)
    dist = np.empty(n, district.dtype)
    m = 0
    for i in range(len(redo)):
        if redo[i]:
            idx[m], ind[m], dist[m] = i, industry[supplier[i]], district[customer[i]]
            m += 1
    return idx, ind, dist


def _drop_dead_customers(alive: np.ndarray, supplier: np.ndarray, customer: np.ndarray, weight: np.ndarray) -> int:
    """drop_dead_customers' compiled pass: the links whose customer is alive moved to the front,
    in order; returns how many."""
    k = 0
    for i in range(len(customer)):
        if alive[customer[i]]:
            supplier[k], customer[k], weight[k] = supplier[i], customer[i], weight[i]
            k += 1
    return k


def drop_dead_customers(links: Table, alive: np.ndarray, *, compiled: bool) -> None:
    """Drop the links whose customer has exited (sim.kernel.phases.demography.rewire), keeping the
    others in order: one compiled pass over the link columns when ``compiled``, else a mask and
    Table.keep (the same table)."""
    if compiled:
        n = _compiled_loops()["drop"](alive, links.supplier, links.customer, links.weight)
        links.keep_first(n)
        return
    keep = gather(alive, links.customer)
    if not keep.all():
        links.keep(keep)


def _relink(idx: np.ndarray, new: np.ndarray, supplier: np.ndarray, customer: np.ndarray) -> None:
    """Rewiring's new suppliers where one was drawn and it is not the customer itself."""
    for m in range(len(idx)):
        if new[m] >= 0 and new[m] != customer[idx[m]]:
            supplier[idx[m]] = new[m]


def rewire_links(
    supplier: np.ndarray, customer: np.ndarray, alive: np.ndarray, industry: np.ndarray, district: np.ndarray,
    redo: np.ndarray, chooser: SupplierChooser, rng: np.random.Generator,
) -> None:  # fmt: skip
    """Re-choose the supplier of the links marked in ``redo`` and of every link to an exited
    supplier (sim.kernel.phases.demography.rewire), in place; compiled loops when the chooser is
    compiled (the same draws and results)."""
    if chooser.compiled:
        idx, ind, dist = _compiled_loops()["links_to_redo"](redo, alive, supplier, customer, industry, district)
        if len(idx):
            _compiled_loops()["relink"](idx, chooser.draw(ind, dist, rng), supplier, customer)
        return
    redo |= ~gather(alive, supplier)
    if redo.any():
        idx = np.flatnonzero(redo)
        new = chooser.draw(industry[supplier[idx]], district[customer[idx]], rng)
        ok = (new >= 0) & (new != customer[idx])
        supplier[idx[ok]] = new[ok]


def _compiled_loops() -> dict[str, Callable[..., Any]]:
    """This module's loops compiled (production_kernel.jit_loops)."""
    loops: dict[str, Callable[..., Any]] = {"groups": _group_loop, "guide": _guide_loop, "draw": _draw_loop}
    loops.update(links_to_redo=_links_to_redo, relink=_relink, drop=_drop_dead_customers)
    return production_kernel.jit_loops(__name__, loops)


def build_network(
    ind: np.ndarray,
    dist: np.ndarray,
    size: np.ndarray,
    alive: np.ndarray,
    data: BaseData,
    init: InitParams,
    rng: np.random.Generator,
    *,
    customers: np.ndarray | None = None,
    chooser: SupplierChooser,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Supplier links (supplier, customer, weight) for ``customers`` (default: all alive firms).

    Each customer buys from 1 + Poisson(λ) suppliers in every SEI industry its input column uses,
    λ = ``init.supplier_base`` x (size / median)^``init.supplier_size_exponent``, at most the firms
    of that industry: with Pareto sizes of exponent a, suppliers per customer (the in-degree) have a
    tail of exponent about a / exponent. The returned weights are link strengths (1.0); order shares
    follow from them times supplier capacity (sim.economy.production.link_weights).
    """
    if customers is None:
        customers = np.flatnonzero(alive)
    uses = data.io[:N_IND, :] > 0  # [from j, to i]
    c_rep, j_rep = np.nonzero(uses[:, ind[customers]].T)  # pairs (customer position, input industry)
    cust = customers[c_rep]
    rows = np.flatnonzero(alive)  # positions: faster gathers than the boolean mask
    med = median(size[rows]) if len(rows) else 1.0
    lam = init.supplier_base * (np.maximum(size[cust], 1e-12) / max(med, 1e-12)) ** init.supplier_size_exponent
    n_firms = industry_counts(ind[rows])
    k = np.minimum(1 + rng.poisson(np.minimum(lam, 1e9)), np.maximum(n_firms[j_rep], 1))
    pair = np.repeat(np.arange(len(cust)), k)
    cust_l, j_l = cust[pair], j_rep[pair]
    sup = chooser.draw(j_l, dist[cust_l], rng)
    redo = sup == cust_l
    if redo.any():
        sup[redo] = chooser.draw(j_l[redo], dist[cust_l[redo]], rng)
    ok = (sup >= 0) & (sup != cust_l)
    sup, cust_l = sup[ok], cust_l[ok]
    return sup.astype(np.int32), cust_l.astype(np.int32), np.ones(len(sup))
