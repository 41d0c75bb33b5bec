"""Process behaviour (XmR) charts, following NHS England's *Making Data Count* rules.

An XmR chart plots each value (X) against its mean and a pair of *process limits* worked out from
the moving range (mR), the absolute difference between consecutive values. Points that break one
of four rules show *special cause* variation, worth looking into; everything else is the *common
cause* variation that the process produces by itself.

The calculations follow the NHS-R community's R package NHSRplotthedots, the reference
implementation of *Making Data Count*. Where the two differ, or where the reference leaves a
choice open, the docstring of the function concerned says so, and the list at the end of this
docstring gathers the differences. In brief:

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

**Rebasing.** When the process is known to have changed (a new system, a new policy), the chart
can be *rebased*: ``rebase_at`` names the points where new limits start. The points from one
rebase to the next form a *rebase group*, numbered from 0 in date order, the point at a rebase
date being the first of its new group. Each group has its own mean and limits, worked out from
its own points alone, and the rules look only within a group: moving ranges, runs of a shift,
trends and "two of three" windows never reach across a rebase.

**Fixed limits.** With ``fix_after_n_points`` the mean and limits of each rebase group come from
its first *n* points only (moving ranges and screening included) and are then held for the
rest of the group, so that later points are judged against the process as it was. The reference
asks for at least 12 points, and so does this module.

**Targets and assurance.** A ``target`` is a single number for the whole chart. The *assurance*
icon (see :func:`xmr_summary` and :data:`ASSURANCE_ICONS`) says whether the process, as its
latest limits describe it, will consistently meet the target, consistently miss it, or do
either from one period to the next. As in the reference, the target is compared with the limits
strictly: a target exactly on a limit gives ``inconsistent``. There is no assurance for a
neutral measure or without a target.

**The variation icon** is judged on the latest point, and assurance on the limits of the latest
rebase group, as in the reference (gaps at the end are passed over: see below).

**Gaps.** A missing value (None or NaN) is a period with nothing to measure, such as a share of
items completed on time in a month when none was completed. It keeps its place on the x axis (a
chart draws its period, with no point and a break in the line) but takes no part in the chart:
it has no moving range to it or from it, is left out of the mean, and is never flagged. A gap
also breaks every run: a shift or a trend needs seven consecutive periods, and "two of three"
three, so none of them reaches across a period that could not be measured. Rebase groups and
``fix_after_n_points`` count the points that have values.

**No variation to judge limits from.** When the moving ranges behind a group's limits are all
zero once screened (a constant series, or one that is constant apart from jumps the screen
leaves out, such as ``[0] * 5 + [1] + [0] * 9``), or there are none (every value is next to a
gap), the chart has no estimate of its common-cause variation. Its limits would collapse onto
the mean and every point off the mean would be "outside" them. Instead the group has no limits
(``lpl`` and ``upl`` are missing and ``no_variation`` is true) and the rules are applied as
follows:

* *outside limits* and *two of three* flag nothing: both measure a point's distance from the
  mean against the limits, and there are none;
* *shift* flags nothing either. It needs no limits, but it reads seven points on one side of the
  mean as a change of level, and that reading relies on points that vary by chance falling on
  either side. In a series that sits on one value apart from a few jumps, each jump drags the
  mean off that value, so every other point lies on the same side of it: the rule would call
  the series' usual state a shift (in ``[0] * 5 + [1] + [0] * 9`` the last nine zeros, which
  would be "special-cause improvement" wherever lower is better);
* *trend* still applies. It compares each point with the one before and uses neither the mean
  nor the limits, and ties break a trend, so a series with no variation can only show one when
  it climbs (or falls) six times in a row: a real change, such as a new team's work building up.

The variation icon of such a chart is ``no_variation`` (unless its latest point is part of a
trend), and with a target its assurance is ``not_judged``: there are no limits to judge the
target against. Charts and sentences say "no variation to judge limits from".

Where this module differs from the reference:

* ``rebase_at`` must name points exactly: a rebase date that matches no point is an error here,
  whereas the reference ignores it silently. A rebase at the first point is allowed and changes
  nothing; the reference then numbers the groups from 1 instead of 0.
* The unreliable-limits warning is given when limits come from fewer than 15 points, counting
  only the points the limits were worked out from (the first *n* with ``fix_after_n_points``).
  The reference marks groups with fewer than 12 points in all (13 in its latest versions).
* ``fix_after_n_points`` must be a whole number; the reference takes any number of at least 12.
  When a group is shorter than *n*, all of its points set its limits, as in the reference.
* "Two of three" counts points outside the limits (see above), and screening drops ranges
  *above* the threshold where the reference keeps those *below* it (see
  :func:`_process_limits`).
* A chart with no variation to judge limits from has no limits and flags nothing but trends
  (see above). The reference gives a constant series no limits too (its screen leaves it no
  moving ranges, and every point is on the mean, so nothing is flagged); but when the screen
  removes every non-zero moving range, as in ``[0] * 5 + [1] + [0] * 9``, it sets zero-width
  limits on the mean and flags all fifteen points as special cause.
* Missing values are gaps (see above). The reference asks for a series without gaps: its
  moving ranges stop at a missing value as here, but its runs are not defined across one.
* Dates may be anything that sorts (or left out, numbering the points); the reference needs
  dates. Targets per group, for :func:`xmr_by`, are given as a dict; trajectories are not
  supported.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "ASSURANCE_ICONS",
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "RULE_PRECEDENCE",
    "UnreliableLimitsWarning",
    "VARIATION_ICONS",
    "xmr",
    "shift_in_progress",
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
#: Fewer points than this behind the limits and they are reported as unreliable.
MIN_RELIABLE_POINTS = 15
#: The fewest points an XmR chart (or a rebase group) can be drawn from (one moving range).
MIN_POINTS = 2
#: The fewest points ``fix_after_n_points`` may fix the limits after, as in the reference.
MIN_FIXED_POINTS = 12

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
    "no_variation",
)
ASSURANCE_ICONS: tuple[str, ...] = ("consistent_pass", "consistent_fail", "inconsistent", "not_judged")
COLUMNS: tuple[str, ...] = (
    "x",
    "value",
    "moving_range",
    "mean",
    "mean_moving_range",
    "lpl",
    "upl",
    "no_variation",
    "outside_limits",
    "shift",
    "trend",
    "two_of_three",
    "special_cause",
    "special_cause_type",
    "relative_to_mean",
    "point_type",
    "rebase_group",
    "target",
)

_DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
_MAX_POSITIONS_SHOWN = 5


class UnreliableLimitsWarning(UserWarning):
    """The process limits come from too few points to be trusted."""


@dataclass(frozen=True)
class ProcessLimits:
    """The centre line and limits for one rebase group of a series.

    ``near_lpl`` and ``near_upl`` mark two-thirds of the way from the mean to each limit: the
    thresholds for the "two of three" rule. With ``no_variation`` there are no limits: the four
    are NaN (see the module docstring).
    """

    mean: float
    mean_moving_range: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    no_variation: bool


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def xmr(
    values: Sequence[float] | pd.Series | np.ndarray,
    dates: Sequence[Any] | pd.Series | pd.Index | np.ndarray | None = None,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Any = None,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
) -> pd.DataFrame:
    """Work out an XmR chart and flag special cause variation, point by point.

    Parameters
    ----------
    values
        The measure, one number per period. A missing value (None or NaN) is a gap: a period
        with nothing to measure, which keeps its place but has no moving range to it or from
        it and breaks every run (see the module docstring). Give a count of nothing as 0, not
        as missing.
    dates
        Optional labels for the periods (dates, month names that sort correctly, ...), one per
        value, gaps included. When given, the points are put in date order first, as the reference does; dates
        must be present and unique. When left out the points are numbered 0, 1, 2, ...
    improvement
        Which direction is good: ``"increase"`` (higher is better, the default, as in the
        reference), ``"decrease"`` (lower is better) or ``"neutral"`` (neither).
    target
        Optional target for the measure: a single finite number, or None. It does not change the
        limits or the rules; it is kept in the ``target`` column for charts, and
        :func:`xmr_summary` judges assurance against it.
    rebase_at
        Optional points where new limits start: one x value or a sequence of them (dates when
        ``dates`` are given, else positions counting from 0). Each must be the x value of a
        point; strings and other date forms are turned into timestamps when the dates are
        datetimes. The point at a rebase is the first point of its new rebase group. A rebase
        at the first point is allowed and changes nothing; repeats count once.
    screen_outliers
        Leave moving ranges above 3.267 x the mean moving range out of the mean moving range, so
        that one large jump does not widen the limits. Done once, as in the reference.
    fix_after_n_points
        Optional whole number, at least 12 (the reference's minimum). The mean and limits of each
        rebase group then come from its first ``fix_after_n_points`` points only (their moving
        ranges, screened as usual) and apply to all its points, so that later points are judged
        against the earlier process. A group with no more points than this is not affected.
        Only points with values count.

    Returns
    -------
    pandas.DataFrame
        One row per point, in date order, with columns:

        ``x``
            The date, or the position when no dates were given.
        ``value``
            The value, as a float (NaN for a gap).
        ``moving_range``
            Absolute difference from the previous value in the same rebase group (missing for
            the first point of each group, and to and from a gap). Shown before screening, and
            for every point: a screened-out range, or one after the limits were fixed, still
            appears here.
        ``mean``, ``mean_moving_range``
            Centre line, and the mean moving range the limits come from (after screening), for
            the point's rebase group.
        ``lpl``, ``upl``
            Lower and upper process limits, ``mean`` -/+ 2.66 x ``mean_moving_range``; missing
            when the group has no variation to judge limits from.
        ``no_variation``
            Whether the point's rebase group has no variation to judge limits from: its moving
            ranges are all zero once screened, or it has none (see the module docstring).
        ``outside_limits``, ``shift``, ``trend``, ``two_of_three``
            Whether the point breaks each rule (see the module docstring). A gap breaks none.
        ``special_cause``
            Whether the point breaks any rule.
        ``special_cause_type``
            The one rule shown for the point, chosen in the order of :data:`RULE_PRECEDENCE`;
            missing for common cause points.
        ``relative_to_mean``
            +1 above the mean, -1 below, 0 exactly on it (and for a gap).
        ``point_type``
            One of :data:`POINT_TYPES`. Whether special cause is improvement or concern (or, for
            a neutral measure, high or low) depends on the side of the mean for every rule but
            the trend, where it depends on the direction of the trend, so a falling trend above
            the mean is "low".
        ``rebase_group``
            The point's rebase group, numbered from 0 in date order (all 0 without rebasing).
        ``target``
            The target, or NaN when there is none.

        ``frame.attrs`` records ``improvement``, ``screen_outliers``, ``target`` (a float or
        None) and ``fix_after_n_points`` for :func:`xmr_summary`.

    Raises
    ------
    ValueError
        ``improvement``, ``screen_outliers``, ``target`` or ``fix_after_n_points`` is not one of
        the allowed values; a value is infinite or not a number; ``dates`` is the wrong length
        or has missing or repeated dates; a ``rebase_at`` entry matches no point (the message
        says what the x values look like); there are fewer than 2 values (gaps do not count),
        in all or in a rebase group (the message names the group).
    TypeError
        ``values`` or ``dates`` is not a sequence.

    Warns
    -----
    UnreliableLimitsWarning
        The limits of the chart, or of a rebase group (named in the message), come from fewer
        than 15 values; with ``fix_after_n_points``, only the values that set the limits count.
        The chart is still worked out.

    Notes
    -----
    Comparisons with the mean and limits are exact, as in the reference: a point must be
    strictly above the upper limit to be outside it. The mean is worked out relative to the first
    value of its group, so a constant series has a mean exactly equal to its values (and no
    variation to judge limits from) even when the values, such as 0.1, have no exact binary
    form.

    Examples
    --------
    Fifteen points, 10, 12, 11, 13, 12 three times over: mean 11.6; moving ranges 2, 1, 2, 1
    within each five and 2 between them, so 22 / 14 = 1.571; upper limit 11.6 + 2.66 x 1.571.

    >>> chart = xmr([10, 12, 11, 13, 12] * 3, improvement="increase", target=16)
    >>> float(chart["mean"].iloc[0]), float(round(chart["upl"].iloc[0], 2))
    (11.6, 15.78)
    >>> summary = xmr_summary(chart)
    >>> summary["variation"], summary["assurance"], summary["special_cause_points"]
    ('common_cause', 'consistent_fail', 0)

    The target of 16 is above the upper limit of 15.78, so, with higher being better, the process
    will consistently fail to meet it.

    A series of zeros with a single 1 has moving ranges of 1 into and out of the 1 and 0
    elsewhere; the screen leaves out both 1s (each above 3.267 x 2 / 14), so there is no
    variation to judge limits from and nothing is flagged:

    >>> flat = xmr([0] * 5 + [1] + [0] * 9, improvement="decrease")
    >>> bool(flat["no_variation"].all()), int(flat["special_cause"].sum())
    (True, 0)
    >>> xmr_summary(flat)["variation"]
    'no_variation'
    """
    _check_improvement(improvement)
    _check_screen_outliers(screen_outliers)
    target_value = _check_target(target)
    _check_fix_after_n_points(fix_after_n_points)
    value_series = _as_values(values)
    x = _as_x(dates, len(value_series))

    present_count = int(value_series.notna().sum())
    if present_count < MIN_POINTS:
        gaps = len(value_series) - present_count
        raise ValueError(
            f"values has {present_count} value(s)"
            + (f" and {gaps} gap(s)" if gaps else "")
            + f"; an XmR chart needs at least {MIN_POINTS} values."
        )

    frame = pd.DataFrame({"x": x, "value": value_series})
    if dates is not None:
        frame = frame.sort_values("x", kind="stable", ignore_index=True)

    group = _rebase_groups(frame["x"], rebase_at, dates_given=dates is not None)
    present = frame["value"].notna()
    _check_group_sizes(frame["x"], group, present)
    _warn_if_unreliable(frame["x"], group, present, fix_after_n_points)

    # The rules work on plain arrays: the points are in date order and each rebase group is a
    # run of consecutive points. A gap is NaN: arithmetic with it gives NaN and comparisons
    # False, so it has no moving range, no step of a trend and is beyond no line.
    value = frame["value"].to_numpy(dtype="float64")
    present = present.to_numpy()
    group = group.to_numpy()
    moving_range = _moving_ranges(value, group)
    limits = _limits_by_group(
        value, moving_range, group, present, screen_outliers, fix_after_n_points
    )
    no_variation = limits["no_variation"]

    # A gap is on neither side of the mean, so it ends a run of a shift and a two-of-three
    # window as a point on the mean does.
    side = np.sign(np.where(present, value - limits["mean"], 0.0)).astype("int64")
    beyond_two_thirds = (value > limits["near_upl"]) | (value < limits["near_lpl"])
    trend, trend_direction = _trend(value, group)
    flags = {
        "outside_limits": (value > limits["upl"]) | (value < limits["lpl"]),
        # Without variation the mean is no centre to run either side of (module docstring).
        "shift": _shift(side, group) & ~no_variation,
        "trend": trend,
        "two_of_three": _two_of_three(beyond_two_thirds, side, group),
    }
    rules = [flags[rule] for rule in RULE_PRECEDENCE]
    special_cause = np.logical_or.reduce(rules)
    # The direction of the special cause: the trend's direction for trends, else the side.
    direction = np.select(
        [flags["outside_limits"], flags["trend"], special_cause],
        [side, trend_direction, side],
        default=0,
    )

    index = frame.index
    frame = pd.DataFrame(
        {
            "x": frame["x"],
            "value": frame["value"],
            "moving_range": moving_range,
            **{name: limits[name] for name in ("mean", "mean_moving_range", "lpl", "upl")},
            "no_variation": no_variation,
            **flags,
            "special_cause": special_cause,
            "special_cause_type": pd.Series(
                np.select(rules, RULE_PRECEDENCE, default=None), index=index, dtype="str"
            ),
            "relative_to_mean": side,
            "point_type": pd.Series(
                _point_types(direction, improvement), index=index, dtype="str"
            ),
            "rebase_group": group,
            "target": np.full(len(index), np.nan if target_value is None else target_value),
        },
        index=index,
        columns=list(COLUMNS),
    )
    frame.attrs.update(
        improvement=improvement,
        screen_outliers=bool(screen_outliers),
        target=target_value,
        fix_after_n_points=None if fix_after_n_points is None else int(fix_after_n_points),
    )
    return frame


def xmr_summary(frame: pd.DataFrame, improvement: Improvement | None = None) -> dict[str, Any]:
    """Summarise an XmR chart: its *Making Data Count* icons, a few counts and the latest point.

    The variation icon is judged on the latest point only, as in the reference: a chart whose
    last point is common cause shows ``common_cause`` even if earlier points were special cause.
    Assurance is judged on the limits of the latest point, which are those of the latest rebase
    group, again as in the reference: earlier groups' limits play no part. The latest point is
    the latest that has a value: gaps at the end are passed over.

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
            Neutral measures give ``neutral_high`` or ``neutral_low``. A latest point that is
            common cause in a group with no variation to judge limits from gives
            ``no_variation``.
        ``assurance``
            One of :data:`ASSURANCE_ICONS`, or None when there is no target or the measure is
            neutral. Where higher is better, a target above the upper limit will consistently
            be failed (``consistent_fail``), one below the lower limit consistently met
            (``consistent_pass``), and one between the limits, or exactly on one, sometimes met
            and sometimes not (``inconsistent``). Where lower is better, pass and fail swap.
            With a target but no variation to judge limits from, ``not_judged``.
        ``points``
            Number of points with a value.
        ``periods``
            Number of periods, gaps included.
        ``special_cause_points``
            Number of points breaking any rule.
        ``no_variation``
            Whether the latest point's group has no variation to judge limits from.
        ``x``, ``value``, ``mean``, ``lpl``, ``upl``
            The latest point's x value, value, mean and process limits (floats; the limits are
            NaN with no variation to judge them from).
        ``target``
            The target as a float, or None when there is none. Taken from the ``target`` column,
            or from ``frame.attrs`` when the column is missing.

    Raises
    ------
    ValueError
        The frame has no values, lacks the columns :func:`xmr` makes, or the direction of good
        is unknown or does not fit the point types in the frame.
    """
    needed = ("x", "value", "mean", "lpl", "upl", "point_type", "special_cause")
    missing = [column for column in needed if column not in frame]
    if missing:
        raise ValueError(
            f"frame is missing column(s) {', '.join(missing)}; pass a frame made by xmr()."
        )
    valued = frame.loc[frame["value"].notna()]
    if valued.empty:
        raise ValueError("frame has no points with values to summarise.")
    improvement = improvement if improvement is not None else frame.attrs.get("improvement")
    if improvement is None:
        raise ValueError(
            "improvement is not recorded in frame.attrs; pass improvement= "
            f"(one of {_quoted(IMPROVEMENT_DIRECTIONS)})."
        )
    _check_improvement(improvement)

    latest = valued.sort_values("x", kind="stable").iloc[-1]
    if "target" in frame:
        target = None if pd.isna(latest["target"]) else float(latest["target"])
    else:
        recorded = frame.attrs.get("target")
        target = None if recorded is None else float(recorded)
    lpl, upl = float(latest["lpl"]), float(latest["upl"])
    if "no_variation" in frame:
        no_variation = bool(latest["no_variation"])
    else:  # a frame from an older version, or read back from a file
        no_variation = not (np.isfinite(lpl) and np.isfinite(upl))
    x = latest["x"]
    return {
        "variation": _variation_icon(latest["point_type"], improvement, no_variation),
        "assurance": _assurance_icon(target, lpl, upl, improvement, no_variation),
        "points": len(valued),
        "periods": len(frame),
        "special_cause_points": int(frame["special_cause"].sum()),
        "no_variation": no_variation,
        "x": x.item() if isinstance(x, np.generic) else x,
        "value": float(latest["value"]),
        "mean": float(latest["mean"]),
        "lpl": lpl,
        "upl": upl,
        "target": target,
    }


def shift_in_progress(frame: pd.DataFrame) -> dict[str, Any] | None:
    """The shift the chart's latest point belongs to, if any: a run of :data:`RUN_LENGTH` or
    more points on one side of the mean that is still going.

    Such a run is the pattern a change in the process leaves on a chart whose limits span the
    change: the points since the change sit on one side of a mean worked out from both
    processes. It is a prompt to ask whether the way of working changed then (and, if it did,
    to rebase the chart there), never a reason to rebase by itself.

    The run is read as :func:`xmr` flags a shift: points strictly on one side of their rebase
    group's mean, consecutive, within one rebase group; a gap or a point on the mean ends it,
    and a chart with no variation to judge limits from has no shifts. Gaps after the latest
    point with a value are passed over, as for the icons.

    Parameters
    ----------
    frame
        A frame returned by :func:`xmr`, in date order.

    Returns
    -------
    dict or None
        None when the latest point with a value is not part of a shift. Otherwise ``start``
        (the x value of the run's first point), ``latest`` (its last), ``points`` (how many),
        ``side`` (``"above"`` or ``"below"`` the mean), ``mean`` (the mean the run is judged
        against) and ``rebase_group`` (the group it lies in).

    Examples
    --------
    Eight points around 10, then seven points around 4: the last seven are below the mean of
    all fifteen (109 / 15 = 7.27), so a shift is in progress from position 8.

    >>> run = shift_in_progress(xmr([10, 11, 9, 10, 11, 9, 10, 11, 4, 5, 3, 4, 5, 3, 4]))
    >>> run["start"], run["points"], run["side"]
    (8, 7, 'below')
    """
    needed = ("x", "value", "mean", "shift", "relative_to_mean")
    missing = [column for column in needed if column not in frame]
    if missing:
        raise ValueError(
            f"frame is missing column(s) {', '.join(missing)}; pass a frame made by xmr()."
        )
    valued = np.flatnonzero(frame["value"].notna().to_numpy())
    if not len(valued):
        return None
    last = int(valued[-1])
    if not bool(frame["shift"].iloc[last]):
        return None
    side = int(frame["relative_to_mean"].iloc[last])
    groups = (
        frame["rebase_group"].to_numpy() if "rebase_group" in frame else np.zeros(len(frame), dtype=int)
    )
    present = frame["value"].notna().to_numpy()
    sides = frame["relative_to_mean"].to_numpy()
    first = last
    while (
        first > 0
        and present[first - 1]
        and sides[first - 1] == side
        and groups[first - 1] == groups[last]
    ):
        first -= 1
    start = frame["x"].iloc[first]
    latest = frame["x"].iloc[last]
    return {
        "start": start.item() if isinstance(start, np.generic) else start,
        "latest": latest.item() if isinstance(latest, np.generic) else latest,
        "points": last - first + 1,
        "side": "above" if side > 0 else "below",
        "mean": float(frame["mean"].iloc[last]),
        "rebase_group": int(groups[last]),
    }


def xmr_by(
    frame: pd.DataFrame,
    group: str,
    value: str,
    date: str,
    improvement: Improvement = "increase",
    target: float | Mapping[Any, float] | None = None,
    rebase_at: Any = None,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`xmr` for each group of a long frame (one row per group and date).

    Parameters
    ----------
    frame
        One row per group and date.
    group, value, date
        Column names: the grouping, the measure and the dates.
    improvement, screen_outliers, fix_after_n_points
        As for :func:`xmr` (``improvement`` defaults to ``"increase"`` there too), the same for
        every group.
    target, rebase_at
        As for :func:`xmr`, the same for every group; or a dict from group name to the group's
        own target or rebase points (groups left out have none), as the reference allows with
        named lists. A dict naming a group that is not in the frame is an error, and so, as in
        :func:`xmr`, is a rebase point that a group has no point at (the reference skips it).

    Returns
    -------
    dict
        The chart of each group, keyed by the group name as a string, in the frame's order of
        groups. Groups with fewer than two values (gaps, missing values, do not count) are left
        out: they cannot be charted.
    """
    grouped = frame.groupby(group, sort=False, observed=True)
    names = [str(name) for name in grouped.groups]
    per_group_target = _per_group(target, "target", names)
    per_group_rebase = _per_group(rebase_at, "rebase_at", names)
    series = {}
    for name, rows in grouped:
        key = str(name)
        if int(rows[value].notna().sum()) >= MIN_POINTS:
            series[key] = xmr(
                rows[value],
                dates=rows[date],
                improvement=improvement,
                target=per_group_target(key),
                rebase_at=per_group_rebase(key),
                screen_outliers=screen_outliers,
                fix_after_n_points=fix_after_n_points,
            )
    return series


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


def _shown(value: Any) -> str:
    """An x value as people write it: a midnight timestamp as its date, else its repr."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def _check_improvement(improvement: object) -> None:
    if not isinstance(improvement, str) or improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(
            f"improvement must be one of {_quoted(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}."
        )


def _check_screen_outliers(screen_outliers: object) -> None:
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ValueError(f"screen_outliers must be True or False, not {screen_outliers!r}.")


def _check_target(target: object) -> float | None:
    """The target as a float (None for none), or ValueError unless it is one finite number."""
    if target is None:
        return None
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, numbers.Real):
        raise ValueError(f"target must be a single number or None, not {target!r}.")
    if not np.isfinite(float(target)):
        raise ValueError(f"target must be a finite number, not {target!r}.")
    return float(target)


def _check_fix_after_n_points(fix_after_n_points: object) -> None:
    if fix_after_n_points is None:
        return
    if (
        isinstance(fix_after_n_points, (bool, np.bool_))
        or not isinstance(fix_after_n_points, numbers.Integral)
        or fix_after_n_points < MIN_FIXED_POINTS
    ):
        raise ValueError(
            f"fix_after_n_points must be None or a whole number of at least {MIN_FIXED_POINTS} "
            f"(the fewest points the reference fixes limits after), not {fix_after_n_points!r}."
        )


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
    """The values as floats (NaN for a gap), or ValueError naming the positions of anything
    unusable."""
    raw = _as_series(values, "values")
    if pd.api.types.is_bool_dtype(raw) or not (
        pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_object_dtype(raw)
    ):
        raise ValueError(f"values must be numbers, not {raw.dtype} data.")
    numbers_ = pd.to_numeric(raw, errors="coerce") if raw.dtype == object else raw
    not_numbers = raw.notna() & numbers_.isna()
    if not_numbers.any():
        raise ValueError(f"values must be numbers: not a number at {_positions(not_numbers)}.")
    # Missing values (None, NaN, pd.NA) are gaps, kept as NaN.
    numbers_ = numbers_.astype("float64")
    if np.isinf(numbers_).any():
        raise ValueError(f"values has an infinite value at {_positions(np.isinf(numbers_))}.")
    return numbers_.rename("value")


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


def _per_group(option: Any, name: str, groups: list[str]) -> Any:
    """For :func:`xmr_by`: a function from group name to that group's ``option``.

    A dict gives each named group its own setting (None for the rest); anything else applies to
    every group.
    """
    if not isinstance(option, Mapping):
        return lambda group: option
    chosen = {str(key): setting for key, setting in option.items()}
    unknown = sorted(set(chosen) - set(groups))
    if unknown:
        raise ValueError(
            f"{name} names group(s) not in the frame: {', '.join(map(repr, unknown))}."
        )
    return chosen.get


# --------------------------------------------------------------------------------------------
# Rebase groups
# --------------------------------------------------------------------------------------------


def _rebase_items(rebase_at: object) -> list[Any]:
    """``rebase_at`` as a list of x values: None is none, a single value is a list of one."""
    if rebase_at is None:
        return []
    if isinstance(rebase_at, Mapping):
        raise ValueError(
            "rebase_at must be an x value or a sequence of them, not a dict (a dict of rebase "
            "points by group is for xmr_by)."
        )
    if isinstance(rebase_at, (str, bytes)) or np.ndim(rebase_at) == 0:
        return [rebase_at]
    return list(rebase_at)


def _describe_x(x: pd.Series, dates_given: bool) -> str:
    """What the x values look like, for an error message."""
    if not dates_given:
        return f"positions 0 to {len(x) - 1}, counting from 0, as no dates were given"
    kind = "dates" if pd.api.types.is_datetime64_any_dtype(x) else f"{x.dtype} labels"
    return f"the {kind} given, from {_shown(x.iloc[0])} to {_shown(x.iloc[-1])}"


def _rebase_groups(x: pd.Series, rebase_at: object, dates_given: bool) -> pd.Series:
    """The rebase group of each point (x in order), numbered from 0.

    Every ``rebase_at`` value must match an x value exactly; a rebase at the first point changes
    nothing.
    """
    items = _rebase_items(rebase_at)
    wanted = []
    for item in items:
        if isinstance(item, (bool, np.bool_)) or item is None or (
            not isinstance(item, str) and np.ndim(item) == 0 and pd.isna(item)
        ):
            raise ValueError(f"rebase_at has {item!r}, which is not an x value.")
        if pd.api.types.is_datetime64_any_dtype(x):
            try:
                item = pd.Timestamp(item)
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"rebase_at has {item!r}, which is not a date; the x values are "
                    f"{_describe_x(x, dates_given)}."
                ) from error
        wanted.append(item)

    unmatched = []
    for item in wanted:
        try:
            found = bool(x.isin([item]).any())
        except (TypeError, ValueError):
            found = False
        if not found:
            unmatched.append(item)
    if unmatched:
        raise ValueError(
            f"rebase_at must match points exactly, but {', '.join(_shown(v) for v in unmatched)} "
            f"{'matches' if len(unmatched) == 1 else 'match'} no point; the x values are "
            f"{_describe_x(x, dates_given)}."
        )

    starts = x.isin(wanted) if wanted else pd.Series(False, index=x.index)
    starts.iloc[0] = False  # a rebase at the first point starts nothing new
    return starts.cumsum().astype("int64").rename("rebase_group")


def _group_name(x: pd.Series, group: pd.Series, label: int, rebased: bool) -> str:
    """How a message names a rebase group ("rebase group 1 (from 2024-03-04)") or the chart."""
    if not rebased:
        return "the chart"
    first = x[group.eq(label)].iloc[0]
    return f"rebase group {label} (from x = {_shown(first)})"


def _values_per_group(group: pd.Series, present: pd.Series) -> pd.Series:
    """How many points with values each rebase group has, by group number."""
    labels = pd.Index(sorted(group.unique()))
    return group[present.to_numpy()].value_counts(sort=False).reindex(labels, fill_value=0)


def _check_group_sizes(x: pd.Series, group: pd.Series, present: pd.Series) -> None:
    sizes = _values_per_group(group, present)
    for label, size in sizes.items():
        if size < MIN_POINTS:
            raise ValueError(
                f"{_group_name(x, group, label, True)} has {size} "
                f"{'value' if size == 1 else 'values'}; each rebase group needs at least "
                f"{MIN_POINTS} values (gaps do not count) for its limits. Check rebase_at."
            )


def _warn_if_unreliable(
    x: pd.Series, group: pd.Series, present: pd.Series, fix_after_n_points: int | None
) -> None:
    """Warn when any group's limits come from fewer than :data:`MIN_RELIABLE_POINTS` values.

    With ``fix_after_n_points`` only the values that set the limits count.
    """
    sizes = _values_per_group(group, present)
    rebased = len(sizes) > 1
    short = []
    for label, size in sizes.items():
        used = size if fix_after_n_points is None else min(size, int(fix_after_n_points))
        if used >= MIN_RELIABLE_POINTS:
            continue
        fixed = used < size
        if not rebased:
            short.append(
                f"only {used} points set the limits (fix_after_n_points={fix_after_n_points})"
                if fixed
                else f"only {used} points"
            )
        else:
            short.append(
                f"{_group_name(x, group, label, rebased)} has "
                + (f"{used} points setting its limits" if fixed else f"{used} points")
            )
    if short:
        warnings.warn(
            f"Process limits are unreliable with fewer than {MIN_RELIABLE_POINTS} points: "
            f"{'; '.join(short)}. Treat special cause flags as provisional.",
            UnreliableLimitsWarning,
            stacklevel=3,
        )


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------
# The helpers below take NumPy arrays with one element per point, in date order, and the rebase
# group of each point (equal groups are consecutive).


def _moving_ranges(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Absolute difference from the previous point in the same rebase group (NaN for the first
    point of each group)."""
    return np.abs(values - _within(values, group, 1, np.nan))


def _process_limits(
    values: np.ndarray, moving_ranges: np.ndarray, screen_outliers: bool
) -> ProcessLimits:
    """Mean, mean moving range and limits from the given points (and their moving ranges);
    gaps (NaN) are left out of both.

    Screening drops moving ranges *above* 3.267 x their mean. The reference keeps only ranges
    *below* it, which also drops a range exactly on the threshold; the two agree except in that
    tie, and in a constant series, where every range is 0 and the reference is left with no
    ranges. Either way, when no range above 0 is left (or there was no range at all), there is
    no variation to judge limits from, and the limits are NaN (see the module docstring).
    """
    values = values[~np.isnan(values)]
    # Relative to the first value: exact for a constant series, and no less accurate otherwise.
    origin = values[0]
    mean = float(origin + np.mean(values - origin))

    ranges = moving_ranges[~np.isnan(moving_ranges)]
    mean_moving_range = float(np.mean(ranges)) if ranges.size else 0.0
    if screen_outliers and ranges.size:
        mean_moving_range = float(np.mean(ranges[ranges <= SCREENING_FACTOR * mean_moving_range]))

    if mean_moving_range == 0:
        nan = float("nan")
        return ProcessLimits(
            mean=mean, mean_moving_range=0.0, lpl=nan, upl=nan, near_lpl=nan, near_upl=nan,
            no_variation=True,
        )
    spread = LIMIT_FACTOR * mean_moving_range
    near = NEAR_LIMIT_FRACTION * spread
    return ProcessLimits(
        mean=mean,
        mean_moving_range=mean_moving_range,
        lpl=mean - spread,
        upl=mean + spread,
        near_lpl=mean - near,
        near_upl=mean + near,
        no_variation=False,
    )


def _limits_by_group(
    values: np.ndarray,
    moving_ranges: np.ndarray,
    group: np.ndarray,
    present: np.ndarray,
    screen_outliers: bool,
    fix_after_n_points: int | None,
) -> dict[str, np.ndarray]:
    """For each field of :class:`ProcessLimits`, an array holding each point's group's value.

    Each group's limits come from its first ``fix_after_n_points`` points with values (all of
    them when None), and the gaps among them. The moving range of a group's first point is
    missing, so those of its first *n* points are exactly the ranges between them.
    """
    fields = list(ProcessLimits.__dataclass_fields__)
    columns = {
        name: np.empty(len(values), dtype=bool if name == "no_variation" else "float64")
        for name in fields
    }
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends):
        last = end
        if fix_after_n_points is not None:
            valued = np.flatnonzero(present[start:end])
            if len(valued) > fix_after_n_points:
                last = start + int(valued[fix_after_n_points - 1]) + 1
        setting = slice(start, last)
        limits = _process_limits(values[setting], moving_ranges[setting], screen_outliers)
        for name in fields:
            columns[name][start:end] = getattr(limits, name)
    return columns


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _run_lengths(keys: np.ndarray, group: np.ndarray) -> np.ndarray:
    """How long the run of equal consecutive ``keys`` (within one rebase group) each element is
    in.

    NaN keys never equal anything, so each is a run of its own.
    """
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = (keys[1:] != keys[:-1]) | (group[1:] != group[:-1])
    run = np.cumsum(starts)
    return np.bincount(run)[run]


