"""Numbers and dates written for people, in the house style (British English).

Dates in prose as ``1 April 2024``; counts with thousands separators; percentages to whole numbers
in headlines and one decimal place in tables; money as ``£12,300``; "percentage points" for a
change in a share.

One rule for values that are not numbers, in every formatter: a value hidden to protect privacy
(:data:`HIDDEN`, ``"[c]"``) stays ``[c]``; anything else that is not a finite number or date
(``None``, NaN, infinity, text, a list or a dictionary) is ``[x]``, not available. No formatter
raises for what it is given, so a card, table, sentence or index page never fails on an odd
figure in a summary.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pandas as pd

MISSING = "[x]"  # Government Statistical Service symbol: not available
NOT_APPLICABLE = "[z]"  # Government Statistical Service symbol: not applicable
HIDDEN = "[c]"  # Government Statistical Service symbol: confidential (hidden to protect privacy)
#: What each symbol means, in the words every report, table and index page uses: the key at
#: the end of a report, and the hover text of a symbol where it stands.
SYMBOL_MEANINGS = {
    HIDDEN: "confidential: hidden to protect privacy, as a small number could identify someone",
    MISSING: "not available: the data do not give this figure",
    NOT_APPLICABLE: "not applicable: there is nothing for this figure to describe",
}


def symbol_html(symbol: str, css_class: str | None = None, meaning: str | None = None) -> str:
    """A symbol of :data:`SYMBOL_MEANINGS` as HTML: the symbol itself, in an ``<abbr>`` whose title
    gives its meaning (``meaning`` where a page says more) on hover and to a screen reader. The one
    way every page marks one."""
    style = f' class="{html.escape(css_class, quote=True)}"' if css_class else ""
    title = html.escape(meaning or SYMBOL_MEANINGS[symbol], quote=True)
    return f'<abbr{style} title="{title}">{html.escape(symbol)}</abbr>'


def is_missing(value: object) -> bool:
    """Whether a value is a blank in the data: None, NaN, ``pd.NA`` or ``NaT`` (not an empty
    string, and not an array or a signalling NaN, which no cell holds). The one test for a blank
    value the formatters, tables and icons share."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError, ArithmeticError):  # arrays, signalling NaN: not "missing"
        return False


_missing = is_missing


