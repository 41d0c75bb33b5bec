"""Time to close: how long cases take from opening to closure, counting the cases still open.

A case still open has not finished, so its days so far are not its end-to-end time; leaving it out
makes cases look quicker than they are (the long ones are the ones still open), and counting its
days so far as if it had closed does the same. The right tool for durations some of which are not
over yet ("censored") is the Kaplan–Meier estimate of the share of cases still open after each
number of days since opening: at each day on which cases closed, the share still open falls by
the fraction of the cases open until then that closed that day. A case still open counts among
those open until the date of the data, and then drops out without closing.

- :func:`case_durations`: each case's days and whether they end in a closure.
- :func:`kaplan_meier`: the estimate, from :func:`scipy.stats.ecdf` on
  :class:`scipy.stats.CensoredData`, with the cases still open (at risk) at each step.
- :func:`km_median`: the median days to close, worked out on whole arrays of resampled cases at
  once for the bootstrap; the same figure as the estimate gives.
- :func:`time_to_close`: the curve and the summary of each cohort, for a chart and a sentence.

The **median days to close** is the first number of days by which at least half the cases had
closed (the share still open is 50% or less), as most survival software gives it. When more than
half the cases are still open at the end of the data, there is no median yet (NaN).

The **date of the data** (``as_at``) is the latest date the files hold (an activity, an opening or
a closing), unless given: a case with no closing date was still open then.

Nothing here reads files, draws or decides what a report may show; :func:`time_to_close` only
marks, with ``min_at_risk``, the steps that rest on fewer cases than a report may show.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import CensoredData, ecdf

from workbook_helpers.exceptions import ParameterError

__all__ = [
    "case_durations",
    "data_as_at",
    "kaplan_meier",
    "drawable",
    "km_median",
    "time_to_close",
]

_DAY = pd.Timedelta(days=1)
# A share computed as a product of fractions can land a rounding error above one half
# (15/30 as 0.5000000000000001); the median step is the one at or below 0.5 within this.
_HALF = 0.5 + 1e-9


def data_as_at(measures: pd.DataFrame) -> pd.Timestamp:
    """The latest date in a :func:`workbook_helpers.measures.cases.case_measures` table: its last
    activity, opening or closing. A case still open was open on that day."""
    columns = [c for c in ("end", "last_event", "start") if c in measures.columns]
    if not columns or measures.empty:
        raise ParameterError("data_as_at: the table has no cases with dates (start, end, last_event).")
    latest = max(pd.Timestamp(measures[c].max()) for c in columns)
    if pd.isna(latest):
        raise ParameterError("data_as_at: no case in the table has a date.")
    return latest


def case_durations(measures: pd.DataFrame, as_at: object = None) -> pd.DataFrame:
    """Each case's days, as time to close needs them.

    Parameters
    ----------
    measures:
        One row per case as :func:`workbook_helpers.measures.cases.case_measures` returns it (``start``,
        ``end``, ``end_to_end_days``, ``open``).
    as_at:
        The date of the data (a date or text such as ``"2024-12-02"``); None: the latest date
        in ``measures`` (:func:`data_as_at`).

    Returns
    -------
    DataFrame
        Indexed like ``measures``: ``days`` (float: a closed case's end-to-end days; an open
        case's whole days from its start to ``as_at``, never fewer than its days to its last
        activity) and ``closed`` (bool: the days end in a closure; False for a case still open).
    """
    missing = [c for c in ("start", "end_to_end_days", "open") if c not in measures.columns]
    if missing:
        raise ParameterError(
            f"case_durations: the table has no column {', '.join(repr(m) for m in missing)}; "
            "expected the columns case_measures returns."
        )
    as_at = data_as_at(measures) if as_at is None else pd.Timestamp(as_at)
    is_open = measures["open"].to_numpy(dtype=bool)
    days = measures["end_to_end_days"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    so_far = ((as_at - pd.to_datetime(measures["start"])) // _DAY).astype("float64").to_numpy()
    days = np.where(is_open, np.fmax(so_far, days), days)
    return pd.DataFrame({"days": days, "closed": ~is_open}, index=measures.index)


def _checked(days, closed) -> tuple[np.ndarray, np.ndarray]:
    days = np.asarray(days, dtype=np.float64)
    closed = np.asarray(closed, dtype=bool)
    if days.shape != closed.shape:
        raise ParameterError(
            f"time to close: days and closed should match, not shapes {days.shape} and {closed.shape}."
        )
    if (days < 0).any():
        raise ParameterError("time to close: days below zero (a case that closed before it opened).")
    return days, closed


def kaplan_meier(days, closed) -> pd.DataFrame:
    """The Kaplan–Meier estimate of the share of cases still open by days since opening.

    Parameters
    ----------
    days, closed:
        Each case's days and whether they end in a closure (False: still open after that many
        days). Cases whose days are not known (NaN) are left out.

    Returns
    -------
    DataFrame
        One row per number of days on which a case closed or was last seen open, in order, with
        ``days``, ``still_open`` (the estimated share still open after that day, 0 to 1),
        ``at_risk`` (cases open at the start of that day, the step rests on them), ``closed``
        (cases that closed that day) and ``left_open`` (cases last seen open that day). Empty
        when no case has known days.
    """
    days, closed = _checked(days, closed)
    known = ~np.isnan(days)
    days, closed = days[known], closed[known]
    columns = ["days", "still_open", "at_risk", "closed", "left_open"]
    if not len(days):
        return pd.DataFrame(columns=columns)
    if closed.any():
        estimate = ecdf(CensoredData(uncensored=days[closed], right=days[~closed])).sf
        times, shares = estimate.quantiles, estimate.probabilities
    else:  # nobody has closed: nothing to estimate, every case is still open
        times, shares = np.unique(days), np.ones(len(np.unique(days)))
    # scipy's steps are at the distinct days seen; count what happened on each.
    steps = pd.DataFrame({"days": times, "still_open": shares})
    seen = pd.DataFrame({"days": days, "closed": closed.astype(np.int64), "left_open": (~closed).astype(np.int64)})
    counts = seen.groupby("days")[["closed", "left_open"]].sum()
    steps = steps.join(counts, on="days").fillna({"closed": 0, "left_open": 0})
    steps["at_risk"] = [int((days >= t).sum()) for t in steps["days"]]
    steps = steps.astype({"closed": "int64", "left_open": "int64", "at_risk": "int64"})
    return steps[columns].reset_index(drop=True)


def km_median(days, closed) -> np.ndarray | float:
    """The median days to close (Kaplan–Meier) of the cases along the last axis.

    Works on whole arrays at once (``days`` and ``closed`` of shape ``(..., n)``: the
    bootstrap's resamples), giving one median per row; NaN where more than half are still open
    at the end, or where there are no cases. The same figure as :func:`kaplan_meier` gives: the
    first day whose share still open is 50% or less.
    """
    days, closed = _checked(days, closed)
    n = days.shape[-1]
    if n == 0:
        return np.full(days.shape[:-1], np.nan) if days.ndim > 1 else math.nan
    # Journey order: by days, and on the same day closures before cases last seen open (a case
    # seen open on a day was still open, so at risk, when that day's closures happened).
    order = np.lexsort((~closed, days), axis=-1)
    times = np.take_along_axis(days, order, axis=-1)
    ends = np.take_along_axis(closed, order, axis=-1)
    at_risk = n - np.arange(n)
    # Taking tied closures one at a time gives the same product as taking them together.
    still_open = np.cumprod(np.where(ends, (at_risk - 1) / at_risk, 1.0), axis=-1)
    reached = still_open <= _HALF
    first = np.argmax(reached, axis=-1)
    median = np.take_along_axis(times, first[..., None], axis=-1)[..., 0]
    median = np.where(reached.any(axis=-1), median, np.nan)
    return float(median) if median.ndim == 0 else median


def time_to_close(
    durations: pd.DataFrame, groups: pd.Series | None = None, order: list[str] | None = None,
    min_at_risk: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Kaplan–Meier curve and summary of each group (cohort), for a chart and its sentence.

    Parameters
    ----------
    durations:
        As :func:`case_durations` returns it: ``days`` and ``closed``.
    groups:
        Each case's group (aligned with ``durations``); None: one group, ``"all cases"``.
    order:
        The groups to give, in this order (default: those present, sorted).
    min_at_risk:
        Steps resting on fewer cases still open than this are marked ``shown = False`` (a
        report for sharing draws a curve only where at least ``suppress_below`` cases remain);
        0 marks every step shown.

    Returns
    -------
    (curve, summary)
        ``curve``: one row per group and step, the curve drawn from day 0: ``group``, ``days``,
        ``still_open`` (share), ``at_risk``, ``closed``, ``left_open``, ``shown`` (bool: at
        least ``min_at_risk`` cases at risk at this step and every earlier one).
        ``summary``: one row per group: ``group``, ``cases``, ``closed``, ``still_open`` (cases
        still open at the end of the data), ``median_days`` (NaN: not reached),
        ``median_at_risk`` (cases at risk at the median's step; 0 when none) and
        ``median_shown`` (the median's step is a shown one).
    """
    if groups is None:
        groups = pd.Series("all cases", index=durations.index)
    names = groups.astype("object").where(groups.notna(), None).map(lambda v: None if v is None else str(v))
    present = sorted({n for n in names if n is not None})
    chosen = [str(g) for g in order] if order is not None else present
    curves, rows = [], []
    for name in chosen:
        mine = (names == name).to_numpy()
        days = durations["days"].to_numpy(dtype=np.float64)[mine]
        closed = durations["closed"].to_numpy(dtype=bool)[mine]
        known = ~np.isnan(days)
        steps = kaplan_meier(days, closed)
        # Every curve starts with all its cases open on day 0 (a step on day 0 itself, for cases
        # closed the day they opened, then drops from there).
        start = pd.DataFrame({"days": [0.0], "still_open": [1.0], "at_risk": [int(known.sum())],
                              "closed": [0], "left_open": [0]})
        curve = pd.concat([start, steps], ignore_index=True) if len(steps) else start
        curve["shown"] = np.minimum.accumulate((curve["at_risk"] >= min_at_risk).to_numpy())
        curve.insert(0, "group", name)
        curves.append(curve)
        median = km_median(days[known], closed[known])
        at_median = 0
        median_shown = False
        if not math.isnan(median):
            step = curve[curve["days"] == median].iloc[-1]
            at_median, median_shown = int(step["at_risk"]), bool(step["shown"])
        rows.append({
            "group": name, "cases": int(known.sum()), "closed": int(closed[known].sum()),
            "still_open": int((~closed[known]).sum()), "median_days": median,
            "median_at_risk": at_median, "median_shown": median_shown,
        })
    curve = (pd.concat(curves, ignore_index=True) if curves else
             pd.DataFrame(columns=["group", "days", "still_open", "at_risk", "closed", "left_open", "shown"]))
    summary = pd.DataFrame(rows, columns=["group", "cases", "closed", "still_open", "median_days",
                                          "median_at_risk", "median_shown"])
    return curve, summary


def drawable(curve: pd.DataFrame, summary: pd.DataFrame, each_case: bool) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """What a time-to-close chart may draw, from :func:`time_to_close`'s (curve, summary).

    Returns (line, marks, medians): ``line`` the shown steps (``group``, ``days``,
    ``still_open``, and ``at_risk`` when ``each_case``); ``marks`` where cases still open were
    last seen (``group``, ``days``, ``still_open``, ``left_open``; a case's own days, so None
    unless ``each_case``); ``medians`` the medians on a shown step (``group``, ``median_days``).
    ``each_case`` is True for a report that may show each case (internal), False for one that
    may be shared."""
    drawn = curve[curve["shown"].to_numpy(dtype=bool)]
    line = drawn[["group", "days", "still_open"] + (["at_risk"] if each_case else [])].reset_index(drop=True)
    marks = None
    if each_case:
        marks = drawn[drawn["left_open"] > 0][["group", "days", "still_open", "left_open"]].reset_index(drop=True)
    known = summary["median_days"].notna().to_numpy().copy()
    if not each_case:
        known &= summary["median_shown"].to_numpy(dtype=bool)
    medians = summary[known][["group", "median_days"]].reset_index(drop=True)
    return line, marks, medians
