"""The loops of the compiled production kernel (sim.economy.production_kernel), as plain Python.

Each function is one pass, or a few, over the link table or the firms, written so that numba
compiles it (sim.economy.production_kernel._kernel does, on first use) and so that it does the
numpy path's arithmetic in the numpy path's order: link-level sums in link order (as
``np.bincount``), the input matrix column by column in customer order (as scipy's CSC mat-vec),
the Neumann stopping rule with numpy's pairwise summation. Uncompiled they are slow but correct.
"""

from __future__ import annotations

import numpy as np


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


def _matvec(order, sup, cust, a, x, n):  # pragma: no cover - compiled
    """y = A x, A[sup, cust] = a summed over links, column by column as scipy's csc_matvec does:
    the links in customer order (``order`` lists them so, or is empty when they already are), in
    one flat loop (a loop per customer costs a mispredicted exit each)."""
    y = np.zeros(n)
    if order.shape[0] == 0:
        for k in range(sup.shape[0]):
            y[sup[k]] += a[k] * x[cust[k]]
    else:
        for j in range(order.shape[0]):
            k = order[j]
            y[sup[k]] += a[k] * x[cust[k]]
    return y


def _shares_and_values(numer, sup, cust, pair, tot, pair_io, w_eff, a, x, y, make_a, make_y):  # pragma: no cover
    """One pass over the links: order shares w_eff = numer / tot[pair] (``numer``: the weights
    w * cap[sup], times the suppliers' delivery ratios after the first round; the share is 0 where
    the pair's total is 0: it is infinity here), the matrix values coef * w_eff (``pair_io``: each
    pair's input coefficient) into ``a`` when ``make_a``, and y += A x in the same pass when
    ``make_y`` (only for links in customer order: the sums then run as _matvec's). ``numer`` may
    be ``w_eff`` itself."""
    for k in range(sup.shape[0]):
        p = pair[k]
        we = numer[k] / tot[p]
        w_eff[k] = we
        ak = pair_io[p] * we
        if make_a:
            a[k] = ak
        if make_y:
            y[sup[k]] += ak * x[cust[k]]


def _pair_totals(tot):  # pragma: no cover - compiled
    for p in range(tot.shape[0]):
        if tot[p] <= 0.0:
            tot[p] = np.inf


def _number_pairs(ind, sup, cust, n, n_ind, io):  # pragma: no cover - compiled
    """(customer, supplier industry) pairs numbered in key order, as link_pairs does: the pair id
    of every key (customer * n_ind + industry), each customer's first pair (``pair_ptr``, n + 1
    offsets: pairs are in customer order) and each pair's input coefficient io[supplier industry,
    customer industry]."""
    has = np.zeros(n * n_ind, np.bool_)
    for k in range(sup.shape[0]):
        has[np.int64(cust[k]) * n_ind + ind[sup[k]]] = True
    n_pairs = 0
    for key in range(n * n_ind):
        n_pairs += has[key]
    pid = np.empty(n * n_ind, np.int32)
    pair_ptr = np.zeros(n + 1, np.int64)
    pair_io = np.empty(n_pairs)
    p = 0
    key = 0
    for c in range(n):  # keys in order, without dividing them (an integer division each costs more)
        for j in range(n_ind):
            pid[key] = p - 1 + (1 if has[key] else 0)
            if has[key]:
                pair_io[p] = io[j, ind[c]]
                p += 1
            key += 1
        pair_ptr[c + 1] = p
    return pid, pair_ptr, pair_io


def _weigh(k, wk, ind, cap, sup, cust, pid, n_ind, pair, w_cap, tot):  # pragma: no cover - compiled, inlined
    """_order_weights for link ``k`` of weight ``wk``: its pair, its order-share weight, its pair total."""
    s = sup[k]
    p = pid[np.int64(cust[k]) * n_ind + ind[s]]
    pair[k] = p
    wc = wk * cap[s]
    w_cap[k] = wc
    tot[p] += wc


