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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from hydra.experimental.callback import Callback
from omegaconf import DictConfig
from pandas.api.types import union_categoricals

from sim.drivers.heap import collector_paused
from sim.io import write_parquet
from sim.outputs.scorecard import target_columns, tidy_columns
from sim.outputs.summary import DISTRICT_METRICS as DISTRICT_METRICS
from sim.outputs.summary import ROW_FILE, RUN_MANIFEST_KEYS, Rows, gathered_rows, read_rows, spend_total

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
CHOICE_COLUMNS = ("scale", "scenario", "policy")
RUN_COLUMNS = ("run_id", "root", "job", *RUN_MANIFEST_KEYS)
SKIP_DIRS = (RESULTS_DIR, ".hydra", ".submitit")


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
    return [Path(root) / rel for rel, _ in _walk(Path(root))]


def _walk(root: Path) -> list[tuple[str, bool]]:
    """(folder relative to ``root`` in posix form, "." for root itself; whether it has a row file)
    of every run folder under ``root``, in natural order (seed_2 before seed_10). One scandir per
    folder, symbolic links to folders not followed (as os.walk)."""
    base = os.fspath(root)
    found, todo = [], [""]
    while todo:
        rel = todo.pop()
        files, dirs = set(), []
        with os.scandir(os.path.join(base, rel) if rel else base) as it:
            for e in it:
                if not e.is_dir():
                    files.add(e.name)
                elif e.name not in SKIP_DIRS and not e.is_symlink():
                    dirs.append(f"{rel}/{e.name}" if rel else e.name)
        if "manifest.json" in files:
            found.append((rel or ".", ROW_FILE in files))
        todo += dirs
    return sorted(found, key=lambda x: _natural_key(x[0]))


def _natural_key(rel: str) -> tuple:
    parts = () if rel == "." else rel.split("/")
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for part in parts for x in [part.removeprefix("seed_")])


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


def _run_id(prefix: str, rel: str) -> str:
    return f"{prefix}{rel}" if prefix else rel


def _run_row(root: Path, rel: str, prefix: str, manifest: dict) -> dict:
    """The runs row of the run folder ``root/rel`` from its manifest."""
    run_id = _run_id(prefix, rel)
    parts = [] if rel == "." else rel.split("/")
    job = ("/".join(parts[:-1]) or ".") if parts and parts[-1].startswith("seed_") else rel
    row = {"run_id": run_id, "root": str(root), "job": job, **{k: manifest.get(k) for k in RUN_MANIFEST_KEYS}}
    row["status"] = manifest.get("status", "unknown")
    row.update(parse_overrides(manifest.get("overrides", [])))
    return row


def _read_run(root: Path, rel: str, prefix: str) -> tuple[dict, dict | None]:
    """The runs row and the scorecard (complete runs) of a run folder, from its JSON files."""
    d = root / rel
    row = _run_row(root, rel, prefix, json.loads((d / "manifest.json").read_text()))
    card = None
    if row["status"] == "complete" and (d / "scorecard.json").is_file():
        card = json.loads((d / "scorecard.json").read_text())
    return row, card


def _read_annual(files: list[Path], run_ids: list[str]) -> pd.DataFrame:
    """The annual tables of the runs, one scan over all files (fast for thousands of runs)."""
    if not files:
        return pd.DataFrame(columns=["run_id", "year", "industry", "district", "metric", "value"])
    dset = ds.dataset([str(f) for f in files], format="parquet")
    keep = gathered_rows()
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
    """Rows of metric spend_total (sim.outputs.summary.spend_total) of every run, columns as ``annual``."""
    return spend_total(annual, ["run_id", "year", "industry", "district"])[annual.columns]


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

    frames = [f for f in frames if len(f)]
    out: dict = {}
    for c in frames[0].columns:
        if isinstance(frames[0][c].dtype, pd.CategoricalDtype):
            out[c] = union_categoricals([f[c] for f in frames])
        else:
            out[c] = np.concatenate([f[c].to_numpy() for f in frames])
    return pd.DataFrame(out)


def _scorecard_frame(ids: list[str], cards: list[dict]) -> pd.DataFrame:
    """The scorecards table: one row per run x target, from the runs' cards with their targets
    column-wise (sim.outputs.scorecard.target_columns, as a run's summary row holds them)."""
    t = tidy_columns([c["seed"] for c in cards], [c["targets"] for c in cards]).rename(columns={"id": "target"})
    t.insert(0, "run_id", np.repeat(ids, [len(c["targets"]["id"]) for c in cards]).astype(object))
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
    order = [f"{t}.{v}" for t in sc["target"].unique() for v in ("value", "met", "margin")]  # as they come
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


