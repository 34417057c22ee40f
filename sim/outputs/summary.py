"""The summary of a run: the printed table (SEI value added by industry per year, beside the
data) and the summary row (row.bin) that analysis.results.gather reads instead of the run's
manifest.json, scorecard.json and annual.parquet."""

from __future__ import annotations

import hashlib
import json
import re
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.dataset as ds  # type: ignore[import-untyped]

from sim.basedata import YUAN_PER_100M, load
from sim.ids import INDUSTRIES
from sim.io import atomic_write
from sim.outputs.measure import annual_by_industry
from sim.outputs.scorecard import target_columns


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
# The summary row of a run (row.bin): what analysis.results.gather reads of it, in one file
# ---------------------------------------------------------------------------------------------
ROW_FILE = "row.bin"
# row.bin: magic, then the byte length of the head (JSON, padded to 8 bytes), the numbers of gathered
# and of spend_total values (little-endian float64) and the byte length of the layout (JSON), then
# those parts in order
ROW_HEAD = struct.Struct("<8sQQQQ")
ROW_MAGIC = b"SEIROW1\n"
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


def layout_json(tab: pa.Table, n_spend: int) -> bytes:
    """The key columns of ``annual_part`` as JSON: year, and codes + dictionary of the others (a
    run's rows are the same cells in the same order as any run with the same bytes), and n_spend."""
    out: dict = {"year": tab["year"].combine_chunks().to_pylist(), "n_spend": n_spend}
    for c in CODED:
        col = tab[c].combine_chunks()
        out[f"{c}_codes"], out[f"{c}_dict"] = col.indices.to_pylist(), col.dictionary.to_pylist()
    return json.dumps(out, sort_keys=True).encode()


def row_meta(manifest: dict, card: dict) -> dict:
    """The manifest fields and scorecard entries gather uses, as the JSON files hold them; the
    targets column-wise (one list per field: quicker to parse and to make a table of)."""
    return {
        "manifest": {k: manifest[k] for k in ROW_MANIFEST_KEYS if k in manifest},
        "card": {"seed": card["seed"], "targets": target_columns(card["targets"])},
    }


def write_row(out: Path, manifest: dict, card: dict) -> None:
    """``out/row.bin`` (format in ``ROW_HEAD``): the run's manifest fields and scorecard (``row_meta``)
    with the digest of its layout, its gathered annual values followed by its spend_total values,
    then the layout (``layout_json``). Written after annual.parquet, from it."""
    tab, spend = annual_part(out / "annual.parquet")
    layout = layout_json(tab, len(spend))
    values = np.concatenate([tab["value"].to_numpy(), spend]).astype("<f8")
    counts = (tab.num_rows, len(spend))
    meta = {"meta": row_meta(manifest, card), "layout": hashlib.sha1(layout).hexdigest()}
    head = json.dumps(meta, default=str).encode()
    head += b" " * (-len(head) % 8)  # the values start 8-byte aligned
    blob = ROW_HEAD.pack(ROW_MAGIC, len(head), *counts, len(layout)) + head + values.tobytes() + layout
    atomic_write(out / ROW_FILE, lambda p: p.write_bytes(blob))


@dataclass
class Layout:
    """The key columns of a run's gathered annual rows (``n`` rows, then ``n_spend`` spend_total
    rows on its value_added rows): year, and codes into dictionaries for industry, district, metric."""

    year: np.ndarray
    codes: dict[str, np.ndarray]
    dicts: dict[str, list[str]]
    n_spend: int

    @classmethod
    def of(cls, raw: bytes) -> Layout:
        d = json.loads(raw)
        return cls(
            year=np.array(d["year"], np.int16),
            codes={c: np.array(d[f"{c}_codes"], np.int64) for c in CODED},
            dicts={c: d[f"{c}_dict"] for c in CODED},
            n_spend=d["n_spend"],
        )

    @property
    def n(self) -> int:
        return len(self.year)


@dataclass
class Rows:
    """What ``read_rows`` reads of many runs: per run its head (JSON: the meta, i.e. manifest and
    card, and the layout digest), layout digest, gathered values and spend_total values; each
    layout once; and, when every run has as many values of each kind, ``flat``: all gathered values
    run after run, then all spend_total values (the value column of a gather, read straight into
    place; ``gathered`` and ``spend`` view it). The metas are parsed when first asked for: a
    gather makes (and starts writing) the annual table from the rest first."""

    heads: list[bytes]
    digests: list[str]
    layouts: dict[str, Layout]
    gathered: list[np.ndarray]
    spend: list[np.ndarray]
    flat: np.ndarray | None

    @cached_property
    def metas(self) -> list[dict]:
        """Each run's meta (``row_meta``), from one JSON parse of all heads (0.3-0.5 s for 10,000 runs)."""
        return [p["meta"] for p in _parse_heads(self.heads)]


# the end of a head as write_row makes it: the digest is the last member of the top-level object,
# the only string followed by a single closing brace (a nested one would be followed by two)
_DIGEST_TAIL = re.compile(rb'"layout": "([0-9a-f]{40})"\} *\Z')


def _parse_heads(heads: list[bytes]) -> list[dict]:
    return json.loads(b"[" + b",".join(heads) + b"]") if heads else []


def head_digests(heads: list[bytes]) -> list[str]:
    """The layout digest of each head, read off its end without parsing it; from the parsed heads
    when one does not end as ``write_row`` writes them."""
    found = [_DIGEST_TAIL.search(h) for h in heads]
    if all(found):
        return [m.group(1).decode() for m in found]  # type: ignore[union-attr]
    return [p["layout"] for p in _parse_heads(heads)]


def read_rows(files: list[str]) -> Rows:
    """The row files ``files``: plain reads of the head and the values of each (the values into
    one array when the runs' counts agree), the layout digests off the heads' ends, each layout
    read once; the heads are parsed (one JSON parse of all) when ``Rows.metas`` is first read."""
    heads, gathered, spend, where = [], [], [], []
    flat: np.ndarray | None = np.empty(0, "<f8")
    size = (0, 0)
    for k, f in enumerate(files):
        with open(f, "rb") as fh:
            magic, n_head, n_a, n_s, n_lay = ROW_HEAD.unpack(fh.read(ROW_HEAD.size))
            heads.append(fh.read(n_head) if magic == ROW_MAGIC else b"")
            if k == 0:
                flat, size = np.empty(len(files) * (n_a + n_s), "<f8"), (n_a, n_s)
                blocks = (
                    flat[: len(files) * n_a].reshape(len(files), n_a),
                    flat[len(files) * n_a :].reshape(len(files), n_s),
                )
            if (n_a, n_s) == size:
                a, s = blocks[0][k], blocks[1][k]
            else:
                a, s, flat = np.empty(n_a, "<f8"), np.empty(n_s, "<f8"), None
            got = fh.readinto(a) + fh.readinto(s)
        if magic != ROW_MAGIC or len(heads[-1]) != n_head or got != 8 * (n_a + n_s):
            raise ValueError(f"{f}: not a complete row file")
        gathered.append(a)
        spend.append(s)
        where.append((ROW_HEAD.size + n_head + got, n_lay))
    digests = head_digests(heads)
    layouts: dict[str, Layout] = {}
    for k, dg in enumerate(digests):
        if dg not in layouts:
            with open(files[k], "rb") as fh:
                fh.seek(where[k][0])
                layouts[dg] = Layout.of(fh.read(where[k][1]))
    return Rows(heads, digests, layouts, gathered, spend, flat if files else None)
