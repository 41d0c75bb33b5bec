"""Turning an executed workbook into the HTML report a director opens.

The report carries no code and no prompts: markdown cells and the displayed outputs only (charts,
tables, narrative), under a title block. It is self-contained: the chart library (Vega, Vega-Lite
and Vega-Embed, bundled by ``vl-convert-python``) is embedded once per report, each chart carries
only its own aggregated data, and nothing is fetched from any other address, so the report opens
offline and behind proxies that block CDNs.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import mistune

from . import __version__
from .formatting import fmt_date, fmt_period
from .outputs import SUMMARY_MIMETYPE

_VEGALITE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
_SKIPPED_TAGS = {"remove", "remove-cell", "remove-output", "parameters", "injected-parameters"}
# Inside <script type="application/json"> the HTML parser still looks for "</script" and "<!--";
# writing these characters as JSON escapes keeps any text from the data inert.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_markdown = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])

# Draws every chart once the bundle has loaded; a chart that fails says so in words.
_EMBED_SNIPPET = """
// The specs lose their "$schema" URL, so say they are Vega-Lite: a top-level concat would
// otherwise be taken for plain Vega and draw nothing.
const swOptions = {mode: "vega-lite", renderer: "svg", actions: false, tooltip: {theme: "light"}};
for (const el of document.querySelectorAll("div.sw-vega")) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, swOptions).then(() => {
    // The chart's text alternative: its one-sentence description, also printed below it.
    const svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", el.getAttribute("aria-label") + ". " + (spec.description || ""));
    }
    el.removeAttribute("aria-label");
    el.dataset.rendered = "true";
  }).catch((err) => {
    el.textContent = "This chart could not be drawn (" + err.message + "). The tables give the same figures.";
    console.error(err);
  });
}
"""


def vega_bundle() -> str:
    """The Vega libraries and the embedding snippet as one script, cached on disk per version
    (bundling takes about two seconds; reading the cache, milliseconds)."""
    return _vega_bundle_cached()


@lru_cache(maxsize=1)
def _vega_bundle_cached() -> str:
    import vl_convert

    key = hashlib.sha256((vl_convert.__version__ + _EMBED_SNIPPET).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "service-workbooks"
    cached = cache / f"vega-bundle-{key}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle(_EMBED_SNIPPET)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(bundle, encoding="utf-8")
        partial.replace(cached)
    except OSError:  # a read-only home is fine: bundle again next time
        pass
    return bundle


def render_report(
    notebook: dict,
    title: str,
    summary: dict | None = None,
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
    """
    summary = summary or {}
    body: list[str] = []
    charts = 0
    for cell in notebook.cells:
        if _SKIPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            body.append(_markdown(cell.source))
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                fragment, is_chart = _render_output(output, charts)
                charts += is_chart
                if fragment:
                    body.append(fragment)
    script = ""
    if charts:
        script = "<script>" + vega_bundle().replace("</script", "<\\/script") + "</script>"
    return _PAGE.format(
        title=html.escape(title),
        css=_CSS,
        title_block=_title_block(title, summary),
        body="\n".join(body),
        script=script,
        noscript="<noscript><p>The charts in this report need JavaScript. The tables give the same "
        "figures.</p></noscript>" if charts else "",
    )


def _render_output(output: dict, chart_number: int) -> tuple[str, bool]:
    if output.get("output_type") not in {"display_data", "execute_result"}:
        return "", False  # streams, warnings and errors are for the analyst, not the report
    data = output.get("data", {})
    if SUMMARY_MIMETYPE in data or "application/vnd.jupyter.widget-view+json" in data:
        return "", False
    for mimetype, spec in data.items():
        if _VEGALITE.match(mimetype):
            return _chart(spec, chart_number), True
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


