"""Tests of loading a demand log (:func:`workbook_helpers.data.loading.load_demand`).

Two halves: a catalogue of malformed files, each pinning the message an analyst reads (which
column, which rows as a spreadsheet numbers them, what was found, what was expected), and
well-formed variants of real exports that must load to values worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbook_helpers.data.contracts import CHANNELS, FAILURE_TYPES
from workbook_helpers.exceptions import DataError, Problem
from workbook_helpers.data.loading import load_demand

FIELDS = (
    "received", "service", "channel", "demand_type", "demand_class",
    "failure_type", "one_stop", "handling_minutes", "contact_id",
)
GOOD = {
    "received": "03/04/2024",
    "service": "Housing repairs",
    "channel": "phone",
    "demand_type": "chasing a repair",
    "demand_class": "F",
    "failure_type": "chasing",
    "one_stop": "no",
    "handling_minutes": "6",
}
DATE_EXPECTED = "a date such as 03/04/2024 (day first) or 2024-04-03, optionally with a time"
ALL_COLUMNS = "one of: " + ", ".join((*FIELDS[:6], "team", "what_matters", *FIELDS[6:]))


# --- helpers ---------------------------------------------------------------------------------


def write(
    folder: Path, content: str | bytes, name: str = "demand.csv", encoding: str = "utf-8"
) -> Path:
    """Write a fixture file: text in the given encoding, or bytes as they are."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def log_text(*rows: dict, header: tuple[str, ...] = FIELDS, sep: str = ",") -> str:
    """A demand log with one good row per dict, changed by that dict. Contact ids are C1, C2, ...
    so the n-th row given is spreadsheet row n + 1."""
    lines = [sep.join(header)]
    for number, changes in enumerate(rows, 1):
        values = {**GOOD, "contact_id": f"C{number}", **changes}
        lines.append(sep.join(values.get(name, "") for name in header))
    return "\n".join(lines) + "\n"


def raised(path: Path, **options) -> DataError:
    with pytest.raises(DataError) as caught:
        load_demand(path, **options)
    return caught.value


def only_problem(path: Path, **options) -> Problem:
    error = raised(path, **options)
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def message_of(path: Path, **options) -> str:
    return only_problem(path, **options).message


