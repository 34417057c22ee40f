"""Stylized facts checked on a run: each fact is a statistic of sim/validation/stylized.py, an
expected range from the literature and a status PASS / WARN / FAIL.

``evaluate_facts(FactInputs)`` works on plain arrays (tests, other models); the adapter that
reads a finished ``SEIModel`` is sim.outputs.validation.run_facts (``check_run(model)``). Scoring (stylized.band_score): every fact has a PASS interval
inside a WARN interval; score 0 inside PASS, else the distance to the PASS interval in units of
the PASS-to-WARN gap on that side (WARN: score <= 1, FAIL: > 1); a fact the run cannot measure
is WARN with value and score None and the reason in ``detail``. The growth-rate
fact scores Vuong's z directly on the same scale (PASS z >= 1.96 ...). docs/validation.md lists
the facts, their sources and the table of the default run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.ids import DISTRICTS, INDUSTRIES, N_DIST, N_IND
from sim.outputs.validation import stylized as st

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
        "Fujiwara & Aoyama 2010 (as out-degree). Suppliers per input scale as size^0.8 "
        "(params.init.supplier_size_exponent), so the in-degree tail follows the size tail",
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


def _turnover_rows(x: FactInputs) -> list[dict]:
    F = FACT_BY_KEY
    if len(x.stock_start) == 0:
        return [_not_measured(F[k], "no complete simulated year") for k in ("entry_rate", "exit_rate")]
    t = st.turnover_rates(x.entries, x.exits, x.stock_start)
    years = list(map(str, x.info.get("years", [])))
    return [
        _row(F[f"{k}_rate"], t[f"{k}_rate_mean"], {"by_year": dict(zip(years, np.round(t[f"{k}_rate"], 4).tolist()))})
        for k in ("entry", "exit")
    ]


def _concentration_row(x: FactInputs) -> dict:
    eg = st.ellison_glaeser(x.employment, x.industry, x.district, N_IND, N_DIST)
    gam = eg["gamma"]
    finite = np.isfinite(gam).any()
    detail = {
        "gamma": dict(zip(INDUSTRIES, np.round(gam, 4).tolist())),
        "H": dict(zip(INDUSTRIES, np.round(eg["H"], 5).tolist())),
        "share_positive": float(np.mean(gam[np.isfinite(gam)] > 0)) if finite else None,
    }
    return _row(FACT_BY_KEY["eg_concentration"], float(np.nanmedian(gam)) if finite else np.nan, detail)


def _location_row(x: FactInputs) -> dict:
    from scipy.stats import spearmanr  # deferred: scipy.stats takes ~0.3 s to import

    lq_sim = st.location_quotients(x.va_cells)
    lq_dat = st.location_quotients(x.data_va_cells)
    ok = np.isfinite(lq_sim) & np.isfinite(lq_dat)
    rho = float(spearmanr(lq_sim[ok], lq_dat[ok]).statistic) if ok.sum() >= 3 else np.nan
    top = np.nanargmax(np.where(np.isfinite(lq_sim), lq_sim, -np.inf), axis=1)
    top_district = {
        i: {"district": DISTRICTS[d], "lq": round(float(lq_sim[k, d]), 3), "lq_data": round(float(lq_dat[k, d]), 3)}
        for k, (i, d) in enumerate(zip(INDUSTRIES, top))
    }
    return _row(FACT_BY_KEY["lq_persistence"], rho, {"cells": int(ok.sum()), "top_district": top_district})


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
    rows += _turnover_rows(x)
    rows += [_concentration_row(x), _location_row(x)]
    rows.append(_tail_row(F["degree_tail_out"], x.out_degree, lattice=1.0))
    in_row = _tail_row(F["degree_tail_in"], x.in_degree, lattice=1.0)
    in_row["detail"]["max_degree"] = int(np.max(x.in_degree)) if len(x.in_degree) else 0
    rows.append(in_row)
    return rows


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
    "evaluate_facts",
    "format_facts",
    "vuong_score",
]
