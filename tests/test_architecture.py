"""The shape of the code, tested (STYLE.md "Folders show the arrow").

Imports are read with `ast` from every module, including imports inside functions and
under `TYPE_CHECKING`, since a cycle hidden there is still a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sos_sync"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> Iterator[str]:
    """Every sos_sync module `path` imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import submodule` depends on the submodule; `from pkg import name`
            # on the package (its __init__)
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                for a in node.names
            ]
        else:
            continue
        for name in names:
            if name in MODULES and name != "sos_sync":
                yield name


GRAPH = {m: sorted(set(_imports(p)) - {m}) for m, p in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


def _importers_of(prefixes: tuple[str, ...]) -> set[str]:
    out = set()
    for mod, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            if any(n == p or n.startswith(p + ".") for n in names for p in prefixes):
                out.add(mod)
    return out


def test_google_client_libraries_only_under_the_google_backend() -> None:
    users = _importers_of(("gspread", "googleapiclient", "google", "google_auth_oauthlib"))
    outside = {
        m
        for m in users
        if not m.startswith("sos_sync.backends.google") and not m.startswith("sos_sync.emulator")
    }
    assert outside == set()


def test_the_emulator_imports_nothing_else_from_sos_sync() -> None:
    leaks = {
        (m, dep)
        for m, deps in GRAPH.items()
        if m.startswith("sos_sync.emulator")
        for dep in deps
        if not dep.startswith("sos_sync.emulator")
    }
    assert leaks == set()


def test_only_demo_cli_and_tests_import_the_emulator() -> None:
    users = {
        m
        for m, deps in GRAPH.items()
        if not m.startswith("sos_sync.emulator")
        and any(d.startswith("sos_sync.emulator") for d in deps)
    }
    allowed = {m for m in users if m.startswith(("sos_sync.cli", "sos_sync.ops.demo"))}
    assert users - allowed == set()


def test_pure_packages_import_nothing_that_does_io() -> None:
    """domain/, tracker/ and plan/ sit at the centre: they never import run, backends, ops or cli."""
    outer = ("sos_sync.run", "sos_sync.backends", "sos_sync.ops", "sos_sync.cli")
    bad = {
        (m, dep)
        for m, deps in GRAPH.items()
        if m.startswith(("sos_sync.domain", "sos_sync.tracker", "sos_sync.plan"))
        for dep in deps
        if dep.startswith(outer)
    }
    assert bad == set()


def test_no_file_over_400_lines() -> None:
    big = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert big == {}


def test_no_function_over_100_lines() -> None:
    long = {}
    for p in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 100:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert long == {}
