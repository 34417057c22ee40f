"""Major S&T infrastructure and the science city (M-TECH-1), into which national and
international programmes (M-TECH-3) are folded: facilities are built, then run as large institutes.

Units: money in yuan (budgets per year, spending booked per quarter); a facility is one real
facility at every scale (its institute row is not scaled by scale.institute_fraction).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.errors import check
from sim.ids import DISTRICTS, INDUSTRIES, QUARTER_RE, quarter_index
from sim.kernel.entry import create_institutes
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever


@dataclass
class InfrastructureState:
    rows: dict[str, int] = field(default_factory=dict)  # facility tag -> institute row once it opens


@dataclass(repr=False)
class Facility:
    """One major S&T infrastructure facility: built from ``build_start`` to ``opens`` (construction
    cost spread evenly over the quarters in between), then run as a large institute of high
    capability in its industry (field) and district with an operating budget."""

    name: str = "facility"
    industry: str = "IND-BIO"  # field of the facility (PLAN.md industry id)
    district: str = "guangming"  # pinyin id
    build_start: str = "2019Q1"  # quarter construction spending starts
    opens: str = "2023Q2"  # quarter it starts working as an institute
    construction_cost: float = param(
        1.0e9, "yuan", "[0, inf)", "yuan in total; assumption: order of magnitude of a Chinese major S&T facility"
    )
    operating_budget: float = param(
        1.0e8, "yuan/year", "[0, inf)", "yuan/year after opening; assumption: ~10% of the construction cost a year"
    )
    researchers: float = param(
        300.0,
        "people",
        "[0, inf)",
        "target research staff (people); the mean of a new R&D institution (institutes.csv)",
    )

    def __repr__(self) -> str:
        return (
            f"{self.name}({self.industry}@{self.district}, {self.build_start}-{self.opens}, {self.construction_cost:g})"
        )


def _default_facilities() -> list[Facility]:
    # Representative list (users may supply theirs). Guangming Science City's start-up zone: the synthetic
    # biology, brain analysis and simulation, and materials genome facilities moved in on 2023-04-27
    # (tech-ex.com / 21jingji.com 2023-04-28); Guangming was chosen for a cluster of big-science facilities in
    # 2018-04 (Southern Metropolis Daily 2021-03-26). Peng Cheng Lab (Nanshan) ran its cloud-brain facility by
    # 2019-10 (Shenzhen Special Zone Daily 2019-10-03); its second phase is dated 2020Q4 here (assumption).
    return [
        Facility("synthetic_biology", "IND-BIO", "guangming", "2019Q1", "2023Q2"),
        Facility("brain_analysis_simulation", "IND-BIO", "guangming", "2019Q1", "2023Q2"),
        Facility("materials_genome", "IND-MAT", "guangming", "2019Q1", "2023Q2"),
        Facility("pengcheng_cloud_brain", "IND-IT", "nanshan", "2019Q1", "2020Q4"),
    ]


@dataclass
class InfrastructureConfig(LeverConfig):
    """Major S&T infrastructure and the science city (M-TECH-1); national, provincial and
    international programmes (M-TECH-3) are folded in: they co-fund the facilities (any cost the
    city budget does not cover) and their research runs through the facilities' knowledge."""

    facilities: list[Facility] = field(default_factory=_default_facilities)
    capability: float = param(
        0.9, "share", "[0, 1]", "capability index of a facility at opening (assumption: between a new R&D institution's"
    )
    # 0.8 and LEADING_CAPABILITY)
    initial_knowledge_share: float = param(
        0.2, "number", "[0, inf)", "knowledge (yuan-equivalent) at opening per yuan of construction"
    )
    # (assumption: design and engineering know-how of the instrument, open to users)
    budget: float = param(
        1.5e9,
        "yuan/year",
        "[0, inf)",
        "yuan/year; construction of the default list peaks at ~1.3e9/yr in 2019-2020 (assumption)",
    )


