"""Measurement: aggregates by industry x district x quarter, collected into one tidy table.

Money in yuan at current prices per quarter (flows) or at the end of the quarter (stocks);
people in persons. District-only metrics (rent, floor space) use industry "ALL".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ids import DISTRICTS, FIRM, INDUSTRIES, N_DIST, N_IND, NONE

# metric -> firm column. Flows are summed over the firms that produced in the quarter (including
# those that exited at its end); stocks over the firms alive at the end of the quarter.
FIRM_FLOWS = {
    "output": "output", "value_added": "value_added", "intermediate_inputs": "intermediate",
    "network_purchases": "interm_sei", "final_sales": "sales_final", "intermediate_sales": "sales_interm",
    "rd_spending": "rd_spending", "wage_bill": "wage_bill", "rent_paid": "rent", "profit": "profit",
    "investment": "investment", "capacity": "capacity",
}
FIRM_STOCKS = {"employment": "employees", "capital": "capital", "knowledge": "knowledge", "vacancies": "vacancies"}
DISTRICT_METRICS = ("rent", "floor_space", "floor_space_used")


class Recorder:
    """Collects one [N_IND, N_DIST] array per metric per quarter; ``frame()`` makes the tidy table."""

    def __init__(self) -> None:
        self.quarters: list[tuple[int, int]] = []
        self.cells: dict[str, list[np.ndarray]] = {}
        self.district: dict[str, list[np.ndarray]] = {}

    def _put(self, store: dict, name: str, arr: np.ndarray) -> None:
        store.setdefault(name, []).append(np.asarray(arr, dtype=float))

    def record(self, w, year: int, q: int) -> None:
        f, inst, t = w.firms, w.institutes, w.talent
        self.quarters.append((year, q))
        a = f.alive
        key = f.industry[a].astype(np.int64) * N_DIST + f.district[a]
        prod = w.last_production.rows if w.last_production is not None else np.flatnonzero(a)
        pkey = f.industry[prod].astype(np.int64) * N_DIST + f.district[prod]

        def agg(values: np.ndarray | None, k=key) -> np.ndarray:
            return np.bincount(k, weights=values, minlength=N_IND * N_DIST).reshape(N_IND, N_DIST)

        for metric, col in FIRM_FLOWS.items():
            self._put(self.cells, metric, agg(f.col(col)[prod], pkey))
        for metric, col in FIRM_STOCKS.items():
            self._put(self.cells, metric, agg(f.col(col)[a]))
        self._put(self.cells, "firms", agg(None))
        for k in ("entries", "exits", "relocations", "spinoffs", "inward", "institutes_created"):
            self._put(self.cells, k, w.flows[k])
        ia = inst.alive
        ikey = inst.field[ia].astype(np.int64) * N_DIST + inst.district[ia]
        self._put(self.cells, "institutes", agg(None, ikey))
        self._put(self.cells, "researchers", agg(inst.researchers[ia], ikey))
        self._put(self.cells, "institute_knowledge", agg(inst.knowledge[ia], ikey))
        self._put(self.cells, "institute_budget", agg(inst.budget[ia], ikey))
        ta = t.alive
        tkey = t.field[ta].astype(np.int64) * N_DIST + t.district[ta]
        self._put(self.cells, "talent", agg(np.full(int(ta.sum()), float(w.ppa)), tkey))
        un = ta & (t.employer_kind == NONE)
        ukey = t.field[un].astype(np.int64) * N_DIST + t.district[un]
        self._put(self.cells, "unemployed", agg(np.full(int(un.sum()), float(w.ppa)), ukey))
        self._put(self.cells, "talent_inflow", w.flows["inflow"])
        self._put(self.cells, "talent_outflow", w.flows["outflow"])
        self._put(self.district, "rent", w.rent)
        self._put(self.district, "floor_space", w.floor_space)
        self._put(self.district, "floor_space_used", np.bincount(f.district[a], weights=f.floor_space[a], minlength=N_DIST))

    def frame(self) -> pd.DataFrame:
        """Tidy table: quarter, year, industry, district, metric, value."""
        T = len(self.quarters)
        qlab = np.array([f"{y}Q{q}" for y, q in self.quarters])
        years = np.array([y for y, _ in self.quarters])
        parts = []
        for name, arrs in self.cells.items():
            v = np.stack(arrs)  # [T, N_IND, N_DIST]
            parts.append(pd.DataFrame({
                "quarter": np.repeat(qlab, N_IND * N_DIST), "year": np.repeat(years, N_IND * N_DIST),
                "industry": np.tile(np.repeat(INDUSTRIES, N_DIST), T), "district": np.tile(DISTRICTS * N_IND, T),
                "metric": name, "value": v.reshape(-1)}))
        for name, arrs in self.district.items():
            v = np.stack(arrs)
            parts.append(pd.DataFrame({
                "quarter": np.repeat(qlab, N_DIST), "year": np.repeat(years, N_DIST), "industry": "ALL",
                "district": np.tile(DISTRICTS, T), "metric": name, "value": v.reshape(-1)}))
        df = pd.concat(parts, ignore_index=True)
        for c in ("quarter", "industry", "district", "metric"):
            df[c] = df[c].astype("category")
        df["year"] = df["year"].astype("int16")
        return df


def annual_by_industry(ts: pd.DataFrame, metric: str = "value_added") -> pd.DataFrame:
    """Annual sums of a flow metric: rows industries (+ ALL), columns years."""
    d = ts[ts["metric"] == metric]
    tab = d.groupby(["industry", "year"], observed=True)["value"].sum().unstack("year")
    tab = tab.reindex([i for i in INDUSTRIES if i in tab.index])
    tab.loc["ALL"] = tab.sum()
    return tab
