"""Industry x district cells: the index of a cell and counts or sums of agents by cell."""

from __future__ import annotations

import numpy as np

from sim.ids import N_DIST, N_IND

N_CELLS = N_IND * N_DIST
CELL_IND = np.repeat(np.arange(N_IND), N_DIST)  # industry of each flattened [N_IND, N_DIST] cell
CELL_DIST = np.tile(np.arange(N_DIST), N_IND)  # district of each flattened cell


def cell(ind: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Flattened cell index of each (industry, district) pair."""
    return np.asarray(ind).astype(np.int64) * N_DIST + dist


def count(ind: np.ndarray, dist: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """[N_IND, N_DIST] count (or sum of ``weights``) of the agents in each cell."""
    return np.bincount(cell(ind, dist), weights=weights, minlength=N_CELLS).reshape(N_IND, N_DIST)


def cell_key(ind: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Cell index of each (industry, district) pair as a small integer (N_CELLS < 2**15)."""
    return np.asarray(ind).astype(np.int16) * N_DIST + dist


def count_key(key: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """[N_IND, N_DIST] count of the rows where ``mask`` is true, by their ``key`` (from cell_key)."""
    if mask.dtype == bool and 2 * np.count_nonzero(mask) > len(mask):  # mostly true (e.g. alive): no gather,
        pairs = np.bincount(key * 2 + mask, minlength=2 * N_CELLS)  # count the (key, mask) pairs
        return np.ascontiguousarray(pairs[1::2]).reshape(N_IND, N_DIST)
    return np.bincount(key[np.flatnonzero(mask)], minlength=N_CELLS).reshape(N_IND, N_DIST)


def count_where(ind: np.ndarray, dist: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``count(ind[mask], dist[mask])`` (the same int64 counts), faster: each row's cell id is made
    as a small integer, and the rows are picked by position (numpy's boolean gathers are slower) or,
    when most are picked, counted as (cell, mask) pairs."""
    return count_key(cell_key(ind, dist), mask)
