"""Worker processes end with the process that started them (sim.drivers.pool): a pool's, an
ensemble's and a sweep's workers do not live on, idle or running jobs, after their starter was
killed (SIGKILL, SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.drivers import pool

ROOT = Path(__file__).resolve().parents[1]


def _gone(pid: int) -> bool:
    """No such process, or a zombie (ended, not yet reaped by its adopter)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _children(pid: int, marker: str) -> list[int]:
    """Processes whose parent is ``pid`` and whose command line contains ``marker``."""
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and marker in cmd:
            out.append(int(p.name))
    return out


def _all_gone(pids: list[int], timeout: float = 20.0) -> list[int]:
    """The pids still alive after ``timeout`` seconds (empty once all are gone)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        left = [p for p in pids if not _gone(p)]
        if not left:
            return []
        time.sleep(0.2)
    return [p for p in pids if not _gone(p)]


def _kill_all(pids: list[int]) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def test_no_watch_in_the_starter_nor_for_a_process_that_is_not_the_parent(monkeypatch):
    monkeypatch.setattr(pool, "_watching", [])
    pool.exit_with_parent(os.getpid())  # a pool of one runs its jobs in the starter
    pool.exit_with_parent(1 if os.getppid() != 1 else os.getpid())  # alive, but not this process's parent
    assert pool._watching == []


def test_a_pools_workers_end_when_their_starter_is_killed(tmp_path):
    code = (
        "import os, time\nfrom sim.drivers.pool import process_pool\n"
        "ex = process_pool(2)\nlist(ex.map(os.getpid, []))\n"
        "ex.submit(time.sleep, 0.5); ex.submit(time.sleep, 0.5).result()\n"
        "print(' '.join(map(str, ex._processes)), flush=True)\ntime.sleep(120)\n"
    )
    starter = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in starter.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(workers) == 2 and not any(_gone(p) for p in workers)
    finally:
        starter.kill()
        starter.wait()
    left = _all_gone(workers)
    _kill_all(left)
    assert not left, f"workers {left} outlived their starter"


def _wait_for(what, timeout: float = 120.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = what()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out")


def _running_pids(folder: Path, starter: int) -> set[int]:
    """Pids other than ``starter`` in the manifests of runs still going under ``folder``."""
    out = set()
    for m in folder.rglob("manifest.json"):
        try:
            man = json.loads(m.read_text())
        except (OSError, ValueError):
            continue
        if man.get("status") == "running" and man.get("pid") not in (None, starter):
            out.add(int(man["pid"]))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, marker",
    [
        (["scale=small", "ensemble.size=20", "ensemble.workers=2", "output.print_summary=false"], "spawn_main"),
        (["-m", "scale=small", "seed=range(0,40)", "ensemble.size=1", "hydra.launcher.n_jobs=2"], "LokyProcess"),
    ],
    ids=["ensemble", "sweep"],
)
def test_workers_end_when_the_command_is_terminated(tmp_path, args, marker):
    """SIGTERM to ``python -m sim`` while its workers run seeds: the workers end too (before
    sim.drivers.pool they finished their jobs and idled on, ~240 MB each)."""
    where = "hydra.sweep.dir" if "-m" in args else "hydra.run.dir"
    starter = subprocess.Popen(
        [sys.executable, "-m", "sim", *args, f"{where}={tmp_path}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        _wait_for(lambda: len(_running_pids(tmp_path, starter.pid)) >= 2)  # both workers run a job
        workers = _children(starter.pid, marker)
        assert len(workers) == 2, workers
    finally:
        starter.send_signal(signal.SIGTERM)
        starter.wait(timeout=60)
    left = _all_gone(workers)
    _kill_all(left)
    assert not left, f"workers {left} outlived their starter"
