"""Production along the supply chain: capacity, demand propagation and supplier rationing.

Assumptions (docs/ODD.md, "Production"):
- VA capacity (yuan/quarter) = z * TFP * L^b * K^(1-b) (Cobb-Douglas, constant returns);
  gross-output capacity = VA capacity / va_ratio.
- Fixed input coefficients (Leontief): a firm of industry i needs io[j, i] yuan of industry j's
  output per yuan of its own output, bought from its suppliers in j; ROE inputs are always
  available; imported inputs are available up to scenario.import_availability.
- Demand x = d + A x (d: external demand, A: the firm-level input matrix). A supplier short of
  capacity rations all its buyers pro rata; its customers move orders towards their other
  suppliers of that industry that can deliver; a customer short of an input produces less
  (min over inputs). This is iterated for a few rounds (Inoue & Todo 2019 style).
- Links to exited suppliers are replaced at the end of the quarter of exit (demography), so
  exits hurt customers only through lost capacity in between. A supplier that is alive but
  cannot deliver (capacity lost, or short of inputs itself) rations its customers; they move
  orders to their other suppliers of that industry, and what no supplier delivers is made up on
  the spot market (imports, outside the network) only in part (params.production.spot_share), so a failed supplier
  lowers its customers' output.
Accounting: output = final sales + intermediate sales + inventory change (unsold output, the
residual of the fixed-point rounds, >= 0); a firm short of output serves all its buyers the same
share, so sales never exceed output; VA = output - intermediate inputs; every yuan of
intermediate sales is a yuan of some customer's network purchases (the rest of its inputs come
from the rest of the economy, imports and the spot market).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.economy import production_kernel
from sim.ids import N_IND

DEMAND_TOL = 1e-6
"""Relative tolerance of each quarter's demand solve x = d + A x (sum |last term| / sum |x|). A
thousand times finer than the rationing rounds' stopping rule (|change of rho| < 1e-3), so a
tighter solve buys no accuracy, only Neumann passes over the links (1e-10 took 15-16, this 9-10)."""


@dataclass
class ProductionResult:
    demand: np.ndarray  # demanded output (final + intermediate orders), yuan/quarter
    output: np.ndarray  # yuan/quarter
    value_added: np.ndarray
    intermediate: np.ndarray  # all intermediate inputs (network + ROE + imports)
    interm_sei: np.ndarray  # inputs bought from network suppliers
    sales_final: np.ndarray
    sales_interm: np.ndarray
    inventory_change: np.ndarray  # output - sales >= 0 (unsold output: the residual of the fixed-point rounds)
    link_flow: np.ndarray  # yuan paid along each link (customer -> supplier)
    input_ratio: np.ndarray  # rho: share of planned output that inputs allow


def leontief_solve(A: sp.csr_matrix, d: np.ndarray, tol: float = 1e-10, max_iter: int = 200) -> np.ndarray:
    """x = d + A x by the Neumann series (column sums of A < 1 so it converges geometrically)."""
    x = d.copy()
    term = d.copy()
    for _ in range(max_iter):
        term = A @ term
        x += term
        if np.abs(term).sum() <= tol * np.abs(x).sum():
            break
    return x


def va_capacity(z: np.ndarray, tfp: np.ndarray, labour: np.ndarray, capital: np.ndarray, b: float) -> np.ndarray:
    """Value-added capacity in yuan/quarter (Cobb-Douglas, constant returns)."""
    return z * tfp * np.power(labour, b) * np.power(capital, 1.0 - b)


def link_pairs(sup: np.ndarray, cust: np.ndarray, ind: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Index each link by its (customer, supplier industry) pair. Returns (pair of each link,
    customer of each pair); pairs are sorted by customer."""
    key = cust.astype(np.int64) * N_IND + ind[sup]
    has = np.bincount(key, minlength=n * N_IND) > 0
    pair_id = np.cumsum(has) - 1
    return pair_id[key], np.flatnonzero(has) // N_IND


def link_weights(
    sup: np.ndarray, w: np.ndarray, pair: np.ndarray, n_pairs: int, supplier_size: np.ndarray
) -> np.ndarray:
    """Order shares among a customer's suppliers of one industry: proportional to link strength x
    supplier capacity (customers split orders by what suppliers can deliver); they sum to 1
    within each (customer, input industry) pair that has a supplier with capacity."""
    return _normalise(w * supplier_size[sup], pair, n_pairs)


class LinkMatrix:
    """The firm-level input matrix A[s, c] in CSC form whose values can be reset cheaply each
    round. Links are kept grouped by customer (the link table is built and extended that way),
    so no sort is needed; duplicates are kept and summed by the product."""

    def __init__(self, sup: np.ndarray, cust: np.ndarray, n: int):
        self.order = None if np.all(cust[1:] >= cust[:-1]) else np.argsort(cust, kind="stable")
        c = cust if self.order is None else cust[self.order]
        s = sup if self.order is None else sup[self.order]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=n))])
        self.A = sp.csc_matrix((np.zeros(len(sup)), s, indptr), shape=(n, n))

    def set(self, values: np.ndarray) -> sp.csc_matrix:
        self.A.data[:] = values if self.order is None else values[self.order]
        return self.A


