"""np.median and np.quantile (linear method) of a float array from one in-place partition, with
numpy's own arithmetic, so the numbers are the same bit for bit (tests/test_perf_entry.py); the
numpy calls cost more in overhead and a second partition than the order statistics themselves."""

from __future__ import annotations

import math

import numpy as np


def median_quantile(e: np.ndarray, q: float | None = None) -> tuple[float, float]:
    """(np.median(e), np.quantile(e, q)) of a non-empty float64 array, partitioning ``e`` in place
    (pass a copy you may reorder); the quantile is NaN when ``q`` is None. Arrays holding NaN go
    to numpy (NaN sorts last, so the partition's last element shows it)."""
    n = len(e)
    h = n // 2
    kth = [h - 1, h] if n % 2 == 0 else [h]
    if q is not None:
        v = (n - 1) * q  # numpy's virtual index of the 'linear' method
        # numpy's neighbours: the last element at or past the top (its gamma then counts from -1),
        # the first below 0
        lo = -1 if v >= n - 1 else (0 if v < 0 else math.floor(v))
        ia, ib = (n - 1, n - 1) if lo == -1 else ((0, 0) if v < 0 else (lo, lo + 1))
        kth += [ia, ib]
    e.partition(sorted(set(kth + [n - 1])))
    if math.isnan(e[n - 1]):
        return float(np.median(e)), (float(np.quantile(e, q)) if q is not None else math.nan)
    # np.mean's sum starts from +0.0 (so -0.0 comes out as 0.0), then divides by the count
    med = float(0.0 + e[h]) if n % 2 else float((0.0 + e[h - 1] + e[h]) / 2.0)
    if q is None:
        return med, math.nan
    a, b = e[ia], e[ib]
    g = v - lo  # numpy's gamma (from the clipped lower index); _lerp, both branches
    d = b - a
    top = float(b - d * (1.0 - g)) if g >= 0.5 else float(a + d * g)
    return med, top
