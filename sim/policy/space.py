"""space levers (to be filled in)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SpaceConfig:
    pass
