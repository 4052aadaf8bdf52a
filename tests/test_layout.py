"""The layout's one direction: the code that knows no Dagster (warehouse/) at the bottom, the
Dagster definitions and the run-time around them (dagster_project/) above it, the offline
extractor (extract/) beside them, imported by nothing. Function-level imports count."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from warehouse.config import settings

PACKAGES = ("warehouse", "dagster_project", "extract")
DAGSTER = ("dagster", "dagster_dbt", "dagster_duckdb", "dagster_postgres", "dagster_webserver")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every module the file imports, at any depth of the code (a `from package import module`
    names the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in modules
            )
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    root = settings().project_root
    files = {module_name(p, root): p for package in PACKAGES for p in (root / package).rglob("*.py")}
    return {name: imports_of(path, set(files)) for name, path in files.items()}


def project_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: {i for i in imported if i in graph and i != name} for name, imported in graph.items()}


def test_no_module_imports_one_that_imports_it_back(graph):
    edges = project_edges(graph)
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for nxt in sorted(edges[name]):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [name, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_dagster_free_part_imports_no_dagster(graph):
    reaches = {
        name: sorted(i for i in imported if i.split(".")[0] in DAGSTER)
        for name, imported in graph.items()
        if name.split(".")[0] == "warehouse"
    }
    assert {name: found for name, found in reaches.items() if found} == {}


def test_nothing_imports_the_extractor(graph):
    importers = {
        name: sorted(i for i in imported if i.split(".")[0] == "extract")
        for name, imported in graph.items()
        if name.split(".")[0] != "extract"
    }
    assert {name: found for name, found in importers.items() if found} == {}


def test_the_dagster_definitions_do_not_import_the_run_time_above_them(graph):
    # the command line behind `make run` and the responses refresh start runs; no definition starts them
    above = {"dagster_project.materialize", "dagster_project.responses_refresh", "dagster_project.definitions"}
    importers = {
        name: sorted(set(imported) & above)
        for name, imported in graph.items()
        if name.startswith("dagster_project.") and name not in above
    }
    assert {name: found for name, found in importers.items() if found} == {}
