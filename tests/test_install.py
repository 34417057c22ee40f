"""A package that installs (issue 14): the wheel built from the checkout carries the Hydra configs
(``sim/configs/``) and data, and ``sei-sim`` runs from a fresh venv outside the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _uv() -> str:
    uv = Path(sys.executable).parent / "uv"
    found = str(uv) if uv.exists() else shutil.which("uv")
    if not found:
        pytest.skip("uv is needed to build the wheel and make a fresh venv")
    return found


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_runs(tmp_path):
    uv = _uv()
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    subprocess.run([uv, "build", "-q", "--wheel", "--out-dir", str(dist), str(ROOT)], check=True, timeout=600)
    (wheel,) = dist.glob("sei_sim-*.whl")
    names = subprocess.run(
        [sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True, check=True
    ).stdout
    assert "sim/configs/config.yaml" in names and "sim/configs/shocks/pandemic_2020.yaml" in names
    assert "sim/data/industries.csv" in names
    subprocess.run([uv, "venv", "-q", str(venv), "--python", sys.executable], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(py), "-c", str(ROOT / "constraints.txt"), str(wheel)],
        check=True,
        timeout=900,
    )
    work.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import sim.config as c; print(c.CONFIG_DIR)"], cwd=work, capture_output=True, text=True
    )
    assert "site-packages" in where.stdout and where.stdout.strip().endswith("sim/configs"), where.stdout
    run = subprocess.run(
        [str(venv / "bin" / "sei-sim"), "scale=small", "ensemble.size=1", "scenario.end_year=2019"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "run folder:" in run.stdout and list(work.glob("outputs/history/*/timeseries.parquet"))
    # a Chinese figure of that run, drawn in the fresh venv: the CJK font comes from the wheel's
    # dependencies (mplfonts), not from the system, and no glyph is missing
    (folder,) = work.glob("outputs/history/*")
    zh = subprocess.run([str(py), "-c", ZH_FIGURE, str(folder)], cwd=work, capture_output=True, text=True, timeout=600)
    assert zh.returncode == 0, zh.stderr[-3000:]
    assert zh.stdout.split() == ["NotoSansCJKsc-Regular.otf", "missing=0", "cjk_text=yes"], zh.stdout
    assert (work / "zh.png").stat().st_size > 10_000


ZH_FIGURE = """
import sys, warnings
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager, pyplot as plt
import analysis.style as st
from analysis.figures import fig_value_added, load_many
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig = fig_value_added(load_many(sys.argv[1]), lang="zh")
    st.save(fig, ".", "zh", formats=("png",))
    with st.style("zh"):
        fonts = {Path(font_manager.findfont(t.get_fontproperties())).name for t in fig.findobj(plt.Text) if t.get_text()}
missing = [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
cjk = any(ord(c) >= 0x4E00 for t in fig.findobj(plt.Text) for c in t.get_text())
print(*sorted(f for f in fonts if "CJK" in f), f"missing={len(missing)}", f"cjk_text={'yes' if cjk else 'no'}")
"""
