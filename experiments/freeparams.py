"""The model's free parameters, declared in one place: key, range, unit, reason, and what fits them.

A *free parameter* is a mechanism parameter whose value is genuinely uncertain (no statistic pins
it; a literature range at best). Each is a dotted config key accepted by
``sim.config.to_config(None, **overrides(...))`` and by the command line (``params.x.y=v``).

Roles (docs/calibration.md):

- ``moment`` non-empty: the parameter is fitted by experiments/calibrate.py (method of simulated
  moments on 2016-2019) and those moments identify it.
- ``moment`` empty: uncertain, but not identified by the 2016-2019 data (its effect on value added
  is absorbed by the edges, see below). It stays at its default
  and its range is for sensitivity analysis (Sobol / Morris) only.

Shenzhen's non-price edges ``calibration.share_trend.<IND>`` are fitted jointly with them (declared
in ``EDGES``): experiments/calibrate.py fits all of them to the 2016-2019 moments by simulated
moments, over-identified.

``python -m experiments.freeparams --markdown`` prints the table of docs/calibration.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, is_dataclass
from functools import reduce

from sim.errors import ConfigError
from sim.ids import INDUSTRIES
from sim.params import CalibrationConfig, EconomyParams, specs


@dataclass(frozen=True)
class FreeParam:
    """One uncertain parameter.

    key: dotted config key (``params.<mechanism>.<name>``); low, high: the plausible range, in
    ``unit``; why: the source or reasoning of the range; moment: id of the calibration moment
    (experiments/calibrate.py) that identifies it, or "" if it is only varied in sensitivity
    analysis.
    """

    key: str
    low: float
    high: float
    unit: str
    why: str
    moment: str = ""

    @property
    def calibrated(self) -> bool:
        """True if experiments/calibrate.py fits it."""
        return bool(self.moment)

    @property
    def schema_default(self) -> float:
        """The value in the typed config (sim/config.py) before any calibration yaml is applied."""
        return schema_default(self.key)

    def check(self, value: float) -> float:
        """``value`` as a float, or ConfigError naming the key and the allowed range."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"free parameter '{self.key}': {value!r} is not a number; allowed range [{self.low:g}, {self.high:g}] {self.unit}"
            ) from None
        if not (self.low <= v <= self.high):
            raise ConfigError(
                f"free parameter '{self.key}' = {v:g} is outside its allowed range [{self.low:g}, {self.high:g}] {self.unit}"
            )
        return v


def schema_default(key: str) -> float:
    """Default of a dotted ``params.*`` or ``calibration.share_trend.*`` key in sim/config.py."""
    parts = key.split(".")
    if parts[0] == "params":
        obj = reduce(getattr, parts[1:], EconomyParams())
        if is_dataclass(obj):
            raise KeyError(key)
        return float(obj)
    if parts[:2] == ["calibration", "share_trend"] and len(parts) == 3:
        return float(CalibrationConfig().share_trend[parts[2]])
    raise KeyError(key)


