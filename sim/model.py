"""SEIModel: the Mesa model. It builds the world and runs the quarter's phases in order;
the economics lives in sim.economy (pure functions) and sim.kernel.phases (vectorised application)."""

from __future__ import annotations

import copy

import mesa
import numpy as np

from sim import basedata
from sim.config import CONFIG_DIR, SimConfig, to_config, validate
from sim.economy import production_kernel
from sim.errors import ConfigError
from sim.kernel import phases
from sim.kernel.agents import Firm, Institute, Talent
from sim.kernel.build import build_world
from sim.outputs.collect import data_collector
from sim.outputs.measure import Recorder
from sim.policy.apply import apply_policy, lever_rngs
from sim.policy.registry import new_lever_state
from sim.uncertainty import draw

# Named random streams; append new names at the end so existing streams keep their seeds.
# "production" and "finance" are reserved (those mechanisms draw nothing yet).
STREAMS = (
    "build", "innovation", "labour", "production", "finance", "demography", "policy", "institutes", "certification",
)  # fmt: skip
# Streams keyed by quarter (their seeds follow STREAMS'): draw k of quarter q is the same in every
# scenario of a seed, so an incumbent firm's exit draw does not depend on what else happened before.
KEYED_STREAMS = ("exits",)


def with_parameter_draws(cfg: SimConfig) -> tuple[SimConfig, dict[str, float]]:
    """``cfg`` with this seed's draws of the uncertain parameters (sim.uncertainty; a copy, validated)
    and the drawn values; ``cfg`` itself when ``uncertainty.parameters`` is none."""
    if cfg.uncertainty.parameters == "none":
        return cfg, {}
    cfg = copy.deepcopy(cfg)
    drawn = draw(cfg, CONFIG_DIR / "calibration")
    validate(cfg)
    return cfg, drawn


