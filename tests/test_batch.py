"""`workbook batch`: the plan and its checks, team folders, failure isolation, time limits,
interruption and resuming, skipping what is unchanged, the index page, and the Dask path.

Most checks share one batch (the module-scoped ``batch`` fixture): the demand study on a small
contacts file whose figures are worked out below by hand, for two teams found in the data, plus
one team whose own export is malformed, one run that sleeps past its time limit and one whose
kernel dies. The last two come from a copy of the demand-study notebook with one cell added
after the parameters (cell 3 of the executed notebook), run from a project folder of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
import yaml

from conftest import ROOT, WORKBOOK, run_cli
from workbook_helpers.run.batch import PlannedRun, Plan, load_plan, team_folders
from workbook_helpers.report.index import headline_figures, render_index
from workbook_helpers.exceptions import ParameterError, PlanError

SLOW_CELL = """import os, time
if title == "Slow":
    time.sleep(float(os.environ.get("WORKBOOK_TEST_SLEEP", "600")))
if title == "Die":
    os._exit(1)
"""


def contacts(team_rows: dict[str, int], failure_every: dict[str, int]) -> str:
    """A demand log: for each team, one contact a day from 1 April 2024; every n-th day's is
    failure demand; value demand on odd days was resolved at the first contact, on even days not."""
    lines = ["received,service,channel,demand_type,demand_class,one_stop,team"]
    for team, rows in team_rows.items():
        for day in range(1, rows + 1):
            when = date(2024, 4, 1) + timedelta(days=day - 1)
            failure = day % failure_every[team] == 0
            one_stop = "" if failure else ("yes" if day % 2 else "no")
            service = "Council tax" if team == "Revenues" else "Housing repairs"
            lines.append(f"{when:%d/%m/%Y},{service},phone,ask about my case,"
                         f"{'failure' if failure else 'value'},{one_stop},{team}")
    return "\n".join(lines) + "\n"


# Revenues: 40 contacts, every 4th failure -> 10 failure (25%); value on days not divisible by
# 4 = 30, of which odd days = 20 resolved at first contact -> 20/30 = 67%.
# Repairs North: 30 contacts, every 3rd failure -> 10 (33%); value 20, of which odd days not
# divisible by 3 (1, 5, 7, 11, 13, 17, 19, 23, 25, 29) = 10 -> 10/20 = 50%.
CONTACTS = contacts({"Revenues": 40, "Repairs North": 30}, {"Revenues": 4, "Repairs North": 3})
MALFORMED = (
    "received,service,channel,demand_type,demand_class,team\n"
    "03/04/2024,Housing repairs,phone,report a leak,value,Repairs South\n"
    "31/02/2024,Housing repairs,phone,report a leak,maybe,Repairs South\n"
)


def project_home(folder: Path) -> Path:
    """A project folder whose demand study sleeps when its title is "Slow" and whose kernel
    dies when it is "Die" (the added cell is cell 3 of an executed notebook)."""
    (folder / "notebooks").mkdir(parents=True)
    notebook = nbformat.read(ROOT / "notebooks" / "demand_study.ipynb", as_version=4)
    assert "parameters" in notebook.cells[0].metadata.get("tags", [])
    notebook.cells.insert(1, nbformat.v4.new_code_cell(SLOW_CELL))
    nbformat.write(notebook, folder / "notebooks" / "demand_study.ipynb")
    return folder


def write_plan(folder: Path, plan: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def partial_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if ".partial-" in p.name or p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch of five runs, two at a time: (folder, plan, home, completed process)."""
    root = tmp_path_factory.mktemp("batch")
    home = project_home(root / "home")
    plans = root / "plans"
    plans.mkdir()
    (plans / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (plans / "south.csv").write_text(MALFORMED, encoding="utf-8")
    plan = write_plan(plans, {
        "name": "Test batch 2024-11",
        "out": "reports/2024-11",  # from the folder the command runs in
        "timeout_minutes": 5,
        "defaults": {"period_end": date(2024, 6, 30)},
        "runs": [
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "for_each_team": True},
            {"workbook": "demand_study", "parameters": {"demand_path": "south.csv"}, "teams": ["Repairs South"]},
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv", "title": "Slow"},
             "teams": ["all"], "timeout_minutes": 0.15},
            {"workbook": "demand_study",
             "parameters": {"demand_path": "contacts.csv", "title": "Die", "service": "Council tax"}},
        ],
    })
    work = root / "work"
    work.mkdir()
    result = run_cli("batch", str(plan), "--workers", "2", cwd=work, env={"SERVICE_WORKBOOKS_HOME": str(home)})
    return work / "reports" / "2024-11", plan, home, result


