"""Tests of what every loader refuses beyond the contract's columns, as
:mod:`workbook_helpers.data.parsing` reads values: numbers a computer cannot work with (an error
naming the rows), dates outside the calendar a computer holds, negative targets for counts and
days; and a property test that no CSV of the demand contract's columns makes a loader raise
anything but DataError.

Files are built with the helpers of ``test_notes.py``; the expected rows and figures are worked
out beside each assertion.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from test_notes import DEMAND_HEADER, EVENT_HEADER, TODAY, contact, problems_by_column, write_csv
from workbook_helpers.measures import demand as dm
from workbook_helpers.data.contracts import DEMAND_LOG, file_columns
from workbook_helpers.data.parsing import LARGEST_NUMBER
from workbook_helpers.exceptions import DataError
from workbook_helpers.data.loading import (
    load_demand,
    load_events,
    load_spending,
    load_targets,
)


@pytest.fixture(autouse=True)
def run_day(monkeypatch):
    monkeypatch.setenv("SERVICE_WORKBOOKS_TODAY", TODAY)


# --- numbers a computer cannot work with --------------------------------------------------------


def test_infinite_and_enormous_minutes_are_an_error_naming_the_rows(tmp_path):
    path = write_csv(tmp_path, DEMAND_HEADER, [
        contact("01/04/2024", "6"),
        contact("01/04/2024", "inf"),        # row 3
        contact("02/04/2024", "1e308"),      # row 4: finite, but 1e308 + 1e308 is infinite
        contact("02/04/2024", "-Infinity"),  # row 5
        contact("03/04/2024", "NaN"),        # row 6: "not a number", as it says
        contact("03/04/2024", "1000000000000"),  # row 7: 10^12 is large but usable: a warning
    ])
    with pytest.raises(DataError) as raised:
        load_demand(path)
    (not_a_number, unusable) = raised.value.problems
    assert unusable.column == "handling_minutes"
    assert unusable.rows == (3, 4, 5) and unusable.count == 3
    assert unusable.values == ("inf", "1e308", "-Infinity")
    assert "infinite or too large to work with" in unusable.message
    assert unusable.expected == "a number between -1,000,000,000,000,000 and 1,000,000,000,000,000"
    assert not_a_number.rows == (6,) and "not a number" in not_a_number.message


def test_infinite_numbers_from_excel_and_parquet_are_refused_too(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(DEMAND_HEADER))
    sheet.append(["01/04/2024", "Repairs", "phone", "x", "F", 6])
    sheet.append(["01/04/2024", "Repairs", "phone", "x", "F", 1e308])  # a number cell: row 3
    book.save(tmp_path / "log.xlsx")
    with pytest.raises(DataError) as raised:
        load_demand(tmp_path / "log.xlsx")
    problem = problems_by_column(raised.value)["handling_minutes"]
    assert problem.rows == (3,) and problem.values == ("1e+308",)

    frame = pd.DataFrame([contact("01/04/2024", 6.0), contact("02/04/2024", math.inf)], columns=DEMAND_HEADER)
    frame.to_parquet(tmp_path / "log.parquet")
    with pytest.raises(DataError) as raised:
        load_demand(tmp_path / "log.parquet")
    assert problems_by_column(raised.value)["handling_minutes"].rows == (3,)


def test_event_hours_and_amounts_of_money_are_checked_the_same_way(tmp_path):
    events = write_csv(tmp_path, EVENT_HEADER, [("C1", "03/04/2024", "Home visit", "W1", "Infinity", "yes")])
    with pytest.raises(DataError) as raised:
        load_events(events)
    assert problems_by_column(raised.value)["hours"].rows == (2,)
    # 400 nines read as a number overflow to infinity: an amount nobody can add up.
    spending = write_csv(tmp_path, ("team", "month", "budget", "actual"),
                         [("A", "2024-04", "100", "9" * 400), ("A", "2024-05", "100", "90")], "spend.csv")
    with pytest.raises(DataError) as raised:
        load_spending(spending)
    assert problems_by_column(raised.value)["actual"].rows == (2,)


def test_dates_outside_the_calendar_a_computer_holds_are_unreadable_not_a_crash(tmp_path):
    path = write_csv(tmp_path, DEMAND_HEADER, [contact("01/01/0001"), contact("9999-12-31"), contact("02/04/2024")])
    with pytest.raises(DataError) as raised:
        load_demand(path)
    problem = problems_by_column(raised.value)["received"]
    assert problem.rows == (2, 3) and "could not be read" in problem.message


def test_a_blank_after_five_unreadable_values_is_named_by_its_row(tmp_path):
    # Rows 2 to 6 hold words, row 7 is blank: the blank is reported with its row, not as
    # "1 row left blank" with none named (the first five failures were the unreadable ones).
    path = write_csv(tmp_path, DEMAND_HEADER, [contact("soon")] * 5 + [contact("")])
    with pytest.raises(DataError) as raised:
        load_demand(path)
    blank = [p for p in raised.value.problems if "left blank" in p.message]
    assert [(p.column, p.rows, p.count) for p in blank] == [("received", (7,), 1)]


# --- targets ---------------------------------------------------------------------------------------


def test_negative_targets_for_counts_and_days_are_an_error(tmp_path):
    path = write_csv(tmp_path, ("measure", "team", "target"), [
        ("open_items", "", "-5"),                # row 2: a count cannot be below 0
        ("median_days_to_complete", "", "-2"),   # row 3: nor a number of days
        ("spend_variance", "", "-1,000"),        # row 4: an underspend target is fine
        ("completed_on_time_share", "", "80%"),
    ], "targets.csv")
    with pytest.raises(DataError) as raised:
        load_targets(path)
    (problem,) = raised.value.problems
    assert problem.column == "target" and problem.rows == (2, 3) and problem.values == ("-5", "-2")
    assert problem.expected == "0 or more for a count or a number of days"
    result = run_cli("validate", "targets", str(path))
    assert result.returncode == 2 and "row 2: \"-5\"" in result.stderr


# --- any file of the demand contract's columns ------------------------------------------------------


_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "inf", "-inf", "Infinity", "NaN", "nan", "1e308", "-1e308", "1e15", "1e16",
                     "10000000000000", "0", "-1", "7,5", "1,234", "03/04/2024", "2024-02-30",
                     "31/12/9999", "0001-01-01", "F", "V", "value", "failure", "phone", "yes", "no",
                     "#N/A", "chasing", "C1"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({name: _VALUES for name in file_columns(DEMAND_LOG)}),
                     min_size=1, max_size=6))
def test_any_demand_csv_loads_with_finite_figures_or_names_the_rows(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("any")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=file_columns(DEMAND_LOG))
    writer.writeheader()
    writer.writerows(rows)
    path = folder / "any.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    try:
        log = load_demand(path)
    except DataError as error:
        assert error.problems, str(error)
        for problem in error.problems:
            # A problem with a column's values names its rows; one without a column is about the
            # file as a whole (no rows of data, a header that does not match).
            assert problem.column is None or problem.rows, problem.describe()
        return
    minutes = log["handling_minutes"].dropna().to_numpy()
    assert np.isfinite(minutes).all() and (np.abs(minutes) <= LARGEST_NUMBER).all()
    study, covered = dm.select_demand(log)
    figures = dm.headline_figures(study, covered)
    for key in ("failure_hours", "failure_hours_per_week", "full_time_equivalent_lost"):
        assert figures[key] is None or math.isfinite(figures[key]), key
