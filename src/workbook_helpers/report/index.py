"""The index page of a batch: every report of every team on one page, with its headline figures.

``OUT/index.html`` is self-contained like the reports (the same house style, no script, nothing
fetched from any other address, a Content-Security-Policy that says so), lists teams down the
side and workbooks across the top, links each cell to its report by a relative path inside the
folder, and shows a failed run as failed with its error line. On a narrow screen each team
becomes a card; printed, each link shows the file it points to.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from workbook_helpers import __version__, clock

from workbook_helpers.present import palette
from workbook_helpers.formatting import HIDDEN, MISSING, SYMBOL_MEANINGS, fmt_date, symbol_html, fmt_int, fmt_money, fmt_number, fmt_pct, is_finite, plural
from workbook_helpers.outputs import write_atomic
from workbook_helpers.privacy.policy import AUDIENCE_SHORT
from workbook_helpers.report.html import _CSS as _REPORT_CSS  # one house style for reports and their index
from workbook_helpers.run.naming import chosen_selections, without_audience
from workbook_helpers.data.teams import is_all_teams

#: What the symbols a figure may show mean, in the same words as the reports' notes.
SYMBOLS = {  # the words every report uses (formatting.SYMBOL_MEANINGS), and what they mean here
    HIDDEN: SYMBOL_MEANINGS[HIDDEN],
    MISSING: f"{SYMBOL_MEANINGS[MISSING]}: this run's summary does not give it",
}
#: The words shown in a run's cell when its JSON summary cannot be read.
UNREADABLE = "Summary unreadable"


def _spending(value) -> str:
    if not is_finite(value):
        return fmt_money(value)
    word = "over budget" if value > 0 else "under budget" if value < 0 else "on budget"
    return f"{fmt_money(abs(value))} {word}" if value else "on budget"


def _count_of(value) -> str:
    return fmt_int(len(value)) if isinstance(value, (dict, list)) else fmt_int(value)


INDEX_NAME = "index.html"

#: How the index writes a headline figure of each kind a workbook declares
#: (:class:`workbook_helpers.run.registry.Headline`).
SHOW = {
    "count": fmt_int,
    "share": fmt_pct,
    "number": lambda value: fmt_number(value, 1),
    "items": _count_of,
    "spending": _spending,
}


def _title(workbook: str) -> str:
    from workbook_helpers.run.registry import WORKBOOKS

    return WORKBOOKS[workbook].index_title if workbook in WORKBOOKS else workbook


def headline_figures(workbook: str, summary: object) -> list[tuple[str, str]]:
    """(label, figure as shown) for a run's headline figures, in the house style.

    Takes whatever the summary holds: a number, the hidden marker ``"[c]"``, ``null``, NaN,
    text or a nested object. A figure listed in the summary's ``hidden`` is shown as ``[c]``; one
    that is missing or not a number as ``[x]``. Never raises."""
    summary = summary if isinstance(summary, dict) else {}
    figures = summary.get("figures") if isinstance(summary.get("figures"), dict) else {}
    hidden = summary.get("hidden") if isinstance(summary.get("hidden"), dict) else {}
    from workbook_helpers.run.registry import WORKBOOKS

    shown = []
    declared = WORKBOOKS[workbook].headlines if workbook in WORKBOOKS else ()
    for key, label, show in ((h.key, h.label, SHOW[h.kind]) for h in declared):
        if key in hidden:
            shown.append((label, HIDDEN))
            continue
        try:
            text = show(figures.get(key))
        except Exception:  # a figure of a shape no formatter expects: not available
            text = MISSING
        shown.append((label, text))
    return shown


def figure_html(text: str) -> str:
    """A figure as shown on the index: escaped, with ``[c]`` and ``[x]`` spelt out for a screen
    reader and on hover."""
    escaped = _esc(text)
    for symbol, meaning in SYMBOLS.items():
        escaped = escaped.replace(_esc(symbol), symbol_html(symbol, meaning=meaning))
    return escaped


def write_index(plan, manifest_runs: dict[str, dict], out: Path, now: datetime | None = None) -> Path:
    """Write ``out/index.html`` for ``plan`` from the manifest's entries and the runs' JSON
    summaries, under a temporary name first. Returns its path."""

    path = out / INDEX_NAME
    write_atomic(path, render_index(plan, manifest_runs, out, now))
    return path


def render_index(plan, manifest_runs: dict[str, dict], out: Path, now: datetime | None = None) -> str:
    """The index page's HTML (see the module's docstring)."""

    now = now or clock.now()
    workbooks = list(dict.fromkeys(run.workbook for run in plan.runs))
    teams: dict[str, list] = {}
    for run in plan.runs:
        teams.setdefault(run.team, []).append(run)
    order = sorted(teams, key=lambda team: (not is_all_teams(team), str(team).casefold()))
    counts = {"ok": 0, "failed": 0, "other": 0}
    symbols_used: set[str] = set()
    rows = []
    for team in order:
        label = teams[team][0].team_label
        cells = [f'<th scope="row">{_esc(label)}</th>']
        for workbook in workbooks:
            runs = [run for run in teams[team] if run.workbook == workbook]
            title = _title(workbook)
            if not runs:
                cells.append(f'<td class="sw-empty" data-label="{_esc(title)}"><span aria-label="no run">–</span></td>')
                continue
            parts = []
            for run in runs:
                entry = manifest_runs.get(run.key) or {}
                status = entry.get("status")
                counts[status if status in counts else "other"] += 1
                parts.append(_run_cell(run, entry, out, title, label, symbols_used))
            cells.append(f'<td data-label="{_esc(title)}">{"".join(parts)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = '<th scope="col">Team</th>' + "".join(
        f'<th scope="col">{_esc(_title(workbook))}</th>' for workbook in workbooks
    )
    total = len(plan.runs)
    said = [f"{fmt_int(counts['ok'])} succeeded", f"{fmt_int(counts['failed'])} failed"]
    if counts["other"]:
        said.append(f"{fmt_int(counts['other'])} not run yet or not finished")
    facts = [
        ("Batch", plan.name),
        ("Produced", f"{fmt_date(now)} at {now:%H:%M}"),
        ("Reports", f"{plural(total, 'run')}: {', '.join(said)}"),
        ("Made with", f"Service Workbooks {__version__}"),
    ]
    facts_html = "".join(f"<div><dt>{_esc(k)}</dt><dd>{_esc(v)}</dd></div>" for k, v in facts)
    note = ""
    if counts["failed"]:
        note = (f'<p class="sw-note">{_esc(plural(counts["failed"], "run"))} failed: the table says why and '
                "where. Put the data right and run the batch again; only what changed or failed runs again.</p>")
    table = (
        '<div class="sw-batch-wrap"><table class="sw-table sw-batch">'
        "<caption>Reports by team and workbook, with each report's headline figures</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    key = [f"<li><strong>{_esc(symbol)}</strong>: {_esc(meaning)}.</li>"
           for symbol, meaning in SYMBOLS.items() if symbol in symbols_used]
    if key:
        table += f'<div class="sw-note"><p>What the symbols mean:</p><ul>{"".join(key)}</ul></div>'
    if symbols_used & {UNREADABLE}:
        table += ('<p class="sw-note">A report whose summary could not be read is still there to '
                  "open; run the batch again with <code>--force</code> to write its summary anew.</p>")
    return _PAGE.format(
        title=_esc(f"Reports: {plan.name}"),
        css=_REPORT_CSS + _INDEX_CSS,
        header=f'<header class="sw-title"><h1>{_esc(f"Reports: {plan.name}")}</h1><dl>{facts_html}</dl></header>',
        body=note + table,
    )


def _run_cell(run, entry: dict, out: Path, title: str, team_label: str, symbols_used: set[str]) -> str:
    """One run in its cell: a link to the report and its figures, or why there is none. Adds
    the symbols its figures show to ``symbols_used``."""
    status = entry.get("status")
    variant = _variant(run)
    heading = f'<p class="sw-variant">{_esc(variant)}</p>' if variant else ""
    audience = AUDIENCE_SHORT.get(str(run.parameters.get("audience") or ""))
    if audience:
        heading += f'<p class="sw-audience">{_esc(audience)}</p>'
    hidden = f'<span class="sw-hidden">: {_esc(title)}{", " + _esc(variant) if variant else ""} for {_esc(team_label)}</span>'
    if status == "ok":
        html_path = (entry.get("outputs") or {}).get("html")
        figures = _read_figures(run.workbook, out, (entry.get("outputs") or {}).get("summary"))
        if figures is None:
            symbols_used.add(UNREADABLE)
            listed = f'<p class="sw-unreadable">{UNREADABLE}.</p>'
        else:
            symbols_used.update(symbol for _, value in figures for symbol in SYMBOLS if symbol in value)
            listed = "".join(f"<div><dt>{_esc(label)}</dt><dd>{figure_html(value)}</dd></div>"
                             for label, value in figures)
            listed = f'<dl class="sw-figures">{listed}</dl>' if listed else ""
        pdf_path = (entry.get("outputs") or {}).get("pdf")
        pdf = f' <a class="sw-pdf" href="{_href(pdf_path)}">PDF{hidden}</a>' if pdf_path else ""
        return (
            f'<div class="sw-run sw-ok">{heading}'
            f'<a href="{_href(html_path)}">Open the report{hidden}</a>{pdf}{listed}</div>'
        )
    if status == "failed":  # the cell it stopped in is for the analyst: the terminal and manifest say it
        notebook = entry.get("failed_notebook")
        link = (f'<a href="{_href(notebook)}">The notebook as far as it ran{hidden}</a>'
                if notebook and (out / notebook).is_file() else "")
        return (
            f'<div class="sw-run sw-failed">{heading}<p><strong>Failed</strong>: '
            f'{_esc(entry.get("error") or "no reason recorded")}</p>{link}</div>'
        )
    reason = "Stopped before it finished" if status == "interrupted" else "Not run yet"
    return f'<div class="sw-run sw-pending">{heading}<p>{reason}.</p></div>'


def _variant(run) -> str:
    """What tells two runs of a workbook for one team apart (the service or cohort), if any."""
    chosen = chosen_selections(run.parameters)
    if chosen:
        return ", ".join(chosen)
    stem = without_audience(run.stem, run.parameters.get("audience"))  # the audience has its own line
    return "" if stem == run.workbook else stem.replace("_", " ")


def _read_figures(workbook: str, out: Path, summary_path: str | None) -> list[tuple[str, str]] | None:
    """The run's headline figures as shown, or None when its summary is missing, cut short or
    not a JSON object."""
    if not summary_path:
        return None
    try:
        summary = json.loads((out / summary_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # ValueError covers bad JSON and bytes that are not UTF-8
        return None
    if not isinstance(summary, dict):
        return None
    return headline_figures(workbook, summary)


def _href(relative: str | None) -> str:
    """A link inside the folder: a relative path, each part percent-encoded."""
    from urllib.parse import quote

    return html.escape("/".join(quote(part) for part in Path(relative or "").parts), quote=True)


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main class="sw-index">
{header}
{body}
</main>
</body>
</html>
"""