FREE_PARAMS: tuple[FreeParam, ...] = (
    # --- fitted (outer search of experiments/calibrate.py) ------------------------------------
    FreeParam(
        "params.demography.entry_rate",
        0.10,
        0.40,
        "per year (per firm the market supports)",
        "start-ups feed the pool of uncertified firms that certification draws on; the certified count "
        "rose 14,400 -> 17,000 (+18%) in 2019 (innovation_and_people.csv); the cross-country entry "
        "rates (5-20%/yr, Bartelsman et al. 2005) are a second moment, so the range is wide",
        moment="high_tech_enterprises_2016-2019, entry_rate_2016-2019",
    ),
    FreeParam(
        "params.demography.cert_hazard",
        0.20,
        0.70,
        "per year",
        "certification of an eligible uncertified firm in 2018; the certified count rose 4,742 -> 17,000 in "
        "2015-2019, under the 2016 recognition rules and the city's certification rewards; with fewer "
        "start-ups more of that rise comes from certifying existing firms",
        moment="high_tech_enterprises_2016-2019",
    ),
    FreeParam(
        "params.demography.cert_hazard_trend",
        -0.20,
        0.60,
        "log change per year",
        "the certified count rose by about the same number each year (+3,300, +3,200, +3,170, +2,600 in "
        "2016-2019), where a constant hazard on the 2015 pool front-loads the rise; a rising hazard stands for "
        "a growing certification push (assumption; identified by the counts' shape only)",
        moment="high_tech_enterprises_2016-2019",
    ),
    FreeParam(
        "params.demography.institute_creation_per_year",
        20.0,
        120.0,
        "carriers per year (city scale)",
        "new innovation carriers without the plan's own 25/yr: 85 created in 2019, 189 in 2018, 195 in "
        "2017 (innovation_and_people.csv); the 2019 scope changed, so a wide range",
        moment="carriers_new_2018",
    ),
    FreeParam(
        "params.labour.inflow_base",
        0.003,
        0.020,
        "per quarter (share of talent stock)",
        "graduates and migrants entering SEI talent; resident population grew 3.2% in 2019 "
        "(1302.66 -> 1343.88 x 10k) and 3.9-5.0%/yr in 2016-18; 0.3-2%/quarter brackets 1-8%/yr",
        moment="population_growth_2016-2019",
    ),
    # --- uncertain, not identified by the 2019 data (sensitivity analysis only) ----------------
    FreeParam(
        "params.labour.inmigration_response",
        0.1,
        1.0,
        "migrants per unfilled vacancy",
        "Harris-Todaro response; no Shenzhen estimate; moves talent growth together with inflow_base "
        "(only their sum is identified by one growth moment), so held at 0.5",
    ),
    FreeParam(
        "params.demography.mature_exit_hazard",
        0.01,
        0.06,
        "per year",
        "exit hazard of firms older than 5 years; Chinese firm-level studies report ~2-6%/yr for "
        "established manufacturing firms (assumption); only net firm growth is observed, so entry "
        "is fitted and this is held",
    ),
    FreeParam(
        "params.demography.young_exit_hazard",
        0.05,
        0.20,
        "per year",
        "exit hazard of firms younger than 5 years; start-up survival ~50-70% after 5 years "
        "(assumption); same identification problem as mature_exit_hazard",
    ),
    FreeParam(
        "params.innovation.tfp_knowledge_elasticity",
        0.06,
        0.14,
        "dimensionless",
        "elasticity of TFP to own R&D capital; Hall, Mairesse & Mohnen (2010) survey ~0.08-0.12, "
        "widened; its effect on 2019 VA is absorbed by the calibrated non-price edges",
    ),
    FreeParam(
        "params.innovation.spillover_rate",
        0.001,
        0.004,
        "per quarter (share of reachable pool)",
        "calibrated so spillovers are ~0.3 of own R&D at base; half to double that share",
    ),
    FreeParam(
        "params.innovation.breakthrough_rate",
        1.0,
        4.0,
        "hazard per unit R&D/sales per quarter",
        "no data on breakthroughs; half to double the default",
    ),
    FreeParam(
        "params.production.share_elasticity",
        0.05,
        0.20,
        "per quarter per unit relative TFP gain",
        "replicator speed of market shares; no Shenzhen estimate, half to double the default",
    ),
    FreeParam(
        "params.finance.investment_speed",
        0.05,
        0.20,
        "per quarter (share of capital gap)",
        "time to build: 19-59% of the gap closed per year; half to double the default",
    ),
    FreeParam(
        "params.labour.outmigration_unemployed",
        0.05,
        0.20,
        "per quarter",
        "unemployed talent leaving the city; no data, half to double the default",
    ),
    # the floor-space assumptions that bound growth in this model (docs/ODD.md §8: the plan's
    # effect runs mostly through the space levers, so these come first in sensitivity analysis)
    FreeParam(
        "params.geography.floor_space_growth",
        0.01,
        0.06,
        "per year",
        "growth of the floor space open to SEI firms by urban renewal and new building (assumption "
        "0.03); Shenzhen's industrial land is nearly fully built, so 1-6%/yr",
    ),
    FreeParam(
        "params.geography.base_occupancy",
        0.80,
        0.97,
        "share of floor space used in 2018",
        "city-wide occupancy of the space open to SEI firms (assumption 0.9); industrial vacancy "
        "rates of 3-20% are reported for Shenzhen parks",
    ),
    FreeParam(
        "params.geography.space_rent_elasticity",
        0.1,
        0.6,
        "dimensionless",
        "how far firms economise on space per worker when rents rise (assumption 0.3); no estimate, "
        "a third to double the default",
    ),
)

