"""Tests for :mod:`workbook_helpers.spc.xmr`: XmR charts and the *Making Data Count* rules.

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

from workbook_helpers.spc.xmr import (
    ASSURANCE_ICONS,
    COLUMNS,
    UnreliableLimitsWarning,
    VARIATION_ICONS,
    xmr,
    xmr_by,
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
    assert frame["rebase_group"].tolist() == [0] * 5  # no rebasing: one group
    assert frame["target"].isna().all()  # no target


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
# Precedence: the rule shown when a point breaks several
# --------------------------------------------------------------------------------------------


def test_two_of_three_is_shown_before_shift():
    # STEADY (sum 64), then 12, 24, 12, 24, 12, 12, 12 (sum 108): 23 points, mean 172 / 23 = 7.478.
    # Moving ranges: fifteen of 8 (120), |12 - 8| = 4, then 12, 12, 12, 12, 0, 0 (48):
    # 172 / 22 = 7.818; 3.267 x 7.818 = 25.5 screens nothing out.
    # Two-thirds line 7.478 + (2/3)(2.66)(7.818) = 7.478 + 13.864 = 21.342; upper limit
    # 7.478 + 20.796 = 28.274. The 24s (positions 17 and 19) lie between: two of three.
    # The last 8 of STEADY (position 15, above 7.478) and the seven tail points make a run of
    # eight above the mean: a shift at 15..22. Positions 17 and 19 break both rules and show
    # "two_of_three"; the rest of the run shows "shift".
    frame = chart(STEADY + [12, 24, 12, 24, 12, 12, 12], improvement="increase")
    assert frame["mean"].iloc[0] == pytest.approx(172 / 23)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(172 / 22)
    assert flagged(frame, "shift") == list(range(15, 23))
    assert flagged(frame, "two_of_three") == [17, 19]
    assert not frame["outside_limits"].any() and not frame["trend"].any()
    shown = frame["special_cause_type"].iloc[15:23].tolist()
    assert shown == ["shift", "shift", "two_of_three", "shift", "two_of_three"] + ["shift"] * 3
    assert (frame["point_type"].iloc[15:23] == "special_cause_improvement").all()


def test_outside_limits_is_shown_before_trend():
    # 0, 10 six times (sum 60), then 2, 4, 6, 8, 10, 12, 45 (sum 87): 19 points, mean
    # 147 / 19 = 7.737. Moving ranges: eleven of 10 (110), |2 - 10| = 8, five of 2 (10) and
    # |45 - 12| = 33: 161 / 18 = 8.944; 3.267 x 8.944 = 29.22 screens out the 33, leaving
    # 128 / 17 = 7.529. Upper limit 7.737 + 2.66 x 7.529 = 7.737 + 20.028 = 27.765.
    # 2 .. 45 (positions 12..18) rise six times: a trend. 45 is also outside the upper limit,
    # so it shows "outside_limits"; the others show "trend". No run of seven on one side (2, 4
    # and 6 are below the mean), and only 45 is beyond the two-thirds line (21.09).
    frame = chart([0, 10] * 6 + [2, 4, 6, 8, 10, 12, 45], improvement="decrease")
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(128 / 17)
    assert frame["upl"].iloc[0] == pytest.approx(147 / 19 + 2.66 * 128 / 17)
    assert flagged(frame, "trend") == list(range(12, 19))
    assert flagged(frame, "outside_limits") == [18]
    assert flagged(frame, "special_cause") == list(range(12, 19))
    assert (frame["special_cause_type"].iloc[12:18] == "trend").all()
    assert frame["special_cause_type"].iloc[18] == "outside_limits"
    # Lower is better: a rise, and a point above the upper limit, are concerns.
    assert (frame["point_type"].iloc[12:19] == "special_cause_concern").all()


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
    summary = xmr_summary(frame)
    assert summary["variation"] == icon
    assert summary["points"] == 17
    assert summary["special_cause_points"] == 1
    assert summary["assurance"] is None  # no target
    assert summary["x"] == 16
    assert summary["value"] == values[-1]


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
# Rebasing
# --------------------------------------------------------------------------------------------

MONTHS = pd.date_range("2024-01-01", periods=30, freq="MS")  # 1 January 2024 onwards


def test_each_rebase_group_has_the_limits_of_its_own_points():
    # 1, 3, 2, 4, 3 then 10, 12, 11, 13, 12, rebased at position 5.
    # Group 0: mean 13 / 5 = 2.6; ranges 2, 1, 2, 1, mean 1.5; limits 2.6 -/+ 3.99 = -1.39, 6.59.
    # Group 1: mean 58 / 5 = 11.6; ranges 2, 1, 2, 1, mean 1.5; limits 7.61 and 15.59.
    # The jump from 3 to 10 is no moving range: it crosses the rebase.
    values = [1, 3, 2, 4, 3, 10, 12, 11, 13, 12]
    frame = chart(values, rebase_at=[5])
    assert frame["rebase_group"].tolist() == [0] * 5 + [1] * 5
    moving = frame["moving_range"].tolist()
    assert math.isnan(moving[0]) and math.isnan(moving[5])
    assert moving[1:5] == [2, 1, 2, 1] and moving[6:] == [2, 1, 2, 1]
    assert frame["mean"].tolist() == pytest.approx([2.6] * 5 + [11.6] * 5)
    assert frame["mean_moving_range"].tolist() == pytest.approx([1.5] * 10)
    assert frame["lpl"].tolist() == pytest.approx([-1.39] * 5 + [7.61] * 5)
    assert frame["upl"].tolist() == pytest.approx([6.59] * 5 + [15.59] * 5)
    assert not frame["special_cause"].any()

    # Each part alone gives the same limits.
    for part, rows in ((values[:5], slice(0, 5)), (values[5:], slice(5, 10))):
        alone = chart(part)
        for column in ("mean", "mean_moving_range", "lpl", "upl"):
            assert frame[column].iloc[rows].tolist() == pytest.approx(alone[column].tolist())

    # Not rebased: mean 71 / 10 = 7.1; ranges 2, 1, 2, 1, 7, 2, 1, 2, 1 (19 / 9 = 2.111);
    # 3.267 x 2.111 = 6.9 screens out the 7, leaving 12 / 8 = 1.5; limits 7.1 -/+ 3.99 = 3.11
    # and 11.09: 1, 3, 2, 3 are below and 12, 13, 12 above, so seven points are outside.
    whole = chart(values)
    assert whole["lpl"].iloc[0] == pytest.approx(3.11)
    assert flagged(whole, "outside_limits") == [0, 1, 2, 4, 6, 8, 9]


def test_rebase_at_dates_numbers_the_groups_in_date_order():
    # Rebases on 1 June and 1 September (given out of order, one twice, one as a string):
    # January..May is group 0, June..August group 1, September onwards group 2.
    values = [1, 3] * 15
    rebase = ["2024-09-01", pd.Timestamp("2024-06-01"), "2024-06-01"]
    frame = chart(values, dates=MONTHS, rebase_at=rebase)
    assert frame["rebase_group"].tolist() == [0] * 5 + [1] * 3 + [2] * 22
    assert frame["x"].iloc[5] == pd.Timestamp("2024-06-01")
    # A single date need not be in a list.
    single = chart(values, dates=MONTHS, rebase_at="2024-06-01")
    assert single["rebase_group"].tolist() == [0] * 5 + [1] * 25


def test_a_rebase_at_the_first_point_changes_nothing():
    # The reference allows this too (it then numbers the groups from 1); here the groups stay
    # numbered from 0 and the chart is exactly the chart without rebasing.
    values = [10, 12, 11, 13, 12] * 3
    plain = chart(values, dates=MONTHS[:15])
    rebased = chart(values, dates=MONTHS[:15], rebase_at=["2024-01-01"])
    pd.testing.assert_frame_equal(rebased, plain)
    assert (rebased["rebase_group"] == 0).all()


def test_a_shift_does_not_run_across_a_rebase():
    # Group 0: -5, 1, -5, 1, -4, 3, 3, 3, 3 (sum 0, mean 0): the last four are above its mean.
    # Group 1: 3, 3, 3, -5, 1, -5, 1, -4 (sum -3, mean -0.375): the first three are above it.
    # Four above, then three above, is no shift when the rebase splits them.
    # Not rebased (17 points, mean -3 / 17 = -0.176) the seven 3s in a row are a shift.
    # (No other rule fires: the two-thirds lines are at least 6.6 from each mean and no value
    # is further than 5.1 from it; equal 3s make no trend.)
    first = [-5, 1, -5, 1, -4, 3, 3, 3, 3]
    second = [3, 3, 3, -5, 1, -5, 1, -4]
    rebased = chart(first + second, rebase_at=9)
    assert rebased["mean"].tolist() == pytest.approx([0] * 9 + [-0.375] * 8)
    assert rebased["relative_to_mean"].iloc[5:12].tolist() == [1] * 7
    assert not rebased["special_cause"].any()

    whole = chart(first + second)
    assert whole["mean"].iloc[0] == pytest.approx(-3 / 17)
    assert flagged(whole, "shift") == list(range(5, 12))
    assert flagged(whole, "special_cause") == list(range(5, 12))


def test_a_trend_does_not_run_across_a_rebase():
    # 1, 2, 3, 4 end group 0 and 5, 6, 7 start group 1: six rises in a row only without the
    # rebase (the step from 4 to 5 crosses it).
    values = [4, 6, 3, 5, 1, 2, 3, 4] + [5, 6, 7, 4, 6, 3, 5, 4]
    assert flagged(chart(values), "trend") == list(range(4, 11))
    assert not chart(values, rebase_at=8)["trend"].any()


def test_two_of_three_does_not_reach_across_a_rebase():
    # STEADY, then 24 (the last point of group 0) and 24, 8, ... (group 1): the two 24s are
    # neighbours, but in different groups, so neither is two of three.
    # Group 0: STEADY + [24], 17 points, mean 88 / 17 = 5.176; ranges fifteen of 8 and 16:
    # 136 / 16 = 8.5; two-thirds line 5.176 + (2/3)(2.66)(8.5) = 20.25, upper limit 27.79: the
    # 24 is in the outer third, alone.
    # Group 1: 24 then 8, 0 seven times over (15 points), sum 24 + 56 = 80, mean 5.333;
    # ranges 16, then thirteen of 8: 120 / 14 = 8.571; two-thirds line 5.333 + 15.2 = 20.53,
    # upper limit 28.13: the 24 is in the outer third, alone.
    group_1 = [24] + [8, 0] * 7
    frame = chart(STEADY + [24] + group_1, rebase_at=17)
    assert frame["mean"].iloc[0] == pytest.approx(88 / 17)
    assert frame["mean"].iloc[17] == pytest.approx(80 / 15)
    assert frame["value"].iloc[16] > frame["mean"].iloc[16] + (2 / 3) * 2.66 * 8.5
    assert not frame["two_of_three"].any()
    assert not frame["special_cause"].any()

    # Not rebased: 32 points, mean 168 / 32 = 5.25; ranges 136 + 0 + 120 = 256 over 31 = 8.258;
    # two-thirds line 5.25 + 14.64 = 19.89, upper limit 27.22. The two 24s, with the 8 before
    # them (above the mean), are two of three.
    whole = chart(STEADY + [24] + group_1)
    assert whole["mean"].iloc[0] == pytest.approx(5.25)
    assert flagged(whole, "two_of_three") == [16, 17]


def test_rebase_at_must_match_a_point():
    with pytest.raises(ValueError, match="rebase_at must match points exactly, but 99 matches "
                       "no point; the x values are positions 0 to 19"):
        chart(list(range(20)), rebase_at=[5, 99])
    with pytest.raises(ValueError, match="2024-06-15 matches no point; the x values are the "
                       "dates given, from 2024-01-01 to 2025-06-01"):
        chart(list(range(18)), dates=MONTHS[:18], rebase_at="2024-06-15")
    with pytest.raises(ValueError, match="rebase_at has 'soon', which is not a date"):
        chart(list(range(18)), dates=MONTHS[:18], rebase_at=["soon"])


@pytest.mark.parametrize("rebase_at", [{"a": 3}, [None], [True]])
def test_rebase_at_must_hold_x_values(rebase_at):
    with pytest.raises(ValueError, match="rebase_at"):
        chart(list(range(20)), rebase_at=rebase_at)


def test_a_rebase_group_needs_two_points():
    with pytest.raises(ValueError, match=r"rebase group 1 \(from x = 19\) has 1 value"):
        chart(list(range(20)), rebase_at=19)
    # Rebased on 1 March and 1 April: group 0 is January and February, group 1 March alone.
    with pytest.raises(ValueError, match=r"rebase group 1 \(from x = 2024-03-01\) has 1 value"):
        chart(list(range(20)), dates=MONTHS[:20], rebase_at=["2024-03-01", "2024-04-01"])
    # A rebase at the second point leaves the first point alone in group 0.
    with pytest.raises(ValueError, match=r"rebase group 0 \(from x = 0\) has 1 value"):
        chart(list(range(20)), rebase_at=1)


def test_short_rebase_groups_warn_by_name():
    # 30 points rebased at 16: groups of 16 and 14; only group 1 is short.
    with pytest.warns(UnreliableLimitsWarning, match=r"unreliable with fewer than 15 points: "
                      r"rebase group 1 \(from x = 16\) has 14 points\. Treat"):
        xmr(list(range(30)), rebase_at=16)
    # Rebased at 15: two groups of 15, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xmr(list(range(30)), rebase_at=15)


# --------------------------------------------------------------------------------------------
# Fixed limits
# --------------------------------------------------------------------------------------------


def test_fixed_limits_come_from_the_first_points_and_judge_the_rest():
    # First 12 points 10, 12 six times over: mean 132 / 12 = 11; eleven ranges of 2, mean 2;
    # limits 11 -/+ 5.32 = 5.68 and 16.32; two-thirds lines 11 -/+ 3.5467 = 7.4533, 14.5467.
    # Then 15, 17, 15, judged against those: 17 is outside, and the 15s are beyond two-thirds
    # with 17 beside them on the same side, so they are two of three.
    values = [10, 12] * 6 + [15, 17, 15]
    with pytest.warns(UnreliableLimitsWarning, match=r"only 12 points set the limits "
                      r"\(fix_after_n_points=12\)"):
        frame = xmr(values, fix_after_n_points=12)
    assert frame["mean"].tolist() == pytest.approx([11] * 15)
    assert frame["mean_moving_range"].tolist() == pytest.approx([2] * 15)
    assert frame["lpl"].tolist() == pytest.approx([5.68] * 15)
    assert frame["upl"].tolist() == pytest.approx([16.32] * 15)
    # The later ranges (3, 2, 2) are shown but not used.
    assert frame["moving_range"].iloc[12:].tolist() == [3, 2, 2]
    assert flagged(frame, "outside_limits") == [13]
    assert flagged(frame, "two_of_three") == [12, 13, 14]
    assert frame["special_cause_type"].iloc[12:].tolist() == [
        "two_of_three", "outside_limits", "two_of_three",
    ]
    # Limits of the first 12 points on their own, with xmr.
    first = chart(values[:12])
    for column in ("mean", "mean_moving_range", "lpl", "upl"):
        assert frame[column].iloc[0] == pytest.approx(first[column].iloc[0])

    # Not fixed: mean 179 / 15 = 11.933; ranges 22 + 3 + 2 + 2 = 29 over 14 = 2.071; upper
    # limit 11.933 + 5.51 = 17.44 and two-thirds line 15.61: only 17 is beyond it, alone.
    loose = chart(values)
    assert loose["upl"].iloc[0] == pytest.approx(179 / 15 + 2.66 * 29 / 14)
    assert not loose["special_cause"].any()


def test_fixed_limits_apply_within_each_rebase_group():
    # Group 0: 10, 12 six times, then 11, 11. Its first 12 points: mean 11, ranges all 2,
    # limits 5.68 and 16.32. (All 14 points would give ranges 23 / 13 = 1.769.)
    # Group 1: 20, 24 six times, then 22, 22. First 12: mean 22, ranges all 4, limits
    # 22 -/+ 10.64 = 11.36 and 32.64.
    values = [10, 12] * 6 + [11, 11] + [20, 24] * 6 + [22, 22]
    with pytest.warns(UnreliableLimitsWarning) as caught:
        frame = xmr(values, rebase_at=14, fix_after_n_points=12)
    message = str(caught[0].message)
    assert "rebase group 0 (from x = 0) has 12 points setting its limits" in message
    assert "rebase group 1 (from x = 14) has 12 points setting its limits" in message
    assert frame["mean"].tolist() == pytest.approx([11] * 14 + [22] * 14)
    assert frame["mean_moving_range"].tolist() == pytest.approx([2] * 14 + [4] * 14)
    assert frame["lpl"].tolist() == pytest.approx([5.68] * 14 + [11.36] * 14)
    assert frame["upl"].tolist() == pytest.approx([16.32] * 14 + [32.64] * 14)


def test_fixing_after_more_points_than_a_group_has_uses_them_all():
    # As in the reference: a group with no more than n points sets its limits from all of them.
    values = [10, 12, 11, 13, 12] * 3
    pd.testing.assert_frame_equal(
        chart(values, fix_after_n_points=15), chart(values), check_like=False
    )
    assert chart(values, fix_after_n_points=40)["upl"].equals(chart(values)["upl"])


def test_fixed_limits_from_fifteen_points_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xmr(list(range(30)), fix_after_n_points=15)


@pytest.mark.parametrize("fix_after_n_points", [11, 0, -5, 12.0, 12.5, "12", True, [12]])
def test_fix_after_n_points_must_be_a_whole_number_of_at_least_12(fix_after_n_points):
    with pytest.raises(ValueError, match="fix_after_n_points must be None or a whole number of "
                       "at least 12"):
        chart(list(range(20)), fix_after_n_points=fix_after_n_points)


@pytest.mark.parametrize("fix_after_n_points", [12, np.int64(12), 20])
def test_fix_after_n_points_accepts_whole_numbers_from_12(fix_after_n_points):
    frame = chart(list(range(20)), fix_after_n_points=fix_after_n_points)
    assert frame.attrs["fix_after_n_points"] == int(fix_after_n_points)


# --------------------------------------------------------------------------------------------
# Targets and assurance
# --------------------------------------------------------------------------------------------

# -0.25, 0.25 eight times: mean exactly 0; fifteen ranges of 0.5, mean 0.5; limits
# 0 -/+ 2.66 x 0.5 = -1.33 and 1.33 (halving 2.66 is exact in binary, so a target of 1.33 is
# exactly on the upper limit).
EVEN = [-0.25, 0.25] * 8


@pytest.mark.parametrize(
    ("target", "improvement", "assurance"),
    [
        (2.0, "increase", "consistent_fail"),  # above the upper limit: never reached
        (-2.0, "increase", "consistent_pass"),  # below the lower limit: always beaten
        (0.5, "increase", "inconsistent"),  # between the limits
        (1.33, "increase", "inconsistent"),  # exactly on the upper limit
        (-1.33, "increase", "inconsistent"),  # exactly on the lower limit
        (2.0, "decrease", "consistent_pass"),  # above the upper limit: always beaten
        (-2.0, "decrease", "consistent_fail"),  # below the lower limit: never reached
        (0.5, "decrease", "inconsistent"),
        (1.33, "decrease", "inconsistent"),
        (-1.33, "decrease", "inconsistent"),
        (2.0, "neutral", None),  # no direction of good, so no assurance
        (-2.0, "neutral", None),
        (None, "increase", None),  # no target
        (None, "decrease", None),
    ],
)
def test_assurance(target, improvement, assurance):
    frame = xmr(EVEN, improvement=improvement, target=target)
    assert frame["upl"].iloc[0] == 1.33 and frame["lpl"].iloc[0] == -1.33
    summary = xmr_summary(frame)
    assert summary["assurance"] == assurance
    assert summary["assurance"] is None or summary["assurance"] in ASSURANCE_ICONS
    assert summary["target"] == target
    if target is None:
        assert frame["target"].isna().all()
    else:
        assert (frame["target"] == target).all()


def test_assurance_and_variation_are_judged_on_the_latest_rebase_group():
    # Group 0: 0, 10 eight times: mean 5, ranges all 10, limits 5 -/+ 26.6 = -21.6 and 31.6.
    # Group 1: 100, 101 eight times: mean 100.5, ranges all 1, limits 97.84 and 103.16.
    # A target of 50 (higher is better) is below group 1's lower limit: consistent pass.
    # Against group 0's limits it would be a consistent fail.
    values = [0, 10] * 8 + [100, 101] * 8
    rebased = xmr(values, improvement="increase", target=50, rebase_at=16)
    summary = xmr_summary(rebased)
    assert summary["assurance"] == "consistent_pass"
    assert summary["variation"] == "common_cause"  # 101 is ordinary for group 1
    assert summary["mean"] == pytest.approx(100.5)
    assert summary["lpl"] == pytest.approx(97.84)
    assert summary["upl"] == pytest.approx(103.16)
    assert xmr_summary(xmr(values[:16], target=50))["assurance"] == "consistent_fail"
    assert xmr_summary(xmr(values, improvement="decrease", target=50, rebase_at=16))[
        "assurance"
    ] == "consistent_fail"

    # Not rebased: mean 1688 / 32 = 52.75; ranges fifteen of 10, 90, fifteen of 1 (255 / 31 =
    # 8.226); 3.267 x 8.226 = 26.9 screens out the 90, leaving 165 / 30 = 5.5; limits
    # 52.75 -/+ 14.63 = 38.12 and 67.38, so 50 is inconsistent, and the last 16 points make a
    # shift above the mean: the latest is an improvement.
    whole = xmr_summary(xmr(values, improvement="increase", target=50))
    assert whole["lpl"] == pytest.approx(38.12)
    assert whole["assurance"] == "inconsistent"
    assert whole["variation"] == "improvement_high"


def test_summary_reports_the_latest_point():
    # EVEN on weekly dates, rows reversed: the latest point is still the last week's.
    weeks = pd.date_range("2024-04-01", periods=16, freq="7D")
    frame = xmr(EVEN, dates=weeks, improvement="decrease", target=0.5).iloc[::-1]
    summary = xmr_summary(frame)
    assert summary == {
        "variation": "common_cause",
        "assurance": "inconsistent",
        "points": 16,
        "periods": 16,
        "special_cause_points": 0,
        "no_variation": False,
        "x": pd.Timestamp("2024-07-15"),  # 1 April + 15 weeks
        "value": 0.25,
        "mean": 0.0,
        "lpl": -1.33,
        "upl": 1.33,
        "target": 0.5,
    }
    assert summary["variation"] in VARIATION_ICONS


def test_summary_takes_the_target_from_attrs_without_the_column():
    frame = xmr(EVEN, improvement="increase", target=2).drop(columns="target")
    assert xmr_summary(frame)["target"] == 2.0
    assert xmr_summary(frame)["assurance"] == "consistent_fail"


def test_options_are_recorded_in_attrs():
    frame = chart(EVEN, improvement="decrease", target=1, screen_outliers=False,
                  fix_after_n_points=12)
    assert frame.attrs == {
        "improvement": "decrease",
        "screen_outliers": False,
        "target": 1.0,
        "fix_after_n_points": 12,
    }
    assert chart(EVEN).attrs == {
        "improvement": "increase",
        "screen_outliers": True,
        "target": None,
        "fix_after_n_points": None,
    }


@pytest.mark.parametrize("target", ["5", [5], float("inf"), float("-inf"), float("nan"), True])
def test_target_must_be_one_finite_number(target):
    with pytest.raises(ValueError, match="target must be a"):
        chart(EVEN, target=target)


def test_default_direction_of_good_is_increase():
    # As in the reference: the spike above the upper limit is an improvement.
    frame = chart(HIGH_SPIKE)
    assert frame.attrs["improvement"] == "increase"
    assert frame["point_type"].iloc[16] == "special_cause_improvement"
    assert xmr_summary(frame)["variation"] == "improvement_high"


# --------------------------------------------------------------------------------------------
# Several series at once
# --------------------------------------------------------------------------------------------


def test_xmr_by_passes_the_options_to_each_group():
    long = pd.DataFrame({
        "team": ["a"] * 16 + ["b"] * 16 + ["c"],
        "week": list(range(16)) * 2 + [0],
        "value": EVEN + [0, 10] * 8 + [5],
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableLimitsWarning)  # team b: groups of 8
        charts = xmr_by(long, "team", "value", "week", improvement="decrease",
                        target={"a": 2.0}, rebase_at={"b": 8})
    assert list(charts) == ["a", "b"]  # "c" has one point: left out
    assert xmr_summary(charts["a"])["assurance"] == "consistent_pass"
    assert xmr_summary(charts["b"])["assurance"] is None
    assert charts["b"]["rebase_group"].tolist() == [0] * 8 + [1] * 8
    assert charts["a"].attrs["improvement"] == "decrease"
    with pytest.raises(ValueError, match="target names group"):
        xmr_by(long, "team", "value", "week", target={"z": 1.0})


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
        # Gaps are allowed (tested below) but do not count towards the two values a chart needs.
        ([1, float("nan"), float("nan")], r"1 value\(s\) and 2 gap\(s\); .* at least 2 values"),
        (pd.Series([None, None], dtype="float64"), r"0 value\(s\) and 2 gap\(s\)"),
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
# No variation to judge limits from
# --------------------------------------------------------------------------------------------

# Zeros with a single 1: a team's monthly count of something that hardly ever happens.
FLAT_WITH_ONE = [0] * 5 + [1] + [0] * 9


@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
def test_a_flat_series_with_one_blip_flags_nothing_and_has_no_limits(improvement):
    # Mean 1 / 15. Moving ranges: 1 into the 1 and 1 out of it, twelve 0s: mean 2 / 14 = 0.1429.
    # Screening: 3.267 x 0.1429 = 0.4667, so both 1s go and the mean moving range is 0: no
    # variation to judge limits from. Zero-width limits on the mean would put every point
    # outside them, and the nine zeros after the 1 (all below the mean) would be a shift.
    frame = chart(FLAT_WITH_ONE, improvement=improvement, target=0.5)
    assert frame["mean"].iloc[0] == pytest.approx(1 / 15)
    assert frame["mean_moving_range"].tolist() == [0.0] * 15
    assert frame["moving_range"].iloc[1:].tolist() == [0, 0, 0, 0, 1, 1] + [0] * 8
    assert frame["no_variation"].all()
    assert frame["lpl"].isna().all() and frame["upl"].isna().all()
    for rule in ("outside_limits", "shift", "trend", "two_of_three", "special_cause"):
        assert not frame[rule].any(), rule
    assert (frame["point_type"] == "common_cause").all()
    # The sides of the mean are still reported as they are.
    assert frame["relative_to_mean"].tolist() == [-1] * 5 + [1] + [-1] * 9

    summary = xmr_summary(frame)
    assert summary["variation"] == "no_variation"
    assert summary["no_variation"] is True
    assert summary["special_cause_points"] == 0
    assert summary["assurance"] == (None if improvement == "neutral" else "not_judged")
    assert math.isnan(summary["lpl"]) and math.isnan(summary["upl"])


def test_the_same_series_unscreened_has_limits_and_is_judged_as_the_reference_does():
    # Without screening the mean moving range is 2 / 14 = 0.1429: limits
    # 1/15 -/+ 2.66 x 0.1429 = -0.3133 and 0.4467. The 1 is outside; the nine zeros after it are
    # all below the mean (1/15), a shift (improvement where lower is better).
    frame = chart(FLAT_WITH_ONE, improvement="decrease", screen_outliers=False)
    assert not frame["no_variation"].any()
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(2 / 14)
    assert frame["upl"].iloc[0] == pytest.approx(1 / 15 + 2.66 * 2 / 14)
    assert flagged(frame, "outside_limits") == [5]
    assert flagged(frame, "shift") == list(range(6, 15))
    assert frame["point_type"].iloc[5] == "special_cause_concern"
    assert (frame["point_type"].iloc[6:] == "special_cause_improvement").all()


def test_a_series_with_a_genuine_shift_is_still_flagged():
    # 1, 3 alternating for seven points, then 6, 8 alternating for seven: mean 61 / 14 = 4.357.
    # Moving ranges: six 2s, |6 - 1| = 5, six 2s: mean 29 / 13 = 2.2308, none screened
    # (3.267 x 2.2308 = 7.288). Limits 4.357 -/+ 5.934 = -1.577 and 10.291; two-thirds lines
    # 0.401 and 8.313, so neither limit nor two-of-three fires, and equal steps break trends.
    # The first seven points are all below the mean and the last seven all above: two shifts.
    frame = chart([1, 3] * 3 + [1] + [6, 8] * 3 + [6], improvement="increase")
    assert not frame["no_variation"].any()
    assert frame["mean"].iloc[0] == pytest.approx(61 / 14)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(29 / 13)
    assert flagged(frame, "shift") == list(range(14))
    assert not frame[["outside_limits", "trend", "two_of_three"]].any().any()
    assert (frame["point_type"].iloc[:7] == "special_cause_concern").all()
    assert (frame["point_type"].iloc[7:] == "special_cause_improvement").all()
    assert xmr_summary(frame)["variation"] == "improvement_high"


def test_a_step_with_no_other_variation_is_not_judged():
    # Eight 0s then eight 5s: the one moving range of 5 is above 3.267 x 5 / 15 = 1.089, so it is
    # screened out and nothing is left to judge limits from. The step is plain on the chart,
    # but the rules cannot call it unusual without a measure of usual variation.
    frame = chart([0] * 8 + [5] * 8, improvement="decrease")
    assert frame["no_variation"].all()
    assert not frame["special_cause"].any()
    assert xmr_summary(frame)["variation"] == "no_variation"


def test_a_trend_still_counts_without_variation():
    # Fifteen 0s then 1 to 6: twenty moving ranges, six of them 1, mean 6 / 20 = 0.3; each 1 is
    # above 3.267 x 0.3 = 0.9801 and screened out, so there is no variation to judge limits
    # from. The last 0 and 1 to 6 still rise six times in a row: a trend of seven points,
    # which compares neighbours only. The fifteen 0s, all below the mean of 1, are no shift.
    frame = chart([0] * 15 + [1, 2, 3, 4, 5, 6], improvement="increase")
    assert frame["no_variation"].all()
    assert flagged(frame, "trend") == list(range(14, 21))
    assert flagged(frame, "special_cause") == list(range(14, 21))
    assert not frame["shift"].any()
    assert (frame["point_type"].iloc[14:] == "special_cause_improvement").all()
    summary = xmr_summary(frame)
    assert summary["variation"] == "improvement_high"
    assert summary["no_variation"] is True


def test_no_variation_is_judged_for_each_rebase_group():
    # Group 0 varies (1, 3 alternating: mean moving range 2); group 1 is flat.
    frame = chart([1, 3] * 5 + [4] * 10, rebase_at=10)
    assert frame["no_variation"].tolist() == [False] * 10 + [True] * 10
    assert frame["upl"].iloc[0] == pytest.approx(2 + 2.66 * 2)
    assert frame["upl"].iloc[10:].isna().all()
    assert xmr_summary(frame)["variation"] == "no_variation"


# --------------------------------------------------------------------------------------------
# Gaps: periods with nothing to measure
# --------------------------------------------------------------------------------------------

NAN = float("nan")


def test_a_gap_has_no_moving_range_to_it_or_from_it():
    # Values 1, 2, gap, 4, 5, 3, 2, gap, gap, 6: seven values, sum 23, mean 23 / 7.
    # Moving ranges only between neighbours that both have values: |2-1|, |5-4|, |3-5|, |2-3|
    # = 1, 1, 2, 1, mean 5 / 4 = 1.25; limits 23/7 -/+ 3.325.
    months = pd.date_range("2024-01-31", periods=10, freq="ME")
    frame = chart([1, 2, None, 4, 5, 3, 2, NAN, None, 6], dates=months)
    assert frame["x"].tolist() == list(months)  # every period keeps its place
    assert frame["value"].isna().tolist() == [False, False, True] + [False] * 4 + [True, True, False]
    moving = frame["moving_range"].tolist()
    assert [i for i, m in enumerate(moving) if not math.isnan(m)] == [1, 4, 5, 6]
    assert [moving[i] for i in (1, 4, 5, 6)] == [1, 1, 2, 1]
    assert frame["mean"].iloc[0] == pytest.approx(23 / 7)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(1.25)
    assert frame["upl"].iloc[0] == pytest.approx(23 / 7 + 2.66 * 1.25)
    gaps = frame["value"].isna()
    assert not frame.loc[gaps, "special_cause"].any()
    assert (frame.loc[gaps, "relative_to_mean"] == 0).all()

    summary = xmr_summary(frame)
    assert summary["points"] == 7 and summary["periods"] == 10
    assert summary["x"] == months[-1] and summary["value"] == 6


def test_the_summary_passes_over_gaps_at_the_end():
    frame = chart([1, 3, 2, 4, NAN, NAN])
    summary = xmr_summary(frame)
    assert summary["x"] == 3 and summary["value"] == 4
    assert summary["points"] == 4 and summary["periods"] == 6


def test_a_gap_breaks_a_shift():
    # As the first shift test, with the fourth point of the run of seven missing:
    # SWING + 1, 5, 1, gap, 1, 5, 1 sums to -19 + 14 = -5 over 15 values: mean -1/3.
    # Runs above the mean: 1, 5, 1 and 1, 5, 1, three points each, so no shift.
    # Moving ranges: 6 x 7, 4 (in SWING), 4, 4, 4, then none to or from the gap, 4, 4:
    # 66 over 13 = 5.077, limits -1/3 -/+ 13.5, two-thirds lines -/+ 9.0: nothing else fires.
    frame = chart(SWING + [1, 5, 1, NAN, 1, 5, 1], improvement="increase")
    assert frame["mean"].iloc[0] == pytest.approx(-1 / 3)
    assert frame["mean_moving_range"].iloc[0] == pytest.approx(66 / 13)
    assert math.isnan(frame["moving_range"].iloc[12]) and math.isnan(frame["moving_range"].iloc[13])
    assert not frame["special_cause"].any()


def test_a_gap_breaks_a_trend_and_two_of_three():
    # 1 to 7 rise six times in a row; with a gap in place of the 4 they are two runs of three.
    assert flagged(chart([1, 2, 3, 4, 5, 6, 7] + WANDER), "trend") == list(range(7))
    assert not chart([1, 2, 3, NAN, 5, 6, 7] + WANDER)["trend"].any()
    # Two of three: two points beyond two-thirds with a gap between them are not a window of
    # three on one side (the gap is on neither side).
    # 0, 2 eight times, then 6, 2, 6: mean 30 / 19 = 1.579; moving ranges fifteen 2s and three
    # 4s, 42 / 18 = 2.333; two-thirds line 1.579 + 2/3 x 2.66 x 2.333 = 5.717. Both 6s are beyond
    # it, with the 2 between them above the mean: flagged.
    values = [0, 2] * 8
    assert flagged(chart(values + [6, 2, 6]), "two_of_three") == [16, 18]
    # With a gap for the 2: mean 28 / 18 = 1.556, moving ranges fifteen 2s and one 4, 34 / 16;
    # two-thirds line 1.556 + 2/3 x 2.66 x 2.125 = 5.324, so both 6s are still beyond it.
    gapped = chart(values + [6, NAN, 6])
    assert gapped["value"].iloc[[16, 18]].gt(1.556 + 2 / 3 * 2.66 * 2.125).all()
    assert not gapped["two_of_three"].any()


def test_fixed_limits_count_values_not_gaps():
    # Twelve values with a gap among them set the limits: the first thirteen periods.
    values = [1, 3, 1, NAN, 3, 1, 3, 1, 3, 1, 3, 1, 3] + [10, 12, 10, 12]
    fixed = chart(values, fix_after_n_points=12)
    first = chart(values[:13])
    assert fixed["mean"].iloc[0] == pytest.approx(first["mean"].iloc[0]) == pytest.approx(2)
    assert fixed["upl"].iloc[-1] == pytest.approx(first["upl"].iloc[0])


def test_xmr_by_leaves_out_groups_with_fewer_than_two_values():
    frame = pd.DataFrame({
        "team": ["A"] * 4 + ["B"] * 4,
        "month": list(range(4)) * 2,
        "share": [0.5, NAN, 0.75, NAN, NAN, 0.5, NAN, NAN],
    })
    with pytest.warns(UnreliableLimitsWarning, match="only 2 points"):  # A's two values
        charts = xmr_by(frame, "team", "share", "month")
    assert list(charts) == ["A"]
    assert len(charts["A"]) == 4  # its gaps keep their places


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FLAGS = ["outside_limits", "shift", "trend", "two_of_three", "special_cause", "relative_to_mean"]
counts = st.lists(st.integers(-1000, 1000), min_size=2, max_size=40)
fast = settings(max_examples=50, deadline=None)


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
    judged = ~frame["no_variation"]
    assert (frame.loc[judged, "lpl"] <= frame.loc[judged, "mean"]).all()
    assert (frame.loc[judged, "mean"] <= frame.loc[judged, "upl"]).all()
    # Without variation there are no limits at all, rather than limits on the mean.
    assert frame.loc[~judged, ["lpl", "upl"]].isna().all().all()
    assert (frame.loc[~judged, "mean_moving_range"] == 0).all()


@fast
@given(counts, st.integers(-10_000, 10_000), st.sampled_from(["increase", "decrease", "neutral"]))
def test_adding_a_constant_moves_mean_and_limits_and_keeps_flags(values, constant, improvement):
    before = chart(values, improvement=improvement)
    assume(clear_of_thresholds(before))
    after = chart([value + constant for value in values], improvement=improvement)
    for column in ("mean", "lpl", "upl"):
        expected = before[column].to_numpy() + constant
        assert after[column].to_numpy() == pytest.approx(expected, abs=1e-6, nan_ok=True)
    expected = before["mean_moving_range"].to_numpy()
    assert after["mean_moving_range"].to_numpy() == pytest.approx(expected)
    pd.testing.assert_frame_equal(after[FLAGS + ["point_type"]], before[FLAGS + ["point_type"]])


@fast
@given(counts, st.floats(0.01, 100))
def test_scaling_by_a_positive_constant_scales_mean_and_limits_and_keeps_flags(values, factor):
    assume(clear_of_screening(values))
    before = chart(values)
    assume(clear_of_thresholds(before))
    after = chart([value * factor for value in values])
    scale = 1e-9 * (1 + max(abs(value) for value in values)) * factor
    for column in ("mean", "mean_moving_range", "lpl", "upl"):
        expected = before[column].to_numpy() * factor
        assert after[column].to_numpy() == pytest.approx(expected, abs=scale, nan_ok=True)
    pd.testing.assert_frame_equal(after[FLAGS + ["point_type"]], before[FLAGS + ["point_type"]])


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
def test_a_constant_series_has_no_limits_and_no_special_cause(value, length, improvement):
    frame = chart([value] * length, improvement=improvement, target=value + 1)
    assert (frame["mean"] == value).all()
    assert frame["lpl"].isna().all() and frame["upl"].isna().all()
    assert frame["no_variation"].all()
    assert (frame["mean_moving_range"] == 0).all()
    assert (frame["relative_to_mean"] == 0).all()
    assert not frame["special_cause"].any()
    summary = xmr_summary(frame)
    assert summary["variation"] == "no_variation"
    assert summary["assurance"] == (None if improvement == "neutral" else "not_judged")


def test_a_constant_series_of_inexact_decimals_stays_on_its_mean():
    # Ten 0.1s summed in floating point give 0.9999999999999999, whose tenth is not 0.1.
    assert math.fsum([0.1] * 10) == 1.0 and sum([0.1] * 10) != 1.0
    frame = chart([0.1] * 20)
    assert (frame["mean"] == 0.1).all()
    assert not frame["special_cause"].any()


LIMITS = ["mean", "mean_moving_range", "lpl", "upl"]
directions = st.sampled_from(["increase", "decrease", "neutral"])


@fast
@given(st.data(), st.lists(st.integers(-1000, 1000), min_size=4, max_size=40), directions)
def test_each_rebase_group_is_charted_as_if_alone(data, values, improvement):
    # One or two rebases, each group keeping at least 2 points.
    cuts = sorted(data.draw(
        st.sets(st.integers(2, len(values) - 2), min_size=1, max_size=2).filter(
            lambda found: all(b - a >= 2 for a, b in zip(sorted(found), sorted(found)[1:]))
        ),
        label="cuts",
    ))
    frame = chart(values, improvement=improvement, rebase_at=cuts)
    bounds = [0, *cuts, len(values)]
    for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
        part = frame.iloc[start:end].reset_index(drop=True)
        alone = chart(values[start:end], improvement=improvement)
        assert (part["rebase_group"] == number).all()
        columns = [column for column in alone.columns if column not in ("x", "rebase_group")]
        pd.testing.assert_frame_equal(part[columns], alone[columns])


@fast
@given(st.lists(st.integers(-1000, 1000), min_size=12, max_size=40), st.integers(0, 5), directions)
def test_fixing_after_all_the_points_changes_nothing(values, extra, improvement):
    plain = chart(values, improvement=improvement)
    fixed = chart(values, improvement=improvement, fix_after_n_points=len(values) + extra)
    pd.testing.assert_frame_equal(fixed, plain)


@fast
@given(st.lists(st.integers(-1000, 1000), min_size=12, max_size=40), st.data())
def test_fixed_limits_are_the_limits_of_the_first_points(values, data):
    n = data.draw(st.integers(12, len(values)), label="n")
    fixed = chart(values, fix_after_n_points=n)
    first = chart(values[:n])
    for column in LIMITS:
        expected = np.full(len(values), first[column].iloc[0])
        assert fixed[column].to_numpy() == pytest.approx(expected, nan_ok=True)
    # Every point, later ones too, is judged against those limits. (Runs and windows near the
    # n-th point can reach past it, so only the point-by-point tests are compared.)
    value, upl, lpl = np.array(values), first["upl"].iloc[0], first["lpl"].iloc[0]
    assert fixed["outside_limits"].tolist() == ((value > upl) | (value < lpl)).tolist()
    assert fixed["relative_to_mean"].tolist() == np.sign(value - first["mean"].iloc[0]).tolist()


@fast
@given(counts, st.floats(-2000, 2000, allow_nan=False))
def test_reversing_the_direction_of_good_swaps_pass_and_fail(values, target):
    up = xmr_summary(chart(values, improvement="increase", target=target))["assurance"]
    down = xmr_summary(chart(values, improvement="decrease", target=target))["assurance"]
    swap = {"consistent_pass": "consistent_fail", "consistent_fail": "consistent_pass"}
    assert down == swap.get(up, up)
    assert xmr_summary(chart(values, improvement="neutral", target=target))["assurance"] is None


@fast
@given(
    st.integers(15, 60),
    st.data(),
    st.floats(-1e3, 1e3, allow_nan=False),
    st.floats(0.5, 1e3),
    directions,
)
def test_a_flat_series_with_rare_blips_flags_nothing(length, data, base, height, improvement):
    # A blip (one point off the base and back) adds two moving ranges of its height h, so k
    # blips give a mean moving range of at most 2kh / (n - 1); while that is below h / 3.267,
    # the screen leaves out every blip's ranges and nothing is left to judge limits from.
    most = int((length - 1) / (2 * 3.267 + 1e-9))
    assume(most >= 1)
    positions = data.draw(
        st.sets(st.integers(0, length - 1), min_size=1, max_size=most).filter(
            lambda found: all(b - a > 1 for a, b in zip(sorted(found), sorted(found)[1:]))
        ),
        label="blips",
    )
    values = [base + height if i in positions else base for i in range(length)]
    frame = chart(values, improvement=improvement)
    assert frame["no_variation"].all()
    assert not frame["special_cause"].any()
    assert xmr_summary(frame)["variation"] == "no_variation"


gappy = st.lists(
    st.one_of(st.integers(-1000, 1000).map(float), st.just(float("nan"))), min_size=2, max_size=40
).filter(lambda values: sum(not math.isnan(v) for v in values) >= 2)


@fast
@given(gappy, directions)
def test_gaps_have_no_moving_range_and_are_never_flagged(values, improvement):
    frame = chart(values, improvement=improvement)
    value = np.array(values)
    expected = np.abs(np.diff(value))  # NaN wherever either neighbour is a gap
    moving = frame["moving_range"].to_numpy()[1:]
    assert np.array_equal(np.isnan(moving), np.isnan(expected))
    assert moving[~np.isnan(moving)] == pytest.approx(expected[~np.isnan(expected)])
    gaps = np.isnan(value)
    assert not frame.loc[gaps, "special_cause"].any()
    assert frame["mean"].iloc[0] == pytest.approx(np.nanmean(value), abs=1e-9 * (1 + np.nanmax(np.abs(value))))
    summary = xmr_summary(frame)
    assert summary["points"] == int((~gaps).sum()) and summary["periods"] == len(values)


@fast
@given(counts, st.integers(0, 3), st.integers(0, 3), directions)
def test_gaps_at_either_end_change_nothing_but_the_axis(values, before, after, improvement):
    plain = chart(values, improvement=improvement)
    padded = chart([float("nan")] * before + values + [float("nan")] * after, improvement=improvement)
    inner = padded.iloc[before:before + len(values)].reset_index(drop=True)
    columns = [column for column in plain.columns if column != "x"]
    pd.testing.assert_frame_equal(inner[columns], plain[columns])
    assert xmr_summary(padded)["variation"] == xmr_summary(plain)["variation"]
