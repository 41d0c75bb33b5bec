"""Benchmark the demand study: how fast `workbook run` is, and how it copes with big logs.

Run from the repository root with the suite's Python:

    python benchmarks/bench_demand_study.py [--rows-large 1000000] [--repeat 3] [--skip-large]

It measures, and prints PASS or MISS against each target:

1. Speed against the plain two-step. ``workbook run demand_study --quiet`` on the sample data
   against ``papermill notebooks/demand_study.ipynb OUT.ipynb -p interactive False`` followed by
   ``jupyter nbconvert --to html --no-input OUT.ipynb``, in the same kernel. One untimed warm-up
   of each, then ``--repeat`` timed runs of each, interleaved (A, B, A, B, ...) so that a busy
   spell on the machine falls on both. Reports the median wall-clock seconds of each.
   Target: median(workbook) / median(two-step) <= 0.6.
2. Scale. Demand logs of 10,000 and ``--rows-large`` rows from
   ``workbook_helpers.data.samples.demand.make_demand_log``, written as CSV in the sample's export format, each
   run with ``workbook run demand_study -p demand_path FILE --quiet``. Reports wall-clock time,
   peak memory and the size of the HTML report. Targets: the large run finishes; its peak memory
   is under 1.5 GB; each report is under 600 KB (its charts are static SVG, with no script); and the report does not grow with the data:
   size(large) / size(10k) <= 1.05.

Peak memory is measured by a small wrapper process that starts the command and waits for it,
two ways. ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is exact and covers the Jupyter kernel (the
process that starts the kernel waits for it), but Linux gives the largest peak of any *one*
descendant, not of the tree; so the wrapper also samples the summed resident size of the whole
tree (`workbook` plus kernel) every 0.1 s with psutil, which ipykernel already depends on. The
memory target is judged on the tree's figure when there is one (shared pages are counted once
per process, so it errs high), else on the largest process.

The commands (`workbook`, `papermill`, `jupyter`) are taken from the folder of the Python running
this script. Everything is written under benchmarks/out/ (git-ignored), with each command's
output in benchmarks/out/logs/. Exits 0 when it has run, whatever the verdicts; 1 if the speed
comparison could not run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
LOGS = OUT / "logs"
BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink out of the venv
NOTEBOOK = "notebooks/demand_study.ipynb"
KERNEL = "service-workbooks"

SPEED_TARGET = 0.6  # workbook run / plain two-step, at most
MEMORY_TARGET_BYTES = 1.5 * 1024**3
HTML_TARGET_BYTES = 600 * 1024
HTML_GROWTH_TARGET = 1.05
TREE_SAMPLE_SECONDS = 0.1
SMALL_ROWS = 10_000

# Runs each command in turn, waits for it, and prints one JSON line: wall-clock seconds, the peak
# resident size of the largest descendant (rusage: exact, covers the kernel) and, when asked and
# psutil is there (ipykernel depends on it), the peak of the whole tree's summed resident size,
# sampled every `interval` seconds. A fresh process per measurement, so nothing from an earlier
# measurement can be the maximum.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
log_path, commands, interval = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
try:
    import psutil
except ImportError:
    psutil = None

def tree_rss(pid):
    try:
        root = psutil.Process(pid)
        processes = [root] + root.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total

sampling = psutil is not None and interval > 0
tree_peak = 0
before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
started = time.perf_counter()
returncode = 0
with open(log_path, "ab") as log:
    for command in commands:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        while sampling and child.poll() is None:
            tree_peak = max(tree_peak, tree_rss(child.pid))
            time.sleep(interval)
        returncode = child.wait()
        if returncode:
            break
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "returncode": returncode,
                  "maxrss_kib_before": before, "maxrss_kib_after": after,
                  "tree_peak_bytes": tree_peak if sampling else None}))
"""


