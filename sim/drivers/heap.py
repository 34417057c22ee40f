"""The cyclic garbage collector in the project's own processes (issue 16).

A full collection scans every object the process holds. After the imports (numpy, pandas,
pyarrow, scipy, Hydra, mesa, numba: ~130,000 objects that live as long as the process) each
one takes 0.05-0.11 s, and the collector runs several during the imports themselves and a few in
every run. Objects that live for the whole process can be moved out of its reach
(``gc.freeze``): they are still freed when their count of references drops to zero, only cyclic
garbage among them would stay. Both freezing functions collect first, so what they freeze is
alive. Only the command line and pool workers freeze (and a sweep's launcher, which runs in
``python -m sim``, when it runs the jobs itself on one worker): never an analyst's own session.
A gather pauses the collector while it runs (``collector_paused``).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: list[bool] = []


def _freeze() -> None:
    """Collect, then move every object left out of the collector's reach."""
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collections inside the ``with`` block; the collector as it was after it. For work
    that makes many objects and few cycles, which the collector would scan again and again: a
    gather's parse of 10,000 runs' heads and the tables built from them (about 0.2 s of a 2.4-s
    gather). Garbage cycles made inside are collected after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def imports_frozen() -> Iterator[None]:
    """Run the imports in the ``with`` block without collections, then collect once and freeze
    what is left (``python -m sim``: 0.2-0.5 s less a small run's command)."""
    with collector_paused():
        try:
            yield
        finally:
            _freeze()


def freeze_heap(workers_only: bool = False) -> None:
    """Once per process, after its first job: collect, then freeze every object left (the imports,
    Hydra's state, numba's compiled kernel, caches), so that later full collections scan only what
    later jobs allocate. In a sweep worker those collections had scanned the whole heap, 0.11 s
    each, about 25 ms a small job. What was alive at the freeze and later becomes cyclic garbage
    stays (one job's worth at most). ``workers_only``: only in a process a pool started (not in an
    analyst's own session that runs jobs in-process)."""
    if workers_only and mp.parent_process() is None:
        return
    if not _frozen:
        _frozen.append(True)
        _freeze()


__all__ = ["collector_paused", "freeze_heap", "imports_frozen"]
