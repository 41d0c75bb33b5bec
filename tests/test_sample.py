"""Tests of the synthetic sample data (demand log, case events, cases, and the team-performance
work items, spending, targets and actions) and the committed files."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbook_helpers.measures import performance

from workbook_helpers.spc import xmr as spc
from workbook_helpers.data.contracts import CHANNELS, FAILURE_TYPES
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.loading import load_actions, load_spending, load_targets, load_work_items
from workbook_helpers.measures.performance_measures import MEASURES, measure_key
from workbook_helpers.data.sample import (
    ACTION_COLUMNS,
    CASE_COLUMNS,
    CASE_EVENT_COLUMNS,
    CHANGE_SERVICE,
    CHANGE_WEEK,
    COLUMNS,
    PERFORMANCE_TEAMS,
    SAMPLE_FILES,
    SPENDING_COLUMNS,
    TARGET_COLUMNS,
    WORK_ITEM_COLUMNS,
    make_actions,
    make_case_events,
    make_cases,
    make_demand_log,
    make_spending,
    make_targets,
    make_work_items,
    write_sample,
)

COMMITTED_DIR = Path(__file__).parents[1] / "data/sample"
COMMITTED_SAMPLE = COMMITTED_DIR / SAMPLE_FILES["demand"]
START = pd.Timestamp("2024-04-01")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = make_demand_log()
    return frame.assign(week=(frame["received"] - START).dt.days // 7)


@pytest.fixture(scope="module")
def written_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = write_sample(tmp_path_factory.mktemp("sample"))
    assert [path.name for path in paths] == list(SAMPLE_FILES.values())
    return dict(zip(SAMPLE_FILES, paths))


@pytest.fixture(scope="module")
def written(written_files: dict[str, Path]) -> Path:
    return written_files["demand"]


def failure_share(frame: pd.DataFrame) -> float:
    return float((frame["demand_class"] == "failure").mean())


# --- the generator ----------------------------------------------------------------------------


def test_same_seed_gives_identical_frame(log: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(make_demand_log(), log.drop(columns="week"))


def test_different_seed_gives_different_frame(log: pd.DataFrame) -> None:
    other = make_demand_log(seed=7)
    assert not other.equals(log.drop(columns="week"))


def test_columns_are_canonical_and_in_order(log: pd.DataFrame) -> None:
    frame = log.drop(columns="week")
    assert tuple(frame.columns) == COLUMNS
    assert pd.api.types.is_datetime64_any_dtype(frame["received"])
    assert frame["one_stop"].dtype == "boolean"
    assert pd.api.types.is_float_dtype(frame["handling_minutes"])


def test_rows_gives_exactly_that_many_over_the_same_weeks() -> None:
    frame = make_demand_log(rows=50_000)
    assert len(frame) == 50_000
    assert frame["contact_id"].is_unique
    weeks = (frame["received"] - START).dt.days // 7
    assert weeks.min() == 0 and weeks.max() == 19


def test_rows_zero_gives_an_empty_log_with_the_columns() -> None:
    frame = make_demand_log(rows=0)
    assert frame.empty and tuple(frame.columns) == COLUMNS


def test_natural_size_is_a_few_hundred_contacts_a_week(log: pd.DataFrame) -> None:
    per_week = log.groupby("week").size()
    assert 150 <= per_week.mean() <= 250
    assert 3_000 <= len(log) <= 5_000


def test_the_study_covers_several_services_weeks_and_channels(log: pd.DataFrame) -> None:
    assert log["service"].nunique() >= 3
    assert log["week"].nunique() >= 16
    assert log["channel"].nunique() >= 4
    # Each team works for exactly one service.
    assert (log.groupby("team")["service"].nunique() == 1).all()


def test_categories_use_the_contract_values(log: pd.DataFrame) -> None:
    assert set(log["channel"]) <= set(CHANNELS)
    assert set(log["demand_class"]) == {"value", "failure"}
    assert set(log["failure_type"].dropna()) <= set(FAILURE_TYPES)
    failure = log["demand_class"] == "failure"
    assert log.loc[failure, "failure_type"].notna().all()
    assert log.loc[~failure, "failure_type"].isna().all()


def test_each_demand_type_has_one_class_and_one_failure_type(log: pd.DataFrame) -> None:
    by_type = log.groupby(["service", "demand_type"])
    assert (by_type["demand_class"].nunique() == 1).all()
    assert (by_type["failure_type"].nunique(dropna=False) == 1).all()


def test_failure_share_is_realistic_for_every_service(log: pd.DataFrame) -> None:
    shares = log.groupby("service")[["demand_class"]].apply(failure_share)
    assert shares.between(0.40, 0.70).all(), shares.to_dict()
    assert 0.50 <= failure_share(log) <= 0.60


def test_rewritten_bill_letter_cuts_clarification_demand(log: pd.DataFrame) -> None:
    service = log[log["service"] == CHANGE_SERVICE]
    after = service["week"] >= CHANGE_WEEK
    clarification = service["failure_type"] == "clarification"
    before_per_week = clarification[~after].sum() / service.loc[~after, "week"].nunique()
    after_per_week = clarification[after].sum() / service.loc[after, "week"].nunique()
    assert after_per_week < before_per_week / 2

    weekly_share = service.groupby("week")[["demand_class"]].apply(failure_share)
    baseline = weekly_share[weekly_share.index < CHANGE_WEEK].mean()
    changed = weekly_share[weekly_share.index >= CHANGE_WEEK]
    assert 0.12 <= baseline - changed.mean() <= 0.25
    # A shift an XmR chart flags: every week after the change (7 or more) below the old centre line.
    assert len(changed) >= 7 and (changed < baseline).all()


def test_contact_ids_are_unique_references(log: pd.DataFrame) -> None:
    assert log["contact_id"].is_unique
    assert log["contact_id"].str.fullmatch(r"C\d{6}").all()


def test_one_stop_is_a_measure_of_value_demand_only(log: pd.DataFrame) -> None:
    failure = log["demand_class"] == "failure"
    assert log.loc[failure, "one_stop"].isna().all()
    value_one_stop = log.loc[~failure, "one_stop"]
    assert value_one_stop.notna().mean() >= 0.9
    assert 0.3 <= value_one_stop.mean() <= 0.9


def test_what_matters_is_recorded_for_most_value_demand(log: pd.DataFrame) -> None:
    value = log["demand_class"] == "value"
    assert log.loc[value, "what_matters"].notna().mean() >= 0.75
    assert log.loc[~value, "what_matters"].notna().mean() < 0.5


def test_contacts_arrive_in_working_hours(log: pd.DataFrame) -> None:
    received = log["received"]
    assert received.dt.day_of_week.max() <= 5  # no Sundays
    assert (received.dt.day_of_week == 5).mean() < 0.05  # a few Saturdays
    minute_of_day = received.dt.hour * 60 + received.dt.minute
    assert minute_of_day.between(8 * 60 + 30, 17 * 60 - 1).all()
    assert received.is_monotonic_increasing


def test_handling_minutes_are_whole_positive_and_depend_on_channel(log: pd.DataFrame) -> None:
    minutes = log["handling_minutes"]
    assert (minutes > 0).all() and (minutes == minutes.round()).all()
    median = log.groupby("channel")["handling_minutes"].median()
    assert 8 <= median["phone"] <= 20
    assert 20 <= median["face-to-face"] <= 45
    assert median["face-to-face"] > median["phone"] > median["web"]


@pytest.mark.parametrize(
    "arguments",
    [{"weeks": 0}, {"rows": -1}, {"start": "not a date"}, {"weeks": 2.5}],
)
def test_unworkable_arguments_raise_a_parameter_error(arguments: dict) -> None:
    with pytest.raises(ParameterError):
        make_demand_log(**arguments)


# --- the exported file ------------------------------------------------------------------------


def test_write_sample_writes_a_uk_style_export(written: Path, log: pd.DataFrame) -> None:
    assert written.name == SAMPLE_FILES["demand"]
    raw = written.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    assert len(raw) < 5_000_000

    text = pd.read_csv(written, dtype=str, keep_default_na=False)
    assert tuple(text.columns) == COLUMNS
    assert len(text) == len(log)
    assert text["received"].str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}").all()
    assert set(text["one_stop"]) == {"yes", "no", ""}
    assert set(text["demand_class"]) == {"value", "failure"}
    assert text["handling_minutes"].str.fullmatch(r"\d+").all()


def test_write_sample_dates_are_day_first(written: Path, log: pd.DataFrame) -> None:
    text = pd.read_csv(written, dtype=str, keep_default_na=False)
    parsed = pd.to_datetime(text["received"], format="%d/%m/%Y %H:%M")
    assert (parsed.to_numpy() == log["received"].to_numpy()).all()


def test_write_sample_is_byte_for_byte_repeatable(
    written_files: dict[str, Path], tmp_path: Path
) -> None:
    again = write_sample(tmp_path)
    assert [path.name for path in again] == [path.name for path in written_files.values()]
    for path, first in zip(again, written_files.values()):
        assert path.read_bytes() == first.read_bytes(), path.name


def test_committed_sample_matches_the_generator(written: Path) -> None:
    assert COMMITTED_SAMPLE.exists(), (
        "data/sample/demand.csv is missing: run `workbook sample` to regenerate"
    )
    assert COMMITTED_SAMPLE.read_bytes() == written.read_bytes(), (
        "data/sample/demand.csv differs from what the generator makes now: "
        "run `workbook sample` to regenerate"
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


def test_sample_files_name_every_file() -> None:
    assert SAMPLE_FILES == {
        "demand": "demand.csv",
        "events": "events.csv",
        "cases": "cases.csv",
        "work_items": "work_items.csv",
        "spending": "spending.csv",
        "targets": "targets.csv",
        "actions": "actions.csv",
    }


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


@pytest.mark.parametrize("name", ["events", "cases"])
def test_committed_case_files_match_the_generator(
    written_files: dict[str, Path], name: str
) -> None:
    committed = COMMITTED_DIR / SAMPLE_FILES[name]
    assert committed.exists(), (
        f"data/sample/{SAMPLE_FILES[name]} is missing: run `workbook sample` to regenerate"
    )
    assert committed.read_bytes() == written_files[name].read_bytes(), (
        f"data/sample/{SAMPLE_FILES[name]} differs from what the generator makes now: "
        "run `workbook sample` to regenerate"
    )


# --- team performance: work items, spending, targets and actions ------------------------------

PERFORMANCE_FILES = ("work_items", "spending", "targets", "actions")
FILE_COLUMNS = {
    "work_items": WORK_ITEM_COLUMNS,
    "spending": SPENDING_COLUMNS,
    "targets": TARGET_COLUMNS,
    "actions": ACTION_COLUMNS,
}
DATE_COLUMNS = {
    "work_items": ("opened", "closed", "due", "next_review"),
    "actions": ("raised", "due", "done"),
}
# Dates of things that have happened: none can be after the export. Due dates and reviews can.
HAPPENED = {"work_items": ("opened", "closed"), "actions": ("raised", "done")}
AS_AT = pd.Timestamp("2025-10-31")
MONTHS = pd.period_range("2024-04", "2025-10", freq="M")
LOADERS = {
    "work_items": load_work_items,
    "spending": load_spending,
    "targets": load_targets,
    "actions": load_actions,
}
# The stories built into the sample: the variation icon of the latest month, by team and measure.
DESIGNED_ICONS = {
    ("Community Team North", "median_days_to_complete"): "improvement_low",
    ("Community Team North", "completed_on_time_share"): "improvement_high",
    ("Community Team West", "spend_variance"): "concern_high",
    ("Adult Front Door", "items_opened"): "neutral_high",
    ("Reablement North", "open_under_4_weeks"): "neutral_low",
    ("Reablement North", "items_completed"): "concern_low",
}
ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent")
DESIGNED_ASSURANCE = {
    ("Hospital Social Work Team", "completed_on_time_share"): "consistent_fail",
    ("Hospital Social Work Team", "median_days_to_complete"): "consistent_pass",
    ("Adult Front Door", "median_days_to_complete"): "consistent_pass",
}


def text_of(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def day_first(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column.replace("", None), format="%d/%m/%Y")


def loaded_files(folder: dict[str, Path]) -> dict[str, pd.DataFrame]:
    return {name: LOADERS[name](folder[name]) for name in PERFORMANCE_FILES}


@pytest.fixture(scope="module")
def performance_files(written_files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The four team-performance files as written, read with the project's loaders."""
    return loaded_files(written_files)


