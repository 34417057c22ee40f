"""Issue 16, bit-identical speed-ups outside the production kernel: each faster helper gives the
result of the code it replaced (kept here as the reference), on random inputs and edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.ids import N_DIST, N_IND
from sim.kernel.state import Table, gather
from sim.kernel.suppliers import SupplierChooser
from sim.sampling import GroupSampler, choose_rows, random_below, row_cdf


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


@pytest.mark.parametrize("seed", range(4))
def test_supplier_chooser_over_alive_rows_draws_the_same(seed: int) -> None:
    """SupplierChooser samples the alive rows only; before issue 16 it sampled every row, the exited
    ones in a group of their own at zero weight."""
    g = np.random.default_rng(seed)
    n = 3000
    ind, dist = g.integers(0, N_IND, n).astype(np.int8), g.integers(0, N_DIST, n).astype(np.int8)
    alive = g.random(n) < (0.6 if seed else 0.0)  # seed 0: no firm alive
    ind[(ind == 2) & (dist == 3)] = 1  # an empty cell
    size = np.where(g.random(n) < 0.1, 0.0, g.pareto(1.5, n))
    km = g.random((N_DIST, N_DIST)) * 30
    new = SupplierChooser(ind, dist, size, alive, km, 10.0)
    old = SupplierChooser(ind, dist, size, alive, km, 10.0)
    group = ind.astype(np.int64) * N_DIST + dist
    old.sampler = GroupSampler(np.where(alive, group, N_IND * N_DIST), np.where(alive, size, 0.0), N_IND * N_DIST + 1)
    np.testing.assert_array_equal(new.sampler.group_total(), old.sampler.group_total()[: N_IND * N_DIST])
    req_ind, req_dist = g.integers(0, N_IND, 5000), g.integers(0, N_DIST, 5000)
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(new.draw(req_ind, req_dist, a), old.draw(req_ind, req_dist, b))
    assert a.random() == b.random()


@pytest.mark.parametrize("n", [0, 1, 65_535, 65_536, 65_537, 200_000])
def test_gather_is_fancy_indexing(n: int) -> None:
    g = np.random.default_rng(n)
    index = g.integers(0, 5000, n).astype(np.int32)
    for values in (g.random(5000) < 0.5, g.integers(-1, 9, 5000).astype(np.int32), g.random(5000)):
        got = gather(values, index)
        assert got.dtype == values.dtype
        np.testing.assert_array_equal(got, values[index])


def _old_keep(t: Table, mask: np.ndarray) -> None:
    mask = np.array(mask, dtype=bool, copy=True)
    k = int(np.count_nonzero(mask))
    for arr in t._cols.values():
        arr[:k] = arr[: t.n][mask]
    t.n = k


@pytest.mark.parametrize("n", [0, 1, 7, 50, 1000])
@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_keep_in_chunks_is_the_old_keep(n: int, share: float) -> None:
    g = np.random.default_rng(n)
    tables = []
    for _ in range(2):
        t = Table({"alive": bool, "a": np.int32, "b": np.float64}, capacity=8)
        t.add(n, alive=g.random(n) < share, a=np.arange(n), b=g.random(n))
        tables.append(t)
    tables[1]._cols = {k: v.copy() for k, v in tables[0]._cols.items()}
    tables[0].keep(tables[0].alive, chunk=7)  # the mask is a view of a column being compacted
    _old_keep(tables[1], tables[1].alive)
    assert tables[0].n == tables[1].n
    for k in tables[0].schema:
        np.testing.assert_array_equal(tables[0].col(k), tables[1].col(k))


@pytest.mark.parametrize("n", [0, 1, 65_535, 65_536, 65_537, 200_000])
def test_random_below_is_one_draw(n: int) -> None:
    a, b = np.random.default_rng(n), np.random.default_rng(n)
    got = random_below(a, n, 0.3)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, b.random(n) < 0.3)
    assert a.random() == b.random()  # the same draws were consumed
