"""The `plan_vs_no_plan` experiment (configs/experiment/plan_vs_no_plan.yaml): run its sweep, then print its summary.

python -m experiments.plan_vs_no_plan [--scale small] [--seeds N] [--launcher L] [--out DIR] [key=value ...]
"""

from experiments.sweep import main

if __name__ == "__main__":
    raise SystemExit(main("plan_vs_no_plan"))