def workbook(
    path: Path, rows: list[list], title: str = "Log", extra_sheets: tuple[str, ...] = ()
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name in extra_sheets:
        book.create_sheet(name)
    book.save(path)
    return path


# --- malformed: the file itself ----------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \r\n\n\t\n"], ids=["zero bytes", "only blank lines"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content)
    error = raised(path)
    assert error.problems[0].message == "The file is empty."
    assert str(error) == f"Problem in {path}:\n  The file is empty."


@pytest.mark.parametrize(
    "content",
    [",".join(FIELDS) + "\n", ",".join(FIELDS) + "\r\n,,,,,,,,\r\n\r\n"],
    ids=["header only", "header and blank rows"],
)
def test_header_only(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, content)
    assert message_of(path) == "The file has a header row but no rows of data."


def test_file_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "demand-2024.csv"
    error = raised(path)
    assert error.problems[0].message == "The file does not exist. Check the path and the file name."
    assert str(path) in str(error)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert message_of(tmp_path) == "This is a folder, not a file."


def _docx_bytes(folder: Path) -> bytes:
    with zipfile.ZipFile(folder / "made.zip", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return (folder / "made.zip").read_bytes()


def _zip_bytes(folder: Path) -> bytes:
    with zipfile.ZipFile(folder / "other.zip", "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return (folder / "other.zip").read_bytes()


WRONG_TYPE = (
    "The file is {kind}, which cannot be read as a table. Expected a CSV file, an Excel "
    "workbook (.xlsx) or a Parquet file."
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", WRONG_TYPE.format(kind="a PDF document")),
        # A PDF renamed .csv is still called a PDF, not "a .csv file that cannot be read".
        ("report.csv", b"%PDF-1.4\n1 0 obj\n", WRONG_TYPE.format(kind="a PDF document")),
        ("notes.docx", _docx_bytes, WRONG_TYPE.format(kind="a .docx file")),
        ("logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         WRONG_TYPE.format(kind="not text (it holds binary data)")),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "This is an old-style Excel (.xls) file. Open it in Excel and save it as .xlsx or "
            "CSV (comma delimited).",
        ),
        (
            "unicode.txt",
            (",".join(FIELDS) + "\n").encode("utf-16"),
            "The file is saved as UTF-16 text (Excel's \"Unicode Text\"). Save it from Excel as "
            "\"CSV UTF-8 (comma delimited)\" or as .xlsx.",
        ),
        (
            "renamed.xlsx",
            _zip_bytes,
            "The file could not be opened as an Excel workbook (.xlsx). It may be damaged or be "
            "another kind of file with an Excel name.",
        ),
    ],
    ids=["pdf", "pdf named csv", "docx", "png named csv", "old xls", "utf-16", "zip named xlsx"],
)
def test_wrong_file_type(tmp_path: Path, name: str, content, expected: str) -> None:
    data = content(tmp_path) if callable(content) else content
    assert message_of(write(tmp_path, data, name)) == expected


# --- malformed: columns and column maps ----------------------------------------------------------


def test_missing_column_with_close_misspelling(tmp_path: Path) -> None:
    header = ("Recieved", *FIELDS[1:6])
    path = write(tmp_path, log_text({"Recieved": "03/04/2024"}, header=header))
    problem = only_problem(path)
    assert problem.message == (
        'The required column "received" is missing. Did you mean "Recieved"? If so, rename it, '
        "or add 'Recieved: received' to a column map. Columns found: \"Recieved\", \"service\", "
        '"channel", "demand_type", "demand_class", "failure_type".'
    )


def test_several_missing_columns_reported_together(tmp_path: Path) -> None:
    header = ("received", "service", "demand_class", "Notes")
    error = raised(write(tmp_path, log_text({}, header=header)))
    found = ' Columns found: "received", "service", "demand_class", "Notes".'
    assert [p.message for p in error.problems] == [
        'The required column "channel" is missing.' + found,
        'The required column "demand_type" is missing.' + found,
    ]
    assert str(error).startswith(f"2 problems in {tmp_path / 'demand.csv'}:\n  1. The required")


@pytest.mark.parametrize("as_file", [False, True], ids=["dict", "yaml file"])
def test_column_map_to_a_column_we_do_not_have(tmp_path: Path, as_file: bool) -> None:
    path = write(tmp_path, log_text({}))
    column_map: dict | Path = {"Date In": "recieved", "Contact": "customer"}
    if as_file:
        column_map = write(tmp_path, "Date In: recieved\nContact: customer\n", "map.yaml")
    error = raised(path, column_map=column_map)
    assert [(p.message, p.expected) for p in error.problems] == [
        ('"Date In" is mapped to "recieved", which is not a column of the demand log. '
         'Did you mean "received"?', ALL_COLUMNS),
        ('"Contact" is mapped to "customer", which is not a column of the demand log.', ALL_COLUMNS),
    ]
    assert error.path == (str(column_map) if as_file else "the column map")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Date In: received\nService Area: service: oops\n",
            "The column map is not valid YAML near line 2. Expected lines like "
            "'Date Received: received'.",
        ),
        (
            "- received\n- service\n",
            "The column map is empty or not a mapping. Expected lines like "
            "'Date Received: received'.",
        ),
    ],
    ids=["broken yaml", "a list, not a mapping"],
)
def test_broken_column_map(tmp_path: Path, text: str, expected: str) -> None:
    data = write(tmp_path, log_text({}))
    error = raised(data, column_map=write(tmp_path, text, "map.yaml"))
    assert error.problems[0].message == expected
    assert error.path == str(tmp_path / "map.yaml")


def test_column_map_file_that_does_not_exist(tmp_path: Path) -> None:
    error = raised(write(tmp_path, log_text({})), column_map=tmp_path / "nope.yaml")
    assert error.problems[0].message == "The column map file does not exist."
    assert error.path == str(tmp_path / "nope.yaml")


