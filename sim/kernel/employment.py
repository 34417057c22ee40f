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
    alive: np.ndarray, kind: np.ndarray, employer: np.ndarray, skill: np.ndarray, n_firms: int, emp_cell: np.ndarray,
    emp_dist: np.ndarray, rate: np.ndarray, ppa: float, heads: np.ndarray, bill: np.ndarray, wage: np.ndarray,
    district: np.ndarray,
) -> None:  # fmt: skip
    """One pass over the talent rows doing what refresh_employment's numpy path does in ten: wage
    and district of each employed agent (0 wage otherwise), heads and wage bill (yuan/quarter) of
    each employer (firms, then institutes from ``n_firms``), summed in row order as np.bincount
    does, so the two paths agree bit for bit (tests/test_perf_demog.py). Employed agents live
    where they work (commuting between districts is not modelled)."""
    for i in range(len(alive)):
        k = kind[i]
        if alive[i] and k > NONE:
            g = np.int64(employer[i])
            if k != FIRM:
                g += n_firms
            x = rate[emp_cell[g] + skill[i]]
            wage[i] = x
            district[i] = emp_dist[g]
            heads[g] += 1
            bill[g] += x * ppa
        else:
            wage[i] = 0.0


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
    emp_dist = np.concatenate([f.district, inst.district])
    # wage index of the employer's cell x skill premium, looked up in a [cell, skill] table of the products
    emp_cell = (np.concatenate([f.industry, inst.field]).astype(np.int64) * N_DIST + emp_dist) * len(prem)
    rate = (w.wage_index.reshape(-1, 1) * prem).reshape(-1)
    if production_kernel.enabled(w.links.n):
        heads = np.zeros(f.n + inst.n, np.intp)
        bill = np.zeros(f.n + inst.n)
        _loops()["tally"](
            t.alive, t.employer_kind, t.employer, t.skill, f.n, emp_cell, emp_dist, rate, float(ppa), heads, bill,
            t.wage, t.district,
        )  # fmt: skip
    else:
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
