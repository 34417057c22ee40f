"""Column tables: each population (firms, institutes, talent, supplier links) is a set of numpy
columns with amortised growth. Rows are never reused: an exited agent keeps its row with
``alive = False``, so row indices are stable handles for Mesa agents and network links."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def gather(values: np.ndarray, index: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """``values[index]`` for a long index of valid rows (0 <= index < len(values)), e.g. the link
    ends: taken in chunks, so numpy's conversion of a 32-bit index to intp reuses a small buffer
    instead of a fresh index-sized array (the first touch of fresh memory costs as much as the gather)."""
    out = np.empty(len(index), dtype=values.dtype)
    for lo in range(0, len(index), chunk):  # mode="clip": no buffering of ``out`` (the rows are valid)
        np.take(values, index[lo : lo + chunk], out=out[lo : lo + chunk], mode="clip")
    return out


def reusable(store: dict[str, Any], key: str, n: int, dtype: Any = np.float64) -> np.ndarray:
    """A 1-d array of at least ``n`` entries of ``dtype`` kept in ``store[key]`` from one quarter to
    the next: the same array when nothing else holds it or a view of it, else (or when too short)
    a fresh one with an eighth to spare, so a result someone kept never changes under them. A
    fresh array of a size the allocator has not seen comes as fresh pages (the first touch costs
    about as much as filling it): link-sized results of growing networks did each quarter."""
    buf = store.get(key)
    # its references here: ``store``, ``buf`` and getrefcount's argument; any other is a holder or a
    # view of it (a numpy view refers to the array that owns the data, however it was sliced)
    if buf is None or len(buf) < n or buf.dtype != np.dtype(dtype) or sys.getrefcount(buf) > 3:
        buf = store[key] = np.empty(n + n // 8, dtype)
    return buf


class Table:
    """A growable table of equal-length numpy columns; ``n`` rows are in use."""

    def __init__(self, schema: dict[str, Any], capacity: int = 1024):
        self.schema = dict(schema)
        self.n = 0
        self._cap = max(int(capacity), 16)
        self._cols = {k: np.zeros(self._cap, dtype=dt) for k, dt in self.schema.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("_cols")
        if cols is not None and name in cols:
            return cols[name][: self.n]
        raise AttributeError(name)

    def __len__(self) -> int:
        return self.n

    def col(self, name: str) -> np.ndarray:
        return self._cols[name][: self.n]

    def add(self, count: int, **values: Any) -> np.ndarray:
        """Append ``count`` rows; columns not given are zero. Returns the new row indices."""
        unknown = set(values) - set(self.schema)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        need = self.n + count
        if need > self._cap:
            new_cap = max(need, int(self._cap * 1.5))
            for k, arr in self._cols.items():
                grown = np.zeros(new_cap, dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self._cols[k] = grown
            self._cap = new_cap
        rows = np.arange(self.n, need)
        for k, v in values.items():
            self._cols[k][self.n : need] = v
        self.n = need
        return rows

    def keep(self, mask: np.ndarray, chunk: int = 1 << 16) -> None:
        """Compact the table to the rows where ``mask`` is true (only for tables without handles).
        Chunk by chunk, in place: the kept rows of a chunk only move to rows already read, and the
        small temporaries reuse memory (one table-sized temporary per column costs more)."""
        k = 0
        for lo in range(0, self.n, chunk):
            hi = min(lo + chunk, self.n)
            m = np.array(mask[lo:hi], dtype=bool, copy=True)  # the mask may be a view of a column being compacted
            kept = int(np.count_nonzero(m))
            for arr in self._cols.values():
                arr[k : k + kept] = arr[lo:hi][m]
            k += kept
        self.n = k

    def keep_first(self, n: int) -> None:
        """Keep the first ``n`` rows (after the kept rows were moved to the front in place)."""
        if not 0 <= n <= self.n:
            raise ValueError(f"keep_first({n}): the table has {self.n} rows")
        self.n = n

    def to_dict(self, mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
        return {k: (v[: self.n] if mask is None else v[: self.n][mask]).copy() for k, v in self._cols.items()}


FIRM_SCHEMA = {
    "alive": bool,
    "industry": np.int8,
    "subfield": np.int16,
    "district": np.int8,
    "entry_kind": np.int8,
    "entry_quarter": np.int16,
    "age": np.float64,  # age in quarters
    "employees": np.float64,  # people
    "capital": np.float64,
    "tfp": np.float64,
    "tfp_ref": np.float64,
    "knowledge": np.float64,  # yuan, index, yuan-equivalent
    "rd_intensity": np.float64,
    "cash": np.float64,
    "debt": np.float64,  # share of sales, yuan, yuan
    "share": np.float64,  # weight in the industry's external demand
    # tfp_ref: TFP at base or entry; market shares respond to TFP gains since then
    "z": np.float64,  # capacity scale (yuan VA per unit of L^b K^(1-b) at tfp 1)
    "floor_space": np.float64,  # m2
    # flows of the last quarter (yuan/quarter)
    "capacity": np.float64,  # gross-output capacity at this quarter's prices
    "demand": np.float64,
    "output": np.float64,
    "value_added": np.float64,
    "value_added_real": np.float64,  # value added at base-year prices (nominal / the industry's output price)
    "final_demand": np.float64,  # final demand the firm faced (before rationing)
    "intermediate": np.float64,
    "interm_sei": np.float64,
    "sales_final": np.float64,
    "sales_interm": np.float64,
    "wage_bill": np.float64,
    "wage_paid": np.float64,
    "rent": np.float64,
    "rd_spending": np.float64,
    "profit": np.float64,
    "investment": np.float64,
    "interest": np.float64,
    "vacancies": np.int32,  # talent agents wanted
    "last_breakthrough": np.int16,  # quarter index of the last breakthrough (-1000: none)
    "certified_until": np.int32,  # last quarter a high-tech certificate covers (sim.economy.certification.NONE: none)
}

INSTITUTE_SCHEMA = {
    "alive": bool,
    "field": np.int8,
    "subfield": np.int16,
    "district": np.int8,
    "carrier_type": np.int8,
    "created_quarter": np.int16,  # -1 for the base-year stock
    "researchers": np.float64,
    "target_researchers": np.float64,  # people
    "budget": np.float64,  # yuan/quarter
    "capability": np.float64,  # 0-1
    "knowledge": np.float64,
    "knowledge_flow": np.float64,  # yuan-equivalent
    "vacancies": np.int32,
}

TALENT_SCHEMA = {
    "alive": bool,
    "skill": np.int8,
    "field": np.int8,
    "district": np.int8,
    "employer_kind": np.int8,
    "employer": np.int32,
    "wage": np.float64,
    "age": np.float64,  # yuan/person/quarter, years
}

LINK_SCHEMA = {"supplier": np.int32, "customer": np.int32, "weight": np.float64}
