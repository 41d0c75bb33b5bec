"""Tests for :mod:`workbook_helpers.spc`: XmR charts and the *Making Data Count* rules.

Worked examples carry their arithmetic in comments so that each expected number can be checked by
hand. Positions are counted from 0, as in the ``x`` column when no dates are given.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbook_helpers.spc import (
    COLUMNS,
    UnreliableLimitsWarning,
    xmr,
    xmr_summary,
)


def chart(values, **kwargs) -> pd.DataFrame:
    """``xmr`` without the short-series warning (tested on its own below)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableLimitsWarning)
        return xmr(values, **kwargs)


def flagged(frame: pd.DataFrame, column: str) -> list[int]:
    """Positions where a boolean column is true."""
    return [int(position) for position in np.flatnonzero(frame[column].to_numpy())]


# A baseline that swaps sides of the mean every point, so it never makes a shift or a trend.
SWING = [-5, 1, -5, 1, -5, 1, -5, 1, -3]  # sums to -19


# --------------------------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------------------------


def test_worked_example_five_points():
    # values 10, 12, 11, 13, 12: mean = 58 / 5 = 11.6
    # moving ranges |12-10|, |11-12|, |13-11|, |12-13| = 2, 1, 2, 1: mean moving range 6 / 4 = 1.5
    # screening: 3.267 x 1.5 = 4.9005, no range above it
    # limits: 11.6 -/+ 2.66 x 1.5 = 11.6 -/+ 3.99 = 7.61 and 15.59
    with pytest.warns(UnreliableLimitsWarning):
        frame = xmr([10, 12, 11, 13, 12])

    assert list(frame.columns) == list(COLUMNS)
    assert frame["x"].tolist() == [0, 1, 2, 3, 4]
    assert frame["moving_range"].iloc[0] != frame["moving_range"].iloc[0]  # NaN for the first
    assert frame["moving_range"].iloc[1:].tolist() == [2, 1, 2, 1]
    assert frame["mean"].unique().tolist() == pytest.approx([11.6])
    assert frame["mean_moving_range"].unique().tolist() == pytest.approx([1.5])
    assert frame["lpl"].unique().tolist() == pytest.approx([7.61])
    assert frame["upl"].unique().tolist() == pytest.approx([15.59])
    assert frame["relative_to_mean"].tolist() == [-1, 1, -1, 1, 1]
    assert not frame["special_cause"].any()
    assert frame["special_cause_type"].isna().all()
    assert (frame["point_type"] == "common_cause").all()


def test_screening_leaves_out_one_huge_jump():
    # values 10, 11 five times over, then 40 (11 points): mean = (50 + 55 + 40) / 11 = 13.1818...
    # moving ranges: nine of 1, then |40 - 11| = 29: mean 38 / 10 = 3.8
    # screening: 3.267 x 3.8 = 12.4146, so 29 is left out: mean moving range 9 / 9 = 1.0
    # limits: 13.1818 -/+ 2.66 = 10.5218 and 15.8418
    values = [10, 11] * 5 + [40]
    screened = chart(values)
    assert screened["mean"].iloc[0] == pytest.approx(145 / 11)
    assert screened["mean_moving_range"].iloc[0] == pytest.approx(1.0)
    assert screened["lpl"].iloc[0] == pytest.approx(145 / 11 - 2.66)
    assert screened["upl"].iloc[0] == pytest.approx(145 / 11 + 2.66)
    # The screened range still shows in the moving_range column.
    assert screened["moving_range"].iloc[-1] == 29

    # Unscreened: limits 13.1818 -/+ 2.66 x 3.8 = 13.1818 -/+ 10.108
    unscreened = chart(values, screen_outliers=False)
    assert unscreened["mean_moving_range"].iloc[0] == pytest.approx(3.8)
    assert unscreened["upl"].iloc[0] == pytest.approx(145 / 11 + 10.108)


def test_screening_keeps_the_point_in_the_mean():
    # values 0, 10 eight times over, then 50 (17 points): mean = 130 / 17 = 7.647, the 50 included
    # moving ranges: fifteen of 10, then 40: mean 190 / 16 = 11.875
    # screening: 3.267 x 11.875 = 38.796, so 40 goes: mean moving range 150 / 15 = 10.0
    # limits 7.647 -/+ 26.6 = -18.953 and 34.247: the 50 is outside
    frame = chart([0, 10] * 8 + [50])
    assert frame["mean"].iloc[0] == pytest.approx(130 / 17)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(10.0)
    assert frame["upl"].iloc[0] == pytest.approx(130 / 17 + 26.6)
    assert flagged(frame, "outside_limits") == [16]


