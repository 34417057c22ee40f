"""The budget trap (issue 13): a run's summary lists each lever's budget beside what it spent, per
year and in total, and the total public spending; a lever that cannot spend its budget shows it."""

from __future__ import annotations

import pytest
from simtest import small_config

from sim.drivers.run import run
from sim.outputs.budget import budget_table, format_budget, spending


@pytest.fixture(scope="module")
def one_year():
    cfg = small_config(0, **{"scenario.end_year": 2019, "ensemble.size": 1, "policy.funding.overseas_ma.budget": 5e8})
    return cfg, run(cfg).annual


def test_every_enabled_lever_with_a_budget_is_listed_beside_its_spending(one_year):
    cfg, annual = one_year
    tab = budget_table(cfg.policy, annual)
    assert len(tab) >= 20 and {"budget", 2019, "spent", "used"} <= set(tab.columns)
    assert (tab["spent"] <= tab["budget"] * (1 + 1e-9)).all()  # one year: never more than the budget
    assert tab["spent"].sum() == pytest.approx(spending(annual)[2019].sum())
    text = format_budget(tab)
    assert "Total public spending" in text and "whole run" in text


def test_an_underspent_budget_is_named(one_year):
    cfg, annual = one_year
    tab = budget_table(cfg.policy, annual)
    under = tab[tab["used"] < 0.95].index
    assert len(under) > 0
    assert all(k in format_budget(tab) for k in under)
