"""Talent levers (四.三): university places and new disciplines (M-TALENT-1), on-the-job skills
training (M-TALENT-2), recruitment subsidies and leading-talent packages (M-TALENT-3), talent
housing (M-TALENT-3 talent services, S-SERVICES housing) and market-based talent evaluation
(M-TALENT-4).

Units: people (city counts; the labour phase turns extra arrivals into talent agents of
scale.people_per_agent people by a Poisson draw), money in yuan (budgets per year, spending booked
per quarter by industry x district). Arrivals are spread over the targeted industry x district
cells in proportion to the cell's employment (firm employees plus institute researchers): people
go where the jobs of their field are. Cell targeting uses industries and districts; sub-fields and
firm size do not apply to flows of people.

Main sources: Shenzhen's 2016 talent measures (《关于促进人才优先发展的若干措施》) put at least 1e9
yuan a year of city money into cultivating and recruiting high-level talent and teams, with awards
of 3e6, 2e6 and 1.6e6 yuan for the three classes of leading and Peacock Plan (孔雀计划) talent and up
to 1e8 yuan per "team + project" (szxxg.com 2016-08-06; Shenzhen Commercial Daily 2016-07-04);
university students 1.0e5 (2018), 1.13e5 (2019), 1.36e5 (2020) and intake 3.8e4 (2019) -> 5.2e4
(2020) (Shenzhen statistical communiqués as reported in 2022); talent housing at about 60% of
market rent (2018 housing reform draft, Asia Times 2018-06) and 300,000 talent housing units
planned for 2016-2020 (SCMP 2016).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import N_DIST, NONE, quarter_index
from sim.params.spec import param
from sim.policy.base import LeverConfig, PolicyContext, lever
from sim.policy.targeting import Targeting


def _jobs(ctx: PolicyContext) -> np.ndarray:
    """People employed by firms and institutes by industry (field) x district [N_IND, N_DIST]."""
    w, view = ctx.world, ctx.view
    return view.cell_sum(w, "employees") + view.institute_cell_sum(w, "researchers")


def _employed_technicians(ctx: PolicyContext) -> float:
    """Employed technicians (skill 0) in the city, people."""
    t = ctx.world.talent
    return float(np.count_nonzero(t.alive & (t.employer_kind > NONE) & (t.skill == 0))) * float(ctx.world.ppa)


def _spread(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` split over cells in proportion to ``weights`` (zeros if there is no weight)."""
    s = weights.sum()
    return total * weights / s if s > 0 else np.zeros_like(weights, dtype=float)


def add_inflow(effects, people: np.ndarray, senior: np.ndarray, professional: np.ndarray) -> None:
    """Add extra arrivals (people per cell this quarter), of whom ``senior`` are senior talent and
    ``professional`` professionals, to what other levers already put into ``effects``; the shares
    are kept as people-weighted means so that levers acting on the same cell add up."""
    old = effects.talent_inflow
    total = old + people
    sen = effects.senior_share_inflow * old + senior
    pro = effects.professional_share_inflow * old + professional
    effects.talent_inflow = total
    effects.senior_share_inflow = np.divide(sen, total, out=np.zeros_like(total), where=total > 0).clip(0, 1)
    effects.professional_share_inflow = np.divide(pro, total, out=np.zeros_like(total), where=total > 0).clip(
        0, 1 - effects.senior_share_inflow
    )


