"""Tests of the synthetic sample case events and cases
(:mod:`workbook_helpers.data.samples.case_review`) and the files `workbook sample` writes;
``test_datasets.py`` checks the committed files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbook_helpers.data.samples.case_review import (
    CASE_COLUMNS, CASE_EVENT_COLUMNS, make_case_events, make_cases,
)


# --- the case review: case events and cases ---------------------------------------------------

# The canonical kind of every local activity name the sample uses, kept here rather than taken
# from the loader's activity map so that this test checks the generator on its own. "Huddle" and
# "Catch-up" are deliberately odd local names that map to nothing.
KIND_OF = {
    "Care Act assessment": "assessment",
    "Carer's assessment": "assessment",
    "Financial assessment": "assessment",
    "OT assessment": "assessment",
    "Nursing assessment": "assessment",
    "Housing needs assessment": "assessment",
    "Referral to OT": "referral",
    "CHC referral": "referral",
    "Referral to reablement": "referral",
    "Referral to social care": "referral",
    "Safeguarding referral": "referral",
    "Home visit": "visit",
    "Joint visit": "visit",
    "Welfare check": "visit",
    "Telephone call": "call",
    "Call to GP": "call",
    "MDT meeting": "meeting",
    "Best interests meeting": "meeting",
    "Funding panel": "meeting",
    "Strategy meeting": "meeting",
    "Case review": "review",
    "6-week review": "review",
    "Case notes": "admin",
    "Support plan write-up": "admin",
    "Email": "admin",
    "Case closure": "closure",
}
UNMAPPED = {"Huddle", "Catch-up"}
ORGANISATIONS = {
    "Council adult social care",
    "NHS community health",
    "Housing",
    "Voluntary sector",
    "Police",
}


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return make_case_events()


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return make_cases()


@pytest.fixture(scope="module")
def per_case(events: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The measures of every case, worked out directly from the two frames."""
    kind = events["activity"].map(KIND_OF)
    same_case = events["case_id"].eq(events["case_id"].shift())
    handoff = same_case & events["worker"].ne(events["worker"].shift())
    measures = (
        events.assign(
            assessment=kind.eq("assessment"),
            referral=kind.eq("referral"),
            handoff=handoff,
            face_to_face_hours=events["hours"].where(events["face_to_face"], 0.0),
        )
        .groupby("case_id")
        .agg(
            assessments=("assessment", "sum"),
            referrals=("referral", "sum"),
            people_involved=("worker", "nunique"),
            handoffs=("handoff", "sum"),
            total_hours=("hours", "sum"),
            face_to_face_hours=("face_to_face_hours", "sum"),
            first_event=("date", "min"),
            last_event=("date", "max"),
            events=("date", "size"),
        )
    )
    measures = measures.join(cases.set_index("case_id"), how="outer")
    end = measures["closed"].fillna(measures["last_event"])
    measures["end_to_end_days"] = (end - measures["opened"]).dt.days
    return measures


def change(per_case: pd.DataFrame, measure: str) -> float:
    """The per-case percentage change from the before cohort to the after cohort."""
    means = per_case.groupby("cohort")[measure].mean()
    return 100 * (means["after"] / means["before"] - 1)


def face_to_face_share(per_case: pd.DataFrame, cohort: str) -> float:
    rows = per_case[per_case["cohort"] == cohort]
    return rows["face_to_face_hours"].sum() / rows["total_hours"].sum()


def predicted_return_share(per_case: pd.DataFrame, cohort: str) -> float:
    closed = per_case[(per_case["cohort"] == cohort) & per_case["closed"].notna()]
    return float(closed["predicted_return"].astype(bool).mean())


def test_case_frames_are_the_same_for_the_same_seed(
    events: pd.DataFrame, cases: pd.DataFrame
) -> None:
    pd.testing.assert_frame_equal(make_case_events(), events)
    pd.testing.assert_frame_equal(make_cases(), cases)
    pd.testing.assert_frame_equal(make_case_events(seed=2024), events)


