"""Tests for :mod:`workbook_helpers.data.teams`: the whole-service keyword and a team called "All"
never collide, in the parameter, in file names and in batch folders."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.teams import chosen_team, claimed_names, keyword_notes, team_parameter


@pytest.mark.parametrize(
    ("value", "team"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("all", None),
        (" ALL ", None),  # the keyword, in any case: the whole service, as it always was
        ("All", None),
        ("Revenues", "Revenues"),
        (" Revenues ", "Revenues"),
        ("team:All", "All"),  # the team called All
        ("Team: All ", "All"),
        ("team:all", "all"),
        ("team:Revenues", "Revenues"),  # allowed for any name, needed only for some
        ("team:Team: Alpha", "Team: Alpha"),  # a name that itself starts with "team:"
        ("Allsorts", "Allsorts"),
    ],
)
def test_chosen_team(value, team):
    assert chosen_team(value) == team


def test_team_prefix_with_no_name_is_refused():
    with pytest.raises(ParameterError, match=r'team = "team:" names no team'):
        chosen_team("team:")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Revenues", "Revenues"),
        ("All", "team:All"),
        ("ALL", "team:ALL"),
        ("Team: Alpha", "team:Team: Alpha"),
        ("All Teams", "All Teams"),  # not the keyword: a name like any other
    ],
)
def test_team_parameter_chooses_exactly_that_team(name, value):
    assert team_parameter(name) == value
    assert chosen_team(team_parameter(name)) == name  # the round trip always comes back


def test_claimed_names_and_the_note_in_a_whole_service_report():
    teams = pd.Series(["Revenues", "All", None, "All", "Repairs"], dtype="category")
    assert claimed_names(teams) == ["All"]
    assert keyword_notes("all", teams) == [
        'This report covers the whole service. The data also has a team called "All"; for that '
        'team\'s own report, give team = "team:All".'
    ]
    assert keyword_notes("team:All", teams) == []  # the team's own report needs no note
    assert keyword_notes("all", ["Revenues"], None) == []
