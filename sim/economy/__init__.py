"""Mechanisms: one module per economic process, each a pure function of (state, params, rng)."""
