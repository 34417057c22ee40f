"""Per-industry statistics of the firm table that give numpy's numbers bit for bit, faster
(tests/test_perf_entry.py): counts by industry, sums by a key over a mask, and the sums of several
columns by a key over given rows."""

from __future__ import annotations

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
        return _loops()["sums"](key, mask, x, n_keys)
    rows = np.flatnonzero(mask)  # positions: faster gathers than the boolean mask
    return np.bincount(key[rows], weights=x[rows], minlength=n_keys)


def _key_sums_loop(key: np.ndarray, rows: np.ndarray, cols: tuple, n_keys: int) -> np.ndarray:
    """sums_by_key's compiled pass: for each row in order, each column's value added to its key's total."""
    out = np.zeros((len(cols), n_keys))
    for j in range(len(rows)):
        r = rows[j]
        k = key[j]
        for c in range(len(cols)):
            out[c, k] += cols[c][r]
    return out


def sums_by_key(
    key: np.ndarray, rows: np.ndarray, cols: list[np.ndarray], n_keys: int, *, compiled: bool
) -> np.ndarray:
    """[len(cols), n_keys]: np.bincount(key, weights=col[rows], minlength=n_keys) of each column
    (``key``: the key of each of ``rows``, keys 0..n_keys-1). With ``compiled`` (numba in use) one
    pass over the rows adds every column in the same row order, so the same sums, without gathering
    each column first; columns of other types are read as float64, as bincount reads its weights."""
    if compiled and cols:
        return _loops()["key_sums"](key, rows, tuple(np.asarray(c, dtype=np.float64) for c in cols), n_keys)
    return np.array([np.bincount(key, weights=c[rows], minlength=n_keys) for c in cols]).reshape(len(cols), n_keys)


def _loops() -> dict:
    """The module's compiled passes (production_kernel.jit_loops)."""
    return production_kernel.jit_loops(__name__, {"sums": _sums_loop, "key_sums": _key_sums_loop})
