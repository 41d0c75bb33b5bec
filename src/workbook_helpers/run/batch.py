"""Batch runs: every workbook for every team from one plan, in parallel, resumable, with an index.

:func:`run_batch` takes a checked plan (:func:`workbook_helpers.run.plan.load_plan`), skips the
runs whose inputs, parameters and suite version are unchanged since they last succeeded (the
manifest, :mod:`workbook_helpers.run.manifest`), runs the rest side by side, each in its own
kernel, in a pool of worker processes (:mod:`workbook_helpers.run.workers`) or on a Dask cluster
(:mod:`workbook_helpers.run.cluster`), records every run in ``OUT/manifest.json`` as it
finishes, and writes ``OUT/index.html``. Each run writes
``OUT/<team folder>/<workbook>.html|.ipynb|.json`` (names from :mod:`workbook_helpers.run.naming`)
through :func:`workbook_helpers.run.execute.run_workbook`, which renames files into place only
when the whole run succeeded. What the terminal shows is :mod:`workbook_helpers.run.progress`.

Kept free of heavy imports at module level, so worker processes and the ``workbook`` command
start quickly.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.report.index import write_index
from workbook_helpers.run.cluster import check_dask_address, run_dask
from workbook_helpers.run.manifest import Manifest, fingerprint_files
from workbook_helpers.run.plan import Plan, PlannedRun, select_runs
from workbook_helpers.run.progress import SilentProgress
from workbook_helpers.run.workers import remove_partials, run_local, task_for


@dataclass
class BatchResult:
    """How a batch went: every selected run's line for the end table, and the exit code."""

    plan: Plan
    rows: list[dict] = field(default_factory=list)  # key, team, workbook, status, seconds, error, cell
    left: list[str] = field(default_factory=list)  # keys not finished when the batch was stopped
    stopped_by: int | None = None  # the signal that stopped it
    seconds: float = 0.0
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.stopped_by is not None:
            return 128 + self.stopped_by
        return 1 if any(row["status"] == "failed" for row in self.rows) else 0


class _BatchLock:
    """``OUT/.batch.lock``, held while a batch writes to ``OUT`` so that two batches cannot write
    to one folder at once, and removed when the batch ends.

    The lock is the file's advisory lock (``flock``), not its existence: a batch killed outright
    leaves the file behind, and the next batch takes it over. Removing the file on release could
    let a batch that opened it just before lock a file no longer in the folder, so each batch
    checks, once it holds the lock, that the file it locked is still the one at the path."""

    def __init__(self, out: Path):
        self.path = out / ".batch.lock"
        self.handle = None
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here; one batch at a time is on the user
            return
        while True:
            try:
                handle = open(self.path, "a+")
            except OSError as error:  # a folder this user may not write to
                raise ParameterError(f"Cannot write to the output folder {out}: {error.strerror or error}.") from None
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise ParameterError(f"Another batch is writing to {out} now; wait for it to finish.") from None
            try:
                same = os.fstat(handle.fileno()).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.handle = handle
                return
            handle.close()  # removed by the batch that held it as this one opened it: try again

    def close(self) -> None:
        if self.handle is not None:
            self.path.unlink(missing_ok=True)  # while still held, so no other batch holds it
            self.handle.close()
            self.handle = None


def _lock(out: Path) -> _BatchLock:
    """Hold ``OUT/.batch.lock`` (see :class:`_BatchLock`) until its ``close()``."""
    return _BatchLock(out)


