"""How a parameter is declared: ``param(default, unit, bounds, source, plausible)`` and what reads
the declarations (validation, the parameter table of docs/ODD.md, sensitivity ranges)."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

from sim.errors import check

_BOUNDS_RE = re.compile(r"^\s*([\[(])\s*(-?inf|-?[\d.e+-]+)\s*,\s*(-?inf|[\d.e+-]+)\s*([\])])\s*$")


@dataclass(frozen=True)
class Spec:
    """What a parameter is: its unit, its allowed interval, its plausible range and where it comes from."""

    unit: str
    bounds: str  # allowed values, an interval such as "[0, 1]" or "(0, inf)" (every element of a list)
    source: str  # the source of the default, or the reason for it
    plausible: tuple[float, float] | None = None  # the range a value is believable in; sensitivity analysis varies it

    def interval(self) -> tuple[float, float, bool, bool]:
        """(low, high, low closed, high closed)."""
        m = _BOUNDS_RE.match(self.bounds)
        if not m:
            raise ValueError(f"bad bounds {self.bounds!r}")
        return float(m.group(2)), float(m.group(3)), m.group(1) == "[", m.group(4) == "]"

    def admits(self, v: float) -> bool:
        lo, hi, lo_c, hi_c = self.interval()
        if not math.isfinite(v) and not (math.isinf(v) and math.isinf(hi if v > 0 else lo)):
            return False
        return (v >= lo if lo_c else v > lo) and (v <= hi if hi_c else v < hi)


def param(default: Any, unit: str, bounds: str, source: str, plausible: tuple[float, float] | None = None) -> Any:
    """A dataclass field declaring one parameter (lists get a default factory)."""
    spec = Spec(unit=unit, bounds=bounds, source=source, plausible=plausible)
    spec.interval()  # a malformed declaration fails at import
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


def specs(obj: Any, prefix: str) -> Iterator[tuple[str, Spec, Any]]:
    """(dotted key, spec, value) of every declared parameter in a dataclass tree (instance or class)."""
    for f in fields(obj):
        key = f"{prefix}.{f.name}"
        value = getattr(obj, f.name, None) if not isinstance(obj, type) else _default(f)
        if "spec" in f.metadata:
            yield key, f.metadata["spec"], value
        elif is_dataclass(f.type) or (value is not None and is_dataclass(value)):
            yield from specs(value if value is not None else f.type, key)


def _default(f: Any) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None


def check_params(obj: Any, prefix: str, chk: Callable[[bool, str, str], None] = check) -> None:
    """Refuse any declared parameter outside its bounds, naming the key, the value and the interval."""
    for key, spec, value in specs(obj, prefix):
        values = value if isinstance(value, list) else [value]
        for k, v in enumerate(values):
            ok = isinstance(v, int | float) and not isinstance(v, bool) and spec.admits(float(v))
            where = f"{key}[{k}]" if isinstance(value, list) else key
            chk(ok, where, f"must be in {spec.bounds} ({spec.unit}), got {v}")


_WARNED: set[str] = set()  # keys already warned about in this process (a warning is printed once)


def warn_implausible(obj: Any, prefix: str) -> list[str]:
    """Print one warning to stderr for every declared parameter that is legal but outside its
    plausible range (the calibrated region); the run goes on. Returns the keys warned about now."""
    keys = []
    for key, spec, value in specs(obj, prefix):
        if spec.plausible is None or key in _WARNED:
            continue
        values = value if isinstance(value, list) else [value]
        lo, hi = spec.plausible
        if any(isinstance(v, int | float) and not isinstance(v, bool) and not lo <= v <= hi for v in values):
            _WARNED.add(key)
            keys.append(key)
            print(
                f"warning: config key '{key}' = {value} is outside its plausible range [{lo}, {hi}] ({spec.unit}); "
                "results may be far from the calibrated model",
                file=sys.stderr,
            )
    return keys
