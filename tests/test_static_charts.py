"""Charts drawn wherever a report is opened: static SVG in the page (no script), the same words
and fonts as the live chart, and the report as a PDF."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from conftest import run_cli
from workbook_helpers.present import charts  # noqa: F401  (the suite's theme, switched on by import)
from workbook_helpers.present.chart_svg import ChartRenderer, draw_svg, inline_svg, spec_key
from workbook_helpers.report.html import css_string, page_footer_css, render_report

SVG_WITH_CLIP = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="100" height="50">'
    '<defs><clipPath id="clip1"><rect width="10.123456" height="5"/></clipPath></defs>'
    '<g clip-path="url(#clip1)" role="graphics-object" aria-roledescription="group mark container">'
    '<path aria-label="Month: Apr 2024; value: 3" role="graphics-symbol" d="M1.987654,2.5L3,4"/>'
    '<text x="1.5">Total 1.23456 cases</text></g></svg>'
)


def _chart(title="Cases by month", description="Bars of cases each month.") -> dict:
    frame = pd.DataFrame({"month": ["2024-04-01", "2024-05-01", "2024-06-01"], "cases": [12, 30, 7]})
    chart = alt.Chart(frame, title=title, description=description).mark_bar().encode(
        x=alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("cases:Q", title="Cases"),
    )
    return chart.to_dict()


def _notebook(*specs: dict) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("## Charts")]
    for spec in specs:
        cell = nbformat.v4.new_code_cell("chart")
        cell.outputs = [nbformat.v4.new_output(
            "display_data", data={"application/vnd.vegalite.v6+json": spec, "text/plain": "Chart"})]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


# --- one chart, made fit for the page ------------------------------------------------------------


def test_each_charts_ids_are_its_own_so_two_charts_never_share_a_clip_path():
    first, second = inline_svg(SVG_WITH_CLIP, 1, "One."), inline_svg(SVG_WITH_CLIP, 2, "Two.")
    assert 'id="sw1-clip1"' in first and "url(#sw1-clip1)" in first and "clip1)" not in first.replace("sw1-clip1", "")
    assert 'id="sw2-clip1"' in second and "url(#sw2-clip1)" in second


def test_counted_ids_are_numbered_within_the_chart_so_a_run_writes_the_same_page():
    # vl-convert numbers gradients from a counter that runs on across a process's charts: the
    # same chart drawn third in one worker and first in another must still read the same.
    def drawn(first: int) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="gradient_{first}"/>'
                f'<linearGradient id="gradient_{first + 4}"/></defs><path fill="url(#gradient_{first + 4})"/>'
                f'<path fill="url(#gradient_{first})"/></svg>')

    later, earlier = inline_svg(drawn(7), 3, "A."), inline_svg(drawn(1), 3, "A.")
    assert later == earlier
    assert 'id="sw3-gradient_1"' in later and 'id="sw3-gradient_2"' in later
    assert later.index('fill="url(#sw3-gradient_2)"') < later.index('fill="url(#sw3-gradient_1)"')


def test_the_picture_is_one_image_named_by_its_title_and_description():
    svg = inline_svg(SVG_WITH_CLIP, 1, 'Cases "by" month. Bars & <lines>.')
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-label="Cases &quot;by&quot; month. Bars &amp; &lt;lines&gt;." focusable="false"' in svg
    # The marks' own labels are gone: a role="img" picture hides them anyway, and they are most of its size.
    assert "graphics-symbol" not in svg and "aria-roledescription" not in svg and "Month: Apr 2024" not in svg


def test_coordinates_keep_two_decimal_places_and_words_keep_every_digit():
    svg = inline_svg(SVG_WITH_CLIP, 1, "A chart.")
    assert 'width="10.12"' in svg and 'd="M1.98,2.5L3,4"' in svg
    assert "Total 1.23456 cases" in svg  # text between tags is what the reader sees: untouched


def test_something_that_is_not_svg_is_refused():
    with pytest.raises(ValueError, match="not an SVG"):
        inline_svg("<html></html>", 1, "x")


def test_the_renderer_draws_each_chart_once():
    spec = _chart()
    with ChartRenderer() as renderer:
        assert renderer.submit(spec) is renderer.submit(dict(reversed(list(spec.items()))))
        svg = renderer.svg(spec)
    assert svg.lstrip().startswith("<svg") and ">Cases by month<" in svg
    assert spec_key(spec) == spec_key(dict(reversed(list(spec.items()))))


# --- in a notebook ------------------------------------------------------------------------------


def _picture(bundle: dict) -> tuple[str, str]:
    """The alt text and the SVG of the image a chart's notebook output shows."""
    found = re.fullmatch(r'<img class="sw-chart" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">',
                         bundle["text/html"])
    assert found, bundle["text/html"][:200]
    return html.unescape(found.group(2)), base64.b64decode(found.group(1)).decode("utf-8")


