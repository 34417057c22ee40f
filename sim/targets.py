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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.config import QUARTER_RE, ConfigError
from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND

QUANTITATIVE, PROXY = "quantitative", "proxy"
REL_TOL = 1e-9  # relative tolerance of the comparison with a threshold


class NotAvailable(Exception):
    """The run does not cover what the metric needs (e.g. a year outside the run)."""


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


def default_settings() -> dict[str, Any]:
    """The default ``targets.settings`` node: metric and threshold of every target."""
    from sim.config import TargetSetting

    return {t.id: TargetSetting(metric=t.metric, threshold=float(t.threshold)) for t in TARGETS}


# ---------------------------------------------------------------------------------------------
# What a run records for the targets
# ---------------------------------------------------------------------------------------------
@dataclass
class YearEnd:
    """The state at the end of a year (the base state for the base year)."""

    firm_revenue: np.ndarray  # yuan/year of each firm alive at the year end
    institute_capability: np.ndarray  # 0-1, each alive institute
    senior_talent: float  # people
    firm_knowledge: float  # yuan-equivalent, alive firms
    institute_knowledge: float  # yuan-equivalent, alive institutes
    # stable row id of each firm alive at the year end, in the order of firm_revenue (firm growth
    # rates between year ends: sim.validation)
    firm_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass
class RunMeasures:
    """Everything the metrics read, from one run (``from_recorder``) or made by hand (tests).

    Annual flows and year-end states are keyed by year; the base year (the year before the run,
    2018 by default) is approximated from the base quarter (docs/targets.md)."""

    base_year: int
    years: list[int]  # base year + complete simulated years
    quarters: list[tuple[int, int]]  # simulated quarters
    industry_annual: dict[str, dict[int, np.ndarray]]  # measure -> year -> [N_IND] yuan/year
    subfield_annual: dict[str, dict[int, np.ndarray]]  # measure -> year -> [N_SUB] yuan/year
    zone_annual: dict[
        str, dict[int, np.ndarray]
    ]  # output | intermediate_inputs | network_purchases -> year -> [N_IND, N_DIST]
    year_end: dict[int, YearEnd]
    quarterly: dict[
        str, np.ndarray
    ]  # city totals per simulated quarter (agents): institutes_created, inward_entries, breakthroughs
    subfield_ids: tuple[str, ...] = ()
    subfield_industry: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    va_annual: dict[int, float] = field(default_factory=dict)  # SEI value added, yuan/year
    firm_weight: float = 1.0  # firms per firm agent (1 / scale.firm_fraction)
    institute_weight: float = 1.0  # carriers per institute agent (1 / scale.institute_fraction)
    policy_levers: dict[int, int] | None = None  # levers enabled by the end of each year; None: no policy node

    @classmethod
    def from_recorder(cls, rec, cfg) -> RunMeasures:
        """Annual sums of complete years and the year-end snapshots of a ``sim.measure.Recorder``."""
        years_q = np.array([y for y, _ in rec.quarters], dtype=int)
        complete = sorted(y for y in set(years_q.tolist()) if (years_q == y).sum() == 4)
        base = rec.base
        if base is None:
            raise ValueError("the recorder holds no base state (build the Recorder with the world)")
        by = base["year"]

        def annual(arrs: list[np.ndarray], y: int) -> np.ndarray:
            idx = np.flatnonzero(years_q == y)
            return np.sum([arrs[i] for i in idx], axis=0)

        ind = {m: {by: base["industry"][m]} for m in ("output", "value_added")}
        sub = {m: {by: base["subfield"][m]} for m in ("output", "value_added")}
        zone = {m: {by: base["zone"][m]} for m in ("output", "intermediate_inputs", "network_purchases")}
        va = {by: float(base["va_annual"])}
        for y in complete:
            for m in ("output", "value_added"):
                cells = annual(rec.cells[m], y)
                ind[m][y] = cells.sum(axis=1)
                sub[m][y] = annual(rec.sub[m], y)
            for m in zone:
                zone[m][y] = annual(rec.cells[m], y)
            va[y] = float(ind["value_added"][y].sum())
        quarterly = {
            k: np.array([float(np.sum(a)) for a in rec.cells[k]]) if k in rec.cells else None
            for k in ("institutes_created", "inward_entries", "breakthroughs")
        }
        quarterly = {k: v for k, v in quarterly.items() if v is not None}
        return cls(
            base_year=by,
            years=[by] + complete,
            quarters=list(rec.quarters),
            industry_annual=ind,
            subfield_annual=sub,
            zone_annual=zone,
            year_end=dict(rec.year_end),
            quarterly=quarterly,
            subfield_ids=tuple(rec.subfield_ids),
            subfield_industry=np.asarray(rec.subfield_industry),
            va_annual=va,
            firm_weight=1.0 / cfg.scale.firm_fraction,
            institute_weight=1.0 / cfg.scale.institute_fraction,
            policy_levers=policy_levers_by_year(cfg, [by] + complete),
        )

    @property
    def last_year(self) -> int:
        return self.years[-1]

    def need_year(self, year: int) -> None:
        if year not in self.years:
            raise NotAvailable(f"year {year} is not in the run (years {self.years[0]}-{self.years[-1]})")


