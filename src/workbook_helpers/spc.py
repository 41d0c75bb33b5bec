"""Process behaviour (XmR) charts, following NHS England's *Making Data Count* rules.

An XmR chart plots each value (X) against its mean and a pair of *process limits* worked out from
the moving range (mR), the absolute difference between consecutive values. Points that break one
of four rules show *special cause* variation, worth looking into; everything else is the *common
cause* variation that the process produces by itself.

The calculations follow the NHS-R community's R package NHSRplotthedots, the reference
implementation of *Making Data Count*. Where the two differ, or where the reference leaves a
choice open, the docstring of the function concerned says so. In brief:

* **Limits.** mean +/- 2.66 x mean moving range. With ``screen_outliers``, moving ranges above
  3.267 x their mean are left out and the mean moving range is worked out once more from the rest
  (the points themselves stay in the mean).
* **Outside limits.** A point above the upper or below the lower process limit.
* **Shift.** Seven or more consecutive points all above, or all below, the mean. A point exactly
  on the mean belongs to neither side and breaks the run.
* **Trend.** Seven or more consecutive points, each strictly higher (or each strictly lower) than
  the one before: six rises in a row. Two equal neighbouring values break a trend.
* **Two of three.** Within three consecutive points, all on the same side of the mean, at least
  two are more than two-thirds of the way from the mean to the process limit on that side. Only
  those points are flagged, not the third point of the three. Points beyond the limit itself
  count, as in *Making Data Count* since 2023; NHSRplotthedots still counts only the outer third.

When a point breaks more than one rule, the rule shown for it is chosen in the reference's order:
outside limits, then trend, then two of three, then shift (see :data:`RULE_PRECEDENCE`).

Limits are worked out for each *period* of the series. Today the whole series is one period; the
helpers take a ``period`` label for every point so that rebasing (new limits from a known change
point) and fixed limits (limits from the first *n* points only) can be added without touching the
rules.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "RULE_PRECEDENCE",
    "UnreliableLimitsWarning",
    "VARIATION_ICONS",
    "xmr",
    "xmr_by",
    "xmr_summary",
]

Improvement = Literal["increase", "decrease", "neutral"]

#: How far the process limits sit from the mean, in mean moving ranges (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: Moving ranges above this many mean moving ranges are screened out (D4 for subgroups of 2).
SCREENING_FACTOR = 3.267
#: Share of the distance from the mean to a limit beyond which a point counts for "two of three".
NEAR_LIMIT_FRACTION = 2 / 3
#: Points in a run that makes a shift or a trend.
RUN_LENGTH = 7
#: Fewer points than this and the limits are reported as unreliable.
MIN_RELIABLE_POINTS = 15
#: The fewest points an XmR chart can be drawn from (one moving range).
MIN_POINTS = 2

IMPROVEMENT_DIRECTIONS: tuple[str, ...] = ("increase", "decrease", "neutral")
#: The rule shown for a point that breaks several, first wins (as in NHSRplotthedots).
RULE_PRECEDENCE: tuple[str, ...] = ("outside_limits", "trend", "two_of_three", "shift")
POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
VARIATION_ICONS: tuple[str, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
COLUMNS: tuple[str, ...] = (
    "x",
    "value",
    "moving_range",
    "mean",
    "mean_moving_range",
    "lpl",
    "upl",
    "outside_limits",
    "shift",
    "trend",
    "two_of_three",
    "special_cause",
    "special_cause_type",
    "relative_to_mean",
    "point_type",
)

_DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
_MAX_POSITIONS_SHOWN = 5


class UnreliableLimitsWarning(UserWarning):
    """The chart has too few points for its process limits to be trusted."""


@dataclass(frozen=True)
class ProcessLimits:
    """The centre line and limits for one period of a series.

    ``near_lpl`` and ``near_upl`` mark two-thirds of the way from the mean to each limit: the
    thresholds for the "two of three" rule.
    """

    mean: float
    mean_moving_range: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def xmr(
    values: Sequence[float] | pd.Series | np.ndarray,
    dates: Sequence[Any] | pd.Series | pd.Index | np.ndarray | None = None,
    improvement: Improvement = "neutral",
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Work out an XmR chart and flag special cause variation, point by point.

    Parameters
    ----------
    values
        The measure, one number per period. Missing values are not allowed: an XmR chart needs
        every period, so fill or explain gaps before charting.
    dates
        Optional labels for the periods (dates, month names that sort correctly, ...), one per
        value. When given, the points are put in date order first, as the reference does; dates
        must be present and unique. When left out the points are numbered 0, 1, 2, ...
    improvement
        Which direction is good: ``"increase"`` (higher is better), ``"decrease"`` (lower is
        better) or ``"neutral"`` (neither).
    screen_outliers
        Leave moving ranges above 3.267 x the mean moving range out of the mean moving range, so
        that one large jump does not widen the limits. Done once, as in the reference.

    Returns
    -------
    pandas.DataFrame
        One row per point, in date order, with columns:

        ``x``
            The date, or the position when no dates were given.
        ``value``
            The value, as a float.
        ``moving_range``
            Absolute difference from the previous value (missing for the first point). Shown
            before screening: a screened-out range still appears here.
        ``mean``, ``mean_moving_range``
            Centre line, and the mean moving range the limits come from (after screening).
        ``lpl``, ``upl``
            Lower and upper process limits, ``mean`` -/+ 2.66 x ``mean_moving_range``.
        ``outside_limits``, ``shift``, ``trend``, ``two_of_three``
            Whether the point breaks each rule (see the module docstring).
        ``special_cause``
            Whether the point breaks any rule.
        ``special_cause_type``
            The one rule shown for the point, chosen in the order of :data:`RULE_PRECEDENCE`;
            missing for common cause points.
        ``relative_to_mean``
            +1 above the mean, -1 below, 0 exactly on it.
        ``point_type``
            One of :data:`POINT_TYPES`. Whether special cause is improvement or concern (or, for
            a neutral measure, high or low) depends on the side of the mean for every rule but
            the trend, where it depends on the direction of the trend, so a falling trend above
            the mean is "low".

        ``frame.attrs`` records ``improvement`` and ``screen_outliers`` for :func:`xmr_summary`.

    Raises
    ------
    ValueError
        ``improvement`` or ``screen_outliers`` is not one of the allowed values; a value is
        missing, infinite or not a number; ``dates`` is the wrong length or has missing or
        repeated dates; there are fewer than 2 points.
    TypeError
        ``values`` or ``dates`` is not a sequence.

    Warns
    -----
    UnreliableLimitsWarning
        Fewer than 15 points. The chart is still worked out.

    Notes
    -----
    Comparisons with the mean and limits are exact, as in the reference: a point must be
    strictly above the upper limit to be outside it. The mean is worked out relative to the first
    value, so a constant series has a mean exactly equal to its values (and zero-width limits)
    even when the values, such as 0.1, have no exact binary form.

    Examples
    --------
    Fifteen points, 10, 12, 11, 13, 12 three times over: mean 11.6; moving ranges 2, 1, 2, 1
    within each five and 2 between them, so 22 / 14 = 1.571; upper limit 11.6 + 2.66 x 1.571.

    >>> chart = xmr([10, 12, 11, 13, 12] * 3, improvement="increase")
    >>> float(chart["mean"].iloc[0]), float(round(chart["upl"].iloc[0], 2))
    (11.6, 15.78)
    >>> xmr_summary(chart)
    {'variation': 'common_cause', 'points': 15, 'special_cause_points': 0}
    """
    _check_improvement(improvement)
    _check_screen_outliers(screen_outliers)
    value_series = _as_values(values)
    x = _as_x(dates, len(value_series))

    if len(value_series) < MIN_POINTS:
        raise ValueError(
            f"values has {len(value_series)} point(s); an XmR chart needs at least {MIN_POINTS}."
        )
    if len(value_series) < MIN_RELIABLE_POINTS:
        warnings.warn(
            f"Only {len(value_series)} points: process limits are unreliable with fewer than "
            f"{MIN_RELIABLE_POINTS} points. Treat special cause flags as provisional.",
            UnreliableLimitsWarning,
            stacklevel=2,
        )

    frame = pd.DataFrame({"x": x, "value": value_series})
    if dates is not None:
        frame = frame.sort_values("x", kind="stable", ignore_index=True)

    # Every point is in period 0 for now; rebasing will number the periods from each change point.
    period = pd.Series(0, index=frame.index, name="period")

    frame["moving_range"] = _moving_ranges(frame["value"], period)
    limits = _limits_by_period(frame["value"], frame["moving_range"], period, screen_outliers)
    frame = frame.join(limits)

    side = np.sign(frame["value"] - frame["mean"]).astype("int64")
    beyond_two_thirds = (frame["value"] > frame["near_upl"]) | (frame["value"] < frame["near_lpl"])
    trend, trend_direction = _trend(frame["value"], period)

    frame["outside_limits"] = (frame["value"] > frame["upl"]) | (frame["value"] < frame["lpl"])
    frame["shift"] = _shift(side, period)
    frame["trend"] = trend
    frame["two_of_three"] = _two_of_three(beyond_two_thirds, side, period)
    frame["relative_to_mean"] = side

    rules = [frame[rule] for rule in RULE_PRECEDENCE]
    frame["special_cause"] = np.logical_or.reduce(rules)
    frame["special_cause_type"] = pd.Series(
        np.select(rules, RULE_PRECEDENCE, default=None), index=frame.index, dtype="str"
    )
    # The direction of the special cause: the trend's direction for trends, else the side.
    direction = pd.Series(
        np.select(
            [frame["outside_limits"], frame["trend"], frame["special_cause"]],
            [side, trend_direction, side],
            default=0,
        ),
        index=frame.index,
    )
    frame["point_type"] = _point_types(direction, improvement)

    frame = frame.loc[:, list(COLUMNS)]
    frame.attrs.update(improvement=improvement, screen_outliers=screen_outliers)
    return frame


