"""XmR charts in words: their text alternatives (what a screen reader reads, printed under
the chart), and how a point's x value and the annotations are written."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.present import icons
from workbook_helpers.spc import xmr as spc
from workbook_helpers.formatting import fmt_date, is_finite, join_words


def checked_unit(unit: str | None, percent: bool = False) -> str:
    if unit is None:
        return "share" if percent else "count"
    if unit not in icons.UNITS:
        raise ValueError(f"unit must be one of {', '.join(map(repr, icons.UNITS))}, not {unit!r}.")
    return unit


def is_monthly(dates: pd.Series) -> bool:
    """Whether dates stand for months (each the first of a month, or each the last, and at
    least 28 days apart): shown as "Apr 2024"."""
    dates = dates.dropna()
    if len(dates) < 2 or not (bool(dates.dt.is_month_start.all()) or bool(dates.dt.is_month_end.all())):
        return False
    return bool(dates.sort_values().diff().dropna().min() >= pd.Timedelta(days=28))


def x_words(x: object, temporal: bool, short: bool = False, monthly: bool | None = None) -> str:
    """A point's x value in words: "Feb 2025" (short) or "February 2025" for a month, else a
    date ("3 Mar 2025" or "3 March 2025"); a position as it is."""
    if not temporal:
        return str(x)
    stamp = pd.Timestamp(x)
    month_end_or_start = stamp.is_month_end or stamp.is_month_start
    if monthly if monthly is not None else month_end_or_start:
        return f"{stamp:%b %Y}" if short else f"{stamp:%B %Y}"
    return f"{stamp.day} {stamp:%b %Y}" if short else fmt_date(stamp)


def _annotations_list(annotations: object) -> list:
    """``annotations`` as a list of objects with ``date`` and ``text`` (a
    :class:`~workbook_helpers.spc.process_changes.Annotation`, or a mapping of date to text)."""
    if annotations is None:
        return []
    if isinstance(annotations, dict):
        from workbook_helpers.spc.process_changes import Annotation

        return [Annotation(pd.Timestamp(date), str(text)) for date, text in annotations.items()]
    return list(annotations)


def annotations_on(annotations: object, x: pd.Series) -> list:
    """The annotations that fall on a chart whose points are at ``x``: from one period (the
    usual gap between points) before the first point to the last point. Others are left off,
    rather than stretching the time axis; the report's notes say which."""
    items = _annotations_list(annotations)
    dates = pd.to_datetime(x.dropna()) if pd.api.types.is_datetime64_any_dtype(x) else None
    if not items or dates is None or dates.empty:
        return []
    ordered = dates.sort_values()
    step = ordered.diff().median() if len(ordered) > 1 else pd.Timedelta(days=7)
    low, high = ordered.iloc[0] - step, ordered.iloc[-1]
    return [item for item in items if low <= pd.Timestamp(item.date) <= high]


# --------------------------------------------------------------------------------------------
# Words


def describe_rebase(points: pd.DataFrame, unit: str = "count", x_title: str = "Month") -> str:
    """A sentence naming where a rebased chart's limits start afresh and each stretch's
    average and limits, or "" when it is not rebased. For example: "Limits are worked out
    afresh from February 2025 (rebased), where the way of working changed: up to January
    2025 the average was 65 (limits 39 to 90); from February 2025 it is 42 (limits 20 to 65)."

    ``points`` is :func:`workbook_helpers.spc.xmr.xmr` output; ``unit`` how values are written;
    ``x_title`` the time axis's title, which says how a period is named ("Month", "Week
    ending", "Week beginning").
    """
    if "rebase_group" not in points or points["rebase_group"].max() <= 0:
        return ""
    unit = checked_unit(unit)
    fmt = lambda v: icons.fmt_measure(v, unit)  # noqa: E731
    frame = points.sort_values("x", kind="stable").reset_index(drop=True)
    temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
    monthly = temporal and (x_title.lower().startswith("month") or is_monthly(frame["x"]))
    week = x_title.lower().startswith("week")

    def when(x: object) -> str:
        if temporal and week and not monthly:
            return f"the {x_title.lower()} {fmt_date(x)}"
        return x_words(x, temporal, monthly=monthly)

    stretches = []
    groups = list(frame.groupby("rebase_group", sort=True))
    for number, (_, rows) in enumerate(groups):
        first, last = rows["x"].iloc[0], rows["x"].iloc[-1]
        span = f"up to {when(last)}" if number == 0 else f"from {when(first)}"
        mean = rows["mean"].iloc[0]
        if bool(rows["no_variation"].iloc[0]) if "no_variation" in rows else False:
            limits = "no variation to judge limits from"
        else:
            lower = rows["lpl"].iloc[0] if unit == "pounds" else max(rows["lpl"].iloc[0], 0)
            limits = f"limits {fmt(lower)} to {fmt(rows['upl'].iloc[0])}"
        verb = "was" if number < len(groups) - 1 else "is"
        stretches.append(f"{span} the average {verb} {fmt(mean)} ({limits})")
    starts = [when(rows["x"].iloc[0]) for _, rows in groups[1:]]
    return (
        f"Limits are worked out afresh from {join_words(starts)} (rebased), where the way of "
        f"working changed: {'; '.join(stretches)}."
    )


def describe_annotations(annotations: object) -> str:
    """A sentence listing the annotations drawn on a chart ("Marked on the chart: 6 January
    2025, “New way of allocating work”."), or "" when there are none."""
    items = sorted(_annotations_list(annotations), key=lambda a: pd.Timestamp(a.date))
    if not items:
        return ""
    return "Marked on the chart: " + "; ".join(
        f"{fmt_date(item.date)}, \u201c{item.text}\u201d" for item in items
    ) + "."


