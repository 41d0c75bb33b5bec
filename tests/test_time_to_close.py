"""Tests for :mod:`workbook_helpers.measures.time_to_close`: the Kaplan–Meier estimate of time to close,
its median, the durations of open and closed cases, and what a chart of it may draw.

The expected figures are worked out by hand in the comments; scipy's own estimate is the
reference for the vectorised median on random data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.measures.time_to_close import (
    case_durations,
    data_as_at,
    drawable,
    kaplan_meier,
    km_median,
    time_to_close,
)

# Seven cases: days to close, two of them still open (False) after 20 and 50 days.
DAYS = [10, 20, 30, 40, 50, 60, 70]
CLOSED = [True, False, True, True, False, True, True]


def test_kaplan_meier_worked_by_hand_with_two_cases_still_open():
    # Day 10: 7 open, 1 closes            -> 6/7                      = 0.857
    # Day 20: a case last seen open; 6 were open, now 5 are at risk (no step)
    # Day 30: 5 open, 1 closes            -> 6/7 * 4/5     = 24/35    = 0.686
    # Day 40: 4 open, 1 closes            -> 24/35 * 3/4   = 18/35    = 0.514
    # Day 50: a case last seen open; 3 were open, now 2 at risk (no step)
    # Day 60: 2 open, 1 closes            -> 18/35 * 1/2   = 9/35     = 0.257
    # Day 70: 1 open, 1 closes            -> 0
    steps = kaplan_meier(DAYS, CLOSED)
    assert steps["days"].tolist() == DAYS
    assert steps["still_open"].to_numpy() == pytest.approx([6 / 7, 6 / 7, 24 / 35, 18 / 35, 18 / 35, 9 / 35, 0])
    assert steps["at_risk"].tolist() == [7, 6, 5, 4, 3, 2, 1]
    assert steps["closed"].tolist() == [1, 0, 1, 1, 0, 1, 1]
    assert steps["left_open"].tolist() == [0, 1, 0, 0, 1, 0, 0]


def test_median_days_to_close_allows_for_the_cases_still_open():
    # The share still open first falls to half or less on day 60 (9/35; on day 40 it is 18/35,
    # just over half). Leaving the open cases out (10, 30, 40, 60, 70) gives a median of 40, and
    # so does counting their days so far as if they had closed (10 ... 70): both understate.
    assert km_median(DAYS, CLOSED) == 60
    assert float(np.median([d for d, c in zip(DAYS, CLOSED) if c])) == 40
    assert float(np.median(DAYS)) == 40


def test_median_with_every_case_closed_is_the_first_day_half_have_closed():
    # 1, 2, 3, 4 all closed: after day 2 the share open is 2/4 = one half, so the median is 2
    # (the first day by which half had closed), not the 2.5 a plain median gives.
    assert km_median([1, 2, 3, 4], [True] * 4) == 2
    # Odd count: the middle case, 3.
    assert km_median([5, 1, 3, 4, 2], [True] * 5) == 3


def test_no_median_while_more_than_half_are_still_open():
    # 10 closed; 20, 30 and 40 still open: after day 10 the share open is 3/4.
    assert math.isnan(km_median([10, 20, 30, 40], [True, False, False, False]))
    assert math.isnan(km_median([], []))


def test_a_case_last_seen_open_on_a_closing_day_was_still_at_risk_that_day():
    # 5 and 5 (open) and 8: on day 5 three are at risk and one closes -> 2/3; day 8: 2/3 * 0 -> 0.
    # Had the open case dropped out first, day 5 would give 1/2 and the median 5.
    steps = kaplan_meier([5, 5, 8], [True, False, True])
    assert steps["still_open"].tolist() == pytest.approx([2 / 3, 0])
    assert km_median([5, 5, 8], [True, False, True]) == 8


def test_median_works_on_many_resamples_at_once():
    days = np.array([DAYS, [1, 2, 3, 4, 5, 6, 7]], dtype=float)
    closed = np.array([CLOSED, [True] * 7])
    assert km_median(days, closed).tolist() == [60, 4]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=1, max_size=25))
def test_vectorised_median_matches_scipys_estimate(cases):
    days = np.array([d for d, _ in cases], dtype=float)
    closed = np.array([c for _, c in cases])
    steps = kaplan_meier(days, closed)
    # Reference: the first day whose share still open (from scipy.stats.ecdf) is half or less.
    reached = steps[steps["still_open"] <= 0.5 + 1e-9]
    expected = reached["days"].iloc[0] if len(reached) and closed.any() else math.nan
    got = km_median(days, closed)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_bad_durations_are_refused():
    with pytest.raises(ParameterError, match="below zero"):
        km_median([-1, 3], [True, True])
    with pytest.raises(ParameterError, match="should match"):
        kaplan_meier([1, 2], [True])


# --------------------------------------------------------------------------------------------
# Durations of open and closed cases


def _measures(rows):
    frame = pd.DataFrame(rows, columns=["start", "end", "last_event", "end_to_end_days", "open"])
    for column in ("start", "end", "last_event"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["end_to_end_days"] = frame["end_to_end_days"].astype("Int64")
    return frame


def test_open_cases_count_to_the_date_of_the_data():
    measures = _measures([
        ("2024-04-01", "2024-04-11", "2024-04-11", 10, False),  # closed after 10 days
        ("2024-04-05", "2024-04-09", "2024-04-09", 4, True),    # open, last activity 9 April
        ("2024-04-20", "2024-04-30", "2024-04-30", 10, False),  # closed 30 April: the latest date
    ])
    assert data_as_at(measures) == pd.Timestamp("2024-04-30")
    durations = case_durations(measures)
    # The open case was still open on 30 April: 25 days since 5 April, not the 4 to its last activity.
    assert durations["days"].tolist() == [10, 25, 10]
    assert durations["closed"].tolist() == [True, False, True]
    assert case_durations(measures, as_at="2024-05-05")["days"].tolist() == [10, 30, 10]


def test_curves_and_what_a_report_for_sharing_may_draw():
    durations = pd.DataFrame({"days": DAYS, "closed": CLOSED})
    curve, summary = time_to_close(durations, min_at_risk=5)
    # From day 0 (all 7 open), then the steps above; at least 5 at risk up to day 30 (5), so
    # days 40 on are not shown, and the median (day 60, 2 at risk) is past that point.
    assert curve["days"].tolist() == [0] + DAYS
    assert curve["shown"].tolist() == [True, True, True, True, False, False, False, False]
    row = summary.iloc[0]
    assert (row["cases"], row["closed"], row["still_open"], row["median_days"]) == (7, 5, 2, 60)
    assert (row["median_at_risk"], row["median_shown"]) == (2, False)
    line, marks, medians = drawable(curve, summary, each_case=False)
    assert line["days"].tolist() == [0, 10, 20, 30] and "at_risk" not in line.columns
    assert marks is None and medians.empty
    line, marks, medians = drawable(*time_to_close(durations), each_case=True)
    assert len(line) == 8 and marks["days"].tolist() == [20, 50]
    assert medians["median_days"].tolist() == [60]


def test_curves_by_group_in_the_order_asked():
    durations = pd.DataFrame({"days": [5, 9, 3, 4], "closed": [True, True, True, False]})
    groups = pd.Series(["after", "after", "before", "before"])
    _, summary = time_to_close(durations, groups, order=["before", "after"])
    # before: 3 closes (2 at risk) -> 1/2: median 3. after: 5 then 9: 1/2 after day 5: median 5.
    assert summary["group"].tolist() == ["before", "after"]
    assert summary["median_days"].tolist() == [3, 5]
    assert summary["still_open"].tolist() == [1, 0]