def test_a_chart_in_a_notebook_is_a_picture_drawn_here_beside_its_spec():
    chart = alt.Chart(pd.DataFrame({"month": ["2024-04-01", "2024-05-01"], "cases": [12, 30]}),
                      title='Cases "by" month', description="Bars & lines.").mark_bar().encode(
        x=alt.X("month:T", title="Month"), y=alt.Y("cases:Q", title="Cases"))
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(bundle) == {"application/vnd.vegalite.v6+json", "text/html", "text/plain"}
    assert bundle["application/vnd.vegalite.v6+json"]["title"] == 'Cases "by" month'  # for the report
    assert bundle["text/plain"] == 'Chart: Cases "by" month'
    # Nothing to fetch and nothing to run: no script, no address but the picture's own data.
    assert "<script" not in bundle["text/html"] and "http" not in bundle["text/html"].replace(
        "http://www.w3.org", "")
    alt_text, svg = _picture(bundle)
    assert alt_text == 'Cases "by" month. Bars & lines.'
    assert svg.startswith("<svg") and '>Cases "by" month</text>' in svg and ">Month</text>" in svg
    assert "script" not in svg


def test_a_chart_the_kernel_cannot_draw_still_carries_its_spec_and_says_so():
    broken = alt.Chart(pd.DataFrame({"a": [1]}), title="Broken").mark_bar().encode(x=alt.X("a", type="quantitative"))
    spec = broken.to_dict()
    spec["encoding"]["x"]["type"] = "nonsense"
    bundle = charts.theme.renderer(spec)
    assert "text/html" not in bundle and bundle["application/vnd.vegalite.v6+json"] is spec
    assert bundle["text/plain"].startswith("Chart: Broken (it could not be drawn here:")


def test_a_report_from_notebook_outputs_draws_each_chart_once_from_its_spec():
    # The outputs as a run saves them: the picture beside the spec. The report draws the chart
    # itself (one SVG per chart) and does not carry the notebook's picture as well.
    bundles = [charts.theme.renderer(_chart()), charts.theme.renderer(_chart("Second chart", "Another."))]
    notebook = _notebook()
    for bundle in bundles:
        cell = nbformat.v4.new_code_cell("chart")
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        notebook.cells.append(cell)
    page = render_report(notebook, "Test report")
    assert page.count('<div class="sw-vega"') == 2 == page.count("<svg")
    assert "data:image/svg+xml" not in page and 'class="sw-chart" src=' not in page


# --- the report --------------------------------------------------------------------------------


def test_a_report_draws_every_chart_inline_and_carries_no_script():
    page = render_report(_notebook(_chart(), _chart("Second chart", "Another.")), "Test report")
    assert "<script" not in page.lower()
    assert page.count('<div class="sw-vega"') == 2 == page.count('role="img"')
    assert 'aria-label="Cases by month. Bars of cases each month."' in page
    assert "default-src 'none'" in page and "script-src" not in page  # nothing may run
    assert '<figcaption>Bars of cases each month.</figcaption>' in page
    assert "The data behind this chart" in page  # the exact figures, for a reader and a screen reader


def test_a_chart_that_cannot_be_drawn_says_so_and_the_report_is_still_written():
    broken = {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "nonsense"}},
              "title": "Broken"}
    page = render_report(_notebook(broken, _chart()), "Test report")
    assert "This chart could not be drawn" in page
    assert 'aria-label="Cases by month. Bars of cases each month."' in page


def test_footer_text_from_the_data_stays_inside_its_css_string():
    assert css_string('Team "A" \\ </style>\nnext') == '"Team \\"A\\" \\\\ \\3c /style> next"'
    footer = page_footer_css("Title", "Repairs </style><script>alert(1)</script>")
    assert "</style" not in footer and "<script" not in footer
    assert '"Page " counter(page) " of " counter(pages)' in footer


