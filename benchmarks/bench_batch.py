"""Benchmark `workbook batch`: every workbook for 8 teams, against a plain shell loop.

Run from the repository root with the suite's Python:

    python benchmarks/bench_batch.py [--teams 8] [--workers N] [--floor-repeat 3] [--workbooks A,B]

It prints, in one run on one machine:

1. The batch. Sample data for ``--teams`` teams per workbook (the sample's teams, then copies
   of them renamed "<team> 2", "<team> 3"... with their references suffixed so they stay
   unique), written to benchmarks/out/batch/data/. A plan runs every per-team workbook (demand
   study, case review, team performance) for each team, and the before/after comparison once
   (it is not run per team). Timed: ``workbook batch PLAN --force --quiet``, wall clock.
2. The plain shell loop: the same reports, one after another, each ``papermill NOTEBOOK OUT.ipynb
   -p ... --kernel service-workbooks`` then ``jupyter nbconvert --to html --no-input OUT.ipynb``,
   as one bash script. Timed the same way.
   Target: batch / shell loop <= 0.35 on this 2-core machine.
3. The floor: executing, with papermill in a warm process (as a batch worker does), a notebook
   whose only cell imports what each workbook's kernel imports, and an empty one (a kernel only);
   medians of ``--floor-repeat``. Printed beside the batch's mean time per report, both as the
   wall clock divided by the reports (what parallel workers give) and as each run's own time
   (from the manifest).

One untimed warm-up run first (file caches, the cached chart bundle). Everything is written
under benchmarks/out/batch/ (git-ignored), each command's output in its logs/. Exits 0 when it
has run, whatever the verdict; 1 if a side failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "batch"
DATA = OUT / "data"
LOGS = OUT / "logs"
SAMPLE = REPO / "data" / "sample"
BIN = Path(sys.executable).parent
KERNEL = "service-workbooks"
RATIO_TARGET = 0.35

# Each per-team workbook: its data files (parameter -> sample file), the file whose team column
# names the teams, and the columns holding references that must stay unique in a copy.
PER_TEAM = {
    "demand_study": {"files": {"demand_path": "demand.csv"}, "teams_from": "demand.csv"},
    "case_review": {"files": {"events_path": "events.csv", "cases_path": "cases.csv"}, "teams_from": "cases.csv"},
    "team_performance": {
        "files": {"work_items_path": "work_items.csv", "spending_path": "spending.csv",
                  "targets_path": "targets.csv", "actions_path": "actions.csv"},
        "teams_from": "work_items.csv",
    },
}
REFERENCES = {"demand.csv": "contact_id", "cases.csv": "case_id", "events.csv": "case_id",
              "work_items.csv": "item_id", "actions.csv": "action_id"}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        sys.exit(f"{name} is not in {BIN}. Run this script with the suite's Python.")
    return str(path)


# --- data for N teams ---------------------------------------------------------------------------


def copies(teams: list[str], wanted: int) -> dict[str, tuple[str, int]]:
    """Team name -> (the sample team it copies, copy number; 1 is the original)."""
    chosen = {}
    for index in range(wanted):
        original, number = teams[index % len(teams)], index // len(teams) + 1
        chosen[original if number == 1 else f"{original} {number}"] = (original, number)
    return chosen


def write_data(wanted: int, workbooks: list[str]) -> dict[str, list[str]]:
    """Write the sample files with teams copied up to ``wanted`` per workbook; returns each
    per-team workbook's teams."""
    DATA.mkdir(parents=True, exist_ok=True)
    per_team = {w: spec for w, spec in PER_TEAM.items() if w in workbooks}
    names = {f for spec in per_team.values() for f in spec["files"].values()} | {"events.csv", "cases.csv"}
    frames = {name: pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False) for name in names}
    teams_by_workbook, extra = {}, {name: [] for name in frames}
    for workbook, spec in per_team.items():
        source = frames[spec["teams_from"]]
        teams = sorted(t for t in source["team"].unique() if t)
        chosen = copies(teams, wanted)
        teams_by_workbook[workbook] = list(chosen)
        for name in spec["files"].values():
            frame = frames[name]
            for team, (original, number) in chosen.items():
                if number == 1:
                    continue
                if name == "events.csv":  # the events of the copied lead team's cases
                    cases = frames["cases.csv"]
                    ids = set(cases.loc[cases["team"] == original, "case_id"])
                    rows = frame[frame["case_id"].isin(ids)].copy()
                else:
                    rows = frame[frame["team"] == original].copy()
                    rows["team"] = team
                reference = REFERENCES.get(name)
                if reference:
                    rows[reference] = rows[reference] + f"-c{number}"
                extra[name].append(rows)
    for name, frame in frames.items():
        pd.concat([frame, *extra[name]], ignore_index=True).to_csv(DATA / name, index=False)
    return teams_by_workbook


