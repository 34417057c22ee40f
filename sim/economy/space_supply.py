"""Private supply of industrial floor space: developers build when rents pay, with a lag, and public
land release partly crowds them out.

Assumptions (the demography phase, sim.kernel.phases.demography, applies them each quarter):
- Private additions per quarter are the base trend of the stock times (lagged rent / base rent)
  ** ``rent_elasticity``: rents above their base level call forth more building a few quarters
  later (the lag is the rent the developers saw ``lag`` quarters ago).
- Public floor space (land release, parks) lowers rents and so private building through this
  channel, and directly crowds out a share ``crowd_out`` of itself: some of it would have been
  built privately anyway.
- Nothing is built beyond the developable capacity of a district.
Units: m2 of floor space per quarter; rents in yuan/m2/month.
"""

from __future__ import annotations

import numpy as np


def private_additions(stock: np.ndarray, lagged_rent: np.ndarray, base_rent: np.ndarray, base_growth: float,
                      rent_elasticity: float, public_added: np.ndarray, crowd_out: float,
                      capacity: np.ndarray) -> np.ndarray:  # fmt: skip
    """Private floor space added this quarter by district (m2), at least 0 and within capacity."""
    response = np.power(
        np.divide(lagged_rent, base_rent, out=np.ones_like(stock), where=base_rent > 0), rent_elasticity
    )
    want = stock * base_growth * response - crowd_out * public_added
    room = np.clip(capacity - stock - public_added, 0.0, None)
    return np.clip(want, 0.0, room)
