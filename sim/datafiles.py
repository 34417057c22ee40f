"""The data files of sim/data/ checked before any work: each present, UTF-8 text (not binary), with
its header, every row as long as the header, and its numeric columns numbers. A damaged file is
refused with a message naming the file, the row and the column (ConfigError), not a traceback
from deep inside the loading code."""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

from sim.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parent / "data"

# file -> (columns it must have, of which numeric): what sim.basedata reads
REQUIRED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "industries.csv": (
        ("industry_id", "va_ratio", "va_per_worker_yuan", "capital_va_ratio", "rd_intensity", "export_share",
         "semiconductor_exposure", "firm_share"),
        ("va_ratio", "va_per_worker_yuan", "capital_va_ratio", "rd_intensity", "export_share",
         "semiconductor_exposure", "firm_share"),
    ),
    "subfields.csv": (("industry_id", "subfield_id", "va_weight"), ("va_weight",)),
    "districts.csv": (
        ("district_id", "lat", "lon", "industrial_floor_space_m2", "rent_yuan_m2_month"),
        ("lat", "lon", "industrial_floor_space_m2", "rent_yuan_m2_month"),
    ),
    "district_industry_shares.csv": (("district_id", "industry_id", "share"), ("share",)),
    "io_coefficients.csv": (("from_sector", "to_industry", "coefficient"), ("coefficient",)),
    "institutes.csv": (
        ("carrier_type", "count_share", "researchers_mean", "budget_yuan_per_year_mean", "capability_mean"),
        ("count_share", "researchers_mean", "budget_yuan_per_year_mean", "capability_mean"),
    ),
    "sei_value_added.csv": (("year", "industry", "value_added_100m_yuan"), ("value_added_100m_yuan",)),
    "innovation_and_people.csv": (("year", "indicator", "value"), ("value",)),
    "macro_drivers.csv": (("year",), ()),
}  # fmt: skip


def _fail(name: str, msg: str) -> None:
    raise ConfigError(f"data file 'sim/data/{name}' {msg}; restore it (git checkout sim/data/{name})")


def check_file(path: Path, columns: tuple[str, ...], numeric: tuple[str, ...]) -> None:
    """Refuse a missing, binary, truncated or malformed CSV file, naming it, the row and the column."""
    name = path.name
    if not path.is_file():
        _fail(name, "is missing")
    raw = path.read_bytes()
    if b"\x00" in raw:
        _fail(name, "is binary (holds NUL bytes), not a CSV text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(name, f"is not UTF-8 text (byte {exc.start})")
    rows = list(csv.reader(text.splitlines()))
    if not rows or not rows[0]:
        _fail(name, "is empty (no header)")
    header = rows[0]
    missing = [c for c in columns if c not in header]
    if missing:
        _fail(name, f"lacks column(s) {', '.join(missing)} (header: {','.join(header)})")
    if len(rows) < 2:
        _fail(name, "has a header but no rows (truncated)")
    for k, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            _fail(name, f"row {k} has {len(row)} fields, the header {len(header)} (truncated or damaged)")
        for c in numeric:
            v = row[header.index(c)]
            try:
                ok = math.isfinite(float(v))
            except ValueError:
                ok = False
            if not ok:
                _fail(name, f"row {k} column '{c}' is not a finite number: {v!r}")


@lru_cache(maxsize=4)
def _checked(stamp: tuple) -> None:
    for name, (columns, numeric) in REQUIRED.items():
        check_file(DATA_DIR / name, columns, numeric)


def check_data_files() -> None:
    """Check every file sim.basedata reads (once per state of the files: their sizes and times)."""
    stamp = []
    for name in REQUIRED:
        try:
            st = (DATA_DIR / name).stat()
            stamp.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append((name, -1, -1))
    _checked(tuple(stamp))
