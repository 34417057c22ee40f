"""The adapter from a finished ``SEIModel`` (its world and recorder) to the stylized facts:
``inputs_from_model`` reads the arrays, ``check_run`` evaluates them (sim.outputs.validation.facts)."""

from __future__ import annotations

import itertools

import numpy as np

from sim.basedata import load
from sim.outputs.validation import stylized as st
from sim.outputs.validation.facts import FactInputs, evaluate_facts


def pooled_growth(
    year_rows: dict[int, np.ndarray],
    year_revenue: dict[int, np.ndarray],
    industry: np.ndarray,
    entry_quarter: np.ndarray,
    start_year: int,
) -> tuple[np.ndarray, int]:
    """Annual log revenue growth of firms alive at two consecutive year ends, pooled over the
    years and demeaned by industry x year. Firms that entered during the earlier year are left out
    (their revenue covers part of it). Returns (growth, number of year pairs)."""
    parts, groups, pairs = [], [], 0
    years = sorted(year_rows)
    for y0, y1 in itertools.pairwise(years):
        if y1 != y0 + 1:
            continue
        g, rows = st.matched_log_growth(year_rows[y0], year_revenue[y0], year_rows[y1], year_revenue[y1])
        full_year = entry_quarter[rows] < 4 * (y0 - start_year)  # quarter index 0 = start_year Q1; base firms -1
        parts.append(g[full_year])
        groups.append(industry[rows[full_year]].astype(np.int64) * 10_000 + y1)
        pairs += 1
    if not parts:
        return np.zeros(0), 0
    g, grp = np.concatenate(parts), np.concatenate(groups)
    return (st.demean_by_group(g, grp) if len(g) else g), pairs


def turnover_counts(rec) -> tuple[list[int], list[float], list[float], list[float]]:
    """(complete years, firm entries, firm exits, firms alive at the start of each year) from a
    recorder (sim.outputs.measure.Recorder), in firm agents; the first year starts from the base
    year's firms. The entry and exit facts and the calibration's entry moment use it."""
    years_q = np.array([y for y, _ in rec.quarters])
    complete = sorted(y for y in set(years_q.tolist()) if (years_q == y).sum() == 4)
    q_firms = np.array([float(np.sum(c)) for c in rec.cells["firms"]])
    base_n = float(len(rec.year_end[min(rec.year_end)].firm_revenue))
    entries, exits, stock = [], [], []
    for y in complete:
        idx = np.flatnonzero(years_q == y)
        entries.append(sum(float(np.sum(rec.cells["entries"][i])) for i in idx))
        exits.append(sum(float(np.sum(rec.cells["exits"][i])) for i in idx))
        stock.append(q_firms[idx[0] - 1] if idx[0] > 0 else base_n)
    return complete, entries, exits, stock


def inputs_from_model(model, firm_rows: dict[int, np.ndarray] | None = None) -> FactInputs:
    """FactInputs of a model that has run (``SEIModel``: reads ``model.world`` and ``model.recorder``).

    Growth rates need the firm rows alive at each year end: from ``firm_rows`` (year -> rows), or
    from a ``firm_rows`` field of the recorder's year-end records (sim.outputs.targets.YearEnd) where it
    exists; without either the growth fact is reported as not measurable."""
    w, rec = model.world, model.recorder
    f = w.firms
    if not rec.quarters:
        raise ValueError("the model has not run: step it at least one year before checking stylized facts")
    a = f.alive
    ind, dist = f.industry[a], f.district[a]
    in_deg, out_deg = st.degrees(w.links.supplier, w.links.customer, a)

    years_q = np.array([y for y, _ in rec.quarters])
    complete, entries, exits, stock = turnover_counts(rec)
    ye = rec.year_end
    last = max(ye)
    va_cells = (
        np.sum([rec.cells["value_added"][i] for i in np.flatnonzero(years_q == complete[-1])], axis=0)
        if complete
        else np.sum(rec.cells["value_added"], axis=0)
    )
    d = load()
    data_cells = d.location_share * d.va_2018[:, None]

    rows = dict(firm_rows) if firm_rows is not None else {y: getattr(v, "firm_rows", None) for y, v in ye.items()}
    # a field left at an empty default (hand-made records) counts as absent
    rows = {
        y: np.asarray(r)
        for y, r in rows.items()
        if r is not None and y in ye and (len(r) or not len(ye[y].firm_revenue))
    }
    growth, note = None, ""
    if len(rows) >= 2:
        bad = [y for y, r in rows.items() if len(r) != len(ye[y].firm_revenue)]
        if bad:
            raise ValueError(f"firm_rows of years {bad} do not match the recorder's year-end firm counts")
        growth, pairs = pooled_growth(
            rows, {y: ye[y].firm_revenue for y in rows}, f.industry, f.entry_quarter, model.cfg.scenario.start_year
        )
        note = f"{pairs} year pairs {min(rows)}-{max(rows)}, {len(growth)} firm-years"
    else:
        note = (
            "not measurable: the year-end records hold no firm ids (needs YearEnd.firm_rows, the alive firm "
            "rows at each year end, or check_run(model, firm_rows=...))"
        )
    return FactInputs(
        employment=f.employees[a].astype(float),
        revenue=np.asarray(ye[last].firm_revenue, dtype=float),
        industry=ind,
        district=dist,
        in_degree=in_deg[a],
        out_degree=out_deg[a],
        entries=np.array(entries),
        exits=np.array(exits),
        stock_start=np.array(stock),
        va_cells=va_cells,
        data_va_cells=data_cells,
        growth=growth,
        growth_note=note,
        employment_lattice=float(w.ppa),
        info={"years": complete, "last_year_end": last, "scale": model.cfg.scale.name, "firms_alive": int(a.sum())},
    )


def check_run(model, firm_rows: dict[int, np.ndarray] | None = None) -> list[dict]:
    """The stylized-fact rows of a finished run (see ``evaluate_facts``)."""
    return evaluate_facts(inputs_from_model(model, firm_rows))
