"""One sweep per folder at a time: ``<sweep dir>/.sweep.lock`` holds the pid, host and start time of
the sweep that owns the folder. A second sweep into the same folder is refused with a message
naming the owner; a lock left by a sweep that was killed (its pid no longer runs on this host) is
stale and taken over."""

from __future__ import annotations

import atexit
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from sim.drivers.pool import pid_alive
from sim.errors import ConfigError

LOCK_FILE = ".sweep.lock"


def read_lock(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / LOCK_FILE).read_text())
    except (OSError, ValueError):
        return None


def _stale(owner: dict | None) -> bool:
    """A lock whose owner is gone: same host and the pid does not run (an unreadable lock is stale too)."""
    if owner is None:
        return True
    return owner.get("host") == socket.gethostname() and not pid_alive(int(owner.get("pid", -1)))


def acquire(folder: Path) -> Path:
    """Take the folder's lock or raise ConfigError naming who holds it. Returns the lock file."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"config key 'hydra.sweep.dir' = {folder}: cannot be created ({exc.strerror})") from None
    path = folder / LOCK_FILE
    me = {"pid": os.getpid(), "host": socket.gethostname(), "started": datetime.now(UTC).isoformat(timespec="seconds")}
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = read_lock(folder)
            if not _stale(owner):
                assert owner is not None
                raise ConfigError(
                    f"config key 'hydra.sweep.dir' = {folder} is in use by another sweep (pid {owner.get('pid')} on "
                    f"{owner.get('host')}, since {owner.get('started')}); wait for it or choose another folder "
                    f"(a lock of a sweep that is surely dead can be removed: {path})"
                ) from None
            path.unlink(missing_ok=True)  # stale: the owner was killed; take it over
            continue
        except OSError as exc:
            raise ConfigError(f"config key 'hydra.sweep.dir' = {folder}: cannot be written ({exc.strerror})") from None
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(me) + "\n")
        atexit.register(release, folder)
        return path
    raise ConfigError(f"config key 'hydra.sweep.dir' = {folder}: its lock {path} could not be taken")


def release(folder: Path) -> None:
    """Remove the folder's lock if this process holds it."""
    owner = read_lock(folder)
    if owner is not None and owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname():
        (Path(folder) / LOCK_FILE).unlink(missing_ok=True)
