"""The main job, end to end: the sample plan `make report` runs, as it is (for directors and
managers) and for the public, opened in
headless Chromium with the network blocked.

This is the README's first command run as a user runs it (the same plan, the same `workbook
batch` command), so a report or an index page that breaks on what the sample reports hide or
leave out fails here, not on a new user's machine.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
import yaml

from conftest import ROOT, assert_report_renders, run_cli

PLAN = ROOT / "data" / "sample" / "batch.yaml"
MODES = ("organisation", "public")


def _plan_runs() -> int:
    """How many runs the sample plan makes: one service-wide report per workbook, and one per
    team for the workbooks run for each team (teams counted from the sample files)."""
    from workbook_helpers.run.plan import load_plan

    return len(load_plan(PLAN).runs)


@pytest.fixture(scope="module", params=MODES)
def sample_batch(request, tmp_path_factory) -> tuple[str, Path]:
    """The sample plan, unchanged but for its output folder (and, for the public, its audience),
    run with `workbook batch` from the project folder as `make report` runs it."""
    mode = request.param
    folder = tmp_path_factory.mktemp(f"sample-{mode}")
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    plan["out"] = str(folder / "out")
    if mode == "public":  # the older name, as a plan written before audiences says it
        plan["defaults"] = {**(plan.get("defaults") or {}), "privacy": "publish"}
        plan["defaults"]["pdf"] = True  # the batch's PDFs, once: printing is the same for every audience
    (folder / "batch.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    result = run_cli("batch", str(folder / "batch.yaml"), "--quiet", timeout=900)
    not_ok = [line for line in result.stdout.splitlines() if line.strip() and not line.lstrip().startswith("ok")]
    assert result.returncode == 0, "\n".join(not_ok) + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return mode, folder / "out"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def test_every_run_succeeds_and_the_index_lists_every_report(sample_batch):
    mode, out = sample_batch
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    assert len(manifest) == _plan_runs() == 16
    assert {entry["status"] for entry in manifest.values()} == {"ok"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "16 runs: 16 succeeded, 0 failed" in index
    assert "Summary unreadable" not in index
    links = _Links()
    links.feed(index)
    reports = sorted(unquote(href) for href in links.hrefs)
    kinds = ("html", "pdf") if mode == "public" else ("html",)
    assert reports == sorted(entry["outputs"][kind] for entry in manifest.values() for kind in kinds)
    for report in reports:
        assert (out / report).is_file(), report
    for entry in manifest.values():
        summary = json.loads((out / entry["outputs"]["summary"]).read_text(encoding="utf-8"))
        assert summary["context"]["audience"] == mode
    audience = {"organisation": "For directors and managers", "public": "For anyone (public)"}[mode]
    assert index.count(f'<p class="sw-audience">{audience}</p>') == 16


def test_every_headline_figure_on_the_index_is_a_figure_or_a_symbol(sample_batch):
    """Each figure cell holds a number in the house style, or [c] / [x] spelt out in an <abbr>
    and explained once under the table."""
    _, out = sample_batch
    index = (out / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r"<dd>(.*?)</dd>", index.split("<tbody>", 1)[1])
    assert figures
    for figure in figures:
        assert re.fullmatch(r"£?[\d,.]+%?( (over|under) budget)?|on budget|<abbr title=\"[^\"]+\">\[[cx]\]</abbr>",
                            figure), figure
    for symbol in ("[c]", "[x]"):
        if f">{symbol}</abbr>" in index:
            assert f"<li><strong>{symbol}</strong>:" in index


def test_the_index_and_every_report_open_offline_with_every_chart_drawn(sample_batch, browser):
    _, out = sample_batch
    context = browser.new_context()
    page = context.new_page()
    errors, left = [], []

    def block(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((out / "index.html").as_uri())
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    assert len([href for href in hrefs if href.endswith(".html")]) == 16
    for href in hrefs:
        if href.endswith(".pdf"):
            assert Path(unquote(href.removeprefix("file://"))).read_bytes().startswith(b"%PDF"), href
            continue
        response = page.goto(href)
        assert response is not None and response.ok, href
        assert page.locator("h1").count() == 1, href
    assert errors == [] and left == [], (errors, left)
    context.close()
    charts = 0
    for report in sorted(out.glob("*/*.html")):
        charts += assert_report_renders(browser, report)
    assert charts >= 16 * 2  # every workbook draws several charts for every team


def test_every_report_draws_every_chart_with_scripts_off(sample_batch, browser):
    """Where an HTML attachment's scripts do not run (e-mail previews, document libraries,
    locked-down browsers) every chart still shows: as many drawn pictures (SVG of at least 150
    by 80 pixels) as the workbook displayed charts."""
    from workbook_helpers.report.html import chart_specs

    _, out = sample_batch
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for report in sorted(out.glob("*/*.html")):
        notebook = nbformat.read(report.with_suffix(".ipynb"), as_version=4)
        expected = len(list(chart_specs(notebook)))
        page.goto(report.as_uri())
        drawn = page.evaluate("""() => [...document.querySelectorAll('main svg')].filter(svg => {
            const box = svg.getBoundingClientRect(); return box.width >= 150 && box.height >= 80;
        }).length""")
        assert drawn == expected, (report, drawn, expected)
        assert "need JavaScript" not in page.inner_text("main")
    context.close()


def test_a_pdf_of_every_report_when_the_plan_asks_and_none_when_it_does_not(sample_batch):
    """The publish batch's plan says ``pdf: true`` in its defaults: every report has its PDF, and
    each workbook's holds its headline and every chart whole. The internal batch's plan does not
    ask, and gets none."""
    from test_static_charts import check_report_pdf

    mode, out = sample_batch
    pdfs = sorted(out.glob("*/*.pdf"))
    if mode != "public":
        assert pdfs == []
        return
    assert [pdf.with_suffix(".html") for pdf in pdfs] == sorted(out.glob("*/*.html"))
    for workbook in ("demand_study", "case_review", "experiment_comparison", "team_performance"):
        check_report_pdf(out / "all-teams" / f"{workbook}.pdf")


def test_community_team_north_is_rebased_and_annotated_as_the_plan_asks(sample_batch):
    """The plan rebases Community Team North's team-performance charts from February 2025 and
    marks 6 January 2025, when its way of allocating work changed: its report (and the
    service's) say so on the charts and in their descriptions; other teams are not rebased."""
    _, out = sample_batch
    north = (out / "community-team-north" / "team_performance.html").read_text(encoding="utf-8")
    assert "New limits from Feb 2025" in north
    assert "Each new case allocated on the day to one worker" in north
    assert "Limits are worked out afresh from February 2025 (rebased)" in north
    assert "every month since" not in north  # rebased: no prompt to rebase
    west = (out / "community-team-west" / "team_performance.html").read_text(encoding="utf-8")
    assert "New limits from" not in west and "Each new case allocated" not in west
    service = (out / "all-teams" / "team_performance.html").read_text(encoding="utf-8")
    assert "Community Team North: limits are worked out afresh from February 2025" in service
