"""Sweep throughput and gathering speed (issue 5), measured end to end through the command line.

    python -m benchmarks.sweeps                 # print the table
    python -m benchmarks.sweeps --write         # ... and write docs/benchmarks-sweeps.md
    python -m benchmarks.sweeps --small 1000 --city 0 --workers 2 --gather 10000
                                                # issue 16's targets: 1,000 small runs on 2 workers, 10,000 gathered

1. Runs per minute of ``python -m sim -m seed=range(0,N) ensemble.size=1`` (small and city
   scale) with the default launcher (joblib_resilient: Hydra's joblib launcher, surviving a dead worker and
   composing each group of seeds once per worker) on 1 and on 2 workers (``hydra.launcher.n_jobs``; ``--workers``): wall time
   of the whole command, start-up and the final gathering included, so the speed-up is what an analyst
   sees, and the CPU time of the command and its workers a run.
2. The time ``analysis.results.gather`` takes for 1,000 and 10,000 small runs (copies of one run
   folder: manifest.json, annual.parquet, scorecard.json, and row.bin with its values varied, so
   that no two runs share a number, as in a real sweep), and ``analysis.results.load`` afterwards.
Timings, not asserts: the numbers depend on the machine (docs/benchmarks-sweeps.md says which).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-sweeps.md"


def sweep_seconds(n_runs: int, workers: int, scale: str, where: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one sweep of ``n_runs`` single runs on ``workers`` processes (the
    default launcher); CPU: user and system time of the command and its worker processes."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"scale={scale}",
        f"seed=range(0,{n_runs})",
        "ensemble.size=1",
        f"hydra.launcher.n_jobs={workers}",
        f"hydra.sweep.dir={where}",
        "output.print_summary=false",
    ]
    cpu0, t0 = _children_cpu(), time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if p.returncode != 0:
        raise RuntimeError(f"sweep failed:\n{p.stderr[-2000:]}")
    return dt, cpu


def _children_cpu() -> float:
    """User and system seconds of this process's finished child processes and theirs."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def varied_row(raw: bytes, rng) -> bytes:
    """A run's row file (sim.outputs.summary.write_row) with each of its values times a lognormal
    factor (sd 1%): as in a real sweep, no two runs share a number. Copies of one run's values
    would make the gathered value column a dictionary of a few thousand numbers, which parquet
    writes far faster than a real sweep's (2.9 against 5.0 s to gather 10,000 runs at 87583bc)."""
    from sim.outputs.summary import ROW_HEAD

    _, n_head, n_a, n_s, _ = ROW_HEAD.unpack_from(raw)
    start = ROW_HEAD.size + n_head
    end = start + 8 * (n_a + n_s)
    values = np.frombuffer(raw[start:end], "<f8") * rng.lognormal(0.0, 0.01, n_a + n_s)
    return raw[:start] + values.astype("<f8").tobytes() + raw[end:]


def gather_seconds(n_runs: int, where: Path) -> tuple[float, float]:
    """(gather, load) seconds for ``n_runs`` copies of one small run, each with its own values
    (``varied_row``)."""
    from analysis.results import gather, load
    from sim.config import to_config
    from sim.drivers.run import run
    from sim.outputs.summary import ROW_FILE

    one = where / "template"
    run(to_config(None, scale="small", **{"output.print_summary": False}), one)
    sweep = where / "sweep"
    row, rng = (one / ROW_FILE).read_bytes(), np.random.default_rng(0)
    for k in range(n_runs):
        d = sweep / str(k)
        d.mkdir(parents=True)
        for f in ("manifest.json", "annual.parquet", "scorecard.json"):
            shutil.copy(one / f, d / f)
        (d / ROW_FILE).write_bytes(varied_row(row, rng))
    t0 = time.perf_counter()
    res = gather(sweep, write=True)
    t_gather = time.perf_counter() - t0
    assert len(res.runs) == n_runs
    t0 = time.perf_counter()
    load(sweep)
    return t_gather, time.perf_counter() - t0


