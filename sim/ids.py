"""Identifiers shared by every module: industries (PLAN.md ids), districts (pinyin), time."""

from __future__ import annotations

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

# Talent employer kinds
NONE, FIRM, INSTITUTE = 0, 1, 2
# Firm entry kinds
BASE, STARTUP, SPINOFF, INWARD = 0, 1, 2, 3


def quarter_label(year: int, q: int) -> str:
    return f"{year}Q{q}"
