"""Fixtures shared across modules: the expensive model runs are made once per session.

Every model here is small scale (a tenth of the agents) unless a test is marked slow."""

from __future__ import annotations

import numpy as np
import pytest
from simtest import production_of, small_config, small_model

from sim.drivers.run import run as run_sim

FIRM_COLUMNS = (
    "alive",
    "output",
    "value_added",
    "intermediate",
    "interm_sei",
    "sales_final",
    "sales_interm",
    "employees",
    "industry",
    "capacity",
    "final_demand",
)


@pytest.fixture(scope="session")
def trace():
    """Seed 0, small scale, history scenario, all 28 quarters, stepped one quarter at a time.

    Returns (model, quarters); each quarter is a dict of copies of what the accounting tests
    need: firm columns, the production record, talent counts and flows, employer pointers."""
    m = small_model(0)
    w = m.world
    quarters = []
    for _ in range(m.n_quarters):
        talent_before = int(w.talent.alive.sum())
        m.step()
        rows, res, sup_rows, cust_rows = production_of(w)
        f, t, inst = w.firms, w.talent, w.institutes
        quarters.append(
            {
                "label": m.quarter_label,
                "firms": {c: getattr(f, c).copy() for c in FIRM_COLUMNS},
                "rows": rows.copy(),
                "result": res,
                "supplier_rows": sup_rows.copy(),
                "customer_rows": cust_rows.copy(),
                "talent_before": talent_before,
                "talent_after": int(t.alive.sum()),
                "inflow": w.flows["inflow"].copy(),
                "outflow": w.flows["outflow"].copy(),
                "t_alive": t.alive.copy(),
                "t_kind": t.employer_kind.copy(),
                "t_employer": t.employer.copy(),
                "inst_alive": inst.alive.copy(),
                "researchers": inst.researchers.copy(),
                "ppa": w.ppa,
            }
        )
    return m, quarters


@pytest.fixture(scope="session")
def full_ts(trace):
    """The tidy timeseries of the traced seed-0 run (2019Q1-2025Q4)."""
    return trace[0].timeseries()


@pytest.fixture(scope="session")
def written_runs(tmp_path_factory):
    """Two runs of the same config through sim.drivers.run.run, each into its own folder."""
    cfg = small_config(0)
    out = []
    for k in range(2):
        d = tmp_path_factory.mktemp(f"run{k}")
        res = run_sim(cfg, d)
        out.append((d, res))
    return out


@pytest.fixture(scope="session")
def runs_2021():
    """Seed 0 small-scale history run to 2021Q4 without plan levers (the baseline of the
    economy's direction tests: they test mechanisms, not measures)."""
    return small_model(0, policy="no_plan", **{"scenario.end_year": 2021}).run()


@pytest.fixture(scope="session")
def runs_2023():
    """Seeds 0-3, small-scale history runs to 2023Q4 without plan levers (baselines of the
    economy's direction tests)."""
    return {s: small_model(s, policy="no_plan", **{"scenario.end_year": 2023}).run() for s in range(4)}


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
