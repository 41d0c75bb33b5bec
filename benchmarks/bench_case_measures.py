"""Benchmark the case measures: 100,000 cases with 3,000,000 events.

Run from the repository root with the suite's Python:

    python benchmarks/bench_case_measures.py [--cases 100000] [--events 3000000] [--repeat 3]

It measures, and prints PASS or MISS against each target:

1. Speed. ``case_measures(events, cases)`` (the fuller call: events and a cases file) on a
   synthetic log, median of ``--repeat`` runs after one warm-up; also ``case_measures(events)``,
   ``cohort_summary`` and ``by_organisation`` for information. Target: under 10 seconds.
2. Memory. Peak resident memory of the process that holds the events and computes the measures
   (``getrusage(RUSAGE_SELF).ru_maxrss``), as a user's kernel would. Target: under 2 GB. Also
   printed: the resident memory with only the data loaded, so the measures' own share shows, and
   the ``tracemalloc`` peak of one ``case_measures`` call (NumPy and pandas allocations; the
   Arrow buffers behind text columns are not traced, so this figure errs low).

The data is generated first, vectorised with NumPy (seeded, so every run measures the same
log), in the shape ``load_events`` and ``load_cases`` return: spreadsheet row numbers as the
index, rows in date order as an export has them, text ``case_id``, ``activity_name`` and
``worker``, categorical ``activity`` (the nine canonical kinds), ``organisation``, ``team`` and
``cohort``, float ``hours``, nullable-boolean ``face_to_face`` and ``value_work`` (about a third
unknown). Each case has its own small set of workers, so handoffs and people involved are
realistic. The log is written as Parquet to ``benchmarks/out/data/`` (git-ignored) and measured
in a fresh process, so the peak memory is that of loading the data and computing the measures,
not of generating it.

Timings are wall-clock: other work on the machine shows up in them; the load average is printed
before and after. Exits 0 when it has run, whatever the verdicts.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "out" / "data"

SECONDS_TARGET = 10.0
MEMORY_TARGET_BYTES = 2 * 1024**3

KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
KIND_SHARES = [0.08, 0.06, 0.22, 0.24, 0.12, 0.06, 0.14, 0.03, 0.05]
LOCAL_NAMES = {  # a few local activity names per kind, as exports spell them
    "assessment": ["Care Act assessment", "OT assessment", "Carer's assessment"],
    "referral": ["CHC referral", "Referral to OT", "Safeguarding referral"],
    "visit": ["Home visit", "Joint visit"],
    "call": ["Phone call", "Call to family"],
    "meeting": ["MDT meeting", "Strategy meeting"],
    "review": ["Case review", "Six-week review"],
    "admin": ["Case notes", "Letter"],
    "closure": ["Case closed"],
    "other": ["Other"],
}
ORGANISATIONS = ["council", "NHS trust", "GP practice", "police", "housing", "voluntary sector"]
ORGANISATION_SHARES = [0.45, 0.25, 0.1, 0.05, 0.1, 0.05]


def generate(n_cases: int, n_events: int, seed: int = 20240401) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic event log and cases file of the sizes asked for (see the module's notes)."""
    if n_events < n_cases:
        raise SystemExit("--events must be at least --cases (every case has an event)")
    rng = np.random.default_rng(seed)
    # Events per case: one each, the rest spread unevenly (a few long, complex cases).
    weight = rng.lognormal(0.0, 0.8, n_cases)
    per_case = 1 + rng.multinomial(n_events - n_cases, weight / weight.sum())
    case = np.repeat(np.arange(n_cases), per_case)

    opened = np.datetime64("2022-04-01") + rng.integers(0, 730, n_cases).astype("timedelta64[D]")
    length = np.ceil(rng.exponential(90, n_cases)).astype(np.int64)  # days a case runs
    day = (rng.random(n_events) * (length[case] + 1)).astype(np.int64)
    day[np.r_[0, np.cumsum(per_case)[:-1]]] = 0  # each case's first event on the day it opened
    date = (opened[case] + day.astype("timedelta64[D]")).astype("datetime64[ns]")

    kind = rng.choice(len(KINDS), n_events, p=KIND_SHARES)
    names = np.array([n for k in KINDS for n in LOCAL_NAMES[k]], dtype=object)
    name_counts = np.array([len(LOCAL_NAMES[k]) for k in KINDS])
    offsets = np.cumsum(name_counts) - name_counts
    local = offsets[kind] + rng.integers(0, 1 << 30, n_events) % name_counts[kind]

    # Each case has up to six workers of its own, the first doing most of the work.
    staff = np.array([f"worker.{i:05d}@council.example" for i in range(5_000)], dtype=object)
    case_staff = rng.integers(0, len(staff), (n_cases, 6))
    slot = np.minimum(rng.geometric(0.45, n_events) - 1, 5)
    worker = case_staff[case, slot]

    organisation = rng.choice(len(ORGANISATIONS), n_events, p=ORGANISATION_SHARES)
    hours = np.round(rng.gamma(1.5, 0.8, n_events) * 4) / 4
    face = rng.random(n_events) < np.where(kind == KINDS.index("visit"), 0.9, 0.25)
    value = rng.random(n_events) < 0.55
    value_known = rng.random(n_events) < 0.65
    team_of_case = rng.integers(0, 20, n_cases)
    cohort_of_case = rng.random(n_cases) < 0.5

    case_ids = np.array([f"C{i:07d}" for i in rng.permutation(np.arange(10_000_000))[:n_cases]], dtype=object)
    teams = [f"Team {i + 1}" for i in range(20)]
    cohorts = ["before", "after"]
    take = np.argsort(date, kind="stable")  # an export lists events by date
    events = pd.DataFrame({
        "case_id": pd.array(case_ids[case[take]], dtype="str"),
        "date": date[take],
        "activity": pd.Categorical.from_codes(kind[take], categories=KINDS),
        "activity_name": pd.array(names[local[take]], dtype="str"),
        "worker": pd.array(staff[worker[take]], dtype="str"),
        "hours": hours[take],
        "face_to_face": pd.array(face[take], dtype="boolean"),
        "organisation": pd.Categorical.from_codes(organisation[take], categories=ORGANISATIONS),
        "team": pd.Categorical.from_codes(team_of_case[case[take]], categories=teams),
        "value_work": pd.array(np.where(value_known[take], value[take], None), dtype="boolean"),
        "cohort": pd.Categorical.from_codes(cohort_of_case[case[take]].astype(np.int8), categories=cohorts),
    }, index=pd.RangeIndex(2, n_events + 2, name="row"))

    closed = (opened + length.astype("timedelta64[D]")).astype("datetime64[ns]")
    closed[rng.random(n_cases) < 0.1] = np.datetime64("NaT")
    predicted = rng.random(n_cases) < 0.5
    returned_known = rng.random(n_cases) < 0.6
    returned = np.where(returned_known, predicted & (rng.random(n_cases) < 0.7), None)
    cases = pd.DataFrame({
        "case_id": pd.array(case_ids, dtype="str"),
        "opened": opened.astype("datetime64[ns]"),
        "closed": closed,
        "predicted_return": pd.array(predicted, dtype="boolean"),
        "returned": pd.array(returned, dtype="boolean"),
        "cohort": pd.Categorical.from_codes(cohort_of_case.astype(np.int8), categories=cohorts),
        "team": pd.Categorical.from_codes(team_of_case, categories=teams),
    }, index=pd.RangeIndex(2, n_cases + 2, name="row"))
    return events, cases