# Shenzhen's non-price edge by industry, fitted with the others (docs/calibration.md)
EDGES: tuple[FreeParam, ...] = tuple(
    FreeParam(
        f"calibration.share_trend.{i}",
        -0.10,
        0.50,
        "log points of market share per year (2016)",
        "the yearly share gain Shenzhen's non-price edge brings; identified by the industry's value-added "
        "path 2016-2019 and its 2019 level (sei_value_added.csv)",
        moment=f"va_2019_{i}",
    )
    for i in INDUSTRIES
)


def declared_params() -> tuple[FreeParam, ...]:
    """Every other mechanism parameter whose declaration (sim.params) gives a plausible range: not
    fitted, varied only by the sensitivity analysis (``--factors declared``)."""
    known = {p.key for p in FREE_PARAMS}
    return tuple(
        FreeParam(key, float(spec.plausible[0]), float(spec.plausible[1]), spec.unit, spec.source)
        for key, spec, value in specs(EconomyParams(), "params")
        if spec.plausible is not None and key not in known and isinstance(value, float)
    )


DECLARED: tuple[FreeParam, ...] = declared_params()
_BY_KEY: dict[str, FreeParam] = {p.key: p for p in FREE_PARAMS + EDGES + DECLARED}


def free_param(key: str) -> FreeParam:
    """The declaration of ``key``; ConfigError listing the known keys if it is not free."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ConfigError(f"'{key}' is not a declared free parameter; known: {', '.join(_BY_KEY)}") from None


def calibrated_params() -> tuple[FreeParam, ...]:
    """The free parameters fitted by the outer search of experiments/calibrate.py."""
    return tuple(p for p in FREE_PARAMS if p.calibrated)


def overrides(values: Mapping[str, float]) -> dict[str, float]:
    """Validated ``{dotted key: value}`` for ``to_config(None, **overrides(values))``.

    Every key must be a declared free parameter (FREE_PARAMS or EDGES) and every value
    inside its range; otherwise ConfigError names the key and the allowed range.
    """
    return {k: free_param(k).check(v) for k, v in values.items()}


def markdown_table(params: tuple[FreeParam, ...] = FREE_PARAMS) -> str:
    """The free-parameter table of docs/calibration.md (default = value in sim/config.py)."""
    rows = [
        "| key | sim/config.py default | low | high | unit | fitted to | why this range |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in params:
        rows.append(
            f"| `{p.key}` | {p.schema_default:g} | {p.low:g} | {p.high:g} | {p.unit} | "
            f"{('`' + p.moment + '`') if p.moment else 'sensitivity only'} | {p.why} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="The model's free parameters")
    ap.add_argument("--markdown", action="store_true", help="print the markdown table of docs/calibration.md")
    a = ap.parse_args(argv)
    if a.markdown:
        print(markdown_table())
    else:
        for p in FREE_PARAMS:
            print(f"{p.key:50s} [{p.low:g}, {p.high:g}] {p.unit}  default {p.schema_default:g}  {p.moment or '-'}")


if __name__ == "__main__":
    main()

__all__ = [
    "FreeParam",
    "FREE_PARAMS",
    "EDGES",
    "free_param",
    "overrides",
    "calibrated_params",
    "markdown_table",
    "schema_default",
]
