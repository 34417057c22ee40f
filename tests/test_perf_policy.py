"""The policy phase's shared per-quarter view (sim/policy/shared.py) gives the same numbers as
working every quantity out afresh: the same masks as sim.policy.targeting, the same cell sums as
sim.kernel.cells.count, and a run whose levers share one view per phase is identical to a run
where the view keeps nothing (so the cache key, the tables' row counts, forgets in time)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import to_config
from sim.ids import DISTRICTS, INDUSTRIES
from sim.kernel.cells import count
from sim.model import SEIModel
from sim.policy.calls import competitive_call, standardised, top
from sim.policy.shared import QuarterView
from sim.policy.targeting import SME_EMPLOYEES, Targeting, firm_mask


@pytest.fixture(scope="module")
def stepped() -> SEIModel:
    """A small run after a few quarters (some firms have exited, so not every row is alive)."""
    m = SEIModel(to_config(None, scale="small", seed=3, **{"scenario.end_year": 2020}), handles=False)
    for _ in range(5):
        m.step()
    assert not m.world.firms.alive.all()
    return m


TARGETINGS = [
    Targeting(),
    Targeting(industries=["IND-EQP"]),
    Targeting(districts=["nanshan", "pingshan"]),
    Targeting(industries=["IND-IT", "IND-BIO"], districts=["futian"], firm_size="sme"),
    Targeting(firm_size="large"),
    Targeting(subfields=["intelligent_connected_vehicles", "new_energy_vehicles"], districts=["pingshan"]),
]


def reference_mask(w, t: Targeting) -> np.ndarray:
    """The targeting rules written out plainly over the whole firm table (np.isin for every list)."""
    f = w.firms
    m = f.alive.copy()
    if t.industries:
        m &= np.isin(f.industry, [INDUSTRIES.index(i) for i in t.industries])
    if t.districts:
        m &= np.isin(f.district, [DISTRICTS.index(d) for d in t.districts])
    if t.subfields:
        m &= np.isin(f.subfield, [w.data.subfield_ids.index(s) for s in t.subfields])
    if t.firm_size != "all":
        m &= (f.employees < SME_EMPLOYEES) == (t.firm_size == "sme")
    return m


@pytest.mark.parametrize("t", TARGETINGS)
def test_view_masks_equal_targeting_masks(stepped, t):
    w = stepped.world
    got = QuarterView().firm_mask(w, t)
    assert got.dtype == bool
    want = reference_mask(w, t)
    assert want.any() and not want.all()  # the rules select some firms and not others
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(firm_mask(w, t), want)


def test_view_cell_sums_equal_kernel_counts(stepped):
    w, view = stepped.world, QuarterView()
    f, inst = w.firms, w.institutes
    a = f.alive
    for col in ("employees", "floor_space", "output", "knowledge"):
        assert np.array_equal(view.cell_sum(w, col), count(f.industry[a], f.district[a], f.col(col)[a]))
    assert np.array_equal(view.cell_sum(w, None), count(f.industry[a], f.district[a]))
    ia = inst.alive
    want = count(inst.field[ia], inst.district[ia], inst.researchers[ia])
    assert np.array_equal(view.institute_cell_sum(w, "researchers"), want)


def test_view_forgets_when_rows_are_added(stepped):
    """A lever that appends firms (major projects) makes the view recompute what it had."""
    w, view = stepped.world, QuarterView()
    before = view.alive_rows(w).copy()
    out = view.cell_sum(w, "employees")
    out += 1.0  # callers get copies: changing one does not change the memo
    assert np.array_equal(view.cell_sum(w, "employees"), out - 1.0)
    f = w.firms
    n0 = f.n
    try:
        f.add(2, alive=True, industry=0, district=0, employees=10.0)
        assert np.array_equal(view.alive_rows(w), np.concatenate([before, [n0, n0 + 1]]))
        assert view.cell_sum(w, "employees")[0, 0] == out[0, 0] - 1.0 + 20.0
    finally:
        f.n = n0  # drop the probe rows again


def test_shared_view_run_equals_uncached_run(monkeypatch):
    """Every lever on (plan_2018, including the ones that add firms and carriers mid-phase): a run
    with one view per policy phase equals a run whose view recomputes everything on every read."""

    def run() -> SEIModel:
        m = SEIModel(to_config(None, scale="small", seed=1, **{"scenario.end_year": 2020}), handles=False)
        for _ in range(6):
            m.step()
        return m

    cached = run()
    monkeypatch.setattr(QuarterView, "_get", lambda self, w, name, make, tables="both": make())
    fresh = run()
    assert cached.timeseries().equals(fresh.timeseries())
    fa, fb = cached.world.firms, fresh.world.firms
    assert fa.n == fb.n
    for col in fa.schema:
        np.testing.assert_array_equal(fa.col(col), fb.col(col))
    for k, v in cached.world.flows.items():
        np.testing.assert_array_equal(v, fresh.world.flows[k])


def _top_stable(values: np.ndarray, k: int) -> np.ndarray:
    """sim.policy.calls.top as it was: the partial sort's keys ordered by numpy's stable sort."""
    k = max(0, min(int(k), len(values)))
    if k == 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


@pytest.mark.parametrize("kind", ["distinct", "ties", "nan", "zeros"])
@pytest.mark.parametrize("k", [0, 1, 7, 500, 999, 1000, 5000])
def test_top_equals_stable_top(kind, k):
    """The fast ranking of a call (quicksort, stable only when keys tie) picks and orders exactly
    as the stable sort did, also with tied, NaN and signed-zero scores."""
    rng = np.random.default_rng(k)
    v = rng.normal(size=1000)
    if kind == "ties":
        v = np.round(v, 1)
    elif kind == "nan":
        v[rng.random(1000) < 0.05] = np.nan
    elif kind == "zeros":
        v = np.where(rng.random(1000) < 0.5, 0.0, -0.0)
    np.testing.assert_array_equal(top(v, k), _top_stable(v, k))


@pytest.mark.parametrize("n", [1, 2, 50, 1000, 20000])
def test_standardised_equals_numpy_mean_std(n):
    """A call's standardised scores are bit for bit numpy's (s - mean) / (std + 1e-12)."""
    rng = np.random.default_rng(n)
    for scale in (1e-6, 1.0, 1e9):
        s = rng.normal(size=n) * scale
        for v in (s, np.round(s, 1), np.abs(s) + 3.0):
            np.testing.assert_array_equal(standardised(v), (v - v.mean()) / (v.std() + 1e-12))
    ints = rng.integers(0, 100, n)
    np.testing.assert_array_equal(standardised(ints), (ints - ints.mean()) / (ints.std() + 1e-12))


def test_call_with_score_function_equals_score_array():
    """A call given its scores as a function of the applicants picks exactly as with the array."""
    rng = np.random.default_rng(5)
    eligible = rng.random(3000) < 0.6
    score = rng.normal(size=3000)
    sme = rng.random(3000) < 0.5
    a = competitive_call(np.random.default_rng(1), eligible, score, 40, 0.3, sme, 0.5)
    b = competitive_call(np.random.default_rng(1), eligible, lambda r: score[r], 40, 0.3, sme, 0.5)
    np.testing.assert_array_equal(a, b)
