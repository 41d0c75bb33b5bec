"""The package's modules import one another in one direction: no cycle, even through the imports
made inside functions (a cycle hidden that way is still two modules that each need the other)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "workbook_helpers"


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's other modules, wherever in the module they are."""
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    found: dict[str, set[str]] = {name: set() for name in modules}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                found[path.stem] |= {name.split(".")[0] for name in names if name.split(".")[0] in modules}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workbook_helpers."):
                found[path.stem].add(node.module.split(".")[1])
        found[path.stem].discard(path.stem)
    return found


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module], _ = "open", trail.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                return trail[trail.index(other):] + [other]
            if other not in state and (cycle := visit(other)):
                return cycle
        state[module], _ = "done", trail.pop()
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_cycle_finder_finds_one():
    assert _a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _a_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_module_of_the_package_imports_itself_round_a_cycle():
    imports = _imports()
    assert imports["batch"] >= {"batch_index", "execute"}  # the graph is really read
    assert _a_cycle(imports) is None
