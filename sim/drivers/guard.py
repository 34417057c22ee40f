"""Checks before any work that the config alone cannot make: the size of the world (an estimate of
agents and memory against a limit, naming the key to change), the output location (writable, no
file in the way, not empty) and ``check_overrides``: the whole up-front path of the command line
(compose, validate, these checks) in-process, what the bad-input catalogue (tests/bad_inputs.csv)
runs without building a world."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sim.basedata import load as load_basedata
from sim.config import SimConfig, compose, to_config
from sim.errors import ConfigError

# an assumed upper bound of the people working in the city's SEI firms at firm_fraction 1 (about
# 1.6 million technicians and their colleagues; generous so that the estimate errs on the safe side)
CITY_FIRM_PEOPLE = 4.0e6
BYTES_PER_TALENT = 32 * 6  # a talent row is 32 bytes; capacity doubling and the build's temporaries
MAX_AGENTS = 5.0e7  # talent agents; a run of more would take hours even if memory allowed it
LIMIT_ENV = "SEI_SIM_MAX_MEMORY_GB"  # override of the memory limit (GiB)


def memory_limit() -> float:
    """Bytes a run may use: ``$SEI_SIM_MAX_MEMORY_GB`` or 80% of the memory available now."""
    if os.environ.get(LIMIT_ENV):
        return float(os.environ[LIMIT_ENV]) * 2**30
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return 0.8 * int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 * 2**30


def estimate(cfg: SimConfig) -> dict[str, float]:
    """Talent agents (firm staff, institute staff) and bytes of the base-year world, before building it."""
    data, sc = load_basedata(), cfg.scale
    ppa = max(1, int(sc.people_per_agent))
    n_inst = max(7, round(data.carriers_2018 * sc.institute_fraction))
    inst_people = n_inst * float(data.carrier_researchers.max()) / sc.institute_fraction
    firm_people = CITY_FIRM_PEOPLE * sc.firm_fraction
    agents = (firm_people + inst_people) / ppa
    return {"firm_agents": firm_people / ppa, "institute_agents": inst_people / ppa, "bytes": agents * BYTES_PER_TALENT}


def check_size(cfg: SimConfig) -> None:
    """Refuse a world too big for this machine, naming the key to change."""
    est = estimate(cfg)
    agents = est["firm_agents"] + est["institute_agents"]
    limit = memory_limit()
    if agents <= MAX_AGENTS and est["bytes"] <= limit:
        return
    sc = cfg.scale
    if est["institute_agents"] > est["firm_agents"]:
        key, value = "scale.institute_fraction", sc.institute_fraction
        hint = "raise it (each sampled carrier stands for 1/fraction carriers and their staff) or raise scale.people_per_agent"
    else:
        key, value = "scale.people_per_agent", sc.people_per_agent
        hint = "raise it, or lower scale.firm_fraction"
    raise ConfigError(
        f"config key '{key}' = {value} makes a world of ~{agents:.3g} talent agents (~{est['bytes'] / 2**30:.3g} GiB; "
        f"limits: {MAX_AGENTS:.0e} agents, {limit / 2**30:.3g} GiB, ${LIMIT_ENV}); {hint}"
    )


def check_output_dir(path: str | Path | None, key: str = "hydra.run.dir") -> None:
    """Refuse an output folder that is empty, a file, or cannot be created or written."""
    if path is None or not str(path).strip():
        raise ConfigError(f"config key '{key}' is empty: name a folder for the run's files")
    p = Path(path).absolute()
    probe = p
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(f"config key '{key}' = {path}: '{probe}' is a file in the way, not a folder")
    if not writable(probe):
        raise ConfigError(f"config key '{key}' = {path}: '{probe}' cannot be written (read-only or no permission)")


def writable(folder: Path) -> bool:
    """A file can be created in ``folder`` (tried, not guessed: permission bits do not bind root)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".sei-sim-probe-"):
            return True
    except OSError:
        return False


def argv_dirs(argv: list[str]) -> list[tuple[str, str]]:
    """(key, value) of the output folders given on a command line (hydra.run.dir, hydra.sweep.dir)."""
    out = []
    for a in argv:
        k, eq, v = a.lstrip("+~").partition("=")
        if eq and k in ("hydra.run.dir", "hydra.sweep.dir"):
            out.append((k, v))
    return out


def check_argv(argv: list[str]) -> None:
    """The command-line checks that must run before Hydra creates any folder."""
    given = dict(argv_dirs(argv))
    multirun = any(a in ("-m", "--multirun") for a in argv)
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    check_output_dir(given.get(key, "multirun" if multirun else "outputs"), key)


def check_config(cfg: SimConfig) -> None:
    """Every up-front check of a validated config that needs more than the config."""
    check_size(cfg)


def check_overrides(overrides: list[str]) -> SimConfig:
    """The command line's up-front path in-process: output folders, compose, validate, size. Raises
    ConfigError naming the key; builds nothing."""
    check_argv(list(overrides))
    cfg_overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra.") and o not in ("-m", "--multirun")]
    cfg = to_config(compose(cfg_overrides))
    check_config(cfg)
    return cfg
