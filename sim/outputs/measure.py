"""Measurement: aggregates by industry x district x quarter, collected into one tidy table, plus
what the target scorecard needs (sim/targets.py): output and value added by sub-field, the firms'
annual revenue and the institutes' capability at each year end, and the base state.

Money in yuan at current prices per quarter (flows) or at the end of the quarter (stocks);
people in persons. District-only metrics (rent, floor space) use industry "ALL". Counts of
agents (firms, institutes, entries) are agent counts: at ``scale=small`` an agent stands for
1 / fraction firms or carriers (the scorecard scales them; sim/targets.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.basedata import BaseYear
from sim.economy import production_kernel
from sim.ids import DISTRICTS, INDUSTRIES, INWARD, N_DIST, N_IND, NONE
from sim.kernel.cells import cell_key, count, count_key
from sim.kernel.order_stats import sums_by_key
from sim.kernel.world import World

# metric -> firm column. Flows are summed over the firms that produced in the quarter (including
# those that exited at its end); stocks over the firms alive at the end of the quarter.
FIRM_FLOWS = {
    "output": "output",
    "value_added": "value_added",
    "value_added_real": "value_added_real",  # at base-year prices; value_added / value_added_real is the deflator
    "final_demand": "final_demand",
    "intermediate_inputs": "intermediate",
    "network_purchases": "interm_sei",
    "final_sales": "sales_final",
    "intermediate_sales": "sales_interm",
    "rd_spending": "rd_spending",
    "wage_bill": "wage_paid",
    "rent_paid": "rent",
    "profit": "profit",
    "investment": "investment",
    "capacity": "capacity",
}
FIRM_STOCKS = {"employment": "employees", "capital": "capital", "knowledge": "knowledge", "vacancies": "vacancies"}
DISTRICT_METRICS = ("rent", "floor_space", "floor_space_used")
# world.flows keys recorded under another name; every other key (breakthroughs, spend_<lever> ...)
# is recorded under its own name, with zeros in the quarters where it is absent
FLOW_NAMES = {"inflow": "talent_inflow", "outflow": "talent_outflow"}
SUBFIELD_METRICS = ("output", "value_added")
# Levels at the end of the quarter (a year's value is its last quarter's); every other metric is a
# flow per quarter (a year's value is the sum of its quarters). ``rent`` is a price (yuan per m2 per
# month, the quarter-end level) and has no city total.
STOCK_METRICS = frozenset(FIRM_STOCKS) | {
    "firms",
    "certified_firms",
    "institutes",
    "leading_institutes",
    "researchers",
    "institute_knowledge",
    "talent",
    "senior_talent",
    "unemployed",
    "floor_space",
    "floor_space_used",
    "rent",
}
PRICE_METRICS = frozenset({"rent"})
SENIOR = 2  # talent skill level of senior talent


@dataclass
class YearEnd:
    """The state at the end of a year (the base state for the base year)."""

    firm_revenue: np.ndarray  # yuan/year of each firm alive at the year end
    institute_capability: np.ndarray  # 0-1, each alive institute
    senior_talent: float  # people
    firm_knowledge: float  # yuan-equivalent, alive firms
    institute_knowledge: float  # yuan-equivalent, alive institutes
    # stable row id of each firm alive at the year end, in the order of firm_revenue (firm growth
    # rates between year ends: sim.outputs.validation)
    firm_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def base_annual_factor(base: BaseYear) -> float:
    """Annual flow of the base year per yuan of the base quarter: 4 / g^0.375, the inverse of how
    BaseYear.va_base_quarter grows the year's average quarter to its Q4 (g: growth to the next year)."""
    return 4.0 / base.growth_next**0.375


def certified_cells(w: World) -> np.ndarray:
    """[N_IND, N_DIST] firms holding a valid high-tech certificate at the quarter end (the national
    high-tech enterprise count; sim.kernel.populations)."""
    f = w.firms
    cert = f.alive & (f.certified_until >= w.quarter)
    return count(f.industry[cert], f.district[cert])


