"""Unit tests of the pure mechanism functions on synthetic data with known answers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sim.economy import demand as dem
from sim.economy import finance as fin
from sim.economy import labour as lab
from sim.economy.geography import update_rent
from sim.economy.innovation import update_firm_innovation
from sim.ids import N_DIST
from sim.params import FinanceParams, GeographyParams, InnovationParams, ScenarioConfig
from sim.sampling import GroupSampler, stochastic_round

DATA = Path(__file__).resolve().parents[1] / "sim" / "data"


# ---------------------------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------------------------
def test_group_sampler_draws_within_group_in_proportion_to_weight(rng):
    group = np.array([0, 1, 0, 2, 1, 0, 2, 1])
    weight = np.array([1.0, 2.0, 3.0, 5.0, 0.0, 6.0, 5.0, 6.0])
    gs = GroupSampler(group, weight, n_groups=4)
    np.testing.assert_allclose(gs.group_total(), [10.0, 8.0, 10.0, 0.0])
    n = 200_000
    for g in (0, 1, 2):
        items = gs.draw(np.full(n, g), rng)
        assert (group[items] == g).all(), "an item of another group was drawn"
        freq = np.bincount(items, minlength=len(group)) / n
        expect = np.where(group == g, weight, 0.0) / weight[group == g].sum()
        np.testing.assert_allclose(freq, expect, atol=0.005)
        if g == 1:
            assert freq[4] == 0.0  # zero weight is never drawn
    assert (gs.draw(np.full(10, 3), rng) == -1).all(), "an empty group must give -1"


def test_stochastic_round_keeps_the_mean(rng):
    x = np.full(200_000, 2.3)
    r = stochastic_round(x, rng)
    assert set(np.unique(r)) == {2, 3}
    assert r.mean() == pytest.approx(2.3, abs=0.005)
    xs = rng.random(50_000) * 10
    rs = stochastic_round(xs, rng)
    assert ((rs == np.floor(xs)) | (rs == np.ceil(xs))).all()
    assert rs.mean() == pytest.approx(xs.mean(), abs=0.01)
    np.testing.assert_array_equal(stochastic_round(np.array([0.0, 4.0, 7.0]), rng), [0, 4, 7])


# ---------------------------------------------------------------------------------------------
# labour
# ---------------------------------------------------------------------------------------------
def test_rank_within_is_a_permutation_within_each_group(rng):
    keys = rng.integers(0, 50, 10_000)
    rank = lab.rank_within(keys, rng)
    for k in np.unique(keys):
        r = np.sort(rank[keys == k])
        np.testing.assert_array_equal(r, np.arange(len(r)))
    assert len(lab.rank_within(np.zeros(0, np.int64), rng)) == 0
    # the order within a group is random, not the input order
    assert not np.array_equal(lab.rank_within(np.zeros(100, np.int64), rng), np.arange(100))


@pytest.mark.parametrize("efficiency", [0.5, 0.7, 1.0])
def test_match_pairs_within_cells_and_never_more_than_min_u_v(rng, efficiency):
    n_a, n_s, cells = 3000, 2500, 40
    agent_key = rng.integers(0, cells, n_a)
    slot_key = rng.integers(0, cells - 5, n_s)  # some cells have no vacancies
    agent_idx = rng.permutation(10 * n_a)[:n_a]  # agent ids are arbitrary row numbers
    slot_owner = rng.integers(0, 300, n_s)
    a, s = lab.match(agent_idx, agent_key, slot_owner, slot_key, efficiency, rng)
    assert len(a) == len(s) > 0
    assert len(np.unique(a)) == len(a) and len(np.unique(s)) == len(s)
    pos = {v: k for k, v in enumerate(agent_idx)}
    a_key = agent_key[[pos[v] for v in a]]
    np.testing.assert_array_equal(a_key, slot_key[s])  # each pair shares its cell
    U, V = np.bincount(agent_key, minlength=cells), np.bincount(slot_key, minlength=cells)
    M = np.bincount(a_key, minlength=cells)
    assert (M <= np.minimum(U, V)).all()
    if efficiency == 1.0:
        np.testing.assert_array_equal(M, np.minimum(U, V))
    else:
        assert M.sum() == pytest.approx(efficiency * np.minimum(U, V).sum(), rel=0.05)


def test_separations_keep_the_founder(rng):
    employer = np.repeat(np.arange(5), [1, 2, 5, 10, 3])
    employed = np.ones(len(employer), bool)
    out = lab.separations(employer, employed, np.array([5, 5, 5, 5, 0]), 0.0, rng)
    left = np.bincount(employer[~out], minlength=5)
    np.testing.assert_array_equal(left, [1, 1, 1, 5, 3])


# ---------------------------------------------------------------------------------------------
# finance
# ---------------------------------------------------------------------------------------------
def _firms(rng, n=2000):
    capital = rng.lognormal(18, 1, n)
    wage = capital * rng.uniform(0.01, 0.05, n)
    return dict(
        value_added=capital * rng.uniform(-0.02, 0.12, n),
        wage_bill=wage,
        rent=wage * 0.1,
        rd=capital * rng.uniform(0, 0.01, n),
        capital=capital,
        desired_capital=capital * rng.uniform(0.5, 4.0, n),
        debt=capital * rng.uniform(0.0, 0.6, n),
        cash=wage * rng.uniform(0.0, 6.0, n),
    )


def _cash_before_investment(x, p):
    """Cash flow before investment as documented: profit + depreciation - payout - repayment."""
    dep = x["capital"] * p.depreciation
    interest = x["debt"] * p.interest_rate / 4
    profit = x["value_added"] - x["wage_bill"] - x["rent"] - interest - dep - p.rd_cost_share * x["rd"]
    return x["cash"] + profit + dep - p.payout_ratio * np.clip(profit, 0, None) - x["debt"] * p.debt_repayment


def test_settle_finances_investment_from_cash_above_buffer_and_new_debt(rng):
    p = FinanceParams()
    x = _firms(rng)
    res = fin.settle(**x, p=p)
    cash1 = _cash_before_investment(x, p)
    debt1 = x["debt"] * (1 - p.debt_repayment)
    k_dep = x["capital"] * (1 - p.depreciation)
    buffer = p.cash_buffer_quarters * (x["wage_bill"] + x["rent"])
    ok = res.cash >= 0  # firms that did not need to borrow to cover a cash shortfall
    assert ok.sum() > 100
    own = cash1 - res.cash
    borrowed = res.debt - debt1
    assert (res.investment >= 0).all()
    np.testing.assert_allclose(res.capital, k_dep + res.investment, rtol=1e-9)
    np.testing.assert_allclose((own + borrowed)[ok], res.investment[ok], rtol=1e-9, atol=1e-3)
    # own funds come only from cash above the buffer; borrowing only where own funds fall short
    assert (own[ok] <= np.clip(cash1 - buffer, 0, None)[ok] * (1 + 1e-9) + 1e-3).all()
    assert (borrowed[ok] >= -1e-3).all()
    assert res.credit_constrained.any() and (~res.credit_constrained).any()
    # investment never exceeds replacement plus the desired step towards the capital target
    want = np.clip(x["capital"] * p.depreciation + p.investment_speed * (x["desired_capital"] - x["capital"]), 0, None)
    assert (res.investment <= want * (1 + 1e-9) + 1e-3).all()


def test_settle_debt_within_leverage_cap_after_borrowing(rng):
    p = FinanceParams()
    # a hand-made case: capital 100 after depreciation, wants 300 more, no spare cash
    one = fin.settle(
        value_added=np.array([0.0]),
        wage_bill=np.array([0.0]),
        rent=np.array([0.0]),
        rd=np.array([0.0]),
        capital=np.array([100 / (1 - p.depreciation)]),
        desired_capital=np.array([700.0]),
        debt=np.array([50 / (1 - p.debt_repayment)]),
        cash=np.array([0.0]),
        p=p,
    )
    assert one.debt[0] <= p.leverage_cap * one.capital[0] * (1 + 1e-9)
    # firms already above the cap, without cash or profit, cannot finance any investment
    x = _firms(rng, 10)
    x.update(debt=x["capital"] * 0.9, cash=np.zeros(10), value_added=np.zeros(10))
    np.testing.assert_array_equal(fin.settle(**x, p=p).investment, 0.0)
    x = _firms(rng)
    res = fin.settle(**x, p=p)
    debt1 = x["debt"] * (1 - p.debt_repayment)
    borrowed = res.debt > debt1 * (1 + 1e-9)
    assert borrowed.sum() > 100
    assert (res.debt[borrowed] <= p.leverage_cap * res.capital[borrowed] * (1 + 1e-9)).all()


# ---------------------------------------------------------------------------------------------
# demand
# ---------------------------------------------------------------------------------------------
def _csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_quarter_shock_applies_only_in_its_quarter():
    sc = ScenarioConfig(quarter_shocks={"2020Q1": -0.1})
    assert dem.shock_multiplier(2020, 1, sc) == pytest.approx(0.9)
    assert dem.shock_multiplier(2020, 2, sc) == 1.0
    assert dem.shock_multiplier(2021, 1, sc) == 1.0


# ---------------------------------------------------------------------------------------------
# geography
# ---------------------------------------------------------------------------------------------
def test_rent_rises_faster_where_occupancy_is_above_reference():
    p = GeographyParams()
    rent = np.full(N_DIST, 50.0)
    space = np.full(N_DIST, 1000.0)
    ref = np.full(N_DIST, 0.8)
    used = np.linspace(500.0, 1000.0, N_DIST)  # occupancy 0.5 ... 1.0
    new = update_rent(rent, used, space, ref, p)
    trend = rent * (1 + p.rent_growth)
    occ = used / space
    assert (new[occ > 0.8 + 1e-9] > trend[occ > 0.8 + 1e-9]).all()
    assert (new[occ < 0.8 - 1e-9] < trend[occ < 0.8 - 1e-9]).all()
    at_ref = update_rent(rent, ref * space, space, ref, p)
    np.testing.assert_allclose(at_ref, trend)
    assert (np.diff(new) > 0).all()  # more occupied, dearer


# ---------------------------------------------------------------------------------------------
# innovation
# ---------------------------------------------------------------------------------------------
def test_more_rd_weakly_more_knowledge_and_tfp():
    p = InnovationParams()
    gen = np.random.default_rng(7)
    n = 5000
    knowledge = gen.lognormal(15, 1, n)
    tfp = gen.lognormal(0, 0.2, n)
    sales = gen.lognormal(17, 1, n)
    rd = sales * gen.uniform(0.0, 0.08, n)
    spill = knowledge * 0.01
    k0, t0, hit0 = update_firm_innovation(knowledge, tfp, rd, spill, sales, p, np.random.default_rng(99))
    k1, t1, hit1 = update_firm_innovation(knowledge, tfp, rd * 1.5, spill, sales, p, np.random.default_rng(99))
    assert (k1 >= k0).all() and (k1 > k0)[rd > 0].all()
    assert (t1 >= t0).all() and (t1 > t0)[rd > 0].all()
    assert (hit1 >= hit0).all() and hit1.sum() > hit0.sum()
    # perpetual inventory
    np.testing.assert_allclose(k0, (1 - p.knowledge_depreciation) * knowledge + rd + spill)
