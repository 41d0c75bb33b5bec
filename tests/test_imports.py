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


def test_colours_are_written_in_one_module():
    # The palette module holds every colour the charts' theme, the icons and the pages' CSS use;
    # a colour typed into one of those again would drift from it.
    import re

    for module in ("icons", "report", "batch_index"):
        code = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        code = re.sub(r'"""(.*?)"""', lambda m: m.group(0) if "{" in m.group(1) else "", code, flags=re.S)
        assert not re.findall(r"#[0-9a-fA-F]{6}\b", code), module
    from workbook_helpers import batch_index, palette, report

    assert palette.INK in report._CSS and palette.LINK in batch_index._INDEX_CSS
    assert "$" not in report._CSS + batch_index._INDEX_CSS
