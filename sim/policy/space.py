"""Space levers (三, spatial layout): industrial land and floor space (S-LAND), innovative industrial
space at capped rents (S-LAND), specialised parks in the key development zones (S-ZONES, S-PARKS)
and district focus plans (S-LAYOUT, S-RESOURCES).

Units: floor space in m2 of gross floor area, rents in yuan/m2/month (a firm's quarterly rent bill
is floor_space x rent x 3, sim.kernel.phases.production), money in yuan, budgets per year.

Floor space (``world.floor_space``) is the district's stock open to SEI firms; it is not reserved
by industry, so space "dedicated" to a zone's industries enters its district's stock and the
zone's location bonus steers those industries to it. A location bonus is logit utility added to
the location choice of start-ups, inward investments and relocating firms (sim.kernel.phases,
``sim.kernel.space.location_probs``); for scale, a bonus of params.demography.location_rent_elasticity x log(2)
(~1.04) is worth as much as halving the district's rent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.basedata import load
from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever, not_modelled
from sim.policy.calls import stable_order
from sim.policy.targeting import Targeting
from sim.policy.zones import ParksConfig


def floor_use_shares(ctx: PolicyContext) -> np.ndarray:
    """[N_IND, N_DIST] share of each district's used floor space by industry (equal where none is used):
    the key by which district-level spending (land, zone buildings) is booked to industries."""
    used = ctx.view.cell_sum(ctx.world, "floor_space")
    tot = used.sum(axis=0, keepdims=True)
    return np.where(tot > 0, used / np.where(tot > 0, tot, 1.0), 1.0 / N_IND)


def _check_district_keys(d: dict, key: str) -> None:
    for k in d:
        if k not in DISTRICTS:
            raise ValueError(f"config key '{key}.{k}' names an unknown district; allowed: {', '.join(DISTRICTS)}")


# ---------------------------------------------------------------------------------------------
# S-LAND: land and floor space released per district per year
# ---------------------------------------------------------------------------------------------
@dataclass
class LandReleaseConfig(LeverConfig):
    """Industrial land consolidated and released for SEI floor space (S-LAND, 三.一.2).

    Default scale: Shenzhen offered 30 km2 of industrial land to investors in November 2019, 25 km2
    in the city and 5 km2 in Shenshan (sim/data/innovation_and_people.csv, Shenzhen Daily). Floor
    space = land x floor-area ratio x the share that goes to SEI firms, completed evenly over
    ``delivery_years``; the city's part is spread over the ten districts in proportion to their
    industrial floor stock (sim/data/districts.csv), unless ``m2_per_year`` names districts.
    Spending = floor space x cost_per_m2 x public_share. The economy's own growth of floor space
    (params.geography.floor_space_growth, 3%/yr) continues underneath; this release is on top.
    """

    start: str = "2020Q1"  # first deliveries a year after the Nov 2019 land offer (assumption: build time)
    land_km2: float = param(
        25.0,
        "number",
        "[0, inf)",
        "km2 of industrial land in the ten districts (Nov 2019 offer, innovation_and_people.csv)",
    )
    land_km2_shenshan: float = param(5.0, "number", "[0, inf)", "km2 in Shenshan (same source)")
    floor_area_ratio: float = param(
        2.5, "number", "[0, inf)", "m2 floor per m2 land; assumption: new industrial plots, above the ~1.5 average of"
    )
    # existing industrial land (Longgang 1.46 in the 2020 building census, as reported by the district's planning centre)
    sei_share: float = (
        0.4  # share of the new floor space let to SEI firms (assumption: the plan raises SEI's share, 三.一.2)
    )
    delivery_years: float = param(
        6.0, "years", "[0, inf)", "years over which the floor space is completed (assumption: 2020-2025)"
    )
    m2_per_year: dict[str, float] = field(default_factory=dict)  # m2/yr by district; if given, replaces the split above
    cost_per_m2: float = (
        2500.0  # yuan per m2 of floor space built or renewed (assumption: multi-storey industrial/R&D building)
    )
    public_share: float = param(
        0.3, "share", "[0, 1]", "share of that cost paid by the city (land consolidation, SOE building; assumption)"
    )
    budget: float = param(3.75e9, "yuan/year", "[0, inf)", "yuan/yr = 5.0e6 m2/yr x 2500 x 0.3 (the default release)")

    def __post_init__(self) -> None:
        _check_district_keys(self.m2_per_year, "policy.space.land_release.m2_per_year")


def planned_release(c: LandReleaseConfig, stock: np.ndarray | None = None) -> np.ndarray:
    """Floor space to release per year by district [N_DIST] (m2/yr)."""
    if c.m2_per_year:
        return np.array([float(c.m2_per_year.get(d, 0.0)) for d in DISTRICTS])
    if stock is None:
        stock = load().floor_space
    city = np.array([d != "shenshan" for d in DISTRICTS])
    w = np.where(city, stock, 0.0)
    per_km2 = 1e6 * c.floor_area_ratio * c.sei_share / max(c.delivery_years, 1e-9)
    out = c.land_km2 * per_km2 * w / max(w.sum(), 1e-9)
    out[DISTRICTS.index("shenshan")] += c.land_km2_shenshan * per_km2
    return out


def _land_capacity(c: LandReleaseConfig) -> float:
    return float(planned_release(c).sum()) * c.cost_per_m2 * c.public_share


@lever(
    "space.land_release",
    clauses=("S-LAND",),
    channel="floor space added to each district's stock open to SEI firms (m2 per quarter); free space raises the "
    "location logit of entrants and movers there and lets firms hire (vacancies need space)",
    test="tests/test_levers_space.py::test_land_release_more_firms_in_district",
    default_source="30 km2 of industrial land offered in Nov 2019 (25 city, 5 Shenshan; innovation_and_people.csv) "
    "x floor-area ratio 2.5 x SEI share 0.4 over 6 years = 5.0e6 m2/yr; cost 2500 yuan/m2, public share 0.3 "
    "(assumptions)",
    capacity=_land_capacity,
)
def land_release(ctx: PolicyContext, c: LandReleaseConfig) -> None:
    w = ctx.world
    m2 = planned_release(c, w.data.floor_space) / 4.0
    cost = m2 * c.cost_per_m2 * c.public_share
    total = cost.sum()
    if total <= 0:
        return
    scale = min(1.0, ctx.quarter_budget(c.budget) / total)
    w.floor_space = w.floor_space + m2 * scale
    ctx.spend_cells("space.land_release", floor_use_shares(ctx) * (cost * scale)[None, :])


# ---------------------------------------------------------------------------------------------
# S-LAND: innovative industrial space (创新型产业用房) at capped rents
# ---------------------------------------------------------------------------------------------
_RENT_CEILING = 200.0  # yuan/m2/month; above any district's rent over a run (2018 maximum 95, trend ~+4%/yr)


@dataclass
class RentCapConfig(LeverConfig):
    """Innovative industrial space (创新型产业用房) let to SEI firms at a capped share of market rent
    (S-LAND, 三.一.2: raise the share of innovative industrial space going to these industries).

    Tenants are drawn by a standing lottery (a fixed pseudo-random key per firm row, so tenants keep
    their units from quarter to quarter) among the targeted firms until ``space_m2`` is let; each
    tenant rents at most ``max_m2_per_firm`` of its floor space at the cap. The rent difference is
    a cash transfer (floor space x rent x 3 x discount per quarter). Entrants and movers value the
    lower expected rent: location bonus = location_rent_elasticity x -log(1 - discount x coverage),
    coverage = capped m2 / m2 used by targeted firms in the district (with full coverage this is the
    logit value of paying (1 - discount) of the rent).
    """

    discount: float = param(
        0.3, "share", "[0, 1]", "share of market rent waived (assumption: tenants pay ~70% of the market rent)"
    )
    space_m2: float = param(
        5.0e6,
        "number",
        "[0, inf)",
        "m2 let at capped rents (assumption: ~5% of the 1e8 m2 of SEI floor space in the model)",
    )
    max_m2_per_firm: float = (
        3000.0  # m2 per tenant at city scale (assumption: one letting); / firm_fraction at smaller scales
    )
    budget: float = param(
        1.0e9,
        "yuan/year",
        "[0, inf)",
        "yuan/yr; 5e6 m2 x ~45 yuan/m2/month x 12 x 0.3 = 8.1e8 in 2019, headroom for rising rents",
    )
    targeting: Targeting = field(default_factory=Targeting)


def _rent_cap_capacity(c: RentCapConfig) -> float:
    return c.space_m2 * _RENT_CEILING * 12.0 * c.discount


_KEYS: list[np.ndarray] = [np.zeros(0)]  # lottery keys of rows 0, 1, ... (a row's key never changes)


def _lottery_key(rows: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random key in [0, 1) per firm row (golden-ratio sequence), worked out once
    per row and looked up (the float remainder over every firm each quarter was the lever's cost)."""
    need = int(rows.max()) + 1 if len(rows) else 0
    if need > len(_KEYS[0]):
        _KEYS[0] = (np.arange(max(need, 2 * len(_KEYS[0]))).astype(float) * 0.6180339887498949 + 0.5) % 1.0
    return _KEYS[0][rows]


