"""The free parameters (experiments/freeparams.py): valid ranges, real config keys, clear errors."""

from __future__ import annotations

import subprocess
import sys
from functools import reduce
from pathlib import Path

import pytest

from experiments.freeparams import EDGES, FREE_PARAMS, calibrated_params, free_param, markdown_table, overrides
from sim.config import ConfigError, to_config

ROOT = Path(__file__).resolve().parents[1]
ALL = FREE_PARAMS + EDGES


def value_of(cfg, key: str) -> float:
    parts = key.split(".")
    if parts[0] == "calibration":
        return cfg.calibration.share_trend[parts[2]]
    return reduce(getattr, parts[1:], cfg.params)


def test_ranges_are_valid_and_documented():
    keys = [p.key for p in ALL]
    assert len(keys) == len(set(keys)), "a key is declared twice"
    assert 8 <= len(FREE_PARAMS) <= 20  # few enough for Sobol indices at small scale
    for p in FREE_PARAMS:
        assert p.low < p.high, p.key
        assert p.low <= p.schema_default <= p.high, f"{p.key}: default {p.schema_default} outside [{p.low}, {p.high}]"
        assert p.unit and len(p.why) > 20, f"{p.key}: unit and reason of the range are required"
    assert calibrated_params(), "at least one parameter is fitted"
    assert all(p.key.startswith("params.") for p in FREE_PARAMS)


@pytest.mark.parametrize("end", ["low", "high"])
def test_keys_are_real_config_keys_accepted_at_both_ends(end):
    base = to_config(None, scale="small")
    values = {p.key: getattr(p, end) for p in ALL}
    cfg = to_config(base, **overrides(values))
    for k, v in values.items():
        assert value_of(cfg, k) == pytest.approx(v), k


def test_overrides_reject_out_of_range_and_unknown_keys():
    p = FREE_PARAMS[0]
    assert overrides({p.key: p.low}) == {p.key: p.low}
    for bad in (p.high * 2 + 1, p.low - abs(p.low) - 1):
        with pytest.raises(ConfigError, match=p.key.replace(".", r"\.")) as exc:
            overrides({p.key: bad})
        assert f"[{p.low:g}, {p.high:g}]" in str(exc.value)
    with pytest.raises(ConfigError, match=r"params\.labour\.no_such_thing.*not a declared free parameter"):
        overrides({"params.labour.no_such_thing": 0.1})
    with pytest.raises(ConfigError, match=r"params\.labour\.hire_speed"):  # a real key without a plausible range
        overrides({"params.labour.hire_speed": 1.0})
    with pytest.raises(ConfigError, match="not a number"):
        overrides({p.key: "abc"})
    assert free_param(p.key) is p


def test_docs_table_is_generated_from_the_declarations():
    out = subprocess.run(
        [sys.executable, "-m", "experiments.freeparams", "--markdown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == markdown_table()
    doc = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, (
        "docs/calibration.md: paste the output of `python -m experiments.freeparams --markdown`"
    )


def test_every_declared_parameter_with_a_plausible_range_is_visible_to_the_sensitivity_analysis():
    from experiments.freeparams import DECLARED, FREE_PARAMS
    from experiments.sensitivity import select_factors
    from sim.params import EconomyParams, specs

    plausible = {k for k, s, v in specs(EconomyParams(), "params") if s.plausible is not None and isinstance(v, float)}
    assert plausible == {p.key for p in DECLARED} | ({p.key for p in FREE_PARAMS} & plausible)
    assert all(p.low <= p.schema_default <= p.high for p in DECLARED)
    names = {f.name for f in select_factors("params,declared")}
    assert plausible <= names
