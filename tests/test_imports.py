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


def _imports_in(tree: ast.AST, modules: set[str]) -> set[str]:
    """The package's modules a parsed module imports (dotted, ``workbook_helpers.`` left off), in
    any of the three forms: ``import workbook_helpers.run.batch``, ``from workbook_helpers.present
    import charts`` (a module) or ``... import esc`` (a name), and ``from workbook_helpers import run``."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError("the package's modules import each other by full name")
        if isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("workbook_helpers.") for alias in node.names
                      if alias.name.startswith("workbook_helpers.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "workbook_helpers":
            target = node.module.removeprefix("workbook_helpers").removeprefix(".")
            for alias in node.names:
                named = f"{target}.{alias.name}" if target else alias.name
                found.add(named if named in modules else target)
    return found - {""}


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's other modules (dotted names, ``workbook_helpers.``
    left off), wherever in the module they are."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = {name.removeprefix("workbook_helpers.") for name in paths}
    found: dict[str, set[str]] = {}
    for full, path in paths.items():
        name = full.removeprefix("workbook_helpers.")
        try:
            found[name] = _imports_in(ast.parse(path.read_text(encoding="utf-8")), modules) - {name, "workbook_helpers"}
        except AssertionError as error:
            raise AssertionError(f"{path}: {error}") from None
    return found


def test_every_form_of_import_is_read():
    modules = {"run.batch", "present.charts", "present", "run", "formatting"}
    code = ("import workbook_helpers.run.batch\nfrom workbook_helpers.present import charts\n"
            "from workbook_helpers import run\nfrom workbook_helpers.formatting import esc\nimport pandas")
    assert _imports_in(ast.parse(code), modules) == {"run.batch", "present.charts", "run", "formatting"}


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

    charts = [f"present/charts/{path.stem}" for path in (PACKAGE / "present" / "charts").glob("*.py")]
    assert "present/charts/cases" in charts
    for module in ("present/icons", "present/comparison_table", "report/html", "report/index", *charts):
        code = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        code = re.sub(r'"""(.*?)"""', lambda m: m.group(0) if "{" in m.group(1) else "", code, flags=re.S)
        assert not re.findall(r"#[0-9a-fA-F]{6}\b", code), module
    from workbook_helpers.report import index as batch_index
    from workbook_helpers.present import palette
    from workbook_helpers.report import html as report

    assert palette.INK in report._CSS and palette.LINK in batch_index._INDEX_CSS
    assert "$" not in report._CSS + batch_index._INDEX_CSS


# --------------------------------------------------------------------------------------------
# Layers: data flows one way (conventions: "a measure never draws", "a chart never decides what
# to hide")

#: The package's layers, in the order data flows: file -> contract -> measures -> audience ->
#: charts and tables -> each workbook's view -> report, with the runner outside. A module imports
#: from its own layer and the layers before it, never from one after (README: "How it is built").
LAYERS = (
    ("workbook_helpers", "exceptions", "clock", "formatting", "outputs"),  # the ground: the version,
    # errors, today, numbers in words, values passed from a kernel
    ("data",),
    ("spc",),
    ("measures",),
    ("privacy",),
    ("present",),
    ("workbooks",),
    ("report", "run"),  # the outer layer: the report and the runner, which use everything
)


def _layer(module: str) -> int:
    top = module.split(".")[0]
    return next(number for number, names in enumerate(LAYERS) if top in names)


def _calls_current_policy(path: Path) -> bool:
    """Whether the module names ``current_policy`` anywhere outside its docstrings: a call, an
    import or a reference."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name) and node.id == "current_policy":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "current_policy":
            return True
        if isinstance(node, ast.ImportFrom) and any(alias.name == "current_policy" for alias in node.names):
            return True
    return False


