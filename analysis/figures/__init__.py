"""Publication figures of the SEI model from gathered runs (analysis.results).

Every ``fig_*`` function takes a ``Results`` (or sweep folder paths), returns a matplotlib Figure
drawn in the project style (analysis.style) with a caption (``fig.caption``: source, scenario,
seeds, units) and the plotted numbers attached (``fig.plot_data``: name -> DataFrame, in model
units: yuan, persons). Save with ``analysis.style.save(fig, out_dir, name)`` (PNG 300 dpi, PDF,
SVG); ``python -m analysis.figures SWEEP_DIR [SWEEP_DIR ...] --out DIR`` draws every figure the
runs allow. Gallery: docs/figures.md.

1. ``fig_value_added``: SEI value added by industry with bands, statistics and cluster thresholds
2. ``fig_scenarios``: fan charts per scenario and paired differences against a baseline
3. ``fig_scorecard``: P(target met), scenario x target
4. ``fig_levers``: lever-group effects from the ablation experiment (forest plot)
5. ``fig_districts``: districts coloured by output or growth (tile map, or polygons from GeoJSON)
6. ``fig_network``: industry supply-chain flows and the firm degree distribution
7. ``fig_budget``: public money by lever group and value added per yuan spent
8. ``fig_shocks``: the plan's effect under each shock preset (the shocks experiment)
9. ``fig_district_effects``: the plan's paired effect by district with 95% intervals
10. ``fig_budget_moves``: the response curve of a budget move, or the budget mixes compared
"""

from analysis.figures._common import NotApplicable, load_many
from analysis.figures.budget import fig_budget
from analysis.figures.budget_moves import fig_budget_moves
from analysis.figures.district_effects import fig_district_effects
from analysis.figures.districts import fig_districts
from analysis.figures.levers import fig_levers
from analysis.figures.network import fig_network
from analysis.figures.scenarios import fig_scenarios
from analysis.figures.scorecard import fig_scorecard
from analysis.figures.shocks import fig_shocks
from analysis.figures.value_added import fig_value_added

# file name -> function, in the order of the gallery
FIGURES = {
    "01_value_added": fig_value_added,
    "02_scenarios": fig_scenarios,
    "03_scorecard": fig_scorecard,
    "04_levers": fig_levers,
    "05_districts": fig_districts,
    "06_network": fig_network,
    "07_budget": fig_budget,
    "08_shocks": fig_shocks,
    "09_district_effects": fig_district_effects,
    "10_budget_moves": fig_budget_moves,
}

__all__ = [
    "FIGURES",
    "NotApplicable",
    "load_many",
    "fig_value_added",
    "fig_scenarios",
    "fig_scorecard",
    "fig_levers",
    "fig_districts",
    "fig_network",
    "fig_budget",
    "fig_shocks",
    "fig_district_effects",
    "fig_budget_moves",
]
