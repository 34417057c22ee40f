"""Command line: ``python -m sim [key=value ...]`` (a Hydra app; also the ``sei-sim`` script).

Runs the configured scenario, writes the run folder (Hydra's output dir) and prints the summary.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, register_configs, to_config

CONFIG_DIR = str(Path(__file__).resolve().parents[1] / "configs")
log = logging.getLogger("sim")


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _app(cfg: DictConfig) -> None:
    from sim.run import run
    from sim.summary import format_summary

    try:
        sim_cfg = to_config(cfg)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    out = Path(HydraConfig.get().runtime.output_dir)
    res = run(sim_cfg, out)
    if sim_cfg.output.print_summary:
        print(format_summary(res.timeseries, f"Scenario '{sim_cfg.scenario.name}', scale '{sim_cfg.scale.name}', seed {sim_cfg.seed}: "
                             "SEI value added by industry, 100m yuan (亿元), current prices"))
        print(f"run folder: {out}  (wall time {res.manifest['wall_time_s']:.2f} s)")


def main() -> None:
    register_configs()
    _app()


if __name__ == "__main__":
    main()
