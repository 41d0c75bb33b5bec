"""Rebasing and annotations (workbook_helpers.spc.process_changes): reading the parameters, checking
rebase dates against a chart's periods, and the sentence for a run on one side of the mean."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.spc.process_changes import (
    Annotation, MAX_ANNOTATION_CHARACTERS, read_changes, rebase_points, shift_note, shift_run,
    xmr_by_rebased, xmr_rebased,
)

TEAMS = ["Community Team North", "Community Team West"]
NORTH = "Community Team North"


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def months(first="2024-04", last="2025-10") -> pd.DataFrame:
    spans = pd.period_range(first, last, freq="M")
    return pd.DataFrame({"period_start": spans.start_time.normalize(),
                         "period_end": spans.end_time.normalize()})


def weeks(first="2024-04-01", count=20) -> pd.DataFrame:
    mondays = pd.date_range(first, periods=count, freq="7D")
    return pd.DataFrame({"period_start": mondays, "period_end": mondays + pd.Timedelta(days=6),
                         "week_start": mondays})


def chart(values, dates, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.UnreliableLimitsWarning)
        return spc.xmr(values, dates=dates, **options)


# --------------------------------------------------------------------------------------------
# Reading the parameters


@pytest.mark.parametrize("given", [
    "2025-02-01", dt.date(2025, 2, 1), ["2025-02-01"], "2025-02", " 2025-02-01 ",
])
def test_one_date_rebases_every_chart(given):
    changes = read_changes(rebase=given, teams=TEAMS)
    assert changes.rebase_dates() == (day("2025-02-01"),)
    assert changes.rebase_dates(NORTH) == (day("2025-02-01"),)


def test_several_dates_are_sorted_and_counted_once():
    changes = read_changes(rebase="2025-06-01, 2025-02-01; 2025-02-01")
    assert changes.rebase_dates() == (day("2025-02-01"), day("2025-06-01"))


def test_a_mapping_rebases_a_team_and_all_rebases_every_chart():
    changes = read_changes(rebase={NORTH: ["2025-02-01"], "all": "2025-09-01"}, teams=TEAMS)
    assert changes.rebase_dates(NORTH) == (day("2025-02-01"), day("2025-09-01"))
    assert changes.rebase_dates("Community Team West") == (day("2025-09-01"),)
    assert changes.rebase_dates() == (day("2025-09-01"),)
    assert changes.teams_rebased() == [NORTH]


@pytest.mark.parametrize("blank", [None, "", "None", "  "])
def test_blank_is_no_change(blank):
    changes = read_changes(rebase=blank, annotations=blank)
    assert changes.empty and changes.rebase_dates(NORTH) == () and changes.annotations_for(NORTH) == ()


def test_a_team_not_in_the_data_is_named_with_those_that_are():
    with pytest.raises(ParameterError) as error:
        read_changes(rebase={"community team north": ["2025-02-01"]}, teams=TEAMS)
    message = str(error.value)
    assert 'rebase names the team "community team north", which is not in the data' in message
    assert 'Did you mean "Community Team North"?' in message
    assert "Community Team North and Community Team West" in message


@pytest.mark.parametrize("given", ["March 2025", "01/03/2025", "2025-13-01", 20250301, {"x": [True]}])
def test_a_date_that_is_not_a_date_is_named(given):
    with pytest.raises(ParameterError, match="rebase.*is not a date|rebase.*expected a date"):
        read_changes(rebase=given if not isinstance(given, dict) else {NORTH: given["x"]}, teams=TEAMS)


def test_annotations_for_every_chart_and_for_a_team():
    changes = read_changes(
        annotations={"2025-01-06": "New allocation", NORTH: {dt.date(2025, 3, 3): "Duty rota changed"}},
        teams=TEAMS,
    )
    assert changes.annotations_for("Community Team West") == (Annotation(day("2025-01-06"), "New allocation"),)
    assert changes.annotations_for(NORTH) == (
        Annotation(day("2025-01-06"), "New allocation"), Annotation(day("2025-03-03"), "Duty rota changed"),
    )


def test_an_annotation_needs_short_text():
    with pytest.raises(ParameterError, match="needs a short text"):
        read_changes(annotations={"2025-01-06": ""})
    long = "x" * (MAX_ANNOTATION_CHARACTERS + 1)
    with pytest.raises(ParameterError, match=f"has {MAX_ANNOTATION_CHARACTERS + 1} characters; keep it to "
                                             f"{MAX_ANNOTATION_CHARACTERS}"):
        read_changes(annotations={"2025-01-06": long})
    with pytest.raises(ParameterError, match="expected dates and short texts"):
        read_changes(annotations=["2025-01-06"])


def test_settings_from_a_yaml_file(tmp_path):
    rebase = tmp_path / "rebase.yaml"
    rebase.write_text("Community Team North: [2025-02-01]\n", encoding="utf-8")
    notes = tmp_path / "notes.yml"
    notes.write_text("annotations:\n  2025-01-06: New allocation\n", encoding="utf-8")
    changes = read_changes(rebase=str(rebase), annotations=str(notes), teams=TEAMS)
    assert changes.rebase_dates(NORTH) == (day("2025-02-01"),)
    assert changes.annotations_for(NORTH) == (Annotation(day("2025-01-06"), "New allocation"),)
    with pytest.raises(ParameterError, match='rebase: the file ".*missing.yaml" does not exist'):
        read_changes(rebase=str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML near line"):
        read_changes(rebase=str(bad))


def test_describe_names_what_was_rebased_for_the_teams_shown():
    changes = read_changes(rebase={NORTH: ["2025-02-01"]}, annotations={"2025-01-06": "New allocation"})
    notes = " ".join(changes.describe([NORTH]))
    assert "The charts for Community Team North are rebased from 1 February 2025" in notes
    assert "1 event the analyst noted is marked" in notes
    assert "rebased" not in " ".join(changes.describe(["Community Team West"]))


# --------------------------------------------------------------------------------------------
# Rebase dates against the periods charted


def test_a_rebase_date_is_the_first_day_of_a_period_and_gives_that_periods_point():
    assert rebase_points([day("2025-02-01")], months()) == [day("2025-02-28")]
    assert rebase_points([day("2024-04-08")], weeks(), period="week", x="week_start") == [day("2024-04-08")]


def test_a_rebase_date_inside_a_month_says_which_days_would_do():
    with pytest.raises(ParameterError) as error:
        rebase_points([day("2025-03-15")], months(), team=NORTH)
    assert str(error.value) == (
        "rebase (for Community Team North): 2025-03-15 falls inside March 2025, between the start "
        "of one month and the next; new limits start with a whole month: give 2025-03-01 for new "
        "limits from March 2025 or 2025-04-01 from April 2025. The charts run month by month from "
        "April 2024 to October 2025."
    )


def test_a_rebase_date_inside_a_week():
    with pytest.raises(ParameterError, match=(
        # 10 April 2024 is a Wednesday: its week began on Monday 8 April.
        r"rebase: 2024-04-10 falls inside the week beginning 8 April 2024, .* give 2024-04-08 for new "
        r"limits from the week beginning 8 April 2024 or 2024-04-15 from the week beginning 15 April "
        r"2024\. The charts run week by week \(Monday to "
        r"Sunday\) from 1 April 2024 to 18 August 2024\."
    )):
        rebase_points([day("2024-04-10")], weeks(), period="week", x="week_start")


@pytest.mark.parametrize(("date", "words"), [
    ("2023-01-01", "rebase: 2023-01-01 is before the data. The charts run month by month from April 2024 to October 2025."),
    ("2025-11-01", "rebase: 2025-11-01 is after the data. The charts run month by month from April 2024 to October 2025."),
    ("2025-10-01", "rebase: 2025-10-01 leaves only one month (October 2025) after it, and new limits need at least 2. "
                   "The charts run month by month from April 2024 to October 2025."),
])
def test_a_rebase_date_outside_the_data_or_at_its_end(date, words):
    with pytest.raises(ParameterError) as error:
        rebase_points([day(date)], months())
    assert str(error.value) == words


def test_every_bad_date_is_listed_at_once():
    with pytest.raises(ParameterError) as error:
        rebase_points([day("2023-01-01"), day("2025-02-01"), day("2026-01-01")], months())
    assert str(error.value).count("\n") == 1  # two problems, one a line


# --------------------------------------------------------------------------------------------
# A run on one side of the mean


MONTH_ENDS = pd.date_range("2024-04-30", periods=18, freq="ME")


def test_a_step_down_is_named_from_the_month_it_started():
    # Ten months around 60, then eight around 40: the mean of all eighteen is
    # (10 x 60 + 8 x 40) / 18 = 51.1, so the last eight are all below it: a shift of 8.
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 40, 42, 38, 41, 39, 40, 42, 38]
    points = chart(values, MONTH_ENDS, improvement="decrease")
    run = shift_run(points, team=NORTH)
    assert run["points"] == 8 and run["side"] == "below"
    assert run["start"] == day("2025-02-28") and run["since"] == "February 2025"
    assert run["hint"] == "rebase: {Community Team North: [2025-02-01]}"
    assert shift_note(points, "Open work items", team=NORTH) == (
        "Open work items: every month since February 2025 (8 in a row) has been below the average. "
        "If the way of working changed then, rebase there (rebase: {Community Team North: "
        "[2025-02-01]}); if not, find out what did."
    )


def test_a_stable_series_has_no_note():
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 60, 62, 58, 61, 59, 60, 62, 58]
    assert shift_note(chart(values, MONTH_ENDS), "Open work items") is None


def test_a_run_that_has_ended_has_no_note():
    # The low months come first; the latest months swing either side of the mean again.
    values = [40, 42, 38, 41, 39, 40, 42, 60, 62, 58, 61, 40, 60, 42, 61, 39, 62, 41]
    assert shift_note(chart(values, MONTH_ENDS), "Open work items") is None


def test_a_rebased_chart_has_no_note_even_with_a_run():
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 40, 42, 38, 41, 39, 40, 42, 38]
    points = chart(values, MONTH_ENDS, rebase_at=MONTH_ENDS[2])
    assert spc.shift_in_progress(points) is not None  # the run is there...
    assert shift_note(points, "Open work items") is None  # ...but the analyst has rebased


def test_weeks_are_named_by_where_their_points_sit():
    mondays = pd.date_range("2024-04-01", periods=18, freq="7D")
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 40, 42, 38, 41, 39, 40, 42, 38]
    run = shift_run(chart(values, mondays), period="week", x_is="period_start")
    assert run["since"] == "the week beginning 10 June 2024" and run["hint"] == "rebase: 2024-06-10"
    sundays = mondays + pd.Timedelta(days=6)
    run = shift_run(chart(values, sundays), period="week", x_is="period_end")
    assert run["since"] == "the week ending 16 June 2024" and run["hint"] == "rebase: 2024-06-10"


def test_a_gap_ends_the_run():
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 40, 42, 38, np.nan, 41, 39, 40, 42]
    # After the gap only four low months: no shift of seven in progress.
    assert shift_run(chart(values, MONTH_ENDS)) is None


# --------------------------------------------------------------------------------------------
# Charts rebased where they can be


def test_limits_of_each_stretch_are_the_stretch_alone():
    values = [58, 62, 60, 61, 59, 60, 62, 58, 61, 59, 40, 42, 38, 41, 39, 40, 42, 38]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.UnreliableLimitsWarning)
        points, rebased = xmr_rebased(values, MONTH_ENDS, [MONTH_ENDS[10]])
    assert rebased
    for rows, part in ((points.iloc[:10], values[:10]), (points.iloc[10:], values[10:])):
        alone = chart(part, MONTH_ENDS[: len(part)])
        # mean of the second stretch by hand: (40+42+38+41+39+40+42+38) / 8 = 40
        assert rows["mean"].iloc[0] == pytest.approx(alone["mean"].iloc[0])
        assert rows["upl"].iloc[0] == pytest.approx(alone["upl"].iloc[0])
        assert rows["lpl"].iloc[0] == pytest.approx(alone["lpl"].iloc[0])
    assert points["mean"].iloc[-1] == pytest.approx(40.0)


def test_a_series_whose_gaps_leave_too_few_values_is_not_rebased():
    values = [5, 6, 5, 7, 6, 5, 6, 7, np.nan, np.nan, 4]
    dates = pd.date_range("2024-04-30", periods=11, freq="ME")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.UnreliableLimitsWarning)
        points, rebased = xmr_rebased(values, dates, [dates[8]])
        assert not rebased and points["rebase_group"].max() == 0
        frame = pd.DataFrame({"team": ["A"] * 11 + ["B"] * 11, "x": list(dates) * 2,
                              "value": values + [5, 6, 5, 7, 6, 5, 6, 7, 6, 5, 4]})
        charts, not_rebased = xmr_by_rebased(frame, "team", "value", "x", [dates[8]])
    assert not_rebased == ["A"] and charts["B"]["rebase_group"].max() == 1
