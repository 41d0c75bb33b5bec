"""Batch plans (`workbook_helpers.run.plan`): every problem listed with where it is, defaults,
teams expanded and placed, output folder, PDFs, and files named next to the plan."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from batch_plans import CONTACTS, MALFORMED, contacts, write_plan
from conftest import ROOT, run_cli
from workbook_helpers.exceptions import PlanError
from workbook_helpers.run.plan import load_plan


def test_plan_problems_are_all_listed_with_where_they_are(tmp_path):
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    plan = write_plan(tmp_path, {
        "name": "Broken",
        "timeout_minutes": -1,
        "defaults": {"period_end": "2024-10-31", "shoe_size": 9},
        "runs": [
            {"workbook": "demand_studdy"},
            {"workbook": "team_performance", "parameters": {"period_end": "2024-10-31", "team": "all"}},
            {"workbook": "demand_study", "parameters": {"demand_path": "missing.csv"}},
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "teams": ["Revenues"]},
            {"workbook": "case_review", "teams": ["Revenues"]},
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv", "team": "Revenues"}},
            {"workbook": "experiment_comparison", "for_each_team": True},
            {"workbook": "case_review", "colour": "blue"},
        ],
    })
    with pytest.raises(PlanError) as raised:
        load_plan(plan)
    problems = raised.value.problems
    expected = [
        'timeout_minutes: a time limit is a number of minutes above 0, such as 30; "-1" is not.',
        'run 1, workbook: There is no workbook called "demand_studdy".',
        'run 2, parameters: the team_performance workbook has no parameter "period_end".',
        'run 3, parameters.demand_path: the file "missing.csv" does not exist',
        "run 7: the experiment_comparison workbook is not run per team (it has no team parameter).",
        'run 8: "colour" is not a run setting',
        'defaults.shoe_size: no workbook in this plan has a parameter "shoe_size"',
        "run 4 and run 6 would both write revenues/demand_study (for Revenues)",
    ]
    for start in expected:
        assert sum(problem.startswith(start) for problem in problems) == 1, (start, problems)
    # period_end is a default for the demand study only: the case review and team performance
    # do not have it, and that is not a problem for them.
    assert len(problems) == len(expected), problems

    result = run_cli("batch", str(plan), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{len(expected)} problems in the batch plan {plan}:" in result.stderr
    assert "  1. timeout_minutes:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_defaults_go_only_to_the_workbooks_that_take_them(tmp_path):
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    plan = load_plan(write_plan(tmp_path, {
        "defaults": {"period_end": date(2024, 6, 30)},
        "runs": [{"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"},
                  "teams": ["all"], "for_each_team": True},
                 {"workbook": "case_review"}],
    }))
    assert plan.name == "plan" and plan.out == Path("reports/plan")  # from the file's name
    assert [run.key for run in plan.runs] == [
        "all-teams/demand_study", "repairs-north/demand_study", "revenues/demand_study", "all-teams/case_review",
    ]
    study = plan.runs[2]
    assert study.parameters["period_end"] == "2024-06-30" and study.parameters["team"] == "Revenues"
    assert study.parameters["demand_path"] == str((tmp_path / "contacts.csv").resolve())
    assert "period_end" not in plan.runs[3].parameters
    # The case review's data are its defaults, found in the project folder and fingerprinted.
    assert str(ROOT / "data" / "sample" / "events.csv") in plan.runs[3].inputs
    assert str(ROOT / "notebooks" / "case_review.ipynb") in plan.runs[3].inputs
    assert study.time_limit == 60 * 60


def test_malformed_export_used_to_find_the_teams_is_a_plan_problem(tmp_path):
    (tmp_path / "south.csv").write_text(MALFORMED, encoding="utf-8")
    plan = write_plan(tmp_path, {"runs": [
        {"workbook": "demand_study", "parameters": {"demand_path": "south.csv"}, "for_each_team": True},
    ]})
    with pytest.raises(PlanError, match=r"run 1, for_each_team: cannot list the teams: 2 problems in "):
        load_plan(plan)


def test_invalid_yaml_names_the_line(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: x\nruns:\n  - workbook: demand_study\n    parameters: {team: [\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"not valid YAML at line 5"):
        load_plan(plan)


def test_a_team_called_all_gets_its_own_report_beside_the_whole_service(tmp_path):
    # All: 20 contacts; Revenues: 40; the whole service 60 (every 5th and 4th day failure).
    (tmp_path / "contacts.csv").write_text(
        contacts({"All": 20, "Revenues": 40}, {"All": 5, "Revenues": 4}), encoding="utf-8")
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [
        {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"},
         "teams": ["all"], "for_each_team": True},
    ]})
    planned = load_plan(plan)
    assert [(run.key, run.team, run.team_label) for run in planned.runs] == [
        ("all-teams/demand_study", "all", "All teams"),
        ("all/demand_study", "team:All", "All"),
        ("revenues/demand_study", "Revenues", "Revenues"),
    ]
    result = run_cli("batch", str(plan), "--workers", "2", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    totals = {folder: json.loads((out / folder / "demand_study.json").read_text())["figures"]["total_demand"]
              for folder in ("all-teams", "all", "revenues")}
    assert totals == {"all-teams": 60, "all": 20, "revenues": 40}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row">All teams</th>' in index and '<th scope="row">All</th>' in index
    # Listing the team the same way twice, as a name and as found in the data, is one report.
    again = write_plan(tmp_path / "again", {"out": str(tmp_path / "out2"), "runs": [
        {"workbook": "demand_study", "parameters": {"demand_path": str(tmp_path / "contacts.csv")},
         "teams": ["all", "team:All", "Revenues"], "for_each_team": True},
    ]})
    assert [run.key for run in load_plan(again).runs] == [
        "all-teams/demand_study", "all/demand_study", "revenues/demand_study"]


def test_unsafe_team_names_in_a_plan_stay_inside_the_output_folder(tmp_path):
    plan = load_plan(write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [
        {"workbook": "demand_study", "teams": ["../../etc", "/root", "Repairs North", "Repairs-North", "!!!"]},
    ]}))
    out = (tmp_path / "out").resolve()
    keys = [run.key for run in plan.runs]
    assert len(set(keys)) == 5
    for run in plan.runs:
        assert (out / run.folder).resolve().parent == out
        assert run.stem == "demand_study"
    assert keys[:2] == ["etc/demand_study", "root/demand_study"]
    assert keys[4] == f"unnamed-{hashlib.sha256(b'!!!').hexdigest()[:8]}/demand_study"


def test_a_blank_team_name_is_a_plan_problem(tmp_path):
    # The workbooks read a blank team as every team: it would be a second all-teams report,
    # in a folder of its own, with no name in the index.
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [
        {"workbook": "demand_study", "teams": ["Revenues", "  "]},
        {"workbook": "case_review", "parameters": {"team": ""}},
    ]})
    with pytest.raises(PlanError) as raised:
        load_plan(plan)
    assert [problem.split(":")[0] for problem in raised.value.problems] == [
        "run 1, teams, team 2", "run 2, parameters.team"]
    assert all("is empty" in problem for problem in raised.value.problems)


def test_out_is_a_folder_name(tmp_path):
    assert load_plan(write_plan(tmp_path, {"out": 202411, "runs": [{"workbook": "case_review"}]})).out == \
        Path("202411")
    plan = write_plan(tmp_path, {"out": ["reports", "2024-11"], "runs": [{"workbook": "case_review"}]})
    with pytest.raises(PlanError, match=r"out: should be a folder"):
        load_plan(plan)
    result = run_cli("batch", str(plan), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


def test_pdf_in_a_plans_defaults_and_runs(tmp_path):
    """pdf: in defaults is every run's unless a run says otherwise; a setting that is not yes or
    no is a plan problem, like any other."""
    from workbook_helpers.run.plan import load_plan
    from workbook_helpers.exceptions import PlanError

    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    runs = [{"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "teams": ["Revenues"]},
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "teams": ["Repairs North"],
             "pdf": False}]
    plan = load_plan(write_plan(tmp_path, {"name": "P", "defaults": {"pdf": True}, "runs": runs}))
    assert [run.pdf for run in plan.runs] == [True, False]
    plan = load_plan(write_plan(tmp_path, {"name": "P", "runs": runs}))
    assert [run.pdf for run in plan.runs] == [False, False]
    with pytest.raises(PlanError) as raised:
        load_plan(write_plan(tmp_path, {"name": "P", "defaults": {"pdf": "perhaps"},
                                        "runs": [{**runs[0], "pdf": "sometimes"}]}))
    assert 'defaults.pdf: should be true or false, not "perhaps".' in str(raised.value)
    assert 'run 1, pdf: should be true or false, not "sometimes".' in str(raised.value)


def test_a_plan_asking_for_pdfs_without_a_browser_says_what_to_install(tmp_path, monkeypatch):
    from workbook_helpers.run.plan import load_plan
    from workbook_helpers.exceptions import PlanError

    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    monkeypatch.setenv("SERVICE_WORKBOOKS_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(PlanError, match="pdf: SERVICE_WORKBOOKS_CHROMIUM names .*no-such-browser"):
        load_plan(write_plan(tmp_path, {"name": "P", "defaults": {"pdf": True}, "runs": [
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}}]}))


def test_rebase_and_annotations_in_a_plan_files_next_to_it_are_found_and_fingerprinted(tmp_path):
    (tmp_path / "north.yaml").write_text("Community Team North: [2025-02-01]\n", encoding="utf-8")
    plan = load_plan(write_plan(tmp_path, {
        "runs": [{"workbook": "team_performance", "teams": ["Community Team North"],
                  "parameters": {"rebase": "north.yaml",
                                 "annotations": {"Community Team North": {date(2025, 1, 6): "New allocation"}}}}],
    }))
    (run,) = plan.runs
    assert run.parameters["rebase"] == str((tmp_path / "north.yaml").resolve())
    assert run.parameters["annotations"] == {"Community Team North": {"2025-01-06": "New allocation"}}
    assert str((tmp_path / "north.yaml").resolve()) in run.inputs
    with pytest.raises(PlanError, match=r'run 1, parameters.rebase: the file "gone.yaml" does not exist'):
        load_plan(write_plan(tmp_path / "other", {
            "runs": [{"workbook": "team_performance", "parameters": {"rebase": "gone.yaml"}}],
        }))