# --- the plan -----------------------------------------------------------------------------------


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


# --- team folders -------------------------------------------------------------------------------


FOLDER = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}$")


def test_team_folders_are_safe_readable_and_distinct():
    long_a, long_b = "Adult social care " * 10 + "north", "Adult social care " * 10 + "south"
    teams = ["Revenues", "../../etc", "/etc/passwd", "a\\b/c", "Repairs North", "Repairs-North",
             "repairs north", "", "!!!", long_a, long_b, "all", "All Teams", "CON", "Gwasanaethau Môn"]
    folders = team_folders(teams)
    assert folders["Revenues"] == "revenues"
    assert folders["../../etc"] == "etc"
    assert folders["/etc/passwd"] == "etc-passwd"
    assert folders["a\\b/c"] == "a-b-c"
    assert folders["Gwasanaethau Môn"] == "gwasanaethau-mon"
    assert folders["all"] == "all-teams"
    # Names that differ only by case or punctuation each get a fingerprint of the exact name.
    fingerprint = hashlib.sha256("Repairs-North".encode()).hexdigest()[:8]
    assert folders["Repairs-North"] == f"repairs-north-{fingerprint}"
    assert folders["Repairs North"].startswith("repairs-north-") and folders["repairs north"].startswith("repairs-north-")
    assert folders["All Teams"].startswith("all-teams-")  # never the all-teams run's folder
    assert folders[""] == f"unnamed-{hashlib.sha256(b'').hexdigest()[:8]}" and folders["!!!"].startswith("unnamed-")
    assert folders["CON"].startswith("con-")  # Windows keeps "con" for a device
    assert len(folders[long_a]) <= 49 and folders[long_a] != folders[long_b]
    assert len(set(folders.values())) == len(teams)
    for folder in folders.values():
        assert FOLDER.match(folder) and ".." not in folder, folder
    # Teams not clashing keep the plain slug whatever else is in the batch.
    assert team_folders(["Repairs North", "Revenues"])["Repairs North"] == "repairs-north"


def test_a_team_called_all_gets_a_folder_of_its_own():
    folders = team_folders(["all", "team:All", "Revenues"])
    assert folders == {"all": "all-teams", "team:All": "all", "Revenues": "revenues"}
    # A team whose name would make "all-teams" is fingerprinted even with no all-teams run.
    fingerprint = hashlib.sha256("All Teams".encode()).hexdigest()[:8]
    assert team_folders(["All Teams"]) == {"All Teams": f"all-teams-{fingerprint}"}


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


# --- one batch: failures isolated, time limit, dead kernel -------------------------------------


def test_one_teams_malformed_export_does_not_stop_the_others(batch):
    out, _, _, result = batch
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    table = result.stdout
    assert re.search(r"ok +Revenues +demand_study", table)
    assert re.search(r"ok +Repairs North +demand_study", table)
    assert re.search(r'failed +Repairs South +demand_study .*2 problems in .*south\.csv; the first: Column "received"', table)
    # ...and the command that lists them all, with the cell it stopped in for the analyst.
    south_csv = out.parent.parent.parent / "plans" / "south.csv"
    assert f'For them all: workbook validate demand "{south_csv.resolve()}" (cell ' in table
    assert "5 runs in" in table and ": 2 ok, 3 failed." in table
    for team in ("revenues", "repairs-north"):
        assert sorted(p.name for p in (out / team).iterdir()) == [
            "demand_study.html", "demand_study.ipynb", "demand_study.json"]
    assert not (out / "repairs-south" / "demand_study.html").exists()
    # Bad data leaves the notebook as far as it ran, as any failure does.
    assert sorted(p.name for p in (out / "repairs-south").iterdir()) == ["demand_study.failed.ipynb"]
    assert partial_files(out) == []

    # The figures, worked out by hand (see CONTACTS).
    revenues = json.loads((out / "revenues" / "demand_study.json").read_text())["figures"]
    assert revenues["total_demand"] == 40 and revenues["failure_demand"] == 10
    assert revenues["one_stop_share"] == pytest.approx(20 / 30)
    north = json.loads((out / "repairs-north" / "demand_study.json").read_text())["figures"]
    assert north["total_demand"] == 30 and north["one_stop_share"] == pytest.approx(0.5)


