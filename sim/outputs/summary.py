"""The summary of a run: the printed table (SEI value added by industry per year, beside the
data) and the summary row (row.parquet) that analysis.results.gather reads instead of the run's
manifest.json, scorecard.json and annual.parquet."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.dataset as ds  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from sim.basedata import YUAN_PER_100M, load
from sim.ids import INDUSTRIES
from sim.io import atomic_write
from sim.outputs.measure import annual_by_industry
from sim.outputs.scorecard import TARGET_FIELDS


def value_added_table(ts: pd.DataFrame) -> pd.DataFrame:
    """SEI value added by industry (rows, + ALL) and year (columns) in 100m yuan (亿元), with the
    2018 statistic the base year is built from and the 2019 statistic for comparison."""
    d = load()
    tab = annual_by_industry(ts, "value_added") / YUAN_PER_100M
    base = pd.Series(
        list(d.va_2018 / YUAN_PER_100M) + [d.va_2018.sum() / YUAN_PER_100M], index=list(INDUSTRIES) + ["ALL"]
    )
    obs = pd.Series(
        list(d.va_2019 / YUAN_PER_100M) + [d.va_2019.sum() / YUAN_PER_100M], index=list(INDUSTRIES) + ["ALL"]
    )
    tab.insert(0, "2018 data", base)
    tab.insert(1, "2019 data", obs)
    return tab


def format_summary(ts: pd.DataFrame, title: str = "") -> str:
    return format_va_table(value_added_table(ts), title)


def format_va_table(tab: pd.DataFrame, title: str = "") -> str:
    """The printed table of ``value_added_table`` (or an ensemble median of it) with the 2019 check."""
    lines = [title or "SEI value added by industry, 100m yuan (亿元), current prices"]
    shown = tab.round(0).astype(int)
    shown.index.name = None  # the row labels are industries; no separate header line for them
    lines.append(shown.to_string())
    if 2019 in tab.columns:
        err = (tab[2019] / tab["2019 data"] - 1) * 100
        lines.append("2019 simulated vs data (%): " + ", ".join(f"{i} {e:+.1f}" for i, e in err.items()))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The summary row of a run (row.parquet): what analysis.results.gather reads of it, in one file
# ---------------------------------------------------------------------------------------------
ROW_FILE = "row.parquet"
DISTRICT_METRICS = ("value_added", "output", "employment", "firms", "floor_space", "floor_space_used", "rent")
# manifest fields that become columns of a gathered runs table (analysis.results.RUN_COLUMNS)
RUN_MANIFEST_KEYS = ("seed", "status", "error", "wall_time_s", "config_hash", "scale", "scenario", "policy")
ROW_MANIFEST_KEYS = (*RUN_MANIFEST_KEYS, "overrides")  # the overrides are spread into columns by gather
KEY_COLUMNS = ("year", "industry", "district", "metric")
CODED = ("industry", "district", "metric")


def gathered_rows() -> pc.Expression:
    """The annual rows a gather keeps: district totals, and district rows of DISTRICT_METRICS."""
    return (pc.field("district") == "ALL") | pc.field("metric").isin(list(DISTRICT_METRICS))


def spend_total(annual: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows of metric spend_total: all public spending of the plan's levers (yuan/year), zero for
    runs and cells without any (e.g. policy=no_plan), on the same rows as value_added; columns
    ``keys``, value, metric. Cells are summed within ``keys`` only, so one run at a time gives the
    same numbers as many runs at once (``keys`` then include run_id)."""
    spend = [m for m in annual["metric"].cat.categories if str(m).startswith("spend_")]
    base = annual.loc[annual["metric"] == "value_added", keys]
    s = annual[annual["metric"].isin(spend)]
    tot = s.groupby(keys, observed=True)["value"].sum().rename("value").reset_index()
    out = base.merge(tot, on=keys, how="left")
    out["value"] = out["value"].fillna(0.0)
    out["metric"] = pd.Categorical(np.full(len(out), "spend_total"))
    return out


def annual_part(path: Path) -> tuple[pa.Table, np.ndarray]:
    """The gathered rows of one annual.parquet (dictionary columns, as a scan over many files
    reads them) and the spend_total values on its value_added rows, in their order."""
    dset = ds.dataset([str(path)], format="parquet")
    tab = dset.to_table(columns=list(KEY_COLUMNS) + ["value"], filter=gathered_rows())
    tab = tab.unify_dictionaries().combine_chunks()
    spend = spend_total(tab.to_pandas(), ["year", "industry", "district"]) if tab.num_rows else None
    return tab, (spend["value"].to_numpy(np.float64) if spend is not None else np.zeros(0))


