"""Issue 16, bit-identical speed-ups outside the production kernel: each faster helper gives the
result of the code it replaced (kept here as the reference), on random inputs and edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.sampling import GroupSampler, choose_rows, row_cdf


def _old_group_slices(item_group: np.ndarray, weights: np.ndarray, n_groups: int):
    """GroupSampler's sort and group slices before issue 16: int64 merge sort and binary searches."""
    order = np.argsort(item_group, kind="stable")
    g = np.asarray(item_group)[order]
    cum = np.cumsum(np.asarray(weights, dtype=float)[order])
    start = np.searchsorted(g, np.arange(n_groups), side="left")
    stop = np.searchsorted(g, np.arange(n_groups), side="right")
    return order, cum, start, stop


@pytest.mark.parametrize("seed", range(6))
def test_group_sampler_sort_and_slices_unchanged(seed: int) -> None:
    g = np.random.default_rng(seed)
    n_groups = int(g.integers(1, 80)) if seed < 5 else 40_000  # the last: 32-bit keys, no radix sort
    n = int(g.integers(0, 5000)) if seed else 0  # seed 0: no items
    group = g.integers(0, n_groups, n).astype(np.int64)
    weights = g.random(n) * (g.random(n) < 0.8)
    gs = GroupSampler(group, weights, n_groups)
    order, cum, start, stop = _old_group_slices(group, weights, n_groups)
    np.testing.assert_array_equal(gs.items, order)
    np.testing.assert_array_equal(gs.cum, cum)
    np.testing.assert_array_equal(gs.start, start)
    np.testing.assert_array_equal(gs.stop, stop)


def _old_choose_rows(cdf: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(len(rows))
    return np.minimum((cdf[rows] < u[:, None]).sum(axis=1), cdf.shape[1] - 1)


@pytest.mark.parametrize("n", [0, 5, 4095, 4096, 50_000])
def test_choose_rows_unchanged(n: int) -> None:
    g = np.random.default_rng(n)
    weights = g.random((30, 12)) * (g.random((30, 12)) < 0.6)
    weights[3] = 0.0  # a uniform row
    for cdf in (row_cdf(weights), np.cumsum(weights / np.maximum(weights.sum(1, keepdims=True), 1e-300), 1)):
        rows = g.integers(0, 30, n)
        a, b = np.random.default_rng(7), np.random.default_rng(7)
        got, want = choose_rows(cdf, rows, a), _old_choose_rows(cdf, rows, b)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert a.random() == b.random()  # the same draws were consumed