def test_mapped_header_not_in_the_file(tmp_path: Path) -> None:
    header = ("Date Received", *FIELDS[1:5])
    path = write(tmp_path, log_text({"Date Received": "03/04/2024"}, header=header))
    problem = only_problem(path, column_map={"Date In": "received"})
    assert problem.message == (
        'The required column "received" is missing. The column map says it is called "Date In", '
        'but no column has that name. Did you mean "Date Received"? If so, rename it, or add '
        "'Date Received: received' to a column map. Columns found: \"Date Received\", "
        '"service", "channel", "demand_type", "demand_class".'
    )


@pytest.mark.parametrize(
    ("header", "column_map", "ours", "claimed"),
    [
        (("Demand Type", *FIELDS[:5]), None, "demand_type", '"Demand Type", "demand_type"'),
        (("Type", *FIELDS[:5]), {"Type": "demand_type"}, "demand_type", '"Type", "demand_type"'),
        # pandas renames a repeated header to "service.1"; it must not be dropped silently.
        ((*FIELDS[:5], "service"), None, "service", '"service", "service"'),
    ],
    ids=["two spellings", "mapped onto an existing column", "repeated header"],
)
def test_two_columns_becoming_one(
    tmp_path: Path, header: tuple[str, ...], column_map: dict | None, ours: str, claimed: str
) -> None:
    values = {"Demand Type": "repair", "Type": "repair"}
    path = write(tmp_path, log_text(values, header=header))
    assert message_of(path, column_map=column_map) == (
        f'2 columns would all become "{ours}": {claimed}. Keep one, or map the others to '
        "different columns."
    )


# --- malformed: values ----------------------------------------------------------------------------


def test_unreadable_dates(tmp_path: Path) -> None:
    path = write(tmp_path, log_text({}, {"received": "31/02/2024"}, {}, {"received": "soon"}))
    problem = only_problem(path)
    assert problem == Problem(
        "2 rows with a date that could not be read.", "received", (3, 5), ("31/02/2024", "soon"),
        2, DATE_EXPECTED,
    )
    assert problem.describe() == (
        'Column "received": 2 rows with a date that could not be read. Expected '
        f'{DATE_EXPECTED}.\n    row 3: "31/02/2024"\n    row 5: "soon"'
    )


def test_month_first_dates_get_a_hint(tmp_path: Path) -> None:
    # One stray word among the US dates must not hide the hint.
    rows = [{"received": "04/13/2024"}, {"received": "yesterday"}, {"received": "12/25/2024 10:00"}]
    problem = only_problem(write(tmp_path, log_text(*rows)))
    assert problem.message == (
        '3 rows with a date that could not be read. Dates such as "04/13/2024" look like '
        "month-first (US) dates: this suite reads dates day first, so re-export them day first "
        "or as 2024-04-03."
    )
    assert problem.rows == (2, 3, 4)
    assert problem.values == ("04/13/2024", "yesterday", "12/25/2024 10:00")


def test_impossible_day_first_date_gets_no_month_first_hint(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, log_text({"received": "32/01/2024"})))
    assert problem.message == "1 row with a date that could not be read."


@pytest.mark.parametrize(
    ("column", "bad", "allowed"),
    [
        ("channel", "fax", "one of: " + ", ".join(CHANNELS)),
        (
            "demand_class",
            "X",
            "one of: value, failure (V and F are accepted; blank means not yet classified)",
        ),
        ("failure_type", "lost paperwork", "one of: " + ", ".join(FAILURE_TYPES)),
    ],
)
def test_unknown_category(tmp_path: Path, column: str, bad: str, allowed: str) -> None:
    rows = [{}, {column: bad}, {column: "Carrier pigeon"}, {}, {column: bad}]
    problem = only_problem(write(tmp_path, log_text(*rows)))
    assert problem.column == column
    assert problem.message == (
        f'3 rows with a value that is not allowed: "{bad}" (2), "Carrier pigeon" (1).'
    )
    assert problem.rows == (3, 4, 6)
    assert problem.values == (bad, "Carrier pigeon", bad)
    assert problem.expected == allowed


def test_bad_one_stop(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, log_text({"one_stop": "Y"}, {"one_stop": "maybe"})))
    assert problem == Problem(
        "1 row with a value that is not yes or no.", "one_stop", (3,), ("maybe",), 1,
        "yes/no, y/n, true/false or 1/0",
    )


