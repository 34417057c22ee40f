"""Stylized facts checked on a run: each fact is a statistic of sim/validation/stylized.py, an
expected range from the literature and a status PASS / WARN / FAIL.

``evaluate_facts(FactInputs)`` works on plain arrays (tests, other models); ``inputs_from_model``
is the thin adapter that reads a finished ``SEIModel`` (its world and recorder), and
``check_run(model)`` does both. Scoring (stylized.band_score): every fact has a PASS interval
inside a WARN interval; score 0 inside PASS, else the distance to the PASS interval in units of
the PASS-to-WARN gap on that side (WARN: score <= 1, FAIL: > 1); a fact the run cannot measure
is WARN with value and score None and the reason in ``detail``. The growth-rate
fact scores Vuong's z directly on the same scale (PASS z >= 1.96 ...). docs/validation.md lists
the facts, their sources and the table of the default run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.validation import stylized as st

INF = float("inf")
Z95 = 1.959964  # two-sided 5% critical value of the standard normal


@dataclass(frozen=True)
class Fact:
    """A declared fact: what is measured, the ranges that PASS and WARN, and the source."""

    key: str
    fact: str
    statistic: str
    unit: str
    pass_range: tuple[float, float]
    warn_range: tuple[float, float]
    expected: str
    source: str


FACTS: tuple[Fact, ...] = (
    Fact(
        "size_tail_employment",
        "firm sizes are heavy-tailed (Zipf)",
        "Pareto tail exponent alpha of firm employment, P(L > x) ~ x^-alpha (MLE, xmin by KS)",
        "-",
        (0.8, 1.3),
        (0.6, 1.6),
        "alpha ~ 1: PASS 0.8-1.3, WARN 0.6-1.6",
        "Axtell 2001, Science 293:1818 (US firms, employees: alpha = 1.059 +- 0.054); "
        "Clauset, Shalizi & Newman 2009 (estimator); band width: assumption",
    ),
    Fact(
        "size_tail_revenue",
        "firm sizes are heavy-tailed (Zipf)",
        "Pareto tail exponent alpha of firm annual revenue (gross output), last complete year",
        "-",
        (0.8, 1.3),
        (0.6, 1.6),
        "alpha ~ 1: PASS 0.8-1.3, WARN 0.6-1.6",
        "Axtell 2001 (receipts give an exponent near 1 as well); Gabaix 2009, Annu. Rev. Econ. 1:255; band: assumption",
    ),
    Fact(
        "growth_tent",
        "firm growth rates are tent-shaped (Laplace, not normal)",
        "Vuong z of Laplace vs normal fits to annual log revenue growth of surviving firms, "
        "demeaned by industry x year",
        "z",
        (Z95, INF),
        (-Z95, INF),
        "z >= 1.96 (Laplace significantly better): PASS; |z| < 1.96: WARN; z <= -1.96 (normal better): FAIL",
        "Stanley et al. 1996, Nature 379:804; Bottazzi & Secchi 2006, RAND J. Econ. 37:235; Vuong 1989, Econometrica 57:307",
    ),
    Fact(
        "entry_rate",
        "firm entry rates are in the usual range",
        "firm entries per year / firms alive at the start of the year, mean over complete years",
        "1/yr",
        (0.05, 0.20),
        (0.02, 0.30),
        "5-20%/yr: PASS; 2-30%/yr: WARN",
        "Bartelsman, Scarpetta & Schivardi 2005, Ind. Corp. Change 14:365 (10 OECD countries: about 20% of firms "
        "enter or exit most markets each year); WARN band: assumption",
    ),
    Fact(
        "exit_rate",
        "firm exit rates are in the usual range",
        "firm exits per year / firms alive at the start of the year, mean over complete years",
        "1/yr",
        (0.05, 0.20),
        (0.02, 0.30),
        "5-20%/yr: PASS; 2-30%/yr: WARN",
        "Bartelsman, Scarpetta & Schivardi 2005 (as entry); WARN band: assumption",
    ),
    Fact(
        "eg_concentration",
        "industries are spatially concentrated (localised beyond the dartboard)",
        "median over the 7 industries of the Ellison-Glaeser gamma, firm employment over the 11 districts "
        "(x_d: district share of SEI employment)",
        "-",
        (0.0, 0.3),
        (-0.02, 0.5),
        "gamma > 0 in most industries: PASS 0-0.3, WARN -0.02-0.5",
        "Ellison & Glaeser 1997, JPE 105:889 (almost all US manufacturing industries have gamma > 0, many only "
        "slightly; > 0.05 'highly localised'); upper bounds: assumption",
    ),
    Fact(
        "lq_persistence",
        "district specialisation (location quotients) resembles the data",
        "Spearman correlation over industry x district cells of the simulated LQ of value added (last complete "
        "year) with the LQ of the 2018 data (sim/data/district_industry_shares.csv)",
        "-",
        (0.7, 1.0),
        (0.4, 1.0),
        "rho >= 0.7: PASS; 0.4-0.7: WARN",
        "LQ: Isard 1960; data: district_industry_shares.csv (built from district GDP, confidence L); band: assumption",
    ),
    Fact(
        "degree_tail_out",
        "supplier network degrees are heavy-tailed (customers per supplier)",
        "Pareto tail exponent of firm out-degree (customer links), links among alive firms",
        "-",
        (1.0, 1.7),
        (0.6, 2.5),
        "alpha ~ 1.3: PASS 1.0-1.7, WARN 0.6-2.5",
        "Fujiwara & Aoyama 2010, Eur. Phys. J. B 77:565 (Japan, ~1 million firms: cumulative degree exponents "
        "~1.3); band: assumption",
    ),
    Fact(
        "degree_tail_in",
        "supplier network degrees are heavy-tailed (suppliers per customer)",
        "Pareto tail exponent of firm in-degree (supplier links), links among alive firms",
        "-",
        (1.0, 1.7),
        (0.6, 2.5),
        "alpha ~ 1.3: PASS 1.0-1.7, WARN 0.6-2.5",
        "Fujiwara & Aoyama 2010 (as out-degree). The model caps suppliers at 1-6 per input industry "
        "(sim/world.py MAX_SUPPLIERS), so a thin in-degree tail is a known simplification",
    ),
)
FACT_BY_KEY = {f.key: f for f in FACTS}


@dataclass
class FactInputs:
    """Arrays the facts read (one run). Firm arrays are aligned (alive firms at the end)."""

    employment: np.ndarray  # people per alive firm
    revenue: np.ndarray  # yuan/year per firm alive at the last year end
    industry: np.ndarray  # industry index of each alive firm (for employment)
    district: np.ndarray  # district index of each alive firm
    in_degree: np.ndarray  # supplier links of each alive firm
    out_degree: np.ndarray  # customer links of each alive firm
    entries: np.ndarray  # firm entries per complete year
    exits: np.ndarray  # firm exits per complete year
    stock_start: np.ndarray  # firms alive at the start of each complete year
    va_cells: np.ndarray  # [N_IND, N_DIST] value added of the last complete year, yuan
    data_va_cells: np.ndarray  # [N_IND, N_DIST] 2018 value added by the data's district shares, yuan
    growth: np.ndarray | None = None  # normalised annual log growth of surviving firms (pooled)
    growth_note: str = ""  # why growth is None, or what it covers
    employment_lattice: float = 0.0  # people per talent agent (employment is a multiple of it)
    info: dict = field(default_factory=dict)  # years, scale ... (reported, not used)


def _row(f: Fact, value: float, detail: dict, score_status: tuple[float, str] | None = None) -> dict:
    score, status = score_status if score_status is not None else st.band_score(value, f.pass_range, f.warn_range)
    return {
        "fact": f.fact,
        "key": f.key,
        "statistic": f.statistic,
        "value": _num(value),
        "unit": f.unit,
        "expected": f.expected,
        "score": _num(score),
        "status": status,
        "source": f.source,
        "detail": detail,
    }


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _not_measured(f: Fact, reason: str) -> dict:
    """A fact the run's records cannot measure: WARN (look at it), value and score None, the reason."""
    return _row(f, float("nan"), {"reason": reason}, (float("nan"), st.WARN))