def test_screening_is_done_once():
    # values 0, 1 alternating (13 points), then 10, then 50 (15 points): mean 66 / 15 = 4.4
    # moving ranges: twelve of 1, then 10, then 40: mean 62 / 14 = 4.4286
    # screening: 3.267 x 4.4286 = 14.468, so 40 goes and 10 stays: mean 22 / 13 = 1.6923
    # A second pass (3.267 x 1.6923 = 5.529) would drop the 10 too; the rule is applied once.
    # limits 4.4 -/+ 2.66 x 22 / 13 = 4.4 -/+ 4.5015
    frame = xmr([0, 1] * 6 + [0, 10, 50])
    assert frame["mean"].iloc[0] == pytest.approx(4.4)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(22 / 13)
    assert frame["lpl"].iloc[0] == pytest.approx(4.4 - 2.66 * 22 / 13)
    assert frame["upl"].iloc[0] == pytest.approx(4.4 + 2.66 * 22 / 13)


# --------------------------------------------------------------------------------------------
# Shift: 7 or more points on one side of the mean
# --------------------------------------------------------------------------------------------


def test_seven_points_above_the_mean_are_a_shift():
    # SWING sums to -19 and 1, 5, 1, 5, 1, 5, 1 to +19, so the mean is exactly 0.
    # The swing crosses the mean every point; the last seven points are all above it.
    # Moving ranges: 6 x 7, 4, 4, then 4 x 6 = 74 over 15 = 4.933: limits -/+ 13.12,
    # two-thirds line -/+ 8.75, so no other rule fires.
    frame = chart(SWING + [1, 5, 1, 5, 1, 5, 1], improvement="increase")
    assert frame["mean"].iloc[0] == 0
    assert flagged(frame, "shift") == list(range(9, 16))
    assert flagged(frame, "special_cause") == list(range(9, 16))
    assert (frame["special_cause_type"].iloc[9:] == "shift").all()
    assert (frame["point_type"].iloc[9:] == "special_cause_improvement").all()


def test_six_points_above_the_mean_are_not_a_shift():
    # As above with one point of the run moved below the mean: -5, 1, ... -2, -3, then six above.
    # Sum -3 over 16 points: mean -0.1875, so the six 5s and 1s are above and -2, -3 below.
    frame = chart(SWING[:-1] + [-2, -3, 5, 1, 5, 1, 5, 1])
    assert frame["relative_to_mean"].iloc[-6:].tolist() == [1] * 6
    assert frame["relative_to_mean"].iloc[-7] == -1
    assert not frame["shift"].any()


def test_a_point_on_the_mean_breaks_a_run():
    # Baseline -9, 1, ... sums to -36; the tail 1, 5, 1, 5, 1, 5, 0, 5, 1, 5, 1, 5, 1 to +36,
    # so the mean is exactly 0 and the 0 sits on it, between two runs of six above.
    baseline = [-9, 1, -9, 1, -9, 1, -9, 1, -4]
    tail = [1, 5, 1, 5, 1, 5, 0, 5, 1, 5, 1, 5, 1]
    frame = chart(baseline + tail)
    assert frame["mean"].iloc[0] == 0
    assert frame["relative_to_mean"].iloc[15] == 0
    assert not frame["shift"].any()

    # With 3 in place of the 0 (mean 3 / 22 = 0.136) the thirteen points make one run.
    frame = chart(baseline + tail[:6] + [3] + tail[7:])
    assert flagged(frame, "shift") == list(range(9, 22))


def test_seven_points_below_the_mean_are_a_shift_of_concern_when_higher_is_better():
    # The mirror image of the first shift test.
    frame = chart([-v for v in SWING + [1, 5, 1, 5, 1, 5, 1]], improvement="increase")
    assert flagged(frame, "shift") == list(range(9, 16))
    assert (frame["point_type"].iloc[9:] == "special_cause_concern").all()


# --------------------------------------------------------------------------------------------
# Trend: 7 or more points each rising (or each falling)
# --------------------------------------------------------------------------------------------

# Points that wander about a mean of 4.3 without a run or a trend.
WANDER = [4, 6, 3, 5, 4, 6, 3, 5]


