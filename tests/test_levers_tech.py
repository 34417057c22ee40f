"""Direction, budget and validation tests of the technology-support levers (sim/policy/tech.py):
one lever on against all levers off, same seed (common random numbers), small scale."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import DISTRICTS, INDUSTRIES, N_DIST
from sim.policy.base import PolicyContext

TECH = ("tech.new_carriers", "tech.leading_institutes", "tech.platforms", "tech.infrastructure")


def _cell_pool(m, ind: str, dist: str) -> float:
    inst = m.world.institutes
    i, d = INDUSTRIES.index(ind), DISTRICTS.index(dist)
    return float(inst.knowledge[inst.alive & (inst.field == i) & (inst.district == d)].sum())


def test_new_carriers_add_carriers_and_knowledge():
    """More carriers (and more institute knowledge once they have hired) with the lever on; the
    organic carriers of the `institutes` stream are the same in both runs."""
    ov = {"policy.tech.new_carriers.carriers_per_year": 200.0}
    off, on = step_both("tech.new_carriers", 2, **ov)
    made = on.world.lever_state["tech.new_carriers"].rows
    assert len(made) > 0
    assert on.world.institutes.alive.sum() == off.world.institutes.alive.sum() + len(made)
    for _ in range(4):
        off.step()
        on.step()
    assert (
        on.world.institutes.knowledge[on.world.institutes.alive].sum()
        > off.world.institutes.knowledge[off.world.institutes.alive].sum()
    )
    # the lever's carriers are booked as created carriers
    assert on.world.institutes.created_quarter[made].min() >= 0


def test_new_carriers_follow_targeting():
    ov = {
        "policy.tech.new_carriers.carriers_per_year": 200.0,
        "policy.tech.new_carriers.targeting": {"industries": ["IND-BIO"], "districts": ["pingshan"]},
        "policy.tech.new_carriers.carrier_types": ["key_laboratory"],
    }
    m = lever_model(0, "tech.new_carriers", **ov)
    m.step()
    rows = m.world.lever_state["tech.new_carriers"].rows
    inst = m.world.institutes
    assert len(rows) > 0
    assert (inst.field[rows] == INDUSTRIES.index("IND-BIO")).all()
    assert (inst.district[rows] == DISTRICTS.index("pingshan")).all()
    assert (inst.carrier_type[rows] == m.world.data.carrier_types.index("key_laboratory")).all()


def test_leading_institutes_raise_capability_of_designated():
    off, on = step_both("tech.leading_institutes", 4)
    rows = on.world.lever_state["tech.leading_institutes"].rows
    assert len(rows) >= 1
    assert (on.world.institutes.capability[rows] > off.world.institutes.capability[rows]).all()
    assert on.world.institutes.knowledge[rows].sum() > off.world.institutes.knowledge[rows].sum()


@pytest.mark.slow
def test_leading_institutes_cross_threshold_by_2020_city_scale():
    """At city scale the ten designated carriers pass the leading capability by the end of 2020
    (T20-INSTITUTES)."""
    from sim.model import SEIModel

    cfg = to_config(
        None, policy="no_plan", **{"scenario.end_year": 2020, "policy.tech.leading_institutes.enabled": True}
    )
    m = SEIModel(cfg, handles=False).run()
    rows = m.world.lever_state["tech.leading_institutes"].rows
    assert len(rows) == 10
    assert (m.world.institutes.capability[rows] >= cfg.policy.tech.leading_institutes.leading_capability).all()


def test_platforms_raise_spillover_knowledge_in_their_cells():
    off, on = step_both("tech.platforms", 1, **{"policy.tech.platforms.platforms_per_year": 20.0})
    cells = np.unique(on.world.lever_state["tech.platforms"].cells)
    assert len(cells) > 0
    for m in (off, on):
        f = m.world.firms
        m.k = np.bincount(
            f.industry[f.alive].astype(np.int64) * N_DIST + f.district[f.alive],
            weights=f.knowledge[f.alive],
            minlength=len(INDUSTRIES) * N_DIST,
        )
    assert (on.k[cells] > off.k[cells]).all()
    others = np.setdiff1d(np.arange(len(on.k)), cells)
    # other cells move only by the spillovers of the platform cells' knowledge: at most 2e-5 of
    # their level after one quarter, against gains of 2e-4 to 1e-3 in the platform cells (2026-12-06)
    np.testing.assert_allclose(on.k[others], off.k[others], rtol=1e-4)


def test_infrastructure_opens_facility_with_knowledge():
    fac = [
        {
            "name": "test_facility",
            "industry": "IND-MAT",
            "district": "guangming",
            "build_start": "2019Q1",
            "opens": "2019Q3",
            "construction_cost": 1.0e9,
            "operating_budget": 1.0e8,
            "researchers": 300.0,
        }
    ]
    off, on = step_both(
        "tech.infrastructure",
        2,
        **{"policy.tech.infrastructure.facilities": fac, "policy.tech.infrastructure.budget": 2.0e9},
    )
    # under construction: money spent, no facility yet
    assert on.world.flows["spend_tech_infrastructure"].sum() == pytest.approx(1.0e9 / 2)
    assert on.world.institutes.n == off.world.institutes.n
    off.step()
    on.step()
    assert on.world.institutes.n == off.world.institutes.n + 1
    row = on.world.lever_state["tech.infrastructure"].rows["0:test_facility"]
    assert on.world.institutes.capability[row] == pytest.approx(0.9, abs=0.01)
    assert _cell_pool(on, "IND-MAT", "guangming") > _cell_pool(off, "IND-MAT", "guangming")
    assert on.world.flows["spend_tech_infrastructure"].sum() == pytest.approx(1.0e8 / 4)


def test_tech_spending_never_exceeds_a_quarter_of_the_budget():
    """Every tech lever on, with default and with binding budgets: booked spending per quarter is
    > 0 and at most a quarter of the annual budget."""
    for budgets in ({}, {"new_carriers": 3e8, "leading_institutes": 4e7, "platforms": 6e7, "infrastructure": 5e8}):
        ov = {f"policy.{k}.enabled": True for k in TECH}
        ov.update({f"policy.tech.{k}.budget": v for k, v in budgets.items()})
        ov["policy.tech.new_carriers.carriers_per_year"] = 100.0
        m = lever_model(1, None, **ov)
        for _ in range(8):
            m.step()
            for key in TECH:
                spent = m.world.flows.get("spend_" + key.replace(".", "_"))
                budget = getattr(m.cfg.policy.tech, key.split(".")[1]).budget
                assert spent is not None and spent.sum() > 0, key
                assert spent.sum() <= PolicyContext.quarter_budget(budget) * (1 + 1e-9), key


def test_tech_validation_refuses_bad_configs():
    with pytest.raises(ConfigError, match="policy.tech.leading_institutes.budget"):
        to_config({}, **{"policy.tech.leading_institutes.budget": 1e12})
    with pytest.raises(ConfigError, match="policy.tech.new_carriers.budget"):
        to_config({}, **{"policy.tech.new_carriers.budget": 1e13})
    with pytest.raises(ConfigError, match="atlantis"):
        to_config({}, **{"policy.tech.platforms.targeting": {"districts": ["atlantis"]}})
    with pytest.raises(ConfigError, match="IND-NOPE"):
        to_config({}, **{"policy.tech.new_carriers.targeting": {"industries": ["IND-NOPE"]}})
    with pytest.raises(ConfigError, match="outside the run"):
        to_config({}, **{"policy.tech.platforms.start": "2030Q1", "policy.tech.platforms.end": "2031Q4"})
    with pytest.raises(ConfigError, match="carrier type"):
        to_config({}, **{"policy.tech.new_carriers.carrier_types": ["castle"]})
    bad = [{"name": "x", "industry": "IND-IT", "district": "atlantis", "build_start": "2019Q1", "opens": "2020Q1"}]
    with pytest.raises(ConfigError, match=r"facilities\[0\].district"):
        to_config({}, **{"policy.tech.infrastructure.facilities": bad})
    late = [{"name": "x", "industry": "IND-IT", "district": "nanshan", "build_start": "2021Q1", "opens": "2020Q1"}]
    with pytest.raises(ConfigError, match=r"facilities\[0\].opens"):
        to_config({}, **{"policy.tech.infrastructure.facilities": late})