def rss_bytes() -> int:
    """Resident memory of this process now (Linux), in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def timed(function, repeat: int) -> tuple[float, list[float], object]:
    function()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def measure(events_path: Path, cases_path: Path, repeat: int) -> dict:
    """Load the data, time the measures and record memory (runs in its own process)."""
    from workbook_helpers.measures.case_summaries import by_organisation, cohort_summary
    from workbook_helpers.measures.cases import case_measures

    events = pd.read_parquet(events_path)
    cases = pd.read_parquet(cases_path)
    gc.collect()
    figures = {"rss_data_bytes": rss_bytes(), "peak_rss_after_load_bytes": peak_rss_bytes()}
    figures["case_measures_with_cases"] = timed(lambda: case_measures(events, cases), repeat)[:2]
    seconds, times, measures = timed(lambda: case_measures(events), repeat)
    figures["case_measures_events_only"] = (seconds, times)
    with_cases = case_measures(events, cases)
    figures["cohort_summary"] = timed(lambda: cohort_summary(with_cases, include_all=True), repeat)[:2]
    figures["by_organisation"] = timed(lambda: by_organisation(events), repeat)[:2]
    figures["peak_rss_bytes"] = peak_rss_bytes()
    figures["rows_out"] = len(with_cases)
    figures["events_in"] = len(events)
    figures["handoffs_total"] = int(with_cases["handoffs"].sum())
    del measures, with_cases
    gc.collect()
    tracemalloc.start()
    case_measures(events, cases)
    figures["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return figures


def gib(value: float) -> str:
    return f"{value / 1024**3:.2f} GB"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each call (median shown)")
    parser.add_argument("--measure", nargs=2, metavar=("EVENTS", "CASES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:  # the child process: print the figures as JSON for the parent
        print(json.dumps(measure(Path(args.measure[0]), Path(args.measure[1]), args.repeat)))
        return 0

    sys.stdout.reconfigure(line_buffering=True)  # keep stdout and stderr lines in order
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    started = time.perf_counter()
    events, cases = generate(args.cases, args.events)
    DATA.mkdir(parents=True, exist_ok=True)
    events_path = DATA / f"case-events-{args.events}.parquet"
    cases_path = DATA / f"cases-{args.cases}.parquet"
    events.to_parquet(events_path)
    cases.to_parquet(cases_path)
    print(f"generated {len(cases):,} cases, {len(events):,} events in {time.perf_counter() - started:.1f} s "
          f"-> {events_path.relative_to(REPO)}", file=sys.stderr)
    del events, cases
    gc.collect()

    child = subprocess.run(
        [sys.executable, __file__, "--repeat", str(args.repeat),
         "--measure", str(events_path), str(cases_path)],
        capture_output=True, text=True, cwd=REPO,
    )
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr)
        print("The measurement process failed.")
        return 0
    figures = json.loads(child.stdout.strip().splitlines()[-1])

    def line(name: str) -> str:
        median, times = figures[name]
        return f"{median:6.2f} s median  (runs: {', '.join(f'{t:.2f}' for t in times)})"

    seconds = figures["case_measures_with_cases"][0]
    peak = figures["peak_rss_bytes"]
    print(f"\ncase measures on {args.cases:,} cases, {figures['events_in']:,} events "
          f"({figures['rows_out']:,} rows out, {figures['handoffs_total']:,} handoffs)")
    print(f"  case_measures(events, cases)   {line('case_measures_with_cases')}")
    print(f"  case_measures(events)          {line('case_measures_events_only')}")
    print(f"  cohort_summary(measures)       {line('cohort_summary')}")
    print(f"  by_organisation(events)        {line('by_organisation')}")
    print(f"  memory: resident with the data loaded {gib(figures['rss_data_bytes'])}; "
          f"peak while loading {gib(figures['peak_rss_after_load_bytes'])}; "
          f"process peak {gib(peak)}; tracemalloc peak of one case_measures call "
          f"{gib(figures['tracemalloc_peak_bytes'])}")
    print(f"\n{verdict(seconds < SECONDS_TARGET)}  speed: case_measures(events, cases) {seconds:.2f} s "
          f"(target < {SECONDS_TARGET:.0f} s; ratio {seconds / SECONDS_TARGET:.2f})")
    print(f"{verdict(peak < MEMORY_TARGET_BYTES)}  memory: process peak {gib(peak)} "
          f"(target < {gib(MEMORY_TARGET_BYTES)}; ratio {peak / MEMORY_TARGET_BYTES:.2f})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