def gather(roots, *, write: bool = True, rows: bool = True) -> Results:
    """Gather every run under ``roots`` (a path or a list of paths); see the module docstring.

    Complete runs are read from their row files (sim.outputs.summary.write_row: one plain read
    each, one JSON parse of all); when a complete run has none (made before row files existed) or ``rows`` is False, every
    run is read from its manifest.json, scorecard.json and annual.parquet instead. Same tables."""
    roots = [Path(r) for r in ([roots] if isinstance(roots, (str, Path)) else roots)]
    for r in roots:
        if not r.is_dir():
            raise FileNotFoundError(f"no such run or sweep folder: {r}")
    found = [(root, prefix, _walk(root)) for root, prefix in zip(roots, run_prefixes(roots), strict=True)]
    out = roots[0] / RESULTS_DIR if write and len(roots) == 1 else None
    try:
        # parquet writing releases the GIL: overlap it with the rest; no collections meanwhile (sim.drivers.heap)
        with ThreadPoolExecutor(max_workers=3) as pool, collector_paused():
            pending: list = []

            def on_annual(annual: pd.DataFrame | pa.Table) -> None:  # the largest write starts as soon as it exists
                if out is not None:
                    pending.append(_save_table(pool, out, "annual", annual))

            got = _gather_rows(found, on_annual) if rows else None
            if got is None:
                got = _gather_files(found, on_annual)
            runs, annual, scorecards, wide = got
            scorecards_w = _scorecard_wide(scorecards)
            if len(runs):
                runs = runs.join(wide if wide is not None else headline(annual), on="run_id").join(
                    scorecards_w, on="run_id"
                )
                runs["seed"] = runs["seed"].astype("Int64")
            if out is not None:
                pending += [_save_table(pool, out, "runs", runs), _save_table(pool, out, "scorecards", scorecards)]
            for f in pending:
                f.result()
    except BaseException:
        if out is not None:  # never a mix of this gather's tables and an earlier one's: load() gathers again
            for name in TABLES:
                (out / f"{name}.parquet").unlink(missing_ok=True)
        raise
    return Results(runs=runs, annual=annual, scorecards=scorecards)


def _runs_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(dict.fromkeys([*RUN_COLUMNS, *(k for r in rows for k in r)])))


def _gather_files(found: list, on_annual: Callable[[Any], None]) -> tuple:
    """(runs, annual, scorecards, None) read from every run's JSON files and one scan of the annual
    files; ``on_annual`` gets the annual table as soon as it is made."""
    rows, cards, files, file_ids = [], {}, [], []
    for root, prefix, runs in found:
        for rel, _ in runs:
            row, card = _read_run(root, rel, prefix)
            rows.append(row)
            if card is not None:
                cards[row["run_id"]] = card
                if (root / rel / "annual.parquet").is_file():
                    files.append(root / rel / "annual.parquet")
                    file_ids.append(row["run_id"])
    annual = _read_annual(files, file_ids)
    if len(annual):
        annual = _concat_categorical([annual, _spend_total(annual)])
    on_annual(annual)
    cols = [{"seed": c["seed"], "targets": target_columns(c["targets"])} for c in cards.values()]
    return _runs_frame(rows), annual, _scorecard_frame(list(cards), cols), None


def _gather_rows(found: list, on_annual: Callable[[Any], None]) -> tuple | None:
    """(runs, annual, scorecards, wide headline or None) from the row files; None when a complete
    run has no row file (then ``_gather_files`` reads them all). ``on_annual`` as in ``_gather_files``:
    the annual table is made (and its write started) before the runs rows, and before the row
    files' heads are parsed (``Rows.metas``), so that the parse runs beside the write."""
    parts = []
    for root, _, runs in found:
        base = os.fspath(root)
        parts.append(read_rows([os.path.join(base, rel, ROW_FILE) for rel, has in runs if has]))
    without: dict[tuple[int, str], dict] = {}  # runs rows of the runs without a row file: incomplete ones only
    for r, (root, prefix, runs) in enumerate(found):
        for rel, has in runs:
            if not has:
                row, card = _read_run(root, rel, prefix)
                if card is not None or row["status"] == "complete":
                    return None
                without[r, rel] = row
    ids = [_run_id(prefix, rel) for _, prefix, runs in found for rel, has in runs if has]
    annual, wide = _annual_from_rows(ids, _joined(parts), on_annual)
    rows, cards = [], []
    for r, ((root, prefix, runs), got) in enumerate(zip(found, parts, strict=True)):
        metas = iter(got.metas)
        for rel, has in runs:
            if has:
                meta = next(metas)
                rows.append(_run_row(root, rel, prefix, meta["manifest"]))
                cards.append(meta["card"])
            else:
                rows.append(without[r, rel])
    return _runs_frame(rows), annual, _scorecard_frame(ids, cards), wide


