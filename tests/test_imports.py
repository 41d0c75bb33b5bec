"""The package's modules import one another in one direction: no cycle, even through the imports
made inside functions (a cycle hidden that way is still two modules that each need the other)."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SOURCE / "workbook_helpers"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's other modules (dotted names, ``workbook_helpers.``
    left off), wherever in the module they are."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = {name.removeprefix("workbook_helpers.") for name in paths}
    found: dict[str, set[str]] = {name: set() for name in modules}
    for full, path in paths.items():
        name = full.removeprefix("workbook_helpers.")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{path}: the package's modules import each other by full name")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workbook_helpers."):
                target = node.module.removeprefix("workbook_helpers.")
                for alias in node.names:  # `from workbook_helpers.present import charts` names a module
                    found[name].add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        found[name] -= {name, "workbook_helpers"}
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
    assert imports["run.batch"] >= {"report.index", "run.plan"}  # the graph is really read
    assert _a_cycle(imports) is None


def test_colours_are_written_in_one_module():
    # The palette module holds every colour the charts' theme, the icons and the pages' CSS use;
    # a colour typed into one of those again would drift from it.
    import re

    for module in ("present/icons", "report/html", "report/index"):
        code = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        code = re.sub(r'"""(.*?)"""', lambda m: m.group(0) if "{" in m.group(1) else "", code, flags=re.S)
        assert not re.findall(r"#[0-9a-fA-F]{6}\b", code), module
    from workbook_helpers.report import index as batch_index
    from workbook_helpers.present import palette
    from workbook_helpers.report import html as report

    assert palette.INK in report._CSS and palette.LINK in batch_index._INDEX_CSS
    assert "$" not in report._CSS + batch_index._INDEX_CSS
