"""Tests of what every loader accepts but notes (:mod:`workbook_helpers.data.notes`), in the
report, the JSON summary and `workbook validate`: rows repeating an earlier row exactly (kept
unless ``drop_duplicates``), handling minutes above a ceiling, activities and workers' days of
more than 24 hours, and dates after the day of the run. What the loaders refuse as they read
values is in ``test_parsing.py``.

Files are built here; the expected counts, rows and figures are worked out beside each assertion.
The day of the run is set with SERVICE_WORKBOOKS_TODAY, so nothing depends on the calendar.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from workbook_helpers.measures import demand as dm
from workbook_helpers.measures import performance as pf
from workbook_helpers.exceptions import DataError
from workbook_helpers.data.loading import (
    load_actions,
    load_cases,
    load_demand,
    load_events,
    load_spending,
    load_work_items,
)

DEMAND_HEADER = ("received", "service", "channel", "demand_type", "demand_class", "handling_minutes")
EVENT_HEADER = ("case_id", "date", "activity", "worker", "hours", "face_to_face")
TODAY = "2024-06-30"  # a Sunday; the files below are from April to June 2024


@pytest.fixture(autouse=True)
def run_day(monkeypatch):
    monkeypatch.setenv("SERVICE_WORKBOOKS_TODAY", TODAY)


def write_csv(folder: Path, header: tuple[str, ...], rows: list[tuple], name: str = "data.csv") -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def contact(received: str, minutes: object = 6, demand_class: str = "failure",
            demand_type: str = "where is my repair") -> tuple:
    return (received, "Repairs", "phone", demand_type, demand_class, minutes)


def problems_by_column(error: DataError) -> dict:
    return {problem.column: problem for problem in error.problems}


# --- handling minutes above the ceiling ----------------------------------------------------------


def test_a_contact_of_a_million_million_minutes_is_warned_about_and_kept(tmp_path):
    path = write_csv(tmp_path, DEMAND_HEADER, [
        contact("01/04/2024", "6"), contact("02/04/2024", "1000000000000"), contact("03/04/2024", "480"),
        contact("04/04/2024", "481", demand_class="value"),
    ])
    log = load_demand(path)
    # 480 minutes is 8 hours exactly, at the ceiling: only rows 3 and 5 are above it
    assert log.attrs["warnings"] == [
        "2 rows have handling_minutes above 480 minutes (8 hours), the largest 1,000,000,000,000 "
        "minutes (rows 3 and 5): they are counted as recorded, so check them."
    ]
    assert log.loc[3, "handling_minutes"] == 1e12  # kept as given
    # The headline counts the failure demands over the ceiling, so it can caution beside the figure.
    study, covered = dm.select_demand(log)
    assert dm.headline_figures(study, covered, 480)["failure_rows_over_ceiling"] == 1
    # Another ceiling, or none.
    assert "above 5 minutes, the largest" in load_demand(path, max_handling_minutes=5).attrs["warnings"][0]
    assert load_demand(path, max_handling_minutes=None).attrs["warnings"] == []


def test_validate_notes_the_ceiling_and_takes_another(tmp_path):
    path = write_csv(tmp_path, DEMAND_HEADER, [contact("01/04/2024", "1000000000000"), contact("02/04/2024", "90")])
    result = run_cli("validate", "demand", str(path), env={"SERVICE_WORKBOOKS_TODAY": TODAY})
    assert result.returncode == 0, result.stderr
    assert ("Note: 1 row has handling_minutes above 480 minutes (8 hours), at 1,000,000,000,000 "
            "minutes (row 2): it is counted as recorded, so check it.") in result.stdout
    result = run_cli("validate", "demand", str(path), "--max-handling-minutes", "60",
                     env={"SERVICE_WORKBOOKS_TODAY": TODAY})
    assert "2 rows have handling_minutes above 60 minutes (1 hour)" in result.stdout
    result = run_cli("validate", "events", str(path), "--max-handling-minutes", "60")
    assert result.returncode == 2 and "is for a demand log only" in result.stderr


# --- rows repeating an earlier row exactly ---------------------------------------------------------


def seven_hundred_contacts() -> list[tuple]:
    """700 different contacts over the 4 complete weeks of 1 to 28 April 2024: contact i on day
    i % 28 at 09:00 plus i // 28 minutes; even ones failure demand, odd ones value; 6 minutes each."""
    rows = []
    for i in range(700):
        stamp = pd.Timestamp("2024-04-01 09:00") + pd.Timedelta(days=i % 28, minutes=i // 28)
        rows.append(contact(f"{stamp:%d/%m/%Y %H:%M}", "6", "failure" if i % 2 == 0 else "value"))
    return rows


def test_seven_hundred_exact_copies_are_reported_kept_and_dropped_when_asked(tmp_path):
    rows = seven_hundred_contacts()
    path = write_csv(tmp_path, DEMAND_HEADER, rows + rows)  # no contact_id: nothing else tells them apart
    log = load_demand(path)
    # Rows 2 to 701 are the contacts, rows 702 to 1,401 the same again.
    assert log.attrs["warnings"] == [
        "700 rows are exact copies of an earlier row: row 702 (a copy of row 2), then rows 703, "
        "704, 705 and 706 and 695 more. They were kept, since identical rows can be real (two calls "
        "alike); if the export repeated them, run the workbook with drop_duplicates = True to "
        "leave them out."
    ]
    assert log.attrs["source"]["exact_copies"] == 700 and len(log) == 1400
    study, covered = dm.select_demand(log)
    kept = dm.headline_figures(study, covered)
    # 700 failure demands of 6 minutes = 70 hours over 4 complete weeks = 17.5 hours a week
    assert kept["total_demand"] == 1400
    assert kept["failure_hours_per_week"] == pytest.approx(17.5)

    dropped = load_demand(path, drop_duplicates=True)
    assert dropped.attrs["warnings"] == [
        "700 rows were exact copies of an earlier row and were left out (drop_duplicates = True): "
        "row 702 (a copy of row 2), then rows 703, 704, 705 and 706 and 695 more."
    ]
    assert dropped.index.tolist() == list(range(2, 702))  # spreadsheet rows kept as they are
    study, covered = dm.select_demand(dropped)
    halved = dm.headline_figures(study, covered)
    # 350 failure demands of 6 minutes = 35 hours over 4 weeks = 8.75 hours a week: half
    assert halved["total_demand"] == 700
    assert halved["failure_hours_per_week"] == pytest.approx(8.75)


def test_a_run_reports_copies_long_contacts_and_future_dates_and_drops_copies_when_asked(tmp_path):
    # The 700 contacts twice, one of them taking 10^12 minutes, and one contact five years ahead.
    rows = seven_hundred_contacts()
    rows[0] = contact(rows[0][0], "1000000000000")
    path = write_csv(tmp_path, DEMAND_HEADER, rows + rows + [contact("02/04/2029", "6")])
    env = {"SERVICE_WORKBOOKS_TODAY": TODAY}
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    result = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(path), "--out", str(kept), env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads((kept / "demand_study-all-teams.json").read_text())
    warnings = summary["warnings"]
    assert any(w.startswith("In the data file, 700 rows are exact copies of an earlier row: row 702 "
                            "(a copy of row 2)") for w in warnings), warnings
    assert any("2 rows have handling_minutes above 480 minutes (8 hours), the largest "
               "1,000,000,000,000 minutes (rows 2 and 702)" in w for w in warnings), warnings
    assert any("1 row has a received date after today (30 June 2024), the latest 2 April 2029 "
               "(row 1,402)" in w for w in warnings), warnings
    assert summary["figures"]["total_demand"] == 1401
    # 2 failure demands of 10^12 minutes: a small count, shown to directors (the default
    # audience of a run), who must check them
    assert summary["figures"]["failure_rows_over_ceiling"] == 2
    page = (kept / "demand_study-all-teams.html").read_text(encoding="utf-8")
    assert "700 rows are exact copies of an earlier row" in page
    assert "That includes 2 failure demands recorded at over 8 hours of handling" in page

    result = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(path), "-p",
                     "drop_duplicates", "True", "--out", str(dropped), env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads((dropped / "demand_study-all-teams.json").read_text())
    assert summary["figures"]["total_demand"] == 701  # 700 contacts and the one dated 2029
    assert any("700 rows were exact copies of an earlier row and were left out "
               "(drop_duplicates = True)" in w for w in summary["warnings"])


def test_rows_differing_in_any_column_are_not_copies(tmp_path):
    path = write_csv(tmp_path, (*DEMAND_HEADER, "what_matters"), [
        (*contact("01/04/2024"), "my roof"),
        (*contact("01/04/2024"), "my door"),  # differs only in a column we read as free text
        (*contact("01/04/2024"), ""),
        (*contact("01/04/2024"), ""),  # a blank matches a blank: a copy of row 4
    ])
    warning, = load_demand(path).attrs["warnings"]
    assert warning.startswith("1 row is an exact copy of an earlier row: row 5 (a copy of row 4).")


def test_rows_sharing_a_hash_are_copies_only_if_every_value_is_the_same(monkeypatch):
    from workbook_helpers.data.notes import exact_copies

    raw = pd.DataFrame({"a": ["x", "y", "x", None, None], "b": ["1", "1", "1", "2", "2"]},
                       index=range(2, 7))
    # Every row given the same hash, as a collision would: only true copies count.
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda frame, index=False: pd.Series(0, index=frame.index))
    copies, first = exact_copies(raw)
    assert copies.tolist() == [False, False, True, False, False]  # row 4 repeats row 2
    assert first[4] == 2
    # Rows 5 and 6 are the same (blank, "2") but their hash's first row is 2, which differs: a
    # collision can hide a copy, never invent one.


