"""Typed configuration of a run: dataclasses registered with Hydra's ConfigStore, plus validation.

Every default parameter carries its unit and its source or reason in a trailing comment; the
same table is in docs/ODD.md (section "Parameters"). Validation runs before any work starts and
names the offending key and the allowed values.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict

from sim.ids import DISTRICTS, INDUSTRIES
from sim.policy.config import PolicyConfig

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key and what is allowed."""


# ---------------------------------------------------------------------------------------------
# Scale and scenario (config groups `scale` and `scenario`)
# ---------------------------------------------------------------------------------------------
@dataclass
class ScaleConfig:
    """How many agents stand for the city: firm and institute sampling, people per talent agent."""

    name: str = "city"
    firm_fraction: float = 1.0  # share of the recorded firm population represented (1 = one agent per firm)
    institute_fraction: float = 1.0  # share of the ~1,877 innovation carriers represented
    people_per_agent: int = 25  # people per talent super-individual
    talent_handles: bool = False  # also give every talent row a Mesa agent handle (costly at city scale)


@dataclass
class ScenarioConfig:
    """Exogenous environment: the demand path and the simulated period."""

    name: str = "history"
    demand_path: str = "history"  # 'history' (macro_drivers.csv) or 'steady' (drivers at reference)
    start_year: int = 2019  # first simulated year (the base year is the one before)
    end_year: int = 2025  # last simulated year, inclusive
    # Temporary multiplicative deviations of external demand by quarter, e.g. {"2020Q1": -0.10}.
    quarter_shocks: dict[str, float] = field(default_factory=dict)
    # Availability (0-1) of imported inputs by industry, e.g. {"IND-IT": 0.7} for a chip cut.
    import_availability: dict[str, float] = field(default_factory=dict)
    # Multiplier of base-year industrial rent by district, e.g. {"nanshan": 1.5}.
    rent_multiplier: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Mechanism parameters (group `params`, one dataclass per mechanism module)
# ---------------------------------------------------------------------------------------------
@dataclass
class ProductionParams:
    labour_elasticity: float = 0.6  # Cobb-Douglas labour share of VA capacity; China labour share ~0.5-0.6
    target_utilisation: float = 0.85  # utilisation firms plan for (15% headroom; assumption; NBS industrial utilisation ~0.75-0.78 is against engineering capacity)
    share_elasticity: float = 0.10  # per quarter market-share response to relative TFP gains (replicator dynamics)
    lost_share_rate: float = 0.2  # share of unmet final demand whose buyers move to rivals next quarter
    rationing_rounds: int = (
        4  # at most this many fixed-point rounds of supplier rationing (stops earlier when |d rho| < 1e-3)
    )


@dataclass
class InnovationParams:
    knowledge_depreciation: float = 0.0375  # per quarter; 15%/yr R&D capital depreciation (Griliches)
    tfp_knowledge_elasticity: float = 0.10  # elasticity of TFP to own knowledge; Hall et al. 2010: 0.08-0.12
    breakthrough_rate: float = 2.0  # hazard scale: P(breakthrough/q) = 1-exp(-rate * R&D/sales)
    breakthrough_size: float = 0.04  # mean of the exponentially distributed log-TFP jump of a breakthrough
    spillover_rate: float = (
        0.002  # share of the reachable pool absorbed per quarter; gives spillovers ~0.3 of own R&D at base
    )
    spillover_distance_km: float = 15.0  # e-folding distance of knowledge spillovers; Jaffe et al. localisation
    cross_field_proximity: float = 0.2  # spillover weight between different industries (1 within)
    public_knowledge_weight: float = 3.0  # weight of institute knowledge in the spillover pool (open science; firm knowledge partly appropriated; assumption)
    institute_knowledge_per_yuan: float = 1.0  # knowledge units per yuan of institute budget at capability 1
    capability_learning: float = 0.01  # per quarter convergence of institute capability to 1
    institute_budget_growth: float = 0.015  # per quarter; ~6%/yr growth of public research budgets


