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

import numpy as np

from sim.errors import ConfigError

AVAILABLE = importlib.util.find_spec("numba") is not None
MIN_LINKS = 400_000  # below this the kernel saves less than numba's start-up costs (docs/benchmarks.md)


def mode() -> str:
    """``SEI_NUMBA``: "auto" (default: the kernel from MIN_LINKS links on, when numba is
    installed), "1" (always, when installed) or "0" (never)."""
    raw = os.environ.get("SEI_NUMBA", "auto").strip().lower()
    if raw in ("0", "false", "no", "off"):
        return "0"
    if raw in ("1", "true", "yes", "on"):
        return "1"
    if raw == "auto":
        return "auto"
    raise ConfigError(f"environment variable SEI_NUMBA={raw!r}: allowed values are auto, 1 (on) and 0 (off)")


def enabled(n_links: int | None = None) -> bool:
    """True when produce should run the compiled kernel for a network of ``n_links`` links."""
    m = mode()
    if not AVAILABLE or m == "0":
        return False
    return m == "1" or n_links is None or n_links >= MIN_LINKS


def _leaf_abs_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise-sum leaf: sequential below 8 values, eight accumulators up to 128."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += abs(a[lo + i])
        return res
    r0 = abs(a[lo])
    r1 = abs(a[lo + 1])
    r2 = abs(a[lo + 2])
    r3 = abs(a[lo + 3])
    r4 = abs(a[lo + 4])
    r5 = abs(a[lo + 5])
    r6 = abs(a[lo + 6])
    r7 = abs(a[lo + 7])
    i = 8
    m = n - (n % 8)
    while i < m:
        r0 += abs(a[lo + i])
        r1 += abs(a[lo + i + 1])
        r2 += abs(a[lo + i + 2])
        r3 += abs(a[lo + i + 3])
        r4 += abs(a[lo + i + 4])
        r5 += abs(a[lo + i + 5])
        r6 += abs(a[lo + i + 6])
        r7 += abs(a[lo + i + 7])
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += abs(a[lo + i])
        i += 1
    return res


def _pairwise_abs_sum(a, n):  # pragma: no cover - compiled
    """sum(|a[:n]|) in numpy's pairwise order (halves split at multiples of 8 down to blocks of
    128), so the stopping rule of the Neumann series sees exactly numpy's value. numpy recurses;
    this walks the same tree with an explicit stack (numba's cache does not keep recursive
    functions)."""
    s_lo = np.empty(128, np.int64)
    s_n = np.empty(128, np.int64)
    s_state = np.empty(128, np.int64)
    vals = np.empty(128)
    top = 1
    s_lo[0], s_n[0], s_state[0] = 0, n, 0
    nv = 0
    while top > 0:
        lo, k, st = s_lo[top - 1], s_n[top - 1], s_state[top - 1]
        if k <= 128:
            vals[nv] = _leaf_abs_sum(a, lo, k)
            nv += 1
            top -= 1
            continue
        n2 = k // 2
        n2 -= n2 % 8
        if st == 0:  # left half first
            s_state[top - 1] = 1
            s_lo[top], s_n[top], s_state[top] = lo, n2, 0
            top += 1
        elif st == 1:  # then the right half
            s_state[top - 1] = 2
            s_lo[top], s_n[top], s_state[top] = lo + n2, k - n2, 0
            top += 1
        else:  # left + right
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
            top -= 1
    return vals[0]


