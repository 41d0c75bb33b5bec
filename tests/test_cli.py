"""The `workbook` command as a user types it: help, validate, run on bad data, run failures."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from conftest import ROOT, SAMPLE, run_cli
from workbook_helpers.run.cli import collect_parameters, build_parser, parse_value


def test_workbook_with_no_command_is_a_usage_error_that_lists_the_commands():
    result = run_cli()
    assert result.returncode == 2
    assert "run" in result.stderr and "validate" in result.stderr and "batch" in result.stderr
    assert result.stdout == ""


def test_help_explains_the_commands_in_plain_words():
    result = run_cli("--help")
    assert result.returncode == 0
    for phrase in ("workbook run demand_study", "workbook validate demand", "sample"):
        assert phrase in result.stdout
    run_help = run_cli("run", "--help").stdout
    assert "-p NAME VALUE" in run_help and "--out DIR" in run_help


def test_validate_notes_demand_not_yet_classified(tmp_path):
    log = tmp_path / "contacts.csv"
    log.write_text(
        "received,service,channel,demand_type,demand_class\n"
        "03/04/2024,Council tax,phone,pay my bill,\n"
        "04/04/2024,Council tax,phone,pay my bill,V\n", encoding="utf-8",
    )
    result = run_cli("validate", "demand", str(log))
    assert result.returncode == 0
    assert "Note: 1 row has no demand class (value or failure) yet; reports count it" in result.stdout


def test_validate_sample_prints_ok_summary():
    result = run_cli("validate", "demand", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 4,316 rows, from 1 April 2024 to 17 August 2024")
    assert "Council tax" in result.stdout


def test_validate_help_names_the_team_performance_files(tmp_path):
    help_text = run_cli("validate", "--help").stdout
    for phrase in ("workbook validate work-items", "workbook validate spending",
                   "workbook validate targets", "workbook validate actions"):
        assert phrase in help_text
    items = tmp_path / "items.csv"
    items.write_text("item_id,team,opened,closed,due\nW1,North,01/04/2024,,\n", encoding="utf-8")
    for dataset in ("work-items", "work_items"):
        result = run_cli("validate", dataset, str(items))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("OK: 1 work item for 1 team")
    wrong = run_cli("validate", "work-item", str(items))
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


BAD_CSV = (
    "received,service,channel,demand_type,demand_class,handling_minutes\n"
    "03/04/2024,Council tax,phone,pay my bill,value,5\n"
    "31/02/2024,Council tax,phone,pay my bill,maybe,-4\n"
)


def test_validate_bad_file_lists_every_problem_and_exits_2(tmp_path):
    bad = tmp_path / "contacts.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = run_cli("validate", "demand", str(bad))
    assert result.returncode == 2
    assert "3 problems in" in result.stderr and "contacts.csv" in result.stderr
    assert 'Column "received"' in result.stderr and 'row 3: "31/02/2024"' in result.stderr
    assert 'Column "demand_class"' in result.stderr and '"maybe"' in result.stderr
    assert 'Column "handling_minutes"' in result.stderr and "negative" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_on_bad_data_prints_the_same_problems_writes_nothing_and_exits_2(tmp_path):
    bad = tmp_path / "contacts.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    out = tmp_path / "reports"
    result = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(bad), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert 'row 3: "31/02/2024"' in result.stderr
    assert "Traceback" not in result.stderr
    assert "Nothing was written" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_run_that_fails_in_a_cell_leaves_no_report_and_names_the_cell(tmp_path):
    # A copy of the workbook with a cell that breaks, run from a project folder of its own.
    home = tmp_path / "home"
    (home / "notebooks").mkdir(parents=True)
    notebook = nbformat.read(ROOT / "notebooks" / "demand_study.ipynb", as_version=4)
    notebook.cells.insert(5, nbformat.v4.new_code_cell('raise RuntimeError("the workbook broke here")'))
    nbformat.write(notebook, home / "notebooks" / "demand_study.ipynb")
    out = tmp_path / "reports"
    result = run_cli(
        "run", "demand_study", "--quiet", "-p", "demand_path", str(SAMPLE), "--out", str(out),
        env={"SERVICE_WORKBOOKS_HOME": str(home)},
    )
    assert result.returncode == 1
    # Cell 7 of the executed notebook the user opens: papermill adds one for the parameters given.
    assert "The demand_study workbook failed in cell 7: RuntimeError: the workbook broke here" in result.stderr
    assert "No report was written" in result.stderr
    assert "Traceback" not in result.stderr
    # No report, summary or notebook at the final names and no leftover partial folder: only the
    # notebook as far as it ran, under a name that says it failed, for the analyst to read.
    failed = out / "demand_study-all-teams.failed.ipynb"
    assert [p.name for p in out.iterdir()] == [failed.name]
    assert str(failed) in result.stderr
    outputs = [o for c in nbformat.read(failed, as_version=4).cells for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "error" for o in outputs)


def test_run_with_a_cell_that_never_finishes_stops_at_its_time_limit_and_names_the_cell(tmp_path):
    # A hang (here a cell that sleeps for ten minutes) must not stall `workbook run` for good.
    home = tmp_path / "home"
    (home / "notebooks").mkdir(parents=True)
    notebook = nbformat.read(ROOT / "notebooks" / "demand_study.ipynb", as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(notebook, home / "notebooks" / "demand_study.ipynb")
    out = tmp_path / "reports"
    started = time.monotonic()
    result = run_cli("run", "demand_study", "--quiet", "--timeout", "0.2", "--out", str(out),
                     env={"SERVICE_WORKBOOKS_HOME": str(home)}, timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    # Cell 3 of the executed notebook: papermill adds one for the parameters given.
    assert ("The demand_study workbook failed in cell 3: it ran over its time limit of 12 seconds "
            "and was stopped") in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["demand_study-all-teams.failed.ipynb"]


@pytest.mark.parametrize("limit", ["0", "-5", "soon", "nan"])
def test_run_refuses_a_time_limit_that_is_not_minutes_above_0(limit):
    result = run_cli("run", "demand_study", "--timeout", limit)
    assert result.returncode == 2
    assert f"a time limit is a number of minutes above 0, such as 30; {limit!r} is not" in result.stderr


def test_run_has_a_time_limit_by_default(monkeypatch):
    from workbook_helpers.run import cli
    from workbook_helpers.exceptions import RunError

    limits = []

    def run_workbook(*args, **kwargs):
        limits.append(kwargs.get("time_limit"))
        raise RunError("demand_study", "not run in this test")

    monkeypatch.setattr("workbook_helpers.run.execute.run_workbook", run_workbook)
    assert cli.main(["run", "demand_study"]) == 1
    assert cli.main(["run", "demand_study", "--timeout", "1.5"]) == 1
    assert limits == [60 * 60, 90]


def test_unknown_parameter_and_unknown_workbook_are_named(tmp_path):
    result = run_cli("run", "demand_study", "-p", "teem", "Revenues", "--out", str(tmp_path))
    assert result.returncode == 2
    assert 'no parameter "teem"' in result.stderr and "team" in result.stderr
    result = run_cli("run", "demand_studdy", "--out", str(tmp_path))
    assert result.returncode == 2
    assert 'no workbook called "demand_studdy"' in result.stderr and "demand_study" in result.stderr


def test_unknown_team_lists_the_teams_in_the_data(tmp_path):
    result = run_cli("run", "demand_study", "--quiet", "-p", "team", "Repairs East", "--out", str(tmp_path))
    assert result.returncode == 2
    assert 'No rows for team "Repairs East"' in result.stderr
    assert '"Repairs North"' in result.stderr and '"Revenues"' in result.stderr


def test_missing_data_file_is_reported_before_running(tmp_path):
    result = run_cli("run", "demand_study", "-p", "demand_path", str(tmp_path / "nope.csv"), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(
    "text, value",
    [("True", True), ("False", False), ("None", None), ("12", 12), ("0.5", 0.5), ("Revenues", "Revenues"),
     ("2024-04-01", "2024-04-01")],
)
def test_parameter_values_are_read_as_papermill_reads_them(text, value):
    assert parse_value(text) == value


def test_parameters_from_file_yaml_raw_and_p_in_that_order(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("team: Revenues\nperiod_start: '2024-04-01'\ntitle: From file\n")
    args = build_parser().parse_args(
        ["run", "demand_study", "-f", str(params), "-y", "title: From yaml", "-r", "service", "123",
         "-p", "predictable_types", "4"]
    )
    assert collect_parameters(args) == {
        "team": "Revenues", "period_start": "2024-04-01", "title": "From yaml", "service": "123",
        "predictable_types": 4,
    }


def test_sample_command_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("sample", "--out", str(first)).returncode == 0
    assert run_cli("sample", "--out", str(second)).returncode == 0
    assert (first / "demand.csv").read_bytes() == (second / "demand.csv").read_bytes()
    assert (first / "demand.csv").read_bytes() == SAMPLE.read_bytes()


def test_each_team_gives_a_team_called_all_its_own_report_beside_the_whole_service(tmp_path):
    log = tmp_path / "contacts.csv"
    rows = ["received,service,channel,demand_type,demand_class,team"]
    rows += [f"{day:02d}/04/2024,Adult learning,web,book a course,value,All" for day in range(1, 11)]
    rows += [f"{day:02d}/04/2024,Council tax,phone,pay my bill,failure,Revenues" for day in range(1, 7)]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = run_cli("run", "demand_study", "--quiet", "--each-team", "-p", "demand_path", str(log),
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    summaries = {path.stem: json.loads(path.read_text()) for path in out.glob("*.json")}
    # One whole-service report and one per team, the team called All included: 10 + 6 contacts.
    assert sorted(summaries) == ["demand_study-all", "demand_study-all-teams", "demand_study-revenues"]
    assert summaries["demand_study-all-teams"]["figures"]["total_demand"] == 16
    assert summaries["demand_study-all"]["figures"]["total_demand"] == 10
    assert summaries["demand_study-revenues"]["figures"]["total_demand"] == 6
    assert summaries["demand_study-all"]["parameters"]["team"] == "team:All"
    assert summaries["demand_study-all"]["context"]["scope"] == "the All team"
    # The whole service's report says how to reach the team.
    note = ('This report covers the whole service. The data also has a team called "All"; for that '
            'team\'s own report, give team = "team:All".')
    assert note in summaries["demand_study-all-teams"]["warnings"]
    assert note not in summaries["demand_study-all"]["warnings"]
    assert "[2/3] demand_study: All" in result.stderr


def test_each_team_runs_every_team_even_when_one_fails(tmp_path):
    # Revenues' contacts all fall before the chosen period, so its run fails with a clear reason;
    # the all-teams run and the other teams' runs still write their reports.
    log = tmp_path / "contacts.csv"
    rows = ["received,service,channel,demand_type,demand_class,team"]
    rows += [f"{day:02d}/04/2024,Council tax,phone,pay my bill,value,Revenues" for day in range(1, 29)]
    for month in (4, 5, 6, 7):
        rows += [f"{day:02d}/{month:02d}/2024,Housing repairs,phone,report a leak,"
                 f"{'failure' if day % 3 else 'value'},Repairs North" for day in range(1, 29)]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = run_cli("run", "demand_study", "--quiet", "--each-team", "-p", "demand_path", str(log),
                     "-p", "period_start", "2024-05-01", "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "Failed for Revenues:" in result.stderr and "No demand falls in the period" in result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "demand_study-all-teams.html", "demand_study-all-teams.ipynb", "demand_study-all-teams.json",
        "demand_study-repairs-north.html", "demand_study-repairs-north.ipynb",
        "demand_study-repairs-north.json",
    ]


def test_own_excel_export_with_own_headers_runs_through_a_column_map(tmp_path):
    import pandas as pd

    # The sample, as a contact centre's Excel export: a title above the header, its own names.
    own_names = {"received": "Date Received", "service": "Service Area", "channel": "How Contacted",
                 "demand_type": "Customer Said", "demand_class": "V/F", "team": "Team Name"}
    sample = pd.read_csv(SAMPLE, dtype=str).head(400).rename(columns=own_names)
    sample["V/F"] = sample["V/F"].map({"value": "V", "failure": "F"})
    export = tmp_path / "contacts.xlsx"
    with pd.ExcelWriter(export) as writer:
        pd.DataFrame([["Contact log export, April 2024"]]).to_excel(writer, header=False, index=False)
        sample.to_excel(writer, startrow=2, index=False)
    column_map = tmp_path / "headers.yaml"
    column_map.write_text("".join(f"{theirs}: {ours}\n" for ours, theirs in own_names.items()))

    unmapped = run_cli("validate", "demand", str(export))
    assert unmapped.returncode == 2
    assert 'The required column "received" is missing.' in unmapped.stderr
    assert '"Date Received"' in unmapped.stderr  # the columns found are listed

    checked = run_cli("validate", "demand", str(export), "--map", str(column_map))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("OK: 400 rows, from 1 April 2024 to ")

    out = tmp_path / "reports"
    result = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(export),
                     "-p", "column_map", str(column_map), "-p", "team", "Revenues", "--out", str(out))
    assert result.returncode == 0, result.stderr
    summary = (out / "demand_study-revenues.json").read_text()
    revenues = sample[sample["Team Name"] == "Revenues"]
    assert f'"total_demand": {len(revenues)},' in summary


def _study_parameters(**given):
    from workbook_helpers.run.parameters import check_parameters
    from workbook_helpers.run.registry import WORKBOOKS

    return check_parameters(WORKBOOKS["demand_study"], given)


@pytest.mark.parametrize("text, value", [("no", False), ("No", False), ("0", False), ("false", False),
                                         ("yes", True), ("True", True), (True, True), (False, False)])
def test_yes_no_settings_are_real_yes_or_no(text, value):
    # "no" is text, and text counts as true in Python: it must become False, never show free text.
    assert _study_parameters(show_what_matters=text)["show_what_matters"] is value


def test_settings_of_the_wrong_kind_are_refused_by_name():
    from workbook_helpers.exceptions import ParameterError

    with pytest.raises(ParameterError, match='show_what_matters must be True or False .* "maybe"'):
        _study_parameters(show_what_matters="maybe")
    with pytest.raises(ParameterError, match='predictable_types must be a whole number, such as 6; "lots"'):
        _study_parameters(predictable_types="lots")
    with pytest.raises(ParameterError, match='period_start must be a date written as 2024-04-01; "2024"'):
        _study_parameters(period_start=2024)


def test_titles_numbers_and_yaml_dates_become_text():
    import datetime

    checked = _study_parameters(title=2024, period_start=datetime.date(2024, 5, 1), predictable_types="4")
    assert checked["title"] == "2024" and checked["period_start"] == "2024-05-01"
    assert checked["predictable_types"] == 4


def test_output_folder_that_is_a_file_is_a_clear_error(tmp_path):
    blocked = tmp_path / "reports"
    blocked.write_text("not a folder")
    result = run_cli("run", "demand_study", "--quiet", "--out", str(blocked))
    assert result.returncode == 2
    assert f"Cannot write to the output folder {blocked}" in result.stderr
    assert "Traceback" not in result.stderr


def test_workbook_default_paths_resolve_from_any_folder(tmp_path, monkeypatch):
    from workbook_helpers.data.inputs import find_input

    monkeypatch.chdir(tmp_path)
    assert find_input("data/sample/demand.csv") == SAMPLE
    (tmp_path / "mine.csv").write_text("x")
    assert find_input("mine.csv").resolve() == (tmp_path / "mine.csv").resolve()  # the user's own first


def test_plain_papermill_runs_the_workbook_unchanged_from_another_folder(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    papermill = Path(sys.executable).parent / "papermill"
    result = subprocess.run(
        [str(papermill), str(ROOT / "notebooks" / "demand_study.ipynb"), "out.ipynb",
         "-p", "interactive", "False", "--no-progress-bar"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outputs = [o for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
               for o in c.get("outputs", [])]
    assert any("application/vnd.service-workbooks.summary+json" in o.get("data", {}) for o in outputs)


def test_rebase_and_annotations_from_the_command_line_and_a_yaml_file(tmp_path):
    import datetime

    from workbook_helpers.exceptions import DataError
    from workbook_helpers.run.parameters import check_parameters
    from workbook_helpers.run.registry import WORKBOOKS

    # -p rebase 2025-02-01 gives text; -y gives YAML's dates, inside mappings and lists too,
    # which a notebook's parameters (and the run's JSON records) take as ISO text.
    parser = build_parser()
    args = parser.parse_args(["run", "team_performance", "-p", "rebase", "2025-02-01",
                              "-y", "annotations: {2025-01-06: New allocation}"])
    given = collect_parameters(args)
    assert given["rebase"] == "2025-02-01"
    assert given["annotations"] == {datetime.date(2025, 1, 6): "New allocation"}
    checked = check_parameters(WORKBOOKS["team_performance"], given)
    assert checked["annotations"] == {"2025-01-06": "New allocation"}
    checked = check_parameters(WORKBOOKS["team_performance"],
                               {"rebase": {"Community Team North": [datetime.date(2025, 2, 1)]}})
    assert checked["rebase"] == {"Community Team North": ["2025-02-01"]}
    # A YAML file is found and made absolute like a data file; a missing one is named.
    changes = tmp_path / "changes.yaml"
    changes.write_text("Community Team North: [2025-02-01]\n", encoding="utf-8")
    checked = check_parameters(WORKBOOKS["demand_study"], {"rebase": str(changes)})
    assert checked["rebase"] == str(changes.resolve())
    with pytest.raises(DataError, match="The file given as annotations does not exist"):
        check_parameters(WORKBOOKS["team_performance"], {"annotations": str(tmp_path / "none.yml")})


def test_a_bad_rebase_date_stops_the_run_with_the_date_and_the_range(tmp_path):
    result = run_cli("run", "team_performance", "--quiet", "-p", "rebase", "2025-03-15", "--out", str(tmp_path))
    assert result.returncode == 2
    assert ("rebase: 2025-03-15 falls inside March 2025, between the start of one month and the next; "
            "new limits start with a whole month: give 2025-03-01") in result.stderr
    assert "The charts run month by month from April 2024 to October 2025." in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_run_help_lists_every_workbook_declared():
    from workbook_helpers.run.registry import WORKBOOKS

    run_help = " ".join(run_cli("run", "--help").stdout.split())
    assert "team_performance" in run_help
    for name in WORKBOOKS:
        assert name in run_help, name


def test_each_team_on_a_workbook_without_a_team_parameter_says_so(tmp_path):
    result = run_cli("run", "experiment_comparison", "--each-team", "--out", str(tmp_path))
    assert result.returncode == 2
    assert ("The experiment_comparison workbook has no team parameter, so it is not run for each team: "
            "run it without --each-team.") in result.stderr
    assert "needs a team column" not in result.stderr


def test_validate_does_not_say_nothing_was_written(tmp_path):
    bad = tmp_path / "contacts.csv"
    bad.write_text("received,service\n", encoding="utf-8")
    result = run_cli("validate", "demand", str(bad))
    assert result.returncode == 2
    assert "Nothing was written" not in result.stderr
    assert "Nothing was written." in run_cli("run", "demand_study", "-p", "demand_path", str(bad),
                                             "--out", str(tmp_path / "out")).stderr


def test_comparison_messages_do_not_start_with_a_function_name(tmp_path):
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "after", "pilot", "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("after = 'pilot' is not a cohort in column 'cohort'"), result.stderr
    assert "compare_cohorts" not in result.stderr