def _order_weights(ind, cap, sup, cust, w, w_skip, pid, n_pairs, n_ind, pair, w_cap):  # pragma: no cover - compiled
    """Each link's pair and order-share weight w * cap[sup] (written into ``pair``, ``w_cap``) and
    the pair totals (np.bincount order: link order; then _pair_totals'). ``w`` has an entry for
    each link and one at each of the sorted positions ``w_skip``, which are passed over."""
    tot = np.zeros(n_pairs)
    if w_skip.shape[0] == 0:  # most quarters: a tight loop without the skip test (a fifth faster)
        for k in range(sup.shape[0]):
            _weigh(k, w[k], ind, cap, sup, cust, pid, n_ind, pair, w_cap, tot)
    else:
        b = 0  # positions of w passed over so far: link k's weight is w[k + b]
        for k in range(sup.shape[0]):
            while b < w_skip.shape[0] and w_skip[b] == k + b:
                b += 1
            _weigh(k, w[k + b], ind, cap, sup, cust, pid, n_ind, pair, w_cap, tot)
    _pair_totals(tot)
    return tot


def _neumann(d, y, fuse, order, sup, cust, a, n, tol, max_iter):  # pragma: no cover - compiled
    """x = d + A x by the Neumann series, stopping as leontief_solve does (the first product
    ``y`` came with the matrix values when the pass was fused)."""
    x_dem = d.copy()
    term = d.copy()
    for it in range(max_iter):
        term = y if (fuse and it == 0) else _matvec(order, sup, cust, a, term, n)
        for i in range(n):
            x_dem[i] += term[i]
        if _pairwise_abs_sum(term, n) <= tol * _pairwise_abs_sum(x_dem, n):
            break
    return x_dem


def _ratios(
    dr, sup, pair, pair_ptr, w_eff, w_cap, spot_share, avail, tot, got, x_dem, cap, rho, xhat
):  # pragma: no cover
    """A rationing round's first half. Each supplier delivers the share ``dr`` of its orders: one
    pass gathers what each pair got and the numerators of the next order shares (w_cap * dr, into
    ``w_eff``) with their pair totals (``tot``, then _pair_totals'); a firm's input ratio is the
    minimum over its pairs (``pair_ptr``: each customer's first pair), capped by import
    availability, and its output is min(demanded, capacity) times it. Updates ``rho`` and ``xhat``
    in place; returns the largest change of an input ratio. Flat loops: a short loop per customer
    costs a mispredicted exit each."""
    got[:] = 0.0
    tot[:] = 0.0
    for k in range(sup.shape[0]):
        p = pair[k]
        r = dr[sup[k]]
        got[p] += w_eff[k] * r
        wr = w_cap[k] * r
        tot[p] += wr
        w_eff[k] = wr  # the old share is not read again
    _pair_totals(tot)
    change = 0.0
    for c in range(rho.shape[0]):
        v = 1.0
        for p in range(pair_ptr[c], pair_ptr[c + 1]):
            g = got[p] + (1.0 - got[p]) * spot_share
            v = g if p == pair_ptr[c] else _fmin(v, g)
        v = _fmin(v, avail[c])
        diff = abs(v - rho[c])
        if diff > change or diff != diff:
            change = diff
        rho[c] = v
        xhat[c] = _fmin(x_dem[c], cap[c]) * v
    return change


def _settle(d, xhat, pair, pair_io, w_eff, sup, cust, ind, va_ratio, n, x_dem, fuse, flow):  # pragma: no cover
    """Settlement (see produce): every firm serves all its buyers the same share of their orders
    (matrix values pair_io[pair] * w_eff, made as _shares_and_values makes them). When the links
    are in customer order (``fuse``) the orders d + A xhat are ``x_dem``: the last round made that
    sum with the same matrix, outputs and order of terms. Link flows go to the head of ``flow``."""
    m = sup.shape[0]
    if fuse:
        demanded = x_dem.copy()
    else:
        demanded = np.zeros(n)
        for k in range(m):
            demanded[sup[k]] += (pair_io[pair[k]] * w_eff[k]) * xhat[cust[k]]
        for i in range(n):
            demanded[i] = d[i] + demanded[i]
    r = np.empty(n)
    for i in range(n):
        r[i] = _fmin(xhat[i] / demanded[i], 1.0) if demanded[i] > 0 else 1.0
    flow = flow[:m]
    sales_interm = np.zeros(n)
    interm_sei = np.zeros(n)
    for k in range(m):
        s = sup[k]
        fk = ((pair_io[pair[k]] * w_eff[k]) * xhat[cust[k]]) * r[s]
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
    return demanded, xhat, va, intermediate, interm_sei, sales_final, sales_interm, inventory, flow


