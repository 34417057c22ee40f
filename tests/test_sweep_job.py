"""A sweep job as the default launcher's workers run it (hydra_plugins.sei_sweeper.job) does what
Hydra's own ``run_job`` does: the same three ``.hydra`` files byte for byte, the same task config
(also when the caching config loader makes it from its group's), the same return."""

from __future__ import annotations

import os
import random
import shutil

import pytest
import yaml
from hydra import initialize_config_dir
from hydra._internal.callbacks import Callbacks
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobStatus, run_job, setup_globals
from hydra.types import HydraContext, RunMode
from omegaconf import OmegaConf, open_dict

from hydra_plugins.sei_sweeper import job as lean
from sim.config import CONFIG_DIR, register_configs
from sim.drivers.job_configs import CachingConfigLoader
from tests.test_job_configs import JOBS

FILES = ("config.yaml", "hydra.yaml", "overrides.yaml")


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    register_configs()
    setup_globals()
    GlobalHydra.instance().clear()
    sweep_dir = tmp_path_factory.mktemp("jobs")
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        overrides = [f"hydra.sweep.dir={sweep_dir}", "hydra/job_logging=none", "hydra/hydra_logging=none"]
        yield loader, loader.load_configuration("config", overrides, run_mode=RunMode.MULTIRUN), sweep_dir
    GlobalHydra.instance().clear()


def job_config(loader, master_cfg, overrides: list[str], idx: int):
    """Job ``idx``'s config as Hydra's joblib ``execute_job`` makes it."""
    cfg = loader.load_sweep_config(master_cfg, overrides)
    with open_dict(cfg):
        cfg.hydra.job.id = f"{cfg.hydra.job.name}_{idx}"
        cfg.hydra.job.num = idx
    HydraConfig.instance().set_config(cfg)
    return cfg


def test_lean_job_writes_and_runs_what_hydras_run_job_does(master):
    loader, master_cfg, sweep_dir = master
    caching = CachingConfigLoader(loader, "lean-job-test")
    seen: list[tuple] = []

    def task(cfg):
        seen.append(snapshot_task(cfg))
        if cfg.seed == 7:
            raise RuntimeError("seed 7 fails")
        return cfg.seed * 2

    # every group of JOBS three times over, so that task configs come from templates too; and jobs
    # that change directory or write no .hydra folder
    odd = [["scale=small", f"seed={s}", "hydra.job.chdir=true"] for s in (1, 2)]
    odd += [["scale=small", f"seed={s}", "hydra.output_subdir=null"] for s in (1, 2)]
    cwd = os.getcwd()
    jobs = [j for j in JOBS for _ in range(2)] + JOBS + odd
    for idx, overrides in enumerate(jobs):
        out = sweep_dir / str(idx)
        theirs = run_job(
            task, job_config(loader, master_cfg, overrides, idx), "hydra.sweep.dir", "hydra.sweep.subdir",
            HydraContext(config_loader=loader, callbacks=Callbacks()),
        )  # fmt: skip
        hydra_files = {f: (out / ".hydra" / f).read_bytes() for f in FILES if (out / ".hydra" / f).exists()}
        assert len(hydra_files) == (0 if "hydra.output_subdir=null" in overrides else 3)
        shutil.rmtree(out / ".hydra", ignore_errors=True)
        context = HydraContext(config_loader=caching, callbacks=Callbacks())
        ours = lean.run_job(
            task, job_config(caching, master_cfg, overrides, idx), "hydra.sweep.dir", "hydra.sweep.subdir", context
        )
        assert {f: (out / ".hydra" / f).read_bytes() for f in FILES if (out / ".hydra" / f).exists()} == hydra_files
        assert os.getcwd() == cwd  # back where it started
        assert seen[-1] == seen[-2], overrides  # the task saw the same config
        assert (ours.status, ours.overrides, ours.working_dir, ours.task_name) == (
            theirs.status,
            theirs.overrides,
            theirs.working_dir,
            theirs.task_name,
        )
        if theirs.status is JobStatus.FAILED:
            assert str(ours._return_value) == str(theirs._return_value) == "seed 7 fails"
        else:
            assert ours.return_value == theirs.return_value
        assert ours.cfg is None and ours.hydra_cfg is None  # the sweeper reads neither
    assert caching.made is not None  # some jobs came from templates
    assert len(seen) == 2 * len(jobs)


