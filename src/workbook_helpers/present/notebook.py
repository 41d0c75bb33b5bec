"""What a workbook cell calls to show things: narration, headline figures, tables, the summary.

Everything shown goes through here, so data values are escaped on the way out: a team name or a
customer's words that contain markup are shown as text, never run.

The report's audience (:mod:`workbook_helpers.privacy.policy`, set once in the workbook's setup cell) is
applied here too, so a workbook declares *what* its numbers are (a column of counts, its totals,
a share and its denominator) and never decides by itself what to hide:

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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from workbook_helpers.privacy import disclosure
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.formatting import (
    MISSING, SYMBOL_MEANINGS, esc, fmt_date_short, fmt_hours, fmt_int, fmt_money, fmt_number, fmt_pct, is_missing,
    plural,
)
from workbook_helpers.run.outputs import SUMMARY_MIMETYPE, find_input, json_safe  # noqa: F401 (find_input: for workbooks)
from workbook_helpers.privacy.policy import ReportPolicy, current_policy

__all__ = [
    "say", "say_text", "show_free_text", "headline_cards", "Card", "count_card", "share_card",
    "count_text", "table_html", "show_table", "protect_table", "ProtectedTable",
    "record_summary", "input_record", "suppression_note", "SUPPRESSED_HTML",
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
_SHARE_KINDS = {"pct", "pct0", "share"}

#: How a hidden value is shown in HTML: the GSS symbol, with its meaning for screen readers
#: and on hover.
SUPPRESSED_HTML = (
    f'<abbr class="sw-c" title="{SYMBOL_MEANINGS[disclosure.SUPPRESSED]}">{disclosure.SUPPRESSED}</abbr>'
)


def say(markdown: str) -> None:
    """Show a paragraph of narrative. Values taken from data must be passed through
    :func:`workbook_helpers.present.formatting.esc` (the f-strings in the workbooks do)."""
    display(Markdown(markdown))


# --------------------------------------------------------------------------------------------
# Free text


def show_free_text(requested: object) -> bool:
    """Whether free text (people's own words, what an action says, notes) may be shown: only
    in the team's report, and only when the workbook's parameter asked for it with a real ``True``.
    Use it as the gate: ``if show_free_text(show_what_matters): ...``."""
    return current_policy().allows_text(requested)


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


@dataclass(frozen=True)
class Card:
    """One headline figure: ``label``, ``value``, ``note`` and the ``kind`` of value.

    ``kind`` is ``"figure"`` (already written as text; shown as it is), ``"count"`` (a count of
    people, cases, items or contacts: its bound, "fewer than 5", when small in a public report),
    ``"share"`` (a share out of ``denominator``, written as a whole percentage; its bound, "under
    17%", when it rests on few people or gives a small count away), or any column kind of
    :func:`table_html`."""

    label: str
    value: object
    note: str = ""
    kind: str = "figure"
    denominator: object = None


def count_card(label: str, value: object, note: str = "") -> Card:
    """A headline card for a count of people, cases, items or contacts."""
    return Card(label, value, note, "count")


def share_card(label: str, share: object, denominator: object, note: str = "") -> Card:
    """A headline card for a share (0.64 shows as 64%) out of ``denominator`` people or cases."""
    return Card(label, share, note, "share", denominator)


def _card(item: Card | tuple) -> Card:
    if isinstance(item, Card):
        card = item
    elif isinstance(item, tuple) and len(item) == 3:
        card = Card(*item)
    elif isinstance(item, tuple) and len(item) == 4:
        card = Card(*item)
    else:
        raise ParameterError(
            "headline_cards: each card must be (label, figure, note), (label, value, note, kind) "
            f"or a Card; got {item!r}."
        )
    if card.kind not in _FORMATTERS and card.kind != "share":
        raise ParameterError(
            f"headline_cards: the card {card.label!r} has kind {card.kind!r}; expected count, "
            f"share or one of {', '.join(sorted(_FORMATTERS))}."
        )
    return card


def _card_figure(card: Card, policy: ReportPolicy) -> tuple[str, str | None]:
    """The card's figure as HTML, and what was hidden (None, "count" or "share"). A hidden
    figure is given as the bound it implies ("fewer than 5", "under 17%"), never a bare [c]."""
    if card.kind == "count" and policy.hides(card.value):
        bound = disclosure.count_bound(card.value, policy.suppress_below)
        return esc(bound.words() if bound else "not shown"), "count"
    if card.kind in _SHARE_KINDS and card.denominator is not None and policy.hides_small_numbers:
        if _share_hidden(card.value, card.denominator, None, policy.suppress_below):
            bound = disclosure.share_bound(card.value, card.denominator, policy.suppress_below)
            said = bound.words(percent=True) if bound is not None else "not shown"
            return esc(said), "share"
    if card.kind == "share":
        return esc(fmt_pct(card.value)), None
    return esc(_FORMATTERS[card.kind](card.value)), None


def headline_cards(cards: list[Card | tuple]) -> None:
    """Show the headline figures as a row of cards.

    Each card is a :class:`Card` (see :func:`count_card` and :func:`share_card`), a tuple
    ``(label, figure, note)`` with the figure already written as text, or ``(label, value,
    note, kind)``. In a public report a count of 1 to ``suppress_below - 1`` reads as its bound
    ("fewer than 5"), as does a share that rests on few ("under 17%"), and a note under the
    cards says why."""
    policy = current_policy()
    items, hidden = [], set()
    for card in map(_card, cards):
        figure, what = _card_figure(card, policy)
        if what:
            hidden.add(what)
        items.append(
            f'<div class="sw-card"><p class="sw-card-label">{esc(card.label)}</p>'
            f'<p class="sw-card-figure">{figure}</p><p class="sw-card-note">{esc(card.note)}</p></div>'
        )
    note = ""
    if hidden:
        sentence = bound_note(policy.suppress_below)
        note = f'<p class="sw-suppression-note">{html.escape(sentence)}</p>'
    display(HTML(f'<div class="sw-cards">{"".join(items)}</div>{note}'))


def bound_note(suppress_below: int) -> str:
    """What a figure given as a bound means, for under headline cards."""
    return (f"A figure given as \u201cfewer than {suppress_below}\u201d, or as a share \u201cunder\u201d or "
            "\u201cover\u201d a percentage, is a small number kept back to protect privacy: the bound is "
            "all this report says of it.")


def count_text(value: object, singular: str, plural_form: str | None = None) -> str:
    """A count in words for narrative and card notes, given as its bound when small in a public
    report: ``count_text(3, "case")`` -> ``"3 cases"``, or ``"fewer than 5 cases"``."""
    policy = current_policy()
    if policy.hides(value):
        return f"fewer than {policy.suppress_below} {plural_form or singular + 's'}"
    return plural(value, singular, plural_form)


# --------------------------------------------------------------------------------------------
# Protecting a table


@dataclass(frozen=True)
class ProtectedTable:
    """Which cells of a table a report hides, and why.

    ``mask``: booleans with the frame's index and columns, True where a value is hidden (all
    False in a team's report). ``primary``: how many counts were hidden as small;
    ``secondary``: how many more so that none can be worked out from the totals; ``rates``: how
    many shares were hidden. ``suppress_below``: the threshold used."""

    mask: pd.DataFrame
    primary: int = 0
    secondary: int = 0
    rates: int = 0
    suppress_below: int = 5

    @property
    def hidden(self) -> int:
        return self.primary + self.secondary + self.rates

    def note(self) -> str:
        """The sentence under the table ("" when nothing is hidden)."""
        if not self.hidden:
            return ""
        return suppression_note(self.suppress_below, primary=self.primary > 0,
                                secondary=self.secondary > 0, rates=self.rates > 0)


def suppression_note(
    suppress_below: int, primary: bool = True, secondary: bool = False, rates: bool = False
) -> str:
    """What ``[c]`` means, for under a table or the headline cards: ``"[c]: a count of 1 to 4,
    hidden to protect privacy; some other counts are hidden too, so that they cannot be worked
    out from the totals."``"""
    lowest, highest = 1, suppress_below - 1
    counts = f"{lowest}" if lowest == highest else f"{lowest} to {highest}"
    what = f"a count of {counts}, hidden to protect privacy" if primary else "hidden to protect privacy"
    parts = [f"{disclosure.SUPPRESSED}: {what}"]
    if secondary:
        parts.append("some other counts are hidden too, so that they cannot be worked out from the totals")
    if rates:
        parts.append(f"shares are hidden where they are out of fewer than {suppress_below} "
                     "or could give a hidden count away")
    return "; ".join(parts) + "."


def protect_table(
    frame: pd.DataFrame,
    counts: list[object],
    totals: Mapping[str, object] | None = None,
    rates: Mapping[object, object] | None = None,
    label_column: object | None = None,
    policy: ReportPolicy | None = None,
) -> ProtectedTable:
    """Work out which cells of ``frame`` a report hides under the current policy.

    Parameters
    ----------
    frame:
        The table as shown, one row per group; it may include a row of column totals.
    counts:
        The columns holding counts of people, cases, items or contacts (whole numbers of 0 or
        more; blanks allowed).
    totals:
        The totals already in the table: ``{"row": "Total"}`` says the row whose
        ``label_column`` equals ``"Total"`` holds the column totals; ``{"column": "demand"}``
        says the count column ``demand`` holds each row's total. Either or both. Totals need
        not be exact sums (a total of distinct people may be smaller); they are protected as if
        they were. With no totals, small counts alone are hidden (primary suppression); with
        them, enough other counts are hidden that none can be worked out by subtraction
        (:func:`workbook_helpers.privacy.disclosure.suppress_table`).
    rates:
        Shares shown with the counts: ``{share_column: denominator_column}`` or
        ``{share_column: (numerator_column, denominator_column)}``. A share is hidden where its
        denominator is 1 to ``suppress_below - 1``; where the count it stands for (its
        numerator, or share x denominator when no numerator is named) or the rest of the
        denominator is that small; where its numerator or denominator is hidden; and, when no
        numerator is named, where any count in its row is hidden.
    label_column:
        The column naming each row (the first column when None), searched for the total row.
    policy:
        The policy to apply (the current one when None). A team's report hides nothing, but
        the declarations are still checked, so a mistake shows up in JupyterLab too.

    Returns
    -------
    ProtectedTable
    """
    policy = policy or current_policy()
    where = "protect_table"
    counts = list(counts)
    totals = dict(totals or {})
    rates = dict(rates or {})
    for column in counts:
        if column not in frame.columns:
            raise ParameterError(f"{where}: the count column {column!r} is not in the table; it has "
                                 f"{', '.join(map(repr, frame.columns))}.")
    unknown = set(totals) - {"row", "column"}
    if unknown:
        raise ParameterError(f"{where}: totals may say only \"row\" (the label of the row of column "
                             f"totals) and \"column\" (the column of row totals); got {sorted(unknown)}.")
    if "column" in totals and totals["column"] not in counts:
        raise ParameterError(f"{where}: totals column {totals['column']!r} must be one of the count "
                             f"columns ({', '.join(map(repr, counts)) or 'none'}).")
    label_column = frame.columns[0] if label_column is None and len(frame.columns) else label_column
    total_row = None
    if "row" in totals and len(frame):
        found = np.flatnonzero((frame[label_column].astype(str) == str(totals["row"])).to_numpy())
        if len(found) != 1:
            raise ParameterError(
                f"{where}: totals row {totals['row']!r} should name exactly one row by its "
                f"{label_column!r}; found {len(found)}."
            )
        total_row = int(found[0])
    shapes = {}
    for rate, given in rates.items():
        numerator, denominator = given if isinstance(given, tuple) else (None, given)
        for role, column in (("rate", rate), ("denominator", denominator), ("numerator", numerator)):
            if column is not None and column not in frame.columns:
                raise ParameterError(f"{where}: the {role} column {column!r} of rates is not in the "
                                     f"table; it has {', '.join(map(repr, frame.columns))}.")
        shapes[rate] = (numerator, denominator)

    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    if not policy.hides_small_numbers or frame.empty:
        return ProtectedTable(mask, suppress_below=policy.suppress_below)

    k = policy.suppress_below
    primary = secondary = hidden_rates = 0
    if counts:
        grid = frame[counts].reset_index(drop=True)
        try:
            small = disclosure.primary_mask(grid, suppress_below=k)
            if total_row is not None or "column" in totals:
                checked = disclosure.suppress_table(
                    grid.apply(pd.to_numeric, errors="coerce").fillna(0),  # blanks: as if known
                    suppress_below=k,
                    row_totals=totals.get("column", False),
                    column_totals=total_row if total_row is not None else False,
                )
                counted = checked.mask
            else:
                counted = small
        except ValueError as error:
            raise ValueError(f"Columns of counts must hold whole numbers of 0 or more. {error}") from None
        primary = int(small.to_numpy().sum())
        secondary = int(counted.to_numpy().sum()) - primary
        for column in counts:
            mask[column] = counted[column].to_numpy()

    for rate, (numerator, denominator) in shapes.items():
        share = pd.to_numeric(frame[rate], errors="coerce").to_numpy(dtype=float)
        below = pd.to_numeric(frame[denominator], errors="coerce").to_numpy(dtype=float)
        top = (np.full(len(frame), np.nan) if numerator is None
               else pd.to_numeric(frame[numerator], errors="coerce").to_numpy(dtype=float))
        hide = np.array([_share_hidden(s, d, None if numerator is None else t, k)
                         for s, d, t in zip(share, below, top)], dtype=bool)
        hide |= mask[denominator].to_numpy()
        if numerator is not None:
            hide |= mask[numerator].to_numpy()
        elif counts:
            hide |= mask[counts].to_numpy().any(axis=1)
        hide &= ~np.isnan(share)  # a blank share stays not available ([x])
        already = mask[rate].to_numpy()
        hidden_rates += int((hide & ~already).sum())
        mask[rate] = already | hide
    return ProtectedTable(mask, primary, secondary, hidden_rates, k)


def _share_hidden(share: object, denominator: object, numerator: object, k: int) -> bool:
    """Whether a share out of ``denominator`` rests on too few, or gives a small count away
    (its numerator, or the rest of the denominator, from 1 to ``k - 1``). A share whose
    denominator is not known is hidden rather than guessed at; a blank share is not hidden."""
    if is_missing(share):
        return False
    try:
        below = float(denominator)  # type: ignore[arg-type]
        top = float(share) * below if is_missing(numerator) else float(numerator)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    if not (math.isfinite(below) and math.isfinite(top)):
        return True
    if 1 <= below < k:
        return True
    top = round(top)  # a share times its denominator: the count it stands for
    rest = below - top
    return (1 <= top < k) or (1 <= rest < k)


# --------------------------------------------------------------------------------------------
# Tables


def table_html(
    frame: pd.DataFrame,
    columns: dict[str, tuple[str, str]],
    caption: str,
    totals: Mapping[str, object] | None = None,
    rates: Mapping[object, object] | None = None,
) -> str:
    """An accessible HTML table: a caption, column headers with scope, numbers formatted in the
    house style and right-aligned, every cell escaped.

    ``columns`` maps a column of ``frame`` to (heading, kind), kind one of ``count`` (a count of
    people, cases, items or contacts), ``int`` (a whole number that is not a count of people,
    such as days), ``pct`` (1 dp), ``pct0``, ``number``, ``hours``, ``money``, ``date``,
    ``text`` or ``figure`` (already written). The first column heads each row.

    ``totals`` and ``rates`` say which totals and shares the table shows, as for
    :func:`protect_table` (the total row is found by the first column). In a public report,
    ``count`` columns are suppressed against those totals and shown as ``[c]``, declared shares
    are hidden likewise, and a note under the table says so, only when something was hidden.
    In a team's report the table is shown in full.
    """
    for column, spec in columns.items():
        if not (isinstance(spec, tuple) and len(spec) == 2 and spec[1] in _FORMATTERS):
            raise ParameterError(
                f"table_html: column {column!r} should be (heading, kind) with kind one of "
                f"{', '.join(sorted(_FORMATTERS))}; got {spec!r}."
            )
    if rates:
        for rate in rates:
            if rate not in columns:
                raise ParameterError(f"table_html: the rate column {rate!r} is not one of the table's "
                                     "columns.")
    counts = [column for column, (_, kind) in columns.items() if kind == "count"]
    protected = protect_table(frame, counts, totals, rates, label_column=next(iter(columns), None))
    head = "".join(
        f'<th scope="col"{" class=num" if kind in _NUMERIC else ""}>{esc(label)}</th>'
        for label, kind in columns.values()
    )
    body = []
    names = list(columns)
    shown = frame[names]
    hidden = protected.mask[names].to_numpy()
    for row, record in enumerate(shown.itertuples(index=False)):
        cells = []
        for position, (value, (_, kind)) in enumerate(zip(record, columns.values())):
            text = SUPPRESSED_HTML if hidden[row, position] else esc(_FORMATTERS[kind](value))
            if position == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td{" class=num" if kind in _NUMERIC else ""}>{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = protected.note()
    return (
        f'<table class="sw-table"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        + (f'<p class="sw-suppression-note">{html.escape(note)}</p>' if note else "")
    )


def show_table(
    frame: pd.DataFrame,
    columns: dict[str, tuple[str, str]],
    caption: str,
    totals: Mapping[str, object] | None = None,
    rates: Mapping[object, object] | None = None,
) -> None:
    """Display :func:`table_html`."""
    display(HTML(table_html(frame, columns, caption, totals=totals, rates=rates)))


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
        ``{table_name: {...}}``, as ``rates`` and ``totals`` of :func:`protect_table`.

    ``context["audience"]`` and ``context["suppress_below"]`` always record the policy in force,
    so the runner can check the workbook applied the one it was asked for.
    """
    policy = current_policy()
    figures = dict(figures)
    tables = dict(tables or {})
    table_counts = {name: list(columns) for name, columns in (table_counts or {}).items()}
    table_rates = dict(table_rates or {})
    table_totals = dict(table_totals or {})
    for name in set(table_counts) | set(table_rates) | set(table_totals):
        holder = tables if name in tables else figures
        if not isinstance(holder.get(name), pd.DataFrame):
            raise ParameterError(
                f"record_summary: {name!r} is declared for suppression but is not a table among "
                "tables or figures."
            )
        holder[name] = _suppressed_frame(
            holder[name], table_counts.get(name, []), table_totals.get(name), table_rates.get(name),
            policy,
        )
    hidden: dict[str, dict] = {}
    for key in counts or []:
        if key not in figures:
            raise ParameterError(f"record_summary: counts names {key!r}, which is not a figure.")
        if policy.hides(figures[key]):
            bound = disclosure.count_bound(figures[key], policy.suppress_below)
            hidden[key] = bound.as_json(policy.suppress_below)
            figures[key] = None
    for key, denominator in (rates or {}).items():
        if key not in figures:
            raise ParameterError(f"record_summary: rates names {key!r}, which is not a figure.")
        below = figures.get(denominator) if isinstance(denominator, str) else denominator
        if (policy.hides_small_numbers and not is_missing(figures[key]) and figures[key] != disclosure.SUPPRESSED
                and _share_hidden(figures[key], below, None, policy.suppress_below)):
            bound = disclosure.share_bound(figures[key], below, policy.suppress_below)
            hidden[key] = (bound or disclosure.Bound(reason="small denominator")).as_json(policy.suppress_below)
            figures[key] = None
    # Whatever else arrives hidden ("[c]" in a figure, a nested figure or a table) is null in
    # the summary too, so every number field holds a number or null, and is listed as hidden.
    figures = _nulled(figures, "", hidden, policy.suppress_below)
    tables = _nulled(tables, "tables.", hidden, policy.suppress_below)
    context = {**(context or {}), "audience": policy.audience, "suppress_below": policy.suppress_below}
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


def _nulled(value: object, path: str, hidden: dict, suppress_below: int) -> object:
    """``value`` with every ``"[c]"`` in it (in dicts, lists and frames) as None, each noted in
    ``hidden`` under its dotted path (a frame's hidden cells by the frame's path, counted)."""
    if isinstance(value, str) and value == disclosure.SUPPRESSED:
        hidden.setdefault(path.rstrip("."), {"reason": "hidden to protect privacy", "below": suppress_below})
        return None
    if isinstance(value, dict):
        return {key: _nulled(item, f"{path}{key}.", hidden, suppress_below) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nulled(item, f"{path}{i}.", hidden, suppress_below) for i, item in enumerate(value)]
    if isinstance(value, pd.DataFrame):
        marked = value.map(lambda cell: isinstance(cell, str) and cell == disclosure.SUPPRESSED)
        cells = int(marked.to_numpy().sum())
        if not cells:
            return value
        hidden[path.rstrip(".")] = {"reason": "small counts, and others that would give them away",
                                    "below": suppress_below, "cells": cells}
        return value.astype(object).mask(marked, None)
    return value


def _suppressed_frame(frame, counts, totals, rates, policy) -> pd.DataFrame:
    protected = protect_table(frame, counts, totals, rates, policy=policy)
    if not protected.hidden:
        return frame
    shown = frame.astype(object).copy()
    return shown.mask(protected.mask, disclosure.SUPPRESSED)


def input_record(frame: pd.DataFrame) -> dict:
    """What the JSON summary says about an input file: path, sha256 and rows."""
    source = frame.attrs.get("source", {})
    return {"path": source.get("path"), "sha256": source.get("sha256"), "rows": source.get("rows")}
