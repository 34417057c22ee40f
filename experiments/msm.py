"""The statistics of the method of simulated moments: the objective, the test of the
over-identifying restrictions and the parameters' uncertainty (issue 12 groundwork; the
calibration of experiments/calibrate.py will call these).

With m moments g(theta) = simulated - observed and their covariance S (the data's uncertainty,
one standard deviation per moment, plus the simulation noise of a mean over R seeds, the seeds'
variance / R), the efficient weight is W = S^-1 and
- the objective is J(theta) = g' W g;
- at the estimate, J ~ chi2(m - k) when the model is right (Hansen 1982): a small p-value rejects
  the over-identifying restrictions, i.e. the model cannot fit all the moments jointly;
- the parameters' covariance is (G' W G)^-1, G = dg/dtheta (m x k) by central differences with
  common random numbers (Gourieroux & Monfort 1996; Lee & Ingram 1991), which gives the intervals.
Units: moments in their own units (the tolerances carry them); parameters in theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


def moment_covariance(data_sd: np.ndarray, sim_draws: np.ndarray | None = None) -> np.ndarray:
    """S (m x m): the data's variance on the diagonal plus the covariance of the mean of the seeds'
    simulated moments (``sim_draws``: R x m, one row per seed; None: no simulation noise)."""
    S = np.diag(np.asarray(data_sd, dtype=float) ** 2)
    if sim_draws is not None and len(sim_draws) > 1:
        draws = np.asarray(sim_draws, dtype=float)
        S = S + np.cov(draws, rowvar=False) / len(draws)
    return S


def objective(g: np.ndarray, S: np.ndarray) -> float:
    """J = g' S^-1 g."""
    return float(g @ np.linalg.solve(S, g))


def jacobian(moments: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, steps: Sequence[float]) -> np.ndarray:
    """dg/dtheta (m x k) by central differences; ``moments(theta)`` returns the simulated moments
    (run with the same seeds at every theta, so the differences are not noise)."""
    theta = np.asarray(theta, dtype=float)
    cols = []
    for j, h in enumerate(steps):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        cols.append((np.asarray(moments(up)) - np.asarray(moments(down))) / (2.0 * h))
    return np.column_stack(cols)


@dataclass(frozen=True)
class Inference:
    """The fit's statistics: J, its degrees of freedom and p-value, the parameters' covariance
    and their 95% intervals."""

    J: float
    df: int
    p_value: float
    covariance: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def inference(theta: np.ndarray, g: np.ndarray, G: np.ndarray, S: np.ndarray, level: float = 0.95) -> Inference:
    """J-test and parameter intervals at the estimate ``theta`` (g: moment errors, G: Jacobian, S: moment covariance)."""
    m, k = G.shape
    if m <= k:
        raise ValueError(f"over-identification needs more moments than parameters, got {m} moments for {k} parameters")
    W = np.linalg.inv(S)
    cov = np.linalg.pinv(G.T @ W @ G)
    z = stats.norm.ppf(0.5 + level / 2.0)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    J = objective(g, S)
    df = m - k
    return Inference(
        J=J, df=df, p_value=float(stats.chi2.sf(J, df)), covariance=cov, lower=theta - z * se, upper=theta + z * se
    )