def snapshot_task(cfg) -> tuple:
    """What a task sees of its config and of Hydra's: test_job_configs.snapshot without the hydra
    node, plus each node's type, and what ``HydraConfig`` holds."""
    types = {}

    def walk(node, path):
        for k in node:
            child = node._get_node(k)
            types[f"{path}{k}"] = (type(child).__name__, OmegaConf.get_type(node, k))
            if OmegaConf.is_dict(child):
                walk(child, f"{path}{k}.")

    walk(cfg, "")
    hydra = HydraConfig.instance().cfg
    return (
        OmegaConf.to_yaml(hydra),
        OmegaConf.is_readonly(hydra.hydra),
        HydraConfig.get().runtime.output_dir,
        OmegaConf.to_yaml(cfg),
        OmegaConf.to_container(cfg, resolve=True),
        OmegaConf.is_struct(cfg),
        OmegaConf.is_readonly(cfg),
        "hydra" in cfg,
        types,
    )


@pytest.mark.parametrize(
    "value",
    [
        {"name": "深府〔2018〕84号", "note": "x" * 200, "words": " ".join(["word"] * 60)},
        {"a": "yes", "b": "1.5", "c": "null", "d": "~", "e": "0x1F", "f": "1e3", "g": "", "h": " lead", "i": "trail "},
        {"multi": "line one\nline two\n", "tab": "a\tb", "quote": 'it\'s "q"', "colon": "k: v", "hash": "a #b"},
        {"nested": {"list": [1, 2.5, None, True, "x"], "empty": [], "none": None, "dict": {}}, "interp": "${a.b}"},
        {"emoji": "\U0001f600", "ctrl": "\x07bell", "nbsp": "a\u00a0b", "bom": "\ufeff", "long_key_" * 10: 1},
    ],
)
def test_c_emitter_writes_what_omegaconf_to_yaml_writes(value):
    cfg = OmegaConf.create(value)
    container = OmegaConf.to_container(cfg, resolve=False, enum_to_str=True)
    assert lean.to_yaml(container) == OmegaConf.to_yaml(cfg)
    if yaml.__with_libyaml__:
        assert issubclass(lean._Dumper, yaml.CDumper)


def test_c_emitter_agrees_on_random_strings_and_is_used_for_the_projects_configs(master):
    """Random keys and strings of the characters the C emitter is used for (_SAFE, _SAFE_KEY,
    with YAML's special words and indicators among them): the same text as OmegaConf's. (Trying
    every character alone, and 40,000 such random configs, found no difference either.)"""
    rng = random.Random(16)
    ascii_ = list("abcxyz ABC019_-.,:;#&*!|>%@`'\"{}[]?~=+/\\") + ["yes", "null", "1e3", "- ", ": ", " #", "---"]
    pool = ascii_ + ["深", "府", "〔", "号", "é", "ß", "\u00a0", "\u3000", "\ufffd", "…", "0o17", "${a}", "*a", "!!str"]

    def text(chars, most):
        return "".join(rng.choice(chars) for _ in range(rng.choice([0, 1, 2, 5, 20, 64, most])))

    used = 0
    for _ in range(1500):
        try:
            cfg = OmegaConf.create({text(ascii_, 64) or "k": text(pool, 200), "n": {"j": [text(pool, 90), 1, None]}})
        except Exception:  # not a valid config (an interpolation that does not parse)
            continue
        container = OmegaConf.to_container(cfg, resolve=False, enum_to_str=True)
        used += lean._plain(container)
        assert lean.to_yaml(container) == OmegaConf.to_yaml(cfg)
    assert used > 1000
    loader, master_cfg, _ = master
    job = OmegaConf.to_container(loader.load_sweep_config(master_cfg, JOBS[0]), resolve=False, enum_to_str=True)
    assert lean._plain({k: v for k, v in job.items() if k != "hydra"})  # config.yaml: by the C emitter
    assert not lean._plain(job["hydra"])  # hydra.yaml: Hydra's help texts hold line breaks
