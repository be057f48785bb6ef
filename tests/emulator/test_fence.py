"""The emulator is fenced like moto: it imports nothing else from sos_sync, has no import cycles
(imports inside functions and under TYPE_CHECKING count), and stays small per file and function."""

from __future__ import annotations

import ast
from pathlib import Path

import sos_sync.emulator

PACKAGE = Path(sos_sync.emulator.__file__).parent
PREFIX = "sos_sync.emulator"


def _modules() -> dict[str, ast.Module]:
    return {
        f"{PREFIX}.{path.stem}" if path.stem != "__init__" else PREFIX: ast.parse(
            path.read_text("utf-8")
        )
        for path in sorted(PACKAGE.glob("*.py"))
    }


def _imports(tree: ast.Module, known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(
                f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known
            )
    return {name for name in found if name.startswith("sos_sync")}


def test_the_emulator_imports_nothing_else_from_sos_sync() -> None:
    modules = _modules()
    outside = {
        (name, imported)
        for name, tree in modules.items()
        for imported in _imports(tree, set(modules))
        if not (imported == PREFIX or imported.startswith(PREFIX + "."))
    }
    assert outside == set()


def test_no_import_cycles_in_the_emulator() -> None:
    modules = _modules()
    graph = {
        name: {i for i in _imports(tree, set(modules)) if i in modules and i != PREFIX}
        for name, tree in modules.items()
        if name != PREFIX
    }
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str], done: set[str]) -> None:
        if node in path:
            cycles.append([*path[path.index(node) :], node])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*path, node], done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        visit(start, [], done)
    assert cycles == []


def test_files_under_400_lines_and_functions_under_100() -> None:
    long_files = {
        p.name: n for p in PACKAGE.glob("*.py") if (n := len(p.read_text().splitlines())) >= 400
    }
    long_functions = {
        f"{name}:{node.name}": node.end_lineno - node.lineno + 1
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 >= 100
    }
    assert long_files == {}
    assert long_functions == {}
