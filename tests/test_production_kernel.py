"""The compiled production kernel (numba, optional) against the numpy path: bit-identical results.

sim.economy.production.produce runs the numpy path or, where numba is installed and the network is
large enough (``SEI_NUMBA``, sim.economy.production_kernel), the compiled kernel. Both must give
the same floats, so switching never moves results or the stored baseline (issue 16).
"""

from __future__ import annotations

import dataclasses
import importlib
import sys

import numpy as np
import pytest

from sim.economy import production as prod
from sim.economy import production_kernel as kern
from sim.economy import production_loops
from sim.errors import ConfigError
from tests.simtest import small_model

pytest.importorskip("numba")


def _fields(res) -> dict[str, np.ndarray]:
    return {f.name: getattr(res, f.name) for f in dataclasses.fields(res)}


def _both(monkeypatch, **kw):
    """produce() on the numpy path and on the compiled kernel, same inputs."""
    monkeypatch.setenv("SEI_NUMBA", "0")
    a = prod.produce(**kw)
    monkeypatch.setenv("SEI_NUMBA", "1")
    b = prod.produce(**kw)
    return _fields(a), _fields(b)


def _assert_identical(a: dict, b: dict) -> None:
    for name in a:
        assert a[name].shape == b[name].shape, name
        assert np.array_equal(a[name], b[name]), f"{name}: max |diff| {np.max(np.abs(a[name] - b[name]))}"


def _filtered(kw: dict) -> dict:
    """produce() inputs with the weights of the links left out dropped (no ``w_skip``)."""
    kw = dict(kw)
    skip = kw.pop("w_skip", None)
    if skip is not None:
        kw["w"] = np.delete(kw["w"], skip)
    return kw


