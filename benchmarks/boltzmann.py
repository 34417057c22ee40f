"""A minimal Boltzmann wealth model, the yardstick for the SEI model's agent-steps per second.

It follows the semantics of Mesa 3.5's introductory tutorial without a grid: every agent starts
with one unit of wealth; each step all agents are activated in random order with
``model.agents.shuffle_do("step")`` and an agent with wealth > 0 gives one unit to a random
*other* agent. Partners are drawn from a list of the agents cached at construction (the agent
set is fixed), not with ``self.random.choice(self.model.agents)``, which would copy the AgentSet
on every call and make the yardstick artificially slow.
"""

from __future__ import annotations

import mesa


class MoneyAgent(mesa.Agent):
    """An agent with some wealth; ``index`` is its position in the model's cached agent list."""

    def __init__(self, model: BoltzmannWealth, index: int):
        super().__init__(model)
        self.index = index
        self.wealth = 1

    def step(self) -> None:
        if self.wealth > 0:
            agents = self.model.agent_list
            j = self.random.randrange(len(agents) - 1)  # any agent but self
            other = agents[j if j < self.index else j + 1]
            other.wealth += 1
            self.wealth -= 1


class BoltzmannWealth(mesa.Model):
    """``n`` MoneyAgents (n >= 2) exchanging wealth at random."""

    def __init__(self, n: int, seed: int = 0):
        if n < 2:
            raise ValueError(f"n must be >= 2 agents, got {n}")
        super().__init__(rng=seed)
        self.agent_list = [MoneyAgent(self, i) for i in range(n)]

    def step(self) -> None:
        self.agents.shuffle_do("step")

    def run(self, steps: int) -> BoltzmannWealth:
        for _ in range(steps):
            self.step()
        return self

    def total_wealth(self) -> int:
        return sum(a.wealth for a in self.agent_list)


__all__ = ["MoneyAgent", "BoltzmannWealth"]
