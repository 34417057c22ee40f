"""Space levers (S-LAND, S-ZONES, S-PARKS, S-LAYOUT, S-RESOURCES): each moves its channel in the
intended direction with the lever on against all levers off under common random numbers
(tests/levertest.py), books no more than a quarter of its budget per quarter, and bad
configurations (unknown districts, industries, zone files, budgets beyond capacity, windows
outside the run) are refused before the run."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import DISTRICTS, N_DIST, N_IND
from sim.policy.space import focus_matrix, planned_release
from sim.policy.zones import load_zones

SEEDS = (0, 1, 2)


def _run(lever: str | None, seed: int, quarters: int, **ov):
    """Step a model and sum this lever-independent flow per quarter: entries and relocations by cell."""
    m = lever_model(seed, lever, **ov)
    entries = np.zeros((N_IND, N_DIST))
    moves = np.zeros((N_IND, N_DIST))
    for _ in range(quarters):
        m.step()
        entries += m.world.flows["entries"]
        moves += m.world.flows["relocations"]
    return m, entries, moves


def test_land_release_default_scale_from_the_2019_land_offer():
    from sim.policy.space import LandReleaseConfig

    c = LandReleaseConfig()
    m2 = planned_release(c)
    # 30 km2 x FAR 2.5 x SEI share 0.4 over 6 years = 5.0e6 m2/yr, 5/30 of it in Shenshan
    assert m2.sum() == pytest.approx(30e6 * 2.5 * 0.4 / 6)
    assert m2[DISTRICTS.index("shenshan")] == pytest.approx(m2.sum() / 6)
    assert c.budget == pytest.approx(m2.sum() * c.cost_per_m2 * c.public_share)


def test_land_release_more_firms_in_district():
    """More floor space in a nearly full district (Nanshan starts at the 0.97 occupancy cap) -> more
    firms there: entrants and movers choose it more often and its firms can hire."""
    ov = {"policy.space.land_release.start": "2019Q1", "policy.space.land_release.m2_per_year": {"nanshan": 5e6}}
    d = DISTRICTS.index("nanshan")
    firms_on = firms_off = 0
    for s in SEEDS:
        off = lever_model(s, None, **ov)
        on = lever_model(s, "space.land_release", **ov)
        for _ in range(4):
            off.step()
            on.step()
        assert on.world.floor_space[d] > off.world.floor_space[d]
        fo, ff = on.world.firms, off.world.firms
        firms_on += int((fo.alive & (fo.district == d)).sum())
        firms_off += int((ff.alive & (ff.district == d)).sum())
    assert firms_on > firms_off


def test_rent_cap_transfers_and_location_bonus():
    off, on = step_both("space.rent_cap", 1)
    e, f = on.world.effects, on.world.firms
    tenants = np.flatnonzero(e.cash_transfer > 0)
    assert len(tenants) > 0
    c = on.cfg.policy.space.rent_cap
    assert (e.location_bonus > 0).any() and (e.location_bonus >= 0).all()
    # the transfers are the rent difference on at most space_m2 (base-year rents, first quarter)
    assert e.cash_transfer.sum() <= c.discount * c.space_m2 * on.world.data.rent.max() * 3
    assert f.cash[tenants].sum() > off.world.firms.cash[tenants].sum()


def test_rent_cap_full_coverage_bonus_is_logit_value_of_the_discount():
    """With all targeted space capped the bonus is location_rent_elasticity x -log(1 - discount)."""
    ov = {
        "policy.space.rent_cap.space_m2": 1e12,
        "policy.space.rent_cap.max_m2_per_firm": 1e12,
        "policy.space.rent_cap.budget": 1e12,
        "policy.space.rent_cap.targeting.districts": ["pingshan"],
    }
    m = lever_model(0, "space.rent_cap", **ov)
    m.step()
    c, el = m.cfg.policy.space.rent_cap, m.cfg.params.demography.location_rent_elasticity
    b = m.world.effects.location_bonus
    d = DISTRICTS.index("pingshan")
    assert b[:, d] == pytest.approx(np.full(N_IND, el * -np.log(1 - c.discount)))
    assert np.delete(b, d, axis=1).sum() == 0


def test_parks_attract_designated_industries():
    """Entry into the zone cells (designated industry x zone district) rises with the parks."""
    zone = np.zeros((N_IND, N_DIST), bool)
    for z in load_zones(""):
        zone[list(z.industries), z.district] = True
    on_n = off_n = 0.0
    for s in SEEDS:
        _, e_off, _ = _run(None, s, 4)
        m, e_on, _ = _run("space.parks", s, 4, **{"policy.space.parks.start": "2019Q1"})
        on_n += e_on[zone].sum() / max(e_on.sum(), 1)
        off_n += e_off[zone].sum() / max(e_off.sum(), 1)
    assert on_n > off_n


def test_district_focus_steers_entry():
    """The share of start-ups and movers landing in a district's focus industries rises."""
    from sim.policy.space import _default_focus

    focus = focus_matrix(_default_focus())
    on_n = off_n = 0.0
    for s in SEEDS:
        _, e_off, _ = _run(None, s, 4)
        _, e_on, _ = _run("space.district_focus", s, 4)
        on_n += e_on[focus].sum() / max(e_on.sum(), 1)
        off_n += e_off[focus].sum() / max(e_off.sum(), 1)
    assert on_n > off_n


