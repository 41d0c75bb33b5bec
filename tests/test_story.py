"""Tests for :mod:`workbook_helpers.present.story`: the sentences a director reads first.

Figures come from small hand-built logs (see ``tests/test_demand.py`` for the log builder, and
``tests/test_team_performance.py`` for the team-performance files); the expected numbers are
worked out by hand beside each assertion.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from workbook_helpers.measures import demand as dm
from workbook_helpers.spc import xmr as spc
from workbook_helpers.present.story import cases as case_story, counting, demand as demand_story
from workbook_helpers.present.story import performance as performance_story
from workbook_helpers.workbooks.team_performance import TeamPerformance

from test_demand import HEADLINE_ROWS, MONDAY_TO_FRIDAY, NA, ONE_DAY, TWO_WEEKS, make_log, period, row
from test_team_performance import NORTH, items, sample_files, service, spending  # noqa: F401 (fixtures)

SCRIPT_NAME = "<img src=x onerror=alert(1)>"


def headline_for(rows, scope="the Revenues team", covered=TWO_WEEKS) -> str:
    log = make_log(rows)
    return demand_story.headline(dm.headline_figures(log, covered), dm.failure_types(log), scope)


# --------------------------------------------------------------------------------------------
# scope


@pytest.mark.parametrize(
    ("team", "service", "expected"),
    [
        (None, None, "all teams and services"),
        ("all", "ALL", "all teams and services"),
        ("", "  ", "all teams and services"),
        ("All", "Council tax", "Council tax"),
        ("Revenues", "all", "the Revenues team"),
        (" Revenues ", None, "the Revenues team"),
        ("Revenues", "Council tax", "Council tax, Revenues team"),
        ("Care Front Door Team", None, "the Care Front Door Team"),  # not "Team team"
        ("Teamwork", None, "the Teamwork team"),
        ("team:All", None, "the All team"),  # a team called All, not the keyword
        ("Team: All ", "Council tax", "Council tax, All team"),
    ],
)
def test_scope_phrase(team, service, expected):
    assert demand_story.scope_phrase(team, service) == expected


# --------------------------------------------------------------------------------------------
# headline


def test_headline_gives_the_figures_in_house_style():
    # the five classified demands of HEADLINE_ROWS: 2 value, 3 failure, over 1-14 April
    text = headline_for(HEADLINE_ROWS[:5])
    assert text.startswith(
        "Between 1 April 2024 and 14 April 2024 (2 weeks), the Revenues team received "
        "**5 demands**."
    )
    # 3 failure of 5 classified -> 60%
    assert "**60% of them were failure demand**: demand caused by a failure" in text
    # failure types: progress chasing 2 of 3 (66.7% -> 67%), clarification 1 of 3 (33%)
    assert "The 2 largest kinds of failure demand: progress chasing (67%) and clarification (33%)." in text
    # value demand with an outcome: 1 resolved of 2 -> 50%
    assert "50% of value demand was resolved at the first contact." in text
    # (120 + 60) minutes = 3 hours over 2 weeks -> 1.5 hours a week; 1.5 / 37 is under half a post
    assert "**1.5 hours a week**, the time of less than half a full-time post." in text


def test_headline_says_the_share_is_of_classified_demand_when_some_is_not():
    text = headline_for(HEADLINE_ROWS)
    # 6 demands, 1 not classified: 3 failure of the 5 classified -> 60% (not 60% of 6)
    assert "received **6 demands**." in text
    assert "Of the 5 classified so far, **60% were failure demand**" in text
    assert "of them were" not in text


def test_headline_when_nothing_is_classified():
    text = headline_for([row("2024-04-01", one_stop=True, minutes=5), row("2024-04-02")])
    assert "**2 demands**" in text
    assert "The demand has not been classified as value or failure demand yet." in text
    assert "%" not in text  # no share, no one-stop, no failure types
    assert "hours a week" not in text


def test_headline_escapes_a_team_name_with_markup():
    text = headline_for(HEADLINE_ROWS[:5], scope=demand_story.scope_phrase(SCRIPT_NAME, None))
    assert "the &lt;img src=x onerror=alert(1)&gt; team received" in text
    assert "<img" not in text
    rendered = markdown2html_mistune(text)
    assert "<img" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered


def test_headline_escapes_failure_type_names():
    log = make_log(HEADLINE_ROWS[:5])
    kinds = pd.DataFrame({"failure_type": ["*bold* <b>x</b>"], "demand": [3], "share": [1.0],
                          "cumulative_share": [1.0]})
    text = demand_story.headline(dm.headline_figures(log, TWO_WEEKS), kinds, "the Revenues team")
    assert "The kind of failure demand: &#42;bold&#42; &lt;b&gt;x&lt;/b&gt; (100%)." in text


def test_headline_leaves_unrecorded_failure_types_out_of_the_largest_kinds():
    rows = [row("2024-04-01", "failure", NA), row("2024-04-02", "failure", NA), row("2024-04-03", "value")]
    text = headline_for(rows)
    # 2 failure of 3 classified -> 66.7% -> 67%; no type recorded, so no list of kinds
    assert "**67% of them were failure demand**" in text
    assert "kind" not in text
    assert "not recorded" not in text


def test_headline_leaves_out_what_was_not_recorded():
    log = make_log(HEADLINE_ROWS[:5], drop=["one_stop", "handling_minutes"])
    text = demand_story.headline(dm.headline_figures(log, TWO_WEEKS), dm.failure_types(log), "x")
    assert "first contact" not in text
    assert "hours" not in text


@pytest.mark.parametrize(
    ("minutes", "hours", "staff"),
    [
        # 8,880 minutes = 148 hours over 2 weeks = 74 a week = 2 full-time posts of 37 hours
        (8880, "74 hours", "about 2 full-time staff"),
        # 2,400 minutes = 40 hours over 2 weeks = 20 a week = 0.54 of a post
        (2400, "20 hours", "about one full-time member of staff"),
        # 1,800 minutes = 30 hours over 2 weeks = 15 a week = 0.41 of a post
        (1800, "15 hours", "less than half a full-time post"),
    ],
)
def test_headline_hours_lost_in_full_time_staff(minutes, hours, staff):
    text = headline_for([row("2024-04-01", "failure", "repeat", minutes=minutes)])
    assert f"**{hours} a week**, the time of {staff}." in text


def test_headline_short_periods_in_days_and_one_demand():
    text = headline_for([row("2024-04-02", "value")], covered=period("2024-04-01", "2024-04-03"))
    # 3 days is not "0 weeks"; one demand is not "1 demands"
    assert text.startswith(
        "Between 1 April 2024 and 3 April 2024 (3 days), the Revenues team received **1 demand**."
    )
    text = headline_for([row("2024-04-02", "value")], covered=period("2024-04-01", "2024-04-10"))
    assert "(10 days)" in text  # not "1 week"
    text = headline_for([row("2024-04-02", "value")], covered=period("2024-04-01", "2024-04-21"))
    assert "(3 weeks)" in text


# --------------------------------------------------------------------------------------------
# capacity lost, from what was observed


def test_headline_for_one_day_gives_the_hours_of_that_day_not_a_week():
    text = headline_for(ONE_DAY, covered=period("2024-04-02", "2024-04-02"))
    # 945 minutes = 15.75 hours, shown to the whole hour from 10 hours up; not 110 hours a week
    assert ("Handling failure demand took **16 hours** in the 1 working day of data. The period "
            "holds no complete week (Monday to Sunday), so there is no weekly figure.") in text
    assert "a week" not in text and "full-time" not in text


def test_headline_for_monday_to_friday_gives_the_hours_in_five_working_days():
    text = headline_for(MONDAY_TO_FRIDAY, covered=period("2024-04-01", "2024-04-05"))
    # 564 minutes = 9.4 hours; before, 9.4 / (5 / 7) = 13.16 hours "a week"
    assert "Handling failure demand took **9.4 hours** in the 5 working days of data." in text
    assert "13 hours" not in text and "a week" not in text


def test_capacity_card_says_a_week_only_with_complete_weeks():
    day = dm.headline_figures(make_log(MONDAY_TO_FRIDAY), period("2024-04-01", "2024-04-05"))
    assert demand_story.capacity_card(day) == ("Lost to failure demand", "9.4 hours", "in 5 working days, handling it")
    weeks = dm.headline_figures(make_log(HEADLINE_ROWS), TWO_WEEKS)
    assert demand_story.capacity_card(weeks) == ("Lost to failure demand", "1.5 hours", "a week, handling it")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-04-06", "2024-04-07", "2 days"),  # a weekend
        ("2024-04-03", "2024-04-09", "7 days (5 working days)"),  # Wednesday to Tuesday
        ("2024-04-01", "2024-04-01", "1 working day"),
    ],
)
def test_days_of_data(start, end, expected):
    figures = dm.headline_figures(make_log([row(start, "value")]), period(start, end))
    assert demand_story.days_of_data(figures) == expected


def test_headline_cautions_about_failure_demands_over_the_ceiling():
    # One contact of 10^12 minutes in two weeks: 10^12 / 60 / 2 hours a week, which is
    # 225,225,225 full-time staff of 37 hours. The figure stays, with the caution beside it.
    log = make_log([row("2024-04-01", "failure", "repeat", minutes=10 ** 12)])
    figures = dm.headline_figures(log, TWO_WEEKS, max_handling_minutes=480)
    text = demand_story.headline(figures, dm.failure_types(log), "x", max_handling_minutes=480)
    assert "the time of about 225,225,225 full-time staff." in text
    assert ("That includes 1 failure demand recorded at over 8 hours of handling: check them "
            "before relying on the figure.") in text
    from workbook_helpers.privacy.policy import using_policy

    with using_policy("public"):  # a small count reads as its bound, and its noun is plural
        text = demand_story.headline(figures, dm.failure_types(log), "x", max_handling_minutes=480)
    assert "That includes fewer than 5 failure demands recorded at over 8 hours" in text


def test_weekly_sections_say_nothing_of_stability_without_two_complete_weeks():
    assert demand_story.too_few_weeks(0, "chart failure demand week by week") == (
        "The period holds no complete week (Monday to Sunday): too few to chart failure demand "
        "week by week.")
    assert demand_story.too_few_weeks(1, "say how predictable demand is").startswith(
        "The period holds only 1 complete week")
    assert demand_story.too_few_weeks(2, "x") is None
    assert demand_story.weekly_intro(20, "The chart.") == "The chart."
    assert demand_story.weekly_intro(3, "The chart.") == (
        "The chart. With only 3 complete weeks, the process limits are a first estimate: they need "
        "about 15 to 20 weeks to be trusted.")


def test_demand_notes_without_complete_weeks_say_so_and_leave_out_process_limits():
    figures = dm.headline_figures(make_log(MONDAY_TO_FRIDAY), period("2024-04-01", "2024-04-05"))
    notes = demand_story.demand_notes(figures, figures["complete_weeks"], [])
    text = " ".join(notes)
    assert "Only 0" not in text and "0 complete weeks" not in text
    assert "Process limits" not in text
    assert ("the period holds no complete week (Monday to Sunday), too few for week-by-week charts, "
            "so the hours lost are those handled in the days of data, not a weekly figure.") in text


def test_demand_notes_say_what_the_part_weeks_held():
    log = make_log([row("2024-04-04", "failure", "repeat", minutes=90),
                    row("2024-04-09", "failure", "repeat", minutes=60)])
    figures = dm.headline_figures(log, period("2024-04-03", "2024-04-16"))
    notes = demand_story.demand_notes(figures, figures["complete_weeks"], [])
    # 90 minutes on Thursday 4 April, before the one complete week (8 to 14 April)
    assert ("The hours a week are from the complete weeks only: 1.5 hours of failure demand handled "
            "in the part weeks at the ends of the period are not in that figure.") in notes
    assert not any("Process limits" in note for note in notes)  # 1 complete week: no chart


# --------------------------------------------------------------------------------------------
# variation


def weekly_points(values, improvement="neutral"):
    mondays = pd.date_range("2024-04-08", periods=len(values), freq="7D")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.UnreliableLimitsWarning)
        return spc.xmr(values, dates=mondays, improvement=improvement)


def test_variation_sentence_names_the_week_outside_the_limits():
    # 15 weeks alternating 10, 14, ..., 10 (8 tens, 7 fourteens), then 30 in week 16:
    # mean (80 + 98 + 30) / 16 = 13, so 10 and 14 swap sides every week (no shift);
    # moving ranges 4 (x14) and 20; 20 > 3.267 x (56 + 20) / 15 = 16.55, so it is screened out
    # and the mean moving range is 4; limits 13 -/+ 2.66 x 4 = 2.36 to 23.64 -> "2 to 24".
    # Only 30 is outside, in the week beginning 8 April + 15 weeks = 22 July 2024.
    points = weekly_points([10, 14] * 7 + [10, 30])
    assert demand_story.variation_sentence(SCRIPT_NAME, points, "demand", percent=False) == (
        "**&lt;img src=x onerror=alert(1)&gt;**: demand averaged 13 a week (limits 2 to 24). "
        "Special-cause variation: higher than usual in the week beginning 22 July 2024. "
        "(Rule: a week outside the process limits.)"
    )


def test_variation_sentence_keeps_share_limits_between_0_and_100_percent():
    # 0.4 and 0.6 alternate: mean 0.5, moving ranges all 0.2, limits 0.5 -/+ 2.66 x 0.2 =
    # -3.2% to 103.2%, shown as 0% to 100%: a share cannot go beyond them
    points = weekly_points([0.4, 0.6] * 4, improvement="decrease")
    assert demand_story.variation_sentence("Council tax", points, "the failure share") == (
        "**Council tax**: the failure share averaged 50% a week (limits 0% to 100%). "
        "Common-cause variation only: no sign of a change."
    )


def test_variation_sentence_describes_each_spell_in_order_with_its_meaning():
    # 8 weeks alternating 0.62, 0.58 then 8 alternating 0.42, 0.38: mean 0.5.
    # Moving ranges: 14 of 0.04 and one of 0.16; mean (0.56 + 0.16) / 15 = 0.048; 0.16 is above
    # 3.267 x 0.048 = 0.157, so it is screened out: mean moving range 0.04, limits
    # 0.5 -/+ 2.66 x 0.04 = 0.3936 to 0.6064 ("39% to 61%"). 0.62 and 0.38 are outside; 0.58 and
    # 0.42 are beyond two thirds of the way to a limit (0.5709 / 0.4291), so every week is a
    # special cause: higher than usual first (a concern, as lower is better), then lower (an
    # improvement). Weeks begin 8 April 2024; the 8th is 27 May, the 9th 3 June, the 16th 22 July.
    points = weekly_points([0.62, 0.58] * 4 + [0.42, 0.38] * 4, improvement="decrease")
    assert demand_story.variation_sentence("Council tax", points, "the failure share") == (
        "**Council tax**: the failure share averaged 50% a week (limits 39% to 61%). "
        "Special-cause variation: higher than usual (a concern) in the 8 weeks from 8 April to "
        "27 May 2024, then lower than usual (an improvement) in the 8 weeks from 3 June to "
        "22 July 2024. (Rules: a week outside the process limits and 2 of 3 weeks close to a "
        "process limit.)"
    )


def test_variation_sentence_for_a_share_with_no_variation_and_gaps():
    # Weeks of 0% failure demand with one week of 50% and two weeks with no classified demand
    # (gaps): moving ranges of 0.5 into and out of the 50% week, 0 elsewhere, none across the
    # gaps: eleven ranges, mean 1 / 11 = 0.091; 3.267 x 0.091 = 0.297, so both go and there is
    # no variation to judge limits from. Mean 0.5 / 12 = 4%. Nothing is unusual.
    values = [0.0] * 4 + [0.5] + [0.0] * 3 + [None, None] + [0.0] * 4
    points = weekly_points(values, improvement="decrease")
    assert demand_story.variation_sentence("Council tax", points, "the failure share") == (
        "**Council tax**: the failure share averaged 4% a week, and there is no variation to "
        "judge limits from: it hardly changes from week to week. 2 weeks had nothing to measure "
        "and are left as gaps. No week can be called unusual."
    )


def test_variation_sentence_with_one_gap_and_limits():
    # 0.4 and 0.6 alternating with the sixth week missing: mean 3.4 / 7 = 49%; moving ranges
    # 0.2 each (four, then none to or from the gap, then one): limits 0.486 -/+ 2.66 x 0.2,
    # -4.6% to 101.8%, shown as 0% to 100%.
    points = weekly_points([0.4, 0.6, 0.4, 0.6, 0.4, None, 0.4, 0.6], improvement="decrease")
    assert demand_story.variation_sentence("Council tax", points, "the failure share") == (
        "**Council tax**: the failure share averaged 49% a week (limits 0% to 100%). 1 week had "
        "nothing to measure and is left as a gap. Common-cause variation only: no sign of a change."
    )


def test_capability_sentence_when_every_case_takes_as_long():
    points = spc.xmr([30] * 16, improvement="decrease")
    assert case_story.capability_sentence(points) == (
        "As the work is designed now, a case takes 30 days on average; the cases' times hardly "
        "vary from one case to the next, so there is no variation to judge limits from."
    )


def test_demand_notes_add_cautions_only_when_they_apply():
    figures = {"failure_rows_without_minutes": 3}
    notes = demand_story.demand_notes(figures, 12, ["In the data file, <b>2 rows</b> ..."])
    assert "Only 12 complete weeks of data" in notes[3]
    assert notes[4].startswith("3 failure demands had no handling time")
    assert notes[5] == "In the data file, &lt;b&gt;2 rows&lt;/b&gt; ..."
    assert len(demand_story.demand_notes({"failure_rows_without_minutes": 0}, 20, [])) == 3


def test_what_matters_quotes_are_escaped_and_limited():
    import pandas as pd

    # Only the two columns the quotes use matter: four for "pay" (three shown), none for "move".
    log = pd.DataFrame({"demand_type": ["pay"] * 4 + ["move"],
                        "what_matters": ["<script>x</script>", "a", "b", "c", None]})
    quotes = demand_story.what_matters_quotes(log, ["pay", "move"], per_type=3)
    assert quotes == "**pay**\n\n> &lt;script&gt;x&lt;/script&gt;\n\n> a\n\n> b\n"
    assert demand_story.what_matters_quotes(log.drop(columns="what_matters"), ["pay"]) == ""


# --------------------------------------------------------------------------------------------
# a public report: small counts read as their bounds, and the words around them do not give them away


def test_small_counts_in_sentences_read_as_bounds_in_a_public_report():
    from workbook_helpers.privacy.policy import using_policy

    assert case_story.case_scope("all", "West", 3) == "the 3 cases of the West team"
    assert case_story.case_scope(None, None, 1) == "the one case"
    with using_policy("publish"):
        # A small count reads as the bound it implies: 1 to 4 is "fewer than 5".
        assert case_story.case_scope("all", "West", 3) == "the fewer than 5 cases of the West team"
        assert case_story.case_scope(None, None, 1) == "all fewer than 5 cases"  # not "the one case"
        assert case_story.case_scope("after", "Experiment team", 32) == "the 32 after cases of the Experiment team"
        assert counting.count_words(1, "case") == "fewer than 5 cases"
        # A count hidden in a table only to protect another is given in prose, which states no
        # totals to subtract from (the headline does not cascade).
        assert counting.count_words(12, "case", hidden=True) == "12 cases"
        assert counting.count_words(12, "case") == "12 cases"
        assert counting.count_words("[c]", "case") == "an unstated number of cases"
        assert counting.open_note(2) == "fewer than 5 still open" and counting.open_note(0) == "all closed"
        notes = demand_story.demand_notes({"failure_rows_without_minutes": 3}, 20, [])
        assert notes[3].startswith("Fewer than 5 failure demands had no handling time")
        # Four demands (1 value, 3 failure): the total is fewer than 5; the failure share of 4
        # and the one-stop share of the 1 value demand with an outcome rest on too few for a
        # bound, and so do the shares of the kinds of failure (1 and 2 demands).
        text = headline_for(HEADLINE_ROWS[:4])
        assert "received **fewer than 5 demands**" in text
        assert "The share of it that was failure demand is not shown: it rests on too few demands." in text
        assert "clarification (share not shown)" in text
        assert "[c]" not in text


def test_failure_share_comparison_names_only_shares_shown():
    table = pd.DataFrame({"service": ["A", "B"], "failure_share": [0.6, 0.4]})
    hidden = pd.DataFrame({"failure_share": [True, False]})
    assert demand_story.failure_share_comparison(table, "service") == "A has the highest failure share, at 60%"
    assert demand_story.failure_share_comparison(table, "service", hidden) == (
        "B has the highest failure share of those shown, at 40%")
    everything = pd.DataFrame({"failure_share": [True, True]})
    assert demand_story.failure_share_comparison(table, "service", everything).startswith(
        "the failure share of each is not shown: it rests on few demands")
    assert demand_story.failure_share_comparison(table.iloc[:1], "service", everything.iloc[:1]).startswith(
        "its failure share is not shown: it rests on few demands")
    nothing = pd.DataFrame({"service": ["A"], "failure_share": [float("nan")]})
    assert demand_story.failure_share_comparison(nothing, "service") == (
        "none of it is classified as value or failure demand yet")


# --------------------------------------------------------------------------------------------
# team performance (the view's figures from tests/test_team_performance.py's small files)


def test_headline_sentence_counts_charts_and_open_work(service):
    sentence = performance_story.headline_sentence(service.figures(), service.matrix_table(), service.one_team)
    assert sentence.startswith("Across 2 teams, 1 work item was open on 31 October 2025, 1 of them overdue.")
    assert "charts" in sentence


def test_a_public_headline_sentence_gives_small_counts_of_work_as_their_bound(service):
    # The cards say "fewer than 5" for 1 open item and 1 overdue: the sentence beside them
    # must not say 1, and its grammar must not tell (were, not was).
    from workbook_helpers.privacy.policy import using_policy

    figures = service.figures()
    with using_policy("public"):
        sentence = performance_story.headline_sentence(figures, service.matrix_table(), service.one_team)
    assert sentence.startswith("Across 2 teams, fewer than 5 work items were open on 31 October 2025, "
                               "fewer than 5 of them overdue.")
    with using_policy("public"):
        sentence = performance_story.headline_sentence({**figures, "open_items": 12, "overdue_items": 0},
                                                       service.matrix_table(), service.one_team)
    assert sentence.startswith("Across 2 teams, 12 work items were open on 31 October 2025, none of them overdue.")


@pytest.mark.parametrize("month, words", [
    ("2025-04", "in April 2025"),
    ("2025-10", "April to October 2025"),
    ("2026-01", "April 2025 to January 2026"),
    ("2026-03", "April 2025 to March 2026"),
])
def test_year_to_date_words(month, words):
    assert performance_story.year_to_date(month) == words


@pytest.mark.parametrize("month, first, words", [
    ("2025-10", "2025-06", "June to October 2025"),  # the data starts in June
    ("2026-01", "2025-06", "June 2025 to January 2026"),
    ("2025-06", "2025-06", "in June 2025"),
    ("2025-10", "2025-04", "April to October 2025"),
])
def test_year_to_date_words_start_where_the_data_does(month, first, words):
    assert performance_story.year_to_date(month, first=first) == words


def test_spending_from_mid_year_is_not_called_from_april():
    late = spending().assign(month=pd.to_datetime(["2025-06-01", "2025-07-01"] * 2))
    team = TeamPerformance.build(items(), late, None, None, team="B", as_at="2025-10-31")
    assert performance_story.spending_sentence(team.figures(), team.one_team) == (
        "B spent £120 against a budget of £100 from June to July 2025: £20 over budget (20.0%)."
    )
    assert team.headline_cards()[-1][2] == "over budget, June to July 2025"


def test_missing_files_are_named_with_or():
    view = TeamPerformance.build(items(), team="all", as_at="2025-10-31")
    assert "No spending or actions file was given, so those measures are absent." in performance_story.method_notes(view)
    view = TeamPerformance.build(items(), spending(), None, None, team="all", as_at="2025-10-31")
    assert "No actions file was given, so its measures are absent." in performance_story.method_notes(view)


def test_an_annotation_outside_the_charts_is_noted(sample_files):
    view = TeamPerformance.build(*sample_files, team=NORTH, annotations={"2023-01-09": "Old system"})
    assert any("1 annotation" not in note and "9 January 2023" in note and "not drawn" in note
               for note in performance_story.method_notes(view))