def test_every_module_imports_only_from_its_own_layer_and_those_before_it():
    imports = _imports()
    assert "spc.xmr" in imports["measures.demand"]  # the graph is really read
    assert {_layer(module) for module in imports} == set(range(len(LAYERS)))  # every layer is met
    upward = sorted(f"{module} -> {target}" for module, targets in imports.items()
                    for target in targets if _layer(target) > _layer(module))
    assert upward == []


def test_the_layer_check_sees_an_import_the_wrong_way():
    assert _layer("measures.demand") < _layer("present.charts.bars") < _layer("run.batch")
    assert _layer("formatting") == _layer("exceptions") < _layer("data.loading")


def test_nothing_that_shows_reads_the_policy():
    # Tables, charts, icons, cards and sentences show what the audience layer left; they never
    # ask the policy themselves, and never import it.
    imports = _imports()
    present = sorted(module for module in imports if module.split(".")[0] == "present")
    assert {"present.notebook", "present.story", "present.icons", "present.charts"} <= set(present)
    assert [module for module in present if "privacy.policy" in imports[module]] == []
    paths = {module: PACKAGE.joinpath(*module.split(".")).with_suffix(".py") for module in present}
    paths = {module: path if path.exists() else path.with_suffix("") / "__init__.py" for module, path in paths.items()}
    assert [module for module, path in paths.items() if _calls_current_policy(path)] == []


def test_only_the_audience_layer_reads_the_policy():
    # The policy is set in a workbook's setup cell and applied by privacy/ alone: the views
    # declare what their figures are, and no notebook cell asks the policy anything.
    import json

    readers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if _calls_current_policy(path))
    assert readers == ["privacy/audience.py"]  # privacy/policy.py defines it
    notebooks = sorted((SOURCE.parent / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        assert "current_policy" not in code, notebook.name
        # Nor does a cell declare what a summary hides, or protect a table: the view does.
        assert "protect_table" not in code, notebook.name
        calls = [node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call)
                 and getattr(node.func, "id", None) == "record_summary"]
        assert len(calls) == 1, notebook.name
        declared = {keyword.arg for keyword in calls[0].keywords} & {
            "counts", "rates", "table_counts", "table_totals", "table_rates"}
        assert declared == set(), notebook.name


def test_charts_draw_frames_already_protected():
    """Charts never decide what to hide: what a bar chart of counts may show comes in with its
    frame, protected by the audience layer, so no chart module imports that layer or the policy."""
    importing = sorted(
        module for module, targets in _imports().items()
        if module.startswith("present.charts") and targets & {"privacy.audience", "privacy.chart_counts", "privacy.policy"}
    )
    assert importing == []


# What the privacy layer offers for deciding what to hide; the display layer only draws what it
# made (ShownTable, Card, a protected chart frame), and sentences ask it for words.
_PROTECTING = {"protect_table", "protect_grid", "protect_summary", "protect_chart_counts",
               "protect_value_failure", "protect_handoffs", "protect_follows", "shown_table",
               "count_shown", "count_card", "share_card"}


def _names_called(path: Path) -> set[str]:
    """The names of the functions a module calls (``f(...)`` or ``x.f(...)``)."""
    called = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called.add(getattr(node.func, "id", None) or getattr(node.func, "attr", None))
    return called


def test_nothing_that_shows_decides_what_to_hide():
    """Tables, cards and charts arrive protected: no module of present/ protects a table, a
    chart's counts or a headline figure itself (the summary's protection excepted: the one
    call that records it, in notebook.record_summary). The views in workbooks/ do that."""
    deciding = {}
    for path in (PACKAGE / "present").rglob("*.py"):
        called = _names_called(path) & _PROTECTING
        name = str(path.relative_to(PACKAGE))
        if name == "present/notebook.py":
            called -= {"protect_summary"}
        if called:
            deciding[name] = sorted(called)
    assert deciding == {}
    # The check sees such a call.
    assert "protect_table" in _names_called(PACKAGE / "workbooks" / "demand_study.py") | _names_called(
        PACKAGE / "privacy" / "shown.py")