def xmr_summary(frame: pd.DataFrame, improvement: Improvement | None = None) -> dict[str, Any]:
    """Summarise an XmR chart as its *Making Data Count* variation icon and a few counts.

    The variation icon is judged on the latest point only, as in the reference: a chart whose
    last point is common cause shows ``common_cause`` even if earlier points were special cause.

    Parameters
    ----------
    frame
        A frame returned by :func:`xmr` (rows may have been reordered).
    improvement
        The direction of good. Defaults to the one recorded in ``frame.attrs`` by :func:`xmr`;
        give it when the frame has lost its attributes (for example after a round trip to a file).

    Returns
    -------
    dict
        ``variation``
            One of :data:`VARIATION_ICONS`. Improvement and concern icons are "high" or "low" by
            the direction of good: for a measure where higher is better, improvement is
            ``improvement_high`` and concern ``concern_low``; where lower is better, the reverse.
            Neutral measures give ``neutral_high`` or ``neutral_low``.
        ``points``
            Number of points.
        ``special_cause_points``
            Number of points breaking any rule.

    Raises
    ------
    ValueError
        The frame is empty, lacks the columns :func:`xmr` makes, or the direction of good is
        unknown or does not fit the point types in the frame.
    """
    missing = [column for column in ("x", "point_type", "special_cause") if column not in frame]
    if missing:
        raise ValueError(
            f"frame is missing column(s) {', '.join(missing)}; pass a frame made by xmr()."
        )
    if frame.empty:
        raise ValueError("frame has no points to summarise.")
    improvement = improvement if improvement is not None else frame.attrs.get("improvement")
    if improvement is None:
        raise ValueError(
            "improvement is not recorded in frame.attrs; pass improvement= "
            f"(one of {_quoted(IMPROVEMENT_DIRECTIONS)})."
        )
    _check_improvement(improvement)

    latest = frame.sort_values("x", kind="stable").iloc[-1]
    return {
        "variation": _variation_icon(latest["point_type"], improvement),
        "points": len(frame),
        "special_cause_points": int(frame["special_cause"].sum()),
    }


