"""The shape every plan lever shares: a typed config with a window and targeting, a registry
entry with its plan clauses, channel and direction test, and the context it acts through
(budget accounting, selection of recipients).

A lever is a function ``apply(ctx, cfg)`` registered with ``@lever(...)``; it reads the world
through ``ctx.world``, writes this quarter's effects into ``ctx.effects`` (sim.policy.effects) or
changes the state directly (new institutes, floor space), and books every yuan it spends with
``ctx.spend``. It never spends more than its budget: ``ctx.quarter_budget(cfg)`` is a quarter of
the annual budget, unspent money lapses (no carry-over; a simplification).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND

SME_EMPLOYEES = 300.0  # people; China's SME definition for industry is < 1,000 people or < 400m yuan revenue; the
# model uses 300 (the small-enterprise bound of the 2011 classification, NBS) for the SME share of awards


@dataclass
class Targeting:
    """Who a lever may reach; empty lists mean everyone."""

    industries: list[str] = field(default_factory=list)  # ids as in PLAN.md, e.g. IND-IT
    subfields: list[str] = field(default_factory=list)  # ids of sim/data/subfields.csv
    districts: list[str] = field(default_factory=list)  # pinyin ids, e.g. nanshan
    firm_size: str = "all"  # all | sme | large (SME: fewer than SME_EMPLOYEES people)


@dataclass
class LeverConfig:
    """Fields every lever has. ``start``/``end`` are quarters like '2019Q1' (inclusive)."""

    enabled: bool = True
    start: str = "2019Q1"
    end: str = "2025Q4"


@dataclass(frozen=True)
class LeverSpec:
    key: str  # config path under `policy`, e.g. "funding.grants"
    clauses: tuple[str, ...]  # PLAN.md clause ids
    channel: str  # the economic channel, one line
    test: str  # the direction test (pytest node id)
    default_source: str  # where the plan_2018 default comes from
    apply: Callable[..., None]
    capacity: Callable[[Any], float] | None = None  # most it can spend per year (yuan), for validation


REGISTRY: dict[str, LeverSpec] = {}

# Clauses of PLAN.md that no lever models, with the reason (docs/levers.md lists them).
NOT_MODELLED: dict[str, str] = {}


def award_capacity(c) -> float:
    """Most a call of ``awards_per_year`` awards of at most ``max_award`` yuan disburses per year."""
    return c.max_award * c.awards_per_year


def lever(
    key: str,
    *,
    clauses: tuple[str, ...],
    channel: str,
    test: str,
    default_source: str,
    capacity: Callable[[Any], float] | None = None,
) -> Callable:
    """Register a lever function under its config key."""

    def wrap(fn: Callable) -> Callable:
        if key in REGISTRY:
            raise ValueError(f"lever {key} registered twice")
        REGISTRY[key] = LeverSpec(
            key=key,
            clauses=clauses,
            channel=channel,
            test=test,
            default_source=default_source,
            apply=fn,
            capacity=capacity,
        )
        return fn

    return wrap


def not_modelled(clause: str, reason: str) -> None:
    NOT_MODELLED[clause] = reason


def quarter_index(label: str) -> int:
    """'2019Q1' -> 2019*4 + 0, for window comparisons."""
    y, q = label.split("Q")
    return int(y) * 4 + int(q) - 1


@dataclass
class PolicyContext:
    """What a lever sees in one quarter."""

    world: Any
    effects: Any
    year: int
    q: int
    rng: np.random.Generator

    @property
    def now(self) -> int:
        return self.year * 4 + self.q - 1

    def active(self, cfg: LeverConfig) -> bool:
        return cfg.enabled and quarter_index(cfg.start) <= self.now <= quarter_index(cfg.end)

    @staticmethod
    def quarter_budget(annual_budget: float) -> float:
        return max(float(annual_budget), 0.0) / 4.0

    def spend(self, key: str, industry: np.ndarray, district: np.ndarray, amount: np.ndarray) -> float:
        """Book public spending (yuan) by industry x district under metric ``spend_<key>``."""
        amount = np.asarray(amount, dtype=float)
        if amount.size == 0:
            return 0.0
        name = "spend_" + key.replace(".", "_")
        cells = np.asarray(industry, dtype=np.int64) * N_DIST + np.asarray(district, dtype=np.int64)
        add = np.bincount(cells, weights=amount, minlength=N_IND * N_DIST).reshape(N_IND, N_DIST)
        flows = self.world.flows
        flows[name] = flows.get(name, np.zeros((N_IND, N_DIST))) + add
        return float(amount.sum())

    # -- selection -------------------------------------------------------------------------
    def firm_mask(self, t: Targeting) -> np.ndarray:
        """Alive firms the targeting admits."""
        f = self.world.firms
        m = f.alive.copy()
        if t.industries:
            m &= np.isin(f.industry, [INDUSTRIES.index(i) for i in t.industries])
        if t.subfields:
            ids = self.world.data.subfield_ids
            m &= np.isin(f.subfield, [ids.index(s) for s in t.subfields])
        if t.districts:
            m &= np.isin(f.district, [DISTRICTS.index(d) for d in t.districts])
        if t.firm_size == "sme":
            m &= f.employees < SME_EMPLOYEES
        elif t.firm_size == "large":
            m &= f.employees >= SME_EMPLOYEES
        return m

    def cell_mask(self, t: Targeting) -> np.ndarray:
        """[N_IND, N_DIST] cells the targeting admits (sub-fields and firm size do not apply)."""
        ind = (
            np.ones(N_IND, bool)
            if not t.industries
            else np.isin(np.arange(N_IND), [INDUSTRIES.index(i) for i in t.industries])
        )
        dist = (
            np.ones(N_DIST, bool)
            if not t.districts
            else np.isin(np.arange(N_DIST), [DISTRICTS.index(d) for d in t.districts])
        )
        return ind[:, None] & dist[None, :]

    def competitive_call(
        self, eligible: np.ndarray, score: np.ndarray, n_awards: int, sme_share: float, application_rate: float
    ) -> np.ndarray:
        """Rows of the winners of a competitive call: a share ``application_rate`` of eligible firms
        applies (application costs deter the rest), applicants are ranked by ``score`` plus noise
        (reviewers' judgement), the best win; at least ``sme_share`` of awards go to SMEs where
        enough SMEs apply."""
        f = self.world.firms
        rows = np.flatnonzero(eligible)
        rows = rows[self.rng.random(len(rows)) < application_rate]
        if len(rows) == 0 or n_awards <= 0:
            return np.zeros(0, np.int64)
        z = (score[rows] - score[rows].mean()) / (score[rows].std() + 1e-12)
        noisy = z + self.rng.normal(0.0, 1.0, len(rows))
        sme = f.employees[rows] < SME_EMPLOYEES
        n_sme = min(int(np.ceil(sme_share * n_awards)), int(sme.sum()))
        sme_pos = np.flatnonzero(sme)
        first = sme_pos[_top(noisy[sme_pos], n_sme)]  # the reserved SME awards
        taken = np.zeros(len(rows), bool)
        taken[first] = True
        rest_pos = np.flatnonzero(~taken)
        second = rest_pos[_top(noisy[rest_pos], n_awards - n_sme)]  # the open awards, SMEs included
        return np.concatenate([rows[first], rows[second]])[:n_awards]


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest values, best first (partial sort: applicant pools are large)."""
    k = max(0, min(int(k), len(values)))
    if k == 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


def validate_targeting(
    t: Targeting, key: str, subfield_ids: tuple[str, ...], check: Callable[[bool, str, str], None]
) -> None:
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
