"""Phase 1 of a quarter: the national markets move on, and Shenzhen's share of them follows its
competitiveness (sim.economy.markets, sim.economy.prices).

Each industry sells into a national-plus-export market whose nominal size grows with China's
drivers (history) or their 2015-2019 means (steady). Shenzhen's nominal final demand is its share
of that market: ``ext_demand = S x M``. The share S moves towards a competitive share by partial
adjustment: log S* = log S0 + edge - price_elasticity x log(relative price), where the edge is
the calibrated non-price advantage (quality, ecosystem; ``calibration.share_trend``, eroded by
the rest of China catching up) and the relative price is Shenzhen's unit labour cost over the
national one, passed through in part. Buyers whose orders went unserved last quarter turn to
suppliers outside the city. Units: yuan/quarter; prices and indices are 1 in the base year.
"""

from __future__ import annotations

import numpy as np

from sim.kernel.markets import edge_gain
from sim.kernel.world import World


def environment(w: World, year: int, q: int) -> None:
    """Advance markets, national prices and Shenzhen's shares by one quarter."""
    m, mk = w.markets, w.params.market
    y = m.path.year(year)
    growth = w.data.market_exposure @ np.array([y[k] for k in ("gdp", "exports", "semis", "electronics", "high_tech")])
    infl = np.where(w.data.price_is_cpi, y["cpi"], y["ppi"])
    m.price_inflation = 0.25 * np.log1p(infl)
    m.cpi_inflation = 0.25 * float(np.log1p(y["cpi"]))
    m.market_price = m.market_price * np.exp(m.price_inflation)
    m.cpi = m.cpi * np.exp(m.cpi_inflation)
    m.national_ulc = m.national_ulc * (1.0 + y["deflator"]) ** 0.25
    m.national_wage = m.national_wage * (1.0 + y["nominal_gdp"]) ** 0.25
    m.national_productivity_growth = 0.25 * float(np.log1p(y["nominal_gdp"]) - np.log1p(y["deflator"]))
    m.edge = m.edge + edge_gain(m.share_trend, mk.edge_catch_up, year, q)
    rel_cost = np.divide(m.ulc, m.ulc_base, out=np.ones_like(m.ulc), where=m.ulc_base > 0) / m.national_ulc
    log_relp = mk.cost_pass_through * np.log(np.maximum(rel_cost, 1e-9))
    target = m.edge - mk.price_elasticity * log_relp
    d_log_share = mk.share_adjustment * (target - m.log_share) - mk.lost_share_rate * m.unserved
    m.log_share = m.log_share + d_log_share
    m.price = m.market_price * np.exp(log_relp)
    factor = (1.0 + growth) ** 0.25 * np.exp(d_log_share)
    w.ext_demand = w.ext_demand * factor
    w.ext_growth = factor
    m.profile = m.path.quarter_level(year, q)
