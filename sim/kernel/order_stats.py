"""Per-industry statistics of the firm table that give numpy's numbers bit for bit, faster
(tests/test_perf_entry.py): counts by industry, sums by a key over a mask, and np.median / np.quantile (linear method) from
one in-place partition with numpy's own arithmetic (the numpy calls cost more in overhead and a
second partition than the order statistics themselves)."""

from __future__ import annotations

import math

import numpy as np

from sim.economy import production_kernel
from sim.ids import N_IND


def industry_counts(ind: np.ndarray) -> np.ndarray:
    """np.bincount(ind, minlength=N_IND) of industry codes 0..N_IND-1 (int64): one comparison a
    code is faster than bincount's conversion, range pass and scatter."""
    return np.array([np.count_nonzero(ind == i) for i in range(N_IND)], dtype=np.intp)


def _sums_loop(key: np.ndarray, mask: np.ndarray, x: np.ndarray, n_keys: int) -> np.ndarray:
    """sums_where's compiled pass: each masked row's value added to its key's total in row order."""
    tot = np.zeros(n_keys)
    for i in range(len(mask)):
        if mask[i]:
            tot[key[i]] += x[i]
    return tot


def sums_where(key: np.ndarray, mask: np.ndarray, x: np.ndarray, n_keys: int, *, compiled: bool) -> np.ndarray:
    """np.bincount(key[rows], weights=x[rows], minlength=n_keys) over the rows where ``mask`` is
    true (keys 0..n_keys-1): with ``compiled`` (numba in use) one pass over the rows that adds in
    the same row order, so the same sums, without gathering the rows first."""
    if compiled:
        return production_kernel.jit_loops(__name__, {"sums": _sums_loop})["sums"](key, mask, x, n_keys)
    rows = np.flatnonzero(mask)  # positions: faster gathers than the boolean mask
    return np.bincount(key[rows], weights=x[rows], minlength=n_keys)


def _select(e: np.ndarray, kth: list[int]) -> None:
    """Partition ``e`` in place so that e[k] is its k-th smallest for each k in ``kth`` (ascending):
    one single-kth partition of what lies above the previous k each (numpy's partition with a list
    of kth is several times slower than these)."""
    start = 0
    for k in kth:
        e[start:].partition(k - start)
        start = k + 1


def median_quantile(e: np.ndarray, q: float | None = None) -> tuple[float, float]:
    """(np.median(e), np.quantile(e, q)) of a non-empty float64 array, partitioning ``e`` in place
    (pass a copy you may reorder); the quantile is NaN when ``q`` is None. Arrays holding NaN go
    to numpy."""
    n = len(e)
    if np.isnan(e).any():
        return float(np.median(e)), (float(np.quantile(e, q)) if q is not None else math.nan)
    h = n // 2
    kth = [h - 1, h] if n % 2 == 0 else [h]
    if q is not None:
        v = (n - 1) * q  # numpy's virtual index of the 'linear' method
        # numpy's neighbours: the last element at or past the top (its gamma then counts from -1),
        # the first below 0
        lo = -1 if v >= n - 1 else (0 if v < 0 else math.floor(v))
        ia, ib = (n - 1, n - 1) if lo == -1 else ((0, 0) if v < 0 else (lo, lo + 1))
        kth += [ia, ib]
    _select(e, sorted(set(kth)))
    # np.mean's sum starts from +0.0 (so -0.0 comes out as 0.0), then divides by the count
    med = float(0.0 + e[h]) if n % 2 else float((0.0 + e[h - 1] + e[h]) / 2.0)
    if q is None:
        return med, math.nan
    a, b = e[ia], e[ib]
    g = v - lo  # numpy's gamma (from the clipped lower index); _lerp, both branches
    d = b - a
    top = float(b - d * (1.0 - g)) if g >= 0.5 else float(a + d * g)
    return med, top
