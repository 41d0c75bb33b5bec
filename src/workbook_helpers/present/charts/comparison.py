"""Charts of a before-and-after comparison: the estimation and slope charts, the time to
close, and the change at a glance."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from workbook_helpers.privacy import disclosure
from workbook_helpers.formatting import join_words, plural
from workbook_helpers.present.palette import COMMON_COLOUR, IMPROVEMENT_COLOUR, INK, MUTED, VALUE_COLOUR, WORSE
from workbook_helpers.present.palette import CATEGORIES as PALETTE
from workbook_helpers.present.charts.theme import WIDTH, dataset, records, titled


# --------------------------------------------------------------------------------------------
# before and after


def estimation_chart(
    cases: pd.DataFrame, groups: list[str], difference: float, low: float | None, high: float | None,
    title: str, description: str, value_title: str, value_format: str = ",.1f",
    difference_title: str = "Difference",
) -> alt.HConcatChart:
    """A Gardner-Altman estimation chart: each case as a dot in its group with the group's mean
    marked, and beside it the difference between the groups with its confidence interval (a
    whisker; absent when there is none), against a line at no change.

    ``cases``: group, case (pseudonym), value. ``groups``: the two groups, before first.
    """
    frame = cases[["group", "case", "value"]].copy()
    frame["value"] = frame["value"].astype("float64")
    colours = alt.Scale(domain=groups, range=[COMMON_COLOUR, VALUE_COLOUR])
    dots = (
        alt.Chart(records(frame))
        .mark_circle(size=55, opacity=0.7)
        .encode(
            x=alt.X("group:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("jitter:Q"),
            y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.Color("group:N", scale=colours, legend=None),
            tooltip=[alt.Tooltip("case:N", title="Case"), alt.Tooltip("group:N", title="Cohort"),
                     alt.Tooltip("value:Q", title=value_title, format=value_format)],
        )
        .transform_calculate(jitter="random()")
    )
    means = (
        alt.Chart(records(frame))
        .mark_tick(color=INK, thickness=3, size=36)
        .encode(
            x=alt.X("group:N", sort=groups),
            y=alt.Y("mean(value):Q"),
            tooltip=[alt.Tooltip("group:N", title="Cohort"),
                     alt.Tooltip("mean(value):Q", title="Mean", format=value_format)],
        )
    )
    left = alt.layer(dots, means).properties(width=240, height=240)
    estimate = pd.DataFrame({
        "label": ["Difference"], "difference": [difference],
        "low": [low if low is not None else difference], "high": [high if high is not None else difference],
    })
    base = alt.Chart(records(estimate)).encode(x=alt.X("label:N", title=None, axis=alt.Axis(labelAngle=0)))
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(y="zero:Q")
    whisker = base.mark_rule(color=INK, strokeWidth=2).encode(
        y=alt.Y("low:Q", title=difference_title, axis=alt.Axis(format=value_format)), y2="high:Q"
    )
    point = base.mark_point(filled=True, size=120, color=INK, shape="diamond").encode(
        y="difference:Q",
        tooltip=[alt.Tooltip("difference:Q", title=difference_title, format=value_format),
                 alt.Tooltip("low:Q", title="Interval from", format=value_format),
                 alt.Tooltip("high:Q", title="Interval to", format=value_format)],
    )
    right = alt.layer(zero, whisker, point).properties(width=90, height=240)
    return titled(alt.hconcat(left, right, spacing=24), title, description)


def slope_chart(
    pairs: pd.DataFrame, groups: list[str], title: str, description: str, value_title: str,
    value_format: str = ",.1f",
) -> alt.LayerChart:
    """Paired values as lines from the first group to the second, one per pair.

    ``pairs``: pair (pseudonym), group, value.
    """
    base = alt.Chart(records(pairs)).encode(
        x=alt.X("group:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
        detail="pair:N",
        tooltip=[alt.Tooltip("pair:N", title="Pair"), alt.Tooltip("group:N", title="Cohort"),
                 alt.Tooltip("value:Q", title=value_title, format=value_format)],
    )
    chart = alt.layer(base.mark_line(color=COMMON_COLOUR, opacity=0.6), base.mark_point(filled=True, color=INK))
    return titled(chart.properties(width=240, height=240), title, description)


def time_to_close_chart(
    curve: pd.DataFrame, marks: pd.DataFrame | None, medians: pd.DataFrame, groups: list[str],
    title: str, description: str,
) -> alt.LayerChart:
    """A time-to-close (Kaplan–Meier) step chart: the share of each group's cases still open by
    days since opening, a dashed line at half, and each group's median marked and labelled.

    ``curve``: group, days, still_open (0 to 1), and optionally at_risk (cases still open at
    that step, shown in the tooltip): the steps to draw, from day 0, as
    :func:`workbook_helpers.measures.time_to_close.time_to_close` gives them (the caller leaves out what
    the report may not show). ``marks``: group, days, still_open, left_open: where cases still
    open were last seen (crosses), or None. ``medians``: group, median_days for the medians to
    mark. ``groups``: the groups, before first. Groups differ in colour and in dash, so colour
    is never the only cue.
    """
    colours = alt.Scale(domain=groups, range=[COMMON_COLOUR, VALUE_COLOUR, *PALETTE[2:]][: len(groups)])
    dashes = alt.Scale(domain=groups, range=[[1, 0], [7, 4], [2, 2], [10, 3]][: len(groups)])
    days = alt.X("days:Q", title="Days since opening",
                 axis=alt.Axis(format=",.0f", tickMinStep=1, tickCount=8, labelOverlap="greedy"))
    share = alt.Y("still_open:Q", title="Share of cases still open", scale=alt.Scale(domain=[0, 1]),
                  axis=alt.Axis(format=".0%"))
    tips = [alt.Tooltip("group:N", title="Cohort"), alt.Tooltip("days:Q", title="Days since opening", format=",.0f"),
            alt.Tooltip("still_open:Q", title="Share still open", format=".0%")]
    if "at_risk" in curve.columns:
        tips.append(alt.Tooltip("at_risk:Q", title="Cases still open at the step", format=",.0f"))
    layers = [
        alt.Chart(alt.Data(values=[{"half": 0.5}])).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(y="half:Q"),
        alt.Chart(records(curve)).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            x=days, y=share,
            color=alt.Color("group:N", scale=colours, title=None),
            strokeDash=alt.StrokeDash("group:N", scale=dashes, title=None),
            tooltip=tips,
        ),
    ]
    if marks is not None and len(marks):
        layers.append(alt.Chart(records(marks)).mark_point(shape="cross", filled=True, size=60, opacity=0.9).encode(
            x=days, y=share, color=alt.Color("group:N", scale=colours, title=None),
            tooltip=[alt.Tooltip("group:N", title="Cohort"),
                     alt.Tooltip("days:Q", title="Last seen open after (days)", format=",.0f"),
                     alt.Tooltip("left_open:Q", title="Cases", format=",.0f")],
        ))
    if len(medians):
        points = medians.assign(half=0.5, label=[f"median {plural(d, 'day')}" for d in medians["median_days"]])
        base = alt.Chart(records(points)).encode(x=alt.X("median_days:Q"), y=alt.Y("half:Q"))
        layers.append(base.mark_point(shape="diamond", filled=True, size=110, stroke=INK, strokeWidth=0.8).encode(
            color=alt.Color("group:N", scale=colours, title=None),
            tooltip=[alt.Tooltip("group:N", title="Cohort"),
                     alt.Tooltip("median_days:Q", title="Median days to close", format=",.0f")],
        ))
        # Labels above the line for the first group, below for the next, so close medians do
        # not print over each other.
        for position, group in enumerate(groups):
            if (points["group"] == group).any():
                layers.append(base.transform_filter(alt.datum.group == group).mark_text(
                    align="left", dx=8, dy=-12 if position % 2 == 0 else 14, fontSize=11, color=INK,
                ).encode(text="label:N"))
    chart = alt.layer(*layers).properties(width=WIDTH, height=280)
    return titled(chart, title, description)


def describe_time_to_close(
    summary: pd.DataFrame, still_open: dict | None = None, hidden_below: int | None = None,
) -> str:
    """The text alternative of a time-to-close chart, from
    :func:`workbook_helpers.measures.time_to_close.time_to_close`'s summary: each group's median and how
    many of its cases are still open (``still_open``: ``{group: count or "[c]"}`` as the report
    may give them; the summary's own counts when not given). ``hidden_below``: the smallest
    count the report shows when it hides small ones
    (:func:`workbook_helpers.privacy.audience.hidden_below`; None when it hides none); counts
    of 1 up to it are written ``[c]``, and the text says the curves stop where fewer cases remain."""
    publishing = hidden_below is not None
    parts = []
    for _, row in summary.iterrows():
        median = row["median_days"]
        if median != median:
            said = "no median yet: more than half still open"
        elif publishing and not row["median_shown"]:
            said = f"median not shown ({disclosure.SUPPRESSED})"
        else:
            said = f"median {plural(median, 'day')}"
        count = (still_open or {}).get(row["group"], row["still_open"])
        if isinstance(count, str):
            still = f"{count} cases still open"
        elif count == 0:
            still = "none still open"
        elif publishing and not isinstance(count, bool) and 1 <= count < hidden_below:
            still = f"{disclosure.SUPPRESSED} cases still open"
        else:
            still = f"{plural(count, 'case')} still open"
        who = "all cases" if row["group"] == "all cases" else f"the {row['group']} cohort"
        parts.append(f"{who} ({said}, {still})")
    text = ("Step chart of the share of cases still open by days since opening, for "
            + join_words(parts) + ". Each curve drops where cases closed; a dashed line marks half.")
    if publishing:
        text += (f" The curves stop where fewer than {hidden_below} cases of a cohort were "
                 "still open, as steps resting on so few would show what happened to one or two people.")
    else:
        text += " Crosses mark the days on which cases still open were last seen."
    return text


# --------------------------------------------------------------------------------------------
# The change at a glance (before and after)

#: How each verdict is drawn: colour, shape and the word written beside the dot.
VERDICT_STYLES = {
    "better": (IMPROVEMENT_COLOUR, "circle"),
    "worse": (WORSE, "square"),
    "no clear change": (MUTED, "diamond"),
    "not judged: no direction set": (MUTED, "cross"),
    "too few cases to judge": (MUTED, "stroke"),
}
_CHANGE_AXES = {
    "percent": ("Change per case, as a percentage", "format(datum.value, '+.0%')"),
    "points": ("Change in percentage points", "format(datum.value, '+.0f')"),
}
_GLANCE_WRAP = 40  # characters per line of a measure's label
_CHANGE_TIPS = {"percent": "+.1%", "points": "+.1f"}


def change_at_a_glance(frame: pd.DataFrame, title: str, description: str, level: str = "95%") -> alt.VConcatChart:
    """Every measure's change with its confidence interval, one row per measure in the table's
    order, against a line at no change: a dot (its shape and colour saying better, worse or no
    clear change) on a whisker for the interval, and beside it the change and the verdict in
    words, so the chart reads without colour and on paper.

    Percentage changes and changes in percentage points are on panels of their own, never one
    scale; a change in a measure's own units (when the standard way's figure is 0) has a panel
    to itself.

    ``frame`` is :meth:`workbook_helpers.workbooks.comparison.ComparisonView.change_frame`: ``label``,
    ``panel`` (``percent``, ``points`` or ``difference: <label>``), ``change``, ``ci_low``,
    ``ci_high`` (missing where there is none; fractions for ``percent`` and ``points``, as the
    comparison gives them: the points panel draws and lists them in percentage points),
    ``verdict`` (a key of :data:`VERDICT_STYLES`) and ``words`` (written beside the dot).
    """
    if frame.empty:
        raise ValueError("frame has no measures to chart.")
    verdicts = [v for v in VERDICT_STYLES if v in set(frame["verdict"])]
    colour = alt.Color("verdict:N", title=None,
                       scale=alt.Scale(domain=verdicts, range=[VERDICT_STYLES[v][0] for v in verdicts]),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    shape = alt.Shape("verdict:N", scale=alt.Scale(domain=verdicts, range=[VERDICT_STYLES[v][1] for v in verdicts]))
    panels = []
    for panel, rows in frame.groupby("panel", sort=False):
        kind = panel if panel in _CHANGE_AXES else "difference"
        axis_title, label_expr = _CHANGE_AXES.get(
            kind, (f"Change in {panel.split(': ', 1)[-1].lower()}", "format(datum.value, '+,.1f')"))
        tip = _CHANGE_TIPS.get(kind, "+,.2f")
        # The axis writes 0 as "no change".
        label_expr = f"datum.value == 0 ? 'no change' : {label_expr}"
        data = rows.reset_index(drop=True)
        if kind == "points":  # drawn, and listed in the chart's data, in percentage points
            data[["change", "ci_low", "ci_high"]] = data[["change", "ci_low", "ci_high"]].astype("float64") * 100
        # Long labels on two lines or more rather than cut short.
        data["label"] = ["\n".join(textwrap.wrap(str(label), _GLANCE_WRAP)) for label in data["label"]]
        ends = pd.concat([data["change"], data["ci_low"], data["ci_high"]]).dropna()
        low, high = min(0.0, float(ends.min()) if len(ends) else 0.0), max(0.0, float(ends.max()) if len(ends) else 0.0)
        pad = (high - low) * 0.08 or 0.1
        x_scale = alt.Scale(domain=[low - pad, high + pad], nice=False, zero=True)
        order = data["label"].tolist()
        base = alt.Chart(dataset(data)).encode(
            y=alt.Y("label:N", sort=order, title=None,
                    axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=260, labelFontSize=12,
                                  labelLineHeight=14)))
        unit = " (percentage points)" if kind == "points" else ""
        tooltip = [
            alt.Tooltip("label:N", title="Measure"),
            alt.Tooltip("change:Q", title=f"Change{unit}", format=tip),
            alt.Tooltip("ci_low:Q", title=f"{level} interval from", format=tip),
            alt.Tooltip("ci_high:Q", title=f"{level} interval to", format=tip),
            alt.Tooltip("verdict:N", title="Better or worse"),
        ]
        x = alt.X("change:Q", title=axis_title, scale=x_scale,
                  axis=alt.Axis(labelExpr=label_expr, tickCount=5, grid=True, labelOverlap="greedy"))
        no_change = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color=INK, strokeWidth=1.5).encode(
            x=alt.X("zero:Q", scale=x_scale, title=axis_title))
        whisker = base.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)").mark_rule(
            strokeWidth=3).encode(x=alt.X("ci_low:Q", scale=x_scale, title=axis_title), x2="ci_high:Q",
                                  color=colour, tooltip=tooltip)
        dots = base.transform_filter("isValid(datum.change)").mark_point(
            filled=True, size=120, opacity=1, stroke=INK, strokeWidth=0.8).encode(
            x=x, color=colour, shape=shape, tooltip=tooltip)
        words = base.mark_text(align="left", dx=0, fontSize=12, color=INK).encode(
            x=alt.value(_GLANCE_WIDTH + 10), text="words:N")
        panels.append(alt.layer(no_change, whisker, dots, words).properties(
            width=_GLANCE_WIDTH, height=alt.Step(40), title=alt.Title(_panel_title(panel), fontSize=13)))
    chart = alt.vconcat(*panels, spacing=26).resolve_scale(x="independent", color="shared", shape="shared")
    return titled(chart, title, description)


_GLANCE_WIDTH = 300


def _panel_title(panel: str) -> str:
    if panel == "percent":
        return "Counts, hours and days per case: percentage change"
    if panel == "points":
        return "Shares: change in percentage points"
    return f"{panel.split(': ', 1)[-1]}: change in its own units"