@lever(
    "space.rent_cap",
    clauses=("S-LAND",),
    channel="tenants of innovative industrial space get the rent difference as cash; the lower expected rent adds "
    "location_rent_elasticity x -log(1 - discount x coverage) to the location logit of the targeted cells",
    test="tests/test_levers_space.py::test_rent_cap_transfers_and_location_bonus",
    default_source="discount 0.3 and 5e6 m2 of capped space (assumptions; Shenzhen's 创新型产业用房 rules, 深府办规〔2021〕1号, "
    "let space below market rent); budget 1e9 yuan/yr",
    capacity=_rent_cap_capacity,
)
def rent_cap(ctx: PolicyContext, c: RentCapConfig) -> None:
    w = ctx.world
    f = w.firms
    rows = np.flatnonzero(ctx.firm_mask(c.targeting) & (f.floor_space > 0))
    if len(rows) == 0 or c.space_m2 <= 0 or c.discount <= 0:
        return
    m2 = np.minimum(f.floor_space[rows], c.max_m2_per_firm / w.scale.firm_fraction)
    key = _lottery_key(rows)
    # only firms whose key is low enough can be reached (keys are ~uniform): sort those, not all
    first = key <= min(1.0, 1.5 * c.space_m2 / max(m2.sum(), 1e-9) + 0.01)
    if m2.compress(first).sum() < c.space_m2:
        first[:] = True
    rows, m2, key = rows.compress(first), m2.compress(first), key.compress(first)  # = [first], faster
    order = stable_order(key)  # the stable sort's order (keys of distinct rows differ)
    rows, m2 = rows[order], m2[order]
    take = np.cumsum(m2) <= c.space_m2
    if not take.any():
        take[0] = True  # one tenant at least, on part of its space
        m2[0] = min(m2[0], c.space_m2)
    ten, m2 = rows[take], m2[take]
    transfer = c.discount * m2 * w.rent[f.district[ten]] * 3.0
    scale = min(1.0, ctx.quarter_budget(c.budget) / max(transfer.sum(), 1e-9))
    transfer = transfer * scale
    ctx.effects.cash_transfer[ten] += transfer
    ctx.spend("space.rent_cap", f.industry[ten], f.district[ten], transfer)
    elig_used = np.bincount(f.district[rows], weights=f.floor_space[rows], minlength=N_DIST)
    capped = np.bincount(f.district[ten], weights=m2, minlength=N_DIST)
    coverage = np.divide(capped, elig_used, out=np.zeros(N_DIST), where=elig_used > 0).clip(0.0, 1.0)
    eff = np.clip(c.discount * scale * coverage, 0.0, 0.99)
    bonus = w.params.demography.location_rent_elasticity * -np.log1p(-eff)
    ctx.effects.location_bonus += ctx.cell_mask(c.targeting) * bonus[None, :]