def measure(sweeps: dict[str, int], n_gather: list[int], workers: tuple[int, ...] = (1, 2)) -> dict:
    """``sweeps``: scale -> runs per sweep, each run on every number of ``workers``; ``n_gather``:
    numbers of runs to gather."""
    out: dict = {"sweeps": {}, "gather": {}, "cores": len(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory() as tmp:
        for scale, n_runs in sweeps.items():
            r: dict = {"n_runs": n_runs, "workers": list(workers)}
            for w in workers:
                print(f"  sweep of {n_runs} {scale} runs on {w} worker(s) ...", file=sys.stderr)
                r[f"seconds_{w}"], r[f"cpu_{w}"] = sweep_seconds(n_runs, w, scale, Path(tmp) / f"{scale}_w{w}")
                r[f"runs_per_min_{w}"] = 60 * n_runs / r[f"seconds_{w}"]
            if 1 in workers and 2 in workers:
                r["speedup"] = r["seconds_1"] / r["seconds_2"]
            out["sweeps"][scale] = r
        for n in n_gather:
            print(f"  gathering {n} runs ...", file=sys.stderr)
            out["gather"][n] = gather_seconds(n, Path(tmp) / f"gather{n}")
    return out


def _sweep_lines(scale: str, x: dict) -> list[str]:
    """The table's lines of one scale's sweeps: wall time and runs a minute, CPU a run, speed-up."""
    lines = []
    for w in x["workers"]:
        what = f"sweep of {x['n_runs']:,} `scale={scale}` runs" if w == x["workers"][0] else "the same sweep"
        lines.append(
            f"| {what}, {w} worker{'s' if w > 1 else ''} | {x[f'seconds_{w}']:.1f} s = "
            f"{x[f'runs_per_min_{w}']:.1f} runs/min; {x[f'cpu_{w}'] / x['n_runs']:.2f} s of CPU a run |"
        )
    if "speedup" in x:
        lines.append(f"| speed-up, 2 workers vs 1 (issue 5 expects at least 1.7 on 2 cores) | {x['speedup']:.2f} |")
    return lines


def markdown(r: dict) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    return "\n".join(
        [
            "# Sweep benchmarks",
            "",
            f"Measured {when} on {platform.machine()} with {r['cores']} cores, Python {platform.python_version()}, by "
            "`python -m benchmarks.sweeps --write` (this file is generated). Wall times of the whole command, Python "
            "start-up, the joblib workers' start-up and the final gathering of the results included; the default "
            "launcher (`hydra/launcher=joblib_resilient`), as an analyst's sweep uses it.",
            "",
            "| measure | value |",
            "|---|---:|",
            *(line for scale, x in r["sweeps"].items() for line in _sweep_lines(scale, x)),
            *(
                line
                for n, (g, ld) in r["gather"].items()
                for line in (
                    f"| `analysis.results.gather` of {n:,} small runs (each with its own values; writing results/ included) | {g:.2f} s |",
                    f"| `analysis.results.load` of the same, from results/ | {ld:.2f} s |",
                )
            ),
            "",
            "Gathering reads every run's summary row (row.bin: manifest fields, scorecard and the annual rows "
            "a gather keeps, written at the end of the run; one plain read each and one JSON parse of all), and the manifest, "
            "scorecard and annual files only of runs without a row; its time grows linearly with the runs "
            "and the end of every sweep does it once. "
            "`load` then reads the three gathered parquet files (when no run changed since they were written).",
            "",
            "The speed-up is lower for small runs because each sweep has fixed costs that do not shrink with more "
            "workers: Python and Hydra start-up (~2 s), the start of each joblib worker (imports, ~2 s) and "
            "the final gathering; the rest is per job (its config: ~0.015 s when an earlier job on the worker "
            "differed only in the seed (sim.drivers.job_configs), else ~0.3 s to compose and convert; "
            "the job's set-up, ~0.03 s: its task config from its group's, three YAML files through libyaml's "
            "emitter (hydra_plugins.sei_sweeper.job); the run and writing its files) "
            "and runs in parallel. The "
            "launching process pickles Hydra's state (~70 ms) once per batch of jobs: the default "
            "launcher's `batch_size: auto` sends up to 8 jobs a batch, at least four batches a worker "
            "(5 jobs a batch for 40 runs on 2 workers, 1 for 12). A worker's heap is frozen after its first "
            "job (sim.drivers.heap.freeze_heap), so the collector's full passes scan what later jobs allocate only.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=40, help="runs of the scale=small sweep (default 40; 0 = skip)")
    ap.add_argument("--city", type=int, default=12, help="runs of the scale=city sweep (default 12; 0 = skip)")
    ap.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker processes of each sweep (default 1 2)"
    )
    ap.add_argument(
        "--gather", type=int, nargs="+", default=[1000, 10000], help="runs to gather (default 1000 10000; 0 = skip)"
    )
    ap.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    a = ap.parse_args(argv)
    sweeps = {k: n for k, n in (("small", a.small), ("city", a.city)) if n > 0}
    if any(w < 1 for w in a.workers):
        ap.error(f"--workers {a.workers}: every number of workers must be at least 1")
    text = markdown(measure(sweeps, [n for n in a.gather if n > 0], tuple(a.workers)))
    print(text)
    if a.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