def test_a_run_over_its_time_limit_and_a_dying_kernel_are_recorded(batch):
    out, _, _, result = batch
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    slow = runs["all-teams/demand_study"]
    assert slow["status"] == "failed" and slow["error_kind"] == "TimeLimit"
    assert slow["error"] == "It ran over its time limit of 9 seconds and was stopped"
    assert slow["cell"] == 3
    assert 9 <= slow["seconds"] < 30
    died = runs["all-teams/demand_study-council-tax"]
    assert died["status"] == "failed" and died["cell"] == 3
    assert died["error"].startswith("The kernel running it stopped unexpectedly")
    assert re.search(r"failed +All teams +demand_study .*over its time limit of 9 seconds.*\(cell 3\)", result.stdout)
    assert not (out / "all-teams" / "demand_study.html").exists()


def test_a_finished_batch_leaves_no_lock_file_behind(batch):
    out, _, _, _ = batch
    assert not (out / ".batch.lock").exists()


def test_a_second_batch_on_the_same_folder_is_refused_while_the_first_holds_it(tmp_path):
    from workbook_helpers.run.batch import _lock

    held = _lock(tmp_path)
    try:
        with pytest.raises(ParameterError, match="Another batch is writing to .* now"):
            _lock(tmp_path)
    finally:
        held.close()
    assert not (tmp_path / ".batch.lock").exists()
    _lock(tmp_path).close()  # free again once the first let go


def test_a_lock_file_left_by_a_killed_batch_is_taken_over(tmp_path):
    from workbook_helpers.run.batch import _lock

    (tmp_path / ".batch.lock").write_text("")  # a batch killed outright leaves it; nobody holds it
    lock = _lock(tmp_path)
    lock.close()
    assert not (tmp_path / ".batch.lock").exists()


def test_the_manifest_records_every_run(batch):
    out, plan, home, _ = batch
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["manifest_version"] == 1 and manifest["batch"] == "Test batch 2024-11"
    assert manifest["plan"] == str(plan.resolve())
    assert list(manifest["runs"]) == [
        "repairs-north/demand_study", "revenues/demand_study", "repairs-south/demand_study",
        "all-teams/demand_study", "all-teams/demand_study-council-tax",
    ]
    entry = manifest["runs"]["revenues/demand_study"]
    contacts_csv = (plan.parent / "contacts.csv").resolve()
    notebook = (home / "notebooks" / "demand_study.ipynb").resolve()
    assert entry["inputs"] == {str(contacts_csv): sha256(contacts_csv), str(notebook): sha256(notebook)}
    assert entry["parameters"] == {"demand_path": str(contacts_csv), "period_end": "2024-06-30",
                                   "interactive": False, "team": "Revenues",
                                   "audience": "organisation"}  # for directors unless told otherwise
    assert entry["status"] == "ok" and entry["version"] == manifest["suite_version"]
    assert entry["outputs"] == {"html": "revenues/demand_study.html", "notebook": "revenues/demand_study.ipynb",
                                "summary": "revenues/demand_study.json"}
    assert entry["error"] is None and entry["seconds"] > 0
    assert entry["started"] <= entry["finished"]
    failed = manifest["runs"]["repairs-south/demand_study"]
    assert failed["status"] == "failed" and failed["outputs"] == {}
    assert failed["error"].startswith("2 problems in ") and failed["error_kind"] == "DataError"


def test_index_lists_every_report_with_figures_and_failures(batch):
    out, _, _, _ = batch
    page = (out / "index.html").read_text()
    assert "<title>Reports: Test batch 2024-11</title>" in page
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    # Hand-worked figures: Revenues 40, 25%, 67%; Repairs North 30, 33%, 50%.
    revenues = re.search(r"<th scope=\"row\">Revenues</th>(.*?)</tr>", page).group(1)
    assert 'href="revenues/demand_study.html"' in revenues
    assert re.search(r"<dt>Demand</dt><dd>40</dd>.*<dt>Failure demand</dt><dd>25%</dd>.*"
                     r"<dt>Resolved at first contact</dt><dd>67%</dd>", revenues)
    north = re.search(r"<th scope=\"row\">Repairs North</th>(.*?)</tr>", page).group(1)
    assert re.search(r"<dd>30</dd>.*<dd>33%</dd>.*<dd>50%</dd>", north)
    south = re.search(r"<th scope=\"row\">Repairs South</th>(.*?)</tr>", page).group(1)
    assert "<strong>Failed</strong>: 2 problems in " in south
    assert "; the first: Column &quot;received&quot;" in south
    assert "For them all: workbook validate demand &quot;" in south
    assert 'href="repairs-south/demand_study.failed.ipynb"' in south
    everyone = re.search(r"<th scope=\"row\">All teams</th>(.*?)</tr>", page).group(1)
    # Directors read the index: no cell numbers (the terminal and the manifest keep them).
    assert "<strong>Failed</strong>: It ran over its time limit of 9 seconds" in everyone
    assert "(cell" not in page
    assert "Council tax" in everyone  # the second all-teams run is told apart by its service
    assert 'href="all-teams/demand_study.failed.ipynb"' in everyone
    assert "5 runs: 2 succeeded, 3 failed" in page