def test_trend_starting_at_the_first_point():
    # 1..7 rise six times in a row: seven points. Mean 64 / 15 = 4.267, limits -0.29 and 8.83.
    frame = chart([1, 2, 3, 4, 5, 6, 7] + WANDER, improvement="increase")
    assert flagged(frame, "trend") == list(range(7))
    assert (frame["special_cause_type"].iloc[:7] == "trend").all()
    # Rising points are improvement when higher is better, even those below the mean.
    assert frame["relative_to_mean"].iloc[0] == -1
    assert (frame["point_type"].iloc[:7] == "special_cause_improvement").all()


def test_six_rising_points_are_not_a_trend():
    # 1..6 is six points (five rises).
    frame = chart([6, 1, 2, 3, 4, 5, 6] + WANDER)
    assert not frame["trend"].any()


def test_seven_rising_points_are_a_trend():
    # 1..7 is seven points (six rises).
    frame = chart([6, 1, 2, 3, 4, 5, 6, 7] + WANDER)
    assert flagged(frame, "trend") == list(range(1, 8))


def test_equal_neighbours_break_a_trend():
    # 1, 2, 3, 3, 4, 5, 6, 7: the repeated 3 is no rise, leaving runs of three and five points.
    frame = chart([6, 1, 2, 3, 3, 4, 5, 6, 7] + WANDER)
    assert not frame["trend"].any()


def test_trend_takes_precedence_over_shift_and_uses_its_own_direction():
    # 0, 10 five times, then 20 down to 14, then 0, 10 (19 points): mean 179 / 19 = 9.42.
    # 20..14 are above the mean (a shift of eight, with the 10 before them) and fall seven
    # times in a row, on to the 0 after them (a trend of eight). Where both apply the trend is
    # shown, and a falling trend is concern when higher is better, though above the mean.
    values = [0, 10] * 5 + [20, 19, 18, 17, 16, 15, 14] + [0, 10]
    frame = chart(values, improvement="increase")
    assert flagged(frame, "shift") == list(range(9, 17))
    assert flagged(frame, "trend") == list(range(10, 18))
    assert frame["special_cause_type"].iloc[9] == "shift"
    assert (frame["special_cause_type"].iloc[10:18] == "trend").all()
    assert frame["point_type"].iloc[9] == "special_cause_improvement"
    assert (frame["point_type"].iloc[10:18] == "special_cause_concern").all()

    neutral = chart(values, improvement="neutral")
    assert neutral["point_type"].iloc[9] == "special_cause_neutral_high"
    assert (neutral["point_type"].iloc[10:18] == "special_cause_neutral_low").all()


def test_peak_between_a_rise_and_a_fall_takes_the_later_direction():
    # 0, 20 four times (wide limits), then 4..10 rising and 10..4 falling: the 10 at the peak
    # is in both trends and, as in the reference, takes the direction of the later one.
    values = [0, 20] * 4 + [4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4] + [20, 0]
    frame = chart(values, improvement="neutral")
    assert flagged(frame, "trend") == list(range(8, 21))
    assert (frame["point_type"].iloc[8:14] == "special_cause_neutral_high").all()
    assert (frame["point_type"].iloc[14:21] == "special_cause_neutral_low").all()


def test_a_rise_then_a_flat_step_then_a_fall_keep_their_own_directions():
    # 4..10 rising, 10 again, 10..4 falling: the flat step belongs to neither trend, so the
    # first 10 ends the rise and the second starts the fall.
    values = [0, 20] * 4 + [4, 5, 6, 7, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4] + [20, 0]
    frame = chart(values, improvement="neutral")
    assert flagged(frame, "trend") == list(range(8, 22))
    assert (frame["point_type"].iloc[8:15] == "special_cause_neutral_high").all()
    assert (frame["point_type"].iloc[15:22] == "special_cause_neutral_low").all()


# --------------------------------------------------------------------------------------------
# Two of three beyond two-thirds of the way to a limit
# --------------------------------------------------------------------------------------------

# 0, 8 eight times over: a wide, steady baseline.
STEADY = [0, 8] * 8


