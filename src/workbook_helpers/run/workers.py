"""Running a batch's runs on this machine: one task per run, in a pool of worker processes.

Each worker process runs the tasks it is handed one at a time, each in a kernel of its own
(:func:`execute_task`, which never raises for a failed run: a failure is an outcome). The pool
stops a run that goes far past its time limit, replaces a worker that dies, and on a request to
stop shuts every kernel down and removes the runs' scratch folders.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
import traceback
from collections import deque
from pathlib import Path

from workbook_helpers.exceptions import DataError, RunError, WorkbookError
from workbook_helpers.run.manifest import timestamp
from workbook_helpers.run.naming import failed_notebook, scratch_pattern
from workbook_helpers.run.plan import PlannedRun, one_line

# How long past its time limit a local run may go before its worker process is killed (the
# limit itself stops the kernel from inside the worker; this catches a worker that hangs).
BACKSTOP_SECONDS = 30
# How long stopping workers may take (they shut their kernels down) before they are killed.
STOP_GRACE_SECONDS = 8


# --- one run -----------------------------------------------------------------------------------


def task_for(run: PlannedRun, out: Path) -> dict:
    """What a worker needs to do ``run``: plain values only, so it pickles for Dask."""
    return {
        "key": run.key, "workbook": run.workbook, "parameters": run.parameters, "folder": run.folder,
        "stem": run.stem, "time_limit": run.time_limit, "out": str(out.resolve()), "pdf": run.pdf,
    }


def execute_task(task: dict) -> dict:
    """Run one task with :func:`~workbook_helpers.run.execute.run_workbook` into
    ``task["out"]/<folder>`` and say how it went: status ``ok`` or ``failed``, times, the output
    paths (relative to ``task["out"]``), and for a failure its first line and cell. Never raises
    for a failed run; a failure is an outcome."""
    from workbook_helpers.run.execute import run_workbook

    out = Path(task["out"])
    started, clock = timestamp(), time.perf_counter()
    outcome = {"key": task["key"], "status": "failed", "started": started, "outputs": {}}
    kept = failed_notebook(out / task["folder"], task["stem"])
    kept.unlink(missing_ok=True)  # an earlier failure's; this run makes its own
    try:
        result = run_workbook(
            task["workbook"], task["parameters"], out_dir=out / task["folder"], progress=False,
            stem=task["stem"], time_limit=task["time_limit"], pdf=task.get("pdf", False), keep_failed=True,
        )
        outcome["status"] = "ok"
        outcome["outputs"] = {
            kind: path.relative_to(out).as_posix()
            for kind, path in (("html", result.html), ("pdf", result.pdf), ("notebook", result.notebook),
                               ("summary", result.summary_path))
            if path is not None
        }
    except WorkbookError as error:
        outcome.update(describe_error(error))
    except Exception as error:  # a bug, not bad data: say what it was, and keep the rest going
        traceback.print_exc()
        outcome.update(error=f"{type(error).__name__}: {one_line(str(error))}", error_kind=type(error).__name__)
    if outcome["status"] == "failed" and kept.is_file():
        outcome["failed_notebook"] = kept.relative_to(out).as_posix()
    outcome["finished"] = timestamp()
    outcome["seconds"] = round(time.perf_counter() - clock, 2)
    return outcome


def describe_error(error: WorkbookError) -> dict:
    """A failed run's record: its error's first line, the cell it stopped in, and its kind."""
    cell = getattr(error, "cell", None)
    if isinstance(error, RunError):
        if error.error_name == "DeadKernelError":
            line = "The kernel running it stopped unexpectedly (it may have run out of memory)"
        else:
            line = error.summary[:1].upper() + error.summary[1:]
        kind = error.error_name or "RunError"
    else:
        line, kind = one_line(str(error)), type(error).__name__
        if isinstance(error, DataError):
            line = _data_problems(str(error), getattr(error, "validate", None))
    return {"error": line, "cell": cell, "error_kind": kind}


def _data_problems(text: str, validate: str | None) -> str:
    """A file's problems on one line: how many, in which file, the first, and the command that
    lists them all ("2 problems in south.csv; the first: Column "received": ... For them all:
    workbook validate demand "south.csv".")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].endswith(":"):
        return one_line(text)
    head = lines[0][:-1]
    first = re.sub(r"^\d+\.\s+", "", lines[1])
    several = not head.startswith("Problem ")
    said = f"{head}; the first: {first}" if several else f"{head}: {first}"
    if validate:
        said = said.rstrip(".") + f". For {'them all' if several else 'the details'}: {validate}"
    return said


def remove_partials(out: Path, folder: str, stem: str | None = None) -> None:
    """Remove what a run stopped from outside left behind: its scratch folder (run_workbook's
    ``.<stem>.partial-*``, or a remote run's ``.remote.partial-*``)."""
    for leftover in (out / folder).glob(scratch_pattern(stem)):
        shutil.rmtree(leftover, ignore_errors=True)


# --- the local pool of workers ----------------------------------------------------------------


def _worker_main(connection, log_path: str) -> None:
    """A worker process: runs the tasks it is sent, one at a time, each in a kernel of its own.
    Ctrl-C is for the batch to handle; SIGTERM from the batch stops the run in hand, shutting
    its kernel down and removing its scratch folder on the way out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # Kernels and libraries print notices; they go to a log, not over the progress line.
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        import papermill  # noqa: F401 (imported once per worker, not once per run)

        from workbook_helpers.run import execute

        from workbook_helpers.report import html as report  # noqa: F401

        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):
                break
            if task is None:
                break
            print(f"{timestamp()} starting {task['key']}", flush=True)
            outcome = execute_task(task)
            print(f"{timestamp()} {outcome['status']} {task['key']}: {outcome.get('error') or ''}", flush=True)
            connection.send(outcome)
    except KeyboardInterrupt:
        print(f"{timestamp()} stopped", flush=True)


class _Worker:
    def __init__(self, context, log_path: Path):
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child_end, str(log_path)), daemon=True)
        self.process.start()
        child_end.close()
        self.connection = parent_end
        self.task: dict | None = None
        self.started = 0.0

    def give(self, task: dict) -> None:
        """Hand ``task`` to the worker. A worker that has died cannot take it (Ctrl-C at a
        terminal reaches a worker still starting up, before it ignores SIGINT): the task stays
        with it, and run_local reports it as interrupted, or as failed with its worker."""
        self.task, self.started = task, time.monotonic()
        try:
            self.connection.send(task)
        except OSError:  # BrokenPipeError, ConnectionResetError: the worker is gone
            pass

    def family(self) -> list:
        """The worker and every process under it (its kernel), found before any is stopped:
        a kernel runs in a session of its own, so only the parent-child links reach it."""
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []


def _stop_workers(workers: list[_Worker], grace: float) -> None:
    """Ask each worker to stop (idle ones are told to leave, busy ones get SIGTERM and shut their
    kernels down), wait up to ``grace`` seconds, then kill whatever is left, kernels included."""
    import psutil

    families = [process for worker in workers for process in worker.family()]
    for worker in workers:
        try:
            if worker.task is None:
                worker.connection.send(None)
            elif worker.process.is_alive():
                os.kill(worker.process.pid, signal.SIGTERM)
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.process.join(max(0.0, deadline - time.monotonic()))
    for process in families:
        try:
            process.kill()  # psutil checks the process is the one found, not a reused id
        except psutil.Error:
            pass
    for worker in workers:
        worker.process.join(1)
        worker.connection.close()


def run_local(tasks: list[dict], workers: int, log_folder: Path, on_start, on_done, stopping) -> list[dict]:
    """Run ``tasks`` in up to ``workers`` worker processes, each run in its own kernel.

    Calls ``on_start(task)`` as a task is handed out and ``on_done(task, outcome)`` as it ends
    (succeeded, failed, its worker died, or it ran far past its time limit). Stops handing out
    work when ``stopping()`` is true, stops the workers and their kernels, and returns the tasks
    that were running then (not finished)."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("spawn")
    queue = deque(tasks)
    pool: list[_Worker] = []
    log_folder.mkdir(parents=True, exist_ok=True)
    for old in log_folder.glob("worker-*.log"):  # each batch's logs start afresh
        old.unlink(missing_ok=True)
    started_workers = 0
    try:
        while queue or any(worker.task for worker in pool):
            if stopping():
                break
            for worker in [w for w in pool if w.task is None and not w.process.is_alive()]:
                pool.remove(worker)  # an idle worker that went away; another takes its place
            for worker in pool:
                if worker.task is None and queue:
                    worker.give(queue.popleft())
                    on_start(worker.task)
            while queue and len(pool) < workers:
                started_workers += 1
                log = log_folder / f"worker-{started_workers}.log"
                worker = _Worker(context, log)
                pool.append(worker)
                worker.give(queue.popleft())
                on_start(worker.task)
            busy = [worker for worker in pool if worker.task is not None]
            ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=0.5))
            for worker in busy:
                task = worker.task
                if worker.connection in ready:
                    try:
                        outcome = worker.connection.recv()
                    except (EOFError, OSError):
                        outcome = None
                    if outcome is not None:
                        worker.task = None
                        on_done(task, outcome)
                        continue
                overdue = time.monotonic() - worker.started > task["time_limit"] + BACKSTOP_SECONDS
                if (worker.process.is_alive() and not overdue) or stopping():
                    continue  # still going; or stopped with the batch, and reported as not finished
                if overdue:
                    _stop_workers([worker], grace=2)
                    error = "It ran over its time limit and its worker was stopped."
                    kind = "TimeLimit"
                else:
                    worker.process.join(1)
                    error = f"The worker process running it stopped unexpectedly (exit code {worker.process.exitcode})."
                    kind = "WorkerDied"
                remove_partials(Path(task["out"]), task["folder"], task["stem"])
                pool.remove(worker)
                worker.task = None
                on_done(task, {"key": task["key"], "status": "failed", "error": error, "error_kind": kind,
                               "seconds": round(time.monotonic() - worker.started, 2), "finished": timestamp()})
    finally:
        left = [worker.task for worker in pool if worker.task is not None]
        _stop_workers(pool, grace=STOP_GRACE_SECONDS)
        for task in left:
            remove_partials(Path(task["out"]), task["folder"], task["stem"])
    return left