def test_non_numeric_minutes(tmp_path: Path) -> None:
    # "7,5" is a decimal comma, not 75 minutes: it is reported, not read as 75.
    rows = [{"handling_minutes": "ten"}, {"handling_minutes": '"1,200"'}, {"handling_minutes": '"7,5"'}]
    problem = only_problem(write(tmp_path, log_text(*rows)))
    assert problem == Problem(
        "2 rows with a value that is not a number.", "handling_minutes", (2, 4), ("ten", "7,5"),
        2, "a number of minutes such as 12 or 7.5",
    )


def test_negative_minutes(tmp_path: Path) -> None:
    rows = [{}, {"handling_minutes": "-5"}, {"handling_minutes": "0"}]
    problem = only_problem(write(tmp_path, log_text(*rows)))
    assert (problem.column, problem.message, problem.rows, problem.expected) == (
        "handling_minutes", "1 row with a negative number.", (3,), "0 or more",
    )
    assert "row 3: \"-5\"" in problem.describe()


def test_duplicate_contact_id_lists_both_rows(tmp_path: Path) -> None:
    rows = [{"contact_id": "R-17"}, {}, {"contact_id": "R-17"}, {"contact_id": ""}, {"contact_id": ""}]
    problem = only_problem(write(tmp_path, log_text(*rows)))
    # Blank ids (rows 5 and 6) are not duplicates of each other.
    assert problem == Problem(
        "2 rows sharing a contact_id with another row.", "contact_id", (2, 4), ("R-17", "R-17"),
        2, "each contact_id only once",
    )


def test_blank_required_values(tmp_path: Path) -> None:
    rows = [{}, {"service": ""}, {"channel": "  "}, {"service": " "}, {"demand_type": "#N/A"}]
    error = raised(write(tmp_path, log_text(*rows)))
    assert [(p.column, p.message, p.rows, p.expected) for p in error.problems] == [
        ("service", "2 rows left blank.", (3, 5), "a value in every row"),
        ("channel", "1 row left blank.", (4,), "a value in every row"),
        ("demand_type", "1 row left blank.", (6,), "a value in every row"),
    ]
    assert '    row 3: (blank)\n    row 5: (blank)' in str(error)


def test_excel_sheet_that_does_not_exist(tmp_path: Path) -> None:
    path = workbook(tmp_path / "log.xlsx", [list(FIELDS[:5])], extra_sheets=("Notes",))
    assert message_of(path, sheet="Demand") == (
        'There is no sheet called "Demand". The sheets are: Log, Notes.'
    )
    assert message_of(path, sheet=2) == "There is no sheet number 2; the workbook has 2."


