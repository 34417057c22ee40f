"""Run every benchmark case a few times, each run in a fresh child process, and print (or write) a table.

    python -m benchmarks.report                      # print the table (each case 3 times: medians)
    python -m benchmarks.report --repeat 1           # ... once each (quicker, noisier)
    python -m benchmarks.report --write              # ... and write docs/benchmarks.md
    python -m benchmarks.report --write --bench-json .benchmarks/bench.json
                                                     # ... with a `make bench` JSON section

Each child (see benchmarks.cases) runs with OMP/OPENBLAS/MKL/NUMEXPR threads = 1 and pinned to
one CPU, so the seconds are one-core figures and the peak memory is that case's alone. The runs of
all cases are interleaved (every case once, then again), so that a slow spell of a shared machine
falls on all of them; a case's seconds and peak memory are the medians of its runs, with their range.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from benchmarks import cases

DOC = cases.ROOT / "docs" / "benchmarks.md"
COLUMNS = ("case", "agents", "seconds", "numba start-up s", "agent-steps/s", "peak MB", "Boltzmann ratio")
# (scale, handles, SEI_NUMBA) of every SEI case; Boltzmann yardsticks at the small and city counts
CASES = [
    ("small", "on", "auto"),
    ("small", "off", "auto"),
    ("small", "on", "1"),  # what a sweep or calibration worker runs: numba loaded once, then every run compiled
    ("city", "on", "auto"),
    ("city", "off", "auto"),
    ("city", "on", "0"),
    ("metro", "on", "auto"),
]
KERNEL_LABEL = {"auto": "", "0": ", numpy path (SEI_NUMBA=0)", "1": ", compiled kernel (SEI_NUMBA=1)"}
NOTES_MARKER = "<!-- notes: everything below this line is kept when the report is rewritten -->"


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
def combine(runs: list[dict]) -> dict:
    """One case's runs as one result: the run of the median seconds (the lower of the two middle
    ones for an even count) with the median peak memory, and every run's seconds and peak."""
    secs = [r["seconds"] for r in runs]
    out = dict(runs[secs.index(statistics.median_low(secs))])
    out["peak_rss_mb"] = statistics.median([r["peak_rss_mb"] for r in runs])
    out["seconds_runs"] = secs
    out["peak_runs"] = [r["peak_rss_mb"] for r in runs]
    return out


def measure(pin: bool = True, log=print, repeat: int = 3) -> dict:
    """Every case ``repeat`` times, each run in a fresh child, the cases interleaved (see combine)."""
    if repeat < 1:
        raise ValueError(f"--repeat must be at least 1, got {repeat}")
    sei_runs: dict[tuple[str, str, str], list[dict]] = {c: [] for c in CASES}
    boltz_runs: dict[str, list[dict]] = {"small": [], "city": []}
    for i in range(repeat):
        for scale, handles, kernel in CASES:
            log(f"  [{i + 1}/{repeat}] SEI {scale}, handles {handles}, SEI_NUMBA={kernel} ...", file=sys.stderr)
            run = cases.run_child("sei", scale=scale, handles=handles, kernel=kernel, pin=pin)
            sei_runs[(scale, handles, kernel)].append(run)
        for scale in boltz_runs:
            n = round(sei_runs[(scale, "on", "auto")][0]["agents"])
            log(f"  [{i + 1}/{repeat}] Boltzmann, {n:,} agents ...", file=sys.stderr)
            boltz_runs[scale].append(cases.run_child("boltzmann", agents=n, pin=pin))
    sei = {c: combine(r) for c, r in sei_runs.items()}
    boltz = {s: combine(r) for s, r in boltz_runs.items()}
    for (scale, _, _), r in sei.items():
        b = boltz.get(scale)
        r["boltzmann_ratio"] = r["agent_steps_per_s"] / b["agent_steps_per_s"] if b else float("nan")
    return {"sei": sei, "boltzmann": boltz, "pinned": pin, "repeat": repeat}


def _spread(r: dict, key: str, runs: str, fmt: str) -> str:
    """``r[key]`` formatted, with the range of the runs in brackets when there were several."""
    vals = r.get(runs, [])
    text = format(r[key], fmt)
    return text if len(vals) < 2 else f"{text} ({format(min(vals), fmt)}-{format(max(vals), fmt)})"


def _label(scale: str, handles: str, kernel: str) -> str:
    return f"SEI {scale}, handles {handles}{KERNEL_LABEL[kernel]}"