def _joined(parts: list[Rows]) -> Rows:
    """The rows of several roots as one (``flat`` only when there is one root, and it has one)."""
    if len(parts) == 1:
        return parts[0]
    return Rows(
        [h for p in parts for h in p.heads],
        [d for p in parts for d in p.digests],
        {k: v for p in parts for k, v in p.layouts.items()},
        [g for p in parts for g in p.gathered],
        [s for p in parts for s in p.spend],
        None,
    )


def _save_table(pool: ThreadPoolExecutor, out: Path, name: str, df: pd.DataFrame | pa.Table):
    """Write ``df`` as ``out/<name>.parquet`` in ``pool`` (sim.io.write_parquet: no dictionary of the
    value column, no min/max of the categorical ones)."""
    return pool.submit(write_parquet, out / f"{name}.parquet", df)


def _category_dtypes(cats: dict[str, list[str]], spend: bool) -> dict[str, pd.CategoricalDtype]:
    """The dtypes a scan gives the key columns (arrow dictionaries), with spend_total appended to
    the metrics as ``_concat_categorical`` does when there are spend_total rows."""
    out = {}
    for c, v in cats.items():
        col = pa.DictionaryArray.from_arrays(pa.array([0], pa.int8()), pa.array(v, pa.string())).to_pandas()
        parts = [col.array, pd.Categorical(np.full(1, "spend_total"))] if c == "metric" and spend else [col.array]
        out[c] = union_categoricals(parts).dtype
    return out


