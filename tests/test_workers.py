"""The local pool of workers (`workbook_helpers.run.workers`) and the Dask path
(`workbook_helpers.run.cluster`)."""

from __future__ import annotations

import json

from batch_plans import CONTACTS, partial_files, sha256, write_plan
from conftest import run_cli


def test_a_bad_dask_address_is_refused_before_anything_is_written(tmp_path):
    plan = write_plan(tmp_path, {"out": str(tmp_path / "out"), "runs": [{"workbook": "case_review"}]})
    # The address of the Dask dashboard, not its scheduler: a likely slip.
    result = run_cli("batch", str(plan), "--dask", "http://scheduler.internal:8787", timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert '--dask "http://scheduler.internal:8787" is not the address of a Dask scheduler' in result.stderr
    assert not (tmp_path / "out").exists()


def test_handing_a_run_to_a_worker_that_has_gone_does_not_end_the_batch(tmp_path):
    # Ctrl-C at a terminal reaches a worker still starting up: handing it a run must not end the
    # batch with a traceback (it did, with BrokenPipeError); the run stays with the worker, for
    # run_local to report as interrupted (or failed, if the batch was not stopped).
    import multiprocessing

    from workbook_helpers.run.workers import _Worker

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

