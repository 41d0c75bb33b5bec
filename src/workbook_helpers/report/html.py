"""Turning an executed workbook into the HTML report a director opens.

The report carries no code and no prompts: markdown cells and the displayed outputs only (charts,
tables, narrative), under a title block. It is self-contained and has no script: every chart is
drawn when the report is written, as static SVG inside the page (:mod:`workbook_helpers.present.chart_svg`),
and nothing is fetched from any other address. So every chart shows offline, behind proxies that
block CDNs, where scripts do not run (e-mail previews, document libraries, locked-down browsers),
printed, and in the PDF (:mod:`workbook_helpers.report.pdf`).

Accessibility (WCAG 2.2 AA, which UK public-sector content must meet):

- the page says its language (``en-GB``) and has a title; the title block is the one ``h1`` and
  the narrative's headings follow it in order (a ``#`` heading becomes ``h2``, and a heading
  never skips a level: ``h2`` then ``h4`` becomes ``h2`` then ``h3``);
- each chart's SVG is an image (``role="img"``) named by its title and description; the
  description is printed under it, and the data behind it is a table in a ``<details>`` block,
  collapsed by default (see :mod:`workbook_helpers.report.chart_tables`), where a reader finds the exact figures
  (a static chart has no tooltips);
- text colours have a contrast of at least 4.5:1 on their background (the lowest is the grey
  ``#505a5f``, 7.0:1 on white and 6.3:1 on the grey note boxes), links and the data tables'
  toggle are ``#1d70b8`` (5.2:1), and the keyboard focus is a near-black outline (17:1);
- printed, no chart or card is split across pages, charts shrink to the page width, the
  headline is on the first page, the data tables are left out (the printed chart and its
  description carry the same figures; the tables are for screen readers and for copying) and
  links print as ordinary text.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

import mistune

from workbook_helpers import __version__

from workbook_helpers.present import palette
from workbook_helpers.formatting import SYMBOL_MEANINGS, fmt_date, fmt_period
from workbook_helpers.present.chart_svg import ChartRenderer, inline_svg
from workbook_helpers.report.chart_tables import chart_data_tables, title_text
from workbook_helpers.outputs import SUMMARY_MIMETYPE
from workbook_helpers.privacy.policy import AUDIENCE_WORDS, OLDER_NAMES

_VEGALITE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
_SKIPPED_TAGS = {"remove", "remove-cell", "remove-output", "parameters", "injected-parameters"}
_markdown = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def render_report(
    notebook: dict,
    title: str,
    summary: dict | None = None,
    renderer: ChartRenderer | None = None,
    notes: list[str] | None = None,
) -> str:
    """The HTML report for an executed workbook.

    Parameters
    ----------
    notebook:
        The executed notebook (as papermill returns it or ``nbformat.read`` gives it).
    title:
        The report's title (the workbook's ``title`` parameter).
    summary:
        The run's JSON summary; its ``context`` (team, service, period, data file) and
        ``version`` and ``generated_at`` fill the title block.
    renderer:
        The :class:`~workbook_helpers.present.chart_svg.ChartRenderer` that has been drawing the
        notebook's charts as it ran; by default one made here, drawing them all now.
    notes:
        Warnings about the run's settings (one it could not use), shown in the title block.
    """
    summary = summary or {}
    own_renderer = renderer is None
    renderer = renderer or ChartRenderer()
    try:
        specs = list(chart_specs(notebook))
        for spec in specs:  # every chart drawing at once, before the page is put together
            renderer.submit(spec)
        body: list[str] = []
        charts = 0
        for cell in notebook.cells:
            if _SKIPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "markdown":
                body.append(_markdown(cell.source))
            elif cell.cell_type == "code":
                for output in cell.get("outputs", []):
                    fragment, is_chart = _render_output(output, charts, renderer)
                    charts += is_chart
                    if fragment:
                        body.append(fragment)
    finally:
        if own_renderer:
            renderer.close()
    body_html = "\n".join(body)
    return _PAGE.format(
        title=html.escape(title),
        css=_CSS + page_footer_css(title, (summary.get("context") or {}).get("scope")),
        title_block=_title_block(title, summary, notes),
        body=headings_in_order(body_html + symbol_key(body_html)),
    )


#: A symbol as it stands in a report's HTML: as itself, or with its brackets escaped.
_SYMBOL = re.compile(r"(?:\[|&#91;|&#x5[bB];|&lbrack;)([cxz])(?:\]|&#93;|&#x5[dD];|&rbrack;)")


def symbol_key(body: str) -> str:
    """The key to the Government Statistical Service symbols the report uses, each once, in the
    words :data:`~workbook_helpers.formatting.SYMBOL_MEANINGS` gives them ("" when it uses none)."""
    used = {f"[{letter}]" for letter in _SYMBOL.findall(body)}
    if not used:
        return ""
    items = "".join(f"<li><strong>{html.escape(symbol)}</strong>: {html.escape(meaning)}</li>"
                    for symbol, meaning in SYMBOL_MEANINGS.items() if symbol in used)
    return f'\n<h2 id="symbols">What the symbols mean</h2>\n<ul class="sw-symbols">{items}</ul>'


def chart_specs(notebook: dict):
    """The Vega-Lite spec of every chart the report shows, in order (as plain dicts)."""
    for cell in notebook.cells:
        if cell.cell_type != "code" or _SKIPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for output in cell.get("outputs", []):
            spec = output_chart_spec(output)
            if spec is not None:
                yield spec


def output_chart_spec(output: dict) -> dict | None:
    """The Vega-Lite spec an output displays, without its ``$schema`` address, or None."""
    if output.get("output_type") not in {"display_data", "execute_result"}:
        return None
    for mimetype, spec in output.get("data", {}).items():
        if _VEGALITE.match(mimetype):
            spec = json.loads(spec) if isinstance(spec, str) else spec
            return {key: value for key, value in spec.items() if key != "$schema"}
    return None


def _render_output(output: dict, chart_number: int, renderer: ChartRenderer) -> tuple[str, bool]:
    if output.get("output_type") not in {"display_data", "execute_result"}:
        return "", False  # streams, warnings and errors are for the analyst, not the report
    data = output.get("data", {})
    if SUMMARY_MIMETYPE in data or "application/vnd.jupyter.widget-view+json" in data:
        return "", False
    spec = output_chart_spec(output)
    if spec is not None:
        return _chart(spec, chart_number, renderer), True
    if "text/html" in data:
        return _text(data["text/html"]), False
    if "text/markdown" in data:
        return _markdown(_text(data["text/markdown"])), False
    if "image/svg+xml" in data:
        return f'<div class="sw-figure">{_text(data["image/svg+xml"])}</div>', False
    if "image/png" in data:
        alt = html.escape(output.get("metadata", {}).get("alt", "Figure"))
        return f'<img class="sw-figure" alt="{alt}" src="data:image/png;base64,{_text(data["image/png"])}">', False
    return "", False  # a bare text/plain repr is code talking, not the report


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _chart(spec: dict, number: int, renderer: ChartRenderer) -> str:
    """A chart as a figure: its drawing (static SVG, named by its title and description), its
    description as the caption, and the data behind it."""
    title = title_text(spec.get("title")) or "Chart"
    description = str(spec.get("description") or "").strip()
    label = title.strip().rstrip(".") + "." + (f" {description}" if description else "")
    try:
        drawing = inline_svg(renderer.svg(spec), number, label)
    except Exception as error:  # one chart that cannot be drawn does not lose the report
        drawing = (f'<p class="sw-note">This chart could not be drawn ({html.escape(type(error).__name__)}). '
                   "The table of the data behind it gives the same figures.</p>")
    return (
        f'<figure class="sw-chart">'
        f'<div class="sw-vega" id="chart-{number}" data-rendered="true">{drawing}</div>'
        f'<figcaption>{html.escape(description)}</figcaption>'
        f"{chart_data_tables(spec, title if title != 'Chart' else 'the chart')}"
        f"</figure>"
    )


# --------------------------------------------------------------------------------------------
# Headings

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def headings_in_order(body: str) -> str:
    """The body's headings renumbered to follow the title block's ``h1`` in order: none is an
    ``h1``, and none is more than one level below the heading before it. Headings do not nest,
    so each closing tag belongs to the opening tag just before it."""
    previous = 1
    current = 2

    def renumber(match: re.Match) -> str:
        nonlocal previous, current
        closing, level = match.group(1), int(match.group(2))
        if not closing:
            current = min(max(level, 2), previous + 1)
            previous = current
        return f"<{closing}h{current}"

    return _HEADING_TAG.sub(renumber, body)


def css_string(text: object) -> str:
    """``text`` as a CSS string, quoted: quotes and backslashes escaped, line breaks as spaces,
    and ``<`` escaped so that nothing inside a ``<style>`` element can close it."""
    cleaned = " ".join(str(text).split())
    escaped = cleaned.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_footer_css(title: str, scope: object = None) -> str:
    """The printed page's footer, in the page margin on every page: who the report is for (the
    title block's "For" line, else its title) on the left, "Page 2 of 9" on the right."""
    left = f"For: {scope}" if scope else str(title)
    return (
        "\n@media print { @page { "
        f"@bottom-left {{ content: {css_string(left)}; {_FOOTER_STYLE} }} "
        f'@bottom-right {{ content: "Page " counter(page) " of " counter(pages); {_FOOTER_STYLE} }} }} }}\n'
    )


