"""Phase 3 of a quarter: institutes make knowledge, firms spend on R&D, absorb spillovers and
sometimes break through (sim.economy.innovation)."""

from __future__ import annotations

import numpy as np

from sim.economy import innovation as inn
from sim.kernel.cells import cell, count
from sim.kernel.world import World


def innovation(w: World, rng: np.random.Generator) -> None:
    """R&D (own plus the additional part of R&D grants), institute knowledge, spillovers within
    reach of each cell, and TFP (gradual and by breakthroughs). Firm values are computed for the
    alive rows only (elementwise, so they are those of a pass over every row); dead firms keep theirs."""
    f, inst, p, e = w.firms, w.institutes, w.params.innovation, w.effects
    rows = np.flatnonzero(f.alive)
    rd_rows = f.rd_intensity[rows] * f.output[rows] + e.rd_additionality[rows] * e.rd_grant[rows]
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
    ind, dist, knowledge = f.industry[rows], f.district[rows], f.knowledge[rows]
    pool = e.firm_knowledge_spill_weight * inn.knowledge_pool(ind, dist, knowledge) + p.public_knowledge_weight * (
        inn.knowledge_pool(inst.field[inst.alive], inst.district[inst.alive], inst.knowledge[inst.alive])
    )
    reachable = (w.spill_kernel @ pool) * e.spillover_multiplier
    spill = inn.firm_spillovers(cell(ind, dist), rd_rows, reachable, p)  # dead firms add no R&D to a cell
    k, tfp, hit = inn.update_firm_innovation(
        knowledge, f.tfp[rows], rd_rows, spill, f.output[rows], p, rng, e.breakthrough_multiplier[rows], rows, f.n
    )
    f.knowledge[rows] = k
    f.tfp[rows] = tfp * np.exp(e.tfp_gain[rows])
    f.rd_spending[:] = 0.0
    f.rd_spending[rows] = rd_rows
    hit_rows = rows[hit]
    f.last_breakthrough[hit_rows] = w.quarter
    w.flows["breakthroughs"] += count(f.industry[hit_rows], f.district[hit_rows])
