"""The error every bad input raises, and the one-line check that raises it (a leaf module)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key and what is allowed."""


def check(cond: bool, key: str, msg: str) -> None:
    """Raise ConfigError "config key '<key>' <msg>" unless ``cond``."""
    if not cond:
        raise ConfigError(f"config key '{key}' {msg}")
