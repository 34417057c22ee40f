"""The benchmark cases and how one is measured; shared by the pytest-benchmark suite and report.py.

A measurement of the SEI model is "build the world + run the scenario": ``SEIModel(cfg)`` then
``.run()`` (2019Q1-2025Q4, 28 quarters) with the config made beforehand and imports excluded.
Agents = alive firms + institutes + talent agents at the end of each quarter, averaged over the
quarters; agent-steps/s = agents x quarters / seconds. The Boltzmann yardstick is timed the same
way (build + run) with as many agents for as many steps.

Peak memory is the peak resident set size (VmHWM, else ``ru_maxrss``) of a fresh child process
that runs one case, so cases do not mix their peaks; MB = 10^6 bytes. The child runs with
OMP/OPENBLAS/MKL/NUMEXPR threads = 1 and is pinned to one CPU (``sched_setaffinity``), so its
time is a one-core figure.

Child entry point (used by the suite and by report.py)::

    python -m benchmarks.cases sei --scale city --handles on
    python -m benchmarks.cases boltzmann --agents 190000

prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUARTERS = 28  # 2019Q1-2025Q4 with the default scenario

SCALES: dict[str, dict[str, object]] = {
    "city": {},  # to_config(None): the defaults are city scale
    "small": {"scale": "small"},
    "metro": {"scale": "metro"},  # city firms, talent agents of 2 people (configs/scale/metro.yaml)
}
HANDLES = {"on": True, "off": False}
KERNELS = ("auto", "0", "1")  # SEI_NUMBA in the child: auto (default), 0 numpy path, 1 compiled kernel

# Targets from issue 16 (reported against, never asserted).
TARGET_SECONDS = {"city": 1.0, "small": 0.15, "metro": 15.0}
TARGET_PEAK_MB = {"city": 400.0, "metro": 6000.0}
TARGET_BOLTZMANN_RATIO = 6.0  # SEI agent-steps/s at least 6x Mesa's Boltzmann at the same agent count
SCALING_LIMIT = 1.2  # 10x the agents may cost at most 12x the time: time ratio / agent ratio <= 1.2

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


# ---------------------------------------------------------------------------------------------
# In-process measurement
# ---------------------------------------------------------------------------------------------
def sei_config(scale: str):
    from sim.config import to_config

    return to_config(None, **SCALES[scale])


def build_and_run(cfg, handles: bool):
    """The measured work: build the world and run every quarter."""
    from sim.model import SEIModel

    return SEIModel(cfg, handles=handles).run()


def mean_agents(model) -> float:
    """Alive firms + institutes + talent agents at the end of each quarter, averaged over quarters."""
    import numpy as np

    cells = model.recorder.cells
    per_q = (
        np.array([a.sum() for a in cells["firms"]])
        + np.array([a.sum() for a in cells["institutes"]])
        + np.array([a.sum() for a in cells["talent"]]) / model.world.ppa
    )  # talent cells count people
    return float(per_q.mean())


def agent_counts(model) -> dict[str, float]:
    import numpy as np

    cells, ppa = model.recorder.cells, model.world.ppa
    return {
        "firms": float(np.mean([a.sum() for a in cells["firms"]])),
        "institutes": float(np.mean([a.sum() for a in cells["institutes"]])),
        "talent": float(np.mean([a.sum() for a in cells["talent"]]) / ppa),
    }


def time_sei(scale: str, handles: bool) -> tuple[float, object]:
    cfg = sei_config(scale)
    gc.collect()
    t0 = time.perf_counter()
    model = build_and_run(cfg, handles)
    return time.perf_counter() - t0, model


def time_boltzmann(n: int, steps: int = QUARTERS, seed: int = 0) -> dict[str, float]:
    """Build + run of the Boltzmann model; the step-only time is reported too."""
    from benchmarks.boltzmann import BoltzmannWealth

    gc.collect()
    t0 = time.perf_counter()
    m = BoltzmannWealth(n, seed=seed)
    t1 = time.perf_counter()
    m.run(steps)
    t2 = time.perf_counter()
    assert m.total_wealth() == n  # wealth is conserved (a correctness check, not a timing assert)
    return {"seconds": t2 - t0, "build_seconds": t1 - t0, "step_seconds": t2 - t1}


def _status_mb(field: str) -> float:
    """A memory line of /proc/self/status (kB) in MB; NaN where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return float("nan")


