"""Production along the supply chain: capacity, demand propagation and supplier rationing.

Assumptions (docs/ODD.md, "Production"):
- VA capacity (yuan/quarter) = z * TFP * L^b * K^(1-b) (Cobb-Douglas, constant returns);
  gross-output capacity = VA capacity / va_ratio.
- Fixed input coefficients (Leontief): a firm of industry i needs io[j, i] yuan of industry j's
  output per yuan of its own output, bought from its suppliers in j; ROE inputs are always
  available; imported inputs are available up to scenario.import_availability.
- Demand x = d + A x (d: external demand, A: the firm-level input matrix). A supplier short of
  capacity rations all its buyers pro rata; a customer short of an input produces less
  (min over inputs); this is iterated a fixed number of rounds (Inoue & Todo 2019 style).
- Orders to exited suppliers go to the customer's other suppliers of that industry. What the
  suppliers cannot deliver is made up on the spot market (imports, outside the network) only in
  part (SPOT_SHARE), so a failed or short supplier lowers its customers' output until they rewire.
Accounting: output = final sales + intermediate sales + inventory change (the residual of the
fixed-point rounds); VA = output - intermediate inputs; every yuan of intermediate sales is a yuan
of some customer's network purchases, bought for its own production.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.ids import N_IND

SPOT_SHARE = 0.5  # share of an undelivered input that the spot market makes up within the quarter (assumption)


@dataclass
class ProductionResult:
    demand: np.ndarray  # demanded output (final + intermediate orders), yuan/quarter
    output: np.ndarray  # yuan/quarter
    value_added: np.ndarray
    intermediate: np.ndarray  # all intermediate inputs (network + ROE + imports)
    interm_sei: np.ndarray  # inputs bought from network suppliers
    sales_final: np.ndarray
    sales_interm: np.ndarray
    inventory_change: np.ndarray  # output - sales (small: the residual of the fixed-point rounds)
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


def link_weights(sup: np.ndarray, cust: np.ndarray, w: np.ndarray, alive: np.ndarray, ind: np.ndarray, n: int,
                 supplier_size: np.ndarray):
    """Order shares among a customer's alive suppliers of one industry: proportional to link
    strength x supplier capacity (customers split orders by what suppliers can deliver), summing
    to 1 within (customer, input industry). Returns (shares, pair key per link, pair has a link,
    pair has a live supplier)."""
    key = cust.astype(np.int64) * N_IND + ind[sup]
    w_live = w * alive[sup] * supplier_size[sup]
    tot = np.bincount(key, weights=w_live, minlength=n * N_IND)
    w_eff = np.where(tot[key] > 0, w_live / np.where(tot[key] > 0, tot[key], 1.0), 0.0)
    has = np.bincount(key, minlength=n * N_IND) > 0
    live = tot > 0
    return w_eff, key, has, live


def produce(*, ind: np.ndarray, alive: np.ndarray, capacity: np.ndarray, final_demand: np.ndarray,
            sup: np.ndarray, cust: np.ndarray, w: np.ndarray, io: np.ndarray, va_ratio: np.ndarray,
            import_avail: np.ndarray, rounds: int) -> ProductionResult:
    """One quarter of production for all firms (vectorised; see the module docstring)."""
    n = len(ind)
    cap = np.where(alive, capacity, 0.0)
    d = np.where(alive, final_demand, 0.0)
    w_eff, key, has, live = link_weights(sup, cust, w, alive, ind, n, cap)
    coef = io[ind[sup], ind[cust]] * w_eff
    A = sp.csr_matrix((coef, (sup, cust)), shape=(n, n))
    uses = (io[:N_IND, :] > 0)[:, ind].T.reshape(-1)  # [n * N_IND] customer needs industry j
    avail_imp = import_avail[ind]

    x_dem = leontief_solve(A, d)
    xhat = np.minimum(x_dem, cap)
    for _ in range(max(1, rounds)):
        r = np.where(x_dem > 0, np.minimum(1.0, cap / np.where(x_dem > 0, x_dem, 1.0)), 1.0)
        got = np.bincount(key, weights=w_eff * r[sup], minlength=n * N_IND)
        alpha = np.where(has, got + (1.0 - got) * SPOT_SHARE, 1.0)
        alpha = np.where(uses, alpha, 1.0).reshape(n, N_IND)
        rho = np.minimum(alpha.min(axis=1), avail_imp)
        xhat = np.minimum(x_dem, cap) * rho
        x_dem = d + A @ xhat
    # purchases along links: each customer buys io[j,i] * xhat from suppliers of j, pro rata to w*r
    r = np.where(x_dem > 0, np.minimum(1.0, cap / np.where(x_dem > 0, x_dem, 1.0)), 1.0)
    wr = w_eff * r[sup]
    tot = np.bincount(key, weights=wr, minlength=n * N_IND)
    share = np.where(tot[key] > 0, wr / np.where(tot[key] > 0, tot[key], 1.0), 0.0)
    flow = io[ind[sup], ind[cust]] * xhat[cust] * share
    sales_interm = np.bincount(sup, weights=flow, minlength=n)
    interm_sei = np.bincount(cust, weights=flow, minlength=n)
    output = xhat
    sales_final = np.clip(np.minimum(d, output - sales_interm), 0.0, None)
    v = va_ratio[ind]
    va = v * output
    return ProductionResult(demand=x_dem, output=output, value_added=va, intermediate=output - va,
                            interm_sei=interm_sei, sales_final=sales_final, sales_interm=sales_interm,
                            inventory_change=output - sales_final - sales_interm, link_flow=flow, input_ratio=rho)
