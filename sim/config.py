"""The run config: the typed dataclasses of every node composed into ``SimConfig``, registered
with Hydra's ConfigStore; composing it (``compose``, ``to_config``) and validating it.

The parameters themselves are declared in sim.params (mechanisms, scale, scenario), sim.policy
(levers) and sim.outputs.targets (target definitions); this module sits above them all. Validation
runs before any work starts and names the offending key and the allowed values.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict

from sim.basedata import load as load_basedata
from sim.configkeys import refuse_unknown
from sim.configmemo import ConversionMemo
from sim.datafiles import check_data_files
from sim.errors import ConfigError, check
from sim.ids import DISTRICTS, INDUSTRIES, parse_quarter, quarter_index
from sim.outputs.evaluation import validate_targets
from sim.outputs.targets import TargetsConfig
from sim.params import (
    CalibrationConfig,
    EconomyParams,
    ScaleConfig,
    ScenarioConfig,
    ShockConfig,
    check_params,
    warn_implausible,
)
from sim.policy.config import PolicyConfig
from sim.policy.validate import validate_policy
from sim.uncertainty import MODES, UncertaintyConfig


@dataclass
class EnsembleConfig:
    size: int = 5  # runs with seeds seed, seed+1, ...; 1 = a single run in the run folder itself
    workers: int = 0  # processes; 0 = one per core (at most size), in-process for small-scale runs (sim/ensemble.py)


@dataclass
class OutputConfig:
    write: bool = True  # write manifest.json and timeseries.parquet into the run folder
    print_summary: bool = True
    snapshot_years: list[int] = field(default_factory=list)  # write firms_<year>.parquet, network_<year>.parquet at Q4


@dataclass
class SimConfig:
    seed: int = 0
    scale: ScaleConfig = field(default_factory=ScaleConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    params: EconomyParams = field(default_factory=EconomyParams)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    targets: TargetsConfig = field(default_factory=TargetsConfig)
    ensemble: EnsembleConfig = field(default_factory=EnsembleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    uncertainty: UncertaintyConfig = field(default_factory=UncertaintyConfig)


def register_configs() -> None:
    """Register the schema so Hydra validates types and rejects unknown keys."""
    from hydra.core.config_store import ConfigStore  # deferred: hydra (~0.2 s) only composes configs

    cs = ConfigStore.instance()
    if "sim_schema.yaml" in cs.repo:
        return
    cs.store(name="sim_schema", node=SimConfig)


# ---------------------------------------------------------------------------------------------
# Building and validating
# ---------------------------------------------------------------------------------------------
def _config_dir() -> Path:
    """The Hydra config tree: ``configs/`` of the checkout, else the copy a wheel installs as
    ``sim/configs/`` (setup.py ships it)."""
    repo = Path(__file__).resolve().parents[1] / "configs"
    return repo if (repo / "config.yaml").is_file() else Path(__file__).resolve().parent / "configs"


CONFIG_DIR = _config_dir()


def compose(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """The project's default config (configs/config.yaml and its groups) with Hydra overrides,
    exactly as ``python -m sim`` composes it (without the ``hydra`` node)."""
    from hydra import compose as hydra_compose  # deferred: hydra (~0.2 s) only composes configs
    from hydra import initialize_config_dir  # deferred: as above
    from hydra.core.global_hydra import GlobalHydra  # deferred: as above

    register_configs()
    try:
        if GlobalHydra.instance().is_initialized():
            cfg = hydra_compose(config_name="config", overrides=list(overrides))
        else:
            with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
                cfg = hydra_compose(config_name="config", overrides=list(overrides))
    except Exception as exc:  # Hydra raises several types for bad overrides
        raise ConfigError(f"invalid configuration: {exc}") from exc
    with open_dict(cfg):
        cfg.pop("hydra", None)
    return cfg


CONFIG_GROUPS = ("scale", "scenario", "calibration", "policy", "targets")


def _nested(key: str, value: Any) -> dict:
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return out


@lru_cache(maxsize=1)
def _schema_template() -> DictConfig:
    return OmegaConf.structured(SimConfig)


def _schema() -> DictConfig:
    """A fresh structured SimConfig node (a copy of one built once: building it takes ~0.2 s)."""
    return copy.deepcopy(_schema_template())


MEMO = ConversionMemo()  # to_config's recent conversions of a DictConfig or dict (sim.configmemo)


def to_config(cfg: Any = None, **overrides: Any) -> SimConfig:
    """A validated SimConfig.

    ``cfg=None`` composes the project defaults exactly as the command line does. Keyword
    overrides name a config group option (``scale="small"``) or a dotted key with a Python value
    (``**{"params.labour.quit_rate": 0.03, "scenario.rent_multiplier": {"nanshan": 2.0}}``).
    A DictConfig, dict or SimConfig is merged onto the schema instead of the defaults.
    Unknown keys and wrong types are refused with the key named.
    """
    groups = {k: v for k, v in overrides.items() if k in CONFIG_GROUPS and isinstance(v, str)}
    values = {k: v for k, v in overrides.items() if k not in groups}
    try:
        given = OmegaConf.to_container(cfg) if isinstance(cfg, DictConfig) else cfg
        memo = None if overrides or cfg is None or isinstance(cfg, SimConfig) else MEMO.key(given)
        if memo is not None and (hit := MEMO.get(memo)) is not None:
            return hit
        base: Any = _schema()
        if cfg is None:
            composed = OmegaConf.to_container(compose([f"{k}={v}" for k, v in groups.items()]))
            refuse_unknown(composed, base)
            base.merge_with(composed)  # in place: base is a fresh copy (OmegaConf.merge would copy it again)
        else:
            if not isinstance(cfg, SimConfig):
                refuse_unknown({k: v for k, v in dict(given).items() if k != "hydra"}, base)  # type: ignore[arg-type]
            if groups:
                raise ConfigError(
                    f"config groups {sorted(groups)} can only be chosen when composing the defaults (cfg=None)"
                )
            base.merge_with(OmegaConf.structured(cfg) if isinstance(cfg, SimConfig) else cfg)
        for k, v in values.items():
            refuse_unknown(_nested(k, v), base)
            base.merge_with(_nested(k, v))
        obj = OmegaConf.to_object(base)
    except ConfigError:
        raise
    except Exception as exc:  # omegaconf raises several types; all mean bad input
        raise ConfigError(f"invalid configuration: {exc}") from exc
    assert isinstance(obj, SimConfig)
    validate(obj)
    if memo is not None:
        MEMO.put(memo, obj)
    return obj


def _check_keys(d: dict[str, Any], key: str, allowed: tuple[str, ...], what: str) -> None:
    for k in d:
        check(k in allowed, f"{key}.{k}", f"names an unknown {what}; allowed: {', '.join(allowed)}")


def _check_shares(values: list[float], key: str, n: int, names: str) -> None:
    check(
        len(values) == n and abs(sum(values) - 1) < 1e-6,
        key,
        f"must list {n} shares ({names}) summing to 1, got {values}",
    )


def _check_pair(values: list[float], key: str, what: str) -> None:
    check(
        len(values) == 2 and values[0] <= values[1],
        key,
        f"must list 2 values, {what}, the first not above the second; got {values}",
    )


def _validate_scenario(sc: ScenarioConfig) -> None:
    check(
        sc.demand_path in ("history", "steady"),
        "scenario.demand_path",
        f"must be one of: history, steady; got '{sc.demand_path}'",
    )
    check(
        sc.end_year >= sc.start_year,
        "scenario.end_year",
        f"must not be before scenario.start_year ({sc.start_year}), got {sc.end_year}",
    )
    check(sc.end_year <= 2035, "scenario.end_year", f"must be <= 2035, got {sc.end_year}")
    starts = sorted(y + 1 for y in load_basedata().base_years)
    check(
        sc.start_year in starts,
        "scenario.start_year",
        f"must follow a base year of sim/data/base_years.csv; allowed: {', '.join(map(str, starts))}; got {sc.start_year}",
    )
    for q, v in sc.quarter_shocks.items():
        y, _ = parse_quarter(f"scenario.quarter_shocks.{q}", q)
        check(y >= sc.start_year, f"scenario.quarter_shocks.{q}", f"is before the run starts ({sc.start_year})")
        check(-1 < v < 10, f"scenario.quarter_shocks.{q}", f"must be a level deviation in (-1, 10), got {v}")
    _check_keys(sc.import_availability, "scenario.import_availability", INDUSTRIES, "industry")
    for k, v in sc.import_availability.items():
        check(0 <= v <= 1, f"scenario.import_availability.{k}", f"must be between 0 and 1, got {v}")
    _check_keys(sc.rent_multiplier, "scenario.rent_multiplier", DISTRICTS, "district")
    for k, v in sc.rent_multiplier.items():
        check(0 < v <= 100, f"scenario.rent_multiplier.{k}", f"must be a positive multiplier (0, 100], got {v}")
    for i, shock in enumerate(sc.shocks):
        _validate_shock(shock, f"scenario.shocks[{i}]", sc)
    for i, shock in enumerate(sc.events):
        _validate_shock(shock, f"scenario.events[{i}]", sc)


def _validate_shock(s: ShockConfig, key: str, sc: ScenarioConfig) -> None:
    """One entry of scenario.shocks or scenario.events: every field checked, the offending key named
    (a dated event may fall outside a short run; an analyst's shock may not)."""
    check(bool(str(s.name).strip()), f"{key}.name", "must be a non-empty name")
    start = parse_quarter(f"{key}.start", s.start)
    end = parse_quarter(f"{key}.end", s.end)
    check(end >= start, f"{key}.end", f"must not be before {key}.start ({s.start}), got {s.end}")
    check(
        key.startswith("scenario.events") or (end >= (sc.start_year, 1) and start <= (sc.end_year, 4)),
        f"{key}.start",
        f"the window {s.start}-{s.end} lies outside the run ({sc.start_year}Q1-{sc.end_year}Q4)",
    )
    for j, ind in enumerate(s.industries):
        check(
            ind in INDUSTRIES, f"{key}.industries[{j}]", f"'{ind}' is not an industry; allowed: {', '.join(INDUSTRIES)}"
        )
    for j, dis in enumerate(s.districts):
        check(dis in DISTRICTS, f"{key}.districts[{j}]", f"'{dis}' is not a district; allowed: {', '.join(DISTRICTS)}")
    check(-1 < s.demand < 10, f"{key}.demand", f"must be a level deviation in (-1, 10), e.g. -0.10; got {s.demand}")
    check(-1 < s.supply <= 1, f"{key}.supply", f"must be a level deviation of capacity in (-1, 1]; got {s.supply}")
    if s.import_availability is not None:
        check(
            0 <= s.import_availability <= 1,
            f"{key}.import_availability",
            f"must be a share between 0 and 1, got {s.import_availability}",
        )
        check(
            not s.districts,
            f"{key}.districts",
            "must be empty when import_availability is set (imports are cut for whole industries)",
        )
    check(
        s.demand != 0 or s.supply != 0 or s.import_availability is not None,
        key,
        "sets no size: give demand, supply and/or import_availability",
    )


def _validate_params(p: EconomyParams) -> None:
    """Bounds of every declared parameter (sim.params), then the relations between parameters."""
    check_params(p, "params")
    lab = p.labour
    check(
        len(lab.skill_premium) == 3,
        "params.labour.skill_premium",
        "must list 3 values (technician, professional, senior)",
    )
    _check_shares(lab.skill_mix, "params.labour.skill_mix", 3, "technician, professional, senior")
    _check_shares(lab.institute_skill_mix, "params.labour.institute_skill_mix", 3, "technician, professional, senior")
    check(
        len(lab.inflow_age) == 3,
        "params.labour.inflow_age",
        "must list 3 values (minimum age, gamma shape, gamma scale)",
    )
    check(
        len(p.init.talent_age) == 3,
        "params.init.talent_age",
        "must list 3 values (minimum age, gamma shape, gamma scale)",
    )
    check(
        len(p.init.firm_age_quarters) == 2, "params.init.firm_age_quarters", "must list 2 values (gamma shape, scale)"
    )
    _check_pair(p.innovation.capability_range, "params.innovation.capability_range", "the floor and the ceiling")
    _check_pair(lab.max_wage_change, "params.labour.max_wage_change", "the floor and the ceiling")
    _check_pair(p.geography.max_rent_change, "params.geography.max_rent_change", "the floor and the ceiling")
    _check_pair(
        p.demography.exit_size_factor_bounds, "params.demography.exit_size_factor_bounds", "the floor and the ceiling"
    )
    check(
        p.finance.initial_leverage <= p.finance.leverage_cap,
        "params.finance.initial_leverage",
        f"must not exceed params.finance.leverage_cap ({p.finance.leverage_cap}), got {p.finance.initial_leverage}",
    )
    check(
        p.finance.leverage_cap <= p.finance.max_leverage,
        "params.finance.leverage_cap",
        f"must not exceed params.finance.max_leverage ({p.finance.max_leverage}), got {p.finance.leverage_cap}",
    )


def validate(cfg: SimConfig) -> None:
    """Refuse bad input before any work starts, naming the key and the allowed values."""
    check_params(cfg.scale, "scale")
    check(
        cfg.uncertainty.parameters in MODES,
        "uncertainty.parameters",
        f"must be one of: {', '.join(MODES)}; got '{cfg.uncertainty.parameters}'",
    )
    _validate_scenario(cfg.scenario)
    sc = cfg.scenario
    for y in cfg.output.snapshot_years:
        check(
            sc.start_year <= y <= sc.end_year,
            "output.snapshot_years",
            f"year {y} is outside the run {sc.start_year}-{sc.end_year}",
        )
    check_data_files()
    try:
        subfields = load_basedata().subfield_ids
    except (ValueError, KeyError, IndexError, OSError) as exc:
        raise ConfigError(f"the data of sim/data/ cannot be loaded: {type(exc).__name__}: {exc}") from None
    validate_policy(cfg.policy, sc.start_year, sc.end_year, subfields, check)
    validate_targets(cfg.targets, subfields, check)
    check(cfg.ensemble.size >= 1, "ensemble.size", f"must be a whole number >= 1 (runs), got {cfg.ensemble.size}")
    check(cfg.ensemble.workers >= 0, "ensemble.workers", f"must be >= 0 (0 = one per core), got {cfg.ensemble.workers}")
    trend = cfg.calibration.share_trend
    _check_keys(trend, "calibration.share_trend", INDUSTRIES, "industry")
    missing = [i for i in INDUSTRIES if i not in trend]
    check(not missing, "calibration.share_trend", f"lacks industries: {', '.join(missing)}")
    for k, v in trend.items():
        check(
            -0.5 < v < 1.0,
            f"calibration.share_trend.{k}",
            f"must be a yearly share gain in log points in (-0.5, 1.0), got {v}",
        )
    _validate_params(cfg.params)
    _validate_run(cfg)
    warn_implausible(cfg.params, "params")


SEED_MAX = 2**63 - 1  # seeds are stored as int64 (manifests, parquet tables); numpy's SeedSequence needs >= 0


def _validate_run(cfg: SimConfig) -> None:
    """The seeds and the targets' counting start against the run."""
    last = cfg.seed + cfg.ensemble.size - 1
    check(
        isinstance(cfg.seed, int) and 0 <= cfg.seed and last <= SEED_MAX,
        "seed",
        f"must be a whole number in [0, {SEED_MAX}] (with seed + ensemble.size - 1 in range too), got {cfg.seed}",
    )
    sc, ps = cfg.scenario, str(cfg.targets.plan_start)
    lo, hi = sc.start_year * 4, sc.end_year * 4 + 3
    check(
        lo <= quarter_index(ps) <= hi,
        "targets.plan_start",
        f"({ps}) must lie inside the run {sc.start_year}Q1-{sc.end_year}Q4, else every count from it is 0",
    )


# config nodes that do not change a run's results (how many seeds or workers, what is printed)
NOT_HASHED = ("ensemble",)


def config_hash(cfg: SimConfig) -> str:
    """Identity of a run's results: the hash of its whole config (seed included) except NOT_HASHED
    and output.print_summary."""
    d = {k: v for k, v in as_dict(cfg).items() if k not in NOT_HASHED}
    d["output"] = {k: v for k, v in d.get("output", {}).items() if k != "print_summary"}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def as_dict(cfg: SimConfig) -> dict:
    """The config as plain dicts and lists (the same as OmegaConf's container of it, ~500x faster:
    it is hashed for every run's manifest and scorecard)."""
    return asdict(cfg)


__all__ = ["SimConfig", "ConfigError", "to_config", "compose", "validate", "register_configs", "as_dict", "config_hash"]