@dataclass
class LabourParams:
    match_efficiency: float = 0.7  # share of min(unemployed, vacancies) matched per quarter in a cell
    hire_speed: float = 1.0  # share of the labour gap (incl. replacing leavers) opened as vacancies per quarter
    fire_speed: float = 0.25  # share of excess labour laid off per quarter (firing costs)
    quit_rate: float = 0.02  # per quarter voluntary separations into unemployment
    wage_growth: float = 0.02  # per quarter nominal wage trend; Shenzhen average wage ~+8-9%/yr 2015-19
    wage_unemployment_response: float = (
        0.25  # fall of quarterly wage growth per unit of (cell unemployment rate - base rate); wage curve
    )
    base_wage: float = 30_000.0  # yuan/person/quarter for skill 1 in 2018; Shenzhen avg wage ~111,700 yuan/yr
    skill_premium: list[float] = field(default_factory=lambda: [0.75, 1.0, 2.5])  # technician, professional, senior
    skill_mix: list[float] = field(default_factory=lambda: [0.55, 0.38, 0.07])  # base-year shares by skill
    inmigration_response: float = 0.5  # in-migrants per unfilled vacancy (Harris-Todaro)
    inflow_base: float = (
        0.01  # per quarter graduates + migrants as share of talent stock (calibration/default.yaml fits 0.0128)
    )
    outmigration_unemployed: float = 0.10  # per quarter
    outmigration_employed: float = 0.005  # per quarter
    retirement_age: float = 60.0  # years
    move_probability: float = 0.3  # per quarter, unemployed searching in another district
    move_distance_km: float = 20.0  # e-folding distance of within-city moves
    training_rate: float = 0.01  # per quarter on-the-job skill upgrade of employed technicians
    unemployment_rate: float = 0.04  # base-year share of talent without an employer


@dataclass
class FinanceParams:
    interest_rate: float = 0.0535  # per year; PBoC 1-yr benchmark 4.35% (2015-19) + 1 pt spread
    leverage_cap: float = 0.6  # debt limit as a share of capital (collateral constraint)
    initial_leverage: float = 0.3  # base-year debt / capital
    depreciation: float = 0.02  # per quarter; ~8%/yr for equipment and structures mix
    payout_ratio: float = 0.3  # share of positive profit paid out
    investment_speed: float = 0.1  # share of the capital gap closed per quarter (time to build: ~35%/yr; assumption)
    debt_repayment: float = 0.025  # per quarter (10-year amortisation)
    cash_buffer_quarters: float = 1.0  # cash kept back, in quarters of wage + rent bill
    rd_cost_share: float = 0.5  # share of R&D spending that is not already in the wage bill


@dataclass
class DemographyParams:
    entry_rate: float = 0.20  # start-ups per year as share of firm stock; NHTE count grew 14.4k->17k in 2019 (calibration/default.yaml fits 0.2305)
    young_exit_hazard: float = 0.10  # per year, firms younger than young_age_years
    mature_exit_hazard: float = 0.03  # per year
    young_age_years: float = 5.0
    exit_size_elasticity: float = (
        0.5  # hazard scales with (employees / median)^-elasticity; the largest firms almost never exit
    )
    entrant_size: float = 0.2  # start-up employment relative to the industry's median firm (min. one talent agent)
    spinoff_rate: float = 0.004  # per institute-quarter at capability 1
    inward_investment_per_year: float = 12.0  # large inward investments per year (city scale)
    institute_creation_per_year: float = 60.0  # new carriers per year without the plan: 85 observed in 2019 (innovation_and_people.csv) less the 25/yr of policy.tech.new_carriers (calibration/default.yaml fits 69.2)
    relocation_rate: float = 0.01  # per year baseline probability of relocating
    relocation_rent_elasticity: float = 1.0  # hazard scales with (district rent / city mean rent)^elasticity
    location_rent_elasticity: float = 1.5  # logit weight on -log(rent) in location choice
    location_space_weight: float = 1.0  # logit weight on log(free floor space)
    location_cluster_weight: float = 1.0  # logit weight on log(industry presence)
    rewiring_rate: float = 0.02  # per quarter share of supplier links re-chosen
    supplier_distance_km: float = 20.0  # e-folding distance of supplier choice


