"""The stored baseline (tests/baseline/small_default.json): a change that moves results must
update it on purpose (``make baseline``) and say why in its commit."""

from __future__ import annotations

import json

from experiments.baseline import BASELINE, current, differences


def test_headline_numbers_match_the_stored_baseline():
    stored = json.loads(BASELINE.read_text())
    diff = differences(stored, current())
    assert not diff, (
        "results moved against the stored baseline; if the change is intended, run `make baseline` and say why "
        "in the commit:\n" + "\n".join(diff[:40])
    )
