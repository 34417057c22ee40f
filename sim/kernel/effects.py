"""What the plan's levers do to the economy in one quarter, as neutral-by-default arrays.

The policy phase (sim.policy.apply) fills a fresh PolicyEffects at the start of each quarter;
the other phases read it. With every lever off all fields keep their neutral values, so
`policy=no_plan` runs the economy of sim.economy untouched. Units: yuan per quarter for money,
people per quarter for flows of people, multipliers are dimensionless.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import N_DIST, N_IND


@dataclass
class PolicyEffects:
    n_firms: int
    n_institutes: int
    # firms (per firm row)
    rd_grant: np.ndarray = field(init=False)  # yuan earmarked for R&D (adds to cash; rd_additionality of it to R&D)
    rd_additionality: np.ndarray = field(init=False)  # share of rd_grant that adds to R&D spending (0-1)
    cash_transfer: np.ndarray = field(
        init=False
    )  # yuan of non-repayable transfers (interest and rent subsidies, compensation)
    equity: np.ndarray = field(init=False)  # yuan of public or publicly levered equity injected
    leverage_bonus: np.ndarray = field(init=False)  # extra borrowing limit as a share of capital
    public_demand: np.ndarray = field(init=False)  # yuan of public purchases of the firm's products
    demand_multiplier: np.ndarray = field(init=False)  # multiplier on the firm's external demand
    breakthrough_multiplier: np.ndarray = field(init=False)  # multiplier on the breakthrough hazard
    tfp_gain: np.ndarray = field(init=False)  # log-TFP added this quarter (e.g. acquired technology)
    # institutes (per institute row)
    institute_budget: np.ndarray = field(init=False)  # yuan added to the institute's budget this quarter
    institute_learning_multiplier: np.ndarray = field(init=False)  # on the capability learning of that institute
    # cells and districts
    spillover_multiplier: np.ndarray = field(init=False)  # [N_IND*N_DIST] absorption of reachable knowledge
    entry_multiplier: np.ndarray = field(init=False)  # [N_IND, N_DIST] start-up rate multiplier
    location_bonus: np.ndarray = field(init=False)  # [N_IND, N_DIST] logit utility added for entry/relocation
    talent_inflow: np.ndarray = field(init=False)  # [N_IND, N_DIST] extra people arriving this quarter
    senior_share_inflow: np.ndarray = field(init=False)  # [N_IND, N_DIST] share of extra arrivals who are senior
    professional_share_inflow: np.ndarray = field(init=False)  # [N_IND, N_DIST] share who are professionals (skill 1)
    outmigration_multiplier: np.ndarray = field(init=False)  # [N_DIST] on out-migration of employed talent
    spinoff_cell_multiplier: np.ndarray = field(
        init=False
    )  # [N_IND, N_DIST] on the spin-off hazard of institutes by field x district
    # city-wide scalars
    training_rate_add: float = 0.0  # per quarter, added to params.labour.training_rate
    capability_learning_multiplier: float = 1.0
    spinoff_multiplier: float = 1.0
    share_elasticity_multiplier: float = 1.0  # appropriability of innovation returns (IP protection)
    firm_knowledge_spill_weight: float = 1.0  # weight of firm knowledge in the spillover pool (imitation)
    relocation_multiplier: float = 1.0

    def __post_init__(self) -> None:
        n, m = self.n_firms, self.n_institutes
        for name in ("rd_grant", "cash_transfer", "equity", "leverage_bonus", "public_demand", "tfp_gain"):
            setattr(self, name, _neutral(n, 0.0))
        self.rd_additionality = _neutral(n, 1.0)
        self.demand_multiplier = _neutral(n, 1.0)
        self.breakthrough_multiplier = _neutral(n, 1.0)
        self.institute_budget = _neutral(m, 0.0)
        self.institute_learning_multiplier = _neutral(m, 1.0)
        self.spillover_multiplier = np.ones(N_IND * N_DIST)
        self.entry_multiplier = np.ones((N_IND, N_DIST))
        self.location_bonus = np.zeros((N_IND, N_DIST))
        self.talent_inflow = np.zeros((N_IND, N_DIST))
        self.senior_share_inflow = np.zeros((N_IND, N_DIST))
        self.professional_share_inflow = np.zeros((N_IND, N_DIST))
        self.outmigration_multiplier = np.ones(N_DIST)
        self.spinoff_cell_multiplier = np.ones((N_IND, N_DIST))

    def grow(self, n_firms: int, n_institutes: int) -> None:
        """Extend the per-firm and per-institute arrays with neutral values after a lever added
        firm or institute rows this quarter (e.g. new carriers), so that later phases see arrays of
        the tables' lengths; the new rows get no effect unless a later lever sets one. The arrays
        grow in place into spare rows (no copy of every per-firm array) while they have room."""
        df, di = max(n_firms - self.n_firms, 0), max(n_institutes - self.n_institutes, 0)
        if df == 0 and di == 0:
            return
        if not _ROW_FIELDS:  # which arrays are per firm (length 2) or per institute (length 3) in a probe
            probe = PolicyEffects(2, 3)
            for name in probe.__dataclass_fields__:
                a = getattr(probe, name)
                if np.shape(a) in ((2,), (3,)):
                    _ROW_FIELDS.append((name, len(a) == 2, float(a[0])))
        for name, per_firm, value in _ROW_FIELDS:
            old, k = (self.n_firms, df) if per_firm else (self.n_institutes, di)
            if k:
                setattr(self, name, _extend(getattr(self, name), old, k, value))
        self.n_firms, self.n_institutes = self.n_firms + df, self.n_institutes + di

    def firm_transfers(self) -> np.ndarray:
        """All public money reaching each firm's cash this quarter (yuan)."""
        return self.rd_grant + self.cash_transfer + self.equity


_ROW_FIELDS: list[tuple[str, bool, float]] = []  # per-row arrays: (name, per firm?, neutral value); filled on first use
_SPARE = 256  # rows a per-row array can grow by in place (levers add a few firms or carriers a quarter)


def _neutral(n: int, value: float) -> np.ndarray:
    """``n`` neutral values (0 or 1), a view of a buffer with _SPARE more rows for grow."""
    return (np.zeros if value == 0.0 else np.ones)(n + _SPARE)[:n]


def _extend(a: np.ndarray, old: int, k: int, value: float) -> np.ndarray:
    """``a`` (``old`` rows) followed by ``k`` rows of ``value``, as np.concatenate gives it: written
    into the spare rows of the buffer ``a`` views when it is still that buffer's head (no copy),
    else copied into a new buffer with spare rows."""
    buf = a.base
    if (
        isinstance(buf, np.ndarray)
        and buf.ndim == 1
        and buf.dtype == a.dtype
        and len(a) == old
        and len(buf) >= old + k
        and a.strides == buf.strides
        and a.ctypes.data == buf.ctypes.data
    ):
        buf[old : old + k] = value
        return buf[: old + k]
    out = np.empty(len(a) + k + _SPARE, np.result_type(a.dtype, np.float64))
    out[: len(a)] = a
    out[len(a) : len(a) + k] = value
    return out[: len(a) + k]
