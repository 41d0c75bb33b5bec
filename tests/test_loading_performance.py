"""Tests of loading the team-performance workbook's four files: work items, spending, targets and
actions (:func:`load_work_items`, :func:`load_spending`, :func:`load_targets`,
:func:`load_actions`).

As for the other loaders: a catalogue of malformed inputs, each pinning the message an analyst
reads (which column and rows, what was found, what was expected), then well-formed inputs that
must load to values worked out by hand, then the `workbook validate` subcommands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import run_cli
from workbook_helpers.data.contracts import (
    ACTIONS,
    MEASURE_KEYS,
    SPENDING,
    TARGETS,
    WORK_ITEMS,
)
from workbook_helpers.data.datasets import DATASETS
from workbook_helpers.data.docs import contracts_page
from workbook_helpers.exceptions import DataError, Problem
from workbook_helpers.data.loading import load_actions, load_spending, load_targets, load_work_items
from workbook_helpers.data.performance_measures import MEASURES

DATE_EXPECTED = "a date such as 03/04/2024 (day first) or 2024-04-03, optionally with a time"
MONTH_EXPECTED = (
    "a month such as 2024-04, 04/2024, Apr-24 or April 2024, or a date in the month "
    "(03/04/2024, day first, or 2024-04-03)"
)
MONEY_EXPECTED = "an amount in pounds such as 12300.50, £12,300 or (1,200) for -1,200"
TS = pd.Timestamp

WORK_FIELDS = ("item_id", "team", "opened", "closed", "due")
GOOD_ITEM = {"team": "North", "opened": "01/04/2024", "closed": "", "due": "29/04/2024"}
SPEND_FIELDS = ("team", "month", "budget", "actual")
GOOD_SPEND = {"team": "North", "budget": "1000", "actual": "900"}
TARGET_FIELDS = ("measure", "team", "target")
ACTION_FIELDS = ("action_id", "team", "raised", "owner", "due", "done")
GOOD_ACTION = {"team": "North", "raised": "03/04/2024", "owner": "Head of service",
               "due": "17/04/2024", "done": ""}


# --- helpers ---------------------------------------------------------------------------------


def write(folder: Path, text: str, name: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def quoted(value: str) -> str:
    return f'"{value}"' if "," in value else value


def table_text(good: dict, header: tuple[str, ...], rows: tuple[dict, ...]) -> str:
    """A CSV with one good row per dict, changed by that dict: the n-th row is spreadsheet row n + 1."""
    lines = [",".join(header)]
    for changes in rows:
        values = {**good, **changes}
        lines.append(",".join(quoted(values.get(name, "")) for name in header))
    return "\n".join(lines) + "\n"


def items_file(folder: Path, *rows: dict, header: tuple[str, ...] = WORK_FIELDS,
               name: str = "items.csv") -> Path:
    """Items W1, W2, ... unless a row says otherwise."""
    numbered = tuple({"item_id": f"W{n}", **row} for n, row in enumerate(rows, 1))
    return write(folder, table_text(GOOD_ITEM, header, numbered), name)


def spending_file(folder: Path, *rows: dict, header: tuple[str, ...] = SPEND_FIELDS,
                  name: str = "spending.csv") -> Path:
    """Months April 2024, May 2024, ... unless a row says otherwise."""
    numbered = tuple({"month": f"2024-{n + 3:02d}", **row} for n, row in enumerate(rows, 1))
    return write(folder, table_text(GOOD_SPEND, header, numbered), name)


def targets_file(folder: Path, *rows: dict, header: tuple[str, ...] = TARGET_FIELDS,
                 name: str = "targets.csv") -> Path:
    return write(folder, table_text({}, header, rows), name)


def actions_file(folder: Path, *rows: dict, header: tuple[str, ...] = ACTION_FIELDS,
                 name: str = "actions.csv") -> Path:
    """Actions A1, A2, ... unless a row says otherwise."""
    numbered = tuple({"action_id": f"A{n}", **row} for n, row in enumerate(rows, 1))
    return write(folder, table_text(GOOD_ACTION, header, numbered), name)


def raised(load, *args, **options) -> DataError:
    with pytest.raises(DataError) as caught:
        load(*args, **options)
    return caught.value


def only_problem(load, *args, **options) -> Problem:
    error = raised(load, *args, **options)
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def summary(error: DataError) -> list[tuple]:
    return [(p.column, p.message, p.rows) for p in error.problems]


# --- malformed: work items --------------------------------------------------------------------


def test_missing_work_item_columns_with_a_suggestion(tmp_path: Path) -> None:
    header = ("item_id", "Team", "Opened on", "closed")
    error = raised(load_work_items, items_file(tmp_path, {"Team": "North", "Opened on": "01/04/2024"},
                                               header=header))
    found = ' Columns found: "item_id", "Team", "Opened on", "closed".'
    assert [p.message for p in error.problems] == [
        'The required column "opened" is missing. Did you mean "Opened on"? If so, rename it, or '
        "add 'Opened on: opened' to a column map." + found,
        'The required column "due" is missing.' + found,
    ]
    assert str(error).startswith(f"2 problems in {tmp_path / 'items.csv'}:")
    # With the map it loads.
    items = load_work_items(
        items_file(tmp_path, {"Team": "North", "Opened on": "01/04/2024", "due": ""},
                   header=(*header, "due")),
        column_map={"Opened on": "opened"},
    )
    assert items["opened"].tolist() == [TS("2024-04-01")]


def test_blank_item_ids(tmp_path: Path) -> None:
    path = items_file(tmp_path, {}, {"item_id": ""}, {"item_id": " "}, {"item_id": "#N/A"})
    assert only_problem(load_work_items, path) == Problem(
        "3 rows left blank.", "item_id", (3, 4, 5), (None, None, None), 3, "a value in every row",
    )


def test_repeated_item_ids(tmp_path: Path) -> None:
    path = items_file(tmp_path, {}, {"item_id": "W7"}, {}, {"item_id": "W7"}, {"item_id": " W7 "})
    assert only_problem(load_work_items, path) == Problem(
        "3 rows sharing an item_id with another row.", "item_id", (3, 5, 6), ("W7", "W7", "W7"), 3,
        "each item_id only once",
    )


def test_closed_before_opened(tmp_path: Path) -> None:
    rows = [
        {"opened": "05/03/2024", "closed": "01/03/2024", "due": ""},          # row 2: before
        {"opened": "05/03/2024 14:00", "closed": "05/03/2024", "due": ""},    # row 3: same day
        {"opened": "10/04/2024", "closed": "", "due": ""},                    # row 4: still open
        {"opened": "2024-04-10", "closed": "2024-04-09 23:59", "due": ""},    # row 5: before
    ]
    problem = only_problem(load_work_items, items_file(tmp_path, *rows))
    assert problem == Problem(
        "2 rows with a closed date before the opened date.", "closed", (2, 5),
        ("closed 01/03/2024, opened 05/03/2024", "closed 09/04/2024, opened 10/04/2024"), 2,
        "a closed date on or after the opened date",
    )


def test_due_before_opened(tmp_path: Path) -> None:
    rows = [
        {"opened": "05/03/2024", "due": "04/03/2024"},   # row 2: before
        {"opened": "05/03/2024", "due": "05/03/2024"},   # row 3: same day, fine
        {"opened": "05/03/2024", "due": ""},             # row 4: no due date, fine
    ]
    assert only_problem(load_work_items, items_file(tmp_path, *rows)) == Problem(
        "1 row with a due date before the opened date.", "due", (2,),
        ("due 04/03/2024, opened 05/03/2024",), 1, "a due date on or after the opened date",
    )


def test_unreadable_work_item_dates_are_not_also_blank_or_compared(tmp_path: Path) -> None:
    header = (*WORK_FIELDS, "next_review")
    rows = [
        {"opened": "soon", "closed": "01/03/2024"},              # row 2
        {"closed": "31/04/2024"},                                 # row 3
        {"due": "04/13/2024"},                                    # row 4: month first
        {"next_review": "next week"},                             # row 5
    ]
    error = raised(load_work_items, items_file(tmp_path, *rows, header=header))
    assert [(p.column, p.message, p.rows, p.values) for p in error.problems] == [
        ("opened", "1 row with a date that could not be read.", (2,), ("soon",)),
        ("closed", "1 row with a date that could not be read.", (3,), ("31/04/2024",)),
        ("due", '1 row with a date that could not be read. Dates such as "04/13/2024" look like '
         "month-first (US) dates: this suite reads dates day first, so re-export them day first "
         "or as 2024-04-03.", (4,), ("04/13/2024",)),
        ("next_review", "1 row with a date that could not be read.", (5,), ("next week",)),
    ]
    assert all(p.expected == DATE_EXPECTED for p in error.problems)


def test_every_work_item_problem_at_once_in_contract_order(tmp_path: Path) -> None:
    rows = [
        {"item_id": "W1", "opened": "05/04/2024", "due": "01/04/2024"},   # row 2: due before
        {"item_id": "W1", "team": ""},                                      # row 3: repeat, blank
        {"item_id": "", "closed": "2024-03-01"},                            # row 4: closed before
        {"item_id": "W4", "opened": ""},                                    # row 5: blank opened
        {"item_id": "W5", "closed": "whenever"},                            # row 6: unreadable
    ]
    error = raised(load_work_items, items_file(tmp_path, *rows))
    assert summary(error) == [
        ("item_id", "1 row left blank.", (4,)),
        ("item_id", "2 rows sharing an item_id with another row.", (2, 3)),
        ("team", "1 row left blank.", (3,)),
        ("opened", "1 row left blank.", (5,)),
        ("closed", "1 row with a date that could not be read.", (6,)),
        ("closed", "1 row with a closed date before the opened date.", (4,)),
        ("due", "1 row with a due date before the opened date.", (2,)),
    ]
    assert str(error).startswith(f"7 problems in {tmp_path / 'items.csv'}:\n  1. Column \"item_id\"")


# --- well-formed: work items ------------------------------------------------------------------


WORK_ITEM_DTYPES = {
    "item_id": "str", "team": "category", "opened": "datetime64[ns]", "closed": "datetime64[ns]",
    "due": "datetime64[ns]", "next_review": "datetime64[ns]", "worker": "category",
    "kind": "category",
}


def test_work_items_columns_and_dtypes_with_optional_columns_absent(tmp_path: Path) -> None:
    rows = [
        {"team": "North"},
        {"team": "north ", "opened": "2024-04-02", "closed": "15/04/2024", "due": ""},
        {"item_id": "W3", "team": "South", "opened": "03/04/2024 10:30",
         "due": "2024-04-30T09:00:00Z"},
    ]
    items = load_work_items(items_file(tmp_path, *rows))
    assert items.dtypes.astype(str).to_dict() == WORK_ITEM_DTYPES
    assert items.index.name == "row" and list(items.index) == [2, 3, 4]
    assert items["item_id"].tolist() == ["W1", "W2", "W3"]
    # Spellings differing only in case or spaces merge ("North" and "north ").
    assert items["team"].tolist() == ["North", "North", "South"]
    assert items["opened"].tolist() == [TS("2024-04-01"), TS("2024-04-02"), TS("2024-04-03 10:30")]
    assert items["closed"].isna().tolist() == [True, False, True]
    assert items["closed"][3] == TS("2024-04-15")
    # 09:00 UTC on 30 April is 10:00 British Summer Time.
    assert items["due"].tolist()[0] == TS("2024-04-29") and items["due"].isna().tolist()[1]
    assert items["due"][4] == TS("2024-04-30 10:00")
    # The optional columns the file lacks are there, all blank.
    assert items[["next_review", "worker", "kind"]].isna().all().all()
    assert items.attrs["source"]["rows"] == 3 and items.attrs["warnings"] == []


def test_work_items_with_every_column(tmp_path: Path) -> None:
    header = ("Item ID", "Team", "Opened", "Closed", "Due", "Next Review", "Worker", "Kind", "Notes")
    rows = [
        {"Item ID": "101", "Team": "North", "Opened": "01/04/2024", "Due": "29/04/2024",
         "Next Review": "15/04/2024", "Worker": "SW1", "Kind": "Assessment", "Notes": "Mr X"},
        {"Item ID": "102", "Team": "North", "Opened": "02/04/2024", "Closed": "03/04/2024",
         "Worker": "sw1", "Kind": "assessment"},
        {"Item ID": "103", "Team": "South", "Opened": "02/04/2024", "Worker": "SW2",
         "Kind": "Complaint"},
    ]
    items = load_work_items(write(tmp_path, table_text({}, header, tuple(rows)), "items.csv"))
    assert list(items.columns) == list(WORK_ITEM_DTYPES)  # contract order; Notes dropped
    assert items.dtypes.astype(str).to_dict() == WORK_ITEM_DTYPES
    assert items["next_review"].tolist()[0] == TS("2024-04-15")
    assert items["next_review"].isna().tolist() == [False, True, True]
    assert items["worker"].tolist() == ["SW1", "SW1", "SW2"]
    assert items["kind"].tolist() == ["Assessment", "Assessment", "Complaint"]


def test_work_items_from_excel_with_a_title_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Caseload"
    sheet.append(["Adults North: caseload at 30 April 2024"])
    sheet.append([])
    sheet.append(["Item ID", "Team", "Opened", "Closed", "Due"])
    sheet.append([101, "North", dt.datetime(2024, 4, 3), None, dt.datetime(2024, 5, 1)])
    sheet.append([102, "North", "04/04/2024", dt.datetime(2024, 4, 20, 16, 45), None])
    sheet.append([103, "South", dt.datetime(2024, 4, 5, 9, 0), None, "05/06/2024"])
    book.save(tmp_path / "items.xlsx")
    items = load_work_items(tmp_path / "items.xlsx", sheet="Caseload")
    assert list(items.index) == [4, 5, 6]  # Excel's own row numbers
    assert items.dtypes.astype(str).to_dict() == WORK_ITEM_DTYPES
    assert items["item_id"].tolist() == ["101", "102", "103"]
    assert items["opened"].tolist() == [TS("2024-04-03"), TS("2024-04-04"), TS("2024-04-05 09:00")]
    assert items["closed"].isna().tolist() == [True, False, True]
    assert items["closed"][5] == TS("2024-04-20 16:45")
    assert items["due"].isna().tolist() == [False, True, False]
    assert items["due"][6] == TS("2024-06-05")


def test_excel_work_item_problems_use_excel_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Caseload"])
    sheet.append(list(WORK_FIELDS))
    sheet.append(["W1", "North", dt.datetime(2024, 4, 3), dt.datetime(2024, 4, 1), None])
    book.save(tmp_path / "items.xlsx")
    problem = only_problem(load_work_items, tmp_path / "items.xlsx")
    assert (problem.column, problem.rows) == ("closed", (3,))


# --- malformed: spending ------------------------------------------------------------------------


def test_missing_spending_column_with_a_suggestion(tmp_path: Path) -> None:
    header = ("team", "month", "Budget £", "actual")
    problem = only_problem(load_spending, spending_file(tmp_path, {"Budget £": "5"}, header=header))
    assert problem.message == (
        'The required column "budget" is missing. Did you mean "Budget £"? If so, rename it, or '
        "add 'Budget £: budget' to a column map. Columns found: \"team\", \"month\", \"Budget £\", "
        '"actual".'
    )


def test_unreadable_months(tmp_path: Path) -> None:
    rows = [{}, {"month": "2024-13"}, {"month": "Smarch 2024"}, {"month": "31/04/2024"},
            {"month": "Q1"}]
    assert only_problem(load_spending, spending_file(tmp_path, *rows)) == Problem(
        "4 rows with a month that could not be read.", "month", (3, 4, 5, 6),
        ("2024-13", "Smarch 2024", "31/04/2024", "Q1"), 4, MONTH_EXPECTED,
    )


def test_amounts_that_are_not_money(tmp_path: Path) -> None:
    # "12,30" is not a thousands comma; "12 300" is not read as 12300; a sign inside brackets
    # is a slip; a percentage is not money.
    rows = [{"budget": "12,30"}, {"budget": "12 300"}, {"budget": "(-5)"}, {"budget": "ten"},
            {"budget": "5%"}, {"budget": "£1,200"}]
    assert only_problem(load_spending, spending_file(tmp_path, *rows)) == Problem(
        "5 rows with a value that is not an amount in pounds.", "budget", (2, 3, 4, 5, 6),
        ("12,30", "12 300", "(-5)", "ten", "5%"), 5, MONEY_EXPECTED,
    )


def test_blank_amounts_are_problems(tmp_path: Path) -> None:
    error = raised(load_spending, spending_file(tmp_path, {"budget": ""}, {"actual": " "}, {}))
    assert summary(error) == [
        ("budget", "1 row left blank.", (2,)),
        ("actual", "1 row left blank.", (3,)),
    ]


def test_repeated_team_and_month_without_categories(tmp_path: Path) -> None:
    # April 2024 written three ways for North; South's April is a different team.
    rows = [
        {"month": "2024-04"},                       # row 2
        {"month": "Apr-24"},                        # row 3: repeats row 2
        {"month": "2024-05"},                       # row 4
        {"team": "South", "month": "April 2024"},   # row 5
        {"team": "north", "month": "15/04/2024"},   # row 6: repeats row 2
    ]
    assert only_problem(load_spending, spending_file(tmp_path, *rows)) == Problem(
        "3 rows repeating the team, month and category of another row.", "team", (2, 3, 6),
        ("team North, month Apr 2024, category (blank)",) * 3, 3,
        "one row for each team, month and category",
    )


def test_repeated_team_month_and_category(tmp_path: Path) -> None:
    header = (*SPEND_FIELDS, "category")
    rows = [
        {"month": "2024-04", "category": "Staff"},     # row 2
        {"month": "2024-04", "category": "Agency"},    # row 3: another category, fine
        {"month": "2024-04", "category": "staff"},     # row 4: repeats row 2
        {"month": "2024-04", "category": ""},          # row 5: no category, fine once
        {"month": "2024-05", "category": "Staff"},     # row 6: another month, fine
        {"month": "bad", "category": "Staff"},         # row 7: unreadable, not compared
        {"month": "bad", "category": "Staff"},         # row 8
    ]
    error = raised(load_spending, spending_file(tmp_path, *rows, header=header))
    assert [(p.column, p.message, p.rows, p.values) for p in error.problems] == [
        ("team", "2 rows repeating the team, month and category of another row.", (2, 4),
         ("team North, month Apr 2024, category Staff",) * 2),
        ("month", "2 rows with a month that could not be read.", (7, 8), ("bad", "bad")),
    ]


# --- well-formed: spending ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("2024-04", "2024-04-01"),
        ("2024/04", "2024-04-01"),
        ("2024-4", "2024-04-01"),
        ("04/2024", "2024-04-01"),
        ("4/2024", "2024-04-01"),
        ("Apr-24", "2024-04-01"),
        ("apr-24", "2024-04-01"),
        ("Sep-24", "2024-09-01"),
        ("Sept 2024", "2024-09-01"),
        ("April 2024", "2024-04-01"),
        ("Apr 2024", "2024-04-01"),
        ("January 2025", "2025-01-01"),
        ("15/04/2024", "2024-04-01"),      # a date in the month, day first
        ("03/04/2024", "2024-04-01"),      # 3 April, not 4 March
        ("2024-04-30", "2024-04-01"),
        ("30 Apr 2024", "2024-04-01"),
        ("2024-02-29T23:30:00Z", "2024-02-01"),  # 23:30 GMT on 29 February is still February
        ("2024-04-30T23:30:00Z", "2024-05-01"),  # 30 April 23:30 UTC is 1 May 00:30 BST
    ],
)
def test_each_month_format(tmp_path: Path, written: str, month: str) -> None:
    spending = load_spending(spending_file(tmp_path, {"month": written}))
    assert spending["month"].tolist() == [TS(month)]
    assert str(spending["month"].dtype) == "datetime64[ns]"


@pytest.mark.parametrize(
    ("written", "pounds"),
    [
        ("12300", 12300.0),
        ("12300.50", 12300.5),
        ("12,300", 12300.0),
        ("£12,300", 12300.0),
        ("£12,300.75", 12300.75),
        ("1,234,567.89", 1234567.89),
        ("£ 250", 250.0),
        ("(1,200)", -1200.0),
        ("(£1,200.00)", -1200.0),
        ("( 1,200 )", -1200.0),
        ("-1,200", -1200.0),
        ("-£1,200", -1200.0),
        ("£-1,200", -1200.0),
        ("0", 0.0),
    ],
)
def test_money_formats(tmp_path: Path, written: str, pounds: float) -> None:
    spending = load_spending(spending_file(tmp_path, {"budget": written, "actual": written}))
    assert spending["budget"].tolist() == [pounds]
    assert spending["actual"].tolist() == [pounds]


def test_spending_columns_and_dtypes(tmp_path: Path) -> None:
    rows = [
        {"budget": "£10,000", "actual": "9,500.50"},
        {"team": "north", "budget": "10000", "actual": "(250)"},
        {"team": "South", "month": "2024-04", "budget": "£5,000", "actual": "£5,100"},
    ]
    spending = load_spending(spending_file(tmp_path, *rows))
    assert spending.dtypes.astype(str).to_dict() == {
        "team": "category", "month": "datetime64[ns]", "budget": "float64", "actual": "float64",
        "category": "category",
    }
    assert list(spending.index) == [2, 3, 4]
    assert spending["team"].tolist() == ["North", "North", "South"]
    assert spending["month"].tolist() == [TS("2024-04-01"), TS("2024-05-01"), TS("2024-04-01")]
    assert spending["budget"].tolist() == [10000.0, 10000.0, 5000.0]
    assert spending["actual"].tolist() == [9500.5, -250.0, 5100.0]
    assert spending["category"].isna().all()  # no category column: all blank


def test_spending_from_excel_with_date_cells_and_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Budget monitoring 2024/25"])
    sheet.append(["Team", "Month", "Category", "Budget", "Actual"])
    sheet.append(["North", dt.datetime(2024, 4, 1), "Staff", 12000, 11850.25])
    sheet.append(["North", dt.datetime(2024, 5, 17), "Staff", 12000, "(1,000)"])
    sheet.append(["North", "Apr-24", "Agency", "£3,000", -250])
    book.save(tmp_path / "spending.xlsx")
    spending = load_spending(tmp_path / "spending.xlsx")
    assert list(spending.index) == [3, 4, 5]
    assert spending["month"].tolist() == [TS("2024-04-01"), TS("2024-05-01"), TS("2024-04-01")]
    assert spending["category"].tolist() == ["Staff", "Staff", "Agency"]
    assert spending["budget"].tolist() == [12000.0, 12000.0, 3000.0]
    assert spending["actual"].tolist() == [11850.25, -1000.0, -250.0]


# --- malformed: targets ---------------------------------------------------------------------------


def test_unknown_measures_with_suggestions(tmp_path: Path) -> None:
    rows = [
        {"measure": "open_items", "target": "100"},
        {"measure": "Opne items", "target": "100"},
        {"measure": "overdue item", "target": "5"},
        {"measure": "waiting time", "target": "5"},
        {"measure": "Opne items", "team": "South", "target": "90"},
    ]
    problem = only_problem(load_targets, targets_file(tmp_path, *rows))
    # Each unknown name is listed once, with the closest measure where there is one.
    assert problem == Problem(
        '4 rows naming a measure that is not in the measures table: "Opne items" (did you mean '
        '"open_items"?), "overdue item" (did you mean "overdue_items"?), "waiting time".',
        "measure", (3, 4, 5, 6), ("Opne items", "overdue item", "waiting time", "Opne items"), 4,
        "the key or the label of a measure: " + ", ".join(MEASURE_KEYS),
    )


def test_a_share_is_written_like_0_8_or_80_percent(tmp_path: Path) -> None:
    rows = [
        {"measure": "completed_on_time_share", "team": "A", "target": "80%"},   # row 2: fine
        {"measure": "completed_on_time_share", "team": "B", "target": "0.8"},   # row 3: fine
        {"measure": "completed_on_time_share", "team": "C", "target": "80"},    # row 4
        {"measure": "actions_on_time_share", "team": "C", "target": "120%"},    # row 5
        {"measure": "actions_on_time_share", "team": "D", "target": "1"},       # row 6: fine
    ]
    problem = only_problem(load_targets, targets_file(tmp_path, *rows))
    assert problem == Problem(
        "2 rows with a target for a share that is not between 0 and 1. A share is written like "
        "0.8 or 80%.", "target", (4, 5), ("80", "120%"), 2, "a share such as 0.8 or 80%",
    )


def test_a_percentage_for_a_measure_that_is_not_a_share(tmp_path: Path) -> None:
    rows = [{"measure": "open_items", "target": "50%"}, {"measure": "items_completed", "target": "50"}]
    assert only_problem(load_targets, targets_file(tmp_path, *rows)) == Problem(
        "1 row with a percentage for a measure that is not a share.", "target", (2,), ("50%",), 1,
        "a number in the measure's unit (a count, days or pounds)",
    )


def test_targets_that_are_not_numbers_or_blank(tmp_path: Path) -> None:
    rows = [{"measure": "open_items", "target": "about 100"},
            {"measure": "overdue_items", "target": ""}]
    error = raised(load_targets, targets_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows, p.values) for p in error.problems] == [
        ("target", "1 row with a target that is not a number.", (2,), ("about 100",)),
        ("target", "1 row left blank.", (3,), (None,)),
    ]


def test_direction_that_is_not_one_of_ours(tmp_path: Path) -> None:
    header = (*TARGET_FIELDS, "direction")
    rows = [{"measure": "open_items", "target": "10", "direction": "sideways"}]
    assert only_problem(load_targets, targets_file(tmp_path, *rows, header=header)) == Problem(
        '1 row with a value that is not allowed: "sideways" (1).', "direction", (2,),
        ("sideways",), 1, "higher or lower (which is better; increase and decrease are accepted too)",
    )


def test_repeated_measure_and_team(tmp_path: Path) -> None:
    rows = [
        {"measure": "open_items", "target": "100"},                          # row 2: every team
        {"measure": "Open work items", "target": "90"},                      # row 3: repeats 2
        {"measure": "open_items", "team": "North", "target": "40"},          # row 4: fine
        {"measure": "OPEN ITEMS", "team": "north", "target": "45"},          # row 5: repeats 4
        {"measure": "overdue_items", "team": "North", "target": "5"},        # row 6: fine
    ]
    assert only_problem(load_targets, targets_file(tmp_path, *rows)) == Problem(
        "4 rows repeating the measure and team of another row.", "measure", (2, 3, 4, 5),
        ("measure open_items, team (blank)", "measure open_items, team (blank)",
         "measure open_items, team North", "measure open_items, team North"), 4,
        "one target for each measure and team (a blank team is every team)",
    )


def test_targets_file_without_a_team_column(tmp_path: Path) -> None:
    path = write(tmp_path, "measure,target\nopen_items,100\n", "targets.csv")
    assert only_problem(load_targets, path).message == (
        'The required column "team" is missing. Columns found: "measure", "target".'
    )


# --- well-formed: targets ------------------------------------------------------------------------


def test_targets_columns_and_dtypes(tmp_path: Path) -> None:
    rows = [
        {"measure": "Open work items", "team": "", "target": "100"},
        {"measure": "completed on time share", "team": "North", "target": "80%"},
        {"measure": "COMPLETED_ON_TIME_SHARE", "team": "South", "target": "0.75"},
        {"measure": "spend-variance", "team": "North", "target": "(£1,000)"},
        {"measure": "Median days to complete", "team": "North", "target": "21.5"},
        {"measure": "items_opened", "team": "", "target": "40"},
    ]
    targets = load_targets(targets_file(tmp_path, *rows))
    assert targets.dtypes.astype(str).to_dict() == {
        "measure": "category", "team": "category", "target": "float64", "direction": "category",
    }
    assert list(targets.index) == [2, 3, 4, 5, 6, 7]
    assert targets["measure"].tolist() == [
        "open_items", "completed_on_time_share", "completed_on_time_share", "spend_variance",
        "median_days_to_complete", "items_opened",
    ]
    assert list(targets["measure"].cat.categories) == list(MEASURE_KEYS)
    assert targets["team"].isna().tolist() == [True, False, False, False, False, True]
    assert targets["target"].tolist() == [100.0, 0.8, 0.75, -1000.0, 21.5, 40.0]
    # No direction column: each measure's own direction of good.
    assert targets["direction"].tolist() == [
        "decrease", "increase", "increase", "decrease", "decrease", "neutral",
    ]
    assert list(targets["direction"].cat.categories) == ["increase", "decrease", "neutral"]


@pytest.mark.parametrize(
    ("written", "direction"),
    [
        ("higher", "increase"),
        ("Higher is better", "increase"),
        ("HIGHER-IS-BETTER", "increase"),
        ("increase", "increase"),
        ("Increase", "increase"),
        ("lower", "decrease"),
        ("lower is better", "decrease"),
        ("Lower_is_better", "decrease"),
        ("decrease", "decrease"),
        ("DECREASE", "decrease"),
    ],
)
def test_direction_spellings(tmp_path: Path, written: str, direction: str) -> None:
    header = (*TARGET_FIELDS, "direction")
    targets = load_targets(targets_file(
        tmp_path, {"measure": "open_items", "target": "10", "direction": written}, header=header,
    ))
    assert targets["direction"].tolist() == [direction]


def test_blank_direction_is_the_measures_own_and_a_given_one_is_used(tmp_path: Path) -> None:
    header = (*TARGET_FIELDS, "direction")
    rows = [
        {"measure": "open_items", "target": "10", "direction": ""},             # decrease
        {"measure": "items_completed", "target": "10", "direction": ""},        # increase
        {"measure": "items_opened", "target": "10", "direction": ""},           # neutral
        {"measure": "spend_actual", "target": "£5,000", "direction": "lower"},  # neutral, given
        {"measure": "open_items", "team": "N", "target": "5", "direction": "higher"},  # overrides
    ]
    targets = load_targets(targets_file(tmp_path, *rows, header=header))
    own = {m.key: m.improvement for m in MEASURES}
    assert own["items_opened"] == own["spend_actual"] == "neutral"
    assert targets["direction"].tolist() == ["decrease", "increase", "neutral", "decrease", "increase"]
    assert targets["target"].tolist() == [10.0, 10.0, 10.0, 5000.0, 5.0]


def test_targets_from_excel_share_cells(tmp_path: Path) -> None:
    # Excel keeps a cell shown as 80% as 0.8.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure", "Team", "Target", "Direction"])
    sheet.append(["Completed by the due date", None, 0.8, None])
    sheet.append(["Overdue work items", "North", 12, "Lower is better"])
    book.save(tmp_path / "targets.xlsx")
    targets = load_targets(tmp_path / "targets.xlsx")
    assert targets["measure"].tolist() == ["completed_on_time_share", "overdue_items"]
    assert targets["target"].tolist() == [0.8, 12.0]
    assert targets["direction"].tolist() == ["increase", "decrease"]


# --- malformed: actions ---------------------------------------------------------------------------


def test_done_before_raised_and_due_before_raised(tmp_path: Path) -> None:
    rows = [
        {"raised": "03/04/2024", "done": "02/04/2024"},                 # row 2: done before
        {"raised": "03/04/2024", "done": "03/04/2024"},                 # row 3: same day, fine
        {"raised": "03/04/2024", "due": "01/04/2024"},                  # row 4: due before
        {"raised": "03/04/2024", "due": "01/04/2024", "done": "2024-03-30"},  # row 5: both
    ]
    error = raised(load_actions, actions_file(tmp_path, *rows))
    assert [(p.column, p.message, p.rows, p.values, p.expected) for p in error.problems] == [
        ("due", "2 rows with a due date before the raised date.", (4, 5),
         ("due 01/04/2024, raised 03/04/2024", "due 01/04/2024, raised 03/04/2024"),
         "a due date on or after the raised date"),
        ("done", "2 rows with a done date before the raised date.", (2, 5),
         ("done 02/04/2024, raised 03/04/2024", "done 30/03/2024, raised 03/04/2024"),
         "a done date on or after the raised date"),
    ]


def test_every_action_problem_at_once(tmp_path: Path) -> None:
    rows = [
        {"action_id": "A1", "owner": ""},               # row 2: blank owner
        {"action_id": "A1", "raised": "31/02/2024"},    # row 3: repeated id, unreadable date
        {"action_id": "", "due": ""},                   # row 4: blank id, blank due
        {"action_id": "A4", "done": "next week"},       # row 5
    ]
    error = raised(load_actions, actions_file(tmp_path, *rows))
    assert summary(error) == [
        ("action_id", "1 row left blank.", (4,)),
        ("action_id", "2 rows sharing an action_id with another row.", (2, 3)),
        ("raised", "1 row with a date that could not be read.", (3,)),
        ("owner", "1 row left blank.", (2,)),
        ("due", "1 row left blank.", (4,)),
        ("done", "1 row with a date that could not be read.", (5,)),
    ]


def test_missing_action_columns(tmp_path: Path) -> None:
    header = ("action_id", "team", "raised", "Owner name", "due")
    error = raised(load_actions, actions_file(tmp_path, {"Owner name": "X"}, header=header))
    found = ' Columns found: "action_id", "team", "raised", "Owner name", "due".'
    assert [p.message for p in error.problems] == [
        'The required column "owner" is missing. Did you mean "Owner name"? If so, rename it, '
        "or add 'Owner name: owner' to a column map." + found,
        'The required column "done" is missing.' + found,
    ]


# --- well-formed: actions ---------------------------------------------------------------------------


ACTION_DTYPES = {
    "action_id": "str", "team": "category", "raised": "datetime64[ns]", "owner": "category",
    "due": "datetime64[ns]", "done": "datetime64[ns]", "description": "str",
}


def test_actions_columns_and_dtypes(tmp_path: Path) -> None:
    header = (*ACTION_FIELDS, "description")
    rows = [
        {"description": "Review the waiting list"},
        {"team": "South", "owner": "head of service", "done": "16/04/2024", "description": ""},
        {"action_id": "A3", "raised": "2024-05-01", "due": "2024-05-15", "done": "2024-05-15"},
    ]
    actions = load_actions(actions_file(tmp_path, *rows, header=header))
    assert actions.dtypes.astype(str).to_dict() == ACTION_DTYPES
    assert list(actions.index) == [2, 3, 4]
    assert actions["action_id"].tolist() == ["A1", "A2", "A3"]
    assert actions["owner"].tolist() == ["Head of service"] * 3
    assert actions["raised"].tolist() == [TS("2024-04-03"), TS("2024-04-03"), TS("2024-05-01")]
    assert actions["due"].tolist() == [TS("2024-04-17"), TS("2024-04-17"), TS("2024-05-15")]
    assert actions["done"].isna().tolist() == [True, False, False]
    assert actions["description"].tolist()[0] == "Review the waiting list"
    assert actions["description"].isna().tolist() == [False, True, True]


def test_actions_without_a_description_column(tmp_path: Path) -> None:
    actions = load_actions(actions_file(tmp_path, {}, {"action_id": "7"}))
    assert actions.dtypes.astype(str).to_dict() == ACTION_DTYPES
    assert actions["description"].isna().all()


# --- contracts and documentation ----------------------------------------------------------------------


def test_contracts_are_registered_with_private_columns() -> None:
    assert DATASETS["work_items"].schema is WORK_ITEMS and DATASETS["spending"].schema is SPENDING
    assert DATASETS["targets"].schema is TARGETS and DATASETS["actions"].schema is ACTIONS

    def private(schema):
        return {name for name, c in schema.columns.items() if c.metadata.get("private")}

    assert private(WORK_ITEMS) == {"item_id", "worker"}
    assert private(ACTIONS) == {"action_id", "owner", "description"}
    assert private(SPENDING) == private(TARGETS) == set()
    assert WORK_ITEMS.columns["item_id"].unique and ACTIONS.columns["action_id"].unique


def test_documentation_has_a_section_for_each() -> None:
    page = contracts_page()
    for name, command in [("work_items", "work-items"), ("spending", "spending"),
                          ("targets", "targets"), ("actions", "actions")]:
        assert f"## `{name}`: `workbook validate {command} FILE`" in page
        for column, spec in DATASETS[name].schema.columns.items():
            assert f"| `{column}` | {'yes' if spec.metadata['required'] else 'no'} |" in page
    assert page.count("It feeds the team-performance workbook, which takes its column map as") == 4
    for measure in MEASURES:
        assert f"| `{measure.key}` | {measure.label} | {measure.unit} |" in page


# --- the command ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["work-items", "work_items"])
def test_cli_validate_work_items(tmp_path: Path, dataset: str) -> None:
    path = items_file(tmp_path, {}, {"opened": "05/04/2024", "closed": "10/04/2024", "due": ""})
    result = run_cli("validate", dataset, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "OK: 2 work items for 1 team, opened from 1 April 2024 to 5 April 2024; 1 still open.\n"
        "Note: 1 item has no due date.\n"
    )


def test_cli_validate_work_items_problems_exit_2(tmp_path: Path) -> None:
    path = items_file(tmp_path, {}, {"item_id": "W1"})
    result = run_cli("validate", "work-items", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Problem in {path}:\n"
        '  Column "item_id": 2 rows sharing an item_id with another row. Expected each item_id '
        "only once.\n"
        '    row 2: "W1"\n'
        '    row 3: "W1"\n'
    )


def test_cli_validate_spending(tmp_path: Path) -> None:
    path = spending_file(tmp_path, {"budget": "£1,000", "actual": "(200)"},
                         {"team": "South", "month": "June 2024", "actual": "1,250"})
    result = run_cli("validate", "spending", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "OK: 2 rows for 2 teams, April 2024 to June 2024: budget £2,000, actual £1,050.\n"
    bad = spending_file(tmp_path, {"month": "2024-04"}, {"month": "Apr-24"}, name="bad.csv")
    failed = run_cli("validate", "spending", str(bad))
    assert failed.returncode == 2
    assert 'Column "team": 2 rows repeating the team, month and category of another row.' in failed.stderr
    assert 'row 3: "team North, month Apr 2024, category (blank)"' in failed.stderr


def test_cli_validate_targets(tmp_path: Path) -> None:
    path = targets_file(tmp_path, {"measure": "Open work items", "target": "100"},
                        {"measure": "completed_on_time_share", "team": "North", "target": "80%"})
    result = run_cli("validate", "targets", str(path))
    assert (result.returncode, result.stdout) == (0, "OK: 2 targets for 2 measures, 1 of them for every team.\n")
    bad = targets_file(tmp_path, {"measure": "Opne items", "target": "100"}, name="bad.csv")
    failed = run_cli("validate", "targets", str(bad))
    assert failed.returncode == 2
    assert '"Opne items" (did you mean "open_items"?)' in failed.stderr
    assert "Traceback" not in failed.stderr


def test_cli_validate_actions(tmp_path: Path) -> None:
    path = actions_file(tmp_path, {}, {"raised": "10/04/2024", "done": "11/04/2024"})
    result = run_cli("validate", "actions", str(path))
    assert (result.returncode, result.stdout) == (
        0, "OK: 2 actions for 1 team, raised from 3 April 2024 to 10 April 2024; 1 not done yet.\n",
    )
    bad = actions_file(tmp_path, {"done": "01/04/2024"}, name="bad.csv")
    failed = run_cli("validate", "actions", str(bad))
    assert failed.returncode == 2
    assert 'Column "done": 1 row with a done date before the raised date.' in failed.stderr
    misused = run_cli("validate", "actions", str(path), "--activity-map", "x.yaml")
    assert misused.returncode == 2 and "--activity-map is for case events only" in misused.stderr
