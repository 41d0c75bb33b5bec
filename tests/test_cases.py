"""Tests for :mod:`workbook_helpers.measures.cases`: measures per case, cohort summaries, organisations and
the journey timeline.

Every expected figure is worked out by hand from the small logs built here; the arithmetic is in
the comment beside it. Frames are built in the shape ``load_events`` / ``load_cases`` return:
indexed by spreadsheet row number (from 2), text identifiers, categorical kinds, nullable
booleans. All dates are in April 2024 unless said otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook_helpers.measures.cases import (
    MEASURE_LABELS,
    by_organisation,
    case_measures,
    case_timeline,
    cohort_summary,
    open_known_from,
)
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.pseudonyms import pseudonyms, stable_worker_pseudonyms

KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
COLUMNS = ("case_id", "date", "activity", "worker", "hours", "face_to_face", "organisation", "team",
           "value_work", "cohort")
NA = None


def make_events(rows, drop=(), index=None) -> pd.DataFrame:
    """Case events shaped as ``load_events`` returns them, from tuples in the order of COLUMNS.

    ``activity_name`` is made up from the kind (``"local assessment"``) so a test can check it
    never leaks; rows are indexed by spreadsheet row number from 2 unless ``index`` is given.
    """
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["case_id"] = frame["case_id"].astype("str")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["activity"] = pd.Categorical(frame["activity"], categories=KINDS)
    frame.insert(3, "activity_name", ("local " + frame["activity"].astype(str)).astype("str"))
    frame["worker"] = frame["worker"].astype("str")
    frame["hours"] = pd.to_numeric(frame["hours"]).astype("float64")
    for column in ("face_to_face", "value_work"):
        frame[column] = frame[column].astype("boolean")
    for column in ("organisation", "team", "cohort"):
        frame[column] = frame[column].astype("category")
    frame.index = pd.Index(index if index is not None else range(2, len(frame) + 2), name="row")
    return frame.drop(columns=list(drop))


def ev(case, date, activity, worker, hours, f2f, organisation="council", team="Adults",
       value_work=NA, cohort="before"):
    return (case, f"2024-04-{date:02d}", activity, worker, hours, f2f, organisation, team,
            value_work, cohort)


def make_cases(rows, columns=("case_id", "opened", "closed", "predicted_return", "returned",
                              "cohort", "team")) -> pd.DataFrame:
    """A cases file shaped as ``load_cases`` returns it."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    frame["case_id"] = frame["case_id"].astype("str")
    for column in ("opened", "closed"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("predicted_return", "returned"):
        if column in frame:
            frame[column] = frame[column].astype("boolean")
    for column in ("cohort", "team"):
        if column in frame:
            frame[column] = frame[column].astype("category")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


# The main example. Rows 3 and 4 of K-100 tie on 3 April: in file order Ann then Bob.
#   K-100 journey: Ann (1st), Ann (3rd, row 3), Bob (3rd, row 4), Bob (8th), Cat (10th)
#   K-200: one event.  K-300: two events, no hours at all.
EVENTS = [
    ev("K-100", 1, "assessment", "ann", 2.0, True, "council", value_work=True),   # row 2
    ev("K-100", 3, "referral", "ann", 1.0, False, "council", value_work=False),   # row 3
    ev("K-100", 3, "assessment", "bob", 1.5, True, "NHS"),                        # row 4
    ev("K-100", 8, "visit", "bob", 3.0, True, "NHS", value_work=True),            # row 5
    ev("K-100", 10, "assessment", "cat", 0.5, False, "NHS"),                      # row 6
    ev("K-200", 2, "assessment", "dev", 1.0, True, "police"),                     # row 7
    ev("K-300", 5, "call", "eve", 0.0, False, "council", team="Children", cohort="after"),  # row 8
    ev("K-300", 6, "admin", "eve", 0.0, False, "council", cohort="after"),                  # row 9
]
CASES = [
    # K-100 opened a week before its first event and closed ten days after its last
    ("K-100", "2024-03-25", "2024-04-20", True, False, "before", "Adults"),
    # K-200 never closed; no opened date either
    ("K-200", NA, NA, False, NA, "before", "Adults"),
    # K-300: no cohort or team in the cases file, so they come from its events
    ("K-300", "2024-04-05", "2024-04-06", NA, NA, NA, NA),
]


def one(measures: pd.DataFrame, case: str) -> pd.Series:
    row = measures[measures["case_id"] == case]
    assert len(row) == 1, f"expected one row for {case}"
    return row.iloc[0]


# --------------------------------------------------------------------------------------------
# case_measures


def test_counts_hours_and_shares_of_a_case_with_ties_on_a_date():
    m = one(case_measures(make_events(EVENTS)), "K-100")
    assert m["events"] == 5
    assert m["assessments"] == 3  # rows 2, 4, 6
    assert m["repeat_assessments"] == 2  # all after the first (row 2)
    assert m["referrals"] == 1
    assert m["people_involved"] == 3  # ann, bob, cat
    assert m["organisations_involved"] == 2  # council, NHS
    # ann -> ann -> bob -> bob -> cat: two changes of worker. Had the 3 April tie gone the other
    # way (bob before ann) there would be four: ann -> bob -> ann -> bob -> cat.
    assert m["handoffs"] == 2
    assert m["total_hours"] == pytest.approx(8.0)  # 2 + 1 + 1.5 + 3 + 0.5
    assert m["face_to_face_hours"] == pytest.approx(6.5)  # 2 + 1.5 + 3
    assert m["face_to_face_share"] == pytest.approx(0.8125)  # 6.5 / 8
    # value work known on rows 2 (yes, 2 h), 3 (no, 1 h), 5 (yes, 3 h): (2 + 3) / (2 + 1 + 3)
    assert m["value_work_share"] == pytest.approx(5 / 6)
    assert m["value_work_hours"] == pytest.approx(5.0)
    assert m["value_work_known_hours"] == pytest.approx(6.0)
    assert m["first_event"] == pd.Timestamp("2024-04-01")
    assert m["last_event"] == pd.Timestamp("2024-04-10")
    assert m["end_to_end_days"] == 9  # 1 to 10 April, no cases file
    assert not m["open"]
    assert m["cohort"] == "before" and m["team"] == "Adults"


def test_ties_on_a_date_follow_the_row_numbers_not_the_frame_order():
    events = make_events(EVENTS)
    # The same rows in reverse frame order: row numbers still put Ann (row 3) before Bob (row 4)
    assert one(case_measures(events.iloc[::-1]), "K-100")["handoffs"] == 2
    # Swap the two tied rows' numbers: now Bob (row 3) comes before Ann (row 4) on 3 April:
    # ann -> bob -> ann -> bob -> cat = 4 handoffs
    swapped = make_events(EVENTS, index=[2, 4, 3, 5, 6, 7, 8, 9])
    assert one(case_measures(swapped), "K-100")["handoffs"] == 4


def test_without_a_spreadsheet_index_ties_keep_the_frame_order():
    events = make_events(EVENTS)
    events.index = [f"r{i}" for i in range(len(events))]  # not row numbers: position decides
    assert one(case_measures(events), "K-100")["handoffs"] == 2


def test_a_case_with_one_event():
    m = one(case_measures(make_events(EVENTS)), "K-200")
    assert (m["events"], m["assessments"], m["repeat_assessments"]) == (1, 1, 0)
    assert (m["handoffs"], m["people_involved"], m["organisations_involved"]) == (0, 1, 1)
    assert m["end_to_end_days"] == 0  # first event = last event
    assert m["face_to_face_share"] == 1.0  # 1 h of 1 h
    assert math.isnan(m["value_work_share"])  # value work not known for its only event


def test_zero_hours_give_no_share():
    m = one(case_measures(make_events(EVENTS)), "K-300")
    assert m["total_hours"] == 0.0 and m["face_to_face_hours"] == 0.0
    assert math.isnan(m["face_to_face_share"])  # 0 / 0 is not 0%
    assert math.isnan(m["value_work_share"])
    assert m["end_to_end_days"] == 1  # 5 to 6 April
    # Its team is Children once and Adults once: a tie, so the value met first (5 April) wins
    assert m["team"] == "Children" and m["cohort"] == "after"


def test_rows_are_sorted_by_first_event_then_case_id_with_a_fresh_index():
    events = make_events(EVENTS + [ev("K-050", 2, "call", "fay", 1.0, False)])
    measures = case_measures(events)
    # K-100 on 1 April; K-050 and K-200 both on 2 April, so by case_id; K-300 on 5 April
    assert measures["case_id"].tolist() == ["K-100", "K-050", "K-200", "K-300"]
    assert measures.index.tolist() == [0, 1, 2, 3]


def test_columns_and_types_without_a_cases_file():
    measures = case_measures(make_events(EVENTS))
    assert measures.columns.tolist() == [
        "case_id", "cohort", "team", "events", "assessments", "repeat_assessments", "referrals",
        "people_involved", "organisations_involved", "handoffs", "total_hours",
        "face_to_face_hours", "face_to_face_share", "value_work_share", "value_work_hours",
        "value_work_known_hours", "first_event", "last_event", "start", "end",
        "end_to_end_days", "open",
    ]
    assert measures["events"].dtype == np.int64
    assert measures["organisations_involved"].dtype == "Int64"
    assert measures["end_to_end_days"].dtype == "Int64"
    assert measures["open"].dtype == bool and not measures["open"].any()
    assert measures["first_event"].dtype == "datetime64[ns]"
    assert isinstance(measures["cohort"].dtype, pd.CategoricalDtype)


def test_the_cases_file_gives_start_end_open_and_predictions():
    measures = case_measures(make_events(EVENTS), make_cases(CASES))
    k100, k200, k300 = (one(measures, c) for c in ("K-100", "K-200", "K-300"))
    # K-100 opened 25 March, before its first event (1 April), closed 20 April: 26 days
    assert k100["start"] == pd.Timestamp("2024-03-25") and k100["end"] == pd.Timestamp("2024-04-20")
    assert k100["end_to_end_days"] == 26  # 6 days of March left after the 25th + 20
    assert k100["first_event"] == pd.Timestamp("2024-04-01")  # the events' own dates are kept
    assert not k100["open"]
    assert bool(k100["predicted_return"]) and not bool(k100["returned"])
    # K-200 never closed: still open, its end is its last event; no opened date: first event
    assert k200["open"]
    assert k200["start"] == k200["end"] == pd.Timestamp("2024-04-02")
    assert k200["end_to_end_days"] == 0
    assert pd.notna(k200["predicted_return"]) and not k200["predicted_return"]
    assert pd.isna(k200["returned"])
    # K-300 closed; no cohort or team in the cases file: taken from its events
    assert not k300["open"] and k300["end_to_end_days"] == 1
    assert pd.isna(k300["predicted_return"])
    assert (k300["cohort"], k300["team"]) == ("after", "Children")
    assert measures["predicted_return"].dtype == "boolean"
    assert measures.columns[-3:].tolist() == ["open", "predicted_return", "returned"]


def test_the_cases_file_wins_over_the_events_for_cohort_and_team():
    cases = make_cases([
        ("K-100", NA, NA, NA, NA, "after", "Reablement"),
        ("K-200", NA, NA, NA, NA, NA, NA),
        ("K-300", NA, NA, NA, NA, NA, NA),
    ])
    measures = case_measures(make_events(EVENTS), cases)
    assert (one(measures, "K-100")["cohort"], one(measures, "K-100")["team"]) == ("after", "Reablement")
    assert one(measures, "K-200")["cohort"] == "before"  # blank in the cases file: from events
    assert set(measures["team"].cat.categories) >= {"Adults", "Children", "Reablement"}


def test_most_frequent_value_ties_go_to_the_first_in_date_order_not_file_order():
    events = make_events([
        ev("X", 2, "call", "w", 1.0, False, team="A"),  # row 2, but 2 April
        ev("X", 1, "call", "w", 1.0, False, team="B"),  # row 3, 1 April: first in the journey
        ev("X", 3, "call", "w", 1.0, False, team="A"),
        ev("X", 4, "call", "w", 1.0, False, team="B"),
    ])
    assert case_measures(events)["team"].iloc[0] == "B"  # A twice, B twice: B met first
    events.loc[5, "team"] = "A"  # now A three times, B once
    assert case_measures(events)["team"].iloc[0] == "A"


def test_a_case_in_the_cases_file_without_events_gets_zero_counts():
    cases = make_cases(CASES + [("K-999", "2024-01-10", "2024-01-31", True, True, "after", "Adults")])
    measures = case_measures(make_events(EVENTS), cases)
    last = measures.iloc[-1]  # no first event: sorted last
    assert last["case_id"] == "K-999"
    assert (last["events"], last["assessments"], last["handoffs"], last["people_involved"]) == (0, 0, 0, 0)
    assert last["total_hours"] == 0.0 and math.isnan(last["face_to_face_share"])
    assert pd.isna(last["first_event"])
    assert last["end_to_end_days"] == 21  # 10 to 31 January, from the cases file
    assert last["cohort"] == "after"


def test_optional_columns_absent():
    events = make_events(EVENTS, drop=("organisation", "value_work", "team", "cohort"))
    measures = case_measures(events)
    assert measures["organisations_involved"].isna().all()  # null, not 0: not recorded
    assert measures["value_work_share"].isna().all()
    assert "cohort" not in measures and "team" not in measures
    assert one(measures, "K-100")["handoffs"] == 2


def test_a_blank_worker_is_skipped_for_handoffs_and_people():
    events = make_events([
        ev("Y", 1, "call", "ann", 1.0, False),
        ev("Y", 2, "call", "bob", 1.0, False),
        ev("Y", 3, "call", "bob", 1.0, False),
        ev("Y", 4, "call", "ann", 1.0, False),
    ])
    events.loc[4, "worker"] = None  # row 4 (3 April): ann -> bob -> (blank) -> ann
    m = case_measures(events).iloc[0]
    assert m["people_involved"] == 2
    assert m["handoffs"] == 2  # ann -> bob, bob -> ann; the blank event neither gives nor takes


def test_times_within_a_day_order_events_and_days_round_down():
    events = make_events([
        ev("T", 1, "call", "ann", 1.0, False),
        ev("T", 1, "call", "bob", 1.0, False),
        ev("T", 2, "call", "ann", 1.0, False),
    ])
    events["date"] = pd.to_datetime(
        ["2024-04-01 15:00", "2024-04-01 09:00", "2024-04-02 12:00"]).astype("datetime64[ns]")
    m = case_measures(events).iloc[0]
    assert m["handoffs"] == 1  # bob (9:00) -> ann (15:00) -> ann
    assert m["end_to_end_days"] == 1  # 9:00 on 1 April to 12:00 on 2 April: 1 day 3 hours


def test_bad_input_is_named():
    events = make_events(EVENTS)
    with pytest.raises(ParameterError, match="no column 'hours'"):
        case_measures(events.drop(columns="hours"))
    blank = events.copy()
    blank.loc[4, "date"] = pd.NaT
    with pytest.raises(ParameterError, match=r"date is blank in 1 events \(rows 4\)"):
        case_measures(blank)
    with pytest.raises(ParameterError, match="share a case_id"):
        case_measures(events, make_cases(CASES + [CASES[0]]))


# --------------------------------------------------------------------------------------------
# cohort_summary

# Two cohorts in which the mean of the cases' face-to-face shares differs from the pooled share.
#   before: B1 10 h, 2 h face to face (0.2); B2 2 h, all face to face (1.0)
#           mean of shares (0.2 + 1.0) / 2 = 0.6; pooled (2 + 2) / (10 + 2) = 1/3
#   after:  A1 4 h, 2 f2f (0.5); A2 4 h, 1 f2f (0.25); A3 2 h, 2 f2f (1.0)
#           mean (0.5 + 0.25 + 1.0) / 3 = 0.5833; median 0.5; pooled (2 + 1 + 2) / 10 = 0.5
COHORT_EVENTS = [
    ev("B1", 1, "assessment", "w1", 2.0, True, value_work=True, cohort="before"),
    ev("B1", 2, "assessment", "w2", 4.0, False, value_work=False, cohort="before"),
    ev("B1", 3, "assessment", "w1", 4.0, False, cohort="before"),
    ev("B2", 1, "assessment", "w3", 2.0, True, value_work=True, cohort="before"),
    ev("A1", 1, "assessment", "w4", 2.0, True, cohort="after"),
    ev("A1", 2, "call", "w4", 2.0, False, cohort="after"),
    ev("A2", 1, "visit", "w5", 1.0, True, cohort="after"),
    ev("A2", 2, "admin", "w6", 3.0, False, cohort="after"),
    ev("A3", 1, "assessment", "w7", 1.0, True, cohort="after"),
    ev("A3", 4, "assessment", "w7", 1.0, True, cohort="after"),
]
COHORT_CASES = [
    ("B1", NA, "2024-04-11", True, True, "before", "Adults"),
    ("B2", NA, NA, True, NA, "before", "Adults"),
    ("A1", NA, "2024-04-02", False, NA, "after", "Adults"),
    ("A2", NA, "2024-04-02", NA, NA, "after", "Adults"),
    ("A3", NA, "2024-04-04", False, False, "after", "Adults"),
]


def summary_row(summary: pd.DataFrame, group: str, measure: str) -> pd.Series:
    row = summary[(summary["group"] == group) & (summary["measure"] == measure)]
    assert len(row) == 1, f"expected one row for {group} / {measure}"
    return row.iloc[0]


@pytest.fixture(scope="module")
def cohort_measures() -> pd.DataFrame:
    events = make_events(COHORT_EVENTS)
    events["cohort"] = pd.Categorical(events["cohort"], categories=["before", "after"])
    cases = make_cases(COHORT_CASES)
    cases["cohort"] = pd.Categorical(cases["cohort"], categories=["before", "after"])
    return case_measures(events, cases)


def test_summary_is_tidy_with_groups_in_category_order(cohort_measures):
    summary = cohort_summary(cohort_measures)
    assert summary.columns.tolist() == [
        "group", "measure", "label", "cases", "mean", "median", "total", "pooled"]
    assert summary["group"].drop_duplicates().tolist() == ["before", "after"]
    assert summary["measure"].drop_duplicates().tolist() == list(MEASURE_LABELS)
    assert len(summary) == 2 * len(MEASURE_LABELS)
    assert summary_row(summary, "before", "assessments")["label"] == "Assessments per case"


def test_summary_counts_means_medians_totals(cohort_measures):
    summary = cohort_summary(cohort_measures)
    before = summary_row(summary, "before", "assessments")  # B1 3, B2 1
    assert (before["cases"], before["mean"], before["median"], before["total"]) == (2, 2.0, 2.0, 4.0)
    assert math.isnan(before["pooled"])
    after = summary_row(summary, "after", "assessments")  # A1 1, A2 0, A3 2
    assert (after["cases"], after["mean"], after["median"], after["total"]) == (3, 1.0, 1.0, 3.0)
    repeats = summary_row(summary, "after", "repeat_assessments")  # 0, 0, 1
    assert repeats["mean"] == pytest.approx(1 / 3) and repeats["total"] == 1.0
    handoffs = summary_row(summary, "before", "handoffs")  # B1 w1 -> w2 -> w1 = 2; B2 0
    assert (handoffs["mean"], handoffs["total"]) == (1.0, 2.0)
    hours = summary_row(summary, "after", "total_hours")  # 4, 4, 2
    assert hours["mean"] == pytest.approx(10 / 3) and hours["median"] == 4.0 and hours["total"] == 10.0
    # end to end: B1 1 to 11 April = 10; B2 open, 1 to 1 April = 0 -> mean 5
    days = summary_row(summary, "before", "end_to_end_days")
    assert (days["mean"], days["median"], days["total"]) == (5.0, 5.0, 10.0)


def test_summary_gives_both_readings_of_the_face_to_face_share(cohort_measures):
    summary = cohort_summary(cohort_measures)
    before = summary_row(summary, "before", "face_to_face_share")
    assert before["mean"] == pytest.approx(0.6)  # (0.2 + 1.0) / 2
    assert before["median"] == pytest.approx(0.6)
    assert before["pooled"] == pytest.approx(1 / 3)  # (2 + 2) / (10 + 2)
    assert math.isnan(before["total"])  # a sum of shares means nothing
    after = summary_row(summary, "after", "face_to_face_share")
    assert after["mean"] == pytest.approx(0.58333, abs=1e-5)  # (0.5 + 0.25 + 1.0) / 3
    assert after["median"] == pytest.approx(0.5)
    assert after["pooled"] == pytest.approx(0.5)  # (2 + 1 + 2) / (4 + 4 + 2)
    assert after["cases"] == 3


def test_summary_value_work_and_yes_no_shares(cohort_measures):
    summary = cohort_summary(cohort_measures)
    # B1: known 2 h (yes) + 4 h (no): 1/3; B2: 2 h, yes: 1 -> mean 2/3, pooled (2 + 2) / (6 + 2)
    value = summary_row(summary, "before", "value_work_share")
    assert value["mean"] == pytest.approx(2 / 3) and value["pooled"] == pytest.approx(0.5)
    nothing = summary_row(summary, "after", "value_work_share")  # none known in the after cohort
    assert nothing["cases"] == 0 and math.isnan(nothing["mean"]) and math.isnan(nothing["pooled"])
    figures = ["cases", "mean", "total", "pooled"]
    predicted = summary_row(summary, "before", "predicted_return")  # yes, yes
    assert predicted[figures].tolist() == [2, 1.0, 2.0, 1.0]
    predicted = summary_row(summary, "after", "predicted_return")  # no, blank, no: 0 of 2 known
    assert predicted[figures].tolist() == [2, 0.0, 0.0, 0.0]
    assert math.isnan(predicted["median"])
    returned = summary_row(summary, "before", "returned")  # yes, blank: 1 of 1 known
    assert (returned["cases"], returned["pooled"]) == (1, 1.0)


def test_summary_of_all_cases(cohort_measures):
    everyone = cohort_summary(cohort_measures, by=None)
    assert everyone["group"].unique().tolist() == ["all"]
    share = summary_row(everyone, "all", "face_to_face_share")
    assert share["pooled"] == pytest.approx(9 / 22)  # (4 + 5) / (12 + 10)
    assert share["cases"] == 5
    both = cohort_summary(cohort_measures, include_all=True)
    assert both["group"].drop_duplicates().tolist() == ["before", "after", "all"]
    assert summary_row(both, "all", "assessments")["total"] == 7.0  # 4 + 3
    # No cohort column: one group, "all", rather than an error
    assert cohort_summary(cohort_measures.drop(columns="cohort"))["group"].unique().tolist() == ["all"]


def test_summary_blank_groups_and_bad_arguments(cohort_measures):
    measures = cohort_measures.copy()
    measures.loc[measures["case_id"] == "A3", "cohort"] = None
    summary = cohort_summary(measures)
    assert summary["group"].drop_duplicates().tolist() == ["before", "after", "not recorded"]
    assert summary_row(summary, "not recorded", "assessments")["total"] == 2.0
    with pytest.raises(ParameterError, match="by = 'district' is not a column"):
        cohort_summary(cohort_measures, by="district")
    by_team = cohort_summary(cohort_measures, by="team")
    assert by_team["group"].unique().tolist() == ["Adults"]


def test_summary_of_a_users_own_table_skips_measures_it_lacks():
    own = pd.DataFrame({"cohort": ["x", "x", "y"], "assessments": [1, 3, 2],
                        "face_to_face_share": [0.5, 0.7, np.nan]})
    summary = cohort_summary(own)
    assert summary["measure"].unique().tolist() == ["assessments", "face_to_face_share"]
    share = summary_row(summary, "y", "face_to_face_share")
    assert share["cases"] == 0 and math.isnan(share["pooled"])  # no hours to pool
    assert summary_row(summary, "x", "assessments")["mean"] == 2.0


# --------------------------------------------------------------------------------------------
# by_organisation


def test_by_organisation():
    table = by_organisation(make_events(EVENTS))
    # NHS: rows 4, 5, 6 of K-100: 1.5 + 3 + 0.5 = 5 h, 1.5 + 3 face to face; assessments rows 4
    #      and 6, both repeats (row 2 was the first); handoffs into row 4 (ann -> bob) and
    #      row 6 (bob -> cat).
    # council: rows 2, 3 (K-100) and 8, 9 (K-300): 2 + 1 + 0 + 0 = 3 h, 2 face to face; the
    #      first assessment (row 2), the referral (row 3); no worker changes into its events.
    # police: row 7 (K-200): 1 h face to face, one assessment (the case's first).
    assert table.to_dict("records") == [
        {"organisation": "NHS", "events": 3, "cases": 1, "hours": 5.0, "face_to_face_hours": 4.5,
         "assessments": 2, "repeat_assessments": 2, "referrals": 0, "handoffs_in": 2},
        {"organisation": "council", "events": 4, "cases": 2, "hours": 3.0, "face_to_face_hours": 2.0,
         "assessments": 1, "repeat_assessments": 0, "referrals": 1, "handoffs_in": 0},
        {"organisation": "police", "events": 1, "cases": 1, "hours": 1.0, "face_to_face_hours": 1.0,
         "assessments": 1, "repeat_assessments": 0, "referrals": 0, "handoffs_in": 0},
    ]


def test_by_organisation_blank_organisations_and_missing_column():
    events = make_events(EVENTS)
    events.loc[9, "organisation"] = None
    table = by_organisation(events)
    assert table.set_index("organisation").loc["not recorded", "events"] == 1
    assert table["events"].sum() == len(events)
    with pytest.raises(ParameterError, match="no column 'organisation'"):
        by_organisation(events.drop(columns="organisation"))


# --------------------------------------------------------------------------------------------
# case_timeline


def test_case_timeline_replaces_every_identifier():
    events = make_events(EVENTS)
    measures = case_measures(events)
    labels = pseudonyms(measures["case_id"])  # K-100 01, K-200 02, K-300 03 (by first event)
    # The workers' labels: this installation's salted pseudonyms (tested in test_pseudonyms).
    worker = stable_worker_pseudonyms(["ann", "bob", "cat", "dev", "eve"])
    timeline = case_timeline(events, labels, worker)
    assert timeline.columns.tolist() == ["case", "date", "activity", "worker", "organisation", "hours",
                                         "face_to_face"]
    assert len(timeline) == len(events)
    assert timeline["case"].tolist()[:6] == ["Case 01"] * 5 + ["Case 02"]
    assert timeline["worker"].tolist()[:5] == [worker[w] for w in ("ann", "ann", "bob", "bob", "cat")]
    assert timeline["activity"].tolist()[:3] == ["assessment", "referral", "assessment"]
    raw = set(events["case_id"]) | set(events["worker"]) | set(events["activity_name"])
    shown = {str(value) for column in timeline for value in timeline[column].tolist()}
    shown |= {str(value) for value in timeline.index}
    assert not raw & shown
    assert not any(r in s for r in raw for s in shown)  # not even inside another value


def test_case_timeline_draws_only_the_cases_labelled_in_label_order():
    events = make_events(EVENTS)
    worker = stable_worker_pseudonyms(["ann", "bob", "cat", "dev", "eve"])
    timeline = case_timeline(events, {"K-300": "Case 01", "K-200": "Case 02"}, worker)
    assert timeline["case"].tolist() == ["Case 01", "Case 01", "Case 02"]
    assert timeline["case"].cat.categories.tolist() == ["Case 01", "Case 02"]
    assert timeline["worker"].tolist() == [worker["eve"], worker["eve"], worker["dev"]]
    assert timeline["date"].tolist() == [pd.Timestamp("2024-04-05"), pd.Timestamp("2024-04-06"),
                                         pd.Timestamp("2024-04-02")]


def test_case_timeline_with_given_worker_labels_and_no_organisation():
    events = make_events(EVENTS, drop=("organisation",))
    workers = {"ann": "Social worker", "bob": "OT", "cat": "Nurse", "dev": "PC", "eve": "Admin"}
    timeline = case_timeline(events, {"K-100": "Case 01"}, worker_labels=workers)
    assert timeline["worker"].tolist() == ["Social worker", "Social worker", "OT", "OT", "Nurse"]
    assert timeline["organisation"].isna().all()
    with pytest.raises(ParameterError, match="no label for 1 of the workers"):
        case_timeline(events, {"K-100": "Case 01"}, worker_labels={"ann": "A", "bob": "B"})


# --------------------------------------------------------------------------------------------
# Properties, on random small logs


@st.composite
def event_logs(draw, unique_dates: bool = False):
    """A random event log of up to 40 events over up to 6 cases."""
    size = draw(st.integers(1, 40))
    rows = []
    used: set[tuple[str, int]] = set()
    for _ in range(size):
        case = draw(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]))
        day = draw(st.integers(1, 28))
        if unique_dates:
            if (case, day) in used:
                continue
            used.add((case, day))
        rows.append(ev(
            case, day, draw(st.sampled_from(KINDS)), draw(st.sampled_from(["w1", "w2", "w3", "w4"])),
            draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.5, 7.0])), draw(st.sampled_from([True, False, NA])),
            draw(st.sampled_from(["council", "NHS", "police", NA])),
            value_work=draw(st.sampled_from([True, False, NA])),
            cohort=draw(st.sampled_from(["before", "after"])),
        ))
    return make_events(rows)


