"""The case-review workbook: the CaseReview object on a hand-built log, and end to end on the
sample, with figures checked against the raw files and no identifier in any output."""

from __future__ import annotations

import csv
import html
import json
import re
from statistics import mean

import pandas as pd
import pytest

from conftest import ROOT, run_cli
from workbook_helpers.present.story import cases as case_story
from workbook_helpers.workbooks.case_review import CaseReview
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.pseudonyms import stable_pseudonyms, stable_worker_pseudonyms

EVENTS = ROOT / "data" / "sample" / "events.csv"
CASES = ROOT / "data" / "sample" / "cases.csv"


def _events(rows):
    frame = pd.DataFrame(rows, columns=["case_id", "date", "activity", "worker", "hours", "face_to_face", "cohort"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["activity"] = frame["activity"].astype("category")
    frame["activity_name"] = frame["activity"].astype(str)
    frame["face_to_face"] = frame["face_to_face"].astype("boolean")
    frame["cohort"] = frame["cohort"].astype("category")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


CASE = stable_pseudonyms(["X", "Y", "Z"], prefix="Case")
WORKER = stable_worker_pseudonyms(["ann", "bob", "cat", "dan"])
X, Y, Z = CASE["X"], CASE["Y"], CASE["Z"]


# Three cases. X (after) starts 1 April, Y (before) 3 April, Z (before) 10 April: tables list them
# in that order. Their pseudonyms are this installation's salted codes (tested in test_pseudonyms).
LOG = _events([
    ("X", "2024-04-01", "assessment", "ann", 2.0, True, "after"),
    ("X", "2024-04-05", "visit", "ann", 3.0, True, "after"),
    ("Y", "2024-04-03", "assessment", "bob", 1.0, False, "before"),
    ("Y", "2024-04-04", "assessment", "cat", 2.0, True, "before"),
    ("Y", "2024-04-20", "referral", "dan", 1.0, False, "before"),
    ("Z", "2024-04-10", "call", "bob", 0.5, False, "before"),
])


def test_cases_get_pseudonyms_in_the_order_they_started_and_no_ids_leave():
    review = CaseReview.build(LOG)
    assert review.measures["case_id"].tolist() == ["X", "Y", "Z"]  # in the order they started
    assert review.measures.set_index("case_id")["case"].to_dict() == CASE
    assert all(re.fullmatch(r"Case [2-9A-HJKMNP-TV-Z]{4}", label) for label in CASE.values())
    for frame in (review.case_table(), review.summary_table(), review.distributions(),
                  review.timeline([X, Y]), review.spans([Y]), review.time_split()):
        text = frame.to_csv()
        assert not re.search(r"\b(X|Y|Z|ann|bob|cat|dan)\b", text), frame.columns.tolist()
    # Y's activities were by bob, cat and dan, in that order.
    assert review.timeline([Y])["worker"].tolist() == [WORKER["bob"], WORKER["cat"], WORKER["dan"]]


def test_selection_by_cohort_and_unknown_cohort_named():
    review = CaseReview.build(LOG, cohort="before")
    assert review.measures["case_id"].tolist() == ["Y", "Z"]
    assert review.measures["case"].tolist() == [Y, Z]  # the same pseudonyms as in the whole review
    with pytest.raises(ParameterError, match='No cases for cohort "during". The cohort names in the data are: "after" and "before".'):
        CaseReview.build(LOG, cohort="during")


def test_summary_and_figures_worked_by_hand():
    review = CaseReview.build(LOG)
    figures = review.figures()
    # Assessments per case: X 1, Y 2, Z 0 -> mean 1, median 1. Hours: X 5, Y 4, Z 0.5 -> mean 9.5/3.
    assert figures["cases"] == 3
    assert figures["assessments_per_case"] == pytest.approx(1.0)
    assert figures["total_hours_per_case"] == pytest.approx(9.5 / 3)
    # Face to face: X 5 of 5, Y 2 of 4, Z 0 of 0.5 -> pooled 7 / 9.5.
    assert figures["face_to_face_share"] == pytest.approx(7 / 9.5)
    # Repeat assessments: Y's second -> 1 in all, and Y has the most.
    assert figures["repeat_assessments"] == 1
    assert figures["most_repeat_assessments"] == {"case": Y, "repeat_assessments": 1}
    table = review.summary_table().set_index(["measure", "group"])
    # before: Y has 1 (no) + 2 (yes) + 1 (no) = 4 hours, 2 face to face; Z 0.5 hours, none:
    # pooled 2 / 4.5 = 44%. A share has no median: [z], not applicable.
    assert table.loc[("face_to_face_share", "before"), "mean_shown"] == "44%"
    assert table.loc[("face_to_face_share", "before"), "median_shown"] == "[z]"
    assert table.loc[("assessments", "before"), "total_shown"] == "2"  # Y 2, Z 0


def test_time_split_and_closing_order():
    review = CaseReview.build(LOG)
    split = review.time_split().set_index("group")
    # after: X 5 hours, all face to face; before: Y and Z 4.5 hours, 2 face to face.
    assert split.loc["after", "face_to_face_hours"] == 5 and split.loc["after", "other_hours"] == 0
    assert split.loc["before", "face_to_face_hours"] == 2 and split.loc["before", "other_hours"] == 2.5
    assert review.cohorts == ["before", "after"]  # the usual way round, not alphabetical
    closed = review.closed_in_order()
    # Without a cases file nothing is known to be open; ends: X 5 April, Z 10 April, Y 20 April.
    assert closed["case"].tolist() == [X, Z, Y]
    assert closed["end_to_end_days"].tolist() == [4, 0, 17]


def test_timeline_shows_the_cases_with_most_hours():
    review = CaseReview.build(LOG)
    assert review.timeline_cases(2) == [X, Y]  # 5 and 4 hours; Z has 0.5
    assert review.timeline_cases(10) == [X, Y, Z]


# --------------------------------------------------------------------------------------------
# end to end


@pytest.fixture(scope="module")
def after_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("case-review")
    result = run_cli("run", "case_review", "--quiet", "-p", "cohort", "after", "-p", "privacy", "internal",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _raw(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_after_cohort_figures_match_the_raw_files(after_run):
    summary = json.loads((after_run / "case_review-all-teams-after.json").read_text())
    events = [r for r in _raw(EVENTS) if r["cohort"] == "after"]
    cases = [r for r in _raw(CASES) if r["cohort"] == "after"]
    ids = sorted({r["case_id"] for r in events})
    per_case = {i: [r for r in events if r["case_id"] == i] for i in ids}
    figures = summary["figures"]
    assert figures["cases"] == len(ids) == len(cases)
    # Every assessment in the sample has "assessment" in its local name, and nothing else does.
    assert figures["assessments_per_case"] == pytest.approx(
        mean(sum("assessment" in r["activity"].lower() for r in rows) for rows in per_case.values()))
    assert figures["people_involved_per_case"] == pytest.approx(
        mean(len({r["worker"] for r in rows}) for rows in per_case.values()))
    hours = [sum(float(r["hours"]) for r in rows) for rows in per_case.values()]
    assert figures["total_hours_per_case"] == pytest.approx(mean(hours))
    face = sum(float(r["hours"]) for r in events if r["face_to_face"] == "yes")
    assert figures["face_to_face_share"] == pytest.approx(face / sum(hours))
    known = [r["predicted_return"] for r in cases if r["predicted_return"] in {"yes", "no"}]
    assert figures["predicted_return_share"] == pytest.approx(known.count("yes") / len(known))
    assert len(summary["tables"]["cases"]) == len(ids)
    assert set(summary["tables"]["cases"][0]) >= {"case", "assessments", "handoffs", "total_hours"}


def test_no_case_id_or_worker_name_in_any_output(after_run):
    raw = _raw(EVENTS)
    secrets = {r["case_id"] for r in raw} | {r["worker"] for r in raw}
    for path in after_run.iterdir():
        text = path.read_text(encoding="utf-8")
        found = sorted(s for s in secrets if s in text)
        assert found == [], f"{path.name} carries {found[:5]}"


def test_case_review_report_renders_offline(after_run, browser):
    from conftest import assert_report_renders

    charts = assert_report_renders(browser, after_run / "case_review-all-teams-after.html")
    assert charts >= 5


def _cases(rows):
    frame = pd.DataFrame(rows, columns=["case_id", "opened", "closed", "predicted_return"])
    for column in ("opened", "closed"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["predicted_return"] = frame["predicted_return"].astype("boolean")
    return frame


# X closed 5 April (4 days from 1 April); Y still open; Z closed 10 April (0 days).
# Predicted return: X yes, Z no, Y not judged.
OPEN_Y = [("X", "2024-04-01", "2024-04-05", True), ("Y", "2024-04-03", None, None),
          ("Z", "2024-04-10", "2024-04-10", False)]


def test_open_cases_are_left_out_of_every_measure_by_default():
    review = CaseReview.build(LOG, _cases(OPEN_Y))
    # X and Z reviewed; Y (2 assessments, 1 referral, 4 hours so far) left out.
    assert review.measures["case_id"].tolist() == ["X", "Z"]
    assert set(review.events["case_id"]) == {"X", "Z"}
    assert (review.open_cases, review.open_left_out) == (0, 1)
    figures = review.figures()
    # Assessments: X 1, Z 0 -> mean 0.5; hours X 5, Z 0.5 -> 2.75; judged 2, 1 yes -> 50%.
    assert (figures["cases"], figures["open_cases"], figures["open_cases_left_out"]) == (2, 0, 1)
    assert figures["assessments_per_case"] == pytest.approx(0.5)
    assert figures["total_hours_per_case"] == pytest.approx(2.75)
    assert figures["predicted_return_share"] == pytest.approx(0.5)
    assert figures["open_cases_left_out_by_cohort"] == {"before": 1, "after": 0}
    assert review.open_by_cohort() == {"before": 1, "after": 0, "all": 1}
    from workbook_helpers.present.story import cases as case_story

    headline = case_story.case_headline(review, case_story.case_scope("all", "all", 2, closed=True))
    assert headline.startswith("Between 1 April 2024 and 10 April 2024, the 2 closed cases went through")
    assert "1 case still open is left out of these figures, as its journey is not complete." in headline
    assert "a run with include_open_cases set" in " ".join(case_story.case_notes(review, []))
    # Time to close, counting Y as open up to 20 April (its last activity, the latest date):
    # before: Z closes on day 0 with 2 at risk -> 1/2 -> median 0; Y last seen open on day 17.
    # after: X closes on day 4 -> median 4.
    _, summary = review.time_to_close()
    assert summary.set_index("group")["median_days"].to_dict() == {"before": 0, "after": 4}
    assert figures["time_to_close"] == {"as_at": "2024-04-20", "median_days": {"before": 0.0, "after": 4.0}}
    assert case_story.time_to_close_sentence(review) == (
        "Counting the cases still open as open up to 20 April 2024, the latest date in the data (the "
        "Kaplan–Meier estimate), half of the before cases had closed by day 0 (1 case still open); "
        "half of the after cases had closed by day 4.")


def test_a_selection_of_open_cases_only_asks_for_include_open_cases():
    cases = _cases([("X", "2024-04-01", "2024-04-05", True), ("Y", "2024-04-03", None, None),
                    ("Z", "2024-04-10", None, None)])
    with pytest.raises(ParameterError, match="Every one of the 2 cases selected is still open.*include_open_cases"):
        CaseReview.build(LOG, cases, cohort="before")


def test_without_a_cases_file_closure_events_say_which_cases_are_open():
    # Z's call becomes its closure: X and Y have none, so they are still open.
    log = LOG.copy()
    log["activity"] = log["activity"].cat.add_categories(["closure"])
    log.loc[log["case_id"] == "Z", "activity"] = "closure"
    review = CaseReview.build(log, include_open=True)
    assert review.open_known == "closure events" and review.open_cases == 2
    review = CaseReview.build(log)
    assert review.measures["case_id"].tolist() == ["Z"] and review.open_left_out == 2


def test_open_cases_count_in_everything_but_end_to_end_time_when_included():
    # Predicted return: X yes, Z no, Y not judged -> 1 of 2 judged.
    review = CaseReview.build(LOG, _cases(OPEN_Y), include_open=True)
    assert review.open_cases == 1 and review.open_left_out == 0
    overall = review.overall
    assert overall["end_to_end_days"]["cases"] == 2 and overall["end_to_end_days"]["median"] == 2
    assert overall["assessments"]["cases"] == 3
    assert review.figures()["predicted_return_judgements"] == 2
    assert review.figures()["predicted_return_share"] == pytest.approx(0.5)
    assert review.closed_in_order()["case"].tolist() == [X, Z]
    from workbook_helpers.present.story import cases as case_story

    headline = case_story.case_headline(review, "all 3 cases")
    assert "The 2 cases that have closed took a median of 2 days from start to finish." in headline
    assert "Of the 2 cases with a judgement recorded at closure, practitioners expected **50%** to come back." in headline
    assert "1 case is still open, included with its journey so far." in headline


def test_a_team_called_all_is_chosen_with_team_prefix_and_all_stays_every_case():
    cases = _cases([("X", "2024-04-01", "2024-04-05", True), ("Y", "2024-04-03", None, None),
                    ("Z", "2024-04-10", "2024-04-10", False)])
    cases["team"] = pd.Series(["All", "Revenues", "All"], dtype="category")
    assert CaseReview.build(LOG, cases, team="all", include_open=True).measures["case_id"].tolist() == ["X", "Y", "Z"]
    assert CaseReview.build(LOG, cases, team="team:All").measures["case_id"].tolist() == ["X", "Z"]
    from workbook_helpers.present.story import cases as case_story

    assert case_story.case_scope("all", "team:All", 2) == "the 2 cases of the All team"


def test_without_closing_dates_open_cases_are_not_known():
    review = CaseReview.build(LOG)
    assert review.open_cases is None and review.figures()["open_cases"] is None
    cases = _cases([("X", "2024-04-01", None, None), ("Y", "2024-04-03", None, None),
                    ("Z", "2024-04-10", None, None)]).drop(columns=["closed"])
    review = CaseReview.build(LOG, cases)
    assert review.open_cases is None and len(review.closed_in_order()) == 3
    from workbook_helpers.present.story import cases as case_story

    notes = " ".join(case_story.case_notes(review, []))
    assert "which cases are still open is not known" in notes
    assert "Only 3 cases on the end-to-end chart" in notes


def test_run_without_a_cases_file(tmp_path):
    result = run_cli("run", "case_review", "--quiet", "-p", "cases_path", "None", "-p", "privacy", "internal",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "case_review-all-teams.json").read_text())
    # The sample's events record a closure for each closed case: the 3 without one are still open.
    closed = {r["case_id"] for r in _raw(EVENTS) if r["activity"] == "Case closure"}
    assert len({r["case_id"] for r in _raw(EVENTS)} - closed) == 3
    assert summary["figures"]["cases"] == len(closed) == 64
    assert summary["figures"]["open_cases_left_out"] == 3
    assert summary["figures"]["predicted_return_share"] is None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (tmp_path / "case_review-all-teams.html").read_text(encoding="utf-8")))
    assert "3 still open, left out" in text
    assert "No cases file was given, so a case with no closure among its activities is taken to be still open" in text


def test_a_team_without_a_cases_file_says_how_its_cases_were_chosen():
    events = LOG.copy()
    events["team"] = pd.Categorical(["North", "North", "North", "West", "West", "West"])
    review = CaseReview.build(events, team="north")
    assert review.measures["case_id"].tolist() == ["X"]
    assert review.team == "North"  # as the data spell it, not as typed
    assert review.warnings == [
        'The cases of team "North" are those whose activities were mostly recorded against that team '
        "in the case events, as no cases file gives each case's lead team. With a cases file that has "
        "a team column, a case is its lead team's, which may give different cases."
    ]
    cases = _cases(OPEN_Y)
    cases["team"] = pd.Series(["West", "West", "North"], dtype="category")
    with_lead = CaseReview.build(events, cases, team="North")
    assert with_lead.measures["case_id"].tolist() == ["Z"] and with_lead.warnings == []
    assert CaseReview.build(events).warnings == []


def test_run_for_a_team_without_a_cases_file_warns_and_no_card_reads_of_0_cases(tmp_path):
    result = run_cli("run", "case_review", "--quiet", "-p", "cases_path", "None", "-p", "privacy", "internal",
                     "-p", "team", "community team north", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads(next(tmp_path.glob("*.json")).read_text())
    warning = 'The cases of team "Community Team North" are those whose activities were mostly recorded'
    assert any(text.startswith(warning) for text in summary["warnings"]), summary["warnings"]
    page = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert warning in text
    assert "of 0 cases" not in text
    assert "no case judged at closure" in text


# --------------------------------------------------------------------------------------------
# A published report (privacy publish, the runner's default): aggregates only, small counts hidden


PSEUDONYM = re.compile(r"\bCase [2-9A-HJKMNP-TV-Z]{4}\b")
CASE_COUNTS = ["cases", "open_cases", "open_cases_left_out", "predicted_return_judgements", "repeat_assessments"]


@pytest.fixture(scope="module")
def published_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("case-review-published")
    result = run_cli("run", "case_review", "--quiet", "--each-team", "-p", "privacy", "publish",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _small(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value) and 1 <= value <= 4


def test_published_summaries_say_so_hold_no_small_count_and_no_case(published_run):
    summaries = sorted(published_run.glob("*.json"))
    assert [p.stem for p in summaries] == [
        "case_review-all-teams", "case_review-community-team-north", "case_review-community-team-west",
        "case_review-experiment-team"]
    for path in summaries:
        summary = json.loads(path.read_text())
        assert summary["context"]["audience"] == "public", path.name
        assert "[c]" not in path.read_text(), "a hidden value is null in the summary"
        assert "cases" not in summary["tables"], "the table of each case is for internal reports only"
        figures = summary["figures"]
        assert [k for k in CASE_COUNTS if _small(figures[k])] == [], path.name
        assert "case" not in (figures["most_repeat_assessments"] or {}), path.name
        for row in summary["tables"]["summary"]:
            counted = ["cases"] + (["total"] if row["measure"] not in
                                   ("total_hours", "face_to_face_share", "end_to_end_days") else [])
            assert [c for c in counted if _small(row[c])] == [], (path.name, row)


def test_published_figures_worked_out_from_the_raw_cases_file(published_run):
    cases = _raw(CASES)

    def figures(stem):
        return json.loads((published_run / f"case_review-{stem}.json").read_text())["figures"]

    def open_count(team=None):
        return sum(r["closed"] == "" for r in cases if team in (None, r["team"]))

    def closed_with(team, answer):
        return sum(r["closed"] != "" and r["predicted_return"] == answer for r in cases if r["team"] == team)

    # Experiment team: 32 cases, none open; 1 of the 32 judged at closure was expected back, so the
    # share is hidden (it gives the 1 away), and so are the 31 not expected back, but the 32
    # judged are shown: they add up to the two hidden counts and give neither away.
    assert open_count("Experiment team") == 0
    experiment = figures("experiment-team")
    assert (experiment["cases"], experiment["open_cases"], experiment["open_cases_left_out"]) == (32, 0, 0)
    assert experiment["predicted_return_judgements"] == 32 and experiment["predicted_return_share"] is None
    # Community Team West: 14 cases, 1 still open and left out ([c]): the review is of the 13
    # closed. Judged at closure: 11 yes and 2 no, so the share is hidden (the 2 no), and the 11
    # yes with it, but the 13 judged are shown (every closed case was judged).
    assert open_count("Community Team West") == 1
    assert (closed_with("Community Team West", "yes"), closed_with("Community Team West", "no")) == (11, 2)
    west = json.loads((published_run / "case_review-community-team-west.json").read_text())
    assert west["figures"]["open_cases_left_out"] is None and west["figures"]["cases"] == 13
    assert west["figures"]["open_cases"] == 0
    assert west["figures"]["predicted_return_judgements"] == 13
    assert west["figures"]["predicted_return_share"] is None
    rows = {row["measure"]: row for row in west["tables"]["summary"]}
    # Every case reviewed has closed, so each has an end-to-end time: nothing to hide there.
    assert rows["end_to_end_days"]["cases"] == rows["assessments"]["cases"] == 13
    # All teams: 67 cases, 3 still open (before cohort), left out: 64 reviewed.
    assert open_count() == 3
    everyone = figures("all-teams")
    assert everyone["open_cases_left_out"] is None and everyone["cases"] == 64
    assert everyone["open_cases_left_out_by_cohort"] == {"before": None, "after": 0}


def test_published_report_shows_no_case_on_its_own(published_run):
    for path in published_run.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not PSEUDONYM.search(text), (path.name, PSEUDONYM.search(text).group())
    page = (published_run / "case_review-all-teams.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "The measures of each case" not in page  # the per-case table
    assert "The journeys of" not in page and "End-to-end days of each case" not in page
    assert "are left out of reports beyond the team; they are in the team's report." in words
    assert "Per case: mean, median and total" in page  # the aggregates stay


def test_a_published_review_of_three_cases_hides_their_counts_and_names_no_case():
    from workbook_helpers.privacy.policy import using_policy

    review = CaseReview.build(LOG)
    with using_policy("publish"):
        table = review.summary_table()
        figures = review.figures()
        note = case_story.summary_note(table)
    # 1 after case, 2 before: every count of cases is 1 to 4, and the means rest on them.
    assert set(table["cases_shown"]) == {"[c]"} and set(table.loc[table["measure"] == "assessments", "mean_shown"]) == {"[c]"}
    # Y's one repeat assessment: the total (1) is hidden, and so is the most on one case, unnamed.
    assert figures["cases"] == figures["repeat_assessments"] == "[c]"
    assert figures["most_repeat_assessments"] == {"repeat_assessments": "[c]"}
    assert figures["assessments_per_case"] == "[c]"  # beside the total it would give the cases away
    assert note.startswith("[c]: a count of 1 to 4, hidden to protect privacy")
    # Internal: as before.
    assert review.figures()["most_repeat_assessments"] == {"case": Y, "repeat_assessments": 1}
    assert case_story.summary_note(review.summary_table()) == ""


def test_the_handoff_map_and_what_comes_next_in_the_review(after_run, published_run):
    # One cohort: a single map, the after cohort's figures.
    page = (after_run / "case_review-all-teams-after.html").read_text(encoding="utf-8")
    assert "Where cases pass from one organisation to another" in page and "What comes next" in page
    assert "before and after" not in page.split("Where cases pass from one organisation to another")[1][:40]
    # Every cohort, published: before and after side by side, small cells hidden.
    page = (published_run / "case_review-all-teams.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Where cases pass from one organisation to another, before and after" in words
    assert "Most handoffs were within Council adult social care: 3.6 per case in the before cohort" in words
    assert "of the cells are not shown ([c])" in words


def test_review_handoffs_add_up_to_its_handoffs_per_case():
    from workbook_helpers.data.loading import load_cases, load_events

    review = CaseReview.build(load_events(EVENTS), load_cases(CASES))
    flows = review.handoffs()
    per_case = flows.pairs.groupby("group")["per_case"].sum()
    expected = review.measures.groupby(review.measures["cohort"].astype(str))["handoffs"].mean()
    assert per_case.to_dict() == pytest.approx({f"{cohort} cohort": value for cohort, value in expected.items()})
    assert CaseReview.build(LOG).handoffs() is None  # no organisation column
