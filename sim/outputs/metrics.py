"""The metrics that measure the plan's targets: what one run recorded (``RunMeasures``) and, per
metric name, a function of it (``METRICS``); sim.outputs.evaluation compares them with thresholds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, parse_quarter, quarter_index
from sim.outputs.measure import YearEnd
from sim.policy.registry import REGISTRY, lever_config


class NotAvailable(Exception):
    """The run does not cover what the metric needs (e.g. a year outside the run)."""


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
        """Annual sums of complete years and the year-end snapshots of a ``sim.outputs.measure.Recorder``."""
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
            k: np.array([float(np.sum(a)) for a in rec.cells[k]])
            for k in ("institutes_created", "inward_entries", "breakthroughs")
            if k in rec.cells
        }
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
    k = max(vals, key=lambda c: vals[c])
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


@metric(
    "global500_firms",
    "firms with annual revenue >= firms.global500_revenue_yuan at the year end, plus firms.non_sei_global500",
)
def _g500(m, tc, year):
    n, detail = _firms_over(m, year, tc.firms.global500_revenue_yuan)
    return n + tc.firms.non_sei_global500, {**detail, "sei": n, "non_sei": tc.firms.non_sei_global500}


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
    py, pq = parse_quarter("targets.plan_start", tc.plan_start)
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
