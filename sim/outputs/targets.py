"""The plan's targets (PLAN.md T20-*, T25-*, TLT-*), declared once, and the metrics that measure them.

A target is a plan statement (id, year, wording), a metric (a function of one run's records,
``RunMeasures``) and a rule: ``value  >=  threshold`` (or ``>``), where the threshold is absolute
or relative to the metric's value in a reference year (``value(Y) >= value(2018) + t`` or
``value(Y) >= t x value(2018)``). The metric and the threshold of every target are config keys
(``targets.settings.<ID>.metric`` / ``.threshold``, group ``configs/targets/``); the definitions
they use (cluster measure and lists, zone test, revenue thresholds, capability threshold) are the
other keys of the ``targets`` node. docs/targets.md explains every choice.

Counting agents at reduced scale: at ``scale=small`` one firm agent stands for ten firms and one
institute agent for ten carriers. Counts of events drawn at a rate proportional to the population
(new carriers, inward investments, breakthroughs) and counts of institutes are multiplied by
1 / fraction; counts of firms above a revenue threshold count agents as firms, because the size
distribution is normalised to the same industry totals at every scale, so its tail is similar
(city and small scale give similar counts of firms above 1e10 and 1.56e11 yuan; docs/targets.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params.spec import param

QUANTITATIVE, PROXY = "quantitative", "proxy"


# ---------------------------------------------------------------------------------------------
# The targets
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One target of the plan (一.三). ``year`` None means the long term: the run's last year."""

    id: str
    year: int | None
    short: str  # plan wording, short English (printed)
    wording_en: str  # plan wording, English (PLAN.md)
    wording_zh: str  # the plan's Chinese
    metric: str  # default metric (config: targets.settings.<id>.metric)
    threshold: float  # default threshold (config: targets.settings.<id>.threshold)
    comparison: str  # ">=" or ">"
    kind: str  # quantitative | proxy
    unit: str
    note: str  # how the metric reads the target
    relative_to: int | None = None  # reference year of a relative threshold
    relative: str = "difference"  # difference: value(ref) + threshold; ratio: threshold x value(ref)

    def rule(self, threshold: float | None = None) -> str:
        t = self.threshold if threshold is None else threshold
        if self.relative_to is None:
            return f"{self.comparison} {_fmt(t)}"
        if self.relative == "ratio":
            return f"{self.comparison} {_fmt(t)} x {self.relative_to}"
        return f"{self.comparison} {self.relative_to} + {_fmt(t)}" if t else f"{self.comparison} {self.relative_to}"


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.3g}"


