"""What a file may hold but is worth a note: rows that repeat an earlier row exactly, values above
a plausible ceiling (handling minutes, hours in a day, a worker's hours on one day), and dates of
things that have happened falling after the day of the run. The loaders keep these rows and put
the notes in ``frame.attrs["warnings"]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from workbook_helpers import clock
from workbook_helpers.data.problems import SHOWN_ROWS, row_count
from workbook_helpers.formatting import fmt_date, fmt_hours, fmt_int, fmt_number, join_words


def exact_copies(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which rows repeat an earlier row exactly, in every column of the file, and for each such
    row the row it repeats (both indexed like ``raw``; the second is blank where the first is
    False).

    Rows are hashed to find candidates quickly; each candidate is then compared value for value
    with the first row of its hash, so a hash collision can never make two different rows count
    as copies.
    """
    if raw.empty:
        return pd.Series(False, index=raw.index), pd.Series(pd.NA, index=raw.index, dtype="Int64")
    try:
        keys = pd.util.hash_pandas_object(raw, index=False)
    except TypeError:  # unhashable cells (a Parquet list column): compare their text
        raw = raw.astype(str)
        keys = pd.util.hash_pandas_object(raw, index=False)
    candidates = keys.duplicated(keep=False).to_numpy()
    copies = pd.Series(False, index=raw.index)
    first = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if not candidates.any():
        return copies, first
    at = np.flatnonzero(candidates)  # positions of the candidates, and of their hash's first row
    first_at = pd.Series(at).groupby(keys.to_numpy()[candidates]).transform("first").to_numpy()
    same = np.ones(len(at), dtype=bool)
    for position in range(raw.shape[1]):  # column by column: fast for text, whatever the dtype
        column = raw.iloc[:, position]
        values = column.iloc[at].reset_index(drop=True)
        originals = column.iloc[first_at].reset_index(drop=True)
        equal = (values == originals).fillna(False).to_numpy(dtype=bool)
        same &= equal | (values.isna() & originals.isna()).to_numpy(dtype=bool)
    repeated = same & (first_at != at)
    rows = raw.index[at[repeated]]
    copies.loc[rows] = True
    first.loc[rows] = raw.index[first_at[repeated]].to_numpy()
    return copies, first


def copies_warning(copies: pd.Series, first: pd.Series, dropped: bool) -> str:
    rows = [int(row) for row in copies.index[copies.to_numpy()]]
    count = len(rows)
    shown = f"row {rows[0]:,} (a copy of row {int(first[rows[0]]):,})"
    if count > 1:
        others = [f"{row:,}" for row in rows[1:SHOWN_ROWS]]
        shown += f", then {'row' if len(others) == 1 else 'rows'} {join_words(others)}"
        if count > SHOWN_ROWS:
            shown += f" and {count - SHOWN_ROWS:,} more"
    one = count == 1
    if dropped:
        return (f"{row_count(count)} {'was an exact copy' if one else 'were exact copies'} of an earlier "
                f"row and {'was' if one else 'were'} left out (drop_duplicates = True): {shown}.")
    return (
        f"{row_count(count)} {'is an exact copy' if one else 'are exact copies'} of an earlier row: "
        f"{shown}. {'It was' if one else 'They were'} kept, since identical rows can be real (two "
        f"calls alike); if the export repeated {'it' if one else 'them'}, run the workbook with "
        f"drop_duplicates = True to leave {'it' if one else 'them'} out."
    )


def plausibility_warnings(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, at_most: dict[str, float | None] | None = None,
    today: object = None,
) -> list[str]:
    """Warnings about values a contract accepts but that are unlikely to be right: above a
    column's plausible ceiling (``at_most`` metadata, or the ``at_most`` given here), daily
    totals above their ceiling (``daily_totals`` schema metadata), and dates of things that have
    happened falling after ``today`` (by default the day of the run, :func:`clock.today`)."""
    at_most = at_most or {}
    warnings = []
    for name, column in schema.columns.items():
        if name not in frame.columns:
            continue
        meta = column.metadata
        if "at_most" in meta or name in at_most:
            limit, words = meta.get("at_most", (None, ""))
            if name in at_most:
                limit = at_most[name]
                words = _limit_words(limit, meta.get("unit"))
            if limit is not None:
                warning = _above_warning(frame[name], name, limit, words, meta.get("unit"))
                if warning:
                    warnings.append(warning)
    for column, (by, day), limit, words in (schema.metadata or {}).get("daily_totals", ()):
        if {column, by, day} <= set(frame.columns):
            warning = _daily_total_warning(frame, column, by, day, limit, words,
                                           schema.columns[column].metadata.get("unit"))
            if warning:
                warnings.append(warning)
    for column, count, latest, rows in dates_after_today(frame, schema, today):
        shown = f"row {rows[0]:,}" if count == 1 else f"rows {join_words([f'{r:,}' for r in rows])}"
        if count > len(rows):
            shown += f" and {count - len(rows):,} more"
        last_day = _today(today)
        if schema.columns[column].metadata["kind"] == "month":
            warnings.append(
                f"{row_count(count)} {'has' if count == 1 else 'have'} spending recorded for a month that "
                f"has not begun (after {last_day:%B %Y}), the latest {latest:%B %Y} ({shown}): check "
                f"{'it' if count == 1 else 'them'}."
            )
        else:
            warnings.append(
                f"{row_count(count)} {'has' if count == 1 else 'have'} {_date_words(column)} after "
                f"today ({fmt_date(last_day)}), the latest {fmt_date(latest)} ({shown}): check "
                f"{'it' if count == 1 else 'them'}."
            )
    return warnings


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _date_words(column: str) -> str:
    """"a received date", "an opened date", "a date" (not "a date date")."""
    return "a date" if column == "date" else f"{_a(column)} {column} date"


