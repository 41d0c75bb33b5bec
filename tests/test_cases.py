"""Tests for :mod:`workbook_helpers.measures.cases`: the measures of each case, and which cases
are still open.

Every expected figure is worked out by hand from the small logs in ``case_logs.py``; the
arithmetic is in the comment beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from case_logs import CASES, EVENTS, NA, SETTINGS, ev, event_logs, make_cases, make_events
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.measures.cases import case_measures, open_known_from


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
# Properties, on random small logs




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