@dataclass
class GeographyParams:
    rent_growth: float = 0.01  # per quarter trend; Shenzhen industrial rents ~+4%/yr (assumption)
    rent_occupancy_elasticity: float = 0.1  # per quarter rent change per unit of occupancy above target
    base_occupancy: float = 0.9  # city-wide base-year occupancy of floor space available to SEI firms (assumption)
    floor_space_per_worker: float = 30.0  # m2 per employee at base-year rents; R&D office/light industry norm
    space_rent_elasticity: float = 0.3  # floor space per worker ~ (rent / base rent)^-elasticity (assumption)
    floor_space_growth: float = (
        0.03  # per year growth of floor space open to SEI firms (renewal, new building; assumption)
    )


@dataclass
class EconomyParams:
    production: ProductionParams = field(default_factory=ProductionParams)
    innovation: InnovationParams = field(default_factory=InnovationParams)
    labour: LabourParams = field(default_factory=LabourParams)
    finance: FinanceParams = field(default_factory=FinanceParams)
    demography: DemographyParams = field(default_factory=DemographyParams)
    geography: GeographyParams = field(default_factory=GeographyParams)


@dataclass
class CalibrationConfig:
    """Fitted values (group `calibration`): the demand trends; configs/calibration/default.yaml
    also sets the fitted free parameters under ``params`` (experiments/calibrate.py, docs/calibration.md)."""

    name: str = "default"
    # Nominal trend growth of external demand per year by industry, fitted to 2019 VA.
    demand_trend: dict[str, float] = field(default_factory=lambda: {i: 0.10 for i in INDUSTRIES})


# ---------------------------------------------------------------------------------------------
# Targets and ensembles (group `targets`, node `ensemble`); the targets are declared in sim/targets.py
# and explained in docs/targets.md
# ---------------------------------------------------------------------------------------------
@dataclass
class TargetSetting:
    metric: str = ""  # a metric of sim.targets.METRICS
    threshold: float = 0.0  # absolute, or relative to the target's reference year (sim/targets.py)


def _default_target_settings() -> dict[str, TargetSetting]:
    from sim.targets import default_settings

    return default_settings()


@dataclass
class ClusterTargetsConfig:
    measure: str = "output"  # output (产值, the plan's convention for cluster scale) or value_added
    trillion_yuan: float = 1.0e12  # 万亿, yuan/year
    hundred_billion_yuan: float = 1.0e11  # 千亿, yuan/year
    # industry ids, sub-field ids (sim/data/subfields.csv) or the groups 'industries' / 'subfields'
    trillion_clusters: list[str] = field(default_factory=lambda: ["industries", "subfields"])  # advantaged fields
    hundred_billion_clusters: list[str] = field(default_factory=lambda: ["subfields"])  # frontier fields


@dataclass
class ZoneTargetsConfig:
    min_output_yuan: float = 1.0e10  # 百亿, yuan/year of a district x industry zone
    min_local_input_share: float = 0.2  # network purchases / intermediate inputs; full in-city SEI sourcing gives 0.21-0.34 by industry (io_coefficients.csv)


@dataclass
class FirmTargetsConfig:
    global500_revenue_yuan: float = (
        1.5617e11  # Fortune Global 500 2018 entry, USD 23.6 bn x 6.6174 CNY/USD (2018 average)
    )
    large_revenue_yuan: float = 1.0e10  # 百亿 revenue: proxy of an internationally competitive firm (T20-FIRMS)


@dataclass
class InstituteTargetsConfig:
    leading_capability: float = (
        0.95  # capability of a technology-leading institute (1 carrier in 2018; docs/targets.md)
    )


@dataclass
class TargetsConfig:
    name: str = "plan_2018"
    plan_start: str = "2019Q1"  # carriers and projects are counted from this quarter
    clusters: ClusterTargetsConfig = field(default_factory=ClusterTargetsConfig)
    zones: ZoneTargetsConfig = field(default_factory=ZoneTargetsConfig)
    firms: FirmTargetsConfig = field(default_factory=FirmTargetsConfig)
    institutes: InstituteTargetsConfig = field(default_factory=InstituteTargetsConfig)
    settings: dict[str, TargetSetting] = field(default_factory=_default_target_settings)


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