def _tail_row(f: Fact, x: np.ndarray, lattice: float = 0.0) -> dict:
    pos = st.positive(x, f.key)
    try:
        t = st.pareto_tail(pos, lattice=lattice)
    except ValueError as exc:
        return _not_measured(f, str(exc))
    return _row(f, t["alpha"], {k: _num(v) if isinstance(v, float) else v for k, v in t.items()})


def vuong_score(z: float) -> tuple[float, str]:
    """Score and status of Vuong's z for 'Laplace better': 0 (PASS) at z >= 1.96; (1.96 - z) / 3.92
    otherwise, i.e. 1 at z = -1.96 (WARN up to 1, FAIL beyond: normal significantly better)."""
    if not np.isfinite(z):
        return float("nan"), st.FAIL
    if z >= Z95:
        return 0.0, st.PASS
    s = (Z95 - z) / (2 * Z95)
    return float(s), (st.WARN if s <= 1 else st.FAIL)


def evaluate_facts(x: FactInputs) -> list[dict]:
    """One row per declared fact (FACTS order): fact, key, statistic, value, unit, expected,
    score, status, source, detail."""
    F = FACT_BY_KEY
    rows = [
        _tail_row(F["size_tail_employment"], x.employment, x.employment_lattice),
        _tail_row(F["size_tail_revenue"], x.revenue),
    ]

    f = F["growth_tent"]
    if x.growth is None or len(x.growth) < 10:
        rows.append(_not_measured(f, x.growth_note or "fewer than 10 growth rates"))
    else:
        r = st.laplace_vs_normal(x.growth)
        rows.append(_row(f, r["vuong_z"], {**r, "covers": x.growth_note}, vuong_score(r["vuong_z"])))

    if len(x.stock_start) == 0:
        rows += [
            _not_measured(F["entry_rate"], "no complete simulated year"),
            _not_measured(F["exit_rate"], "no complete simulated year"),
        ]
    else:
        t = st.turnover_rates(x.entries, x.exits, x.stock_start)
        years = x.info.get("years", [])
        rows.append(
            _row(
                F["entry_rate"],
                t["entry_rate_mean"],
                {"by_year": dict(zip(map(str, years), np.round(t["entry_rate"], 4).tolist()))},
            )
        )
        rows.append(
            _row(
                F["exit_rate"],
                t["exit_rate_mean"],
                {"by_year": dict(zip(map(str, years), np.round(t["exit_rate"], 4).tolist()))},
            )
        )

    eg = st.ellison_glaeser(x.employment, x.industry, x.district, N_IND, N_DIST)
    gam = eg["gamma"]
    rows.append(
        _row(
            F["eg_concentration"],
            float(np.nanmedian(gam)) if np.isfinite(gam).any() else np.nan,
            {
                "gamma": dict(zip(INDUSTRIES, np.round(gam, 4).tolist())),
                "H": dict(zip(INDUSTRIES, np.round(eg["H"], 5).tolist())),
                "share_positive": float(np.mean(gam[np.isfinite(gam)] > 0)) if np.isfinite(gam).any() else None,
            },
        )
    )

    from scipy.stats import spearmanr

    lq_sim = st.location_quotients(x.va_cells)
    lq_dat = st.location_quotients(x.data_va_cells)
    ok = np.isfinite(lq_sim) & np.isfinite(lq_dat)
    rho = float(spearmanr(lq_sim[ok], lq_dat[ok]).statistic) if ok.sum() >= 3 else np.nan
    top = np.nanargmax(np.where(np.isfinite(lq_sim), lq_sim, -np.inf), axis=1)
    rows.append(
        _row(
            F["lq_persistence"],
            rho,
            {
                "cells": int(ok.sum()),
                "top_district": {
                    i: {
                        "district": DISTRICTS[d],
                        "lq": round(float(lq_sim[k, d]), 3),
                        "lq_data": round(float(lq_dat[k, d]), 3),
                    }
                    for k, (i, d) in enumerate(zip(INDUSTRIES, top))
                },
            },
        )
    )

    rows.append(_tail_row(F["degree_tail_out"], x.out_degree, lattice=1.0))
    in_row = _tail_row(F["degree_tail_in"], x.in_degree, lattice=1.0)
    in_row["detail"]["max_degree"] = int(np.max(x.in_degree)) if len(x.in_degree) else 0
    rows.append(in_row)
    return rows