class Recorder:
    """Collects one [N_IND, N_DIST] array per metric per quarter; ``frame()`` makes the tidy table.

    Built with the world (``Recorder(world)``) it also keeps the base state (``base``), so the
    scorecard can compare with the base year (2018)."""

    def __init__(self, world: World | None = None, leading_capability: float = 0.95) -> None:
        self.leading_capability = (
            leading_capability  # targets.institutes.leading_capability (metric leading_institutes)
        )
        self.quarters: list[tuple[int, int]] = []
        self.cells: dict[str, list[np.ndarray]] = {}
        self.district: dict[str, list[np.ndarray]] = {}
        self.sub: dict[str, list[np.ndarray]] = {m: [] for m in SUBFIELD_METRICS}
        self.subfield_ids: tuple[str, ...] = ()
        self.subfield_industry: np.ndarray = np.zeros(0, np.int64)
        self.year_end: dict = {}  # year -> YearEnd
        self.base: dict | None = None
        self._revenue = np.zeros(0)  # each firm row's output so far this year, yuan
        self._n_firms = 0  # firm rows at the last record (rows above are this quarter's entrants)
        if world is not None:
            self.record_base(world)

    def _put(self, store: dict, name: str, arr: np.ndarray) -> None:
        lst = store.setdefault(name, [])
        t = len(self.quarters) - 1
        if len(lst) < t:  # a flow that appears only now: zeros before
            lst.extend(np.zeros_like(np.asarray(arr, dtype=float)) for _ in range(t - len(lst)))
        lst.append(np.asarray(arr, dtype=float))

    # -- the base state (end of the base year) ----------------------------------------------------
    def record_base(self, w) -> None:
        f, d = w.firms, w.data
        self.subfield_ids = tuple(d.subfield_ids)
        self.subfield_industry = np.asarray(d.subfield_industry, dtype=np.int64)
        k = base_annual_factor(w.base)
        a = f.alive
        key = f.industry[a].astype(np.int64) * N_DIST + f.district[a]
        cells = lambda col: np.bincount(key, weights=f.col(col)[a], minlength=N_IND * N_DIST).reshape(N_IND, N_DIST) * k  # noqa: E731
        n_sub = len(self.subfield_ids)
        year = w.scenario.start_year - 1
        self.base = {
            "year": year,
            "industry": {"output": cells("output").sum(axis=1), "value_added": cells("value_added").sum(axis=1)},
            "subfield": {
                m: np.bincount(f.subfield[a], weights=f.col(m)[a], minlength=n_sub) * k for m in SUBFIELD_METRICS
            },
            "zone": {
                "output": cells("output"),
                "intermediate_inputs": cells("intermediate"),
                "network_purchases": cells("interm_sei"),
            },
            "va_annual": float(f.value_added[a].sum() * k),  # = the 2018 statistic (the base imposes it)
        }
        self.year_end[year] = self._year_end(w, f.output[a] * k)
        self._n_firms = f.n

    def _year_end(self, w, revenue: np.ndarray):
        f, inst, t = w.firms, w.institutes, w.talent
        ia = inst.alive
        return YearEnd(
            firm_revenue=np.asarray(revenue, dtype=float).copy(),
            institute_capability=inst.capability[ia].copy(),
            senior_talent=float(np.count_nonzero(t.alive & (t.skill == SENIOR)) * w.ppa),
            firm_knowledge=float(f.knowledge[f.alive].sum()),
            institute_knowledge=float(inst.knowledge[ia].sum()),
            firm_rows=np.flatnonzero(f.alive),
        )

    def _firm_sums(self, f, metrics: dict[str, str], rows: np.ndarray, key: np.ndarray, compiled: bool) -> None:
        """Record each metric's firm column summed by cell over ``rows`` (``key``: their cells), all
        in one pass (sums_by_key)."""
        sums = sums_by_key(key, rows, [f.col(c) for c in metrics.values()], N_IND * N_DIST, compiled=compiled)
        for metric, v in zip(metrics, sums, strict=True):
            self._put(self.cells, metric, v.reshape(N_IND, N_DIST))

    # -- every quarter --------------------------------------------------------------------------
    def record(self, w, year: int, q: int) -> None:
        f, inst, t = w.firms, w.institutes, w.talent
        self.quarters.append((year, q))
        a = np.flatnonzero(f.alive)  # positions: faster gathers than the boolean mask
        key = f.industry[a].astype(np.int64) * N_DIST + f.district[a]
        prod = w.last_production.rows if w.last_production is not None else a
        pkey = f.industry[prod].astype(np.int64) * N_DIST + f.district[prod]

        def agg(values: np.ndarray | None, k=key) -> np.ndarray:
            return np.bincount(k, weights=values, minlength=N_IND * N_DIST).reshape(N_IND, N_DIST)

        compiled = production_kernel.enabled(w.links.n)  # one compiled pass for all the columns (same sums)
        self._firm_sums(f, FIRM_FLOWS, prod, pkey, compiled)
        self._firm_sums(f, FIRM_STOCKS, a, key, compiled)
        self._put(self.cells, "firms", agg(None))
        # certified_cells(w), from the alive rows' keys
        self._put(self.cells, "certified_firms", agg(None, key[f.certified_until[a] >= w.quarter]))
        for k, v in w.flows.items():
            v = np.asarray(v, dtype=float)
            name = FLOW_NAMES.get(k, k)
            if v.size == N_IND * N_DIST:
                self._put(self.cells, name, v.reshape(N_IND, N_DIST))
            elif v.shape == (N_DIST,):
                self._put(self.district, name, v)
            else:
                raise ValueError(
                    f"world.flows['{k}'] has shape {v.shape}; the recorder takes "
                    f"[{N_IND}, {N_DIST}] (industry x district) or [{N_DIST}] (district) arrays"
                )
        new = np.arange(self._n_firms, f.n)
        inward = new[f.entry_kind[new] == INWARD]
        self._put(
            self.cells, "inward_entries", agg(None, f.industry[inward].astype(np.int64) * N_DIST + f.district[inward])
        )
        self._n_firms = f.n
        ia = inst.alive
        ikey = inst.field[ia].astype(np.int64) * N_DIST + inst.district[ia]
        self._put(self.cells, "institutes", agg(None, ikey))
        lead = ia & (inst.capability >= self.leading_capability)
        self._put(
            self.cells,
            "leading_institutes",
            agg(None, inst.field[lead].astype(np.int64) * N_DIST + inst.district[lead]),
        )
        self._put(self.cells, "researchers", agg(inst.researchers[ia], ikey))
        self._put(self.cells, "institute_knowledge", agg(inst.knowledge[ia], ikey))
        self._put(self.cells, "institute_budget", agg(inst.budget[ia], ikey))
        ta = t.alive
        tkey = cell_key(t.field, t.district)  # one key for the three counts
        # count x people per agent: the sum of that many equal integral weights, exactly
        self._put(self.cells, "talent", count_key(tkey, ta) * float(w.ppa))
        self._put(self.cells, "senior_talent", count_key(tkey, ta & (t.skill == SENIOR)) * w.ppa)
        self._put(self.cells, "unemployed", count_key(tkey, ta & (t.employer_kind == NONE)) * float(w.ppa))
        self._put(self.district, "rent", w.rent)
        self._put(self.district, "floor_space", w.floor_space)
        self._put(
            self.district, "floor_space_used", np.bincount(f.district[a], weights=f.floor_space[a], minlength=N_DIST)
        )
        # sub-fields and the firms' revenue of the year
        n_sub = len(w.data.subfield_ids)
        if not self.subfield_ids:
            self.subfield_ids = tuple(w.data.subfield_ids)
            self.subfield_industry = np.asarray(w.data.subfield_industry, dtype=np.int64)
        sub = sums_by_key(f.subfield[prod], prod, [f.col(m) for m in SUBFIELD_METRICS], n_sub, compiled=compiled)
        for m, sums in zip(SUBFIELD_METRICS, sub, strict=True):
            self.sub[m].append(sums)
        if len(self._revenue) < f.n:
            self._revenue = np.concatenate([self._revenue, np.zeros(f.n - len(self._revenue))])
        self._revenue[prod] += f.output[prod]
        if q == 4:
            self.year_end[year] = self._year_end(w, self._revenue[: f.n][a])
            self._revenue[:] = 0.0
        for store in (self.cells, self.district):  # flows absent this quarter: zeros
            for lst in store.values():
                if len(lst) < len(self.quarters):
                    lst.append(np.zeros_like(lst[-1]))

    # -- tables ---------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Tidy table: quarter, year, industry, district, metric, value. The key columns are made
        as categorical codes (categories sorted, as ``astype("category")`` gives them), not as
        strings to factorise: ~150k rows a small run, every run writes it."""
        T = len(self.quarters)
        quarters = np.array([f"{y}Q{q}" for y, q in self.quarters])
        years = np.array([y for y, _ in self.quarters], dtype=np.int16)
        industries = np.array(["ALL", *INDUSTRIES])
        names = np.array([*self.cells, *self.district])
        n_c, n_d = N_IND * N_DIST, N_DIST  # rows a quarter of a cell metric, of a district metric
        k_c, k_d = len(self.cells), len(self.district)
        t_c, t_d = np.repeat(np.arange(T), n_c), np.repeat(np.arange(T), n_d)
        q = np.concatenate([np.tile(t_c, k_c), np.tile(t_d, k_d)])
        ind = np.concatenate(
            [np.tile(np.repeat(np.arange(1, N_IND + 1), N_DIST), T * k_c), np.zeros(T * n_d * k_d, np.intp)]
        )
        dist = np.concatenate([np.tile(np.arange(N_DIST), T * N_IND * k_c), np.tile(np.arange(N_DIST), T * k_d)])
        met = np.repeat(np.arange(k_c + k_d), [T * n_c] * k_c + [T * n_d] * k_d)
        values = [np.stack(a).reshape(-1) for a in (*self.cells.values(), *self.district.values())]
        return pd.DataFrame(
            {
                "quarter": _categorical(quarters, q),
                "year": years[q],
                "industry": _categorical(industries, ind),
                "district": _categorical(np.array(DISTRICTS), dist),
                "metric": _categorical(names, met),
                "value": np.concatenate(values) if values else np.zeros(0),
            }
        )

    def annual_frame(self) -> pd.DataFrame:
        """Tidy annual table: year, industry, district, metric, value. Flows are summed over the
        year's quarters, stocks taken at its last quarter (STOCK_METRICS). Rows by industry have
        district "ALL", rows by district have industry "ALL", and (ALL, ALL) is the city total
        (none for prices such as rent). Small (~9k rows a run): what sweeps gather."""
        years = np.array([y for y, _ in self.quarters])
        uy, first = np.unique(years, return_index=True)
        last = np.r_[first[1:], len(years)] - 1
        parts = _Parts()

        def add(industry, district, metric, v):  # v: [n_years, n_rows]
            n = v.shape[1]
            parts.add(np.repeat(uy, n), np.tile(industry, len(uy)), np.tile(district, len(uy)), metric, v.reshape(-1))

        def by_year(name, arrs):
            v = np.stack(arrs)
            return v[last] if name in STOCK_METRICS else np.add.reduceat(v, first, axis=0)

        for name, arrs in self.cells.items():
            v = by_year(name, arrs)  # [Y, N_IND, N_DIST]
            add(np.array(INDUSTRIES), np.full(N_IND, "ALL"), name, v.sum(axis=2))
            add(np.full(N_DIST, "ALL"), np.array(DISTRICTS), name, v.sum(axis=1))
            add(np.array(["ALL"]), np.array(["ALL"]), name, v.sum(axis=(1, 2))[:, None])
        for name, arrs in self.district.items():
            v = by_year(name, arrs)  # [Y, N_DIST]
            add(np.full(N_DIST, "ALL"), np.array(DISTRICTS), name, v)
            if name not in PRICE_METRICS:
                add(np.array(["ALL"]), np.array(["ALL"]), name, v.sum(axis=1)[:, None])
        if not parts.columns:
            return pd.DataFrame(
                {
                    "year": pd.Series(dtype="int16"),
                    "industry": pd.Categorical([]),
                    "district": pd.Categorical([]),
                    "metric": pd.Categorical([]),
                    "value": pd.Series(dtype=float),
                }
            )
        return parts.frame(("year", "industry", "district", "metric", "value"))

    def subfield_frame(self) -> pd.DataFrame:
        """Tidy table: quarter, year, industry, subfield, metric, value (output and value added of
        the firms of each sub-field, yuan per quarter)."""
        T, n = len(self.quarters), len(self.subfield_ids)
        qlab = np.array([f"{y}Q{q}" for y, q in self.quarters])
        years = np.array([y for y, _ in self.quarters])
        keys = (
            np.repeat(qlab, n),
            np.repeat(years, n),
            np.tile(np.array(INDUSTRIES)[self.subfield_industry], T),
            np.tile(np.array(self.subfield_ids), T),
        )
        parts = _Parts()
        for m in SUBFIELD_METRICS:
            parts.add(*keys, m, np.stack(self.sub[m]).reshape(-1) if T else np.zeros(0))
        return parts.frame(("quarter", "year", "industry", "subfield", "metric", "value"))


class _Parts:
    """Column pieces of a tidy table, joined into one frame at the end: one DataFrame instead of
    one per metric (the tables are the same as concatenating per-metric frames). The metric of a
    piece is a name, repeated over the piece's values (the last column)."""

    def __init__(self) -> None:
        self.columns: list[list[np.ndarray]] = []

    def add(self, *cols) -> None:
        *keys, metric, value = cols
        if not self.columns:
            self.columns = [[] for _ in range(len(cols))]
        for store, c in zip(self.columns, (*keys, np.full(len(value), metric), value)):
            store.append(np.asarray(c))

    def frame(self, names: tuple[str, ...]) -> pd.DataFrame:
        """The tidy frame: string columns categorical (categories sorted, as ``astype("category")``
        gives them, but coded straight from the numpy strings: no column of strings on the way),
        year int16."""
        cols: dict[str, Any] = {}
        for name, pieces in zip(names, self.columns):
            v = np.concatenate(pieces)
            if name == "year":
                cols[name] = v.astype("int16")
            elif name == "value":
                cols[name] = v
            else:
                codes, labels = pd.factorize(v, sort=True)
                cols[name] = pd.Categorical.from_codes(codes, categories=pd.Index(labels))
        return pd.DataFrame(cols)


def _categorical(labels: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``labels[codes]`` as a categorical whose categories are the labels used, sorted (what
    ``astype("category")`` of the strings gives), without making the strings."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    order = used[np.argsort(labels[used], kind="stable")]
    new_code = np.full(len(labels), -1, np.int64)
    new_code[order] = np.arange(len(order))
    return pd.Categorical.from_codes(new_code[codes], categories=pd.Index(labels[order]))


def annual_by_industry(ts: pd.DataFrame, metric: str = "value_added") -> pd.DataFrame:
    """Annual sums of a flow metric: rows industries (+ ALL), columns years."""
    d = ts[ts["metric"] == metric]
    tab = d.groupby(["industry", "year"], observed=True)["value"].sum().unstack("year")
    tab = tab.reindex([i for i in INDUSTRIES if i in tab.index])
    tab.loc["ALL"] = tab.sum()
    return tab
