"""Every workbook is committed clean, and its parameters cell is its whole, readable interface."""

import re

import nbformat
import papermill
import pytest

from conftest import ROOT
from workbook_helpers.execute import WORKBOOKS

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
