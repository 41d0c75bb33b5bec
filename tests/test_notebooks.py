"""Every workbook is committed clean, its parameters cell is its whole, readable interface, and
the plain papermill command runs it unchanged, skipping the controls meant for a person."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from conftest import ROOT
from workbook_helpers.run.registry import WORKBOOKS
from workbook_helpers.run.kernel import default_kernel

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_parameter(path):
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assigned = re.findall(r"^(\w+)\s*=", cell.source, flags=re.MULTILINE)
    # papermill skips a line it cannot parse (a quote or bracket in its comment, say), and then
    # `workbook run` would refuse that parameter as unknown.
    assert list(papermill.inspect_notebook(str(path))) == assigned


def test_every_registered_workbook_has_its_notebook():
    for workbook in WORKBOOKS.values():
        assert workbook.notebook.is_file(), workbook.name


def _guards(tree: ast.AST) -> dict[ast.AST, list[ast.expr]]:
    """For each node of a cell, the conditions of the ``if`` statements it sits inside."""
    found: dict[ast.AST, list[ast.expr]] = {}

    def visit(node, conditions):
        found[node] = conditions
        for name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            inner = conditions + [node.test] if isinstance(node, ast.If) and name == "body" else conditions
            for child in children:
                if isinstance(child, ast.AST):
                    visit(child, inner)

    visit(tree, [])
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_explorers_are_offered_only_to_a_person_at_a_front_end(path):
    # A headless run (papermill, nbval) has no one at the controls, and building them there
    # once made plain papermill runs hang (issue 19).
    notebook = nbformat.read(path, as_version=4)
    calls = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "_explorer(" not in cell.source:
            continue
        for node, conditions in _guards(ast.parse(cell.source)).items():
            if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("_explorer"):
                called = {getattr(n.func, "id", None) for c in conditions for n in ast.walk(c)
                          if isinstance(n, ast.Call)}
                calls.append((node.func.id, "interactive_front_end" in called))
    assert calls, "each workbook offers its explorer"
    assert all(guarded for _, guarded in calls), calls


def test_plain_papermill_runs_the_demand_study_without_its_controls(tmp_path):
    # As the README says and analysts' scripts do: papermill, default parameters (interactive is
    # True), from notebooks/.
    executed = tmp_path / "demand_study.ipynb"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "-k", default_kernel(),
         "demand_study.ipynb", str(executed)],
        cwd=ROOT / "notebooks", capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    notebook = nbformat.read(executed, as_version=4)
    shown = [mime for cell in notebook.cells for output in cell.get("outputs", [])
             for mime in output.get("data", {})]
    assert "application/vnd.vegalite.v6+json" in shown  # the study itself ran
    assert "application/vnd.jupyter.widget-view+json" not in shown
    assert "widgets" not in notebook.metadata
