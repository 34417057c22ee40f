"""pytest-benchmark case of the scenario explorer (analysis.dashboard, issue 15): a run of one seed
at small scale started from the page returns in under 2 s (``make bench``; no assertion on time,
the figures go to ``benchmark.extra_info`` and docs/benchmarks.md).

Timed: what the page does when "run" is pressed with one seed: compose the config from the
override line (as ``python -m sim``), run the seed into its folder (run, scorecard, stylized facts,
files), gather the scenario and its baseline for the figures. The baseline (no_plan, same seed)
is run once before the rounds, as on the page, where it is run with the first scenario and then
read back. Every round changes the funding budget, so every round is a new run. Drawing the four
figures is measured apart (``figures_s``): the page shows the run's numbers before them.
"""

from __future__ import annotations

import itertools
import os
import time

from analysis.dashboard import views
from analysis.dashboard.runner import Runner
from analysis.dashboard.state import Choices, LeverGroup

ROUNDS = int(os.environ.get("SEI_BENCH_ROUNDS", "3"))
LIMIT_S = 2.0


def test_dashboard_one_seed_small_run(benchmark, tmp_path):
    benchmark.group = "dashboard: one seed, small scale, from pressing run to the gathered runs"
    runner = Runner(tmp_path, workers=1)
    warm = runner.run(Choices())  # the baseline runs once (and Hydra, imports)
    assert warm.status == "complete", warm.error
    step = itertools.count(1)
    jobs = []

    def one():
        c = Choices()
        c.groups["funding"] = LeverGroup(budget=1.0 + 0.01 * next(step))
        jobs.append(runner.run(c))

    benchmark.pedantic(one, rounds=ROUNDS, iterations=1)
    assert all(j.status == "complete" for j in jobs), [j.error for j in jobs]
    t0 = time.perf_counter()
    views.run_figures(jobs[-1].results, "en")
    mean = benchmark.stats.stats.mean
    benchmark.extra_info.update(
        mean_s=mean,
        max_s=benchmark.stats.stats.max,
        figures_s=time.perf_counter() - t0,
        under_2s=bool(mean < LIMIT_S),
    )
