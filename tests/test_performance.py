"""Team-performance measures on small hand-built files, every expected figure worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook_helpers.measures import performance as pf
from workbook_helpers.exceptions import ParameterError

NaT = pd.NaT


def day(text):
    return pd.Timestamp(text) if text else NaT


def items_frame(rows):
    """Work items as the loader returns them: dates as datetime64, blanks as NaT."""
    frame = pd.DataFrame(rows, columns=["item_id", "team", "opened", "closed", "due", "next_review"])
    for column in ("opened", "closed", "due", "next_review"):
        frame[column] = pd.to_datetime(frame[column].map(day))
    return frame


def actions_frame(rows):
    frame = pd.DataFrame(rows, columns=["action_id", "team", "raised", "due", "done"])
    for column in ("raised", "due", "done"):
        frame[column] = pd.to_datetime(frame[column].map(day))
    frame["owner"] = "someone"
    return frame


# Worked example used by several tests. Periods: April and May 2024.
ITEMS = items_frame([
    # i1: closed on the last day of April, so not open at its end; 29 days; late (due 20 April).
    ("i1", "A", "2024-04-01", "2024-04-30", "2024-04-20", None),
    # i2: opened and closed the same day: opened and completed in April, never open at an end.
    ("i2", "A", "2024-04-10", "2024-04-10", "2024-05-08", None),
    # i3: opened before the periods, still open: 89 days old at 30 April, 120 at 31 May; overdue.
    ("i3", "A", "2024-02-01", None, "2024-03-01", None),
    # i4: 5 days old at 30 April (due 23 May: within 28 days); 36 days old and overdue at 31 May.
    ("i4", "A", "2024-04-25", None, "2024-05-23", None),
    # i5: no due date; review on 10 May (upcoming at 30 April); 46 days old at 30 April;
    # closed 15 May after 61 days.
    ("i5", "A", "2024-03-15", "2024-05-15", None, "2024-05-10"),
    # i6: team B, opened on 31 May and due that day: open, not yet overdue, so due (upcoming).
    ("i6", "B", "2024-05-31", None, "2024-05-31", None),
])
APRIL_MAY = pf.periods_between("2024-04-01", "2024-05-31", "month")


def value(frame, team, measure, start):
    row = frame.loc[(frame["team"] == team) & (frame["measure"] == measure)
                    & (frame["period_start"] == pd.Timestamp(start))]
    assert len(row) == 1, (team, measure, start)
    return row["value"].iloc[0]


# --------------------------------------------------------------------------------------------
# periods


def test_months_are_calendar_months_and_only_complete_ones_count():
    periods = pf.periods_between("2024-03-15", "2024-05-31", "month")
    assert list(periods["period_start"].dt.strftime("%Y-%m-%d")) == ["2024-03-01", "2024-04-01", "2024-05-01"]
    assert list(periods["period_end"].dt.strftime("%Y-%m-%d")) == ["2024-03-31", "2024-04-30", "2024-05-31"]
    # One day short of May's end: May is not complete.
    assert len(pf.periods_between("2024-03-15", "2024-05-30", "month")) == 2


def test_weeks_run_monday_to_sunday():
    # 3 April 2024 is a Wednesday; its week began on Monday 1 April.
    periods = pf.periods_between("2024-04-03", "2024-04-14", "week")
    assert list(periods["period_start"].dt.strftime("%a %d")) == ["Mon 01", "Mon 08"]
    assert list(periods["period_end"].dt.strftime("%a %d")) == ["Sun 07", "Sun 14"]
    assert len(pf.periods_between("2024-04-03", "2024-04-13", "week")) == 1


def test_no_complete_period_gives_an_empty_frame():
    assert pf.periods_between("2024-04-03", "2024-04-05", "week").empty
    assert pf.periods_between("2024-05-01", "2024-04-01", "month").empty


def test_period_must_be_month_or_week():
    with pytest.raises(ParameterError, match='"month" or "week"'):
        pf.periods_between("2024-04-01", "2024-05-01", "quarter")


def test_financial_year_starts_in_april():
    dates = pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01", "2025-01-15", "2099-12-01"]))
    assert list(pf.financial_year(dates)) == ["2023-24", "2024-25", "2024-25", "2099-00"]


# --------------------------------------------------------------------------------------------
# work items


@pytest.fixture(scope="module")
def work():
    return pf.work_measures(ITEMS, APRIL_MAY, teams=["A", "B"])


@pytest.mark.parametrize(
    "measure, april, may",
    [
        ("open_items", 3, 2),  # April: i3 i4 i5; May: i3 i4
        ("open_under_4_weeks", 1, 0),  # April: i4 (5 days)
        ("open_4_to_12_weeks", 1, 1),  # April: i5 (46 days); May: i4 (36 days)
        ("open_over_12_weeks", 1, 1),  # i3 (89, then 120 days)
        ("items_opened", 3, 0),  # i1 i2 i4
        ("due_next_28_days", 2, 0),  # April: i4 due 23 May, i5 review 10 May
        ("overdue_items", 1, 2),  # April: i3; May: i3 i4
        ("items_completed", 2, 1),  # April: i1 i2; May: i5
        ("completed_on_time_share", 0.5, np.nan),  # April: i2 on time, i1 late; May: i5 no due
        ("median_days_to_complete", 14.5, 61),  # April: 29 and 0 days; May: 61
    ],
)
def test_work_measures_worked_example(work, measure, april, may):
    assert value(work, "A", measure, "2024-04-01") == pytest.approx(april, nan_ok=True)
    assert value(work, "A", measure, "2024-05-01") == pytest.approx(may, nan_ok=True)


def test_an_item_due_on_the_last_day_is_due_not_overdue(work):
    # Counted in exactly one of the two: an item due on the day must not vanish from both.
    assert value(work, "B", "open_items", "2024-05-01") == 1
    assert value(work, "B", "open_under_4_weeks", "2024-05-01") == 1
    assert value(work, "B", "overdue_items", "2024-05-01") == 0
    assert value(work, "B", "due_next_28_days", "2024-05-01") == 1


def test_upcoming_runs_from_the_day_to_28_days_after_it():
    items = items_frame([
        ("a", "A", "2024-04-01", None, "2024-04-29", None),  # the day before: overdue
        ("b", "A", "2024-04-01", None, "2024-04-30", None),  # the day itself: due
        ("c", "A", "2024-04-01", None, "2024-05-28", None),  # 28 days after: due
        ("d", "A", "2024-04-01", None, "2024-05-29", None),  # 29 days after: neither
        ("e", "A", "2024-04-01", None, None, "2024-04-30"),  # a review on the day: due
    ])
    now = pf.work_now(items, pd.Timestamp("2024-04-30")).iloc[0]
    assert (now["open_items"], now["overdue_items"], now["due_next_28_days"]) == (5, 1, 3)


def test_a_time_of_day_is_ignored():
    # Exports often carry times. Closed at 3pm on the due date is on time, and opened at 5pm,
    # closed at 8am the next day, took 1 day, not 0.
    items = items_frame([
        ("a", "A", "2024-04-01 09:00", "2024-04-30 15:00", "2024-04-30", None),
        ("b", "A", "2024-04-01 17:00", "2024-04-02 08:00", "2024-04-30", None),
    ])
    work = pf.work_measures(items, APRIL_MAY, teams=["A"])
    assert value(work, "A", "completed_on_time_share", "2024-04-01") == 1.0
    # Days to complete: a 29, b 1, median 15 (with the times: 29 and 0, median 14.5).
    assert value(work, "A", "median_days_to_complete", "2024-04-01") == 15
    actions = actions_frame([("x", "A", "2024-04-30 10:00", "2024-05-10 12:00", None)])
    now = pf.actions_now(actions, pd.Timestamp("2024-04-30"))
    assert now["action_id"].tolist() == ["x"]  # raised that morning, so open at its end
    late = pf.actions_now(actions, pd.Timestamp("2024-05-12"))
    assert late["days_overdue"].tolist() == [2]  # due 10 May, as at 12 May


def test_a_team_without_work_in_a_period_has_zero_counts_and_no_shares(work):
    assert value(work, "B", "open_items", "2024-04-01") == 0
    assert value(work, "B", "items_completed", "2024-04-01") == 0
    assert np.isnan(value(work, "B", "completed_on_time_share", "2024-04-01"))
    assert np.isnan(value(work, "B", "median_days_to_complete", "2024-04-01"))


def test_age_bands_add_up_to_the_open_items(work):
    for (team, start), rows in work.groupby(["team", "period_start"]):
        values = rows.set_index("measure")["value"]
        bands = values[["open_under_4_weeks", "open_4_to_12_weeks", "open_over_12_weeks"]].sum()
        assert bands == values["open_items"], (team, start)


def test_age_band_edges_are_28_and_84_days():
    items = items_frame([
        ("a", "A", "2024-04-03", None, None, None),  # 27 days at 30 April: under 4 weeks
        ("b", "A", "2024-04-02", None, None, None),  # 28 days: 4 to 12 weeks
        ("c", "A", "2024-02-07", None, None, None),  # 83 days: 4 to 12 weeks
        ("d", "A", "2024-02-06", None, None, None),  # 84 days: over 12 weeks
    ])
    now = pf.work_now(items, pd.Timestamp("2024-04-30"))
    assert now.loc[0, ["open_under_4_weeks", "open_4_to_12_weeks", "open_over_12_weeks"]].tolist() == [1, 2, 1]


def test_work_now_counts_at_the_end_of_the_as_at_day():
    now = pf.work_now(ITEMS, pd.Timestamp("2024-04-30")).set_index("team")
    assert now.loc["A", "open_items"] == 3
    assert now.loc["A", "overdue_items"] == 1
    assert now.loc["A", "due_next_28_days"] == 2
    assert now.loc["B", "open_items"] == 0  # i6 opens on 31 May


def test_a_missing_next_review_column_is_no_reviews():
    without = ITEMS.drop(columns="next_review")
    work = pf.work_measures(without, APRIL_MAY, teams=["A", "B"])
    # i5 was upcoming only through its review.
    assert value(work, "A", "due_next_28_days", "2024-04-01") == 1


# --------------------------------------------------------------------------------------------
# actions

ACTIONS = actions_frame([
    ("a1", "A", "2024-04-02", "2024-04-30", "2024-04-30"),  # due April, done on the day: on time
    ("a2", "A", "2024-04-02", "2024-04-15", "2024-05-03"),  # due April, done late; open at April end
    ("a3", "A", "2024-05-07", "2024-06-30", None),  # open at May end, not yet due
])


@pytest.mark.parametrize(
    "measure, april, may",
    [("actions_open", 1, 1), ("actions_overdue", 1, 0), ("actions_on_time_share", 0.5, np.nan)],
)
def test_action_measures_worked_example(measure, april, may):
    actions = pf.action_measures(ACTIONS, APRIL_MAY)
    assert value(actions, "A", measure, "2024-04-01") == pytest.approx(april, nan_ok=True)
    assert value(actions, "A", measure, "2024-05-01") == pytest.approx(may, nan_ok=True)


def test_actions_now_lists_open_actions_most_overdue_first():
    now = pf.actions_now(ACTIONS, pd.Timestamp("2024-05-02"))
    # a2 is 17 days overdue on 2 May; a3 is not raised yet; a1 is done.
    assert now["action_id"].tolist() == ["a2"]
    assert now["days_overdue"].tolist() == [17]
    assert now["overdue"].tolist() == [True]


# --------------------------------------------------------------------------------------------
# spending


def spending_frame():
    return pd.DataFrame({
        "team": ["A", "A", "A", "A", "A"],
        "month": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-04-01", "2024-04-01", "2024-05-01"]),
        "budget": [100.0, 100.0, 50.0, 50.0, 100.0],
        "actual": [110.0, 90.0, 60.0, 55.0, 100.0],
        "category": ["Staff", "Staff", "Staff", "Travel", "Staff"],
    })


def test_spending_by_month_adds_categories_and_restarts_the_year_in_april():
    monthly = pf.spending_by_month(spending_frame())
    assert monthly["month"].dt.strftime("%Y-%m").tolist() == ["2024-02", "2024-03", "2024-04", "2024-05"]
    assert monthly["financial_year"].tolist() == ["2023-24", "2023-24", "2024-25", "2024-25"]
    assert monthly["budget"].tolist() == [100, 100, 100, 100]
    assert monthly["actual"].tolist() == [110, 90, 115, 100]
    assert monthly["variance"].tolist() == [10, -10, 15, 0]
    assert monthly["variance_ytd"].tolist() == [10, 0, 15, 15]  # April starts a new year
    assert monthly["variance_pct"].tolist() == pytest.approx([0.1, -0.1, 0.15, 0.0])
    assert monthly["variance_ytd_pct"].iloc[-1] == pytest.approx(15 / 200)


def test_spending_after_as_at_is_left_out():
    monthly = pf.spending_by_month(spending_frame(), as_at=pd.Timestamp("2024-05-30"))
    assert monthly["month"].max() == pd.Timestamp("2024-04-01")


def test_a_zero_budget_gives_no_percentage():
    frame = spending_frame().assign(budget=0.0)
    monthly = pf.spending_by_month(frame)
    assert monthly["variance_pct"].isna().all()
    assert monthly["variance"].tolist() == [110, 90, 115, 100]


# --------------------------------------------------------------------------------------------
# together


def test_as_at_is_the_last_event_date_unless_given():
    assert pf.as_at_date(ITEMS, ACTIONS) == pd.Timestamp("2024-05-31")  # i6 opened 31 May
    assert pf.as_at_date(ITEMS, as_at="2024-04-30") == pd.Timestamp("2024-04-30")
    assert pf.as_at_date(ITEMS, as_at=" ") == pd.Timestamp("2024-05-31")
    assert pf.as_at_date(spending=spending_frame()) == pd.Timestamp("2024-05-31")
    with pytest.raises(ParameterError, match="as_at must be a date"):
        pf.as_at_date(ITEMS, as_at="last tuesday")


def test_dates_after_today_do_not_move_the_last_date():
    # A closing mistyped as 2052 would otherwise put the report decades ahead.
    typo = pd.concat([ITEMS, items_frame([("t", "A", "2024-05-02", "2052-05-20", None, None)])])
    assert pf.as_at_date(typo, ACTIONS, today="2024-06-15") == pd.Timestamp("2024-05-31")
    assert pf.dates_after(typo, ACTIONS, today="2024-06-15") == [
        ("work items", "closed", 1, pd.Timestamp("2052-05-20"))
    ]
    # A date on the day itself is not after it.
    assert pf.dates_after(typo, ACTIONS, today="2052-05-20") == []
    assert pf.as_at_date(typo, ACTIONS, today="2052-05-20") == pd.Timestamp("2052-05-20")
    # Given, as_at is used as it is.
    assert pf.as_at_date(typo, as_at="2060-01-01", today="2024-06-15") == pd.Timestamp("2060-01-01")


def test_team_measures_start_with_the_first_closing_and_cover_every_dataset():
    measures = pf.team_measures(ITEMS, spending_frame(), ACTIONS, period="month")
    assert measures.attrs["as_at"] == pd.Timestamp("2024-05-31")
    work = measures.loc[measures["measure"] == "open_items"]
    # The first closing is i2 on 10 April, so periods start in April, not February.
    assert work["period_start"].min() == pd.Timestamp("2024-04-01")
    assert set(measures["team"]) == {"A", "B"}
    spend = measures.loc[(measures["measure"] == "spend_variance") & (measures["team"] == "A")]
    assert spend["value"].tolist() == [10, -10, 15, 0]
    # The year-to-date variance is a running total, so it is not charted as a measure.
    assert "spend_variance_ytd" not in set(measures["measure"])
    # Measures come in the order of the configuration table.
    order = list(dict.fromkeys(measures.loc[measures["team"] == "A", "measure"]))
    assert order.index("open_items") < order.index("items_completed") < order.index("spend_actual")


def test_weekly_measures_keep_spending_monthly():
    measures = pf.team_measures(ITEMS, spending_frame(), ACTIONS, period="week", as_at="2024-05-31")
    weekly = measures.loc[measures["measure"] == "items_completed"]
    assert (weekly["period_end"] - weekly["period_start"]).dt.days.eq(6).all()
    spend = measures.loc[measures["measure"] == "spend_actual"]
    assert spend["period_start"].dt.day.eq(1).all()


def test_targets_for_a_team_win_over_targets_for_every_team():
    targets = pd.DataFrame({
        "measure": ["median_days_to_complete", "median_days_to_complete", "items_opened"],
        "team": pd.array([None, "B", None], dtype="string"),
        "target": [20.0, 30.0, 50.0],
        "direction": ["decrease", "decrease", "increase"],
    })
    assert pf.target_for(targets, "A", "median_days_to_complete") == (20.0, "decrease")
    assert pf.target_for(targets, "B", "median_days_to_complete") == (30.0, "decrease")
    assert pf.target_for(targets, "A", "items_opened") == (50.0, "increase")  # direction given
    assert pf.target_for(targets, "A", "open_items") == (None, "decrease")  # the measure's own
    assert pf.target_for(None, "A", "items_completed") == (None, "increase")


# --------------------------------------------------------------------------------------------
# every period in every chart: empty months are 0, shares without a denominator are gaps

# January to June 2024 for team A, nothing at all happening in February and March:
# a1 Jan 5 -> Jan 20, due Feb 1: on time, 15 days
# a2 Jan 10 -> Jan 25, due Jan 22: late, 15 days
# a3 Apr 3 -> Apr 20, due May 1: on time, 17 days
# a4 May 2 -> May 30, due Jun 15: on time, 28 days
# a5 Jun 2 -> Jun 12, due Jun 10: late, 10 days
GAPPY = items_frame([
    ("a1", "A", "2024-01-05", "2024-01-20", "2024-02-01", None),
    ("a2", "A", "2024-01-10", "2024-01-25", "2024-01-22", None),
    ("a3", "A", "2024-04-03", "2024-04-20", "2024-05-01", None),
    ("a4", "A", "2024-05-02", "2024-05-30", "2024-06-15", None),
    ("a5", "A", "2024-06-02", "2024-06-12", "2024-06-10", None),
])
JAN_TO_JUNE = pd.date_range("2024-01-31", periods=6, freq="ME")


@pytest.fixture(scope="module")
def gappy_charts():
    measures = pf.team_measures(GAPPY, period="month", as_at="2024-06-30")
    charts, _ = pf.measure_charts(measures)
    return charts


def test_months_with_no_items_are_zero_and_moving_ranges_run_through_them(gappy_charts):
    opened = gappy_charts[("A", "items_opened")]
    assert opened["x"].tolist() == list(JAN_TO_JUNE)  # every month, February and March too
    # Opened: 2 in January, none in February or March, then 1 a month.
    assert opened["value"].tolist() == [2, 0, 0, 1, 1, 1]
    # Moving ranges |0-2|, |0-0|, |1-0|, |1-1|, |1-1|: through the empty months, not over them.
    assert opened["moving_range"].tolist()[1:] == [2, 0, 1, 0, 0]
    # Their mean, 3 / 5 = 0.6, puts the screen at 3.267 x 0.6 = 1.96: the 2 goes, 1 / 4 is left.
    assert opened["mean_moving_range"].iloc[0] == pytest.approx(1 / 4)
    assert opened["mean"].iloc[0] == pytest.approx(5 / 6)
    completed = gappy_charts[("A", "items_completed")]
    assert completed["value"].tolist() == [2, 0, 0, 1, 1, 1]


def test_a_share_with_no_denominator_is_a_gap_with_no_moving_range_either_side(gappy_charts):
    on_time = gappy_charts[("A", "completed_on_time_share")]
    assert on_time["x"].tolist() == list(JAN_TO_JUNE)  # the gaps keep their months
    # January 1 of 2 on time, nothing closed in February or March, then 1, 1 and 0 of 1.
    values = on_time["value"].tolist()
    assert values[0] == 0.5 and np.isnan(values[1]) and np.isnan(values[2]) and values[3:] == [1, 1, 0]
    # No moving range into February or March, nor out of March into April: only May's |1-1|
    # and June's |0-1| remain (where the old chart took |1 - 0.5| from January to April).
    moving = on_time["moving_range"].tolist()
    assert all(np.isnan(moving[i]) for i in range(4)) and moving[4:] == [0, 1]
    assert on_time["mean"].iloc[0] == pytest.approx(2.5 / 4)
    assert on_time["mean_moving_range"].iloc[0] == pytest.approx(0.5)

    median = gappy_charts[("A", "median_days_to_complete")]
    days = median["value"].tolist()
    assert days[0] == 15 and np.isnan(days[1]) and np.isnan(days[2]) and days[3:] == [17, 28, 10]
    assert median["moving_range"].tolist()[4:] == [11, 18]  # |28-17|, |10-28|


def test_the_summary_matrix_counts_values_not_gaps(gappy_charts):
    matrix = pf.summary_matrix(gappy_charts).set_index("measure")
    assert matrix.loc["completed_on_time_share", "points"] == 4
    assert matrix.loc["items_opened", "points"] == 6
    assert matrix.loc["completed_on_time_share", "latest_period"] == JAN_TO_JUNE[-1]


def test_a_month_missing_from_the_spending_file_is_a_gap():
    # Team A has February, March and May; April is missing (not a month of no spending).
    spend = spending_frame().loc[lambda f: f["month"] != pd.Timestamp("2024-04-01")]
    measures = pf.team_measures(ITEMS, spend, as_at="2024-05-31")
    actual = measures.loc[(measures["measure"] == "spend_actual") & (measures["team"] == "A")]
    assert actual["period_start"].dt.strftime("%Y-%m").tolist() == ["2024-02", "2024-03", "2024-04", "2024-05"]
    assert actual["value"].isna().tolist() == [False, False, True, False]
    charts, _ = pf.measure_charts(measures)
    chart = charts[("A", "spend_actual")]
    assert len(chart) == 4 and np.isnan(chart["moving_range"].iloc[3])  # none across April