# --------------------------------------------------------------------------------------------
# Checking arguments
# --------------------------------------------------------------------------------------------


def _quoted(options: Iterable[str]) -> str:
    return ", ".join(f'"{option}"' for option in options)


def _positions(mask: pd.Series) -> str:
    """Describe where ``mask`` is true, as 0-based positions ("3", "3 and 7", "3, 7, 9, ...")."""
    found = np.flatnonzero(mask.to_numpy())
    shown = [str(position) for position in found[:_MAX_POSITIONS_SHOWN]]
    if len(found) > _MAX_POSITIONS_SHOWN:
        return f"positions {', '.join(shown)} and {len(found) - len(shown)} more"
    if len(shown) == 1:
        return f"position {shown[0]}"
    return f"positions {', '.join(shown[:-1])} and {shown[-1]}"


def _check_improvement(improvement: object) -> None:
    if not isinstance(improvement, str) or improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(
            f"improvement must be one of {_quoted(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}."
        )


def _check_screen_outliers(screen_outliers: object) -> None:
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ValueError(f"screen_outliers must be True or False, not {screen_outliers!r}.")


def _as_series(data: object, name: str) -> pd.Series:
    """``data`` as a Series numbered from 0, or TypeError when it is not a sequence."""
    if isinstance(data, (str, bytes, dict)) or not isinstance(data, Iterable):
        raise TypeError(
            f"{name} must be a sequence (list, array or Series), not {type(data).__name__}."
        )
    if isinstance(data, (pd.Series, pd.Index)):
        return pd.Series(data.to_numpy(), name=name)
    return pd.Series(list(data) if not isinstance(data, np.ndarray) else data, name=name)