def _links(ws, m):  # pragma: no cover - compiled
    """The work space's link arrays: each link's pair, order-share weight w * cap[sup], order
    share and matrix value (held while the demand solve's mat-vecs read it; settlement makes the
    values from the shares). ``ws``: int32 >= m and float64 >= 3m entries, reused between quarters."""
    return ws[0][:m], ws[1][:m], ws[1][m : 2 * m], ws[1][2 * m : 3 * m]


def _solve(
    ind, cap, d, sup, cust, w, w_skip, io, import_avail, rounds, spot_share, order, n_ind, tol, max_iter, ws
):  # pragma: no cover - compiled
    """Demand and the rationing rounds of _produce: returns the demanded outputs, the outputs, the
    input ratios and each pair's input coefficient, and leaves the final order shares in the
    work space. Its own function so that the other pair arrays (6 MB at city scale) are freed
    before the settlement allocates the results."""
    n = ind.shape[0]
    fuse = order.shape[0] == 0  # links in customer order: A x is made with the matrix values
    pair, w_cap, w_eff, a = _links(ws, sup.shape[0])
    pid, pair_ptr, pair_io = _number_pairs(ind, sup, cust, n, n_ind, io)
    tot = _order_weights(ind, cap, sup, cust, w, w_skip, pid, pair_io.shape[0], n_ind, pair, w_cap)
    y = np.zeros(n)  # w_cap * 1.0 == w_cap: the first shares carry no delivery ratio
    _shares_and_values(w_cap, sup, cust, pair, tot, pair_io, w_eff, a, d, y, True, fuse)
    avail = np.empty(n)
    for i in range(n):
        avail[i] = import_avail[ind[i]]
    x_dem = _neumann(d, y, fuse, order, sup, cust, a, n, tol, max_iter)

    rho = np.ones(n)
    xhat = np.empty(n)
    for i in range(n):
        xhat[i] = _fmin(x_dem[i], cap[i])
    dr = np.empty(n)
    got = np.empty(pair_io.shape[0])
    for _ in range(max(1, rounds)):
        for i in range(n):
            dr[i] = _fmin(1.0, xhat[i] / x_dem[i]) if x_dem[i] > 0 else 1.0
        change = _ratios(dr, sup, pair, pair_ptr, w_eff, w_cap, spot_share, avail, tot, got, x_dem, cap, rho, xhat)
        # customers move orders towards suppliers that deliver; the new input matrix times xhat
        y = np.zeros(n)
        _shares_and_values(w_eff, sup, cust, pair, tot, pair_io, w_eff, a, xhat, y, not fuse, fuse)
        if not fuse:
            y = _matvec(order, sup, cust, a, xhat, n)
        for i in range(n):
            x_dem[i] = d[i] + y[i]
        if change < 1e-3:
            break
    return x_dem, xhat, rho, pair_io


def _produce(
    ind, cap, d, sup, cust, w, w_skip, io, va_ratio, import_avail, rounds, spot_share, order, n_ind, tol, max_iter, ws,
    flow_out,
):  # fmt: skip  # pragma: no cover - compiled
    """The numpy path of produce, pass for pass fused: see that function for the economics. ``ws``
    (int32 >= m, float64 >= 3m entries): reused work space (see _links); ``flow_out``: see _settle."""
    n = ind.shape[0]
    args = (ind, cap, d, sup, cust, w, w_skip, io, import_avail, rounds, spot_share, order, n_ind, tol, max_iter)
    x_dem, xhat, rho, pair_io = _solve(*args, ws)
    pair, _, w_eff, _ = _links(ws, sup.shape[0])
    fuse = order.shape[0] == 0
    return (*_settle(d, xhat, pair, pair_io, w_eff, sup, cust, ind, va_ratio, n, x_dem, fuse, flow_out), rho)