TARGETS: tuple[Target, ...] = (
    Target(
        "T20-CARRIERS",
        2020,
        ">=50 new innovation carriers",
        "build 50 or more new innovation carriers",
        "新建50个以上创新载体",
        "carriers_created",
        50,
        ">=",
        QUANTITATIVE,
        "carriers",
        "innovation carriers (institutes of any type) created from targets.plan_start to the end of the year",
    ),
    Target(
        "T20-INSTITUTES",
        2020,
        "10 technology-leading institutes",
        "cultivate 10 technology-leading research institutions",
        "培育10家技术引领型的研究机构",
        "leading_institutes",
        10,
        ">=",
        QUANTITATIVE,
        "institutes",
        "institutes (any age) with capability >= targets.institutes.leading_capability at the year end; "
        "cultivated = the increase over the end of 2018 (institutes never exit, capability never falls)",
        relative_to=2018,
    ),
    Target(
        "T20-FIRMS",
        2020,
        "a batch of competitive firms",
        "a batch of internationally competitive multinationals and innovative enterprises",
        "一批具有国际竞争力的跨国公司及创新型企业",
        "large_firms",
        3,
        ">=",
        PROXY,
        "firms",
        "firms with annual revenue >= targets.firms.large_revenue_yuan (百亿 firms); a batch = at least 3 more than in 2018",
        relative_to=2018,
    ),
    Target(
        "T20-POLICIES",
        2020,
        "a batch of precise policies",
        "a batch of precise support policies",
        "创新推出一批精准化扶持政策",
        "policy_levers",
        3,
        ">=",
        PROXY,
        "levers",
        "policy levers of the run config enabled with a window starting by the end of the year",
    ),
    Target(
        "T20-PROJECTS",
        2020,
        ">=100 major S&T projects",
        "organise and implement 100 or more major S&T industry projects",
        "组织实施100个以上重大科技产业发展项目",
        "inward_entries",
        100,
        ">=",
        QUANTITATIVE,
        "projects",
        "large inward investments and major projects (firm entries of kind INWARD) from targets.plan_start",
    ),
    Target(
        "T20-TALENT",
        2020,
        "leading talent team",
        "a leading talent team of world-class scientists and entrepreneurs",
        "造就一支以世界级科学家、杰出企业家为主体的领军人才队伍",
        "senior_talent",
        1.10,
        ">=",
        PROXY,
        "people",
        "senior-skill talent in the city (skill 2) at the year end, at least 1.10 x the end of 2018 (~5%/yr)",
        relative_to=2018,
        relative="ratio",
    ),
    Target(
        "T20-TECH",
        2020,
        "key common technologies",
        "master a batch of key common technologies",
        "攻克并掌握一批关键共性技术",
        "institute_knowledge",
        1.22,
        ">=",
        PROXY,
        "yuan-equivalent",
        "knowledge stock of the innovation carriers (public, common technology) at the year end, at least "
        "1.22 x the end of 2018: faster than the pre-plan growth the base year assumes (2.5%/quarter, 1.025^8 = 1.218)",
        relative_to=2018,
        relative="ratio",
    ),
    Target(
        "T20-TRILLION",
        2020,
        "a trillion-yuan cluster",
        "in advantaged fields, strive for a trillion-yuan industry cluster",
        "在优势领域力争打造出万亿产业集群",
        "trillion_clusters",
        1,
        ">=",
        QUANTITATIVE,
        "clusters",
        "clusters of targets.clusters.trillion_clusters with annual targets.clusters.measure >= targets.clusters.trillion_yuan",
    ),
    Target(
        "T20-HUNDREDBN",
        2020,
        "a batch of 100bn clusters",
        "in frontier fields, a batch of hundred-billion-yuan clusters with strong pull",
        "在前沿领域争取建成一批带动能力突出、竞争优势明显的千亿级产业集群",
        "hundred_billion_clusters",
        3,
        ">=",
        QUANTITATIVE,
        "clusters",
        "clusters of targets.clusters.hundred_billion_clusters with annual measure >= targets.clusters.hundred_billion_yuan; "
        "built = at least 3 (a batch) more than in 2018",
        relative_to=2018,
    ),
    Target(
        "T25-RENOWN",
        2025,
        "internationally renowned S&T",
        "internationally renowned S&T level; master frontier and modern engineering technologies",
        "战略性新兴产业科技创新水平国际知名，掌握一批前沿引领技术和现代工程技术",
        "leading_institutes",
        2.0,
        ">=",
        PROXY,
        "institutes",
        "technology-leading institutes at the year end, at least twice as many as at the end of 2018",
        relative_to=2018,
        relative="ratio",
    ),
    Target(
        "T25-FORTUNE",
        2025,
        "more Fortune Global 500 firms",
        "more Fortune Global 500 firms and many innovative firms",
        "力争培育更多世界五百强企业和一大批创新型企业",
        "global500_firms",
        0,
        ">",
        QUANTITATIVE,
        "firms",
        "firms with annual revenue (model: gross output) >= targets.firms.global500_revenue_yuan, more than in 2018",
        relative_to=2018,
    ),
    Target(
        "T25-ZONES",
        2025,
        ">=10 zones >10bn, full chains",
        "10 or more agglomeration zones each over 10 billion yuan with complete chains",
        "建成10个以上产业规模超百亿、产业链条完备、产业配套完善的新兴产业集聚区",
        "complete_zones",
        10,
        ">=",
        QUANTITATIVE,
        "zones",
        "zones (district x industry) with annual output >= targets.zones.min_output_yuan and in-city input share "
        "(network purchases / intermediate inputs) >= targets.zones.min_local_input_share",
    ),
    Target(
        "T25-CLUSTERS",
        2025,
        "more 100bn and trillion clusters",
        "more hundred-billion and trillion-yuan clusters",
        "打造更多千亿级和万亿级优势产业集群",
        "cluster_levels",
        0,
        ">",
        QUANTITATIVE,
        "cluster levels",
        "clusters of both lists at >= hundred_billion_yuan plus those at >= trillion_yuan (a trillion cluster counts "
        "twice), more than in 2020",
        relative_to=2020,
    ),
    Target(
        "TLT-SOURCE",
        None,
        "global source of innovation",
        "global source of emerging technology and industry innovation",
        "成为全球重要的新兴科技与产业创新发展策源地",
        "knowledge_intensity",
        1.0,
        ">",
        PROXY,
        "ratio",
        "knowledge stock of firms and carriers per yuan of annual SEI value added in the run's last year, above its 2018 level",
        relative_to=2018,
        relative="ratio",
    ),
)
TARGET_BY_ID: dict[str, Target] = {t.id: t for t in TARGETS}


