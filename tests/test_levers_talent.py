"""Direction, budget and validation tests of the talent levers (sim/policy/talent.py): one lever
on against all levers off, same seed (common random numbers), small scale."""

from __future__ import annotations

import numpy as np
import pytest
from levertest import lever_model, step_both

from sim.config import ConfigError, to_config
from sim.ids import DISTRICTS, INDUSTRIES
from sim.policy.base import PolicyContext

TALENT_BUDGETED = ("talent.university", "talent.training", "talent.recruitment", "talent.housing")


def _inflow(m) -> float:
    return float(m.world.flows["inflow"].sum())


def test_university_graduates_arrive_after_study():
    """A 2019Q3 intake with one year of study graduates in 2020Q3: until then the two runs are
    identical (the lever only pays for places); in the graduation quarter more talent arrives,
    all of them professionals or better."""
    ov = {"policy.talent.university.study_years": 1, "policy.talent.university.budget": 6.0e8}
    off, on = step_both("talent.university", 6, **ov)  # 2019Q1-2020Q2
    assert _inflow(on) == _inflow(off)
    assert on.world.talent.n == off.world.talent.n
    n0 = on.world.talent.n
    off.step()
    on.step()  # 2020Q3: graduation
    assert on.quarter_label == "2020Q3"
    assert _inflow(on) > _inflow(off)
    t_on, t_off = on.world.talent, off.world.talent
    skilled = lambda t: int((t.skill[n0:] >= 1).sum())  # noqa: E731 (arrivals of the quarter)
    assert skilled(t_on) > skilled(t_off)


def test_training_upgrades_technicians():
    ov = {"policy.talent.training.trainees_per_year": 5.0e5, "policy.talent.training.budget": 1.0e9}
    off, on = step_both("talent.training", 1, **ov)
    assert on.world.effects.training_rate_add > 0

    def professionals(m):
        t = m.world.talent
        return int((t.alive & (t.skill >= 1)).sum())

    assert professionals(on) > professionals(off)


def test_recruitment_raises_senior_inflow():
    off, on = step_both("talent.recruitment", 1, **{"policy.talent.recruitment.budget": 1.0e10})
    assert _inflow(on) > _inflow(off)

    def seniors(m):
        t = m.world.talent
        return int((t.alive & (t.skill == 2)).sum())

    assert seniors(on) > seniors(off)


def test_recruitment_follows_targeting():
    m = lever_model(
        0,
        "talent.recruitment",
        **{"policy.talent.recruitment.targeting": {"industries": ["IND-BIO"], "districts": ["nanshan"]}},
    )
    m.step()
    inflow = m.world.effects.talent_inflow
    assert inflow.sum() > 0
    mask = np.zeros_like(inflow, bool)
    mask[INDUSTRIES.index("IND-BIO"), DISTRICTS.index("nanshan")] = True
    assert inflow[~mask].sum() == 0


def test_housing_lowers_outmigration():
    off, on = step_both("talent.housing", 1, **{"policy.talent.housing.budget": 3.0e10})
    assert on.world.flows["outflow"].sum() < off.world.flows["outflow"].sum()


def test_housing_acts_in_targeted_districts_only():
    m = lever_model(0, "talent.housing", **{"policy.talent.housing.targeting": {"districts": ["nanshan"]}})
    m.step()
    mult = m.world.effects.outmigration_multiplier
    k = DISTRICTS.index("nanshan")
    assert mult[k] < 1.0
    assert np.all(np.delete(mult, k) == 1.0)


def test_evaluation_speeds_capability_learning():
    off, on = step_both("talent.evaluation", 1)
    a = on.world.institutes.alive
    assert on.world.institutes.capability[a].mean() > off.world.institutes.capability[a].mean()
    assert (on.world.institutes.capability[a] >= off.world.institutes.capability[a]).all()


def test_talent_spending_never_exceeds_a_quarter_of_the_budget():
    """The budgeted talent levers on, with default and with binding budgets: booked spending per
    quarter is > 0 where the lever acts and at most a quarter of the annual budget."""
    for budgets in ({}, {"university": 2.0e8, "training": 2.0e7, "housing": 1.0e8}):
        ov = {f"policy.{k}.enabled": True for k in TALENT_BUDGETED}
        ov.update({f"policy.talent.{k}.budget": v for k, v in budgets.items()})
        m = lever_model(2, None, **ov)
        for _ in range(8):
            m.step()
            for key in TALENT_BUDGETED:
                spent = m.world.flows.get("spend_" + key.replace(".", "_"))
                budget = getattr(m.cfg.policy.talent, key.split(".")[1]).budget
                if key == "talent.university" and m.quarter_label < "2019Q3":
                    assert spent is None  # no students before the first intake
                    continue
                assert spent is not None and spent.sum() > 0, key
                assert spent.sum() <= PolicyContext.quarter_budget(budget) * (1 + 1e-9), key


def test_talent_validation_refuses_bad_configs():
    with pytest.raises(ConfigError, match="policy.talent.training.budget"):
        to_config({}, **{"policy.talent.training.budget": 1e12})
    with pytest.raises(ConfigError, match="policy.talent.university.budget"):
        to_config({}, **{"policy.talent.university.budget": 1e12})
    with pytest.raises(ConfigError, match="atlantis"):
        to_config({}, **{"policy.talent.housing.targeting": {"districts": ["atlantis"]}})
    with pytest.raises(ConfigError, match="outside the run"):
        to_config({}, **{"policy.talent.recruitment.start": "2030Q1", "policy.talent.recruitment.end": "2030Q4"})
    with pytest.raises(ConfigError, match="policy.talent.evaluation.learning_multiplier"):
        to_config({}, **{"policy.talent.evaluation.learning_multiplier": -1.0})


def test_talent_helpers_count_people():
    from sim.policy.talent import _employed_technicians, _jobs

    m = lever_model(0, None)
    t, f = m.world.talent, m.world.firms
    ctx = PolicyContext(
        world=m.world, effects=m.world.effects, policy=m.cfg.policy, year=2019, q=1, rng=np.random.default_rng(0)
    )
    employed = (t.alive & (t.employer_kind > 0)).sum() * m.world.ppa
    assert _jobs(ctx).sum() == pytest.approx(employed)
    assert _jobs(ctx).sum() > f.employees[f.alive].sum()  # plus institute researchers
    assert 0 < _employed_technicians(ctx) < employed
