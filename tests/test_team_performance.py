"""The team-performance view: scope, headline figures, spending and actions tables, privacy."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.pseudonyms import stable_pseudonyms, stable_worker_pseudonyms
from workbook_helpers.present.story import performance as story
from workbook_helpers.workbooks.team_performance import TeamPerformance


def dates(frame, *columns):
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def items():
    # 20 monthly periods of work for team A (one item opened and closed on the 1st and 10th of
    # each month, due the 5th), so every chart has enough points; team B has one open item.
    rows = []
    for month in pd.period_range("2024-04", "2025-11", freq="M"):
        first = month.start_time
        rows.append((f"A-{month}", "A", first, first + pd.Timedelta(days=9), first + pd.Timedelta(days=4)))
    rows.append(("B-1", "B", pd.Timestamp("2025-10-01"), pd.NaT, pd.Timestamp("2025-10-20")))
    frame = pd.DataFrame(rows, columns=["item_id", "team", "opened", "closed", "due"])
    frame["next_review"] = pd.NaT
    return frame


def spending():
    months = pd.to_datetime(["2025-04-01", "2025-05-01", "2025-04-01", "2025-05-01"])
    return pd.DataFrame({"team": ["A", "A", "B", "B"], "month": months,
                         "budget": [100.0, 100.0, 50.0, 50.0], "actual": [120.0, 90.0, 50.0, 70.0]})


def actions():
    frame = pd.DataFrame({
        "action_id": ["ACT-SECRET-1", "ACT-SECRET-2", "ACT-SECRET-3"],
        "team": ["A", "A", "B"],
        "raised": ["2025-09-01", "2025-10-01", "2025-10-02"],
        "owner": ["Jane Realname", "Jane Realname", "Omar Realname"],
        "due": ["2025-10-15", "2025-11-30", "2025-10-30"],
        "done": [None, None, "2025-10-29"],
        "description": ["Call Mrs Smith about <b>care</b>", "Review rota", "Fix list"],
    })
    return dates(frame, "raised", "due", "done")


@pytest.fixture(scope="module")
def service():
    return TeamPerformance.build(items(), spending(), None, actions(), team="all", as_at="2025-10-31")


def test_a_team_not_in_the_data_is_named_with_those_that_are():
    with pytest.raises(ParameterError, match="'C' is not in the data. The teams are: A and B"):
        TeamPerformance.build(items(), team="C", as_at="2025-10-31")


def test_all_in_any_case_is_the_service_wide_view():
    assert TeamPerformance.build(items(), team=" All ", as_at="2025-10-31").service_wide


def test_a_team_called_all_is_reached_with_team_prefix_and_the_service_view_says_how():
    named = items()
    named["team"] = named["team"].replace({"B": "All"})
    team = TeamPerformance.build(named, team="team:All", as_at="2025-10-31")
    assert team.team == "All" and not team.service_wide and team.shown_teams == ["All"]
    assert team.figures()["open_items"] == 1  # the item once B's, still open on 31 October
    whole = TeamPerformance.build(named, team="all", as_at="2025-10-31")
    assert whole.service_wide and whole.shown_teams == ["A", "All"]
    assert ('This report covers the whole service. The data also has a team called "All"; for '
            'that team\'s own report, give team = "team:All".') in story.method_notes(whole)


def test_service_figures_add_up_the_teams(service):
    figures = service.figures()
    # On 31 October 2025: A's October item closed on the 10th; B-1 is open and overdue.
    assert figures["teams"] == 2
    assert figures["open_items"] == 1
    assert figures["overdue_items"] == 1
    # Spending April-May 2025: budget 150 + 150 = 300; actual 120 + 90 + 50 + 70 = 330.
    assert figures["spend_budget_ytd"] == 300
    assert figures["spend_actual_ytd"] == 330
    assert figures["spend_variance_ytd"] == 30
    # Actions open on 31 October: ACT-SECRET-1 (overdue since 15 October) and ACT-SECRET-2.
    assert figures["actions_open"] == 2
    assert figures["actions_overdue"] == 1


def test_one_team_figures(service):
    team = TeamPerformance.build(items(), spending(), None, actions(), team="B", as_at="2025-10-31")
    figures = team.figures()
    assert (figures["teams"], figures["open_items"], figures["spend_variance_ytd"]) == (1, 1, 20)
    assert figures["actions_open"] == 0
    assert "B spent £120 against a budget of £100 from April to May 2025: £20 over budget (20.0%)." == (
        story.spending_sentence(figures, team.one_team))


def test_spending_year_adds_teams_month_by_month(service):
    year = service.spending_year()
    assert year["month_name"].tolist() == ["April 2025", "May 2025"]
    assert year["budget"].tolist() == [150, 150]
    assert year["actual"].tolist() == [170, 160]
    assert year["variance_ytd"].tolist() == [20, 30]


def test_actions_table_shows_pseudonyms_and_no_text_unless_asked(service):
    table = service.actions_table()
    text = table.to_string()
    assert "SECRET" not in text and "Realname" not in text and "description" not in table
    # Numbered in the order raised; owners lettered in the order they first raised an action.
    action = stable_pseudonyms(["ACT-SECRET-1", "ACT-SECRET-2", "ACT-SECRET-3"], prefix="Action")
    owner = stable_worker_pseudonyms(["Jane Realname", "Omar Realname"], prefix="Owner")
    assert table["action"].tolist() == [action["ACT-SECRET-1"], action["ACT-SECRET-2"]]
    assert table["owner"].tolist() == [owner["Jane Realname"]] * 2
    assert table["status"].tolist() == ["Overdue", "Open"]
    assert table["days_overdue"].iloc[0] == 16  # due 15 October, as at 31 October
    shown = service.actions_table(show_text=True)
    assert shown["description"].iloc[0] == "Call Mrs Smith about <b>care</b>"  # escaped when shown


def test_matrix_table_is_one_row_per_team_and_measure(service):
    table = service.summary_table()
    assert not table.duplicated(["team", "measure"]).any()
    assert set(table.columns) >= {"team", "measure", "latest", "variation", "assurance"}


def test_an_as_at_before_every_period_keeps_the_teams_and_says_why_there_are_no_charts():
    # No month is complete by 15 April 2024 (the items start on 1 April 2024); the one item
    # opened then closed on 10 April.
    early = TeamPerformance.build(items(), spending(), None, actions(), team="all", as_at="2024-04-15")
    assert early.teams == ["A", "B"]
    assert early.charts == {}
    sentence = story.headline_sentence(early.figures(), early.matrix_table(), early.one_team)
    assert sentence == (
        "Across 2 teams, 0 work items were open on 15 April 2024, none of them overdue. No measure "
        "can be charted yet: a chart needs at least 2 complete months up to 15 April 2024."
    )
    # A team is still found, and one not in the data is named with those that are.
    assert TeamPerformance.build(items(), team="B", as_at="2024-04-15").team == "B"
    with pytest.raises(ParameterError, match="The teams are: A and B"):
        TeamPerformance.build(items(), team="C", as_at="2024-04-15")


def test_a_team_whose_spending_stops_early_is_named_in_the_notes():
    # B has April only; A has April and May: B is missing from May's service totals.
    spend = spending().iloc[[0, 1, 2]]
    view = TeamPerformance.build(items(), spend, None, None, team="all", as_at="2025-10-31")
    assert view.spending_behind() == [("B", pd.Timestamp("2025-05-01"))]
    assert any(note.startswith("The spending file stops before May 2025 for B, so its spending is left out")
               for note in story.method_notes(view))
    full = TeamPerformance.build(items(), spending(), None, None, team="all", as_at="2025-10-31")
    assert full.spending_behind() == []


def test_published_matrix_hides_small_latest_counts_but_not_shares():
    from workbook_helpers.present import icons
    from workbook_helpers.privacy.policy import using_policy

    view = TeamPerformance.build(items(), None, None, None, team="all", as_at="2025-10-31")
    internal = view.summary_table().set_index(["team", "measure"])["latest"]
    # B's one item opened in October: 1 new item (a count), and A closed 1 item in October.
    assert internal[("B", "items_opened")] == 1 and internal[("A", "items_completed")] == 1
    with using_policy("publish", 5):
        published = view.summary_table().set_index(["team", "measure"])["latest"]
        matrix = icons.summary_matrix_html(view.matrix_table(), view.measure_labels(), view.value_formats())
    assert published[("B", "items_opened")] == "[c]" and published[("A", "items_completed")] == "[c]"
    # A share is not a count: A closed its October item after its due date, 0%.
    assert published[("A", "completed_on_time_share")] == 0
    assert "[c]</abbr>" in matrix


def test_the_age_table_declares_open_items_and_the_all_teams_row_as_totals(service):
    shown = service.shown_ages()
    ages, columns, totals = shown.frame, shown.columns, shown.totals
    assert totals == {"column": "open_items", "row": "All teams"}
    assert ages["team"].tolist() == ["A", "B", "All teams"]
    assert ages.iloc[-1][["open_4_to_12_weeks", "open_items"]].tolist() == [1, 1]  # B opened 1 Oct: 30 days
    assert [kind for _, kind in list(columns.values())[1:]] == ["count"] * 4


def test_a_team_with_empty_months_is_not_called_special_cause():
    # "Quiet" had one item, open from 1 June to 15 July 2024 and overdue from 10 June: its
    # monthly counts are 0 in every month but one (overdue and open items at the end of June,
    # opened in June, completed in July). Each series' two moving ranges of 1 are screened out
    # (3.267 x 2 / 18 = 0.36), leaving no variation to judge limits from. Judged against
    # zero-width limits, every month would be special cause, and October's 0 overdue items
    # "special-cause improvement".
    quiet = pd.DataFrame({
        "item_id": ["Q-1"], "team": ["Quiet"], "opened": [pd.Timestamp("2024-06-01")],
        "closed": [pd.Timestamp("2024-07-15")], "due": [pd.Timestamp("2024-06-10")],
        "next_review": [pd.NaT],
    })
    view = TeamPerformance.build(pd.concat([items(), quiet], ignore_index=True), team="Quiet",
                                 as_at="2025-10-31")
    overdue = view.charts[("Quiet", "overdue_items")]
    assert len(overdue) == 19  # April 2024 to October 2025, every month
    assert overdue["value"].tolist() == [0, 0, 1] + [0] * 16
    assert not overdue["special_cause"].any()
    matrix = view.matrix_table()
    # The eight counts are charted (the share and median have one value each, so no chart).
    assert len(matrix) == 8
    assert set(matrix["variation"]) == {"no_variation"}
    figures = view.figures()
    assert figures["measures_improving"] == 0 and figures["measures_concerning"] == 0
    assert figures["measures_without_variation"] == 8
    sentence = story.headline_sentence(view.figures(), view.matrix_table(), view.one_team)
    assert "none show special-cause improvement and none special-cause concern" in sentence
    assert sentence.endswith(
        "In eight of them the value hardly changes from month to month, so there is no "
        "variation to judge limits from."
    )


# --------------------------------------------------------------------------------------------
# Rebasing and annotations (issue 16), on the sample's Community Team North

NORTH = "Community Team North"


@pytest.fixture(scope="module")
def sample_files():
    from workbook_helpers.data.loading import load_actions, load_spending, load_targets, load_work_items

    from conftest import ROOT

    folder = ROOT / "data" / "sample"
    return (load_work_items(folder / "work_items.csv"), load_spending(folder / "spending.csv"),
            load_targets(folder / "targets.csv"), load_actions(folder / "actions.csv"))


@pytest.fixture(scope="module")
def north_rebased(sample_files):
    return TeamPerformance.build(
        *sample_files, team=NORTH, rebase={NORTH: ["2025-02-01"]},
        annotations={NORTH: {"2025-01-06": "Work allocated on the day"}},
    )


def test_limits_of_each_stretch_equal_spc_xmr_rebased_at_the_same_point(north_rebased, sample_files):
    import warnings

    from workbook_helpers.spc import xmr as spc

    for key in ("open_items", "overdue_items", "median_days_to_complete", "completed_on_time_share"):
        points = north_rebased.charts[(NORTH, key)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", spc.UnreliableLimitsWarning)
            # February 2025's point sits at its last day.
            expected = spc.xmr(points["value"], dates=points["x"], rebase_at=pd.Timestamp("2025-02-28"),
                               improvement=points.attrs["improvement"])
            # ...and each stretch's limits are those of its points alone.
            after = spc.xmr(points.loc[points["x"] >= "2025-02-01", "value"],
                            improvement=points.attrs["improvement"])
        for column in ("mean", "lpl", "upl", "rebase_group"):
            assert points[column].tolist() == pytest.approx(expected[column].tolist())
        assert points["point_type"].tolist() == expected["point_type"].tolist()
        late = points.loc[points["x"] >= "2025-02-01"]
        assert late["mean"].iloc[0] == pytest.approx(after["mean"].iloc[0])
        assert late["upl"].iloc[0] == pytest.approx(after["upl"].iloc[0])
        assert points["rebase_group"].tolist() == [0] * 10 + [1] * 9  # April 2024 to Jan 2025, then Feb to Oct 2025


def test_open_work_items_rebased_by_hand(north_rebased):
    # Community Team North's open items at each month's end from February to October 2025
    # (the sample): 35, 35, 45, 36, 51, 40, 51, 49, 39: mean 381 / 9 = 42.33; moving ranges
    # 0, 10, 9, 15, 11, 11, 2, 10: mean 68 / 8 = 8.5, none above 3.267 x 8.5 = 27.8;
    # limits 42.33 -/+ 2.66 x 8.5 = 19.72 and 64.94.
    points = north_rebased.charts[(NORTH, "open_items")]
    late = points.loc[points["x"] >= "2025-02-01"]
    assert late["value"].tolist() == [35, 35, 45, 36, 51, 40, 51, 49, 39]
    assert late["mean"].iloc[0] == pytest.approx(381 / 9)
    assert late["lpl"].iloc[0] == pytest.approx(381 / 9 - 2.66 * 8.5)
    assert late["upl"].iloc[0] == pytest.approx(381 / 9 + 2.66 * 8.5)


def test_only_the_team_named_is_rebased(sample_files):
    view = TeamPerformance.build(*sample_files, team="all", rebase={NORTH: ["2025-02-01"]})
    assert view.charts[(NORTH, "open_items")]["rebase_group"].max() == 1
    assert view.charts[("Community Team West", "open_items")]["rebase_group"].max() == 0


def test_the_run_below_the_average_is_named_until_the_chart_is_rebased(sample_files, north_rebased):
    plain = TeamPerformance.build(*sample_files, team=NORTH)
    # Without rebasing, February 2025 onwards sits below the average of all 19 months.
    assert plain.shift_note(NORTH, "open_items") == (
        "Open work items: every month since February 2025 (9 in a row) has been below the average. "
        "If the way of working changed then, rebase there (rebase: {Community Team North: "
        "[2025-02-01]}); if not, find out what did."
    )
    table = plain.shift_table()
    assert table.loc[table["measure"] == "Overdue work items", "since"].tolist() == ["February 2025"]
    assert north_rebased.shift_note(NORTH, "open_items") is None
    assert north_rebased.shift_table().empty


def test_rebasing_and_annotations_are_in_the_notes_and_on_the_chart(north_rebased):
    from workbook_helpers.workbooks.explore import performance_chart

    notes = " ".join(story.method_notes(north_rebased))
    assert "The charts for Community Team North are rebased from 1 February 2025" in notes
    spec = performance_chart(north_rebased, NORTH, "open_items").to_dict()
    assert "Limits are worked out afresh from February 2025 (rebased)" in spec["description"]
    assert "Marked on the chart: 6 January 2025, \u201cWork allocated on the day\u201d." in spec["description"]
    text = json_text(spec)
    assert "New limits from Feb 2025" in text and "Work allocated on the day" in text


def json_text(spec) -> str:
    import json

    return json.dumps(spec)