def test_index_opens_offline_every_link_is_a_file_in_the_folder(batch, browser):
    out, _, _, _ = batch
    context = browser.new_context()
    page = context.new_page()
    requested, errors = [], []

    def block(route):
        requested.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", block)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((out / "index.html").as_uri())
    assert requested == [(out / "index.html").as_uri()]  # nothing else fetched, from anywhere
    assert errors == []
    assert page.locator("table caption").inner_text().startswith("Reports by team and workbook")
    assert page.locator("thead th[scope=col]").count() == 2  # Team, Demand study
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert len(links) == 5  # two reports, and the notebooks of the slow run, the one that died and the bad data
    folder = out.resolve()
    for link in links:
        target = Path(unquote(urlparse(link).path)).resolve()
        assert link.startswith("file://") and target.is_file() and folder in target.parents, link
    # Each link says where it goes to someone hearing only the link.
    names = page.eval_on_selector_all("a", "els => els.map(e => e.textContent)")
    assert "Open the report: Demand study for Revenues" in names

    # On a phone each team is a card: nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.eval_on_selector("tbody tr", "e => getComputedStyle(e).display") == "block"
    # Printed, the table is not cut off in a scrolling box.
    page.set_viewport_size({"width": 1000, "height": 740})
    page.emulate_media(media="print")
    assert page.eval_on_selector(".sw-batch-wrap", "e => getComputedStyle(e).overflowX") == "visible"
    context.close()


