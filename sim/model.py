"""SEIModel: the Mesa model. It builds the world and runs the quarter's phases in order;
the economics lives in sim.economy (pure functions) and sim.kernel.phases (vectorised application)."""

from __future__ import annotations

import copy

import mesa
import numpy as np

from sim import basedata
from sim.config import CONFIG_DIR, SimConfig, to_config, validate
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
        self._handle_kinds = [("firms", Firm), ("institutes", Institute)]
        if cfg.scale.talent_handles:
            self._handle_kinds.append(("talent", Talent))
        if handles:
            self._sync_handles()
        self.datacollector = data_collector(self.recorder)  # Mesa's reporters, read from the recorder

    # -- Mesa handles --------------------------------------------------------------------------
    def _sync_handles(self, exited: dict[str, np.ndarray] | None = None) -> None:
        with self.suppress():  # the model uses no Mesa signals; skipping them makes handles cheaper
            for name, cls in self._handle_kinds:
                table = getattr(self.world, name)
                lst = self._handles[name]
                lst.extend(cls(self, row) for row in range(len(lst), table.n))
                if exited is not None:
                    for row in exited.get(name, ()):
                        h = lst[row]
                        if h is not None:
                            h.remove()
                            lst[row] = None

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
        t_alive = w.talent.alive.copy() if self.handles and self.cfg.scale.talent_handles else None
        i_alive = w.institutes.alive.copy() if self.handles else None
        phases.environment(w, self.year, self.q)
        self.active_levers = apply_policy(w, self.cfg.policy, self.year, self.q, self.lever_rngs)
        phases.innovation(w, r["innovation"])
        phases.labour(w, r["labour"])
        phases.production(w, self.year, self.q)
        insolvent = phases.finance(w)
        _, exited = phases.demography(w, insolvent, w.quarter, r["demography"], r["institutes"], r["certification"])
        self.recorder.record(w, self.year, self.q)
        self.datacollector.collect(self)
        self.running = len(self.recorder.quarters) < self.n_quarters  # mesa.batch_run stops at the last quarter

        if self.handles:
            none = np.zeros(0, np.int64)
            gone_t = np.flatnonzero(t_alive & ~w.talent.alive[: len(t_alive)]) if t_alive is not None else none
            gone_i = np.flatnonzero(i_alive & ~w.institutes.alive[: len(i_alive)]) if i_alive is not None else none
            self._sync_handles({"firms": exited, "talent": gone_t, "institutes": gone_i})

    def run(self) -> SEIModel:
        """Run every quarter of the scenario."""
        for _ in range(self.n_quarters):
            self.step()
        return self

    def timeseries(self):
        return self.recorder.frame()