_FOOTER_STYLE = f"font: 9pt {palette.FONT}; color: {palette.MUTED}; vertical-align: top; padding-top: 4mm;"


def _title_block(title: str, summary: dict, notes: list[str] | None = None) -> str:
    context = summary.get("context", {})
    rows = []
    if summary.get("workbook_title"):
        rows.append(("Workbook", summary["workbook_title"]))
    if context.get("scope"):
        rows.append(("For", context["scope"]))
    if context.get("period_start") and context.get("period_end"):
        rows.append(("Period", fmt_period(context["period_start"], context["period_end"])))
    inputs = summary.get("inputs") or []
    if inputs:
        rows.append(
            ("Data", "; ".join(
                f"{Path(i['path']).name} ({i['rows']:,} rows, fingerprint {i['sha256'][:12]})"
                for i in inputs if i.get("path")
            ))
        )
    generated = summary.get("generated_at")
    if generated:
        stamp = datetime.fromisoformat(generated)
        rows.append(("Produced", f"{fmt_date(stamp)} at {stamp:%H:%M}"))
    rows.append(("Made with", f"Service Workbooks {summary.get('version', __version__)}"))
    rows += [("Note", note) for note in notes or []]
    facts = "".join(
        f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(str(value))}</dd></div>"
        for label, value in rows
    )
    audience = audience_words(context)
    said = f'<p class="sw-audience">{html.escape(audience)}</p>' if audience else ""
    return f'<header class="sw-title"><h1>{html.escape(title)}</h1>{said}<dl>{facts}</dl></header>'


