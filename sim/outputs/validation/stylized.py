"""Statistics of stylized facts of firms and industries, as pure functions of numpy arrays.

Nothing here knows the model: sim/validation/facts.py feeds these functions from a run. Every
function refuses bad input with a ValueError naming the argument. Sources of the statistics:

- Pareto tail: continuous power-law MLE with the lower cut-off chosen by the Kolmogorov-Smirnov
  distance (Clauset, Shalizi & Newman 2009, SIAM Review 51:661, eqs. 3.1, 3.7, 3.9);
- Laplace against normal: maximum likelihood fits and Vuong's (1989, Econometrica 57:307) test of
  non-nested models (both have two parameters, so the AIC difference is twice the log-likelihood
  difference);
- location quotients (Isard 1960) and the Ellison & Glaeser (1997, JPE 105:889, eq. 5) index of
  geographic concentration.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
STATUSES = (PASS, WARN, FAIL)


def _vector(x, name: str, *, positive: bool = False) -> np.ndarray:
    """A finite 1-d float array, or a ValueError naming the argument."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"'{name}' must be a 1-d array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"'{name}' holds non-finite values")
    if positive and np.any(a <= 0):
        raise ValueError(f"'{name}' must be > 0 everywhere")
    return a


# ---------------------------------------------------------------------------------------------
# Heavy tails
# ---------------------------------------------------------------------------------------------
def pareto_tail(
    x, *, xmin: float | None = None, min_tail: int = 50, n_candidates: int = 40, lattice: float = 0.0
) -> dict:
    """Tail exponent ``alpha`` of P(X > x) ~ x^-alpha above ``xmin`` (Zipf: alpha = 1).

    MLE alpha = (n - 1) / sum(ln(x_i / xmin)) over the n values >= xmin (Clauset et al. 2009,
    eq. 3.7 with the small-sample factor (n-1)/n), standard error alpha / sqrt(n). Without
    ``xmin`` it is chosen among ``n_candidates`` distinct values of the upper half of the data
    (log-spaced ranks, at least ``min_tail`` values above) as the one minimising the KS distance
    between the tail's empirical and fitted distributions (their eq. 3.9). For data on a lattice of
    step ``lattice`` (employment in talent agents, degrees) the cut-off is shifted by half a step,
    xmin - lattice/2, their approximation for discrete data (eq. 3.7)."""
    a = _vector(x, "x", positive=True)
    h = float(lattice) / 2.0
    if not h >= 0:
        raise ValueError(f"'lattice' must be >= 0, got {lattice}")
    if len(a) < min_tail:
        raise ValueError(f"'x' needs at least min_tail={min_tail} values, got {len(a)}")
    desc = np.sort(a)[::-1]
    csum = np.cumsum(np.log(desc))

    def fit(k: int) -> tuple[float, float, float]:
        """alpha, KS distance and xmin of the tail of the k largest values (ties at xmin included)."""
        xm = desc[k - 1]
        k = int(np.searchsorted(-desc, -xm, side="right"))  # every value equal to xmin is in the tail
        if xm - h <= 0:
            return np.inf, np.inf, float(xm)
        s = csum[k - 1] - k * np.log(xm - h)
        alpha = (k - 1) / s if s > 0 else np.inf
        y = desc[:k][::-1]  # ascending
        model = 1.0 - ((y + h) / (xm - h)) ** (-alpha)
        j = np.arange(1, k + 1)
        ks = float(np.max(np.maximum(np.abs(j / k - model), np.abs((j - 1) / k - model))))
        return float(alpha), ks, float(xm)

    if xmin is not None:
        if not xmin > 0:
            raise ValueError(f"'xmin' must be > 0, got {xmin}")
        k = int(np.count_nonzero(a >= xmin))
        if k < 2:
            raise ValueError(f"'xmin'={xmin} leaves {k} values in the tail")
        alpha, ks, xm = fit(k)
    else:
        hi = max(min_tail, len(a) // 2)
        ranks = np.unique(np.geomspace(min_tail, hi, n_candidates).astype(int))
        # candidates: distinct cut-off values (ties would repeat the same fit)
        _, first = np.unique(-desc[ranks - 1], return_index=True)
        fits = [fit(int(k)) for k in ranks[first]]
        ok = [f for f in fits if np.isfinite(f[0])]
        if not ok:
            raise ValueError("'x' has no spread in its upper half: no tail to fit")
        alpha, ks, xm = min(ok, key=lambda f: f[1])
    n = int(np.count_nonzero(a >= xm))
    return {"alpha": alpha, "se": alpha / np.sqrt(n), "xmin": xm, "n_tail": n, "n": len(a), "ks": ks}


def positive(x, name: str = "x") -> np.ndarray:
    """The strictly positive values of a finite array (sizes of firms that produced, degrees >= 1)."""
    a = _vector(x, name)
    return a[a > 0]


# ---------------------------------------------------------------------------------------------
# Growth rates
# ---------------------------------------------------------------------------------------------
def matched_log_growth(rows_prev, size_prev, rows_now, size_now) -> tuple[np.ndarray, np.ndarray]:
    """Log growth ln(size_now / size_prev) of the rows present in both years with positive size in
    both, and those rows. Rows are stable firm ids (sim/state.py: rows are never reused)."""
    rp, sp_ = np.asarray(rows_prev), _vector(size_prev, "size_prev")
    rn, sn = np.asarray(rows_now), _vector(size_now, "size_now")
    if rp.shape != sp_.shape:
        raise ValueError(f"'rows_prev' and 'size_prev' differ in length ({rp.shape} vs {sp_.shape})")
    if rn.shape != sn.shape:
        raise ValueError(f"'rows_now' and 'size_now' differ in length ({rn.shape} vs {sn.shape})")
    if len(rn) and np.all(rn[1:] > rn[:-1]):  # sorted unique rows (np.flatnonzero): binary search
        pos = np.minimum(np.searchsorted(rn, rp), len(rn) - 1)
        ip = np.flatnonzero(rn[pos] == rp)
        inow, common = pos[ip], rp[ip]
    else:
        common, ip, inow = np.intersect1d(rp, rn, assume_unique=True, return_indices=True)
    ok = (sp_[ip] > 0) & (sn[inow] > 0)
    return np.log(sn[inow][ok] / sp_[ip][ok]), common[ok]


def demean_by_group(x, group) -> np.ndarray:
    """x minus the mean of its group (e.g. industry x year): growth relative to the sector, as
    Bottazzi & Secchi (2006) normalise growth rates before fitting their shape."""
    a = _vector(x, "x")
    g = np.asarray(group)
    if g.shape != a.shape:
        raise ValueError(f"'group' must have the shape of 'x' {a.shape}, got {g.shape}")
    inv, _ = pd.factorize(g)
    mean = np.bincount(inv, weights=a) / np.bincount(inv)
    return a - mean[inv]


def laplace_vs_normal(g) -> dict:
    """Which of Laplace and normal fits ``g`` better: maximum likelihood fits of both and Vuong's
    z = sqrt(n) mean(d) / sd(d), d_i = ln f_Laplace(g_i) - ln f_normal(g_i).

    z > 1.96: Laplace significantly better (the tent shape of firm growth rates, Stanley et al.
    1996, Bottazzi & Secchi 2006); z < -1.96: normal significantly better; in between: the data do
    not tell them apart. Both models have 2 parameters, so AIC_normal - AIC_laplace = 2 sum(d)."""
    from scipy import stats  # deferred: ~0.3 s and ~23 MB on every config composition

    a = _vector(g, "g")
    if len(a) < 10:
        raise ValueError(f"'g' needs at least 10 values, got {len(a)}")
    if np.ptp(a) == 0:
        raise ValueError("'g' has no spread: every value is the same")
    loc_l, sc_l = stats.laplace.fit(a)
    loc_n, sc_n = stats.norm.fit(a)
    lp_l, lp_n = stats.laplace.logpdf(a, loc_l, sc_l), stats.norm.logpdf(a, loc_n, sc_n)
    d = lp_l - lp_n
    sd = float(d.std(ddof=1))
    z = float(np.sqrt(len(a)) * d.mean() / sd) if sd > 0 else 0.0
    ll_l, ll_n = float(lp_l.sum()), float(lp_n.sum())
    c2 = (a - a.mean()) ** 2
    m2 = float(c2.mean())
    return {
        "n": len(a),
        "vuong_z": z,
        "p_two_sided": float(2 * stats.norm.sf(abs(z))),
        "ll_laplace": ll_l,
        "ll_normal": ll_n,
        "aic_laplace": 4 - 2 * ll_l,
        "aic_normal": 4 - 2 * ll_n,
        "laplace_scale": float(sc_l),
        "normal_sd": float(sc_n),
        "excess_kurtosis": float(np.mean(c2 * c2) / m2**2 - 3.0) if m2 > 0 else float("nan"),
    }  # Laplace 3, normal 0


# ---------------------------------------------------------------------------------------------
# Entry and exit
# ---------------------------------------------------------------------------------------------
def turnover_rates(entries, exits, stock_start) -> dict:
    """Annual entry and exit rates: events of each year / firms alive at the start of the year
    (arrays indexed by year); also their means over the years."""
    e, x, s = _vector(entries, "entries"), _vector(exits, "exits"), _vector(stock_start, "stock_start", positive=True)
    if not (len(e) == len(x) == len(s)):
        raise ValueError(
            f"'entries', 'exits' and 'stock_start' must have one value per year, got {len(e)}, {len(x)}, {len(s)}"
        )
    if np.any(e < 0) or np.any(x < 0):
        raise ValueError("'entries' and 'exits' must be >= 0")
    er, xr = e / s, x / s
    return {"entry_rate": er, "exit_rate": xr, "entry_rate_mean": float(er.mean()), "exit_rate_mean": float(xr.mean())}


# ---------------------------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------------------------
def _matrix(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"'{name}' must be a 2-d array (industry x area), got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"'{name}' must be finite and >= 0")
    if a.sum() <= 0:
        raise ValueError(f"'{name}' sums to zero")
    return a


def location_quotients(x) -> np.ndarray:
    """LQ[i, d] = (x_id / x_d) / (x_i / x): an industry's share of an area's activity over its
    share of the whole (1 = as in the whole; NaN for an empty area or industry)."""
    a = _matrix(x, "x")
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a / a.sum(axis=0, keepdims=True)) / (a.sum(axis=1, keepdims=True) / a.sum())


def ellison_glaeser(size, industry, area, n_industries: int, n_areas: int, area_share=None) -> dict:
    """Ellison-Glaeser index per industry: gamma = (G / (1 - sum x_d^2) - H) / (1 - H), with
    G = sum_d (s_d - x_d)^2 (s_d: the industry's share of its employment in area d, x_d: area d's
    share of all employment, or ``area_share``) and H = sum_j z_j^2 the Herfindahl index of its
    plants' shares z_j. E[gamma] = 0 when plants locate at random in proportion to x_d (the
    'dartboard'); > 0 means localisation beyond that. NaN for an industry with < 2 plants."""
    s = _vector(size, "size")
    ind = np.asarray(industry, dtype=np.int64)
    ar = np.asarray(area, dtype=np.int64)
    if ind.shape != s.shape or ar.shape != s.shape:
        raise ValueError(f"'industry' and 'area' must have the shape of 'size' {s.shape}")
    if np.any(s < 0):
        raise ValueError("'size' must be >= 0")
    if len(s) and (ind.min() < 0 or ind.max() >= n_industries or ar.min() < 0 or ar.max() >= n_areas):
        raise ValueError(f"'industry' must be in [0, {n_industries}) and 'area' in [0, {n_areas})")
    cell = np.bincount(ind * n_areas + ar, weights=s, minlength=n_industries * n_areas).reshape(n_industries, n_areas)
    tot = cell.sum(axis=1)
    if area_share is None:
        x = cell.sum(axis=0) / cell.sum()
    else:
        x = _vector(area_share, "area_share")
        if len(x) != n_areas or np.any(x < 0) or not np.isclose(x.sum(), 1.0):
            raise ValueError(f"'area_share' must hold {n_areas} shares >= 0 summing to 1")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = cell / tot[:, None]
        G = ((share - x[None, :]) ** 2).sum(axis=1)
        H = np.bincount(ind, weights=(s / tot[ind]) ** 2, minlength=n_industries)
        gamma = (G / (1.0 - (x**2).sum()) - H) / (1.0 - H)
    n_plants = np.bincount(ind[s > 0], minlength=n_industries)
    gamma = np.where(n_plants >= 2, gamma, np.nan)
    return {"gamma": gamma, "G": G, "H": H, "n_plants": n_plants, "area_share": x}


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------
def degrees(supplier, customer, alive) -> tuple[np.ndarray, np.ndarray]:
    """(in-degree = suppliers, out-degree = customers) of every node over the links whose both
    ends are alive; a link repeated between the same pair counts each time (as sim.outputs.network.degree_table)."""
    al = np.asarray(alive, dtype=bool)
    sup, cus = np.asarray(supplier, dtype=np.int64), np.asarray(customer, dtype=np.int64)
    if sup.shape != cus.shape:
        raise ValueError(f"'supplier' and 'customer' differ in length ({sup.shape} vs {cus.shape})")
    if len(sup) and (min(sup.min(), cus.min()) < 0 or max(sup.max(), cus.max()) >= len(al)):
        raise ValueError(f"'supplier' and 'customer' must be node indices in [0, {len(al)})")
    live = al[sup] & al[cus]
    return np.bincount(cus[live], minlength=len(al)), np.bincount(sup[live], minlength=len(al))


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------
def band_score(value: float, pass_range: tuple[float, float], warn_range: tuple[float, float]) -> tuple[float, str]:
    """Score and status of a value against a PASS interval inside a WARN interval.

    score = 0 inside the PASS interval; outside it, the distance to the PASS interval divided by
    the gap between the PASS and WARN edges on that side (so score 1 = at the WARN edge). PASS:
    score 0; WARN: 0 < score <= 1; FAIL: score > 1 or a value that could not be measured (NaN).
    An infinite edge means no limit on that side."""
    lo, hi = pass_range
    wlo, whi = warn_range
    if not (wlo <= lo <= hi <= whi):
        raise ValueError(f"'warn_range' {warn_range} must contain 'pass_range' {pass_range}")
    v = float(value)
    if not np.isfinite(v):
        return float("nan"), FAIL
    if lo <= v <= hi:
        return 0.0, PASS
    if v < lo:
        score = (lo - v) / (lo - wlo) if lo > wlo else np.inf
    else:
        score = (v - hi) / (whi - hi) if whi > hi else np.inf
    return float(score), (WARN if score <= 1 else FAIL)


__all__ = [
    "FAIL",
    "PASS",
    "STATUSES",
    "WARN",
    "band_score",
    "degrees",
    "demean_by_group",
    "ellison_glaeser",
    "laplace_vs_normal",
    "location_quotients",
    "matched_log_growth",
    "pareto_tail",
    "positive",
    "turnover_rates",
]
