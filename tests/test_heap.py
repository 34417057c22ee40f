"""The cyclic collector in the project's processes (sim.drivers.heap): the heap frozen once after a
pool worker's first job, and after the command line's imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_freeze_heap_freezes_once_and_only_in_pool_workers(tmp_path):
    """sim.drivers.heap.freeze_heap: the heap left after a job is frozen once (later calls change
    nothing); with ``workers_only`` not in a process that no pool started."""
    code = (
        "import gc\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "import multiprocessing as mp\n"
        "from sim.drivers.heap import freeze_heap\n"
        "def job(_):\n"
        "    freeze_heap(workers_only=True); n = gc.get_freeze_count(); freeze_heap(); return n, gc.get_freeze_count()\n"
        "if __name__ == '__main__':\n"
        "    before = gc.get_freeze_count(); freeze_heap(workers_only=True); own = gc.get_freeze_count() - before\n"
        "    with ProcessPoolExecutor(1, mp_context=mp.get_context('spawn')) as ex: (a, b), = ex.map(job, [0])\n"
        "    freeze_heap(); print(own, a > 1000, a == b, gc.get_freeze_count() > 1000)\n"
    )
    script = tmp_path / "freeze.py"  # a file: spawned workers import the job from it
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["0", "True", "True", "True"]


def test_the_command_line_freezes_its_imports_without_collecting_during_them():
    """``python -m sim``'s imports run without collections and what they leave is frozen; the
    collector is on again after them."""
    code = (
        "import gc, runpy, sys\n"
        "import sim.drivers.heap\n"
        "counts = []\n"  # collections from here on: those of the command's imports
        "gc.callbacks.append(lambda phase, info: counts.append(info['generation']) if phase == 'start' else None)\n"
        "runpy.run_module('sim', run_name='not_main')\n"
        "print(len(counts), gc.get_freeze_count() > 50000, gc.isenabled(), 'sim.drivers.cli' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    collections, frozen, enabled, imported = out.stdout.split()
    assert int(collections) <= 1 and frozen == enabled == imported == "True"  # the one: imports_frozen's own


def test_the_collector_is_paused_inside_and_as_it_was_after(tmp_path, monkeypatch):
    """collector_paused: no collections inside; enabled again after only if it was before; a
    gather runs inside it (its parse of many heads made the collector rescan the heap, ~0.2 s of
    10,000 runs)."""
    import gc
    from contextlib import contextmanager

    import analysis.results
    from sim.drivers.heap import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    states = []

    @contextmanager
    def recording():
        with collector_paused():
            states.append(gc.isenabled())
            yield

    monkeypatch.setattr(analysis.results, "collector_paused", recording)
    (tmp_path / "0").mkdir()
    analysis.results.gather(tmp_path, write=False)
    assert states == [False]
