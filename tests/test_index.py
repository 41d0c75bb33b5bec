"""The index page of a batch (`workbook_helpers.report.index`) on its own: escaping, the house
style, headline figures of any shape, unreadable summaries and PDF links."""

from __future__ import annotations

import json

import pytest

from workbook_helpers.report.index import headline_figures, render_index
from workbook_helpers.run.plan import Plan, PlannedRun


def test_index_escapes_names_and_formats_figures_in_the_house_style(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "demand_study.json").write_text(json.dumps({"figures": {
        "total_demand": 1234, "failure_demand_share": 0.125, "one_stop_share": None}}))
    run = PlannedRun(key="x/demand_study", workbook="demand_study", team="<script>alert(1)</script>",
                     folder="x", stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[0]")
    other = PlannedRun(key="y/demand_study", workbook="demand_study", team='Bad "team" & co',
                       folder="y", stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[1]")
    plan = Plan(name="Nov <2024>", path=tmp_path / "plan.yaml", out=tmp_path, runs=[run, other])
    manifest = {
        "x/demand_study": {"status": "ok", "outputs": {"html": "x/demand_study.html", "summary": "x/demand_study.json"}},
        "y/demand_study": {"status": "failed", "error": "Problem: <img src=x onerror=alert(1)>", "cell": 4},
    }
    from datetime import datetime

    page = render_index(plan, manifest, tmp_path, now=datetime(2024, 11, 1, 9, 5))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Nov &lt;2024&gt;" in page
    assert "<dt>Produced</dt><dd>1 November 2024 at 09:05</dd>" in page
    # 12.5% rounds half away from zero, as official statistics do; a missing figure shows [x].
    assert "<div><dt>Demand</dt><dd>1,234</dd></div><div><dt>Failure demand</dt><dd>13%</dd></div>" in page
    assert ('<dt>Resolved at first contact</dt><dd><abbr title="not available: the data do not give this '
            'figure: this run\'s summary does not give it">[x]</abbr></dd>') in page.replace("&#x27;", "\'")
    assert "<li><strong>[x]</strong>: not available" in page
    assert "<strong>Failed</strong>: Problem: &lt;img src=x onerror=alert(1)&gt;" in page
    assert "2 runs: 1 succeeded, 1 failed" in page


def test_headline_figures_per_workbook():
    assert headline_figures("team_performance", {"figures": {
        "open_items": 1281, "overdue_items": 73, "spend_variance_ytd": -1200.4}}) == [
        ("Open work items", "1,281"), ("Overdue", "73"), ("Spending, year to date", "£1,200 under budget")]
    assert headline_figures("case_review", {"figures": {
        "cases": 67, "total_hours_median": 20.45, "face_to_face_share": 0.5}}) == [
        ("Cases", "67"), ("Hours per case (median)", "20.5"), ("Face-to-face time", "50%")]
    assert headline_figures("experiment_comparison", {"figures": {
        "n_before": 35, "n_after": 32, "changes": {"a": {}, "b": {}}}})[2] == ("Measures compared", "2")
    assert headline_figures("someone_elses_workbook", {"figures": {"total": 3}}) == []


@pytest.mark.parametrize(("value", "shown"), [
    (12, "12"), ("[c]", "[c]"), (None, "[x]"), (float("nan"), "[x]"), ("twelve", "[x]"),
    ({"nested": 1}, "[x]"), ([1, 2], "[x]"), (True, "1"), (1e400, "[x]"),
])
def test_headline_figures_take_any_value(value, shown):
    figures = headline_figures("team_performance", {"figures": {"open_items": value}})
    assert figures[0] == ("Open work items", shown)
    # A figure the summary does not give at all is not available.
    assert figures[1] == ("Overdue", "[x]")
    assert headline_figures("team_performance", {"figures": {"spend_variance_ytd": value}})[2][1] in (
        shown, "£12 over budget", "£1 over budget")


def test_headline_figures_listed_as_hidden_show_c():
    summary = {"figures": {"cases": None, "total_hours_median": 3.0},
               "hidden": {"cases": {"reason": "small count", "below": 5}}}
    assert headline_figures("case_review", summary)[:2] == [("Cases", "[c]"), ("Hours per case (median)", "3.0")]


@pytest.mark.parametrize("summary", [None, [], "text", 3, {"figures": [1, 2]}, {"figures": None}])
def test_headline_figures_of_a_summary_of_any_shape(summary):
    assert [text for _, text in headline_figures("demand_study", summary)] == ["[x]", "[x]", "[x]"]


@pytest.mark.parametrize("content", [
    None, b"", b'{"figures": {"total_demand": 12', b"not json at all", b"\xff\xfe\x00garbage", b"[1, 2, 3]",
])
def test_index_says_a_summary_is_unreadable_and_writes_the_rest(tmp_path, content):
    """A summary file that is missing, cut short, not JSON or not an object: its cell says so,
    the other runs' figures are still shown, with [c] explained once."""
    for folder, summary in (("x", content), ("y", json.dumps({"figures": {
            "total_demand": 40, "failure_demand_share": "[c]", "one_stop_share": 0.5}}).encode())):
        (tmp_path / folder).mkdir()
        if summary is not None:
            (tmp_path / folder / "demand_study.json").write_bytes(summary)
    runs = [PlannedRun(key=f"{f}/demand_study", workbook="demand_study", team=t, folder=f, stem="demand_study",
                       parameters={}, inputs=(), time_limit=60, where=f"runs[{i}]")
            for i, (f, t) in enumerate((("x", "Team X"), ("y", "Team Y")))]
    plan = Plan(name="Odd summaries", path=tmp_path / "plan.yaml", out=tmp_path, runs=runs)
    manifest = {f"{f}/demand_study": {"status": "ok", "outputs": {
        "html": f"{f}/demand_study.html", "summary": f"{f}/demand_study.json"}} for f in "xy"}
    page = render_index(plan, manifest, tmp_path)
    assert page.count("Summary unreadable.") == 1
    assert "<dt>Demand</dt><dd>40</dd>" in page
    assert '<dt>Failure demand</dt><dd><abbr title="confidential: hidden to protect privacy' in page
    assert "<li><strong>[c]</strong>: confidential: hidden to protect privacy" in page
    assert page.count('href="x/demand_study.html"') == 1


def test_index_links_a_runs_pdf(tmp_path):
    run = PlannedRun(key="x/demand_study", workbook="demand_study", team="Revenues", folder="x",
                     stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[0]", pdf=True)
    plan = Plan(name="P", path=tmp_path / "plan.yaml", out=tmp_path, runs=[run])
    manifest = {"x/demand_study": {"status": "ok", "outputs": {"html": "x/demand_study.html",
                                                               "pdf": "x/demand_study.pdf"}}}
    page = render_index(plan, manifest, tmp_path)
    assert '<a class="sw-pdf" href="x/demand_study.pdf">PDF<span class="sw-hidden">' in page

