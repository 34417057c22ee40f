"""sim.io.write_parquet: the frame reads back equal; floating-point columns are written without a
dictionary and categorical ones without min/max statistics (what makes large writes cheaper)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from sim.io import write_parquet


def _frame(n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "run_id": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "year": rng.integers(2019, 2026, n).astype(np.int16),
            "metric": pd.Categorical(rng.choice(["output", "value_added"], n)),
            "value": rng.lognormal(0.0, 1.0, n),
            "note": rng.choice(["x", "y"], n),
        }
    )


def _columns(path) -> dict:
    """The first row group's column chunks of the parquet file ``path``, by column name."""
    meta = pq.ParquetFile(path).metadata.row_group(0)
    return {meta.column(i).path_in_schema: meta.column(i) for i in range(meta.num_columns)}


def test_reads_back_equal(tmp_path) -> None:
    df = _frame()
    write_parquet(tmp_path / "t.parquet", df)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), df, check_exact=True)
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_dictionaries_and_statistics_by_column_type(tmp_path) -> None:
    write_parquet(tmp_path / "t.parquet", _frame())
    col = _columns(tmp_path / "t.parquet")
    dictionary = {k: any("DICTIONARY" in e for e in c.encodings) for k, c in col.items()}
    assert dictionary == {"run_id": True, "year": True, "metric": True, "value": False, "note": True}
    stats = {k: c.is_stats_set and c.statistics.has_min_max for k, c in col.items()}
    assert stats == {"run_id": False, "year": True, "metric": False, "value": True, "note": True}


def test_a_pyarrow_table_is_written_alike(tmp_path) -> None:
    """A pyarrow table made from a frame (as the gather makes its annual table) gets the same
    encodings and statistics, and reads back as the frame."""
    import pyarrow as pa  # type: ignore[import-untyped]

    df = _frame()
    write_parquet(tmp_path / "t.parquet", pa.Table.from_pandas(df, preserve_index=False))
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), df, check_exact=True)
    col = _columns(tmp_path / "t.parquet")
    assert not any("DICTIONARY" in e for e in col["value"].encodings)
    assert not col["run_id"].is_stats_set or not col["run_id"].statistics.has_min_max
    assert col["year"].statistics.has_min_max and any("DICTIONARY" in e for e in col["year"].encodings)