def _as_values(values: object) -> pd.Series:
    """The values as floats, or ValueError naming the positions of anything unusable."""
    raw = _as_series(values, "values")
    if pd.api.types.is_bool_dtype(raw) or not (
        pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_object_dtype(raw)
    ):
        raise ValueError(f"values must be numbers, not {raw.dtype} data.")
    numbers = pd.to_numeric(raw, errors="coerce") if raw.dtype == object else raw
    not_numbers = raw.notna() & numbers.isna()
    if not_numbers.any():
        raise ValueError(f"values must be numbers: not a number at {_positions(not_numbers)}.")
    if raw.isna().any():
        raise ValueError(
            f"values has a missing value at {_positions(raw.isna())} (counting from 0); "
            "an XmR chart needs a value for every period."
        )
    numbers = numbers.astype("float64")
    if np.isinf(numbers).any():
        raise ValueError(f"values has an infinite value at {_positions(np.isinf(numbers))}.")
    return numbers.rename("value")


def _as_x(dates: object, length: int) -> pd.Series:
    """The x axis: the dates when given (checked), else positions 0..length-1."""
    if dates is None:
        return pd.Series(np.arange(length), name="x")
    x = _as_series(dates, "dates")
    if len(x) != length:
        raise ValueError(f"dates has {len(x)} entries but values has {length}; they must match.")
    if x.isna().any():
        raise ValueError(f"dates has a missing date at {_positions(x.isna())}.")
    if x.duplicated().any():
        raise ValueError(
            f"dates has a repeated date at {_positions(x.duplicated())}; "
            "each point must be a different period."
        )
    return x.rename("x")


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------


def _moving_ranges(values: pd.Series, period: pd.Series) -> pd.Series:
    """Absolute difference from the previous point in the same period (missing for the first)."""
    return (values - _within(values, period, 1, np.nan)).abs()


def _process_limits(
    values: pd.Series, moving_ranges: pd.Series, screen_outliers: bool
) -> ProcessLimits:
    """Mean, mean moving range and limits for the points of one period.

    Screening drops moving ranges *above* 3.267 x their mean. The reference keeps only ranges
    *below* it, which also drops a range exactly on the threshold; the two agree except in that
    tie, and in a constant series, where every range is 0 and the reference is left with no
    ranges (so no limits) while this gives a mean moving range of 0 and zero-width limits.
    """
    # Relative to the first value: exact for a constant series, and no less accurate otherwise.
    origin = values.iloc[0]
    mean = origin + (values - origin).mean()

    ranges = moving_ranges.dropna()
    mean_moving_range = ranges.mean()
    if screen_outliers:
        mean_moving_range = ranges[ranges <= SCREENING_FACTOR * mean_moving_range].mean()

    spread = LIMIT_FACTOR * mean_moving_range
    near = NEAR_LIMIT_FRACTION * spread
    return ProcessLimits(
        mean=mean,
        mean_moving_range=mean_moving_range,
        lpl=mean - spread,
        upl=mean + spread,
        near_lpl=mean - near,
        near_upl=mean + near,
    )


def _limits_by_period(
    values: pd.Series, moving_ranges: pd.Series, period: pd.Series, screen_outliers: bool
) -> pd.DataFrame:
    """One row per point holding the limits of its period (columns named as ProcessLimits)."""
    rows = []
    for _, members in values.groupby(period):
        limits = _process_limits(members, moving_ranges.loc[members.index], screen_outliers)
        rows.append(pd.DataFrame(vars(limits), index=members.index))
    return pd.concat(rows).loc[values.index]


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _run_lengths(keys: pd.Series, period: pd.Series) -> pd.Series:
    """How long the run of equal consecutive ``keys`` (within one period) each element is in.

    Missing keys never equal anything, so each is a run of its own.
    """
    starts = keys.ne(keys.shift()) | period.ne(period.shift())
    run = starts.cumsum()
    return run.groupby(run).transform("size")


def _shift(side: pd.Series, period: pd.Series) -> pd.Series:
    """Points in a run of 7 or more all above, or all below, the mean.

    ``side`` is +1, -1 or 0; a point on the mean (0) is on neither side, so it ends a run and
    is never part of a shift, as in the reference.
    """
    return side.ne(0) & _run_lengths(side, period).ge(RUN_LENGTH)


