"""The phases of a quarter, in the order sim.model.SEIModel runs them: each reads the world, calls
the pure mechanisms of sim.economy and writes the results back, vectorised over whole columns.
(The policy phase, between demand and innovation, is sim.policy.apply.)"""

from sim.kernel.phases.demand import environment
from sim.kernel.phases.demography import demography
from sim.kernel.phases.finance import finance
from sim.kernel.phases.innovation import innovation
from sim.kernel.phases.labour import labour
from sim.kernel.phases.production import production

__all__ = ["environment", "innovation", "labour", "production", "finance", "demography"]