@dataclass
class Measurement:
    """One measured run of one or more commands in sequence."""

    seconds: float
    returncode: int
    peak_bytes: int  # largest peak resident size of any one process the commands started
    tree_peak_bytes: int | None  # peak of the summed resident size of the whole tree, sampled
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def tool(name: str) -> str:
    """The path of a command installed next to this Python, or stop with a message."""
    path = BIN / name
    if not path.exists():
        sys.exit(f"{name} is not in {BIN}. Run this script with the suite's Python.")
    return str(path)


def measure(commands: list[list[str]], label: str, sample_every: float = 0.0) -> Measurement:
    """Run ``commands`` one after another in a fresh wrapper process, from the repository root.

    ``sample_every`` > 0 also samples the whole process tree's memory that often (seconds); the
    speed test leaves it at 0 so that sampling costs no CPU while it is timed.
    """
    log = LOGS / f"{label}.log"
    completed = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(log), json.dumps(commands), str(sample_every)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    peak_kib = figures["maxrss_kib_after"]  # ru_maxrss is in KiB on Linux; "before" is 0 here
    return Measurement(
        figures["seconds"], figures["returncode"], peak_kib * 1024, figures["tree_peak_bytes"], log
    )


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def megabytes(size: int) -> str:
    return f"{size / 1024**2:.2f} MB"


def log_tail(measurement: Measurement, lines: int = 5) -> str:
    text = measurement.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return "\n".join("    " + line for line in text[-lines:])


# --- 1. speed against the plain two-step -------------------------------------------------------


def workbook_command(out_dir: Path, *parameters: str) -> list[list[str]]:
    return [[tool("workbook"), "run", "demand_study", *parameters, "--quiet", "--out", str(out_dir)]]


