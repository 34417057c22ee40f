"""Market-access levers (四.四): first purchase and first use of new products (M-ACCESS-3 首购首用),
first-set risk compensation (M-ACCESS-3 首台套, with civil-military integration), and regulatory
pilot zones (M-ACCESS-1, M-ACCESS-2: Pingshan driverless demonstration zone, Dapeng life-and-health
test zone; M-ACCESS-4: the laws, ethics and safety rules that let those trials run).

"New products" are those of firms with a recent breakthrough: ``firms.last_breakthrough`` holds the
quarter index of a firm's last breakthrough and ``world.quarter`` the current one; the policy phase
runs before this quarter's innovation, so "recent" means within the last ``recent_quarters``
completed quarters. Money in yuan (budgets per year); counts are at city scale and scaled by
scale.firm_fraction (an agent then stands for 1/firm_fraction firms, so per-firm amounts are
divided by it and the yuan totals do not depend on the scale).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.targeting import Targeting


def recent_breakthrough(ctx: PolicyContext, quarters: int) -> np.ndarray:
    f = ctx.world.firms
    return f.alive & (ctx.world.quarter - f.last_breakthrough.astype(np.int64) <= quarters)


# ---------------------------------------------------------------------------------------------
# M-ACCESS-3: first purchase and first use (首购首用)
# ---------------------------------------------------------------------------------------------
@dataclass
class FirstPurchaseConfig(LeverConfig):
    """Public procurement of new products (M-ACCESS-3, 首购首用): public buyers place orders with
    firms that have a recent breakthrough. Orders go to the winners of a call (firms list their
    products in the city's catalogue of innovative products: ``application_rate``), ranked by the
    firm's TFP gain since entry; an order is at most ``max_order`` and at most
    ``max_capacity_share`` of the firm's capacity (a public buyer does not order more than a firm
    can make). Orders add to the firm's final demand this quarter (public_demand); the order value
    is booked as spending."""

    budget: float = param(
        5.0e8,
        "yuan/year",
        "[0, inf)",
        "yuan/yr (assumption: no published figure for Shenzhen's first-purchase orders was found)",
    )
    orders_per_year: int = param(200, "per year", "[0, inf)", "orders at city scale (assumption)")
    max_order: float = param(5.0e6, "yuan", "[0, inf)", "yuan per order at city scale (assumption)")
    max_capacity_share: float = param(
        0.2, "share", "[0, 1]", "order <= this share of the firm's quarterly capacity (assumption)"
    )
    recent_quarters: int = param(
        8, "quarters", "[0, inf)", "a product counts as new for two years after the breakthrough (assumption)"
    )
    sme_share: float = param(0.3, "share", "[0, 1]", "minimum share of orders to SMEs where enough apply (assumption)")
    application_rate: float = param(
        0.5, "share", "[0, 1]", "share of eligible firms that list their products (assumption)"
    )
    targeting: Targeting = field(default_factory=Targeting)


def _first_purchase_capacity(c: FirstPurchaseConfig) -> float:
    return c.orders_per_year * c.max_order


@lever(
    "access.first_purchase",
    clauses=("M-ACCESS-3",),
    channel="public orders (public_demand, yuan) for firms with a recent breakthrough: more sales of new products",
    test="tests/test_levers_access.py::test_first_purchase_raises_sales_of_new_products",
    default_source="5e8 yuan/yr, 200 orders of up to 5e6 yuan (assumptions; no published figure found)",
    capacity=_first_purchase_capacity,
)
def first_purchase(ctx: PolicyContext, c: FirstPurchaseConfig) -> None:
    w = ctx.world
    f = w.firms
    ff = w.scale.firm_fraction
    eligible = ctx.firm_mask(c.targeting) & recent_breakthrough(ctx, c.recent_quarters) & (f.capacity > 0)
    n = ctx.quarter_count(c.orders_per_year, ff)
    if n <= 0 or not eligible.any():
        return

    def score(r: np.ndarray) -> np.ndarray:  # of the applicants only (a call's rows)
        return np.log(np.maximum(f.tfp[r] / f.tfp_ref[r], 1e-9))

    winners = ctx.competitive_call(eligible, score, n, c.sme_share, c.application_rate)
    if len(winners) == 0:
        return
    order = np.minimum(
        np.minimum(c.max_order / ff, c.max_capacity_share * f.capacity[winners]),
        ctx.quarter_budget(c.budget) / len(winners),
    )
    ctx.effects.public_demand[winners] += order
    ctx.spend("access.first_purchase", f.industry[winners], f.district[winners], order)


# ---------------------------------------------------------------------------------------------
# M-ACCESS-3: first-set (首台套) risk compensation, civil-military integration
# ---------------------------------------------------------------------------------------------
@dataclass
class FirstSetConfig(LeverConfig):
    """First-set (首台套) insurance compensation for buyers of the first units of new equipment
    (M-ACCESS-3): makers of equipment with a recent breakthrough insure the first units; the city
    pays ``subsidy_share`` of the premium. Buyers no longer bear the risk of an untried machine, so
    the covered firm's external demand rises by ``demand_uplift``. The subsidy reimburses a premium
    the firm pays (neither is in the firm's accounts), so it is spending but not a transfer.
    Premium per quarter = premium_rate x new_product_share x output x (1 + demand_uplift). When
    the budget binds, covered firms are drawn at random among the eligible. Civil-military
    integration (军民融合) has no separate channel: defence buyers are part of external demand.
    Default targeting: IND-EQP (high-end equipment)."""

    budget: float = param(1.0e8, "yuan/year", "[0, inf)", "yuan/yr (assumption)")
    demand_uplift: float = param(
        0.1, "number", "[0, inf)", "relative rise of the covered firm's external demand (assumption)"
    )
    new_product_share: float = param(
        0.2, "share", "[0, 1]", "share of the covered firm's sales that are first units (assumption)"
    )
    premium_rate: float = param(
        0.03,
        "share",
        "[0, 1]",
        "premium / insured value; cap of the national first-set insurance pilot (MIIT-MoF 2015, assumption that Shenzhen's matches)",
    )
    subsidy_share: float = param(
        0.8, "share", "[0, 1]", "share of the premium paid by the government (national pilot: 80%)"
    )
    recent_quarters: int = param(
        8, "quarters", "[0, inf)", "equipment counts as new for two years after the breakthrough (assumption)"
    )
    targeting: Targeting = field(default_factory=lambda: Targeting(industries=["IND-EQP"]))


@lever(
    "access.first_set",
    clauses=("M-ACCESS-3",),
    channel="premium subsidy for insuring the first units of new equipment; covered makers' external demand "
    "x (1 + demand_uplift)",
    test="tests/test_levers_access.py::test_first_set_raises_demand_of_new_equipment",
    default_source="premium cap 3% and 80% subsidy as in the national first-set insurance pilot (2015); "
    "budget 1e8 yuan/yr, uplift 0.1 (assumptions)",
)
def first_set(ctx: PolicyContext, c: FirstSetConfig) -> None:
    f = ctx.world.firms
    # the rows of firm_mask & recent_breakthrough & (output > 0), worked out on the admitted rows only
    rows = ctx.firm_rows(c.targeting)
    recent = ctx.world.quarter - f.last_breakthrough[rows].astype(np.int64) <= c.recent_quarters
    rows = rows.compress(recent & (f.output[rows] > 0))
    if len(rows) == 0:
        return
    rows = ctx.rng.permutation(rows)
    premium = c.subsidy_share * c.premium_rate * c.new_product_share * f.output[rows] * (1.0 + c.demand_uplift)
    covered = np.cumsum(premium) <= ctx.quarter_budget(c.budget)
    rows, premium = rows[covered], premium[covered]
    if len(rows) == 0:
        return
    ctx.effects.demand_multiplier[rows] *= 1.0 + c.demand_uplift
    ctx.spend("access.first_set", f.industry[rows], f.district[rows], premium)


# ---------------------------------------------------------------------------------------------
# M-ACCESS-1, M-ACCESS-2, M-ACCESS-4: regulatory pilot zones
# ---------------------------------------------------------------------------------------------
@dataclass
class PilotZone:
    """One pilot zone: the sub-fields it admits and the district it lies in (``targeting``)."""

    name: str = ""
    breakthrough_multiplier: float = param(
        1.5,
        "multiplier",
        "[0, inf)",
        "on the breakthrough hazard: road/clinical trials on site shorten the way to a marketable product (assumption)",
    )
    demand_multiplier: float = (
        1.05  # on external demand: earlier market entry through application scenarios (assumption)
    )
    targeting: Targeting = field(default_factory=Targeting)


def _driverless() -> PilotZone:
    return PilotZone(
        name="Pingshan driverless demonstration zone (坪山无人驾驶示范区)",
        targeting=Targeting(
            subfields=["intelligent_connected_vehicles", "new_energy_vehicles"], districts=["pingshan"]
        ),
    )


def _life_health() -> PilotZone:
    return PilotZone(
        name="Dapeng life-and-health test zone (大鹏生命健康试验区)",
        targeting=Targeting(
            subfields=[
                "biopharmaceuticals",
                "innovative_generic_drugs",
                "high_end_medical_devices",
                "precision_medicine_gene_testing",
                "stem_cells_cell_therapy",
                "digital_life_imaging",
                "brain_synthetic_biology",
                "marine_biology_fishing",
            ],
            districts=["dapeng"],
        ),
    )


@dataclass
class PilotZonesConfig(LeverConfig):
    """Regulatory pilot zones with application scenarios (M-ACCESS-1 comprehensive authorisation and
    pilots, M-ACCESS-2 the two zones the plan names). Firms of the named sub-fields in the zone's
    district draw breakthroughs more often (trials in real conditions shorten time-to-market) and
    sell more (application scenarios). M-ACCESS-4 (laws, ethics and safety rules for autonomous
    driving, gene technology, cell therapy ...) is modelled as part of the zones: those rules are
    what lets the trials run (Shenzhen's intelligent connected vehicle regulation of 2022 opened
    Pingshan's roads); the model has no separate channel for city-wide rules. The budget runs the
    zones' test sites and is booked on the zones' cells by firm count; the zone effects do not
    depend on it. Sub-field ids: sim/data/subfields.csv."""

    budget: float = param(
        2.0e8,
        "yuan/year",
        "[0, inf)",
        "yuan/yr for both zones (assumption; Pingshan's ICV test field, opened 2023, cost 8e8 yuan per public reporting)",
    )
    driverless: PilotZone = field(default_factory=_driverless)
    life_health: PilotZone = field(default_factory=_life_health)


@lever(
    "access.pilot_zones",
    clauses=("M-ACCESS-1", "M-ACCESS-2", "M-ACCESS-4"),
    channel="breakthrough hazard x breakthrough_multiplier and external demand x demand_multiplier for firms of "
    "the zones' sub-fields in their districts (Pingshan driverless, Dapeng life and health)",
    test="tests/test_levers_access.py::test_pilot_zones_raise_breakthroughs_in_zone",
    default_source="zones and sub-fields named in 四.四; multipliers 1.5 and 1.05, budget 2e8 yuan/yr (assumptions)",
)
def pilot_zones(ctx: PolicyContext, c: PilotZonesConfig) -> None:
    f = ctx.world.firms
    e = ctx.effects
    zones = (c.driverless, c.life_health)
    per_zone = ctx.quarter_budget(c.budget) / len(zones)
    for z in zones:
        rows = ctx.firm_rows(z.targeting)
        e.breakthrough_multiplier[rows] *= z.breakthrough_multiplier
        e.demand_multiplier[rows] *= z.demand_multiplier
        if len(rows) and per_zone > 0:
            ctx.spend(
                "access.pilot_zones", f.industry[rows], f.district[rows], np.full(len(rows), per_zone / len(rows))
            )


@dataclass
class AccessConfig:
    first_purchase: FirstPurchaseConfig = field(default_factory=FirstPurchaseConfig)
    first_set: FirstSetConfig = field(default_factory=FirstSetConfig)
    pilot_zones: PilotZonesConfig = field(default_factory=PilotZonesConfig)