SPACE_BUDGETED = ("land_release", "rent_cap", "parks")


def test_space_spending_within_a_quarter_of_the_budget():
    ov = {f"policy.space.{k}.enabled": True for k in SPACE_BUDGETED}
    ov.update({f"policy.space.{k}.start": "2019Q1" for k in SPACE_BUDGETED})
    m = lever_model(0, None, **ov)
    for _ in range(4):
        m.step()
    ts = m.timeseries()
    for k in SPACE_BUDGETED:
        s = ts[ts.metric == f"spend_space_{k}"].groupby("quarter", observed=True).value.sum()
        budget = getattr(m.cfg.policy.space, k).budget
        assert len(s) == 4 and (s <= budget / 4 * (1 + 1e-9)).all(), k
        assert (s > 0).all(), k


@pytest.mark.parametrize("crowd_out", [0.0, 0.5])
def test_land_release_adds_the_budgeted_space_less_what_it_crowds_out(crowd_out):
    """A budget below the plan's release scales the release down: public floor space = budget / cost;
    private developers then build ``crowd_out`` of it less (sim.economy.space_supply); in the
    first quarter rents seen by developers are still the base's, so nothing else differs."""
    ov = {
        "policy.space.land_release.start": "2019Q1",
        "policy.space.land_release.budget": 1e9,
        "params.space.crowd_out": crowd_out,
    }
    off, on = step_both("space.land_release", 1, **ov)
    c = on.cfg.policy.space.land_release
    g = (1 + on.cfg.params.geography.floor_space_growth) ** 0.25 - 1  # private additions per m2 of stock
    public = 1e9 / 4 / (c.cost_per_m2 * c.public_share)
    added = (on.world.floor_space - off.world.floor_space).sum()
    if crowd_out == 0.0:
        assert added == pytest.approx(public * (1 + g), rel=1e-6)
    else:  # crowd-out takes at most crowd_out of the public space, and never more than developers would build
        assert public * (1 + g) - crowd_out * public - 1e-6 <= added < public * (1 + g) * (1 - 1e-3)
    assert on.world.flows["spend_space_land_release"].sum() == pytest.approx(1e9 / 4)


def test_zone_file_can_be_supplied(tmp_path):
    p = tmp_path / "zones.csv"
    p.write_text("zone_id,district,industries\nz1,dapeng,IND-SEA\n", encoding="utf-8")
    m = lever_model(
        0,
        "space.parks",
        **{
            "policy.space.parks.start": "2019Q1",
            "policy.space.parks.zones_file": str(p),
            "policy.space.parks.budget": 5e7,
        },
    )
    m.step()
    b = m.world.effects.location_bonus
    assert b[6, DISTRICTS.index("dapeng")] > 0 and np.count_nonzero(b) == 1


@pytest.mark.parametrize(
    "override, words",
    [
        ({"policy.space.parks.budget": 1e12}, ["policy.space.parks.budget", "cannot be spent"]),
        ({"policy.space.land_release.budget": 1e12}, ["policy.space.land_release.budget", "cannot be spent"]),
        ({"policy.space.land_release.m2_per_year": {"atlantis": 1e6}}, ["unknown district", "atlantis"]),
        ({"policy.space.district_focus.focus": {"nanshan": ["IND-NOPE"]}}, ["unknown industry", "IND-NOPE"]),
        ({"policy.space.district_focus.focus": {"atlantis": ["IND-IT"]}}, ["unknown district", "atlantis"]),
        ({"policy.space.rent_cap.targeting.districts": ["atlantis"]}, ["unknown district", "atlantis"]),
        ({"policy.space.parks.targeting.industries": ["IND-NOPE"]}, ["unknown industry", "IND-NOPE"]),
        ({"policy.space.parks.zones_file": "/nonexistent/zones.csv"}, ["zones_file", "does not exist"]),
        ({"policy.space.rent_cap.start": "2030Q1", "policy.space.rent_cap.end": "2030Q4"}, ["outside the run"]),
    ],
)
def test_bad_space_configs_are_refused(override, words):
    with pytest.raises(ConfigError) as err:
        to_config(None, scale="small", **override)
    for w in words:
        assert w in str(err.value)


def test_bad_zone_file_is_refused(tmp_path):
    p = tmp_path / "zones.csv"
    p.write_text("zone_id,district,industries\nz1,atlantis,IND-IT\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown district 'atlantis'"):
        to_config(None, scale="small", **{"policy.space.parks.zones_file": str(p)})