def _trend(values: pd.Series, period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Points in a run of 7 or more each strictly higher, or each strictly lower, than the last.

    Seven points make six steps, so a trend is six or more steps in a row in the same
    direction; a step of zero (two equal values) breaks it. This counts as the reference does
    (its tests flag ``1:7`` but not ``1:6``).

    Returns the flags and, for each flagged point, the trend's direction (+1 rising, -1
    falling; 0 elsewhere). A point that ends one trend and starts the next (the peak between a
    rise and a fall) takes the direction of the later trend, as in the reference.
    """
    step = np.sign(values - _within(values, period, 1, np.nan))  # step into each point
    long_run = _run_lengths(step, period).ge(RUN_LENGTH - 1)
    rising_in = step.eq(1) & long_run
    falling_in = step.eq(-1) & long_run
    rising_out = _within(rising_in, period, -1, False)
    falling_out = _within(falling_in, period, -1, False)

    flagged = rising_in | falling_in | rising_out | falling_out
    direction = pd.Series(
        np.select([rising_out, falling_out, rising_in, falling_in], [1, -1, 1, -1], default=0),
        index=values.index,
    )
    return flagged, direction


def _two_of_three(beyond: pd.Series, side: pd.Series, period: pd.Series) -> pd.Series:
    """Points beyond two-thirds of the way to a limit, with another such point close by.

    A window is three consecutive points (in one period) all on the same side of the mean, at
    least two of them beyond two-thirds of the way from the mean to the limit on that side. A
    point is flagged when it is beyond two-thirds *and* in such a window: the third point of a
    window is not flagged unless it qualifies itself, as in the reference.

    Points beyond the limit itself count, as *Making Data Count* has done since 2023; the
    reference still counts only points between two-thirds and the limit (NHSRplotthedots issues
    153 and 194). The difference only shows when a point outside the limits is next to one in
    the outer third.
    """
    same_side = (
        side.ne(0)
        & side.eq(_within(side, period, 1, 0))
        & side.eq(_within(side, period, 2, 0))
    )
    beyond_count = (
        beyond.astype("int64")
        + _within(beyond, period, 1, False).astype("int64")
        + _within(beyond, period, 2, False).astype("int64")
    )
    window_ends = same_side & beyond_count.ge(2)  # the window of this point and the two before
    in_window = (
        window_ends
        | _within(window_ends, period, -1, False)
        | _within(window_ends, period, -2, False)
    )
    return beyond & in_window


def _within(series: pd.Series, period: pd.Series, lag: int, fill: Any) -> pd.Series:
    """``series`` shifted by ``lag`` points, with ``fill`` where it would cross into another period.

    A positive ``lag`` looks back (the value ``lag`` points earlier), a negative one forward.
    """
    same_period = period.eq(period.shift(lag))
    return series.shift(lag, fill_value=fill).where(same_period, fill)


# --------------------------------------------------------------------------------------------
# Point types and icons
# --------------------------------------------------------------------------------------------


def _point_types(direction: pd.Series, improvement: str) -> pd.Series:
    """Name each point's variation from the direction of its special cause (0 for none)."""
    if improvement == "neutral":
        names = ["special_cause_neutral_high", "special_cause_neutral_low"]
        oriented = direction
    else:
        names = ["special_cause_improvement", "special_cause_concern"]
        oriented = direction * _DIRECTION_SIGN[improvement]
    return pd.Series(
        np.select([oriented > 0, oriented < 0], names, default="common_cause"),
        index=direction.index,
        dtype="str",
    )


def _variation_icon(point_type: str, improvement: str) -> str:
    """The *Making Data Count* variation icon for a chart whose latest point is ``point_type``."""
    if improvement == "neutral":
        icons = {
            "common_cause": "common_cause",
            "special_cause_neutral_high": "neutral_high",
            "special_cause_neutral_low": "neutral_low",
        }
    else:
        good_is_high = improvement == "increase"
        icons = {
            "common_cause": "common_cause",
            "special_cause_improvement": "improvement_high" if good_is_high else "improvement_low",
            "special_cause_concern": "concern_low" if good_is_high else "concern_high",
        }
    if point_type not in icons:
        raise ValueError(
            f"point type {point_type!r} does not fit improvement={improvement!r}; "
            "was the frame made with a different direction of good?"
        )
    return icons[point_type]


def xmr_by(
    frame: pd.DataFrame, group: str, value: str, date: str, improvement: Improvement = "neutral"
) -> dict[str, pd.DataFrame]:
    """:func:`xmr` for each group of a long frame (one row per group and date), in the frame's
    order of groups. Groups with fewer than two points are left out: they have no limits."""
    series = {}
    for name, rows in frame.groupby(group, sort=False, observed=True):
        if len(rows) >= 2:
            series[str(name)] = xmr(rows[value], dates=rows[date], improvement=improvement)
    return series
