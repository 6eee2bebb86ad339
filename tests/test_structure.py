"""The package's shape: no import cycles, and each command loads only what it needs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.takes(2)


PACKAGE = Path(__file__).resolve().parent.parent / "errorops"


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every runtime import, at module level or inside functions (a cycle hidden in a
    function is still a cycle); not those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            stack.append(child)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path):
    pkg = tmp_path / "errorops"
    (pkg / "review").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "review" / "__init__.py").write_text("")
    (pkg / "review" / "compare.py").write_text("from . import words\n")
    (pkg / "review" / "words.py").write_text("def f():\n    from .compare import x\n")
    (pkg / "plain.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .review import words\n")
    assert cycles(import_graph(pkg)) == [["errorops.review.compare", "errorops.review.words"]]


def test_no_import_cycle_in_the_package():
    assert cycles(import_graph()) == []


def _loaded_after(*args: str) -> set[str]:
    code = (
        "import json, sys, contextlib, io\n"
        "from errorops.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    code = main({list(args)!r})\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("args, never", [
    (("validate",), {"pulumi", "grpc", "pulumi_gcp", "pulumiverse_sentry", "pulumi_pagerduty", "httpx"}),
    (("plan", "--stack", "all", "--format", "json"), {"pulumi_pagerduty", "pulumi_policy"}),
])
def test_a_command_imports_only_what_it_needs(args, never):
    assert _loaded_after(*args) & never == set()