def two_step_commands(out_notebook: Path) -> list[list[str]]:
    return [
        [tool("papermill"), NOTEBOOK, str(out_notebook), "-p", "interactive", "False",
         "--kernel", KERNEL, "--no-progress-bar"],
        [tool("jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_notebook)],
    ]


def bench_speed(repeat: int) -> bool:
    """Time workbook run against papermill + nbconvert; print the medians and the ratio."""
    speed_dir = OUT / "speed"
    candidates = {
        "workbook run": workbook_command(speed_dir),
        "papermill + nbconvert": two_step_commands(speed_dir / "two-step.ipynb"),
    }
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for round_number in range(repeat + 1):  # round 0 is the untimed warm-up
        for name, commands in candidates.items():
            what = "warm-up" if round_number == 0 else f"run {round_number}/{repeat}"
            progress(f"speed: {name}, {what}")
            label = f"speed-{name.split()[0]}-{round_number}"
            result = measure(commands, label)
            if not result.ok:
                print(f"{name} failed (exit code {result.returncode}); see {result.log}:")
                print(log_tail(result))
                return False
            if round_number:
                times[name].append(result.seconds)
    workbook, two_step = (statistics.median(times[name]) for name in candidates)
    ratio = workbook / two_step
    print(
        f"workbook run: {workbook:.1f} s (median of {repeat}); papermill + nbconvert: "
        f"{two_step:.1f} s; ratio {ratio:.2f} (target <= {SPEED_TARGET}): "
        f"{verdict(ratio <= SPEED_TARGET)}"
    )
    print("  each run, s: " + "; ".join(
        f"{name} " + ", ".join(f"{t:.1f}" for t in times[name]) for name in candidates
    ))
    return True


# --- 2. scale -----------------------------------------------------------------------------------


def write_demand_csv(rows: int, path: Path) -> None:
    """Write a synthetic log of ``rows`` rows exactly as ``write_sample`` writes the sample."""
    from workbook_helpers.data.samples import demand

    # as_export is the one place the export format (day-first dates, yes/no, blanks) is defined;
    # write_sample only takes a seed, so borrow its two steps rather than copy the format here.
    export = demand.as_export(demand.make_demand_log(rows=rows))
    export.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


@dataclass
class ScaleRun:
    rows: int
    csv_bytes: int
    measurement: Measurement
    html_bytes: int | None


def run_at_scale(rows: int) -> ScaleRun:
    data_dir = OUT / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    csv = data_dir / f"demand-{rows}.csv"
    progress(f"scale: writing {rows:,} rows to {csv.relative_to(REPO)}")
    write_demand_csv(rows, csv)

    out_dir = OUT / f"rows-{rows}"
    shutil.rmtree(out_dir, ignore_errors=True)  # so a failed run cannot show an old report
    progress(f"scale: workbook run on {rows:,} rows")
    result = measure(
        workbook_command(out_dir, "-p", "demand_path", str(csv.relative_to(REPO))), f"rows-{rows}",
        sample_every=TREE_SAMPLE_SECONDS,
    )
    html = out_dir / "demand_study-all-teams.html"
    html_bytes = html.stat().st_size if result.ok and html.exists() else None
    return ScaleRun(rows, csv.stat().st_size, result, html_bytes)


def print_scale_run(run: ScaleRun) -> None:
    m = run.measurement
    status = "finished" if m.ok else f"FAILED (exit code {m.returncode}; see {m.log})"
    html = megabytes(run.html_bytes) if run.html_bytes is not None else "none"
    tree = megabytes(m.tree_peak_bytes) if m.tree_peak_bytes else "not sampled"
    print(
        f"{run.rows:,} rows: CSV {megabytes(run.csv_bytes)}; {status} in {m.seconds:.1f} s; "
        f"peak memory {tree} whole tree, {megabytes(m.peak_bytes)} largest process; HTML {html}"
    )
    if not m.ok:
        print(log_tail(m))


def print_scale_targets(small: ScaleRun, large: ScaleRun | None) -> None:
    for run in (small, large):
        if run is not None and run.html_bytes is not None:
            print(
                f"  HTML at {run.rows:,} rows {megabytes(run.html_bytes)} (target < 600 KB): "
                f"{verdict(run.html_bytes < HTML_TARGET_BYTES)}"
            )
    if large is None:
        print("  large run: skipped (--skip-large)")
        return
    print(f"  large run finishes: {verdict(large.measurement.ok)}")
    if not large.measurement.ok:
        return
    peak = large.measurement.tree_peak_bytes or large.measurement.peak_bytes
    which = "whole tree" if large.measurement.tree_peak_bytes else "largest process"
    print(
        f"  peak memory at {large.rows:,} rows {peak / 1024**3:.2f} GB, {which} "
        f"(target < 1.5 GB): {verdict(peak < MEMORY_TARGET_BYTES)}"
    )
    if small.html_bytes and large.html_bytes:
        growth = large.html_bytes / small.html_bytes
        print(
            f"  HTML size {large.rows:,} / {small.rows:,} rows: ratio {growth:.3f} "
            f"(target <= {HTML_GROWTH_TARGET}): {verdict(growth <= HTML_GROWTH_TARGET)}"
        )


def bench_scale(rows_large: int, skip_large: bool) -> None:
    small = run_at_scale(SMALL_ROWS)
    print_scale_run(small)
    large = None
    if not skip_large:
        large = run_at_scale(rows_large)
        print_scale_run(large)
    print_scale_targets(small, large)


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows-large", type=int, default=1_000_000, metavar="N",
                        help="rows in the large demand log (default: 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="timed runs of each command in the speed test (default: 3)")
    parser.add_argument("--skip-large", action="store_true", help="run the 10,000-row log only")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, not {args.repeat}")
    if args.rows_large < 1:
        parser.error(f"--rows-large must be at least 1, not {args.rows_large}")
    return args


def machine_line() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs; load average {load}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    LOGS.mkdir(parents=True, exist_ok=True)
    for stale in LOGS.glob("*.log"):
        stale.unlink()
    print(f"Demand study benchmark, Python {sys.version.split()[0]} at {sys.executable}")
    print(f"Machine: {machine_line()}")
    started = time.perf_counter()

    print("\n1. Speed on the sample data (data/sample/demand.csv)")
    if not bench_speed(args.repeat):
        return 1
    print("\n2. Scale")
    bench_scale(args.rows_large, args.skip_large)

    print(f"\nDone in {time.perf_counter() - started:.0f} s. Machine after: {machine_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
