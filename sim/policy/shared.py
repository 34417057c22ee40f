"""What several levers read in the same quarter, computed once per policy phase instead of once per
lever: the alive firm and institute rows, their industry x district cells, sums by cell, the rows
each targeting admits and the SME flag.

Why the row counts are a complete cache key: within the policy phase levers change the firm and
institute tables only by appending rows (sim.kernel.entry.enter_firms in projects.major_projects,
create_institutes in tech.new_carriers and tech.infrastructure); they never kill a row or change
the alive flag, industry, district, sub-field, employees, floor space, output, knowledge, R&D
intensity or TFP of an existing row (they write this quarter's effects instead). So a value
derived from those columns stays right until a table gains rows: the view forgets a value of the
firm table when (world, firm rows) changes, one of the institute table when (world, institute rows)
changes, and one of both when either does (new carriers thus keep the firm masks and sums).
tests/test_perf_policy.py checks that a run with one view per phase equals a run with a fresh view
for every lever.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.ids import N_DIST, N_IND
from sim.kernel.cells import N_CELLS, cell
from sim.kernel.world import World
from sim.policy.targeting import SME_EMPLOYEES, Targeting, firm_keep


class QuarterView:
    """Memo of derived firm and institute quantities for one policy phase (see the module notes)."""

    def __init__(self) -> None:
        # per table set ("firms", "institutes", "both"): the cache key it was filled under, its values
        self._stores: dict[str, tuple[tuple[int, ...], dict[Any, Any]]] = {}

    def _get(self, w: World, name: Any, make: Callable[[], Any], tables: str = "both") -> Any:
        """The value ``name`` (made by ``make``), kept while the tables it is derived from keep their
        rows: a value of the firm table alone survives new institutes, and the other way round."""
        key: tuple[int, ...] = (id(w),)
        if tables != "institutes":
            key += (w.firms.n,)
        if tables != "firms":
            key += (w.institutes.n,)
        known = self._stores.get(tables)
        if known is None or known[0] != key:
            known = self._stores[tables] = (key, {})
        memo = known[1]
        if name not in memo:
            memo[name] = make()
        return memo[name]

    # -- firms -------------------------------------------------------------------------------
    def alive_rows(self, w: World) -> np.ndarray:
        """Rows of alive firms, ascending."""
        return self._get(w, "alive_rows", lambda: np.flatnonzero(w.firms.alive), "firms")

    def alive_cells(self, w: World) -> np.ndarray:
        """Industry x district cell (sim.kernel.cells.cell) of each alive firm, in alive_rows order."""

        def make() -> np.ndarray:
            f, rows = w.firms, self.alive_rows(w)
            return cell(f.industry[rows], f.district[rows])

        return self._get(w, "alive_cells", make, "firms")

    def cell_sum(self, w: World, column: str | None) -> np.ndarray:
        """[N_IND, N_DIST] sum of a firm column over alive firms by cell (count without a column);
        the same sums in the same order as sim.kernel.cells.count over ``f.alive``."""

        def make() -> np.ndarray:
            weights = None if column is None else w.firms.col(column)[self.alive_rows(w)]
            return np.bincount(self.alive_cells(w), weights=weights, minlength=N_CELLS).reshape(N_IND, N_DIST)

        return self._get(w, ("cell_sum", column), make, "firms").copy()

    def sme(self, w: World) -> np.ndarray:
        """Firms with fewer than SME_EMPLOYEES people (all rows)."""
        return self._get(w, "sme", lambda: w.firms.employees < SME_EMPLOYEES, "firms")

    def firm_rows(self, w: World, t: Targeting) -> np.ndarray:
        """Rows (ascending) of the alive firms the targeting admits: the positions of
        sim.policy.targeting.firm_mask, worked out on the alive rows once per targeting (levers
        and zones often share one; the caller must not change the array)."""

        if not (t.industries or t.districts or t.subfields) and t.firm_size == "all":
            return self.alive_rows(w)

        def make() -> np.ndarray:
            rows = self.alive_rows(w)
            return rows.compress(firm_keep(w, t, rows, self.alive_cells(w)))  # = rows[keep], faster

        name = ("firm_rows", tuple(t.industries), tuple(t.districts), tuple(t.subfields), t.firm_size)
        return self._get(w, name, make, "firms")

    def firm_mask(self, w: World, t: Targeting) -> np.ndarray:
        """Alive firms the targeting admits: the same mask as sim.policy.targeting.firm_mask
        (a fresh array the caller may change)."""
        f = w.firms
        if not (t.industries or t.districts or t.subfields) and t.firm_size == "all":
            return f.alive.copy()
        m = np.zeros(f.n, bool)
        m[self.firm_rows(w, t)] = True
        return m

    def memo(self, w: World, name: Any, make: Callable[[], Any], tables: str = "both") -> Any:
        """A lever's own derived value under ``name``, kept while the tables keep their rows
        (``make`` must read only columns levers do not change; see the module notes); ``tables``
        "firms" or "institutes" when it reads only that table."""
        return self._get(w, name, make, tables)

    # -- institutes --------------------------------------------------------------------------
    def institute_cell_sum(self, w: World, column: str) -> np.ndarray:
        """[N_IND, N_DIST] sum of an institute column over alive institutes by field x district."""

        def make() -> np.ndarray:
            inst = w.institutes
            rows = np.flatnonzero(inst.alive)
            cells = cell(inst.field[rows], inst.district[rows])
            return np.bincount(cells, weights=inst.col(column)[rows], minlength=N_CELLS).reshape(N_IND, N_DIST)

        return self._get(w, ("inst_cell_sum", column), make, "institutes").copy()
