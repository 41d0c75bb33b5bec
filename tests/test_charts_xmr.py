"""XmR charts (:mod:`workbook_helpers.present.charts.xmr`, ``xmr_icons``) with targets, rebasing,
units, gaps and annotations, with the Making Data Count icons, and small multiples. Checked on the
Vega-Lite specs (chart.to_dict()). Their sentences are in ``test_charts_xmr_words.py``."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from chart_specs import data_values, layers, mark, target_lines, y_field
from workbook_helpers.present import charts, icons, palette
from workbook_helpers.spc import xmr as spc

MONTHS = pd.date_range("2023-04-01", periods=24, freq="MS")
WEEKS = pd.date_range("2024-04-01", periods=20, freq="7D")


def _points(values=None, dates=MONTHS, improvement="decrease") -> pd.DataFrame:
    rng = np.random.default_rng(7)
    values = rng.normal(30, 3, len(dates)) if values is None else values
    return spc.xmr(values, dates=dates, improvement=improvement)


def _rebased() -> pd.DataFrame:
    """Two stretches of 12 months, each with limits of its own, as a rebased xmr() gives them."""
    rng = np.random.default_rng(3)
    first = spc.xmr(rng.normal(30, 3, 16), dates=MONTHS[:16], improvement="decrease")
    second = spc.xmr(rng.normal(20, 3, 16), dates=pd.date_range(MONTHS[16], periods=16, freq="MS"),
                     improvement="decrease")
    frame = pd.concat([first.assign(rebase_group=0), second.assign(rebase_group=1)], ignore_index=True)
    frame.attrs["improvement"] = "decrease"
    return frame


# --------------------------------------------------------------------------------------------
# xmr_chart


def test_existing_calls_still_work():
    points = _points(dates=WEEKS)
    chart = charts.xmr_chart(points, "Failure share", "A description.", "Share", True)
    spec = chart.to_dict()
    assert spec["title"] == "Failure share" and spec["description"] == "A description."
    assert not target_lines(spec)
    axis = next(l for l in layers(spec) if y_field(l) == "value")["encoding"]["y"]["axis"]
    assert axis["format"] == ".0%"
    # subtitle, height and x_title as before
    spec = charts.xmr_chart(points, "t", "d", "Demands", height=150, subtitle="Sub", x_title="Week").to_dict()
    assert spec["height"] == 150 and spec["title"]["subtitle"] == "Sub"


def test_target_layer_only_when_a_target_is_present():
    points = _points()
    assert not target_lines(charts.xmr_chart(points, "t", "d", "Days", unit="days").to_dict())
    no_target = points.assign(target=np.nan)
    assert not target_lines(charts.xmr_chart(no_target, "t", "d", "Days", unit="days").to_dict())

    with_target = points.assign(target=[np.nan] * 6 + [25.0] * 18)
    spec = charts.xmr_chart(with_target, "t", "d", "Days", unit="days").to_dict()
    (line,) = target_lines(spec)
    assert line["encoding"]["y"]["field"] == "target"
    assert mark(line)["strokeDash"]  # dashed as well as coloured
    labels = [row["target_label"] for row in data_values(spec) if row.get("target_label")]
    assert labels == ["Target: 25"]
    # and in the tooltips of the points
    dots = next(l for l in layers(spec) if mark(l)["type"] == "point")
    assert "Target" in [tip.get("title") for tip in dots["encoding"]["tooltip"]]


def test_a_changed_target_is_drawn_as_separate_runs():
    points = _points().assign(target=[25.0] * 12 + [20.0] * 12)
    spec = charts.xmr_chart(points, "t", "d", "Days", unit="days").to_dict()
    (line,) = target_lines(spec)
    assert line["encoding"]["detail"]["field"] == "target_segment"
    rows = data_values(spec)
    assert len({row["target_segment"] for row in rows}) == 2
    assert [row["target_label"] for row in rows if row.get("target_label")] == ["Target: 25", "Target: 20"]


def test_mean_and_limits_are_drawn_per_rebase_group():
    spec = charts.xmr_chart(_rebased(), "t", "d", "Days", unit="days", x_title="Month").to_dict()
    drawn = layers(spec)
    for field in ("mean", "lpl", "upl"):
        (layer,) = [l for l in drawn if y_field(l) == field or l["encoding"].get("y") == {"field": field, "type": "quantitative"}]
        assert layer["encoding"]["detail"]["field"] == "rebase_group"
    assert {row["rebase_group"] for row in data_values(spec)} == {0, 1}
    # the values themselves stay joined: no detail on the value line
    value_line = next(l for l in drawn if y_field(l) == "value")
    assert "detail" not in value_line["encoding"]
    # a rule marks where the new limits start
    rules = [l for l in drawn if mark(l)["type"] == "rule"]
    assert len(rules) == 1 and rules[0]["transform"][0]["filter"] == "datum.rebase_start"
    assert sum(bool(row["rebase_start"]) for row in data_values(spec)) == 1


def test_without_rebase_group_there_is_one_group_and_no_rule():
    spec = charts.xmr_chart(_points(), "t", "d", "Days").to_dict()
    assert {row["rebase_group"] for row in data_values(spec)} == {0}
    assert not [l for l in layers(spec) if mark(l)["type"] == "rule"]


@pytest.mark.parametrize(
    ("unit", "axis_format", "tip_format"),
    [("count", ",.0f", ",.1f"), ("share", ".0%", ".1%"), ("days", ",.0f", ",.1f"), ("pounds", "$,.0f", "$,.0f")],
)
def test_units_set_axis_and_tooltip_formats(unit, axis_format, tip_format):
    spec = charts.xmr_chart(_points(), "t", "d", "Y", unit=unit).to_dict()
    value_line = next(l for l in layers(spec) if y_field(l) == "value")
    assert value_line["encoding"]["y"]["axis"]["format"] == axis_format
    dots = next(l for l in layers(spec) if mark(l)["type"] == "point")
    value_tip = next(t for t in dots["encoding"]["tooltip"] if t["field"] == "value")
    assert value_tip["format"] == tip_format
    assert spec["config"]["locale"]["number"]["currency"] == ["£", ""]  # "$" formats write £


def test_monthly_dates_are_written_as_months():
    spec = charts.xmr_chart(_points(), "t", "d", "Y").to_dict()
    value_line = next(l for l in layers(spec) if y_field(l) == "value")
    assert value_line["encoding"]["x"]["axis"]["format"] == "%b %Y"
    ends = charts.xmr_chart(_points(dates=MONTHS + pd.offsets.MonthEnd(0)), "t", "d", "Y").to_dict()
    value_line = next(l for l in layers(ends) if y_field(l) == "value")
    assert value_line["encoding"]["x"]["axis"]["format"] == "%b %Y"
    weekly = charts.xmr_chart(_points(dates=WEEKS), "t", "d", "Y").to_dict()
    value_line = next(l for l in layers(weekly) if y_field(l) == "value")
    assert value_line["encoding"]["x"]["axis"]["format"] == charts.theme.DATE_FORMAT


def test_unknown_unit_and_missing_columns_are_refused():
    with pytest.raises(ValueError, match="pounds"):
        charts.xmr_chart(_points(), "t", "d", "Y", unit="money")
    with pytest.raises(ValueError, match="upl"):
        charts.xmr_chart(_points().drop(columns="upl"), "t", "d", "Y")


def test_special_cause_points_differ_in_shape_as_well_as_colour():
    values = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 11, 10, 11, 30]
    points = spc.xmr(values, dates=WEEKS[:15], improvement="decrease")
    assert points["point_type"].iloc[-1] == "special_cause_concern"
    spec = charts.xmr_chart(points, "t", "d", "Y").to_dict()
    dots = next(l for l in layers(spec) if mark(l)["type"] == "point")
    colour, shape = dots["encoding"]["color"]["scale"], dots["encoding"]["shape"]["scale"]
    assert colour["domain"] == shape["domain"]
    assert {"Common cause", "Special cause: concern"} <= set(shape["domain"])
    assert len(set(shape["range"])) == len(shape["domain"])


# --------------------------------------------------------------------------------------------
# xmr_with_icons


def test_xmr_with_icons_shows_the_icons_words():
    points = _rebased().assign(target=20.0)
    summary = {"variation": "improvement_low", "assurance": "inconsistent", "value": 18.0, "mean": 21.0,
               "target": 20.0}
    chart = charts.xmr_with_icons(points, summary, "Median days to complete", "Days, month by month.",
                                  "Days", unit="days", x_title="Month")
    spec = chart.to_dict()
    assert len(spec["hconcat"]) == 2
    text = json.dumps(spec)
    for words in (icons.VARIATION_WORDS["improvement_low"], icons.ASSURANCE_WORDS["inconsistent"]):
        assert json.dumps(words) in text  # as data the panel writes out
        assert words in spec["description"]  # and in the text alternative
    assert spec["description"].startswith("Days, month by month.")
    panel = spec["hconcat"][1]
    texts = [l for l in layers(panel) if mark(l)["type"] == "text"]
    assert {l["encoding"]["text"]["field"] for l in texts} >= {"lines", "letter", "kind"}
    shapes = next(l for l in layers(panel) if mark(l)["type"] == "point")
    assert shapes["encoding"]["shape"] == {"field": "path", "scale": None, "type": "nominal"}
    rows = panel["data"]["values"] if "data" in panel else data_values(spec)
    paths = {row["path"] for row in rows if "path" in row}
    assert paths == {icons.icon_style("improvement_low")["path"], icons.icon_style("inconsistent")["path"]}
    assert target_lines(spec)


def test_xmr_with_icons_does_not_repeat_describe_xmr_summary():
    summary = {"variation": "concern_high", "assurance": None, "value": 40.0, "mean": 30.0}
    sentence = charts.describe_xmr_summary("Median days", summary, "days")
    spec = charts.xmr_with_icons(_points(), summary, "t", sentence, "Days", unit="days").to_dict()
    assert spec["description"] == sentence


def test_xmr_with_icons_without_a_target_or_summary():
    points = _points()
    spec = charts.xmr_with_icons(points, None, "t", "d", "Days", unit="days").to_dict()
    variation = spc.xmr_summary(points)["variation"]
    assert icons.VARIATION_WORDS[variation] in json.dumps(spec)
    assert icons.ASSURANCE_WORDS[None] in json.dumps(spec)
    with pytest.raises(ValueError, match="improvement_high"):
        charts.xmr_with_icons(points, {"variation": "better"}, "t", "d", "Days")


def test_xmr_with_icons_draws_its_words(tmp_path):
    """Rendered (by the same Vega the report bundles), the words are text in the picture."""
    vl_convert = pytest.importorskip("vl_convert")
    summary = {"variation": "concern_high", "assurance": "consistent_fail"}
    spec = charts.xmr_with_icons(_points().assign(target=20.0), summary, "t", "d", "Y",
                                 unit="pounds").to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    assert "Concern: special-cause" in svg and "Missing the target" in svg
    assert "£" in svg and "Target: £20" in svg


# --------------------------------------------------------------------------------------------
# small multiples


def _teams() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frames = []
    for number, team in enumerate(["North", "South <b>", "East", "West"]):
        frame = spc.xmr(rng.normal(0.6, 0.05, 18), dates=MONTHS[:18], improvement="increase")
        frame["team"] = team
        if number % 2:
            frame["target"] = 0.65
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _panels(spec: dict) -> list[dict]:
    return [panel for row in spec["vconcat"] for panel in row["hconcat"]]


def test_small_multiples_has_one_panel_per_team():
    frame = _teams()
    spec = charts.small_multiples(frame, "Completed by the due date", unit="share", columns=3).to_dict()
    panels = _panels(spec)
    titles = [p["title"]["text"] if isinstance(p["title"], dict) else p["title"] for p in panels]
    assert titles == ["North", "South <b>", "East", "West"]
    assert [len(row["hconcat"]) for row in spec["vconcat"]] == [3, 1]
    assert spec["title"] == "Completed by the due date, by team"
    assert "4 teams" in spec["description"]
    # each panel: its own team's data, special causes by shape and colour, one shared key
    for panel in panels:
        dots = next(l for l in layers(panel) if mark(l)["type"] == "point")
        assert {"color", "shape"} <= set(dots["encoding"])
    assert spec["resolve"]["scale"] == {"color": "shared", "shape": "shared"}
    assert len(target_lines(spec)) == 2


def test_small_multiples_with_summaries_words_each_panel():
    summaries = {"North": {"variation": "improvement_high", "assurance": "inconsistent"},
                 "East": {"variation": "common_cause", "assurance": None}}
    spec = charts.small_multiples(_teams(), "On time", unit="share", summaries=summaries).to_dict()
    north, south, east, _ = _panels(spec)
    assert north["title"]["subtitle"] == ["Improving", "Hit and miss"]
    assert east["title"]["subtitle"] == ["No significant change", "No target set"]
    assert "1 team improving" in spec["description"]


def test_small_multiples_needs_teams():
    with pytest.raises(ValueError, match="team"):
        charts.small_multiples(_points(), "X")
    with pytest.raises(ValueError, match="no points"):
        charts.small_multiples(pd.DataFrame(), "X")


def test_describe_xmr_still_works():
    points = _points(dates=WEEKS)
    sentence = charts.describe_xmr(points, "Weekly demands")
    assert sentence.startswith("Weekly demands over 20 weeks: average ")
    money = charts.describe_xmr(points, "Weekly spend", value_unit="pounds")
    assert "average £29" in money and "limits from £22 to £36" in money


def _y_labels(spec: dict) -> list[str]:
    """The y-axis labels of a rendered chart (numbers only; months and titles have letters)."""
    import re

    vl_convert = pytest.importorskip("vl_convert")
    svg = vl_convert.vegalite_to_svg(spec)
    return [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if not re.search("[A-Za-z]", t)]


@pytest.mark.parametrize("unit", ["count", "days", "pounds"])
def test_a_chart_of_small_whole_numbers_labels_each_tick_once(unit):
    # Overdue actions month by month: 0s and 1s. Written without decimals, ticks half a unit
    # apart would read 0, 1, 1: the ticks must be whole numbers.
    values = [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0]
    points = spc.xmr(values, dates=MONTHS[:18], improvement="decrease")
    labels = _y_labels(charts.xmr_chart(points, "t", "d", "Overdue", unit=unit).to_dict())
    assert labels == {"count": ["0", "1"], "days": ["0", "1"], "pounds": ["£0", "£1"]}[unit]
    grid = charts.small_multiples(pd.concat([points.assign(team="A"), points.assign(team="B")]),
                                  "Overdue", unit=unit).to_dict()
    assert len(_y_labels(grid)) == len(set(_y_labels(grid))) * 2  # each panel: 0 and 1 once


def test_wide_charts_keep_the_ticks_vega_chooses():
    points = spc.xmr(list(range(40, 58)), dates=MONTHS[:18], improvement="decrease")
    spec = charts.xmr_chart(points, "t", "d", "Open", unit="count").to_dict()
    value_line = next(l for l in layers(spec) if y_field(l) == "value")
    assert "values" not in value_line["encoding"]["y"]["axis"]


def test_points_have_a_dark_outline_for_contrast():
    # Concern orange (#E69F00) is 2.25:1 on white; a near-black outline gives the mark 3:1 or more.
    from workbook_helpers.present import icons
    from workbook_helpers.spc import xmr as spc

    points = spc.xmr([10, 12, 11, 13, 12] * 3, improvement="increase")
    spec = charts.xmr_chart(points, "T", "D", "Y").to_dict()
    marks = [layer["mark"] for layer in spec["layer"] if isinstance(layer.get("mark"), dict)
             and layer["mark"].get("type") == "point"]
    assert marks and all(icons.contrast_ratio(mark["stroke"], "#ffffff") >= 3 for mark in marks)


# --------------------------------------------------------------------------------------------
# gaps and charts with no variation to judge limits from


@pytest.mark.filterwarnings("ignore::workbook_helpers.spc.xmr.UnreliableLimitsWarning")
def test_a_gap_keeps_its_period_on_the_axis_and_breaks_the_line():
    vl_convert = pytest.importorskip("vl_convert")
    months = pd.date_range("2024-01-31", periods=8, freq="ME")
    points = spc.xmr([1, 2, None, 4, 5, 3, 2, 6], dates=months)
    spec = charts.xmr_chart(points, "t", "d", "Y", x_title="Month").to_dict()
    rows = data_values(spec)
    assert [row["x"] for row in rows] == [f"{m:%Y-%m-%d}" for m in months]  # every month
    gap = rows[2]
    assert gap["value"] is None and gap["point"] == charts.xmr.GAP_LABEL
    assert all(row["point"] == "Common cause" for row in rows if row is not gap)
    # Drawn by the Vega the report bundles: the line of values is two pieces (a move to the
    # start of each), while the mean runs on across the gap's month.
    svg = vl_convert.vegalite_to_svg(spec)
    lines = re.findall(r'class="mark-line role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    paths = [d for group in lines for d in re.findall(r' d="([^"]*)"', group)]
    assert sorted(d.count("M") for d in paths) == [1, 1, 1, 2]


@pytest.mark.filterwarnings("ignore::workbook_helpers.spc.xmr.UnreliableLimitsWarning")
def test_describe_xmr_says_how_many_periods_had_nothing_to_measure():
    months = pd.date_range("2024-01-31", periods=8, freq="ME")
    points = spc.xmr([1, 2, None, 4, 5, 3, 2, 6], dates=months)
    # Seven values: mean 23 / 7 = 3.29; moving ranges |2-1|, |5-4|, |3-5|, |2-3|, |6-2| (none to
    # or from the gap) = 1, 1, 2, 1, 4, mean 1.8: limits 3.29 -/+ 4.79 = -1.5 (shown as 0) and 8.07.
    assert charts.describe_xmr(points, "Items", unit="month") == (
        "Items over 8 months (1 with nothing to measure): average 3, with process limits from 0 to "
        "8; all points show common-cause variation only."
    )


FLAT_WITH_ONE = [0] * 5 + [1] + [0] * 9


def test_a_chart_with_no_variation_has_no_limit_lines_and_says_why():
    points = spc.xmr(FLAT_WITH_ONE, dates=WEEKS[:15], improvement="decrease", target=2)
    assert charts.describe_xmr(points, "Weekly complaints") == (
        "Weekly complaints over 15 weeks: average 0; no variation to judge limits from, as the "
        "value hardly changes from one week to the next, so no week can be called unusual."
    )
    spec = charts.xmr_chart(points, "t", "d", "Complaints").to_dict()
    rows = data_values(spec)
    assert len(rows) == 15
    assert all(row["lpl"] is None and row["upl"] is None for row in rows)  # no limit is drawn
    assert {row["point"] for row in rows} == {"Common cause"}

    summary = spc.xmr_summary(points)
    sentence = charts.describe_xmr_summary("Complaints", summary, "count")
    assert sentence == (
        "Complaints: latest 0 (8 July 2024), average 0; no variation to judge limits from, and the target of 2 "
        "cannot be judged without limits."
    )
    with_icons = charts.xmr_with_icons(points, summary, "t", sentence, "Complaints").to_dict()
    text = json.dumps(with_icons)
    assert json.dumps(icons.VARIATION_WORDS["no_variation"]) in text
    assert json.dumps(icons.ASSURANCE_WORDS["not_judged"]) in text
    assert with_icons["description"] == sentence  # already says it: not repeated


def test_a_trend_in_a_chart_with_no_variation_is_still_told():
    # Fifteen 0s then 1 to 6 (see test_xmr): no variation to judge limits from, but a trend of 7.
    points = spc.xmr([0] * 15 + [1, 2, 3, 4, 5, 6], improvement="increase")
    sentence = charts.describe_xmr(points, "Items a week")
    assert "no variation to judge limits from" in sentence
    assert sentence.endswith("but 7 points show special-cause variation.")


def test_small_multiples_word_a_team_with_no_variation():
    frame = pd.concat([
        spc.xmr(FLAT_WITH_ONE, dates=MONTHS[:15], improvement="decrease").assign(team="Quiet"),
        spc.xmr([3, 5] * 7 + [4], dates=MONTHS[:15], improvement="decrease").assign(team="Busy"),
    ], ignore_index=True)
    summaries = {team: spc.xmr_summary(rows) for team, rows in frame.groupby("team")}
    spec = charts.small_multiples(frame, "Overdue", summaries=summaries).to_dict()
    subtitles = {panel["title"]["text"]: panel["title"]["subtitle"] for panel in _panels(spec)}
    assert subtitles["Quiet"] == ["No variation to judge limits from", "No target set"]
    assert subtitles["Busy"][0] == "No significant change"
    assert "1 team no variation to judge limits from" in spec["description"]


# --------------------------------------------------------------------------------------------
# Rebasing named, and annotations (issue 16)


def _stepped() -> pd.DataFrame:
    # Ten months of 60, 62, 58, ... then eight of 40, 42, 38, ...; rebased at the eleventh.
    values = [60, 62, 58, 60, 62, 58, 60, 62, 58, 60, 40, 42, 38, 40, 42, 38, 40, 42]
    with pytest.warns(spc.UnreliableLimitsWarning):
        return spc.xmr(values, dates=pd.date_range("2024-04-30", periods=18, freq="ME"),
                       rebase_at=pd.Timestamp("2025-02-28"), improvement="decrease")


def test_describe_rebase_names_the_month_and_each_stretch():
    # First stretch: mean (60+62+58) x 3 + 60 = 600 / 10 = 60; moving ranges 2, 4, 2 repeating
    # (2,4,2,2,4,2,2,4,2): 24 / 9 = 2.667; limits 60 -/+ 2.66 x 2.667 = 52.9 and 67.1.
    # Second: mean (40+42+38) x 2 + 40 + 42 = 322 / 8 = 40.25; ranges 2,4,2,2,4,2,2: 18 / 7 =
    # 2.571; limits 40.25 -/+ 6.84 = 33.4 and 47.1.
    sentence = charts.describe_rebase(_stepped(), "count", "Month")
    assert sentence == (
        "Limits are worked out afresh from February 2025 (rebased), where the way of working "
        "changed: up to January 2025 the average was 60 (limits 53 to 67); from February 2025 the "
        "average is 40 (limits 33 to 47)."
    )
    assert charts.describe_rebase(_points(), "count", "Month") == ""


def test_a_rebased_chart_names_its_new_limits_on_the_chart_and_in_its_description():
    chart = charts.xmr_chart(_stepped(), "Open work items", "Open items each month.", "Items",
                             x_title="Month")
    spec = chart.to_dict()
    assert "Limits are worked out afresh from February 2025 (rebased)" in spec["description"]
    labels = [row.get("rebase_label") for row in data_values(spec) if row.get("rebase_label")]
    assert labels == ["New limits from Feb 2025"]
    texts = [l for l in layers(spec) if mark(l)["type"] == "text"]
    assert any(l["encoding"].get("text", {}).get("field") == "rebase_label" for l in texts)


def test_annotations_are_drawn_at_their_dates_and_listed_in_the_description():
    from workbook_helpers.spc.process_changes import Annotation

    notes = [Annotation(pd.Timestamp("2025-01-06"), "New allocation"),
             Annotation(pd.Timestamp("2020-01-01"), "Long ago")]  # before the chart: left off
    spec = charts.xmr_chart(_stepped(), "t", "Items.", "Items", x_title="Month", annotations=notes).to_dict()
    assert spec["description"].endswith("Marked on the chart: 6 January 2025, \u201cNew allocation\u201d.")
    annotation_rows = [row for dataset in spec["datasets"].values() for row in dataset if "annotation" in row]
    assert [(row["x"], row["annotation"]) for row in annotation_rows] == [("2025-01-06", "New allocation")]
    rules = [l for l in layers(spec) if mark(l)["type"] == "rule"
             and mark(l).get("color") == palette.INK]
    assert len(rules) == 1
    # A mapping of date to text works too, and no annotations draws nothing extra.
    assert charts.xmr_chart(_stepped(), "t", "d", "y", annotations={"2025-01-06": "New allocation"}).to_dict() \
        ["description"].endswith("\u201cNew allocation\u201d.")
    plain = charts.xmr_chart(_stepped(), "t", "d", "y").to_dict()
    assert "Marked on the chart" not in plain["description"]


def test_small_multiples_name_a_rebased_team_and_its_annotations():
    from workbook_helpers.spc.process_changes import Annotation

    frame = pd.concat([_stepped().assign(team="North"), _points(dates=pd.date_range(
        "2024-04-30", periods=18, freq="ME")).assign(team="West")], ignore_index=True)
    spec = charts.small_multiples(
        frame, "Open work items", annotations={"North": [Annotation(pd.Timestamp("2025-01-06"), "New allocation")]},
    ).to_dict()
    assert "North: limits are worked out afresh from February 2025" in spec["description"]
    assert "\u201cNew allocation\u201d" in spec["description"]
    assert "West: limits" not in spec["description"]
