"""Parameters of firm populations (issue 12, item 5): how start-ups follow the market and how
high-tech certificates are granted, renewed and lost (sim.kernel.populations,
sim.economy.certification). They live under ``params.demography`` (DemographyParams inherits them)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params.spec import param


@dataclass
class PopulationParams:
    """Entry and certification (keys ``params.demography.*``)."""

    entry_rate: float = param(
        0.15,
        "per year",
        "[0, 2]",
        "start-ups per firm the industry's market supports (its base-year firms x output / base output), so the "
        "stock tracks the market, not itself; fitted to the 2016-2019 certified counts and the cross-country "
        "entry rates (docs/evidence.md)",
        (0.10, 0.25),
    )
    entry_market_elasticity: float = param(
        0.7,
        "elasticity",
        "[0, 2]",
        "firms a market supports grow as (output / base output)^elasticity: larger markets hold larger, not only "
        "more, firms (Campbell & Hopenhayn 2005, J. Ind. Econ. 53:1; value: assumption)",
        (0.5, 1.0),
    )
    cert_validity_quarters: int = param(
        12,
        "quarters",
        "[1, 100]",
        "a high-tech enterprise certificate lasts three years (MOST/MOF/SAT 2016 recognition rules)",
    )
    cert_hazard: float = param(
        0.45,
        "per year",
        "[0, 1]",
        "certification of an eligible uncertified firm in 2018; fitted with entry_rate and cert_hazard_trend to the "
        "2016-2019 counts (docs/evidence.md)",
        (0.25, 0.7),
    )
    cert_hazard_trend: float = param(
        0.25,
        "log change per year",
        "[-1, 1]",
        "yearly change of cert_hazard over 2016-2019, cert_hazard being its 2018 value; constant before 2016 and "
        "after 2019, where no count informs it (fitted to the 2016-2019 counts; docs/evidence.md)",
        (0.0, 0.5),
    )
    cert_renewal: float = param(
        0.9,
        "probability",
        "[0, 1]",
        "an eligible firm renews at expiry (assumption: re-certification is routine, some firms drop out; docs/evidence.md)",
        (0.6, 0.95),
    )
    cert_min_age_quarters: float = param(
        4.0, "quarters", "[0, 100]", "registered at least one year before applying (2016 recognition rules)"
    )
    cert_min_rd: float = param(
        0.5,
        "x industry R&D intensity",
        "[0, 10]",
        "R&D / sales needed to apply, relative to the industry's mean (the rules ask 3-5% by size; the model's "
        "intensities are industry means, so the threshold is relative; assumption)",
        (0.3, 1.0),
    )
