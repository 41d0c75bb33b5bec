"""Charts of a case review: each case's measures as dot plots, the journeys on a timeline,
and the handoff map between organisations."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbook_helpers.privacy import disclosure
from workbook_helpers.present.palette import INK, MUTED, PALE, RULE
from workbook_helpers.present.palette import CATEGORIES as PALETTE
from workbook_helpers.present.charts.theme import DATE_FORMAT, WIDTH, dataset, records, titled


ACTIVITY_KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
# The categories' colours in another order, so an assessment stands out; closure in ink, other pale.
_KIND_COLOURS = [PALETTE[1], PALETTE[4], PALETTE[0], PALETTE[5], PALETTE[3], PALETTE[2], PALETTE[7], INK, PALE]
# Each kind has its own shape as well as its own colour: colour is never the only cue.
_KIND_SHAPES = ["diamond", "triangle-up", "circle", "triangle-left", "square", "triangle-down", "cross", "triangle-right", "wedge"]


def case_distributions(
    long: pd.DataFrame, title: str, description: str, groups: list[str] | None = None
) -> alt.FacetChart:
    """One row of dots per measure, a dot per case, so the spread and the odd case both show.

    Takes a long frame: ``case`` (pseudonym), ``measure`` (label), ``value``, ``group`` (cohort).
    """
    groups = groups or sorted(long["group"].astype(str).unique())
    chart = (
        alt.Chart(records(long))
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
    return titled(chart, title, description)


def journey_timeline(
    events: pd.DataFrame, spans: pd.DataFrame, title: str, description: str
) -> alt.LayerChart:
    """A lane per case: a line from start to end, and each activity as a mark placed by date,
    coloured and shaped by kind, with its hours and who did it in the tooltip.

    ``events``: case, date, activity, worker, organisation, hours, face_to_face (pseudonymised,
    see :func:`workbook_helpers.measures.case_summaries.case_timeline`); ``spans``: case, start, end.
    """
    order = spans["case"].tolist()
    y = alt.Y("case:N", sort=order, title=None)
    lanes = alt.Chart(records(spans)).mark_rule(color=RULE, strokeWidth=2).encode(
        y=y, x=alt.X("start:T", title="Date", axis=alt.Axis(format=DATE_FORMAT, labelAngle=0)), x2="end:T"
    )
    frame = events.copy()
    frame["face_to_face"] = frame["face_to_face"].map({True: "yes", False: "no"}).fillna("not recorded")
    kinds = [kind for kind in ACTIVITY_KINDS if kind in set(frame["activity"].astype(str))]
    marks = alt.Chart(records(frame)).mark_point(filled=True, size=70, opacity=0.9, stroke=INK,
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
    return titled(chart, title, description)


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
    layered = alt.layer(cells, hidden_cells, words, data=dataset(data)).properties(
        width=_MAP_CELL * len(organisations), height=_MAP_CELL * len(organisations))
    chart = layered.facet(
        column=alt.Column("group:N", sort=groups, title=None,
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        spacing=28,
    ).resolve_scale(color="shared")
    return titled(chart, title, description)
