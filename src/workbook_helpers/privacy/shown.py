"""Tables and headline figures as the report's audience may see them.

A workbook's view declares what a table or a headline figure is (which columns are counts, which
row or column holds the totals, what a share is out of); the functions here apply the audience to
that declaration once, and give back something that is only drawn:

- :func:`shown_table` gives a :class:`ShownTable`: the frame, its columns (heading, kind), the
  declaration, and which cells this report hides (:func:`workbook_helpers.privacy.audience.protect_table`);
- :func:`count_card` and :func:`share_card` give a :class:`Card` that carries the bound the
  report gives instead of a small figure ("fewer than 5", "under 17%"), if any.

:func:`workbook_helpers.present.notebook.show_table` and
:func:`~workbook_helpers.present.notebook.headline_cards` draw these and decide nothing: they refuse
a plain frame, and a count or share card made any other way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy import audience, bounds, disclosure

__all__ = ["ShownTable", "shown_table", "Card", "count_card", "share_card", "CHECKED_KINDS"]

#: The kinds of headline figure whose value the audience may hide: made only by
#: :func:`count_card` and :func:`share_card`.
CHECKED_KINDS = frozenset({"count", "share"})


# --------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class ShownTable:
    """A table with the report's audience applied: draw it with ``show_table(table, caption)``.

    ``frame``: the table's rows (it may hold more columns than are shown). ``columns``: the
    columns shown, in order, as ``{column: (heading, kind)}``; the first heads each row.
    ``totals`` and ``rates``: what the view declared (see :func:`shown_table`). ``protection``:
    which cells this report hides, and the note that says why."""

    frame: pd.DataFrame
    columns: dict[str, tuple[str, str]]
    protection: audience.ProtectedTable
    totals: Mapping[str, object] = field(default_factory=dict)
    rates: Mapping[object, object] = field(default_factory=dict)

    @property
    def hidden(self) -> pd.DataFrame:
        """True where a cell of the shown columns is hidden, row by row."""
        return self.protection.mask[list(self.columns)]

    def note(self) -> str:
        """The sentence under the table, "" when nothing is hidden."""
        return self.protection.note()

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def empty(self) -> bool:
        return self.frame.empty


def shown_table(
    frame: pd.DataFrame,
    columns: Mapping[str, tuple[str, str]],
    totals: Mapping[str, object] | None = None,
    rates: Mapping[object, object] | None = None,
) -> ShownTable:
    """The table ``frame`` as this report may show it.

    ``columns`` maps a column of ``frame`` to ``(heading, kind)``: kind ``count`` marks a count
    of people, cases, items or contacts (the kinds are those
    :func:`workbook_helpers.present.notebook.table_html` draws). ``totals`` and ``rates`` say
    which totals and shares the table shows, as for
    :func:`workbook_helpers.privacy.audience.protect_table` (the total row is found by the first
    column). In a public report small counts are hidden against those totals, and shares that
    rest on few people or would give a hidden count away; other reports hide nothing, but the
    declaration is checked all the same, so a mistake shows in JupyterLab too."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"A table to show must be a data frame; got {type(frame).__name__}.")
    columns = dict(columns)
    for column, spec in columns.items():
        if not (isinstance(spec, tuple) and len(spec) == 2):
            raise ParameterError(f"The table's column {column!r} should be given as (heading, kind); "
                                 f"got {spec!r}.")
        if column not in frame.columns:
            raise ParameterError(f"The table has no column {column!r} to show; it has "
                                 f"{', '.join(map(repr, frame.columns))}.")
    for rate in rates or {}:
        if rate not in columns:
            raise ParameterError(f"The share column {rate!r} is not one of the columns the table shows.")
    counts = [column for column, (_, kind) in columns.items() if kind == "count"]
    protection = audience.protect_table(frame, counts, totals, rates, label_column=next(iter(columns), None))
    return ShownTable(frame, columns, protection, dict(totals or {}), dict(rates or {}))


# --------------------------------------------------------------------------------------------
# Headline figures


@dataclass(frozen=True)
class Card:
    """One headline figure: ``label``, ``value``, ``note`` and the ``kind`` of value.

    ``kind`` is ``"figure"`` (already written as text; shown as it is) or a column kind of
    :func:`workbook_helpers.present.notebook.table_html` (``"number"``, ``"hours"``...). Counts
    and shares, whose value the report may hide, are made by :func:`count_card` and
    :func:`share_card`: they set ``bound`` (what the report says instead of the value, or None
    when it is shown), ``why`` (the sentence under the cards that says what a bound means, when
    there is one) and ``checked``."""

    label: str
    value: object
    note: str = ""
    kind: str = "figure"
    denominator: object = None
    bound: bounds.Bound | None = None
    why: str = ""
    checked: bool = False


def _why(bound: bounds.Bound | None) -> str:
    return audience.bound_note(audience.suppress_below()) if bound is not None else ""


def count_card(label: str, value: object, note: str = "") -> Card:
    """A headline card for a count of people, cases, items or contacts: its bound ("fewer than
    5") when the report hides it, or "not shown" when it comes already hidden as ``"[c]"`` (by a
    table it adds up with)."""
    if isinstance(value, str) and value == disclosure.SUPPRESSED:
        return Card(label, "not shown", note, "figure", checked=True)
    bound = audience.count_shown(value)
    return Card(label, value, note, "count", bound=bound, why=_why(bound), checked=True)


def share_card(label: str, share: object, denominator: object, note: str = "") -> Card:
    """A headline card for a share (0.64 shows as 64%) out of ``denominator`` people or cases:
    its bound ("under 17%") when it rests on few or would give a small count away."""
    bound = audience.share_shown(share, denominator)
    return Card(label, share, note, "share", denominator, bound=bound, why=_why(bound), checked=True)