@pytest.mark.parametrize("title_rows", [0, 2], ids=["header in row 1", "title above header"])
def test_ragged_row_with_too_many_fields(tmp_path: Path, title_rows: int) -> None:
    text = log_text({}, {}, {"service": "Housing, repairs"}, {})
    path = write(tmp_path, "Demand log export\n\n" * (title_rows // 2) + text)
    assert message_of(path) == (
        f"Row {4 + title_rows} has 10 values but the header has 9 columns. A value probably "
        "contains the separator without quotes around it."
    )


def test_every_row_with_an_extra_value(tmp_path: Path) -> None:
    # pandas would silently take the first column as an index and shift every column.
    text = "".join(line + ",extra\n" if number else line + "\n"
                   for number, line in enumerate(log_text({}, {}).splitlines()))
    assert message_of(write(tmp_path, text)) == (
        "Every row has 10 values but the header has 9 columns. A column may have no header, or "
        "values contain the separator without quotes around them."
    )


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, log_text({}, {"demand_type": '"where is my repair'}, {}))
    assert message_of(path) == (
        'A quote mark (") in row 3 is never closed, so the rest of the file would be read as one '
        "value. Close the quote or remove it."
    )


def test_excel_errors_use_excel_row_numbers(tmp_path: Path) -> None:
    good = [dt.datetime(2024, 4, 3), "Housing repairs", "phone", "chasing a repair", "F"]
    rows = [["Demand log, Q1 2024"], [], list(FIELDS[:5]), good, good, good[:2] + ["fax"] + good[3:]]
    problem = only_problem(workbook(tmp_path / "log.xlsx", rows))
    assert (problem.column, problem.rows, problem.values) == ("channel", (6,), ("fax",))


def test_every_problem_reported_at_once_in_contract_order(tmp_path: Path) -> None:
    rows = [
        {"contact_id": "D1", "handling_minutes": "-1"},            # row 2
        {"received": "someday", "one_stop": "perhaps"},            # row 3: unreadable, not blank
        {"received": "", "service": ""},                           # row 4: blank
        {"channel": "pigeon", "contact_id": "D1"},                 # row 5
        {"demand_class": "maybe", "handling_minutes": "lots"},     # row 6
    ]
    error = raised(write(tmp_path, log_text(*rows)))
    assert [(p.column, p.message, p.rows) for p in error.problems] == [
        ("received", "1 row with a date that could not be read.", (3,)),
        ("received", "1 row left blank.", (4,)),
        ("service", "1 row left blank.", (4,)),
        ("channel", '1 row with a value that is not allowed: "pigeon" (1).', (5,)),
        ("demand_class", '1 row with a value that is not allowed: "maybe" (1).', (6,)),
        ("one_stop", "1 row with a value that is not yes or no.", (3,)),
        ("handling_minutes", "1 row with a value that is not a number.", (6,)),
        ("handling_minutes", "1 row with a negative number.", (2,)),
        ("contact_id", "2 rows sharing a contact_id with another row.", (2, 5)),
    ]
    text = str(error)
    assert text.startswith(f"9 problems in {tmp_path / 'demand.csv'}:\n  1. Column \"received\"")
    assert "row 4: (blank)" in text and "NaT" not in text


def test_unreadable_date_is_not_also_reported_blank(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, log_text({}, {"received": "next Tuesday"})))
    assert (problem.column, problem.rows) == ("received", (3,))
    assert "blank" not in problem.message


# --- well-formed variants ------------------------------------------------------------------------


def test_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    text = log_text({"service": "Café licensing"}, {"demand_class": "V", "failure_type": ""})
    log = load_demand(write(tmp_path, text, encoding="utf-8-sig"))
    assert (tmp_path / "demand.csv").read_bytes().startswith(b"\xef\xbb\xbfreceived,")
    assert list(log.index) == [2, 3]
    assert log["received"].tolist() == [pd.Timestamp("2024-04-03")] * 2
    assert log["service"].tolist() == ["Café licensing", "Housing repairs"]
    assert log["demand_class"].tolist() == ["failure", "value"]


def test_windows_1252_with_pound_and_accent(tmp_path: Path) -> None:
    header = (*FIELDS, "what_matters")
    rows = [{"what_matters": "I owe £120 and can't pay"}, {"service": "Café licensing"}]
    path = write(tmp_path, log_text(*rows, header=header), encoding="cp1252")
    assert b"\xa3120" in path.read_bytes()  # really Windows-1252, not UTF-8
    log = load_demand(path)
    assert log.loc[2, "what_matters"] == "I owe £120 and can't pay"
    assert log.loc[3, "service"] == "Café licensing"


def test_byte_undefined_in_windows_1252_does_not_stop_the_load(tmp_path: Path) -> None:
    text = log_text({"service": "Caf\u00e9"}, {"service": "RentsX"}).encode("cp1252")
    log = load_demand(write(tmp_path, text.replace(b"RentsX", b"Rents\x81")))
    assert log["service"].tolist() == ["Café", "Rents\ufffd"]


@pytest.mark.parametrize("sep", [";", "\t"], ids=["semicolon", "tab"])
def test_other_separators(tmp_path: Path, sep: str) -> None:
    header = (*FIELDS, "what_matters")
    rows = [
        {"what_matters": "fixed, and soon", "handling_minutes": "7.5"},
        {"what_matters": "no more calls, please", "demand_class": "V", "failure_type": ""},
    ]
    log = load_demand(write(tmp_path, log_text(*rows, header=header, sep=sep)))
    assert log["what_matters"].tolist() == ["fixed, and soon", "no more calls, please"]
    assert log["handling_minutes"].tolist() == [7.5, 6.0]
    assert log["demand_class"].tolist() == ["failure", "value"]


