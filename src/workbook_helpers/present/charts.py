"""Charts: one theme, and builders that take tidy, already-aggregated frames and return Altair charts.

Builders never aggregate raw rows: what they are given is what the report carries, which keeps
reports small and makes every chart traceable to a table. Each chart has a title and a
one-sentence ``description`` (its text alternative, read out by screen readers and printed under
the chart in the report).

Colours are the Okabe-Ito colour-blind-safe palette; colour is never the only cue (special-cause
points also differ in shape, and bars are labelled).

Bar charts of counts follow the report's privacy policy (:mod:`workbook_helpers.privacy.policy`): in a
public report a count of 1 to ``suppress_below - 1`` is a gap (no bar, and ``[c]`` where the
bar would start), one more count is hidden wherever a total the reader knows would otherwise give
a single hidden count away, shares resting on hidden counts are hidden too, and a sentence added
to the description (printed under the chart) says how many values are not shown. The chart's
data keeps a ``suppressed`` flag per row, so the report's table of the data behind the chart
shows ``[c]`` there. XmR charts are left as they are (see :mod:`workbook_helpers.privacy.policy`).
"""

from __future__ import annotations

import json
import math
import textwrap

import altair as alt
import pandas as pd

from workbook_helpers.privacy import audience, disclosure

from workbook_helpers.present import icons

from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.formatting import fmt_date, is_finite, join_words, plural
from workbook_helpers.run.outputs import VEGALITE_MIMETYPE
from workbook_helpers.present.palette import (  # one palette for charts, icons and pages
    COMMON_COLOUR, CONCERN_COLOUR, FAILURE_COLOUR, FONT, GRID_COLOUR, IMPROVEMENT_COLOUR, INK, MUTED,
    NEUTRAL_COLOUR, TARGET_COLOUR, TARGET_TEXT_COLOUR, UNCLASSIFIED_COLOUR, VALUE_COLOUR,
)
from workbook_helpers.present.palette import CATEGORIES as PALETTE

THEME = "service_workbooks"
DATE_FORMAT = "%-d %b %Y"  # 1 Apr 2024
WIDTH = 560



def _theme() -> alt.theme.ThemeConfig:
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "gridColor": GRID_COLOUR,
        "domainColor": MUTED,
        "tickColor": MUTED,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 260},
            "title": {
                "font": FONT, "fontSize": 15, "fontWeight": "bold", "color": INK,
                "anchor": "start", "subtitleColor": MUTED, "subtitleFontSize": 12,
            },
            "axis": axis,
            "legend": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                "labelColor": INK, "titleColor": INK, "orient": "top",
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "labelColor": INK},
            "range": {"category": PALETTE},
            "bar": {"color": VALUE_COLOUR},
            "line": {"color": VALUE_COLOUR, "strokeWidth": 2},
            "point": {"color": VALUE_COLOUR, "filled": True, "size": 45},
            "text": {"font": FONT, "fontSize": 11, "color": INK},
            "timeFormat": DATE_FORMAT,
            "locale": {
                "number": {
                    "decimal": ".", "thousands": ",", "grouping": [3], "currency": ["£", ""],
                },
                "time": {
                    "dateTime": "%a %e %b %X %Y", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                    "periods": ["AM", "PM"],
                    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                             "Saturday"],
                    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                    "months": ["January", "February", "March", "April", "May", "June", "July",
                               "August", "September", "October", "November", "December"],
                    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                    "Sep", "Oct", "Nov", "Dec"],
                },
            },
        }
    }


def _renderer(spec: dict, **metadata) -> dict:
    """A chart's output: its Vega-Lite spec (which the report draws from) and, for JupyterLab, the
    chart drawn here in the kernel as an image (no script, no network: see
    :func:`workbook_helpers.present.chart_svg.notebook_picture`).

    JupyterLab 4 has no renderer for Vega-Lite 6, so the image is what it shows; the report reads
    the spec and draws the chart itself, and never shows the image as well.
    """
    from workbook_helpers.present.chart_svg import notebook_picture

    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    bundle = {
        VEGALITE_MIMETYPE: spec,
        "text/plain": f"Chart: {title or spec.get('description') or 'untitled'}",
    }
    try:
        bundle["text/html"] = notebook_picture(spec)
    except Exception as error:  # the report draws it again, and says so if it cannot
        bundle["text/plain"] += f" (it could not be drawn here: {type(error).__name__})"
    return bundle


def use_theme() -> None:
    """Switch on the suite's chart theme and renderer (done on import of this module)."""
    alt.theme.register(THEME, enable=True)(_theme)
    alt.renderers.register(THEME, _renderer)
    alt.renderers.enable(THEME)
    alt.data_transformers.disable_max_rows()


use_theme()


def _titled(chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | None = None):
    heading = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def _records(frame: pd.DataFrame) -> alt.Data:
    """Embed a small frame as inline values with dates as ISO strings (no index, no row numbers)."""
    clean = frame.copy()
    for column in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[column]):
            clean[column] = clean[column].dt.strftime("%Y-%m-%d")
    return alt.Data(values=json.loads(clean.to_json(orient="records")))


def _dataset(frame: pd.DataFrame) -> pd.DataFrame:
    """As :func:`_records`, but kept as a frame: Altair writes it once into the spec's
    ``datasets`` and shares it between layers, where inline values would be copied for every
    layer and panel while the chart is put together (slow for a grid of many panels)."""
    clean = frame.copy().reset_index(drop=True)
    for column in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[column]):
            clean[column] = clean[column].dt.strftime("%Y-%m-%d")
    return clean


