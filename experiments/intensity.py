"""Lever intensities as factors: moved to sim.policy.intensity (the dashboard in analysis/ uses
them too, and analysis never imports experiments); this module keeps the old import path and
``python -m experiments.intensity`` (prints the table of docs/sensitivity.md)."""

from sim.policy.intensity import (
    GROUPS,
    INTENSITIES,
    Intensity,
    all_overrides,
    check_factor,
    check_group,
    group_overrides,
    markdown_table,
    uncovered_levers,
)

if __name__ == "__main__":
    print(markdown_table())

__all__ = [
    "GROUPS",
    "INTENSITIES",
    "Intensity",
    "all_overrides",
    "check_factor",
    "check_group",
    "group_overrides",
    "markdown_table",
    "uncovered_levers",
]
