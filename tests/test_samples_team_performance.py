"""Tests of the synthetic team-performance sample: work items, spending, targets and actions
(:mod:`workbook_helpers.data.samples.team_performance`), the stories built into it, and the
files `workbook sample` writes; ``test_datasets.py`` checks the committed files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbook_helpers.data.datasets import DATASETS, write_sample
from workbook_helpers.data.loading import load_actions, load_spending, load_targets, load_work_items
from workbook_helpers.data.samples.team_performance import (
    ACTION_COLUMNS, PERFORMANCE_TEAMS, SPENDING_COLUMNS, TARGET_COLUMNS, WORK_ITEM_COLUMNS,
    make_actions, make_spending, make_targets, make_work_items,
)
from workbook_helpers.measures import performance
from workbook_helpers.data.performance_measures import MEASURES, measure_key
from workbook_helpers.spc import xmr as spc


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
    icons, _ = icon_matrix(loaded_files(dict(zip(DATASETS, write_sample(tmp_path, seed)))))
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
