"""What a workbook cell calls to show things: narration, headline figures, tables, the summary.

Everything shown goes through here, so data values are escaped on the way out: a team name or a
customer's words that contain markup are shown as text, never run.

The report's audience (:mod:`workbook_helpers.privacy.policy`, set once in the workbook's setup cell) is
applied by the privacy layer, not here: a workbook's view declares *what* its numbers are (a column
of counts, its totals, a share and its denominator), :mod:`workbook_helpers.privacy.shown` applies
the audience to the declaration and gives back a :class:`~workbook_helpers.privacy.shown.ShownTable`
or :class:`~workbook_helpers.privacy.shown.Card`, and these helpers draw what it leaves:

- in a ``public`` report, counts of 1 to ``suppress_below - 1`` in table columns of kind
  ``count`` become ``[c]``, and tables with totals get secondary suppression
  (:func:`disclosure.suppress_table`); declared shares that rest on few people, or would give a
  hidden count away, become ``[c]``; headline cards give such a figure as its bound ("fewer
  than 5", "under 17%"); the summary gives it as null and lists it under ``hidden``;
- in ``team`` and ``organisation`` reports every count is shown; free text only in the team's
  report, and only where asked for.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML, Markdown, display

from workbook_helpers.privacy import audience, disclosure
from workbook_helpers.privacy.shown import CHECKED_KINDS, Card, ShownTable
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import (
    MISSING, esc, symbol_html, fmt_date_short, fmt_hours, fmt_int, fmt_money, fmt_number, fmt_pct, plural,
)
from workbook_helpers.data.inputs import find_input  # noqa: F401 (for workbooks)
from workbook_helpers.outputs import SUMMARY_MIMETYPE, json_safe

__all__ = [
    "say", "say_text", "show_free_text", "headline_cards", "count_text", "table_html", "show_table", "record_summary", "input_record", "SUPPRESSED_HTML",
]

_FORMATTERS = {
    "int": fmt_int,
    "count": fmt_int,  # a count of people, cases, items or contacts: hidden when small in publish
    "pct": lambda v: fmt_pct(v, 1),
    "pct0": fmt_pct,
    "number": fmt_number,
    "hours": fmt_hours,
    "money": fmt_money,
    "date": fmt_date_short,
    "text": lambda v: MISSING if v is None or (isinstance(v, float) and math.isnan(v)) else str(v),
    "figure": str,  # already formatted, shown as a number
}
_NUMERIC = {"int", "count", "pct", "pct0", "number", "hours", "money", "figure"}

#: How a hidden value is shown in HTML: the GSS symbol, with its meaning for screen readers
#: and on hover.
SUPPRESSED_HTML = symbol_html(disclosure.SUPPRESSED, "sw-c")


def say(markdown: str) -> None:
    """Show a paragraph of narrative. Values taken from data must be passed through
    :func:`workbook_helpers.formatting.esc` (the f-strings in the workbooks do)."""
    display(Markdown(markdown))


# --------------------------------------------------------------------------------------------
# Free text


def show_free_text(requested: object) -> bool:
    """Whether free text (people's own words, what an action says, notes) may be shown: only
    in the team's report, and only when the workbook's parameter asked for it with a real ``True``.
    Use it as the gate: ``if show_free_text(show_what_matters): ...``."""
    return audience.allows_text(requested)


def say_text(text: str | Iterable[str], requested: object) -> bool:
    """Show free text, escaped, only where :func:`show_free_text` allows it: one paragraph for
    a string, a list for several. Returns whether anything was shown. Blank items are skipped."""
    if not show_free_text(requested):
        return False
    items = [text] if isinstance(text, str) else list(text)
    items = [str(item) for item in items if item is not None and str(item).strip()
             and not (isinstance(item, float) and math.isnan(item))]
    if not items:
        return False
    if len(items) == 1:
        body = f'<p class="sw-free-text">{esc(items[0])}</p>'
    else:
        body = '<ul class="sw-free-text">' + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"
    display(HTML(body))
    return True


# --------------------------------------------------------------------------------------------
# Headline cards


def _card(item: Card | tuple) -> Card:
    if isinstance(item, Card):
        card = item
    elif isinstance(item, tuple) and len(item) in (3, 4):
        card = Card(*item)
    else:
        raise ParameterError(
            "headline_cards: each card must be (label, figure, note), (label, value, note, kind) "
            f"or a Card; got {item!r}."
        )
    if card.kind not in _FORMATTERS and card.kind not in CHECKED_KINDS:
        raise ParameterError(
            f"headline_cards: the card {card.label!r} has kind {card.kind!r}; expected count, "
            f"share or one of {', '.join(sorted(_FORMATTERS))}."
        )
    if (card.kind in CHECKED_KINDS or card.denominator is not None) and not card.checked:
        raise ParameterError(
            f"headline_cards: the card {card.label!r} is a count or a share, which the report's "
            "audience may hide: make it with count_card or share_card (workbook_helpers.privacy.shown)."
        )
    return card


def _card_figure(card: Card) -> str:
    """The card's figure as HTML: the bound the report gives a hidden figure ("fewer than 5",
    "under 17%"), never a bare [c]."""
    if card.bound is not None:
        return esc(card.bound.words(percent=card.kind == "share"))
    if card.kind == "share":
        return esc(fmt_pct(card.value))
    return esc(_FORMATTERS[card.kind](card.value))


def headline_cards(cards: list[Card | tuple]) -> None:
    """Show the headline figures as a row of cards.

    Each card is a :class:`~workbook_helpers.privacy.shown.Card` (counts and shares made by
    :func:`~workbook_helpers.privacy.shown.count_card` and
    :func:`~workbook_helpers.privacy.shown.share_card`, which apply the report's audience), a
    tuple ``(label, figure, note)`` with the figure already written as text, or ``(label, value,
    note, kind)``. A figure the report hides reads as its bound ("fewer than 5", "under 17%"),
    and a note under the cards says why."""
    items, notes = [], []
    for card in map(_card, cards):
        if card.why and card.why not in notes:
            notes.append(card.why)
        items.append(
            f'<div class="sw-card"><p class="sw-card-label">{esc(card.label)}</p>'
            f'<p class="sw-card-figure">{_card_figure(card)}</p><p class="sw-card-note">{esc(card.note)}</p></div>'
        )
    note = "".join(f'<p class="sw-suppression-note">{html.escape(sentence)}</p>' for sentence in notes)
    display(HTML(f'<div class="sw-cards">{"".join(items)}</div>{note}'))


def count_text(value: object, singular: str, plural_form: str | None = None) -> str:
    """A count in words for narrative and card notes, given as its bound when small in a public
    report: ``count_text(3, "case")`` -> ``"3 cases"``, or ``"fewer than 5 cases"``
    (:func:`workbook_helpers.privacy.bounds.count_bound`, one wording everywhere)."""
    return audience.count_phrase(value, singular, plural_form)


# --------------------------------------------------------------------------------------------
# Tables


def table_html(table: ShownTable, caption: str) -> str:
    """An accessible HTML table: a caption, column headers with scope, numbers formatted in the
    house style and right-aligned, every cell escaped.

    ``table`` is a :class:`~workbook_helpers.privacy.shown.ShownTable`, made by the workbook's
    view with :func:`~workbook_helpers.privacy.shown.shown_table`: the report's audience has
    already decided which cells are hidden. They are drawn as ``[c]``, with the note that says
    why under the table; nothing is decided here. Column kinds: ``count`` (a count of people,
    cases, items or contacts), ``int`` (a whole number that is not a count of people, such as
    days), ``pct`` (1 dp), ``pct0``, ``number``, ``hours``, ``money``, ``date``, ``text`` or
    ``figure`` (already written). The first column heads each row.
    """
    if not isinstance(table, ShownTable):
        raise ParameterError(
            f"A table is shown only once the report's audience has been applied to it (shown_table in "
            f"workbook_helpers.privacy.shown, or the workbook's view); got {type(table).__name__}."
        )
    columns = table.columns
    for column, (_, kind) in columns.items():
        if kind not in _FORMATTERS:
            raise ParameterError(
                f"table_html: column {column!r} has kind {kind!r}; expected one of "
                f"{', '.join(sorted(_FORMATTERS))}."
            )
    head = "".join(
        f'<th scope="col"{" class=num" if kind in _NUMERIC else ""}>{esc(label)}</th>'
        for label, kind in columns.values()
    )
    body = []
    hidden = table.hidden.to_numpy()
    for row, record in enumerate(table.frame[list(columns)].itertuples(index=False)):
        cells = []
        for position, (value, (_, kind)) in enumerate(zip(record, columns.values())):
            text = SUPPRESSED_HTML if hidden[row, position] else esc(_FORMATTERS[kind](value))
            if position == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td{" class=num" if kind in _NUMERIC else ""}>{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = table.note()
    return (
        f'<table class="sw-table"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        + (f'<p class="sw-suppression-note">{html.escape(note)}</p>' if note else "")
    )


def show_table(table: ShownTable, caption: str) -> None:
    """Display :func:`table_html`."""
    display(HTML(table_html(table, caption)))


# --------------------------------------------------------------------------------------------
# The run's summary


def record_summary(
    figures: dict,
    tables: dict[str, pd.DataFrame] | None = None,
    inputs: list[dict] | None = None,
    warnings: list[str] | None = None,
    context: dict | None = None,
    counts: Iterable[str] | None = None,
    table_counts: Mapping[str, Iterable[object]] | None = None,
    rates: Mapping[str, object] | None = None,
    table_rates: Mapping[str, Mapping[object, object]] | None = None,
    table_totals: Mapping[str, Mapping[str, object]] | None = None,
) -> dict:
    """Record the run's headline figures for the JSON summary the runner writes.

    The summary travels inside the executed notebook as an output of its own kind, which reports
    do not show; ``workbook run`` reads it back. Returns the summary.

    In a public report, what is declared is hidden: its value in the summary is ``null`` (never
    a string where a number belongs), and ``hidden`` lists it with why (``{"open_cases":
    {"reason": "small count", "below": 5, "under": 5}}``); anything else that arrives as
    ``"[c]"`` (in a figure, a nested figure or a table) is ``null`` and listed the same way:

    ``counts``
        Keys of ``figures`` that are counts of people, cases, items or contacts: 1 to
        ``suppress_below - 1`` is hidden.
    ``rates``
        ``{figure_key: denominator}``: a share among the figures and what it is out of (another
        figure's key, or a number). Hidden when it rests on few, or gives a small count away.
    ``table_counts``
        ``{table_name: [count columns]}`` for ``tables`` (or a table among ``figures``): small
        counts hidden column by column (primary suppression), or against ``table_totals``.
    ``table_rates``, ``table_totals``
        ``{table_name: {...}}``, as ``rates`` and ``totals`` of
        :func:`workbook_helpers.privacy.audience.protect_table`.

    ``context["audience"]`` and ``context["suppress_below"]`` always record the policy in force,
    so the runner can check the workbook applied the one it was asked for.
    """
    figures, tables, hidden = audience.protect_summary(
        figures, tables, counts=counts, rates=rates, table_counts=table_counts, table_rates=table_rates,
        table_totals=table_totals,
    )
    context = {**(context or {}), **audience.audience_context()}
    summary = json_safe(
        {
            "figures": figures,
            "tables": tables,
            "inputs": inputs or [],
            "warnings": warnings or [],
            "hidden": hidden,
            "context": context,
        }
    )
    display({SUMMARY_MIMETYPE: summary, "text/plain": _summary_line(summary)}, raw=True)
    return RecordedSummary(summary)


class RecordedSummary(dict):
    """The summary :func:`record_summary` returns: a plain dict, except that a notebook cell
    ending in ``record_summary(...)`` does not echo it as an ``Out[...]`` value (the cell has
    already shown its one line)."""

    def _ipython_display_(self) -> None:
        pass


def _summary_line(summary: dict) -> str:
    """One short line saying what was recorded for the run's JSON summary."""
    counted = f'{plural(len(summary["figures"]), "figure")}, {plural(len(summary["tables"]), "table")}'
    warnings = plural(len(summary["warnings"]), "warning")
    return f"Summary recorded for the run's JSON file: {counted} and {warnings}."


def input_record(frame: pd.DataFrame) -> dict:
    """What the JSON summary says about an input file: path, sha256 and rows."""
    source = frame.attrs.get("source", {})
    return {"path": source.get("path"), "sha256": source.get("sha256"), "rows": source.get("rows")}