# ---------------------------------------------------------------------------------------------
# The adapter: a finished SEIModel -> FactInputs
# ---------------------------------------------------------------------------------------------
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


def inputs_from_model(model, firm_rows: dict[int, np.ndarray] | None = None) -> FactInputs:
    """FactInputs of a model that has run (``SEIModel``: reads ``model.world`` and ``model.recorder``).

    Growth rates need the firm rows alive at each year end: from ``firm_rows`` (year -> rows), or
    from a ``firm_rows`` field of the recorder's year-end records (sim.targets.YearEnd) where it
    exists; without either the growth fact is reported as not measurable."""
    from sim.basedata import load

    w, rec = model.world, model.recorder
    f = w.firms
    if not rec.quarters:
        raise ValueError("the model has not run: step it at least one year before checking stylized facts")
    a = f.alive
    ind, dist = f.industry[a], f.district[a]
    in_deg, out_deg = st.degrees(w.links.supplier, w.links.customer, a)

    years_q = np.array([y for y, _ in rec.quarters])
    complete = sorted(y for y in set(years_q.tolist()) if (years_q == y).sum() == 4)
    ye = rec.year_end
    last = max(ye)
    q_firms = np.array([float(np.sum(c)) for c in rec.cells["firms"]])
    base_n = float(len(ye[min(ye)].firm_revenue))
    entries, exits, stock = [], [], []
    for y in complete:
        idx = np.flatnonzero(years_q == y)
        entries.append(sum(float(np.sum(rec.cells["entries"][i])) for i in idx))
        exits.append(sum(float(np.sum(rec.cells["exits"][i])) for i in idx))
        stock.append(q_firms[idx[0] - 1] if idx[0] > 0 else base_n)
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


def format_facts(rows: list[dict], title: str = "Stylized facts") -> str:
    """A printable table: key, status, score, value, expected."""

    def fmt(v):
        if v is None:
            return "n/a"
        return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.3e}"

    w = max((len(r["key"]) for r in rows), default=10)
    lines = [title, f"{'fact':<{w}}  status  score   value  unit  expected"]
    for r in rows:
        lines.append(
            f"{r['key']:<{w}}  {r['status']:<6}  {fmt(r['score']):>5}  {fmt(r['value']):>6}  "
            f"{r['unit']:<4}  {r['expected']}"
        )
    n = {s: sum(r["status"] == s for r in rows) for s in st.STATUSES}
    lines.append(
        f"{n['PASS']} PASS, {n['WARN']} WARN, {n['FAIL']} FAIL. score: 0 inside the PASS range, 1 at the "
        "WARN edge (docs/validation.md)"
    )
    return "\n".join(lines)


__all__ = [
    "FACTS",
    "Fact",
    "FactInputs",
    "check_run",
    "evaluate_facts",
    "format_facts",
    "inputs_from_model",
    "pooled_growth",
    "vuong_score",
]
