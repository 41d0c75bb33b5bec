"""Tests for :mod:`workbook_helpers.formatting`: numbers, dates and data text in the house style.

House style: British English; ``1 April 2024``; ``£12,300``; whole percentages in headlines and one
decimal place in tables; "percentage points" for a change in a share; ``[x]`` (the Government
Statistical Service symbol for "not available") for a missing figure. Halves round away from zero,
as Excel and published statistics round.
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from workbook_helpers.formatting import (
    MISSING,
    esc,
    fmt_date,
    fmt_date_short,
    fmt_duration,
    fmt_hours,
    fmt_int,
    fmt_money,
    fmt_number,
    fmt_pct,
    fmt_period,
    fmt_points,
    is_finite,
    join_words,
    plural,
)

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.4, "1,234"),
        (1234.5, "1,235"),  # half away from zero, as Excel's ROUND; Python's round gives 1,234
        (2.5, "3"),
        (0.5, "1"),
        (-2.5, "-3"),
        (-0.4, "0"),  # not "-0"
        (0, "0"),
        (1_000_000, "1,000,000"),
        (np.int64(4316), "4,316"),
    ],
)
def test_fmt_int(value, expected):
    assert fmt_int(value) == expected


@pytest.mark.parametrize(
    ("share", "places", "expected"),
    [
        (0.571, 0, "57%"),
        (0.571, 1, "57.1%"),
        (0.125, 0, "13%"),  # 1 of 8 is 12.5%: 13% as a person (and Excel) rounds it
        (0.285, 0, "29%"),  # 57 of 200: 28.5% -> 29%, though the float is 0.28499999...
        (0.0005, 1, "0.1%"),
        (1, 0, "100%"),
        (0, 1, "0.0%"),
        (-0.0001, 0, "0%"),  # not "-0%"
        (12.345, 0, "1,235%"),
    ],
)
def test_fmt_pct(share, places, expected):
    assert fmt_pct(share, places) == expected


@pytest.mark.parametrize("value", MISSING_VALUES + [float("inf"), float("-inf")])
def test_missing_or_impossible_figures_show_as_not_available(value):
    for formatter in (fmt_int, fmt_number, fmt_pct, fmt_points, fmt_money, fmt_hours):
        assert formatter(value) == MISSING == "[x]"


@pytest.mark.parametrize("value", MISSING_VALUES)
def test_missing_dates_show_as_not_available(value):
    assert fmt_date(value) == "[x]"
    assert fmt_date_short(value) == "[x]"
    assert fmt_period(value, "2024-04-01") == "[x]"
    assert fmt_period("2024-04-01", value) == "[x]"


def test_fmt_number():
    assert fmt_number(1234.56) == "1,234.6"
    assert fmt_number(2.25) == "2.3"  # half away from zero
    assert fmt_number(3, 2) == "3.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12300, "£12,300"),
        (12300.5, "£12,301"),
        (0, "£0"),
        (-1200, "-£1,200"),
        (-0.4, "£0"),  # rounds to nothing: no minus sign
    ],
)
def test_fmt_money(value, expected):
    assert fmt_money(value) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (0.14, "14 percentage points"),
        (-0.14, "14 percentage points"),  # the direction is said in words
        (0.01, "1 percentage point"),
        (0.005, "1 percentage point"),  # 0.5 points shown as 1: the word agrees with the "1"
        (0.004, "0 percentage points"),
        (0.0, "0 percentage points"),
    ],
)
def test_fmt_points(change, expected):
    assert fmt_points(change) == expected


def test_fmt_points_with_a_decimal_place():
    assert fmt_points(0.1234, 1) == "12.3 percentage points"
    assert fmt_points(0.01, 1) == "1.0 percentage point"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (212.4, "212 hours"),
        (1234.5, "1,235 hours"),
        (26.62, "27 hours"),
        (10, "10 hours"),
        (9.96, "10 hours"),  # 9.96 to 1 place is 10.0
        (1.5, "1.5 hours"),
        (0.5, "0.5 hours"),
        (1, "1 hour"),
        (1.04, "1 hour"),
        (0, "0 hours"),
    ],
)
def test_fmt_hours(hours, expected):
    assert fmt_hours(hours) == expected


@pytest.mark.parametrize(
    ("seconds", "table", "sentence"),
    [
        (0, "0.0 s", "0 seconds"),
        (-0.0, "0.0 s", "0 seconds"),  # no time at all, not "-0.0 s"
        (1, "1.0 s", "1 second"),
        (1.04, "1.0 s", "1 second"),  # to a tenth: 1.0, said as it is shown
        (7.25, "7.3 s", "7.3 seconds"),  # halves away from zero, as every figure is rounded
        (9, "9.0 s", "9 seconds"),
        (12.5, "12.5 s", "12.5 seconds"),
        (59.94, "59.9 s", "59.9 seconds"),
        (59.96, "1 min 0 s", "1 minute"),  # 60.0 to a tenth: a minute, not "60.0 s"
        (60, "1 min 0 s", "1 minute"),
        (61, "1 min 1 s", "1 minute 1 second"),
        (75, "1 min 15 s", "1 minute 15 seconds"),
        (90.5, "1 min 31 s", "1 minute 31 seconds"),  # whole seconds past a minute
        (600, "10 min 0 s", "10 minutes"),
        (3599.4, "59 min 59 s", "59 minutes 59 seconds"),
        (3599.5, "1 h 0 min", "1 hour"),  # 3,600 to the second: an hour
        (3600, "1 h 0 min", "1 hour"),
        (3659, "1 h 1 min", "1 hour 1 minute"),  # 60.98 minutes: whole minutes past an hour
        (5400, "1 h 30 min", "1 hour 30 minutes"),
        (7322, "2 h 2 min", "2 hours 2 minutes"),
        (360000, "100 h 0 min", "100 hours"),
    ],
)
def test_fmt_duration(seconds, table, sentence):
    assert fmt_duration(seconds) == table
    assert fmt_duration(seconds, words=True) == sentence


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), -1, "ten", [60]])
def test_fmt_duration_of_what_is_not_a_duration(value):
    assert fmt_duration(value) == MISSING and fmt_duration(value, words=True) == MISSING


@pytest.mark.parametrize(
    "value",
    ["2024-04-01", date(2024, 4, 1), datetime(2024, 4, 1, 17, 30), pd.Timestamp("2024-04-01"),
     np.datetime64("2024-04-01")],
)
def test_fmt_date(value):
    assert fmt_date(value) == "1 April 2024"
    assert fmt_date_short(value) == "1 Apr 2024"


def test_fmt_period():
    assert fmt_period("2024-04-01", "2024-08-18") == "1 April to 18 August 2024"
    assert fmt_period("2023-12-04", "2024-01-28") == "4 December 2023 to 28 January 2024"
    assert fmt_period(pd.Timestamp("2024-04-01"), date(2024, 4, 14)) == "1 April to 14 April 2024"


@pytest.mark.parametrize(
    ("count", "args", "expected"),
    [
        (1, ("week",), "1 week"),
        (3, ("week",), "3 weeks"),
        (0, ("week",), "0 weeks"),
        (1234, ("demand",), "1,234 demands"),
        (2, ("child", "children"), "2 children"),
        (1, ("child", "children"), "1 child"),
        (1.0, ("week",), "1 week"),
        (0.6, ("week",), "1 week"),  # shown as 1, so singular
        (np.int64(1), ("case",), "1 case"),
    ],
)
def test_plural(count, args, expected):
    assert plural(count, *args) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["phone"], "phone"),
        (["phone", "web"], "phone and web"),
        (["phone", "web", "letter"], "phone, web and letter"),  # no Oxford comma
        ([1, 2, 3], "1, 2 and 3"),
    ],
)
def test_join_words(items, expected):
    assert join_words(items) == expected


def test_is_finite():
    assert is_finite(1.5) and is_finite(0)
    assert not any(is_finite(v) for v in MISSING_VALUES + [math.inf])


# --------------------------------------------------------------------------------------------
# escaping text from data


def render(markdown: str) -> str:
    """Markdown to HTML as the reports render it (nbconvert's mistune filter)."""
    return markdown2html_mistune(markdown)


def test_esc_turns_a_script_into_text():
    escaped = esc("<script>alert(1)</script>")
    assert escaped == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script" not in render(escaped)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render(escaped)


def test_esc_attribute_injection_is_inert():
    escaped = esc('<img src=x onerror=alert(1)> "quoted" \'single\'')
    assert "<" not in escaped and '"' not in escaped and "'" not in escaped
    assert "<img" not in render(escaped)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("**bold**", "<strong>"),
        ("*emphasis*", "<em>"),
        ("_emphasis_", "<em>"),
        ("`code`", "<code>"),
        ("[click](https://example.com)", "<a "),
        ("see https://example.com/pay", "<a "),
        ("![x](https://example.com/x.png)", "<img"),
        ("# Heading", "<h1"),
        ("~~struck~~", "<del>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<table"),
        ("- item", "<li>"),
        ("+ item", "<li>"),
        ("3. item", "<li>"),
        ("---", "<hr"),
        ("name\n# not a heading", "<h1"),
    ],
)
def test_esc_markdown_specials_render_as_text(text, tag):
    assert tag in render(text)  # the markup does act when not escaped
    rendered = render(esc(text))
    assert tag not in rendered
    assert "<p>" in rendered


