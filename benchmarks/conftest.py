"""pytest configuration for the benchmark suite (only loaded when benchmarks/ is collected, i.e. `make bench`).

BLAS/OpenMP pools are limited to one thread before numpy is imported, so the in-process timings
are single-threaded too (the process is not pinned; the child processes used for peak memory are).
After the run a table of each benchmark's extra_info is printed.
"""

from __future__ import annotations

import os

from benchmarks.cases import THREAD_VARS

for _v in THREAD_VARS:
    os.environ.setdefault(_v, "1")

SUMMARY_KEYS = (
    ("agents", "agents", "{:,.0f}"),
    ("mean_s", "mean s", "{:.3f}"),
    ("agent_steps_per_s", "agent-steps/s", "{:,.0f}"),
    ("child_seconds", "1-core child s", "{:.3f}"),
    ("peak_rss_mb", "peak MB", "{:.0f}"),
    ("boltzmann_ratio", "vs Boltzmann", "{:.2f}"),
    ("time_ratio_city_small", "t city/small", "{:.2f}"),
    ("agent_ratio_city_small", "n city/small", "{:.2f}"),
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    bs = getattr(config, "_benchmarksession", None)
    benches = [b for b in getattr(bs, "benchmarks", []) if b and getattr(b, "extra_info", None)]
    if not benches:
        return
    tr = terminalreporter
    tr.section("benchmark extra_info (see docs/benchmarks.md)", sep="-")
    head = ["case"] + [h for _, h, _ in SUMMARY_KEYS]
    rows = []
    for b in benches:
        info = b.extra_info
        cells = [b.name.removeprefix("test_")]
        for key, _, fmt in SUMMARY_KEYS:
            v = info.get(key)
            cells.append(fmt.format(v) if isinstance(v, (int, float)) else "-")
        rows.append(cells)
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        tr.write_line("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    notes = {n for b in benches for n in b.extra_info.get("notes", [])}
    for n in sorted(notes):
        tr.write_line(f"note: {n}")
