"""One rule for the dates a run is as at or limited to: outside the data's range is an error
naming the parameter, the date and the range; after the last event, a warning."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT, run_cli
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.run_dates import check_run_date, date_range


def test_a_date_outside_the_range_is_an_error_and_after_the_last_event_a_warning():
    first, last = pd.Timestamp("2024-04-01"), pd.Timestamp("2024-06-30")
    with pytest.raises(ParameterError, match=r"^as_at is 31 March 2024, before the data, which runs "
                                             r"from 1 April 2024 to 30 June 2024\."):
        check_run_date("as_at", "2024-03-31", first, last)
    with pytest.raises(ParameterError, match=r"^period_end is 1 July 2024, after the data"):
        check_run_date("period_end", "2024-07-01", first, last)
    assert check_run_date("as_at", "2024-04-01", first, last) == []
    assert check_run_date("as_at", "2024-06-30 17:00", first, last, last_event="2024-06-30") == []
    (warning,) = check_run_date("as_at", "2024-06-20", first, last, last_event="2024-06-19")
    assert warning.startswith("as_at is 20 June 2024, after the last event in the data (19 June 2024)")
    assert check_run_date("as_at", None, first, last) == []


def test_date_range_spans_every_column_given():
    one = pd.Series(pd.to_datetime(["2024-05-01", None]))
    two = pd.Series(pd.to_datetime(["2024-04-03", "2025-01-09"]))
    assert date_range(one, None, two) == (pd.Timestamp("2024-04-03"), pd.Timestamp("2025-01-09"))
    assert date_range(None) == (None, None)


def _sample_range() -> tuple[str, str]:
    """The first and last dates in the sample team-performance files, read here on their own."""
    sample = ROOT / "data" / "sample"
    days = []
    for name, columns in (("work_items.csv", ["opened", "closed", "due", "next_review"]),
                          ("actions.csv", ["raised", "due", "done"])):
        frame = pd.read_csv(sample / name, dtype=str)
        for column in columns:
            days.append(pd.to_datetime(frame[column], format="%d/%m/%Y").dropna())
    spending = pd.to_datetime(pd.read_csv(sample / "spending.csv", dtype=str)["month"], format="%Y-%m")
    days += [spending, spending + pd.offsets.MonthEnd(0)]
    first, last = min(d.min() for d in days), max(d.max() for d in days)
    return f"{first.day} {first:%B %Y}", f"{last.day} {last:%B %Y}"


@pytest.mark.parametrize("as_at, words, side", [("2030-01-01", "1 January 2030", "after"),
                                                ("2020-01-01", "1 January 2020", "before")])
def test_team_performance_as_at_outside_the_data_fails_with_the_range(tmp_path, as_at, words, side):
    result = run_cli("run", "team_performance", "--quiet", "-p", "as_at", as_at, "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    first, last = _sample_range()
    assert (f"as_at is {words}, {side} the data, which runs from {first} to {last}. "
            "Give a date in that range, or leave as_at blank.") in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_demand_study_period_outside_the_data_fails_with_the_range(tmp_path):
    # The sample demand log runs from 1 April to 17 August 2024 (see test_cli's validate test).
    result = run_cli("run", "demand_study", "--quiet", "-p", "period_end", "2024-03-31", "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert ("period_end is 31 March 2024, before the data, which runs from 1 April 2024 to "
            "17 August 2024.") in result.stderr


def test_team_performance_as_at_after_the_last_event_warns_in_report_and_summary(tmp_path):
    sample = ROOT / "data" / "sample"
    items = pd.read_csv(sample / "work_items.csv", dtype=str)
    actions = pd.read_csv(sample / "actions.csv", dtype=str)
    events = [pd.to_datetime(frame[column], format="%d/%m/%Y").dropna()
              for frame, columns in ((items, ["opened", "closed"]), (actions, ["raised", "done"]))
              for column in columns]
    last_event = max(column.max() for column in events)
    _, last = _sample_range()
    day = last_event + pd.Timedelta(days=1)
    assert day <= pd.Timestamp(last)  # the sample has due dates after its last event
    result = run_cli("run", "team_performance", "--quiet", "-p", "as_at", day.date().isoformat(),
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    warning = (f"as_at is {day.day} {day:%B %Y}, after the last opening, closing, raising or completion "
               f"in the data ({last_event.day} {last_event:%B %Y})")
    summary = __import__("json").loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert any(text.startswith(warning) for text in summary["warnings"]), summary["warnings"]
    assert warning in next(tmp_path.glob("*.html")).read_text(encoding="utf-8")


def test_demand_study_period_ending_after_the_last_contact_warns_in_report_and_summary(tmp_path):
    # The sample demand log's last contact is on 17 August 2024; a report to the end of the month
    # runs, and says so.
    result = run_cli("run", "demand_study", "--quiet", "-p", "period_end", "2024-08-31", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    warning = "period_end is 31 August 2024, after the last contact in the log (17 August 2024)"
    summary = __import__("json").loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert any(text.startswith(warning) for text in summary["warnings"]), summary["warnings"]
    assert warning in next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