@dataclass
class TargetSetting:
    metric: str = ""  # a metric of sim.outputs.targets.METRICS
    threshold: float = 0.0  # absolute, or relative to the target's reference year (sim/targets.py)


def default_settings() -> dict[str, TargetSetting]:
    """The default ``targets.settings`` node: metric and threshold of every target."""
    return {t.id: TargetSetting(metric=t.metric, threshold=float(t.threshold)) for t in TARGETS}


# ---------------------------------------------------------------------------------------------
# The definitions the metrics use (group `targets`, configs/targets/; docs/targets.md)
# ---------------------------------------------------------------------------------------------
@dataclass
class ClusterTargetsConfig:
    measure: str = "output"  # output (产值, the plan's convention for cluster scale) or value_added
    trillion_yuan: float = param(1.0e12, "yuan/year", "(0, inf)", "万亿 (trillion) threshold of a cluster")
    hundred_billion_yuan: float = param(1.0e11, "yuan/year", "(0, inf)", "千亿 (100 billion) threshold of a cluster")
    # industry ids, sub-field ids (sim/data/subfields.csv) or the groups 'industries' / 'subfields'
    trillion_clusters: list[str] = field(default_factory=lambda: ["industries", "subfields"])  # advantaged fields
    hundred_billion_clusters: list[str] = field(default_factory=lambda: ["subfields"])  # frontier fields


@dataclass
class ZoneTargetsConfig:
    min_output_yuan: float = param(1.0e10, "yuan/year", "(0, inf)", "百亿: output of a district x industry zone")
    min_local_input_share: float = param(
        0.2,
        "share",
        "[0, 1]",
        "network purchases / intermediate inputs; full in-city SEI sourcing gives 0.21-0.34 by industry (io_coefficients.csv)",
    )


@dataclass
class FirmTargetsConfig:
    global500_revenue_yuan: float = (
        1.5617e11  # Fortune Global 500 2018 entry, USD 23.6 bn x 6.6174 CNY/USD (2018 average)
    )
    non_sei_global500: int = param(
        5,
        "firms",
        "[0, 100]",
        "Fortune Global 500 headquarters in Shenzhen outside the SEI (5 of 7 in 2018, largest_firms.csv), held "
        "constant: an exogenous count added to the model's SEI firms",
    )
    large_revenue_yuan: float = param(
        1.0e10, "yuan/year", "(0, inf)", "百亿 revenue: proxy of an internationally competitive firm (T20-FIRMS)"
    )


@dataclass
class InstituteTargetsConfig:
    leading_capability: float = (
        0.95  # capability of a technology-leading institute (1 carrier in 2018; docs/targets.md)
    )


@dataclass
class TargetsConfig:
    name: str = "plan_2018"
    plan_start: str = "2019Q1"  # carriers and projects are counted from this quarter
    clusters: ClusterTargetsConfig = field(default_factory=ClusterTargetsConfig)
    zones: ZoneTargetsConfig = field(default_factory=ZoneTargetsConfig)
    firms: FirmTargetsConfig = field(default_factory=FirmTargetsConfig)
    institutes: InstituteTargetsConfig = field(default_factory=InstituteTargetsConfig)
    settings: dict[str, TargetSetting] = field(default_factory=default_settings)
