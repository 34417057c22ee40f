"""Atomic file output: write to a temporary file in the same folder, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: Path, writer: Callable[[Path], object]) -> None:
    """Call ``writer(tmp_path)`` and move the result to ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(path: Path, data: Any) -> None:
    """Write ``data``, a pandas frame or a pyarrow table made like one (with its pandas metadata),
    as parquet at ``path`` atomically: pyarrow's dictionary encoding for every column but the
    floating-point ones, min/max statistics for every column but the categorical ones. A dictionary
    of model output (floats nearly all distinct) is built and then abandoned (2.37 -> 1.94 s without
    it for the gathered annual table of 10,000 varied runs), and the categorical columns' min/max is
    never read; the values read back are the same."""
    write: Callable[[Path, dict], object]
    if hasattr(data, "schema"):  # a pyarrow table
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # deferred: only tables need it
        import pyarrow.types as pt  # type: ignore[import-untyped]  # deferred: only tables need it

        names = data.schema.names
        floats = {f.name for f in data.schema if pt.is_floating(f.type)}
        categorical = {f.name for f in data.schema if pt.is_dictionary(f.type)}
        write = lambda p, kw: pq.write_table(data, p, compression="snappy", **kw)  # noqa: E731
    else:
        names = list(data.columns)
        floats = {c for c in names if data[c].dtype.kind == "f"}
        categorical = {c for c in names if data[c].dtype.name == "category"}
        write = lambda p, kw: data.to_parquet(p, index=False, **kw)  # noqa: E731
    kw = {
        "use_dictionary": [c for c in names if c not in floats],
        "write_statistics": [c for c in names if c not in categorical],
    }
    atomic_write(path, lambda p: write(p, kw))


def write_json(path: Path, obj: Any) -> None:
    atomic_write(path, lambda p: p.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n"))


def clean_tmp(folder: Path) -> list[Path]:
    """Remove the temporary files of writes interrupted by a kill (``.<name>.<random>.tmp`` of
    atomic_write) from ``folder``; returns them. Call it when a run starts or resumes there."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    gone = []
    for p in folder.glob(".*.tmp"):
        try:
            p.unlink()
            gone.append(p)
        except OSError:
            pass
    return gone