# --------------------------------------------------------------------------------------------
# Small counts in bar charts (see the module's notes)


def _with_note(description: str, note: str) -> str:
    return f"{description.rstrip()} {note}".strip() if note else description



# --------------------------------------------------------------------------------------------
# builders


def value_failure_bars(
    table: pd.DataFrame, by: str, title: str, description: str, hidden: object = None,
) -> alt.Chart:
    """Horizontal stacked bars of value and failure demand per ``by`` group, with the failure share
    written at the end of each bar. Takes :func:`workbook_helpers.measures.demand.value_failure_by`.

    In a public report, small counts of value, failure and unclassified demand are gaps,
    protected as if each group's total were known (a table beside the chart usually gives it);
    the failure share of a group with any count hidden, or with fewer than ``suppress_below``
    classified demands, is hidden (``[c]``), and the share's label sits at the end of what is
    drawn; the description says how many values are not shown. ``hidden`` adds the cells a
    table of the same counts hides (``notebook.protect_table(...).mask``, row for row), so the
    chart never shows what the table beside it hides.
    """
    parts = ["value", "failure", "unclassified"]
    classified = (pd.to_numeric(table["value"], errors="coerce").fillna(0)
                  + pd.to_numeric(table["failure"], errors="coerce").fillna(0)).to_numpy()
    table, note = audience.protect_chart_counts(table, parts, row_total=True, column_total=False, hidden=hidden)
    protected = "suppressed" in table
    labelled = table.copy()
    if protected:
        few = audience.few(classified)
        share_hidden = labelled["suppressed"].to_numpy() | few
        labelled["failure_share"] = labelled["failure_share"].mask(share_hidden)
        labelled["share_hidden"] = share_hidden
        # The label sits at the end of what is drawn, not at the group's total.
        labelled["demand"] = labelled[parts].sum(axis=1, min_count=1).to_numpy()
    id_vars = [by, "demand", "failure_share"] + (["suppressed"] if protected else [])
    long = table.melt(
        id_vars=id_vars,
        value_vars=parts,
        var_name="class",
        value_name="count",
    )
    keep = long["count"] > 0
    if protected:
        long["suppressed"] = long["count"].isna() & long["suppressed"]
        keep |= long["suppressed"]
        long = long.drop(columns=["demand", "failure_share"])
    long = long[keep]
    long["class"] = long["class"].map(
        {"value": "Value demand", "failure": "Failure demand", "unclassified": "Not classified"}
    )
    order = table[by].tolist()
    colours = {"Value demand": VALUE_COLOUR, "Failure demand": FAILURE_COLOUR, "Not classified": UNCLASSIFIED_COLOUR}
    classes = [name for name in colours if name in set(long["class"])]  # the key lists only what is drawn
    base = alt.Chart(_records(long))
    bars = base.mark_bar().encode(
        y=alt.Y(f"{by}:N", sort=order, title=None),
        x=alt.X("sum(count):Q", title="Demands", axis=alt.Axis(format=",d")),
        color=alt.Color(
            "class:N",
            scale=alt.Scale(domain=classes, range=[colours[name] for name in classes]),
            legend=alt.Legend(title=None),
        ),
        order=alt.Order("class_order:Q"),
        tooltip=[
            alt.Tooltip(f"{by}:N", title=by.replace("_", " ").capitalize()),
            alt.Tooltip("class:N", title="Class"),
            alt.Tooltip("count:Q", title="Demands", format=","),
        ],
    ).transform_calculate(class_order=f"indexof({json.dumps(classes)}, datum['class'])")
    label_columns = [by, "demand", "failure_share"] + (["share_hidden"] if protected else [])
    hidden_label = "datum.share_hidden ? '[c]' : " if protected else ""
    labels = (
        alt.Chart(_records(labelled[label_columns]))
        .mark_text(align="left", dx=4)
        .encode(
            y=alt.Y(f"{by}:N", sort=order),
            x=alt.X("label_x:Q"),
            text=alt.Text("label:N"),
        )
        .transform_calculate(
            label_x="isValid(datum.demand) ? datum.demand : 0",
            label=hidden_label
            + "isValid(datum.failure_share) ? format(datum.failure_share, '.0%') + ' failure' : ''",
        )
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH - 120, height=alt.Step(28))
    return _titled(chart, title, _with_note(description, note))


