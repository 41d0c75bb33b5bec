"""Small-count suppression: tables, rates and charts that cannot identify a person.

Reports go to directors and may be published, and the data is about vulnerable people. A count
of 1 to 4 in a table ("3 people in North aged over 90 were referred twice") can identify the
people behind it, so UK official statistics hide such counts and show the Government
Statistical Service symbol ``[c]`` (confidential) in their place. This module decides which
values to hide; it computes nothing else and draws nothing.

The rules, as applied here:

- *Primary suppression*: a count from 1 to ``suppress_below - 1`` (1 to 4 by default) is hidden.
  Zero is shown by default: "no one" is not a count of people who could be singled out, and the
  usual GSS convention publishes zeros. Where a zero would disclose something (for example
  "no one in this group was *not* referred", which tells the reader about every member), pass
  ``suppress_zero=True`` and zeros are hidden as well.
- *Secondary suppression* (tables with totals): a hidden count must not be recoverable by
  subtracting the cells that are shown from a total that is shown. See :func:`suppress_table`.
- *Rates and shares*: a rate whose denominator is from 1 to ``suppress_below - 1`` is hidden
  too (a share of 2 people is 0%, 50% or 100%, and says what happened to each of them). See
  :func:`suppress_rates`.
- *Charts*: a hidden value is a gap in the chart, and a plain sentence says how many values are
  missing and why. See :func:`chart_gaps` and :func:`gap_note`.

Everything here is a pure function: pandas in, pandas out. Hidden values are removed from the
results (as ``<NA>`` or NaN), not just flagged, so that nothing further down the line can show
them by accident. What a sentence may still say of a hidden value ("fewer than 5") is
:mod:`workbook_helpers.privacy.bounds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
    is_object_dtype,
    is_string_dtype,
    is_timedelta64_dtype,
)

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import HIDDEN, fmt_int, plural

__all__ = [
    "SUPPRESSED",
    "SuppressedTable",
    "primary_mask",
    "suppress_table",
    "suppress_counts",
    "suppress_rates",
    "suppressed_text",
    "chart_gaps",
    "gap_note",
    "check_threshold",
]

SUPPRESSED = HIDDEN  # "[c]", the Government Statistical Service symbol: confidential


@dataclass(frozen=True)
class SuppressedTable:
    """A table (or column) made safe to publish.

    ``values``
        The numbers to show, with every hidden value removed: counts as pandas' nullable
        ``Int64`` (``<NA>`` where hidden), rates as floats (NaN where hidden). For
        :func:`suppress_table` this includes the totals.
    ``mask``
        Booleans of the same shape, True where a value is hidden (shown as ``[c]``).
    ``notes``
        Plain sentences for the report saying how many values are hidden and why (empty when
        nothing is hidden).
    ``columns``
        The columns that were checked; any other columns of a frame pass through unchanged.
    """

    values: pd.DataFrame | pd.Series
    mask: pd.DataFrame | pd.Series
    notes: tuple[str, ...] = ()
    columns: tuple[object, ...] = field(default=(), repr=False)

    def text(self, formatter: Callable[[object], str] = fmt_int) -> pd.DataFrame | pd.Series:
        """The values as text for a table: ``[c]`` where hidden, ``formatter(value)`` elsewhere
        (a count by default; pass ``fmt_pct`` or ``lambda v: fmt_pct(v, 1)`` for rates). A
        missing value that was not hidden shows as the formatter shows it (``[x]``). Columns
        that were not checked are left as they are."""
        if isinstance(self.values, pd.Series):
            return pd.Series(
                [suppressed_text(v, bool(m), formatter) for v, m in zip(self.values, self.mask)],
                index=self.values.index, name=self.values.name, dtype=object,
            )
        shown = self.values.copy()
        for position, column in enumerate(self.values.columns):
            if column not in self.columns:
                continue
            shown.isetitem(position, pd.Series(
                [suppressed_text(v, bool(m), formatter)
                 for v, m in zip(self.values.iloc[:, position], self.mask.iloc[:, position])],
                index=self.values.index, dtype=object,
            ))
        return shown


def suppressed_text(
    value: object, suppressed: bool, formatter: Callable[[object], str] = fmt_int
) -> str:
    """``"[c]"`` when ``suppressed``, else ``formatter(value)`` (``fmt_int`` by default)."""
    return SUPPRESSED if suppressed else formatter(value)


# --------------------------------------------------------------------------------------------
# Primary suppression


def primary_mask(
    counts: pd.DataFrame | pd.Series, suppress_below: int = 5, suppress_zero: bool = False
) -> pd.DataFrame | pd.Series:
    """Which counts are small enough to identify someone: True for 1 to ``suppress_below - 1``.

    Parameters
    ----------
    counts:
        A frame or series of counts: whole numbers of 0 or more. Blank values (NaN, NA) are
        allowed here; they are not hidden (they show as ``[x]``, not available).
    suppress_below:
        The smallest count that may be shown (5: counts of 1 to 4 are hidden).
    suppress_zero:
        Hide zeros as well (False: zeros are shown; see the module's notes).

    Returns
    -------
    A bool frame or series of the same shape and labels as ``counts``.

    Raises
    ------
    ParameterError
        When ``suppress_below`` is not a whole number of 2 or more.
    ValueError
        When a value is not a count, naming the column and the rows.
    """
    threshold = check_threshold(suppress_below, "primary_mask")
    frame = _as_frame(counts)
    numbers = _checked_counts(frame, allow_blank=True)
    mask = _small(numbers, threshold, suppress_zero)
    return mask.iloc[:, 0].rename(counts.name) if isinstance(counts, pd.Series) else mask


def suppress_counts(
    counts: pd.DataFrame | pd.Series,
    columns: list[object] | None = None,
    suppress_below: int = 5,
    suppress_zero: bool = False,
) -> SuppressedTable:
    """Hide the small counts of a simple table that shows **no totals** (primary suppression only).

    Use :func:`suppress_table` instead when the table, the report or the chart next to it
    shows a total of the counts: with a total on show, a single hidden count can be worked
    out by subtraction.

    Parameters
    ----------
    counts:
        A series of counts, or a frame holding them.
    columns:
        For a frame, the columns that hold counts; the others (labels, say) pass through
        unchanged. All columns when None.
    suppress_below, suppress_zero:
        As for :func:`primary_mask`.

    Returns
    -------
    SuppressedTable
        ``values`` with the checked columns as ``Int64`` counts (``<NA>`` where hidden),
        ``mask`` (True where hidden) and ``notes``.
    """
    threshold = check_threshold(suppress_below, "suppress_counts")
    is_series = isinstance(counts, pd.Series)
    frame = _as_frame(counts)
    if columns is None:
        columns = list(frame.columns)
    else:
        columns = list(columns)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ParameterError(
                f"suppress_counts: columns names {', '.join(map(repr, missing))}, which the "
                f"table does not have; expected some of {', '.join(map(repr, frame.columns))}."
            )
    numbers = _checked_counts(frame[columns], allow_blank=True)
    small = _small(numbers, threshold, suppress_zero)
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    values = frame.copy()
    for column in columns:
        mask[column] = small[column]
        values[column] = numbers[column].astype("Int64").mask(small[column])
    notes = _primary_notes(int(small.to_numpy().sum()), threshold, suppress_zero)
    if is_series:
        return SuppressedTable(
            values.iloc[:, 0].rename(counts.name), mask.iloc[:, 0].rename(counts.name), notes,
            (counts.name,),
        )
    return SuppressedTable(values, mask, notes, tuple(columns))


# --------------------------------------------------------------------------------------------
# Tables with totals: primary and secondary suppression


def suppress_table(
    counts: pd.DataFrame,
    suppress_below: int = 5,
    row_totals: bool | object = False,
    column_totals: bool | object = False,
    suppress_zero: bool = False,
    total_label: str = "Total",
) -> SuppressedTable:
    """Hide the small counts of a cross-tabulation, and enough others that none can be worked out.

    Parameters
    ----------
    counts:
        A frame of counts (whole numbers of 0 or more, no blanks): one row per group, one
        column per category.
    suppress_below:
        The smallest count that may be shown (5: counts of 1 to 4 are hidden).
    row_totals:
        Whether the table shows each row's total. True adds a column named ``total_label``
        holding the sum of each row; a column label says the table already has that column
        (for example ``"All"``); False: no row totals are shown.
    column_totals:
        Whether the table shows each column's total. True adds a row named ``total_label``
        holding the sum of each column; an index label says the table already has that row;
        False: no column totals. With both kinds of total, the corner cell is the grand total.
    suppress_zero:
        Hide zeros as well as small counts (see the module's notes).
    total_label:
        The label of the total row or column this function adds.

    Returns
    -------
    SuppressedTable
        ``values``: the counts with any totals added, as ``Int64`` with ``<NA>`` where hidden;
        ``mask``: True where hidden; ``notes``: sentences for the report.

    Raises
    ------
    ParameterError
        For a bad ``suppress_below``, a total row or column that is not in the table, or a
        ``total_label`` that the table already uses.
    ValueError
        When a value is not a count (naming the column and the rows).

    The algorithm
    -------------
    Each row and each column that shows a total is a *line*: its cells add up to its total
    (the row of column totals adds up to the grand total, and so does the column of row
    totals). A line with exactly one hidden cell (the total counts as a cell) gives that cell
    away: it is the total less the cells shown. So:

    1. *Primary*: hide every count, totals included, from 1 to ``suppress_below - 1`` (and
       zeros with ``suppress_zero``).
    2. *Secondary*: go through the lines, rows from top to bottom then columns from left to
       right. In a line with exactly one hidden cell, hide one more: the smallest non-zero
       count shown in the line, not counting its total (the first of equals); if there is
       none, the line's total; failing that, a zero. Hiding a cell in a row can leave its
       column with one hidden cell, so repeat the pass until no line has exactly one.
    3. *Chains*: a line with two hidden cells can still give one away when combined with other
       lines. For example, adding up two rows and subtracting two columns cancels every
       hidden cell but one when the hidden cells form two separate groups joined by a single
       cell. Think of the hidden cells as links between their row and their column: a cell can
       be worked out exactly when its link is the only connection between two groups (a
       *bridge*), and cannot when it lies on a loop of hidden cells. For the first such cell
       (reading row by row), hide the smallest non-zero count that links the two groups
       (a count in the body before a total; a zero only if nothing else will do), then go
       back to step 2.

    When it stops, every hidden cell lies on a loop of hidden cells, which means no
    combination of the rows and columns, added or subtracted, gives any hidden cell's exact
    value. Secondary suppression hides more than strictly needed at times (it is not
    optimal), and it protects exact values only: a reader can still bound a hidden cell (it is
    at least 0 and at most what its line leaves over), as with any table of this kind.
    Totals that are given need not be the sum of their line (a total of distinct people may be
    less than the sum over categories); they are protected as if they were.
    """
    threshold = check_threshold(suppress_below, "suppress_table")
    if not isinstance(counts, pd.DataFrame):
        raise ParameterError(
            "suppress_table: expected a frame of counts (one row per group, one column per "
            f"category); got {type(counts).__name__}. Use suppress_counts for a single column."
        )
    for axis, labels in (("rows", counts.index), ("columns", counts.columns)):
        if not labels.is_unique:
            repeated = sorted({str(label) for label in labels[labels.duplicated()]})
            raise ParameterError(
                f"suppress_table: the table's {axis} must have distinct labels; "
                f"{', '.join(repeated)} appear more than once."
            )
    table = _with_totals(counts, row_totals, column_totals, total_label)
    numbers = _checked_counts(table, allow_blank=False)
    grid = numbers.to_numpy(dtype=np.int64)
    total_row = None if column_totals is False else table.index.get_loc(
        total_label if column_totals is True else column_totals)
    total_column = None if row_totals is False else table.columns.get_loc(
        total_label if row_totals is True else row_totals)

    primary = _small(numbers, threshold, suppress_zero).to_numpy()
    hidden = _secondary(grid, primary.copy(), total_row, total_column)

    mask = pd.DataFrame(hidden, index=table.index, columns=table.columns)
    values = numbers.astype("Int64").mask(mask)
    notes = list(_primary_notes(int(primary.sum()), threshold, suppress_zero))
    further = int(hidden.sum() - primary.sum())
    if further:
        are = "is" if further == 1 else "are"
        notes.append(
            f"{plural(further, 'more count')} {are} not shown ({SUPPRESSED}) so that the hidden "
            "counts cannot be worked out from the totals."
        )
    return SuppressedTable(values, mask, tuple(notes), tuple(table.columns))


def _with_totals(
    counts: pd.DataFrame, row_totals: bool | object, column_totals: bool | object, label: str
) -> pd.DataFrame:
    """The table with the totals it shows: given ones checked, asked-for ones added."""
    table = counts.copy()
    for argument, given, axis_labels, where in (
        ("row_totals", row_totals, table.columns, "column"),
        ("column_totals", column_totals, table.index, "row"),
    ):
        if given is True or given is False:
            continue
        if given is None:
            raise ParameterError(
                f"suppress_table: {argument} must be True, False or the label of the {where} "
                "holding the totals; got None."
            )
        if given not in axis_labels:
            raise ParameterError(
                f"suppress_table: {argument}={given!r} names a {where} the table does not have; "
                f"expected one of {', '.join(map(repr, axis_labels))}, or True to add the totals."
            )
    for argument, adding, axis_labels, where in (
        ("row_totals", row_totals is True, table.columns, "column"),
        ("column_totals", column_totals is True, table.index, "row"),
    ):
        if not adding:
            continue
        if isinstance(axis_labels, pd.MultiIndex):
            raise ParameterError(
                f"suppress_table: cannot add a total {where} to a table whose {where}s have "
                f"several levels; add it yourself and pass its label as {argument}."
            )
        if label in axis_labels:
            raise ParameterError(
                f"suppress_table: the table already has a {where} named {label!r}; pass "
                f"{argument}={label!r} if it holds the totals, or another total_label."
            )
    if row_totals is True or column_totals is True:
        # Sum only once the values are known to be counts (a clear error rather than a sum of text).
        numbers = _checked_counts(table, allow_blank=False)
        if row_totals is True:
            table[label] = numbers.sum(axis=1)
            numbers[label] = table[label]
        if column_totals is True:
            table.loc[label] = numbers.sum(axis=0)
    return table


def _secondary(
    grid: np.ndarray, hidden: np.ndarray, total_row: int | None, total_column: int | None
) -> np.ndarray:
    """Secondary suppression (steps 2 and 3 of :func:`suppress_table`'s algorithm)."""
    rows, columns = grid.shape
    lines = []  # (cells of the line other than its total, its total)
    if total_column is not None:
        lines += [([(r, c) for c in range(columns) if c != total_column], (r, total_column))
                  for r in range(rows)]
    if total_row is not None:
        lines += [([(r, c) for r in range(rows) if r != total_row], (total_row, c))
                  for c in range(columns)]

    def is_total(cell: tuple[int, int]) -> bool:
        return cell[0] == total_row or cell[1] == total_column

    while True:
        changed = True
        while changed:
            changed = False
            for cells, total in lines:
                if int(hidden[total]) + sum(int(hidden[cell]) for cell in cells) != 1:
                    continue
                shown = [cell for cell in cells if not hidden[cell]]
                non_zero = [cell for cell in shown if grid[cell] > 0]
                if non_zero:
                    choice = min(non_zero, key=lambda cell: grid[cell])  # min keeps the first of equals
                elif not hidden[total]:
                    choice = total
                else:
                    choice = shown[0]  # only zeros are left
                hidden[choice] = True
                changed = True
        bridge = _first_bridge(hidden, total_row, total_column)
        if bridge is None:
            return hidden
        candidates = _links_across(hidden, bridge, total_row, total_column)
        if not candidates:  # cannot happen once step 2 is done (see the tests); never loop on it
            raise AssertionError(f"no cell joins the two sides of hidden cell {bridge}")
        hidden[min(candidates, key=lambda cell: (grid[cell] == 0, is_total(cell), grid[cell], cell))] = True


def _nodes(hidden: np.ndarray, total_row: int | None, total_column: int | None):
    """The hidden cells as links between their row and their column.

    Rows are nodes ``0 .. rows-1`` and columns ``rows .. rows+columns-1`` when their lines
    have totals; lines without totals say nothing about their cells, so they all become one
    node, ``ground``, where links can meet without adding up to anything."""
    rows, columns = hidden.shape
    ground = rows + columns
    row_node = (lambda r: r) if total_column is not None else (lambda r: ground)
    column_node = (lambda c: rows + c) if total_row is not None else (lambda c: ground)
    cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(hidden))]  # row by row
    links = [(row_node(r), column_node(c)) for r, c in cells]
    return ground + 1, cells, links, row_node, column_node


def _first_bridge(hidden, total_row, total_column) -> tuple[int, int] | None:
    """The first hidden cell (row by row) whose value the rows and columns pin down."""
    count, cells, links, _, _ = _nodes(hidden, total_row, total_column)
    bridges = _bridges(count, links)
    return next((cell for k, cell in enumerate(cells) if k in bridges), None)


def _links_across(hidden, bridge, total_row, total_column) -> list[tuple[int, int]]:
    """The cells shown whose row is on one side of ``bridge`` and whose column on the other."""
    count, cells, links, row_node, column_node = _nodes(hidden, total_row, total_column)
    k = cells.index(bridge)
    near = _reachable(count, links, links[k][0], without=k)
    far = _reachable(count, links, links[k][1], without=k)
    rows, columns = hidden.shape
    return [
        (r, c) for r in range(rows) for c in range(columns)
        if not hidden[r, c]
        and ((row_node(r) in near and column_node(c) in far)
             or (row_node(r) in far and column_node(c) in near))
    ]


def _bridges(count: int, links: list[tuple[int, int]]) -> set[int]:
    """The links that lie on no loop (Tarjan's bridge-finding, without recursion; parallel
    links form a loop, so the link used to arrive is skipped by number, not by node)."""
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for k, (u, v) in enumerate(links):
        if u != v:  # a link from a node to itself is a loop already
            adjacent[u].append((v, k))
            adjacent[v].append((u, k))
    order = [-1] * count
    low = [0] * count
    clock = 0
    found: set[int] = set()
    for start in range(count):
        if order[start] != -1:
            continue
        order[start] = low[start] = clock
        clock += 1
        stack = [(start, -1, iter(adjacent[start]))]
        while stack:
            node, arrived_by, neighbours = stack[-1]
            for neighbour, k in neighbours:
                if k == arrived_by:
                    continue
                if order[neighbour] == -1:
                    order[neighbour] = low[neighbour] = clock
                    clock += 1
                    stack.append((neighbour, k, iter(adjacent[neighbour])))
                    break
                low[node] = min(low[node], order[neighbour])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(arrived_by)
    return found


def _reachable(count: int, links: list[tuple[int, int]], start: int, without: int) -> set[int]:
    adjacent: list[list[int]] = [[] for _ in range(count)]
    for k, (u, v) in enumerate(links):
        if k != without:
            adjacent[u].append(v)
            adjacent[v].append(u)
    seen, todo = {start}, [start]
    while todo:
        for neighbour in adjacent[todo.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


# --------------------------------------------------------------------------------------------
# Rates and charts


def suppress_rates(
    rates: pd.Series | pd.DataFrame,
    denominators: pd.Series | pd.DataFrame,
    suppress_below: int = 5,
    numerators: pd.Series | pd.DataFrame | None = None,
) -> SuppressedTable:
    """Hide the rates and shares that rest on too few people.

    Parameters
    ----------
    rates:
        The rates or shares (a series, or a frame of them).
    denominators:
        What each rate is out of (whole numbers of 0 or more), with the same labels as
        ``rates``; for a frame of rates, a series with one denominator per row also does.
    suppress_below:
        The smallest denominator a rate may rest on (5: rates out of 1 to 4 are hidden).
        A denominator of 0 hides nothing: such a rate is not applicable rather than
        disclosive (it is usually blank already).
    numerators:
        Optional counts the rates were worked out from. A rate and its denominator give the
        numerator away (2% of 100 is 2 people), so where the denominator is shown, pass the
        numerators too: rates whose numerator is from 1 to ``suppress_below - 1`` are then
        hidden as well. To hide rates whose counts were hidden in a table, combine the masks:
        ``rates.mask(table.mask[...])``.

    Returns
    -------
    SuppressedTable
        ``values``: the rates as floats, NaN where hidden; ``mask``: True where hidden;
        ``notes``: a sentence for the report.
    """
    threshold = check_threshold(suppress_below, "suppress_rates")
    is_series = isinstance(rates, pd.Series)
    frame = _as_frame(rates)
    values = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    not_numbers = values.isna() & frame.notna()
    if not_numbers.to_numpy().any():
        raise ValueError(_describe_bad(frame, not_numbers, "rates must be numbers"))
    below = _aligned(denominators, frame, "denominators")
    small = _checked_counts(below, allow_blank=True).pipe(_small, threshold, False)
    if numerators is not None:
        top = _aligned(numerators, frame, "numerators")
        small = small | _checked_counts(top, allow_blank=True).pipe(_small, threshold, False)
    values = values.mask(small)
    hidden = int(small.to_numpy().sum())
    notes = ()
    if hidden:
        each = "it rests" if hidden == 1 else "each rests"
        are = "is" if hidden == 1 else "are"
        notes = (
            f"{plural(hidden, 'rate')} {are} not shown ({SUPPRESSED}): {each} on "
            f"{_range_text(threshold, False)} people, who could be identified.",
        )
    if is_series:
        return SuppressedTable(
            values.iloc[:, 0].rename(rates.name), small.iloc[:, 0].rename(rates.name), notes,
            (rates.name,),
        )
    return SuppressedTable(values, small, notes, tuple(frame.columns))


def chart_gaps(
    frame: pd.DataFrame, value_column: str, suppress_below: int = 5, suppress_zero: bool = False
) -> pd.DataFrame:
    """A chart's tidy frame with the small counts taken out, so the chart shows gaps.

    Returns a copy of ``frame`` with ``value_column`` as floats, NaN where the count is from 1
    to ``suppress_below - 1``, and a bool column ``suppressed`` (True there), for a tooltip or
    a marker. Say how many values are missing with ``gap_note(result["suppressed"].sum())``.
    If the chart also shows totals of these counts (a stacked bar's height, a total line),
    protect the counts with :func:`suppress_table` and chart its values instead.
    """
    threshold = check_threshold(suppress_below, "chart_gaps")
    if value_column not in frame.columns:
        raise ParameterError(
            f"chart_gaps: value_column={value_column!r} is not a column of the frame; expected "
            f"one of {', '.join(map(repr, frame.columns))}."
        )
    if "suppressed" in frame.columns:
        raise ParameterError(
            'chart_gaps: the frame already has a column named "suppressed"; rename it first.'
        )
    numbers = _checked_counts(frame[[value_column]], allow_blank=True)
    small = _small(numbers, threshold, suppress_zero)[value_column]
    result = frame.copy()
    result[value_column] = numbers[value_column].mask(small)
    result["suppressed"] = small.to_numpy()
    return result


def gap_note(count: int, suppress_below: int = 5, suppress_zero: bool = False) -> str:
    """A plain sentence for under a chart: ``gap_note(2)`` ->
    ``"2 values of 1 to 4 are not shown, to protect privacy ([c])."``; ``""`` for 0."""
    threshold = check_threshold(suppress_below, "gap_note")
    count = int(count)
    if count <= 0:
        return ""
    are = "is" if count == 1 else "are"
    return (
        f"{plural(count, 'value')} of {_range_text(threshold, suppress_zero)} {are} not shown, "
        f"to protect privacy ({SUPPRESSED})."
    )


# --------------------------------------------------------------------------------------------
# Checks and small helpers


def check_threshold(suppress_below: object, function: str) -> int:
    """``suppress_below`` checked: a whole number of 2 or more (``function`` names the caller in
    the message)."""
    if (
        isinstance(suppress_below, (bool, np.bool_))
        or not isinstance(suppress_below, (int, np.integer))
        or suppress_below < 2
    ):
        raise ParameterError(
            f"{function}: suppress_below must be a whole number of 2 or more (counts below it "
            f"are hidden; 5 hides 1 to 4); got {suppress_below!r}."
        )
    return int(suppress_below)


def _as_frame(values: pd.DataFrame | pd.Series) -> pd.DataFrame:
    if isinstance(values, pd.Series):
        return values.to_frame(values.name if values.name is not None else "counts")
    if isinstance(values, pd.DataFrame):
        return values
    raise ParameterError(f"expected a pandas series or frame; got {type(values).__name__}.")


def _aligned(
    values: pd.Series | pd.DataFrame, like: pd.DataFrame, argument: str
) -> pd.DataFrame:
    """``values`` as a frame shaped like ``like``: same labels, or one value per row."""
    if isinstance(values, pd.DataFrame):
        if values.index.equals(like.index) and values.columns.equals(like.columns):
            return values
    elif isinstance(values, pd.Series) and values.index.equals(like.index):
        return pd.DataFrame({column: values for column in like.columns}, index=like.index)
    raise ParameterError(
        f"suppress_rates: {argument} must have the same labels as the rates (or, for a frame "
        "of rates, be a series with one value per row, on the same index)."
    )


def _checked_counts(frame: pd.DataFrame, allow_blank: bool) -> pd.DataFrame:
    """The frame as floats, or a ValueError naming each column and the rows that are not counts."""
    numbers = {}
    bad = {}
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        if is_bool_dtype(values) or is_datetime64_any_dtype(values) or is_timedelta64_dtype(values):
            number = pd.Series(np.nan, index=values.index)
        elif is_numeric_dtype(values) or is_object_dtype(values) or is_string_dtype(values):
            number = pd.to_numeric(values, errors="coerce").astype("float64")
        else:  # categories and the like
            number = pd.Series(np.nan, index=values.index)
        blank = values.isna().to_numpy()
        with np.errstate(invalid="ignore"):
            array = number.to_numpy()
            finite = np.isfinite(array)
            wrong = (~blank & ~finite) | (finite & ((array < 0) | (np.mod(array, 1) != 0)))
        if not allow_blank:
            wrong |= blank
        numbers[position] = number.to_numpy()
        bad[position] = wrong
    if any(wrong.any() for wrong in bad.values()):
        raise ValueError(_describe_bad(
            frame, pd.DataFrame(bad, index=frame.index).set_axis(frame.columns, axis=1),
            "counts must be whole numbers of 0 or more" + ("" if allow_blank else ", with no blanks"),
        ))
    result = pd.DataFrame(numbers, index=frame.index)
    result.columns = frame.columns
    return result


def _describe_bad(frame: pd.DataFrame, bad: pd.DataFrame, expected: str, limit: int = 5) -> str:
    lines = [f"Some values are not what was expected ({expected}):"]
    for position, column in enumerate(frame.columns):
        wrong = bad.iloc[:, position].to_numpy()
        if not wrong.any():
            continue
        rows = frame.index[wrong]
        found = frame.iloc[:, position].to_numpy()[wrong]
        shown = "; ".join(f"row {row}: {_show(value)}" for row, value in zip(rows[:limit], found[:limit]))
        more = f"; and {len(rows) - limit:,} more rows" if len(rows) > limit else ""
        lines.append(f'  column "{column}": {shown}{more}')
    return "\n".join(lines)


def _show(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "(blank)"
    return repr(value) if isinstance(value, str) else str(value)


def _small(numbers: pd.DataFrame, threshold: int, suppress_zero: bool) -> pd.DataFrame:
    lowest = 0 if suppress_zero else 1
    return (numbers >= lowest) & (numbers < threshold)  # NaN compares False: blanks are not hidden


def _range_text(threshold: int, suppress_zero: bool) -> str:
    lowest, highest = (0 if suppress_zero else 1), threshold - 1
    return f"{lowest}" if lowest == highest else f"{lowest} to {highest}"


def _primary_notes(count: int, threshold: int, suppress_zero: bool) -> tuple[str, ...]:
    if not count:
        return ()
    are = "is" if count == 1 else "are"
    return (
        f"{plural(count, 'count')} of {_range_text(threshold, suppress_zero)} {are} not shown, "
        f"to protect privacy ({SUPPRESSED}).",
    )
