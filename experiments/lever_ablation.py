"""The `lever_ablation` experiment (configs/experiment/lever_ablation.yaml): run its sweep, then print its summary.

python -m experiments.lever_ablation [--scale small] [--seeds N] [--launcher L] [--out DIR] [key=value ...]
"""

from experiments.sweep import main

if __name__ == "__main__":
    raise SystemExit(main("lever_ablation"))