# ---------------------------------------------------------------------------------------------
@dataclass
class UniversityConfig(LeverConfig):
    """More university places and new disciplines tied to industry needs (M-TALENT-1). Each
    autumn (Q3) of the window a cohort of extra students starts; it is paid for during its
    ``study_years`` and graduates in Q3 ``study_years`` later (a 2019 intake graduates in 2023Q3);
    graduates who stay join the talent in-flow as professionals. Graduates of cohorts that finish
    after the window ends are not counted (the lever acts only inside its window)."""

    extra_intake_per_year: float = param(
        20000.0, "per year", "[0, inf)", "students/year above the 2018 intake; Shenzhen's university intake rose"
    )
    # from 3.8e4 (2019) to 5.2e4 (2020) and students from 1.0e5 (2018) to 1.36e5 (2020) (statistical communiqués)
    sei_share: float = param(
        0.6, "share", "[0, 1]", "share of the extra places in disciplines serving the seven industries (assumption)"
    )
    retention: float = param(
        0.5, "share", "[0, 1]", "share of those graduates who join Shenzhen's SEI workforce (assumption)"
    )
    study_years: int = param(4, "years", "[0, inf)", "years from intake to graduation (bachelor's degree)")
    cost_per_place: float = param(
        5.0e4, "yuan", "[0, inf)", "yuan per student-year (assumption: about 4x the national floor of 12,000 yuan"
    )
    # per student for local undergraduate funding set by the Ministries of Finance and Education in 2010)
    budget: float = param(
        2.4e9,
        "yuan/year",
        "[0, inf)",
        "yuan/year = 20,000 x 0.6 SEI places x 4 years x 5e4, the spending once four cohorts study",
    )
    targeting: Targeting = field(default_factory=Targeting)  # fields (industries) and districts of the graduates


def _places(c: UniversityConfig) -> float:
    """SEI places per intake the budget can sustain (students/year)."""
    per_cohort = max(c.study_years, 1) * c.cost_per_place
    return min(c.extra_intake_per_year * c.sei_share, c.budget / per_cohort if per_cohort > 0 else np.inf)


def _university_capacity(c: UniversityConfig) -> float:
    return c.extra_intake_per_year * c.sei_share * max(c.study_years, 1) * c.cost_per_place


