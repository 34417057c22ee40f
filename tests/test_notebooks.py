"""The notebooks in analysis/notebooks run top to bottom (nbclient, the project's Python kernel)
at scale=small with few seeds, and are stored without outputs.

Equivalent: ``pytest --nbmake analysis/notebooks``. SEI_NB_SEEDS (default 3) sets the seeds per
scenario."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "analysis" / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_compare_scenarios.ipynb", "03_levers.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
@pytest.mark.slow
def test_notebook_runs(path, monkeypatch, tmp_path):
    # the kernel must be this interpreter (the project's venv), whatever kernelspec is installed
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebooks' run folders go under pytest's tmp
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(path, as_version=4)
    ksm = KernelSpecManager()
    spec = ksm.get_kernel_spec("python3")
    if Path(spec.argv[0]).resolve() != Path(sys.executable).resolve() and spec.argv[0] != "python":
        pytest.skip(f"kernel python3 is {spec.argv[0]}, not this interpreter {sys.executable}")
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
