"""Funding levers (M-FUND-1..5, 7): each moves its channel in the intended direction with the lever
on against all levers off under common random numbers (tests/levertest.py), books no more than a
quarter of its budget per quarter, and bad configurations are refused before the run.

Most checks look at the first quarter after switching on: up to the phase the lever acts through,
both models have the same state and the same random draws, so the difference is the lever's."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import INDUSTRIES, STARTUP
from sim.policy.config import PolicyConfig

FUNDING = (
    "grants",
    "equity",
    "loan_subsidy",
    "risk_compensation",
    "guidance_fund",
    "pilot_fund",
    "overseas_ma",
    "proof_of_concept",
)


def _net_worth(m, rows: np.ndarray) -> float:
    f = m.world.firms
    return float((f.cash[rows] + f.capital[rows] - f.debt[rows]).sum())


def _acted(on, off, name: str) -> np.ndarray:
    """Firm rows where this lever changed effect ``name`` (other levers, if any, act alike in both models)."""
    a, b = getattr(on.world.effects, name), getattr(off.world.effects, name)
    n = min(len(a), len(b))
    return np.flatnonzero(a[:n] != b[:n])


CONSTRAINED = {
    "params.finance.initial_leverage": 0.6
}  # firms start at the collateral limit: those short of cash are credit-constrained


def test_grants_raise_rd_of_recipients():
    off, on = step_both("funding.grants", 1)
    rows = _acted(on, off, "rd_grant")
    assert len(rows) > 0
    assert on.world.firms.rd_spending[rows].sum() > off.world.firms.rd_spending[rows].sum()
    # firms without a grant spend the same on R&D in the first quarter
    others = np.setdiff1d(np.arange(off.world.effects.n_firms), rows)
    assert np.allclose(on.world.firms.rd_spending[others], off.world.firms.rd_spending[others])


def test_equity_raises_net_worth_and_borrowing_base_of_recipients():
    off, on = step_both("funding.equity", 1)
    rows = _acted(on, off, "equity")
    assert len(rows) > 0 and np.array_equal(
        _acted(on, off, "leverage_bonus"), rows
    )  # the equity effect on the borrowing base
    assert _net_worth(on, rows) > _net_worth(off, rows)


def test_equity_collateral_effect_raises_investment_of_constrained_recipients():
    """Where firms are credit-constrained, the equity's collateral effect lets recipients borrow and
    invest more than the same cash alone would."""
    ov = {
        **CONSTRAINED,
        "policy.funding.equity.awards_per_year": 20000,
        "policy.funding.equity.max_award": 2e5,
        "policy.funding.equity.budget": 4e8,
    }  # many small stakes: the cash alone does not close the financing gap
    off, with_base = step_both("funding.equity", 1, **ov)
    _, cash_only = step_both("funding.equity", 1, **ov, **{"policy.funding.equity.collateral_weight": 0.0})
    rows = _acted(with_base, off, "equity")
    assert len(rows) > 0 and np.array_equal(rows, _acted(cash_only, off, "equity"))
    f1, f0, fx = with_base.world.firms, cash_only.world.firms, off.world.firms
    assert f1.investment[rows].sum() > f0.investment[rows].sum() > fx.investment[rows].sum()
    assert f1.debt[rows].sum() > f0.debt[rows].sum()


def test_loan_subsidy_raises_cash_of_recipients():
    off, on = step_both("funding.loan_subsidy", 1)
    e, f = on.world.effects, on.world.firms
    rows = _acted(on, off, "cash_transfer")
    assert len(rows) > 0
    # at most the subsidy share of this quarter's interest and the cap per firm
    c = on.cfg.policy.funding.loan_subsidy
    assert (e.cash_transfer[rows] <= c.cap_per_firm / 4 / on.cfg.scale.firm_fraction + 1e-6).all()
    assert _net_worth(on, rows) > _net_worth(off, rows)
    assert (f.employees[rows] * on.cfg.scale.firm_fraction <= c.max_employees).all()


def test_risk_compensation_raises_borrowing_of_covered_smes():
    off, on = step_both("funding.risk_compensation", 1)
    rows = _acted(on, off, "leverage_bonus")
    assert len(rows) > 0
    f_on, f_off = on.world.firms, off.world.firms
    assert f_on.debt[rows].sum() > f_off.debt[rows].sum()
    c = on.cfg.policy.funding.risk_compensation
    assert (f_on.employees[rows] * on.cfg.scale.firm_fraction <= c.max_employees).all()  # covered firms are SMEs


def test_risk_compensation_raises_investment_of_constrained_smes():
    off, on = step_both("funding.risk_compensation", 1, **CONSTRAINED)
    rows = _acted(on, off, "leverage_bonus")
    assert len(rows) > 0
    assert on.world.firms.investment[rows].sum() > off.world.firms.investment[rows].sum()


def test_guidance_fund_raises_startups_and_young_firm_equity():
    ov = {"policy.funding.guidance_fund.startup_share": 0.5, "policy.funding.guidance_fund.startup_additionality": 1.0}
    n_on = n_off = 0
    for seed in (0, 1):
        off, on = step_both("funding.guidance_fund", 2, seed=seed, **ov)
        n_on += int((on.world.firms.entry_kind == STARTUP).sum())
        n_off += int((off.world.firms.entry_kind == STARTUP).sum())
    assert n_on > n_off
    off, on = step_both("funding.guidance_fund", 1)
    f = on.world.firms
    rows = _acted(on, off, "equity")
    assert len(rows) > 0 and (f.age[rows] <= 4 * on.cfg.policy.funding.guidance_fund.young_age_years + 1).all()
    assert _net_worth(on, rows) > _net_worth(off, rows)
    assert (on.world.effects.entry_multiplier > off.world.effects.entry_multiplier).all()


def test_guidance_fund_targets_industries():
    ind = INDUSTRIES[0]
    off, on = step_both("funding.guidance_fund", 1, **{"policy.funding.guidance_fund.targeting.industries": [ind]})
    ratio = on.world.effects.entry_multiplier / off.world.effects.entry_multiplier
    assert (ratio[0] > 1).all() and (ratio[1:] == 1).all()
    assert (on.world.firms.industry[_acted(on, off, "equity")] == 0).all()
    spend = on.world.flows["spend_funding_guidance_fund"]
    assert spend[0].sum() > 0 and spend[1:].sum() == 0


def test_pilot_fund_raises_breakthroughs_of_recipients():
    ov = {"policy.funding.pilot_fund.awards_per_year": 2000, "policy.funding.pilot_fund.budget": 2e9}
    hits_on = hits_off = 0
    for seed in (0, 1, 2):
        off, on = step_both("funding.pilot_fund", 1, seed=seed, **ov)
        rows = _acted(on, off, "breakthrough_multiplier")
        assert len(rows) > 0
        q = on.world.quarter
        hits_on += int((on.world.firms.last_breakthrough[rows] == q).sum())
        hits_off += int((off.world.firms.last_breakthrough[rows] == q).sum())
        # same draws: every recipient's breakthrough without the fund also happens with it
        assert ((on.world.firms.last_breakthrough[rows] == q) >= (off.world.firms.last_breakthrough[rows] == q)).all()
    assert hits_on > hits_off


def test_overseas_ma_raises_tfp_of_acquirers():
    off, on = step_both("funding.overseas_ma", 1, **{"policy.funding.overseas_ma.deals_per_year": 80})
    rows = _acted(on, off, "tfp_gain")
    assert len(rows) > 0
    assert (on.world.firms.tfp[rows] > off.world.firms.tfp[rows]).all()
    c = on.cfg.policy.funding.overseas_ma
    assert (on.world.firms.employees[rows] * on.cfg.scale.firm_fraction >= c.min_employees).all()


def test_proof_of_concept_raises_spinoffs():
    ov = {"policy.funding.proof_of_concept.awards_per_year": 400, "policy.funding.proof_of_concept.budget": 4e8}
    s_on = s_off = 0.0
    for seed in (0, 1, 2):
        off, on = step_both("funding.proof_of_concept", 1, seed=seed, **ov)
        ratio = on.world.effects.spinoff_cell_multiplier / off.world.effects.spinoff_cell_multiplier
        assert (ratio >= 1).all() and (ratio > 1).any()
        s_on += on.world.flows["spinoffs"].sum()
        s_off += off.world.flows["spinoffs"].sum()
    assert s_on > s_off


def test_spending_within_a_quarter_of_the_budget():
    ov = {f"policy.funding.{k}.enabled": True for k in FUNDING}
    ov["policy.funding.overseas_ma.deals_per_year"] = 80  # a deal every quarter at small scale
    m = lever_model(0, None, **ov)
    for _ in range(4):
        m.step()
    ts = m.timeseries()
    for k in FUNDING:
        s = ts[ts.metric == f"spend_funding_{k}"].groupby("quarter").value.sum()
        budget = getattr(m.cfg.policy.funding, k).budget
        assert len(s) == 4 and (s <= budget / 4 * (1 + 1e-9)).all(), k
        assert (s > 0).all(), k


def test_no_spending_outside_the_window():
    m = lever_model(0, "funding.equity", **{"policy.funding.equity.start": "2019Q3"})
    for _ in range(3):
        m.step()
    ts = m.timeseries()
    s = ts[ts.metric == "spend_funding_equity"].groupby("quarter").value.sum()
    assert s.get("2019Q1", 0.0) == 0 and s.get("2019Q2", 0.0) == 0 and s["2019Q3"] > 0


def test_special_fund_modes_sum_to_the_special_fund():
    f = PolicyConfig().funding
    assert f.grants.budget + f.equity.budget + f.loan_subsidy.budget + f.risk_compensation.budget == pytest.approx(3e9)


@pytest.mark.parametrize(
    "override, words",
    [
        ({"policy.funding.pilot_fund.budget": 1e10}, ["policy.funding.pilot_fund.budget", "cannot be spent"]),
        ({"policy.funding.guidance_fund.budget": 1e11}, ["policy.funding.guidance_fund.budget", "cannot be spent"]),
        ({"policy.funding.equity.targeting.industries": ["IND-NOPE"]}, ["unknown industry", "IND-NOPE"]),
        ({"policy.funding.loan_subsidy.targeting.districts": ["atlantis"]}, ["unknown district", "atlantis"]),
        (
            {"policy.funding.overseas_ma.start": "2030Q1", "policy.funding.overseas_ma.end": "2030Q4"},
            ["outside the run"],
        ),
    ],
)
def test_bad_funding_configs_are_refused(override, words):
    with pytest.raises(ConfigError) as err:
        to_config(None, scale="small", **override)
    for w in words:
        assert w in str(err.value)
