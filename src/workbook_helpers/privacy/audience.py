"""The audience applied: the one place where a report's policy (who it is for,
:mod:`workbook_helpers.privacy.policy`) meets the figures and tables a workbook declares.

A workbook's view says *what* its numbers are (a column of counts, the totals a table shows, a
share and its denominator, a count in a sentence, a case on its own, free text); the functions
here decide, under the policy in force, what a report hides, with the algorithms of
:mod:`workbook_helpers.privacy.disclosure`. Tables, charts, cards and sentences
(:mod:`workbook_helpers.present`) then show what they are given: they never read the policy.

- tables: :func:`protect_table` (small counts, secondary suppression against declared totals,
  shares with their denominators) and :class:`ProtectedTable`; the views make the tables and
  headline cards they offer through :mod:`workbook_helpers.privacy.shown`, which applies these;
- bar charts of counts: :mod:`workbook_helpers.privacy.chart_counts` (gaps, and the sentence
  saying so), which asks this module what the report hides;
- headline cards and sentences: :func:`count_shown`, :func:`share_shown`, :func:`count_phrase`;
- the JSON summary: :func:`protect_summary`;
- what a report shows at all: :func:`shows_each_case`, :func:`hides_small_numbers`,
  :func:`allows_text`, :func:`suppress_below`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import is_missing, plural
from workbook_helpers.privacy import bounds, disclosure
from workbook_helpers.privacy.policy import ReportPolicy, current_policy

__all__ = [
    "ProtectedTable", "protect_table", "protect_grid", "share_hidden", "suppression_note", "bound_note",
    "hidden_below", "protect_handoffs", "protect_follows", "protect_summary", "count_shown", "share_shown", "count_phrase",
    "hides", "few", "handoffs_hidden", "hides_small_numbers", "shows_each_case", "allows_text", "suppress_below",
    "audience_context",
]


# --------------------------------------------------------------------------------------------
# What the report shows at all


def hides(count: object) -> bool:
    """Whether this report hides this count (1 to ``suppress_below - 1`` in a public report)."""
    return current_policy().hides(count)


def hides_small_numbers() -> bool:
    """True for a public report: small counts are hidden."""
    return current_policy().hides_small_numbers


def shows_each_case() -> bool:
    """True for the team's report only: rows, journeys and dates of single cases."""
    return current_policy().shows_each_case


def allows_text(requested: object) -> bool:
    """Whether free text may be shown (the team's report, and only when asked for)."""
    return current_policy().allows_text(requested)


def suppress_below() -> int:
    """The smallest count a public report shows (5: counts of 1 to 4 are hidden)."""
    return current_policy().suppress_below