def layout_columns(tab: pa.Table) -> dict[str, pa.Array]:
    """The key columns of ``annual_part`` as plain arrays: year, and codes + dictionary of the
    others (a run's rows are the same cells in the same order as any run of the same layout)."""
    out: dict[str, pa.Array] = {"year": tab["year"].combine_chunks()}
    for c in CODED:
        col = tab[c].combine_chunks()
        out[f"{c}_codes"], out[f"{c}_dict"] = col.indices, col.dictionary
    return out


def layout_digest(cols: dict[str, pa.Array], n_spend: int) -> str:
    """Identity of a layout: the same digest means the same key columns row for row."""
    h = hashlib.sha1(str(n_spend).encode())
    for name in sorted(cols):
        a = cols[name]
        h.update(f"{name}:{a.type}:{len(a)}".encode())
        h.update("\0".join(map(str, a.to_pylist())).encode() if pa.types.is_string(a.type) else a.to_numpy().tobytes())
    return h.hexdigest()


def row_meta(manifest: dict, card: dict) -> str:
    """The manifest fields and scorecard entries gather uses, as the JSON files hold them."""
    meta = {
        "manifest": {k: manifest[k] for k in ROW_MANIFEST_KEYS if k in manifest},
        "card": {"seed": card["seed"], "targets": [{k: r[k] for k in TARGET_FIELDS} for r in card["targets"]]},
    }
    return json.dumps(meta, default=str)


def write_row(out: Path, manifest: dict, card: dict) -> None:
    """``out/row.parquet``: one row with the run's manifest fields and scorecard (JSON, ``meta``),
    the layout of its gathered annual rows (key columns and their digest) and their values
    followed by the spend_total values (``values``). Written after annual.parquet, from it."""
    tab, spend = annual_part(out / "annual.parquet")
    cols = layout_columns(tab)
    values = np.concatenate([tab["value"].to_numpy(), spend])
    row = {
        "meta": pa.array([row_meta(manifest, card)], pa.string()),
        "layout": pa.array([layout_digest(cols, len(spend))], pa.string()),
        "n_annual": pa.array([tab.num_rows], pa.int64()),
        "values": pa.array([values], pa.list_(pa.float64())),
        **{k: pa.array([v], pa.list_(v.type)) for k, v in cols.items()},
    }
    atomic_write(out / ROW_FILE, lambda p: pq.write_table(pa.table(row), p))


@dataclass
class Layout:
    """The key columns of a run's gathered annual rows (``n`` rows, then ``n_spend`` spend_total
    rows on its value_added rows): year, and codes into dictionaries for industry, district, metric."""

    year: np.ndarray
    codes: dict[str, np.ndarray]
    dicts: dict[str, list[str]]
    n_spend: int

    @classmethod
    def of(cls, cols: dict[str, pa.Array], n_spend: int) -> Layout:
        return cls(
            year=np.asarray(cols["year"].to_numpy(zero_copy_only=False)),
            codes={c: np.asarray(cols[f"{c}_codes"].to_numpy(zero_copy_only=False)) for c in CODED},
            dicts={c: cols[f"{c}_dict"].to_pylist() for c in CODED},
            n_spend=n_spend,
        )

    @property
    def n(self) -> int:
        return len(self.year)


def read_rows(dirs: list[Path]) -> tuple[list[dict], list[str], dict[str, Layout], list[np.ndarray]]:
    """The row files of run folders ``dirs`` in one parallel scan: per run its meta (manifest and
    card), layout digest and values; and each layout once (read from the first run that has it)."""
    if not dirs:
        return [], [], {}, []
    files = [str(d / ROW_FILE) for d in dirs]
    dset = ds.dataset(files, format="parquet")
    index = {f: k for k, f in enumerate(files)}
    batches, at = [], []
    for b in dset.scanner(columns=["meta", "layout", "values"], use_threads=True).scan_batches():
        if b.record_batch.num_rows:
            batches.append(b.record_batch)
            at += [index[b.fragment.path]] * b.record_batch.num_rows
    if sorted(at) != list(range(len(files))):
        raise ValueError(f"row files: expected one row in each of {len(files)} files, read {len(at)} rows")
    tab = pa.Table.from_batches(batches)
    if at != sorted(at):  # the scan gives files in order; reorder (a copy of every value) only if not
        tab = tab.take(np.argsort(at))
    metas = [json.loads(m) for m in tab["meta"].to_pylist()]
    digests = tab["layout"].to_pylist()
    vals = tab["values"].combine_chunks()
    flat = vals.flatten().to_numpy()
    off = vals.offsets.to_numpy()
    off = off - off[0]
    values = [flat[a:b] for a, b in zip(off[:-1], off[1:], strict=True)]
    layouts: dict[str, Layout] = {}
    for k, dg in enumerate(digests):
        if dg not in layouts:
            t = pq.read_table(files[k])
            lay = {name: t[name][0].values for name in t.column_names if name.startswith(("year",) + CODED)}
            layouts[dg] = Layout.of(lay, len(values[k]) - int(t["n_annual"][0].as_py()))
    return metas, digests, layouts, values