def _normalise(values: np.ndarray, pair: np.ndarray, n_pairs: int) -> np.ndarray:
    """Shares of each link within its (customer, industry) pair (0 where the pair sums to 0).
    ``values`` >= 0 and finite: a pair summing to 0 divides by infinity (exactly 0), so the
    link-level pass is one gather and one division."""
    tot = np.bincount(pair, weights=values, minlength=n_pairs).astype(np.float64, copy=False)  # int when empty
    tot[tot <= 0] = np.inf
    return values / tot[pair]


def _min_by_customer(values: np.ndarray, pair_cust: np.ndarray, n: int) -> np.ndarray:
    """Minimum of pair values per customer (1 where a customer has no pair)."""
    out = np.ones(n)
    if len(values):
        starts = np.flatnonzero(np.r_[True, pair_cust[1:] != pair_cust[:-1]])
        out[pair_cust[starts]] = np.minimum.reduceat(values, starts)
    return out


def _delivery_ratio(x_dem: np.ndarray, cap: np.ndarray) -> np.ndarray:
    return np.where(x_dem > 0, np.minimum(1.0, cap / np.where(x_dem > 0, x_dem, 1.0)), 1.0)


def produce(
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
    w_skip: np.ndarray | None = None,
    flow_out: np.ndarray | None = None,
) -> ProductionResult:
    """One quarter of production for a set of active firms (rows 0..n-1; links index into them).
    Vectorised; see the module docstring for the assumptions. With numba installed the compiled
    kernel (sim.economy.production_kernel) runs the same arithmetic with bit-identical results.
    ``w_skip``: sorted positions in ``w`` of links left out of ``sup``/``cust`` (``w`` then has
    len(sup) + len(w_skip) entries), so that a caller can pass a table's weights as they are
    instead of a filtered copy (8 bytes a link: 6 MB at city scale, alive through the kernel).
    ``flow_out``: an array kept by the caller whose head receives ``link_flow`` (flow_head)."""
    if production_kernel.enabled(len(sup)):
        args = (ind, capacity, final_demand, sup, cust, w, io, va_ratio, import_avail, rounds, spot_share)
        out = production_kernel.produce_compiled(*args, n_ind=N_IND, tol=DEMAND_TOL, w_skip=w_skip, flow_out=flow_out)
        return ProductionResult(*out)
    if w_skip is not None and len(w_skip):
        w = np.delete(w, w_skip)
    n = len(ind)
    cap, d = capacity, final_demand
    pair, pair_cust = link_pairs(sup, cust, ind, n)
    n_pairs = len(pair_cust)
    w_cap = w * cap[sup]  # order-share weights: link strength x supplier capacity
    w_eff = _normalise(w_cap, pair, n_pairs)
    coef = io[ind[sup], ind[cust]]
    mat = LinkMatrix(sup, cust, n)
    avail_imp = import_avail[ind]

    x_dem = leontief_solve(mat.set(coef * w_eff), d, tol=DEMAND_TOL)
    rho = np.ones(n)
    xhat = np.minimum(x_dem, cap)
    for _ in range(max(1, rounds)):
        # each supplier delivers the share of its orders it can produce (capacity and inputs)
        r_sup = _delivery_ratio(x_dem, xhat)[sup]
        got = np.bincount(pair, weights=w_eff * r_sup, minlength=n_pairs)
        rho_new = np.minimum(_min_by_customer(got + (1.0 - got) * spot_share, pair_cust, n), avail_imp)
        converged = np.max(np.abs(rho_new - rho), initial=0.0) < 1e-3
        rho = rho_new
        xhat = np.minimum(x_dem, cap) * rho
        # customers move orders towards suppliers that deliver (order shares ~ w * cap * r)
        w_eff = _normalise(w_cap * r_sup, pair, n_pairs)
        x_dem = d + mat.set(coef * w_eff) @ xhat
        if converged:
            break
    # settlement: customers order io[j,i] * xhat along their links (order shares w_eff); every
    # firm delivers the same share r = output / demanded output of all its orders, final and
    # intermediate, so sales never exceed output; undelivered inputs are bought on the spot market
    orders = coef * w_eff * xhat[cust]
    demanded = d + np.bincount(sup, weights=orders, minlength=n)
    output = xhat
    r = np.divide(output, demanded, out=np.ones(n), where=demanded > 0).clip(max=1.0)
    flow = np.multiply(orders, r[sup], out=production_kernel.flow_head(flow_out, len(sup)))
    sales_interm = np.bincount(sup, weights=flow, minlength=n)
    interm_sei = np.bincount(cust, weights=flow, minlength=n)
    sales_final = d * r
    va = va_ratio[ind] * output
    return ProductionResult(
        demand=demanded,
        output=output,
        value_added=va,
        intermediate=output - va,
        interm_sei=interm_sei,
        sales_final=sales_final,
        sales_interm=sales_interm,
        inventory_change=output - sales_final - sales_interm,
        link_flow=flow,
        input_ratio=rho,
    )
