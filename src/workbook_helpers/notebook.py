"""What a workbook cell calls to show things: narration, headline figures, tables, the summary.

Everything shown goes through here, so data values are escaped on the way out: a team name or a
customer's words that contain markup are shown as text, never run.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from IPython.display import HTML, Markdown, display

from .formatting import (
    MISSING, esc, fmt_date_short, fmt_hours, fmt_int, fmt_money, fmt_number, fmt_pct,
)
from .outputs import SUMMARY_MIMETYPE, find_input, json_safe  # noqa: F401 (find_input: for workbooks)

_FORMATTERS = {
    "int": fmt_int,
    "pct": lambda v: fmt_pct(v, 1),
    "pct0": fmt_pct,
    "number": fmt_number,
    "hours": fmt_hours,
    "money": fmt_money,
    "date": fmt_date_short,
    "text": lambda v: MISSING if v is None or (isinstance(v, float) and math.isnan(v)) else str(v),
    "figure": str,  # already formatted, shown as a number
}
_NUMERIC = {"int", "pct", "pct0", "number", "hours", "money", "figure"}


def say(markdown: str) -> None:
    """Show a paragraph of narrative. Values taken from data must be passed through
    :func:`workbook_helpers.formatting.esc` (the f-strings in the workbooks do)."""
    display(Markdown(markdown))


def headline_cards(cards: list[tuple[str, str, str]]) -> None:
    """Show the headline figures as a row of cards: (label, figure, note) each."""
    items = "".join(
        f'<div class="sw-card"><p class="sw-card-label">{esc(label)}</p>'
        f'<p class="sw-card-figure">{esc(figure)}</p><p class="sw-card-note">{esc(note)}</p></div>'
        for label, figure, note in cards
    )
    display(HTML(f'<div class="sw-cards">{items}</div>'))


def table_html(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], caption: str) -> str:
    """An accessible HTML table: a caption, column headers with scope, numbers formatted in the
    house style and right-aligned, every cell escaped. ``columns`` maps a column of ``frame`` to
    (heading, kind), kind one of int, pct (1 dp), pct0, number, hours, money, date, text."""
    head = "".join(
        f'<th scope="col"{" class=num" if kind in _NUMERIC else ""}>{esc(label)}</th>'
        for label, kind in columns.values()
    )
    body = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = []
        for position, (value, (_, kind)) in enumerate(zip(record, columns.values())):
            text = esc(_FORMATTERS[kind](value))
            if position == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td{" class=num" if kind in _NUMERIC else ""}>{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="sw-table"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def show_table(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], caption: str) -> None:
    """Display :func:`table_html`."""
    display(HTML(table_html(frame, columns, caption)))


def record_summary(
    figures: dict,
    tables: dict[str, pd.DataFrame] | None = None,
    inputs: list[dict] | None = None,
    warnings: list[str] | None = None,
    context: dict | None = None,
) -> dict:
    """Record the run's headline figures for the JSON summary the runner writes.

    The summary travels inside the executed notebook as an output of its own kind, which reports
    do not show; ``workbook run`` reads it back. Returns the summary.
    """
    summary = json_safe(
        {
            "figures": figures,
            "tables": tables or {},
            "inputs": inputs or [],
            "warnings": warnings or [],
            "context": context or {},
        }
    )
    display(
        {SUMMARY_MIMETYPE: summary, "text/plain": "Summary recorded: " + json.dumps(summary["figures"])},
        raw=True,
    )
    return summary


def input_record(frame: pd.DataFrame) -> dict:
    """What the JSON summary says about an input file: path, sha256 and rows."""
    source = frame.attrs.get("source", {})
    return {"path": source.get("path"), "sha256": source.get("sha256"), "rows": source.get("rows")}