@pytest.fixture(scope="module")
def quarters(request):
    """produce() inputs of every quarter of a small default run (numpy path), as the phase passes
    them (the link table's weights with ``w_skip``)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SEI_NUMBA", "0")
    phase = sys.modules[importlib.import_module("sim.kernel.phases.production").__name__]
    captured: list[dict] = []
    real = prod.produce

    def spy(**kw):
        # without the phase's kept flow buffer: each call here gets fresh results to compare
        captured.append({k: v for k, v in kw.items() if k != "flow_out"})
        return real(**kw)

    mp.setattr(phase, "produce", spy)
    try:
        small_model(seed=3).run()
    finally:
        mp.undo()
    return captured


def test_kernel_matches_numpy_every_quarter(quarters, monkeypatch):
    """Every quarter of a small run: all ten result arrays equal bit for bit."""
    assert len(quarters) == 28
    assert any(kw["w_skip"] is not None for kw in quarters[::3])  # links left out are passed over
    for kw in quarters[::3]:
        _assert_identical(*_both(monkeypatch, **kw))


def test_kernel_matches_numpy_with_links_out_of_customer_order(quarters, monkeypatch):
    """Links not grouped by customer take the general (permuted) path of both."""
    kw = _filtered(quarters[-1])
    perm = np.random.default_rng(0).permutation(len(kw["sup"]))
    kw.update(sup=kw["sup"][perm], cust=kw["cust"][perm], w=kw["w"][perm])
    _assert_identical(*_both(monkeypatch, **kw))


def test_kernel_matches_numpy_on_rationing_edge_cases(quarters, monkeypatch):
    """Suppliers without capacity (order-share totals of 0), firms without demand, imports cut,
    one rationing round, and no links at all."""
    kw = _filtered(quarters[5])
    cap = kw["capacity"].copy()
    cap[::7] = 0.0
    d = kw["final_demand"].copy()
    d[::11] = 0.0
    avail = np.linspace(0.5, 1.0, len(kw["import_avail"]))
    for variant in (
        {"capacity": cap},
        {"final_demand": d, "import_avail": avail},
        {"rounds": 1, "spot_share": 0.0},
        {"sup": kw["sup"][:0], "cust": kw["cust"][:0], "w": kw["w"][:0]},
    ):
        _assert_identical(*_both(monkeypatch, **{**kw, **variant}))


def test_skipped_weights_are_passed_over(quarters, monkeypatch):
    """Weights with entries for links left out (``w_skip``, as active_links passes the link
    table's weights) give what the filtered weights give, on both paths: skips at the start, in
    runs, and at the end."""
    kw = _filtered(quarters[-1])
    size = len(kw["w"]) + 36
    rng = np.random.default_rng(1)
    skip = np.sort(np.r_[0, 1, 2, rng.choice(np.arange(3, size - 3), 30, replace=False), size - 3, size - 2, size - 1])
    full = rng.uniform(1.0, 9.0, size)  # the skipped entries are not weights of any link
    full[np.setdiff1d(np.arange(size), skip)] = kw["w"]
    want = _both(monkeypatch, **kw)
    got = _both(monkeypatch, **{**kw, "w": full, "w_skip": skip})
    _assert_identical(want[0], got[0])
    _assert_identical(want[1], got[1])


@pytest.mark.parametrize("dead", [(), (0,), (5,), (99,), (0, 50, 99)])
def test_link_ends_compiled_are_gathers(dead):
    """active_links' compiled pass gives the gathered positions of both ends, and finds a dead end
    (position -1) on either side."""
    phase = importlib.import_module("sim.kernel.phases.production")
    ends = kern.jit_loops(phase.__name__, {"ends": phase._link_ends})["ends"]
    rng = np.random.default_rng(len(dead))
    pos = np.arange(100, dtype=np.int32)
    pos[list(dead)] = -1
    live = np.flatnonzero(pos >= 0)
    one = np.r_[dead, rng.integers(0, 100, 5000)].astype(np.int32)  # every dead row is an end here
    other = rng.choice(live, len(one)).astype(np.int32)  # never a dead row
    for sup, cust in ((one, other), (other, one)):  # dead suppliers, then dead customers
        s, c = np.full(len(sup), 7, pos.dtype), np.full(len(sup), 7, pos.dtype)
        all_alive = ends(pos, sup, cust, s, c)
        assert np.array_equal(s, pos[sup]) and np.array_equal(c, pos[cust])
        assert s.dtype == c.dtype == pos.dtype
        assert all_alive == (len(dead) == 0)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 255, 1000, 1031, 65_537])
def test_pairwise_sum_is_numpys(n):
    """The Neumann stopping rule sums as numpy does (pairwise), so both paths stop together."""
    kern._kernel()  # compile the helpers
    a = np.random.default_rng(n).standard_normal(n) * np.exp(np.random.default_rng(n + 1).standard_normal(n) * 4)
    assert production_loops._pairwise_abs_sum(a, n) == np.abs(a).sum()


def test_flow_out_receives_the_link_flows(quarters, monkeypatch):
    """produce() writes the link flows into a caller's buffer (its head) on both paths, with the
    same numbers as without one; a buffer too short, of the wrong type or not contiguous is
    refused on both."""
    kw = quarters[-1]
    want = _both(monkeypatch, **kw)
    m = len(kw["sup"])
    for flag, ref in zip(("0", "1"), want, strict=True):
        monkeypatch.setenv("SEI_NUMBA", flag)
        buf = np.full(m + 5, -1.0)
        got = _fields(prod.produce(**kw, flow_out=buf))
        _assert_identical(ref, got)
        assert np.array_equal(buf[:m], ref["link_flow"]) and np.all(buf[m:] == -1.0)
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        for bad in (np.empty(m - 1), np.empty(m, np.float32), np.empty(2 * m)[::2]):
            with pytest.raises(ValueError, match="flow_out"):
                prod.produce(**kw, flow_out=bad)


def test_whole_run_identical_with_and_without_kernel(monkeypatch):
    """A whole small run: the recorded series do not depend on the path."""
    runs = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("SEI_NUMBA", flag)
        runs[flag] = small_model(seed=1).run().timeseries()
    assert runs["0"].equals(runs["1"])


def test_sei_numba_switch(monkeypatch):
    """auto uses the kernel from MIN_LINKS links on, and at any size once the process has loaded it
    (warm: sweep and calibration workers); 0 never; 1 always; anything else is an error naming the
    variable and the allowed values."""
    monkeypatch.setenv("SEI_NUMBA", "auto")
    monkeypatch.setattr(kern, "_compiled", {})  # as in a fresh process
    assert not kern.enabled(kern.MIN_LINKS - 1) and kern.enabled(kern.MIN_LINKS)
    monkeypatch.setattr(kern, "_compiled", {"produce": object()})  # loaded by warm() or a large run
    assert kern.enabled(kern.MIN_LINKS - 1)
    monkeypatch.setenv("SEI_NUMBA", "0")
    assert kern.warm() == 0.0 and not kern.enabled(kern.MIN_LINKS - 1)
    monkeypatch.setenv("SEI_NUMBA", "0")
    assert not kern.enabled(10**9)
    monkeypatch.setenv("SEI_NUMBA", "1")
    assert kern.enabled(1)
    monkeypatch.setenv("SEI_NUMBA", "fast")
    with pytest.raises(ConfigError, match=r"SEI_NUMBA='fast'.*auto, 1 \(on\) and 0 \(off\)"):
        kern.enabled(1)
    with pytest.raises(ConfigError, match="SEI_NUMBA"):
        small_model()  # before the world is built