def run_batch(
    plan: Plan,
    workers: int | None = None,
    only: list[str] | None = None,
    force: bool = False,
    dask_address: str | None = None,
    progress=None,
) -> BatchResult:
    """Run a checked plan: skip unchanged runs, run the rest in parallel, keep the manifest and
    write the index.

    Parameters
    ----------
    plan:
        From :func:`load_plan`.
    workers:
        Local worker processes (default: the number of CPU cores); ignored with ``dask_address``.
    only:
        Shell-style patterns choosing some runs (see :func:`select_runs`); the others are left as
        they were.
    force:
        Run every chosen run, changed or not.
    dask_address:
        A Dask distributed scheduler (``tcp://host:8786``) to run on instead of local processes.
    progress:
        Something with ``start(total, skipped, where)``, ``started(task)``, ``finished(task,
        outcome)`` and ``close()``; by default nothing is shown.

    Ctrl-C or SIGTERM stops the batch: no more runs start, running ones are stopped (their
    kernels shut down, their scratch folders removed), the manifest keeps what finished and
    records the rest as ``interrupted`` or ``not run`` (so that the next invocation, without
    ``force``, does exactly those), and ``exit_code`` is 130 or 143.
    """

    clock = time.perf_counter()
    out = plan.out
    chosen = select_runs(plan, only)
    if dask_address:
        check_dask_address(dask_address)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ParameterError(f"Cannot write to the output folder {out}: {error.strerror or error}.") from None
    lock = _lock(out)
    result = BatchResult(plan)
    try:
        manifest = Manifest(out, plan)
        if manifest.note:
            print(manifest.note, file=sys.stderr)
        for folder in {run.folder for run in plan.runs}:
            remove_partials(out, folder)  # left by a batch that was killed outright
        by_key = {run.key: run for run in plan.runs}
        fingerprints = {run.key: fingerprint_files(run.inputs) for run in chosen}
        to_run, rows = [], {}
        for run in chosen:
            if not force and manifest.unchanged(run, fingerprints[run.key], out):
                rows[run.key] = _row(run, "skipped", manifest.runs[run.key])
            else:
                to_run.append(run)
                rows[run.key] = _row(run, "not run", {})
        progress = progress or SilentProgress()
        processes = min(workers or os.cpu_count() or 1, max(1, len(to_run)))
        where = f"Dask at {dask_address}" if dask_address else \
            f"{processes} worker process{'' if processes == 1 else 'es'}"
        progress.start(len(to_run), len(chosen) - len(to_run), where)

        def on_start(task):
            progress.started(task)

        def on_done(task, outcome):
            run = by_key[task["key"]]
            entry = manifest.record(run, fingerprints[run.key], outcome)
            manifest.save()
            rows[run.key] = _row(run, outcome["status"], entry)
            progress.finished(task, outcome)

        stop = _StopSignals()
        tasks = [task_for(run, out) for run in to_run]
        try:
            with stop:
                if not tasks:
                    left = []
                elif dask_address:
                    left = run_dask(dask_address, tasks, progress.running_now, on_done, stop.requested)
                else:
                    left = run_local(tasks, workers or os.cpu_count() or 1, out / ".logs", on_start, on_done,
                                     stop.requested)
        finally:
            progress.close()  # before any message about an unreachable scheduler
        result.stopped_by = stop.signum
        if stop.signum is not None:
            finished = {key for key, row in rows.items() if row["status"] in {"ok", "failed", "skipped"}}
            result.left = [run.key for run in to_run if run.key not in finished]
            for task in left:
                run = by_key[task["key"]]
                entry = manifest.record(run, fingerprints[run.key], {"status": "interrupted", "started": None})
                rows[run.key] = _row(run, "interrupted", entry)
            # The runs that never started are recorded as not run, so that the next invocation
            # (without --force) does them: an earlier success of theirs would otherwise count as
            # unchanged and be skipped, after a --force batch or a change to its data.
            for key in result.left:
                if rows[key]["status"] == "not run":
                    manifest.record(by_key[key], fingerprints[key], {"status": "not run", "started": None})
        manifest.save()
        for folder in {run.folder for run in plan.runs}:
            try:
                (out / folder).rmdir()  # a team folder left empty by failed or stopped runs
            except OSError:
                pass
        result.rows = [rows[run.key] for run in chosen]
        result.index = write_index(plan, manifest.runs, out)
    finally:
        lock.close()
    result.seconds = time.perf_counter() - clock
    return result


def _row(run: PlannedRun, status: str, entry: dict) -> dict:
    return {
        "key": run.key, "team": run.team_label, "workbook": run.stem, "status": status,
        "seconds": entry.get("seconds") if status != "skipped" else None,
        "error": entry.get("error"), "cell": entry.get("cell"),
        "html": (entry.get("outputs") or {}).get("html"),
    }


class _StopSignals:
    """While active, Ctrl-C and SIGTERM ask the batch to stop instead of killing it outright."""

    def __init__(self):
        self.signum: int | None = None
        self._previous: dict = {}

    def requested(self) -> bool:
        return self.signum is not None

    def _handle(self, signum, frame):
        self.signum = self.signum or signum

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._handle)
            except ValueError:  # not the main thread: leave signals as they are
                pass
        return self

    def __exit__(self, *exc):
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
