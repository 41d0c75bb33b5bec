"""Tests for :mod:`workbook_helpers.measures.comparison_measures`: the table of measures the
before/after comparison knows, with a team's own entries on top."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.measures.comparison_measures import measure_config, own_measures


def test_a_teams_own_entry_changes_only_the_fields_it_gives():
    config = measure_config({"visits_per_case": {"label": "Home visits per case", "better": "higher", "kind": "count"},
                             "total_hours": {"better": "lower"}})
    assert config.loc["total_hours", "better"] == "lower"
    assert config.loc["total_hours", "kind"] == "hours"  # as built in
    assert config.loc["total_hours", "label"] == "Total hours per case"
    assert config.loc["visits_per_case", "change_kind"] == "percent"  # a count: percentage change
    assert config.index[-1] == "visits_per_case"  # built-in measures first


def test_entries_that_cannot_be_used_are_named():
    with pytest.raises(ParameterError, match="better = 'up'"):
        measure_config({"x": {"label": "X", "better": "up", "kind": "count"}})
    with pytest.raises(ParameterError, match="needs numerator and denominator"):
        measure_config({"x": {"label": "X", "better": "higher", "kind": "hours_share"}})


def test_own_entries_as_a_data_frame_with_blank_fields():
    # As read from a spreadsheet: the new measure leaves numerator and denominator blank (NaN),
    # and the change to total hours gives only "better". Blanks are fields not given.
    frame = pd.DataFrame({
        "measure": ["visits_per_case", "total_hours"],
        "label": ["Home visits per case", float("nan")],
        "better": ["higher", "lower"],
        "kind": ["count", float("nan")],
        "numerator": [float("nan"), float("nan")],
    })
    config = measure_config(frame)
    assert config.loc["visits_per_case", "label"] == "Home visits per case"
    assert config.loc["total_hours", ["label", "better", "kind"]].tolist() == ["Total hours per case", "lower", "hours"]


def test_a_missing_file_of_own_measures_is_named(tmp_path):
    with pytest.raises(ParameterError, match="no file"):
        measure_config(tmp_path / "missing.yaml")


def test_total_hours_is_neutral_by_default():
    # Fewer hours is not automatically better (time for a fair assessment is not waste).
    assert measure_config().loc["total_hours", "better"] == "neutral"


def test_own_measures_leave_out_identifiers():
    frame = pd.DataFrame({"case_id": [1, 2], "NHS number": [4, 5], "person_ref": [7, 8], "cohort": ["a", "b"],
                          "visits": [1.0, 2.0], "number_of_calls": [3.0, 4.0],
                          "satisfied": pd.array([True, False], dtype="boolean")})
    assert set(own_measures(frame, "cohort")) == {"visits", "number_of_calls", "satisfied"}
