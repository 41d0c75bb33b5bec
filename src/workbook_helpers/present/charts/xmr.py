"""Process-behaviour (XmR) charts: the points, mean and limits, special causes, targets,
rebased limits and annotations, on one chart or a column of panels.

XmR charts are left as they are in every report (see :mod:`workbook_helpers.privacy.policy`).
"""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from workbook_helpers.present import icons
from workbook_helpers.present.palette import COMMON_COLOUR, CONCERN_COLOUR, IMPROVEMENT_COLOUR, INK, MUTED, NEUTRAL_COLOUR, TARGET_COLOUR, TARGET_TEXT_COLOUR
from workbook_helpers.present.charts.theme import DATE_FORMAT, WIDTH, dataset, titled
from workbook_helpers.present.charts.xmr_words import annotations_on, checked_unit, is_monthly, with_changes, x_words


_POINT_STYLE = {
    "common_cause": ("Common cause", COMMON_COLOUR, "circle"),
    "special_cause_improvement": ("Special cause: improvement", IMPROVEMENT_COLOUR, "triangle-up"),
    "special_cause_concern": ("Special cause: concern", CONCERN_COLOUR, "square"),
    "special_cause_neutral_high": ("Special cause: high", NEUTRAL_COLOUR, "triangle-up"),
    "special_cause_neutral_low": ("Special cause: low", NEUTRAL_COLOUR, "triangle-down"),
}
#: How values are written on axes and in tooltips, by unit (pounds use the theme's £ locale).
_AXIS_FORMATS = {"count": ",.0f", "share": ".0%", "days": ",.0f", "pounds": "$,.0f"}
_TIP_FORMATS = {"count": ",.1f", "share": ".1%", "days": ",.1f", "pounds": "$,.0f"}
_XMR_COLUMNS = ("x", "value", "mean", "lpl", "upl", "point_type")
#: What the data behind an XmR chart says of a period with nothing to measure.
GAP_LABEL = "No value: nothing to measure"
_WHOLE_UNITS = ("count", "days", "pounds")  # written as whole numbers on an axis
_MAX_WHOLE_TICKS = 6


def _whole_ticks(frame: pd.DataFrame, unit: str) -> list[int] | alt.UndefinedType:
    """Whole-number ticks for a chart of counts, days or pounds that spans only a few units.

    Such values are written without decimals, so the ticks Vega would choose (0.5 apart for a
    chart of 0s and 1s) would be labelled 0, 1, 1, 2. Wider charts get whole ticks anyway."""
    if unit not in _WHOLE_UNITS:
        return alt.Undefined
    columns = [c for c in ("value", "mean", "lpl", "upl", "target") if c in frame]
    drawn = pd.to_numeric(frame[columns].stack(), errors="coerce").dropna()
    if drawn.empty:
        return alt.Undefined
    low, high = math.floor(drawn.min()), math.ceil(drawn.max())
    if high - low > _MAX_WHOLE_TICKS - 1:
        return alt.Undefined
    return list(range(low, high + 1))


