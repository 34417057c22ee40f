"""Deprecated alias: refit only the demand trends (the inner step of experiments/calibrate.py).

    python -m experiments.calibrate_demand [--name NAME] [--scale city] [--seeds 0 1 2]

is ``python -m experiments.calibrate --lhs 0 --local 0 ...``: the trends are solved so that
simulated 2019 value added matches the statistics by industry, the free parameters stay as they
are in the starting calibration (``--start``, default ``default``). Use experiments/calibrate.py.
"""

from __future__ import annotations

import sys

from experiments.calibrate import main as calibrate_main


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return calibrate_main(["--lhs", "0", "--local", "0", *args])


if __name__ == "__main__":
    raise SystemExit(main())
