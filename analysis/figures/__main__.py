"""Draw every figure the runs allow: ``python -m analysis.figures SWEEP_DIR [SWEEP_DIR ...] --out DIR``.

Each SWEEP_DIR is a sweep, ensemble or run folder (or a folder holding only ``results/*.parquet``
from ``analysis.results``); several are combined (their scenarios side by side). A figure that
does not apply to the runs (e.g. lever effects without the lever_ablation experiment) is skipped
with the reason. Files: ``DIR/<nn>_<name>.{png,pdf,svg}`` (PNG at 300 dpi).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from analysis import style as st  # noqa: E402
from analysis.figures import FIGURES, NotApplicable, load_many  # noqa: E402
from analysis.figures._common import complete  # noqa: E402


def draw(
    roots,
    out: Path,
    *,
    only=None,
    lang: str = "en",
    formats=st.FORMATS,
    year: int = 2025,
    geojson: Path | None = None,
    by=None,
    scenario=None,
    verbose: bool = True,
) -> dict:
    """Draw the figures into ``out``; returns {name: [paths]} for the written ones and
    {name: reason} under the key "skipped"."""
    res = complete(load_many(roots))
    names = list(FIGURES) if not only else list(only)
    bad = [n for n in names if n not in FIGURES]
    if bad:
        raise ValueError(f"only: unknown figure(s) {bad}; allowed: {list(FIGURES)}")
    written, skipped = {}, {}
    kwargs = {
        "01_value_added": {"scenario": scenario, "by": by},
        "02_scenarios": {"by": by},
        "03_scorecard": {"by": by},
        "04_levers": {"year": year},
        "05_districts": {"scenario": scenario, "by": by, "year": year, "geojson": geojson},
        "06_network": {"scenario": scenario, "by": by, "year": year},
        "07_budget": {"scenario": scenario, "by": by},
        "08_shocks": {"year": year},
        "09_district_effects": {"year": year},
        "10_budget_moves": {"year": year},
    }
    for n in names:
        t0 = time.perf_counter()
        try:
            fig = FIGURES[n](res, lang=lang, **kwargs[n])
        except NotApplicable as exc:
            skipped[n] = str(exc)
            if verbose:
                print(f"skipped {n}: {exc}")
            continue
        written[n] = st.save(fig, out, n, formats)
        if "table" in getattr(fig, "plot_data", {}):  # a table companion (e.g. the heatmap's intervals)
            fig.plot_data["table"].to_csv(Path(out) / f"{n}_table.csv")
            written[n].append(Path(out) / f"{n}_table.csv")
        plt.close(fig)
        if verbose:
            print(f"{n}: {', '.join(p.name for p in written[n])} ({time.perf_counter() - t0:.1f} s)")
    written["skipped"] = skipped
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.figures",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("sweeps", nargs="+", type=Path, help="sweep / ensemble / run folders (results/ tables are reused)")
    ap.add_argument("--out", type=Path, required=True, help="folder for the figure files")
    ap.add_argument("--only", default="", help=f"comma-separated figure names (default all): {','.join(FIGURES)}")
    ap.add_argument("--lang", default="en", choices=st.LANGS, help="label language (zh needs a CJK font, else English)")
    ap.add_argument("--formats", default=",".join(st.FORMATS), help="comma-separated: png,pdf,svg")
    ap.add_argument("--year", type=int, default=2025, help="year of the lever effects, district map and network")
    ap.add_argument(
        "--geojson",
        type=Path,
        default=None,
        help="district boundaries (GeoJSON FeatureCollection) for the district map; default: tile map",
    )
    ap.add_argument("--by", default=None, help="scenario column of the runs table (default: found from the sweep)")
    ap.add_argument("--scenario", default=None, help="the scenario of the one-scenario figures (default: the plan)")
    a = ap.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", st.CJKFontWarning)
            res = draw(
                a.sweeps,
                a.out,
                only=[x for x in a.only.split(",") if x],
                lang=a.lang,
                formats=tuple(x for x in a.formats.split(",") if x),
                year=a.year,
                geojson=a.geojson,
                by=a.by,
                scenario=a.scenario,
            )
    except (FileNotFoundError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    n = sum(1 for k in res if k != "skipped")
    print(f"{n} figure(s) written to {a.out}; {len(res['skipped'])} skipped")
    return 0 if n else 1


if __name__ == "__main__":
    raise SystemExit(main())
