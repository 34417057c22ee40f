"""The table of every declared mechanism parameter (docs/ODD.md, "Parameters"; ``python -m sim.params``)."""

from __future__ import annotations

from sim.params.economy import EconomyParams
from sim.params.spec import specs


def markdown_table(prefix: str = "params") -> str:
    """Every declared parameter of EconomyParams as a markdown table (docs/ODD.md, "Parameters")."""
    lines = ["| key | default | unit | allowed | plausible | source or reason |", "|---|---|---|---|---|---|"]
    for key, s, v in specs(EconomyParams(), prefix):
        pl = f"{s.plausible[0]:g} - {s.plausible[1]:g}" if s.plausible else ""
        lines.append(f"| `{key}` | {v} | {s.unit} | {s.bounds} | {pl} | {s.source} |")
    return "\n".join(lines)