def test_esc_indented_text_does_not_become_a_code_block():
    # in a code block the escapes would be shown as written: "&lt;b&gt;indented&lt;/b&gt;"
    rendered = render(esc("    <b>indented</b> *text*"))
    assert rendered == "<p>&lt;b&gt;indented&lt;/b&gt; *text*</p>\n"


def test_esc_entities_render_as_the_characters_they_stand_for():
    # each special escaped once: no "&&#35;42;" shown as "&#42;" on the page
    text = "O'Brien & Sons: 50% * 2 #1 [draft] a_b c\\d `e` | $5 ~ at http://x.org"
    escaped = esc(text)
    assert "&&" not in escaped
    assert html.unescape(escaped) == text
    assert html.unescape(render(escaped)).strip() == f"<p>{text}</p>"


def test_esc_leaves_ordinary_text_alone():
    assert esc("Council tax") == "Council tax"
    assert esc("face-to-face") == "face-to-face"
    assert esc("-£1,200") == "-£1,200"
    assert esc("1.5 hours") == "1.5 hours"
    assert esc(42) == "42"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_esc_never_leaves_markup_and_loses_only_line_breaks_and_indenting(text):
    escaped = esc(text)
    assert not set("<>\"'`*_[]#|~$\\") & set(escaped.replace("&#", "").replace("&lt;", "")
                                            .replace("&gt;", "").replace("&quot;", "")
                                            .replace("&amp;", ""))
    assert html.unescape(escaped) == " ".join(text.splitlines()).lstrip(" \t")


