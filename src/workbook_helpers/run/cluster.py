"""Running a batch's runs on a Dask distributed cluster instead of local worker processes.

Each run is one Dask task (:func:`execute_task_remote`) that runs into a folder of the worker's
own and sends its files back; the client puts them in place as a local run would
(:func:`place_files`). The workers need the package, its kernel and the data at the same paths,
not the output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.run.manifest import timestamp
from workbook_helpers.run.naming import FAILED_SUFFIX, SUMMARY_SUFFIX, failed_notebook, scratch_folder
from workbook_helpers.run.plan import one_line
from workbook_helpers.run.workers import execute_task


def check_dask_address(address: str) -> None:
    """Raise a :class:`ParameterError` if ``address`` cannot name a Dask scheduler (an unknown
    scheme such as ``http://``, or no host). Checked before anything is written: the Dask client
    given such an address fails with a traceback and then hangs for a minute as it closes."""
    from distributed.comm import parse_address
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(str(address).strip())
        get_backend(scheme)
        if not location.strip():
            raise ValueError("it names no host")
    except (ValueError, TypeError) as error:
        raise ParameterError(
            f'--dask "{address}" is not the address of a Dask scheduler ({error}); give one like '
            "tcp://10.0.0.5:8786."
        ) from None


def run_dask(address: str, tasks: list[dict], on_running, on_done, stopping) -> list[dict]:
    """Run ``tasks`` on the Dask distributed scheduler at ``address``, one task per run
    (:func:`execute_task_remote`), putting each run's files in place as its result arrives.
    ``on_running(n)`` is told how many the workers have in hand, now and then. Returns the
    tasks not finished when ``stopping()`` became true: they are cancelled (a run already going
    on a worker finishes there, and its result is dropped)."""
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout="30s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ParameterError(f"Cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        futures = {}
        for task in tasks:
            future = client.submit(
                execute_task_remote, task, key=f"workbook-batch-{task['key']}-{uuid.uuid4().hex[:8]}", pure=False,
            )
            futures[future] = task
        pending = as_completed(list(futures), loop=client.loop)
        counted = 0.0
        while not pending.is_empty():
            if stopping():
                break
            if time.monotonic() - counted > 1:  # how many the workers have in hand, for the progress line
                counted = time.monotonic()
                try:
                    on_running(sum(len(keys) for keys in client.processing().values()))
                except Exception:  # only for show
                    pass
            if not pending.has_ready():
                time.sleep(0.2)
                continue
            for future in pending.next_batch(block=False):
                task = futures.pop(future)
                try:
                    outcome = future.result()
                    place_files(Path(task["out"]), outcome.pop("files", {}))
                except Exception as error:  # the task could not run there (missing package, lost worker)
                    outcome = {"key": task["key"], "status": "failed", "finished": timestamp(),
                               "error": f"The Dask cluster could not run it: {type(error).__name__}: "
                                        f"{one_line(str(error))}", "error_kind": type(error).__name__}
                on_done(task, outcome)
        left = list(futures.values())
        if left:
            client.cancel(list(futures))
        return left
    finally:
        client.close()


def execute_task_remote(task: dict) -> dict:
    """:func:`execute_task` on a Dask worker: run into a folder of the worker's own and send the
    files back in the outcome (``files``: name -> bytes), for the client to put in place. The
    worker needs the package, its kernel and the data at the same paths, not the output folder."""
    scratch = Path(tempfile.mkdtemp(prefix="workbook-batch-"))
    try:
        outcome = execute_task({**task, "out": str(scratch)})
        files = {}
        for relative in [*outcome.get("outputs", {}).values(), outcome.get("failed_notebook")]:
            if relative:
                files[relative] = (scratch / relative).read_bytes()
        outcome["files"] = files
        return outcome
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def place_files(out: Path, files: dict[str, bytes]) -> None:
    """Write a remote run's files into ``out`` as a local run would: each under a temporary name,
    renamed into place once all are written; an earlier failed notebook goes once a run succeeds."""
    if not files:
        return
    folder = out / Path(next(iter(files))).parent
    folder.mkdir(parents=True, exist_ok=True)
    scratch = scratch_folder(folder, "remote", uuid.uuid4().hex[:8])
    scratch.mkdir()
    try:
        for relative, content in files.items():
            (scratch / Path(relative).name).write_bytes(content)
        for relative in files:
            os.replace(scratch / Path(relative).name, out / relative)
        if not any(relative.endswith(FAILED_SUFFIX) for relative in files):
            for relative in files:
                if relative.endswith(SUMMARY_SUFFIX):
                    failed_notebook((out / relative).parent, Path(relative).stem).unlink(missing_ok=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

