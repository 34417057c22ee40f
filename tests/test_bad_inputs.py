"""The bad-input catalogue (issue 13): every row of tests/bad_inputs.csv (category, override(s),
expected exit of the command line, the key the message must name, words it must hold, ';'-separated)
is refused before any work: the up-front path of the command line (``check_overrides``: output
folders, compose, validate, world size) raises ConfigError naming the key, and no world is built.
Adding a case is one line of the table. A few rows also go through the real command line."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from sim.drivers.guard import check_overrides
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).with_name("bad_inputs.csv")
ROWS = list(csv.DictReader(CATALOGUE.open(newline="", encoding="utf-8")))


def test_the_catalogue_is_big_and_covers_every_category():
    assert len(ROWS) >= 120
    cats = {r["category"] for r in ROWS}
    assert {"issue example", "parameter bound", "lever share", "unknown key", "dict entry / targets", "run"} <= cats
    assert len({r["override"] for r in ROWS}) == len(ROWS), "duplicate rows"


def test_every_bad_input_is_refused_before_any_work(monkeypatch):
    """One test over the whole table (composing ~160 configs takes ~1.5 min on 2 busy cores)."""

    def never(*a, **k):
        raise AssertionError("a world was built")

    monkeypatch.setattr("sim.model.build_world", never, raising=False)
    monkeypatch.setattr("sim.kernel.build.build_world", never)
    problems = []
    for r in ROWS:
        try:
            check_overrides(r["override"].split())
        except ConfigError as exc:
            msg = str(exc)
            missing = [w for w in [r["key"], *r["words"].split(";")] if w and w not in msg]
            if missing:
                problems.append(f"{r['override']}: message lacks {missing}: {msg[:200]}")
        except Exception as exc:  # a traceback instead of a message
            problems.append(f"{r['override']}: {type(exc).__name__}: {exc}")
        else:
            problems.append(f"{r['override']}: accepted")
    assert not problems, f"{len(problems)} of {len(ROWS)} bad inputs not refused cleanly:\n" + "\n".join(problems)


CLI_CASES = [r for r in ROWS if r["override"] in ("+params.labour.quit_rat=0.5", "seed=-1", "hydra.run.dir=")] + [
    r for r in ROWS if r["override"] in ("scale.institute_fraction=1e-9", "policy.funding.grants.sme_share=2")
]


@pytest.mark.parametrize("row", CLI_CASES, ids=[r["override"] for r in CLI_CASES])
def test_the_command_line_refuses_with_the_expected_exit_and_no_traceback(row, tmp_path):
    args = row["override"].split()
    if not any(a.startswith("hydra.") for a in args):
        args.append(f"hydra.run.dir={tmp_path / 'run'}")
    p = subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == int(row["exit"]), p.stderr[-2000:]
    assert "Traceback" not in p.stderr and row["key"] in p.stderr
    assert not (tmp_path / "run" / "manifest.json").exists()  # nothing ran