# --- the two ways of making the reports -------------------------------------------------------


COMPARISON = {"events_path": "events.csv", "cases_path": "cases.csv"}


def runs(teams_by_workbook: dict[str, list[str]], workbooks: list[str]) -> list[tuple[str, dict]]:
    """(workbook, parameters) for every report."""
    made = []
    for workbook, teams in teams_by_workbook.items():
        files = {parameter: str(DATA / name) for parameter, name in PER_TEAM[workbook]["files"].items()}
        made += [(workbook, {**files, "team": team}) for team in teams]
    if "experiment_comparison" in workbooks:
        made.append(("experiment_comparison", {k: str(DATA / v) for k, v in COMPARISON.items()}))
    return made


def write_plan(teams_by_workbook: dict[str, list[str]], workbooks: list[str]) -> Path:
    plan = {"name": "Benchmark", "runs": []}
    for workbook, teams in teams_by_workbook.items():
        files = {parameter: str(DATA / name) for parameter, name in PER_TEAM[workbook]["files"].items()}
        plan["runs"].append({"workbook": workbook, "parameters": files, "teams": teams})
    if "experiment_comparison" in workbooks:
        plan["runs"].append({"workbook": "experiment_comparison",
                             "parameters": {k: str(DATA / v) for k, v in COMPARISON.items()}})
    path = OUT / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


def shell_loop(reports: list[tuple[str, dict]], folder: Path) -> Path:
    """A bash script: papermill then nbconvert, per report, stopping at the first failure."""
    lines = ["set -e"]
    for number, (workbook, parameters) in enumerate(reports, 1):
        notebook = folder / f"{number:02d}-{workbook}.ipynb"
        options = " ".join(f"-p {shlex.quote(k)} {shlex.quote(str(v))}" for k, v in parameters.items())
        lines.append(
            f"{shlex.quote(tool('papermill'))} {REPO / 'notebooks' / f'{workbook}.ipynb'} {notebook} "
            f"-p interactive False {options} --kernel {KERNEL} --no-progress-bar --log-level WARNING"
        )
        lines.append(f"{shlex.quote(tool('jupyter'))} nbconvert --to html --no-input --log-level WARN {notebook}")
    script = OUT / "shell-loop.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def timed(command: list[str], label: str) -> tuple[float, int]:
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{label}.log").open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        code = subprocess.run(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT).returncode
    return time.perf_counter() - started, code


# --- the floor ---------------------------------------------------------------------------------


_FLOOR = r"""
import json, statistics, sys, time, nbformat, papermill
from workbook_helpers.run.registry import WORKBOOKS
folder, repeat, workbooks = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
cells = {"empty": "pass", **{w: "import " + ", ".join(WORKBOOKS[w].preload) for w in workbooks}}
figures = {}
for name, source in cells.items():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    path = f"{folder}/floor-{name}.ipynb"
    nbformat.write(notebook, path)
    times = []
    for _ in range(repeat + 1):  # the first is a warm-up
        started = time.perf_counter()
        papermill.execute_notebook(path, path.replace(".ipynb", "-out.ipynb"), kernel_name="service-workbooks",
                                   progress_bar=False)
        times.append(time.perf_counter() - started)
    figures[name] = statistics.median(times[1:])
print(json.dumps(figures))
"""


