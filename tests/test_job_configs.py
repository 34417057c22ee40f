"""A sweep's job configs made once per distinct config (sim.drivers.job_configs) and to_config's
memo of converted configs: both must give exactly what composing and converting afresh gives."""

from __future__ import annotations

import dataclasses

import pytest
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.utils import setup_globals
from hydra.types import RunMode
from omegaconf import OmegaConf

import sim.config as config_mod
from sim.config import CONFIG_DIR, compose, register_configs, to_config
from sim.drivers import job_configs
from sim.drivers.job_configs import CachingConfigLoader, seed_group


class CountingLoader:
    """Hydra's loader, counting the job configs it composes."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0

    def load_sweep_config(self, master, overrides):
        self.calls += 1
        return self.inner.load_sweep_config(master, overrides)


@pytest.fixture(scope="module")
def hydra_loader():
    register_configs()
    setup_globals()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration("config", ["hydra.sweep.dir=/tmp/x"], run_mode=RunMode.MULTIRUN)
        yield loader, master
    GlobalHydra.instance().clear()


def snapshot(cfg) -> tuple:
    """Everything a job sees of its config: the YAML (values, interpolations, order), the resolved
    task config and the flags."""
    task = OmegaConf.to_container(cfg)
    task.pop("hydra")
    task = OmegaConf.to_container(OmegaConf.create(task), resolve=True)
    return (
        OmegaConf.to_yaml(cfg),
        task,
        OmegaConf.is_struct(cfg),
        OmegaConf.is_readonly(cfg),
        OmegaConf.is_readonly(cfg.hydra),
        str(cfg.hydra.sweep.dir),
    )


JOBS = [
    ["scale=small", "seed=0", "ensemble.size=1"],
    ["scale=small", "seed=7", "ensemble.size=1"],
    ["scale=small", "seed=123456789012", "ensemble.size=1"],
    ["policy=no_plan", "scale=small", "seed=3", "params.labour.quit_rate=0.05"],
    ["policy=no_plan", "scale=small", "seed=4", "params.labour.quit_rate=0.05"],
    ["seed=2", "hydra.job.chdir=false", "scenario=steady"],
    ["seed=5", "hydra.job.chdir=false", "scenario=steady"],
]


def test_cached_job_configs_equal_hydras_own_and_compose_once_per_group(hydra_loader):
    loader, master = hydra_loader
    counting = CountingLoader(loader)
    cached = CachingConfigLoader(counting, "launch-1")
    for job in JOBS:
        assert snapshot(cached.load_sweep_config(master, job)) == snapshot(loader.load_sweep_config(master, job)), job
    assert counting.calls == 3  # one per group of jobs that differ only in the seed
    # a job config is the job's own: changing it leaves the next job of its group alone
    first = cached.load_sweep_config(master, JOBS[0])
    first.seed = 99
    assert cached.load_sweep_config(master, JOBS[1]).seed == 7 and counting.calls == 3


def test_a_new_launch_composes_afresh_and_odd_seeds_go_to_hydra(hydra_loader):
    loader, master = hydra_loader
    counting = CountingLoader(loader)
    CachingConfigLoader(counting, "launch-a").load_sweep_config(master, JOBS[0])
    CachingConfigLoader(counting, "launch-b").load_sweep_config(master, JOBS[1])
    assert counting.calls == 2 and list(job_configs._TEMPLATES) == ["launch-b"]
    # a launch keeps its last few groups only (a sweep of many distinct configs holds no more)
    many = CachingConfigLoader(counting, "launch-c")
    for q in range(job_configs.KEEP_GROUPS + 2):
        many.load_sweep_config(master, ["scale=small", "seed=1", f"params.labour.quit_rate=0.0{q + 1}"])
    assert len(job_configs._TEMPLATES["launch-c"]) == job_configs.KEEP_GROUPS
    for odd in (["scale=small"], ["+seed=1"], ["seed='1'"], ["seed=true"], ["seed=${ensemble.size}"]):
        assert seed_group(odd) is None, odd
    assert seed_group(["seed=1", "scale=small"])[:2] == (("seed=<seed>", "scale=small"), 1)


def test_to_config_memo_gives_a_fresh_conversions_result():
    composed = [compose(["scale=small", f"seed={s}", "params.labour.quit_rate=0.04"]) for s in (1, 2)]
    config_mod.MEMO.kept.clear()
    fresh = []
    for c in composed:
        fresh.append(to_config(c))
        config_mod.MEMO.kept.clear()
    first = to_config(composed[0])  # converted, remembered
    second = to_config(composed[1])  # from the memo
    assert (first, second) == tuple(fresh) and second.seed == 2 and second.params.labour.quit_rate == 0.04
    assert len(config_mod.MEMO.kept) == 1
    # the memo hands out copies: changing one config changes no later one
    second.scenario.end_year = 2030
    assert to_config(composed[1]).scenario.end_year == fresh[1].scenario.end_year
    # configs with an interpolation, a non-integer seed or other keys set are converted afresh
    assert config_mod.MEMO.key({"seed": 1, "x": "${y}"}) is None
    assert config_mod.MEMO.key({"seed": True}) is None
    assert dataclasses.replace(to_config(composed[0], seed=5), seed=1) == fresh[0]
