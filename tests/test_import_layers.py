"""Imports point one way: no cycles, the service layer and the read modules import no
blueprint package, and no read module imports the service layer (issue 16, item 3)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"

# The feature areas (blueprint packages): pages and API, above the services and the reads.
BLUEPRINTS = (
    "admin",
    "api",
    "audit",
    "auth",
    "awards",
    "members",
    "rankings",
    "reports",
    "review",
    "schedule",
    "tokens",
)
# The read side outside the feature areas; the areas' own ``queries`` modules are reads too.
READ_MODULES = ("award_queries", "campaigns", "queries", "standings", "summary", "tallies")


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["tracker", *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _runs(node: ast.AST) -> bool:
    return not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))


def _imports(tree: ast.AST):
    """Every import statement that runs (those under ``if TYPE_CHECKING:`` never do)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif _runs(node):
            yield from _imports(node)


@functools.cache  # the package is parsed once for all the tests below
def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (a name imported from a package
    counts as its submodule when there is one)."""
    modules = _modules()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(filter(None, (known(alias.name) for alias in node.names)))
                continue
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                edges.add(target if target in modules else known(base))
        edges.discard(None)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _in_blueprint(name: str) -> bool:
    return any(
        name == f"tracker.{area}" or name.startswith(f"tracker.{area}.") for area in BLUEPRINTS
    )


def _is_read_module(name: str) -> bool:
    return name.endswith(".queries") or name in {f"tracker.{m}" for m in READ_MODULES}


def _is_service(name: str) -> bool:
    return name.startswith("tracker.services") or name.endswith(".service")


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_service_layer_imports_no_blueprint_package():
    graph = import_graph()
    wrong = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith("tracker.services")
        for target in targets
        if _in_blueprint(target)
    }
    assert wrong == set()


def test_read_modules_import_no_service():
    graph = import_graph()
    wrong = {
        (name, target)
        for name, targets in graph.items()
        if _is_read_module(name)
        for target in targets
        if _is_service(target)
    }
    assert wrong == set()


def test_the_checks_see_a_cycle_and_a_wrong_way_import():
    """The graph is not trivially empty: a known edge is seen, and a made-up cycle is found."""
    graph = import_graph()
    assert "tracker.failures" in graph["tracker.services"]
    assert "tracker.cli" in graph["tracker.backup"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
