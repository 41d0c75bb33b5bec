"""One rule for the dates a run is "as at" or limited to (team performance's ``as_at``, the demand
study's ``period_start`` and ``period_end``).

- A date outside the data's range (before its first date or after its last) is a
  :class:`ParameterError` naming the parameter, the date and the range: the figures would be of
  a time the data says nothing about, such as work "open" in 2030 because nothing records it
  closing.
- A date inside the range but after the last event recorded (an opening, closing or contact;
  due dates and reviews lie ahead by design) is allowed, with a warning for the report and the
  JSON summary: nothing happens after that day, so any figure from then on counts nothing new.

The end of a period (the demand study's ``period_end``) may run past the last contact, as a
month's report does when the last days had none: it is checked like the rest against the
data's first date, and warned of after the last event. Its start (``period_start``) may come
before the first contact, and is checked against the last.

Every workbook checks its dates with :func:`check_run_date`, so the words are the same everywhere.
"""

from __future__ import annotations

import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import fmt_date


def check_run_date(
    name: str,
    day: object,
    first: object,
    last: object,
    last_event: object = None,
    open_start: bool = False,
    open_end: bool = False,
    last_event_words: str = "the last event in the data",
) -> list[str]:
    """Check the date ``day`` given as the parameter ``name`` against the data's range.

    ``first`` and ``last`` are the earliest and latest dates in the data (any of its date
    columns); ``last_event`` is the latest date on which something was recorded as happening
    (by default ``last``). Returns the warnings for the report (empty, or one sentence when
    ``day`` falls after ``last_event``). Raises :class:`ParameterError` when ``day`` lies
    outside ``first`` to ``last``; ``open_start`` allows a day before ``first``, ``open_end`` one
    after ``last``; ``last_event_words`` names the last event in the warning ("the last contact in
    the log"). A blank ``day`` (None) or data with no dates is not checked.
    """
    if day is None or pd.isna(first) or pd.isna(last):
        return []
    day = pd.Timestamp(day).normalize()
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if (day < first and not open_start) or (day > last and not open_end):
        side = "before" if day < first else "after"
        raise ParameterError(
            f"{name} is {fmt_date(day)}, {side} the data, which runs from {fmt_date(first)} to "
            f"{fmt_date(last)}. Give a date in that range, or leave {name} blank."
        )
    if last_event is not None and not pd.isna(last_event):
        latest = pd.Timestamp(last_event).normalize()
        if day > latest:
            return [
                f"{name} is {fmt_date(day)}, after {last_event_words} ({fmt_date(latest)}): "
                "nothing is recorded after that day, so the figures for the time since count nothing "
                "new. Check the data is up to date, or choose an earlier date."
            ]
    return []


def date_range(*columns: pd.Series | None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The earliest and latest dates in any of ``columns`` (None for a column not given), or
    ``(None, None)`` when there are none."""
    found = [pd.to_datetime(column, errors="coerce").dropna() for column in columns if column is not None]
    found = [column for column in found if len(column)]
    if not found:
        return None, None
    return min(column.min() for column in found), max(column.max() for column in found)