def handoffs_hidden(pairs: pd.DataFrame, follows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which cells of a handoff map and which rows of a directly-follows table this report
    hides (:func:`protect_handoffs`, :func:`protect_follows` under the policy in force)."""
    policy = current_policy()
    return (protect_handoffs(pairs, policy.suppress_below, policy.hides_small_numbers),
            protect_follows(follows, policy.suppress_below, policy.hides_small_numbers))


def hidden_below() -> int | None:
    """The smallest count this report shows when it hides small counts (``suppress_below``, for
    a chart's words to say so); None when it hides none."""
    policy = current_policy()
    return policy.suppress_below if policy.hides_small_numbers else None


def few(counts: object) -> object:
    """True where a count (or an array of them) is 1 to ``suppress_below - 1`` in a public
    report: a share out of so few is hidden. Always False in other reports."""
    policy = current_policy()
    if not policy.hides_small_numbers:
        return False
    return (counts >= 1) & (counts < policy.suppress_below)


def audience_context() -> dict:
    """The policy in force, for a summary's ``context``: audience and ``suppress_below``."""
    policy = current_policy()
    return {"audience": policy.audience, "suppress_below": policy.suppress_below}


# --------------------------------------------------------------------------------------------
# Single figures: headline cards and sentences


def count_shown(count: object) -> bounds.Bound | None:
    """The bound a report gives instead of this count ("fewer than 5"), or None when the count
    is shown as it is."""
    policy = current_policy()
    if not policy.hides(count):
        return None
    return bounds.count_bound(count, policy.suppress_below) or bounds.Bound()


def count_phrase(value: object, singular: str, plural_form: str | None = None) -> str:
    """A count in words, given as its bound when the report hides it: ``"3 cases"``, or
    ``"fewer than 5 cases"``."""
    bound = count_shown(value)
    if bound is not None:
        return f"{bound.words()} {plural_form or singular + 's'}"
    return plural(value, singular, plural_form)


def share_shown(share: object, denominator: object, numerator: object = None) -> bounds.Bound | None:
    """The bound a report gives instead of a share out of ``denominator`` ("under 17%"; a
    :class:`~workbook_helpers.privacy.bounds.Bound` with no bound for "not shown"), or None
    when the share is shown as it is (always in a team's or organisation's report)."""
    policy = current_policy()
    if not policy.hides_small_numbers or denominator is None or is_missing(share):
        return None
    if not share_hidden(share, denominator, numerator, policy.suppress_below):
        return None
    return bounds.share_bound(share, denominator, policy.suppress_below, numerator) or bounds.Bound(
        reason="small denominator")


def bound_note(suppress_below: int) -> str:
    """What a figure given as a bound means, for under headline cards."""
    return (f"A figure given as \u201cfewer than {suppress_below}\u201d, or as a share \u201cunder\u201d or "
            "\u201cover\u201d a percentage, is a small number kept back to protect privacy: the bound is "
            "all this report says of it.")


# --------------------------------------------------------------------------------------------
# Tables


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
        hide = np.array([share_hidden(s, d, None if numerator is None else t, k)
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


def share_hidden(share: object, denominator: object, numerator: object, k: int) -> bool:
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


def protect_grid(
    grid: pd.DataFrame, suppress_below: int, with_totals: bool, row_total: str | bool = False,
    forced: pd.Series | None = None,
) -> pd.DataFrame:
    """Which counts of ``grid`` (one row per group: the cohorts of a case review, say) a public
    report hides, with secondary suppression along ``row_total`` (a column holding each row's
    total) and, ``with_totals``, a last row ``__all__`` of column totals (the figures for all
    cases). The result always ends
    with the row standing for all the cases: ``__all__``, or the one group. ``forced``: True
    for rows whose ``row_total`` the report hides anyway (counted as hidden: a count of 1 stands
    in for it)."""
    frame = grid.copy()
    if with_totals:
        frame.loc["__all__"] = frame.sum()
    if forced is not None and row_total:
        force = forced.reindex(frame.index, fill_value=False).to_numpy() & (frame[row_total] > 0).to_numpy()
        frame.loc[force, row_total] = 1
    return disclosure.suppress_table(
        frame.reset_index(drop=True), suppress_below=suppress_below, row_totals=row_total,
        column_totals=len(frame) - 1 if with_totals else False,
    ).mask.set_axis(frame.index)


# --------------------------------------------------------------------------------------------
# The handoff map and the directly-follows table




def protect_handoffs(pairs: pd.DataFrame, suppress_below: int, publishing: bool = True) -> pd.Series:
    """Which cells of :func:`workbook_helpers.measures.handoffs.handoff_pairs` a report hides,
    row for row (all False when not ``publishing``).

    Within each group: a cell of 1 to ``suppress_below - 1`` handoffs is hidden; the group's
    handoffs from each organisation, into each, and in all can be worked out from figures a
    reader may have (the handoffs into each organisation, the handoffs per case and the cases),
    so enough other cells are hidden that none can be worked out from those totals
    (:func:`workbook_helpers.privacy.disclosure.suppress_table`). A group of 1 to
    ``suppress_below - 1`` cases shows no cell: every figure of it is per case of too few.
    """
    hidden = pd.Series(False, index=pairs.index)
    if not publishing or pairs.empty:
        return hidden
    for _, rows in pairs.groupby("group", sort=False):
        cases = int(rows["cases"].iloc[0])
        if 0 < cases < suppress_below:
            hidden[rows.index] = True
            continue
        grid = rows.pivot(index="from_organisation", columns="to_organisation", values="handoffs")
        if not grid.to_numpy().any():
            continue
        mask = disclosure.suppress_table(grid.reset_index(drop=True), suppress_below=suppress_below,
                                         row_totals=True, column_totals=True, total_label="__total__").mask
        mask = mask.iloc[:-1].drop(columns="__total__").set_axis(grid.index)
        hidden[rows.index] = [bool(mask.loc[a, b]) for a, b in
                              zip(rows["from_organisation"], rows["to_organisation"])]
    return hidden


def protect_follows(follows: pd.DataFrame, suppress_below: int, publishing: bool = True) -> pd.Series:
    """Which rows of :func:`workbook_helpers.measures.handoffs.directly_follows` a report hides
    (all False when not ``publishing``): 1 to ``suppress_below - 1`` transitions, or a group of
    that few cases. The table shows the top pairs only, with no totals, so nothing more need be
    hidden."""
    if not publishing or follows.empty:
        return pd.Series(False, index=follows.index)
    small = follows["transitions"].between(1, suppress_below - 1)
    few_cases = follows["cases"].between(1, suppress_below - 1)
    return (small | few_cases).astype(bool)


# --------------------------------------------------------------------------------------------
# The run's summary


def protect_summary(
    figures: dict,
    tables: dict[str, pd.DataFrame] | None = None,
    counts: Iterable[str] | None = None,
    rates: Mapping[str, object] | None = None,
    table_counts: Mapping[str, Iterable[object]] | None = None,
    table_rates: Mapping[str, Mapping[object, object]] | None = None,
    table_totals: Mapping[str, Mapping[str, object]] | None = None,
) -> tuple[dict, dict, dict]:
    """A run's figures and tables as its JSON summary may give them, and what was hidden:
    ``(figures, tables, hidden)``. What is declared (as for
    :func:`workbook_helpers.present.notebook.record_summary`) and hidden is ``None``, and
    ``hidden`` says which and why; anything arriving as ``"[c]"`` is ``None`` and listed too."""
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
            bound = bounds.count_bound(figures[key], policy.suppress_below)
            hidden[key] = bound.as_json(policy.suppress_below)
            figures[key] = None
    for key, denominator in (rates or {}).items():
        if key not in figures:
            raise ParameterError(f"record_summary: rates names {key!r}, which is not a figure.")
        below = figures.get(denominator) if isinstance(denominator, str) else denominator
        if (policy.hides_small_numbers and not is_missing(figures[key]) and figures[key] != disclosure.SUPPRESSED
                and share_hidden(figures[key], below, None, policy.suppress_below)):
            bound = bounds.share_bound(figures[key], below, policy.suppress_below)
            hidden[key] = (bound or bounds.Bound(reason="small denominator")).as_json(policy.suppress_below)
            figures[key] = None
    # Whatever else arrives hidden ("[c]" in a figure, a nested figure or a table) is null in
    # the summary too, so every number field holds a number or null, and is listed as hidden.
    figures = _nulled(figures, "", hidden, policy.suppress_below)
    tables = _nulled(tables, "tables.", hidden, policy.suppress_below)
    return figures, tables, hidden


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