def test_static_and_live_charts_say_the_same_words_in_the_same_fonts(browser):
    """The static SVG against the same spec drawn live by Vega in Chromium (the chart library
    the reports used to embed): every title, axis label and legend in the same words, font and
    size, so British dates and the report's font stack carry over."""
    import json

    import vl_convert

    from workbook_helpers.spc import xmr as spc

    weeks = pd.date_range("2024-04-01", periods=16, freq="7D")
    shares = [.41, .5, .62, .55, .48, .6, .52, .47, .58, .61, .44, .5, .53, .49, .57, .9]
    points = spc.xmr(pd.Series(shares), dates=pd.Series(weeks), improvement="decrease")
    spec = charts.xmr_chart(points, "Failure share each week", "A line.", "Failure demand share",
                            percent=True).to_dict()
    spec.pop("$schema", None)

    def texts(svg_markup: str) -> list[tuple[str, str, str]]:
        found = re.findall(r'<text[^>]*font-family="([^"]*)"[^>]*font-size="([^"]*)"[^>]*>([^<]*)</text>', svg_markup)
        return sorted((html.unescape(words), family, size) for family, size, words in found)

    static = texts(draw_svg(spec))
    page = browser.new_page()
    page.set_content("<div id=chart></div>")
    page.add_script_tag(content=vl_convert.javascript_bundle(
        "window.drawn = vegaEmbed('#chart', " + json.dumps(spec) + ", {renderer: 'svg', actions: false, mode: 'vega-lite'});"))
    page.wait_for_function("document.querySelector('#chart svg text') !== null")
    live = texts(page.inner_html("#chart"))
    page.close()
    assert static == live
    words = [text for text, _, _ in static]
    assert "Failure share each week" in words and "Week beginning" in words and "Failure demand share" in words
    assert any(re.fullmatch(r"\d{1,2} (Apr|May|Jun|Jul) 2024", w) for w in words), words  # British dates
    assert any(re.fullmatch(r"\d+%", w) for w in words), words
    assert {family for _, family, _ in static} == {"Arial, Helvetica, sans-serif"}


# --- the PDF -----------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def demand_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    result = run_cli("run", "demand_study", "--quiet", "--pdf", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{out}/demand_study-all-teams.pdf" in result.stdout
    return out / "demand_study-all-teams.pdf"


def test_workbook_run_pdf_writes_an_a4_pdf_with_the_headline_and_every_chart(demand_pdf):
    check_report_pdf(demand_pdf)
    assert demand_pdf.with_suffix(".html").read_text(encoding="utf-8").count('<figure class="sw-chart">') >= 6


def test_a_missing_browser_is_named_with_what_to_install(tmp_path):
    result = run_cli("run", "demand_study", "--quiet", "--pdf", "--out", str(tmp_path),
                     env={"SERVICE_WORKBOOKS_CHROMIUM": "", "PATH": str(tmp_path)}, timeout=120)
    assert result.returncode == 2
    assert "Making a PDF needs the Chromium web browser" in result.stderr
    assert "apt-get install chromium" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing written


def check_report_pdf(pdf: Path) -> None:
    """What every report's PDF must be: A4; page one holds the title block and the headline;
    every chart's title is in it, each chart whole on one page (its title and the description
    printed under it on the same page); every page's footer says who it is for and "Page n of N"
    with N the real page count."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = _pdf_pages(pdf)
    report = pdf.with_suffix(".html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<h1>(.*?)</h1>", report).group(1))
    scope = re.search(r"<dt>For</dt><dd>(.*?)</dd>", report)
    audience = html.unescape(re.search(r'<p class="sw-audience">(.*?)</p>', report).group(1))
    assert f"{title} {audience} Workbook" in pages[0]  # the title block opens page one
    headline = re.search(r'<h2[^>]*>(.*?)</h2>.*?<p>(.*?)</p>', report.split("</header>", 1)[1], re.S)
    first_sentence = " ".join(html.unescape(re.sub(r"<[^>]+>", "", headline.group(2))).split())[:60]
    assert first_sentence in pages[0], "the headline is on page one"
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        if scope:
            assert f"For: {html.unescape(scope.group(1))}" in text
    figures = re.findall(r'<figure class="sw-chart">.*?aria-label="([^"]*)".*?<figcaption>(.*?)</figcaption>', report, re.S)
    assert len(figures) == report.count('<figure class="sw-chart">')
    for label, caption in figures:
        chart_title = html.unescape(label).split(". ")[0].rstrip(".")
        words = " ".join(html.unescape(caption).split())[:40]
        on = [n for n, text in enumerate(pages) if chart_title in text and words in text]
        assert on, f"chart {chart_title!r} is not whole on one page with its description"