def test_two_of_three_on_the_same_side_are_flagged():
    # STEADY, then 8, 24, 8, 24, 8, then 0, 8 (23 points): sum 64 + 72 + 8 = 144, mean 6.2609.
    # Moving ranges: fifteen of 8, then 0, 16, 16, 16, 16, 8, 8: 200 over 22 = 9.0909.
    # Two-thirds line: 6.2609 + (2/3)(2.66)(9.0909) = 6.2609 + 16.1212 = 22.382;
    # upper limit 6.2609 + 24.1818 = 30.443. Both 24s lie between; the 8 between them is above
    # the mean, so the three are on one side. Only the two 24s are flagged, not the 8.
    frame = chart(STEADY + [8, 24, 8, 24, 8] + [0, 8], improvement="increase")
    assert frame["mean"].iloc[0] == pytest.approx(144 / 23)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(200 / 22)
    assert flagged(frame, "two_of_three") == [17, 19]
    assert flagged(frame, "special_cause") == [17, 19]
    assert (frame["special_cause_type"].iloc[[17, 19]] == "two_of_three").all()
    assert (frame["point_type"].iloc[[17, 19]] == "special_cause_improvement").all()


def test_two_of_three_on_opposite_sides_are_not_flagged():
    # 24 is beyond the upper two-thirds line (21.70) and -14 beyond the lower one (-12.48), but
    # they are on opposite sides of the mean (4.61).
    frame = chart(STEADY + [8, 24, 8, -14, 8] + [0, 8])
    reach = (2 / 3) * 2.66 * frame["mean_moving_range"].iloc[0]
    assert frame["value"].iloc[17] > frame["mean"].iloc[0] + reach
    assert frame["value"].iloc[19] < frame["mean"].iloc[0] - reach
    assert not frame["two_of_three"].any()
    assert not frame["special_cause"].any()


def test_two_of_three_needs_the_third_point_on_the_same_side_too():
    # 24, -1, 24: both 24s are beyond the two-thirds line but the -1 between them is below the
    # mean (5.87), so the three are not all on one side (as in the reference and MDC's tool).
    frame = chart(STEADY + [8, 24, -1, 24, 8] + [0, 8])
    assert frame["relative_to_mean"].iloc[18] == -1
    assert not frame["two_of_three"].any()


def test_two_points_three_apart_are_not_two_of_three():
    # 24, 8, 8, 24: no three consecutive points hold both 24s.
    frame = chart(STEADY + [8, 24, 8, 8, 24] + [0, 8])
    assert not frame["two_of_three"].any()


def test_a_point_outside_the_limits_counts_towards_two_of_three():
    # STEADY, then 8, 24, 40, 8, then 0, 8 (22 points): mean 152 / 22 = 6.909.
    # Moving ranges sum 200 over 21 = 9.524; 3.267 x 9.524 = 31.1 screens out |8 - 40| = 32,
    # leaving 168 / 20 = 8.4. Two-thirds line 6.909 + 14.896 = 21.805; limit 6.909 + 22.344 =
    # 29.253. 24 is in the outer third and 40 outside the limit: since 2023 Making Data Count
    # counts both, so the 24 is flagged too. (NHSRplotthedots counts only the outer third, and
    # would leave the 24 as common cause.)
    frame = chart(STEADY + [8, 24, 40, 8] + [0, 8], improvement="increase")
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(8.4)
    assert flagged(frame, "outside_limits") == [18]
    assert flagged(frame, "two_of_three") == [17, 18]
    assert frame["special_cause_type"].iloc[17] == "two_of_three"
    assert frame["special_cause_type"].iloc[18] == "outside_limits"


# --------------------------------------------------------------------------------------------
# Outside the limits, point types and the summary icon
# --------------------------------------------------------------------------------------------

HIGH_SPIKE = [0, 10] * 8 + [50]  # worked through in test_screening_keeps_the_point_in_the_mean
# 0, 10 eight times then -40: mean 40 / 17 = 2.353; ranges fifteen of 10 and 50, mean 12.5;
# 3.267 x 12.5 = 40.8 screens out the 50: mean moving range 10, lower limit 2.353 - 26.6 = -24.25.
LOW_SPIKE = [0, 10] * 8 + [-40]


