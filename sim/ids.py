"""Identifiers shared by every module: industries (PLAN.md ids), districts (pinyin), quarters."""

from __future__ import annotations

import re

from sim.errors import ConfigError

INDUSTRIES: tuple[str, ...] = ("IND-IT", "IND-EQP", "IND-GREEN", "IND-BIO", "IND-DIGI", "IND-MAT", "IND-SEA")
DISTRICTS: tuple[str, ...] = (
    "futian",
    "luohu",
    "nanshan",
    "yantian",
    "baoan",
    "longgang",
    "longhua",
    "pingshan",
    "guangming",
    "dapeng",
    "shenshan",
)
N_IND = len(INDUSTRIES)
N_DIST = len(DISTRICTS)
BASE_YEAR = 2018
MONTHS_PER_QUARTER = 3.0  # rents are quoted per m2 and month; bills are per quarter

# Talent employer kinds
NONE, FIRM, INSTITUTE = 0, 1, 2
# Firm entry kinds
BASE, STARTUP, SPINOFF, INWARD = 0, 1, 2, 3

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_label(year: int, q: int) -> str:
    return f"{year}Q{q}"


def parse_quarter(key: str, text: str) -> tuple[int, int]:
    """(year, quarter) of a label like '2020Q1'; ConfigError naming ``key`` otherwise."""
    m = QUARTER_RE.match(str(text))
    if not m:
        raise ConfigError(f"config key '{key}': '{text}' is not a quarter like '2020Q1'")
    return int(m.group(1)), int(m.group(2))


def quarter_index(label: str) -> int:
    """'2019Q1' -> 2019*4 + 0: quarters counted from year 0, for window comparisons."""
    y, q = label.split("Q")
    return int(y) * 4 + int(q) - 1
