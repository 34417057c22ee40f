"""One sweep job in a launcher worker: Hydra's joblib ``execute_job`` and ``run_job`` (hydra-core
1.3), doing what they do with less of the worker's time, for issue 16.

Hydra's ``run_job`` spends about 75 ms of a small sweep job (0.6 s) on its bookkeeping: a deep copy
of the job config for the task and one of the ``hydra`` node for the return value (34 ms), and
three YAML files in ``.hydra`` written with PyYAML's pure-Python emitter (39 ms). Here:

- the task gets Hydra's task config (a deep copy without the ``hydra`` node; for a job that
  differs from an earlier one only in its seed, the launcher's config loader makes it from that
  group's, pickled: sim.drivers.job_configs.CachingConfigLoader.task_config), but no copy is
  made of the ``hydra`` node: ``hydra.yaml``, the working directory and ``env_set`` are
  read off the job config, whose ``hydra`` node is read-only once ``HydraConfig`` holds it; the
  return value carries no configs (the sweeper reads neither: each job's are in its ``.hydra``);
- ``config.yaml`` and ``hydra.yaml`` come from one ``to_container`` of the job config, and the
  three files are emitted by libyaml's C emitter with OmegaConf's own string representer (the
  Python emitter where PyYAML was built without libyaml, or where a string or key is not of the
  characters both emitters write alike: ``_SAFE``, ``_SAFE_KEY``). tests/test_sweep_job.py checks
  that the three files, the task's config and the job's return equal those of Hydra's ``run_job``.

The order of the steps is Hydra's: ``overrides.yaml`` written last before the task starts (the
launcher tells a started job by it), callbacks around the task, the working directory restored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra import version
from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import (
    JobReturn,
    JobRuntime,
    JobStatus,
    _flush_loggers,
    configure_log,
    env_override,
    setup_globals,
)
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf._utils import get_omega_conf_dumper

from sim.drivers.job_configs import task_copy

# libyaml's emitter where PyYAML has it (the text is the Python emitter's: see the module)
_BASE_DUMPER: Any = getattr(yaml, "CDumper", None) or yaml.Dumper


class _Dumper(_BASE_DUMPER):  # type: ignore[misc, valid-type]
    """The C (or Python) emitter with OmegaConf's representer of strings (quotes those YAML would
    read back as another type), as ``OmegaConf.to_yaml`` uses with the Python one."""


_Dumper.add_representer(str, get_omega_conf_dumper().str_representer)


# the characters the C emitter is used for: the printable characters of the BMP but the line and
# paragraph separators and the byte-order mark. The two emitters write the same text for every
# such character alone and for random strings of them (tests/test_sweep_job.py); they differ on
# others: a carriage return, NEL and characters beyond the BMP alone (libyaml escapes them), and
# strings with tabs or line breaks (the styles they choose differ). Keys must be printable ASCII,
# 64 characters at most: libyaml measures a key in bytes (a key of over 128 bytes, quotes
# included, is written as an explicit "? key"), PyYAML in characters.
_SAFE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_SAFE_KEY = re.compile(r"[\x20-\x7e]{0,64}")


def _plain(container: Any) -> bool:
    """True when every string of ``container`` is made of _SAFE characters, every key of _SAFE_KEY."""
    if isinstance(container, str):
        return _SAFE.fullmatch(container) is not None
    if isinstance(container, dict):
        return all((not isinstance(k, str) or _SAFE_KEY.fullmatch(k)) and _plain(v) for k, v in container.items())
    if isinstance(container, list):
        return all(_plain(v) for v in container)
    return True


def to_yaml(container: Any) -> str:
    """``OmegaConf.to_yaml`` of a config given as its container (``to_container``, not resolved,
    enums as strings): by the C emitter when every string is made of _SAFE characters."""
    dumper = _Dumper if _plain(container) else get_omega_conf_dumper()
    return yaml.dump(container, default_flow_style=False, allow_unicode=True, sort_keys=False, Dumper=dumper)


def save_configs(config: DictConfig, where: Path) -> None:
    """The three files Hydra's ``run_job`` writes in ``.hydra``: config.yaml (the config without
    its ``hydra`` node), hydra.yaml (the ``hydra`` node) and overrides.yaml (the task overrides),
    in that order."""
    where.mkdir(parents=True, exist_ok=True)
    full = OmegaConf.to_container(config, resolve=False, enum_to_str=True)
    assert isinstance(full, dict)
    texts = {
        "config.yaml": to_yaml({k: v for k, v in full.items() if k != "hydra"}),
        "hydra.yaml": to_yaml({"hydra": full["hydra"]}),
        "overrides.yaml": to_yaml(full["hydra"]["overrides"]["task"]),
    }
    for name, text in texts.items():
        with open(where / name, "w", encoding="utf-8") as f:
            f.write(text)


def execute_job(
    idx: int,
    overrides: Sequence[str],
    hydra_context: HydraContext,
    config: DictConfig,
    task_function: TaskFunction,
    singleton_state: dict[Any, Any],
) -> JobReturn:
    """Hydra's joblib ``execute_job``: compose job ``idx``'s config in this worker and run it."""
    setup_globals()
    Singleton.set_state(singleton_state)
    sweep_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
        sweep_config.hydra.job.num = idx
    HydraConfig.instance().set_config(sweep_config)
    return run_job(task_function, sweep_config, "hydra.sweep.dir", "hydra.sweep.subdir", hydra_context)


def run_job(
    task_function: TaskFunction,
    config: DictConfig,
    job_dir_key: str,
    job_subdir_key: str | None,
    hydra_context: HydraContext,
) -> JobReturn:
    """Hydra's ``run_job`` (see the module for what is left out); ``ret.cfg`` and ``ret.hydra_cfg``
    are None. ``HydraConfig`` must hold ``config`` already (``execute_job`` sets it): Hydra's
    ``run_job`` sets it again first, a copy of the ``hydra`` node (4 ms) for nothing."""
    callbacks = hydra_context.callbacks
    old_cwd = os.getcwd()
    orig_hydra_cfg = HydraConfig.instance().cfg
    output_dir = str(OmegaConf.select(config, job_dir_key))
    if job_subdir_key is not None:
        output_dir = os.path.join(output_dir, str(OmegaConf.select(config, job_subdir_key)))
    with read_write(config.hydra.runtime), open_dict(config.hydra.runtime):
        config.hydra.runtime.output_dir = os.path.abspath(output_dir)
    HydraConfig.instance().set_config(config)  # the hydra node is read-only from here on
    hydra = config.hydra
    chdir = hydra.job.chdir
    if chdir is None:  # Hydra >= 1.2 does not change directory unless asked (version_base 1.3 here)
        chdir = not version.base_at_least("1.2")
    try:
        ret = JobReturn()
        made = getattr(hydra_context.config_loader, "task_config", None)  # CachingConfigLoader's
        task_cfg = made(config) if made is not None else task_copy(config)
        overrides = OmegaConf.to_container(hydra.overrides.task)
        assert isinstance(overrides, list)
        ret.overrides = overrides
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        if chdir:
            os.chdir(output_dir)
            ret.working_dir = output_dir
        else:
            ret.working_dir = os.getcwd()
        configure_log(hydra.job_logging, hydra.verbose)
        if hydra.output_subdir is not None:
            save_configs(config, Path(hydra.runtime.output_dir) / str(hydra.output_subdir))
        with env_override(dict(hydra.job.env_set)):
            callbacks.on_job_start(config=config, task_function=task_function)
            try:
                ret.return_value = task_function(task_cfg)
                ret.status = JobStatus.COMPLETED
            except Exception as e:
                ret.return_value = e
                ret.status = JobStatus.FAILED
        ret.task_name = JobRuntime.instance().get("name")
        _flush_loggers()
        callbacks.on_job_end(config=config, job_return=ret)
        return ret
    finally:
        HydraConfig.instance().cfg = orig_hydra_cfg
        if chdir:
            os.chdir(old_cwd)
