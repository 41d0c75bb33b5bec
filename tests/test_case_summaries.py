"""Tests for :mod:`workbook_helpers.measures.case_summaries`: cohort summaries, organisations and
the journey timeline.

Every expected figure is worked out by hand from the small logs here and in ``case_logs.py``;
the arithmetic is in the comment beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from case_logs import EVENTS, NA, SETTINGS, ev, event_logs, make_cases, make_events
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.measures.case_summaries import (
    MEASURE_LABELS,
    by_organisation,
    case_timeline,
    cohort_summary,
)
from workbook_helpers.measures.cases import case_measures
from workbook_helpers.privacy.pseudonyms import pseudonyms, stable_worker_pseudonyms


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


@SETTINGS
@given(event_logs())
def test_the_organisations_counts_add_up_to_the_cases_counts(events):
    measures = case_measures(events)
    table = by_organisation(events)
    for column in ("events", "assessments", "repeat_assessments", "referrals"):
        assert table[column].sum() == measures[column].sum()
    assert table["handoffs_in"].sum() == measures["handoffs"].sum()
    assert table["hours"].sum() == pytest.approx(measures["total_hours"].sum())


@SETTINGS
@given(event_logs())
def test_summarised_shares_stay_between_0_and_1(events):
    summary = cohort_summary(case_measures(events), include_all=True)
    shares = summary[summary["measure"].isin(["face_to_face_share", "value_work_share"])]
    for column in ("mean", "median", "pooled"):
        known = shares[column].dropna()
        assert ((known >= 0) & (known <= 1)).all()
