"""A sweep's job configs composed once per distinct config, not once per seed.

Hydra composes every job's config from the config files in the worker that runs it (~0.2 s: the
defaults list, the merges, deep copies), which for a sweep of small runs over seeds is a third of
each job. Jobs whose overrides differ only in ``seed=<integer>`` compose the same config but for
the seed and the two fields that record the overrides (``hydra.overrides.task`` and
``hydra.job.override_dirname``). ``CachingConfigLoader`` wraps Hydra's config loader: it composes
the first job of each such group with Hydra, keeps a copy (pickled: unpickling a copy takes ~3 ms,
a deep copy ~18 ms), and makes the group's other jobs from that copy, setting the seed as Hydra's
override would. ``tests/test_job_configs.py`` checks that the result is Hydra's own, field for
field.

The task function gets a copy of the job config without its ``hydra`` node (Hydra's ``run_job``
deep-copies the job config for it, ~22 ms for a small job). ``task_config`` makes that copy of a
config this loader made from a template the same way: from the group's task config, pickled once,
with the seed set.

The cache lives in the worker process and belongs to one launch (``token``): a later sweep in the
same process, after the config files may have changed, composes afresh.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

from hydra._internal.config_loader_impl import get_overrides_dirname
from hydra.core.config_loader import ConfigLoader
from hydra.core.object_type import ObjectType
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType, ValueType
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

SEED_KEY = "seed"
# launch token -> {group key -> template config, pickled}; one launch kept per process, and its
# last few groups (a sweep's jobs run group by group: the seeds vary fastest)
_TEMPLATES: dict[str, dict[tuple, bytes]] = {}
_TASKS: dict[str, dict[tuple, bytes]] = {}  # the same for the groups' task configs (without hydra)
KEEP_GROUPS = 4


def seed_group(overrides: list[str]) -> tuple[tuple, int, list[Override]] | None:
    """(key shared by jobs that differ only in their seed, the seed, the parsed overrides), or
    None when the overrides set no plain integer seed (``seed=7``; not ``+seed``, ``seed='7'``,
    ``seed=${x}`` or a bool): those jobs are composed by Hydra."""
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    at = [k for k, o in enumerate(parsed) if o.key_or_group == SEED_KEY]
    if len(at) != 1:
        return None
    o = parsed[at[0]]
    value = o.value()
    if (
        o.type is not OverrideType.CHANGE
        or o.package is not None
        or o.value_type is not ValueType.ELEMENT
        or type(value) is not int
    ):
        return None
    key = tuple(f"{SEED_KEY}=<seed>" if k == at[0] else s for k, s in enumerate(overrides))
    return key, value, parsed


def _launch_store(store: dict[str, dict[tuple, bytes]], token: str) -> dict[tuple, bytes]:
    """``store``'s cache of launch ``token``; a new launch in this process empties it (the earlier
    launches' configs may be stale)."""
    got = store.get(token)
    if got is None:
        store.clear()
        got = store[token] = {}
    return got


def _keep(cache: dict[tuple, bytes], key: tuple, blob: bytes) -> None:
    """Keep ``blob`` under ``key``, the last KEEP_GROUPS groups only."""
    while len(cache) >= KEEP_GROUPS:
        del cache[next(iter(cache))]
    cache[key] = blob


def seeded(template: bytes, master: DictConfig, seed: int) -> DictConfig:
    """A copy of a pickled config with its seed set as Hydra's override sets it (``OmegaConf.update``)
    and the resolver cache of ``master`` (as load_sweep_config copies it)."""
    cfg = pickle.loads(template)
    OmegaConf.copy_cache(from_config=master, to_config=cfg)
    with read_write(cfg), open_dict(cfg):
        OmegaConf.update(cfg, SEED_KEY, seed, merge=True)
    return cfg


def task_copy(config: DictConfig) -> DictConfig:
    """Hydra's task config of a job config: a deep copy without the ``hydra`` node."""
    task = copy.deepcopy(config)
    with read_write(task), open_dict(task):
        del task["hydra"]
    return task


def with_seed(template: bytes, master: DictConfig, seed: int, parsed: list[Override]) -> DictConfig:
    """A copy of ``template`` (a job config Hydra composed for the same overrides but the seed,
    pickled) as Hydra composes it for ``parsed``: the seed applied like Hydra's override
    (``OmegaConf.update``) and the override records rebuilt from ``parsed``."""
    cfg = seeded(template, master, seed)
    app = [o for o in parsed if not o.is_hydra_override()]
    job = cfg.hydra.job
    with read_write(cfg.hydra), open_dict(cfg.hydra):
        cfg.hydra.overrides.task = [o.input_line for o in app]
        job.override_dirname = get_overrides_dirname(
            overrides=app,
            kv_sep=job.config.override_dirname.kv_sep,
            item_sep=job.config.override_dirname.item_sep,
            exclude_keys=job.config.override_dirname.exclude_keys,
        )
    return cfg


class CachingConfigLoader(ConfigLoader):
    """Hydra's config loader (``inner``) whose ``load_sweep_config`` reuses the config of an
    earlier job of the same launch that differed only in its seed (see the module)."""

    def __init__(self, inner: ConfigLoader, token: str) -> None:
        self.inner = inner
        self.token = token
        self.made: tuple[DictConfig, tuple, int] | None = None  # the last config made from a template

    def task_config(self, config: DictConfig) -> DictConfig:
        """The task's config of job config ``config``: Hydra's (``task_copy``), made from its
        group's task config, pickled once, when this loader made ``config`` from a template (the
        task config then differs from the group's only in the seed)."""
        if self.made is None or self.made[0] is not config:
            return task_copy(config)
        _, key, seed = self.made
        tasks = _launch_store(_TASKS, self.token)
        if key not in tasks:
            task = task_copy(config)
            _keep(tasks, key, pickle.dumps(task))
            return task
        return seeded(tasks[key], config, seed)

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]) -> DictConfig:
        group = seed_group(sweep_overrides)
        if group is None:
            return self.inner.load_sweep_config(master_config, sweep_overrides)
        key, seed, parsed = group
        templates = _launch_store(_TEMPLATES, self.token)
        key = (master_config.hydra.job.config_name, *key)
        if key not in templates:
            cfg = self.inner.load_sweep_config(master_config, sweep_overrides)
            _keep(templates, key, pickle.dumps(cfg))
            return cfg
        templates[key] = templates.pop(key)  # the most recently used last
        cfg = with_seed(templates[key], master_config, seed, parsed)
        self.made = (cfg, key, seed)
        return cfg

    # the rest of the interface: Hydra's loader
    def load_configuration(self, config_name: str | None, overrides: list[str], run_mode: RunMode, from_shell: bool = True, validate_sweep_overrides: bool = True) -> DictConfig:  # fmt: skip
        return self.inner.load_configuration(config_name, overrides, run_mode, from_shell, validate_sweep_overrides)

    def get_search_path(self) -> Any:
        return self.inner.get_search_path()

    def get_sources(self) -> Any:
        return self.inner.get_sources()

    def list_groups(self, parent_name: str) -> list[str]:
        return self.inner.list_groups(parent_name)

    def get_group_options(self, group_name: str, results_filter: ObjectType | None = ObjectType.CONFIG, config_name: str | None = None, overrides: list[str] | None = None) -> list[str]:  # fmt: skip
        return self.inner.get_group_options(group_name, results_filter, config_name, overrides)

    def compute_defaults_list(self, config_name: str | None, overrides: list[str], run_mode: RunMode) -> Any:
        return self.inner.compute_defaults_list(config_name, overrides, run_mode)
