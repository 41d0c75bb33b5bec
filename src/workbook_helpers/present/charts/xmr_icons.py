"""XmR charts with their Making Data Count icons beside them, and small multiples (one
panel per team) for the service-wide view of team performance."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from workbook_helpers.present import icons
from workbook_helpers.spc import xmr as spc
from workbook_helpers.formatting import join_words, plural
from workbook_helpers.present.palette import INK, MUTED
from workbook_helpers.present.charts.theme import WIDTH, titled
from workbook_helpers.present.charts.xmr import point_styles, xmr_frame, xmr_layer
from workbook_helpers.present.charts.xmr_words import VARIATION_PHRASES, checked_unit, with_changes


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
    unit = checked_unit(unit)
    if summary is None:
        summary = spc.xmr_summary(points)
    if not isinstance(summary, dict) or "variation" not in summary:
        raise ValueError("summary must be a dict from spc.xmr_summary() with a 'variation' key.")
    variation = summary["variation"]
    assurance = summary.get("assurance")
    variation_words = icons.icon_style(icons._check_variation(variation))["words"]
    assurance_words = icons.ASSURANCE_WORDS[icons._check_assurance(assurance)]
    frame = xmr_frame(points, unit)
    chart = xmr_layer(frame, unit, y_title, x_title, styles=point_styles(frame["point_type"]),
                       annotations=annotations, width=width, height=height)
    panel = _icon_panel(variation, assurance, height)
    words = f"Variation: {variation_words}. Assurance: {assurance_words}."
    said = (variation_words, VARIATION_PHRASES[variation])  # as here, or describe_xmr_summary
    if not any(phrase in description for phrase in said):
        description = f"{description.rstrip()} {words}".strip()
    description = with_changes(description, points, unit, x_title, annotations)
    combined = alt.hconcat(chart, panel, spacing=16)
    return titled(combined, title, description, subtitle)


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
    unit = checked_unit(unit)
    if frame.empty:
        raise ValueError("frame has no points to chart.")
    if "team" not in frame:
        raise ValueError("frame is missing column team; pass one row per team and point.")
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be a whole number of 1 or more, not {columns!r}.")
    teams = frame["team"].astype(str).drop_duplicates().tolist()
    styles = point_styles(frame["point_type"])  # one key for the whole grid
    summaries = summaries or {}
    panels = []
    for team in teams:
        rows = frame[frame["team"].astype(str) == team]
        panel_frame = xmr_frame(rows, unit)
        summary = summaries.get(team) or {}
        lines = _short_words(summary.get("variation"), summary.get("assurance"))
        if summaries and not lines:
            lines = ["\u00a0", "\u00a0"]  # keeps the panels of a row level
        heading = alt.Title(team, subtitle=lines or alt.Undefined, fontSize=13, subtitleFontSize=11)
        # Properties are given as each chart is made: every later change copies it whole.
        panels.append(xmr_layer(
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
        changes = with_changes("", team_points, unit, x_title, (annotations or {}).get(team))
        if changes:
            description += f" {team}: {changes[:1].lower()}{changes[1:]}"
    return alt.vconcat(
        *rows, spacing=20, title=title, description=description,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="shared", shape="shared")),
    )