def pareto_chart(
    table: pd.DataFrame, category: str, title: str, description: str, colour: str = FAILURE_COLOUR,
    hidden: object = None,
) -> alt.LayerChart:
    """Bars of each category's count, largest first, with the cumulative share as a line on a
    second axis. Takes :func:`workbook_helpers.measures.demand.pareto` output.

    In a public report a small count is a gap marked ``[c]``; as the shares give the total
    away, one more is hidden where a single one could be worked out from it; the share of a
    hidden bar is hidden, and the cumulative line stops before the first hidden bar (each
    step of it is a bar's share). The description says how many values are not shown."""
    table, note = audience.protect_chart_counts(table, ["demand"], row_total=False, column_total=True, hidden=hidden)
    if "suppressed" in table:
        table = table.copy()
        table["share"] = table["share"].mask(table["suppressed"])
        after_first = table["suppressed"].cummax()
        table["cumulative_share"] = table["cumulative_share"].mask(after_first)
        table["suppressed"] = after_first.to_numpy()
    order = table[category].tolist()
    base = alt.Chart(_records(table)).encode(
        x=alt.X(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=180))
    )
    tooltip = [
        alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
        alt.Tooltip("demand:Q", title="Demands", format=","),
        alt.Tooltip("share:Q", title="Share", format=".1%"),
        alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
    ]
    bars = base.mark_bar(color=colour).encode(
        y=alt.Y("demand:Q", title="Demands", axis=alt.Axis(format=",d")), tooltip=tooltip
    )
    line = base.mark_line(color=INK, point=alt.OverlayMarkDef(color=INK, shape="diamond")).encode(
        y=alt.Y(
            "cumulative_share:Q", title="Cumulative share",
            axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1]),
        ),
        tooltip=tooltip,
    )
    counted = bars
    if "suppressed" in table and bool(table["demand"].isna().any()):
        # "[c]" where a hidden bar would stand, on the bars' own scale.
        gaps = base.transform_filter("!isValid(datum.demand)").transform_calculate(zero="0").mark_text(
            baseline="bottom", dy=-3, color=INK,
        ).encode(y=alt.Y("zero:Q", title="Demands"), text=alt.value(disclosure.SUPPRESSED))
        counted = alt.layer(bars, gaps)
    chart = alt.layer(counted, line).resolve_scale(y="independent").properties(width=WIDTH, height=240)
    return _titled(chart, title, _with_note(description, note))


