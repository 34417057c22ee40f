"""The fast paths of firm entry and its per-quarter helpers give numpy's numbers bit for bit
(issue 16: bit-identical speed-ups)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import to_config
from sim.economy import production_kernel
from sim.ids import N_DIST, N_IND
from sim.kernel.effects import PolicyEffects
from sim.kernel.order_stats import industry_counts, sums_by_key, sums_where
from sim.kernel.space import floor_used, location_probs
from sim.model import SEIModel
from sim.quantiles import median, median_and_quantile


@pytest.mark.parametrize("n", [0, 1, 7, 5000])
def test_industry_counts_is_bincount(n: int) -> None:
    ind = np.random.default_rng(n).integers(0, N_IND, n).astype(np.int8)
    got = industry_counts(ind)
    np.testing.assert_array_equal(got, np.bincount(ind, minlength=N_IND))
    assert got.dtype == np.bincount(ind, minlength=N_IND).dtype


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 10, 11, 37, 1000, 5001])
def test_median_and_quantile_are_numpy(n: int) -> None:
    """Bit for bit np.median and np.quantile (linear), on continuous and on tied values, for
    quantiles whose interpolation weight falls below, at and above one half, and at the ends."""
    rng = np.random.default_rng(n)
    for x in (rng.lognormal(2.0, 1.5, n), rng.integers(1, 6, n) * 2.5, np.full(n, 3.0)):
        before = x.copy()
        for q in (0.0, 0.1, 0.25, 0.5, 0.9, 0.97, 0.975, 0.999, 1.0, 1.0 / 3.0):
            med, top = median_and_quantile(x, q)
            assert med == np.median(x) == median(x) and top == np.quantile(x, q), (n, q)
        np.testing.assert_array_equal(x, before)  # the input is left as it was (partition works on a copy)


def _grown_by_concatenation(e: PolicyEffects, n_firms: int, n_institutes: int) -> dict[str, np.ndarray]:
    """The per-row arrays as the old grow made them: each concatenated with a fresh neutral one."""
    fresh = PolicyEffects(max(n_firms - e.n_firms, 0), max(n_institutes - e.n_institutes, 0))
    probe = PolicyEffects(2, 3)
    names = [n for n in probe.__dataclass_fields__ if np.shape(getattr(probe, n)) in ((2,), (3,))]
    return {n: np.concatenate([getattr(e, n), getattr(fresh, n)]) for n in names}


def test_grow_in_place_is_concatenation() -> None:
    g = np.random.default_rng(0)
    e = PolicyEffects(100, 10)
    for step, (df, di) in enumerate([(3, 0), (0, 2), (200, 1), (100, 0), (0, 0), (500, 300), (1, 1)]):
        e.rd_grant[g.integers(0, e.n_firms, 5)] += 1.0  # levers write in place
        e.demand_multiplier[g.integers(0, e.n_firms, 5)] *= 1.5
        e.institute_budget[g.integers(0, e.n_institutes, 2)] += 2.0
        if step == 3:
            e.cash_transfer = e.cash_transfer * 2.0  # a lever may also replace an array
        want = _grown_by_concatenation(e, e.n_firms + df, e.n_institutes + di)
        e.grow(e.n_firms + df, e.n_institutes + di)
        for name, a in want.items():
            got = getattr(e, name)
            assert got.dtype == a.dtype
            np.testing.assert_array_equal(got, a)
        assert (e.n_firms, e.n_institutes) == (len(e.rd_grant), len(e.institute_budget))


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("seed", range(4))
def test_share_sums_compiled_is_bincount(seed: int) -> None:
    g = np.random.default_rng(seed)
    n = 5000
    key, mask, x = g.integers(0, N_IND, n).astype(np.int8), g.random(n) < 0.7, g.lognormal(0.0, 2.0, n)
    rows = np.flatnonzero(mask)
    got = sums_where(key, mask, x, N_IND, compiled=True)
    want = np.bincount(key[rows], weights=x[rows], minlength=N_IND)
    assert got.tobytes() == want.tobytes() == sums_where(key, mask, x, N_IND, compiled=False).tobytes()


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("n", [0, 1, 5000])
def test_sums_by_key_compiled_is_bincount(n: int) -> None:
    """The recorder's cell sums (sim.outputs.measure): one compiled pass over the rows gives each
    column's np.bincount bit for bit, keys of any integer width, rows in any order, integer columns
    (the firms' vacancies) read as float64 as bincount reads them."""
    g = np.random.default_rng(n)
    size = 2 * n + 3
    cols = [
        g.lognormal(0.0, 2.0, size),
        g.normal(0.0, 1e6, size),
        np.zeros(size),
        g.integers(0, 9, size).astype(np.int32),
    ]
    rows = g.permutation(size)[:n]
    for key in (g.integers(0, 77, n), g.integers(0, 300, n).astype(np.int16)):
        want = np.array([np.bincount(key, weights=c[rows], minlength=300) for c in cols])
        got = sums_by_key(key, rows, cols, 300, compiled=True)
        assert got.shape == (4, 300)
        assert got.tobytes() == want.tobytes() == sums_by_key(key, rows, cols, 300, compiled=False).tobytes()


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
def test_location_and_floor_sums_compiled_are_numpy(monkeypatch) -> None:
    m = SEIModel(to_config(None, scale="small"), handles=False)
    for _ in range(3):
        m.step()
    w = m.world
    old_free = np.clip(w.floor_space - _bincount_alive(w.firms.district, w.firms.alive, w.firms.floor_space), 0, None)
    got = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        got[flag] = (floor_used(w), *location_probs(w))
    for a, b in zip(got["0"], got["1"], strict=True):
        assert a.tobytes() == b.tobytes()
    assert got["0"][2].tobytes() == old_free.tobytes()


def _bincount_alive(key: np.ndarray, alive: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.bincount(key[alive], weights=x[alive], minlength=N_DIST)
