"""Gather run folders (one run, an ensemble, a sweep, or several sweeps) into tidy tables.

A run is any folder holding a ``manifest.json`` written by ``sim.drivers.run.run``. ``gather`` finds them
under the given roots and returns ``Results``:

- ``runs``: one row per run. ``run_id`` (the run folder relative to its root, prefixed by the
  root's name when several roots are gathered), ``root``, ``job`` (the sweep job folder), ``seed``,
  ``status`` (complete | failed | running), ``error``, ``wall_time_s``, ``config_hash``, ``scale``,
  ``scenario``, ``policy``, then one column per override of the run's Hydra job (the key as typed,
  e.g. ``policy`` or ``policy.funding.grants.budget``; numbers parsed), then headline series
  ``<metric>.<industry>.<year>`` (annual, district total; ``spend_total`` is all public
  spending), then ``<target id>.value|met|margin`` from the scorecard.
- ``annual``: long, one row per run x year x industry x district x metric (``annual.parquet`` of
  each run; district rows only for ``DISTRICT_METRICS``), with ``run_id``. It carries **total
  rows**: ``industry == "ALL"`` (all industries) and ``district == "ALL"`` (all districts) next to
  the breakdowns, so a plain groupby-sum double counts. Use ``analysis.tables.totals(annual)`` for city totals and
  ``analysis.tables.breakdown(annual, "industry")`` for one row per industry (no total rows).
- ``scorecards``: long, one row per run x target (sim.outputs.scorecard.tidy plus ``run_id``).

``gather(..., write=True)`` also writes them to ``<root>/results/{runs,annual,scorecards}.parquet``
(atomically) so that ``load(root)`` reads one file per table; ``load`` regathers when a run folder
changed after the tables were written. Money in yuan, people in persons, as in the runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.io import atomic_write

RESULTS_DIR = "results"
TABLES = ("runs", "annual", "scorecards")
HEADLINE_METRICS = (
    "value_added",
    "value_added_real",
    "output",
    "employment",
    "rd_spending",
    "firms",
    "entries",
    "exits",
    "institutes",
    "talent",
    "spend_total",
)
DISTRICT_METRICS = ("value_added", "output", "employment", "firms", "floor_space", "floor_space_used", "rent")
CHOICE_COLUMNS = ("scale", "scenario", "policy")
RUN_COLUMNS = (
    "run_id",
    "root",
    "job",
    "seed",
    "status",
    "error",
    "wall_time_s",
    "config_hash",
    "scale",
    "scenario",
    "policy",
)


@dataclass
class Results:
    runs: pd.DataFrame
    annual: pd.DataFrame
    scorecards: pd.DataFrame

    @property
    def override_columns(self) -> list[str]:
        """The config columns of ``runs``: scale, scenario, policy (the names the runs used) and
        every override of their jobs (group choices such as ``policy`` share its column)."""
        return [*CHOICE_COLUMNS, *(c for c in self.runs.columns if c not in RUN_COLUMNS and not _is_outcome(c))]

    @property
    def swept(self) -> list[str]:
        """Override columns that take more than one value across the runs (seed excluded)."""
        return [c for c in self.override_columns if self.runs[c].nunique(dropna=False) > 1]

    def complete(self) -> Results:
        """Only the complete runs."""
        ok = self.runs.loc[self.runs["status"] == "complete", "run_id"]
        keep = lambda df: df[df["run_id"].isin(ok)].reset_index(drop=True)  # noqa: E731
        return Results(keep(self.runs), keep(self.annual), keep(self.scorecards))

    def series(self, metric: str = "value_added", industry: str = "ALL", district: str = "ALL") -> pd.DataFrame:
        """One annual series per run: rows run_id, columns years."""
        a = self.annual
        d = a[(a["metric"] == metric) & (a["industry"] == industry) & (a["district"] == district)]
        return d.pivot_table(index="run_id", columns="year", values="value", observed=True)


def _is_outcome(col: str) -> bool:
    return col.endswith((".value", ".met", ".margin")) or (col.count(".") >= 2 and col.rsplit(".", 1)[-1].isdigit())


def find_runs(root: Path) -> list[Path]:
    """Folders under ``root`` (itself included) with a manifest.json, sorted; ``results/`` skipped."""
    root = Path(root)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (RESULTS_DIR, ".hydra", ".submitit"))
        if "manifest.json" in filenames:
            found.append(Path(dirpath))
    return sorted(found, key=lambda p: _natural_key(p.relative_to(root)))


def _natural_key(p: Path) -> tuple:
    return tuple(
        (0, int(x), "") if x.isdigit() else (1, 0, x) for part in p.parts for x in [part.removeprefix("seed_")]
    )


def parse_overrides(overrides: list[str]) -> dict:
    """``["policy=no_plan", "scale=small", "policy.x.budget=1e9"]`` -> {key: value}, numbers parsed;
    ``seed`` is left out (the run's own seed is a column)."""
    out = {}
    for o in overrides or []:
        key, sep, val = o.partition("=")
        if not sep:
            continue
        key = key.lstrip("+~")
        if key == "seed" or key.startswith("hydra"):
            continue
        out[key] = _number(val)
    return out


def _number(val: str):
    for cast in (int, float):
        try:
            return cast(val)
        except ValueError:
            pass
    return val


def _run_row(root: Path, d: Path, prefix: str) -> tuple[dict, dict | None]:
    manifest = json.loads((d / "manifest.json").read_text())
    rel = d.relative_to(root).as_posix()
    rel = "." if rel == "" else rel
    run_id = f"{prefix}{rel}" if prefix else rel
    job = d.parent if d.name.startswith("seed_") and d.parent != root.parent else d
    row = {
        "run_id": run_id,
        "root": str(root),
        "job": (job.relative_to(root).as_posix() or "."),
        "seed": manifest.get("seed"),
        "status": manifest.get("status", "unknown"),
        "error": manifest.get("error"),
        "wall_time_s": manifest.get("wall_time_s"),
        "config_hash": manifest.get("config_hash"),
        "scale": manifest.get("scale"),
        "scenario": manifest.get("scenario"),
        "policy": manifest.get("policy"),
    }
    row.update(parse_overrides(manifest.get("overrides", [])))
    card = None
    if row["status"] == "complete" and (d / "scorecard.json").is_file():
        card = json.loads((d / "scorecard.json").read_text())
    return row, card


def _read_annual(files: list[Path], run_ids: list[str]) -> pd.DataFrame:
    """The annual tables of the runs, one scan over all files (fast for thousands of runs)."""
    if not files:
        return pd.DataFrame(columns=["run_id", "year", "industry", "district", "metric", "value"])
    dset = ds.dataset([str(f) for f in files], format="parquet")
    keep = (pc.field("district") == "ALL") | pc.field("metric").isin(list(DISTRICT_METRICS))
    index = {str(f): k for k, f in enumerate(files)}
    batches, owners = [], []
    for b in dset.scanner(columns=["year", "industry", "district", "metric", "value"], filter=keep).scan_batches():
        if b.record_batch.num_rows:
            batches.append(b.record_batch)
            owners.append(np.full(b.record_batch.num_rows, index[b.fragment.path], dtype=np.int32))
    tab = pa.Table.from_batches(batches).unify_dictionaries().combine_chunks()
    df = tab.to_pandas()  # dictionary columns come out as categoricals
    df.insert(
        0, "run_id", pd.Categorical.from_codes(np.concatenate(owners), categories=pd.Index(run_ids, dtype=object))
    )
    return df


def _spend_total(annual: pd.DataFrame) -> pd.DataFrame:
    """Rows of metric spend_total: all public spending of the plan's levers (yuan/year), zero for
    runs and cells without any (e.g. policy=no_plan), on the same rows as value_added."""
    keys = ["run_id", "year", "industry", "district"]
    spend = [m for m in annual["metric"].cat.categories if str(m).startswith("spend_")]
    base = annual.loc[annual["metric"] == "value_added", keys]
    s = annual[annual["metric"].isin(spend)]
    tot = s.groupby(keys, observed=True)["value"].sum().rename("value").reset_index()
    out = base.merge(tot, on=keys, how="left")
    out["value"] = out["value"].fillna(0.0)
    out["metric"] = pd.Categorical(np.full(len(out), "spend_total"))
    return out[annual.columns]


def headline(annual: pd.DataFrame, metrics=HEADLINE_METRICS) -> pd.DataFrame:
    """Wide headline series: one row per run, columns ``<metric>.<industry>.<year>`` (district total)."""
    a = annual[(annual["district"] == "ALL") & annual["metric"].isin(metrics)]
    if a.empty:
        return pd.DataFrame(index=pd.Index([], name="run_id"))
    w = a.pivot_table(index="run_id", columns=["metric", "industry", "year"], values="value", observed=True)
    w.columns = [f"{m}.{i}.{y}" for m, i, y in w.columns]
    return w


def _concat_categorical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames keeping their categorical columns categorical (categories united)."""
    from pandas.api.types import union_categoricals

    frames = [f for f in frames if len(f)]
    out: dict = {}
    for c in frames[0].columns:
        if isinstance(frames[0][c].dtype, pd.CategoricalDtype):
            out[c] = union_categoricals([f[c] for f in frames])
        else:
            out[c] = np.concatenate([f[c].to_numpy() for f in frames])
    return pd.DataFrame(out)


def _scorecard_frame(cards: dict[str, dict]) -> pd.DataFrame:
    from sim.outputs.scorecard import tidy

    t = tidy(list(cards.values())).rename(columns={"id": "target"})
    t.insert(0, "run_id", np.repeat(list(cards), [len(c["targets"]) for c in cards.values()]).astype(object))
    return t


def _scorecard_wide(sc: pd.DataFrame) -> pd.DataFrame:
    if sc.empty:
        return pd.DataFrame(index=pd.Index([], name="run_id"))
    w = sc.pivot_table(
        index="run_id",
        columns="target",
        values=["value", "met", "margin"],
        aggfunc="first",
        observed=True,
        dropna=False,
    )
    w.columns = [f"{t}.{v}" for v, t in w.columns]
    order = [f"{t}.{v}" for t in dict.fromkeys(sc["target"]) for v in ("value", "met", "margin")]
    return w[[c for c in order if c in w.columns]]


def run_prefixes(roots: list[Path]) -> list[str]:
    """The run id prefix of each folder when several are combined: its name, or as many of its last
    path parts as it takes to tell the folders apart (``multirun/plan_vs_no_plan/small`` and
    ``multirun/principles/small`` give ``plan_vs_no_plan/small/`` and ``principles/small/``); no
    prefix for a single folder. The same folder given twice is refused (its runs would count twice)."""
    if len(roots) < 2:
        return [""] * len(roots)
    full = [Path(r).resolve().parts for r in roots]
    twice = [Path(*p) for p, n in Counter(full).items() if n > 1]
    if twice:
        raise ValueError(f"roots: the folder {twice[0]} is given more than once")
    for k in range(1, max(len(p) for p in full) + 1):
        names = ["/".join(p[-k:]) for p in full]
        if len(set(names)) == len(names):
            return [f"{n}/" for n in names]
    raise AssertionError("distinct resolved paths always have distinct suffixes")  # pragma: no cover


def gather(roots, *, write: bool = True) -> Results:
    """Gather every run under ``roots`` (a path or a list of paths); see the module docstring."""
    roots = [Path(r) for r in ([roots] if isinstance(roots, (str, Path)) else roots)]
    for r in roots:
        if not r.is_dir():
            raise FileNotFoundError(f"no such run or sweep folder: {r}")
    rows, cards, files, file_ids = [], {}, [], []
    for root, prefix in zip(roots, run_prefixes(roots), strict=True):
        for d in find_runs(root):
            row, card = _run_row(root, d, prefix)
            rows.append(row)
            if card is not None:
                cards[row["run_id"]] = card
                if (d / "annual.parquet").is_file():
                    files.append(d / "annual.parquet")
                    file_ids.append(row["run_id"])
    runs = pd.DataFrame(rows, columns=list(dict.fromkeys([*RUN_COLUMNS, *(k for r in rows for k in r)])))
    annual = _read_annual(files, file_ids)
    if len(annual):
        annual = _concat_categorical([annual, _spend_total(annual)])
    scorecards = _scorecard_frame(cards)
    if len(runs):
        runs = runs.join(headline(annual), on="run_id").join(_scorecard_wide(scorecards), on="run_id")
        runs["seed"] = runs["seed"].astype("Int64")
    res = Results(runs=runs, annual=annual, scorecards=scorecards)
    if write and len(roots) == 1:
        save(res, roots[0] / RESULTS_DIR)
    return res


def save(res: Results, out: Path) -> None:
    """Write the three tables as parquet into ``out`` (atomically, one file each)."""
    for name in TABLES:
        df = getattr(res, name)
        atomic_write(Path(out) / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))


def _stale(root: Path, out: Path) -> bool:
    """True if a run folder's manifest is newer than the gathered tables (or there are none)."""
    try:
        written = min((out / f"{n}.parquet").stat().st_mtime for n in TABLES)
    except FileNotFoundError:
        return True
    return any((d / "manifest.json").stat().st_mtime > written for d in find_runs(root))


def load(roots) -> Results:
    """The gathered tables of one or several run/sweep folders: each read from its ``results/``
    when up to date, else gathered (and written) again. With several folders run ids are prefixed
    by the folder name, or its last path parts when names repeat (``run_prefixes``, as ``gather``
    does), and ``root`` is the folder as given, so run folders
    (e.g. snapshots) are found where the sweep is now."""
    roots = [Path(r) for r in ([roots] if isinstance(roots, (str, Path)) else roots)]
    parts = []
    for r, prefix in zip(roots, run_prefixes(roots), strict=True):
        if not r.is_dir():
            raise FileNotFoundError(f"no such run or sweep folder: {r}")
        out = r / RESULTS_DIR
        res = (
            Results(*(pd.read_parquet(out / f"{n}.parquet") for n in TABLES))
            if not _stale(r, out)
            else gather(r, write=True)
        )
        res.runs["root"] = str(r)
        if prefix:
            res = _prefixed(res, prefix)
        parts.append(res)
    if len(parts) == 1:
        return parts[0]
    return Results(
        pd.concat([p.runs for p in parts], ignore_index=True),
        _concat_categorical([p.annual for p in parts]) if any(len(p.annual) for p in parts) else parts[0].annual,
        pd.concat([p.scorecards for p in parts], ignore_index=True),
    )


def _prefixed(res: Results, prefix: str) -> Results:
    """The tables with every run id prefixed (to combine several sweeps)."""
    runs, sc = res.runs.copy(), res.scorecards.copy()
    runs["run_id"] = prefix + runs["run_id"].astype(str)
    sc["run_id"] = prefix + sc["run_id"].astype(str)
    ann = res.annual.assign(run_id=(prefix + res.annual["run_id"].astype(str)).astype("category"))
    return Results(runs, ann, sc)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m analysis.results",
        description="Gather run/sweep folders into results/{runs,annual,scorecards}.parquet",
    )
    ap.add_argument("roots", nargs="+", type=Path, help="run, ensemble or sweep folders")
    ap.add_argument("--out", type=Path, help="where to write the tables (default <root>/results for one root)")
    args = ap.parse_args(argv)
    try:
        res = gather(args.roots, write=args.out is None)
    except FileNotFoundError as exc:
        print(f"error: {exc}")
        return 2
    if args.out is not None:
        save(res, args.out)
    where = args.out or args.roots[0] / RESULTS_DIR
    st = res.runs["status"].value_counts().to_dict() if len(res.runs) else {}
    print(
        f"{len(res.runs)} runs ({', '.join(f'{v} {k}' for k, v in st.items()) or 'none'}); swept: "
        f"{', '.join(res.swept) or 'nothing'}; tables in {where}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


class GatherResults(Callback):
    """Hydra callback (configs/config.yaml ``hydra.callbacks.gather_results``): at the end of every
    multirun, gather the sweep folder into ``<sweep dir>/results/``."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        out = Path(config.hydra.sweep.dir)
        res = gather(out, write=True)
        print(
            f"[sweep] {len(res.runs)} runs gathered into {out / 'results'} (runs.parquet: one row per run; "
            "annual.parquet, scorecards.parquet)",
            file=sys.stderr,
            flush=True,
        )