def floor(repeat: int, workbooks: list[str]) -> dict[str, float]:
    """Median seconds to execute an empty notebook ("empty") and, per workbook, one that only
    imports the modules that workbook's kernel imports as it starts."""
    completed = subprocess.run([sys.executable, "-c", _FLOOR, str(OUT), str(repeat), ",".join(workbooks)], cwd=REPO,
                               capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine_line() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs; load average {load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=8, metavar="N", help="teams per workbook (default: 8)")
    parser.add_argument("--workers", type=int, metavar="N", help="batch workers (default: the CPU cores)")
    parser.add_argument("--floor-repeat", type=int, default=3, metavar="N", help="timed runs of each floor notebook")
    parser.add_argument("--workbooks", default=",".join([*PER_TEAM, "experiment_comparison"]), metavar="A,B",
                        help="the workbooks to run (default: all four)")
    args = parser.parse_args(argv)
    workbooks = [w.strip() for w in args.workbooks.split(",") if w.strip()]
    unknown = set(workbooks) - {*PER_TEAM, "experiment_comparison"}
    if unknown:
        parser.error(f"unknown workbooks: {', '.join(sorted(unknown))}")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print(f"Batch benchmark, Python {sys.version.split()[0]} at {sys.executable}")
    print(f"Machine: {machine_line()}")

    teams = write_data(args.teams, workbooks)
    reports = runs(teams, workbooks)
    plan = write_plan(teams, workbooks)
    loop_folder = OUT / "shell-loop"
    loop_folder.mkdir()
    script = shell_loop(reports, loop_folder)
    print(f"{len(reports)} reports: " + "; ".join(
        [f"{w} for {len(t)} teams" for w, t in teams.items()]
        + (["experiment_comparison once"] if "experiment_comparison" in workbooks else [])))

    progress("warm-up: one workbook run")
    timed([tool("workbook"), "run", "demand_study", "--quiet", "--out", str(OUT / "warm-up")], "warm-up")

    batch_out = OUT / "batch-out"
    command = [tool("workbook"), "batch", str(plan), "--out", str(batch_out), "--force", "--quiet"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    progress(f"batch: {len(reports)} reports")
    batch_seconds, batch_code = timed(command, "batch")
    progress(f"shell loop: {len(reports)} reports, papermill then nbconvert each")
    loop_seconds, loop_code = timed(["bash", str(script)], "shell-loop")
    if batch_code or loop_code:
        print(f"A side failed: batch exit code {batch_code}, shell loop exit code {loop_code}; see {LOGS}.")
        return 1
    progress("floor: empty and imports-only notebooks")
    floors = floor(args.floor_repeat, workbooks)

    manifest = json.loads((batch_out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    own = [entry["seconds"] for entry in manifest.values() if entry["status"] == "ok"]
    ratio = batch_seconds / loop_seconds
    n = len(reports)
    print(f"\nworkbook batch: {batch_seconds:.1f} s for {n} reports ({batch_seconds / n:.2f} s a report, "
          f"wall clock; workers {args.workers or os.cpu_count()})")
    print(f"shell loop (papermill + nbconvert): {loop_seconds:.1f} s ({loop_seconds / n:.2f} s a report)")
    print(f"ratio batch / shell loop: {ratio:.2f} (target <= {RATIO_TARGET}): "
          f"{'PASS' if ratio <= RATIO_TARGET else 'MISS'}")
    print(f"each batch run's own time: mean {statistics.mean(own):.2f} s, median {statistics.median(own):.2f} s "
          f"(from kernel start to files in place)")
    print(f"floor, median of {args.floor_repeat}: empty notebook {floors['empty']:.2f} s (kernel start only)")
    by_workbook = {}
    for entry in manifest.values():
        by_workbook.setdefault(entry["workbook"], []).append(entry["seconds"])
    for workbook, seconds in by_workbook.items():
        print(f"  {workbook}: mean run {statistics.mean(seconds):.2f} s; imports-only notebook "
              f"{floors[workbook]:.2f} s (kernel start + its imports); run / floor "
              f"{statistics.mean(seconds) / floors[workbook]:.2f}")
    print(f"Machine after: {machine_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