def register_configs() -> None:
    """Register the schema so Hydra validates types and rejects unknown keys."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    if "sim_schema.yaml" in cs.repo:
        return
    cs.store(name="sim_schema", node=SimConfig)


# ---------------------------------------------------------------------------------------------
# Building and validating
# ---------------------------------------------------------------------------------------------
CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"


def compose(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """The project's default config (configs/config.yaml and its groups) with Hydra overrides,
    exactly as ``python -m sim`` composes it (without the ``hydra`` node)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

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
        base = OmegaConf.structured(SimConfig)
        if cfg is None:
            base = OmegaConf.merge(base, OmegaConf.to_container(compose([f"{k}={v}" for k, v in groups.items()])))
        else:
            if groups:
                raise ConfigError(
                    f"config groups {sorted(groups)} can only be chosen when composing the defaults (cfg=None)"
                )
            base = OmegaConf.merge(base, OmegaConf.structured(cfg) if isinstance(cfg, SimConfig) else cfg)
        for k, v in values.items():
            base = OmegaConf.merge(base, _nested(k, v))
        obj = OmegaConf.to_object(base)
    except ConfigError:
        raise
    except Exception as exc:  # omegaconf raises several types; all mean bad input
        raise ConfigError(f"invalid configuration: {exc}") from exc
    assert isinstance(obj, SimConfig)
    validate(obj)
    return obj


def parse_quarter(key: str, text: str) -> tuple[int, int]:
    m = QUARTER_RE.match(str(text))
    if not m:
        raise ConfigError(f"config key '{key}': '{text}' is not a quarter like '2020Q1'")
    return int(m.group(1)), int(m.group(2))


def _check(cond: bool, key: str, msg: str) -> None:
    if not cond:
        raise ConfigError(f"config key '{key}' {msg}")