@lever(
    "talent.university",
    clauses=("M-TALENT-1",),
    channel="extra SEI student places paid per student-year; study_years later the graduates who stay arrive "
    "as professionals (talent_inflow) in the targeted cells, by the cells' employment",
    test="tests/test_levers_talent.py::test_university_graduates_arrive_after_study",
    default_source="intake +2e4/yr (intake 3.8e4 in 2019, 5.2e4 in 2020, statistical communiqués); SEI share 0.6, "
    "retention 0.5 and 5e4 yuan per student-year are assumptions",
    capacity=_university_capacity,
)
def university(ctx: PolicyContext, c: UniversityConfig) -> None:
    places = _places(c)
    if places <= 0:
        return
    s, e, now = quarter_index(c.start), quarter_index(c.end), ctx.now
    span = 4 * max(c.study_years, 1)
    intakes = np.array([y * 4 + 2 for y in range(s // 4, e // 4 + 1) if s <= y * 4 + 2 <= e])  # Q3 of each year
    studying = int(((intakes <= now) & (now < intakes + span)).sum())
    graduating = int((intakes + span == now).sum())
    weights = _jobs(ctx) * ctx.cell_mask(c.targeting)
    if studying:
        cost = min(studying * places * c.cost_per_place / 4.0, ctx.quarter_budget(c.budget))
        ctx.spend_cells("talent.university", _spread(cost, weights))
    if graduating:
        people = _spread(graduating * places * c.retention, weights)
        add_inflow(ctx.effects, people, np.zeros_like(people), people)


# ---------------------------------------------------------------------------------------------
@dataclass
class TrainingConfig(LeverConfig):
    """On-the-job skills education (M-TALENT-2): subsidised training of employed technicians, a
    share of whom move up to professional (skill 1) through the model's training channel. The
    training rate is city-wide (it cannot be targeted); spending is booked by the cells'
    employment."""

    trainees_per_year: float = param(
        50000.0, "per year", "[0, inf)", "people/year trained among the ~1.6 million SEI technicians (assumption)"
    )
    cost_per_trainee: float = param(
        2000.0, "yuan", "[0, inf)", "yuan; the national skills-upgrade subsidy for an advanced-level certificate"
    )
    # (1,000 / 1,500 / 2,000 yuan for basic / intermediate / advanced, MoHRSS and MoF 2017)
    upgrade_share: float = param(
        0.3, "share", "[0, 1]", "share of trainees who move from technician to professional (assumption)"
    )
    budget: float = param(1.0e8, "yuan/year", "[0, inf)", "yuan/year = 50,000 x 2,000")


def _training_capacity(c: TrainingConfig) -> float:
    return c.trainees_per_year * c.cost_per_trainee


@lever(
    "talent.training",
    clauses=("M-TALENT-2",),
    channel="trainees x upgrade_share / employed technicians is added to the quarterly training rate "
    "(training_rate_add): technicians become professionals",
    test="tests/test_levers_talent.py::test_training_upgrades_technicians",
    default_source="2,000 yuan per trainee (national skills-upgrade subsidy, 2017); 50,000 trainees/yr and 30% "
    "upgrading are assumptions",
    capacity=_training_capacity,
)
def training(ctx: PolicyContext, c: TrainingConfig) -> None:
    if c.cost_per_trainee <= 0:
        return
    trainees = min(c.trainees_per_year / 4.0, ctx.quarter_budget(c.budget) / c.cost_per_trainee)
    tech = _employed_technicians(ctx)
    if trainees <= 0 or tech <= 0:
        return
    base = ctx.world.params.labour.training_rate
    room = max(1.0 - base - ctx.effects.training_rate_add, 0.0)  # a rate is at most 1
    ctx.effects.training_rate_add += min(trainees * c.upgrade_share / tech, room)
    ctx.spend_cells("talent.training", _spread(trainees * c.cost_per_trainee, _jobs(ctx)))


# ---------------------------------------------------------------------------------------------
@dataclass
class RecruitmentConfig(LeverConfig):
    """Recruitment subsidies and leading-talent packages (M-TALENT-3; Peacock Plan). The budget
    buys packages; a share of the recruits would not have come without them (additionality) and
    arrive as extra senior talent, each followed by a small team of professionals."""

    budget: float = (
        1.0e9  # yuan/year; at least 1e9 yuan/yr of city money for high-level talent and teams (2016 measures)
    )
    package_per_talent: float = param(
        2.0e6, "yuan", "[0, inf)", "yuan per recruit; awards of 3e6 / 2e6 / 1.6e6 yuan by class (2016 measures),"
    )
    # most recruits in the lowest class (assumption on the mix)
    team_size: float = param(
        2.0,
        "people",
        "[0, inf)",
        "professionals arriving with each recruit (assumption: Peacock teams have several core",
    )
    # members, individual recruits none)
    additionality: float = param(
        0.5,
        "share",
        "[0, 1]",
        "share of subsidised recruits who would not have come otherwise (assumption; docs/evidence.md)",
        (0.2, 0.8),
    )
    targeting: Targeting = field(default_factory=Targeting)  # fields (industries) and districts of the recruits


@lever(
    "talent.recruitment",
    clauses=("M-TALENT-3",),
    channel="budget / package recruits per year, additionality x (1 + team_size) extra arrivals per recruit "
    "(talent_inflow), the recruits senior (senior_share_inflow), their teams professionals",
    test="tests/test_levers_talent.py::test_recruitment_raises_senior_inflow",
    default_source="1e9 yuan/yr and awards of 1.6e6-3e6 yuan (Shenzhen 2016 talent measures, Peacock Plan); "
    "team size and additionality are assumptions",
)
def recruitment(ctx: PolicyContext, c: RecruitmentConfig) -> None:
    if c.package_per_talent <= 0:
        return
    qb = ctx.quarter_budget(c.budget)
    weights = _jobs(ctx) * ctx.cell_mask(c.targeting)
    recruits = _spread(qb / c.package_per_talent, weights)  # people this quarter
    if recruits.sum() <= 0:
        return
    extra = c.additionality * recruits
    add_inflow(ctx.effects, extra * (1.0 + c.team_size), extra, extra * c.team_size)
    ctx.spend_cells("talent.recruitment", recruits * c.package_per_talent)


# ---------------------------------------------------------------------------------------------
@dataclass
class HousingConfig(LeverConfig):
    """Talent housing support (M-TALENT-3 talent services; S-SERVICES housing in parks): rent
    discounts or subsidies for employed talent in the targeted districts (and industries); the
    supported leave the city less often. The lever acts on the out-migration hazard of employed
    talent by district (outmigration_multiplier) = 1 - retention_effect x the share of the
    district's employed talent supported."""

    budget: float = param(
        1.5e9,
        "yuan/year",
        "[0, inf)",
        "yuan/year; supports ~75,000 SEI workers: 300,000 talent units planned 2016-2020 (SCMP 2016)",
    )
    # x ~1/4, the SEI share of Shenzhen's employment (assumption), x subsidy_per_person
    subsidy_per_person: float = param(
        2.0e4, "yuan", "[0, inf)", "yuan/year; talent housing at ~60% of market rent (2018 reform draft): 40% of"
    )
    # ~4,500 yuan/month for a 60 m2 flat (assumption on size and rent) ~ 21,600 yuan/year
    retention_effect: float = param(
        0.5, "share", "[0, 1]", "fall of the out-migration hazard of a supported person (assumption)"
    )
    targeting: Targeting = field(default_factory=Targeting)  # districts (and industries) of the supported talent


@lever(
    "talent.housing",
    clauses=("M-TALENT-3", "S-SERVICES"),
    channel="budget / subsidy supported people spread over the employment of the targeted cells; out-migration "
    "of the employed falls by retention_effect x the supported share of the district (outmigration_multiplier)",
    test="tests/test_levers_talent.py::test_housing_lowers_outmigration",
    default_source="~75,000 SEI workers housed (300,000 talent units 2016-2020, SCMP 2016, x 1/4 SEI share) at "
    "2e4 yuan/yr (60% of market rent, 2018 reform); retention effect 0.5 is an assumption",
)
def housing(ctx: PolicyContext, c: HousingConfig) -> None:
    if c.subsidy_per_person <= 0:
        return
    employed = _jobs(ctx)  # employed talent lives in its employer's district (sim.kernel.phases.refresh_employment)
    target = employed * ctx.cell_mask(c.targeting)
    supported = np.minimum(_spread(ctx.quarter_budget(c.budget) * 4.0 / c.subsidy_per_person, target), target)
    if supported.sum() <= 0:
        return
    by_district = employed.sum(axis=0)
    share = np.divide(supported.sum(axis=0), by_district, out=np.zeros(N_DIST), where=by_district > 0)
    ctx.effects.outmigration_multiplier *= np.clip(1.0 - c.retention_effect * share, 0.0, 1.0)
    ctx.spend_cells("talent.housing", supported * c.subsidy_per_person / 4.0)


# ---------------------------------------------------------------------------------------------
@dataclass
class EvaluationConfig(LeverConfig):
    """Market-based, international talent evaluation, recommendation and peer review (M-TALENT-4):
    research staff are judged on results rather than titles, so institutes improve faster. No
    budget (an administrative reform)."""

    learning_multiplier: float = param(
        1.2, "multiplier", "[0, inf)", "x capability learning of every institute (assumption: +20%)"
    )


@lever(
    "talent.evaluation",
    clauses=("M-TALENT-4",),
    channel="city-wide multiplier on institutes' capability learning (capability_learning_multiplier); "
    "more capable institutes turn budgets into more knowledge",
    test="tests/test_levers_talent.py::test_evaluation_speeds_capability_learning",
    default_source="assumption: +20% capability learning; no budget (administrative reform)",
)
def evaluation(ctx: PolicyContext, c: EvaluationConfig) -> None:
    ctx.effects.capability_learning_multiplier *= c.learning_multiplier


# ---------------------------------------------------------------------------------------------
@dataclass
class TalentConfig:
    university: UniversityConfig = field(default_factory=UniversityConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    recruitment: RecruitmentConfig = field(default_factory=RecruitmentConfig)
    housing: HousingConfig = field(default_factory=HousingConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
