"""Bar charts of counts as a report may draw them: the audience layer's answer for a chart, worked
out from what the view declares (which columns are counts, whether the reader knows each bar's
total or the total of the bars, what a table beside the chart hides).

Each function returns the chart's frame with hidden counts as gaps (NaN) and a ``suppressed``
flag per row, and the sentence saying what is not shown, as the pair ``(frame, note)`` that the
bar charts (:mod:`workbook_helpers.present.charts.bars`) take. What the report hides at all is
asked of :mod:`workbook_helpers.privacy.audience`; the algorithms are
:mod:`workbook_helpers.privacy.disclosure`'s.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import plural
from workbook_helpers.privacy import audience, disclosure

__all__ = ["protect_chart_counts", "protect_value_failure", "counts_hidden_with_totals"]


def _hidden_mask(hidden: object, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``hidden`` (a table's mask, a ProtectedTable or a bool series for one column) as a bool
    frame over ``columns``, matched to ``frame`` row by row."""
    mask = pd.DataFrame(False, index=frame.index, columns=columns)
    if hidden is None:
        return mask
    if not isinstance(hidden, (pd.DataFrame, pd.Series)):
        hidden = getattr(hidden, "mask", hidden)  # a ProtectedTable
    if isinstance(hidden, pd.Series):
        hidden = hidden.to_frame(columns[0] if len(columns) == 1 else hidden.name)
    if not isinstance(hidden, pd.DataFrame) or len(hidden) != len(frame):
        given = f"{len(hidden)} rows" if hasattr(hidden, "__len__") else "something else"
        raise ParameterError(
            "The chart was told which values to hide in a form it cannot use: it needs a yes or "
            f"no for each of its table's {len(frame)} rows, and was given {given}."
        )
    for column in columns:
        if column in hidden.columns:
            mask[column] = hidden[column].fillna(False).astype(bool).to_numpy()
    return mask


def protect_chart_counts(
    frame: pd.DataFrame, columns: list[str], *, row_total: bool, column_total: bool,
    hidden: object = None,
) -> tuple[pd.DataFrame, str]:
    """The chart's table with its small counts hidden under the current policy.

    Returns the frame with hidden counts as NaN and a ``suppressed`` column (True in any row
    with a value hidden), and the sentence saying what is not shown ("" when nothing is, and
    the frame unchanged in a team's report with no ``hidden`` given). ``row_total`` and
    ``column_total`` say whether the reader knows the total of each row (a stacked bar's
    length, a table beside it) and of each column (a headline figure, shares of the whole): one
    more count is then hidden where a single hidden one could be worked out from that total.
    """
    publishing = audience.hides_small_numbers()
    if not publishing and hidden is None:
        return frame, ""
    k = audience.suppress_below()
    grid = frame[columns].reset_index(drop=True)
    numbers = grid.apply(pd.to_numeric, errors="coerce")
    whole = (numbers % 1 == 0) | numbers.isna()
    if not bool(whole.to_numpy().all()) or bool((numbers < 0).to_numpy().any()):
        raise ParameterError(
            f"This chart draws {', '.join(columns)} as counts, which must be whole numbers of 0 "
            "or more to be checked for small numbers; a chart of hours or amounts is drawn as it "
            "is, without this check."
        )
    primary = pd.DataFrame(False, index=grid.index, columns=columns)
    if publishing:
        primary = disclosure.primary_mask(numbers, suppress_below=k)
        row_total = row_total and len(columns) > 1
        column_total = column_total and len(grid) > 1
        if row_total or column_total:
            checked = disclosure.suppress_table(
                numbers.fillna(0), suppress_below=k, row_totals=row_total,
                column_totals=column_total, total_label="__total__",
            )
            mask = checked.mask.loc[grid.index, columns]
        else:
            mask = primary
    else:
        mask = primary
    outside = _hidden_mask(hidden, frame, columns).reset_index(drop=True)
    mask = (mask | outside).astype(bool)
    result = frame.copy()
    for column in columns:
        result[column] = numbers[column].mask(mask[column]).to_numpy()
    result["suppressed"] = mask.any(axis=1).to_numpy()
    small = int(primary.to_numpy().sum())
    more = int(mask.to_numpy().sum()) - small
    return result, _gap_sentence(small, more, k)


def protect_value_failure(table: pd.DataFrame, hidden: object = None) -> tuple[pd.DataFrame, str]:
    """A :func:`workbook_helpers.measures.demand.value_failure_by` table as a chart of value and
    failure demand may draw it (:func:`protect_chart_counts`): small counts of value, failure and
    unclassified demand are gaps, protected as if each group's total were known (a table beside
    the chart usually gives it); ``hidden`` adds the cells a table of the same counts hides, so
    the chart never shows what the table beside it hides. Where anything is hidden, a
    ``share_hidden`` column flags the failure shares not shown: those of a group with any count
    hidden, or (in a public report) with fewer than ``suppress_below`` classified demands."""
    classified = (pd.to_numeric(table["value"], errors="coerce").fillna(0)
                  + pd.to_numeric(table["failure"], errors="coerce").fillna(0)).to_numpy()
    result, note = protect_chart_counts(table, ["value", "failure", "unclassified"], row_total=True,
                                        column_total=False, hidden=hidden)
    if "suppressed" in result:
        result = result.copy()
        result["share_hidden"] = result["suppressed"].to_numpy() | audience.few(classified)
    return result, note


def counts_hidden_with_totals(
    table: pd.DataFrame, columns: list[str], *, row_total: str | None = None,
    totals_hidden: Iterable[str] = (),
) -> pd.DataFrame | None:
    """Which counts of ``table`` a public report hides, row for row, when the reader knows each
    column's total (a table elsewhere gives it) and, with ``row_total`` (one of ``columns``),
    each row's: small counts, and more so that none can be worked out from the totals. The
    total of a column in ``totals_hidden`` is hidden elsewhere, so it counts as hidden here.
    None when the report hides nothing, or ``table`` is empty."""
    if not audience.hides_small_numbers() or table.empty:
        return None
    grid = table[columns].astype("int64").reset_index(drop=True)
    grid.loc["__all__"] = grid.sum()
    for column in totals_hidden:
        if grid.loc["__all__", column]:
            grid.loc["__all__", column] = 1  # counts as hidden
    rows = {"row_totals": row_total} if row_total else {}
    mask = disclosure.suppress_table(
        grid.reset_index(drop=True), suppress_below=audience.suppress_below(), column_totals=len(grid) - 1, **rows,
    ).mask
    return pd.DataFrame(mask[columns].iloc[:-1].to_numpy(), index=table.index, columns=columns).astype(bool)


def _gap_sentence(small: int, more: int, suppress_below: int) -> str:
    sentences = []
    if small:
        sentences.append(disclosure.gap_note(small, suppress_below))
    if more:
        are = "is" if more == 1 else "are"
        sentences.append(
            f"{plural(more, 'more value' if small else 'value')} {are} not shown "
            f"({disclosure.SUPPRESSED}), so that hidden values cannot be worked out from the totals."
        )
    return " ".join(sentences)
