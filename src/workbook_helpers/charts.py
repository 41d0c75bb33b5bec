"""Charts: one theme, and builders that take tidy, already-aggregated frames and return Altair charts.

Builders never aggregate raw rows: what they are given is what the report carries, which keeps
reports small and makes every chart traceable to a table. Each chart has a title and a
one-sentence ``description`` (its text alternative, read out by screen readers and printed under
the chart in the report).

Colours are the Okabe-Ito colour-blind-safe palette; colour is never the only cue (special-cause
points also differ in shape, and bars are labelled).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from . import spc
from .outputs import VEGALITE_MIMETYPE

THEME = "service_workbooks"
FONT = "Arial, Helvetica, sans-serif"
INK = "#1a1a1a"
MUTED = "#505a5f"  # 7:1 on white
VALUE_COLOUR = "#0072B2"  # Okabe-Ito blue
FAILURE_COLOUR = "#D55E00"  # Okabe-Ito vermillion
UNCLASSIFIED_COLOUR = "#999999"
IMPROVEMENT_COLOUR = "#0072B2"
CONCERN_COLOUR = "#E69F00"  # Okabe-Ito orange, as Making Data Count uses orange for concern
NEUTRAL_COLOUR = "#882D9E"  # purple
COMMON_COLOUR = "#6b7378"
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882D9E", "#6b7378"]
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
        "gridColor": "#e5e5e5",
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
    """Give both the Vega-Lite spec (which the report embeds) and HTML (which JupyterLab shows)."""
    from altair.vegalite.v6.display import html_renderer

    bundle = dict(html_renderer(spec, **metadata))
    bundle[VEGALITE_MIMETYPE] = spec
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    bundle["text/plain"] = f"Chart: {title or spec.get('description') or 'untitled'}"
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


# --------------------------------------------------------------------------------------------
# builders


def value_failure_bars(table: pd.DataFrame, by: str, title: str, description: str) -> alt.Chart:
    """Horizontal stacked bars of value and failure demand per ``by`` group, with the failure share
    written at the end of each bar. Takes :func:`workbook_helpers.demand.value_failure_by`."""
    long = table.melt(
        id_vars=[by, "demand", "failure_share"],
        value_vars=["value", "failure", "unclassified"],
        var_name="class",
        value_name="count",
    )
    long = long[long["count"] > 0]
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
    labels = (
        alt.Chart(_records(table))
        .mark_text(align="left", dx=4)
        .encode(
            y=alt.Y(f"{by}:N", sort=order),
            x=alt.X("demand:Q"),
            text=alt.Text("label:N"),
        )
        .transform_calculate(
            label="isValid(datum.failure_share) ? format(datum.failure_share, '.0%') + ' failure' : ''"
        )
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH - 120, height=alt.Step(28))
    return _titled(chart, title, description)


def pareto_chart(
    table: pd.DataFrame, category: str, title: str, description: str, colour: str = FAILURE_COLOUR
) -> alt.LayerChart:
    """Bars of each category's count, largest first, with the cumulative share as a line on a
    second axis. Takes :func:`workbook_helpers.demand.pareto` output."""
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
    chart = alt.layer(bars, line).resolve_scale(y="independent").properties(width=WIDTH, height=240)
    return _titled(chart, title, description)


def ranked_bars(
    table: pd.DataFrame, category: str, count: str, title: str, description: str,
    colour: str = VALUE_COLOUR, count_title: str = "Demands",
) -> alt.LayerChart:
    """Horizontal bars, largest at the top, each labelled with its count."""
    order = table[category].tolist()
    base = alt.Chart(_records(table)).encode(
        y=alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{count}:Q", title=count_title, axis=alt.Axis(format=",d")),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
            alt.Tooltip(f"{count}:Q", title=count_title, format=","),
        ],
    )
    chart = alt.layer(
        base.mark_bar(color=colour), base.mark_text(align="left", dx=3).encode(text=alt.Text(f"{count}:Q", format=","))
    ).properties(width=WIDTH - 200, height=alt.Step(24))
    return _titled(chart, title, description)


_POINT_STYLE = {
    "common_cause": ("Common cause", COMMON_COLOUR, "circle"),
    "special_cause_improvement": ("Special cause: improvement", IMPROVEMENT_COLOUR, "triangle-up"),
    "special_cause_concern": ("Special cause: concern", CONCERN_COLOUR, "square"),
    "special_cause_neutral_high": ("Special cause: high", NEUTRAL_COLOUR, "triangle-up"),
    "special_cause_neutral_low": ("Special cause: low", NEUTRAL_COLOUR, "triangle-down"),
}


def xmr_chart(
    points: pd.DataFrame,
    title: str,
    description: str,
    y_title: str,
    percent: bool = False,
    height: int = 220,
    subtitle: str | None = None,
    x_title: str = "Week beginning",
) -> alt.LayerChart:
    """A process-behaviour (XmR) chart from :func:`workbook_helpers.spc.xmr` output: the values
    joined by a line, the mean, the process limits (dashed), and special-cause points marked by
    colour and shape, with tooltips."""
    value_format = ".0%" if percent else ",.0f"
    tip_format = ".1%" if percent else ",.1f"
    frame = points[["x", "value", "mean", "lpl", "upl", "point_type", "special_cause_type"]].copy()
    frame["point"] = frame["point_type"].map(lambda t: _POINT_STYLE[t][0])
    frame["special_cause_type"] = frame["special_cause_type"].fillna("none").str.replace("_", " ")
    temporal = pd.api.types.is_datetime64_any_dtype(frame["x"])
    x = alt.X(
        "x:T" if temporal else "x:Q",
        title=x_title if temporal else None,
        axis=alt.Axis(format=DATE_FORMAT if temporal else "d", labelAngle=0, tickCount=6),
    )
    y_scale = alt.Scale(zero=False, nice=True)
    base = alt.Chart(_records(frame)).encode(x=x)
    present = set(frame["point_type"]) | {"common_cause"}  # the key lists only what is drawn
    styles = [style for kind, style in _POINT_STYLE.items() if kind in present]
    line = base.mark_line(color=COMMON_COLOUR, strokeWidth=1.5).encode(
        y=alt.Y("value:Q", title=y_title, scale=y_scale, axis=alt.Axis(format=value_format))
    )
    mean = base.mark_line(color=INK, strokeWidth=1.2).encode(y="mean:Q")
    upper = base.mark_line(color=MUTED, strokeDash=[5, 4], strokeWidth=1.2).encode(y="upl:Q")
    lower = base.mark_line(color=MUTED, strokeDash=[5, 4], strokeWidth=1.2).encode(y="lpl:Q")
    dots = base.mark_point(filled=True, size=55, opacity=1).encode(
        y="value:Q",
        color=alt.Color(
            "point:N",
            scale=alt.Scale(domain=[s[0] for s in styles], range=[s[1] for s in styles]),
            legend=alt.Legend(title=None, orient="bottom", columns=3),
        ),
        shape=alt.Shape(
            "point:N", scale=alt.Scale(domain=[s[0] for s in styles], range=[s[2] for s in styles])
        ),
        tooltip=[
            alt.Tooltip("x:T" if temporal else "x:Q", title=x_title if temporal else "Point",
                        format=DATE_FORMAT if temporal else "d"),
            alt.Tooltip("value:Q", title=y_title, format=tip_format),
            alt.Tooltip("mean:Q", title="Mean", format=tip_format),
            alt.Tooltip("lpl:Q", title="Lower limit", format=tip_format),
            alt.Tooltip("upl:Q", title="Upper limit", format=tip_format),
            alt.Tooltip("point:N", title="Variation"),
            alt.Tooltip("special_cause_type:N", title="Rule"),
        ],
    )
    chart = alt.layer(line, upper, lower, mean, dots).properties(width=WIDTH, height=height)
    return _titled(chart, title, description, subtitle)


def xmr_panels(charts: list[alt.LayerChart], title: str, description: str) -> alt.VConcatChart:
    """Several XmR charts stacked, one per group, sharing a heading."""
    # Each panel keys only the kinds of point it draws.
    combined = alt.vconcat(*charts, spacing=28).resolve_scale(color="independent", shape="independent")
    return _titled(combined, title, description)


def describe_xmr(points: pd.DataFrame, measure: str, percent: bool = False, unit: str = "week") -> str:
    """One sentence on what an XmR chart shows, for its text alternative; ``unit`` names what
    each point is (a week, a case)."""
    summary = spc.xmr_summary(points)
    fmt = (lambda v: f"{v * 100:.0f}%") if percent else (lambda v: f"{v:,.0f}")
    mean = points["mean"].iloc[-1]
    sentence = (
        f"{measure} over {len(points)} {unit if len(points) == 1 else unit + 's'}: average {fmt(mean)}, with process limits from "
        f"{fmt(max(points['lpl'].iloc[-1], 0))} to {fmt(points['upl'].iloc[-1])}; "
    )
    special = summary["special_cause_points"]
    if special:
        sentence += f"{special} {'point shows' if special == 1 else 'points show'} special-cause variation."
    else:
        sentence += "all points show common-cause variation only."
    return sentence


# --------------------------------------------------------------------------------------------
# case review

ACTIVITY_KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
_KIND_COLOURS = ["#D55E00", "#E69F00", "#0072B2", "#56B4E9", "#CC79A7", "#009E73", "#6b7378", "#1a1a1a", "#b0b0b0"]
# Each kind has its own shape as well as its own colour: colour is never the only cue.
_KIND_SHAPES = ["diamond", "triangle-up", "circle", "triangle-left", "square", "triangle-down", "cross", "triangle-right", "wedge"]


def stacked_bars(
    table: pd.DataFrame, category: str, parts: dict[str, str], colours: list[str],
    title: str, description: str, count_title: str, value_format: str = ",.0f",
) -> alt.Chart:
    """Horizontal bars per ``category``, split into ``parts`` (column -> label) in that order."""
    long = table.melt(id_vars=[category], value_vars=list(parts), var_name="part", value_name="amount")
    long["part"] = long["part"].map(parts)
    labels = list(parts.values())
    chart = (
        alt.Chart(_records(long))
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
        .properties(width=WIDTH - 140, height=alt.Step(30))
    )
    return _titled(chart, title, description)


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
    see :func:`workbook_helpers.cases.case_timeline`); ``spans``: case, start, end.
    """
    order = spans["case"].tolist()
    y = alt.Y("case:N", sort=order, title=None)
    lanes = alt.Chart(_records(spans)).mark_rule(color="#b1b4b6", strokeWidth=2).encode(
        y=y, x=alt.X("start:T", title="Date", axis=alt.Axis(format=DATE_FORMAT, labelAngle=0)), x2="end:T"
    )
    frame = events.copy()
    frame["face_to_face"] = frame["face_to_face"].map({True: "yes", False: "no"}).fillna("not recorded")
    kinds = [kind for kind in ACTIVITY_KINDS if kind in set(frame["activity"].astype(str))]
    marks = alt.Chart(_records(frame)).mark_point(filled=True, size=70, opacity=0.9).encode(
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