@pytest.mark.parametrize(
    ("values", "improvement", "point_type", "icon"),
    [
        (HIGH_SPIKE, "increase", "special_cause_improvement", "improvement_high"),
        (HIGH_SPIKE, "decrease", "special_cause_concern", "concern_high"),
        (HIGH_SPIKE, "neutral", "special_cause_neutral_high", "neutral_high"),
        (LOW_SPIKE, "increase", "special_cause_concern", "concern_low"),
        (LOW_SPIKE, "decrease", "special_cause_improvement", "improvement_low"),
        (LOW_SPIKE, "neutral", "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_outside_limits_point_type_and_icon(values, improvement, point_type, icon):
    frame = chart(values, improvement=improvement)
    assert flagged(frame, "outside_limits") == [16]
    assert frame["special_cause_type"].iloc[16] == "outside_limits"
    assert frame["point_type"].iloc[16] == point_type
    assert xmr_summary(frame) == {"variation": icon, "points": 17, "special_cause_points": 1}


def test_summary_judges_the_latest_point_only():
    # The spike is special cause, but the chart ends on two ordinary points.
    frame = chart(HIGH_SPIKE + [0, 10], improvement="increase")
    summary = xmr_summary(frame)
    assert summary["variation"] == "common_cause"
    assert summary["special_cause_points"] == 1
    assert summary["points"] == 19


def test_summary_uses_the_latest_date_not_the_last_row():
    frame = chart(HIGH_SPIKE, improvement="increase")
    shuffled = frame.iloc[::-1]
    assert xmr_summary(shuffled)["variation"] == "improvement_high"


def test_summary_needs_a_direction_of_good_when_attrs_are_lost():
    frame = chart(HIGH_SPIKE, improvement="decrease")
    plain = pd.DataFrame(frame.to_dict("list"))
    assert plain.attrs == {}
    with pytest.raises(ValueError, match="improvement"):
        xmr_summary(plain)
    assert xmr_summary(plain, improvement="decrease")["variation"] == "concern_high"
    with pytest.raises(ValueError, match="does not fit"):
        xmr_summary(plain, improvement="neutral")


def test_summary_rejects_a_frame_that_is_not_a_chart():
    with pytest.raises(ValueError, match="missing column"):
        xmr_summary(pd.DataFrame({"value": [1, 2]}))


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def test_dates_become_x_and_points_are_put_in_date_order():
    dates = pd.to_datetime(["2024-03-01", "2024-01-01", "2024-02-01"])
    frame = chart([30, 10, 20], dates=dates)
    assert frame["x"].tolist() == sorted(dates)
    assert frame["value"].tolist() == [10, 20, 30]
    assert frame["moving_range"].iloc[1:].tolist() == [10, 10]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (["2024-01", "2024-02"], "dates has 2 entries but values has 3"),
        (["2024-01", None, "2024-03"], "missing date at position 1"),
        (["2024-01", "2024-02", "2024-01"], "repeated date at position 2"),
    ],
)
def test_bad_dates_are_refused(dates, message):
    with pytest.raises(ValueError, match=message):
        chart([1, 2, 3], dates=dates)


# --------------------------------------------------------------------------------------------
# Argument checks and the short-series warning
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("improvement", ["up", "Increase", "", None, 1])
def test_improvement_must_be_one_of_the_allowed_values(improvement):
    allowed = r'improvement must be one of "increase", "decrease", "neutral"'
    with pytest.raises(ValueError, match=allowed):
        chart([1, 2, 3], improvement=improvement)


def test_arguments_are_checked_before_the_data():
    with pytest.raises(ValueError, match="improvement"):
        chart([float("nan")], improvement="up")


@pytest.mark.parametrize("screen_outliers", ["yes", 1, None])
def test_screen_outliers_must_be_true_or_false(screen_outliers):
    with pytest.raises(ValueError, match="screen_outliers"):
        chart([1, 2, 3], screen_outliers=screen_outliers)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, 2, float("nan"), 4], "missing value at position 2"),
        (pd.Series([1.0, None, 3.0, None]), "missing value at positions 1 and 3"),
        ([1, "two", 3], "not a number at position 1"),
        ([1, float("inf"), 3], "infinite value at position 1"),
        ([True, False, True], "numbers"),
        ([5], "at least 2"),
        ([], "at least 2"),
    ],
)
def test_bad_values_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        chart(values)


@pytest.mark.parametrize("values", [5, "12345", None])
def test_values_must_be_a_sequence(values):
    with pytest.raises(TypeError, match="values must be a sequence"):
        chart(values)


def test_values_may_be_a_series_array_or_list():
    expected = chart([10, 12, 11, 13, 12])
    as_array = np.array([10, 12, 11, 13, 12])
    as_series = pd.Series([10, 12, 11, 13, 12], index=list("abcde"))  # the index is not used
    for values in (as_array, as_series):
        pd.testing.assert_frame_equal(chart(values), expected)


