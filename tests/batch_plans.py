"""What the batch tests share: small demand logs worked out by hand, writing a plan, and a stand-in
for the pool of workers that "runs" each task at once."""

from __future__ import annotations

import hashlib
import os
import signal
from datetime import date, timedelta
from pathlib import Path

import yaml


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


def write_plan(folder: Path, plan: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def partial_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if ".partial-" in p.name or p.name.endswith(".tmp")]


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
