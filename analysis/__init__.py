"""Analyses over several runs: ``python -m analysis.compare`` prints the plan scorecards of two or
more configurations side by side (paired seeds)."""
