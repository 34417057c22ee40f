"""np.median and np.quantile (linear method) bit for bit, from one partition: numpy's wrappers cost
more than the partition itself for the few thousand values of an industry's firms, and the model
asks for them several times a quarter (tests/test_perf_entry.py compares them with numpy)."""

from __future__ import annotations

import math

import numpy as np


def _middle(p: np.ndarray, n: int) -> float:
    """The median of ``n`` values partitioned around their middle: numpy's mean of the two middle
    values when ``n`` is even."""
    return float(p[n // 2]) if n % 2 else float((p[n // 2 - 1] + p[n // 2]) / 2)


def median(x: np.ndarray) -> float:
    """np.median(x) of a non-empty float array without NaN."""
    n = len(x)
    return _middle(np.partition(x, sorted({(n - 1) // 2, n // 2})), n)


def median_and_quantile(x: np.ndarray, q: float) -> tuple[float, float]:
    """(np.median(x), np.quantile(x, q)) of a non-empty float array without NaN: both order
    statistics from one partition, then numpy's linear interpolation (from the upper neighbour
    when its weight is at least one half)."""
    n = len(x)
    virtual = (n - 1) * q
    lo = n - 1 if virtual >= n - 1 else math.floor(virtual)
    hi = min(lo + 1, n - 1)
    p = np.partition(x, sorted({(n - 1) // 2, n // 2, lo, hi}))
    a, b = float(p[lo]), float(p[hi])
    gamma = virtual - lo
    diff = b - a
    return _middle(p, n), (b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
