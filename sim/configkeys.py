"""Unknown keys of a composed config, even those added with Hydra's ``+``: every key of the given
tree must exist in the schema (a structured OmegaConf node of sim.config.SimConfig). Open maps of
the schema (scenario maps, calibration trends, target settings) take any key here; their entries
are checked by sim.config.validate. The message suggests the closest known key (difflib)."""

from __future__ import annotations

import difflib
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.errors import ConfigError


def _is_open_map(node: Any) -> bool:
    return isinstance(node, DictConfig) and OmegaConf.get_type(node) is dict


def _known(schema: Any, prefix: str) -> list[str]:
    return [f"{prefix}{k!s}" for k in schema.keys()]


def unknown_keys(given: Any, schema: Any, prefix: str = "") -> list[tuple[str, str | None]]:
    """(dotted key, closest known key or None) of every key of ``given`` (a dict) absent from ``schema``."""
    out: list[tuple[str, str | None]] = []
    if not isinstance(given, dict):
        return out
    for k, v in given.items():
        key = f"{prefix}{k}"
        if k not in schema:
            close = difflib.get_close_matches(key, _known(schema, prefix), n=1, cutoff=0.6)
            out.append((key, close[0] if close else None))
            continue
        node = schema._get_node(k)
        if isinstance(node, DictConfig) and not _is_open_map(node):
            out.extend(unknown_keys(v, node, f"{key}."))
        elif _is_open_map(node) and isinstance(v, dict):
            elem_type: Any = getattr(node._metadata, "element_type", None)
            elem = OmegaConf.structured(elem_type) if _is_dataclass_type(elem_type) else None
            if elem is not None:
                for mk, mv in v.items():
                    out.extend(unknown_keys(mv, elem, f"{key}.{mk}."))
    return out


def _is_dataclass_type(t: Any) -> bool:
    return isinstance(t, type) and hasattr(t, "__dataclass_fields__")


def refuse_unknown(given: Any, schema: Any) -> None:
    """Raise ConfigError naming the first unknown key and the closest known one."""
    bad = unknown_keys(given, schema)
    if bad:
        key, close = bad[0]
        hint = f"; did you mean '{close}'?" if close else ""
        raise ConfigError(f"config key '{key}' is not a known key (a '+' does not make it one){hint}")