def ranked_bars(
    table: pd.DataFrame, category: str, count: str, title: str, description: str,
    colour: str = VALUE_COLOUR, count_title: str = "Demands", counts: bool = True,
    total_shown: bool = True, hidden: object = None,
) -> alt.LayerChart:
    """Horizontal bars, largest at the top, each labelled with its count.

    ``counts``: the bars are counts of people, cases, items or contacts (False for hours or
    amounts). Then, in a public report, a small count is a gap labelled ``[c]``, and with
    ``total_shown`` (the reader knows the total of the bars, from a headline or a table) one
    more is hidden where a single one could be worked out from it; the description says how
    many values are not shown. ``hidden``: as for :func:`value_failure_bars`."""
    note = ""
    if counts:
        table, note = audience.protect_chart_counts(table, [count], row_total=False, column_total=total_shown,
                                      hidden=hidden)
    order = table[category].tolist()
    base = alt.Chart(_records(table)).encode(
        y=alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{count}:Q", title=count_title, axis=alt.Axis(format=",d")),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
            alt.Tooltip(f"{count}:Q", title=count_title, format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=3).encode(
        x=alt.X("label_x:Q", title=count_title), text=alt.Text("label:N"),
    ).transform_calculate(
        label_x=f"isValid(datum[{json.dumps(count)}]) ? datum[{json.dumps(count)}] : 0",
        label=f"isValid(datum[{json.dumps(count)}]) ? format(datum[{json.dumps(count)}], ',') : "
        + (f"'{disclosure.SUPPRESSED}'" if "suppressed" in table else "''"),
    )
    chart = alt.layer(base.mark_bar(color=colour), labels).properties(width=WIDTH - 200, height=alt.Step(24))
    return _titled(chart, title, _with_note(description, note))


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


def _value_unit(unit: str | None, percent: bool = False) -> str:
    if unit is None:
        return "share" if percent else "count"
    if unit not in icons.UNITS:
        raise ValueError(f"unit must be one of {', '.join(map(repr, icons.UNITS))}, not {unit!r}.")
    return unit


def _xmr_frame(points: pd.DataFrame, unit: str) -> pd.DataFrame:
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
            f"New limits from {_x_words(x, temporal, short=True)}" if start else None
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


def _monthly(dates: pd.Series) -> bool:
    """Whether dates stand for months (each the first of a month, or each the last, and at
    least 28 days apart): shown as "Apr 2024"."""
    dates = dates.dropna()
    if len(dates) < 2 or not (bool(dates.dt.is_month_start.all()) or bool(dates.dt.is_month_end.all())):
        return False
    return bool(dates.sort_values().diff().dropna().min() >= pd.Timedelta(days=28))


def _has_target(frame: pd.DataFrame) -> bool:
    return "target" in frame and bool(frame["target"].notna().any())


def _point_styles(point_types) -> list[tuple[str, str, str]]:
    present = set(point_types) | {"common_cause"}  # the key lists only what is drawn
    return [style for kind, style in _POINT_STYLE.items() if kind in present]


def _x_words(x: object, temporal: bool, short: bool = False, monthly: bool | None = None) -> str:
    """A point's x value in words: "Feb 2025" (short) or "February 2025" for a month, else a
    date ("3 Mar 2025" or "3 March 2025"); a position as it is."""
    if not temporal:
        return str(x)
    stamp = pd.Timestamp(x)
    month_end_or_start = stamp.is_month_end or stamp.is_month_start
    if monthly if monthly is not None else month_end_or_start:
        return f"{stamp:%b %Y}" if short else f"{stamp:%B %Y}"
    return f"{stamp.day} {stamp:%b %Y}" if short else fmt_date(stamp)


_ANNOTATION_COLOUR = INK
_ANNOTATION_WRAP = 24  # characters per line of an annotation on a full-size chart
_COMPACT_ANNOTATION_PIXELS = 90  # an annotation on a small panel is cut to this width


def _annotations_list(annotations: object) -> list:
    """``annotations`` as a list of objects with ``date`` and ``text`` (a
    :class:`~workbook_helpers.spc.process_changes.Annotation`, or a mapping of date to text)."""
    if annotations is None:
        return []
    if isinstance(annotations, dict):
        from workbook_helpers.spc.process_changes import Annotation

        return [Annotation(pd.Timestamp(date), str(text)) for date, text in annotations.items()]
    return list(annotations)


def _annotations_on(annotations: object, x: pd.Series) -> list:
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


def _annotation_frame(annotations: object, frame: pd.DataFrame, compact: bool) -> pd.DataFrame | None:
    """One row per annotation drawn on a chart of ``frame``: ``x`` (its date), ``annotation``
    (its text), ``label`` (the text as written on the chart), ``row`` (how far down it is
    written, so that neighbours do not overlap) and ``right`` (written to the left of its line,
    near the right edge). None when there is nothing to draw."""
    items = _annotations_on(annotations, frame["x"])
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
    data = alt.Chart(_dataset(annotated)).encode(x=x)
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


def _xmr_layer(
    frame: pd.DataFrame, unit: str, y_title: str | None, x_title: str, *,
    styles: list[tuple[str, str, str]], compact: bool = False, tooltip_title: str | None = None,
    annotations: object = None, **properties,
) -> alt.LayerChart:
    """The layers of an XmR chart from :func:`_xmr_frame` output, all from one data set
    (annotations, when given, from one of their own: see :func:`_annotation_frame`);
    ``properties`` (width, height, title...) are set on the layer chart as it is made."""
    axis_format, tip_format = _AXIS_FORMATS[unit], _TIP_FORMATS[unit]
    temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
    monthly = temporal and _monthly(frame["x"])
    x_format = ("%b %Y" if compact or monthly else DATE_FORMAT) if temporal else "d"
    x = alt.X(
        "x:T" if temporal else "x:Q",
        title=None if compact or not temporal else x_title,
        axis=alt.Axis(format=x_format, labelAngle=0, tickCount=3 if compact else 6, labelOverlap=True),
    )
    base = alt.Chart(_dataset(frame)).encode(x=x)
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
    unit = _value_unit(unit, percent)
    frame = _xmr_frame(points, unit)
    chart = _xmr_layer(frame, unit, y_title, x_title, styles=_point_styles(frame["point_type"]),
                       annotations=annotations, width=width, height=height)
    return _titled(chart, title, _with_changes(description, points, unit, x_title, annotations), subtitle)


def xmr_panels(charts: list[alt.LayerChart], title: str, description: str) -> alt.VConcatChart:
    """Several XmR charts stacked, one per group, sharing a heading."""
    # Each panel keys only the kinds of point it draws.
    combined = alt.vconcat(*charts, spacing=28).resolve_scale(color="independent", shape="independent")
    return _titled(combined, title, description)


# --------------------------------------------------------------------------------------------
# Making Data Count icons beside a chart

_ICON_PANEL_WIDTH = 210
_ICON_PIXELS = 30
_WRAP = 27  # characters per line of an icon's words


def _icon_panel(variation: str, assurance: str | None, height: int) -> alt.LayerChart:
    """The variation and assurance icons as chart marks, each under a heading and with its
    meaning written beside it."""
    rows = []
    for position, (kind, icon) in enumerate((("Variation", variation), ("Assurance", assurance))):
        style = icons.icon_style(icon)
        top = 4 + position * 104
        centre = top + 38
        rows.append({
            "kind": kind, "top": top, "x": 16, "y": centre, "words_x": 40, "words_y": top + 22,
            "path": style["path"], "fill": style["fill"], "stroke": style["stroke"],
            "dash": [3, 2] if style["dashed"] else [1, 0],
            "letter": style["letter"], "letter_colour": style["text"],
            "letter_y": centre + style["baseline"] * _ICON_PIXELS / 2,
            "meaning": style["words"],
            "lines": "\n".join(textwrap.wrap(style["words"], _WRAP)),
        })
    panel_height = max(height, 212)
    # Pixel scales: a field's value is where it is drawn.
    x_scale = alt.Scale(domain=[0, _ICON_PANEL_WIDTH], range=[0, _ICON_PANEL_WIDTH])
    y_scale = alt.Scale(domain=[0, panel_height], range=[0, panel_height])
    x = alt.X("x:Q", axis=None, scale=x_scale)
    y = alt.Y("y:Q", axis=None, scale=y_scale)
    base = alt.Chart(alt.Data(values=rows))
    headings = base.mark_text(
        align="left", baseline="top", fontWeight="bold", fontSize=12, color=MUTED
    ).encode(x=alt.X("zero:Q", axis=None, scale=x_scale), y=alt.Y("top:Q", axis=None, scale=y_scale),
             text="kind:N").transform_calculate(zero="0")
    shapes = base.mark_point(filled=True, size=_ICON_PIXELS ** 2, strokeWidth=1.2, opacity=1).encode(
        x=x, y=y,
        shape=alt.Shape("path:N", scale=None),
        fill=alt.Fill("fill:N", scale=None),
        stroke=alt.Stroke("stroke:N", scale=None),
        strokeDash=alt.StrokeDash("dash:N", scale=None),
        tooltip=[alt.Tooltip("kind:N", title="Icon"), alt.Tooltip("meaning:N", title="Meaning")],
    )
    letters = base.mark_text(
        align="center", baseline="alphabetic", fontWeight="bold", fontSize=13
    ).encode(x=x, y=alt.Y("letter_y:Q", axis=None, scale=y_scale), text="letter:N",
             color=alt.Color("letter_colour:N", scale=None))
    words = base.mark_text(
        align="left", baseline="top", fontSize=12, lineBreak="\n", lineHeight=15, color=INK
    ).encode(x=alt.X("words_x:Q", axis=None, scale=x_scale), y=alt.Y("words_y:Q", axis=None, scale=y_scale),
             text="lines:N", tooltip=[alt.Tooltip("meaning:N", title="Meaning")])
    return alt.layer(headings, shapes, letters, words).properties(
        width=_ICON_PANEL_WIDTH, height=panel_height
    )


def xmr_with_icons(
    points: pd.DataFrame,
    summary: dict | None,
    title: str,
    description: str,
    y_title: str,
    unit: str = "count",
    x_title: str = "Week beginning",
    subtitle: str | None = None,
    height: int = 220,
    width: int = WIDTH - _ICON_PANEL_WIDTH + 40,
    annotations: object = None,
) -> alt.HConcatChart:
    """:func:`xmr_chart` with the *Making Data Count* icons beside it: the variation icon
    (``summary["variation"]``) and the assurance icon (``summary.get("assurance")``; none
    means no target), each with its meaning in words; ``summary=None`` works it out with
    :func:`workbook_helpers.spc.xmr.xmr_summary`. One chart object, so it shows the same
    in the report and in JupyterLab. The icons' words are added to ``description`` (the text
    alternative) unless it already says them (as :func:`describe_xmr_summary` does).
    Rebasing and ``annotations`` are drawn and described as for :func:`xmr_chart`."""
    unit = _value_unit(unit)
    if summary is None:
        summary = spc.xmr_summary(points)
    if not isinstance(summary, dict) or "variation" not in summary:
        raise ValueError("summary must be a dict from spc.xmr_summary() with a 'variation' key.")
    variation = summary["variation"]
    assurance = summary.get("assurance")
    variation_words = icons.icon_style(icons._check_variation(variation))["words"]
    assurance_words = icons.ASSURANCE_WORDS[icons._check_assurance(assurance)]
    frame = _xmr_frame(points, unit)
    chart = _xmr_layer(frame, unit, y_title, x_title, styles=_point_styles(frame["point_type"]),
                       annotations=annotations, width=width, height=height)
    panel = _icon_panel(variation, assurance, height)
    words = f"Variation: {variation_words}. Assurance: {assurance_words}."
    said = (variation_words, _VARIATION_PHRASES[variation])  # as here, or describe_xmr_summary
    if not any(phrase in description for phrase in said):
        description = f"{description.rstrip()} {words}".strip()
    description = _with_changes(description, points, unit, x_title, annotations)
    combined = alt.hconcat(chart, panel, spacing=16)
    return _titled(combined, title, description, subtitle)


# --------------------------------------------------------------------------------------------
# Small multiples


def _short_words(variation: str | None, assurance: str | None) -> list[str]:
    lines = []
    if variation is not None and not (isinstance(variation, float) and pd.isna(variation)):
        lines.append(icons.VARIATION_WORDS[icons._check_variation(variation)].split(":")[0])
        lines.append(icons.ASSURANCE_WORDS[icons._check_assurance(assurance)].split(":")[0])
    return lines


def small_multiples(
    frame: pd.DataFrame,
    measure_label: str,
    unit: str = "count",
    title: str | None = None,
    description: str | None = None,
    summaries: dict[str, dict] | None = None,
    columns: int = 3,
    width: int = 170,
    height: int = 110,
    x_title: str = "Month",
    annotations: dict[str, object] | None = None,
) -> alt.VConcatChart:
    """One small XmR panel per team for one measure, in a grid of ``columns``.

    ``frame`` is tidy: ``team``, ``x``, ``value``, ``mean``, ``lpl``, ``upl``, ``point_type``,
    and optionally ``target``, ``rebase_group`` and ``special_cause_type`` (as
    :func:`workbook_helpers.spc.xmr.xmr` makes them, one team after another). Each panel is titled
    with its team (and, when ``summaries`` maps the team to its :func:`spc.xmr_summary`, the
    variation and assurance in words below), has its own y scale, and marks special-cause points
    by shape and colour; one key serves every panel. Teams keep the order they first appear in.
    A rebased team's panel marks where its new limits start; ``annotations`` maps a team to the
    annotations drawn on its panel (as for :func:`xmr_chart`, cut short on the small panel and
    written in full in the description).
    """
    unit = _value_unit(unit)
    if frame.empty:
        raise ValueError("frame has no points to chart.")
    if "team" not in frame:
        raise ValueError("frame is missing column team; pass one row per team and point.")
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be a whole number of 1 or more, not {columns!r}.")
    teams = frame["team"].astype(str).drop_duplicates().tolist()
    styles = _point_styles(frame["point_type"])  # one key for the whole grid
    summaries = summaries or {}
    panels = []
    for team in teams:
        rows = frame[frame["team"].astype(str) == team]
        panel_frame = _xmr_frame(rows, unit)
        summary = summaries.get(team) or {}
        lines = _short_words(summary.get("variation"), summary.get("assurance"))
        if summaries and not lines:
            lines = ["\u00a0", "\u00a0"]  # keeps the panels of a row level
        heading = alt.Title(team, subtitle=lines or alt.Undefined, fontSize=13, subtitleFontSize=11)
        # Properties are given as each chart is made: every later change copies it whole.
        panels.append(_xmr_layer(
            panel_frame, unit, None, x_title, styles=styles, compact=True,
            tooltip_title=measure_label, annotations=(annotations or {}).get(team),
            width=width, height=height, title=heading,
        ))
    # Rows of panels stacked, rather than a wrapped concat: the report embeds specs without
    # their $schema, and Vega-Embed then takes a top-level "concat" for a Vega spec.
    # Each panel has its own y scale (the default between concatenated charts).
    rows = [alt.hconcat(*panels[start:start + columns], spacing=24) for start in range(0, len(panels), columns)]
    title = title or f"{measure_label}, by team"
    if description is None:
        description = (
            f"{measure_label} for each of {len(teams)} {'team' if len(teams) == 1 else 'teams'}, "
            "one small process-behaviour chart each with its own scale, showing the average and "
            "the process limits; special-cause points are marked by shape and colour."
        )
        if summaries:
            counts: dict[str, int] = {}
            for team in teams:
                variation = (summaries.get(team) or {}).get("variation")
                if isinstance(variation, str):
                    word = icons.VARIATION_WORDS[icons._check_variation(variation)].split(":")[0].lower()
                    counts[word] = counts.get(word, 0) + 1
            if counts:
                description += " Latest points: " + join_words(
                    [f"{plural(n, 'team')} {word}" for word, n in counts.items()]
                ) + "."
    for team in teams:
        team_points = frame[frame["team"].astype(str) == team]
        changes = _with_changes("", team_points, unit, x_title, (annotations or {}).get(team))
        if changes:
            description += f" {team}: {changes[:1].lower()}{changes[1:]}"
    return alt.vconcat(
        *rows, spacing=20, title=title, description=description,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="shared", shape="shared")),
    )


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
    unit = _value_unit(unit)
    fmt = lambda v: icons.fmt_measure(v, unit)  # noqa: E731
    frame = points.sort_values("x", kind="stable").reset_index(drop=True)
    temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
    monthly = temporal and (x_title.lower().startswith("month") or _monthly(frame["x"]))
    week = x_title.lower().startswith("week")

    def when(x: object) -> str:
        if temporal and week and not monthly:
            return f"the {x_title.lower()} {fmt_date(x)}"
        return _x_words(x, temporal, monthly=monthly)

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