def event(case: str, day: str, worker: str = "W1", hours: str = "1", activity: str = "Home visit") -> tuple:
    return (case, day, activity, worker, hours, "yes")


def test_forty_repeated_event_rows_are_reported_and_dropped_when_asked(tmp_path):
    # 300 different activities of 1 hour each (case C0 to C299 on days in April, two workers),
    # then 40 of them again: 340 hours instead of 300, 13% more.
    distinct = [event(f"C{i}", f"{1 + i % 28:02d}/04/2024", f"W{i % 2}") for i in range(300)]
    path = write_csv(tmp_path, EVENT_HEADER, distinct + distinct[:40])
    events = load_events(path)
    assert events.attrs["warnings"][0] == (
        "40 rows are exact copies of an earlier row: row 302 (a copy of row 2), then rows 303, 304, "
        "305 and 306 and 35 more. They were kept, since identical rows can be real (two calls "
        "alike); if the export repeated them, run the workbook with drop_duplicates = True to "
        "leave them out."
    )
    assert events["hours"].sum() == 340
    dropped = load_events(path, drop_duplicates=True)
    assert dropped["hours"].sum() == 300 and len(dropped) == 300
    assert dropped.attrs["warnings"][0].startswith("40 rows were exact copies of an earlier row and were left out")