def is_hidden(value: object) -> bool:
    """True for the marker of a value hidden to protect privacy (``"[c]"``)."""
    return isinstance(value, str) and value.strip() == HIDDEN


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or None for anything that is not one (missing, infinite,
    text that is not a number, a container, a number too large for a float)."""
    if isinstance(value, (bytes, dict, list, tuple, set)) or _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None


def _not_a_number(value: object) -> str:
    """What a formatter shows for a value that is not a number: ``[c]`` or ``[x]``."""
    return HIDDEN if is_hidden(value) else MISSING


def _rounded(value: object, places: int = 0, scale: int = 1) -> str | None:
    """``value * scale`` rounded half away from zero, as Excel and official statistics round
    (Python's ``round`` and format strings round half to even: 12.5% would show as 12%).
    Returns the number with thousands separators, or None when missing or not finite."""
    number = _finite(value)
    if number is None:
        return None
    rounded = _half_up(number, places, scale)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0%"
    return f"{rounded:,.{places}f}"


def _half_up(number: float, places: int = 0, scale: int = 1) -> Decimal:
    """``number * scale`` rounded half away from zero to ``places`` decimal places."""
    # repr() gives the decimal the float was written as, so 0.285 is 28.5% and not 28.4999...%
    with localcontext(prec=400):  # room for every digit of the largest float
        exact = Decimal(repr(number)) * scale
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fmt_int(value: float | int | None) -> str:
    """``1234.4`` -> ``"1,234"``; halves round away from zero (``2.5`` -> ``"3"``)."""
    return _rounded(value) or _not_a_number(value)


def fmt_number(value: float | None, places: int = 1) -> str:
    """A number with thousands separators and a fixed number of decimal places."""
    return _rounded(value, places) or _not_a_number(value)


def fmt_pct(share: float | None, places: int = 0) -> str:
    """A share (0.571) as a percentage (``"57%"``); ``places`` decimal places (1 in tables)."""
    text = _rounded(share, places, scale=100)
    return _not_a_number(share) if text is None else f"{text}%"


def fmt_points(change: float | None, places: int = 0) -> str:
    """A change in a share (0.14) in percentage points (``"14 percentage points"``)."""
    text = _rounded(change, places, scale=100)
    if text is None:
        return _not_a_number(change)
    text = text.lstrip("-")  # the direction is said in words ("up", "down")
    unit = "percentage point" if Decimal(text.replace(",", "")) == 1 else "percentage points"
    return f"{text} {unit}"


def fmt_money(value: float | None) -> str:
    """``12300`` -> ``"£12,300"``; negative amounts as ``"-£1,200"``."""
    text = _rounded(value)
    if text is None:
        return _not_a_number(value)
    return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"


def fmt_hours(hours: float | None) -> str:
    """Hours in words: ``"212 hours"``, ``"1 hour"``, ``"0.5 hours"`` for under 10."""
    text = _rounded(hours, 1)
    if text is None:
        return _not_a_number(hours)
    if abs(float(hours)) < 10:
        text = text.rstrip("0").rstrip(".")
    else:
        text = _rounded(hours)
    return f"{text} {'hour' if text == '1' else 'hours'}"


def fmt_duration(seconds: float | None, words: bool = False) -> str:
    """How long something took or may take, from a number of seconds, rounded as it is shown:
    under a minute to a tenth of a second, under an hour to the second, then to the minute
    (halves away from zero, so 59.96 seconds is a minute and 3,599.5 an hour).

    For a table (the default), short units, every part shown: ``7.25`` -> ``"7.3 s"``, ``60``
    -> ``"1 min 0 s"``, ``3725`` -> ``"1 h 2 min"``. With ``words``, for a sentence: units
    spelt out, a part that is zero left out, and no ".0": ``9`` -> ``"9 seconds"``, ``90`` ->
    ``"1 minute 30 seconds"``, ``600`` -> ``"10 minutes"``, ``3600`` -> ``"1 hour"``.
    A value that is not a finite number of seconds at or above zero is ``[x]`` (``[c]`` stays).
    """
    number = _finite(seconds)
    if number is None or number < 0:
        return _not_a_number(seconds)
    number = abs(number)  # -0.0 is no time at all
    tenths = _half_up(number, 1)
    if tenths < 60:
        text = f"{tenths:.1f}"
        if words:
            text = text.removesuffix(".0")
        parts = [(text, "s", "second")]
    elif _half_up(number) < 3600:
        minutes, rest = divmod(int(_half_up(number)), 60)
        parts = [(f"{minutes}", "min", "minute"), (f"{rest}", "s", "second")]
    else:
        hours, minutes = divmod(int(_half_up(number / 60)), 60)
        parts = [(f"{hours:,}", "h", "hour"), (f"{minutes}", "min", "minute")]
    if not words:
        return " ".join(f"{text} {short}" for text, short, _ in parts)
    said = [f"{text} {word if text == '1' else word + 's'}" for text, _, word in parts if text != "0"]
    return " ".join(said or [f"{parts[0][0]} {parts[0][2]}s"])


def _timestamp(value: object) -> pd.Timestamp | None:
    """``value`` as a timestamp (a date, a datetime, or ISO text such as ``2024-04-01``), or None
    when it is missing or not a date."""
    if is_hidden(value) or isinstance(value, (dict, list, tuple, set, numbers.Number)) or _missing(value):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return None if stamp is pd.NaT else stamp


def fmt_date(value: date | datetime | str | None) -> str:
    """``2024-04-01`` -> ``"1 April 2024"``."""
    stamp = _timestamp(value)
    if stamp is None:
        return _not_a_number(value)
    return f"{stamp.day} {stamp:%B %Y}"


def fmt_date_short(value: date | datetime | str | None) -> str:
    """``2024-04-01`` -> ``"1 Apr 2024"``, for tables."""
    stamp = _timestamp(value)
    if stamp is None:
        return _not_a_number(value)
    return f"{stamp.day} {stamp:%b %Y}"


def fmt_period(start: object, end: object) -> str:
    """``"1 April to 18 August 2024"`` (the year once when both dates share it)."""
    first, last = _timestamp(start), _timestamp(end)
    if first is None or last is None:
        return HIDDEN if is_hidden(start) or is_hidden(end) else MISSING
    if first.year == last.year:
        return f"{first.day} {first:%B} to {fmt_date(last)}"
    return f"{fmt_date(first)} to {fmt_date(last)}"


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "week")`` -> ``"1 week"``; ``plural(3, "week")`` -> ``"3 weeks"``."""
    text = fmt_int(count)
    # The word agrees with the number as shown: 0.6 shows as "1", so "1 week".
    word = singular if text == "1" else (plural_form or singular + "s")
    return f"{text} {word}"


def join_words(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def esc(value: object) -> str:
    """Text from data, made safe to put into HTML or Markdown: escaped, markup shown as text.

    ``html.unescape(esc(text))`` gives the text back, on one line and without indenting."""
    # A line break inside a value would let the rest of it start a heading, list or quote, and
    # indenting would make it a code block (where the escapes below would show as written).
    text = " ".join(str(value).splitlines()).lstrip(" \t")
    # One pass: replacing characters one after another would escape the "#" and "&" of the
    # entities already written ("*" -> "&#42;" -> "&&#35;42;"), showing them as text.
    text = text.translate(_ESCAPES)
    # A bare web address would be made a live link by the report's Markdown.
    text = text.replace("://", "&#58;//")
    # A value that starts a line must not start a list ("- x", "+ x", "1. x", "1) x") or
    # draw a line ("---"); "-5%" is left as it is.
    return _LIST_MARKER.sub(_escape_list_marker, text, 1)


def _escape_list_marker(match: re.Match) -> str:
    spaces, bullet, number, delimiter = match.groups()
    if bullet:
        return f"{spaces}&#{ord(bullet)};"
    return f"{spaces}{number}&#{ord(delimiter)};"


_LIST_MARKER = re.compile(r"^(\s*)(?:([-+])(?=\s|$|-{2,}\s*$)|(\d+)([.)])(?=\s|$))")
# HTML's specials as html.escape writes them, and the characters Markdown (and Jupyter's
# MathJax, "$") would act on as numeric character references: shown literally by both.
_ESCAPES = {ord(char): html.escape(char, quote=True) for char in "&<>\"'"} | {
    ord(char): f"&#{ord(char)};" for char in "\\`*_[]#|~$"
}


def is_finite(value: object) -> bool:
    """True for a number that is neither missing nor infinite (text and containers are not)."""
    return _finite(value) is not None
