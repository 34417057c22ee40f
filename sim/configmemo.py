"""to_config's memo of its recent conversions: configs that differ only in the seed (a sweep's
seeds: 0.08 s each to merge onto the schema and convert) convert to the same SimConfig but for the
seed, so the conversion is kept by content without the seed and copied with the seed set."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any


class ConversionMemo:
    """The last ``size`` conversions, by the JSON of the given mapping without its seed."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.kept: dict[str, Any] = {}

    @staticmethod
    def key(given: Any) -> tuple[str, int] | None:
        """(the content of ``given`` but its seed, as JSON; its seed) when ``given`` is a mapping
        with an integer seed and no interpolation (whose value could depend on the environment);
        else None: such configs are converted afresh."""
        if not isinstance(given, dict) or type(given.get("seed")) is not int or "hydra" in given:
            return None
        try:
            text = json.dumps({k: v for k, v in given.items() if k != "seed"})
        except (TypeError, ValueError):
            return None
        return None if "${" in text else (text, given["seed"])

    def get(self, key: tuple[str, int]) -> Any | None:
        """A copy of the kept conversion with the key's seed, or None."""
        kept = self.kept.get(key[0])
        return None if kept is None else replace(copy.deepcopy(kept), seed=key[1])

    def put(self, key: tuple[str, int], converted: Any) -> None:
        while len(self.kept) >= self.size:
            del self.kept[next(iter(self.kept))]
        self.kept[key[0]] = copy.deepcopy(converted)
