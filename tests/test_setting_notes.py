"""Settings a run cannot use are warnings in the report and the JSON summary, never silent."""

from __future__ import annotations

import html
import json
import re

import pandas as pd

from conftest import run_cli
from workbook_helpers.run.execute import setting_notes
from workbook_helpers.run.registry import WORKBOOKS
from workbook_helpers.present.story import performance as performance_story
from workbook_helpers.workbooks.team_performance import TeamPerformance


def _text(page) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))))


def test_free_text_asked_for_in_a_report_for_sharing_is_a_warning():
    published = {"context": {"audience": "public", "suppress_below": 5}}
    directors = {"context": {"audience": "organisation", "suppress_below": 5}}
    internal = {"context": {"audience": "team", "suppress_below": 5}}
    older = {"context": {"privacy": "publish", "suppress_below": 5}}  # a summary written before audiences
    study = WORKBOOKS["demand_study"]
    (note,) = setting_notes(study, {"show_what_matters": True}, published)
    assert note.startswith("show_what_matters is True, but this report is for anyone (a public report)")
    (note,) = setting_notes(study, {"show_what_matters": True}, directors)
    assert note.startswith("show_what_matters is True, but this report is for directors and managers")
    assert setting_notes(study, {"show_what_matters": True}, older) == setting_notes(
        study, {"show_what_matters": True}, published)
    assert setting_notes(study, {"show_what_matters": True}, internal) == []
    assert setting_notes(study, {"show_what_matters": False}, published) == []
    (note,) = setting_notes(WORKBOOKS["team_performance"], {"show_action_text": True}, published)
    assert note.startswith("show_action_text is True")


def test_a_published_demand_study_asked_for_what_matters_says_it_left_it_out(tmp_path):
    result = run_cli("run", "demand_study", "--quiet", "-p", "privacy", "publish", "-p", "show_what_matters", "True",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    warning = "show_what_matters is True, but this report is for anyone (a public report)"
    assert any(text.startswith(warning) for text in summary["warnings"]), summary["warnings"]
    assert warning in _text(next(tmp_path.glob("*.html")))


def test_each_team_with_a_team_says_the_team_was_not_used(tmp_path):
    events = tmp_path / "contacts.csv"
    events.write_text(
        "received,service,channel,demand_type,demand_class,team\n"
        + "".join(f"{day:02d}/04/2024,Council tax,phone,pay my bill,value,{team}\n"
                  for day in range(1, 29) for team in ("North", "South")),
        encoding="utf-8",
    )
    result = run_cli("run", "demand_study", "--quiet", "--each-team", "-p", "team", "North",
                     "-p", "demand_path", str(events), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    warning = 'team = "North" was given with --each-team, which writes a report for every team'
    assert warning in result.stderr
    summaries = sorted((tmp_path / "out").glob("*.json"))
    assert len(summaries) == 3  # every team and the whole service, as --each-team says
    for path in summaries:
        assert any(text.startswith(warning) for text in json.loads(path.read_text())["warnings"]), path
        assert warning in _text(path.with_suffix(".html"))


def test_a_target_for_a_team_not_in_the_data_is_a_warning():
    items = pd.DataFrame({
        "item_id": ["a", "b"], "team": ["North", "North"],
        "opened": pd.to_datetime(["2025-01-06", "2025-02-03"]), "closed": pd.to_datetime([None, "2025-03-03"]),
        "due": pd.to_datetime(["2025-02-06", "2025-03-03"]), "next_review": pd.NaT,
    })
    targets = pd.DataFrame({"measure": ["open_items", "open_items"], "team": ["North", "Nowhere"],
                            "target": [3.0, 2.0], "direction": [None, None]})
    view = TeamPerformance.build(items, None, targets, None, as_at="2025-03-03")
    (warning,) = [text for text in view.warnings if "Nowhere" in text]
    assert warning.startswith("The targets file names 1 team not in the data (Nowhere)")
    assert warning in performance_story.method_notes(view)
