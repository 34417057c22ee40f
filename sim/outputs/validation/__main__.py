"""``python -m sim.outputs.validation [KEY=VALUE ...] [--json FILE]``: one run and its stylized facts."""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from sim.config import ConfigError, compose, to_config
from sim.io import write_json
from sim.model import SEIModel
from sim.outputs.validation import check_run, format_facts


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.outputs.validation [KEY=VALUE ...] [--json FILE]``: run one seed of the
    configuration (Hydra overrides as for ``python -m sim``), recording the alive firm rows at
    every year end, and print the stylized-fact table and the cost of ``check_run``."""
    ap = argparse.ArgumentParser(prog="python -m sim.outputs.validation", description=main.__doc__)
    ap.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scale=small seed=3")
    ap.add_argument("--json", help="also write the rows to this file")
    a = ap.parse_args(argv)
    try:
        cfg = to_config(compose(a.overrides))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    model = SEIModel(cfg, handles=False)
    rows = {cfg.scenario.start_year - 1: np.flatnonzero(model.world.firms.alive)}
    for _ in range(model.n_quarters):
        model.step()
        if model.q == 4:
            rows[model.year] = np.flatnonzero(model.world.firms.alive)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        out = check_run(model, firm_rows=rows)
        times.append(time.perf_counter() - t0)
    print(
        format_facts(
            out,
            f"Stylized facts: scale {cfg.scale.name}, scenario {cfg.scenario.name}, seed {cfg.seed}, "
            f"{cfg.scenario.start_year}-{cfg.scenario.end_year}",
        )
    )
    print(
        f"check_run: {1000 * min(times):.1f} ms (best of 5; median {1000 * float(np.median(times)):.1f} ms), "
        f"{model.recorder.year_end[max(model.recorder.year_end)].firm_revenue.size} firms at the last year end"
    )
    if a.json:
        write_json(a.json, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