def _infrastructure_capacity(c: InfrastructureConfig) -> float:
    total = 0.0
    for k, fac in enumerate(c.facilities):
        key = f"policy.tech.infrastructure.facilities[{k}]"
        if fac.industry not in INDUSTRIES:
            check(
                False,
                f"{key}.industry",
                f"names an unknown industry '{fac.industry}'; allowed: {', '.join(INDUSTRIES)}",
            )
        if fac.district not in DISTRICTS:
            check(
                False, f"{key}.district", f"names an unknown district '{fac.district}'; allowed: {', '.join(DISTRICTS)}"
            )
        for name in ("build_start", "opens"):
            if not QUARTER_RE.match(str(getattr(fac, name))):
                check(False, f"{key}.{name}", f"must be a quarter like '2019Q1', got '{getattr(fac, name)}'")
        if quarter_index(fac.opens) < quarter_index(fac.build_start):
            check(False, f"{key}.opens", f"({fac.opens}) is before its build_start ({fac.build_start})")
        for name in ("construction_cost", "operating_budget", "researchers"):
            v = getattr(fac, name)
            if not (np.isfinite(v) and v >= 0):
                check(False, f"{key}.{name}", f"must be a finite number >= 0, got {v}")
        build_years = max(quarter_index(fac.opens) - quarter_index(fac.build_start), 1) / 4.0
        total += fac.construction_cost / build_years + 1.5 * fac.operating_budget  # 1.5: budget growth
    if c.capability > 1.0:
        check(False, "policy.tech.infrastructure.capability", f"must be a capability in [0, 1], got {c.capability}")
    return total


@lever(
    "tech.infrastructure",
    clauses=("M-TECH-1", "M-TECH-3"),
    channel="construction spending, then each facility opens as a large institute (high capability, big budget, "
    "initial knowledge) in its field x district; its knowledge enters the spillover pool; national and "
    "international programmes (M-TECH-3) co-fund what the city budget does not cover",
    test="tests/test_levers_tech.py::test_infrastructure_opens_facility_with_knowledge",
    default_source="representative facilities of Guangming Science City and Peng Cheng Lab (press 2019-2023); "
    "costs 1e9 + 1e8/yr each and capability 0.9 are assumptions",
    capacity=_infrastructure_capacity,
    state=InfrastructureState,
)
def infrastructure(ctx: PolicyContext, c: InfrastructureConfig) -> None:
    w, inst, d = ctx.world, ctx.world.institutes, ctx.world.data
    st: InfrastructureState = ctx.state
    now = ctx.now
    ind, dist, due = [], [], []
    for k, fac in enumerate(c.facilities):  # a handful of facilities
        i, di = INDUSTRIES.index(fac.industry), DISTRICTS.index(fac.district)
        start, opens = quarter_index(fac.build_start), quarter_index(fac.opens)
        tag = f"{k}:{fac.name}"
        if start <= now < opens:
            ind.append(i)
            dist.append(di)
            due.append(fac.construction_cost / (opens - start))
        elif now >= opens:
            if tag not in st.rows:
                row = create_institutes(
                    w,
                    1,
                    w.quarter,
                    ctx.rng,
                    carrier_type=d.carrier_types.index("new_rd_institution"),
                    field=np.array([i]),
                    district=np.array([di]),
                )
                inst.budget[row] = fac.operating_budget / 4.0  # one real facility: not scaled by institute_fraction
                inst.target_researchers[row] = fac.researchers
                inst.capability[row] = c.capability
                inst.knowledge[row] = c.initial_knowledge_share * fac.construction_cost
                ctx.effects.grow(w.firms.n, inst.n)
                st.rows[tag] = int(row[0])
            ind.append(i)
            dist.append(di)
            due.append(float(inst.budget[st.rows[tag]]))
    if not due:
        return
    amount = np.array(due)
    qb = ctx.quarter_budget(c.budget)
    if amount.sum() > qb:  # the rest is co-funded by national and provincial programmes (M-TECH-3)
        amount = amount * (qb / amount.sum())
    ctx.spend("tech.infrastructure", np.array(ind), np.array(dist), amount)
