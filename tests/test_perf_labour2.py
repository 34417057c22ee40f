"""The faster labour-phase helpers give the results and consume the random numbers of the code they
replace (issue 16: bit-identical speed-ups)."""

from __future__ import annotations

import numpy as np
import pytest
from simtest import FewDraws

from sim.economy import labour as lab
from sim.ids import N_DIST, N_IND
from sim.kernel.cells import count, count_where
from sim.params import LabourParams
from sim.sampling import cell_quota


def _separations_by_full_rank(employer, employed, layoffs, quit_rate, rng):
    """sim.economy.labour.separations as it was: every employed agent ranked by rank_within."""
    idx = np.flatnonzero(employed)
    rank = lab.rank_within(employer[idx], rng)
    n_emp = np.bincount(employer[idx], minlength=len(layoffs))
    lay = np.minimum(layoffs, np.maximum(n_emp - 1, 0))[employer[idx]]
    leave = (rank >= n_emp[employer[idx]] - lay) & (rank > 0)
    leave |= (rank > 0) & (rng.random(len(idx)) < quit_rate)
    out = np.zeros(len(employer), bool)
    out[idx[leave]] = True
    return out


@pytest.mark.parametrize("high", [2**32, 50000, 4])  # 50000: ties, some outside the ranks that matter
@pytest.mark.parametrize("seed", range(6))
def test_separations_are_the_full_ranking(seed: int, high: int) -> None:
    g = np.random.default_rng(200 + seed)
    n, n_emp = 3000 + 500 * seed, 40 + 300 * seed
    employed = g.random(n) < 0.8
    employer = np.where(employed, g.integers(0, n_emp, n) ** (1 + seed % 2) % n_emp, 0).astype(np.int64)
    layoffs = g.poisson(0.5 + seed, n_emp + 3)
    a, b = FewDraws(seed, high), FewDraws(seed, high)
    got = lab.separations(employer, employed, layoffs, 0.05, a)
    want = _separations_by_full_rank(employer, employed, layoffs, 0.05, b)
    np.testing.assert_array_equal(got, want)
    assert a.g.random() == b.g.random()  # the same draws were consumed


def test_separations_nobody_employed() -> None:
    a, b = np.random.default_rng(1), np.random.default_rng(1)
    none = np.zeros(5, bool)
    got = lab.separations(np.zeros(5, np.int64), none, np.ones(2, np.int64), 0.1, a)
    assert (
        not got.any() and not _separations_by_full_rank(np.zeros(5, np.int64), none, np.ones(2, np.int64), 0.1, b).any()
    )
    assert a.random() == b.random()


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_count_where_is_count_of_the_masked_rows(share: float) -> None:
    g = np.random.default_rng(7)
    n = 5000
    ind, dist = g.integers(0, N_IND, n).astype(np.int8), g.integers(0, N_DIST, n).astype(np.int8)
    mask = g.random(n) < share
    got, want = count_where(ind, dist, mask), count(ind[mask], dist[mask])
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", range(4))
def test_vacancies_and_layoffs_of_rows_is_the_full_call(seed: int) -> None:
    g = np.random.default_rng(seed)
    n = 400
    rows = np.flatnonzero(g.random(n) < 0.6)
    gap_rows = g.normal(0.0, 80.0, len(rows))
    hire_rows = g.random(len(rows)) < 0.8
    gap, can_hire = np.zeros(n), np.zeros(n, bool)
    gap[rows], can_hire[rows] = gap_rows, hire_rows
    p = LabourParams()
    a, b = np.random.default_rng(50 + seed), np.random.default_rng(50 + seed)
    got = lab.vacancies_and_layoffs_of(rows, n, gap_rows, 25, hire_rows, p, a)
    want = lab.vacancies_and_layoffs(gap, 25, can_hire, p, b)
    for x, y in zip(got, want, strict=True):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)
    assert a.random() == b.random()


def test_leave_city_multiplier_per_district_is_per_agent() -> None:
    g = np.random.default_rng(3)
    n = 2000
    district = g.integers(0, N_DIST, n).astype(np.int8)
    employed, age = g.random(n) < 0.7, g.uniform(20, 70, n)
    mult = g.uniform(0.5, 1.5, N_DIST)
    p = LabourParams()
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    got = lab.leave_city(employed, age, p, a, mult, district)
    np.testing.assert_array_equal(got, lab.leave_city(employed, age, p, b, mult[district]))


def _match_by_lexsort(agent_idx, agent_key, slot_owner, slot_key, efficiency, rng):
    """sim.economy.labour.match as it was: ranks scattered back, then a lexsort of each side."""
    if len(agent_idx) == 0 or len(slot_owner) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    m = cell_quota(agent_key, slot_key, efficiency, rng)
    a_rank = lab.rank_within(agent_key, rng)
    s_rank = lab.rank_within(slot_key, rng)
    a_sel = a_rank < m[agent_key]
    s_sel = s_rank < m[slot_key]
    a_order = np.lexsort((a_rank[a_sel], agent_key[a_sel]))
    s_order = np.lexsort((s_rank[s_sel], slot_key[s_sel]))
    return agent_idx[a_sel][a_order], np.flatnonzero(s_sel)[s_order]


@pytest.mark.parametrize("high", [2**32, 5])
@pytest.mark.parametrize("seed", range(6))
def test_match_in_sorted_order_is_the_lexsort(seed: int, high: int) -> None:
    g = np.random.default_rng(300 + seed)
    n_a, n_s, cells = int(g.integers(1, 4000)), int(g.integers(1, 500)), int(g.integers(1, 80))
    agents = g.permutation(2 * n_a)[:n_a]
    a_key, s_key = g.integers(0, cells, n_a), g.integers(0, cells, n_s)
    a, b = FewDraws(seed, high), FewDraws(seed, high)
    got = lab.match(agents, a_key, np.arange(n_s), s_key, 0.8, a)
    want = _match_by_lexsort(agents, a_key, np.arange(n_s), s_key, 0.8, b)
    for x, y in zip(got, want, strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.g.random() == b.g.random()