def _shift(side: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Points in a run of 7 or more all above, or all below, the mean.

    ``side`` is +1, -1 or 0; a point on the mean (0) is on neither side, so it ends a run and
    is never part of a shift, as in the reference.
    """
    return (side != 0) & (_run_lengths(side, group) >= RUN_LENGTH)


def _trend(values: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in a run of 7 or more each strictly higher, or each strictly lower, than the last.

    Seven points make six steps, so a trend is six or more steps in a row in the same
    direction; a step of zero (two equal values) breaks it. This counts as the reference does
    (its tests flag ``1:7`` but not ``1:6``).

    Returns the flags and, for each flagged point, the trend's direction (+1 rising, -1
    falling; 0 elsewhere). A point that ends one trend and starts the next (the peak between a
    rise and a fall) takes the direction of the later trend, as in the reference.
    """
    step = np.sign(values - _within(values, group, 1, np.nan))  # step into each point; NaN first
    long_run = _run_lengths(step, group) >= RUN_LENGTH - 1
    rising_in = (step == 1) & long_run
    falling_in = (step == -1) & long_run
    rising_out = _within(rising_in, group, -1, False)
    falling_out = _within(falling_in, group, -1, False)

    flagged = rising_in | falling_in | rising_out | falling_out
    direction = np.select(
        [rising_out, falling_out, rising_in, falling_in], [1, -1, 1, -1], default=0
    )
    return flagged, direction


def _two_of_three(beyond: np.ndarray, side: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Points beyond two-thirds of the way to a limit, with another such point close by.

    A window is three consecutive points (in one rebase group) all on the same side of the
    mean, at least two of them beyond two-thirds of the way from the mean to the limit on that
    side. A point is flagged when it is beyond two-thirds *and* in such a window: the third
    point of a window is not flagged unless it qualifies itself, as in the reference.

    Points beyond the limit itself count, as *Making Data Count* has done since 2023; the
    reference still counts only points between two-thirds and the limit (NHSRplotthedots issues
    153 and 194). The difference only shows when a point outside the limits is next to one in
    the outer third.
    """
    same_side = (
        (side != 0)
        & (side == _within(side, group, 1, 0))
        & (side == _within(side, group, 2, 0))
    )
    beyond_count = (
        beyond.astype("int64")
        + _within(beyond, group, 1, False).astype("int64")
        + _within(beyond, group, 2, False).astype("int64")
    )
    window_ends = same_side & (beyond_count >= 2)  # the window of this point and the two before
    in_window = (
        window_ends
        | _within(window_ends, group, -1, False)
        | _within(window_ends, group, -2, False)
    )
    return beyond & in_window


def _within(values: np.ndarray, group: np.ndarray, lag: int, fill: Any) -> np.ndarray:
    """``values`` shifted by ``lag`` points, with ``fill`` where that would cross into another
    rebase group (or off either end).

    A positive ``lag`` looks back (the value ``lag`` points earlier), a negative one forward.
    """
    shifted = np.full(len(values), fill, dtype=values.dtype)
    size = abs(lag)
    if size >= len(values):
        return shifted
    if lag > 0:
        keep = group[lag:] == group[:-lag]
        shifted[lag:] = np.where(keep, values[:-lag], fill)
    elif lag < 0:
        keep = group[:-size] == group[size:]
        shifted[:-size] = np.where(keep, values[size:], fill)
    else:
        shifted[:] = values
    return shifted


# --------------------------------------------------------------------------------------------
# Point types and icons
# --------------------------------------------------------------------------------------------


def _point_types(direction: np.ndarray, improvement: str) -> np.ndarray:
    """Name each point's variation from the direction of its special cause (0 for none)."""
    if improvement == "neutral":
        names = ["special_cause_neutral_high", "special_cause_neutral_low"]
        oriented = direction
    else:
        names = ["special_cause_improvement", "special_cause_concern"]
        oriented = direction * _DIRECTION_SIGN[improvement]
    return np.select([oriented > 0, oriented < 0], names, default="common_cause")


def _variation_icon(point_type: str, improvement: str, no_variation: bool = False) -> str:
    """The *Making Data Count* variation icon for a chart whose latest point is ``point_type``;
    ``no_variation`` when that point is common cause in a group with no variation to judge
    limits from."""
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
    if point_type == "common_cause" and no_variation:
        return "no_variation"
    return icons[point_type]


def _assurance_icon(
    target: float | None, lpl: float, upl: float, improvement: str, no_variation: bool = False
) -> str | None:
    """The *Making Data Count* assurance icon for a target against the latest limits.

    The comparisons are strict, as in the reference: a target exactly on a limit is within
    reach of common cause variation, so ``inconsistent``. Without limits (no variation to
    judge them from) a target cannot be judged: ``not_judged``.
    """
    if target is None or improvement == "neutral":
        return None
    if no_variation:
        return "not_judged"
    good_is_high = improvement == "increase"
    if target > upl:  # above every value the process is expected to give
        return "consistent_fail" if good_is_high else "consistent_pass"
    if target < lpl:  # below every value the process is expected to give
        return "consistent_pass" if good_is_high else "consistent_fail"
    return "inconsistent"
