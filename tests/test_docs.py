"""The documented commands work (issue 14): every shell command in README.md and docs/*.md is run
here at small scale with short runs, or is listed as illustrative (long city-scale work, or a
placeholder such as SWEEP_DIR) or as run by another test; a new command in the docs fails the
classification test until it is placed. The documentation site builds with warnings as errors."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHORT = ["scale=small", "ensemble.size=1"]
DROP = ("scale=", "ensemble.size=", "seed=", "ensemble.workers=", "hydra.sweep.dir=")

# (pattern matched against the command, why it is not run here)
NOT_RUN = [
    (r"^make (run|test)\b", "the two entry points: `make test` is CI itself; `make run` is the city-scale default"),
    (r"^make bench", "benchmarks: their own suite (make bench)"),
    (
        r"^make dashboard\b|-m analysis\.dashboard\b",
        "the scenario explorer: run in a browser by tests/test_dashboard.py",
    ),
    (
        r"policy\.funding\.grants\.awards_per_year=750 \.\.\.",
        "illustrative: an override line the dashboard shows (tests/test_dashboard.py runs one)",
    ),
    (r"-m benchmarks\.", "benchmarks: their own suite (make bench)"),
    (r"SWEEP|DIR\b|\[SWEEP_DIR", "illustrative: a placeholder for the user's sweep folder"),
    (r"geojson", "illustrative: needs a district boundary file the repository does not ship"),
    (r"-m experiments\.(calibrate|sensitivity|example)\b", "illustrative: long runs (minutes to hours)"),
    (r"-m sim\.policy\.intensity\b", "prints a table; tests/test_sensitivity.py checks its content"),
    (r"-m analysis\.ema\b", "illustrative: reads a Sobol sample written by experiments.sensitivity"),
    (r"-m analysis\.hindcast\b", "illustrative: a city-scale hindcast; analysis.hindcast has its own tests"),
    (r"-m sim\.outputs\.validation\b", "illustrative: city scale; tests/test_stylized_facts.py runs it small"),
    (r"-m experiments\.shocks\b", "run end to end by tests/test_shocks.py (small scale, 2 seeds)"),
    (r"-m experiments\.reallocate\b", "run end to end by tests/test_reallocate.py (small scale, 2 seeds)"),
    (r"analysis\.figures multirun/", "illustrative: needs the lever_ablation sweep; tests/test_figures.py draws it"),
    (r"\.venv/bin/python -m sim -m \+experiment=", "a named experiment: its python -m experiments.<name> is run"),
    (r"^\.venv/bin/python -m experiments\.plan_vs_no_plan$", "run below as a short sweep (RUN_AS)"),
]


def commands() -> list[tuple[str, str]]:
    """(file name, command) of every line of the docs' bash blocks (continuations joined)."""
    out = []
    for f in DOCS:
        for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", f.read_text(encoding="utf-8"), re.S):
            joined = re.sub(r"\\\n\s*", " ", block)
            for line in joined.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append((f.name, re.sub(r"\s+#.*$", "", line).strip()))
    return out


def why_not_run(cmd: str) -> str | None:
    return next((why for pat, why in NOT_RUN if re.search(pat, cmd)), None)


def short_version(cmd: str, tmp: Path) -> list[str]:
    """The command at small scale with a short run into ``tmp``."""
    argv = shlex.split(cmd)
    assert argv[0] == ".venv/bin/python", f"documented commands call .venv/bin/python: {cmd}"
    argv[0] = sys.executable
    if argv[1:3] == ["-m", "sim"]:
        multi = "-m" in argv[3:]
        keep = [a for a in argv[3:] if a != "-m" and not a.startswith(DROP) and not a.startswith("hydra.")]
        years = [int(y) for y in re.findall(r"\b(20[12]\d)", " ".join(keep)) if 2019 <= int(y) <= 2025]
        end = (
            []
            if any(a.startswith("scenario.end_year=") for a in keep)
            else [f"scenario.end_year={max([2019, *years])}"]
        )
        if multi:
            return [*argv[:3], "-m", *keep, *SHORT, "seed=0", *end, f"hydra.sweep.dir={tmp}", "hydra/launcher=basic"]
        return [*argv[:3], *keep, *SHORT, "seed=0", *end, f"hydra.run.dir={tmp}"]
    if argv[1:3] == ["-m", "analysis.compare"]:
        keep, skip = [], False
        for a in argv[3:]:
            if skip:
                skip = False
                continue
            if a in ("--seeds", "--scale", "--out"):
                skip = True
                continue
            keep.append(a)
        return [*argv[:3], *keep, "--seeds", "2", "--scale", "small", "--set", "scenario.end_year=2019"]
    if argv[1:3] == ["-m", "experiments.plan_vs_no_plan"]:
        return [
            *argv,
            "--scale",
            "small",
            "--seeds",
            "2",
            "--out",
            str(tmp),
            "--launcher",
            "basic",
            "scenario.end_year=2019",
        ]
    raise AssertionError(f"no short version for: {cmd}")


DOC_COMMANDS = commands()
TO_RUN = [c for c in DOC_COMMANDS if why_not_run(c[1]) is None or "RUN_AS" in why_not_run(c[1])]


def test_every_documented_command_is_run_or_placed():
    unplaced = []
    for name, cmd in DOC_COMMANDS:
        if why_not_run(cmd) is None:
            try:
                short_version(cmd, Path("/tmp/x"))
            except AssertionError as exc:
                unplaced.append(f"{name}: {exc}")
    assert not unplaced, "\n".join(unplaced)


def test_the_readme_first_screen_keeps_two_commands():
    first = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    cmds = [ln.split("#")[0].strip() for ln in first.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert cmds == ["make run", "make test"]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "cmd"), TO_RUN, ids=[f"{n}:{c[:60]}" for n, c in TO_RUN])
def test_documented_command_runs(name, cmd, tmp_path):
    argv = short_version(cmd, tmp_path / "out")
    p = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"{name}: {' '.join(argv)}\n{p.stderr[-3000:]}"


@pytest.mark.slow
def test_the_documentation_site_builds_with_warnings_as_errors(tmp_path):
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.exists():
        pytest.skip("mkdocs is not installed (pip install .[docs])")
    p = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "paired_differences" in api and "ShockConfig" in api
