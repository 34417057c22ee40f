"""The small example behind the figure gallery (docs/figures.md) and the notebooks
(analysis/notebooks/), and a helper that runs a named experiment as a Hydra sweep and loads its
tables.

    make example                                      # the same as the next line
    python -m experiments.example                     # run the example sweeps, write docs/example/ and docs/figures/
    python -m experiments.example --only shocks,reallocate   # only these experiments (the others' tables are kept)
    python -m experiments.example --seeds 3 --work /tmp/sei-example --mode hydra

The example: the experiments plan_vs_no_plan, principles, lever_ablation, budget_mix, reallocate
(the plan's budgets and two budget moves) and shocks (the plan and no plan under each shock
preset) at ``scale=small`` with seeds 0..N-1 (default 3), runs to 2025, a network snapshot of 2025
in the plan_vs_no_plan runs. Kept under docs/example/<experiment>/: the gathered tables (results/*.parquet, a few hundred
kB each) and, for plan_vs_no_plan, the 2025 snapshots of the first run (the network figure needs
them); the run folders themselves stay in the work folder. The gallery PNGs (150 dpi, to keep
the repository small; the CLI writes 300 dpi) go to docs/figures/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.results import RESULTS_DIR, TABLES, load
from experiments.sweep import EXPERIMENTS as _NAMED

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = tuple(_NAMED)  # the named experiments of configs/experiment/
# which gallery figure is drawn from which example experiment
GALLERY = {
    "01_value_added": "plan_vs_no_plan",
    "02_scenarios": "principles",
    "03_scorecard": "principles",
    "04_levers": "lever_ablation",
    "05_districts": "plan_vs_no_plan",
    "06_network": "plan_vs_no_plan",
    "07_budget": "plan_vs_no_plan",
    "08_shocks": "shocks",
    "09_district_effects": "plan_vs_no_plan",
    "10_budget_moves": "reallocate",  # the response curve
    "10_budget_mix": ("10_budget_moves", "budget_mix"),  # the same figure for the mixes: (figure, experiment)
}
DEFAULT_EXPERIMENTS = ("plan_vs_no_plan", "principles", "lever_ablation", "budget_mix", "reallocate", "shocks")
GALLERY_DPI = 150


def _check(name: str, seeds: int) -> None:
    if name not in EXPERIMENTS:
        raise ValueError(f"name: unknown experiment '{name}'; allowed: {', '.join(EXPERIMENTS)}")
    if seeds < 1:
        raise ValueError(f"seeds: at least 1, got {seeds}")


def sweep_command(
    name: str,
    out: Path,
    seeds: int = 3,
    scale: str = "small",
    extra=(),
    launcher: str | None = None,
    python: str = sys.executable,
) -> list[str]:
    """The ``python -m sim -m +experiment=<name>`` command line of a named experiment."""
    from experiments.sweep import sweep_command as command

    _check(name, seeds)
    return [python, *command(name, scale, Path(out).resolve(), seeds, launcher, list(extra))[1:]]


def experiment_jobs(name: str, seeds: int = 3, scale: str = "small", extra=()) -> list[list[str]]:
    """The jobs of the named experiment's sweep (configs/experiment/<name>.yaml,
    ``hydra.sweeper.params``) with seeds 0..seeds-1: one override list per job, in the order the
    basic sweeper launches them (sim.drivers.sweep.expand)."""
    from omegaconf import OmegaConf

    from sim.drivers.sweep import expand, sweeper_params

    _check(name, seeds)
    params = dict(OmegaConf.load(ROOT / "configs" / "experiment" / f"{name}.yaml").hydra.sweeper.params)
    params["seed"] = f"range(0,{seeds})"
    return expand([*sweeper_params(params), f"+experiment={name}", f"scale={scale}", *extra])


def run_experiment(
    name: str,
    out,
    seeds: int = 3,
    scale: str = "small",
    extra=(),
    launcher: str | None = None,
    quiet: bool = True,
    mode: str = "inprocess",
):
    """Run the named experiment (configs/experiment/<name>.yaml) into ``out`` with seeds
    0..seeds-1 (common random numbers across its scenarios) and return its gathered tables
    (analysis.results.load). ``extra``: more overrides, e.g. ``["output.snapshot_years=[2025]"]``.

    mode "hydra": the Hydra multirun ``python -m sim -m +experiment=<name> ...`` in a subprocess
    (``launcher`` as on the command line; rerunning resumes). mode "inprocess" (default: no
    process start-up per job, about three times faster on a small machine): the same jobs
    (``experiment_jobs``) composed with the project's config (sim.config.compose) and run one
    after the other in this process, each into ``<out>/<job number>/`` with its overrides in the
    manifest, as the sweep writes them; a job whose folder holds a complete run of the same
    config is kept."""
    out = Path(out)
    if mode == "inprocess":
        from analysis.results import gather
        from sim.config import compose, to_config
        from sim.drivers.run import completed, run

        for k, ov in enumerate(experiment_jobs(name, seeds, scale, extra)):
            cfg = to_config(compose(ov))
            if completed(cfg, out / str(k)) is None:
                run(cfg, out / str(k), handles=False, meta={"overrides": ov})
        return gather(out)
    if mode != "hydra":
        raise ValueError(f"mode: '{mode}' is not supported; allowed: inprocess, hydra")
    cmd = sweep_command(name, out, seeds, scale, extra, launcher)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=quiet, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or "")[-3000:] if quiet else ""
        raise RuntimeError(f"sweep failed ({' '.join(cmd)}), exit {proc.returncode}\n{tail}")
    return load(out)


def keep_tables(sweep: Path, dest: Path, snapshot_year: int | None = None) -> list[Path]:
    """Copy the gathered tables of ``sweep`` (and the snapshots of its first run, if asked) to
    ``dest``, keeping the run folder names so the figures find the snapshots."""
    res = load(sweep)  # writes/refreshes <sweep>/results/
    files = []
    for t in TABLES:
        src = sweep / RESULTS_DIR / f"{t}.parquet"
        tgt = dest / RESULTS_DIR / f"{t}.parquet"
        tgt.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, tgt)
        files.append(tgt)
    if snapshot_year is not None:
        first = res.runs.loc[res.runs["status"] == "complete", "run_id"].iloc[0]
        for kind in ("network", "firms"):
            src = sweep / str(first) / f"{kind}_{snapshot_year}.parquet"
            if src.is_file():
                tgt = dest / str(first) / src.name
                tgt.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, tgt)
                files.append(tgt)
    return files


def build(
    seeds: int = 3,
    work: Path | None = None,
    example_dir: Path = ROOT / "docs" / "example",
    figures_dir: Path = ROOT / "docs" / "figures",
    experiments=DEFAULT_EXPERIMENTS,
    mode: str = "inprocess",
) -> dict:
    """Run the example sweeps into ``work``, keep their tables in ``example_dir`` and draw the
    gallery figures of those experiments into ``figures_dir`` (PNG, GALLERY_DPI). Returns {figure: path}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import style as st
    from analysis.figures import FIGURES, load_many

    work = Path(work or tempfile.mkdtemp(prefix="sei-example-"))
    for name in experiments:
        t0 = time.perf_counter()
        run_experiment(
            name,
            work / name,
            seeds,
            extra=["output.snapshot_years=[2025]"] if name == "plan_vs_no_plan" else (),
            mode=mode,
        )
        keep_tables(work / name, example_dir / name, 2025 if name == "plan_vs_no_plan" else None)
        print(f"{name}: {time.perf_counter() - t0:.0f} s -> {example_dir / name}")
    out = {}
    for fig_name, spec in GALLERY.items():
        func, exp = spec if isinstance(spec, tuple) else (fig_name, spec)
        if exp not in experiments:
            continue
        fig = FIGURES[func](load_many(example_dir / exp))
        out[fig_name] = st.save(fig, figures_dir, fig_name, formats=("png",), dpi=GALLERY_DPI)[0]
        plt.close(fig)
        print(f"{fig_name}: {out[fig_name]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m experiments.example", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds per scenario (default 3)")
    ap.add_argument(
        "--work", type=Path, default=None, help="folder for the sweeps' run folders (default: a temp folder)"
    )
    ap.add_argument("--example-dir", type=Path, default=ROOT / "docs" / "example")
    ap.add_argument("--figures-dir", type=Path, default=ROOT / "docs" / "figures")
    ap.add_argument(
        "--mode",
        default="inprocess",
        choices=["inprocess", "hydra"],
        help="run the sweeps in this process (default) or as Hydra multiruns (python -m sim -m ...)",
    )
    ap.add_argument(
        "--only",
        default=",".join(DEFAULT_EXPERIMENTS),
        help=f"comma-separated experiments to run (default all): {','.join(DEFAULT_EXPERIMENTS)}",
    )
    a = ap.parse_args(argv)
    only = tuple(x for x in a.only.split(",") if x)
    bad = [x for x in only if x not in EXPERIMENTS]
    if bad:
        ap.error(f"--only: unknown experiment(s) {bad}; allowed: {', '.join(EXPERIMENTS)}")
    build(a.seeds, a.work, a.example_dir, a.figures_dir, experiments=only, mode=a.mode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