# ---------------------------------------------------------------------------------------------
# S-LAYOUT, S-RESOURCES: district focus plans
# ---------------------------------------------------------------------------------------------
def _default_focus() -> dict[str, list[str]]:
    # Assumption, from the districts' public positioning (e.g. 2020 city guidance as reported by 21st Century Business
    # Herald: Longgang "global electronic-information high ground", Guangming "science city", Pingshan "future-industry
    # trial zone", Shenshan "emerging-industry new town") and the zones of sim/data/key_zones.csv.
    return {
        "futian": ["IND-DIGI", "IND-BIO"],
        "luohu": ["IND-DIGI"],
        "nanshan": ["IND-IT", "IND-DIGI", "IND-BIO"],
        "yantian": ["IND-SEA", "IND-BIO"],
        "baoan": ["IND-EQP", "IND-IT", "IND-MAT"],
        "longgang": ["IND-IT", "IND-DIGI", "IND-GREEN"],
        "longhua": ["IND-IT", "IND-DIGI", "IND-EQP"],
        "pingshan": ["IND-GREEN", "IND-BIO", "IND-IT"],
        "guangming": ["IND-BIO", "IND-MAT", "IND-IT"],
        "dapeng": ["IND-BIO", "IND-SEA"],
        "shenshan": ["IND-EQP", "IND-GREEN", "IND-MAT"],
    }