# ---------------------------------------------------------------------------------------------
# Hidden and odd values: one rule for every formatter (cards, tables, sentences, the index)

_ALL_FORMATTERS = {
    "fmt_int": fmt_int,
    "fmt_number": fmt_number,
    "fmt_pct": fmt_pct,
    "fmt_pct_table": lambda v: fmt_pct(v, 1),
    "fmt_points": fmt_points,
    "fmt_money": fmt_money,
    "fmt_hours": fmt_hours,
    "fmt_date": fmt_date,
    "fmt_date_short": fmt_date_short,
    "fmt_period_start": lambda v: fmt_period(v, "2024-04-01"),
    "fmt_period_end": lambda v: fmt_period("2024-04-01", v),
    "plural": lambda v: plural(v, "case"),
}


@pytest.mark.parametrize("name", sorted(_ALL_FORMATTERS))
def test_a_hidden_value_stays_hidden_in_every_formatter(name):
    assert _ALL_FORMATTERS[name]("[c]").startswith("[c]")


@pytest.mark.parametrize("name", sorted(_ALL_FORMATTERS))
@pytest.mark.parametrize("value", ["not a number", {"open": 3}, [1, 2], (), b"12", "2024-13-45"])
def test_text_and_containers_are_not_available(name, value):
    assert _ALL_FORMATTERS[name](value).startswith("[x]")


_ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.just("[c]"), st.just(" [c] "), st.text(), st.binary(max_size=8), st.dates(), st.datetimes(),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.lists(st.integers(), max_size=2),
    st.just(pd.NA), st.just(pd.NaT), st.decimals(allow_nan=True),
    st.integers(min_value=10**300, max_value=10**400),
)


@settings(max_examples=300, deadline=None)
@given(value=_ANYTHING)
def test_no_formatter_raises_whatever_it_is_given(value):
    for name, formatter in _ALL_FORMATTERS.items():
        shown = formatter(value)
        assert isinstance(shown, str) and shown, name
