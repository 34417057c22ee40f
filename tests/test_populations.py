"""Populations (issue 12, item 5): certified high-tech enterprises as a stock that adds up, the
largest firms at their real sizes, the non-SEI Global 500 count and heavy-tailed supplier counts."""

from __future__ import annotations

import numpy as np
import pytest

from sim.basedata import YUAN_PER_100M, load
from sim.model import SEIModel
from sim.outputs.measure import base_annual_factor
from sim.outputs.metrics import METRICS, RunMeasures
from sim.outputs.validation import stylized as st


@pytest.fixture(scope="module")
def run():
    """A small default run to 2020, the certified stock tracked quarter by quarter."""
    m = SEIModel(scale="small", handles=False, **{"scenario.end_year": 2020})
    w = m.world
    stock = [int(np.count_nonzero(w.firms.alive & (w.firms.certified_until >= w.quarter)))]
    flows = []
    for _ in range(m.n_quarters):
        m.step()
        f = w.firms
        stock.append(int(np.count_nonzero(f.alive & (f.certified_until >= w.quarter))))
        flows.append({k: float(w.flows[k].sum()) for k in ("certified_new", "certified_lapsed", "certified_exits")})
        assert stock[-1] <= int(f.alive.sum())  # the certified are a subset of the alive firms
        assert not (f.certified_until[~f.alive] >= w.quarter).any()  # exited firms hold no certificate
    return m, stock, flows


def test_certified_stock_adds_up_every_quarter(run):
    _, stock, flows = run
    for t, fl in enumerate(flows):
        assert stock[t + 1] == stock[t] + fl["certified_new"] - fl["certified_lapsed"] - fl["certified_exits"]
    assert sum(fl["certified_new"] for fl in flows) > 0 and sum(fl["certified_lapsed"] for fl in flows) > 0


def test_base_certified_stock_is_the_statistic_and_uncertified_firms_are_extra(run):
    m, stock, _ = run
    assert stock[0] == round(load().base_years[2018].high_tech_enterprises * m.cfg.scale.firm_fraction)
    assert m.recorder.cells["certified_firms"][-1].sum() == stock[-1]
    assert m.world.firms.n > stock[0]


def test_the_largest_2018_firm_has_huaweis_revenue_and_global500_starts_at_seven(run):
    m, _, _ = run
    rev = m.recorder.year_end[2018].firm_revenue
    assert rev.max() / YUAN_PER_100M == pytest.approx(7212, rel=0.10)
    rm = RunMeasures.from_recorder(m.recorder, m.cfg)
    assert METRICS["global500_firms"][0](rm, m.cfg.targets, 2018)[0] == 7  # 2 SEI (Huawei, Tencent) + 5 non-SEI


def test_supplier_in_degree_tail_is_heavy(run):
    m, _, _ = run
    w = m.world
    in_deg, _ = st.degrees(w.links.supplier, w.links.customer, w.firms.alive)
    alpha = st.pareto_tail(st.positive(in_deg[w.firms.alive]), lattice=1.0)["alpha"]
    assert 1.0 <= alpha <= 1.7


def test_base_firms_are_sized_by_base_year_output():
    d = load()
    m = SEIModel(scale="small", handles=False)
    k = base_annual_factor(m.world.base)
    assert (m.world.firms.output.sum() * k) == pytest.approx((d.va_2018 / d.va_ratio).sum(), rel=0.02)


def test_certification_hazard_follows_its_trend_only_over_the_fitted_years():
    """cert_hazard is the 2018 value; a positive trend raises it year by year over 2016-2019 and
    holds it outside those years (no count informs it there); no trend: constant."""
    from sim.kernel.populations import CERT_TREND_YEARS, cert_hazard
    from sim.params import DemographyParams

    p = DemographyParams(cert_hazard=0.4, cert_hazard_trend=0.2)
    h = {y: cert_hazard(p, y) for y in range(2012, 2026)}
    lo, hi = CERT_TREND_YEARS
    assert h[2018] == pytest.approx(0.4)
    assert all(h[y + 1] > h[y] for y in range(lo, hi))
    assert h[2012] == h[lo] and h[2025] == h[hi]
    assert h[2019] == pytest.approx(0.4 * np.exp(0.2))
    flat = DemographyParams(cert_hazard=0.4, cert_hazard_trend=0.0)
    assert {cert_hazard(flat, y) for y in range(2012, 2026)} == {0.4}
    assert cert_hazard(DemographyParams(cert_hazard=0.9, cert_hazard_trend=1.0), 2019) == 1.0  # a probability
