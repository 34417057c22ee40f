"""The fast sampling helpers of the demography phase give the results and consume the random
numbers of the functions they replace, and its compiled loops (employment tally, supplier draws,
rewiring, founder pool, release of workers) give the results of the numpy paths (issue 16:
bit-identical speed-ups)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from simtest import FewDraws

from sim.config import to_config
from sim.economy import labour as lab
from sim.economy import production_kernel
from sim.ids import FIRM, N_DIST, N_IND
from sim.kernel.employment import refresh_employment, release_workers
from sim.kernel.entry import _founder_loops, _founder_pool
from sim.kernel.state import LINK_SCHEMA, Table
from sim.kernel.suppliers import SupplierChooser, drop_dead_customers, rewire_links
from sim.model import SEIModel
from sim.sampling import first_in_group, match_cells


@pytest.mark.parametrize("high", [2**32, 3])
@pytest.mark.parametrize("seed", range(6))
def test_first_in_group_is_rank_zero(seed: int, high: int) -> None:
    g = np.random.default_rng(100 + seed)
    keys = g.integers(0, 50 + 500 * seed, 2000 + 100 * seed)
    a, b = FewDraws(seed, high), FewDraws(seed, high)
    np.testing.assert_array_equal(first_in_group(keys, a), lab.rank_within(keys, b) == 0)
    assert a.g.random() == b.g.random()  # the same draws were consumed


@pytest.mark.parametrize("high", [2**32, 5])
@pytest.mark.parametrize("seed", range(8))
def test_match_cells_is_labour_match(seed: int, high: int) -> None:
    g = np.random.default_rng(seed)
    n_a, n_s, cells = int(g.integers(1, 5000)), int(g.integers(1, 300)), int(g.integers(1, 12))
    agents = g.permutation(3 * n_a)[:n_a]
    a_key = g.integers(0, cells, n_a).astype(np.int64)
    s_key = g.integers(0, cells, n_s).astype(np.int64)
    slots = np.arange(n_s)
    eff = 1.0 if seed % 2 else 0.7
    a, b = FewDraws(seed, high), FewDraws(seed, high)
    got = match_cells(agents, a_key, slots, s_key, eff, a)
    want = lab.match(agents, a_key, slots, s_key, eff, b)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert a.g.random() == b.g.random()


def test_match_cells_empty_sides() -> None:
    g = np.random.default_rng(0)
    for n_a, n_s in ((0, 3), (3, 0)):
        out = match_cells(np.arange(n_a), np.zeros(n_a, np.int64), np.arange(n_s), np.zeros(n_s, np.int64), 1.0, g)
        assert len(out[0]) == len(out[1]) == 0


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
def test_refresh_employment_compiled_is_numpy(monkeypatch) -> None:
    m = SEIModel(to_config(None, scale="small"), handles=False)
    for _ in range(3):
        m.step()
    t = m.world.talent
    t.alive[np.flatnonzero(t.employer_kind == FIRM)[::50]] = False  # dead rows that still name an employer
    out = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        w = pickle.loads(pickle.dumps(m.world))
        w.talent.wage[:] = -1.0  # every derived column is written again
        w.talent.district[w.talent.employer_kind > 0] = 0
        for col in ("employees", "wage_bill", "floor_space"):
            w.firms.col(col)[:] = -1.0
        w.institutes.researchers[:] = -1.0
        refresh_employment(w)
        out[flag] = w
    for table in ("talent", "firms", "institutes"):
        a, b = getattr(out["0"], table), getattr(out["1"], table)
        for col in a.schema:
            np.testing.assert_array_equal(a.col(col), b.col(col), err_msg=f"{table}.{col}")


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("seed", range(6))
def test_supplier_draw_compiled_is_numpy(seed: int, monkeypatch) -> None:
    """The compiled chooser draws what the numpy chooser draws; a numpy chooser asked for enough
    draws where the kernel is in use (SEI_NUMBA=1 here, a network's worth of links under auto)
    switches to the compiled draws, still the same."""
    monkeypatch.setenv("SEI_NUMBA", "0")  # the numpy chooser stays numpy
    g = np.random.default_rng(seed)
    n = int(g.integers(1, 3000))
    ind, dist = g.integers(0, N_IND, n), g.integers(0, N_DIST, n).astype(np.int8)
    size = g.pareto(1.2, n) * (g.random(n) > 0.1)  # some firms of zero size
    alive = g.random(n) > 0.3
    alive[ind == seed % N_IND] = False  # an industry without firms: draws of -1
    km = g.random((N_DIST, N_DIST)) * 40
    pick = g.integers(0, N_IND, 5000 if seed % 2 else 300)  # both of choose_rows's branches
    cust_d = g.integers(0, N_DIST, len(pick)).astype(np.int8)
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    numpy_chooser = SupplierChooser(ind, dist, size, alive, km, 12.0)
    compiled_chooser = SupplierChooser(ind, dist, size, alive, km, 12.0, compiled=True)
    for name in ("items", "cum", "start", "stop", "total", "_base"):
        np.testing.assert_array_equal(getattr(compiled_chooser.sampler, name), getattr(numpy_chooser.sampler, name))
    np.testing.assert_array_equal(compiled_chooser.cdf, numpy_chooser.cdf)
    want = numpy_chooser.draw(pick, cust_d, a)
    got = compiled_chooser.draw(pick, cust_d, b)
    assert not numpy_chooser.compiled
    np.testing.assert_array_equal(got, want)
    assert (want == -1).any() and got.dtype == want.dtype
    after = a.random()  # both streams moved on by the same draws
    assert after == b.random()
    monkeypatch.setenv("SEI_NUMBA", "1")
    switched, c = SupplierChooser(ind, dist, size, alive, km, 12.0), np.random.default_rng(seed)
    np.testing.assert_array_equal(switched.draw(pick, cust_d, c), want)
    assert switched.compiled and c.random() == after


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("seed", range(4))
def test_rewire_links_compiled_is_numpy(seed: int, monkeypatch) -> None:
    monkeypatch.setenv("SEI_NUMBA", "0")  # the numpy chooser's draws stay numpy (SupplierChooser.draw)
    g = np.random.default_rng(seed)
    n, m = int(g.integers(50, 2000)), int(g.integers(0, 20000))
    ind, dist = g.integers(0, N_IND, n).astype(np.int8), g.integers(0, N_DIST, n).astype(np.int8)
    size, alive = g.pareto(1.2, n), g.random(n) > 0.2
    km = g.random((N_DIST, N_DIST)) * 40
    sup, cust = g.integers(0, n, m).astype(np.int32), g.integers(0, n, m).astype(np.int32)
    marks = g.random(m) < 0.1
    out = []
    for compiled in (False, True):
        s, c, redo, r = sup.copy(), cust.copy(), marks.copy(), np.random.default_rng(seed)
        chooser = SupplierChooser(ind, dist, size, alive, km, 12.0, compiled=compiled)
        rewire_links(s, c, alive, ind, dist, redo, chooser, r)
        out.append((s, c, redo, r.random()))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("dead_share", [0.0, 0.02, 0.5, 1.0])
def test_drop_dead_customers_compiled_is_keep(dead_share: float) -> None:
    """The compiled pass keeps the links of alive customers in order, as the mask and Table.keep do."""
    g = np.random.default_rng(int(dead_share * 100))
    n, m = 500, 20000
    alive = g.random(n) >= dead_share
    sup = g.integers(0, n, m)
    tables = []
    for compiled in (False, True):
        links = Table(LINK_SCHEMA, capacity=m)
        links.add(m, supplier=sup, customer=np.arange(m) % n, weight=np.arange(m) * 0.5)
        drop_dead_customers(links, alive, compiled=compiled)
        tables.append(links)
    a, b = tables
    assert a.n == b.n == int(np.count_nonzero(alive[np.arange(m) % n]))
    for col in LINK_SCHEMA:
        np.testing.assert_array_equal(a.col(col)[: a.n], b.col(col)[: b.n], err_msg=col)
    assert b.customer.size == 0 or alive[b.customer].all()


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
def test_founder_pool_compiled_is_numpy(monkeypatch) -> None:
    m = SEIModel(to_config(None, scale="small"), handles=False)
    for _ in range(2):
        m.step()
    out = []
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        rng = np.random.default_rng(5)
        out.append((*_founder_pool(m.world, rng), rng.random()))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)
    # two agents of a firm tie at its minimum draw: the loop says so (the caller then ranks)
    alive, kind = np.ones(4, bool), np.full(4, FIRM, np.int8)
    employer, skill, field = np.array([0, 0, 1, 1], np.int32), np.ones(4, np.int8), np.arange(4, dtype=np.int8)
    pool = _founder_loops()["pool"]
    assert pool(alive, kind, employer, skill, field, np.array([3, 3, 1, 2]), 2)[2] is False
    cand, cand_field, ok = pool(alive, kind, employer, skill, field, np.array([3, 2, 1, 2]), 2)
    assert ok and list(cand) == [0, 3] and list(cand_field) == [0, 3]


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
def test_release_workers_compiled_is_numpy(monkeypatch) -> None:
    m = SEIModel(to_config(None, scale="small"), handles=False)
    m.step()
    exited = np.random.default_rng(0).random(m.world.firms.n) < 0.2
    out = []
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        w = pickle.loads(pickle.dumps(m.world))
        release_workers(w, exited)
        out.append(w.talent)
    assert (out[0].employer_kind != m.world.talent.employer_kind).any()
    for col in out[0].schema:
        np.testing.assert_array_equal(out[0].col(col), out[1].col(col), err_msg=col)
