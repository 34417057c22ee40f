"""experiments.msm on a model whose answer is known: a linear model with normal noise."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import least_squares

from experiments import msm


def _fit(A, obs, sd):
    S = msm.moment_covariance(sd)
    L = np.linalg.cholesky(np.linalg.inv(S))
    res = least_squares(lambda th: L.T @ (A @ th - obs), x0=np.zeros(A.shape[1]))
    return res.x, S


def test_a_correct_model_passes_the_j_test_and_its_intervals_cover_the_truth():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(12, 3))
    truth = np.array([1.0, -0.5, 2.0])
    sd = np.full(12, 0.1)
    covered, rejected = 0, 0
    for _ in range(200):
        obs = A @ truth + rng.normal(0, sd)
        theta, S = _fit(A, obs, sd)
        G = msm.jacobian(lambda th: A @ th, theta, [1e-3] * 3)
        inf = msm.inference(theta, A @ theta - obs, G, S)
        covered += np.all((inf.lower <= truth) & (truth <= inf.upper))
        rejected += inf.p_value < 0.05
        assert inf.df == 9
    assert covered / 200 > 0.8  # three 95% intervals jointly: about 0.86
    assert rejected / 200 < 0.12  # about 5% under a correct model


def test_a_misspecified_model_fails_the_j_test():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(10, 2))
    obs = A @ np.array([1.0, 1.0]) + np.r_[np.zeros(8), 3.0, -3.0]  # two moments the model cannot reach
    theta, S = _fit(A, obs, np.full(10, 0.1))
    G = msm.jacobian(lambda th: A @ th, theta, [1e-3, 1e-3])
    assert msm.inference(theta, A @ theta - obs, G, S).p_value < 1e-6


def test_simulation_noise_widens_the_moment_covariance_and_just_identified_is_refused():
    draws = np.random.default_rng(0).normal(size=(5, 3))
    S = msm.moment_covariance(np.ones(3), draws)
    assert np.all(np.diag(S) > 1.0)
    with pytest.raises(ValueError, match="more moments than parameters"):
        msm.inference(np.zeros(2), np.zeros(2), np.eye(2), np.eye(2))
