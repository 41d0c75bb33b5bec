"""The manifest (`workbook_helpers.run.manifest`): a batch stopped part way is resumed, and a run
runs again exactly when something it depends on changed."""

from __future__ import annotations

import json

from batch_plans import CONTACTS, instant_runs, write_plan
from workbook_helpers.run.plan import Plan, load_plan


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
    from workbook_helpers.run import manifest as manifest_module
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
    monkeypatch.setattr(manifest_module, "__version__", "99.0")
    assert ran(plan_ending("2024-07-31")) == both  # the suite's version
    assert ran(plan_ending("2024-07-31")) == []
    with contacts_csv.open("a", encoding="utf-8") as log:
        log.write("01/06/2024,Council tax,phone,ask about my case,value,yes,Revenues\n")
    assert ran(plan_ending("2024-07-31")) == both  # the data both runs read
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", str(tmp_path / "another-salt"))
    assert ran(plan_ending("2024-07-31")) == both  # another salt: other pseudonyms
    assert ran(plan_ending("2024-07-31")) == []