def test_excel_with_title_and_blank_row_above_header(tmp_path: Path) -> None:
    rows = [
        ["Demand log, April 2024"],
        [],
        ["Received", "Service", "Channel", "Demand Type", "Demand Class", "One Stop",
         "Handling Minutes"],
        ["03/04/2024", "Housing repairs", "Phone", "repair", "V", "yes", 12],
        ["04/04/2024", "Housing repairs", "Email", "chasing", "F", None, 7.5],
    ]
    log = load_demand(workbook(tmp_path / "log.xlsx", rows))
    assert list(log.index) == [4, 5]
    assert log["received"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-04")]
    assert log["channel"].tolist() == ["phone", "e-mail"]
    assert log["one_stop"].tolist() == [True, pd.NA]
    assert log["handling_minutes"].tolist() == [12.0, 7.5]


def test_excel_with_real_date_cells(tmp_path: Path) -> None:
    rows = [
        list(FIELDS[:5]) + ["one_stop"],
        [dt.datetime(2024, 4, 3, 9, 30), "Housing repairs", "phone", "repair", "V", True],
        [dt.date(2024, 4, 4), "Housing repairs", "phone", "repair", "F", False],
        ["05/04/2024 16:45", "Housing repairs", "web", "repair", "F", 1],
    ]
    log = load_demand(workbook(tmp_path / "log.xlsx", rows), sheet="Log")
    assert log["received"].tolist() == [
        pd.Timestamp("2024-04-03 09:30"), pd.Timestamp("2024-04-04"), pd.Timestamp("2024-04-05 16:45"),
    ]
    assert log["one_stop"].tolist() == [True, False, True]


def test_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "received": [pd.Timestamp("2024-04-03 09:30"), pd.Timestamp("2024-04-04")],
        "service": ["Housing repairs", "housing repairs"],
        "channel": ["Telephone", "F2F"],
        "demand_type": ["repair", "repair"],
        "demand_class": ["V", None],
        "one_stop": [True, None],
        "handling_minutes": [5, 12],
    })
    frame.to_parquet(tmp_path / "log.parquet")
    log = load_demand(tmp_path / "log.parquet")
    assert list(log.index) == [2, 3]
    assert log["received"].tolist() == [pd.Timestamp("2024-04-03 09:30"), pd.Timestamp("2024-04-04")]
    assert log["service"].tolist() == ["Housing repairs", "Housing repairs"]
    assert log["channel"].tolist() == ["phone", "face-to-face"]
    assert log["demand_class"].isna().tolist() == [False, True]
    assert log["one_stop"].tolist() == [True, pd.NA]
    assert log["handling_minutes"].tolist() == [5.0, 12.0]


def test_parquet_with_time_zone_reads_uk_clock_time(tmp_path: Path) -> None:
    received = pd.to_datetime(["2024-04-30 23:30", "2024-01-15 09:00"]).tz_localize("UTC")
    frame = pd.DataFrame({"received": received, "service": ["A", "B"], "channel": ["web", "web"],
                          "demand_type": ["x", "y"], "demand_class": ["V", "F"]})
    frame.to_parquet(tmp_path / "log.parquet")
    log = load_demand(tmp_path / "log.parquet")
    # British Summer Time in May is UTC+1; January is UTC.
    assert log["received"].tolist() == [
        pd.Timestamp("2024-05-01 00:30"), pd.Timestamp("2024-01-15 09:00"),
    ]


def test_day_first_and_iso_dates_mixed(tmp_path: Path) -> None:
    dates = ["03/04/2024", "2024-04-05 13:30", "03/04/2024 09:15", "2024-04-06", "07-04-2024",
             "8 Apr 2024", "09/04/24", "2024-04-10T08:05:00"]
    log = load_demand(write(tmp_path, log_text(*({"received": d} for d in dates))))
    assert log["received"].tolist() == [
        pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-05 13:30"), pd.Timestamp("2024-04-03 09:15"),
        pd.Timestamp("2024-04-06"), pd.Timestamp("2024-04-07"), pd.Timestamp("2024-04-08"),
        pd.Timestamp("2024-04-09"), pd.Timestamp("2024-04-10 08:05"),
    ]
    assert log["received"].dtype == "datetime64[ns]"


