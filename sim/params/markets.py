"""Parameters of the demand, price, migration and floor-space markets (node `params.market`,
`params.migration`, `params.space`): the demand-bound core of issue 12 (docs/ODD.md, docs/evidence.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params.spec import param


@dataclass
class MarketParams:
    """Shenzhen's share of each industry's national-plus-export market and the prices it sells at."""

    price_elasticity: float = param(
        2.0,
        "elasticity",
        "[0, 20]",
        "long-run elasticity of Shenzhen's market share to its relative price (Armington); macro trade "
        "elasticities ~1-2, micro ~3-5 (Feenstra et al. 2018; Imbs & Mejean 2015)",
        (1.0, 4.0),
    )
    share_adjustment: float = param(
        0.15,
        "per quarter",
        "(0, 1]",
        "share of the gap to the competitive share closed per quarter (buyers switch slowly; "
        "partial adjustment, assumption: half-life ~1 year)",
        (0.08, 0.3),
    )
    edge_catch_up: float = param(
        0.05,
        "per year",
        "[0, 1]",
        "rate at which the rest of China catches up with Shenzhen's non-price edge (imitation; regional "
        "convergence 2-10%/yr, Barro & Sala-i-Martin 1992)",
        (0.0, 0.15),
    )
    lost_share_rate: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of an industry's unserved final demand whose buyers turn to suppliers outside the city "
        "(log share lost per unit of unserved share; assumption)",
        (0.25, 0.75),
    )
    cost_pass_through: float = param(
        0.7,
        "elasticity",
        "[0, 1]",
        "pass-through of relative unit labour cost to the relative output price; 0.6-0.8 for "
        "manufacturers (Amiti, Itskhoki & Konings 2019)",
        (0.5, 0.9),
    )
    cost_smoothing: float = param(
        0.25,
        "per quarter",
        "(0, 1]",
        "weight of this quarter's unit labour cost in the smoothed cost that prices follow (prices are "
        "revised about once a year; assumption)",
    )
    wage_cpi_indexation: float = param(
        0.6,
        "share",
        "[0, 1]",
        "weight of consumer prices (vs the industry's output price) in wage indexation (assumption: wages "
        "follow living costs more than output prices)",
        (0.3, 0.9),
    )
    wage_productivity_pass: float = param(
        0.8,
        "elasticity",
        "[0, 1.5]",
        "pass-through of national labour productivity growth (real GDP; a flat labour force) to Shenzhen "
        "wages: migrants' outside option ties the city's wages to the nation's; ~1 in the long run, "
        "0.6-0.9 over a few years (Meager & Speckesser 2011; Bivens & Mishel 2015)",
        (0.6, 1.0),
    )
    capital_deepening_speed: float = param(
        0.1,
        "per quarter",
        "[0, 1]",
        "share of the log gap to the cost-minimising capital per worker (k* ~ wage / price of capital) that "
        "firms' hiring and investment plans close per quarter (assumption: half-life ~1.5 years)",
        (0.05, 0.2),
    )
    productivity_smoothing: float = param(
        0.25, "per quarter", "(0, 1]", "weight of this quarter in the smoothed productivity growth wages follow"
    )


@dataclass
class MigrationParams:
    """Arrivals of graduates and migrants, bounded by housing (sim.economy.migration)."""

    wage_elasticity: float = param(
        1.5,
        "elasticity",
        "[0, 10]",
        "arrivals ~ (Shenzhen wage / national wage, relative to base)^e; internal-migration wage "
        "elasticities 1-2 (Tombe & Zhu 2019)",
        (0.5, 3.0),
    )
    housing_elasticity: float = param(
        -2.0,
        "elasticity",
        "[-20, 0]",
        "arrivals ~ (people per dwelling, relative to base)^e; tighter housing deters migrants "
        "(Garriga et al. 2023 on Chinese housing and migration; assumption for the size)",
        (-4.0, -0.5),
    )
    max_vacancy_share: float = param(
        0.005,
        "per quarter",
        "[0, 1]",
        "most extra migrants unfilled vacancies pull in a quarter, as a share of the cell's talent stock "
        "(assumption: job search from outside the city is slow)",
        (0.002, 0.01),
    )
    housing_growth: float = param(
        0.009,
        "per quarter",
        "[-0.1, 0.1]",
        "growth of the housing stock open to the SEI workforce; Shenzhen's resident population grew "
        "~3.5-5%/yr 2015-19 with urban-village renewal (innovation_and_people.csv; assumption)",
        (0.005, 0.012),
    )


@dataclass
class SpaceParams:
    """Private supply of industrial floor space (sim.economy.space_supply)."""

    rent_elasticity: float = param(
        1.0,
        "elasticity",
        "[0, 10]",
        "private additions ~ (rent seen `lag` quarters ago / base rent)^e; housing-supply elasticities "
        "in Chinese cities ~0.5-2 (Wang, Chan & Xu 2012)",
        (0.5, 2.0),
    )
    lag: int = param(4, "quarters", "[1, 40]", "construction lag between the rent developers see and new space")
    crowd_out: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of public floor space (land release, parks) that private developers would have built "
        "anyway (assumption; docs/evidence.md)",
        (0.2, 0.8),
    )
    capacity_multiple: float = param(
        1.6,
        "x base floor space",
        "(1, 10]",
        "developable industrial floor space open to SEI firms, x the base year's (973.5 km2 developable "
        "land, ~50% developed; urban renewal; assumption)",
        (1.3, 2.0),
    )
