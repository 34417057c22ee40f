"""Where a run's time goes: the share of each phase of the quarter (and of the build), one run.

    python -m benchmarks.profile                   # city scale, seed 0, every lever on
    python -m benchmarks.profile --scale small --top 15   # ... and the 15 costliest functions

Each phase function that sim.model.SEIModel calls is wrapped with a timer for the run (the model
code is not changed); the table gives seconds, the share of the run and the calls. With ``--top``
a cProfile of the same run lists the costliest functions by cumulative time. Whole-process
timings of the benchmark cases are benchmarks.report; this is where they come from. Where the run
will use the compiled production kernel (SEI_NUMBA, sim.economy.production_kernel), numba is
imported and the kernel loaded before the clock starts; that start-up is printed on its own line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import sim.model
from sim.config import to_config
from sim.kernel import phases
from sim.model import SEIModel
from sim.outputs.measure import Recorder

PHASES = ("environment", "innovation", "labour", "production", "finance", "demography")


@contextmanager
def timed(owner: Any, name: str, totals: dict[str, list[float]], label: str | None = None):
    """Replace ``owner.name`` by a wrapper adding its wall time to ``totals[label]`` (seconds, calls)."""
    real: Callable = getattr(owner, name)
    key = label or name

    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            slot = totals.setdefault(key, [0.0, 0])
            slot[0] += time.perf_counter() - t0
            slot[1] += 1

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, real)


def phase_times(
    scale: str = "city", seed: int = 0, handles: bool = True, overrides: dict[str, Any] | None = None
) -> tuple[dict[str, list[float]], float]:
    """({label: [seconds, calls]}, total seconds) of one build and run (``overrides``: dotted config keys)."""
    totals: dict[str, list[float]] = {}
    cfg = to_config(None, scale=scale, seed=seed, **{"ensemble.size": 1, "output.write": False, **(overrides or {})})
    with (
        timed(phases, "environment", totals),
        timed(phases, "innovation", totals),
        timed(phases, "labour", totals),
        timed(phases, "production", totals),
        timed(phases, "finance", totals),
        timed(phases, "demography", totals),
        timed(sim.model, "apply_policy", totals, "policy"),
        timed(Recorder, "record", totals, "measure"),
        timed(SEIModel, "_sync_handles", totals, "Mesa handles"),
        timed(sim.model, "build_world", totals, "build"),
    ):
        t0 = time.perf_counter()
        SEIModel(cfg, handles=handles).run()
        total = time.perf_counter() - t0
    return totals, total


def table(totals: dict[str, list[float]], total: float) -> str:
    order = ["build", "environment", "policy", "innovation", "labour", "production", "finance", "demography",
             "measure", "Mesa handles"]  # fmt: skip
    lines = ["| part of the run | seconds | share | calls |", "|---|---|---|---|"]
    other = total - sum(v[0] for v in totals.values())
    for k in order:
        if k in totals:
            s, n = totals[k]
            lines.append(f"| {k} | {s:.3f} | {s / total:.0%} | {n} |")
    lines.append(f"| other (config, step bookkeeping) | {other:.3f} | {other / total:.0%} | |")
    lines.append(f"| **total** | **{total:.3f}** | 100% | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city", help="city or small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-handles", action="store_true", help="run without Mesa agent handles")
    ap.add_argument("--top", type=int, default=0, help="also list the N costliest functions (cProfile)")
    a = ap.parse_args(argv)
    from sim.economy import production_kernel

    mode = production_kernel.mode()
    will_use = production_kernel.AVAILABLE and (mode == "1" or (mode == "auto" and a.scale != "small"))
    startup = production_kernel.warm() if will_use else 0.0
    totals, total = phase_times(a.scale, a.seed, not a.no_handles)
    print(f"One run, scale {a.scale}, seed {a.seed}, handles {'off' if a.no_handles else 'on'}: wall time by phase")
    print(table(totals, total))
    kernel = f"compiled kernel (SEI_NUMBA={mode}); numba start-up before the clock: {startup:.2f} s"
    print(f"production: {kernel if will_use else f'numpy path (SEI_NUMBA={mode})'}")
    if a.top:
        cfg = to_config(None, scale=a.scale, seed=a.seed)
        prof = cProfile.Profile()
        prof.enable()
        SEIModel(cfg, handles=not a.no_handles).run()
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(a.top)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
