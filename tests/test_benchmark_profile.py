"""benchmarks.profile: the phases' shares of one run add up and the model is left as it was."""

from __future__ import annotations

import sim.model
from benchmarks.profile import phase_times, table
from sim.kernel import phases


def test_phase_times_cover_every_phase_and_restore_the_model():
    before = {n: getattr(phases, n) for n in ("production", "labour")}, sim.model.apply_policy
    totals, total = phase_times("small", 0, handles=False, overrides={"scenario.end_year": 2019})
    for k in ("build", "environment", "policy", "innovation", "labour", "production", "finance", "demography"):
        assert k in totals and totals[k][0] >= 0
    assert totals["production"][1] == 4  # one call per quarter of 2019
    assert sum(v[0] for v in totals.values()) <= total
    assert "**total**" in table(totals, total)
    assert ({n: getattr(phases, n) for n in ("production", "labour")}, sim.model.apply_policy) == before