# --- hours in a day -------------------------------------------------------------------------------


def test_activities_and_workers_days_over_24_hours_are_warned_about(tmp_path):
    path = write_csv(tmp_path, EVENT_HEADER, [
        event("C1", "03/04/2024", "W1", "30"),    # row 2: one activity of 30 hours
        event("C2", "03/04/2024", "W2", "20"),    # rows 3 and 4: W2 has 20 + 5 = 25 on 3 April
        event("C3", "03/04/2024", "W2", "5"),
        event("C4", "04/04/2024", "W2", "24"),    # 24 on 4 April: not over
        event("C5", "03/04/2024", "W3", "12.5"),  # W3: 12.5 + 12 = 24.5 on 3 April, rows 6 and 7
        event("C6", "03/04/2024", "W3", "12"),
    ])
    events = load_events(path)
    assert events.attrs["warnings"] == [
        "1 row has hours above 24 hours (the hours in a day), at 30 hours (row 2): it is counted as "
        "recorded, so check it.",
        # W1 30 hours, W2 25, W3 24.5 on 3 April: three workers' days
        "On 3 occasions the hours recorded by one worker on one day come to more than 24 hours, the "
        "most 30 hours (rows 2, 3, 4, 6 and 7): the hours are counted as recorded, so check them.",
    ]


