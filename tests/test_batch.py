"""`workbook batch` (`workbook_helpers.run.batch`): failure isolation, time limits, the lock,
interruption and resuming, skipping what is unchanged, and the index of a real batch. The plan,
names, manifest, progress, workers and index each have a test module of their own.

Most checks share one batch (the module-scoped ``batch`` fixture): the demand study on a small
contacts file whose figures are worked out by hand (in ``batch_plans.py``), for two teams found in the data, plus
one team whose own export is malformed, one run that sleeps past its time limit and one whose
kernel dies. The last two come from a copy of the demand-study notebook with one cell added
after the parameters (cell 3 of the executed notebook), run from a project folder of its own.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from batch_plans import CONTACTS, MALFORMED, partial_files, sha256, write_plan
from conftest import ROOT, WORKBOOK, run_cli
from workbook_helpers.exceptions import ParameterError

SLOW_CELL = """import os, time
if title == "Slow":
    time.sleep(float(os.environ.get("WORKBOOK_TEST_SLEEP", "600")))
if title == "Die":
    os._exit(1)
"""


def project_home(folder: Path) -> Path:
    """A project folder whose demand study sleeps when its title is "Slow" and whose kernel
    dies when it is "Die" (the added cell is cell 3 of an executed notebook)."""
    (folder / "notebooks").mkdir(parents=True)
    notebook = nbformat.read(ROOT / "notebooks" / "demand_study.ipynb", as_version=4)
    assert "parameters" in notebook.cells[0].metadata.get("tags", [])
    notebook.cells.insert(1, nbformat.v4.new_code_cell(SLOW_CELL))
    nbformat.write(notebook, folder / "notebooks" / "demand_study.ipynb")
    return folder


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


def test_an_output_folder_that_cannot_be_written_to_is_said_so(tmp_path):
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [{"workbook": "case_review"}]})
    # Stands in for a folder this user may not write to (tests may run as root, whom
    # permissions do not stop): the batch's lock file cannot be opened.
    (tmp_path / "out" / ".batch.lock").mkdir(parents=True)
    result = run_cli("batch", str(plan), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"Cannot write to the output folder {tmp_path / 'out'}: Is a directory." in result.stderr


