"""Who a lever may reach (``Targeting``) and the one way targeting turns into a mask: of firms,
of institutes, of industry x district cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.kernel.cells import cell
from sim.kernel.world import World

SME_EMPLOYEES = 300.0  # people; China's SME definition for industry is < 1,000 people or < 400m yuan revenue; the
# model uses 300 (the small-enterprise bound of the 2011 classification, NBS) for the SME share of awards


@dataclass
class Targeting:
    """Who a lever may reach; empty lists mean everyone."""

    industries: list[str] = field(default_factory=list)  # ids as in PLAN.md, e.g. IND-IT
    subfields: list[str] = field(default_factory=list)  # ids of sim/data/subfields.csv
    districts: list[str] = field(default_factory=list)  # pinyin ids, e.g. nanshan
    firm_size: str = "all"  # all | sme | large (SME: fewer than SME_EMPLOYEES people)


def industry_mask(t: Targeting) -> np.ndarray:
    """[N_IND] industries the targeting admits."""
    if not t.industries:
        return np.ones(N_IND, bool)
    return np.isin(np.arange(N_IND), [INDUSTRIES.index(i) for i in t.industries])


def district_mask(t: Targeting) -> np.ndarray:
    """[N_DIST] districts the targeting admits."""
    if not t.districts:
        return np.ones(N_DIST, bool)
    return np.isin(np.arange(N_DIST), [DISTRICTS.index(d) for d in t.districts])


def cell_mask(t: Targeting) -> np.ndarray:
    """[N_IND, N_DIST] cells the targeting admits (sub-fields and firm size do not apply)."""
    return industry_mask(t)[:, None] & district_mask(t)[None, :]


def _subfield_mask(w: World, subfield: np.ndarray, t: Targeting) -> np.ndarray | bool:
    """Which of ``subfield`` (sub-field numbers, -1 for none) the targeting admits: a lookup,
    the same as np.isin against the admitted numbers (none is never admitted)."""
    if not t.subfields:
        return True
    ids = w.data.subfield_ids
    admitted = np.zeros(len(ids) + 1, bool)  # the extra last entry: no sub-field (-1)
    admitted[[ids.index(s) for s in t.subfields]] = True
    return admitted[subfield]


def firm_keep(w: World, t: Targeting, rows: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Which of the firm ``rows`` the targeting admits (industry, district, sub-field, firm size);
    ``cells``: their industry x district cells (sim.kernel.cells.cell)."""
    f = w.firms
    keep = cell_mask(t).reshape(-1)[cells]
    if t.subfields:
        keep &= _subfield_mask(w, f.subfield[rows], t)
    if t.firm_size == "sme":
        keep &= f.employees[rows] < SME_EMPLOYEES
    elif t.firm_size == "large":
        keep &= f.employees[rows] >= SME_EMPLOYEES
    return keep


def firm_mask(w: World, t: Targeting) -> np.ndarray:
    """Alive firms the targeting admits (firm_keep over the whole table)."""
    f = w.firms
    rows = np.arange(f.n)
    return f.alive & firm_keep(w, t, rows, cell(f.industry, f.district))


def institute_mask(w: World, t: Targeting) -> np.ndarray:
    """Alive institutes whose field, district and sub-field the targeting admits."""
    inst = w.institutes
    return (
        inst.alive
        & industry_mask(t)[inst.field]
        & district_mask(t)[inst.district]
        & _subfield_mask(w, inst.subfield, t)
    )


def validate_targeting(
    t: Targeting, key: str, subfield_ids: tuple[str, ...], check: Callable[[bool, str, str], None]
) -> None:
    """Refuse unknown industries, districts, sub-fields or firm sizes, naming the key."""
    for i in t.industries:
        check(
            i in INDUSTRIES, f"{key}.industries", f"names an unknown industry '{i}'; allowed: {', '.join(INDUSTRIES)}"
        )
    for d in t.districts:
        check(d in DISTRICTS, f"{key}.districts", f"names an unknown district '{d}'; allowed: {', '.join(DISTRICTS)}")
    for s in t.subfields:
        check(
            s in subfield_ids,
            f"{key}.subfields",
            f"names an unknown sub-field '{s}'; allowed: {', '.join(subfield_ids)}",
        )
    check(
        t.firm_size in ("all", "sme", "large"),
        f"{key}.firm_size",
        f"must be one of: all, sme, large; got '{t.firm_size}'",
    )