def with_changes(
    description: str, points: pd.DataFrame, unit: str, x_title: str, annotations: object,
) -> str:
    """``description`` with the rebase and annotation sentences added, unless it says them."""
    drawn = annotations_on(annotations, points["x"]) if "x" in points else []
    for sentence in (describe_rebase(points, unit, x_title), describe_annotations(drawn)):
        if sentence and sentence not in description:
            description = f"{description.rstrip()} {sentence}".strip()
    return description


def describe_xmr(
    points: pd.DataFrame, measure: str, percent: bool = False, unit: str = "week",
    value_unit: str | None = None,
) -> str:
    """One sentence on what an XmR chart shows, for its text alternative; ``unit`` names what
    each point is (a week, a case); ``value_unit`` how values are written (as
    :func:`xmr_chart`'s ``unit``; by default from ``percent``)."""
    summary = spc.xmr_summary(points)
    value_unit = checked_unit(value_unit, percent)
    fmt = lambda v: icons.fmt_measure(v, value_unit)  # noqa: E731
    mean = summary["mean"]
    periods = summary["periods"]
    gaps = periods - summary["points"]
    sentence = f"{measure} over {periods} {unit if periods == 1 else unit + 's'}"
    if gaps:
        sentence += f" ({gaps} with nothing to measure)"
    special = summary["special_cause_points"]
    if summary["no_variation"]:
        sentence += (
            f": average {fmt(mean)}; no variation to judge limits from, as the value hardly "
            f"changes from one {unit} to the next, "
        )
        if special:
            # In a group without variation only a trend can be flagged (see spc).
            return sentence + (
                f"but {special} {'point shows' if special == 1 else 'points show'} "
                "special-cause variation."
            )
        return sentence + f"so no {unit} can be called unusual."
    lower = summary["lpl"]
    if value_unit != "pounds":  # counts, shares and days cannot go below nought
        lower = max(lower, 0)
    sentence += (
        f": average {fmt(mean)}, with process limits from {fmt(lower)} to "
        f"{fmt(summary['upl'])}; "
    )
    if special:
        sentence += f"{special} {'point shows' if special == 1 else 'points show'} special-cause variation."
    else:
        sentence += "all points show common-cause variation only."
    return sentence


VARIATION_PHRASES = {
    "common_cause": "no significant change (common-cause variation)",
    "improvement_high": "improving (special-cause variation)",
    "improvement_low": "improving (special-cause variation)",
    "concern_high": "getting worse (special-cause variation)",
    "concern_low": "getting worse (special-cause variation)",
    "neutral_high": "unusually high (special-cause variation)",
    "neutral_low": "unusually low (special-cause variation)",
    "no_variation": "no variation to judge limits from",
}
_ASSURANCE_PHRASES = {
    "consistent_pass": "the target of {target} will be met consistently",
    "consistent_fail": "the target of {target} will be missed consistently unless something changes",
    "inconsistent": "the target of {target} will be met and missed at random (hit and miss)",
    "not_judged": "the target of {target} cannot be judged without limits",
}


def describe_xmr_summary(
    measure_label: str, summary: dict, unit: str = "count",
    when: object = None, monthly: bool = False,
) -> str:
    """One plain sentence on a measure's XmR summary, for a chart's text alternative and the
    narrative, for example: "Median days to complete: latest 18 (July 2025), average 21;
    improving (special-cause variation), and the target of 20 will be met and missed at random
    (hit and miss)."

    ``summary`` is :func:`workbook_helpers.spc.xmr.xmr_summary` output: ``variation``, and when
    present ``value`` (the latest), ``mean``, ``target`` and ``assurance``. ``unit`` is how
    values are written (``count``, ``share``, ``days`` or ``pounds``). ``when`` is the latest
    point's date or label (default: ``summary["x"]`` if there is one): a date is written
    "1 July 2025", or "July 2025" with ``monthly``; text is used as it is.
    """
    unit = checked_unit(unit)
    fmt = lambda v: icons.fmt_measure(v, unit)  # noqa: E731
    when = summary.get("x") if when is None else when
    parts = []
    if "value" in summary:
        latest = f"latest {fmt(summary['value'])}"
        if when is not None and not (isinstance(when, float) and pd.isna(when)):
            if isinstance(when, str):
                label = when
            elif monthly:
                stamp = pd.Timestamp(when)
                label = f"{stamp:%B %Y}"
            else:
                label = fmt_date(when)
            latest += f" ({label})"
        parts.append(latest)
    if "mean" in summary:
        parts.append(f"average {fmt(summary['mean'])}")
    sentence = f"{measure_label}: " + ", ".join(parts)
    variation = summary.get("variation")
    clauses = []
    if isinstance(variation, str):
        icons._check_variation(variation)
        clauses.append(VARIATION_PHRASES[variation])
    target = summary.get("target")
    has_target = is_finite(target)
    assurance = icons._check_assurance(summary.get("assurance"))
    if has_target and assurance is not None:
        clauses.append(_ASSURANCE_PHRASES[assurance].format(target=fmt(target)))
    elif has_target:
        clauses.append(f"the target is {fmt(target)}")
    if clauses:
        sentence += ("; " if parts else "") + ", and ".join(clauses)
    elif not parts:
        sentence += "no figures"
    return sentence + "."