def policy_levers_by_year(cfg, years: list[int]) -> dict[int, int] | None:
    """Levers of ``cfg.policy`` that are enabled with a window starting by the end of each year;
    None where the config has no policy node."""
    policy = getattr(cfg, "policy", None)
    if policy is None:
        return None
    try:
        from sim.policy.base import quarter_index
        from sim.policy.registry import REGISTRY, lever_config
    except ImportError:  # pragma: no cover - the policy package is part of the model
        return None
    out = {}
    for y in years:
        n = 0
        for key in REGISTRY:
            c = lever_config(policy, key)
            if c.enabled and quarter_index(c.start) <= y * 4 + 3:
                n += 1
        out[y] = n
    return out


# ---------------------------------------------------------------------------------------------
# Metrics: name -> f(measures, targets config, year) -> (value, detail)
# ---------------------------------------------------------------------------------------------
Metric = Callable[[RunMeasures, Any, int], tuple[float, dict]]
METRICS: dict[str, tuple[Metric, str]] = {}


def metric(name: str, doc: str) -> Callable[[Metric], Metric]:
    def wrap(fn: Metric) -> Metric:
        METRICS[name] = (fn, doc)
        return fn

    return wrap


def resolve_clusters(ids: list[str], subfield_ids: tuple[str, ...]) -> list[str]:
    """Cluster ids of a config list: industry ids, sub-field ids, and the groups 'industries' and
    'subfields' (all seven industries / every sub-field of sim/data/subfields.csv)."""
    out: list[str] = []
    for c in ids:
        items = list(INDUSTRIES) if c == "industries" else list(subfield_ids) if c == "subfields" else [c]
        out.extend(i for i in items if i not in out)
    return out


def cluster_values(m: RunMeasures, tc, year: int, ids: list[str]) -> dict[str, float]:
    """Annual scale (targets.clusters.measure) of each cluster id in ``year``, yuan/year."""
    m.need_year(year)
    meas = tc.clusters.measure
    ind, sub = m.industry_annual[meas][year], m.subfield_annual[meas][year]
    out = {}
    for c in resolve_clusters(ids, m.subfield_ids):
        out[c] = float(ind[INDUSTRIES.index(c)]) if c in INDUSTRIES else float(sub[m.subfield_ids.index(c)])
    return out


def _clusters_over(m: RunMeasures, tc, year: int, ids: list[str], threshold: float) -> tuple[float, dict]:
    vals = cluster_values(m, tc, year, ids)
    over = {k: v for k, v in sorted(vals.items(), key=lambda kv: -kv[1]) if v >= threshold}
    largest = max(vals.items(), key=lambda kv: kv[1]) if vals else ("", 0.0)
    return float(len(over)), {"clusters": over, "largest": {largest[0]: largest[1]}, "measure": tc.clusters.measure}


@metric(
    "trillion_clusters", "count of clusters in targets.clusters.trillion_clusters with annual scale >= trillion_yuan"
)
def _trillion(m, tc, year):
    return _clusters_over(m, tc, year, tc.clusters.trillion_clusters, tc.clusters.trillion_yuan)


@metric(
    "hundred_billion_clusters",
    "count of clusters in targets.clusters.hundred_billion_clusters with annual scale >= hundred_billion_yuan",
)
def _hundredbn(m, tc, year):
    return _clusters_over(m, tc, year, tc.clusters.hundred_billion_clusters, tc.clusters.hundred_billion_yuan)


