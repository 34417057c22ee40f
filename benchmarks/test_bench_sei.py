"""pytest-benchmark suite: build + run of the SEI model at city and small scale, with Mesa handles
on and off, and Mesa's Boltzmann wealth model at the same agent counts as a yardstick.

Run with ``make bench``. Nothing here asserts on time: the figures go to ``benchmark.extra_info``
(shown in the summary table at the end, and in ``--benchmark-json``) and to docs/benchmarks.md.

Order matters only for cross-references: the SEI cases run small before city (so the city cases
can report the city/small scaling), and the Boltzmann cases run last and write their ratio back
into the SEI cases' extra_info. Run alone (``-k``), a case reports what it can.
Rounds per case: env ``SEI_BENCH_ROUNDS`` (default 3).
"""

from __future__ import annotations

import gc
import os

import pytest

import sim.model  # noqa: F401  imported here so that no timed round pays for imports
from benchmarks import cases
from benchmarks.boltzmann import BoltzmannWealth

ROUNDS = int(os.environ.get("SEI_BENCH_ROUNDS", "3"))
SEI_CASES = [("small", "on"), ("small", "off"), ("city", "on"), ("city", "off")]

_sei: dict[tuple[str, str], dict] = {}  # (scale, handles) -> extra_info of the SEI case


def _agents(scale: str) -> float:
    """Mean agent count of a scale (from a finished SEI case, else from one run now)."""
    for (s, _), info in _sei.items():
        if s == scale:
            return info["agents"]
    return cases.mean_agents(cases.build_and_run(cases.sei_config(scale), handles=False))


def _scaling(info: dict, handles: str) -> None:
    small = _sei.get(("small", handles))
    if small is None:
        info.setdefault("notes", []).append("scaling ratios need the small case in the same session")
        return
    t_ratio = info["mean_s"] / small["mean_s"]
    n_ratio = info["agents"] / small["agents"]
    info.update(
        time_ratio_city_small=t_ratio,
        agent_ratio_city_small=n_ratio,
        scaling_cost_per_agent_ratio=t_ratio / n_ratio,
        scaling_target_met=bool(t_ratio / n_ratio <= cases.SCALING_LIMIT),
    )


@pytest.mark.parametrize(("scale", "handles"), SEI_CASES, ids=[f"{s}-handles_{h}" for s, h in SEI_CASES])
def test_sei_build_and_run(benchmark, scale, handles):
    benchmark.group = "SEI build + run 2019Q1-2025Q4"
    held: dict = {}

    def setup():
        held.clear()  # drop the previous round's model before the next is built
        gc.collect()
        return (cases.sei_config(scale),), {}

    def target(cfg):
        held["model"] = cases.build_and_run(cfg, cases.HANDLES[handles])

    benchmark.pedantic(target, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=0)

    model = held.pop("model")
    n, quarters = cases.mean_agents(model), model.n_quarters
    counts = cases.agent_counts(model)
    del model
    gc.collect()
    st = benchmark.stats.stats
    info = benchmark.extra_info
    info.update(
        scale=scale,
        handles=handles,
        quarters=quarters,
        agents=n,
        agent_counts=counts,
        rounds=ROUNDS,
        min_s=st.min,
        mean_s=st.mean,
        agent_steps_per_s=n * quarters / st.mean,
        agent_steps_per_s_best=n * quarters / st.min,
    )
    # Peak memory and a one-core time from a fresh, single-threaded, one-CPU child process.
    child = cases.run_child("sei", scale=scale, handles=handles)
    info.update(
        peak_rss_mb=child["peak_rss_mb"],
        rss_after_imports_mb=child["rss_after_imports_mb"],
        child_seconds=child["seconds"],
        child_agent_steps_per_s=child["agent_steps_per_s"],
    )
    target_s = cases.TARGET_SECONDS.get(scale)
    if target_s is not None:
        info.update(
            target_s=target_s,
            target_s_met_mean=bool(st.mean < target_s),
            target_s_met_child=bool(child["seconds"] < target_s),
        )
    target_mb = cases.TARGET_PEAK_MB.get(scale)
    if target_mb is not None:
        info.update(target_peak_mb=target_mb, target_peak_mb_met=bool(child["peak_rss_mb"] < target_mb))
    if scale == "city":
        _scaling(info, handles)
    _sei[(scale, handles)] = info


@pytest.mark.parametrize("scale", ["small", "city"])
def test_boltzmann_same_agents(benchmark, scale):
    """Mesa's Boltzmann wealth model, build + 28 steps, with as many agents as the SEI model."""
    benchmark.group = "Boltzmann wealth (Mesa) build + 28 steps"
    n = round(_agents(scale))
    gc.collect()

    def setup():
        gc.collect()
        return (n,), {}

    def target(k):
        BoltzmannWealth(k, seed=0).run(cases.QUARTERS)

    benchmark.pedantic(target, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    st = benchmark.stats.stats
    rate = n * cases.QUARTERS / st.mean
    info = benchmark.extra_info
    info.update(
        scale=scale, agents=n, steps=cases.QUARTERS, rounds=ROUNDS, min_s=st.min, mean_s=st.mean, agent_steps_per_s=rate
    )
    for handles in cases.HANDLES:
        sei = _sei.get((scale, handles))
        if sei is not None:
            ratio = sei["agent_steps_per_s"] / rate
            sei.update(boltzmann_agents=n, boltzmann_agent_steps_per_s=rate, boltzmann_ratio=ratio)
            info[f"sei_handles_{handles}_ratio"] = ratio