def _check_numbers(obj: Any, prefix: str) -> None:
    """Every numeric parameter in the params tree must be finite and non-negative."""
    for f in fields(obj):
        v = getattr(obj, f.name)
        key = f"{prefix}.{f.name}"
        if is_dataclass(v):
            _check_numbers(v, key)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            _check(v == v and v >= 0 and v != float("inf"), key, f"must be a finite number >= 0, got {v}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                _check(x >= 0, f"{key}[{i}]", f"must be >= 0, got {x}")


def _check_fractions(obj: Any, prefix: str, names: tuple[str, ...]) -> None:
    for n in names:
        v = getattr(obj, n)
        _check(0 <= v <= 1, f"{prefix}.{n}", f"must be between 0 and 1, got {v}")


def _check_industry_keys(d: dict[str, Any], key: str) -> None:
    for k in d:
        _check(k in INDUSTRIES, f"{key}.{k}", f"names an unknown industry; allowed: {', '.join(INDUSTRIES)}")


def validate(cfg: SimConfig) -> None:
    """Refuse bad input before any work starts, naming the key and the allowed values."""
    s = cfg.scale
    _check(0 < s.firm_fraction <= 1, "scale.firm_fraction", f"must be in (0, 1], got {s.firm_fraction}")
    _check(0 < s.institute_fraction <= 1, "scale.institute_fraction", f"must be in (0, 1], got {s.institute_fraction}")
    _check(
        s.people_per_agent >= 1,
        "scale.people_per_agent",
        f"must be a whole number >= 1 (people), got {s.people_per_agent}",
    )

    sc = cfg.scenario
    _check(
        sc.demand_path in ("history", "steady"),
        "scenario.demand_path",
        f"must be one of: history, steady; got '{sc.demand_path}'",
    )
    _check(2019 <= sc.start_year <= 2035, "scenario.start_year", f"must be between 2019 and 2035, got {sc.start_year}")
    _check(
        sc.end_year >= sc.start_year,
        "scenario.end_year",
        f"must not be before scenario.start_year ({sc.start_year}), got {sc.end_year}",
    )
    _check(sc.end_year <= 2035, "scenario.end_year", f"must be <= 2035, got {sc.end_year}")
    for q, v in sc.quarter_shocks.items():
        y, _ = parse_quarter(f"scenario.quarter_shocks.{q}", q)
        _check(y >= sc.start_year, f"scenario.quarter_shocks.{q}", f"is before the run starts ({sc.start_year})")
        _check(-1 < v < 10, f"scenario.quarter_shocks.{q}", f"must be a level deviation in (-1, 10), got {v}")
    _check_industry_keys(sc.import_availability, "scenario.import_availability")
    for k, v in sc.import_availability.items():
        _check(0 <= v <= 1, f"scenario.import_availability.{k}", f"must be between 0 and 1, got {v}")

    for k, v in sc.rent_multiplier.items():
        _check(
            k in DISTRICTS,
            f"scenario.rent_multiplier.{k}",
            f"names an unknown district; allowed: {', '.join(DISTRICTS)}",
        )
        _check(0 < v <= 100, f"scenario.rent_multiplier.{k}", f"must be a positive multiplier (0, 100], got {v}")

    for y in cfg.output.snapshot_years:
        _check(
            sc.start_year <= y <= sc.end_year,
            "output.snapshot_years",
            f"year {y} is outside the run {sc.start_year}-{sc.end_year}",
        )

    from sim.basedata import load
    from sim.policy.validate import validate_policy

    validate_policy(cfg.policy, sc.start_year, sc.end_year, load().subfield_ids, _check)
    from sim.targets import validate_targets

    validate_targets(cfg.targets, load().subfield_ids, _check)
    _check(cfg.ensemble.size >= 1, "ensemble.size", f"must be a whole number >= 1 (runs), got {cfg.ensemble.size}")
    _check(
        cfg.ensemble.workers >= 0, "ensemble.workers", f"must be >= 0 (0 = one per core), got {cfg.ensemble.workers}"
    )

    _check_industry_keys(cfg.calibration.demand_trend, "calibration.demand_trend")
    missing = [i for i in INDUSTRIES if i not in cfg.calibration.demand_trend]
    _check(not missing, "calibration.demand_trend", f"lacks industries: {', '.join(missing)}")
    for k, v in cfg.calibration.demand_trend.items():
        _check(
            -0.5 < v < 1.0, f"calibration.demand_trend.{k}", f"must be an annual growth rate in (-0.5, 1.0), got {v}"
        )

    p = cfg.params
    _check_numbers(p, "params")
    _check_fractions(p.production, "params.production", ("labour_elasticity", "target_utilisation", "lost_share_rate"))
    _check(p.production.target_utilisation > 0, "params.production.target_utilisation", "must be > 0")
    _check_fractions(
        p.innovation, "params.innovation", ("knowledge_depreciation", "cross_field_proximity", "capability_learning")
    )
    lab = p.labour
    _check_fractions(
        lab,
        "params.labour",
        (
            "match_efficiency",
            "hire_speed",
            "fire_speed",
            "quit_rate",
            "outmigration_unemployed",
            "outmigration_employed",
            "move_probability",
            "training_rate",
            "unemployment_rate",
        ),
    )
    _check(
        len(lab.skill_premium) == 3,
        "params.labour.skill_premium",
        "must list 3 values (technician, professional, senior)",
    )
    _check(
        len(lab.skill_mix) == 3 and abs(sum(lab.skill_mix) - 1) < 1e-6,
        "params.labour.skill_mix",
        f"must list 3 shares summing to 1, got {lab.skill_mix}",
    )
    _check(lab.retirement_age > 25, "params.labour.retirement_age", "must be > 25 years")
    _check_fractions(
        p.finance,
        "params.finance",
        (
            "leverage_cap",
            "initial_leverage",
            "depreciation",
            "payout_ratio",
            "investment_speed",
            "debt_repayment",
            "rd_cost_share",
        ),
    )
    _check(p.finance.leverage_cap < 1, "params.finance.leverage_cap", f"must be below 1, got {p.finance.leverage_cap}")
    _check(
        p.finance.initial_leverage <= p.finance.leverage_cap,
        "params.finance.initial_leverage",
        "must not exceed params.finance.leverage_cap",
    )
    _check_fractions(p.geography, "params.geography", ("base_occupancy",))
    _check_fractions(p.demography, "params.demography", ("rewiring_rate",))
    _check(p.geography.base_occupancy > 0, "params.geography.base_occupancy", "must be > 0")


def as_dict(cfg: SimConfig) -> dict:
    """The config as plain dicts and lists (the same as OmegaConf's container of it, ~500x faster:
    it is hashed for every run's manifest and scorecard)."""
    return asdict(cfg)


__all__ = [
    "SimConfig",
    "ConfigError",
    "to_config",
    "validate",
    "register_configs",
    "parse_quarter",
    "DISTRICTS",
    "INDUSTRIES",
]
