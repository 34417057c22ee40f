"""Who works where: hiring talent agents and deriving employment, wages and floor space from the
talent table (the talent table is the record; firm and institute columns follow from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.economy import production_kernel
from sim.ids import FIRM, N_DIST, NONE
from sim.kernel.space import space_per_worker
from sim.kernel.state import Table
from sim.kernel.world import World


def hire(t: Table, agents: np.ndarray, kind: int, employers: np.ndarray) -> None:
    """Talent ``agents`` join ``employers`` of ``kind`` (FIRM or INSTITUTE)."""
    t.employer_kind[agents] = kind
    t.employer[agents] = employers


def _tally(
    alive: np.ndarray, kind: np.ndarray, employer: np.ndarray, skill: np.ndarray, f_ind: np.ndarray,
    f_dist: np.ndarray, i_field: np.ndarray, i_dist: np.ndarray, n_prem: int, rate: np.ndarray, ppa: float,
    spw: np.ndarray, heads: np.ndarray, bill: np.ndarray, wage: np.ndarray, district: np.ndarray,
    employees: np.ndarray, wage_bill: np.ndarray, floor_space: np.ndarray, researchers: np.ndarray,
) -> None:  # fmt: skip
    """What refresh_employment's numpy path does, in one pass over the talent rows and one over the
    employers: wage and district of each employed agent (0 wage otherwise), heads and wage bill
    (yuan/quarter) of each employer (firms, then institutes), summed in row order as np.bincount
    does, then the employers' columns with the same products, so the two paths agree bit for bit
    (tests/test_perf_demog.py). Employed agents live where they work (commuting between districts
    is not modelled)."""
    n_firms = len(f_ind)
    for i in range(len(alive)):
        k = kind[i]
        if alive[i] and k > NONE:
            g = np.int64(employer[i])
            if k == FIRM:
                d, c = f_dist[g], np.int64(f_ind[g])
            else:
                d, c = i_dist[g], np.int64(i_field[g])
                g += n_firms
            x = rate[(c * N_DIST + d) * n_prem + skill[i]]
            wage[i] = x
            district[i] = d
            heads[g] += 1
            bill[g] += x * ppa
        else:
            wage[i] = 0.0
    for r in range(n_firms):
        e = heads[r] * ppa
        employees[r] = e
        wage_bill[r] = bill[r]
        floor_space[r] = e * spw[f_dist[r]]
    for j in range(len(researchers)):
        researchers[j] = heads[n_firms + j] * ppa


def _release(alive: np.ndarray, kind: np.ndarray, employer: np.ndarray, exited: np.ndarray) -> None:
    """release_workers in one pass over the talent rows."""
    for i in range(len(alive)):
        if alive[i] and kind[i] == FIRM and exited[employer[i]]:
            kind[i] = NONE
            employer[i] = -1


def _loops() -> dict[str, Callable[..., Any]]:
    """_tally and _release compiled (production_kernel.jit_loops)."""
    return production_kernel.jit_loops(__name__, {"tally": _tally, "release": _release})


def release_workers(w: World, exited: np.ndarray) -> None:
    """The workers of the firms marked in ``exited`` (a mask over firm rows) become unemployed:
    one compiled pass over the talent rows when numba is in use (as in refresh_employment), else
    numpy."""
    t = w.talent
    if production_kernel.enabled(w.links.n):
        _loops()["release"](t.alive, t.employer_kind, t.employer, exited)
        return
    at_firm = np.flatnonzero(t.alive & (t.employer_kind == FIRM))
    lost = at_firm[exited[t.employer[at_firm]]]  # workers of the exited firms
    t.employer_kind[lost] = NONE
    t.employer[lost] = -1


def refresh_employment(w: World) -> None:
    """Derive employees, researchers, wages and wage bills from the talent table. With numba in
    use (sim.economy.production_kernel.enabled: a city-scale network, or numba already loaded) one
    compiled pass over the talent rows does it; else the numpy path below (the same results)."""
    f, inst, t, ppa = w.firms, w.institutes, w.talent, w.ppa
    prem = np.asarray(w.params.labour.skill_premium)
    rate = (w.wage_index.reshape(-1, 1) * prem).reshape(-1)
    if production_kernel.enabled(w.links.n):
        _loops()["tally"](
            t.alive, t.employer_kind, t.employer, t.skill, f.industry, f.district, inst.field, inst.district,
            len(prem), rate, float(ppa), space_per_worker(w), np.zeros(f.n + inst.n, np.intp),
            np.zeros(f.n + inst.n), t.wage, t.district, f.employees, f.wage_bill, f.floor_space, inst.researchers,
        )  # fmt: skip
        return
    emp_dist = np.concatenate([f.district, inst.district])
    # wage index of the employer's cell x skill premium, looked up in a [cell, skill] table of the products
    emp_cell = (np.concatenate([f.industry, inst.field]).astype(np.int64) * N_DIST + emp_dist) * len(prem)
    live = np.flatnonzero(t.alive & (t.employer_kind > NONE))
    # one id space, firms then institutes; intp, so the gathers and bincounts below need no conversion
    gid = t.employer[live].astype(np.intp)
    gid[t.employer_kind[live] != FIRM] += f.n  # institutes (a small minority of the employed)
    wage = rate[emp_cell[gid] + t.skill[live]]
    t.wage[:] = 0.0
    t.wage[live] = wage
    # employed agents live where they work (commuting between districts is not modelled)
    t.district[live] = emp_dist[gid]
    heads = np.bincount(gid, minlength=f.n + inst.n)
    bill = np.bincount(gid, weights=wage * ppa, minlength=f.n + inst.n)
    f.employees[:] = heads[: f.n] * float(ppa)
    f.wage_bill[:] = bill[: f.n]
    inst.researchers[:] = heads[f.n :] * float(ppa)
    f.floor_space[:] = f.employees * space_per_worker(w)[f.district]
