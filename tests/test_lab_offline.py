"""The analyst in JupyterLab with no network (issue 14): each workbook, run from the top, draws
every chart its report has, its controls redraw their charts, and an executed notebook written
beside a report draws its charts when it is opened again.

One JupyterLab server (started from this environment, on a free local port) serves the four
workbooks, copied into a folder of their own, and the executed notebooks of `workbook run`; one
Chromium page drives it, aborting every request that would leave the machine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from lab_browser import (
    CHART_IMAGES, WIDGET_CHART_IMAGES, LabServer, cell_outputs, close_all, drawn_charts, error_outputs, open_lab_page,
    open_notebook, run_all_cells, trusted, wait_for_charts, wait_for_new_charts,
)

from workbook_helpers.run.registry import BUILT_IN

WORKBOOKS = tuple(workbook.name for workbook in BUILT_IN)
#: One control per workbook to change (a widget's class and its label) and the option to choose.
CONTROLS = {
    "demand_study": ("widget-dropdown", "Service", 1),
    "case_review": ("widget-dropdown", "Case", 1),
    "experiment_comparison": ("widget-select-multiple", "Measures", [3, 4]),
    "team_performance": ("widget-dropdown", "Team", 1),
}
#: The report's own size target, which the executed notebook beside it meets too.
NOTEBOOK_SIZE_LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Each workbook run by `workbook run` on the sample data with the parameters JupyterLab
    opens it with (audience team): its output folder."""
    done = {}
    for workbook in WORKBOOKS:
        out = tmp_path_factory.mktemp(f"run-{workbook}")
        result = run_cli("run", workbook, "--quiet", "-p", "audience", "team", "--out", str(out))
        assert result.returncode == 0, result.stderr
        done[workbook] = out
    return done


def report_charts(out: Path) -> int:
    """How many charts the run's static report draws."""
    (report,) = out.glob("*.html")
    return len(re.findall(r'<div class="sw-vega"', report.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser, runs):
    """One JupyterLab on a folder holding the four workbooks and, under `reports/`, the executed
    notebooks of the runs; one page on it with every request off the machine aborted."""
    root = tmp_path_factory.mktemp("lab")
    for workbook in WORKBOOKS:
        shutil.copy(ROOT / "notebooks" / f"{workbook}.ipynb", root)
    (root / "reports").mkdir()
    for out in runs.values():
        for executed in out.glob("*.ipynb"):
            shutil.copy(executed, root / "reports" / executed.name)
    with LabServer(root) as server:
        page = open_lab_page(browser, server)
        yield page
        page.close()


def _change_control(lab, kind: str, label: str, choice) -> None:
    control = lab.page.locator(f".{kind}:has(> label:text-is('{label}')) select").first
    if isinstance(choice, list):
        options = control.locator("option")
        control.select_option([options.nth(i).get_attribute("value") for i in choice])
    else:
        control.select_option(index=choice)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_run_all_cells_offline_draws_every_chart_and_a_control_redraws(lab, runs, workbook):
    errors_before, left_before = len(lab.page_errors), len(lab.left_the_machine)
    try:
        open_notebook(lab, f"{workbook}.ipynb")
        run_all_cells(lab)

        assert error_outputs(lab) == []
        assert trusted(lab)  # outputs it made itself (so the helper above can tell)
        # No stray Out[...] values (a cell may end with a chart): the summary cell shows its one
        # line and echoes no dictionary.
        echoed = [o["text"] for o in cell_outputs(lab)
                  if o["output_type"] == "execute_result" and not (o["text"] or "").startswith("Chart: ")]
        assert echoed == []
        recorded = [o["text"] for o in cell_outputs(lab) if (o["text"] or "").startswith("Summary recorded")]
        assert len(recorded) == 1 and "\n" not in recorded[0] and len(recorded[0]) < 100, recorded
        every_chart = drawn_charts(lab, CHART_IMAGES)
        in_controls = drawn_charts(lab, WIDGET_CHART_IMAGES)
        expected = report_charts(runs[workbook])
        assert expected > 0
        # The charts above the controls are the report's; the controls draw their own too.
        assert len(every_chart) - len(in_controls) >= expected, (len(every_chart), len(in_controls), expected)
        assert in_controls, "the controls draw their charts"

        kind, label, choice = CONTROLS[workbook]
        _change_control(lab, kind, label, choice)
        wait_for_new_charts(lab, in_controls, WIDGET_CHART_IMAGES)
        assert error_outputs(lab) == []
    finally:
        close_all(lab)
    assert lab.left_the_machine[left_before:] == []
    assert lab.page_errors[errors_before:] == []


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_an_executed_notebook_beside_a_report_draws_its_charts_when_opened_offline(lab, runs, workbook):
    (executed,) = runs[workbook].glob("*.ipynb")
    assert executed.stat().st_size < NOTEBOOK_SIZE_LIMIT
    errors_before, left_before = len(lab.page_errors), len(lab.left_the_machine)
    try:
        open_notebook(lab, f"reports/{executed.name}")
        expected = report_charts(runs[workbook])
        # Opened, not run: what shows is what the file holds, and JupyterLab does not trust it.
        assert not trusted(lab)
        wait_for_charts(lab, expected)
        assert len(drawn_charts(lab, CHART_IMAGES)) == expected
    finally:
        close_all(lab)
    assert lab.left_the_machine[left_before:] == []
    assert lab.page_errors[errors_before:] == []
