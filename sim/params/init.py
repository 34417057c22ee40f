"""Parameters of the base-year construction (node `params.init`, sim.kernel.build): the shapes of
the distributions the base-year firms, links, institutes and talent are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params.spec import param


@dataclass
class InitParams:
    """How the base-year populations are drawn (sim.kernel.build)."""

    pareto_tail: float = param(1.05, "exponent", "(0, 10]", "Zipf-like firm sizes (Axtell 2001)", (0.9, 1.3))
    min_firms_per_industry: int = param(
        5, "firms", "[1, 1000]", "at least this many firm agents per industry at any scale"
    )
    greedy_placements: int = param(
        40, "firms", "[0, 100000]", "the largest firms of an industry placed where its district deficit is largest"
    )
    supplier_base: float = param(
        1.0,
        "suppliers",
        "[0, 1000]",
        "extra expected suppliers per input industry of a firm of median size (1 + Poisson; assumption)",
    )
    supplier_size_exponent: float = param(
        0.8,
        "elasticity",
        "[0, 2]",
        "suppliers per input scale with (size / median)^exponent, so the in-degree tail exponent is about "
        "pareto_tail / exponent ~ 1.3, the degree exponent of Fujiwara & Aoyama 2010 (assumption)",
        (0.6, 1.0),
    )
    uncertified_per_certified: list[float] = param(
        [4.0, 1.0],
        "firms per certified firm",
        "[0, 100]",
        "uncertified SEI firms per national high-tech enterprise in the 2015 and 2018 base years; 2015 fitted to the "
        "2016-2019 counts, 2018 set to what that run reaches (docs/evidence.md)",
    )
    certified_size_weight: float = param(
        0.5,
        "elasticity",
        "[0, 5]",
        "base-year certificates go to eligible firms with probability ~ output^weight: certification needs a "
        "sales record and R&D staff, so larger firms hold more of them (assumption)",
    )
    largest_firm_max_share: float = param(
        0.6,
        "share of industry output",
        "(0, 1]",
        "ceiling on a named firm's base output (largest_firms.csv) in its industry: group revenue includes sales "
        "outside the SEI statistics (Tencent's exceeds digital-economy output; assumption)",
    )
    min_final_share: float = param(
        0.05,
        "share of output",
        "[0, 1]",
        "every base-year firm sells at least this share of its output to final demand (assumption)",
    )
    base_rd_growth: float = param(
        0.025,
        "per quarter",
        "[0, 1]",
        "growth of R&D behind the base knowledge stock (perpetual-inventory steady state)",
    )
    employment_sd: float = param(
        0.3, "log", "[0, 3]", "dispersion of labour productivity across firms (log-normal; assumption)"
    )
    capital_sd: float = param(0.2, "log", "[0, 3]", "dispersion of capital/VA across firms (assumption)")
    rd_sd: float = param(0.5, "log", "[0, 3]", "dispersion of R&D intensity across firms (assumption)")
    cash_sd: float = param(0.5, "log", "[0, 3]", "dispersion of cash holdings (assumption)")
    firm_age_quarters: list[float] = param(
        [2.0, 16.0], "quarters", "(0, 1000]", "gamma shape and scale of base-year firm ages (mean 8 years; assumption)"
    )
    talent_age: list[float] = param(
        [22.0, 3.0, 4.0], "years", "[0, 100]", "base-year talent age: minimum, gamma shape, gamma scale (assumption)"
    )
    institute_sd: float = param(
        0.5, "log", "[0, 3]", "dispersion of institute staff and budgets around their type's mean (assumption)"
    )
    capability_sd: float = param(
        0.08, "capability", "[0, 1]", "dispersion of capability around the type's mean (assumption)"
    )