def rss_mb() -> float:
    """Current resident set size (MB)."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Peak resident set size of this process (MB).

    VmHWM (the high-water mark of this process's own address space) is used where /proc exists:
    ``ru_maxrss`` survives exec on Linux, so a child started from a big parent (e.g. pytest after
    running the city model in-process) would report the parent's peak.
    """
    hwm = _status_mb("VmHWM")
    if hwm == hwm:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


# ---------------------------------------------------------------------------------------------
# Child process
# ---------------------------------------------------------------------------------------------
def one_core_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({v: "1" for v in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_child(
    kind: str,
    *,
    scale: str | None = None,
    handles: str | None = None,
    kernel: str | None = None,
    agents: int | None = None,
    pin: bool = True,
    timeout: float = 600,
) -> dict:
    """Run one case in a fresh interpreter with one thread (and one CPU); return its JSON result."""
    cmd = [sys.executable, "-m", "benchmarks.cases", kind]
    if scale is not None:
        cmd += ["--scale", scale]
    if handles is not None:
        cmd += ["--handles", handles]
    if kernel is not None:
        cmd += ["--kernel", kernel]
    if agents is not None:
        cmd += ["--agents", str(agents)]
    if not pin:
        cmd += ["--no-pin"]
    out = subprocess.run(cmd, cwd=ROOT, env=one_core_env(), capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pin_one_cpu() -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _child(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cases", description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=("sei", "boltzmann"))
    ap.add_argument("--scale", choices=tuple(SCALES), default="city")
    ap.add_argument("--handles", choices=tuple(HANDLES), default="on")
    ap.add_argument("--kernel", choices=KERNELS, default="auto", help="SEI_NUMBA for the run (default auto)")
    ap.add_argument("--agents", type=int, help="Boltzmann: number of agents")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    a = ap.parse_args(argv)
    cpu = None if a.no_pin else _pin_one_cpu()
    os.environ["SEI_NUMBA"] = a.kernel

    # Imports first, so they are neither timed nor attributed to the model's memory.
    import mesa  # noqa: F401
    import numpy as np  # noqa: F401

    import sim.model  # noqa: F401
    from benchmarks import boltzmann  # noqa: F401

    # numba's import and the load of the compiled kernel are start-up like the imports: paid
    # before the clock starts, where the run will use the kernel, and reported on their own.
    from sim.economy import production_kernel

    will_use = production_kernel.AVAILABLE and (a.kernel == "1" or (a.kernel == "auto" and a.scale != "small"))
    startup = production_kernel.warm() if a.kind == "sei" and will_use else 0.0
    res: dict = {
        "kind": a.kind,
        "kernel_startup_seconds": startup,
        "kernel": a.kernel,
        "pinned_cpu": cpu,
        "threads": {v: os.environ.get(v) for v in THREAD_VARS[:2]},
        "rss_after_imports_mb": rss_mb(),
    }
    if a.kind == "sei":
        seconds, model = time_sei(a.scale, HANDLES[a.handles])
        peak = peak_rss_mb()  # read before anything else allocates
        n = mean_agents(model)
        res.update(
            scale=a.scale,
            handles=a.handles,
            numba_used="numba" in sys.modules,
            seconds=seconds,
            agents=n,
            agent_counts=agent_counts(model),
            quarters=model.n_quarters,
            agent_steps_per_s=n * model.n_quarters / seconds,
            mesa_agents_end=len(model.agents),
            peak_rss_mb=peak,
        )
    else:
        if not a.agents:
            ap.error("boltzmann needs --agents")
        t = time_boltzmann(a.agents)
        res.update(
            agents=a.agents,
            steps=QUARTERS,
            **t,
            agent_steps_per_s=a.agents * QUARTERS / t["seconds"],
            peak_rss_mb=peak_rss_mb(),
        )
    return res


if __name__ == "__main__":
    print(json.dumps(_child()))