def test_unchanged_runs_are_skipped_and_force_runs_them_again(batch):
    out, plan, home, _ = batch
    env = {"SERVICE_WORKBOOKS_HOME": str(home)}
    report = out / "revenues" / "demand_study.html"
    before = report.stat().st_mtime_ns
    again = run_cli("batch", str(plan), "--out", str(out), "--only", "revenues", "--quiet", env=env)
    assert again.returncode == 0, again.stderr
    assert re.search(r"skipped +Revenues +demand_study +- +unchanged", again.stdout)
    assert "1 run in" in again.stdout and "0 ok, 1 skipped (unchanged), 0 failed" in again.stdout
    assert report.stat().st_mtime_ns == before
    assert again.stderr == ""  # --quiet

    forced = run_cli("batch", str(plan), "--out", str(out), "--only", "revenues/*", "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert re.search(r"ok +Revenues +demand_study", forced.stdout)
    assert report.stat().st_mtime_ns > before
    assert "[1/1] ok: revenues/demand_study" in forced.stderr  # plain progress lines off a terminal
    # The other runs keep their record, and the index still shows them.
    manifest = json.loads((out / "manifest.json").read_text())["runs"]
    assert manifest["repairs-south/demand_study"]["status"] == "failed"
    assert "<strong>Failed</strong>" in (out / "index.html").read_text()

    nothing = run_cli("batch", str(plan), "--out", str(out), "--only", "nobody", env=env)
    assert nothing.returncode == 2 and "--only nobody matches none of the plan's 5 runs" in nothing.stderr


# --- interrupted, then resumed ------------------------------------------------------------------


def test_sigterm_stops_cleanly_and_the_next_run_does_only_what_is_left(tmp_path):
    import psutil

    home = project_home(tmp_path / "home")
    data = tmp_path / "plans"
    data.mkdir()
    for name in ("revenues.csv", "north.csv", "both.csv"):
        (data / name).write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "out"
    plan = write_plan(data, {"name": "Stopped", "out": str(out), "runs": [
        {"workbook": "demand_study", "parameters": {"demand_path": "revenues.csv"}, "teams": ["Revenues"]},
        # Sleeps (in cell 3) until the batch is stopped: the kill lands in the middle of a cell.
        {"workbook": "demand_study", "parameters": {"demand_path": "north.csv", "title": "Slow"},
         "teams": ["Repairs North"]},
        {"workbook": "demand_study", "parameters": {"demand_path": "both.csv"}, "teams": ["all"]},
    ]})
    env = {**os.environ, "SERVICE_WORKBOOKS_HOME": str(home)}
    process = subprocess.Popen([str(WORKBOOK), "batch", str(plan), "--workers", "1"], cwd=tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.json"
    try:
        deadline = time.monotonic() + 180
        while not (manifest.exists() and "revenues/demand_study" in json.loads(manifest.read_text())["runs"]):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.2)
        # Wait until the slow run's kernel is there, then stop the batch.
        def kernels():
            return [p for p in psutil.Process(process.pid).children(recursive=True)
                    if "ipykernel_launcher" in " ".join(p.cmdline())]

        while not kernels():
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(3)  # into the cell that sleeps
        family = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr
    assert "Stopped by a request to stop (SIGTERM). No report was left half-written. 2 runs are left" in stderr
    assert "  repairs-north/demand_study\n  all-teams/demand_study" in stderr
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == [], alive  # the workers and their kernels
    assert partial_files(out) == []
    assert not (out / "repairs-north" / "demand_study.html").exists()
    assert not (out / "all-teams").exists()
    runs = json.loads(manifest.read_text())["runs"]
    assert runs["revenues/demand_study"]["status"] == "ok"
    assert runs["repairs-north/demand_study"]["status"] == "interrupted"
    assert runs["all-teams/demand_study"]["status"] == "not run"
    assert (out / "index.html").is_file()

    # The next invocation does only what was left (now without the sleep).
    first_report = out / "revenues" / "demand_study.html"
    first_written = first_report.stat().st_mtime_ns
    resumed = run_cli("batch", str(plan), "--quiet", env={"SERVICE_WORKBOOKS_HOME": str(home),
                                                          "WORKBOOK_TEST_SLEEP": "0"})
    assert resumed.returncode == 0, resumed.stderr
    assert re.search(r"skipped +Revenues", resumed.stdout)
    assert re.search(r"ok +Repairs North", resumed.stdout) and re.search(r"ok +All teams", resumed.stdout)
    assert first_report.stat().st_mtime_ns == first_written

    # A changed export reruns only the run that reads it.
    with (data / "north.csv").open("a", encoding="utf-8") as log:
        log.write("01/06/2024,Housing repairs,phone,ask about my case,value,yes,Repairs North\n")
    changed = run_cli("batch", str(plan), "--quiet", env={"SERVICE_WORKBOOKS_HOME": str(home),
                                                         "WORKBOOK_TEST_SLEEP": "0"})
    assert changed.returncode == 0, changed.stderr
    assert "1 ok, 2 skipped (unchanged), 0 failed" in changed.stdout
    north = json.loads((out / "repairs-north" / "demand_study.json").read_text())["figures"]
    assert north["total_demand"] == 31


def instant_runs(done: list[str], stop_after: int | None = None):
    """A stand-in for run_local that "runs" each task at once (three small files and an ok
    outcome), noting its key in ``done``; after ``stop_after`` runs it sends this process
    SIGTERM, as a user stopping the batch would."""
    def run_local(tasks, workers, log_folder, on_start, on_done, stopping):
        for task in tasks:
            if stopping():
                break
            on_start(task)
            outputs = {}
            for kind, suffix in (("html", ".html"), ("notebook", ".ipynb"), ("summary", ".json")):
                path = Path(task["out"]) / task["folder"] / f"{task['stem']}{suffix}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("{}", encoding="utf-8")
                outputs[kind] = f"{task['folder']}/{path.name}"
            done.append(task["key"])
            on_done(task, {"key": task["key"], "status": "ok", "outputs": outputs, "seconds": 0.1})
            if stop_after is not None and len(done) == stop_after:
                os.kill(os.getpid(), signal.SIGTERM)
        return []
    return run_local


def test_a_forced_batch_stopped_part_way_is_resumed_by_the_next_invocation(tmp_path, monkeypatch, capsys):
    from workbook_helpers.run import batch as batch_module
    from workbook_helpers.run.cli import main

    plan = write_plan(tmp_path, {"name": "Forced", "out": str(tmp_path / "out"), "runs": [
        {"workbook": "demand_study", "teams": ["Revenues", "Repairs North", "Care Front Door"]},
    ]})
    done: list[str] = []
    monkeypatch.setattr(batch_module, "run_local", instant_runs(done))
    assert main(["batch", str(plan), "--quiet"]) == 0
    assert len(done) == 3

    # --force, stopped after its first run: two runs were never reached.
    done.clear()
    monkeypatch.setattr(batch_module, "run_local", instant_runs(done, stop_after=1))
    assert main(["batch", str(plan), "--force", "--quiet"]) == 143
    assert done == ["revenues/demand_study"]
    stderr = capsys.readouterr().err
    assert "2 runs are left: run the command again without --force to do them." in stderr
    runs = json.loads((tmp_path / "out" / "manifest.json").read_text())["runs"]
    assert [runs[key]["status"] for key in runs] == ["ok", "not run", "not run"]

    # Without --force, the next invocation does exactly those two: their earlier success does
    # not make them count as unchanged.
    done.clear()
    monkeypatch.setattr(batch_module, "run_local", instant_runs(done))
    assert main(["batch", str(plan), "--quiet"]) == 0
    assert done == ["repairs-north/demand_study", "care-front-door/demand_study"]


def test_a_run_runs_again_when_its_parameters_files_version_or_data_change(tmp_path, monkeypatch):
    from workbook_helpers.run import batch as batch_module
    from workbook_helpers.run.batch import run_batch

    contacts_csv = tmp_path / "contacts.csv"
    contacts_csv.write_text(CONTACTS, encoding="utf-8")

    def plan_ending(period_end: str) -> Plan:
        return load_plan(write_plan(tmp_path, {"out": str(tmp_path / "out"), "defaults": {"period_end": period_end},
                                               "runs": [{"workbook": "demand_study",
                                                         "parameters": {"demand_path": "contacts.csv"},
                                                         "teams": ["Revenues", "Repairs North"]}]}))

    done: list[str] = []
    monkeypatch.setattr(batch_module, "run_local", instant_runs(done))

    def ran(plan: Plan) -> list[str]:
        done.clear()
        assert run_batch(plan).exit_code == 0
        return list(done)

    both = ["revenues/demand_study", "repairs-north/demand_study"]
    assert ran(plan_ending("2024-06-30")) == both
    assert ran(plan_ending("2024-06-30")) == []  # nothing changed
    assert ran(plan_ending("2024-07-31")) == both  # a parameter
    (tmp_path / "out" / "revenues" / "demand_study.json").unlink()
    assert ran(plan_ending("2024-07-31")) == ["revenues/demand_study"]  # one of its files gone
    monkeypatch.setattr(batch_module, "__version__", "99.0")
    assert ran(plan_ending("2024-07-31")) == both  # the suite's version
    assert ran(plan_ending("2024-07-31")) == []
    with contacts_csv.open("a", encoding="utf-8") as log:
        log.write("01/06/2024,Council tax,phone,ask about my case,value,yes,Revenues\n")
    assert ran(plan_ending("2024-07-31")) == both  # the data both runs read
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", str(tmp_path / "another-salt"))
    assert ran(plan_ending("2024-07-31")) == both  # another salt: other pseudonyms
    assert ran(plan_ending("2024-07-31")) == []


def test_progress_on_a_terminal_keeps_counting_the_time_between_runs():
    import fcntl
    import struct
    import termios

    from workbook_helpers.run.batch import Progress

    terminal, screen = os.openpty()
    fcntl.ioctl(screen, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    stream = os.fdopen(screen, "w", buffering=1)
    progress = Progress("Ticking", stream=stream)
    try:
        progress.start(1, 0, "1 worker process")
        progress.started({"key": "revenues/demand_study"})
        time.sleep(2.6)  # no run starts or ends meanwhile
        os.set_blocking(terminal, False)
        shown = os.read(terminal, 65536).decode()
    finally:
        progress.close()
        stream.close()
        os.close(terminal)
    assert "0/1 done" in shown and "1 running, 0 failed [00:02]" in shown, shown


def test_a_bad_dask_address_is_refused_before_anything_is_written(tmp_path):
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [{"workbook": "case_review"}]})
    # The address of the Dask dashboard, not its scheduler: a likely slip.
    result = run_cli("batch", str(plan), "--dask", "http://scheduler.internal:8787", timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert '--dask "http://scheduler.internal:8787" is not the address of a Dask scheduler' in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_to_is_said_so(tmp_path):
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [{"workbook": "case_review"}]})
    # Stands in for a folder this user may not write to (tests may run as root, whom
    # permissions do not stop): the batch's lock file cannot be opened.
    (tmp_path / "out" / ".batch.lock").mkdir(parents=True)
    result = run_cli("batch", str(plan), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"Cannot write to the output folder {tmp_path / 'out'}: Is a directory." in result.stderr


def test_handing_a_run_to_a_worker_that_has_gone_does_not_end_the_batch(tmp_path):
    # Ctrl-C at a terminal reaches a worker still starting up: handing it a run must not end the
    # batch with a traceback (it did, with BrokenPipeError); the run stays with the worker, for
    # run_local to report as interrupted (or failed, if the batch was not stopped).
    import multiprocessing

    from workbook_helpers.run.batch import _Worker

    worker = _Worker(multiprocessing.get_context("spawn"), tmp_path / "worker.log")
    worker.process.kill()
    worker.process.join(30)
    task = {"key": "revenues/demand_study", "folder": "revenues", "stem": "demand_study", "time_limit": 60,
            "out": str(tmp_path)}
    worker.give(task)
    assert worker.task is task
    worker.connection.close()


# --- on a Dask cluster --------------------------------------------------------------------------


def test_dask_cluster_gives_the_same_outputs_and_manifest(tmp_path):
    from distributed import LocalCluster

    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "out"
    plan = write_plan(tmp_path, {"name": "On Dask", "out": str(out), "runs": [
        {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "teams": ["Revenues"]},
        {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}, "teams": ["Repairs East"]},
    ]})
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = run_cli("batch", str(plan), "--dask", cluster.scheduler_address)
    assert result.returncode == 1, result.stderr  # Repairs East is not in the data
    assert f"on Dask at {cluster.scheduler_address}" in result.stderr
    assert sorted(p.name for p in (out / "revenues").iterdir()) == [
        "demand_study.html", "demand_study.ipynb", "demand_study.json"]
    assert json.loads((out / "revenues" / "demand_study.json").read_text())["figures"]["total_demand"] == 40
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    assert runs["revenues/demand_study"]["status"] == "ok"
    assert runs["revenues/demand_study"]["outputs"]["html"] == "revenues/demand_study.html"
    assert runs["revenues/demand_study"]["inputs"][str((tmp_path / "contacts.csv").resolve())] == \
        sha256(tmp_path / "contacts.csv")
    east = runs["repairs-east/demand_study"]
    assert east["status"] == "failed" and 'No rows for team "Repairs East"' in east["error"]
    assert partial_files(out) == []
    assert 'href="revenues/demand_study.html"' in (out / "index.html").read_text()


