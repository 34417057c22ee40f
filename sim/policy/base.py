"""The shape every plan lever shares: a typed config with a window, a registry entry with its plan
clauses, channel, direction test and declared state, and the context it acts through (budget
accounting, selection of recipients).

A lever is a function ``apply(ctx, cfg)`` registered with ``@lever(...)``; it reads the world
through ``ctx.world``, writes this quarter's effects into ``ctx.effects`` (sim.kernel.effects) or
changes the state directly (new institutes, floor space), and books every yuan it spends with
``ctx.spend``. It never spends more than its budget: ``ctx.quarter_budget(cfg)`` is a quarter of
the annual budget, unspent money lapses (no carry-over; a simplification). A lever that remembers
something across quarters declares its state as a dataclass (``state=``); ``ctx.state`` is this
run's instance. The order in which levers act is declared in sim.policy.registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.ids import N_DIST, N_IND, quarter_index
from sim.kernel.cells import CELL_DIST, CELL_IND
from sim.kernel.effects import PolicyEffects
from sim.kernel.world import World
from sim.policy.calls import competitive_call
from sim.policy.shared import QuarterView
from sim.policy.targeting import Targeting, cell_mask
from sim.sampling import stochastic_round


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
    state: type | None = None  # the dataclass of what the lever remembers across quarters (None: nothing)


# Levers as their modules register them; sim.policy.registry puts them in their declared order.
REGISTERED: dict[str, LeverSpec] = {}

# Clauses of PLAN.md that no lever models, with the reason (docs/levers.md lists them).
NOT_MODELLED: dict[str, str] = {}


def award_capacity(c: Any) -> float:
    """Most a call of ``awards_per_year`` awards of at most ``max_award`` yuan disburses per year."""
    return float(c.max_award * c.awards_per_year)


def lever(
    key: str,
    *,
    clauses: tuple[str, ...],
    channel: str,
    test: str,
    default_source: str,
    capacity: Callable[[Any], float] | None = None,
    state: type | None = None,
) -> Callable:
    """Register a lever function under its config key."""

    def wrap(fn: Callable) -> Callable:
        if key in REGISTERED:
            raise ValueError(f"lever {key} registered twice")
        REGISTERED[key] = LeverSpec(
            key=key,
            clauses=clauses,
            channel=channel,
            test=test,
            default_source=default_source,
            apply=fn,
            capacity=capacity,
            state=state,
        )
        return fn

    return wrap


def not_modelled(clause: str, reason: str) -> None:
    NOT_MODELLED[clause] = reason


@dataclass
class PolicyContext:
    """What a lever sees in one quarter: the world, this quarter's effects, the policy config, the
    quarter and the lever's own random stream and state; ``view`` holds what several levers read
    this quarter (sim.policy.shared; apply_policy gives every lever the phase's one view)."""

    world: World
    effects: PolicyEffects
    policy: Any  # the run's PolicyConfig (sim.policy.config)
    year: int
    q: int
    rng: np.random.Generator
    key: str = ""
    view: QuarterView = field(default_factory=QuarterView)

    @property
    def now(self) -> int:
        return self.year * 4 + self.q - 1

    @property
    def state(self) -> Any:
        """This run's instance of the lever's declared state."""
        return self.world.lever_state[self.key]

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
        flows, old = self.world.flows, self.world.flows.get(name)
        flows[name] = add if old is None else old + add  # bincount sums are never -0.0: 0.0 + add == add
        return float(amount.sum())

    def spend_cells(self, key: str, amount: np.ndarray) -> float:
        """Book spending given as an [N_IND, N_DIST] array of yuan."""
        a = np.asarray(amount, dtype=float).reshape(-1)
        keep = a > 0
        return self.spend(key, CELL_IND[keep], CELL_DIST[keep], a[keep])

    def open_account(self, key: str) -> None:
        """Book zero for lever ``key`` so that its spend metric exists in every quarter it is active,
        also in quarters where it spends nothing (the timeseries then has the same metrics in every run)."""
        self.spend(key, np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1))

    def quarter_count(self, per_year: float, fraction: float) -> int:
        """Events this quarter of a yearly city count: a quarter of it x the agent fraction (agents
        stand for 1 / fraction firms or carriers), rounded stochastically."""
        return int(stochastic_round(np.array([per_year / 4.0 * fraction]), self.rng)[0])

    # -- selection -------------------------------------------------------------------------
    def firm_mask(self, t: Targeting) -> np.ndarray:
        """Alive firms the targeting admits (sim.policy.targeting)."""
        return self.view.firm_mask(self.world, t)

    def firm_rows(self, t: Targeting) -> np.ndarray:
        """Rows of firm_mask(t), ascending (shared: the caller must not change the array)."""
        return self.view.firm_rows(self.world, t)

    @staticmethod
    def cell_mask(t: Targeting) -> np.ndarray:
        """[N_IND, N_DIST] cells the targeting admits (sim.policy.targeting)."""
        return cell_mask(t)

    def competitive_call(
        self,
        eligible: np.ndarray,
        score: np.ndarray | Callable[[np.ndarray], np.ndarray],
        n_awards: int,
        sme_share: float,
        application_rate: float,
    ) -> np.ndarray:
        """Firm rows winning a call (sim.policy.calls.competitive_call); SMEs have fewer than
        SME_EMPLOYEES people."""
        sme = self.view.sme(self.world)
        return competitive_call(self.rng, eligible, score, n_awards, application_rate, sme, sme_share)
