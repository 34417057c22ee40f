"""Work reused rather than redone, with the same results (issue 16): arrays kept from one quarter
to the next (sim.kernel.state.reusable), reused only when nothing else holds them, so a
production record an analyst kept never changes under them; capacities computed once a phase."""

from __future__ import annotations

import numpy as np
import pytest

from sim.economy import production_kernel
from sim.kernel.markets import industry_ulc_and_productivity
from sim.kernel.phases.production import alive_capacity
from sim.kernel.state import reusable
from tests.simtest import small_model


def test_reusable_gives_the_same_array_only_when_unheld() -> None:
    store: dict = {}
    a = reusable(store, "x", 100)
    assert a.dtype == np.float64 and len(a) >= 100
    first = id(a)
    del a
    b = reusable(store, "x", 100)
    assert id(b) == first  # nothing held it: reused
    view = b[10:20]
    del b
    c = reusable(store, "x", 100)
    assert id(c) != first and view.base is not c  # a view of it was alive: a fresh one
    del c
    assert len(reusable(store, "x", 1000)) >= 1000  # too short: a fresh, longer one
    assert reusable(store, "x", 10, np.int32).dtype == np.int32  # another type: a fresh one


@pytest.mark.skipif(not production_kernel.AVAILABLE, reason="numba is not installed")
def test_kept_production_record_does_not_change(monkeypatch) -> None:
    """The compiled path writes link flows and link ends into kept buffers: a record someone holds
    keeps its numbers over later quarters, and an unheld one's buffers are reused."""
    monkeypatch.setenv("SEI_NUMBA", "1")
    m = small_model(seed=2)
    m.step()
    cache = m.world.cache
    ids = {k: id(cache[k]) for k in ("link_flow", "supplier_pos", "customer_pos")}
    m.step()  # the first record was not kept: the same buffers again
    assert {k: id(cache[k]) for k in ids} == ids
    kept = m.world.last_production
    snap = (kept.result.link_flow.copy(), kept.supplier_pos.copy(), kept.customer_pos.copy())
    for _ in range(2):
        m.step()
    for a, b in zip(snap, (kept.result.link_flow, kept.supplier_pos, kept.customer_pos), strict=True):
        assert a.tobytes() == b.tobytes()
    assert all(id(cache[k]) != ids[k] for k in ids)


def test_unit_costs_from_the_capacities_of_the_production_phase() -> None:
    """industry_ulc_and_productivity given the alive rows' capacities (as the production phase
    reuses them) gives the numbers it computes itself, with some firms without staff."""
    m = small_model(seed=4)
    for _ in range(3):
        m.step()
    w = m.world
    f = w.firms
    f.employees[np.flatnonzero(f.alive)[::7]] = 0.0  # staffless alive firms are left out of both
    b = w.params.production.labour_elasticity
    alive, cap_va, _ = alive_capacity(w)
    want = industry_ulc_and_productivity(f, b)
    got = industry_ulc_and_productivity(f, b, (alive, cap_va))
    for x, y in zip(want, got, strict=True):
        assert x.tobytes() == y.tobytes()
