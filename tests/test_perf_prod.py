"""The faster forms of the build, the production glue and the recorder give the same numbers as
the plain forms they replace (issue 16)."""

import numpy as np
import pytest
import scipy.sparse as sp

from sim.economy.production import leontief_solve
from sim.ids import N_IND
from sim.kernel.build import _leontief_by_industry


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_leontief_by_industry_equals_one_solve_each(sign: float):
    rng = np.random.default_rng(3)
    n = 2000
    rows, cols = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    values = rng.random(20000) * 0.05 * np.where(rng.random(20000) < 0.1, sign, 1.0)  # some < 0: the |.| path
    A = sp.csr_matrix((values, (rows, cols)), shape=(n, n))
    ind = rng.integers(0, N_IND, n).astype(np.int8)
    F = rng.random(n) * 1e6
    want = np.stack([leontief_solve(A, np.where(ind == j, F, 0.0)) for j in range(N_IND)])
    assert np.array_equal(_leontief_by_industry(A, ind, F), want)


def test_without_drops_the_given_positions():
    from sim.kernel.phases.production import _without

    rng = np.random.default_rng(5)
    for nb in (1, 2, 7, 60):
        a = rng.random(500)
        bad = np.sort(rng.choice(500, nb, replace=False))
        if nb == 7:
            bad[0], bad[-1] = 0, 499
        want = np.delete(a, bad)
        b = a.copy()
        got = _without(b, bad)
        assert np.array_equal(got, want) and np.shares_memory(got, b)  # compacted in place


def test_group_sampler_draws_as_plain_search():
    from sim.sampling import GroupSampler

    rng = np.random.default_rng(9)
    g = rng.integers(0, 40, 3000)
    wts = rng.pareto(1.2, 3000) * (rng.random(3000) > 0.1)
    s = GroupSampler(g, wts, 45)
    groups = rng.integers(0, 45, 20000)
    got = s.draw(groups, np.random.default_rng(1))
    r = np.random.default_rng(1)
    tot, start = s.total[groups], s.start[groups]
    u = s._base[start] + r.random(len(groups)) * tot
    pos = np.clip(np.searchsorted(s.cum, u, side="right"), start, np.maximum(s.stop[groups] - 1, start))
    want = np.where(tot > 0, s.items[np.minimum(pos, len(s.items) - 1)], -1)
    assert np.array_equal(got, want)


def test_count_key_dense_and_sparse_masks():
    from sim.ids import N_DIST
    from sim.kernel.cells import N_CELLS, count_key

    rng = np.random.default_rng(2)
    key = rng.integers(0, N_CELLS, 5000).astype(np.int16)
    for share in (0.0, 0.1, 0.5, 0.51, 0.9, 1.0):
        mask = rng.random(5000) < share
        want = np.bincount(key[mask].astype(np.intp), minlength=N_CELLS).reshape(N_IND, N_DIST)
        got = count_key(key, mask)
        assert got.dtype == want.dtype and np.array_equal(got, want)
