"""Vectorised weighted sampling used by several mechanisms (no per-agent Python loops)."""

from __future__ import annotations

import numpy as np


def choose_rows(cdf: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each draw k, pick a column of probability row ``rows[k]`` of a row-stochastic matrix given
    as its cumulative sums ``cdf`` ([R, C], last column 1)."""
    u = rng.random(len(rows))
    if len(rows) < 4096:
        return np.minimum((cdf[rows] < u[:, None]).sum(axis=1), cdf.shape[1] - 1)
    # many draws: count the columns below u one column at a time (the same counts, 3x faster
    # than summing a [draws, C] boolean along its short rows)
    rows = np.asarray(rows, dtype=np.intp)
    below = np.zeros(len(rows), np.intp)
    for col in np.ascontiguousarray(cdf.T):
        below += np.take(col, rows) < u
    return np.minimum(below, cdf.shape[1] - 1)


def random_below(rng: np.random.Generator, n: int, p: float, chunk: int = 1 << 16) -> np.ndarray:
    """``rng.random(n) < p`` with the same draws, drawn in chunks into one small buffer: no fresh
    n-sized array of doubles (its first touch costs as much as drawing it)."""
    out = np.empty(n, dtype=bool)
    buf = np.empty(min(chunk, n))
    for lo in range(0, n, chunk):
        u = buf[: min(chunk, n - lo)]
        rng.random(out=u)  # one 64-bit output per double, so chunks continue the same stream
        np.less(u, p, out=out[lo : lo + len(u)])
    return out


def row_cdf(weights: np.ndarray) -> np.ndarray:
    """Cumulative row sums normalised to 1; a row of zeros becomes uniform."""
    w = np.asarray(weights, dtype=float)
    tot = w.sum(axis=1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1), 1.0 / w.shape[1])
    c = np.cumsum(w, axis=1)
    c[:, -1] = 1.0
    return c


class GroupSampler:
    """Draw items with probability proportional to weight within a group (e.g. firms of one
    industry in one district). Build once per quarter, then draw many times vectorised."""

    def __init__(self, item_group: np.ndarray, weights: np.ndarray, n_groups: int, item_ids: np.ndarray | None = None):
        """``item_group``: each item's group, in [0, n_groups); ``item_ids``: what a draw returns for
        each item (default: its position)."""
        g = np.asarray(item_group, dtype=np.int64)
        # a stable sort of 16-bit keys is a radix sort (2-3x faster); the order is the same
        order = np.argsort(g.astype(np.int16) if n_groups <= 2**15 else g, kind="stable")
        items = order if item_ids is None else np.asarray(item_ids)[order]
        cum = np.cumsum(np.asarray(weights, dtype=float)[order])
        # each group's slice of the sorted items, from the group sizes (no search of the sorted keys)
        size = np.bincount(g, minlength=n_groups)[:n_groups]
        stop = np.cumsum(size)
        self._set(items, cum, stop - size, stop)

    @classmethod
    def from_sorted(cls, items: np.ndarray, cum: np.ndarray, start: np.ndarray, stop: np.ndarray) -> GroupSampler:
        """A sampler from arrays built elsewhere (e.g. a compiled pass): the items sorted by group,
        their cumulative weights, and each group's slice [start, stop) of them."""
        sampler = cls.__new__(cls)
        sampler._set(items, cum, start, stop)
        return sampler

    def _set(self, items: np.ndarray, cum: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
        self.items, self.cum, self.start, self.stop = items, cum, start, stop
        base = np.concatenate([[0.0], cum])
        self.total = base[stop] - base[start]
        self._base = base

    def group_total(self) -> np.ndarray:
        return self.total

    def draw(self, groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One item per entry of ``groups``; -1 where the group is empty or has zero weight."""
        groups = np.asarray(groups)
        tot, start = self.total[groups], self.start[groups]
        u = self._base[start] + rng.random(len(groups)) * tot
        # searching in ascending order of u is cache-friendly (2-3x faster); each position is the
        # same (whatever the order). Roughly ascending does as well: u cut to 16 bits sorts by radix, 3x faster
        top = float(self.cum[-1]) if len(self.cum) else 0.0  # u <= top, so u * 65000 / top < 2**16
        if 0.0 < top < np.inf:
            order = np.argsort((u * (65000.0 / top)).astype(np.uint16), kind="stable")
        else:
            order = np.argsort(u)
        pos = np.empty(len(u), dtype=np.intp)
        pos[order] = np.searchsorted(self.cum, u[order], side="right")
        pos = np.clip(pos, start, np.maximum(self.stop[groups] - 1, start))
        out = self.items[np.minimum(pos, len(self.items) - 1)] if len(self.items) else np.full(len(groups), -1)
        return np.where(tot > 0, out, -1)


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round to integers keeping the expectation (floor plus a Bernoulli on the fraction)."""
    f = np.floor(x)
    return (f + (rng.random(np.shape(x)) < (x - f))).astype(np.int64)


def rank_given(keys: np.ndarray, tie_break: np.ndarray) -> np.ndarray:
    """Rank (0, 1, ...) of each element within its key group, ordered by ``tie_break`` (32-bit
    draws): sim.economy.labour.rank_within with its random numbers given."""
    n = len(keys)
    order = np.argsort((np.asarray(keys, dtype=np.int64) << 32) | tie_break)
    sk = np.asarray(keys)[order]
    first = np.r_[True, sk[1:] != sk[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - start
    return rank


def first_in_group(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mask of the elements ranked 0 by sim.economy.labour.rank_within (same draws, same result),
    by a group minimum instead of a sort; keys are non-negative."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=bool)
    r = rng.integers(0, 2**32, n, dtype=np.int64)
    k = np.asarray(keys, dtype=np.int64)
    lo = np.full(int(k.max()) + 1, 2**32, dtype=np.int64)
    np.minimum.at(lo, k, r)
    first = r == lo[k]
    if np.count_nonzero(first) != np.count_nonzero(lo < 2**32):  # equal draws at a group minimum
        return rank_given(keys, r) == 0
    return first


def _first_m(key: np.ndarray, r: np.ndarray, m: np.ndarray) -> np.ndarray | None:
    """Positions of the ``m[c]`` lowest-ranked elements of each cell c in (cell, rank) order, from
    the elements with small draws only; None when a cell has too few of them or draws tie."""
    big = np.bincount(key, minlength=len(m))
    cut = np.where(m > 0, np.minimum(2**32, (2**32 * (3 * m + 16)) // np.maximum(big, 1)), 0)
    cand = np.flatnonzero(r < cut[key])
    comb = (key[cand] << 32) | r[cand]
    order = np.argsort(comb, kind="stable")
    cand, comb = cand[order], comb[order]
    kc = key[cand]
    if (comb[1:] == comb[:-1]).any() or (np.bincount(kc, minlength=len(m)) < m).any():
        return None
    rank = np.arange(len(cand)) - np.searchsorted(kc, kc, side="left")
    return cand[rank < m[kc]]


def cell_quota(agent_key: np.ndarray, slot_key: np.ndarray, efficiency: float, rng: np.random.Generator) -> np.ndarray:
    """Pairs to form in each cell of a matching (cells = keys, both sides non-empty):
    efficiency x min(agents, slots) of the cell, stochastically rounded (sim.economy.labour.match)."""
    n_cells = int(max(agent_key.max(), slot_key.max())) + 1
    U = np.bincount(agent_key, minlength=n_cells)
    V = np.bincount(slot_key, minlength=n_cells)
    return stochastic_round(efficiency * np.minimum(U, V), rng)


def match_cells(
    agent_idx: np.ndarray,
    agent_key: np.ndarray,
    slot_owner: np.ndarray,
    slot_key: np.ndarray,
    efficiency: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """sim.economy.labour.match (same draws, same result; keys int64), faster when the slots are
    few: only the agents with the smallest tie-break draws of each cell are ranked."""
    if len(agent_idx) == 0 or len(slot_owner) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    m = cell_quota(agent_key, slot_key, efficiency, rng)
    ra = rng.integers(0, 2**32, len(agent_key), dtype=np.int64)
    s_rank = rank_given(slot_key, rng.integers(0, 2**32, len(slot_key), dtype=np.int64))
    s_sel = s_rank < m[slot_key]
    s_order = np.lexsort((s_rank[s_sel], slot_key[s_sel]))
    picked = _first_m(agent_key, ra, m)
    if picked is None:  # the full ranking, as labour.match does it
        a_rank = rank_given(agent_key, ra)
        a_sel = a_rank < m[agent_key]
        picked = np.flatnonzero(a_sel)[np.lexsort((a_rank[a_sel], agent_key[a_sel]))]
    return agent_idx[picked], np.flatnonzero(s_sel)[s_order]
