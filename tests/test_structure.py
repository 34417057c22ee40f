"""The house rules of the code: imports flow down and never in a circle, levers act in a declared
order whatever was imported first, modules and functions stay small, every module says its job."""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from sim.policy.registry import ORDER, REGISTRY

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
LONG_MODULE_MARK = "longer than 400 lines because"  # in the module docstring of an allowed exception
LONG_FUNCTION_MARK = "longer than 80 lines because"  # in the docstring of an allowed exception
DEFERRED_MARK = "# deferred:"  # on a function-local import: why it waits (start-up time)


def _modules(package: Path, prefix: str) -> dict[str, Path]:
    """Dotted module name -> file of every module of a package folder."""
    out = {}
    for p in sorted(package.rglob("*.py")):
        parts = list(p.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``module`` imports anywhere in its file (function-local and
    TYPE_CHECKING imports included); ``from a import b`` counts b when b is a module."""
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_pkg else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for n in names:
            while n and n not in known:
                n = n.rpartition(".")[0]
            if n and n != module:
                out.add(n)
    return out


def import_graph(package: Path = SIM, prefix: str = "sim") -> nx.DiGraph:
    mods = _modules(package, prefix)
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for m, p in mods.items():
        for dep in _imports(p, m, set(mods)):
            # a package's __init__ re-exporting its modules is not a dependency of those modules on it
            if not m.startswith(dep + "."):
                g.add_edge(m, dep)
    return g


def test_no_import_cycle_in_sim():
    g = import_graph()
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "import cycles in sim/: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


# Layers from the bottom: a module may import its own layer and the layers below, never above.
LAYERS = [
    ("sim.errors", "sim.ids", "sim.sampling", "sim.io", "sim.configkeys", "sim.configmemo", "sim.quantiles"),
    ("sim.params", "sim.basedata", "sim.datafiles", "sim.uncertainty"),
    ("sim.economy",),
    ("sim.kernel",),
    ("sim.policy",),
    (
        "sim.outputs.measure",
        "sim.outputs.collect",
        "sim.outputs.targets",
        "sim.outputs.metrics",
        "sim.outputs.evaluation",
    ),
    ("sim.config",),
    ("sim.model",),
    ("sim.outputs",),
    ("sim.drivers", "sim.__main__"),
]


def _layer(module: str) -> int:
    best, depth = -1, -1
    for k, prefixes in enumerate(LAYERS):
        for pre in prefixes:
            if (module == pre or module.startswith(pre + ".")) and len(pre) > depth:
                best, depth = k, len(pre)
    assert best >= 0 or module == "sim", f"module {module} belongs to no layer of tests/test_structure.py"
    return best


def test_imports_flow_down_the_layers():
    g = import_graph()
    up = [(a, b) for a, b in g.edges if a != "sim" and b != "sim" and _layer(b) > _layer(a)]
    assert not up, "imports that point up a layer: " + ", ".join(f"{a} -> {b}" for a, b in up)


@pytest.mark.parametrize(
    "package, forbidden",
    [("sim", ("analysis", "experiments", "benchmarks", "tests")), ("analysis", ("experiments", "benchmarks", "tests"))],
)
def test_packages_never_import_from_above(package, forbidden):
    bad = []
    for p in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                mods = [node.module]
            bad += [f"{p.relative_to(ROOT)}: {m}" for m in mods if m.split(".")[0] in forbidden]
    assert not bad, f"{package} imports from a package above it: " + "; ".join(bad)


def test_function_local_imports_say_why():
    bad = []
    for p in sorted(SIM.rglob("*.py")):
        lines = p.read_text().split("\n")
        for fn in ast.walk(ast.parse(p.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom) and DEFERRED_MARK not in lines[node.lineno - 1]:
                    bad.append(f"{p.relative_to(ROOT)}:{node.lineno}")
    assert not bad, f"function-local imports without a '{DEFERRED_MARK} <why>' comment: {bad}"


def test_modules_and_functions_are_small():
    big, long_fns = [], []
    for p in sorted(SIM.rglob("*.py")):
        text = p.read_text()
        tree = ast.parse(text)
        doc = ast.get_docstring(tree) or ""
        n = len(text.split("\n"))
        if n > MAX_MODULE_LINES and LONG_MODULE_MARK not in doc:
            big.append(f"{p.relative_to(ROOT)} ({n} lines)")
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
                if length > MAX_FUNCTION_LINES and LONG_FUNCTION_MARK not in (ast.get_docstring(fn) or ""):
                    long_fns.append(f"{p.relative_to(ROOT)}:{fn.lineno} {fn.name} ({length} lines)")
    assert not big, f"modules over {MAX_MODULE_LINES} lines: {big}"
    assert not long_fns, f"functions over {MAX_FUNCTION_LINES} lines: {long_fns}"


def test_every_module_opens_with_its_job():
    missing = [
        str(p.relative_to(ROOT)) for p in sorted(SIM.rglob("*.py")) if not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert not missing, f"modules without a docstring saying their job: {missing}"


def test_lever_order_is_declared_and_complete():
    assert list(REGISTRY) == list(ORDER)
    assert len(set(ORDER)) == len(ORDER)


PROBE = """
import hashlib, json, sys
for name in sys.argv[1:]:
    __import__(name)
from sim.model import SEIModel
from sim.config import to_config
from sim.policy.registry import REGISTRY
m = SEIModel(to_config(None, scale="small", seed=0, **{"scenario.end_year": 2020}), handles=False).run()
ts = m.timeseries()
va = ts[ts["metric"] == "value_added"]["value"].to_numpy()
print(json.dumps({"order": list(REGISTRY), "va": hashlib.sha256(va.tobytes()).hexdigest(), "total": float(va.sum())}))
"""

LEVER_MODULES = [
    "sim.policy.tech",
    "sim.policy.talent",
    "sim.policy.space",
    "sim.policy.projects",
    "sim.policy.ip",
    "sim.policy.governance",
    "sim.policy.funding",
    "sim.policy.special_fund",
    "sim.policy.access",
    "sim.config",
    "sim.kernel.entry",
]


@pytest.mark.slow
def test_shuffled_imports_give_identical_results():
    """Import the lever modules and the config in shuffled orders, each in a fresh process: the
    levers act in the same order and a small run gives bit-identical value added."""
    orders = [[], list(reversed(LEVER_MODULES))] + [
        random.Random(k).sample(LEVER_MODULES, len(LEVER_MODULES)) for k in range(2)
    ]
    results = []
    for order in orders:
        out = subprocess.run(
            [sys.executable, "-c", PROBE, *order], cwd=ROOT, capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert all(r["order"] == list(ORDER) for r in results)
    assert len({r["va"] for r in results}) == 1, [r["total"] for r in results]