THEIR_HEADER = ("Date In", "Service Area", "How", "What They Said", "Class", "Ref")
THEIR_ROW = {"Date In": "03/04/2024", "Service Area": "Waste", "How": "online",
             "What They Said": "missed bin", "Class": "f", "Ref": "W1"}
THEIR_MAP = {"Date In": "received", "Service Area": "service", "How": "channel",
             "What They Said": "demand_type", "Class": "demand_class", "Ref": "contact_id"}


@pytest.mark.parametrize("form", ["dict", "yaml", "yaml columns"])
def test_column_map(tmp_path: Path, form: str) -> None:
    path = write(tmp_path, log_text(THEIR_ROW, header=THEIR_HEADER))
    yaml_text = "".join(f"{theirs}: {ours}\n" for theirs, ours in THEIR_MAP.items())
    column_map = {
        "dict": THEIR_MAP,
        "yaml": write(tmp_path, yaml_text, "map.yaml"),
        "yaml columns": write(
            tmp_path,
            "# our export\ncolumns:\n" + "".join(f"  {line}\n" for line in yaml_text.splitlines()),
            "map.yaml",
        ),
    }[form]
    log = load_demand(path, column_map=column_map)
    assert list(log.columns) == [*FIELDS[:5], "contact_id"]
    assert log.iloc[0].tolist() == [
        pd.Timestamp("2024-04-03"), "Waste", "web", "missed bin", "failure", "W1",
    ]


def test_headers_differing_in_case_spaces_and_hyphens(tmp_path: Path) -> None:
    header = (
        " Received ", "SERVICE", "Channel", "Demand Type", "DEMAND-CLASS", "failure type", "One_Stop",
    )
    row = dict(zip(header, ["03/04/2024", "Waste", "web", "missed bin", "F", "repeat", "no"]))
    log = load_demand(write(tmp_path, log_text(row, header=header)))
    assert list(log.columns) == list(FIELDS[:7])
    assert log.loc[2].tolist() == [
        pd.Timestamp("2024-04-03"), "Waste", "web", "missed bin", "failure", "repeat", False,
    ]


def test_value_and_failure_letters_in_any_case(tmp_path: Path) -> None:
    classes = [" v ", "V", "f", " F", "Value", "failure demand", "VALUE DEMAND"]
    rows = [{"demand_class": c, "failure_type": "" if "v" in c.lower() else "repeat"} for c in classes]
    log = load_demand(write(tmp_path, log_text(*rows)))
    assert log["demand_class"].tolist() == [
        "value", "value", "failure", "failure", "value", "failure", "value",
    ]
    assert log.attrs["warnings"] == []


def test_category_spellings_folded(tmp_path: Path) -> None:
    pairs = [
        ("Email", "Chasing"), ("e_mail", "Chase"), ("F2F", "not done right first time"),
        ("Telephone", "Sent to the wrong place"), ("web form", "CLARIFICATION"), ("post", "Repeat"),
    ]
    log = load_demand(write(tmp_path, log_text(*({"channel": c, "failure_type": f} for c, f in pairs))))
    assert log["channel"].tolist() == ["e-mail", "e-mail", "face-to-face", "phone", "web", "letter"]
    assert log["failure_type"].tolist() == [
        "progress chasing", "progress chasing", "not done right", "wrong place", "clarification",
        "repeat",
    ]


def test_text_spellings_differing_in_case_merged_to_most_common(tmp_path: Path) -> None:
    services = ["Housing repairs", "housing repairs", "Housing repairs", " HOUSING  REPAIRS", "Waste"]
    log = load_demand(write(tmp_path, log_text(*({"service": s} for s in services))))
    assert log["service"].tolist() == ["Housing repairs"] * 4 + ["Waste"]


def test_blank_demand_class_allowed_as_not_yet_classified(tmp_path: Path) -> None:
    log = load_demand(write(tmp_path, log_text({}, {"demand_class": "", "failure_type": ""}, {})))
    assert log["demand_class"].isna().tolist() == [False, True, False]
    assert log.attrs["warnings"] == []  # counted per report, for the rows it selects


