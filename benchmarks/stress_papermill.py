"""Stress the workbooks under the plain `papermill` command, as analysts' own batch scripts run them.

Run from anywhere with the suite's Python:

    python benchmarks/stress_papermill.py                      # 30 runs of each workbook, about 30 minutes
    python benchmarks/stress_papermill.py --runs 10 --workbooks demand_study        # quick check
    python benchmarks/stress_papermill.py --param interactive False                  # a control

For each workbook it runs ``papermill -k service-workbooks WORKBOOK.ipynb OUT.ipynb`` ``--runs``
times with the notebook's default parameters, from ``notebooks/`` as a user would, two runs at a
time (``--parallel``), each with a time limit (``--limit``, 90 s). A run that overruns its limit
is counted as hung and killed with everything it started (papermill and its kernel, which
jupyter_client starts in a session of its own). It prints, per workbook, how many runs were ok,
failed or hung, the median time of the runs that were ok, and for each hung run the cell it was
in (from the notebook papermill saves after every cell); then the totals.

The executed notebooks and each run's output go to a temporary folder, removed at the end unless
``--keep`` is given. The commands are taken from the folder of the Python running this script.
The machine's CPU count and load average are printed before and after, since a hang that
depends on timing shows up more on a busy machine. Exits 0 when it has run, whatever the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from workbook_helpers.run.registry import BUILT_IN

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink out of the venv
KERNEL = "service-workbooks"
WORKBOOKS = tuple(workbook.name for workbook in BUILT_IN)
LIVE: set[int] = set()  # papermill processes still running, killed if this script is stopped


@dataclass
class Outcome:
    workbook: str
    number: int
    status: str  # ok, failed or hung
    seconds: float
    where: str = ""  # the cell a hung run was in, or a failed run's last line of output


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine_line() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs; load average {load}"


def kill_tree(pid: int) -> None:
    """Kill a process and every process it started, kernels included (they are in sessions of
    their own, so a signal to the run's process group would miss them)."""
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.Error:
        family = []
    for process in family:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(family, timeout=10)


def running_cell(notebook: Path) -> str:
    """The cell papermill marked as running in the notebook it saved, as "cell N: first line"."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return "before the first cell was saved"
    for number, cell in enumerate(cells, 1):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            source = "".join(cell.get("source", "")).strip().splitlines()
            return f"cell {number}: {source[0] if source else '(empty)'}"
    return "no cell marked as running"


def one_run(workbook: str, number: int, out: Path, limit: float, params: list[tuple[str, str]]) -> Outcome:
    executed = out / f"{workbook}-{number:03d}.ipynb"
    log_path = out / f"{workbook}-{number:03d}.log"
    command = [str(BIN / "papermill"), "-k", KERNEL, f"{workbook}.ipynb", str(executed)]
    for name, value in params:
        command += ["-p", name, value]
    started = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=NOTEBOOKS, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        LIVE.add(process.pid)
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            where = running_cell(executed)
            kill_tree(process.pid)
            process.wait()
            return Outcome(workbook, number, "hung", time.perf_counter() - started, where)
        finally:
            LIVE.discard(process.pid)
    seconds = time.perf_counter() - started
    if code == 0:
        return Outcome(workbook, number, "ok", seconds)
    lines = [line for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return Outcome(workbook, number, "failed", seconds, lines[-1][:160] if lines else f"exit code {code}")


def stress(workbook: str, runs: int, parallel: int, out: Path, limit: float,
           params: list[tuple[str, str]]) -> list[Outcome]:
    outcomes = []
    with ThreadPoolExecutor(parallel) as pool:
        futures = [pool.submit(one_run, workbook, n, out, limit, params) for n in range(1, runs + 1)]
        for future in futures:
            outcome = future.result()
            outcomes.append(outcome)
            progress(f"  {workbook} run {outcome.number}: {outcome.status} in {outcome.seconds:.1f} s"
                     + (f" ({outcome.where})" if outcome.where else ""))
    return outcomes


def report(workbook: str, outcomes: list[Outcome]) -> str:
    counts = Counter(o.status for o in outcomes)
    ok_times = [o.seconds for o in outcomes if o.status == "ok"]
    median = f"median ok run {statistics.median(ok_times):.1f} s" if ok_times else "no run ok"
    lines = [f"{workbook}: {len(outcomes)} runs: {counts['ok']} ok, {counts['failed']} failed, "
             f"{counts['hung']} hung; {median}"]
    for where, times in Counter(o.where for o in outcomes if o.status == "hung").most_common():
        lines.append(f"  hung {times}x at {where}")
    for where, times in Counter(o.where for o in outcomes if o.status == "failed").most_common():
        lines.append(f"  failed {times}x: {where}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each workbook (30)")
    parser.add_argument("--workbooks", default=",".join(WORKBOOKS),
                        help="comma-separated workbooks (all four)")
    parser.add_argument("--parallel", type=int, default=2, help="runs at once (2)")
    parser.add_argument("--limit", type=float, default=90, help="seconds a run may take before it counts as hung (90)")
    parser.add_argument("--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a papermill -p parameter for every run (none: the defaults)")
    parser.add_argument("--keep", action="store_true", help="keep the executed notebooks and logs")
    args = parser.parse_args(argv)
    workbooks = [w.strip() for w in args.workbooks.split(",") if w.strip()]
    unknown = [w for w in workbooks if not (NOTEBOOKS / f"{w}.ipynb").is_file()]
    if unknown:
        parser.error(f"no notebook for {', '.join(unknown)} in {NOTEBOOKS}")
    if not (BIN / "papermill").exists():
        parser.error(f"papermill is not in {BIN}: run this with the suite's Python (.venv/bin/python)")

    out = Path(tempfile.mkdtemp(prefix="stress-papermill-"))
    params = [(name, value) for name, value in args.param]
    shown = " ".join(f"-p {n} {v}" for n, v in params) or "default parameters"
    print(f"papermill -k {KERNEL} WORKBOOK.ipynb OUT.ipynb ({shown}), from {NOTEBOOKS}")
    print(f"{args.runs} runs of each workbook, {args.parallel} at a time, {args.limit:g} s limit each")
    print(f"before: {machine_line()}", flush=True)
    started = time.perf_counter()
    everything = []
    try:
        for workbook in workbooks:
            outcomes = stress(workbook, args.runs, args.parallel, out, args.limit, params)
            everything += outcomes
            print(report(workbook, outcomes), flush=True)
    finally:
        for pid in list(LIVE):
            kill_tree(pid)
        if args.keep:
            print(f"executed notebooks and logs kept in {out}")
        else:
            shutil.rmtree(out, ignore_errors=True)
    counts = Counter(o.status for o in everything)
    print(f"total: {len(everything)} runs: {counts['ok']} ok, {counts['failed']} failed, {counts['hung']} hung "
          f"in {(time.perf_counter() - started) / 60:.1f} minutes")
    print(f"after: {machine_line()}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C: the finally tidies up
    sys.exit(main())