def rng_streams(seed: int) -> dict[str, np.random.Generator]:
    """One generator per mechanism from one SeedSequence, so switching one mechanism or lever on
    does not shift the draws of the others (common random numbers)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children)}


def keyed_rng(seed: int, name: str, quarter: int) -> np.random.Generator:
    """The generator of keyed stream ``name`` for one quarter (index from 0): the quarter-th child
    of the stream's SeedSequence, so it depends on (seed, name, quarter) only. Paired scenarios then
    give each incumbent row the same draw even when earlier draws (entrants, rewiring) differ."""
    key = len(STREAMS) + KEYED_STREAMS.index(name)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key, quarter)))


class SEIModel(mesa.Model):
    """Shenzhen's strategic emerging industries, one step per quarter from scenario.start_year Q1."""

    def __init__(self, cfg: SimConfig | dict | None = None, *, handles: bool = True, rng=None, **overrides):
        """Build the base-year world. ``handles=False`` skips Mesa agent handles altogether (batch
        runs); talent rows get handles only where ``scale.talent_handles`` is true.

        ``rng`` is Mesa's seed keyword (``mesa.batch_run`` passes it): an integer is the run's
        ``seed`` (the same run as ``seed=<rng>``), None leaves the config's seed. Keyword overrides
        are config overrides (sim.config.to_config), e.g. ``scale="small"`` or
        ``**{"policy.funding.grants.budget": 3e9}``."""
        if rng is not None:
            if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
                raise ConfigError(f"rng: SEIModel takes an integer seed (or None), got {rng!r}")
            if "seed" in overrides and overrides["seed"] != int(rng):
                raise ConfigError(f"rng={rng} and seed={overrides['seed']} disagree; give one of them")
            overrides["seed"] = int(rng)
        production_kernel.mode()  # a bad SEI_NUMBA fails here, before any work
        cfg = cfg if isinstance(cfg, SimConfig) and not overrides else to_config(cfg, **overrides)
        cfg, self.drawn_parameters = with_parameter_draws(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.rngs = rng_streams(cfg.seed)
        self.lever_rngs = lever_rngs(cfg.seed)
        self.active_levers: list[str] = []
        self.world = build_world(
            cfg.params, cfg.scale, cfg.scenario, cfg.calibration.share_trend, basedata.load(), self.rngs["build"]
        )
        self.world.lever_state = new_lever_state()
        self.recorder = Recorder(self.world, cfg.targets.institutes.leading_capability)  # keeps the base state
        self.year, self.q = cfg.scenario.start_year, 0  # q = 0: before the first quarter
        self.handles = handles
        self._handles: dict[str, list] = {"firms": [], "institutes": [], "talent": []}
        self._has_handle: dict[str, np.ndarray] = {k: np.zeros(0, bool) for k in self._handles}
        self._handles_stale = handles  # handles are made on first use (see _sync_handles)
        self._handle_kinds = [("firms", Firm), ("institutes", Institute)]
        if cfg.scale.talent_handles:
            self._handle_kinds.append(("talent", Talent))
        self.datacollector = data_collector(self.recorder)  # Mesa's reporters, read from the recorder

    # -- Mesa handles --------------------------------------------------------------------------
    # Handles are made on demand: a step only marks them stale, and the first read of
    # ``agents``, ``agents_by_type`` or ``agent_types`` afterwards brings them up to date (one
    # Mesa agent per alive row, none for rows that entered and left in between). Results do not
    # depend on handles, and a run nobody inspects pays nothing for them (issue 16).
    def _sync_handles(self) -> None:
        """One handle per alive row of every handled table: remove those of rows that died,
        add those of alive rows that have none."""
        self._handles_stale = False
        with self.suppress():  # the model uses no Mesa signals; skipping them makes handles cheaper
            for name, cls in self._handle_kinds:
                table = getattr(self.world, name)
                lst = self._handles[name]
                has = np.resize(self._has_handle[name], table.n)
                has[len(lst) :] = False
                alive = table.alive
                for row in np.flatnonzero(has & ~alive):
                    lst[row].remove()
                    lst[row] = None
                lst.extend([None] * (table.n - len(lst)))
                for row in np.flatnonzero(alive & ~has):
                    lst[row] = cls(self, int(row))
                self._has_handle[name] = alive.copy()

    def _fresh_handles(self) -> None:
        if getattr(self, "_handles_stale", False):  # False while mesa.Model.__init__ runs
            self._sync_handles()

    @property
    def agents(self):
        """Mesa's AgentSet of all agents (the handles are brought up to date first)."""
        self._fresh_handles()
        return super().agents

    @property
    def agents_by_type(self):
        """Mesa's AgentSets by agent class (the handles are brought up to date first)."""
        self._fresh_handles()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        self._fresh_handles()
        return super().agent_types

    @property
    def quarter_label(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def n_quarters(self) -> int:
        sc = self.cfg.scenario
        return 4 * (sc.end_year - sc.start_year + 1)

    # -- the quarter ---------------------------------------------------------------------------
    def step(self) -> None:
        self.q += 1
        if self.q > 4:
            self.q, self.year = 1, self.year + 1
        w, r = self.world, self.rngs
        w.quarter += 1
        w.new_quarter()
        phases.environment(w, self.year, self.q)
        self.active_levers = apply_policy(w, self.cfg.policy, self.year, self.q, self.lever_rngs)
        phases.innovation(w, r["innovation"])
        phases.labour(w, r["labour"])
        phases.production(w, self.year, self.q)
        insolvent = phases.finance(w)
        phases.demography(
            w, insolvent, w.quarter, r["demography"], r["institutes"], r["certification"],
            keyed_rng(self.cfg.seed, "exits", w.quarter),
        )  # fmt: skip
        self.recorder.record(w, self.year, self.q)
        self.datacollector.collect(self)
        self.running = len(self.recorder.quarters) < self.n_quarters  # mesa.batch_run stops at the last quarter
        self._handles_stale = self.handles

    def run(self) -> SEIModel:
        """Run every quarter of the scenario."""
        for _ in range(self.n_quarters):
            self.step()
        return self

    def timeseries(self):
        return self.recorder.frame()