def reference_measures(events: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    """Handoffs, repeat assessments and people per case, by a plain loop (the slow, obvious way)."""
    result = {}
    for case, group in events.groupby("case_id", sort=False):
        ordered = sorted(zip(group["date"], group.index, group["worker"], group["activity"]),
                         key=lambda item: (item[0], item[1]))
        workers = [item[2] for item in ordered]
        handoffs = sum(1 for a, b in zip(workers, workers[1:]) if a != b)
        assessments = sum(1 for item in ordered if item[3] == "assessment")
        result[case] = (handoffs, max(assessments - 1, 0), len(set(workers)))
    return result


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(event_logs(unique_dates=True), st.randoms(use_true_random=False))
def test_shuffling_rows_that_do_not_tie_on_a_date_changes_nothing(events, random):
    expected = case_measures(events)
    positions = list(range(len(events)))
    random.shuffle(positions)
    shuffled = events.iloc[positions].copy()
    shuffled.index = pd.RangeIndex(2, len(events) + 2, name="row")  # a file in another order
    pd.testing.assert_frame_equal(case_measures(shuffled), expected)


@SETTINGS
@given(event_logs(), st.randoms(use_true_random=False))
def test_shuffling_the_frame_keeping_row_numbers_changes_nothing(events, random):
    positions = list(range(len(events)))
    random.shuffle(positions)
    pd.testing.assert_frame_equal(case_measures(events.iloc[positions]), case_measures(events))


@SETTINGS
@given(event_logs())
def test_measures_agree_with_a_plain_loop(events):
    measures = case_measures(events).set_index("case_id")
    for case, (handoffs, repeats, people) in reference_measures(events).items():
        assert (measures.loc[case, "handoffs"], measures.loc[case, "repeat_assessments"],
                measures.loc[case, "people_involved"]) == (handoffs, repeats, people)


@SETTINGS
@given(event_logs())
def test_per_case_counts_add_up_to_the_events(events):
    measures = case_measures(events)
    assert measures["case_id"].is_unique and set(measures["case_id"]) == set(events["case_id"])
    assert measures["events"].sum() == len(events)
    assert measures["assessments"].sum() == (events["activity"] == "assessment").sum()
    assert measures["referrals"].sum() == (events["activity"] == "referral").sum()
    assert measures["total_hours"].sum() == pytest.approx(events["hours"].sum())
    assert measures["face_to_face_hours"].sum() == pytest.approx(
        events.loc[events["face_to_face"].fillna(False).to_numpy(bool), "hours"].sum())
    table = by_organisation(events)
    for column in ("events", "assessments", "repeat_assessments", "referrals"):
        assert table[column].sum() == measures[column].sum()
    assert table["handoffs_in"].sum() == measures["handoffs"].sum()
    assert table["hours"].sum() == pytest.approx(measures["total_hours"].sum())


@SETTINGS
@given(event_logs())
def test_measures_stay_within_their_bounds(events):
    m = case_measures(events)
    for share in ("face_to_face_share", "value_work_share"):
        known = m[share].dropna()
        assert ((known >= 0) & (known <= 1)).all()
    assert (m["face_to_face_share"].isna() == (m["total_hours"] == 0)).all()
    assert (m["people_involved"] <= m["events"]).all()
    assert (m["handoffs"] <= m["events"] - 1).all()
    assert (m["handoffs"] >= 0).all() and (m["repeat_assessments"] <= m["assessments"]).all()
    assert (m["organisations_involved"] <= m["events"]).all()
    assert (m["end_to_end_days"] >= 0).all()
    assert (m["first_event"] <= m["last_event"]).all()
    summary = cohort_summary(m, include_all=True)
    shares = summary[summary["measure"].isin(["face_to_face_share", "value_work_share"])]
    for column in ("mean", "median", "pooled"):
        known = shares[column].dropna()
        assert ((known >= 0) & (known <= 1)).all()


# --------------------------------------------------------------------------------------------
# Which cases are still open


def test_without_closing_dates_a_case_with_no_closure_event_is_open():
    # K-100 ends with a closure; K-200 and K-300 have none, so they are still open.
    events = make_events(EVENTS + [ev("K-100", 12, "closure", "cat", 0.5, False)])
    measures = case_measures(events).set_index("case_id")
    assert measures["open"].to_dict() == {"K-100": False, "K-200": True, "K-300": True}
    assert open_known_from(events) == "closure events"
    # A cases file without closing dates still leaves it to the closure events.
    no_dates = make_cases(CASES).drop(columns=["closed"])
    assert case_measures(events, no_dates).set_index("case_id")["open"].to_dict() == measures["open"].to_dict()
    assert open_known_from(events, no_dates) == "closure events"


def test_events_with_no_closure_at_all_do_not_say_which_cases_are_open():
    events = make_events(EVENTS)
    assert not case_measures(events)["open"].any()
    assert open_known_from(events) is None


def test_the_cases_file_wins_over_the_closure_events():
    # K-200 has a closure event but no closing date: the cases file says it is open; K-300 has
    # a closing date but no closure event: closed.
    events = make_events(EVENTS + [ev("K-200", 4, "closure", "dev", 0.5, False)])
    measures = case_measures(events, make_cases(CASES)).set_index("case_id")
    assert measures["open"].to_dict() == {"K-100": False, "K-200": True, "K-300": False}
    assert open_known_from(events, make_cases(CASES)) == "cases file"