def _code_dtype(n: int) -> type:
    """The integer type pandas keeps the codes of a categorical with ``n`` categories in."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if n < np.iinfo(t).max)


def _layout_keys(layouts: dict, digests: list[str]) -> tuple[dict, dict]:
    """(digest -> key columns of its gathered rows followed by its spend_total rows, as final
    categorical codes; the categorical dtypes), the dictionaries united in order of appearance."""
    order = [layouts[d] for d in dict.fromkeys(digests)]
    cats: dict[str, dict[str, int]] = {c: {} for c in ("industry", "district", "metric")}
    for lay in order:
        if lay.n:  # a run without gathered rows adds no dictionary to the scan
            for c, d in cats.items():
                for v in lay.dicts[c]:
                    d.setdefault(v, len(d))
    spend = any(layouts[d].n_spend for d in digests)
    dtypes = _category_dtypes({c: list(d) for c, d in cats.items()}, spend)
    sp = list(dtypes["metric"].categories).index("spend_total") if spend else 0
    keys = {}
    for dg in dict.fromkeys(digests):
        lay = layouts[dg]
        code = {
            c: np.array([cats[c][v] for v in lay.dicts[c]] or [0], _code_dtype(len(dtypes[c].categories)))[lay.codes[c]]
            for c in cats
        }
        va = lay.dicts["metric"].index("value_added") if "value_added" in lay.dicts["metric"] else -1
        base = np.flatnonzero(lay.codes["metric"] == va)
        keys[dg] = {
            "year": np.concatenate([lay.year, lay.year[base]]).astype(np.int16),
            **{
                c: np.concatenate([code[c], code[c][base] if c != "metric" else np.full(len(base), sp, code[c].dtype)])
                for c in cats
            },
        }
    return keys, dtypes


def _annual_from_rows(ids: list[str], rows: Rows, on_annual: Callable[[Any], None]) -> tuple:
    """The annual table of ``_gather_files`` from the runs' layouts and values: every run's
    gathered rows in run order, then every run's spend_total rows; and the wide headline series
    when all runs share one layout (else None: ``headline`` pivots the table). Each column is
    made once in its final type (codes of the categoricals, int16 years)."""
    if not ids:
        empty = pd.DataFrame(columns=["run_id", "year", "industry", "district", "metric", "value"])
        on_annual(empty)
        return empty, None
    keys, dtypes = _layout_keys(rows.layouts, rows.digests)
    n_a = np.array([len(g) for g in rows.gathered])
    n_s = np.array([len(s) for s in rows.spend])
    runs = np.arange(len(ids), dtype=_code_dtype(len(ids)))
    one = keys[rows.digests[0]] if len(keys) == 1 else None
    cols = {"run_id": _two_blocks(runs[:, None], runs[:, None], n_a, n_s, runs.dtype)}
    for c in ("year", "industry", "district", "metric"):
        if one is not None:  # one layout: its keys repeated
            cols[c] = _two_blocks(one[c][: n_a[0]], one[c][n_a[0] :], n_a, n_s, one[c].dtype)
        else:
            cols[c] = np.concatenate(
                [keys[d][c][:n] for d, n in zip(rows.digests, n_a, strict=True)]
                + [keys[d][c][n:] for d, n in zip(rows.digests, n_a, strict=True)]
            )
    val = rows.flat if rows.flat is not None else np.concatenate(rows.gathered + rows.spend)
    run_dtype = pd.CategoricalDtype(pd.Index(ids, dtype=object))
    annual = pd.DataFrame(
        {
            "run_id": pd.Categorical.from_codes(cols["run_id"], dtype=run_dtype, validate=False),
            "year": cols["year"],
            **{c: pd.Categorical.from_codes(cols[c], dtype=dtypes[c], validate=False) for c in dtypes},
            "value": val,
        },
        copy=False,
    )
    on_annual(_arrow_annual(annual, cols, val, ids, dtypes))  # before the wide headline, so that the two overlap
    wide = _headline_one_layout(ids, rows, one, dtypes) if one is not None else None
    return annual, wide


def _arrow_annual(annual: pd.DataFrame, cols: dict, val: np.ndarray, ids: list[str], dtypes: dict) -> pa.Table:
    """``annual`` as the pyarrow table ``to_parquet`` would write, made from its numpy columns
    without pandas' conversion (0.36 s for 10,000 runs: every column scanned for missing values,
    which these never have): dictionary columns from the codes, the pandas metadata of the frame."""
    schema = pa.Schema.from_pandas(annual.iloc[:0], preserve_index=False)
    cats = {"run_id": pd.Index(ids, dtype=object), **{c: dtypes[c].categories for c in dtypes}}
    arrays = []
    for f in schema:
        if f.name in cats:
            values = pa.array(np.asarray(cats[f.name], dtype=object), type=f.type.value_type)
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(cols[f.name], type=f.type.index_type), values))
        else:
            arrays.append(pa.array(val if f.name == "value" else cols[f.name], type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _two_blocks(head, tail, n_a: np.ndarray, n_s: np.ndarray, dtype) -> np.ndarray:
    """A column of every run's gathered rows then every run's spend_total rows, filled from
    ``head`` (a run's gathered rows, or one value per run as a column) and ``tail`` alike; the
    runs' counts are all equal, or ``head`` and ``tail`` are one value per run."""
    out = np.empty(int(n_a.sum() + n_s.sum()), dtype)
    if len(set(n_a)) == 1 and len(set(n_s)) == 1:
        out[: n_a.sum()].reshape(len(n_a), n_a[0])[:] = head
        out[n_a.sum() :].reshape(len(n_s), n_s[0])[:] = tail
    else:
        out[:] = np.concatenate([np.repeat(head[:, 0], n_a), np.repeat(tail[:, 0], n_s)])
    return out


def _headline_one_layout(ids: list[str], rows: Rows, key: dict, dtypes: dict):
    """``headline`` of runs that share one layout: the same cells of every run's values, in the
    pivot's column order (metric, industry, year codes); None when a cell repeats (then it pivots)."""
    met = dtypes["metric"].categories
    ind = dtypes["industry"].categories
    dist = dtypes["district"].categories
    want = np.array([str(m) in HEADLINE_METRICS for m in met])
    if "ALL" not in list(dist):
        return None
    sel = np.flatnonzero((key["district"] == list(dist).index("ALL")) & want[key["metric"]])
    sel = sel[np.lexsort((key["year"][sel], key["industry"][sel], key["metric"][sel]))]
    k3 = np.stack([key["metric"][sel], key["industry"][sel], key["year"][sel]])
    if np.unique(k3, axis=1).shape[1] != len(sel):  # a repeated cell: the pivot takes a mean
        return None
    n = len(rows.gathered[0])
    in_a = sel < n
    w = np.empty((len(ids), len(sel)))
    if len(sel):
        w[:, in_a] = np.take(_block(rows.gathered, rows.flat, 0), sel[in_a], axis=1)
        w[:, ~in_a] = np.take(_block(rows.spend, rows.flat, len(ids) * n), sel[~in_a] - n, axis=1)
    keep = ~np.isnan(w).all(axis=0)
    names = [f"{met[m]}.{ind[i]}.{y}" for m, i, y in zip(*k3, strict=True)]
    return pd.DataFrame(
        w[:, keep],
        index=pd.CategoricalIndex(
            pd.Categorical.from_codes(np.arange(len(ids)), categories=pd.Index(ids, dtype=object)), name="run_id"
        ),
        columns=[n for n, k in zip(names, keep, strict=True) if k],
    )


def _block(parts: list[np.ndarray], flat: np.ndarray | None, start: int) -> np.ndarray:
    """Equal-length per-run values as a (runs, values) array: a view of ``flat`` from ``start``
    when the values are there, else stacked."""
    if flat is None:
        return np.stack(parts)
    return flat[start : start + len(parts) * len(parts[0])].reshape(len(parts), len(parts[0]))


def save(res: Results, out: Path) -> None:
    """Write the three tables as parquet into ``out`` (atomically, one file each, in parallel)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        for f in [_save_table(pool, Path(out), name, getattr(res, name)) for name in TABLES]:
            f.result()


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