def audience_words(context: dict) -> str:
    """Who a report is for, in words, from its summary's context ("" when it does not say):
    ``audience``, or ``privacy`` in a summary written before audiences."""
    chosen = context.get("audience") or OLDER_NAMES.get(str(context.get("privacy")))
    return AUDIENCE_WORDS.get(str(chosen), "")


_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
{title_block}
{body}
</main>
</body>
</html>
"""

_CSS = palette.css("""
:root { color-scheme: light; }
body { margin: 0; background: $page; color: $ink; font: 16px/1.5 $font; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .75rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 .75rem; padding-top: 1rem; border-top: 1px solid $rule; }
h3 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
p, li { max-width: 44rem; }
a { color: $link; }
.sw-title { border-bottom: 4px solid $link; padding-bottom: 1rem; margin-bottom: 1.5rem; }
.sw-audience { font-size: 1.15rem; font-weight: bold; margin: 0 0 .75rem; }
.sw-title dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.sw-title dl div { display: contents; }
.sw-title dt { font-weight: bold; color: $muted; }
.sw-title dd { margin: 0; }
.sw-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; margin: 1rem 0 1.5rem; }
.sw-card { border: 1px solid $rule; border-left: 6px solid $link; padding: .6rem .8rem; }
.sw-card p { margin: 0; }
.sw-card-label { font-weight: bold; color: $muted; font-size: .9rem; }
.sw-card-figure { font-size: 2rem; font-weight: bold; line-height: 1.2; }
.sw-card-note { font-size: .9rem; color: $muted; }
.sw-chart { margin: 1.25rem 0 1.75rem; }
.sw-chart figcaption { color: $muted; font-size: .9rem; max-width: 44rem; margin-top: .35rem; }
.sw-vega { max-width: 100%; overflow-x: auto; }
.sw-table { border-collapse: collapse; margin: 1rem 0 1.5rem; font-size: .95rem; }
.sw-table caption { text-align: left; font-weight: bold; padding-bottom: .4rem; }
.sw-table th, .sw-table td { border-bottom: 1px solid $rule; padding: .3rem .75rem .3rem 0; text-align: left; vertical-align: top; }
.sw-table thead th { border-bottom: 2px solid $muted; }
.sw-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.sw-table tbody th { font-weight: normal; min-width: 5.5em; }
.sw-table td.num { white-space: nowrap; }
.sw-note { background: $note; border-left: 6px solid $muted; padding: .6rem .9rem; }
blockquote { margin: .5rem 0; padding-left: 1rem; border-left: 4px solid $rule; color: $quote; }
.sw-table-scroll { max-width: 100%; overflow-x: auto; margin: 1rem 0 1.5rem; }
.sw-table-scroll:focus, summary:focus-visible { outline: 3px solid $ink; outline-offset: 2px; box-shadow: 0 0 0 2px $focus; }
.sw-table-scroll > .sw-table { margin: 0; }
.sw-matrix td.sw-matrix-cell { white-space: nowrap; vertical-align: middle; }
.sw-matrix th[scope="row"] { position: sticky; left: 0; z-index: 1; background: $page; }
.sw-matrix .sw-icon-pair { display: inline-flex; gap: 2px; vertical-align: middle; margin-left: .35rem; }
.sw-icon-pair-words { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .75rem 0 1rem; }
.sw-icon-item { display: inline-flex; align-items: center; gap: .5rem; max-width: 24rem; }
.sw-icon-kind { font-weight: bold; }
.sw-icon-key { font-size: .9rem; margin: .5rem 0 1.5rem; }
.sw-icon-key p { margin: .6rem 0 .3rem; }
.sw-icon-list { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: .3rem 1rem; }
.sw-icon-list li { display: flex; align-items: center; gap: .4rem; max-width: none; }
abbr.sw-c { text-decoration: underline dotted; cursor: help; }
.sw-suppression-note, .sw-table-more { font-size: .9rem; color: $muted; margin: -.9rem 0 1.5rem; }
.sw-cards + .sw-suppression-note { margin-top: -.75rem; }
.sw-free-text { border-left: 4px solid $rule; padding-left: 1rem; }
ul.sw-free-text { list-style: none; }
.sw-chart-data { margin-top: .5rem; max-width: 100%; }
.sw-chart-data summary { cursor: pointer; color: $link; text-decoration: underline; font-size: .95rem; }
.sw-chart-data[open] summary { margin-bottom: .25rem; }
.sw-chart-data .sw-table-scroll { margin: .5rem 0 1rem; }
.sw-chart-data .sw-table { font-size: .9rem; }
.sw-chart-data .sw-table caption { font-weight: normal; font-style: italic; }
@media (max-width: 40rem) { h1 { font-size: 1.6rem; } .sw-table { font-size: .85rem; } }
@media print {
  @page { size: A4; margin: 15mm 15mm 20mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  /* The headline follows the title block on page one. */
  .sw-title, .sw-title + *, .sw-cards { break-before: avoid; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  figure, .sw-chart, .sw-cards, .sw-card, .sw-figure, tr { break-inside: avoid; }
  .sw-table { break-inside: auto; }
  .sw-table caption, thead { break-after: avoid; }
  /* Charts shrink to the page, never cut at its edge. */
  .sw-vega { overflow: visible; }
  .sw-vega svg, img.sw-figure, .sw-figure svg { max-width: 100% !important; max-height: 240mm; height: auto !important; }
  /* The printed chart and its description carry the figures; its data table is for screens. */
  .sw-chart-data { display: none !important; }
  a { color: inherit; text-decoration: underline; }
  .sw-table-scroll { overflow: visible; }
}
""")