def check_focus(focus: dict[str, list[str]], key: str) -> None:
    _check_district_keys(focus, key)
    for d, inds in focus.items():
        for i in inds:
            if i not in INDUSTRIES:
                raise ValueError(
                    f"config key '{key}.{d}' names an unknown industry '{i}'; allowed: {', '.join(INDUSTRIES)}"
                )


def focus_matrix(focus: dict[str, list[str]]) -> np.ndarray:
    """[N_IND, N_DIST] True where the district's plan focuses on the industry."""
    m = np.zeros((N_IND, N_DIST), bool)
    for d, inds in focus.items():
        for i in inds:
            m[INDUSTRIES.index(i), DISTRICTS.index(d)] = True
    return m


@dataclass
class DistrictFocusConfig(LeverConfig):
    """Each district (and Shenshan) plans its focus industries (S-LAYOUT, 三.一.1); the city steers
    projects and teams to them (S-RESOURCES, 三.二.1). Focus industries get a location bonus in
    their districts, which steers start-ups, inward investment and relocations. The focus table is
    also what governance.coordination allocates entry by. No budget (planning)."""

    focus: dict[str, list[str]] = field(
        default_factory=_default_focus
    )  # district -> focus industries (assumption, see source)
    bonus: float = param(
        0.2, "number", "[0, inf)", "logit utility (assumption: worth ~12% lower rent at location_rent_elasticity 1.5)"
    )

    def __post_init__(self) -> None:
        check_focus(self.focus, "policy.space.district_focus.focus")


@lever(
    "space.district_focus",
    clauses=("S-LAYOUT", "S-RESOURCES"),
    channel="location bonus for each district's focus industries: entry, inward investment and relocation shift "
    "towards the districts that plan for the industry",
    test="tests/test_levers_space.py::test_district_focus_steers_entry",
    default_source="focus table from the districts' public positioning (assumption); bonus 0.2 (assumption)",
)
def district_focus(ctx: PolicyContext, c: DistrictFocusConfig) -> None:
    ctx.effects.location_bonus += c.bonus * focus_matrix(c.focus)


not_modelled(
    "S-SERVICES",
    "transport, information and business services in parks have no channel in the model "
    "(districts are points, no commuting, no service sector); the housing part is talent.housing",
)


@dataclass
class SpaceConfig:
    land_release: LandReleaseConfig = field(default_factory=LandReleaseConfig)
    rent_cap: RentCapConfig = field(default_factory=RentCapConfig)
    parks: ParksConfig = field(default_factory=ParksConfig)  # sim.policy.zones
    district_focus: DistrictFocusConfig = field(default_factory=DistrictFocusConfig)
