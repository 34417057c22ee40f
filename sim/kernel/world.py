"""The world's state of one run: the agent tables, the city's markets and the quarter's records.

Every field exists from the base year on (sim.kernel.build makes it); the phases of a quarter
(sim.kernel.phases) and the levers (sim.policy) read and write it. Units are in the comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.basedata import BaseData, BaseYear
from sim.economy.production import ProductionResult
from sim.ids import INDUSTRIES, N_DIST, N_IND
from sim.kernel.effects import PolicyEffects
from sim.kernel.markets import MarketState
from sim.kernel.state import Table
from sim.params import EconomyParams, ScaleConfig, ScenarioConfig

FLOW_KEYS = (
    "entries",
    "exits",
    "inflow",
    "outflow",
    "relocations",
    "institutes_created",
    "spinoffs",
    "inward",
    "breakthroughs",
)  # the quarter's event counts by industry x district (inflow and outflow in people)


@dataclass
class ProductionRecord:
    """Last quarter's production: the alive firm rows it covered, the result (indexed like
    ``rows``) and, for each link of ``result.link_flow``, the positions in ``rows`` of its two
    ends; ``supplier_rows``/``customer_rows`` give their firm rows (made when read: most quarters
    nobody reads them). The link arrays live in arrays the world keeps for the next quarter
    (sim.kernel.state.reusable), which are written again only when nothing holds this record or a
    view of its arrays: a record kept by an analyst stays as it was."""

    rows: np.ndarray
    result: ProductionResult
    supplier_pos: np.ndarray
    customer_pos: np.ndarray

    @property
    def supplier_rows(self) -> np.ndarray:
        return self.rows[self.supplier_pos]

    @property
    def customer_rows(self) -> np.ndarray:
        return self.rows[self.customer_pos]


@dataclass
class World:
    """All state of one run. Mechanisms read and write these tables and arrays."""

    params: EconomyParams
    scale: ScaleConfig
    scenario: ScenarioConfig
    data: BaseData
    base: BaseYear  # the statistics of the base year the world was built from
    firms: Table
    institutes: Table
    talent: Table
    links: Table
    floor_space: np.ndarray  # [N_DIST] m2 available to SEI firms
    rent: np.ndarray  # [N_DIST] yuan/m2/month
    wage_index: np.ndarray  # [N_IND, N_DIST] yuan/person/quarter at skill premium 1
    ext_demand: np.ndarray  # [N_IND] trend level of Shenzhen's nominal final demand (share x market), yuan/quarter
    ext_growth: np.ndarray  # [N_IND] this quarter's nominal growth factor of ext_demand
    markets: MarketState  # national markets, prices, shares, housing and space supply (sim.kernel.markets)
    ppa: int  # people per talent agent
    occupancy_ref: np.ndarray  # [N_DIST] base-year occupancy of floor space (rent reference)
    z_industry: np.ndarray  # [N_IND] capacity scale of each industry (base-year geometric mean)
    spill_kernel: np.ndarray  # [N_IND*N_DIST]^2 knowledge spillover weights
    effects: PolicyEffects  # this quarter's policy effects (neutral without levers)
    industry_ids: tuple[str, ...] = INDUSTRIES
    last_production: ProductionRecord | None = None  # None before the first quarter
    lever_state: dict[str, Any] = field(default_factory=dict)  # lever key -> its declared state (sim.policy)
    # derived values and arrays kept between quarters (sim.kernel.entry, sim.kernel.state.reusable)
    cache: dict[str, Any] = field(default_factory=dict)
    quarter: int = -1  # index of the last completed quarter (0 = first simulated quarter)
    flows: dict[str, np.ndarray] = field(default_factory=lambda: {k: np.zeros((N_IND, N_DIST)) for k in FLOW_KEYS})

    def new_quarter(self) -> None:
        """Start a quarter: zero the event counts and the policy effects (built once a quarter)."""
        self.flows = {k: np.zeros((N_IND, N_DIST)) for k in FLOW_KEYS}
        self.effects = PolicyEffects(self.firms.n, self.institutes.n)
