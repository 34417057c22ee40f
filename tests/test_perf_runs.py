"""Gathering from the per-run summary rows (row.bin) gives the same tables as reading every
run's manifest.json, scorecard.json and annual.parquet; folders without row files still gather."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.results import gather
from sim.config import to_config
from sim.drivers.run import run
from sim.outputs.summary import ROW_FILE, read_rows, write_row


def _same(a, b) -> None:
    for name in ("runs", "annual", "scorecards"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """Three small runs (two seeds of the plan, one without it, under a job folder), a failed run
    and a run still going (manifests only)."""
    root = tmp_path_factory.mktemp("sweep")
    for d, ov in (
        ("0/seed_0", {"seed": 0}),
        ("0/seed_1", {"seed": 1}),
        ("1/seed_0", {"seed": 0, "policy": "no_plan"}),
    ):
        cfg = to_config(None, scale="small", **{"output.print_summary": False, **ov})
        run(cfg, root / d, meta={"overrides": [f"{k}={v}" for k, v in ov.items()] + ["scale=small"]})
    for d, status in (("2/seed_0", "failed"), ("3/seed_0", "running")):
        (root / d).mkdir(parents=True)
        (root / d / "manifest.json").write_text(json.dumps({"seed": 0, "status": status, "error": "x"}))
    return root


def test_complete_runs_have_a_row_failed_ones_none(sweep):
    assert all((sweep / d / ROW_FILE).is_file() for d in ("0/seed_0", "0/seed_1", "1/seed_0"))
    assert not (sweep / "2/seed_0" / ROW_FILE).exists()


def test_gather_from_rows_equals_gather_from_the_run_files(sweep):
    rows, files = gather(sweep, write=False), gather(sweep, write=False, rows=False)
    _same(rows, files)
    assert len(rows.runs) == 5 and rows.runs["status"].tolist().count("complete") == 3
    assert "policy" in rows.swept


def test_runs_of_one_layout_give_the_same_headline(sweep, tmp_path):
    one = tmp_path / "one"
    shutil.copytree(sweep / "0", one)
    _same(gather(one, write=False), gather(one, write=False, rows=False))


def test_a_folder_without_row_files_still_gathers(sweep, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(sweep, old)
    (old / "0/seed_1" / ROW_FILE).unlink()
    new = tmp_path / "new"
    shutil.copytree(sweep, new)
    res = gather(old, write=False)
    res.runs["root"] = str(new)
    _same(res, gather(new, write=False))


def test_written_tables_are_the_same(sweep, tmp_path):
    for name, rows in (("a", True), ("b", False)):
        shutil.copytree(sweep, tmp_path / name)
        gather(tmp_path / name, write=True, rows=rows)
    for n in ("runs", "annual", "scorecards"):
        a, b = (pd.read_parquet(tmp_path / x / "results" / f"{n}.parquet") for x in "ab")
        pd.testing.assert_frame_equal(
            a.drop(columns=["root"], errors="ignore"), b.drop(columns=["root"], errors="ignore")
        )


def test_runs_of_different_sizes_gather_the_same(sweep, tmp_path):
    """A run whose annual table lost rows has fewer values than the others: its row is read apart
    from the rest (no common value block) and the tables still equal the per-file path."""
    mixed = tmp_path / "mixed"
    shutil.copytree(sweep, mixed)
    d = mixed / "0/seed_1"
    annual = pd.read_parquet(d / "annual.parquet")
    annual.iloc[: len(annual) - 7].to_parquet(d / "annual.parquet", index=False)
    manifest, card = (json.loads((d / f).read_text()) for f in ("manifest.json", "scorecard.json"))
    write_row(d, manifest, card)
    assert read_rows([str(f) for f in sorted(mixed.rglob(ROW_FILE))]).flat is None
    _same(gather(mixed, write=False), gather(mixed, write=False, rows=False))


def test_a_failed_gather_leaves_no_mix_of_tables(sweep, tmp_path, monkeypatch):
    """The annual table is written while the rest is made: if the rest fails, results/ keeps none
    of the tables (not this gather's annual beside an earlier gather's runs), and load gathers again."""
    import analysis.results as results

    root = tmp_path / "s"
    shutil.copytree(sweep, root)
    first = gather(root, write=True)

    def broken(_):
        raise RuntimeError("scorecards failed")

    monkeypatch.setattr(results, "_scorecard_wide", broken)
    with pytest.raises(RuntimeError, match="scorecards failed"):
        gather(root, write=True)
    assert not any((root / "results" / f"{n}.parquet").exists() for n in ("runs", "annual", "scorecards"))
    monkeypatch.undo()
    again = results.load(root)
    _same(again, first)


def test_the_written_annual_table_is_the_gathered_one(sweep, tmp_path):
    """The annual table is written from its numpy columns as a pyarrow table (analysis.results.
    _arrow_annual), not through pandas: it reads back as the gathered frame, and as pandas' own
    writing of that frame reads back."""
    root = tmp_path / "w"
    shutil.copytree(sweep, root)
    res = gather(root, write=True)
    written = pd.read_parquet(root / "results" / "annual.parquet")
    res.annual.to_parquet(tmp_path / "pandas.parquet", index=False)
    pd.testing.assert_frame_equal(written, pd.read_parquet(tmp_path / "pandas.parquet"), check_exact=True)
    # the same cells and values as in memory (where run ids come back as str categories, not object)
    assert list(written.columns) == list(res.annual.columns)
    for c in written.columns:
        assert written[c].astype(object).equals(res.annual[c].astype(object)), c


def test_layout_digests_read_off_the_heads_are_the_parsed_ones(sweep):
    """The digests ``read_rows`` takes from the heads' ends are what parsing the heads gives, and a
    head that does not end as ``write_row`` writes it (here: its members in another order) is parsed."""
    import json as js

    from sim.outputs import summary

    rows = read_rows([str(f) for f in sorted(sweep.rglob(ROW_FILE))])
    assert "metas" not in rows.__dict__  # not parsed yet
    parsed = [js.loads(h) for h in rows.heads]
    assert rows.digests == [p["layout"] for p in parsed] and len(set(rows.digests)) == 2
    assert rows.metas == [p["meta"] for p in parsed]
    other = [js.dumps({"layout": p["layout"], "meta": p["meta"]}).encode() for p in parsed]
    assert [summary._DIGEST_TAIL.search(h) for h in other] == [None] * len(other)
    assert summary.head_digests(other) == rows.digests
    nested = js.dumps({"meta": {"layout": "0" * 40}}).encode()  # a nested digest-like member is not the digest
    assert summary._DIGEST_TAIL.search(nested) is None


def test_the_annual_write_starts_before_the_heads_are_parsed(sweep, tmp_path, monkeypatch):
    """The gather's longest part, writing the annual table, runs beside the heads' parse."""
    import analysis.results as results
    from sim.outputs import summary

    order: list[str] = []
    save, parse = results._save_table, summary._parse_heads
    monkeypatch.setattr(
        results, "_save_table", lambda pool, out, name, df: order.append(name) or save(pool, out, name, df)
    )
    monkeypatch.setattr(summary, "_parse_heads", lambda heads: order.append("parse") or parse(heads))
    shutil.copytree(sweep, tmp_path / "s")
    gather(tmp_path / "s", write=True)
    assert order.index("annual") < order.index("parse") < order.index("runs")