_INDEX_CSS = palette.css("""
.sw-index { max-width: 80rem; }
.sw-batch-wrap { overflow-x: auto; }
.sw-batch { width: 100%; }
.sw-batch td, .sw-batch tbody th { min-width: 12rem; }
.sw-batch tbody th { font-weight: bold; }
.sw-run + .sw-run { margin-top: .6rem; padding-top: .6rem; border-top: 1px dashed $rule; }
.sw-run p { margin: 0 0 .2rem; }
.sw-variant { font-weight: bold; color: $muted; }
.sw-run .sw-audience { font-size: .9rem; font-weight: normal; color: $muted; margin: 0 0 .2rem; }
.sw-figures { display: grid; grid-template-columns: 1fr max-content; gap: .1rem .75rem; margin: .35rem 0 0; font-size: .9rem; }
.sw-figures div { display: contents; }
.sw-figures dt { color: $muted; }
.sw-figures dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: bold; }
.sw-failed { border-left: 5px solid $error; padding-left: .5rem; }
.sw-failed strong { color: $error; }
.sw-pending p { color: $muted; }
.sw-pdf { margin-left: .5rem; }
.sw-unreadable { color: $muted; font-style: italic; margin: .35rem 0 0; }
.sw-figures abbr { text-decoration: underline dotted; cursor: help; }
.sw-empty { color: $muted; }
.sw-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  .sw-batch, .sw-batch tbody, .sw-batch tr, .sw-batch th, .sw-batch td { display: block; width: auto; min-width: 0; }
  .sw-batch caption { display: block; }
  .sw-batch thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .sw-batch tr { border: 1px solid $rule; border-left: 6px solid $link; margin: 0 0 1rem; padding: .5rem .75rem; }
  .sw-batch th, .sw-batch td { border: 0; padding: .3rem 0; }
  .sw-batch tbody th { font-size: 1.15rem; }
  .sw-batch td::before { content: attr(data-label); display: block; font-weight: bold; }
  .sw-batch td.sw-empty { display: none; }
}
@media print {
  .sw-index { max-width: none; }
  .sw-batch-wrap { overflow: visible; }
  .sw-batch tr { break-inside: avoid; }
  .sw-batch a::after { content: " (" attr(href) ")"; font-size: .8em; word-break: break-all; }
  .sw-failed strong { color: inherit; }
}
""")