@metric("cluster_levels", "clusters of both lists at >= hundred_billion_yuan plus those at >= trillion_yuan")
def _levels(m, tc, year):
    ids = resolve_clusters(
        list(tc.clusters.trillion_clusters) + list(tc.clusters.hundred_billion_clusters), m.subfield_ids
    )
    n100, d100 = _clusters_over(m, tc, year, ids, tc.clusters.hundred_billion_yuan)
    n1000, d1000 = _clusters_over(m, tc, year, ids, tc.clusters.trillion_yuan)
    return n100 + n1000, {
        "hundred_billion": int(n100),
        "trillion": int(n1000),
        "clusters": d100["clusters"],
        "measure": tc.clusters.measure,
    }


@metric("largest_cluster", "annual scale of the largest cluster of trillion_clusters, yuan/year")
def _largest(m, tc, year):
    vals = cluster_values(m, tc, year, tc.clusters.trillion_clusters)
    k = max(vals, key=vals.get)
    return vals[k], {"cluster": k, "measure": tc.clusters.measure}


def zone_table(m: RunMeasures, tc, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Annual output [N_IND, N_DIST] and in-city input share (network purchases / intermediate
    inputs; 0 where a zone has no inputs) of every district x industry zone."""
    m.need_year(year)
    z = m.zone_annual
    out, inter, net = z["output"][year], z["intermediate_inputs"][year], z["network_purchases"][year]
    share = np.divide(net, inter, out=np.zeros_like(net, dtype=float), where=inter > 0)
    return out, share


@metric(
    "complete_zones",
    "district x industry zones with output >= zones.min_output_yuan and in-city input share >= zones.min_local_input_share",
)
def _zones(m, tc, year):
    out, share = zone_table(m, tc, year)
    big = out >= tc.zones.min_output_yuan
    ok = big & (share >= tc.zones.min_local_input_share)
    name = lambda i, d: f"{DISTRICTS[d]}:{INDUSTRIES[i]}"  # noqa: E731
    failed = {name(i, d): round(float(share[i, d]), 4) for i, d in zip(*np.nonzero(big & ~ok))}
    return float(ok.sum()), {
        "zones_over_output": int(big.sum()),
        "failing_chain_test": failed,
        "passing": sorted(name(i, d) for i, d in zip(*np.nonzero(ok))),
    }


@metric("zones_over_output", "district x industry zones with output >= zones.min_output_yuan (no chain test)")
def _zones_out(m, tc, year):
    out, _ = zone_table(m, tc, year)
    return float((out >= tc.zones.min_output_yuan).sum()), {}


def _firms_over(m: RunMeasures, year: int, threshold: float) -> tuple[float, dict]:
    m.need_year(year)
    rev = m.year_end[year].firm_revenue
    big = np.sort(rev[rev >= threshold])[::-1]
    return float(len(big)), {"largest_revenue": float(rev.max()) if len(rev) else 0.0}


@metric("global500_firms", "firms with annual revenue >= firms.global500_revenue_yuan at the year end")
def _g500(m, tc, year):
    return _firms_over(m, year, tc.firms.global500_revenue_yuan)


@metric("large_firms", "firms with annual revenue >= firms.large_revenue_yuan at the year end")
def _large(m, tc, year):
    return _firms_over(m, year, tc.firms.large_revenue_yuan)


@metric("leading_institutes", "institutes with capability >= institutes.leading_capability at the year end (carriers)")
def _leading(m, tc, year):
    m.need_year(year)
    cap = m.year_end[year].institute_capability
    n = int((cap >= tc.institutes.leading_capability).sum())
    return n * m.institute_weight, {"agents": n}


def _since_plan(m: RunMeasures, tc, year: int, key: str, weight: float) -> tuple[float, dict]:
    m.need_year(year)
    if key not in m.quarterly:
        raise NotAvailable(f"the run did not record '{key}'")
    py, pq = (int(g) for g in QUARTER_RE.match(tc.plan_start).groups())
    if not m.quarters or m.quarters[0] > (py, pq):
        raise NotAvailable(f"the run starts after targets.plan_start ({tc.plan_start})")
    sel = np.array([(py, pq) <= yq and yq[0] <= year for yq in m.quarters])
    n = float(m.quarterly[key][sel].sum())
    return n * weight, {"agents": n, "since": tc.plan_start}


@metric("carriers_created", "innovation carriers created from targets.plan_start to the end of the year")
def _carriers(m, tc, year):
    return _since_plan(m, tc, year, "institutes_created", m.institute_weight)


@metric("inward_entries", "firm entries of kind INWARD (inward investment, major projects) from targets.plan_start")
def _inward(m, tc, year):
    return _since_plan(m, tc, year, "inward_entries", m.firm_weight)


@metric("breakthroughs", "firm breakthroughs (TFP jumps) from targets.plan_start to the end of the year")
def _breakthroughs(m, tc, year):
    return _since_plan(m, tc, year, "breakthroughs", m.firm_weight)


@metric("policy_levers", "policy levers enabled by the end of the year (0 without a policy node)")
def _levers(m, tc, year):
    if m.policy_levers is None:
        return 0.0, {"note": "the run config has no policy node"}
    return float(m.policy_levers.get(year, max(m.policy_levers.values(), default=0))), {}


@metric("senior_talent", "senior-skill talent (skill 2) in the city at the year end, people")
def _senior(m, tc, year):
    m.need_year(year)
    return float(m.year_end[year].senior_talent), {}


@metric("institute_knowledge", "knowledge stock of the innovation carriers at the year end, yuan-equivalent")
def _inst_k(m, tc, year):
    m.need_year(year)
    return float(m.year_end[year].institute_knowledge), {}


@metric("total_knowledge", "knowledge stock of firms and carriers at the year end, yuan-equivalent")
def _tot_k(m, tc, year):
    m.need_year(year)
    ye = m.year_end[year]
    return float(ye.firm_knowledge + ye.institute_knowledge), {}


@metric(
    "knowledge_intensity",
    "knowledge stock of firms and carriers at the year end per yuan of the year's SEI value added",
)
def _k_int(m, tc, year):
    m.need_year(year)
    ye = m.year_end[year]
    va = m.va_annual[year]
    return float((ye.firm_knowledge + ye.institute_knowledge) / va) if va > 0 else 0.0, {"value_added": va}


# ---------------------------------------------------------------------------------------------
# Validation and evaluation
# ---------------------------------------------------------------------------------------------
def validate_targets(tc, subfield_ids: tuple[str, ...], check: Callable[[bool, str, str], None]) -> None:
    """Refuse unknown targets, unknown metrics, negative thresholds and bad definitions, naming the key."""
    for tid, s in tc.settings.items():
        check(
            tid in TARGET_BY_ID,
            f"targets.settings.{tid}",
            f"is not a target of PLAN.md; known: {', '.join(TARGET_BY_ID)}",
        )
        check(
            s.metric in METRICS,
            f"targets.settings.{tid}.metric",
            f"'{s.metric}' is not a known metric; allowed: {', '.join(sorted(METRICS))}",
        )
        check(
            s.threshold == s.threshold and 0 <= s.threshold < float("inf"),
            f"targets.settings.{tid}.threshold",
            f"must be a finite number >= 0, got {s.threshold}",
        )
    c = tc.clusters
    check(
        c.measure in ("output", "value_added"),
        "targets.clusters.measure",
        f"must be one of: output, value_added; got '{c.measure}'",
    )
    for key in ("trillion_clusters", "hundred_billion_clusters"):
        lst = getattr(c, key)
        check(len(lst) > 0, f"targets.clusters.{key}", "must list at least one cluster")
        for x in lst:
            check(
                x in ("industries", "subfields") or x in INDUSTRIES or x in subfield_ids,
                f"targets.clusters.{key}",
                f"'{x}' is not an industry id, a sub-field id of sim/data/subfields.csv, 'industries' or 'subfields'",
            )
    for key, v in (
        ("targets.clusters.trillion_yuan", c.trillion_yuan),
        ("targets.clusters.hundred_billion_yuan", c.hundred_billion_yuan),
        ("targets.zones.min_output_yuan", tc.zones.min_output_yuan),
        ("targets.firms.global500_revenue_yuan", tc.firms.global500_revenue_yuan),
        ("targets.firms.large_revenue_yuan", tc.firms.large_revenue_yuan),
    ):
        check(v == v and 0 < v < float("inf"), key, f"must be a positive amount of yuan per year, got {v}")
    check(
        0 <= tc.zones.min_local_input_share <= 1,
        "targets.zones.min_local_input_share",
        f"must be a share between 0 and 1, got {tc.zones.min_local_input_share}",
    )
    check(
        0 <= tc.institutes.leading_capability <= 1,
        "targets.institutes.leading_capability",
        f"must be a capability between 0 and 1, got {tc.institutes.leading_capability}",
    )
    check(
        bool(QUARTER_RE.match(str(tc.plan_start))),
        "targets.plan_start",
        f"must be a quarter like '2019Q1', got '{tc.plan_start}'",
    )


def check_config(tc) -> None:
    """``validate_targets`` raising ConfigError (for callers outside sim.config.validate)."""
    from sim.basedata import load

    def check(cond: bool, key: str, msg: str) -> None:
        if not cond:
            raise ConfigError(f"config key '{key}' {msg}")

    validate_targets(tc, load().subfield_ids, check)


def evaluate_target(t: Target, m: RunMeasures, tc) -> dict:
    """One scorecard row: value, effective threshold, met, margins (None where not available)."""
    s = tc.settings.get(t.id)
    metric_name = s.metric if s is not None else t.metric
    threshold = float(s.threshold) if s is not None else float(t.threshold)
    year = m.last_year if t.year is None else t.year
    row: dict[str, Any] = {
        "id": t.id,
        "year": year,
        "horizon": "long term" if t.year is None else str(t.year),
        "short": t.short,
        "wording_en": t.wording_en,
        "wording_zh": t.wording_zh,
        "kind": t.kind,
        "metric": metric_name,
        "metric_doc": METRICS[metric_name][1],
        "unit": t.unit,
        "comparison": t.comparison,
        "rule": t.rule(threshold),
        "note": t.note,
        "value": None,
        "reference_year": t.relative_to,
        "reference_value": None,
        "threshold": None,
        "met": None,
        "status": "n/a",
        "margin": None,
        "margin_rel": None,
        "detail": {},
    }
    fn = METRICS[metric_name][0]
    try:
        value, detail = fn(m, tc, year)
        thr = threshold
        if t.relative_to is not None:
            ref, _ = fn(m, tc, t.relative_to)
            row["reference_value"] = ref
            thr = ref * threshold if t.relative == "ratio" else ref + threshold
    except NotAvailable as exc:
        row["detail"] = {"reason": str(exc)}
        return row
    margin = value - thr
    tol = REL_TOL * abs(thr)  # ratio thresholds are products of floats (1.1 x 100000 = 110000.00000000001)
    met = bool(margin >= -tol) if t.comparison == ">=" else bool(margin > tol)
    row.update(
        value=float(value),
        threshold=float(thr),
        met=met,
        status="met" if met else "missed",
        margin=float(margin),
        margin_rel=float(margin / abs(thr)) if thr != 0 else None,
        detail=_jsonable(detail),
    )
    return row


def evaluate(m: RunMeasures, tc) -> list[dict]:
    """Scorecard rows of every declared target, in PLAN.md order."""
    return [evaluate_target(t, m, tc) for t in TARGETS]


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def definitions(tc) -> dict:
    """The definitions in force, for the scorecard's header and JSON."""
    c, z, f = tc.clusters, tc.zones, tc.firms
    return {
        "targets": tc.name,
        "plan_start": tc.plan_start,
        "cluster_measure": c.measure,
        "trillion_yuan": c.trillion_yuan,
        "hundred_billion_yuan": c.hundred_billion_yuan,
        "trillion_clusters": list(c.trillion_clusters),
        "hundred_billion_clusters": list(c.hundred_billion_clusters),
        "zone": "district x industry",
        "zone_min_output_yuan": z.min_output_yuan,
        "zone_min_local_input_share": z.min_local_input_share,
        "global500_revenue_yuan": f.global500_revenue_yuan,
        "large_revenue_yuan": f.large_revenue_yuan,
        "leading_capability": tc.institutes.leading_capability,
        "firm_revenue": "annual gross output of the firm (the base year 2018: base-quarter output x 4 / 1.039)",
    }


__all__ = [
    "Target",
    "TARGETS",
    "TARGET_BY_ID",
    "METRICS",
    "RunMeasures",
    "YearEnd",
    "NotAvailable",
    "evaluate",
    "evaluate_target",
    "validate_targets",
    "check_config",
    "definitions",
    "default_settings",
    "N_IND",
    "N_DIST",
]