def _with_changes(
    description: str, points: pd.DataFrame, unit: str, x_title: str, annotations: object,
) -> str:
    """``description`` with the rebase and annotation sentences added, unless it says them."""
    drawn = _annotations_on(annotations, points["x"]) if "x" in points else []
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
    value_unit = _value_unit(value_unit, percent)
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


_VARIATION_PHRASES = {
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
    unit = _value_unit(unit)
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
        clauses.append(_VARIATION_PHRASES[variation])
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


# --------------------------------------------------------------------------------------------
# case review

ACTIVITY_KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
_KIND_COLOURS = ["#D55E00", "#E69F00", "#0072B2", "#56B4E9", "#CC79A7", "#009E73", "#6b7378", "#1a1a1a", "#b0b0b0"]
# Each kind has its own shape as well as its own colour: colour is never the only cue.
_KIND_SHAPES = ["diamond", "triangle-up", "circle", "triangle-left", "square", "triangle-down", "cross", "triangle-right", "wedge"]


def stacked_bars(
    table: pd.DataFrame, category: str, parts: dict[str, str], colours: list[str],
    title: str, description: str, count_title: str, value_format: str = ",.0f",
    counts: bool = True, total_shown: bool = True, hidden: object = None,
) -> alt.Chart:
    """Horizontal bars per ``category``, split into ``parts`` (column -> label) in that order.

    ``counts``: the parts are counts of people, cases, items or contacts; pass False for hours
    or amounts. For counts, in a public report a small count is a gap, and with
    ``total_shown`` (each bar's total is known: a whole bar shows it, and a table often gives
    it) one more part of the bar is hidden where a single one could be worked out from its
    total; the description says how many values are not shown. ``hidden``: as for
    :func:`value_failure_bars` (use it when a table gives the totals of each part too).
    """
    note = ""
    if counts:
        table, note = audience.protect_chart_counts(table, list(parts), row_total=total_shown,
                                      column_total=False, hidden=hidden)
    id_vars = [category] + (["suppressed"] if "suppressed" in table else [])
    long = table.melt(id_vars=id_vars, value_vars=list(parts), var_name="part", value_name="amount")
    if "suppressed" in long:
        long["suppressed"] = long["amount"].isna() & long["suppressed"]
    long["part"] = long["part"].map(parts)
    labels = list(parts.values())
    data = _records(long)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort=table[category].tolist(), title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(amount):Q", title=count_title, axis=alt.Axis(format=value_format)),
            color=alt.Color("part:N", scale=alt.Scale(domain=labels, range=colours[: len(labels)]),
                            legend=alt.Legend(title=None)),
            order=alt.Order("part_order:Q"),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("amount:Q", title=count_title, format=value_format),
            ],
        )
        .transform_calculate(part_order=f"indexof({json.dumps(labels)}, datum.part)")
    )
    if "suppressed" in table and bool(table["suppressed"].any()):
        # "[c]" at the end of what is drawn of each bar with a part hidden.
        gaps = (
            alt.Chart(data)
            .transform_calculate(hidden_part="datum.suppressed ? 1 : 0",
                                 shown_amount="isValid(datum.amount) ? datum.amount : 0")
            .transform_aggregate(drawn="sum(shown_amount)", hidden_parts="sum(hidden_part)", groupby=[category])
            .transform_filter("datum.hidden_parts > 0")
            .mark_text(align="left", dx=4, color=INK)
            .encode(
                y=alt.Y(f"{category}:N", sort=table[category].tolist(), title=None),
                x=alt.X("drawn:Q", title=count_title),
                text=alt.value(disclosure.SUPPRESSED),
            )
        )
        chart = alt.layer(chart, gaps)
    chart = chart.properties(width=WIDTH - 140, height=alt.Step(30))
    return _titled(chart, title, _with_note(description, note))