def rows(res: dict) -> list[list[str]]:
    out = []
    for scale in ("city", "small", "metro"):
        for (s, handles, kernel), r in res["sei"].items():
            if s != scale:
                continue
            ratio = r["boltzmann_ratio"]
            out.append(
                [
                    _label(s, handles, kernel),
                    f"{r['agents']:,.0f}",
                    _spread(r, "seconds", "seconds_runs", ".3f"),
                    f"{r.get('kernel_startup_seconds', 0.0):.2f}",
                    f"{r['agent_steps_per_s']:,.0f}",
                    _spread(r, "peak_rss_mb", "peak_runs", ",.0f"),
                    f"{ratio:.2f}" if ratio == ratio else "–",
                ]
            )
        b = res["boltzmann"].get(scale)
        if b is not None:
            out.append(
                [
                    f"Boltzmann (Mesa), {scale} count",
                    f"{b['agents']:,}",
                    _spread(b, "seconds", "seconds_runs", ".3f"),
                    "–",
                    f"{b['agent_steps_per_s']:,.0f}",
                    _spread(b, "peak_rss_mb", "peak_runs", ",.0f"),
                    "1 (reference)",
                ]
            )
    return out


def scaling(res: dict) -> list[dict]:
    """Time ratio / agent ratio from small to city and from city to metro (default path, handles on)."""
    out = []
    for lo, hi in (("small", "city"), ("city", "metro")):
        a, b = res["sei"].get((lo, "on", "auto")), res["sei"].get((hi, "on", "auto"))
        if a is None or b is None:
            continue
        t, n = b["seconds"] / a["seconds"], b["agents"] / a["agents"]
        out.append(
            {
                "step": f"{hi}/{lo}",
                "time_ratio": t,
                "agent_ratio": n,
                "per_agent": t / n,
                "met": t / n <= cases.SCALING_LIMIT,
            }
        )
    return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def targets(res: dict) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows."""
    out = []
    for (scale, handles, kernel), r in res["sei"].items():
        limit = cases.TARGET_SECONDS.get(scale)
        if limit is not None:
            s = r["seconds"]
            out.append(
                (
                    f"{_label(scale, handles, kernel)}: build+run <= {limit:g} s (one core)",
                    f"{s:.3f} s",
                    _verdict(s <= limit),
                )
            )
    for (scale, handles, kernel), r in res["sei"].items():
        limit = cases.TARGET_PEAK_MB.get(scale)
        if limit is not None and handles == "on":
            m = r["peak_rss_mb"]
            out.append(
                (
                    f"{_label(scale, handles, kernel)}: peak memory <= {limit:,.0f} MB",
                    f"{m:,.0f} MB",
                    _verdict(m <= limit),
                )
            )
    for (scale, handles, kernel), r in res["sei"].items():
        ratio = r["boltzmann_ratio"]
        if ratio == ratio and handles == "on":
            out.append(
                (
                    f"{_label(scale, handles, kernel)}: at least {cases.TARGET_BOLTZMANN_RATIO:g}x Mesa Boltzmann agent-steps/s",
                    f"{ratio:.2f}x",
                    _verdict(ratio >= cases.TARGET_BOLTZMANN_RATIO),
                )
            )
    for sc in scaling(res):
        out.append(
            (
                f"{sc['step']}: time ratio / agent ratio <= {cases.SCALING_LIMIT}",
                f"{sc['time_ratio']:.2f} / {sc['agent_ratio']:.2f} = {sc['per_agent']:.2f}",
                _verdict(sc["met"]),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------------
def _ver(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=cases.ROOT, capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(commit: str | None = None) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(
            next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1]
        )
        mem = f"{kb * 1024 / 1e9:.1f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    dirty = False
    if commit is None:
        commit = _git("rev-parse", "--short", "HEAD") or "unknown"
        dirty = bool(_git("status", "--porcelain", "--", "sim", "configs"))
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": _ver("numpy"),
        "scipy": _ver("scipy"),
        "mesa": _ver("mesa"),
        "commit": commit + (" (sim/ or configs/ modified)" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
def text_table(res: dict) -> str:
    body = [list(COLUMNS)] + rows(res)
    w = [max(len(r[i]) for r in body) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)) for r in body]
    lines.insert(1, "  ".join("-" * x for x in w))
    lines.append("")
    for t, m, v in targets(res):
        lines.append(f"target {t}: {m} -> {v}")
    pin = "pinned to one CPU, " if res["pinned"] else ""
    lines.append(f"(one fresh child process per case, {pin}OMP/OPENBLAS/MKL/NUMEXPR threads = 1)")
    return "\n".join(lines)


def _md_table(head, body) -> list[str]:
    right = [False] + [True] * (len(head) - 1)
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return out


def bench_json_section(path: Path) -> list[str]:
    """Summarise a pytest-benchmark JSON (``make bench ARGS=--benchmark-json=PATH``)."""
    data = json.loads(Path(path).read_text())
    head = [
        "benchmark",
        "rounds",
        "min s",
        "mean s",
        "max s",
        "agents",
        "agent-steps/s (mean)",
        "peak MB (child)",
        "Boltzmann ratio",
        "time ratio city/small",
        "agent ratio city/small",
    ]
    body = []

    def f(v, fmt):
        return fmt.format(v) if isinstance(v, (int, float)) else "–"

    for b in data["benchmarks"]:
        st, x = b["stats"], b.get("extra_info", {})
        body.append(
            [
                b["name"].removeprefix("test_"),
                str(st["rounds"]),
                f"{st['min']:.3f}",
                f"{st['mean']:.3f}",
                f"{st['max']:.3f}",
                f(x.get("agents"), "{:,.0f}"),
                f(x.get("agent_steps_per_s"), "{:,.0f}"),
                f(x.get("peak_rss_mb"), "{:,.0f}"),
                f(x.get("boltzmann_ratio"), "{:.2f}"),
                f(x.get("time_ratio_city_small"), "{:.2f}"),
                f(x.get("agent_ratio_city_small"), "{:.2f}"),
            ]
        )
    mi = data.get("machine_info", {})
    when = data.get("datetime", "")[:16].replace("T", " ")
    return [
        "## `make bench` (pytest-benchmark, in-process)",
        "",
        f"Run {when} UTC, Python {mi.get('python_version', '?')}. In-process rounds after imports "
        "(one thread per BLAS/OpenMP pool via benchmarks/conftest.py, process not pinned); peak MB is from "
        "a fresh one-core child per case; the Boltzmann ratio compares in-process means.",
        "",
        *_md_table(head, body),
        "",
    ]


def markdown(res: dict, m: dict, bench_json: Path | None = None) -> str:
    head_m = ["machine", ""]
    mach = [
        ["CPUs available (nproc)", str(m["nproc"])],
        ["CPU model", m["cpu"]],
        ["memory", m["memory"]],
        ["OS", m["os"]],
        ["Python", m["python"]],
        ["numpy", m["numpy"]],
        ["scipy", m["scipy"]],
        ["mesa", m["mesa"]],
        ["commit", m["commit"]],
        ["date", m["date"]],
    ]
    sc_rows = [
        [
            s["step"],
            f"{s['time_ratio']:.2f}",
            f"{s['agent_ratio']:.2f}",
            f"{s['per_agent']:.2f}",
            "met" if s["met"] else "not met",
        ]
        for s in scaling(res)
    ]
    pin = "pinned to one CPU (`sched_setaffinity`) and " if res["pinned"] else ""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m benchmarks.report --write`; every number below was measured on the machine",
        "described here. Regenerate after changes to `sim/` (figures move with the model).",
        "",
        "## What is measured",
        "",
        "- **SEI build + run**: `SEIModel(cfg)` then `.run()` (2019Q1–2025Q4, 28 quarters, every lever of the",
        "  default plan on). The config is made beforehand and imports are excluded. City = `to_config(None)`;",
        "  small = `scale=small`; metro = `scale=metro` (city firms and institutes, talent agents of 2 people).",
        "  Handles on = `SEIModel(cfg)`: Mesa agent handles are made on demand (the first read of",
        "  `model.agents` after a step), and the timed run reads none; off = `SEIModel(cfg, handles=False)`.",
        "- **SEI_NUMBA**: `auto` (default) runs production through the compiled kernel",
        "  (sim/economy/production_kernel.py, numba, bit-identical to the numpy path) from 400,000 supplier",
        "  links on, i.e. at city and metro scale (and at any size once a process has loaded it, as sweep",
        "  jobs do; not in these one-run children); `0` forces the numpy path, `1` the compiled kernel at any",
        "  size (the small case with `1` is what a sweep or calibration worker runs after its first job).",
        "  **numba start-up s** = importing numba and loading the compiled kernel from its cache, paid once per",
        "  process before the clock starts (like the imports) and reported here on its own; it also adds about",
        "  100 MB to the resident set. The compiled loops of other phases (demography, the link ends of",
        "  production, the recorder) load on first use, inside the clock (16 loads at city scale, about 90 ms under cProfile, 3-5 ms each without it).",
        "- **agents** = alive firms + institutes + talent agents at the end of each quarter, averaged over the 28",
        "  quarters; **agent-steps/s** = agents × 28 / seconds.",
        "- **peak MB** = peak resident set size of the child process (`VmHWM` from /proc/self/status; not\n  `ru_maxrss`, which on Linux carries the parent's peak across exec), 1 MB = 10^6 bytes. It",
        f"  includes the interpreter and imports (about {res['sei'][('small', 'on', 'auto')]['rss_after_imports_mb']:.0f} MB"
        f" after imports in the child, {res['sei'][('city', 'on', 'auto')]['rss_after_imports_mb']:.0f} MB once numba"
        " and the kernel are loaded too).",
        "- **Boltzmann ratio** = SEI agent-steps/s ÷ agent-steps/s of a minimal Mesa Boltzmann wealth model",
        '  (benchmarks/boltzmann.py: no grid, `shuffle_do("step")`, partner drawn from a cached agent list),',
        "  built and run for 28 steps with as many agents as the SEI model at that scale (the handles-on count;",
        "  not run at metro scale, where two million Mesa agents would take minutes and gigabytes).",
        "  Above 1 means the SEI model processes agents faster than the yardstick.",
        f"- Each case runs {res['repeat']} time{'s' if res['repeat'] > 1 else ''}, each run in a fresh child process, {pin}",
        "  with OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS and NUMEXPR_NUM_THREADS set to 1:",
        "  the seconds are one-core, cold-process figures. The runs of all cases are interleaved (every case",
        "  once, then again), so that a slow spell of a shared machine falls on all of them; seconds and peak",
        "  MB are the medians of a case's runs (the targets are judged on them), the range in brackets.",
        "",
        "## Machine",
        "",
        *_md_table(head_m, mach),
        "",
        "## Results (`python -m benchmarks.report`)",
        "",
        *_md_table(list(COLUMNS[:2]) + ["seconds (1 core)"] + list(COLUMNS[3:]), rows(res)),
        "",
        "### Scaling (small → city → metro, default path, handles on)",
        "",
        "Ten times the agents may cost at most twelve times the time, i.e. time ratio ÷ agent ratio ≤ 1.2.",
        "",
        *_md_table(["step", "time ratio", "agent ratio", "time ratio ÷ agent ratio", "limit 1.2"], sc_rows),
        "",
        "### Targets (issue 16)",
        "",
        *_md_table(["target", "measured", "verdict"], [list(t) for t in targets(res)]),
        "",
    ]
    if bench_json is not None:
        lines += bench_json_section(bench_json)
    lines += [
        "## How to run",
        "",
        "```sh",
        "make bench                                   # pytest-benchmark suite; extra_info table at the end",
        "make bench ARGS=--benchmark-json=.benchmarks/bench.json",
        "python -m benchmarks.report                  # each case 3 times, a child process a run; prints the table",
        "python -m benchmarks.report --write --bench-json .benchmarks/bench.json   # rewrite this file",
        "```",
        "",
        '`make test` does not collect `benchmarks/` (pytest `testpaths = ["tests"]`), and `--benchmark-only` in',
        "the `bench` target overrides the `--benchmark-skip` in pyproject's `addopts`.",
        "Rounds per case in `make bench`: environment variable `SEI_BENCH_ROUNDS` (default 3).",
        "",
        "## Where the time goes",
        "",
        "`python -m benchmarks.profile [--scale small|city] [--top N]` times every phase of one run (the",
        "phase functions are wrapped for that run, the model code is unchanged) and prints their seconds",
        "and shares; `--top N` adds a cProfile of the costliest functions.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--write",
        nargs="?",
        const=str(DOC),
        metavar="PATH",
        help=f"write the markdown report (default {DOC.relative_to(cases.ROOT)})",
    )
    ap.add_argument("--bench-json", type=Path, help="add a section from a pytest-benchmark JSON file")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the children to one CPU")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each case, interleaved; medians (default 3)")
    ap.add_argument("--json", type=Path, help="also dump the raw measurements as JSON")
    ap.add_argument(
        "--commit", help="label of the code measured (default: git HEAD, flagged if sim/ or configs/ differ)"
    )
    a = ap.parse_args(argv)
    if a.repeat < 1:
        ap.error(f"--repeat must be at least 1, got {a.repeat}")
    res = measure(pin=not a.no_pin, repeat=a.repeat)
    print(text_table(res))
    if a.json:
        raw = {
            "sei": {f"{s}-handles_{h}-numba_{k}": v for (s, h, k), v in res["sei"].items()},
            "boltzmann": res["boltzmann"],
            "machine": machine(a.commit),
        }
        a.json.write_text(json.dumps(raw, indent=2))
    if a.write:
        path = Path(a.write)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text() if path.exists() else ""
        notes = old[old.index(NOTES_MARKER) :] if NOTES_MARKER in old else NOTES_MARKER + "\n"
        path.write_text(markdown(res, machine(a.commit), a.bench_json) + "\n" + notes)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
