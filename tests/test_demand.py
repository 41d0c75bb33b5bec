"""Tests for :mod:`workbook_helpers.measures.demand`: value and failure demand, one-stop, capacity lost,
week-by-week counts.

Every expected figure is worked out by hand from the small logs built here; the arithmetic is in
the comment beside it. Dates in April 2024: Monday 1, 8, 15, 22 and 29 April.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook_helpers.measures import demand as dm
from workbook_helpers.measures.demand import NOT_RECORDED, Period
from workbook_helpers.workbooks import demand_study as ds
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.loading import load_demand

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "demand.csv"

COLUMNS = (
    "received", "team", "service", "channel", "demand_type", "demand_class", "failure_type",
    "one_stop", "handling_minutes",
)
CATEGORIES = ("team", "service", "channel", "demand_type", "demand_class", "failure_type")
NA = None


def make_log(rows, drop=()) -> pd.DataFrame:
    """A demand log shaped as ``load_demand`` returns it, from tuples in the order of COLUMNS.

    Text columns become categories of the values present, ``one_stop`` pandas booleans with NA,
    ``handling_minutes`` floats with NaN; rows are indexed by spreadsheet row number (from 2).
    """
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["received"] = pd.to_datetime(frame["received"]).astype("datetime64[ns]")
    for column in CATEGORIES:
        frame[column] = frame[column].astype("category")
    frame["one_stop"] = frame["one_stop"].astype("boolean")
    frame["handling_minutes"] = pd.to_numeric(frame["handling_minutes"]).astype("float64")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame.drop(columns=list(drop))


def row(received, demand_class=NA, failure_type=NA, one_stop=NA, minutes=NA, *,
        team="Revenues", service="Council tax", channel="phone", demand_type="pay my bill"):
    return (received, team, service, channel, demand_type, demand_class, failure_type, one_stop,
            minutes)


def period(start: str, end: str) -> Period:
    return Period(pd.Timestamp(start), pd.Timestamp(end))


TWO_WEEKS = period("2024-04-01", "2024-04-14")  # Monday 1 to Sunday 14 April: 14 days, 2 weeks

# Six demands over two weeks: 2 value, 3 failure, 1 not yet classified.
HEADLINE_ROWS = [
    row("2024-04-01 09:00", "value", NA, True, 10, demand_type="apply for a discount"),
    row("2024-04-02 10:00", "failure", "clarification", NA, 120, demand_type="don't understand my bill"),
    row("2024-04-03 11:00", "failure", "progress chasing", NA, 60, demand_type="where is my refund"),
    row("2024-04-08 12:00", "failure", "progress chasing", NA, NA, demand_type="where is my refund"),
    row("2024-04-09 13:00", "value", NA, False, 5),
    row("2024-04-14 23:59", NA, NA, NA, 7),
]


# --------------------------------------------------------------------------------------------
# headline figures


def test_headline_figures_counts_unclassified_in_total_but_not_in_share():
    figures = dm.headline_figures(make_log(HEADLINE_ROWS), TWO_WEEKS)
    assert figures["total_demand"] == 6
    assert figures["value_demand"] == 2
    assert figures["failure_demand"] == 3
    assert figures["unclassified_demand"] == 1
    # 3 failure of 5 classified (the 1 unclassified left out) -> 0.6, not 3 / 6 = 0.5
    assert figures["failure_demand_share"] == pytest.approx(0.6)
    # value demand with an outcome: True (row 1), False (row 5) -> 1 / 2
    assert figures["one_stop_share"] == pytest.approx(0.5)
    assert figures["period_start"] == "2024-04-01"
    assert figures["period_end"] == "2024-04-14"
    assert figures["weeks"] == 2.0  # 14 days / 7


def test_headline_figures_when_nothing_is_classified():
    log = make_log([row("2024-04-01 09:00"), row("2024-04-02 09:00")])
    figures = dm.headline_figures(log, TWO_WEEKS)
    assert figures["total_demand"] == 2
    assert figures["unclassified_demand"] == 2
    assert figures["failure_demand_share"] is None  # 0 classified: no share, not 0%
    assert figures["one_stop_share"] is None
    assert figures["failure_hours_per_week"] is None


def test_failure_hours_per_week_over_fourteen_days():
    figures = dm.failure_capacity(make_log(HEADLINE_ROWS), TWO_WEEKS)
    # failure minutes 120 + 60 = 180 (the value and unclassified rows' 10, 5 and 7 do not count)
    # = 3 hours over 2 complete weeks (Monday 1 to Sunday 14 April) -> 1.5 hours a week
    assert figures["failure_hours"] == pytest.approx(3.0)
    assert figures["failure_hours_per_week"] == pytest.approx(1.5)
    assert figures["failure_hours_in_part_weeks"] == 0
    assert figures["full_time_equivalent_lost"] == pytest.approx(1.5 / 37)
    # the failure demand on 8 April has no minutes: counted, so the report can say so
    assert figures["failure_rows_without_minutes"] == 1
    assert figures["failure_rows_over_ceiling"] is None  # no ceiling given


def test_failure_hours_per_week_count_complete_weeks_without_demand_as_weeks():
    log = make_log([row("2024-04-01 09:00", "failure", "repeat", NA, 42)])
    # 42 minutes = 0.7 hours in the first of 3 complete weeks (1 to 21 April): 0.7 / 3 a week
    figures = dm.failure_capacity(log, period("2024-04-01", "2024-04-21"))
    assert figures["failure_hours_per_week"] == pytest.approx(0.7 / 3)


def test_failure_hours_per_week_leave_out_the_part_weeks_at_either_end():
    # Wednesday 3 to Tuesday 16 April: one complete week, Monday 8 to Sunday 14 April.
    log = make_log([
        row("2024-04-04 10:00", "failure", "repeat", NA, 60),   # Thursday of the part week before
        row("2024-04-09 10:00", "failure", "repeat", NA, 120),  # in the complete week
        row("2024-04-14 23:30", "failure", "repeat", NA, 60),   # its Sunday, late: still in it
        row("2024-04-15 08:00", "failure", "repeat", NA, 30),   # Monday of the part week after
    ])
    figures = dm.failure_capacity(log, period("2024-04-03", "2024-04-16"))
    assert figures["failure_hours_per_week"] == pytest.approx((120 + 60) / 60)  # 3 hours in 1 week
    assert figures["failure_hours_in_part_weeks"] == pytest.approx((60 + 30) / 60)  # 1.5 hours
    assert figures["failure_hours"] == pytest.approx(270 / 60)  # all 4.5 hours the log holds
    assert figures["full_time_equivalent_lost"] == pytest.approx(3 / 37)


# The two logs of the issue: one day, and Monday to Friday. Before, hours a week were hours /
# (days / 7): 15.75 hours in one day became 110.25 hours a week ("about 3 full-time staff"), and
# 9.4 hours in five days 13.16 a week. Neither holds a complete week, so there is no weekly figure.
ONE_DAY = [row("2024-04-02 09:00", "failure", "progress chasing", NA, 60)] * 15 + [
    row("2024-04-02 16:00", "failure", "progress chasing", NA, 45),
    row("2024-04-02 12:00", "value", NA, True, 10),
]
MONDAY_TO_FRIDAY = [
    row(f"2024-04-0{day} 10:00", "failure", "progress chasing", NA, minutes)
    for day, minutes in zip(range(1, 6), (120, 120, 120, 120, 84))
] + [row(f"2024-04-0{day} 11:00", "value", NA, True, 10) for day in range(1, 6)]


def test_a_log_of_one_day_gives_its_hours_and_no_weekly_figure():
    log = make_log(ONE_DAY)
    figures = dm.headline_figures(log, period("2024-04-02", "2024-04-02"))
    assert figures["failure_hours"] == pytest.approx(15.75)  # 15 x 60 + 45 = 945 minutes
    assert figures["failure_hours_per_week"] is None
    assert figures["full_time_equivalent_lost"] is None
    assert figures["failure_hours_in_part_weeks"] is None
    assert (figures["days"], figures["working_days"], figures["complete_weeks"]) == (1, 1, 0)


def test_a_monday_to_friday_log_gives_its_hours_in_five_working_days():
    log = make_log(MONDAY_TO_FRIDAY)
    figures = dm.headline_figures(log, period("2024-04-01", "2024-04-05"))
    # 4 x 120 + 84 = 564 minutes = 9.4 hours, never more than the log holds
    assert figures["failure_hours"] == pytest.approx(9.4)
    assert figures["failure_hours_per_week"] is None
    assert (figures["days"], figures["working_days"], figures["complete_weeks"]) == (5, 5, 0)


@pytest.mark.parametrize(
    ("start", "end", "working_days"),
    [
        ("2024-04-06", "2024-04-07", 0),  # Saturday and Sunday
        ("2024-04-03", "2024-04-09", 5),  # Wednesday to Tuesday: Wed, Thu, Fri, Mon, Tue
        ("2024-04-01", "2024-04-30", 22),  # April 2024: 30 days less 4 weekends of 2 days
    ],
)
def test_working_days_are_mondays_to_fridays_in_the_period(start, end, working_days):
    assert period(start, end).working_days == working_days


def test_failure_demands_over_the_ceiling_are_counted():
    log = make_log([
        row("2024-04-01", "failure", "repeat", NA, 10 ** 12),
        row("2024-04-02", "failure", "repeat", NA, 480),  # at the ceiling: not over it
        row("2024-04-03", "value", NA, True, 600),  # value demand: not in the failure hours
    ])
    figures = dm.failure_capacity(log, TWO_WEEKS, max_handling_minutes=480)
    assert figures["failure_rows_over_ceiling"] == 1


def test_failure_hours_are_none_without_handling_minutes():
    log = make_log(HEADLINE_ROWS, drop=["handling_minutes"])
    assert dm.failure_capacity(log, TWO_WEEKS) == {
        "failure_hours": None,
        "failure_hours_per_week": None,
        "failure_hours_in_part_weeks": None,
        "full_time_equivalent_lost": None,
        "failure_rows_without_minutes": None,
        "failure_rows_over_ceiling": None,
    }
    # minutes recorded only on value demand: nothing known about failure demand
    log = make_log([row("2024-04-01", "value", NA, True, 10), row("2024-04-02", "failure", "repeat")])
    assert dm.failure_capacity(log, TWO_WEEKS)["failure_hours_per_week"] is None


# --------------------------------------------------------------------------------------------
# one-stop


def test_one_stop_share_ignores_failure_demand_and_missing_outcomes():
    log = make_log([
        row("2024-04-01", "value", NA, True),
        row("2024-04-01", "value", NA, True),
        row("2024-04-01", "value", NA, False),
        row("2024-04-01", "value", NA, NA),  # outcome not recorded: left out
        row("2024-04-01", "failure", "repeat", True),  # failure demand: left out
        row("2024-04-01", "failure", "repeat", False),
        row("2024-04-01", NA, NA, True),  # not classified: left out
    ])
    # 2 resolved of 3 value demands with an outcome -> 2 / 3
    assert dm.one_stop_share(log) == pytest.approx(2 / 3)


def test_one_stop_share_is_none_when_not_recorded():
    assert dm.one_stop_share(make_log(HEADLINE_ROWS, drop=["one_stop"])) is None
    nothing_recorded = make_log([row("2024-04-01", "value"), row("2024-04-02", "failure", "repeat", True)])
    assert dm.one_stop_share(nothing_recorded) is None


# --------------------------------------------------------------------------------------------
# breakdowns


def test_value_failure_by_orders_largest_first_ties_by_name_with_shares():
    log = make_log([
        row("2024-04-01", "value", service="Council tax"),
        row("2024-04-01", "failure", "repeat", service="Council tax"),
        row("2024-04-01", "failure", "repeat", service="Council tax"),
        row("2024-04-01", NA, service="Council tax"),
        row("2024-04-01", "value", service="Housing repairs"),
        row("2024-04-01", "failure", "not done", service="Housing repairs"),
        row("2024-04-01", "failure", "not done", service="Adult care"),
        row("2024-04-01", "failure", "repeat", service="Adult care"),
        row("2024-04-01", NA, service="Waste"),
    ])
    table = dm.value_failure_by(log, "service")
    # Council tax 4; Adult care and Housing repairs 2 each (tie: by name); Waste 1
    assert table["service"].tolist() == ["Council tax", "Adult care", "Housing repairs", "Waste"]
    assert table["demand"].tolist() == [4, 2, 2, 1]
    assert table["value"].tolist() == [1, 0, 1, 0]
    assert table["failure"].tolist() == [2, 2, 1, 0]
    assert table["unclassified"].tolist() == [1, 0, 0, 1]
    # 2 of 3 classified; 2 of 2; 1 of 2; nothing classified -> no share
    assert table["failure_share"].iloc[:3].tolist() == pytest.approx([2 / 3, 1.0, 0.5])
    assert math.isnan(table["failure_share"].iloc[3])


def test_value_failure_by_keeps_rows_with_no_team():
    log = make_log([
        row("2024-04-01", "value", team="Revenues"),
        row("2024-04-01", "failure", "repeat", team=NA),
        row("2024-04-01", "failure", "repeat", team=NA),
    ])
    table = dm.value_failure_by(log, "team")
    # 2 rows with a blank team would otherwise drop out of the breakdown
    assert table["team"].tolist() == [NOT_RECORDED, "Revenues"]
    assert table["demand"].tolist() == [2, 1]
    assert table["demand"].sum() == len(log)


def test_value_failure_by_an_unknown_column_is_a_parameter_error():
    with pytest.raises(ParameterError, match='no "district" column'):
        dm.value_failure_by(make_log(HEADLINE_ROWS), "district")


def test_pareto_shares_cumulative_shares_and_ties_by_name():
    counts = pd.Series({"b": 3, "a": 3, "c": 2, "d": 0})
    table = dm.pareto(counts, "kind")
    # d (0) dropped; a and b tie on 3, a first by name; total 3 + 3 + 2 = 8
    assert table["kind"].tolist() == ["a", "b", "c"]
    assert table["demand"].tolist() == [3, 3, 2]
    assert table["share"].tolist() == pytest.approx([3 / 8, 3 / 8, 2 / 8])  # 0.375, 0.375, 0.25
    assert table["cumulative_share"].tolist() == pytest.approx([0.375, 0.75, 1.0])


def test_failure_types_counts_missing_types_as_not_recorded():
    log = make_log([
        row("2024-04-01", "failure", "progress chasing"),
        row("2024-04-01", "failure", "progress chasing"),
        row("2024-04-01", "failure", "clarification"),
        row("2024-04-01", "failure", NA),
        row("2024-04-01", "value", "repeat"),  # not failure demand: not counted
        row("2024-04-01", NA, NA),
    ])
    table = dm.failure_types(log)
    # 4 failure demands: progress chasing 2 (0.5), clarification 1, not recorded 1 (tie by name)
    assert table["failure_type"].tolist() == ["progress chasing", "clarification", NOT_RECORDED]
    assert table["demand"].tolist() == [2, 1, 1]
    assert table["share"].tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert table["cumulative_share"].tolist() == pytest.approx([0.5, 0.75, 1.0])


def test_failure_types_without_the_column_are_all_not_recorded():
    log = make_log(HEADLINE_ROWS, drop=["failure_type"])
    table = dm.failure_types(log)
    assert table["failure_type"].tolist() == [NOT_RECORDED]
    assert table["demand"].tolist() == [3]  # the 3 failure demands


def test_demand_types_top_keeps_shares_of_the_whole_class():
    log = make_log(
        [row("2024-04-01", "value", demand_type="pay my bill")] * 3
        + [row("2024-04-01", "value", demand_type="apply for a discount")] * 2
        + [row("2024-04-01", "value", demand_type="move house")]
        + [row("2024-04-01", "failure", "repeat", demand_type="where is my refund")] * 4
    )
    table = dm.demand_types(log, "value", top=2)
    # 6 value demands: 3, 2 (and 1 left off by top=2); shares 3/6 and 2/6 of all 6
    assert table["demand_type"].tolist() == ["pay my bill", "apply for a discount"]
    assert table["share"].tolist() == pytest.approx([0.5, 1 / 3])
    assert table["cumulative_share"].tolist() == pytest.approx([0.5, 5 / 6])


# --------------------------------------------------------------------------------------------
# week by week

MID_WEEK = period("2024-04-03", "2024-04-28")  # Wednesday 3 April to Sunday 28 April


def test_complete_weeks_for_a_period_starting_mid_week():
    # 3-7 April is a part week; 8-14, 15-21 and 22-28 April are whole
    assert list(dm.complete_weeks(MID_WEEK)) == [
        pd.Timestamp("2024-04-08"), pd.Timestamp("2024-04-15"), pd.Timestamp("2024-04-22"),
    ]


@pytest.mark.parametrize(
    ("start", "end", "mondays"),
    [
        ("2024-04-03", "2024-04-27", ["2024-04-08", "2024-04-15"]),  # ends on a Saturday
        ("2024-04-01", "2024-04-07", ["2024-04-01"]),  # exactly Monday to Sunday
        ("2024-04-02", "2024-04-08", []),  # 7 days, but Tuesday to Monday
        ("2024-04-01", "2024-04-05", []),  # shorter than a week
    ],
)
def test_complete_weeks_edges(start, end, mondays):
    assert list(dm.complete_weeks(period(start, end))) == [pd.Timestamp(m) for m in mondays]


def test_weekly_demand_zero_fills_empty_weeks_and_leaves_out_part_weeks():
    log = make_log([
        row("2024-04-04 09:00", "failure", "repeat"),  # Thursday of the part week: left out
        row("2024-04-09 09:00", "value"),
        row("2024-04-14 23:59", "failure", "repeat"),  # Sunday night: still week of 8 April
        # nothing in the week of 15 April
        row("2024-04-22 00:00", "failure", "repeat"),
        row("2024-04-28 17:00", NA),
    ])
    table = dm.weekly_demand(log, MID_WEEK)
    assert table["week_start"].tolist() == [
        pd.Timestamp("2024-04-08"), pd.Timestamp("2024-04-15"), pd.Timestamp("2024-04-22"),
    ]
    assert table["demand"].tolist() == [2, 0, 2]
    assert table["value"].tolist() == [1, 0, 0]
    assert table["failure"].tolist() == [1, 0, 1]
    # 1 of 2 classified; none classified; 1 failure of 1 classified (1 unclassified)
    assert table["failure_share"].iloc[0] == pytest.approx(0.5)
    assert math.isnan(table["failure_share"].iloc[1])
    assert table["failure_share"].iloc[2] == pytest.approx(1.0)


def test_weekly_demand_by_service_gives_every_service_every_week():
    log = make_log([
        row("2024-04-09", "value", service="Council tax"),
        row("2024-04-23", "failure", "repeat", service="Housing repairs"),
        row("2024-04-24", "failure", "repeat", service=NA),
    ])
    table = dm.weekly_demand(log, MID_WEEK, by="service")
    assert table.columns.tolist() == ["service", "week_start", "demand", "value", "failure", "failure_share"]
    assert table["service"].tolist() == ["Council tax"] * 3 + ["Housing repairs"] * 3 + [NOT_RECORDED] * 3
    assert table["demand"].tolist() == [1, 0, 0, 0, 0, 1, 0, 0, 1]


def test_weekly_counts_by_type_picks_the_largest_types_in_complete_weeks():
    log = make_log(
        # 5 in the part week only: not among the largest in complete weeks
        [row("2024-04-04", "failure", "repeat", demand_type="part week only")] * 5
        + [row("2024-04-09", "value", demand_type="pay my bill")] * 2
        + [row("2024-04-23", "value", demand_type="pay my bill")]
        + [row("2024-04-10", "failure", "progress chasing", demand_type="where is my refund")] * 2
        + [row("2024-04-16", "value", demand_type="apply for a discount")] * 2
        + [row("2024-04-17", "value", demand_type="move house")]
    )
    table = dm.weekly_counts_by_type(log, MID_WEEK, top=2)
    # complete weeks: pay my bill 3, then a tie on 2 between "apply for a discount" and
    # "where is my refund", broken by name
    assert table["demand_type"].tolist() == ["pay my bill"] * 3 + ["apply for a discount"] * 3
    assert table["demand_class"].tolist() == ["value"] * 6
    assert table["week_start"].tolist() == [
        pd.Timestamp(d) for d in ["2024-04-08", "2024-04-15", "2024-04-22"] * 2
    ]
    assert table["demand"].tolist() == [2, 0, 1, 0, 2, 0]


# --------------------------------------------------------------------------------------------
# choosing the rows

SELECT_ROWS = [
    row("2024-04-01 08:00", "value", team="Revenues", service="Council tax"),
    row("2024-04-02 09:00", "failure", "repeat", team="Revenues", service="Council tax"),
    row("2024-04-10 23:59", "failure", "repeat", team="Revenues", service="Benefits"),
    row("2024-04-11 00:00", "value", team="Revenues", service="Council tax"),
    row("2024-04-03 10:00", "value", team="Repairs North", service="Housing repairs"),
]


def test_select_demand_matches_team_and_service_ignoring_case_and_spaces():
    chosen, covered = dm.select_demand(make_log(SELECT_ROWS), team="  revenues ", service="COUNCIL TAX")
    assert chosen.index.tolist() == [2, 3, 5]  # spreadsheet rows kept
    # blank period: the first and last days of the rows chosen
    assert covered == period("2024-04-01", "2024-04-11")


def test_select_demand_all_keeps_everything():
    log = make_log(SELECT_ROWS)
    chosen, covered = dm.select_demand(log, team="All", service="", channel=None)
    assert len(chosen) == 5
    assert covered.days == 11  # 1 to 11 April


def test_select_demand_period_includes_the_whole_end_day():
    chosen, covered = dm.select_demand(
        make_log(SELECT_ROWS), period_start="2024-04-02", period_end="2024-04-10"
    )
    # 2 April 09:00, 3 April and 10 April 23:59 in; 1 April and 11 April 00:00 out
    assert chosen.index.tolist() == [3, 4, 6]
    assert covered == period("2024-04-02", "2024-04-10")
    assert covered.days == 9


def test_select_demand_reads_day_first_dates_as_uk_users_write_them():
    # 03/04/2024 is 3 April 2024 (not 4 March), as the loader reads dates in files
    chosen, covered = dm.select_demand(
        make_log(SELECT_ROWS), period_start="03/04/2024", period_end="10/04/2024"
    )
    assert covered == period("2024-04-03", "2024-04-10")
    assert chosen.index.tolist() == [4, 6]


def test_select_demand_unknown_team_lists_the_teams():
    with pytest.raises(ParameterError) as caught:
        dm.select_demand(make_log(SELECT_ROWS), team="Revenue")
    message = str(caught.value)
    assert 'No rows for team "Revenue"' in message
    assert '"Repairs North" and "Revenues"' in message


def test_select_demand_a_team_called_all_is_reached_with_team_prefix():
    log = make_log([row("2024-04-01", "value", team="All"), row("2024-04-02", "value"),
                    row("2024-04-03", "failure", "repeat", team="All")])
    everything, _ = dm.select_demand(log, team="all")
    assert everything.index.tolist() == [2, 3, 4]  # the keyword is the whole service...
    assert dm.select_demand(log, team="All")[0].index.tolist() == [2, 3, 4]
    # ...and team:All the team called All, in any case and with spaces around it
    assert dm.select_demand(log, team="team:All")[0].index.tolist() == [2, 4]
    assert dm.select_demand(log, team=" Team: all ")[0].index.tolist() == [2, 4]
    with pytest.raises(ParameterError, match='names no team'):
        dm.select_demand(log, team="team:")


def test_select_demand_service_of_another_team_lists_only_the_teams_services():
    with pytest.raises(ParameterError) as caught:
        dm.select_demand(make_log(SELECT_ROWS), team="Revenues", service="Housing repairs")
    message = str(caught.value)
    assert 'No rows for service "Housing repairs" in team "Revenues"' in message
    assert '"Benefits" and "Council tax"' in message
    assert '"Housing repairs" and' not in message and ', "Housing repairs"' not in message


def test_select_demand_period_back_to_front():
    expected = r"period_end \(1 April 2024\) is before period_start \(10 April 2024\)"
    with pytest.raises(ParameterError, match=expected):
        dm.select_demand(make_log(SELECT_ROWS), period_start="2024-04-10", period_end="2024-04-01")


def test_select_demand_period_outside_the_data_names_the_parameter_the_date_and_the_range():
    # The log runs from 1 to 11 April 2024 (SELECT_ROWS); either end outside that is an error.
    with pytest.raises(ParameterError) as caught:
        dm.select_demand(make_log(SELECT_ROWS), period_start="2024-05-01", period_end="2024-05-31")
    assert str(caught.value) == (
        "period_start is 1 May 2024, after the data, which runs from 1 April 2024 to 11 April 2024. "
        "Give a date in that range, or leave period_start blank."
    )
    with pytest.raises(ParameterError, match="period_end is 31 March 2024, before the data, which runs "
                                             "from 1 April 2024 to 11 April 2024"):
        dm.select_demand(make_log(SELECT_ROWS), period_end="2024-03-31")
    # A period may end after the last contact (a month's last days with none): a warning.
    rows, _ = dm.select_demand(make_log(SELECT_ROWS), period_start="2024-04-02", period_end="2024-04-12")
    assert len(rows) == 4
    (warning,) = dm.period_notes(make_log(SELECT_ROWS), "2024-04-02", "2024-04-12")
    assert warning.startswith("period_end is 12 April 2024, after the last contact in the log (11 April 2024)")
    # ...and start before the first; inside the range there is nothing to say.
    rows, _ = dm.select_demand(make_log(SELECT_ROWS), period_start="2024-03-01", period_end="2024-04-11")
    assert len(rows) == len(SELECT_ROWS)
    assert dm.period_notes(make_log(SELECT_ROWS), "2024-03-01", "2024-04-11") == []


def test_select_demand_not_a_date():
    with pytest.raises(ParameterError, match='"next Tuesday" is not a date'):
        dm.select_demand(make_log(SELECT_ROWS), period_start="next Tuesday")


def test_select_demand_on_the_sample_data():
    log = load_demand(SAMPLE)
    chosen, covered = dm.select_demand(log, team="revenues")
    assert set(chosen["team"].astype(str)) == {"Revenues"}
    assert len(chosen) == int((log["team"] == "Revenues").sum())
    figures = dm.headline_figures(chosen, covered)
    classes = ("value_demand", "failure_demand", "unclassified_demand")
    assert sum(figures[name] for name in classes) == len(chosen)


# --------------------------------------------------------------------------------------------
# properties of any small log

STUDY = period("2024-04-03", "2024-05-05")  # Wednesday 3 April to Sunday 5 May: 33 days
FIRST_MONDAY, LAST_MONDAY = pd.Timestamp("2024-04-08"), pd.Timestamp("2024-04-29")


@st.composite
def demand_rows(draw):
    demand_class = draw(st.sampled_from(["value", "failure", NA]))
    return (
        STUDY.start + pd.Timedelta(minutes=draw(st.integers(0, 33 * 24 * 60 - 1))),
        draw(st.sampled_from(["Revenues", "Repairs", NA])),
        draw(st.sampled_from(["Council tax", "Housing repairs"])),
        draw(st.sampled_from(["phone", "web"])),
        draw(st.sampled_from(["pay", "chase", "apply", "complain"])),
        demand_class,
        draw(st.sampled_from(["repeat", "not done", NA])) if demand_class == "failure" else NA,
        draw(st.sampled_from([True, False, NA])),
        draw(st.sampled_from([NA, 0.0, 5.0, 12.5, 60.0])),
    )


logs = st.lists(demand_rows(), min_size=1, max_size=25).map(make_log)
# Few examples: each builds a frame and runs several pandas measures (about 10-30 ms each).
PROPERTIES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(logs)
def test_counts_add_up_and_shares_are_shares(log):
    figures = dm.headline_figures(log, STUDY)
    assert (
        figures["value_demand"] + figures["failure_demand"] + figures["unclassified_demand"]
        == figures["total_demand"] == len(log)
    )
    for name in ("failure_demand_share", "one_stop_share"):
        assert figures[name] is None or 0 <= figures[name] <= 1
    if figures["failure_hours_per_week"] is not None:
        assert figures["failure_hours_per_week"] >= 0
    by_team = dm.value_failure_by(log, "team")
    assert by_team["demand"].sum() == len(log)
    assert (by_team["value"] + by_team["failure"] + by_team["unclassified"] == by_team["demand"]).all()
    assert by_team["failure_share"].dropna().between(0, 1).all()


@PROPERTIES
@given(logs)
def test_pareto_cumulative_share_rises_to_one(log):
    channels = dm.pareto(log["channel"].value_counts(), "channel")
    for table in (dm.failure_types(log), dm.demand_types(log, "value"), channels):
        if table.empty:
            continue
        cumulative = table["cumulative_share"].to_numpy()
        assert (np.diff(cumulative) >= -1e-12).all()
        assert cumulative[-1] == pytest.approx(1.0, abs=1e-9)
        assert table["share"].between(0, 1).all()
        assert (np.diff(table["demand"].to_numpy()) <= 0).all()  # largest first


@settings(PROPERTIES, max_examples=20)
@given(logs)
def test_weekly_demand_counts_every_row_in_complete_weeks(log):
    table = dm.weekly_demand(log, STUDY)
    # complete weeks: 8, 15, 22 and 29 April; 3-7 April is a part week
    assert table["week_start"].tolist() == list(pd.date_range(FIRST_MONDAY, LAST_MONDAY, freq="7D"))
    in_weeks = (log["received"] >= FIRST_MONDAY) & (log["received"] < LAST_MONDAY + pd.Timedelta(days=7))
    assert table["demand"].sum() == in_weeks.sum()
    by_service = dm.weekly_demand(log, STUDY, by="team")
    assert by_service["demand"].sum() == in_weeks.sum()
    by_type = dm.weekly_counts_by_type(log, STUDY, top=10)  # top 10 of 4 types: all of them
    assert by_type["demand"].sum() == in_weeks.sum()


@settings(PROPERTIES, max_examples=15)
@given(logs, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_the_rows(log, random):
    order = list(range(len(log)))
    random.shuffle(order)
    shuffled = log.iloc[order]
    assert dm.headline_figures(shuffled, STUDY) == pytest.approx(dm.headline_figures(log, STUDY))
    for measure in (
        lambda frame: dm.value_failure_by(frame, "team"),
        lambda frame: dm.demand_types(frame, "failure"),
        lambda frame: dm.weekly_demand(frame, STUDY, by="service"),
        lambda frame: dm.weekly_counts_by_type(frame, STUDY, top=2),
    ):
        pd.testing.assert_frame_equal(measure(shuffled), measure(log))


def test_predictability_worked_by_hand():
    import pandas as pd

    from workbook_helpers.measures.demand import predictability

    # Weekly counts 7,7,7,7,5,7,7,7,4,7,7,7: mean 79/12 = 6.583. Moving ranges
    # 0,0,0,2,2,0,0,3,3,0,0 (mean 10/11 = 0.909); the 3s exceed 3.267 x 0.909 = 2.97 and are
    # screened out, leaving 4/9 = 0.444. Limits 6.583 -/+ 2.66 x 0.444 = 5.401 to 7.766, so the
    # weeks of 5 and 4 are special causes: not predictable. A steady type (10, 12 alternating:
    # mean 11, moving ranges 2, limits 5.68 to 16.32, no rule broken) is predictable.
    weeks = pd.date_range("2024-04-01", periods=12, freq="7D")
    by_type = pd.DataFrame({
        "demand_type": ["pay my bill"] * 12 + ["report a leak"] * 12,
        "demand_class": ["value"] * 24,
        "week_start": list(weeks) * 2,
        "demand": [7, 7, 7, 7, 5, 7, 7, 7, 4, 7, 7, 7] + [10, 12] * 6,
    })
    with pytest.warns(UserWarning, match="unreliable"):
        points, table = predictability(by_type)
    assert list(points) == ["pay my bill", "report a leak"]
    bill, leak = table.to_dict(orient="records")
    assert bill["mean"] == pytest.approx(79 / 12)
    assert bill["low"] == pytest.approx(79 / 12 - 2.66 * 4 / 9)
    assert bill["high"] == pytest.approx(79 / 12 + 2.66 * 4 / 9)
    assert bill["stable"] == "no: special cause"
    assert leak["mean"] == pytest.approx(11) and leak["low"] == pytest.approx(11 - 2.66 * 2)
    assert leak["stable"] == "yes"


def test_a_type_with_a_flat_weekly_count_has_no_variation_to_judge():
    from workbook_helpers.measures.demand import predictability

    # Three a week for fifteen weeks but one week of four: the two moving ranges of 1 are
    # screened out (3.267 x 2 / 14 = 0.47), so there are no limits to say what to expect.
    weeks = pd.date_range("2024-04-01", periods=15, freq="7D")
    by_type = pd.DataFrame({"demand_type": "renew a permit", "demand_class": "value",
                            "week_start": weeks, "demand": [3] * 7 + [4] + [3] * 7})
    points, table = predictability(by_type)
    assert not points["renew a permit"]["special_cause"].any()
    row = table.iloc[0]
    assert row["stable"] == "no variation to judge"
    assert math.isnan(row["low"]) and math.isnan(row["high"])
    assert row["mean"] == pytest.approx(46 / 15)


def test_a_week_with_no_classified_demand_is_a_gap_in_the_failure_share_chart():
    from workbook_helpers.spc import xmr as spc

    # Weeks of 8, 15 and 22 April (see the zero-filling test above): 50%, no classified demand,
    # 100%. The middle week keeps its place with no moving range to it or from it, so there is
    # no moving range at all and no variation to judge limits from (where dropping the week
    # would have set limits from |100% - 50%| across it).
    log = make_log([
        row("2024-04-09 09:00", "value"),
        row("2024-04-14 23:59", "failure", "repeat"),
        row("2024-04-22 00:00", "failure", "repeat"),
    ])
    weekly = dm.weekly_demand(log, MID_WEEK)
    with pytest.warns(spc.UnreliableLimitsWarning):
        points = spc.xmr(weekly["failure_share"], dates=weekly["week_start"], improvement="decrease")
    assert points["x"].tolist() == [pd.Timestamp(d) for d in ("2024-04-08", "2024-04-15", "2024-04-22")]
    assert points["moving_range"].isna().all()
    assert points["no_variation"].all()
    assert points["mean"].iloc[0] == pytest.approx(0.75)


# --------------------------------------------------------------------------------------------
# what a published report may show (the demand study's view: workbooks/demand_study.py)


def _breakdown_log():
    """Council tax: 30 value and 20 failure (all progress chasing, by phone), and 2 demands not
    yet classified (by letter). Worked by hand below."""
    rows = [row(f"2024-04-{1 + n % 14:02d} 09:00", "value", NA, True, 10) for n in range(30)]
    rows += [row(f"2024-04-{1 + n % 14:02d} 10:00", "failure", "progress chasing", NA, 10) for n in range(20)]
    rows += [row("2024-04-03 11:00", channel="letter"), row("2024-04-04 11:00", channel="letter")]
    return make_log(rows)


def _protected(log):
    figures = dm.headline_figures(log, TWO_WEEKS)
    return ds.protect_breakdowns(figures, dm.value_failure_by(log, "service"),
                                 dm.value_failure_by(log, "channel"), dm.failure_types(log))


def test_nothing_is_hidden_in_an_internal_report():
    shown = _protected(_breakdown_log())
    assert not shown.service_mask.to_numpy().any()
    assert shown.by_service_hidden is None and shown.channel_hidden is None  # charts as they were
    assert shown.failure_kinds.hidden is None
    assert shown.figures == dm.headline_figures(_breakdown_log(), TWO_WEEKS)
    assert shown.failure_kinds.table["share"].tolist() == [1.0]


def test_a_small_count_of_unclassified_demand_hides_what_would_give_it_away():
    from workbook_helpers.privacy.policy import using_policy

    with using_policy("publish"):
        shown = _protected(_breakdown_log())
    # 52 demands = 30 value + 20 failure + 2 unclassified. The 2 are hidden; as the total (52)
    # would give them away, one more count of the totals row is hidden: the smallest, failure
    # (20). Classified demand (50 = 52 - 2) and the failure share (of it) go with them.
    figures = shown.figures
    assert (figures["total_demand"], figures["value_demand"]) == (52, 30)
    assert figures["unclassified_demand"] == figures["failure_demand"] == "[c]"
    assert figures["classified_demand"] == figures["failure_demand_share"] == "[c]"
    assert figures["one_stop_share"] == 1.0 and figures["one_stop_recorded"] == 30
    rows = shown.summary_table().set_index("service")
    assert rows.loc["Council tax", "failure"] == 20  # a number here: record_summary hides it
    assert bool(shown.service_mask.iloc[0]["failure"]) and bool(shown.service_mask.iloc[0]["unclassified"])
    assert rows.loc["All services", "classified"] == "[c]"
    # The table the report draws hides the same cells: 2 unclassified and 20 failure (Council
    # tax, the one service, and the totals row), and the failure shares that rest on them.
    with using_policy("publish"):
        table = shown.shown_services()
    assert table.hidden.to_dict("list") == {
        "service": [False, False], "demand": [False, False], "value": [False, False],
        "failure": [True, True], "unclassified": [True, True], "failure_share": [True, True]}
    # Failure types add up to failure demand, which is hidden: the one type's count is hidden
    # too, and its share (100% of failure demand would tell that it is all of it).
    kinds = shown.failure_kinds
    assert kinds.hidden.tolist() == [True] and kinds.shares_hidden.tolist() == [True]
    assert kinds.table["share"].isna().all()
    assert shown.top_failure_types().to_dict("records") == [
        {"failure_type": "progress chasing", "demand": "[c]", "share": "[c]"}]
    # By channel: phone 50 (30 value, 20 failure), letter 2 unclassified. Letter's 2 is hidden
    # and so is phone's failure (20), as failure demand is hidden in the headline and the
    # channels add up to it; then letter's row and phone's row each hide two counts.
    hidden = shown.channel_hidden.set_index(dm.value_failure_by(_breakdown_log(), "channel")["channel"])
    assert bool(hidden.loc["letter", "unclassified"]) and bool(hidden.loc["phone", "failure"])
    assert not hidden.loc["phone", "value"]


def test_hidden_counts_of_a_pareto_hide_one_more_against_the_total():
    from workbook_helpers.privacy.policy import using_policy

    table = dm.pareto(pd.Series({"a": 10, "b": 3, "c": 6}), "kind")  # 10, 6, 3 of 19
    assert not ds.hidden_counts(table).any()
    with using_policy("publish"):
        # 3 is small; the total (19, which the shares give away) would reveal it from 10 and 6,
        # so the smaller of those, 6, is hidden as well.
        assert ds.hidden_counts(table).tolist() == [False, True, True]
        # With the total itself hidden, one count must still be hidden for it not to be the sum.
        assert ds.hidden_counts(dm.pareto(pd.Series({"a": 10, "c": 6}), "kind"), total_hidden=True).tolist() \
            == [False, True]


# --------------------------------------------------------------------------------------------
# rebasing and annotations (issue 16)

# Eight weeks from Monday 1 April to Sunday 26 May 2024, one value and one failure demand each
# week for Revenues, and for Repairs North in the first week only.
EIGHT_WEEKS = period("2024-04-01", "2024-05-26")
WEEKLY_ROWS = [
    r for monday in pd.date_range("2024-04-01", periods=8, freq="7D")
    for r in (row(f"{monday.date()} 09:00", "value"), row(f"{monday.date()} 10:00", "failure", "repeat"))
] + [row("2024-04-02 09:00", "value", team="Repairs North", service="Housing repairs")]


def test_demand_changes_apply_the_dates_for_every_chart_and_for_the_team():
    log = make_log(WEEKLY_ROWS)
    changes = dm.demand_changes(log, "revenues", EIGHT_WEEKS,  # the team parameter ignores case
                                rebase={"all": "2024-04-29", "Revenues": ["2024-04-15"]},
                                annotations={"2024-04-15": "New letter"})
    assert changes.team == "Revenues"
    assert changes.rebase_at == [pd.Timestamp("2024-04-15"), pd.Timestamp("2024-04-29")]
    assert [a.text for a in changes.annotations] == ["New letter"]
    every = dm.demand_changes(log, "all", EIGHT_WEEKS, rebase={"Revenues": ["2024-04-15"]})
    assert every.rebase_at == []
    assert any("apply to its own reports" in note for note in every.notes())


def test_a_rebase_date_that_is_not_a_monday_of_the_study_is_refused():
    log = make_log(WEEKLY_ROWS)
    with pytest.raises(ParameterError, match=(
        r"rebase: 2024-04-17 falls inside the week beginning 15 April 2024.*give 2024-04-15.*The charts "
        r"run week by week \(Monday to Sunday\) from 1 April 2024 to 26 May 2024\."
    )):
        dm.demand_changes(log, "all", EIGHT_WEEKS, rebase="2024-04-17")
    with pytest.raises(ParameterError, match=r"rebase \(for Revenues\): 2024-06-03 is after the data"):
        dm.demand_changes(log, "Revenues", EIGHT_WEEKS, rebase={"Revenues": "2024-06-03"})
    with pytest.raises(ParameterError, match='rebase names the team "Repairs South"'):
        dm.demand_changes(log, "all", EIGHT_WEEKS, rebase={"Repairs South": "2024-04-15"})


@pytest.mark.filterwarnings("ignore::workbook_helpers.spc.xmr.UnreliableLimitsWarning")
def test_weekly_charts_are_rebased_as_asked():
    log = make_log(WEEKLY_ROWS)
    changes = dm.demand_changes(log, "all", EIGHT_WEEKS, rebase="2024-05-13")
    weekly = dm.weekly_demand(log, EIGHT_WEEKS)
    points = changes.xmr(weekly["demand"], weekly["week_start"], "demand", improvement="neutral")
    # Weeks of 2, 3 (Repairs North's extra demand), then 2 each: rebased at the seventh week.
    assert points["rebase_group"].tolist() == [0] * 6 + [1] * 2
    by_service = changes.xmr_by(dm.weekly_demand(log, EIGHT_WEEKS, by="service"), "service",
                                "failure_share", "week_start", improvement="decrease")
    # Housing repairs has one classified week (a value demand), so no chart at all; Council tax
    # has a failure share of 50% every week, rebased.
    assert list(by_service) == ["Council tax"] and by_service["Council tax"]["rebase_group"].max() == 1
    assert changes.not_rebased == []