def test_iso_date_times_with_a_time_zone_are_read_as_uk_clock_time(tmp_path: Path) -> None:
    # 09:00 UTC on 3 April 2024 is 10:00 in London (summer time since 31 March); 08:30 at +01:00
    # is 08:30 in London; 1 February 2024 12:00Z is 12:00 (winter time); plain dates are as given.
    stamps = ["2024-04-03T09:00:00Z", "2024-04-03T08:30:00+01:00", "2024-02-01T12:00:00Z", "2024-04-05"]
    log = load_demand(write(tmp_path, log_text(*({"received": s} for s in stamps))))
    assert log["received"].tolist() == [
        pd.Timestamp("2024-04-03 10:00"), pd.Timestamp("2024-04-03 08:30"),
        pd.Timestamp("2024-02-01 12:00"), pd.Timestamp("2024-04-05"),
    ]


def test_value_demand_with_failure_type_is_cleared_with_a_warning(tmp_path: Path) -> None:
    rows = [
        {"demand_class": "V", "failure_type": "chasing"},
        {},
        {"demand_class": "value", "failure_type": "repeat"},
    ]
    log = load_demand(write(tmp_path, log_text(*rows)))
    assert log["failure_type"].isna().tolist() == [True, False, True]
    assert log.loc[3, "failure_type"] == "progress chasing"
    assert log.attrs["warnings"] == [
        "2 rows are value demand but have a failure type; their failure type was ignored."
    ]


def test_yes_no_and_minutes_variants(tmp_path: Path) -> None:
    answers = [("Yes", " 12 "), ("n", "7.5"), ("TRUE", '"1,200"'), ("0", ""), ("", "0")]
    rows = ({"one_stop": answer, "handling_minutes": minutes} for answer, minutes in answers)
    log = load_demand(write(tmp_path, log_text(*rows)))
    assert log["one_stop"].tolist() == [True, False, True, False, pd.NA]
    assert log["handling_minutes"].fillna(-1).tolist() == [12.0, 7.5, 1200.0, -1, 0.0]


def test_source_records_file_and_sha256(tmp_path: Path) -> None:
    path = write(tmp_path, log_text({}, {}, {}), name="Demand April.csv")
    log = load_demand(path)
    assert log.attrs["source"] == {
        "path": str(path),
        "name": "Demand April.csv",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "rows": 3,
        "exact_copies": 0,  # contact ids C1, C2, C3: no row repeats another
        "exact_copies_dropped": False,
    }
    assert log.index.name == "row"


def test_unknown_columns_dropped(tmp_path: Path) -> None:
    header = ("Notes", *FIELDS[:5], "Officer", "team")
    row = {"Notes": "call back", "Officer": "J Smith", "team": "Repairs North"}
    log = load_demand(write(tmp_path, log_text(row, header=header)))
    assert list(log.columns) == [*FIELDS[:5], "team"]


def test_blank_rows_dropped_without_shifting_row_numbers(tmp_path: Path) -> None:
    lines = log_text({}, {}, {"channel": "fax"}).splitlines()
    lines[2:2] = ["", ",,,,,,,,"]  # two blank rows after the first data row: rows 3 and 4
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert only_problem(path).rows == (6,)
    lines[-1] = lines[-1].replace("fax", "web")
    log = load_demand(write(tmp_path, "\n".join(lines) + "\n"))
    assert list(log.index) == [2, 5, 6]
    assert log.loc[5, "contact_id"] == "C2"


def test_blank_lines_and_title_above_the_header(tmp_path: Path) -> None:
    text = "\n" * 10 + "Demand log export\n\n" + log_text({}, {"channel": "fax"})
    assert only_problem(write(tmp_path, text)).rows == (15,)


def test_separator_at_the_end_of_every_row(tmp_path: Path) -> None:
    text = "".join(line + ",\n" for line in log_text({}, {"service": "Waste"}).splitlines()[1:])
    log = load_demand(write(tmp_path, ",".join(FIELDS) + "\n" + text))
    assert log["received"].tolist() == [pd.Timestamp("2024-04-03")] * 2
    assert log["service"].tolist() == ["Housing repairs", "Waste"]
    assert log["contact_id"].tolist() == ["C1", "C2"]
