"""Output names (`workbook_helpers.run.naming`): single runs, batches, audiences, and team names
that are odd, clash or would reach outside the output folder. Expected names are written by hand."""

from __future__ import annotations

import hashlib
import re

from pathlib import Path

from workbook_helpers.run.naming import (
    audience_stem, batch_run_stem, default_batch_folder, distinct_single_run_stems, failed_notebook, scratch_folder,
    scratch_pattern, single_run_stem, team_folders, without_audience,
)


def sha(name: str, length: int) -> str:
    """The fingerprint the names use, worked out here from its definition: the first hex digits
    of the SHA-256 of the exact name."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:length]


# --- workbook run: one folder, the team in the file name ---------------------------------------


def test_output_names_carry_team_and_service_safely():
    study = "demand_study"
    assert single_run_stem(study, {}) == "demand_study-all-teams"
    assert single_run_stem(study, {"team": "Repairs North"}) == "demand_study-repairs-north"
    assert single_run_stem(study, {"service": "Council tax"}) == "demand_study-all-teams-council-tax"
    assert single_run_stem(study, {"team": "../../etc/passwd"}) == "demand_study-etc-passwd"
    assert single_run_stem(study, {"team": "  "}) == "demand_study-all-teams"
    # A team called All is team:All, its files "-all"; the keyword stays the whole service's.
    assert single_run_stem(study, {"team": "team:All"}) == "demand_study-all"
    assert single_run_stem(study, {"team": "All"}) == "demand_study-all-teams"
    # A team whose name would make "all-teams" never takes the whole service's file name.
    fingerprint = hashlib.sha256("All Teams".encode()).hexdigest()[:6]
    assert single_run_stem(study, {"team": "All Teams"}) == f"demand_study-all-teams-{fingerprint}"


def test_single_run_names_for_services_cohorts_and_odd_team_names():
    assert single_run_stem("demand_study", {"team": "Repairs North", "service": "Council tax"}) == \
        "demand_study-repairs-north-council-tax"
    assert single_run_stem("case_review", {"cohort": "after"}) == "case_review-all-teams-after"
    assert single_run_stem("demand_study", {"service": "ALL ", "cohort": ""}) == "demand_study-all-teams"
    assert single_run_stem("demand_study", {"team": "Adults & Children's (North)"}) == \
        "demand_study-adults-children-s-north"
    assert single_run_stem("demand_study", {"team": "  Repairs   North  "}) == "demand_study-repairs-north"
    # A single run drops an accented letter, where a batch folder keeps its letter (below):
    # the names users already have, kept as they were.
    assert single_run_stem("demand_study", {"team": "Gwasanaethau Môn"}) == "demand_study-gwasanaethau-m-n"
    assert single_run_stem("demand_study", {"team": "Ω"}) == "demand_study-unnamed"


def test_each_team_names_apart_teams_that_would_share_a_file():
    runs = [{"team": "all"}, {"team": "Repairs North"}, {"team": "Repairs-North"}, {"team": "Revenues"}]
    assert distinct_single_run_stems("demand_study", runs) == [
        "demand_study-all-teams",
        f"demand_study-repairs-north-{sha('Repairs North', 6)}",
        f"demand_study-repairs-north-{sha('Repairs-North', 6)}",
        "demand_study-revenues",
    ]
    assert distinct_single_run_stems("demand_study", [{"team": "all"}, {"team": "team:All"}]) == [
        "demand_study-all-teams", "demand_study-all"]


# --- workbook batch: a folder per team, the workbook in the file name -----------------------------


def test_batch_run_names_for_services_cohorts_and_a_runs_own_name():
    assert batch_run_stem("demand_study", {}) == "demand_study"
    assert batch_run_stem("demand_study", {"team": "Revenues"}) == "demand_study"  # the folder says the team
    assert batch_run_stem("demand_study", {"service": "Council tax"}) == "demand_study-council-tax"
    assert batch_run_stem("case_review", {"cohort": "After", "service": "all"}) == "case_review-after"
    assert batch_run_stem("case_review", {}, name="Quarterly review: Q3") == "quarterly_review_q3"
    assert batch_run_stem("case_review", {"cohort": "after"}, name="!!!") == "case_review"
    # A service with nothing left once made safe is named by its fingerprint.
    assert batch_run_stem("demand_study", {"service": "Ω"}) == f"demand_study-{sha('Ω', 8)}"
    assert batch_run_stem("demand_study", {"service": "Môn"}) == "demand_study-mon"


def test_audiences_are_added_to_a_stem_and_taken_off_again():
    assert audience_stem("experiment_comparison", "public") == "experiment_comparison-public"
    assert audience_stem("experiment_comparison", "organisation") == "experiment_comparison-organisation"
    assert audience_stem("experiment_comparison", None) == "experiment_comparison"
    assert without_audience("experiment_comparison-public", "public") == "experiment_comparison"
    assert without_audience("demand_study-council-tax", "public") == "demand_study-council-tax"
    assert without_audience("demand_study", None) == "demand_study"


def test_a_plan_asking_for_two_audiences_writes_two_reports_per_team(tmp_path):
    from batch_plans import write_plan
    from workbook_helpers.run.plan import load_plan

    plan = load_plan(write_plan(tmp_path, {"name": "Directors and public", "runs": [
        {"workbook": "experiment_comparison", "parameters": {"audience": ["organisation", "public"]}},
        {"workbook": "case_review", "teams": ["Reablement North"], "parameters": {"audience": "public"}},
    ]}))
    assert plan.out == Path("reports/directors-and-public")
    assert [run.key for run in plan.runs] == [
        "all-teams/experiment_comparison-organisation",
        "all-teams/experiment_comparison-public",
        "reablement-north/case_review",  # one audience: no need to say it in the name
    ]


def test_where_a_batch_writes_by_default_and_a_runs_other_files():
    assert default_batch_folder("Monthly reports: November 2024") == Path("reports/monthly-reports-november-2024")
    assert default_batch_folder("Équipe Sud") == Path("reports/equipe-sud")
    assert failed_notebook(Path("out/revenues"), "demand_study") == Path("out/revenues/demand_study.failed.ipynb")
    scratch = scratch_folder(Path("out/revenues"), "demand_study", "0a1b2c3d")
    assert scratch == Path("out/revenues/.demand_study.partial-0a1b2c3d")
    assert scratch.match(scratch_pattern("demand_study")) and scratch.match(scratch_pattern())
    assert not scratch.match(scratch_pattern("demand_study-public"))
    assert Path(".remote.partial-0a1b2c3d").match(scratch_pattern())


# --- batch team folders ----------------------------------------------------------------------------


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


def test_team_folders_for_odd_names_written_by_hand():
    folders = team_folders(["Gwasanaethau Môn", "Adults & Children's (North)", "  Revenues  ", "team:All Teams"])
    assert folders == {
        "Gwasanaethau Môn": "gwasanaethau-mon",
        "Adults & Children's (North)": "adults-children-s-north",
        "  Revenues  ": "revenues",
        "team:All Teams": f"all-teams-{sha('All Teams', 8)}",
    }
