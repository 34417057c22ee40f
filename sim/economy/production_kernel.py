"""Compiled kernel of one quarter's production (sim.economy.production.produce), for issue 16.

The same arithmetic as the numpy path, in the same order, fused into a few passes over the link
table: link-level sums accumulate in link order (as ``np.bincount`` does), the input matrix is
applied column by column in customer order (as scipy's CSC mat-vec does), and the Neumann
stopping rule uses numpy's pairwise summation. The two paths therefore give bit-identical results
(tests/test_production_kernel.py compares them). numba is an optional speed-up: without it, or
with the environment variable ``SEI_NUMBA=0``, ``produce`` runs the numpy path.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.economy import production_loops
from sim.errors import ConfigError

AVAILABLE = importlib.util.find_spec("numba") is not None
MIN_LINKS = 400_000  # below this the kernel saves less than numba's start-up costs (docs/benchmarks.md)


def mode() -> str:
    """``SEI_NUMBA``: "auto" (default: the kernel from MIN_LINKS links on, or at any size once this
    process has loaded it, when numba is installed), "1" (always, when installed) or "0" (never)."""
    raw = os.environ.get("SEI_NUMBA", "auto").strip().lower()
    if raw in ("0", "false", "no", "off"):
        return "0"
    if raw in ("1", "true", "yes", "on"):
        return "1"
    if raw == "auto":
        return "auto"
    raise ConfigError(f"environment variable SEI_NUMBA={raw!r}: allowed values are auto, 1 (on) and 0 (off)")


def enabled(n_links: int | None = None) -> bool:
    """True when produce should run the compiled kernel for a network of ``n_links`` links. Under
    "auto" a small network uses it too once the process has paid numba's start-up (a sweep or
    calibration worker that runs many small runs: see ``warm``); the results are the same."""
    m = mode()
    if not AVAILABLE or m == "0":
        return False
    return m == "1" or n_links is None or n_links >= MIN_LINKS or bool(_compiled)


_compiled: dict[str, object] = {}
_jitted: dict[str, dict] = {}


def jit_loops(owner: str, loops: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """``loops`` compiled by numba (cached on disk, loaded on each one's first call) the first time
    ``owner`` (a module name) asks for them, the same compiled dict after: the compiled passes of
    other phases that run where the production kernel does (``enabled``)."""
    got = _jitted.get(owner)
    if got is None:
        from numba import njit  # deferred: numba's import costs ~0.5 s, paid only when used

        got = _jitted[owner] = {k: njit(cache=True, nogil=True)(f) for k, f in loops.items()}
    return got


_CALLEES = (  # compiled before _produce, in call order (callees first)
    "_leaf_abs_sum",
    "_pairwise_abs_sum",
    "_matvec",
    "_shares_and_values",
    "_pair_totals",
    "_number_pairs",
    "_order_weights",
    "_neumann",
    "_ratios",
    "_links",
    "_solve",
    "_settle",
)


def _kernel():
    """The compiled entry point, made on first use (importing numba and loading its cache cost
    about a second, paid once per process)."""
    if not _compiled:
        from numba import njit  # deferred: numba's import costs ~0.5 s, paid only when used

        g = vars(production_loops)  # callees first, so _produce binds to their compiled versions
        for name in _CALLEES:
            g[name] = njit(cache=True, nogil=True)(g[name])
        for name in ("_fmin", "_weigh"):  # small helpers, inlined where they are called
            g[name] = njit(cache=True, inline="always")(g[name])
        _compiled["produce"] = njit(cache=True, nogil=True)(g["_produce"])
    return _compiled["produce"]


def warm() -> float:
    """Import numba and load the compiled kernel (compiling it on the first use after an install)
    now, with a two-firm quarter; returns the seconds it took (0 without numba or with
    ``SEI_NUMBA=0``). Processes that run many runs call it first (sweep jobs, calibration workers),
    so that under "auto" their small runs use the kernel too."""
    if not AVAILABLE or mode() == "0":
        return 0.0
    t0 = time.perf_counter()
    one = np.ones(2)
    produce_compiled(
        ind=np.zeros(2, np.int64),
        capacity=one,
        final_demand=one,
        sup=np.array([0]),
        cust=np.array([1]),
        w=np.ones(1),
        io=np.full((1, 1), 0.1),
        va_ratio=np.ones(1),
        import_avail=np.ones(1),
        rounds=1,
        spot_share=0.5,
        n_ind=1,
        tol=1e-6,  # any: the two-firm quarter only loads the kernel
    )
    return time.perf_counter() - t0


_local = threading.local()


def _workspace(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Link-sized work arrays kept between calls (per thread), grown by half when too small:
    fresh 10-MB arrays each quarter cost more in page faults than the passes that fill them."""
    ws = getattr(_local, "ws", None)
    if ws is None or len(ws[0]) < m:
        cap = max(m + m // 2, 1024)
        ws = (np.empty(cap, np.int32), np.empty(3 * cap))
        _local.ws = ws
    return ws


def flow_head(flow_out: np.ndarray | None, m: int) -> np.ndarray:
    """Where ``m`` link flows go: the head of produce's ``flow_out``, or a fresh array without one;
    ValueError unless it is contiguous float64 with at least ``m`` entries (the kernel writes
    without bounds checks)."""
    if flow_out is None:
        return np.empty(m)
    if flow_out.dtype != np.float64 or not flow_out.flags.c_contiguous or len(flow_out) < m:
        raise ValueError(f"flow_out must be a contiguous float64 array of at least {m} entries")
    return flow_out[:m]


def produce_compiled(
    ind: np.ndarray,
    capacity: np.ndarray,
    final_demand: np.ndarray,
    sup: np.ndarray,
    cust: np.ndarray,
    w: np.ndarray,
    io: np.ndarray,
    va_ratio: np.ndarray,
    import_avail: np.ndarray,
    rounds: int,
    spot_share: float,
    *,
    n_ind: int,
    tol: float,
    max_iter: int = 200,
    w_skip: np.ndarray | None = None,
    flow_out: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """Run the kernel; arguments as for sim.economy.production.produce. Returns (demand, output,
    value_added, intermediate, interm_sei, sales_final, sales_interm, inventory_change, link_flow,
    input_ratio), each float64 and indexed like ``ind`` (firms) or ``sup`` (links); link_flow is
    the head of ``flow_out`` when one is given (float64, contiguous, at least one entry a link)."""
    index = np.int32 if len(ind) < 2**31 else np.int64  # half the memory traffic of int64 links
    sup = np.ascontiguousarray(sup, dtype=index)
    cust = np.ascontiguousarray(cust, dtype=index)
    sorted_ = len(cust) < 2 or bool(np.all(cust[1:] >= cust[:-1]))
    order = np.zeros(0, index) if sorted_ else np.argsort(cust, kind="stable").astype(index)
    flow_out = flow_head(flow_out, len(sup))
    return _kernel()(
        np.ascontiguousarray(ind, dtype=np.int8 if n_ind <= 127 else np.int64),  # int8: the supplier lookups stay in L1
        np.ascontiguousarray(capacity, dtype=np.float64),
        np.ascontiguousarray(final_demand, dtype=np.float64),
        sup,
        cust,
        np.ascontiguousarray(w, dtype=np.float64),
        np.zeros(0, np.int64) if w_skip is None else np.ascontiguousarray(w_skip, dtype=np.int64),
        np.ascontiguousarray(io, dtype=np.float64),
        np.ascontiguousarray(va_ratio, dtype=np.float64),
        np.ascontiguousarray(import_avail, dtype=np.float64),
        int(rounds),
        float(spot_share),
        order,
        int(n_ind),
        float(tol),
        int(max_iter),
        _workspace(len(sup)),
        flow_out,
    )
