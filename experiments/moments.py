"""The observed moments of the in-sample period 2016-2019 that the simulated-moments calibration
matches (issue 12 groundwork): values read from sim/data, each with a standard deviation that
says how far a simulation may miss it and why. Nothing after 2019 is read.

A calibration run starts after the 2015 base (``scenario.start_year=2016``) and ends in 2019, so
these are paths, not one year: SEI value added growth 2016-2019 (real, as published), its 2018
and 2019 levels and the 2019 industry mix, the count of national high-tech enterprises 2016-2019,
resident population growth 2016-2019 (the talent stock's growth, assuming the SEI share of
residents stays put), R&D growth 2017-2018; and one moment from the literature, not from Shenzhen:
the mean firm entry rate 2016-2019, which keeps start-ups within the cross-country range while the
certified counts are fitted. Units: 100m yuan, firms, shares per year.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.basedata import YUAN_PER_100M, load, read_csv
from sim.ids import INDUSTRIES

LAST_YEAR = 2019  # no observation after this year is ever read


@dataclass(frozen=True)
class Observed:
    id: str
    value: float
    sd: float  # in the unit: how far a simulation may miss it
    unit: str
    source: str
    why_sd: str


def _indicator(name: str, year: int) -> float:
    for r in read_csv("innovation_and_people.csv"):
        if r["indicator"] == name and r["year"] == str(year):
            return float(r["value"])
    raise KeyError(f"{name} {year} not in innovation_and_people.csv")


def _sei(year: int, col: str, industry: str = "ALL") -> float:
    for r in read_csv("sei_value_added.csv"):
        if r["year"] == str(year) and r["industry"] == industry and r[col]:
            return float(r[col])
    raise KeyError(f"{col} of {industry} {year} not in sei_value_added.csv")


def observed() -> list[Observed]:
    """Every moment of 2016-2019, in a fixed order."""
    d = load()
    out = [
        Observed(
            f"va_real_growth_{y}",
            _sei(y, "growth_pct") / 100.0,
            0.015,
            "share per year",
            f"sei_value_added.csv: {y} real growth",
            "1.5 pt: first releases are revised by ~0.5-1 pt and 2016-2017 use the older 7+4 definition",
        )  # fmt: skip
        for y in (2016, 2017, 2018, 2019)
    ]
    out.append(Observed("va_2018", _sei(2018, "value_added_100m_yuan"), 0.02 * _sei(2018, "value_added_100m_yuan"),
                        "100m yuan", "sei_value_added.csv: 2018 level", "2%: a preliminary release differed by ~1%"))  # fmt: skip
    for k, i in enumerate(INDUSTRIES):
        v = d.va_2019[k] / YUAN_PER_100M
        out.append(Observed(f"va_2019_{i}", v, 0.02 * v, "100m yuan", "sei_value_added.csv: 2019 statistical bulletin",
                            "2%: revisions of first releases plus seed noise"))  # fmt: skip
    for y in (2016, 2017, 2018, 2019):
        v = _indicator("national_high_tech_enterprises", y)
        out.append(Observed(f"high_tech_enterprises_{y}", v, 0.05 * v, "firms", "innovation_and_people.csv",
                            "5%: rounded 'more than' figures from press sources"))  # fmt: skip
    for y in (2016, 2017, 2018, 2019):
        g = _indicator("population", y) / _indicator("population", y - 1) - 1.0
        out.append(Observed(f"population_growth_{y}", g, 0.01, "share per year", "innovation_and_people.csv (year-end residents)",
                            "1 pt: the talent stock stands for SEI talent, not all residents"))  # fmt: skip
    out.append(Observed("entry_rate_2016-2019", 0.125, 0.04, "share per year",
                        "literature: Bartelsman, Scarpetta & Schivardi 2005, Ind. Corp. Change 14:365 (the 5-20%/yr band "
                        "of the entry_rate stylized fact, sim/outputs/validation/facts.py); not a Shenzhen statistic",
                        "4 pt: the band's edges lie about 1.9 sd from its mid-point; entry rates vary by country and "
                        "size threshold, and no Shenzhen series of SEI start-ups is at hand"))  # fmt: skip
    v = _indicator("innovation_carriers_new", 2018)
    out.append(Observed("carriers_new_2018", v, 0.25 * v, "carriers", "innovation_and_people.csv",
                        "25%: the count's scope changes between years (2019 reports 85 on a wider base)"))  # fmt: skip
    for y in (2017, 2018):
        g = _indicator("rd_expenditure", y) / _indicator("rd_expenditure", y - 1) - 1.0
        out.append(Observed(f"rd_growth_{y}", g, 0.03, "share per year", "innovation_and_people.csv (city R&D, 'more than' figures)",
                            "3 pt: rounded figures; the 2019 jump (scope change) is left out"))  # fmt: skip
    return out
