"""Tests of the synthetic sample demand log (:mod:`workbook_helpers.data.samples.demand`) and
the file `workbook sample` writes; ``test_datasets.py`` checks the committed file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbook_helpers.data.contracts import CHANNELS, FAILURE_TYPES
from workbook_helpers.data.datasets import DATASETS, write_sample
from workbook_helpers.data.samples.demand import CHANGE_SERVICE, CHANGE_WEEK, COLUMNS, make_demand_log
from workbook_helpers.exceptions import ParameterError


START = pd.Timestamp("2024-04-01")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = make_demand_log()
    return frame.assign(week=(frame["received"] - START).dt.days // 7)


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
    assert written.name == DATASETS["demand"].sample_file
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