def monthly_measures(files: dict[str, pd.DataFrame], team: str) -> pd.DataFrame:
    """Every measure of ``team`` for each month, April 2024 to October 2025, worked out with
    plain pandas straight from the definitions in ``performance_measures`` (independently of
    ``workbook_helpers.measures.performance``)."""
    items = files["work_items"][files["work_items"]["team"] == team]
    actions = files["actions"][files["actions"]["team"] == team]
    spending = files["spending"][files["spending"]["team"] == team]
    rows = []
    for month in MONTHS:
        start, end = month.start_time.normalize(), month.end_time.normalize()
        ahead = end + pd.Timedelta(days=28)
        open_ = items[(items["opened"] <= end) & ~(items["closed"] <= end)]
        age = (end - open_["opened"]).dt.days
        # Due on the period's last day or in the 28 days after it.
        upcoming = open_["due"].between(end, ahead, inclusive="both") | open_[
            "next_review"
        ].between(end, ahead, inclusive="both")
        closed = items[items["closed"].between(start, end)]
        with_due = closed[closed["due"].notna()]
        in_month = spending[spending["month"] == start]
        actions_open = actions[(actions["raised"] <= end) & ~(actions["done"] <= end)]
        falling_due = actions[actions["due"].between(start, end)]
        rows.append({
            "open_items": len(open_),
            "open_under_4_weeks": int((age < 28).sum()),
            "open_4_to_12_weeks": int(age.between(28, 83).sum()),
            "open_over_12_weeks": int((age >= 84).sum()),
            "items_opened": int(items["opened"].between(start, end).sum()),
            "due_next_28_days": int(upcoming.sum()),
            "overdue_items": int(((open_["due"] < end) | (open_["next_review"] < end)).sum()),
            "items_completed": len(closed),
            "completed_on_time_share": float((with_due["closed"] <= with_due["due"]).mean()),
            "median_days_to_complete": float(
                (closed["closed"] - closed["opened"]).dt.days.median()
            ),
            "spend_actual": float(in_month["actual"].sum()),
            "spend_variance": float((in_month["actual"] - in_month["budget"]).sum()),
            "actions_open": len(actions_open),
            "actions_overdue": int((actions_open["due"] < end).sum()),
            "actions_on_time_share": float((falling_due["done"] <= falling_due["due"]).mean()),
        })
    return pd.DataFrame(rows, index=MONTHS.start_time)


