"""Numbers and dates written for people, in the house style (British English).

Dates in prose as ``1 April 2024``; counts with thousands separators; percentages to whole numbers
in headlines and one decimal place in tables; money as ``£12,300``; "percentage points" for a
change in a share.
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime

import pandas as pd

MISSING = "[x]"  # Government Statistical Service symbol: not available


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value: float | int | None) -> str:
    """``1234.4`` -> ``"1,234"``."""
    if _missing(value):
        return MISSING
    return f"{int(round(float(value))):,}"


def fmt_number(value: float | None, places: int = 1) -> str:
    """A number with thousands separators and a fixed number of decimal places."""
    if _missing(value):
        return MISSING
    return f"{float(value):,.{places}f}"


def fmt_pct(share: float | None, places: int = 0) -> str:
    """A share (0.571) as a percentage (``"57%"``); ``places`` decimal places (1 in tables)."""
    if _missing(share):
        return MISSING
    return f"{float(share) * 100:,.{places}f}%"


def fmt_points(change: float | None, places: int = 0) -> str:
    """A change in a share (0.14) in percentage points (``"14 percentage points"``)."""
    if _missing(change):
        return MISSING
    points = abs(float(change)) * 100
    unit = "percentage point" if round(points, places) == 1 else "percentage points"
    return f"{points:,.{places}f} {unit}"


def fmt_money(value: float | None) -> str:
    """``12300`` -> ``"£12,300"``; negative amounts as ``"-£1,200"``."""
    if _missing(value):
        return MISSING
    sign = "-" if float(value) < 0 else ""
    return f"{sign}£{abs(float(value)):,.0f}"


def fmt_hours(hours: float | None) -> str:
    """Hours in words: ``"212 hours"``, ``"1 hour"``, ``"0.5 hours"`` for under 10."""
    if _missing(hours):
        return MISSING
    hours = float(hours)
    text = f"{hours:,.1f}".rstrip("0").rstrip(".") if hours < 10 else f"{hours:,.0f}"
    return f"{text} {'hour' if text == '1' else 'hours'}"


def fmt_date(value: date | datetime | str | None) -> str:
    """``2024-04-01`` -> ``"1 April 2024"``."""
    if _missing(value):
        return MISSING
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%B %Y}"


def fmt_date_short(value: date | datetime | str | None) -> str:
    """``2024-04-01`` -> ``"1 Apr 2024"``, for tables."""
    if _missing(value):
        return MISSING
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%b %Y}"


def fmt_period(start: object, end: object) -> str:
    """``"1 April to 18 August 2024"`` (the year once when both dates share it)."""
    if _missing(start) or _missing(end):
        return MISSING
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first.year == last.year:
        return f"{first.day} {first:%B} to {fmt_date(last)}"
    return f"{fmt_date(first)} to {fmt_date(last)}"


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "week")`` -> ``"1 week"``; ``plural(3, "week")`` -> ``"3 weeks"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{fmt_int(count)} {word}"


def join_words(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def esc(value: object) -> str:
    """Text from data, made safe to put into HTML or Markdown: escaped, markup shown as text."""
    text = html.escape(str(value), quote=True)
    # Characters Markdown would act on: shown literally.
    for char in "\\`*_[]#|":
        text = text.replace(char, "&#%d;" % ord(char))
    return text


def is_finite(value: object) -> bool:
    return not _missing(value) and math.isfinite(float(value))