def test_case_frames_differ_for_another_seed(events: pd.DataFrame, cases: pd.DataFrame) -> None:
    assert not make_case_events(seed=7).equals(events)
    assert not make_cases(seed=7).equals(cases)


def test_case_events_columns_and_types(events: pd.DataFrame) -> None:
    assert tuple(events.columns) == CASE_EVENT_COLUMNS
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert pd.api.types.is_float_dtype(events["hours"])
    assert events["face_to_face"].dtype == bool
    assert events["value_work"].dtype == "boolean"
    for column in ("case_id", "activity", "worker", "organisation", "team", "cohort"):
        assert pd.api.types.is_string_dtype(events[column]), column
        assert events[column].notna().all(), column


def test_cases_columns_and_types(cases: pd.DataFrame) -> None:
    assert tuple(cases.columns) == CASE_COLUMNS
    assert cases["case_id"].is_unique and cases["case_id"].is_monotonic_increasing
    assert pd.api.types.is_datetime64_any_dtype(cases["opened"])
    assert pd.api.types.is_datetime64_any_dtype(cases["closed"])
    assert cases["predicted_return"].dtype == "boolean"
    assert cases["returned"].dtype == "boolean"


def test_events_are_sorted_by_case_then_date(events: pd.DataFrame) -> None:
    resorted = events.sort_values(["case_id", "date"], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(resorted, events)


def test_two_cohorts_of_thirty_odd_cases_over_several_months(cases: pd.DataFrame) -> None:
    sizes = cases["cohort"].value_counts()
    assert set(sizes.index) == {"before", "after"}
    assert sizes.between(30, 35).all(), sizes.to_dict()
    assert cases["opened"].between("2024-04-01", "2024-10-31").all()
    assert cases["opened"].dt.month.nunique() >= 6
    for cohort in ("before", "after"):
        assert cases.loc[cases["cohort"] == cohort, "opened"].dt.month.nunique() >= 5


def test_case_ids_are_realistic_references(cases: pd.DataFrame, events: pd.DataFrame) -> None:
    assert cases["case_id"].str.fullmatch(r"ASC-24-\d{5}").all()
    assert events["case_id"].str.fullmatch(r"ASC-24-\d{5}").all()


def test_every_case_is_in_both_files(events: pd.DataFrame, cases: pd.DataFrame) -> None:
    assert set(events["case_id"]) == set(cases["case_id"])
    assert (events.groupby("case_id")["cohort"].nunique() == 1).all()
    cohort = events.groupby("case_id")["cohort"].first()
    assert (cases.set_index("case_id")["cohort"] == cohort).all()


def test_case_dates_agree_with_the_events(per_case: pd.DataFrame) -> None:
    assert (per_case["opened"] <= per_case["first_event"]).all()
    closed = per_case["closed"].notna()
    assert (per_case.loc[closed, "closed"] >= per_case.loc[closed, "last_event"]).all()
    assert (per_case.loc[closed, "closed"] == per_case.loc[closed, "last_event"]).all()


def test_closed_cases_end_with_one_closure_and_open_ones_have_none(
    events: pd.DataFrame, cases: pd.DataFrame
) -> None:
    closures = events[events["activity"] == "Case closure"]
    assert closures["case_id"].is_unique
    closed = set(cases.loc[cases["closed"].notna(), "case_id"])
    assert set(closures["case_id"]) == closed
    last = events.groupby("case_id").tail(1)
    assert set(last.loc[last["activity"] == "Case closure", "case_id"]) == closed


def test_a_few_cases_are_still_open(cases: pd.DataFrame) -> None:
    still_open = cases["closed"].isna()
    assert 1 <= still_open.sum() <= 5
    assert cases.loc[still_open, "predicted_return"].isna().all()
    assert cases.loc[still_open, "returned"].isna().all()
    assert cases.loc[~still_open, "predicted_return"].notna().all()


def test_returned_is_known_for_some_closed_cases_only(cases: pd.DataFrame) -> None:
    known = cases["returned"].notna()
    assert cases.loc[known, "closed"].notna().all()
    closed = cases["closed"].notna()
    assert 0.3 <= known[closed].mean() < 1.0
    # Where it is known, some came back and some did not.
    assert set(cases.loc[known, "returned"]) == {True, False}


def test_events_span_organisations_teams_and_workers(events: pd.DataFrame) -> None:
    assert set(events["organisation"]) == ORGANISATIONS
    # The police turn up now and then, not on every case.
    police_cases = events.loc[events["organisation"] == "Police", "case_id"].nunique()
    assert 1 <= police_cases <= events["case_id"].nunique() / 3
    assert events["team"].nunique() >= 8
    # Each practitioner belongs to one organisation and one team.
    assert (events.groupby("worker")["organisation"].nunique() == 1).all()
    assert (events.groupby("worker")["team"].nunique() == 1).all()
    per_organisation = events.groupby("organisation")["worker"].nunique()
    assert per_organisation.max() <= 30, per_organisation.to_dict()
    assert events["worker"].nunique() >= 60


def test_workers_are_people_s_names(events: pd.DataFrame) -> None:
    # Full names, so a privacy test can check that none of them reaches a report.
    assert events["worker"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()


def test_cohorts_have_their_own_lead_teams(cases: pd.DataFrame, events: pd.DataFrame) -> None:
    teams = cases.groupby("cohort")["team"].agg(set)
    assert teams["after"] == {"Experiment team"}
    assert "Experiment team" not in teams["before"]
    assert len(teams["before"]) >= 2
    # The experiment team works only on the after cohort's cases.
    experiment = events[events["team"] == "Experiment team"]
    assert set(experiment["cohort"]) == {"after"}


def test_activities_are_local_names_of_the_canonical_kinds(events: pd.DataFrame) -> None:
    names = set(events["activity"])
    assert names <= set(KIND_OF) | UNMAPPED, names - set(KIND_OF) - UNMAPPED
    assert UNMAPPED <= names
    kinds = set(events["activity"].map(KIND_OF).dropna())
    assert kinds == {"assessment", "referral", "visit", "call", "meeting", "review", "admin",
                     "closure"}
    # The odd names are rare: enough for a warning, not enough to matter.
    assert events["activity"].isin(UNMAPPED).mean() < 0.02


def test_hours_are_quarter_hours_and_plausible(events: pd.DataFrame) -> None:
    hours = events["hours"]
    assert (hours >= 0).all()
    assert ((hours * 4) == (hours * 4).round()).all()
    assert hours.max() <= 12
    kind = events["activity"].map(KIND_OF)
    median = hours.groupby(kind).median()
    assert median["visit"] > median["call"]
    assert median["assessment"] > median["admin"]


def test_value_work_is_known_for_most_activities(events: pd.DataFrame) -> None:
    unknown = events["value_work"].isna().mean()
    assert 0.02 <= unknown <= 0.2
    share = events.groupby("cohort")["value_work"].mean()
    assert 0.2 <= share["before"] < share["after"] <= 0.8


def test_cases_vary_from_one_to_the_next(per_case: pd.DataFrame) -> None:
    before = per_case[per_case["cohort"] == "before"]
    after = per_case[per_case["cohort"] == "after"]
    assert before["assessments"].nunique() >= 3
    assert after["assessments"].nunique() >= 2
    for measure in ("referrals", "people_involved", "handoffs", "events"):
        assert before[measure].nunique() >= 4, measure
        assert after[measure].nunique() >= 3, measure
    assert before["total_hours"].nunique() >= 20
    assert after["total_hours"].nunique() >= 20


def test_after_cohort_shows_roughly_the_published_changes(per_case: pd.DataFrame) -> None:
    # Published: assessments down 64%, people involved down 32%, referrals down 41%,
    # total hours down 14% (per case).
    assert -75 <= change(per_case, "assessments") <= -50
    assert -45 <= change(per_case, "people_involved") <= -20
    assert -55 <= change(per_case, "referrals") <= -25
    assert -25 <= change(per_case, "total_hours") <= -5
    means = per_case.groupby("cohort")["assessments"].mean()
    assert 2.0 <= means["before"] <= 3.0 and 0.6 <= means["after"] <= 1.2


def test_face_to_face_share_rises_from_about_46_to_about_60_percent(
    per_case: pd.DataFrame,
) -> None:
    assert 0.38 <= face_to_face_share(per_case, "before") <= 0.54
    assert 0.52 <= face_to_face_share(per_case, "after") <= 0.68
    assert face_to_face_share(per_case, "after") - face_to_face_share(per_case, "before") >= 0.08


def test_predicted_return_falls_from_about_71_percent_to_about_none(
    per_case: pd.DataFrame,
) -> None:
    assert 0.55 <= predicted_return_share(per_case, "before") <= 0.85
    assert predicted_return_share(per_case, "after") <= 0.1


def test_handoffs_fall_and_cases_end_sooner(per_case: pd.DataFrame) -> None:
    assert change(per_case, "handoffs") <= -20
    days = per_case.groupby("cohort")["end_to_end_days"]
    assert (days.min() >= 7).all()  # weeks...
    assert (days.max() <= 300).all()  # ...to months
    median = days.median()
    assert 40 <= median["before"] <= 150
    assert 14 <= median["after"] < median["before"]


def test_published_changes_hold_for_other_seeds() -> None:
    # The cohorts land on their figures by design, not by the luck of the default seed.
    for seed in (1, 99):
        events, cases = make_case_events(seed=seed), make_cases(seed=seed)
        kind = events["activity"].map(KIND_OF)
        per = events.assign(a=kind.eq("assessment"), r=kind.eq("referral")).groupby("case_id").agg(
            assessments=("a", "sum"), referrals=("r", "sum"), hours=("hours", "sum")
        )
        per = per.join(cases.set_index("case_id")["cohort"])
        assert -75 <= change(per, "assessments") <= -50, seed
        assert -55 <= change(per, "referrals") <= -25, seed
        assert -25 <= change(per, "hours") <= -5, seed


# --- the exported case files ------------------------------------------------------------------


def test_events_export_is_uk_style(written_files: dict[str, Path], events: pd.DataFrame) -> None:
    raw = written_files["events"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    text = pd.read_csv(written_files["events"], dtype=str, keep_default_na=False)
    assert tuple(text.columns) == CASE_EVENT_COLUMNS
    assert len(text) == len(events)
    assert text["date"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert set(text["face_to_face"]) == {"yes", "no"}
    assert set(text["value_work"]) == {"yes", "no", ""}
    assert text["hours"].str.fullmatch(r"\d+\.\d{2}").all()

    parsed = pd.to_datetime(text["date"], format="%d/%m/%Y")
    assert (parsed.to_numpy() == events["date"].to_numpy()).all()
    assert (text["hours"].astype(float).to_numpy() == events["hours"].to_numpy()).all()
    assert (text["case_id"] == events["case_id"]).all()
    assert (text["worker"] == events["worker"]).all()


def test_cases_export_is_uk_style(written_files: dict[str, Path], cases: pd.DataFrame) -> None:
    raw = written_files["cases"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    text = pd.read_csv(written_files["cases"], dtype=str, keep_default_na=False)
    assert tuple(text.columns) == CASE_COLUMNS
    assert len(text) == len(cases)
    assert text["opened"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert text["closed"].str.fullmatch(r"(\d{2}/\d{2}/\d{4})?").all()
    assert (text["closed"] == "").sum() == cases["closed"].isna().sum()
    assert set(text["predicted_return"]) == {"yes", "no", ""}
    assert set(text["returned"]) == {"yes", "no", ""}
    opened = pd.to_datetime(text["opened"], format="%d/%m/%Y")
    assert (opened.to_numpy() == cases["opened"].to_numpy()).all()
    closed = pd.to_datetime(text["closed"].replace("", None), format="%d/%m/%Y")
    pd.testing.assert_series_equal(
        closed.astype("datetime64[ns]"), cases["closed"], check_names=False
    )