def _today(today: object = None) -> pd.Timestamp:
    return pd.Timestamp(clock.today() if today is None else today).normalize()


def dates_after_today(
    frame: pd.DataFrame, schema_or_columns: pa.DataFrameSchema | tuple[str, ...], today: object = None
) -> list[tuple[str, int, pd.Timestamp, tuple[int, ...]]]:
    """Dates of things that have happened that fall after ``today`` (by default the day of the
    run, :func:`workbook_helpers.clock.today`, which ``SERVICE_WORKBOOKS_TODAY`` moves): for each
    column that has any, ``(column, how many, the latest, the first few rows)``.

    ``schema_or_columns``: a contract (its columns marked ``not_after_today``) or the date
    columns to look at. A date-time on today is not after it; a month is after today when it
    begins after it, and counts only in rows whose column named by ``not_after_today`` (for
    spending, ``actual``) is neither blank nor 0, since a budget may be set ahead.
    """
    if isinstance(schema_or_columns, pa.DataFrameSchema):
        rules = {name: column.metadata.get("not_after_today")
                 for name, column in schema_or_columns.columns.items()
                 if column.metadata.get("not_after_today")}
    else:
        rules = {name: True for name in schema_or_columns}
    next_day = _today(today) + pd.Timedelta(days=1)
    found = []
    for column, rule in rules.items():
        if column not in frame.columns:
            continue
        dates = pd.to_datetime(frame[column])
        later = (dates >= next_day).to_numpy(dtype=bool)
        if isinstance(rule, str) and rule in frame.columns:
            amounts = pd.to_numeric(frame[rule], errors="coerce")
            later = later & (amounts.notna() & (amounts != 0)).to_numpy(dtype=bool)
        if later.any():
            rows = tuple(int(row) for row in frame.index[later][:SHOWN_ROWS])
            found.append((column, int(later.sum()), pd.Timestamp(dates[later].max()).normalize(), rows))
    return found


def _limit_words(limit: float | None, unit: str | None) -> str:
    if limit is None:
        return ""
    if unit == "minutes":
        return fmt_hours(limit / 60) if limit >= 60 else f"{fmt_number(limit, 0)} minutes"
    return fmt_number(limit, 1).removesuffix(".0")


def _above_warning(values: pd.Series, name: str, limit: float, words: str, unit: str | None) -> str | None:
    over = (values > limit).to_numpy()
    count = int(over.sum())
    if not count:
        return None
    rows = [f"{int(row):,}" for row in values.index[over][:SHOWN_ROWS]]
    shown = f"row {rows[0]}" if count == 1 else f"rows {join_words(rows)}"
    if count > len(rows):
        shown += f" and {count - len(rows):,} more"
    largest = values[over].max()
    unit_word = f" {unit}" if unit else ""
    limit_text = f"{fmt_number(limit, 1).removesuffix('.0')}{unit_word}"
    if words and words not in (limit_text, limit_text.removesuffix(unit_word)):
        limit_text += f" ({words})"
    return (
        f"{row_count(count)} {'has' if count == 1 else 'have'} {name} above {limit_text}, "
        f"{'at' if count == 1 else 'the largest'} {_plain_number(largest)}{unit_word} ({shown}): "
        f"{'it is' if count == 1 else 'they are'} counted as recorded, so check "
        f"{'it' if count == 1 else 'them'}."
    )


def _plain_number(value: float) -> str:
    """A number as an analyst would type it: ``1,000,000,000,000``, ``30.5``."""
    return fmt_int(value) if float(value).is_integer() else fmt_number(value, 2).rstrip("0").rstrip(".")


def _daily_total_warning(
    frame: pd.DataFrame, column: str, by: str, day: str, limit: float, words: str, unit: str | None
) -> str | None:
    days = pd.to_datetime(frame[day]).dt.normalize()
    totals = frame[column].groupby([frame[by].astype(str).to_numpy(), days.to_numpy()]).transform("sum")
    over = (totals > limit).to_numpy()
    if not over.any():
        return None
    groups = pd.DataFrame({"by": frame[by].astype(str).to_numpy(), "day": days.to_numpy()})[over]
    occasions = len(groups.drop_duplicates())
    unit_word = f" {unit}" if unit else ""
    rows = [f"{int(row):,}" for row in frame.index[over][:SHOWN_ROWS]]
    more = int(over.sum()) - len(rows)
    shown = f"row{'s' if len(rows) > 1 else ''} {join_words(rows)}" + (f" and {more:,} more" if more else "")
    return (
        f"On {'1 occasion' if occasions == 1 else f'{occasions:,} occasions'} the {words} come to more "
        f"than {fmt_number(limit, 1).removesuffix('.0')}{unit_word}, the most "
        f"{_plain_number(totals[over].max())}{unit_word} ({shown}): the {column} are counted as "
        "recorded, so check them."
    )