# --- dates after the day of the run -----------------------------------------------------------------


def test_demand_received_after_today_is_warned_about(tmp_path):
    path = write_csv(tmp_path, DEMAND_HEADER, [
        contact("30/06/2024 23:59"),  # today, late: not after it
        contact("01/07/2024 00:00"),  # row 3: tomorrow
        contact("02/04/2029"),        # row 4: five years ahead
    ])
    assert load_demand(path).attrs["warnings"] == [
        "2 rows have a received date after today (30 June 2024), the latest 2 April 2029 (rows 3 "
        "and 4): check them."
    ]


def test_case_events_and_cases_dated_after_today_are_warned_about(tmp_path):
    events = write_csv(tmp_path, EVENT_HEADER, [event("C1", "03/04/2024"), event("C1", "03/04/2029", hours="2")])
    assert load_events(events).attrs["warnings"] == [
        "1 row has a date after today (30 June 2024), the latest 3 April 2029 (row 3): check it."
    ]
    cases = write_csv(tmp_path, ("case_id", "opened", "closed"),
                      [("C1", "01/04/2024", "01/07/2029"), ("C2", "01/08/2024", "")], "cases.csv")
    assert load_cases(cases).attrs["warnings"] == [
        "1 row has an opened date after today (30 June 2024), the latest 1 August 2024 (row 3): check it.",
        "1 row has a closed date after today (30 June 2024), the latest 1 July 2029 (row 2): check it.",
    ]


def test_team_performance_files_warn_about_events_after_today_but_not_due_dates(tmp_path):
    items = write_csv(tmp_path, ("item_id", "team", "opened", "closed", "due"), [
        ("I1", "A", "01/04/2024", "", "01/01/2030"),     # due in the future: as it should be
        ("I2", "A", "01/04/2024", "03/03/2205", ""),     # closed in 2205: a typo
    ], "items.csv")
    loaded = load_work_items(items)
    assert loaded.attrs["warnings"] == [
        "1 row has a closed date after today (30 June 2024), the latest 3 March 2205 (row 3): check it."
    ]
    # The team-performance report's own note finds the same dates, with the same test.
    assert pf.dates_after(loaded, None) == [("work items", "closed", 1, pd.Timestamp("2205-03-03"))]
    actions = write_csv(tmp_path, ("action_id", "team", "raised", "owner", "due", "done"), [
        ("X1", "A", "01/07/2024", "O", "01/08/2024", ""),  # raised tomorrow
    ], "actions.csv")
    assert load_actions(actions).attrs["warnings"] == [
        "1 row has a raised date after today (30 June 2024), the latest 1 July 2024 (row 2): check it."
    ]
    # A budget set for months to come is normal; spending recorded for them is not.
    spending = write_csv(tmp_path, ("team", "month", "budget", "actual"), [
        ("A", "2024-06", "100", "90"),  # this month
        ("A", "2024-07", "100", "0"),   # next month, nothing spent yet: fine
        ("A", "2024-09", "100", "40"),  # row 4: spent in September, not yet begun
    ], "spending.csv")
    assert load_spending(spending).attrs["warnings"] == [
        "1 row has spending recorded for a month that has not begun (after June 2024), the latest "
        "September 2024 (row 4): check it."
    ]