def target_of(targets: pd.DataFrame, team: str, key: str) -> pd.Series | None:
    """The target row for ``team`` on ``key``: the team's own row, else the every-team row."""
    rows = targets[targets["measure"] == key]
    own = rows[rows["team"] == team]
    every = rows[rows["team"].isna()]
    return own.iloc[0] if len(own) else every.iloc[0] if len(every) else None


def assurance_of(chart: pd.DataFrame, target: float, good: str) -> str:
    """Making Data Count assurance: the target against the latest limits."""
    lpl, upl = chart["lpl"].iloc[-1], chart["upl"].iloc[-1]
    if target > upl:
        return "consistent_fail" if good == "increase" else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if good == "increase" else "consistent_fail"
    return "inconsistent"


def icon_matrix(files: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
    """The variation icon and assurance of every team and measure, monthly, as at 31/10/2025,
    and the monthly values behind them."""
    rows, values = [], {}
    for team in PERFORMANCE_TEAMS:
        measures = monthly_measures(files, team)
        values[team] = measures
        for m in MEASURES:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # no missing months, no short series
                chart = spc.xmr(measures[m.key], dates=measures.index, improvement=m.improvement)
            target = target_of(files["targets"], team, m.key)
            rows.append({
                "team": team,
                "measure": m.key,
                "variation": spc.xmr_summary(chart)["variation"],
                "assurance": None if target is None or m.improvement == "neutral" else
                assurance_of(chart, target["target"], target["direction"]),
            })
    return pd.DataFrame(rows).set_index(["team", "measure"]), values


@pytest.fixture(scope="module")
def matrix(performance_files: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
    return icon_matrix(performance_files)


def test_performance_files_are_uk_style_exports(written_files: dict[str, Path]) -> None:
    for name in PERFORMANCE_FILES:
        raw = written_files[name].read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw, name
        raw.decode("utf-8")
        assert tuple(text_of(written_files[name]).columns) == FILE_COLUMNS[name], name
    assert len(written_files["work_items"].read_bytes()) < 1_500_000


def test_performance_dates_are_day_first_and_round_trip(written_files: dict[str, Path]) -> None:
    frames = {"work_items": make_work_items(), "actions": make_actions()}
    for name, columns in DATE_COLUMNS.items():
        text = text_of(written_files[name])
        assert len(text) == len(frames[name])
        for column in columns:
            assert text[column].str.fullmatch(r"(\d{2}/\d{2}/\d{4})?").all(), (name, column)
            parsed = day_first(text[column])
            pd.testing.assert_series_equal(
                parsed.astype("datetime64[ns]"), frames[name][column], check_names=False
            )
        # Some days are past the 12th, so a month-first reading could not pass for day first.
        assert (day_first(text[columns[0]]).dt.day > 12).any()
    assert text_of(written_files["work_items"])["closed"].eq("").any()
    assert text_of(written_files["work_items"])["next_review"].eq("").any()
    assert text_of(written_files["actions"])["done"].eq("").any()


def test_nothing_happens_after_the_export_and_the_last_day_is_31_october_2025(
    performance_files: dict[str, pd.DataFrame],
) -> None:
    happened = []
    for name, columns in HAPPENED.items():
        for column in columns:
            dates = performance_files[name][column].dropna()
            assert (dates <= AS_AT).all(), (name, column)
            happened.append(dates.max())
    assert max(happened) == AS_AT
    # Due dates and reviews may lie ahead: that is the upcoming work.
    assert (performance_files["work_items"]["due"] > AS_AT).any()
    assert (performance_files["actions"]["due"] > AS_AT).any()


def test_nothing_closes_before_april_2024_so_the_first_month_is_complete(
    performance_files: dict[str, pd.DataFrame],
) -> None:
    items, actions = performance_files["work_items"], performance_files["actions"]
    first = pd.Timestamp("2024-04-01")
    # The workbook starts at the month of the first closing: April 2024.
    assert items["closed"].min().to_period("M") == MONTHS[0]
    assert (items["closed"].dropna() >= first).all() and (actions["done"].dropna() >= first).all()
    # The backlog: items opened before April 2024 and still open on its first day.
    assert 100 <= (items["opened"] < first).sum() <= 600
    assert not (items["closed"] < items["opened"]).any()
    assert (items["due"] > items["opened"]).all()
    reviewed = items["next_review"].notna()
    assert (items.loc[reviewed, "next_review"] > items.loc[reviewed, "due"]).all()
    assert not (actions["done"] < actions["raised"]).any()
    assert (actions["due"] > actions["raised"]).all()


def test_work_items_look_like_a_case_management_export(
    performance_files: dict[str, pd.DataFrame],
) -> None:
    items = performance_files["work_items"]
    assert items["item_id"].str.fullmatch(r"WI-\d{7}").all() and items["item_id"].is_unique
    assert items["item_id"].is_monotonic_increasing and items["opened"].is_monotonic_increasing
    assert set(items["team"]) == set(PERFORMANCE_TEAMS)
    assert {"Care Act assessment", "Review", "Safeguarding enquiry", "Carer's assessment"} <= set(
        items["kind"]
    )
    assert items["worker"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert (items.groupby("team", observed=True)["worker"].nunique() >= 5).all()
    for column in ("opened", "closed"):
        assert (items[column].dropna().dt.day_of_week < 5).all(), column  # weekdays
    opened = items[items["opened"] >= "2024-04-01"]
    per_month = opened.groupby(["team", opened["opened"].dt.to_period("M")], observed=True).size()
    assert per_month.groupby(level="team", observed=True).median().between(30, 80).all()
    days = (items["closed"] - items["opened"]).dt.days.dropna()
    assert 10 <= days.quantile(0.1) and days.quantile(0.9) <= 90
    assert 0.03 <= items["closed"].isna().mean() <= 0.1
    assert 0.03 <= items["next_review"].notna().mean() <= 0.2


def test_every_team_has_nineteen_months_of_spending_by_category(
    performance_files: dict[str, pd.DataFrame], written_files: dict[str, Path]
) -> None:
    spending = performance_files["spending"]
    months = spending.groupby("team", observed=True)["month"].agg(lambda m: sorted(set(m)))
    assert set(months.index) == set(PERFORMANCE_TEAMS)
    for team, found in months.items():
        assert found == list(MONTHS.start_time), team
    per_month = spending.groupby(["team", "month"], observed=True)["category"].nunique()
    assert (per_month >= 3).all()
    assert {"Staffing", "Agency staff", "Care packages", "Travel"} <= set(spending["category"])
    text = text_of(written_files["spending"])
    assert text["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert text["budget"].str.fullmatch(r"\d+").all()
    assert text["actual"].str.fullmatch(r"\d+\.\d{2}").all()


def test_targets_name_measures_by_key_or_label_for_a_team_or_every_team(
    written_files: dict[str, Path], performance_files: dict[str, pd.DataFrame]
) -> None:
    text = text_of(written_files["targets"])
    keys = text["measure"].map(measure_key)
    assert keys.notna().all()
    assert (text["measure"] != keys).any() and (text["measure"] == keys).any()  # labels and keys
    assert (text["team"] == "").any() and (text["team"] != "").any()
    assert set(text["team"]) - {""} <= set(PERFORMANCE_TEAMS)
    assert (text["direction"] == "").sum() == len(text) - 1
    assert set(text["direction"]) == {"", "lower"}
    targets = make_targets()
    for column in ("measure", "team", "direction"):
        assert text[column].tolist() == targets[column].fillna("").tolist(), column
    assert text["target"].astype(float).tolist() == targets["target"].tolist()
    loaded = performance_files["targets"]
    hospital = target_of(loaded, "Hospital Social Work Team", "completed_on_time_share")
    assert hospital["target"] == 0.9


def test_actions_are_raised_at_monthly_meetings(performance_files: dict[str, pd.DataFrame]) -> None:
    actions = performance_files["actions"]
    assert actions["action_id"].str.fullmatch(r"ACT-\d{4}").all() and actions["action_id"].is_unique
    assert actions["owner"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert actions["description"].str.len().between(10, 90).all()
    raised = actions[actions["raised"] >= "2024-04-01"]
    meetings = raised.groupby(["team", raised["raised"].dt.to_period("M")], observed=True)
    assert meetings["raised"].nunique().eq(1).all()  # one meeting a month
    assert meetings.size().between(2, 6).all()
    assert len(meetings) == len(PERFORMANCE_TEAMS) * len(MONTHS)
    # Every team has actions falling due every month, so the share done on time always exists.
    due = actions.groupby(["team", actions["due"].dt.to_period("M")], observed=True).size()
    for team in PERFORMANCE_TEAMS:
        assert set(MONTHS) <= set(due[team].index), team


def test_performance_files_are_the_same_for_the_same_seed_and_differ_for_another() -> None:
    pd.testing.assert_frame_equal(make_work_items(), make_work_items(seed=2024))
    pd.testing.assert_frame_equal(make_spending(), make_spending(seed=2024))
    pd.testing.assert_frame_equal(make_actions(), make_actions(seed=2024))
    assert not make_work_items(seed=7).equals(make_work_items())
    assert not make_spending(seed=7).equals(make_spending())
    assert not make_actions(seed=7).equals(make_actions())


def test_the_old_sample_files_do_not_depend_on_the_new_ones(
    written_files: dict[str, Path],
) -> None:
    # The team-performance files draw from their own random streams.
    for name in ("demand", "events", "cases"):
        assert (COMMITTED_DIR / SAMPLE_FILES[name]).read_bytes() == written_files[name].read_bytes()


@pytest.mark.parametrize("name", PERFORMANCE_FILES)
def test_committed_performance_files_match_the_generator(
    written_files: dict[str, Path], name: str
) -> None:
    committed = COMMITTED_DIR / SAMPLE_FILES[name]
    assert committed.exists(), (
        f"data/sample/{SAMPLE_FILES[name]} is missing: run `workbook sample` to regenerate"
    )
    assert committed.read_bytes() == written_files[name].read_bytes(), (
        f"data/sample/{SAMPLE_FILES[name]} differs from what the generator makes now: "
        "run `workbook sample` to regenerate"
    )


# --- the stories in the team-performance sample, checked on XmR charts -------------------------


def test_community_team_north_improves_after_its_change_of_practice(matrix) -> None:
    icons, values = matrix
    north = values["Community Team North"]
    days = north["median_days_to_complete"]
    # A shift: the latest seven months or more all below the mean of the whole series.
    assert (days.iloc[-7:] < days.mean()).all()
    assert days.iloc[-7:].mean() < 0.7 * days.iloc[:9].mean()
    on_time = north["completed_on_time_share"]
    assert on_time.iloc[:9].mean() < 0.5 < 0.7 < on_time.iloc[-7:].mean()
    assert icons.loc[("Community Team North", "median_days_to_complete"), "variation"] == (
        "improvement_low"
    )
    assert icons.loc[("Community Team North", "completed_on_time_share"), "variation"] == (
        "improvement_high"
    )


def test_community_team_west_drifts_over_budget(matrix) -> None:
    icons, values = matrix
    variance = values["Community Team West"]["spend_variance"]
    assert (variance.iloc[-7:] > variance.mean()).all()
    assert variance.iloc[-3:].mean() > 10_000 > abs(variance.iloc[:9].mean())
    assert icons.loc[("Community Team West", "spend_variance"), "variation"] == "concern_high"


def test_hospital_team_cannot_reach_its_on_time_target(matrix) -> None:
    icons, values = matrix
    on_time = values["Hospital Social Work Team"]["completed_on_time_share"]
    assert 0.55 <= on_time.mean() <= 0.65 and on_time.std() < 0.1
    assert icons.loc[("Hospital Social Work Team", "completed_on_time_share"), "assurance"] == (
        "consistent_fail"
    )


def test_designed_icons_and_every_icon_and_assurance_appear(matrix) -> None:
    icons, _ = matrix
    for cell, icon in DESIGNED_ICONS.items():
        assert icons.loc[cell, "variation"] == icon, cell
    for cell, assurance in DESIGNED_ASSURANCE.items():
        assert icons.loc[cell, "assurance"] == assurance, cell
    # Every Making Data Count icon; "no_variation" is the suite's own, for a chart whose value
    # hardly changes (no variation to judge limits from), which the sample's stories do not need.
    assert set(icons["variation"]) == set(spc.VARIATION_ICONS) - {"no_variation"}
    assert set(icons["assurance"].dropna()) == set(ASSURANCES)
    assert (icons["assurance"] == "inconsistent").sum() >= 3
    # Common cause mostly: the stories, not noise, make the special causes.
    assert (icons["variation"] == "common_cause").mean() >= 0.6
    hospital = icons.loc["Hospital Social Work Team", "variation"]
    assert (hospital == "common_cause").all()


@pytest.mark.parametrize("seed", [1, 99])
def test_designed_icons_hold_for_other_seeds(tmp_path: Path, seed: int) -> None:
    # The stories are built in, not the luck of the default seed.
    icons, _ = icon_matrix(loaded_files(dict(zip(SAMPLE_FILES, write_sample(tmp_path, seed)))))
    for cell, icon in DESIGNED_ICONS.items():
        assert icons.loc[cell, "variation"] == icon, (seed, cell)
    for cell, assurance in DESIGNED_ASSURANCE.items():
        assert icons.loc[cell, "assurance"] == assurance, (seed, cell)


def test_performance_module_agrees_with_the_definitions(
    performance_files: dict[str, pd.DataFrame], matrix
) -> None:
    # The workbook's own measures and summary matrix give the same values and icons.
    icons, values = matrix
    files = performance_files
    measures = performance.team_measures(files["work_items"], files["spending"], files["actions"])
    assert measures.attrs["as_at"] == AS_AT
    for team in PERFORMANCE_TEAMS:
        theirs = measures[measures["team"] == team].pivot(
            index="period_start", columns="measure", values="value"
        )
        pd.testing.assert_frame_equal(
            theirs.loc[:, values[team].columns], values[team].astype("float64"),
            check_names=False, check_freq=False, check_index_type=False,
        )
    charts, _ = performance.measure_charts(measures, files["targets"])
    summary = performance.summary_matrix(charts).set_index(["team", "measure"])
    assert (summary["variation"] == icons.loc[summary.index, "variation"]).all()
    theirs = summary["assurance"].where(summary["assurance"].notna(), None)
    ours = icons.loc[summary.index, "assurance"]
    assert [a for a in theirs] == [a for a in ours]
