"""The before/after comparison as the workbook shows it (:class:`ComparisonView`): open cases left
out or included, the time to close, and the headline's words. Every expected figure is worked out
by hand in the comments. The words themselves are tested in ``test_story_comparison.py``, the
table's drawing in ``test_comparison_table.py``."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.measures.cases import case_measures, open_known_from
from workbook_helpers.measures.comparison import compare_cohorts, comparison_direction
from workbook_helpers.measures.comparison_sentences import interval_text
from workbook_helpers.workbooks.comparison import ComparisonView
from workbook_helpers.privacy.policy import using_policy

KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
DAY = pd.Timedelta(days=1)


def _frames(cases):
    """Events and cases files, shaped as the loaders return them, from (id, cohort, opened,
    open?) tuples. Every case: an assessment on the day it opened, a referral and a visit ten days
    later; a closed case a second assessment on day 30 and its closure on day 95 (95 days end to
    end); a case still open has had only its first ten days."""
    events, rows = [], []
    for case_id, cohort, opened, still_open in cases:
        opened = pd.Timestamp(opened)
        journey = [(0, "assessment", "ann", 2.0, True), (10, "referral", "bob", 0.5, False),
                   (10, "visit", "bob", 3.0, True)]
        if not still_open:
            journey += [(30, "assessment", "cat", 2.0, True), (95, "closure", "cat", 0.5, False)]
        for day, activity, worker, hours, f2f in journey:
            events.append((case_id, opened + day * DAY, activity, worker, hours, f2f, cohort))
        rows.append((case_id, opened, pd.NaT if still_open else opened + 95 * DAY, cohort))
    events = pd.DataFrame(events, columns=["case_id", "date", "activity", "worker", "hours", "face_to_face", "cohort"])
    events["date"] = events["date"].astype("datetime64[ns]")
    events["activity"] = pd.Categorical(events["activity"], categories=KINDS)
    events["face_to_face"] = events["face_to_face"].astype("boolean")
    events.index = pd.RangeIndex(2, 2 + len(events))
    cases = pd.DataFrame(rows, columns=["case_id", "opened", "closed", "cohort"])
    for column in ("opened", "closed"):
        cases[column] = cases[column].astype("datetime64[ns]")
    return events, cases


# 30 closed before (opened 1 to 30 January), 15 closed after (1 to 15 March) and 15 after still
# open (opened 1 to 15 June, seen for their first 10 days). Every closed case took 95 days and
# had 2 assessments; the open ones have had 1 so far.
BEFORE = [(f"B{i:02d}", "before", pd.Timestamp("2024-01-01") + i * DAY, False) for i in range(30)]
AFTER_CLOSED = [(f"A{i:02d}", "after", pd.Timestamp("2024-03-01") + i * DAY, False) for i in range(15)]
AFTER_OPEN = [(f"O{i:02d}", "after", pd.Timestamp("2024-06-01") + i * DAY, True) for i in range(15)]
EVENTS, CASES = _frames(BEFORE + AFTER_CLOSED + AFTER_OPEN)


def _view(include_open=False, cases=CASES):
    table = case_measures(EVENTS, cases)
    return ComparisonView.build(table, before_label="standard way", after_label="new way",
                                include_open_cases=include_open, open_known=open_known_from(EVENTS, cases),
                                resamples=999)


def _row(view, measure):
    rows = view.comparison.set_index("measure")
    return rows.loc[measure]


def test_open_cases_left_out_show_no_change_where_none_happened():
    view = _view()
    # Compared: the 30 closed before and the 15 closed after; the 15 open are left out.
    assert (view.n_before, view.n_after) == (30, 15)
    days = _row(view, "end_to_end_days")
    assert (days["before"], days["after"], days["change"]) == (95, 95, 0)
    assert days["sentence"] == ("Days end to end per case did not change: 95.0 days in both cohorts "
                                "(the interval has no width).")
    assert comparison_direction(days) == "no clear change"
    assessments = _row(view, "assessments")
    assert (assessments["before"], assessments["after"], assessments["change"]) == (2, 2, 0)
    figures = view.figures()
    assert (figures["n_open_before"], figures["n_open_after"], figures["open_cases"]) == (0, 15, "left out")
    headline = view.headline()
    assert "(15 closed cases)" in headline and "(30 closed cases)" in headline
    assert ("Cases still open are left out, as their journeys are not complete: none of the standard way "
            "and 15 cases of the new way.") in headline
    assert "changed for the better" not in headline and "fell" not in " ".join(view.sentences())


def test_what_the_issue_found_counting_open_cases_as_finished():
    # Every case as it stands (the old behaviour): the after cohort's 15 open cases end at their
    # last activity, day 10, so its mean end-to-end days is (15 x 95 + 15 x 10) / 30 = 52.5, a
    # fall of 1 - 52.5 / 95 = 45% that did not happen; assessments (15 x 2 + 15 x 1) / 30 = 1.5.
    table = case_measures(EVENTS, CASES)
    old = compare_cohorts(table, resamples=999).set_index("measure")
    assert old.loc["end_to_end_days", "change"] == pytest.approx(52.5 / 95 - 1)
    assert old.loc["assessments", "change"] == pytest.approx(1.5 / 2 - 1)


def test_time_to_close_counts_the_open_cases_without_inventing_a_change():
    view = _view()
    # Latest date in the data: the last open case's visit, 15 June + 10 days = 25 June. The open
    # cases have been open 24 down to 10 days; each closed case closed on day 95.
    assert view.as_at == pd.Timestamp("2024-06-25")
    # Before: 30 close on day 95 -> median 95. After: 15 last seen open on days 10 to 24 (no
    # step), then the 15 still at risk all close on day 95 -> share open 0, median 95.
    closure = view.closure.iloc[0]
    assert (closure["n_before"], closure["n_after"]) == (30, 30)
    assert (closure["before"], closure["after"], closure["change"]) == (95, 95, 0)
    assert closure["sentence"] == ("Median days to close did not change: 95 days in both cohorts "
                                   "(the interval has no width).")
    _, summary = view.closure_curves()
    assert summary.set_index("group")["still_open"].to_dict() == {"standard way": 0, "new way": 15}
    text = view.time_to_close_text()
    assert "Still open at 25 June 2024, the latest date in the data: none of the standard way and 15 cases of the new way." in text
    figures = view.figures()["time_to_close"]
    assert (figures["median_days_before"], figures["median_days_after"], figures["change"]) == (95, 95, 0)


def test_including_open_cases_compares_journeys_so_far_and_time_to_close():
    view = _view(include_open=True)
    assert (view.n_before, view.n_after) == (30, 30)
    measures = view.comparison["measure"].tolist()
    assert "end_to_end_days" not in measures and "days_to_close" in measures
    # Assessments so far: (15 x 2 + 15 x 1) / 30 = 1.5 against 2: down 25%, and the report says
    # these are journeys so far.
    assert _row(view, "assessments")["change"] == pytest.approx(-0.25)
    assert _row(view, "days_to_close")["change"] == 0
    assert view.figures()["open_cases"] == "included"
    assert "included with their journeys so far" in view.headline()


def test_without_closing_dates_closure_events_say_which_cases_are_open():
    view = _view(cases=CASES.drop(columns=["closed"]))
    assert view.open_known == "closure events"
    assert (view.n_before, view.n_after) == (30, 15)
    assert "a case with no closure among its activities is taken to be still open" in " ".join(view.notes())


def test_published_curve_stops_where_few_cases_remain():
    with using_policy("publish", 5):
        view = _view()
        curve, summary = view.closure_curves()
        # The new way: 30 open at first; after day 95 none; the day-95 step rests on 15 cases.
        new = curve[curve["group"] == "new way"]
        assert new["shown"].all()
        # The standard way: its one step rests on 30. Medians are both shown.
        assert summary["median_shown"].all()
        spec = view.time_to_close_chart().to_dict()
        assert "at_risk" not in str(spec) and "Crosses" not in spec["description"]


# --------------------------------------------------------------------------------------------
# Wording (issue 17, item 7)


def test_a_cohort_of_two_gives_the_two_values_and_no_change():
    table = pd.DataFrame({"cohort": ["before"] * 2 + ["after"] * 2, "referrals": [2, 2, 1, 1]})
    row = compare_cohorts(table, resamples=999).iloc[0]
    # Means 2 and 1: "fell by 50%" would claim what 2 cases cannot show.
    assert row["sentence"] == ("Referrals per case: 2.0 for the before cohort and 1.0 for the after cohort; "
                               "too few cases to judge a change (fewer than 10 in each cohort).")
    assert comparison_direction(row) == "too few cases"
    view = ComparisonView(table, compare_cohorts(table, resamples=999), "cohort", "before", "after",
                          "before", "after", 0.95)
    assert "For 1 measure there are too few cases to judge a change (fewer than 10 in a cohort)." in view.headline()


def test_an_interval_ending_at_zero_says_it_includes_no_change():
    # 0% to 11% reaches no change: it must not read as a rise.
    assert interval_text(0.0, 0.11, 0.05) == (
        "95% confidence interval no change to a rise of 11%; the interval includes no change")
    assert interval_text(-0.2, 0.0, -0.1) == (
        "95% confidence interval a fall of 20% to no change; the interval includes no change")
    # An end that rounds to 0% without being 0 is not "0%".
    assert interval_text(0.003, 0.11, 0.05) == "95% confidence interval less than 1% to 11%"
    assert interval_text(0.14, 0.22, 0.15, "points") == "95% confidence interval 14 to 22"
    row = {"better": "higher", "ci_low": 0.0, "ci_high": 0.11, "n_before": 20, "n_after": 20}
    assert comparison_direction(row) == "no clear change"


def test_a_published_comparison_of_few_cases_draws_no_curve_and_says_why():
    # 3 cases a cohort, one still open: every step rests on fewer than 5 cases.
    events, cases = _frames(BEFORE[:3] + AFTER_CLOSED[:2] + AFTER_OPEN[:1])
    with using_policy("publish", 5):
        view = ComparisonView.build(case_measures(events, cases), include_open_cases=False,
                                    open_known=open_known_from(events, cases), resamples=999)
        assert view.time_to_close_chart() is None
        text = view.time_to_close_text()
    assert "The curves are not drawn: no cohort has 5 or more cases" in text
    # 3 and 3: too few to judge, and the sentence rests on counts a published report hides.
    assert text.startswith("The median days to close is not shown: it rests on too few cases")