def test_fewer_than_fifteen_points_warns():
    with pytest.warns(UnreliableLimitsWarning, match="unreliable with fewer than 15 points"):
        frame = xmr(list(range(14)))
    assert len(frame) == 14  # still worked out
    assert issubclass(UnreliableLimitsWarning, UserWarning)


def test_fifteen_points_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xmr(list(range(15)))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FLAGS = ["outside_limits", "shift", "trend", "two_of_three", "special_cause", "relative_to_mean"]
counts = st.lists(st.integers(-1000, 1000), min_size=2, max_size=40)
fast = settings(max_examples=40, deadline=None)


def clear_of_thresholds(frame: pd.DataFrame) -> bool:
    """No point sits (to rounding) on a limit or a two-thirds line, where flags could flip."""
    spread = frame["upl"] - frame["mean"]
    lines = [frame["mean"] + factor * spread for factor in (-1, -2 / 3, 2 / 3, 1)]
    scale = 1 + frame["value"].abs().max()
    return all(((frame["value"] - line).abs() > 1e-9 * scale).all() for line in lines)


def clear_of_screening(values: list[float]) -> bool:
    """No moving range sits (to rounding) on the screening threshold."""
    ranges = np.abs(np.diff(values))
    threshold = 3.267 * ranges.mean()
    return not np.isclose(ranges, threshold, rtol=1e-9, atol=0).any()


@fast
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40), st.booleans())
def test_limits_bracket_the_mean(values, screen):
    frame = chart(values, screen_outliers=screen)
    assert (frame["lpl"] <= frame["mean"]).all()
    assert (frame["mean"] <= frame["upl"]).all()


@fast
@given(counts, st.integers(-10_000, 10_000), st.sampled_from(["increase", "decrease", "neutral"]))
def test_adding_a_constant_moves_mean_and_limits_and_keeps_flags(values, constant, improvement):
    before = chart(values, improvement=improvement)
    assume(clear_of_thresholds(before))
    after = chart([value + constant for value in values], improvement=improvement)
    for column in ("mean", "lpl", "upl"):
        expected = before[column].to_numpy() + constant
        assert after[column].to_numpy() == pytest.approx(expected, abs=1e-6)
    expected = before["mean_moving_range"].to_numpy()
    assert after["mean_moving_range"].to_numpy() == pytest.approx(expected)
    pd.testing.assert_frame_equal(after[FLAGS + ["point_type"]], before[FLAGS + ["point_type"]])


@fast
@given(counts, st.floats(0.01, 100))
def test_scaling_by_a_positive_constant_scales_mean_and_limits(values, factor):
    assume(clear_of_screening(values))
    before = chart(values)
    after = chart([value * factor for value in values])
    scale = 1e-9 * (1 + max(abs(value) for value in values)) * factor
    for column in ("mean", "mean_moving_range", "lpl", "upl"):
        expected = before[column].to_numpy() * factor
        assert after[column].to_numpy() == pytest.approx(expected, abs=scale)


@fast
@given(counts)
def test_reversing_the_direction_of_good_swaps_improvement_and_concern(values):
    up = chart(values, improvement="increase")
    down = chart(values, improvement="decrease")
    swap = {
        "special_cause_improvement": "special_cause_concern",
        "special_cause_concern": "special_cause_improvement",
        "common_cause": "common_cause",
    }
    assert down["point_type"].tolist() == [swap[kind] for kind in up["point_type"]]
    pd.testing.assert_frame_equal(up[FLAGS], down[FLAGS])


@fast
@given(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.integers(2, 30),
    st.sampled_from(["increase", "decrease", "neutral"]),
)
def test_a_constant_series_has_zero_width_limits_and_no_special_cause(value, length, improvement):
    frame = chart([value] * length, improvement=improvement)
    for column in ("mean", "lpl", "upl"):
        assert (frame[column] == value).all()
    assert (frame["mean_moving_range"] == 0).all()
    assert (frame["relative_to_mean"] == 0).all()
    assert not frame["special_cause"].any()
    assert xmr_summary(frame)["variation"] == "common_cause"


def test_a_constant_series_of_inexact_decimals_stays_on_its_mean():
    # Ten 0.1s summed in floating point give 0.9999999999999999, whose tenth is not 0.1.
    assert math.fsum([0.1] * 10) == 1.0 and sum([0.1] * 10) != 1.0
    frame = chart([0.1] * 20)
    assert (frame["mean"] == 0.1).all()
    assert not frame["special_cause"].any()
