"""The `principles` experiment (configs/experiment/principles.yaml): run its sweep, then print its summary.

python -m experiments.principles [--scale small] [--seeds N] [--launcher L] [--out DIR] [key=value ...]
"""

from experiments.sweep import main

if __name__ == "__main__":
    raise SystemExit(main("principles"))