def _fmin(a, b):  # pragma: no cover - compiled
    """np.minimum for two floats (NaN propagates)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


def _matvec(indptr, order, sup, a, x, n):  # pragma: no cover - compiled
    """y = A x, A[sup, cust] = a summed over links, column by column as scipy's csc_matvec does
    (``indptr`` over customers; ``order`` lists the links in customer order, or is empty when
    the links already are)."""
    y = np.zeros(n)
    if order.shape[0] == 0:
        for c in range(n):
            xc = x[c]
            for k in range(indptr[c], indptr[c + 1]):
                y[sup[k]] += a[k] * xc
    else:
        for c in range(n):
            xc = x[c]
            for j in range(indptr[c], indptr[c + 1]):
                k = order[j]
                y[sup[k]] += a[k] * xc
    return y


def _shares_and_values(w_cap, dr, sup, cust, ind, pair, tot, io, w_eff, a, x, y, fuse):  # pragma: no cover - compiled
    """One pass over the links: order shares w_eff = w_cap * dr[sup] / tot[pair] (0 where the
    pair's total is 0: it is infinity here), matrix values a = coef * w_eff, and, when the links
    are in customer order (``fuse``), the product y += A x in the same pass."""
    for k in range(w_cap.shape[0]):
        s = sup[k]
        c = cust[k]
        we = (w_cap[k] * dr[s]) / tot[pair[k]]
        w_eff[k] = we
        ak = io[ind[s], ind[c]] * we
        a[k] = ak
        if fuse:
            y[s] += ak * x[c]


def _pair_totals(tot):  # pragma: no cover - compiled
    for p in range(tot.shape[0]):
        if tot[p] <= 0.0:
            tot[p] = np.inf


def _produce(
    ind, cap, d, sup, cust, w, io, va_ratio, import_avail, rounds, spot_share, order, n_ind, tol, max_iter, ws_i, ws_f
):  # pragma: no cover - compiled
    """The numpy path of produce, pass for pass fused: see that function for the economics.
    ``ws_i`` (int32, >= m) and ``ws_f`` (float64, >= 3m) are reused work space."""
    n = ind.shape[0]
    m = sup.shape[0]
    fuse = order.shape[0] == 0
    pair = ws_i[:m]
    w_cap = ws_f[:m]
    w_eff = ws_f[m : 2 * m]
    a = ws_f[2 * m : 3 * m]
    # (customer, supplier industry) pairs, numbered in key order as link_pairs does
    has = np.zeros(n * n_ind, np.bool_)
    for k in range(m):
        has[np.int64(cust[k]) * n_ind + ind[sup[k]]] = True
    pid = np.empty(n * n_ind, np.int64)
    n_pairs = 0
    for key in range(n * n_ind):
        pid[key] = n_pairs - 1 + (1 if has[key] else 0)
        if has[key]:
            n_pairs += 1
    pair_cust = np.empty(n_pairs, np.int64)
    for key in range(n * n_ind):
        if has[key]:
            pair_cust[pid[key]] = key // n_ind
    # order-share weights w * cap[sup] and their pair totals (np.bincount order: link order)
    tot = np.zeros(n_pairs)
    indptr = np.zeros(n + 1, np.int64)
    for k in range(m):
        s = sup[k]
        c = cust[k]
        p = pid[np.int64(c) * n_ind + ind[s]]
        pair[k] = p
        wc = w[k] * cap[s]
        w_cap[k] = wc
        tot[p] += wc
        indptr[c + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    _pair_totals(tot)
    ones = np.ones(n)  # w_cap * 1.0 == w_cap exactly: the first shares carry no delivery ratio
    y = np.zeros(n)
    _shares_and_values(w_cap, ones, sup, cust, ind, pair, tot, io, w_eff, a, d, y, fuse)
    avail = np.empty(n)
    for i in range(n):
        avail[i] = import_avail[ind[i]]

    # x = d + A x by the Neumann series (the first product came with the values when fused)
    x_dem = d.copy()
    term = d.copy()
    for it in range(max_iter):
        term = y if (fuse and it == 0) else _matvec(indptr, order, sup, a, term, n)
        for i in range(n):
            x_dem[i] += term[i]
        if _pairwise_abs_sum(term, n) <= tol * _pairwise_abs_sum(x_dem, n):
            break

    rho = np.ones(n)
    xhat = np.empty(n)
    for i in range(n):
        xhat[i] = _fmin(x_dem[i], cap[i])
    dr = np.empty(n)
    got = np.empty(n_pairs)
    for _ in range(max(1, rounds)):
        # each supplier delivers the share of its orders it can produce; one pass gathers what
        # each pair got and the pair totals of the next order shares (w_cap * delivery ratio)
        for i in range(n):
            dr[i] = _fmin(1.0, xhat[i] / x_dem[i]) if x_dem[i] > 0 else 1.0
        got[:] = 0.0
        tot[:] = 0.0
        for k in range(m):
            p = pair[k]
            r = dr[sup[k]]
            got[p] += w_eff[k] * r
            tot[p] += w_cap[k] * r
        rho_new = np.ones(n)
        p = 0
        while p < n_pairs:  # minimum over each customer's pairs (pairs are sorted by customer)
            c = pair_cust[p]
            v = got[p] + (1.0 - got[p]) * spot_share
            p += 1
            while p < n_pairs and pair_cust[p] == c:
                v = _fmin(v, got[p] + (1.0 - got[p]) * spot_share)
                p += 1
            rho_new[c] = v
        change = 0.0
        for i in range(n):
            rho_new[i] = _fmin(rho_new[i], avail[i])
            diff = abs(rho_new[i] - rho[i])
            if diff > change or diff != diff:
                change = diff
        converged = change < 1e-3
        rho = rho_new
        for i in range(n):
            xhat[i] = _fmin(x_dem[i], cap[i]) * rho[i]
        # customers move orders towards suppliers that deliver; the new input matrix times xhat
        _pair_totals(tot)
        y = np.zeros(n)
        _shares_and_values(w_cap, dr, sup, cust, ind, pair, tot, io, w_eff, a, xhat, y, fuse)
        if not fuse:
            y = _matvec(indptr, order, sup, a, xhat, n)
        for i in range(n):
            x_dem[i] = d[i] + y[i]
        if converged:
            break

    # settlement (see produce): every firm serves all its buyers the same share of their orders
    demanded = np.zeros(n)
    for k in range(m):
        demanded[sup[k]] += a[k] * xhat[cust[k]]
    r = np.empty(n)
    for i in range(n):
        demanded[i] = d[i] + demanded[i]
        r[i] = _fmin(xhat[i] / demanded[i], 1.0) if demanded[i] > 0 else 1.0
    flow = np.empty(m)
    sales_interm = np.zeros(n)
    interm_sei = np.zeros(n)
    for k in range(m):
        s = sup[k]
        fk = (a[k] * xhat[cust[k]]) * r[s]
        flow[k] = fk
        sales_interm[s] += fk
        interm_sei[cust[k]] += fk
    sales_final = np.empty(n)
    va = np.empty(n)
    intermediate = np.empty(n)
    inventory = np.empty(n)
    for i in range(n):
        sales_final[i] = d[i] * r[i]
        va[i] = va_ratio[ind[i]] * xhat[i]
        intermediate[i] = xhat[i] - va[i]
        inventory[i] = xhat[i] - sales_final[i] - sales_interm[i]
    return demanded, xhat, va, intermediate, interm_sei, sales_final, sales_interm, inventory, flow, rho


_compiled: dict[str, object] = {}


def _kernel():
    """The compiled entry point, made on first use (importing numba and loading its cache cost
    about a second, paid once per process)."""
    if not _compiled:
        from numba import njit

        g = globals()  # callees are compiled first, so _produce binds to their compiled versions
        for name in ("_leaf_abs_sum", "_pairwise_abs_sum", "_matvec", "_shares_and_values", "_pair_totals"):
            g[name] = njit(cache=True, nogil=True)(g[name])
        g["_fmin"] = njit(cache=True, inline="always")(g["_fmin"])
        _compiled["produce"] = njit(cache=True, nogil=True)(g["_produce"])
    return _compiled["produce"]


def warm() -> float:
    """Import numba and load the compiled kernel (compiling it on the first use after an install)
    now, with a two-firm quarter; returns the seconds it took (0 without numba)."""
    if not AVAILABLE:
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


def produce_compiled(
    *,
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
    n_ind: int,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> tuple[np.ndarray, ...]:
    """Run the kernel; arguments as for sim.economy.production.produce. Returns (demand, output,
    value_added, intermediate, interm_sei, sales_final, sales_interm, inventory_change, link_flow,
    input_ratio), each float64 and indexed like ``ind`` (firms) or ``sup`` (links)."""
    index = np.int32 if len(ind) < 2**31 else np.int64  # half the memory traffic of int64 links
    sup = np.ascontiguousarray(sup, dtype=index)
    cust = np.ascontiguousarray(cust, dtype=index)
    sorted_ = len(cust) < 2 or bool(np.all(cust[1:] >= cust[:-1]))
    order = np.zeros(0, index) if sorted_ else np.argsort(cust, kind="stable").astype(index)
    return _kernel()(
        np.ascontiguousarray(ind, dtype=np.int64),
        np.ascontiguousarray(capacity, dtype=np.float64),
        np.ascontiguousarray(final_demand, dtype=np.float64),
        sup,
        cust,
        np.ascontiguousarray(w, dtype=np.float64),
        np.ascontiguousarray(io, dtype=np.float64),
        np.ascontiguousarray(va_ratio, dtype=np.float64),
        np.ascontiguousarray(import_avail, dtype=np.float64),
        int(rounds),
        float(spot_share),
        order,
        int(n_ind),
        float(tol),
        int(max_iter),
        *_workspace(len(sup)),
    )