def _chart(spec: dict | str, number: int) -> str:
    if isinstance(spec, str):
        spec = json.loads(spec)
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    description = spec.get("description") or ""
    spec = {key: value for key, value in spec.items() if key != "$schema"}  # a URL, never fetched
    spec_json = json.dumps(spec, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return (
        f'<figure class="sw-chart">'
        f'<div class="sw-vega" id="chart-{number}" data-spec="spec-{number}" '
        f'aria-label="{html.escape(str(title or "Chart"))}"></div>'
        f'<figcaption>{html.escape(description)}</figcaption>'
        f'<script type="application/json" id="spec-{number}">{spec_json}</script>'
        f"</figure>"
    )


def _title_block(title: str, summary: dict) -> str:
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
    facts = "".join(
        f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(str(value))}</dd></div>"
        for label, value in rows
    )
    return f'<header class="sw-title"><h1>{html.escape(title)}</h1><dl>{facts}</dl></header>'


_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
{title_block}
{noscript}
{body}
</main>
{script}
</body>
</html>
"""

_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a; font: 16px/1.5 Arial, Helvetica, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .75rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 .75rem; padding-top: 1rem; border-top: 1px solid #b1b4b6; }
h3 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
p, li { max-width: 44rem; }
a { color: #1d70b8; }
.sw-title { border-bottom: 4px solid #1d70b8; padding-bottom: 1rem; margin-bottom: 1.5rem; }
.sw-title dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.sw-title dl div { display: contents; }
.sw-title dt { font-weight: bold; color: #505a5f; }
.sw-title dd { margin: 0; }
.sw-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; margin: 1rem 0 1.5rem; }
.sw-card { border: 1px solid #b1b4b6; border-left: 6px solid #1d70b8; padding: .6rem .8rem; }
.sw-card p { margin: 0; }
.sw-card-label { font-weight: bold; color: #505a5f; font-size: .9rem; }
.sw-card-figure { font-size: 2rem; font-weight: bold; line-height: 1.2; }
.sw-card-note { font-size: .9rem; color: #505a5f; }
.sw-chart { margin: 1.25rem 0 1.75rem; }
.sw-chart figcaption { color: #505a5f; font-size: .9rem; max-width: 44rem; margin-top: .35rem; }
.sw-vega { max-width: 100%; overflow-x: auto; }
.sw-table { border-collapse: collapse; margin: 1rem 0 1.5rem; font-size: .95rem; }
.sw-table caption { text-align: left; font-weight: bold; padding-bottom: .4rem; }
.sw-table th, .sw-table td { border-bottom: 1px solid #b1b4b6; padding: .3rem .75rem .3rem 0; text-align: left; vertical-align: top; }
.sw-table thead th { border-bottom: 2px solid #505a5f; }
.sw-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.sw-table tbody th { font-weight: normal; min-width: 5.5em; }
.sw-table td.num { white-space: nowrap; }
.sw-note { background: #f3f2f1; border-left: 6px solid #505a5f; padding: .6rem .9rem; }
blockquote { margin: .5rem 0; padding-left: 1rem; border-left: 4px solid #b1b4b6; color: #333; }
.sw-table-scroll { max-width: 100%; overflow-x: auto; margin: 1rem 0 1.5rem; }
.sw-table-scroll:focus { outline: 3px solid #ffdd00; outline-offset: 2px; }
.sw-table-scroll > .sw-table { margin: 0; }
.sw-matrix td.sw-matrix-cell { white-space: nowrap; vertical-align: middle; }
.sw-matrix th[scope="row"] { position: sticky; left: 0; z-index: 1; background: #fff; }
.sw-matrix .sw-icon-pair { display: inline-flex; gap: 2px; vertical-align: middle; margin-left: .35rem; }
.sw-icon-pair-words { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .75rem 0 1rem; }
.sw-icon-item { display: inline-flex; align-items: center; gap: .5rem; max-width: 24rem; }
.sw-icon-kind { font-weight: bold; }
.sw-icon-key { font-size: .9rem; margin: .5rem 0 1.5rem; }
.sw-icon-key p { margin: .6rem 0 .3rem; }
.sw-icon-list { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: .3rem 1rem; }
.sw-icon-list li { display: flex; align-items: center; gap: .4rem; max-width: none; }
@media (max-width: 40rem) { h1 { font-size: 1.6rem; } .sw-table { font-size: .85rem; } }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  .sw-chart, .sw-table, .sw-cards { break-inside: avoid; }
  a { color: inherit; }
  .sw-table-scroll { overflow: visible; }
}
"""
