"""Technology-support levers (四.一 and 三.二.2): new innovation carriers (S-CARRIERS, M-TECH-2),
technology-leading institutes (M-TECH-1, M-TECH-2; target T20-INSTITUTES), common-technology,
testing, pilot-scale and application platforms and national innovation centres (M-TECH-4), and
major S&T infrastructure such as the facilities of Guangming Science City (M-TECH-1), into which
national and international programmes (M-TECH-3) are folded.

Units: money in yuan (budgets per year, spending booked per quarter); carriers, institutes and
platforms are counted at city scale (a model institute agent stands for 1 / scale.institute_fraction
carriers, so counts are converted to agents with stochastic rounding and budgets per agent are
city yuan). Carriers are institute rows (sim.kernel.state INSTITUTE_SCHEMA); a lever that creates them
uses sim.kernel.entry.create_institutes, which books them in the flow ``institutes_created``.

Split of the observed carrier creation (tech.new_carriers). sim/data/innovation_and_people.csv
records 85 new carriers in 2019, after the plan was issued (2018-11-02), so the observation
already contains the plan's carriers. This module assumes the plan builds carriers at the pace
of its own target T20-CARRIERS (50 or more over 2019-2020, i.e. 25 a year) and that the rest of the
2019 count, 85 - 25 = 60 a year, is organic: the default of the organic rate
``params.demography.institute_creation_per_year`` (sim/params/economy.py) is 60, and the calibration
(configs/calibration/default.yaml) fits it so that ``policy=plan_2018`` reproduces the 2019 count.

Technology-leading institutes (tech.leading_institutes). Capability is a 0-1 index
(sim/data/institutes.csv; new R&D institutions average 0.8 with noise sd 0.08, capped at 0.99).
At the base year about 30 of 1,877 carriers already have capability >= 0.85 and about 63 do by
the end of 2020 without any lever (city scale, seed 0), so 0.85 cannot tell a carrier the plan
"cultivated" from the base stock. This module takes LEADING_CAPABILITY = 0.95 (1 carrier at the
base year, about 4 at the end of 2020 without levers) as the mark of a technology-leading
institute; the lever designates carriers below it and raises their budget and learning so that
they cross it by the end of 2020.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.basedata import load as load_basedata
from sim.errors import check
from sim.ids import N_DIST, N_IND, quarter_index
from sim.kernel.entry import create_institutes
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.infrastructure import InfrastructureConfig
from sim.policy.space import focus_matrix
from sim.policy.targeting import Targeting, cell_mask, district_mask, industry_mask, institute_mask
from sim.sampling import choose_rows, row_cdf

LEADING_CAPABILITY = 0.95  # capability index of a technology-leading institute assumed here (see the module docstring)


def _rows() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class NewCarriersState:
    rows: np.ndarray = field(default_factory=_rows)  # institute rows the lever created


@dataclass
class LeadingInstitutesState:
    rows: np.ndarray | None = None  # institute rows designated at the lever's first active quarter


@dataclass
class PlatformsState:
    cells: np.ndarray = field(default_factory=_rows)  # flattened industry x district cell of each platform
    built: np.ndarray = field(default_factory=_rows)  # quarter index of each platform's opening
    owed: float = 0.0  # platforms due so far, not yet built


def refuse(key: str, msg: str) -> None:
    """Refuse a config the generic checks (sim.policy.validate) cannot see, e.g. items of a list."""
    check(False, key, msg)


def _type_ids(types: list[str]) -> np.ndarray:
    known = load_basedata().carrier_types
    return np.array([known.index(s) for s in types], np.int64) if types else np.arange(len(known))


def _check_types(types: list[str], key: str) -> None:
    known = load_basedata().carrier_types
    for s in types:
        if s not in known:
            refuse(key, f"names an unknown carrier type '{s}'; allowed: {', '.join(known)}")


# ---------------------------------------------------------------------------------------------
@dataclass
class NewCarriersConfig(LeverConfig):
    """New innovation carriers built by the plan (S-CARRIERS, M-TECH-2): key laboratories,
    engineering research centres, public technology platforms, new R&D institutions and
    university centres, placed where their field is and preferably in the districts whose
    plans focus on it (S-CARRIERS: 结合战略性新兴产业发展重点，精准布局 ... 科技创新载体)."""

    carriers_per_year: float = param(
        25.0, "per year", "[0, inf)", "carriers/year (city count); T20-CARRIERS: 50 or more new carriers over 2019-2020"
    )
    carrier_types: list[str] = field(default_factory=list)  # ids of sim/data/institutes.csv; empty = drawn by the
    # type shares of the base stock
    budget_multiplier: float = param(
        1.0, "multiplier", "[0, inf)", "x the type's mean budget (institutes.csv: 4e6-8e7 yuan/year; mean 9.6e6 at the"
    )
    # base shares)
    funded_years: float = param(
        5.0, "years", "[0, inf)", "years the city pays a new carrier's budget (assumption: a five-year construction and"
    )
    # evaluation cycle, as the up-to-1e8-yuan-over-five-years support of Shenzhen's Nobel laureate labs, gdass.gov.cn 2019)
    focus_weight: float = (
        1.0  # district weight = its share of the field's VA x (1 + focus_weight where the district's plan
    )
    # focuses on the field: policy.space.district_focus.focus, S-LAYOUT); assumption: focus districts count double
    budget: float = param(
        1.5e9,
        "yuan/year",
        "[0, inf)",
        "yuan/year; assumption: covers the budgets at the default pace once funded_years of carriers",
    )
    # are running (25/yr x 5 yr x 9.6e6 yuan x ~1.2 budget growth = 1.4e9)
    targeting: Targeting = field(default_factory=Targeting)  # fields (industries) and districts of the new carriers


def _new_carriers_capacity(c: NewCarriersConfig) -> float:
    _check_types(c.carrier_types, "policy.tech.new_carriers.carrier_types")
    d = load_basedata()
    years = (quarter_index(c.end) - quarter_index(c.start) + 1) / 4.0
    top = float(d.carrier_budget[_type_ids(c.carrier_types)].max()) * c.budget_multiplier
    # every carrier of the most expensive type, funded for the whole of funded_years, with budget growth (x1.5)
    return (c.carriers_per_year + 4.0) * min(c.funded_years, max(years, 0.25)) * top * 1.5


@lever(
    "tech.new_carriers",
    clauses=("S-CARRIERS", "M-TECH-2"),
    channel="new institutes (type; field; district by the field's location share, more in districts whose plan "
    "focuses on it) with the type's budget, "
    "hiring researchers; their knowledge enters the spillover pool; the city pays their budgets for funded_years",
    test="tests/test_levers_tech.py::test_new_carriers_add_carriers_and_knowledge",
    default_source="T20-CARRIERS pace (50 over 2019-2020 = 25/yr); of the 85 carriers observed in 2019 "
    "(innovation_and_people.csv) 25 are the plan's, 60 organic (assumption); budgets institutes.csv",
    capacity=_new_carriers_capacity,
    state=NewCarriersState,
)
def new_carriers(ctx: PolicyContext, c: NewCarriersConfig) -> None:
    w, inst, d = ctx.world, ctx.world.institutes, ctx.world.data
    st: NewCarriersState = ctx.state
    rows = st.rows
    funded = rows[w.quarter - inst.created_quarter[rows] < 4.0 * c.funded_years]
    qb = ctx.quarter_budget(c.budget)
    frac = w.scale.institute_fraction
    n = ctx.quarter_count(c.carriers_per_year, frac)
    new = np.zeros(0, np.int64)
    if n > 0:
        tids = _type_ids(c.carrier_types)
        p = d.carrier_share[tids] / d.carrier_share[tids].sum()
        itype = tids[ctx.rng.choice(len(tids), size=n, p=p)]
        per_budget = d.carrier_budget[itype] / 4.0 / frac * c.budget_multiplier
        itype = itype[np.cumsum(per_budget) <= qb - inst.budget[funded].sum()]  # only what the budget can carry
        ind_ok, dist_ok = industry_mask(c.targeting), district_mask(c.targeting)
        fw = np.sqrt(d.va_2018) * ind_ok  # field mix of the organic carriers (sim.kernel.entry.create_institutes)
        ifield = ctx.rng.choice(N_IND, size=len(itype), p=fw / fw.sum())
        plans = focus_matrix(ctx.policy.space.district_focus.focus)
        loc = (d.location_share * (1.0 + c.focus_weight * plans) + 1e-12) * dist_ok[None, :]  # 1e-12: a targeted
        idist = choose_rows(row_cdf(loc), ifield, ctx.rng)  # district without the field still gets its carriers
        parts = []
        for t in np.unique(itype):  # one call per carrier type (at most five)
            k = itype == t
            parts.append(
                create_institutes(
                    w,
                    int(k.sum()),
                    w.quarter,
                    ctx.rng,
                    carrier_type=int(t),
                    field=ifield[k],
                    district=idist[k],
                    budget_multiplier=c.budget_multiplier,
                )
            )
        if parts:
            new = np.concatenate(parts)
            ctx.effects.grow(w.firms.n, inst.n)
            st.rows = np.concatenate([rows, new])
    pay = np.concatenate([funded, new])
    due = inst.budget[pay]
    if due.sum() > qb:  # budgets grow 1.5%/quarter: pay at most the quarter's budget, the hosts the rest
        due = due * (qb / due.sum())
    ctx.spend("tech.new_carriers", inst.field[pay], inst.district[pay], due)


# ---------------------------------------------------------------------------------------------
@dataclass
class LeadingInstitutesConfig(LeverConfig):
    """Upgrade of selected high-capability carriers into technology-leading institutes (M-TECH-1,
    M-TECH-2; target T20-INSTITUTES): at its first active quarter the lever designates the
    ``n_institutes`` carriers of highest capability still below ``leading_capability`` and, every
    quarter of its window, adds to their budget and speeds up their capability learning."""

    n_institutes: float = param(
        10.0, "number", "[0, inf)", "carriers (city count); T20-INSTITUTES: cultivate 10 technology-leading institutes"
    )
    extra_budget_per_institute: float = param(
        2.0e7, "yuan/year", "[0, inf)", "yuan/year each; Shenzhen supports each Nobel laureate lab with up to"
    )
    # 1e8 yuan over five years (Wen Wei Po 2017-11-12; gdass.gov.cn 2019), i.e. 2e7/yr
    learning_multiplier: float = param(
        4.0, "multiplier", "[0, inf)", "x capability learning of the designated (assumption: designated carriers at"
    )
    # capability ~0.9 reach 0.95 within about two years, by the 2020 target)
    leading_capability: float = (
        LEADING_CAPABILITY  # capability index of a technology-leading institute (module docstring)
    )
    budget: float = param(2.0e8, "yuan/year", "[0, inf)", "yuan/year = n_institutes x extra_budget_per_institute")
    targeting: Targeting = field(default_factory=Targeting)  # fields, districts, sub-fields of eligible carriers


def _leading_capacity(c: LeadingInstitutesConfig) -> float:
    if c.leading_capability > 1.0:
        refuse(
            "policy.tech.leading_institutes.leading_capability",
            f"must be a capability in [0, 1], got {c.leading_capability}",
        )
    return (c.n_institutes + 10.0) * c.extra_budget_per_institute  # +10: agent rounding at small scales


@lever(
    "tech.leading_institutes",
    clauses=("M-TECH-1", "M-TECH-2"),
    channel="the carriers designated at the start get extra budget (institute_budget: more knowledge, faster "
    "learning) and a learning multiplier (institute_learning_multiplier) that lift them past leading_capability",
    test="tests/test_levers_tech.py::test_leading_institutes_raise_capability_of_designated",
    default_source="T20-INSTITUTES (10 institutes); 2e7 yuan/yr each (1e8 over five years for Nobel labs, "
    "Wen Wei Po 2017-11-12); learning x4 and threshold 0.95 are assumptions",
    capacity=_leading_capacity,
    state=LeadingInstitutesState,
)
def leading_institutes(ctx: PolicyContext, c: LeadingInstitutesConfig) -> None:
    w, inst = ctx.world, ctx.world.institutes
    st: LeadingInstitutesState = ctx.state
    if st.rows is None:
        want = c.n_institutes * w.scale.institute_fraction
        n = max(1, int(np.floor(want + 0.5))) if want > 0 else 0
        eligible = np.flatnonzero(institute_mask(w, c.targeting) & (inst.capability < c.leading_capability))
        st.rows = eligible[np.argsort(-inst.capability[eligible], kind="stable")][:n]
    rows = st.rows
    rows = rows[inst.alive[rows]]
    if len(rows) == 0:
        return
    per = 1.0 / w.scale.institute_fraction  # carriers an agent stands for
    amount = min(c.extra_budget_per_institute / 4.0 * per, ctx.quarter_budget(c.budget) / len(rows))
    ctx.effects.institute_budget[rows] += amount
    ctx.effects.institute_learning_multiplier[rows] *= c.learning_multiplier
    ctx.spend("tech.leading_institutes", inst.field[rows], inst.district[rows], np.full(len(rows), amount))


# ---------------------------------------------------------------------------------------------
@dataclass
class PlatformsConfig(LeverConfig):
    """Common-technology R&D, testing, pilot-scale (中试) and application platforms and national
    industry and manufacturing innovation centres (M-TECH-4). A platform serves the firms of its
    industry x district cell: they absorb more of the knowledge reachable from the cell
    (spillover_multiplier). Platforms are placed in the targeted cells in proportion to the
    cell's SEI output (where the industry is), are funded for ``funded_years`` and then keep
    working without city money."""

    platforms_per_year: float = param(
        5.0, "per year", "[0, inf)", 'platforms/year (city count); assumption: "a batch" (一批), ~35 by 2025'
    )
    absorption_gain: float = param(
        0.05,
        "number",
        "[0, inf)",
        "per platform: +5% absorption of reachable knowledge in its cell (assumption; docs/evidence.md)",
        (0.0, 0.1),
    )
    budget_per_platform: float = param(
        1.5e7, "yuan/year", "[0, inf)", "yuan/year while funded: Shenzhen funds a manufacturing-innovation-centre"
    )
    # public platform with up to 5e7 yuan over up to 3 years (深工信规〔2021〕1号, a 2021 rule used for the order of magnitude)
    funded_years: float = param(
        3.0, "years", "[0, inf)", "years of city funding per platform (same rule: construction period up to 3 years)"
    )
    budget: float = param(
        2.25e8, "yuan/year", "[0, inf)", "yuan/year = 5/yr x 3 yr x 1.5e7 yuan, the spending at full ramp-up"
    )
    targeting: Targeting = field(default_factory=Targeting)  # industries and districts of the platforms


def _platforms_capacity(c: PlatformsConfig) -> float:
    years = (quarter_index(c.end) - quarter_index(c.start) + 1) / 4.0
    return (c.platforms_per_year * min(c.funded_years, max(years, 0.25)) + 1.0) * c.budget_per_platform


@lever(
    "tech.platforms",
    clauses=("M-TECH-4",),
    channel="platforms raise the absorption of reachable knowledge (spillover_multiplier) of the firms in their "
    "industry x district cell by absorption_gain each; more spillovers -> knowledge -> TFP",
    test="tests/test_levers_tech.py::test_platforms_raise_spillover_knowledge_in_their_cells",
    default_source="5 platforms/yr and +5% absorption each (assumptions); 1.5e7 yuan/yr for 3 years each "
    "(Shenzhen manufacturing innovation centre platform support, up to 5e7 over 3 years)",
    capacity=_platforms_capacity,
    state=PlatformsState,
)
def platforms(ctx: PolicyContext, c: PlatformsConfig) -> None:
    w = ctx.world
    st: PlatformsState = ctx.state
    cells, built = st.cells, st.built
    funded = w.quarter - built < 4.0 * c.funded_years
    qb = ctx.quarter_budget(c.budget)
    st.owed += c.platforms_per_year / 4.0
    per_q = max(c.budget_per_platform / 4.0, 1e-9)
    room = int(np.floor((qb - funded.sum() * per_q) / per_q + 1e-9))  # platforms the budget can still fund
    n = max(0, min(int(np.floor(st.owed + 1e-9)), room))
    if n > 0:
        ok = cell_mask(c.targeting).reshape(-1)
        out = ctx.view.cell_sum(w, "output").reshape(-1) * ok  # output of alive firms by cell
        wts = out if out.sum() > 0 else ok.astype(float)
        new = ctx.rng.choice(N_IND * N_DIST, size=n, p=wts / wts.sum())
        st.owed -= n
        cells = st.cells = np.concatenate([cells, new])
        built = st.built = np.concatenate([built, np.full(n, w.quarter)])
        funded = np.concatenate([funded, np.ones(n, bool)])
    if len(cells) == 0:
        return
    count = np.bincount(cells, minlength=N_IND * N_DIST)
    ctx.effects.spillover_multiplier *= 1.0 + c.absorption_gain * count
    fc = cells[funded]
    amount = np.full(len(fc), min(c.budget_per_platform / 4.0, qb / max(len(fc), 1)))
    ctx.spend("tech.platforms", fc // N_DIST, fc % N_DIST, amount)


# ---------------------------------------------------------------------------------------------
@dataclass
class TechConfig:
    new_carriers: NewCarriersConfig = field(default_factory=NewCarriersConfig)
    leading_institutes: LeadingInstitutesConfig = field(default_factory=LeadingInstitutesConfig)
    platforms: PlatformsConfig = field(default_factory=PlatformsConfig)
    infrastructure: InfrastructureConfig = field(default_factory=InfrastructureConfig)  # sim.policy.infrastructure
