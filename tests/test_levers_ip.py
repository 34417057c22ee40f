"""IP and standards levers (M-IP-1..4): each moves its channel in the intended direction with the
lever on against all levers off under common random numbers (tests/levertest.py), books no more
than a quarter of its budget per quarter, and bad configurations are refused before the run."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import N_IND

IP = ("protection", "finance", "standards")
CONSTRAINED = {"params.finance.initial_leverage": 0.58}  # firms start near the collateral limit (0.6)


def _innovators(m) -> np.ndarray:
    """Alive firms whose TFP gain since entry is above their industry's share-weighted mean."""
    f = m.world.firms
    a = f.alive
    gain = np.log(f.tfp / f.tfp_ref)
    ind = f.industry.astype(np.int64)
    mean = np.bincount(ind[a], weights=(f.share * gain)[a], minlength=N_IND) / np.bincount(
        ind[a], weights=f.share[a], minlength=N_IND
    )
    return a & (gain > mean[ind] + 1e-12)


def test_protection_raises_innovators_share_gains():
    """Innovators keep more of their returns: the market shares of base-year firms ahead of their
    industry (TFP gain above the industry mean) rise more. The appropriability channel is isolated by
    holding the spill weight at 1: in this model lower firm spillovers also slow the TFP growth of
    the R&D-intensive firms that absorb most of them (test below), which works the other way."""
    ov = {"policy.ip.protection.firm_knowledge_spill_weight": 1.0}
    gain_on = gain_off = 0.0
    for s in range(3):
        off, on = step_both("ip.protection", 4, seed=s, **ov)
        n = int((on.world.firms.entry_quarter == -1).sum())  # base-year rows come first: the same firms in both
        inn = _innovators(off)[:n]
        assert on.world.effects.share_elasticity_multiplier > 1
        gain_on += on.world.firms.share[:n][inn].sum()
        gain_off += off.world.firms.share[:n][inn].sum()
    assert gain_on > gain_off


def test_protection_slows_imitation():
    """Less firm knowledge in the spillover pool: firms absorb less, so their knowledge grows slower
    in the first quarter (before any share or output effect); institutes' knowledge is unaffected."""
    off, on = step_both("ip.protection", 1)
    f_on, f_off = on.world.firms, off.world.firms
    assert on.world.effects.firm_knowledge_spill_weight < 1
    n = min(f_on.n, f_off.n)
    a = f_off.alive[:n]
    assert f_on.knowledge[:n][a].sum() < f_off.knowledge[:n][a].sum()
    assert np.allclose(on.world.institutes.knowledge, off.world.institutes.knowledge)


def test_ip_finance_raises_borrowing():
    """IP-backed lines raise the borrowing of recipients near their collateral limit."""
    off, on = step_both("ip.finance", 1, **CONSTRAINED)
    e = on.world.effects
    rows = np.flatnonzero(e.leverage_bonus > 0)
    assert len(rows) > 0
    f1, f0 = on.world.firms, off.world.firms
    assert f1.debt[rows].sum() > f0.debt[rows].sum()
    # lines follow IP value (knowledge) relative to capital: larger lines for the more IP-intensive half
    ratio = f0.knowledge[rows] / f0.capital[rows]
    big = e.leverage_bonus[rows] > np.median(e.leverage_bonus[rows])
    assert np.median(ratio[big]) > np.median(ratio[~big])


def test_standards_raise_leaders_sales():
    off, on = step_both("ip.standards", 1)
    e, f = on.world.effects, on.world.firms
    leaders = np.flatnonzero(e.demand_multiplier > 1)
    assert len(leaders) > 0 and np.array_equal(leaders, np.flatnonzero(e.cash_transfer > 0))
    assert f.sales_final[leaders].sum() > off.world.firms.sales_final[leaders].sum()
    # leaders are knowledge leaders of their industry: above the industry's 90th percentile
    f0 = off.world.firms
    for i in np.unique(f0.industry[leaders]):
        kn = f0.knowledge[f0.alive & (f0.industry == i)]
        assert (f0.knowledge[leaders[f0.industry[leaders] == i]] >= np.quantile(kn, 0.9)).all()


def test_ip_spending_within_a_quarter_of_the_budget():
    ov = {f"policy.ip.{k}.enabled": True for k in IP}
    m = lever_model(0, None, **ov)
    for _ in range(4):
        m.step()
    ts = m.timeseries()
    for k in IP:
        s = ts[ts.metric == f"spend_ip_{k}"].groupby("quarter", observed=True).value.sum()
        budget = getattr(m.cfg.policy.ip, k).budget
        assert len(s) == 4 and (s <= budget / 4 * (1 + 1e-9)).all(), k
        assert (s > 0).all(), k


@pytest.mark.parametrize(
    "override, words",
    [
        ({"policy.ip.standards.budget": 1e10}, ["policy.ip.standards.budget", "cannot be spent"]),
        ({"policy.ip.finance.targeting.districts": ["atlantis"]}, ["unknown district", "atlantis"]),
        ({"policy.ip.standards.targeting.industries": ["IND-NOPE"]}, ["unknown industry", "IND-NOPE"]),
        ({"policy.ip.protection.start": "2030Q1", "policy.ip.protection.end": "2030Q4"}, ["outside the run"]),
    ],
)
def test_bad_ip_configs_are_refused(override, words):
    with pytest.raises(ConfigError) as err:
        to_config(None, scale="small", **override)
    for w in words:
        assert w in str(err.value)