def case_distributions(
    long: pd.DataFrame, title: str, description: str, groups: list[str] | None = None
) -> alt.FacetChart:
    """One row of dots per measure, a dot per case, so the spread and the odd case both show.

    Takes a long frame: ``case`` (pseudonym), ``measure`` (label), ``value``, ``group`` (cohort).
    """
    groups = groups or sorted(long["group"].astype(str).unique())
    chart = (
        alt.Chart(_records(long))
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=alt.X("value:Q", title=None, axis=alt.Axis(format=",.0f", tickMinStep=1)),
            y=alt.Y("group:N", title=None, sort=groups),
            yOffset=alt.YOffset("jitter:Q"),
            color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]),
                            legend=alt.Legend(title=None) if len(groups) > 1 else None),
            tooltip=[
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("group:N", title="Cohort"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Value", format=",.1f"),
            ],
        )
        .transform_calculate(jitter="(random() - 0.5) * 14")
        .properties(width=WIDTH - 120, height=alt.Step(24))
        .facet(row=alt.Row("measure:N", title=None, sort=long["measure"].drop_duplicates().tolist(),
                           header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")))
        .resolve_scale(x="independent")
    )
    return _titled(chart, title, description)


def journey_timeline(
    events: pd.DataFrame, spans: pd.DataFrame, title: str, description: str
) -> alt.LayerChart:
    """A lane per case: a line from start to end, and each activity as a mark placed by date,
    coloured and shaped by kind, with its hours and who did it in the tooltip.

    ``events``: case, date, activity, worker, organisation, hours, face_to_face (pseudonymised,
    see :func:`workbook_helpers.measures.cases.case_timeline`); ``spans``: case, start, end.
    """
    order = spans["case"].tolist()
    y = alt.Y("case:N", sort=order, title=None)
    lanes = alt.Chart(_records(spans)).mark_rule(color="#b1b4b6", strokeWidth=2).encode(
        y=y, x=alt.X("start:T", title="Date", axis=alt.Axis(format=DATE_FORMAT, labelAngle=0)), x2="end:T"
    )
    frame = events.copy()
    frame["face_to_face"] = frame["face_to_face"].map({True: "yes", False: "no"}).fillna("not recorded")
    kinds = [kind for kind in ACTIVITY_KINDS if kind in set(frame["activity"].astype(str))]
    marks = alt.Chart(_records(frame)).mark_point(filled=True, size=70, opacity=0.9, stroke=INK,
                                                  strokeWidth=0.8).encode(
        y=y,
        x=alt.X("date:T"),
        color=alt.Color("activity:N", title="Activity",
                        scale=alt.Scale(domain=kinds, range=[_KIND_COLOURS[ACTIVITY_KINDS.index(k)] for k in kinds])),
        shape=alt.Shape("activity:N",
                        scale=alt.Scale(domain=kinds, range=[_KIND_SHAPES[ACTIVITY_KINDS.index(k)] for k in kinds])),
        tooltip=[
            alt.Tooltip("case:N", title="Case"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
            alt.Tooltip("activity:N", title="Activity"),
            alt.Tooltip("hours:Q", title="Hours", format=",.2f"),
            alt.Tooltip("face_to_face:N", title="Face to face"),
            alt.Tooltip("worker:N", title="Who"),
            alt.Tooltip("organisation:N", title="Organisation"),
        ],
    )
    chart = alt.layer(lanes, marks).properties(width=WIDTH, height=alt.Step(18))
    return _titled(chart, title, description)


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
        alt.Chart(_records(frame))
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
        alt.Chart(_records(frame))
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
    base = alt.Chart(_records(estimate)).encode(x=alt.X("label:N", title=None, axis=alt.Axis(labelAngle=0)))
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
    return _titled(alt.hconcat(left, right, spacing=24), title, description)


def slope_chart(
    pairs: pd.DataFrame, groups: list[str], title: str, description: str, value_title: str,
    value_format: str = ",.1f",
) -> alt.LayerChart:
    """Paired values as lines from the first group to the second, one per pair.

    ``pairs``: pair (pseudonym), group, value.
    """
    base = alt.Chart(_records(pairs)).encode(
        x=alt.X("group:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
        detail="pair:N",
        tooltip=[alt.Tooltip("pair:N", title="Pair"), alt.Tooltip("group:N", title="Cohort"),
                 alt.Tooltip("value:Q", title=value_title, format=value_format)],
    )
    chart = alt.layer(base.mark_line(color=COMMON_COLOUR, opacity=0.6), base.mark_point(filled=True, color=INK))
    return _titled(chart.properties(width=240, height=240), title, description)


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
        alt.Chart(_records(curve)).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            x=days, y=share,
            color=alt.Color("group:N", scale=colours, title=None),
            strokeDash=alt.StrokeDash("group:N", scale=dashes, title=None),
            tooltip=tips,
        ),
    ]
    if marks is not None and len(marks):
        layers.append(alt.Chart(_records(marks)).mark_point(shape="cross", filled=True, size=60, opacity=0.9).encode(
            x=days, y=share, color=alt.Color("group:N", scale=colours, title=None),
            tooltip=[alt.Tooltip("group:N", title="Cohort"),
                     alt.Tooltip("days:Q", title="Last seen open after (days)", format=",.0f"),
                     alt.Tooltip("left_open:Q", title="Cases", format=",.0f")],
        ))
    if len(medians):
        points = medians.assign(half=0.5, label=[f"median {plural(d, 'day')}" for d in medians["median_days"]])
        base = alt.Chart(_records(points)).encode(x=alt.X("median_days:Q"), y=alt.Y("half:Q"))
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
    return _titled(chart, title, description)


def describe_time_to_close(summary: pd.DataFrame, still_open: dict | None = None) -> str:
    """The text alternative of a time-to-close chart, from
    :func:`workbook_helpers.measures.time_to_close.time_to_close`'s summary: each group's median and how
    many of its cases are still open (``still_open``: ``{group: count or "[c]"}`` as the report
    may give them; the summary's own counts when not given). In a public report it says the
    curves stop where fewer than ``suppress_below`` cases remain."""
    publishing = audience.hides_small_numbers()
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
        elif audience.hides(count):
            still = f"{disclosure.SUPPRESSED} cases still open"
        else:
            still = f"{plural(count, 'case')} still open"
        who = "all cases" if row["group"] == "all cases" else f"the {row['group']} cohort"
        parts.append(f"{who} ({said}, {still})")
    text = ("Step chart of the share of cases still open by days since opening, for "
            + join_words(parts) + ". Each curve drops where cases closed; a dashed line marks half.")
    if publishing:
        text += (f" The curves stop where fewer than {audience.suppress_below()} cases of a cohort were "
                 "still open, as steps resting on so few would show what happened to one or two people.")
    else:
        text += " Crosses mark the days on which cases still open were last seen."
    return text


# --------------------------------------------------------------------------------------------
# Handoffs between organisations

_MAP_SCHEME = "blues"
_MAP_CELL = 58  # pixels a side


def handoff_map(frame: pd.DataFrame, groups: list[str], title: str, description: str) -> alt.FacetChart:
    """A from-to grid of handoffs per case, one panel per group side by side on one colour
    scale, each cell's figure written in it (so colour is never the only cue, and the chart
    reads on paper).

    ``frame`` is :meth:`workbook_helpers.workbooks.handoffs.HandoffView.map_frame`: ``group``,
    ``from_organisation`` (rows), ``to_organisation`` (columns), ``per_case`` and ``handoffs``
    (missing where the report hides them), ``cases`` and ``suppressed`` (written ``[c]``).
    """
    data = frame.copy()
    organisations = list(dict.fromkeys(data["from_organisation"]))
    top = float(data["per_case"].max()) if data["per_case"].notna().any() else 1.0
    data["label"] = [
        disclosure.SUPPRESSED if hidden else ("0" if value == 0 else f"{value:.1f}" if value >= 0.05 else "<0.1")
        for value, hidden in zip(data["per_case"], data["suppressed"])
    ]
    # Dark cells take white words: the colour scale runs from near white to dark blue.
    # (white on the darker blues meets 4.5:1; dark ink on the lighter ones).
    data["dark"] = (data["per_case"].fillna(0) > 0.72 * top).to_numpy()
    y = alt.Y("from_organisation:N", sort=organisations, title="From",
              axis=alt.Axis(labelLimit=190, labelFontSize=11))
    x = alt.X("to_organisation:N", sort=organisations, title="To",
              axis=alt.Axis(labelAngle=-35, labelLimit=150, labelFontSize=11, orient="bottom"))
    tooltip = [
        alt.Tooltip("group:N", title="Cohort"),
        alt.Tooltip("from_organisation:N", title="From"),
        alt.Tooltip("to_organisation:N", title="To"),
        alt.Tooltip("per_case:Q", title="Handoffs per case", format=",.2f"),
        alt.Tooltip("handoffs:Q", title="Handoffs", format=",d"),
        alt.Tooltip("cases:Q", title="Cases", format=",d"),
    ]
    base = alt.Chart().encode(x=x, y=y)
    cells = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("per_case:Q", title="Handoffs per case",
                        scale=alt.Scale(scheme=_MAP_SCHEME, domain=[0, top], nice=False),
                        legend=alt.Legend(orient="right", format=".1f", gradientLength=120)),
        tooltip=tooltip,
    )
    # A hidden cell keeps its place: an outlined square with [c] in it.
    hidden_cells = base.transform_filter("datum.suppressed").mark_rect(
        fill="white", stroke=MUTED, strokeWidth=1, strokeDash=[3, 2])
    words = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value(INK)),
    )
    layered = alt.layer(cells, hidden_cells, words, data=_dataset(data)).properties(
        width=_MAP_CELL * len(organisations), height=_MAP_CELL * len(organisations))
    chart = layered.facet(
        column=alt.Column("group:N", sort=groups, title=None,
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        spacing=28,
    ).resolve_scale(color="shared")
    return _titled(chart, title, description)


# --------------------------------------------------------------------------------------------
# The change at a glance (before and after)

#: How each verdict is drawn: colour, shape and the word written beside the dot.
VERDICT_STYLES = {
    "better": ("#0072B2", "circle"),
    "worse": ("#B35900", "square"),
    "no clear change": ("#505a5f", "diamond"),
    "not judged: no direction set": ("#505a5f", "cross"),
    "too few cases to judge": ("#505a5f", "stroke"),
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
        base = alt.Chart(_dataset(data)).encode(
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
    return _titled(chart, title, description)


_GLANCE_WIDTH = 300


def _panel_title(panel: str) -> str:
    if panel == "percent":
        return "Counts, hours and days per case: percentage change"
    if panel == "points":
        return "Shares: change in percentage points"
    return f"{panel.split(': ', 1)[-1]}: change in its own units"
