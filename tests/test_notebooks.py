"""The analysis notebooks (analysis/notebooks): five, one per question an analyst asks first
(targets under the plan, which measures matter, a budget move, a shock, two scenarios side by
side). They read results that exist (docs/example/ by default, or the folder of their RESULTS
parameter / $SEI_RESULTS), never run the model, are stored without outputs, and write their
conclusions from the loaded numbers (checked here against the same numbers computed directly,
and on a doctored copy of the results)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import notebook as nbh
from analysis.results import load
from analysis.stats import paired_differences

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "analysis" / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_targets", "02_measures", "03_budget_move", "04_shock", "05_side_by_side"]


def test_the_five_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


def _tagged(nb, tag):
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs_and_only_loads(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs before committing"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for runs_the_model in ("tempfile", "run_experiment", "sim.drivers", "subprocess", "run_ensemble"):
        assert runs_the_model not in code, f"{path.name} runs the model ({runs_the_model}); it should load results"
    params = _tagged(nb, "parameters")
    assert len(params) == 1 and "RESULTS = None" in params[0].source
    conclusions = _tagged(nb, "conclusions")
    assert len(conclusions) == 1 and "display(Markdown(" in conclusions[0].source
    assert "100m yuan (亿元)" in nb.cells[0].source  # one money unit, named


def test_results_folder_parameter_environment_and_default(tmp_path, monkeypatch):
    monkeypatch.delenv(nbh.ENV, raising=False)
    assert nbh.results_folder("shocks") == nbh.EXAMPLE / "shocks"
    sweep = tmp_path / "multirun" / "shocks" / "small"
    shutil.copytree(nbh.EXAMPLE / "shocks" / "results", sweep / "results")
    assert nbh.results_folder("shocks", tmp_path / "multirun") == sweep  # <folder>/<experiment>/small
    assert nbh.results_folder("shocks", sweep) == sweep
    monkeypatch.setenv(nbh.ENV, str(tmp_path / "multirun"))
    assert nbh.results_folder("shocks") == sweep  # the environment variable when no parameter
    assert nbh.results_folder("shocks", nbh.EXAMPLE) == nbh.EXAMPLE / "shocks"  # the parameter wins
    with pytest.raises(FileNotFoundError, match="no results of the principles experiment.*make example"):
        nbh.results_folder("principles")


def test_money_and_interval_words():
    assert nbh.yi(2.4049e11) == "2,405" and nbh.yi_signed(-1.9e10) == "-190" and nbh.yi_signed(3e8, 1) == "+3.0"
    assert nbh.interval(1.556e11, 3.255e11) == "95% CI 1,556 to 3,255"
    assert nbh.verdict(1, 2).endswith("above zero") and nbh.verdict(-2, -1).endswith("below zero")
    assert "includes zero" in nbh.verdict(-1, 1)
    assert nbh.listing(["a", "b", "c"]) == "a, b and c" and nbh.listing([]) == "none"
    assert nbh.lever_name("funding.guidance_fund") == "guidance fund (funding)"


def _execute(path: Path, monkeypatch, tmp_path, results: Path | None = None):
    """Run the notebook in the project's interpreter; ``results``: injected as its RESULTS
    parameter (after the parameters cell, as papermill does). Returns the executed notebook."""
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv(nbh.ENV, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    spec = KernelSpecManager().get_kernel_spec("python3")
    if Path(spec.argv[0]).resolve() != Path(sys.executable).resolve() and spec.argv[0] != "python":
        pytest.skip(f"kernel python3 is {spec.argv[0]}, not this interpreter {sys.executable}")
    nb = nbformat.read(path, as_version=4)
    if results is not None:
        k = nb.cells.index(_tagged(nb, "parameters")[0])
        nb.cells.insert(k + 1, nbformat.v4.new_code_cell(f"RESULTS = {str(results)!r}"))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    return nb


def _conclusions(nb) -> str:
    outs = [o for o in _tagged(nb, "conclusions")[0].outputs if o.output_type == "display_data"]
    assert len(outs) == 1
    return outs[0]["data"]["text/markdown"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_the_example_and_concludes(path, monkeypatch, tmp_path):
    text = _conclusions(_execute(path, monkeypatch, tmp_path))
    assert text.startswith("Read from ") and "100m yuan (亿元)" in text and "95% CI" in text
    if path.stem == "01_targets":  # the plan's effect as analysis.stats computes it from the same tables
        res = load(nbh.EXAMPLE / "plan_vs_no_plan").complete()
        d = paired_differences(res, "value_added.ALL.2025", "policy", "no_plan").set_index("policy").loc["plan_2018"]
        assert f"paired effect of {nbh.yi_signed(d['diff'])} ({nbh.interval(d['diff_lo'], d['diff_hi'])}" in text


@pytest.mark.slow
def test_side_by_side_conclusions_follow_a_doctored_sweep(monkeypatch, tmp_path):
    """The same notebook on a copy of the example where scenario B's value added is 1.5 times
    larger: the conclusions report the new difference, computed here from the doctored table."""
    src = nbh.EXAMPLE / "principles" / "results"
    dst = tmp_path / "doctored" / "principles" / "results"
    shutil.copytree(src, dst)
    runs = pd.read_parquet(dst / "runs.parquet")
    b = runs["policy"] == "key_breakthroughs"
    runs.loc[b, "value_added.ALL.2025"] *= 1.5
    runs.to_parquet(dst / "runs.parquet", index=False)
    d = paired_differences(runs, "value_added.ALL.2025", "policy", "plan_2018").set_index("policy")
    d = d.loc["key_breakthroughs"]
    text = _conclusions(
        _execute(ROOT / "analysis/notebooks/05_side_by_side.ipynb", monkeypatch, tmp_path, tmp_path / "doctored")
    )
    assert "Read from principles" in text
    assert f"a paired difference of {nbh.yi_signed(d['diff'])} ({nbh.interval(d['diff_lo'], d['diff_hi'])}" in text
    assert d["diff"] > 0.3 * runs.loc[b, "value_added.ALL.2025"].mean()  # the doctoring shows
