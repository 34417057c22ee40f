"""Parameters of the economy's mechanisms (node `params`), one dataclass per mechanism and one for the
base-year construction; every field declared with its unit, bounds, plausible range and source."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params.init import InitParams
from sim.params.markets import MarketParams, MigrationParams, SpaceParams
from sim.params.populations import PopulationParams
from sim.params.spec import param


@dataclass
class ProductionParams:
    labour_elasticity: float = param(
        0.6, "share", "[0, 1]", "Cobb-Douglas labour share of VA capacity; China's labour share ~0.5-0.6", (0.5, 0.7)
    )
    target_utilisation: float = param(
        0.85, "share", "(0, 1]",
        "utilisation firms plan for (15% headroom; assumption; NBS industrial utilisation ~0.75-0.78 is against engineering capacity)",
        (0.75, 0.9),
    )  # fmt: skip
    share_elasticity: float = param(
        0.10,
        "per quarter",
        "[0, 5]",
        "market-share response to relative TFP gains (replicator dynamics; assumption)",
        (0.05, 0.2),
    )
    lost_share_rate: float = param(
        0.2,
        "share",
        "[0, 1]",
        "share of unmet final demand whose buyers move to rivals next quarter (assumption)",
        (0.1, 0.4),
    )
    rationing_rounds: int = param(
        4,
        "rounds",
        "[1, 50]",
        "at most this many fixed-point rounds of supplier rationing (stops earlier when |d rho| < 1e-3)",
    )
    spot_share: float = param(
        0.85,
        "share",
        "[0, 1]",
        "share of an undelivered input the spot market makes up within the quarter (assumption: Shenzhen's "
        "electronics clusters have dense alternative suppliers and distributors; 0.7 made rationing cascades "
        "leave ~4% of final demand unserved with spare capacity)",
        (0.5, 0.9),
    )
    max_capacity_adjustment: float = param(
        4.0,
        "ratio",
        "[1, 100]",
        "most a firm plans to scale its capacity (labour, capital) in one quarter, x current (assumption)",
    )


@dataclass
class InnovationParams:
    knowledge_depreciation: float = param(
        0.0375, "per quarter", "[0, 1]", "15%/yr R&D capital depreciation (Griliches)", (0.025, 0.05)
    )
    tfp_knowledge_elasticity: float = param(
        0.10, "elasticity", "[0, 1]", "elasticity of TFP to own knowledge; Hall et al. 2010: 0.08-0.12", (0.08, 0.12)
    )
    breakthrough_rate: float = param(
        2.0, "hazard scale", "[0, 100]", "P(breakthrough/q) = 1-exp(-rate * R&D/sales) (assumption)", (1.0, 4.0)
    )
    breakthrough_size: float = param(
        0.04,
        "log TFP",
        "[0, 1]",
        "mean of the exponentially distributed log-TFP jump of a breakthrough (assumption)",
        (0.02, 0.08),
    )
    spillover_rate: float = param(
        0.002,
        "per quarter",
        "[0, 1]",
        "share of the reachable pool absorbed; gives spillovers ~0.3 of own R&D at base",
        (0.001, 0.004),
    )
    spillover_distance_km: float = param(
        15.0, "km", "[0, 1000]", "e-folding distance of knowledge spillovers; Jaffe et al. localisation", (5.0, 30.0)
    )
    cross_field_proximity: float = param(
        0.2, "weight", "[0, 1]", "spillover weight between different industries (1 within; assumption)", (0.1, 0.4)
    )
    public_knowledge_weight: float = param(
        3.0,
        "weight",
        "[0, 100]",
        "weight of institute knowledge in the spillover pool (open science; firm knowledge partly appropriated; assumption)",
        (1.0, 5.0),
    )
    institute_knowledge_per_yuan: float = param(
        1.0,
        "knowledge/yuan",
        "[0, 100]",
        "knowledge units per yuan of institute budget at capability 1 (the unit of knowledge)",
    )
    capability_learning: float = param(
        0.01, "per quarter", "[0, 1]", "convergence of institute capability to 1 (assumption)", (0.005, 0.02)
    )
    institute_budget_growth: float = param(
        0.015, "per quarter", "[-0.1, 0.1]", "~6%/yr growth of public research budgets", (0.01, 0.02)
    )
    capability_range: list[float] = param(
        [0.02, 0.99], "capability", "[0, 1]", "floor and ceiling of an institute's capability index at creation"
    )
    new_institute_capability_gap: float = param(
        0.1,
        "capability",
        "[0, 1]",
        "a new carrier starts this far below its type's mean capability (assumption: it has to learn)",
    )


@dataclass
class LabourParams:
    match_efficiency: float = param(
        0.7,
        "share",
        "[0, 1]",
        "share of min(unemployed, vacancies) matched per quarter in a cell (assumption)",
        (0.5, 0.9),
    )
    cross_field_match_efficiency: float = param(
        0.5,
        "x match_efficiency",
        "[0, 1]",
        "relative efficiency of matching across fields within a district (assumption: skills transfer in part)",
        (0.25, 0.75),
    )
    hire_speed: float = param(
        1.0, "share", "[0, 1]", "share of the labour gap (incl. replacing leavers) opened as vacancies per quarter"
    )
    fire_speed: float = param(
        0.25, "share", "[0, 1]", "share of excess labour laid off per quarter (firing costs; assumption)", (0.1, 0.5)
    )
    quit_rate: float = param(
        0.02, "per quarter", "[0, 1]", "voluntary separations into unemployment (assumption)", (0.01, 0.04)
    )
    wage_unemployment_response: float = param(
        0.25,
        "per quarter per unit rate",
        "[0, 10]",
        "fall of quarterly wage growth per unit of (cell unemployment rate - base rate); wage curve (Blanchflower & Oswald)",
        (0.1, 0.5),
    )
    max_wage_change: list[float] = param(
        [-0.05, 0.10],
        "per quarter",
        "[-1, 1]",
        "floor and ceiling of a cell's quarterly wage change (assumption: nominal wages are sticky)",
    )
    base_wage: float = param(
        30_000.0, "yuan/person/quarter", "(0, inf)", "skill 1 in 2018; Shenzhen average wage ~111,700 yuan/yr"
    )
    skill_premium: list[float] = param(
        [0.75, 1.0, 2.5], "x base wage", "[0, 100]", "technician, professional, senior (assumption)"
    )
    skill_mix: list[float] = param(
        [0.55, 0.38, 0.07], "share", "[0, 1]", "base-year shares by skill (assumption); sums to 1"
    )
    institute_skill_mix: list[float] = param(
        [0.0, 0.7, 0.3],
        "share",
        "[0, 1]",
        "skill shares of institute staff at the base year (researchers are professionals or seniors; assumption)",
    )
    inmigration_response: float = param(
        0.5,
        "people per unfilled vacancy",
        "[0, 10]",
        "in-migrants per unfilled vacancy per quarter (Harris-Todaro; assumption)",
        (0.2, 1.0),
    )
    inflow_base: float = param(
        0.01,
        "per quarter",
        "[0, 1]",
        "graduates + migrants as share of talent stock (calibration/default.yaml fits it)",
        (0.003, 0.02),
    )
    inflow_age: list[float] = param(
        [22.0, 2.0, 3.0],
        "years",
        "[0, 100]",
        "age of arriving talent: minimum, gamma shape, gamma scale (graduates and young migrants; assumption)",
    )
    outmigration_unemployed: float = param(
        0.10, "per quarter", "[0, 1]", "out-migration of the unemployed (assumption)", (0.05, 0.2)
    )
    outmigration_employed: float = param(
        0.005, "per quarter", "[0, 1]", "out-migration of the employed (assumption)", (0.0025, 0.01)
    )
    retirement_age: float = param(60.0, "years", "(25, 100]", "China's statutory retirement age for men")
    move_probability: float = param(
        0.3, "per quarter", "[0, 1]", "unemployed searching in another district (assumption)", (0.1, 0.5)
    )
    move_distance_km: float = param(
        20.0, "km", "[0, 1000]", "e-folding distance of within-city moves (assumption)", (10.0, 40.0)
    )
    training_rate: float = param(
        0.01, "per quarter", "[0, 1]", "on-the-job skill upgrade of employed technicians (assumption)", (0.005, 0.02)
    )
    unemployment_rate: float = param(
        0.04, "share", "[0, 1)", "base-year share of talent without an employer (urban surveyed unemployment ~4-5%)"
    )


@dataclass
class FinanceParams:
    interest_rate: float = param(
        0.0535, "per year", "[0, 0.5]", "PBoC 1-yr benchmark 4.35% (2015-19) + 1 pt spread", (0.04, 0.07)
    )
    leverage_cap: float = param(
        0.6, "share of capital", "[0, 1)", "debt limit (collateral constraint; assumption)", (0.4, 0.7)
    )
    initial_leverage: float = param(0.3, "share of capital", "[0, 1)", "base-year debt / capital (assumption)")
    max_leverage: float = param(
        0.95, "share of capital", "[0, 1)", "ceiling on the borrowing limit whatever the policy support (assumption)"
    )
    depreciation: float = param(
        0.02, "per quarter", "[0, 1]", "~8%/yr for an equipment and structures mix", (0.015, 0.025)
    )
    payout_ratio: float = param(0.3, "share", "[0, 1]", "share of positive profit paid out (assumption)", (0.2, 0.5))
    investment_speed: float = param(
        0.1,
        "per quarter",
        "[0, 1]",
        "share of the capital gap closed (time to build: ~35%/yr; assumption)",
        (0.05, 0.2),
    )
    debt_repayment: float = param(0.025, "per quarter", "[0, 1]", "10-year amortisation")
    cash_buffer_quarters: float = param(
        1.0, "quarters", "[0, 20]", "cash kept back, in quarters of wage + rent bill (assumption)"
    )
    rd_cost_share: float = param(
        0.5, "share", "[0, 1]", "share of R&D spending that is not already in the wage bill (assumption)"
    )


@dataclass
class DemographyParams(PopulationParams):
    """Exit, entry, relocation and rewiring (entry_rate and certification: sim.params.populations)."""

    young_exit_hazard: float = param(
        0.10,
        "per year",
        "[0, 1]",
        "firms younger than young_age_years (Haltiwanger et al. 2013 order of magnitude)",
        (0.05, 0.15),
    )
    mature_exit_hazard: float = param(0.03, "per year", "[0, 1]", "older firms (same source)", (0.02, 0.05))
    young_age_years: float = param(5.0, "years", "[0, 50]", "age below which a firm is young")
    exit_size_elasticity: float = param(
        0.5,
        "elasticity",
        "[0, 5]",
        "hazard scales with (employees / median)^-elasticity; the largest firms almost never exit (assumption)",
        (0.25, 1.0),
    )
    exit_size_factor_bounds: list[float] = param(
        [0.02, 3.0], "x hazard", "[0, 100]", "floor and ceiling of the size factor of the exit hazard (assumption)"
    )
    max_exit_hazard: float = param(0.9, "per year", "[0, 1]", "ceiling on any firm's annual exit hazard")
    entrant_size: float = param(
        0.2,
        "x median firm",
        "[0, 10]",
        "start-up employment relative to the industry's median firm (min. one talent agent; assumption)",
        (0.1, 0.4),
    )
    inward_size_quantile: float = param(
        0.97,
        "quantile",
        "[0, 1]",
        "employment quantile of its industry a large inward investment starts at (assumption)",
    )
    entrant_tfp_gap: float = param(
        -0.1,
        "log TFP",
        "[-2, 2]",
        "mean log TFP of an entrant against its industry's mean (learning by doing; assumption)",
    )
    entrant_tfp_sd: float = param(0.3, "log TFP", "[0, 2]", "dispersion of entrants' log TFP (assumption)")
    spinoff_tfp_premium: float = param(
        0.1, "log TFP", "[-2, 2]", "extra log TFP of an institute spin-off (it takes its technology; assumption)"
    )
    entrant_rd_sd: float = param(0.5, "log", "[0, 3]", "dispersion of entrants' R&D intensity (log-normal; assumption)")
    spinoff_rd_multiplier: float = param(
        2.0, "x industry R&D intensity", "[0, 10]", "spin-offs are research-intensive (assumption)"
    )
    entrant_cash_quarters: float = param(
        4.0, "quarters of wage bill", "[0, 40]", "founders' and investors' start-up cash (assumption)"
    )
    spinoff_rate: float = param(
        0.004, "per institute-quarter", "[0, 1]", "at capability 1 (assumption)", (0.002, 0.008)
    )
    inward_investment_per_year: float = param(
        12.0, "firms/year", "[0, 1000]", "large inward investments (city scale; assumption)", (6.0, 24.0)
    )
    institute_creation_per_year: float = param(
        60.0, "carriers/year", "[0, 10000]",
        "new carriers without the plan: 85 observed in 2019 (innovation_and_people.csv) less the 25/yr of policy.tech.new_carriers (calibration/default.yaml fits it)",
        (20.0, 120.0),
    )  # fmt: skip
    relocation_rate: float = param(
        0.01, "per year", "[0, 1]", "baseline probability of relocating (assumption)", (0.005, 0.02)
    )
    max_relocation_hazard: float = param(0.5, "per quarter", "[0, 1]", "ceiling on a firm's relocation hazard")
    relocation_rent_elasticity: float = param(
        1.0,
        "elasticity",
        "[0, 10]",
        "hazard scales with (district rent / city mean rent)^elasticity (assumption)",
        (0.5, 2.0),
    )
    location_rent_elasticity: float = param(
        1.5, "logit weight", "[0, 10]", "weight on -log(rent) in location choice (assumption)", (1.0, 2.0)
    )
    location_space_weight: float = param(
        1.0, "logit weight", "[0, 10]", "weight on log(free floor space) (assumption)", (0.5, 1.5)
    )
    location_cluster_weight: float = param(
        1.0, "logit weight", "[0, 10]", "weight on log(industry presence) (agglomeration; assumption)", (0.5, 1.5)
    )
    rewiring_rate: float = param(
        0.02, "per quarter", "[0, 1]", "share of supplier links re-chosen (assumption)", (0.01, 0.05)
    )
    supplier_distance_km: float = param(
        20.0, "km", "[0, 1000]", "e-folding distance of supplier choice (assumption)", (10.0, 40.0)
    )


@dataclass
class GeographyParams:
    rent_growth: float = param(
        0.01, "per quarter", "[-0.1, 0.1]", "trend; Shenzhen industrial rents ~+4%/yr (assumption)", (0.005, 0.015)
    )
    rent_occupancy_elasticity: float = param(
        0.1,
        "per quarter per unit occupancy",
        "[0, 10]",
        "rent change per unit of occupancy above target (assumption)",
        (0.05, 0.2),
    )
    max_rent_change: list[float] = param(
        [-0.2, 0.25],
        "per quarter",
        "[-1, 1]",
        "floor and ceiling of a district's quarterly rent change (leases are sticky; assumption)",
    )
    base_occupancy: float = param(
        0.9,
        "share",
        "(0, 1]",
        "city-wide base-year occupancy of floor space available to SEI firms (assumption)",
        (0.85, 0.95),
    )
    max_district_occupancy: float = param(
        0.97, "share", "(0, 1]", "a district's base-year occupancy never exceeds this (frictional vacancy; assumption)"
    )
    floor_space_per_worker: float = param(
        30.0, "m2/person", "(0, 1000]", "at base-year rents; R&D office/light industry norm", (20.0, 40.0)
    )
    space_rent_elasticity: float = param(
        0.3, "elasticity", "[0, 5]", "floor space per worker ~ (rent / base rent)^-elasticity (assumption)", (0.1, 0.5)
    )
    floor_space_growth: float = param(
        0.03,
        "per year",
        "[-0.5, 1]",
        "growth of floor space open to SEI firms (renewal, new building; assumption)",
        (0.01, 0.05),
    )


@dataclass
class EconomyParams:
    production: ProductionParams = field(default_factory=ProductionParams)
    innovation: InnovationParams = field(default_factory=InnovationParams)
    labour: LabourParams = field(default_factory=LabourParams)
    finance: FinanceParams = field(default_factory=FinanceParams)
    demography: DemographyParams = field(default_factory=DemographyParams)
    geography: GeographyParams = field(default_factory=GeographyParams)
    market: MarketParams = field(default_factory=MarketParams)
    migration: MigrationParams = field(default_factory=MigrationParams)
    space: SpaceParams = field(default_factory=SpaceParams)
    init: InitParams = field(default_factory=InitParams)
