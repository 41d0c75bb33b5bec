"""Three audiences (issue 12): the same hand-worked comparison for directors and managers
(``organisation``: every figure shown, small ones too) and for the public (small numbers kept
back, and said as the bounds they imply). Every expected figure is worked out by hand in the
comments."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from workbook_helpers.present.story import counting
from workbook_helpers.measures.cases import case_measures, open_known_from
from workbook_helpers.workbooks.comparison import ComparisonView
from workbook_helpers.present.notebook import record_summary
from workbook_helpers.privacy.policy import using_policy
from workbook_helpers.run.registry import BUILT_IN

from test_comparison_view import _frames

DAY = pd.Timedelta(days=1)

# Before: 35 closed cases, 25 of them judged at closure as likely to come back (25/35 = 71.4%,
# said as 71%), and 2 more still open. After: 30 closed cases, 1 judged likely back (1/30 =
# 3.3%, said as 3%). In a public report the 1 is a count of 1 to 4, so the after share is kept
# back; the bound it implies is under 5/30 = 16.7%, rounded up to stay true: under 17%. The 2
# cases still open are a count of 1 to 4 too: fewer than 5.
BEFORE = [(f"B{i:02d}", "before", pd.Timestamp("2024-01-01") + i * DAY, False) for i in range(35)]
BEFORE_OPEN = [(f"P{i:02d}", "before", pd.Timestamp("2024-06-01") + i * DAY, True) for i in range(2)]
AFTER = [(f"A{i:02d}", "after", pd.Timestamp("2024-03-01") + i * DAY, False) for i in range(30)]


def _hand_worked():
    events, cases = _frames(BEFORE + BEFORE_OPEN + AFTER)
    yes = {f"B{i:02d}" for i in range(25)} | {"A00"}
    closed = cases["closed"].notna()
    cases["predicted_return"] = pd.array(
        [(case in yes) if shut else pd.NA for case, shut in zip(cases["case_id"], closed)], dtype="boolean")
    return events, cases


def _view(audience):
    events, cases = _hand_worked()
    with using_policy(audience, 5):
        view = ComparisonView.build(case_measures(events, cases), before_label="standard way",
                                    after_label="new way", open_known=open_known_from(events, cases),
                                    resamples=499)
        sentences = dict(zip(view.comparison["measure"], view.sentences()))
        return view, sentences["predicted_return"], view.headline(), view.open_sentence()


def test_directors_see_71_to_3_percent_and_the_2_cases_still_open():
    view, sentence, headline, opened = _view("organisation")
    assert sentence.startswith("Estimated demand returning into the system fell from 71% to 3%")
    assert "confidence interval" in sentence  # with its interval
    assert "2 cases of the standard way" in opened and "none of the new way" in opened
    assert "[c]" not in headline + sentence


def test_the_public_gets_the_bounds_in_words_and_no_interval():
    view, sentence, headline, opened = _view("public")
    assert sentence.startswith("Estimated demand returning into the system (share of cases judged at closure) "
                               "fell from 71% to under 17%: the interval is not shown")
    assert "confidence interval" not in sentence
    assert "fewer than 5 cases of the standard way" in opened
    assert "[c]" not in headline + sentence + opened


def test_the_case_review_sentence_for_cases_still_open():
    # The case review's headline with the open cases included: organisation gives the count,
    # the public its bound; the number of cases is given in both (it does not cascade).
    with using_policy("organisation"):
        assert counting.count_words(2, "case") + " " + counting.agreeing_word(2, "is", "are") == "2 cases are"
    with using_policy("public"):
        said = counting.sentence_case(f"{counting.count_words(2, 'case')} {counting.agreeing_word(2, 'is', 'are')} still open")
        assert said == "Fewer than 5 cases are still open"
        assert counting.count_words(37, "case") == "37 cases"


def test_the_summary_is_numbers_or_null_and_says_what_was_hidden_and_why():
    figures = {"open_cases": 2, "cases": 67, "predicted_return_share": 1 / 30, "judged": 30}
    with using_policy("organisation"):
        shown = record_summary(figures, counts=["open_cases", "cases"], rates={"predicted_return_share": "judged"})
    assert shown["figures"] == figures and shown["hidden"] == {}
    with using_policy("public"):
        kept = record_summary(figures, counts=["open_cases", "cases"], rates={"predicted_return_share": "judged"})
    assert kept["figures"] == {"open_cases": None, "cases": 67, "predicted_return_share": None, "judged": 30}
    assert kept["hidden"] == {
        "open_cases": {"reason": "small count", "below": 5, "under": 5},
        # under 5/30 = 0.166667
        "predicted_return_share": {"reason": "small count", "below": 5, "under": pytest.approx(0.166667)},
    }
    assert "[c]" not in json.dumps(kept)


# --------------------------------------------------------------------------------------------
# Every workbook for every audience, on the sample data, as a user runs them

from conftest import run_cli  # noqa: E402

WORKBOOKS = [workbook.name for workbook in BUILT_IN]
AUDIENCES = ["team", "organisation", "public"]
#: Sample identifiers (case references, worker and work-item ids): in no report of any audience.
SAMPLE_IDS = re.compile(r"\b(?:ASC-\d\d-\d{4,}|WI-\d{5,}|ACT-\d{3,}|C\d{6})\b")


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    """Each workbook run for each audience on the sample: {(workbook, audience): folder}."""
    runs = {}
    for workbook in WORKBOOKS:
        for audience in AUDIENCES:
            out = tmp_path_factory.mktemp(f"{workbook}-{audience}")
            result = run_cli("run", workbook, "--quiet", "-p", "audience", audience, "--out", str(out))
            assert result.returncode == 0, (workbook, audience, result.stderr)
            runs[workbook, audience] = out
    return runs


def _summary(folder):
    return json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))


def _paragraphs(folder) -> list[str]:
    page = next(folder.glob("*.html")).read_text(encoding="utf-8")
    found = re.findall(r"<(p|li)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _, body in found]


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_every_audience_is_said_and_carries_no_identifier(sample_runs, workbook):
    words = {"team": "For the team doing the work", "organisation": "For directors and managers of the "
             "organisation: no names, no free text", "public": "For anyone: no names, no free text, small numbers hidden"}
    for audience in AUDIENCES:
        folder = sample_runs[workbook, audience]
        assert _summary(folder)["context"]["audience"] == audience
        assert words[audience] in _paragraphs(folder)[0], (workbook, audience)  # the title block
        for path in folder.iterdir():
            assert not SAMPLE_IDS.search(path.read_text(encoding="utf-8")), (workbook, audience, path.name)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_directors_get_every_headline_figure_of_the_teams_report(sample_runs, workbook):
    team = _summary(sample_runs[workbook, "team"])
    organisation = _summary(sample_runs[workbook, "organisation"])
    assert organisation["hidden"] == {}
    numbers = {key: value for key, value in team["figures"].items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)}
    assert numbers, "the team's report has headline figures"
    assert {key: organisation["figures"].get(key) for key in numbers} == numbers


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_the_public_report_says_hidden_figures_in_words(sample_runs, workbook):
    folder = sample_runs[workbook, "public"]
    summary = _summary(folder)
    assert "[c]" not in json.dumps(summary)  # a hidden value is null
    # No sentence or list item shows a bare [c]; only the notes and the key that explain the
    # symbol for the tables that keep it ("[c]: ...", "[c] : ..." once the key's markup is gone).
    bare = [text for text in _paragraphs(folder) if "[c]" in text and not re.match(r"\[c\]\s?:", text)]
    assert bare == [], bare
    # Where a headline figure is hidden as a small count, the report says its bound.
    text = " ".join(_paragraphs(folder))
    for key, why in summary["hidden"].items():
        if "." not in key and why.get("under") == 5 and why["reason"] == "small count":
            assert "fewer than 5" in text.lower(), key


def test_the_comparison_for_directors_and_for_the_public(sample_runs):
    # The "done means": with defaults (directors), 72% -> 3% with its interval; for the
    # public, the bound in words. Sample, closed cases: 23 of 32 before (71.9%, said as 72%), 1
    # of 32 after (3.1%, said as 3%); kept back, under 5/32 = 15.6%, said as under 16%.
    organisation = " ".join(_paragraphs(sample_runs["experiment_comparison", "organisation"]))
    assert re.search(r"Estimated demand returning into the system fell from 72% to 3% of cases judged at "
                     r"closure \(down 69 percentage points, 95% confidence interval \d+ to \d+\)", organisation)
    public = " ".join(_paragraphs(sample_runs["experiment_comparison", "public"]))
    assert "fell from 72% to under 16%: the interval is not shown" in public


def test_a_batch_run_for_two_audiences_writes_both_and_the_index_says_which(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: Two audiences\nout: out\nruns:\n"
        "  - workbook: experiment_comparison\n    parameters: {audience: [organisation, public]}\n"
        "  - workbook: experiment_comparison\n    name: older_plan\n    parameters: {privacy: publish}\n",
        encoding="utf-8")
    result = run_cli("batch", str(plan), "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "all-teams"
    assert _summary_of(folder / "experiment_comparison-organisation.json") == "organisation"
    assert _summary_of(folder / "experiment_comparison-public.json") == "public"
    assert _summary_of(folder / "older_plan.json") == "public"  # privacy: publish, the older name
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert index.count('<p class="sw-audience">For directors and managers</p>') == 1
    assert index.count('<p class="sw-audience">For anyone (public)</p>') == 2


def test_audience_and_its_older_name_may_not_disagree(tmp_path):
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "audience", "team", "-p", "privacy",
                     "publish", "--out", str(tmp_path))
    assert result.returncode == 2
    assert 'audience is "team" but privacy (its older name) is "publish": give only audience.' in result.stderr
    assert not list(tmp_path.iterdir())


def _summary_of(path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["context"]["audience"]