def xmr_frame(points: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The columns an XmR chart draws, with the labels, groups and flags its layers need.

    ``rebase_group`` (0 when absent) numbers the stretches with limits of their own; ``target``
    (optional, missing where there is none) is split into ``target_segment`` runs of one value,
    labelled at the last point of each."""
    missing = [column for column in _XMR_COLUMNS if column not in points]
    if missing:
        raise ValueError(
            f"points is missing column(s) {', '.join(missing)}; pass a frame made by spc.xmr()."
        )
    unknown = sorted(set(points["point_type"]) - set(_POINT_STYLE))
    if unknown:
        raise ValueError(f"unknown point_type(s) {unknown}; expected one of {list(_POINT_STYLE)}.")
    extra = [c for c in ("special_cause_type", "team") if c in points]
    frame = points[list(_XMR_COLUMNS) + extra].copy().reset_index(drop=True)
    frame["point"] = frame["point_type"].map(lambda t: _POINT_STYLE[t][0])
    # A gap (a period with nothing to measure) keeps its place on the axis: no point is drawn
    # and the line breaks there (Vega-Lite breaks a line at a missing value), and the table of
    # the chart's data says why its value is missing.
    frame.loc[frame["value"].isna(), "point"] = GAP_LABEL
    if "special_cause_type" in frame:
        frame["special_cause_type"] = frame["special_cause_type"].fillna("none").astype(str).str.replace("_", " ")
    groups = points["rebase_group"] if "rebase_group" in points else pd.Series(0, index=points.index)
    frame["rebase_group"] = pd.to_numeric(groups, errors="coerce").fillna(0).astype("int64").to_numpy()
    starts = frame["rebase_group"].ne(frame["rebase_group"].shift()) & frame.index.to_series().gt(0)
    frame["rebase_start"] = starts
    if bool(starts.any()):
        # Named on the chart: where the new limits start, as the axis writes the period.
        temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
        frame["rebase_label"] = [
            f"New limits from {x_words(x, temporal, short=True)}" if start else None
            for x, start in zip(frame["x"], starts)
        ]
    if "target" in points:
        target = pd.to_numeric(points["target"], errors="coerce").reset_index(drop=True)
        frame["target"] = target
        has = target.notna()
        if has.any():
            new_run = target.ne(target.shift())  # a target runs on across a rebase
            frame["target_segment"] = new_run.cumsum().where(has)
            last = has & (frame["target_segment"].ne(frame["target_segment"].shift(-1)))
            frame["target_label"] = [
                f"Target: {icons.fmt_measure(t, unit)}" if flag else None for t, flag in zip(target, last)
            ]
    return frame


def _has_target(frame: pd.DataFrame) -> bool:
    return "target" in frame and bool(frame["target"].notna().any())


def point_styles(point_types) -> list[tuple[str, str, str]]:
    present = set(point_types) | {"common_cause"}  # the key lists only what is drawn
    return [style for kind, style in _POINT_STYLE.items() if kind in present]


_ANNOTATION_COLOUR = INK
_ANNOTATION_WRAP = 24  # characters per line of an annotation on a full-size chart
_COMPACT_ANNOTATION_PIXELS = 90  # an annotation on a small panel is cut to this width


def _annotation_frame(annotations: object, frame: pd.DataFrame, compact: bool) -> pd.DataFrame | None:
    """One row per annotation drawn on a chart of ``frame``: ``x`` (its date), ``annotation``
    (its text), ``label`` (the text as written on the chart), ``row`` (how far down it is
    written, so that neighbours do not overlap) and ``right`` (written to the left of its line,
    near the right edge). None when there is nothing to draw."""
    items = annotations_on(annotations, frame["x"])
    if not items:
        return None
    low, high = frame["x"].min(), frame["x"].max()
    span = max((high - low) / pd.Timedelta(days=1), 1.0)
    rows = []
    for position, item in enumerate(sorted(items, key=lambda a: pd.Timestamp(a.date))):
        date = pd.Timestamp(item.date).normalize()
        where = (date - low) / pd.Timedelta(days=1) / span
        label = item.text if compact else "\n".join(textwrap.wrap(item.text, _ANNOTATION_WRAP))
        rows.append({
            "x": date, "annotation": item.text, "label": label, "row": position % 2,
            "right": bool(where > 0.62), "number": position,
        })
    return pd.DataFrame(rows)


def _annotation_layers(
    annotated: pd.DataFrame, x: alt.X, compact: bool, height: int, above: int = 0,
) -> list:
    """A solid line at each annotation's date and its text at the top of the chart, to the
    right of the line (to the left near the right edge); the tooltip gives the date and text,
    so the table of the chart's data lists them. ``above``: pixels left free above the plot
    (for the name of a rebase)."""
    data = alt.Chart(dataset(annotated)).encode(x=x)
    tip = [alt.Tooltip("x:T", title="Date", format=DATE_FORMAT),
           alt.Tooltip("annotation:N", title="What happened")]
    layers = []
    line_height = 11 if compact else 13
    # Written above the plot, clear of the points and the limits; the second of two
    # annotations close together is written higher than the first. One layer each, so that
    # each block of lines can end just above the plot.
    step = line_height * (1 if compact else 3)
    for number, item in annotated.reset_index(drop=True).iterrows():
        lines = 1 if compact else item["label"].count("\n") + 1
        right = bool(item["right"])
        top = -3 - above - int(item["row"]) * step  # the foot of the annotation's words
        chosen = data.transform_filter(f"datum.number == {number}")
        # The line runs from the foot of the plot up to the words.
        layers.append(chosen.mark_rule(color=_ANNOTATION_COLOUR, strokeWidth=1.2).encode(
            y=alt.value(height), y2=alt.value(top), tooltip=tip))
        layers.append(
            chosen
            .mark_text(
                align="right" if right else "left", baseline="top", dx=-3 if right else 3,
                fontSize=9 if compact else 10, fontWeight="bold", color=_ANNOTATION_COLOUR,
                lineBreak="\n", lineHeight=line_height,
                limit=_COMPACT_ANNOTATION_PIXELS if compact else 0,
            )
            .encode(y=alt.value(top - lines * line_height), text="label:N")
        )
    return layers


def xmr_layer(
    frame: pd.DataFrame, unit: str, y_title: str | None, x_title: str, *,
    styles: list[tuple[str, str, str]], compact: bool = False, tooltip_title: str | None = None,
    annotations: object = None, **properties,
) -> alt.LayerChart:
    """The layers of an XmR chart from :func:`xmr_frame` output, all from one data set
    (annotations, when given, from one of their own: see :func:`_annotation_frame`);
    ``properties`` (width, height, title...) are set on the layer chart as it is made."""
    axis_format, tip_format = _AXIS_FORMATS[unit], _TIP_FORMATS[unit]
    temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
    monthly = temporal and is_monthly(frame["x"])
    x_format = ("%b %Y" if compact or monthly else DATE_FORMAT) if temporal else "d"
    x = alt.X(
        "x:T" if temporal else "x:Q",
        title=None if compact or not temporal else x_title,
        axis=alt.Axis(format=x_format, labelAngle=0, tickCount=3 if compact else 6, labelOverlap=True),
    )
    base = alt.Chart(dataset(frame)).encode(x=x)
    y_scale = alt.Scale(zero=False, nice=True)
    value_title = tooltip_title or y_title or "Value"
    line = base.mark_line(color=COMMON_COLOUR, strokeWidth=1.5).encode(
        y=alt.Y("value:Q", title=y_title, scale=y_scale,
                axis=alt.Axis(format=axis_format, tickCount=4 if compact else alt.Undefined,
                              values=_whole_ticks(frame, unit)))
    )
    # Mean and limits are drawn per rebase group: no line joins one set of limits to the next.
    by_group = alt.Detail("rebase_group:N")
    mean = base.mark_line(color=INK, strokeWidth=1.2).encode(y="mean:Q", detail=by_group)
    upper = base.mark_line(color=MUTED, strokeDash=[5, 4], strokeWidth=1.2).encode(y="upl:Q", detail=by_group)
    lower = base.mark_line(color=MUTED, strokeDash=[5, 4], strokeWidth=1.2).encode(y="lpl:Q", detail=by_group)
    layers = [line, upper, lower, mean]

    x_tip = alt.Tooltip("x:T" if temporal else "x:Q", title=x_title if temporal else "Point",
                        format=("%B %Y" if monthly else DATE_FORMAT) if temporal else "d")
    if bool(frame["rebase_start"].any()):
        rebased = base.transform_filter("datum.rebase_start")
        layers.append(rebased.mark_rule(color=MUTED, strokeDash=[2, 3], strokeWidth=1.5).encode(
            tooltip=[x_tip, alt.Tooltip("rebase_note:N", title="Limits")]
        ).transform_calculate(rebase_note="'worked out afresh from this point'"))
        # Named just above the plot, at the top of its line (annotations go above that).
        layers.append(rebased.mark_text(
            align="left", baseline="bottom", dx=2, dy=-3, fontSize=9 if compact else 10, color=INK,
        ).encode(y=alt.value(0), text=alt.value("New limits") if compact else alt.Text("rebase_label:N")))
    annotated = _annotation_frame(annotations, frame, compact)
    if annotated is not None:
        above = (11 if compact else 13) if bool(frame["rebase_start"].any()) else 0
        layers.extend(_annotation_layers(annotated, x, compact, properties.get("height", 220), above))
    target = _has_target(frame)
    if target:
        with_target = base.transform_filter("isValid(datum.target)")
        layers.append(with_target.mark_line(
            color=TARGET_COLOUR, strokeDash=[8, 3, 2, 3], strokeWidth=2
        ).encode(
            y="target:Q", detail=alt.Detail("target_segment:N"),
            tooltip=[x_tip, alt.Tooltip("target:Q", title="Target", format=tip_format)],
        ))
        # Labelled just beyond its last point, clear of the data.
        layers.append(base.transform_filter("isValid(datum.target_label)").mark_text(
            align="left", baseline="middle", dx=6, fontSize=10 if compact else 11,
            fontWeight="bold", color=TARGET_TEXT_COLOUR,
        ).encode(y="target:Q", text="target_label:N"))

    domain = [s[0] for s in styles]
    tooltip = [x_tip]
    if "team" in frame:
        tooltip.insert(0, alt.Tooltip("team:N", title="Team"))
    tooltip += [
        alt.Tooltip("value:Q", title=value_title, format=tip_format),
        alt.Tooltip("mean:Q", title="Mean", format=tip_format),
        alt.Tooltip("lpl:Q", title="Lower limit", format=tip_format),
        alt.Tooltip("upl:Q", title="Upper limit", format=tip_format),
    ]
    if target:
        tooltip.append(alt.Tooltip("target:Q", title="Target", format=tip_format))
    tooltip.append(alt.Tooltip("point:N", title="Variation"))
    if "special_cause_type" in frame:
        tooltip.append(alt.Tooltip("special_cause_type:N", title="Rule"))
    # A dark outline gives every point 3:1 contrast with the page (WCAG 1.4.11), light fills too.
    dots = base.mark_point(filled=True, size=36 if compact else 55, opacity=1, stroke=INK,
                           strokeWidth=0.8).encode(
        y="value:Q",
        color=alt.Color(
            "point:N",
            scale=alt.Scale(domain=domain, range=[s[1] for s in styles]),
            legend=alt.Legend(title=None, orient="bottom", columns=3),
        ),
        shape=alt.Shape("point:N", scale=alt.Scale(domain=domain, range=[s[2] for s in styles])),
        tooltip=tooltip,
    )
    layers.append(dots)
    return alt.layer(*layers, **properties)


def xmr_chart(
    points: pd.DataFrame,
    title: str,
    description: str,
    y_title: str,
    percent: bool = False,
    height: int = 220,
    subtitle: str | None = None,
    x_title: str = "Week beginning",
    unit: str | None = None,
    width: int = WIDTH,
    annotations: object = None,
) -> alt.LayerChart:
    """A process-behaviour (XmR) chart from :func:`workbook_helpers.spc.xmr.xmr` output: the values
    joined by a line, the mean, the process limits (dashed), and special-cause points marked by
    colour and shape, with tooltips.

    When ``points`` has a ``rebase_group`` column, the mean and limits are drawn separately for
    each group (never joined across a rebase) and a dotted rule marks where new limits start.
    When it has a ``target`` column with any value, the target is drawn as a green dash-dot line
    labelled "Target: ..." (and given in the tooltips).

    ``unit`` is how values are written: ``count``, ``share`` (as percentages), ``days`` or
    ``pounds`` (£); by default ``share`` when ``percent`` is true, else ``count``.

    A rebased chart says where its new limits start on the chart ("New limits from Feb 2025")
    and in its description (:func:`describe_rebase`). ``annotations`` (a list of
    :class:`~workbook_helpers.spc.process_changes.Annotation`, or a mapping of date to text) are
    drawn as labelled lines at their dates, and listed in the description.
    """
    unit = checked_unit(unit, percent)
    frame = xmr_frame(points, unit)
    chart = xmr_layer(frame, unit, y_title, x_title, styles=point_styles(frame["point_type"]),
                       annotations=annotations, width=width, height=height)
    return titled(chart, title, with_changes(description, points, unit, x_title, annotations), subtitle)


def xmr_panels(charts: list[alt.LayerChart], title: str, description: str) -> alt.VConcatChart:
    """Several XmR charts stacked, one per group, sharing a heading."""
    # Each panel keys only the kinds of point it draws.
    combined = alt.vconcat(*charts, spacing=28).resolve_scale(color="independent", shape="independent")
    return titled(combined, title, description)
