"""Key development zones and their specialised parks (S-ZONES: 37 zones; S-PARKS: city and
district state firms lead park consolidation, 三.一.3): the zone list and the parks lever.

Units: floor space in m2 of gross floor area, money in yuan, budgets per year. A location bonus is
logit utility added to the location choice of entrants and movers (sim.kernel.space).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.targeting import Targeting

KEY_ZONES_FILE = Path(__file__).resolve().parents[1] / "data" / "key_zones.csv"


# ---------------------------------------------------------------------------------------------
# Key development zones (S-ZONES): a representative list, users may supply their own file
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Zone:
    zone_id: str
    district: int  # index in sim.ids.DISTRICTS
    industries: tuple[int, ...]  # indices in sim.ids.INDUSTRIES


@lru_cache(maxsize=16)
def load_zones(path: str = "") -> tuple[Zone, ...]:
    """Zones of a CSV with columns zone_id, district (pinyin id) and industries (ids separated by
    ';'); other columns (names, source) are documentation. ``path`` empty: sim/data/key_zones.csv.
    Raises ValueError naming the key, file and row for a missing file or an unknown id."""
    key = "config key 'policy.space.parks.zones_file'"
    p = Path(path) if path else KEY_ZONES_FILE
    if not p.is_file():
        raise ValueError(f"{key}: zone file '{p}' does not exist")
    with open(p, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for k, r in enumerate(rows, start=2):
        for col in ("zone_id", "district", "industries"):
            if col not in r or r[col] is None:
                raise ValueError(f"{key}: zone file '{p}' lacks the column '{col}'")
        d = r["district"].strip()
        if d not in DISTRICTS:
            raise ValueError(
                f"{key}: zone file '{p}' line {k} names an unknown district '{d}'; allowed: {', '.join(DISTRICTS)}"
            )
        inds = [i.strip() for i in r["industries"].split(";") if i.strip()]
        for i in inds:
            if i not in INDUSTRIES:
                raise ValueError(
                    f"{key}: zone file '{p}' line {k} names an unknown industry '{i}'; allowed: {', '.join(INDUSTRIES)}"
                )
        out.append(Zone(r["zone_id"].strip(), DISTRICTS.index(d), tuple(INDUSTRIES.index(i) for i in inds)))
    if not out:
        raise ValueError(f"{key}: zone file '{p}' lists no zones")
    return tuple(out)


def selected_zones(path: str, t: Targeting) -> list[Zone]:
    """Zones of the file in the targeted districts, keeping only targeted industries (zones left
    without an industry are dropped)."""
    dists = {DISTRICTS.index(d) for d in t.districts}
    inds = {INDUSTRIES.index(i) for i in t.industries}
    out = []
    for z in load_zones(path):
        if dists and z.district not in dists:
            continue
        keep = tuple(i for i in z.industries if not inds or i in inds)
        if keep:
            out.append(Zone(z.zone_id, z.district, keep))
    return out


# ---------------------------------------------------------------------------------------------
# S-ZONES, S-PARKS: specialised parks in the key development zones
# ---------------------------------------------------------------------------------------------
@dataclass
class ParksConfig(LeverConfig):
    """Specialised parks with complete chains in the key development zones (S-ZONES: 37 zones;
    S-PARKS: city and district state firms lead park consolidation, 三.一.3).

    The plan names the number of zones (37) but not the zones. The default file
    sim/data/key_zones.csv is a REPRESENTATIVE list of 27 well-known development areas with their
    district and designated industries (the industries are assumptions from each area's public
    positioning); supply your own with ``zones_file`` (columns zone_id, district, industries with
    ids separated by ';'). Each zone gives its designated industries a location bonus in its
    district (once per cell, however many zones share it) and adds ``m2_per_zone_per_year`` of
    park floor space to the district. ``targeting`` restricts the zones (districts) and their
    industries.
    """

    zones_file: str = ""  # path of a zone CSV; empty = sim/data/key_zones.csv (representative list)
    bonus: float = param(
        0.3,
        "number",
        "[0, inf)",
        "logit utility for designated industries in zone districts (assumption: worth ~18% lower rent; "
        "docs/evidence.md)",
        (0.1, 0.5),
    )
    m2_per_zone_per_year: float = param(
        40000.0, "per year", "[0, inf)", "m2 of park floor space built or upgraded per zone per year (assumption)"
    )
    cost_per_m2: float = param(2500.0, "number", "[0, inf)", "yuan per m2 (assumption, as space.land_release)")
    public_share: float = (
        0.5  # share paid by city and district SOEs, which lead park consolidation (S-PARKS; assumption)
    )
    budget: float = param(1.35e9, "yuan/year", "[0, inf)", "yuan/yr = 27 zones x 4e4 m2 x 2500 x 0.5")
    targeting: Targeting = field(default_factory=Targeting)

    def __post_init__(self) -> None:
        load_zones(self.zones_file)


def _parks_capacity(c: ParksConfig) -> float:
    return len(load_zones(c.zones_file)) * c.m2_per_zone_per_year * c.cost_per_m2 * c.public_share


@lru_cache(maxsize=16)
def _park_layout(
    path: str, industries: tuple[str, ...], districts: tuple[str, ...], m2_per_zone_per_year: float, per_zone: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The zones' designated cells [N_IND, N_DIST], park m2 per quarter by district and cost (yuan)
    by cell, before the budget's scaling; None without zones. They depend on the config only, so
    they are worked out once (like load_zones, by path) and shared: the arrays are read-only."""
    zones = selected_zones(path, Targeting(industries=list(industries), districts=list(districts)))
    if not zones:
        return None
    zone_bonus = np.zeros((N_IND, N_DIST), bool)
    m2 = np.zeros(N_DIST)
    cost = np.zeros((N_IND, N_DIST))
    for z in zones:  # a few dozen zones
        zone_bonus[list(z.industries), z.district] = True
        m2[z.district] += m2_per_zone_per_year / 4.0
        cost[list(z.industries), z.district] += per_zone / len(z.industries)
    for a in (zone_bonus, m2, cost):
        a.setflags(write=False)
    return zone_bonus, m2, cost


@lever(
    "space.parks",
    clauses=("S-ZONES", "S-PARKS"),
    channel="location bonus for each zone's designated industries in its district (entry, inward investment, "
    "relocation) plus park floor space added to the district",
    test="tests/test_levers_space.py::test_parks_attract_designated_industries",
    default_source="representative list of 27 key zones (sim/data/key_zones.csv; the plan's 37 are not listed); "
    "bonus 0.3, 4e4 m2 per zone per year, 2500 yuan/m2, SOE share 0.5 (assumptions)",
    capacity=_parks_capacity,
)
def parks(ctx: PolicyContext, c: ParksConfig) -> None:
    w = ctx.world
    per_zone = c.m2_per_zone_per_year / 4.0 * c.cost_per_m2 * c.public_share
    t = c.targeting
    layout = _park_layout(c.zones_file, tuple(t.industries), tuple(t.districts), c.m2_per_zone_per_year, per_zone)
    if layout is None:
        return
    zone_bonus, m2, cost = layout
    ctx.effects.location_bonus += c.bonus * zone_bonus
    total = cost.sum()
    if total <= 0:
        return
    scale = min(1.0, ctx.quarter_budget(c.budget) / total)
    w.floor_space = w.floor_space + m2 * scale
    ctx.spend_cells("space.parks", cost * scale)