# --- the index page on its own ------------------------------------------------------------------


def test_index_escapes_names_and_formats_figures_in_the_house_style(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "demand_study.json").write_text(json.dumps({"figures": {
        "total_demand": 1234, "failure_demand_share": 0.125, "one_stop_share": None}}))
    run = PlannedRun(key="x/demand_study", workbook="demand_study", team="<script>alert(1)</script>",
                     folder="x", stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[0]")
    other = PlannedRun(key="y/demand_study", workbook="demand_study", team='Bad "team" & co',
                       folder="y", stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[1]")
    plan = Plan(name="Nov <2024>", path=tmp_path / "plan.yaml", out=tmp_path, runs=[run, other])
    manifest = {
        "x/demand_study": {"status": "ok", "outputs": {"html": "x/demand_study.html", "summary": "x/demand_study.json"}},
        "y/demand_study": {"status": "failed", "error": "Problem: <img src=x onerror=alert(1)>", "cell": 4},
    }
    from datetime import datetime

    page = render_index(plan, manifest, tmp_path, now=datetime(2024, 11, 1, 9, 5))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Nov &lt;2024&gt;" in page
    assert "<dt>Produced</dt><dd>1 November 2024 at 09:05</dd>" in page
    # 12.5% rounds half away from zero, as official statistics do; a missing figure shows [x].
    assert "<div><dt>Demand</dt><dd>1,234</dd></div><div><dt>Failure demand</dt><dd>13%</dd></div>" in page
    assert ('<dt>Resolved at first contact</dt><dd><abbr title="not available: the data do not give this '
            'figure: this run\'s summary does not give it">[x]</abbr></dd>') in page.replace("&#x27;", "\'")
    assert "<li><strong>[x]</strong>: not available" in page
    assert "<strong>Failed</strong>: Problem: &lt;img src=x onerror=alert(1)&gt;" in page
    assert "2 runs: 1 succeeded, 1 failed" in page


def test_headline_figures_per_workbook():
    assert headline_figures("team_performance", {"figures": {
        "open_items": 1281, "overdue_items": 73, "spend_variance_ytd": -1200.4}}) == [
        ("Open work items", "1,281"), ("Overdue", "73"), ("Spending, year to date", "£1,200 under budget")]
    assert headline_figures("case_review", {"figures": {
        "cases": 67, "total_hours_median": 20.45, "face_to_face_share": 0.5}}) == [
        ("Cases", "67"), ("Hours per case (median)", "20.5"), ("Face-to-face time", "50%")]
    assert headline_figures("experiment_comparison", {"figures": {
        "n_before": 35, "n_after": 32, "changes": {"a": {}, "b": {}}}})[2] == ("Measures compared", "2")
    assert headline_figures("someone_elses_workbook", {"figures": {"total": 3}}) == []


@pytest.mark.parametrize(("value", "shown"), [
    (12, "12"), ("[c]", "[c]"), (None, "[x]"), (float("nan"), "[x]"), ("twelve", "[x]"),
    ({"nested": 1}, "[x]"), ([1, 2], "[x]"), (True, "1"), (1e400, "[x]"),
])
def test_headline_figures_take_any_value(value, shown):
    figures = headline_figures("team_performance", {"figures": {"open_items": value}})
    assert figures[0] == ("Open work items", shown)
    # A figure the summary does not give at all is not available.
    assert figures[1] == ("Overdue", "[x]")
    assert headline_figures("team_performance", {"figures": {"spend_variance_ytd": value}})[2][1] in (
        shown, "£12 over budget", "£1 over budget")


def test_headline_figures_listed_as_hidden_show_c():
    summary = {"figures": {"cases": None, "total_hours_median": 3.0},
               "hidden": {"cases": {"reason": "small count", "below": 5}}}
    assert headline_figures("case_review", summary)[:2] == [("Cases", "[c]"), ("Hours per case (median)", "3.0")]


@pytest.mark.parametrize("summary", [None, [], "text", 3, {"figures": [1, 2]}, {"figures": None}])
def test_headline_figures_of_a_summary_of_any_shape(summary):
    assert [text for _, text in headline_figures("demand_study", summary)] == ["[x]", "[x]", "[x]"]


@pytest.mark.parametrize("content", [
    None, b"", b'{"figures": {"total_demand": 12', b"not json at all", b"\xff\xfe\x00garbage", b"[1, 2, 3]",
])
def test_index_says_a_summary_is_unreadable_and_writes_the_rest(tmp_path, content):
    """A summary file that is missing, cut short, not JSON or not an object: its cell says so,
    the other runs' figures are still shown, with [c] explained once."""
    for folder, summary in (("x", content), ("y", json.dumps({"figures": {
            "total_demand": 40, "failure_demand_share": "[c]", "one_stop_share": 0.5}}).encode())):
        (tmp_path / folder).mkdir()
        if summary is not None:
            (tmp_path / folder / "demand_study.json").write_bytes(summary)
    runs = [PlannedRun(key=f"{f}/demand_study", workbook="demand_study", team=t, folder=f, stem="demand_study",
                       parameters={}, inputs=(), time_limit=60, where=f"runs[{i}]")
            for i, (f, t) in enumerate((("x", "Team X"), ("y", "Team Y")))]
    plan = Plan(name="Odd summaries", path=tmp_path / "plan.yaml", out=tmp_path, runs=runs)
    manifest = {f"{f}/demand_study": {"status": "ok", "outputs": {
        "html": f"{f}/demand_study.html", "summary": f"{f}/demand_study.json"}} for f in "xy"}
    page = render_index(plan, manifest, tmp_path)
    assert page.count("Summary unreadable.") == 1
    assert "<dt>Demand</dt><dd>40</dd>" in page
    assert '<dt>Failure demand</dt><dd><abbr title="confidential: hidden to protect privacy' in page
    assert "<li><strong>[c]</strong>: confidential: hidden to protect privacy" in page
    assert page.count('href="x/demand_study.html"') == 1


# --- PDFs from a plan ---------------------------------------------------------------------------


def test_pdf_in_a_plans_defaults_and_runs(tmp_path):
    """pdf: in defaults is every run's unless a run says otherwise; a setting that is not yes or
    no is a plan problem, like any other."""
    from workbook_helpers.run.batch import load_plan
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
    from workbook_helpers.run.batch import load_plan
    from workbook_helpers.exceptions import PlanError

    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    monkeypatch.setenv("SERVICE_WORKBOOKS_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(PlanError, match="pdf: SERVICE_WORKBOOKS_CHROMIUM names .*no-such-browser"):
        load_plan(write_plan(tmp_path, {"name": "P", "defaults": {"pdf": True}, "runs": [
            {"workbook": "demand_study", "parameters": {"demand_path": "contacts.csv"}}]}))


def test_index_links_a_runs_pdf(tmp_path):
    run = PlannedRun(key="x/demand_study", workbook="demand_study", team="Revenues", folder="x",
                     stem="demand_study", parameters={}, inputs=(), time_limit=60, where="runs[0]", pdf=True)
    plan = Plan(name="P", path=tmp_path / "plan.yaml", out=tmp_path, runs=[run])
    manifest = {"x/demand_study": {"status": "ok", "outputs": {"html": "x/demand_study.html",
                                                               "pdf": "x/demand_study.pdf"}}}
    page = render_index(plan, manifest, tmp_path)
    assert '<a class="sw-pdf" href="x/demand_study.pdf">PDF<span class="sw-hidden">' in page


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
