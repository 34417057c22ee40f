"""Worker processes that end with the process that started them.

When the process that started a pool dies without shutting it down (SIGTERM or SIGKILL of an
ensemble, a calibration, a sweep or the dashboard's server; the OOM killer), its workers live on,
~240 MB each: a ProcessPoolExecutor's wait for work forever on a queue whose writing end they
hold themselves, and joblib's loky workers finish the batch they were sent and idle on (seen
alive three minutes after their launcher was terminated). Each worker
here watches its parent process id and exits once it has changed (the orphan was adopted by
init or a subreaper). The watch is a daemon thread that wakes once a second; results do not
depend on it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

ORPHAN_EXIT = 70  # a worker's exit status when it ends because its parent is gone
CHECK_SECONDS = 1.0
_watching: list[int] = []  # the parent this process watches, once the watch runs


def exit_with_parent(parent: int, interval: float = CHECK_SECONDS) -> None:
    """End this process (``os._exit(ORPHAN_EXIT)``) once ``parent`` is no longer its parent, checked
    every ``interval`` seconds in a daemon thread; at most one watch per process (later calls do
    nothing). Call it first thing in a worker process, with the starter's pid it was given. Nothing
    is watched in the starter itself (a pool of one may run its jobs in-process) or in a process
    that ``parent`` did not start; a worker whose starter is already gone ends at once."""
    if _watching or parent == os.getpid():
        return
    if os.getppid() != parent:
        if not pid_alive(parent):
            os._exit(ORPHAN_EXIT)
        return  # not its child: the parent id says nothing about it
    _watching.append(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(ORPHAN_EXIT)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it runs
        return True
    return True


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started with ``spawn`` (a fresh interpreter: no copied locks
    or threads), each ending itself when this process is gone (``exit_with_parent``)."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("spawn"), initializer=exit_with_parent, initargs=(os.getpid(),)
    )


__all__ = ["ORPHAN_EXIT", "exit_with_parent", "pid_alive", "process_pool"]
