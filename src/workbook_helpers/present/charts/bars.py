"""Bar charts of counts: value and failure demand, Pareto charts, ranked bars and stacked bars.

They draw the frames they are given and never decide what to hide. A chart of counts takes
what the audience layer (:func:`workbook_helpers.privacy.chart_counts.protect_chart_counts`) made
of them: the frame with gaps where counts are hidden and a ``suppressed`` flag per row (so the
report's table of the data behind the chart shows ``[c]`` there), and the sentence added to the
description, as a pair ``(frame, note)``. A plain frame (hours, amounts, or counts in a report
that hides nothing) is drawn as it is.
"""

from __future__ import annotations

import json

import altair as alt

from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.present.palette import FAILURE_COLOUR, INK, UNCLASSIFIED_COLOUR, VALUE_COLOUR
from workbook_helpers.present.charts.theme import WIDTH, protected_frame, records, titled, with_note


def value_failure_bars(table: object, by: str, title: str, description: str) -> alt.Chart:
    """Horizontal stacked bars of value and failure demand per ``by`` group, with the failure share
    written at the end of each bar. Takes :func:`workbook_helpers.measures.demand.value_failure_by`.

    ``table`` is the frame or, in a report that hides small numbers, what
    :func:`workbook_helpers.privacy.chart_counts.protect_value_failure` made of it: its hidden
    counts are gaps, a failure share flagged ``share_hidden`` is written ``[c]``, and the
    share's label sits at the end of what is drawn; the description says how many values are
    not shown.
    """
    parts = ["value", "failure", "unclassified"]
    table, note = protected_frame(table)
    protected = "suppressed" in table
    labelled = table.copy()
    if protected:
        share_hidden = labelled["share_hidden"].to_numpy()
        labelled["failure_share"] = labelled["failure_share"].mask(share_hidden)
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
    base = alt.Chart(records(long))
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
        alt.Chart(records(labelled[label_columns]))
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
    return titled(chart, title, with_note(description, note))


def pareto_chart(
    table: object, category: str, title: str, description: str, colour: str = FAILURE_COLOUR,
) -> alt.LayerChart:
    """Bars of each category's count, largest first, with the cumulative share as a line on a
    second axis. Takes :func:`workbook_helpers.measures.demand.pareto` output.

    ``table`` is the frame, or the pair ``(frame, note)`` the audience layer made of it (the
    shares give the total away, so it is protected against the column's total): a hidden count
    is a gap marked ``[c]``, the share of a hidden bar is hidden, and the cumulative line stops
    before the first hidden bar (each step of it is a bar's share). The description says how
    many values are not shown."""
    table, note = protected_frame(table)
    if "suppressed" in table:
        table = table.copy()
        table["share"] = table["share"].mask(table["suppressed"])
        after_first = table["suppressed"].cummax()
        table["cumulative_share"] = table["cumulative_share"].mask(after_first)
        table["suppressed"] = after_first.to_numpy()
    order = table[category].tolist()
    base = alt.Chart(records(table)).encode(
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
        ).encode(y=alt.Y("zero:Q", title="Demands"), text=alt.value(SUPPRESSED))
        counted = alt.layer(bars, gaps)
    chart = alt.layer(counted, line).resolve_scale(y="independent").properties(width=WIDTH, height=240)
    return titled(chart, title, with_note(description, note))


def ranked_bars(
    table: object, category: str, count: str, title: str, description: str,
    colour: str = VALUE_COLOUR, count_title: str = "Demands",
) -> alt.LayerChart:
    """Horizontal bars, largest at the top, each labelled with its count.

    ``table`` is the frame (hours, amounts, or counts as they may be shown), or the pair
    ``(frame, note)`` the audience layer made of counts: a hidden count is a gap labelled
    ``[c]``, and the description says how many values are not shown."""
    table, note = protected_frame(table)
    order = table[category].tolist()
    base = alt.Chart(records(table)).encode(
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
        + (f"'{SUPPRESSED}'" if "suppressed" in table else "''"),
    )
    chart = alt.layer(base.mark_bar(color=colour), labels).properties(width=WIDTH - 200, height=alt.Step(24))
    return titled(chart, title, with_note(description, note))


def stacked_bars(
    table: object, category: str, parts: dict[str, str], colours: list[str],
    title: str, description: str, count_title: str, value_format: str = ",.0f",
) -> alt.Chart:
    """Horizontal bars per ``category``, split into ``parts`` (column -> label) in that order.

    ``table`` is the frame (hours, amounts, or counts as they may be shown), or the pair
    ``(frame, note)`` the audience layer made of counts: a hidden part is a gap, ``[c]`` is
    written at the end of what is drawn of its bar, and the description says how many values
    are not shown.
    """
    table, note = protected_frame(table)
    id_vars = [category] + (["suppressed"] if "suppressed" in table else [])
    long = table.melt(id_vars=id_vars, value_vars=list(parts), var_name="part", value_name="amount")
    if "suppressed" in long:
        long["suppressed"] = long["amount"].isna() & long["suppressed"]
    long["part"] = long["part"].map(parts)
    labels = list(parts.values())
    data = records(long)
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
                text=alt.value(SUPPRESSED),
            )
        )
        chart = alt.layer(chart, gaps)
    chart = chart.properties(width=WIDTH - 140, height=alt.Step(30))
    return titled(chart, title, with_note(description, note))
