"""Tests of loading case events and cases (:func:`load_events`, :func:`load_cases`,
:func:`check_case_files`); the activity map's own tests are in ``test_activities.py``.

As for the demand log: a catalogue of malformed inputs, each pinning the message an analyst reads
(which file, column and rows, what was found, what was expected), then well-formed inputs that must
load to values worked out by hand, then the `workbook validate events|cases` command.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbook_helpers.data.contracts import CASE_EVENTS, CASES
from workbook_helpers.data.datasets import DATASETS
from workbook_helpers.exceptions import DataError, Problem
from workbook_helpers.data.loading import check_case_files, load_cases, load_events

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = Path(sys.executable).parent / "workbook"

EVENT_FIELDS = ("case_id", "date", "activity", "worker", "hours", "face_to_face")
GOOD_EVENT = {
    "case_id": "C1",
    "date": "03/04/2024",
    "activity": "Home visit",
    "worker": "W1",
    "hours": "1.5",
    "face_to_face": "yes",
}
CASE_FIELDS = ("case_id", "opened", "closed", "predicted_return", "returned")
DATE_EXPECTED = "a date such as 03/04/2024 (day first) or 2024-04-03, optionally with a time"


# --- helpers ---------------------------------------------------------------------------------


def write(folder: Path, text: str, name: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def table_text(good: dict, header: tuple[str, ...], rows: tuple[dict, ...]) -> str:
    """A CSV with one good row per dict, changed by that dict: the n-th row is spreadsheet row n + 1."""
    lines = [",".join(header)]
    for changes in rows:
        values = {**good, **changes}
        lines.append(",".join(values.get(name, "") for name in header))
    return "\n".join(lines) + "\n"


def events_file(folder: Path, *rows: dict, header: tuple[str, ...] = EVENT_FIELDS,
                name: str = "events.csv") -> Path:
    return write(folder, table_text(GOOD_EVENT, header, rows), name)


def cases_file(folder: Path, *rows: dict, header: tuple[str, ...] = CASE_FIELDS,
               name: str = "cases.csv") -> Path:
    """Cases C1, C2, ... unless a row says otherwise."""
    good = {"opened": "01/04/2024", "closed": "30/04/2024", "predicted_return": "no", "returned": ""}
    numbered = tuple({"case_id": f"C{n}", **row} for n, row in enumerate(rows, 1))
    return write(folder, table_text(good, header, numbered), name)


def raised(load, *args, **options) -> DataError:
    with pytest.raises(DataError) as caught:
        load(*args, **options)
    return caught.value


def only_problem(load, *args, **options) -> Problem:
    error = raised(load, *args, **options)
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WORKBOOK), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


# --- malformed: case events ---------------------------------------------------------------------


def test_negative_hours(tmp_path: Path) -> None:
    path = events_file(tmp_path, {}, {"hours": "-2"}, {"hours": "0"})
    problem = only_problem(load_events, path)
    assert (problem.column, problem.message, problem.rows, problem.expected) == (
        "hours", "1 row with a negative number.", (3,), "0 or more",
    )
    assert 'row 3: "-2"' in problem.describe()


def test_hours_that_are_not_numbers(tmp_path: Path) -> None:
    # "1,5" is a decimal comma: reported, not read as 15 hours.
    path = events_file(tmp_path, {"hours": "two"}, {"hours": '"1,5"'}, {"hours": "0.25"})
    assert only_problem(load_events, path) == Problem(
        "2 rows with a value that is not a number.", "hours", (2, 3), ("two", "1,5"), 2,
        "a number of hours such as 2 or 1.5",
    )


def test_unreadable_event_dates(tmp_path: Path) -> None:
    path = events_file(tmp_path, {}, {"date": "30/02/2024"}, {"date": "last week"})
    assert only_problem(load_events, path) == Problem(
        "2 rows with a date that could not be read.", "date", (3, 4), ("30/02/2024", "last week"),
        2, DATE_EXPECTED,
    )


def test_month_first_event_dates_get_the_hint(tmp_path: Path) -> None:
    path = events_file(tmp_path, {"date": "04/13/2024"}, {"date": "04/20/2024"})
    assert only_problem(load_events, path).message == (
        '2 rows with a date that could not be read. Dates such as "04/13/2024" look like '
        "month-first (US) dates: this suite reads dates day first, so re-export them day first "
        "or as 2024-04-03."
    )


def test_blank_face_to_face_is_a_problem(tmp_path: Path) -> None:
    path = events_file(tmp_path, {}, {"face_to_face": ""}, {"face_to_face": " "})
    assert only_problem(load_events, path) == Problem(
        "2 rows left blank.", "face_to_face", (3, 4), (None, None), 2, "a value in every row",
    )


def test_face_to_face_that_is_not_yes_or_no_is_not_also_reported_blank(tmp_path: Path) -> None:
    path = events_file(tmp_path, {"face_to_face": "sometimes"}, {"face_to_face": "Y"})
    assert only_problem(load_events, path) == Problem(
        "1 row with a value that is not yes or no.", "face_to_face", (2,), ("sometimes",), 1,
        "yes/no, y/n, true/false or 1/0",
    )


def test_bad_value_work(tmp_path: Path) -> None:
    header = (*EVENT_FIELDS, "value_work")
    path = events_file(tmp_path, {"value_work": "yes"}, {"value_work": "waste"}, {"value_work": ""},
                       header=header)
    assert only_problem(load_events, path) == Problem(
        "1 row with a value that is not yes or no.", "value_work", (3,), ("waste",), 1,
        "yes/no, y/n, true/false or 1/0",
    )


def test_blank_required_event_values(tmp_path: Path) -> None:
    rows = [{"case_id": ""}, {"activity": "#N/A"}, {"worker": " "}, {"hours": ""}, {}]
    error = raised(load_events, events_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows) for p in error.problems] == [
        ("case_id", "1 row left blank.", (2,)),
        ("activity", "1 row left blank.", (3,)),
        ("worker", "1 row left blank.", (4,)),
        ("hours", "1 row left blank.", (5,)),
    ]


def test_missing_required_columns_with_a_suggestion(tmp_path: Path) -> None:
    header = ("case_id", "date", "activity", "Worker name", "hours")
    error = raised(load_events, events_file(tmp_path, {"Worker name": "W1"}, header=header))
    found = ' Columns found: "case_id", "date", "activity", "Worker name", "hours".'
    assert [p.message for p in error.problems] == [
        'The required column "worker" is missing. Did you mean "Worker name"? If so, rename it, '
        "or add 'Worker name: worker' to a column map." + found,
        'The required column "face_to_face" is missing.' + found,
    ]
    assert str(error).startswith(f"2 problems in {tmp_path / 'events.csv'}:")


def test_column_map_cannot_name_the_derived_activity_name(tmp_path: Path) -> None:
    path = events_file(tmp_path, {})
    problem = only_problem(load_events, path, column_map={"Activity Detail": "activity_name"})
    assert problem.message == (
        '"Activity Detail" is mapped to "activity_name", which is not a column of the case events.'
        ' Did you mean "activity"?'
    )


def test_every_event_problem_at_once_in_contract_order(tmp_path: Path) -> None:
    rows = [
        {"hours": "-1", "face_to_face": "maybe"},   # row 2
        {"date": "", "activity": ""},               # row 3
        {"date": "soon"},                           # row 4
    ]
    error = raised(load_events, events_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows) for p in error.problems] == [
        ("date", "1 row with a date that could not be read.", (4,)),
        ("date", "1 row left blank.", (3,)),
        ("activity", "1 row left blank.", (3,)),
        ("hours", "1 row with a negative number.", (2,)),
        ("face_to_face", "1 row with a value that is not yes or no.", (2,)),
    ]


# --- malformed: cases -------------------------------------------------------------------------


def test_duplicate_case_in_the_cases_file(tmp_path: Path) -> None:
    path = cases_file(tmp_path, {}, {"case_id": "C7"}, {}, {"case_id": "C7"})
    assert only_problem(load_cases, path) == Problem(
        "2 rows sharing a case_id with another row.", "case_id", (3, 5), ("C7", "C7"), 2,
        "each case_id only once",
    )


def test_closed_before_opened(tmp_path: Path) -> None:
    rows = [
        {"opened": "05/03/2024", "closed": "01/03/2024"},                # row 2: before
        {"opened": "05/03/2024 14:00", "closed": "05/03/2024"},          # row 3: same day, fine
        {"opened": "", "closed": "01/01/2024"},                           # row 4: no opened, fine
        {"opened": "2024-04-10", "closed": "2024-04-09 23:59"},          # row 5: before
        {"opened": "10/04/2024", "closed": ""},                           # row 6: still open
    ]
    problem = only_problem(load_cases, cases_file(tmp_path, *rows))
    assert problem == Problem(
        "2 rows with a closed date before the opened date.", "closed", (2, 5),
        ("closed 01/03/2024, opened 05/03/2024", "closed 09/04/2024, opened 10/04/2024"), 2,
        "a closed date on or after the opened date",
    )
    assert problem.describe().splitlines()[1] == '    row 2: "closed 01/03/2024, opened 05/03/2024"'


def test_unreadable_case_dates_are_not_also_compared(tmp_path: Path) -> None:
    rows = [{"opened": "soon", "closed": "01/03/2024"}, {"closed": "31/04/2024"}]
    error = raised(load_cases, cases_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows, p.values) for p in error.problems] == [
        ("opened", "1 row with a date that could not be read.", (2,), ("soon",)),
        ("closed", "1 row with a date that could not be read.", (3,), ("31/04/2024",)),
    ]


def test_bad_predicted_return_and_blank_case_id(tmp_path: Path) -> None:
    rows = [{"predicted_return": "likely"}, {"case_id": ""}, {"returned": "Y"}]
    error = raised(load_cases, cases_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows) for p in error.problems] == [
        ("case_id", "1 row left blank.", (3,)),
        ("predicted_return", "1 row with a value that is not yes or no.", (2,)),
    ]


def test_cases_file_without_a_case_id_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Case Ref,opened\nC1,01/04/2024\n", "cases.csv")
    assert only_problem(load_cases, path).message == (
        'The required column "case_id" is missing. Did you mean "Case Ref"? If so, rename it, '
        "or add 'Case Ref: case_id' to a column map. Columns found: \"Case Ref\", \"opened\"."
    )


# --- malformed: the two files disagree -------------------------------------------------------------


def test_case_in_the_cases_file_without_events_and_case_without_a_row(tmp_path: Path) -> None:
    events = load_events(events_file(tmp_path, {"case_id": "C1"}, {"case_id": "C2"}, {"case_id": "C9"}))
    cases = load_cases(cases_file(tmp_path, {}, {}, {}))  # C1, C2, C3
    error = raised(check_case_files, events, cases)
    assert error.path == f"{tmp_path / 'events.csv'} and {tmp_path / 'cases.csv'}"
    assert [(p.column, p.message, p.count, p.expected) for p in error.problems] == [
        ("case_id", '1 case in cases.csv has no events in events.csv: "C3".', 1,
         "every case in both files"),
        ("case_id", '1 case in events.csv has no row in cases.csv: "C9".', 1,
         "every case in both files"),
    ]
    # The whole message: no "... and N more rows" line, since the cases are named in the text.
    assert str(error) == (
        f"2 problems in {tmp_path / 'events.csv'} and {tmp_path / 'cases.csv'}:\n"
        '  1. Column "case_id": 1 case in cases.csv has no events in events.csv: "C3". Expected '
        "every case in both files.\n"
        '  2. Column "case_id": 1 case in events.csv has no row in cases.csv: "C9". Expected '
        "every case in both files."
    )


def test_many_cases_missing_are_counted_with_the_first_few_named(tmp_path: Path) -> None:
    events = load_events(events_file(tmp_path, *({"case_id": f"E{n}"} for n in range(1, 9))))
    cases = load_cases(cases_file(tmp_path, *({"case_id": f"E{n}"} for n in range(1, 3))))
    problem = only_problem(check_case_files, events, cases)
    assert problem.message == (
        '6 cases in events.csv have no row in cases.csv: "E3", "E4", "E5", "E6", "E7" and 1 more.'
    )
    assert problem.count == 6


def test_case_ids_differing_only_in_case_get_a_hint(tmp_path: Path) -> None:
    events = load_events(events_file(tmp_path, {"case_id": "c01"}, {"case_id": "C2"}))
    cases = load_cases(cases_file(tmp_path, {"case_id": "C01"}, {"case_id": "C2"}))
    error = raised(check_case_files, events, cases)
    assert [p.message for p in error.problems] == [
        '1 case in cases.csv has no events in events.csv: "C01".',
        '1 case in events.csv has no row in cases.csv: "c01".',
        '1 case id differs only in case or spaces between the files, e.g. "c01" in events.csv and '
        '"C01" in cases.csv: case ids must match exactly.',
    ]


# --- well-formed: loading ---------------------------------------------------------------------------


def test_events_columns_and_dtypes(tmp_path: Path) -> None:
    header = (*EVENT_FIELDS, "organisation", "team", "value_work", "cohort", "Notes")
    rows = [
        {"organisation": "Council", "team": "Adults North", "value_work": "Y", "cohort": "before",
         "Notes": "Mrs Smith"},
        {"case_id": " C2 ", "hours": "0", "face_to_face": "no", "organisation": "council",
         "team": "adults north", "cohort": "before", "Notes": "x"},
        {"case_id": "C2", "date": "2024-04-05 13:30", "worker": "W2", "organisation": "NHS",
         "value_work": "no", "cohort": "After"},
    ]
    events = load_events(events_file(tmp_path, *rows, header=header))
    assert list(events.columns) == [
        "case_id", "date", "activity", "activity_name", "worker", "hours", "face_to_face",
        "organisation", "team", "value_work", "cohort",
    ]
    assert events.dtypes.astype(str).to_dict() == {
        "case_id": "str", "date": "datetime64[ns]", "activity": "category",
        "activity_name": "category", "worker": "str", "hours": "float64",
        "face_to_face": "boolean", "organisation": "category", "team": "category",
        "value_work": "boolean", "cohort": "category",
    }
    assert events.index.name == "row" and list(events.index) == [2, 3, 4]
    assert events["case_id"].tolist() == ["C1", "C2", "C2"]
    assert events["date"].tolist() == [
        pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-05 13:30"),
    ]
    assert events["hours"].tolist() == [1.5, 0.0, 1.5]
    assert events["face_to_face"].tolist() == [True, False, True]
    assert events["value_work"].tolist() == [True, pd.NA, False]
    assert events["organisation"].tolist() == ["Council", "Council", "NHS"]
    assert events["cohort"].tolist() == ["before", "before", "After"]
    assert events.attrs["source"]["rows"] == 3


def test_day_first_event_dates(tmp_path: Path) -> None:
    dates = ["03/04/2024", "4/3/2024", "05-04-2024", "6 Apr 2024", "2024-04-07"]
    events = load_events(events_file(tmp_path, *({"date": d} for d in dates)))
    assert events["date"].tolist() == [
        pd.Timestamp("2024-04-03"), pd.Timestamp("2024-03-04"), pd.Timestamp("2024-04-05"),
        pd.Timestamp("2024-04-06"), pd.Timestamp("2024-04-07"),
    ]


def test_events_from_excel_with_a_title_and_numeric_case_ids(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Activity"
    sheet.append(["Case review: activity log"])
    sheet.append([])
    sheet.append(["Case ID", "Date", "Activity", "Worker", "Hours", "Face to Face"])
    sheet.append([101, dt.datetime(2024, 4, 3), "Care Act assessment", "SW1", 2, "Yes"])
    sheet.append([101, "04/04/2024", "CHC referral", "SW1", 0.5, "No"])
    sheet.append([102, dt.datetime(2024, 4, 5, 10, 30), "Home Visit", "OT2", 1.25, "Y"])
    book.save(tmp_path / "events.xlsx")
    events = load_events(tmp_path / "events.xlsx", sheet="Activity")
    assert list(events.index) == [4, 5, 6]  # Excel's own row numbers
    assert events["case_id"].tolist() == ["101", "101", "102"]
    assert events["date"].tolist() == [
        pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-04"), pd.Timestamp("2024-04-05 10:30"),
    ]
    assert events["activity"].tolist() == ["assessment", "referral", "visit"]
    assert events["hours"].tolist() == [2.0, 0.5, 1.25]
    # Numbers in Excel and text in a CSV name the same cases.
    cases = load_cases(cases_file(tmp_path, {"case_id": "101"}, {"case_id": "102"}))
    assert check_case_files(events, cases) is None


def test_excel_errors_use_excel_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title"])
    sheet.append(list(EVENT_FIELDS))
    sheet.append(["C1", dt.datetime(2024, 4, 3), "Home visit", "W1", -1, "yes"])
    book.save(tmp_path / "events.xlsx")
    problem = only_problem(load_events, tmp_path / "events.xlsx")
    assert (problem.column, problem.rows) == ("hours", (3,))


def test_parquet_case_ids_stored_as_decimals(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "case_id": [7.0, 8.0], "date": pd.to_datetime(["2024-04-03", "2024-04-04"]),
        "activity": ["OT assessment", "Case closure"], "worker": ["W1", "W2"],
        "hours": [1.0, 0.25], "face_to_face": [True, False],
    })
    frame.to_parquet(tmp_path / "events.parquet")
    events = load_events(tmp_path / "events.parquet")
    assert events["case_id"].tolist() == ["7", "8"]
    assert events["activity"].tolist() == ["assessment", "closure"]
    assert events["face_to_face"].tolist() == [True, False]


def test_cases_columns_and_dtypes(tmp_path: Path) -> None:
    header = (*CASE_FIELDS, "cohort", "team")
    rows = [
        {"predicted_return": "yes", "returned": "no", "cohort": "before", "team": "North"},
        {"opened": "2024-04-02", "closed": "", "predicted_return": "", "cohort": "after"},
        {"opened": "", "closed": "03/05/2024", "cohort": "Before"},
        {"cohort": "before"},
    ]
    cases = load_cases(cases_file(tmp_path, *rows, header=header))
    assert cases.dtypes.astype(str).to_dict() == {
        "case_id": "str", "opened": "datetime64[ns]", "closed": "datetime64[ns]",
        "predicted_return": "boolean", "returned": "boolean", "cohort": "category",
        "team": "category",
    }
    assert cases["case_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert cases["closed"].isna().tolist() == [False, True, False, False]
    assert cases["opened"].isna().tolist() == [False, False, True, False]
    assert cases["opened"].tolist()[1] == pd.Timestamp("2024-04-02")
    assert cases["predicted_return"].tolist() == [True, pd.NA, False, False]
    # Spellings differing only in case are merged to the commonest ("before" twice, "Before" once).
    assert cases["cohort"].tolist() == ["before", "after", "before", "before"]
    assert cases.index.name == "row" and cases.attrs["warnings"] == []


def test_cases_file_with_only_case_ids(tmp_path: Path) -> None:
    cases = load_cases(write(tmp_path, "Case_ID\nA\nB\n", "cases.csv"))
    assert list(cases.columns) == ["case_id"]
    assert cases["case_id"].tolist() == ["A", "B"]


def test_matching_files_and_no_cases_file_pass(tmp_path: Path) -> None:
    events = load_events(events_file(tmp_path, {"case_id": "C2"}, {"case_id": "C1"}, {"case_id": "C2"}))
    cases = load_cases(cases_file(tmp_path, {}, {}))
    assert check_case_files(events, cases) is None
    assert check_case_files(events, None) is None


def test_contracts_are_registered() -> None:
    assert DATASETS["events"].schema is CASE_EVENTS and DATASETS["cases"].schema is CASES
    assert CASE_EVENTS.columns["case_id"].unique is False
    assert CASES.columns["case_id"].unique is True
    private = {name for name, c in CASE_EVENTS.columns.items() if c.metadata.get("private")}
    assert private == {"case_id", "worker"}


# --- the command ----------------------------------------------------------------------------------


def test_cli_validate_events_ok_with_notes(tmp_path: Path) -> None:
    path = events_file(
        tmp_path, {}, {"case_id": "C2", "date": "18/08/2024", "activity": "Form filling"},
        {"case_id": "C2", "activity": "Panel"},
    )
    result = run_cli("validate", "events", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "OK: 3 events for 2 cases, from 3 April 2024 to 18 August 2024.\n"
        "Note: 1 activity name (1 row) is not in the activity map, so its rows were counted as "
        '"other": "Form filling" (1). To count it as another kind, add it to an activity map '
        "('local name: kind').\n"
    )
    activity_map = write(tmp_path, "Form filling: admin\n", "activities.yaml")
    mapped = run_cli("validate", "events", str(path), "--activity-map", str(activity_map))
    assert mapped.returncode == 0, mapped.stderr
    assert mapped.stdout == "OK: 3 events for 2 cases, from 3 April 2024 to 18 August 2024.\n"


def test_cli_validate_events_problems_exit_2(tmp_path: Path) -> None:
    path = events_file(tmp_path, {}, {"hours": "-3"})
    result = run_cli("validate", "events", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Problem in {path}:\n"
        '  Column "hours": 1 row with a negative number. Expected 0 or more.\n'
        '    row 3: "-3"\n'
    )
    bad_map = write(tmp_path, "Panel: pannel\n", "activities.yaml")
    mapped = run_cli("validate", "events", str(events_file(tmp_path, {})), "--activity-map", str(bad_map))
    assert mapped.returncode == 2
    assert mapped.stderr.startswith(
        f'Problem in {bad_map}:\n  "Panel" is mapped to "pannel", which is not an activity kind.'
    )
    assert "Traceback" not in mapped.stderr


def test_cli_validate_cases(tmp_path: Path) -> None:
    path = cases_file(tmp_path, {}, {"closed": ""}, {"closed": ""})
    result = run_cli("validate", "cases", str(path))
    assert (result.returncode, result.stdout) == (0, "OK: 3 cases, 2 still open.\n")
    bad = cases_file(tmp_path, {}, {"case_id": "C1"}, name="bad.csv")
    failed = run_cli("validate", "cases", str(bad))
    assert failed.returncode == 2
    assert 'Column "case_id": 2 rows sharing a case_id with another row.' in failed.stderr
    misused = run_cli("validate", "cases", str(path), "--activity-map", "x.yaml")
    assert misused.returncode == 2
    assert "--activity-map is for case events only" in misused.stderr


def test_cli_validate_help_shows_the_new_examples() -> None:
    result = run_cli("validate", "--help")
    assert result.returncode == 0
    for phrase in ("workbook validate events", "workbook validate cases", "--activity-map"):
        assert phrase in result.stdout
