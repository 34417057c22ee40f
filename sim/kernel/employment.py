"""Who works where: hiring talent agents and deriving employment, wages and floor space from the
talent table (the talent table is the record; firm and institute columns follow from it)."""

from __future__ import annotations

import numpy as np

from sim.ids import FIRM, N_DIST, NONE
from sim.kernel.space import space_per_worker
from sim.kernel.state import Table
from sim.kernel.world import World


def hire(t: Table, agents: np.ndarray, kind: int, employers: np.ndarray) -> None:
    """Talent ``agents`` join ``employers`` of ``kind`` (FIRM or INSTITUTE)."""
    t.employer_kind[agents] = kind
    t.employer[agents] = employers


def refresh_employment(w: World) -> None:
    """Derive employees, researchers, wages and wage bills from the talent table."""
    f, inst, t, ppa = w.firms, w.institutes, w.talent, w.ppa
    prem = np.asarray(w.params.labour.skill_premium)
    live = np.flatnonzero(t.alive & (t.employer_kind > NONE))
    # one id space, firms then institutes; intp, so the gathers and bincounts below need no conversion
    gid = t.employer[live].astype(np.intp)
    gid[t.employer_kind[live] != FIRM] += f.n  # institutes (a small minority of the employed)
    emp_dist = np.concatenate([f.district, inst.district])
    # wage index of the employer's cell x skill premium, looked up in a [cell, skill] table of the products
    emp_cell = (np.concatenate([f.industry, inst.field]).astype(np.int64) * N_DIST + emp_dist) * len(prem)
    rate = (w.wage_index.reshape(-1, 1) * prem).reshape(-1)
    wage = rate[emp_cell[gid] + t.skill[live]]
    dist = emp_dist[gid]
    t.wage[:] = 0.0
    t.wage[live] = wage
    # employed agents live where they work (commuting between districts is not modelled)
    t.district[live] = dist
    heads = np.bincount(gid, minlength=f.n + inst.n)
    f.employees[:] = heads[: f.n] * float(ppa)
    f.wage_bill[:] = np.bincount(gid, weights=wage * ppa, minlength=f.n + inst.n)[: f.n]
    inst.researchers[:] = heads[f.n :] * float(ppa)
    f.floor_space[:] = f.employees * space_per_worker(w)[f.district]
