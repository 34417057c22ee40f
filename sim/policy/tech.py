"""Technology-support levers (四.一 and 三.二.2): new innovation carriers (S-CARRIERS, M-TECH-2),
technology-leading institutes (M-TECH-1, M-TECH-2; target T20-INSTITUTES), common-technology,
testing, pilot-scale and application platforms and national innovation centres (M-TECH-4), and
major S&T infrastructure such as the facilities of Guangming Science City (M-TECH-1), into which
national and international programmes (M-TECH-3) are folded.

Units: money in yuan (budgets per year, spending booked per quarter); carriers, institutes and
platforms are counted at city scale (a model institute agent stands for 1 / scale.institute_fraction
carriers, so counts are converted to agents with stochastic rounding and budgets per agent are
city yuan). Carriers are institute rows (sim.state INSTITUTE_SCHEMA); a lever that creates them
uses sim.phases.create_institutes, which books them in the flow ``institutes_created``.

Split of the observed carrier creation (tech.new_carriers). sim/data/innovation_and_people.csv
records 85 new carriers in 2019, after the plan was issued (2018-11-02), so the observation
already contains the plan's carriers. This module assumes the plan builds carriers at the pace
of its own target T20-CARRIERS (50 or more over 2019-2020, i.e. 25 a year) and that the rest of the
2019 count, 85 - 25 = 60 a year, is organic. The organic rate
``params.demography.institute_creation_per_year`` (sim/config.py, 85 at the time of writing) should
therefore be 60 so that ``policy=plan_2018`` reproduces the 2019 count (60 + 25 = 85) and
``policy=no_plan`` creates 60 a year.

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
from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.policy.base import LeverConfig, PolicyContext, Targeting, lever, quarter_index
from sim.sampling import choose_rows, row_cdf, stochastic_round

LEADING_CAPABILITY = 0.95  # capability index of a technology-leading institute assumed here (see the module docstring)


def _memory(ctx: PolicyContext, key: str) -> dict:
    """State a lever keeps across quarters of one run (rows it created or designated), on the world."""
    return ctx.world.__dict__.setdefault("lever_memory", {}).setdefault(key, {})


def _refuse(key: str, msg: str) -> None:
    """Refuse a config the generic checks (sim.policy.validate) cannot see, e.g. items of a list."""
    from sim.config import ConfigError

    raise ConfigError(f"config key '{key}' {msg}")


def _industry_mask(t: Targeting) -> np.ndarray:
    return (
        np.isin(np.arange(N_IND), [INDUSTRIES.index(i) for i in t.industries]) if t.industries else np.ones(N_IND, bool)
    )


def _district_mask(t: Targeting) -> np.ndarray:
    return (
        np.isin(np.arange(N_DIST), [DISTRICTS.index(d) for d in t.districts]) if t.districts else np.ones(N_DIST, bool)
    )


def _institute_mask(ctx: PolicyContext, t: Targeting) -> np.ndarray:
    """Alive institutes whose field and district the targeting admits (sub-fields too, if given)."""
    inst = ctx.world.institutes
    m = inst.alive & _industry_mask(t)[inst.field] & _district_mask(t)[inst.district]
    if t.subfields:
        ids = ctx.world.data.subfield_ids
        m &= np.isin(inst.subfield, [ids.index(s) for s in t.subfields])
    return m


def _type_ids(types: list[str]) -> np.ndarray:
    known = load_basedata().carrier_types
    return np.array([known.index(s) for s in types], np.int64) if types else np.arange(len(known))


def _check_types(types: list[str], key: str) -> None:
    known = load_basedata().carrier_types
    for s in types:
        if s not in known:
            _refuse(key, f"names an unknown carrier type '{s}'; allowed: {', '.join(known)}")


# ---------------------------------------------------------------------------------------------
@dataclass
class NewCarriersConfig(LeverConfig):
    """New innovation carriers built by the plan (S-CARRIERS, M-TECH-2): key laboratories,
    engineering research centres, public technology platforms, new R&D institutions and
    university centres, placed where their field is and preferably in the districts whose
    plans focus on it (S-CARRIERS: 结合战略性新兴产业发展重点，精准布局 ... 科技创新载体)."""

    carriers_per_year: float = 25.0  # carriers/year (city count); T20-CARRIERS: 50 or more new carriers over 2019-2020
    carrier_types: list[str] = field(default_factory=list)  # ids of sim/data/institutes.csv; empty = drawn by the
    # type shares of the base stock
    budget_multiplier: float = 1.0  # x the type's mean budget (institutes.csv: 4e6-8e7 yuan/year; mean 9.6e6 at the
    # base shares)
    funded_years: float = 5.0  # years the city pays a new carrier's budget (assumption: a five-year construction and
    # evaluation cycle, as the up-to-1e8-yuan-over-five-years support of Shenzhen's Nobel laureate labs, gdass.gov.cn 2019)
    focus_weight: float = (
        1.0  # district weight = its share of the field's VA x (1 + focus_weight where the district's plan
    )
    # focuses on the field: policy.space.district_focus.focus, S-LAYOUT); assumption: focus districts count double
    budget: float = 1.5e9  # yuan/year; assumption: covers the budgets at the default pace once funded_years of carriers
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
)
def new_carriers(ctx: PolicyContext, c: NewCarriersConfig) -> None:
    from sim.phases import create_institutes  # here: sim.phases imports sim.config, which imports this module
    from sim.policy.space import focus_matrix  # the districts' focus plans (S-LAYOUT)

    w, inst, d = ctx.world, ctx.world.institutes, ctx.world.data
    mem = _memory(ctx, "tech.new_carriers")
    rows = mem.get("rows", np.zeros(0, np.int64))
    funded = rows[w.quarter - inst.created_quarter[rows] < 4.0 * c.funded_years]
    qb = ctx.quarter_budget(c.budget)
    frac = w.cfg.scale.institute_fraction
    n = int(stochastic_round(np.array([c.carriers_per_year / 4.0 * frac]), ctx.rng)[0])
    new = np.zeros(0, np.int64)
    if n > 0:
        tids = _type_ids(c.carrier_types)
        p = d.carrier_share[tids] / d.carrier_share[tids].sum()
        itype = tids[ctx.rng.choice(len(tids), size=n, p=p)]
        per_budget = d.carrier_budget[itype] / 4.0 / frac * c.budget_multiplier
        itype = itype[np.cumsum(per_budget) <= qb - inst.budget[funded].sum()]  # only what the budget can carry
        ind_ok, dist_ok = _industry_mask(c.targeting), _district_mask(c.targeting)
        fw = np.sqrt(d.va_2018) * ind_ok  # field mix of the organic carriers (sim.phases.create_institutes)
        ifield = ctx.rng.choice(N_IND, size=len(itype), p=fw / fw.sum())
        plans = focus_matrix(w.cfg.policy.space.district_focus.focus)
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
            mem["rows"] = np.concatenate([rows, new])
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

    n_institutes: float = 10.0  # carriers (city count); T20-INSTITUTES: cultivate 10 technology-leading institutes
    extra_budget_per_institute: float = 2.0e7  # yuan/year each; Shenzhen supports each Nobel laureate lab with up to
    # 1e8 yuan over five years (Wen Wei Po 2017-11-12; gdass.gov.cn 2019), i.e. 2e7/yr
    learning_multiplier: float = 4.0  # x capability learning of the designated (assumption: designated carriers at
    # capability ~0.9 reach 0.95 within about two years, by the 2020 target)
    leading_capability: float = (
        LEADING_CAPABILITY  # capability index of a technology-leading institute (module docstring)
    )
    budget: float = 2.0e8  # yuan/year = n_institutes x extra_budget_per_institute
    targeting: Targeting = field(default_factory=Targeting)  # fields, districts, sub-fields of eligible carriers


def _leading_capacity(c: LeadingInstitutesConfig) -> float:
    if c.leading_capability > 1.0:
        _refuse(
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
)
def leading_institutes(ctx: PolicyContext, c: LeadingInstitutesConfig) -> None:
    w, inst = ctx.world, ctx.world.institutes
    mem = _memory(ctx, "tech.leading_institutes")
    if "rows" not in mem:
        want = c.n_institutes * w.cfg.scale.institute_fraction
        n = max(1, int(np.floor(want + 0.5))) if want > 0 else 0
        eligible = np.flatnonzero(_institute_mask(ctx, c.targeting) & (inst.capability < c.leading_capability))
        mem["rows"] = eligible[np.argsort(-inst.capability[eligible], kind="stable")][:n]
    rows = mem["rows"]
    rows = rows[inst.alive[rows]]
    if len(rows) == 0:
        return
    per = 1.0 / w.cfg.scale.institute_fraction  # carriers an agent stands for
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

    platforms_per_year: float = 5.0  # platforms/year (city count); assumption: "a batch" (一批), ~35 by 2025
    absorption_gain: float = 0.05  # per platform: +5% absorption of reachable knowledge in its cell (assumption)
    budget_per_platform: float = 1.5e7  # yuan/year while funded: Shenzhen funds a manufacturing-innovation-centre
    # public platform with up to 5e7 yuan over up to 3 years (深工信规〔2021〕1号, a 2021 rule used for the order of magnitude)
    funded_years: float = 3.0  # years of city funding per platform (same rule: construction period up to 3 years)
    budget: float = 2.25e8  # yuan/year = 5/yr x 3 yr x 1.5e7 yuan, the spending at full ramp-up
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
)
def platforms(ctx: PolicyContext, c: PlatformsConfig) -> None:
    w, f = ctx.world, ctx.world.firms
    mem = _memory(ctx, "tech.platforms")
    cells = mem.setdefault("cells", np.zeros(0, np.int64))  # flattened industry x district cell of each platform
    built = mem.setdefault("built", np.zeros(0, np.int64))  # quarter index of each platform's opening
    funded = w.quarter - built < 4.0 * c.funded_years
    qb = ctx.quarter_budget(c.budget)
    mem["owed"] = mem.get("owed", 0.0) + c.platforms_per_year / 4.0  # platforms due so far, not yet built
    per_q = max(c.budget_per_platform / 4.0, 1e-9)
    room = int(np.floor((qb - funded.sum() * per_q) / per_q + 1e-9))  # platforms the budget can still fund
    n = max(0, min(int(np.floor(mem["owed"] + 1e-9)), room))
    if n > 0:
        ok = (_industry_mask(c.targeting)[:, None] & _district_mask(c.targeting)[None, :]).reshape(-1)
        out = (
            np.bincount(
                f.industry[f.alive].astype(np.int64) * N_DIST + f.district[f.alive],
                weights=f.output[f.alive],
                minlength=N_IND * N_DIST,
            )
            * ok
        )
        wts = out if out.sum() > 0 else ok.astype(float)
        new = ctx.rng.choice(N_IND * N_DIST, size=n, p=wts / wts.sum())
        mem["owed"] -= n
        cells = mem["cells"] = np.concatenate([cells, new])
        built = mem["built"] = np.concatenate([built, np.full(n, w.quarter)])
        funded = np.concatenate([funded, np.ones(n, bool)])
    if len(cells) == 0:
        return
    count = np.bincount(cells, minlength=N_IND * N_DIST)
    ctx.effects.spillover_multiplier *= 1.0 + c.absorption_gain * count
    fc = cells[funded]
    amount = np.full(len(fc), min(c.budget_per_platform / 4.0, qb / max(len(fc), 1)))
    ctx.spend("tech.platforms", fc // N_DIST, fc % N_DIST, amount)


# ---------------------------------------------------------------------------------------------
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
    construction_cost: float = 1.0e9  # yuan in total; assumption: order of magnitude of a Chinese major S&T facility
    operating_budget: float = 1.0e8  # yuan/year after opening; assumption: ~10% of the construction cost a year
    researchers: float = 300.0  # target research staff (people); the mean of a new R&D institution (institutes.csv)

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
    capability: float = 0.9  # capability index of a facility at opening (assumption: between a new R&D institution's
    # 0.8 and LEADING_CAPABILITY)
    initial_knowledge_share: float = 0.2  # knowledge (yuan-equivalent) at opening per yuan of construction
    # (assumption: design and engineering know-how of the instrument, open to users)
    budget: float = 1.5e9  # yuan/year; construction of the default list peaks at ~1.3e9/yr in 2019-2020 (assumption)


def _infrastructure_capacity(c: InfrastructureConfig) -> float:
    from sim.config import QUARTER_RE

    total = 0.0
    for k, fac in enumerate(c.facilities):
        key = f"policy.tech.infrastructure.facilities[{k}]"
        if fac.industry not in INDUSTRIES:
            _refuse(f"{key}.industry", f"names an unknown industry '{fac.industry}'; allowed: {', '.join(INDUSTRIES)}")
        if fac.district not in DISTRICTS:
            _refuse(f"{key}.district", f"names an unknown district '{fac.district}'; allowed: {', '.join(DISTRICTS)}")
        for name in ("build_start", "opens"):
            if not QUARTER_RE.match(str(getattr(fac, name))):
                _refuse(f"{key}.{name}", f"must be a quarter like '2019Q1', got '{getattr(fac, name)}'")
        if quarter_index(fac.opens) < quarter_index(fac.build_start):
            _refuse(f"{key}.opens", f"({fac.opens}) is before its build_start ({fac.build_start})")
        for name in ("construction_cost", "operating_budget", "researchers"):
            v = getattr(fac, name)
            if not (np.isfinite(v) and v >= 0):
                _refuse(f"{key}.{name}", f"must be a finite number >= 0, got {v}")
        build_years = max(quarter_index(fac.opens) - quarter_index(fac.build_start), 1) / 4.0
        total += fac.construction_cost / build_years + 1.5 * fac.operating_budget  # 1.5: budget growth
    if c.capability > 1.0:
        _refuse("policy.tech.infrastructure.capability", f"must be a capability in [0, 1], got {c.capability}")
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
)
def infrastructure(ctx: PolicyContext, c: InfrastructureConfig) -> None:
    w, inst, d = ctx.world, ctx.world.institutes, ctx.world.data
    mem = _memory(ctx, "tech.infrastructure")  # facility name -> institute row
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
            if tag not in mem:
                from sim.phases import create_institutes

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
                mem[tag] = int(row[0])
            ind.append(i)
            dist.append(di)
            due.append(float(inst.budget[mem[tag]]))
    if not due:
        return
    due = np.array(due)
    qb = ctx.quarter_budget(c.budget)
    if due.sum() > qb:  # the rest is co-funded by national and provincial programmes (M-TECH-3)
        due = due * (qb / due.sum())
    ctx.spend("tech.infrastructure", np.array(ind), np.array(dist), due)


# ---------------------------------------------------------------------------------------------
@dataclass
class TechConfig:
    new_carriers: NewCarriersConfig = field(default_factory=NewCarriersConfig)
    leading_institutes: LeadingInstitutesConfig = field(default_factory=LeadingInstitutesConfig)
    platforms: PlatformsConfig = field(default_factory=PlatformsConfig)
    infrastructure: InfrastructureConfig = field(default_factory=InfrastructureConfig)
