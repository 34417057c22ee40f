"""Phase 3 of a quarter: institutes make knowledge, firms spend on R&D, absorb spillovers and
sometimes break through (sim.economy.innovation)."""

from __future__ import annotations

import numpy as np

from sim.economy import innovation as inn
from sim.kernel.cells import cell, count
from sim.kernel.world import World


def innovation(w: World, rng: np.random.Generator) -> None:
    """R&D (own plus the additional part of R&D grants), institute knowledge, spillovers within
    reach of each cell, and TFP (gradual and by breakthroughs)."""
    f, inst, p, e = w.firms, w.institutes, w.params.innovation, w.effects
    alive = f.alive
    rd = np.where(alive, f.rd_intensity * f.output + e.rd_additionality * e.rd_grant, 0.0)
    k_i, flow, cap, budget = inn.update_institutes(
        inst.knowledge,
        inst.budget,
        inst.capability,
        inst.researchers,
        inst.target_researchers,
        inst.alive,
        p,
        e.institute_budget,
        e.capability_learning_multiplier * e.institute_learning_multiplier,
    )
    inst.knowledge[:], inst.knowledge_flow[:], inst.capability[:], inst.budget[:] = k_i, flow, cap, budget
    pool = e.firm_knowledge_spill_weight * inn.knowledge_pool(
        f.industry[alive], f.district[alive], f.knowledge[alive]
    ) + p.public_knowledge_weight * inn.knowledge_pool(
        inst.field[inst.alive], inst.district[inst.alive], inst.knowledge[inst.alive]
    )
    reachable = (w.spill_kernel @ pool) * e.spillover_multiplier
    spill = np.where(alive, inn.firm_spillovers(cell(f.industry, f.district), rd, reachable, p), 0.0)
    k, tfp, hit = inn.update_firm_innovation(f.knowledge, f.tfp, rd, spill, f.output, p, rng, e.breakthrough_multiplier)
    f.knowledge[:] = np.where(alive, k, f.knowledge)
    f.tfp[:] = np.where(alive, tfp * np.exp(e.tfp_gain), f.tfp)
    f.rd_spending[:] = rd
    hit &= alive
    f.last_breakthrough[hit] = w.quarter
    w.flows["breakthroughs"] += count(f.industry[hit], f.district[hit])
