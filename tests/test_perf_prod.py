"""The faster forms of the build, the production glue and the recorder give the same numbers as
the plain forms they replace (issue 16)."""

import numpy as np
import scipy.sparse as sp

from sim.economy.production import leontief_solve
from sim.ids import N_IND
from sim.kernel.build import _leontief_by_industry


def test_leontief_by_industry_equals_one_solve_each():
    rng = np.random.default_rng(3)
    n = 2000
    rows, cols = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    A = sp.csr_matrix((rng.random(20000) * 0.05, (rows, cols)), shape=(n, n))
    ind = rng.integers(0, N_IND, n).astype(np.int8)
    F = rng.random(n) * 1e6
    want = np.stack([leontief_solve(A, np.where(ind == j, F, 0.0)) for j in range(N_IND)])
    assert np.array_equal(_leontief_by_industry(A, ind, F), want)
