"""The `budget_mix` experiment (configs/experiment/budget_mix.yaml): run its sweep, then print its summary.

python -m experiments.budget_mix [--scale small] [--seeds N] [--launcher L] [--out DIR] [key=value ...]
"""

from experiments.sweep import main

if __name__ == "__main__":
    raise SystemExit(main("budget_mix"))
