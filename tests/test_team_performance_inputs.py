"""What the team-performance view checks in its inputs as it is built
(:mod:`workbook_helpers.workbooks.team_performance_inputs`): the as-at date against the files'
dates, rebase dates against the charts' periods, and the notes on the data it gathers."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.story import performance as story
from workbook_helpers.workbooks.team_performance import TeamPerformance

from test_team_performance import NORTH, actions, items, sample_files, spending  # noqa: F401 (a fixture)


def test_an_as_at_outside_the_data_is_an_error_naming_the_date_and_the_range():
    # The files run from 1 April 2024 (the first item opened) to 30 November 2025 (action 2 due).
    for as_at, side in (("2024-03-31", "before"), ("2030-01-01", "after")):
        with pytest.raises(ParameterError) as caught:
            TeamPerformance.build(items(), spending(), None, actions(), team="all", as_at=as_at)
        day = "31 March 2024" if side == "before" else "1 January 2030"
        assert str(caught.value) == (
            f"as_at is {day}, {side} the data, which runs from 1 April 2024 to 30 November 2025. "
            "Give a date in that range, or leave as_at blank."
        )
    # The first and last days themselves are inside.
    assert TeamPerformance.build(items(), spending(), None, actions(), as_at="2024-04-01").warnings == []
    TeamPerformance.build(items(), spending(), None, actions(), as_at="2025-11-30")


def test_an_as_at_after_the_last_event_is_a_warning_in_the_notes():
    # The last opening or closing is item A-2025-11 closed on 10 November 2025; actions are due
    # to 30 November, so 20 November is inside the data but after anything happened.
    late = TeamPerformance.build(items(), spending(), None, actions(), team="all", as_at="2025-11-20")
    warning = ("as_at is 20 November 2025, after the last opening, closing, raising or completion in the "
               "data (10 November 2025): nothing is recorded after that day")
    assert len(late.warnings) == 1 and late.warnings[0].startswith(warning)
    assert late.warnings[0] in story.method_notes(late)
    on_time = TeamPerformance.build(items(), spending(), None, actions(), team="all", as_at="2025-11-10")
    assert not any("after the last opening" in note for note in story.method_notes(on_time))


def test_targets_for_a_team_not_in_the_data_are_reported_not_dropped_silently():
    targets = pd.DataFrame({
        "measure": ["open_items", "open_items"],
        "team": pd.array(["a", "A"], dtype="string"),
        "target": [5.0, 3.0],
        "direction": ["decrease", "decrease"],
    })
    view = TeamPerformance.build(items(), None, targets, None, team="all", as_at="2025-10-31")
    notes = story.method_notes(view)
    assert "The targets file names 1 team not in the data (a); its targets were not used. " \
           "Check the spelling." in notes


def test_dates_after_today_are_reported():
    # Items in 2020; one closing mistyped as 2205.
    typo = pd.DataFrame({
        "item_id": ["P", "Q", "T"], "team": ["A", "A", "A"],
        "opened": pd.to_datetime(["2020-01-06", "2020-02-03", "2020-03-02"]),
        "closed": pd.to_datetime(["2020-01-20", "2020-03-09", "2205-03-03"]),
        "due": pd.NaT, "next_review": pd.NaT,
    })
    view = TeamPerformance.build(typo, team="all")
    # The last real date is Q's closing on 9 March 2020, not 2205.
    assert view.as_at == pd.Timestamp("2020-03-09")
    assert ("The work items file has 1 closed date after today, the latest 3 March 2205; they "
            "were left out when finding the last date in the data. Check them.") in story.method_notes(view)
    # Given an as_at, nothing is said: the reader chose the date.
    chosen = TeamPerformance.build(typo, team="all", as_at="2020-03-31")
    assert not any("after today" in note for note in story.method_notes(chosen))


def test_a_bad_rebase_date_is_a_parameter_error_naming_the_date_and_the_range(sample_files):
    with pytest.raises(ParameterError, match=(
        r"rebase \(for Community Team North\): 2025-02-14 falls inside February 2025.*give 2025-02-01"
        r".*The charts run month by month from April 2024 to October 2025\."
    )):
        TeamPerformance.build(*sample_files, team=NORTH, rebase={NORTH: ["2025-02-14"]})
    with pytest.raises(ParameterError, match=r"rebase: 2026-01-01 is after the data"):
        TeamPerformance.build(*sample_files, team=NORTH, rebase="2026-01-01")
    with pytest.raises(ParameterError, match=r"rebase names the team \"Community Team South\""):
        TeamPerformance.build(*sample_files, rebase={"Community Team South": ["2025-02-01"]})
