"""Scale, scenario and calibration nodes of the run config (groups `scale`, `scenario`, `calibration`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.ids import INDUSTRIES
from sim.params.spec import param


@dataclass
class ScaleConfig:
    """How many agents stand for the city: firm and institute sampling, people per talent agent."""

    name: str = "city"
    firm_fraction: float = param(
        1.0, "share", "(0, 1]", "share of the recorded firm population represented (1 = one agent per firm)"
    )
    institute_fraction: float = param(1.0, "share", "(0, 1]", "share of the ~1,877 innovation carriers represented")
    people_per_agent: int = param(25, "people", "[1, inf)", "people per talent super-individual")
    talent_handles: bool = False  # also give every talent row a Mesa agent handle (costly at city scale)


@dataclass
class ShockConfig:
    """One shock of ``scenario.shocks``: a level deviation of final demand and/or of capacity of the
    firms it hits, and/or a cut of their imported inputs, from quarter ``start`` to ``end`` inclusive.
    Overlapping shocks multiply. Presets: configs/shocks/ (docs/shocks.md)."""

    name: str = ""
    start: str = ""  # first quarter hit, e.g. "2020Q1"
    end: str = ""  # last quarter hit, inclusive
    industries: list[str] = field(default_factory=list)  # industry ids hit; empty = all
    districts: list[str] = field(default_factory=list)  # district ids hit; empty = all
    demand: float = 0.0  # level deviation of the hit firms' final demand, e.g. -0.10
    supply: float = 0.0  # level deviation of the hit firms' production capacity, e.g. -0.15
    # Share (0-1) of imported intermediate inputs still available to the hit industries (None: no cut).
    import_availability: float | None = None


@dataclass
class ScenarioConfig:
    """Exogenous environment: the demand path and the simulated period."""

    name: str = "history"
    demand_path: str = "history"  # 'history' (national_drivers.csv by year) or 'steady' (2015-2019 means)
    start_year: int = 2019  # first simulated year (the base year is the one before)
    end_year: int = 2025  # last simulated year, inclusive
    # Temporary multiplicative deviations of external demand by quarter, e.g. {"2020Q1": -0.10}.
    quarter_shocks: dict[str, float] = field(default_factory=dict)
    # Availability (0-1) of imported inputs by industry, e.g. {"IND-IT": 0.7} for a chip cut.
    import_availability: dict[str, float] = field(default_factory=dict)
    # Multiplier of base-year industrial rent by district, e.g. {"nanshan": 1.5}.
    rent_multiplier: dict[str, float] = field(default_factory=dict)
    # Shocks as data (ShockConfig) that an analyst adds (configs/shocks/ presets); empty by default.
    shocks: list[ShockConfig] = field(default_factory=list)
    # Dated events of the scenario's own history, applied like shocks (history: the US entity list
    # and chip rules on electronic information and equipment); kept apart so presets add to them.
    events: list[ShockConfig] = field(default_factory=list)


@dataclass
class CalibrationConfig:
    """Fitted values (group `calibration`): the demand trends; configs/calibration/default.yaml
    also sets the fitted free parameters under ``params`` (experiments/calibrate.py, docs/calibration.md)."""

    name: str = "default"
    # Shenzhen's non-price edge by industry: the yearly gain of market share it brings at the base
    # (log points per year, eroded by params.market.edge_catch_up); fitted to 2016-2019 value added.
    share_trend: dict[str, float] = field(default_factory=lambda: {i: 0.02 for i in INDUSTRIES})
