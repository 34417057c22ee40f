"""Vectorised weighted sampling used by several mechanisms (no per-agent Python loops)."""

from __future__ import annotations

import numpy as np


def choose_rows(cdf: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each draw k, pick a column of probability row ``rows[k]`` of a row-stochastic matrix given
    as its cumulative sums ``cdf`` ([R, C], last column 1)."""
    u = rng.random(len(rows))
    c = cdf[rows]
    return np.minimum((c < u[:, None]).sum(axis=1), cdf.shape[1] - 1)


def row_cdf(weights: np.ndarray) -> np.ndarray:
    """Cumulative row sums normalised to 1; a row of zeros becomes uniform."""
    w = np.asarray(weights, dtype=float)
    tot = w.sum(axis=1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1), 1.0 / w.shape[1])
    c = np.cumsum(w, axis=1)
    c[:, -1] = 1.0
    return c


class GroupSampler:
    """Draw items with probability proportional to weight within a group (e.g. firms of one
    industry in one district). Build once per quarter, then draw many times vectorised."""

    def __init__(self, item_group: np.ndarray, weights: np.ndarray, n_groups: int):
        order = np.argsort(item_group, kind="stable")
        self.items = order
        w = np.asarray(weights, dtype=float)[order]
        self.cum = np.cumsum(w)
        g = np.asarray(item_group)[order]
        self.start = np.searchsorted(g, np.arange(n_groups), side="left")
        self.stop = np.searchsorted(g, np.arange(n_groups), side="right")
        base = np.concatenate([[0.0], self.cum])
        self.total = base[self.stop] - base[self.start]
        self._base = base

    def group_total(self) -> np.ndarray:
        return self.total

    def draw(self, groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One item per entry of ``groups``; -1 where the group is empty or has zero weight."""
        groups = np.asarray(groups)
        tot = self.total[groups]
        u = self._base[self.start[groups]] + rng.random(len(groups)) * tot
        pos = np.searchsorted(self.cum, u, side="right")
        pos = np.clip(pos, self.start[groups], np.maximum(self.stop[groups] - 1, self.start[groups]))
        out = self.items[np.minimum(pos, len(self.items) - 1)] if len(self.items) else np.full(len(groups), -1)
        return np.where(tot > 0, out, -1)


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round to integers keeping the expectation (floor plus a Bernoulli on the fraction)."""
    f = np.floor(x)
    return (f + (rng.random(np.shape(x)) < (x - f))).astype(np.int64)
