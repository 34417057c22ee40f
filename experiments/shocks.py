"""The `shocks` experiment (configs/experiment/shocks.yaml): run its sweep, then print its summary.

python -m experiments.shocks [--scale small] [--seeds N] [--launcher L] [--out DIR] [key=value ...]
"""

from experiments.sweep import main

if __name__ == "__main__":
    raise SystemExit(main("shocks"))
