"""Parameters of the model, one declaration each: default, unit, allowed bounds, plausible range, source.

A leaf package (it imports only sim.ids and sim.errors): the mechanisms of sim.economy and the
kernel read these dataclasses, and sim.config composes them into the run config. Every number that
shapes results is declared with ``param(...)`` (sim.params.spec); the declaration is what
validation checks (``check_params``), what docs/ODD.md lists (``python -m sim.params``) and what the
sensitivity analysis can vary (the ``plausible`` range; experiments/freeparams.py).
"""

from sim.params.economy import (
    DemographyParams,
    EconomyParams,
    FinanceParams,
    GeographyParams,
    InnovationParams,
    LabourParams,
    ProductionParams,
)
from sim.params.init import InitParams
from sim.params.markets import MarketParams, MigrationParams, SpaceParams
from sim.params.run import CalibrationConfig, ScaleConfig, ScenarioConfig, ShockConfig
from sim.params.spec import Spec, check_params, param, specs, warn_implausible
from sim.params.table import markdown_table

__all__ = [
    "CalibrationConfig",
    "DemographyParams",
    "EconomyParams",
    "FinanceParams",
    "GeographyParams",
    "InitParams",
    "InnovationParams",
    "LabourParams",
    "MarketParams",
    "MigrationParams",
    "ProductionParams",
    "ScaleConfig",
    "ScenarioConfig",
    "ShockConfig",
    "SpaceParams",
    "Spec",
    "check_params",
    "markdown_table",
    "param",
    "specs",
    "warn_implausible",
]
