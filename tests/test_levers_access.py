"""Market-access levers (M-ACCESS-1..4): each moves its channel in the intended direction with the
lever on against all levers off under common random numbers (tests/levertest.py), books no more
than a quarter of its budget per quarter, and bad configurations are refused before the run.

Checks look at the first quarter(s) after switching on: up to the phase the lever acts through,
both models have the same state and the same random draws."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import DISTRICTS, INDUSTRIES

ACCESS = ("first_purchase", "first_set", "pilot_zones")


# No firm has a breakthrough before the first simulated quarter (the base state records none), so
# levers for new products act from the second quarter: they are switched on in 2019Q2 and the
# models are stepped twice (the first quarter is identical in both).
LATER = "2019Q2"


def test_first_purchase_raises_sales_of_new_products():
    off, on = step_both("access.first_purchase", 2, **{"policy.access.first_purchase.start": LATER})
    e, f = on.world.effects, on.world.firms
    buyers = np.flatnonzero(e.public_demand > 0)
    assert len(buyers) > 0
    # only firms with a recent breakthrough (new products) get orders
    c = on.cfg.policy.access.first_purchase
    assert (on.world.quarter - f.last_breakthrough[buyers].astype(int) <= c.recent_quarters + 1).all()
    assert f.sales_final[buyers].sum() > off.world.firms.sales_final[buyers].sum()
    # orders are booked as spending, within the quarter's budget
    spent = on.world.flows["spend_access_first_purchase"].sum()
    assert spent == pytest.approx(e.public_demand.sum()) and spent <= c.budget / 4


def test_first_set_raises_demand_of_new_equipment():
    off, on = step_both("access.first_set", 2, **{"policy.access.first_set.start": LATER})
    e, f = on.world.effects, on.world.firms
    covered = np.flatnonzero(e.demand_multiplier > 1)
    assert len(covered) > 0
    assert (f.industry[covered] == INDUSTRIES.index("IND-EQP")).all()
    assert f.demand[covered].sum() > off.world.firms.demand[covered].sum()
    assert f.sales_final[covered].sum() > off.world.firms.sales_final[covered].sum()


def test_first_set_budget_limits_coverage():
    _, small = step_both(
        "access.first_set", 2, **{"policy.access.first_set.start": LATER, "policy.access.first_set.budget": 1e6}
    )
    _, large = step_both("access.first_set", 2, **{"policy.access.first_set.start": LATER})
    assert 0 <= (small.world.effects.demand_multiplier > 1).sum() < (large.world.effects.demand_multiplier > 1).sum()
    assert small.world.flows.get("spend_access_first_set", np.zeros(1)).sum() <= 1e6 / 4


def test_pilot_zones_raise_breakthroughs_in_zone():
    """Breakthroughs of the zone's firms rise. The Dapeng zone has few firms at small scale, so the
    test widens the life-and-health zone to the sub-fields' firms in every district (the channel is
    the same) and pools four seeds; in the first quarter the hazard draws are common, so every
    breakthrough without the zone also happens with it."""
    ov = {"policy.access.pilot_zones.life_health.targeting.districts": []}
    hits_on = hits_off = 0
    for s in range(4):
        off, on = step_both("access.pilot_zones", 1, seed=s, **ov)
        zone = on.world.effects.breakthrough_multiplier > 1
        assert zone.any()
        f_on, f_off = on.world.firms, off.world.firms
        n = len(zone)
        new_on = zone & (f_on.last_breakthrough[:n] == on.world.quarter)
        new_off = zone & (f_off.last_breakthrough[:n] == off.world.quarter)
        assert (new_on | ~new_off).all()  # common draws: the zone only adds breakthroughs
        hits_on += int(new_on.sum())
        hits_off += int(new_off.sum())
    assert hits_on > hits_off


def test_pilot_zones_default_targets_pingshan_and_dapeng():
    m = lever_model(0, "access.pilot_zones")
    m.step()
    f, e = m.world.firms, m.world.effects
    zone = np.flatnonzero(e.breakthrough_multiplier > 1)
    assert len(zone) > 0
    assert set(np.unique(f.district[zone])) <= {DISTRICTS.index("pingshan"), DISTRICTS.index("dapeng")}
    ids = m.world.data.subfield_ids
    subs = {ids[s] for s in f.subfield[zone]}
    assert subs <= set(m.cfg.policy.access.pilot_zones.driverless.targeting.subfields) | set(
        m.cfg.policy.access.pilot_zones.life_health.targeting.subfields
    )
    assert (e.demand_multiplier[zone] > 1).all()


def test_access_spending_within_a_quarter_of_the_budget():
    ov = {f"policy.access.{k}.enabled": True for k in ACCESS}
    m = lever_model(0, None, **ov)
    for _ in range(5):
        m.step()
    ts = m.timeseries()
    for k in ACCESS:
        s = ts[ts.metric == f"spend_access_{k}"].groupby("quarter", observed=True).value.sum()
        budget = getattr(m.cfg.policy.access, k).budget
        assert len(s) == 5 and (s <= budget / 4 * (1 + 1e-9)).all(), k
        assert (s.iloc[1:] > 0).all(), k  # from the second quarter (first breakthroughs in the first)


@pytest.mark.parametrize(
    "override, words",
    [
        ({"policy.access.first_purchase.budget": 1e10}, ["policy.access.first_purchase.budget", "cannot be spent"]),
        ({"policy.access.first_set.targeting.industries": ["IND-NOPE"]}, ["unknown industry", "IND-NOPE"]),
        (
            {"policy.access.pilot_zones.driverless.targeting.subfields": ["flying_cars"]},
            ["unknown sub-field", "flying_cars"],
        ),
        ({"policy.access.pilot_zones.life_health.targeting.districts": ["atlantis"]}, ["unknown district", "atlantis"]),
        (
            {"policy.access.first_purchase.start": "2030Q1", "policy.access.first_purchase.end": "2030Q4"},
            ["outside the run"],
        ),
    ],
)
def test_bad_access_configs_are_refused(override, words):
    with pytest.raises(ConfigError) as err:
        to_config(None, scale="small", **override)
    for w in words:
        assert w in str(err.value)
