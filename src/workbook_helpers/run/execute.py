"""Running a workbook: parameters in, report out.

:func:`run_workbook` executes a workbook's notebook with papermill, reads back the summary the
notebook recorded, and writes three files named after the workbook and team: the HTML report,
the executed notebook and the JSON summary. Everything is written under a temporary name first
and renamed into place only when the whole run succeeded, so a failed run leaves no report behind.
The parameters are checked by :mod:`workbook_helpers.run.parameters`, the kernel started and
stopped by :mod:`workbook_helpers.run.kernel`, and the files named by :mod:`workbook_helpers.run.naming`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from workbook_helpers import __version__, clock
from workbook_helpers.exceptions import DataError, ParameterError, RunError
from workbook_helpers.formatting import fmt_duration
from workbook_helpers.run.naming import (
    NOTEBOOK_SUFFIX, PDF_SUFFIX, REPORT_SUFFIX, SUMMARY_SUFFIX, failed_notebook, scratch_folder, single_run_stem,
)
from workbook_helpers.run.kernel import TimeLimit, default_kernel, shutdown, start_kernel
from workbook_helpers.outputs import SUMMARY_MIMETYPE, json_safe
from workbook_helpers.run.parameters import check_parameters, default_parameters
from workbook_helpers.run.registry import Workbook, get_workbook

@dataclass
class RunResult:
    """What a successful run wrote."""

    workbook: str
    html: Path
    notebook: Path
    summary_path: Path
    summary: dict = field(repr=False)
    pdf: Path | None = None

    @property
    def paths(self) -> list[Path]:
        return [self.html, *([self.pdf] if self.pdf else []), self.notebook, self.summary_path]


def run_workbook(
    name: str,
    parameters: dict | None = None,
    out_dir: str | Path = "reports",
    progress: bool = True,
    kernel_name: str | None = None,
    stem: str | None = None,
    time_limit: float | None = None,
    pdf: bool = False,
    keep_failed: bool = False,
    notes: list[str] | None = None,
) -> RunResult:
    """Execute a workbook and write its report, executed notebook and JSON summary (and the
    report as a PDF, with ``pdf``).

    Parameters
    ----------
    name:
        The workbook, e.g. ``"demand_study"``.
    parameters:
        Values for the notebook's ``parameters`` cell; the rest keep their defaults.
    out_dir:
        Folder for the three files, named ``<workbook>-<team>[-<service>].html|.ipynb|.json``
        (see :func:`workbook_helpers.run.naming.single_run_stem`).
    progress:
        Show papermill's progress bar of cells run.
    kernel_name:
        Jupyter kernel to run in; by default the suite's own kernel if registered, else this
        Python.
    stem:
        The name the three files share, instead of :func:`workbook_helpers.run.naming.single_run_stem`'s.
    time_limit:
        Seconds the run may take from the kernel's start; past it the kernel is stopped and the
        run fails with a :class:`RunError` saying so (``error_name`` ``"TimeLimit"``).
    pdf:
        Also write ``<stem>.pdf``, the report printed by headless Chromium (:mod:`workbook_helpers.report.pdf`);
        without Chromium a :class:`ParameterError` says what to install, before anything runs.
    notes:
        Warnings about how the run was asked for (a setting it could not use), for the report's
        title block and the JSON summary's ``warnings``, with those :func:`setting_notes` finds.
    keep_failed:
        Keep the notebook as far as it ran (``<stem>.failed.ipynb``) when bad data stops it too,
        as a batch does; a run that fails for another reason always keeps it.

    Raises
    ------
    ParameterError, DataError
        Before anything runs, or from inside the notebook (bad data): exit code 2.
    RunError
        The notebook failed for another reason (including its kernel dying or the time limit);
        no report is written.
    """
    started = time.perf_counter()
    workbook = get_workbook(name)
    chromium = None
    if pdf:
        from workbook_helpers.report.pdf import find_chromium

        chromium = find_chromium()  # before the run, so a missing browser costs nothing
    # Start the kernel first: it boots and imports the workbook's modules while this process
    # imports papermill and checks the parameters, instead of one after the other.
    kernel = start_kernel(workbook, kernel_name or default_kernel())
    watchdog = TimeLimit(kernel, time_limit) if time_limit else None
    try:
        return _run_in_kernel(workbook, kernel, parameters or {}, Path(out_dir), progress, started, stem,
                              chromium, keep_failed, notes)
    except RunError as error:
        if watchdog is not None and watchdog.fired:
            raise RunError(
                workbook.name, f"it ran over its time limit of {fmt_duration(time_limit, words=True)} "
                "and was stopped", error.cell, "TimeLimit", error.details,
            ) from None
        raise
    finally:
        if watchdog is not None:
            watchdog.cancel()
        shutdown(kernel)


def _run_in_kernel(
    workbook: Workbook, kernel, parameters: dict, out_dir: Path, progress: bool, started: float,
    stem: str | None, chromium: str | None = None, keep_failed: bool = False, notes: list[str] | None = None,
) -> RunResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from workbook_helpers.present.chart_svg import ChartRenderer
    from workbook_helpers.report.html import render_report

    checked = check_parameters(workbook, parameters)
    stem = stem or single_run_stem(workbook.name, checked)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        scratch = scratch_folder(out_dir, stem, uuid.uuid4().hex[:8])
        scratch.mkdir()
    except OSError as error:
        raise ParameterError(
            f"Cannot write to the output folder {out_dir}: {error.strerror or error}. "
            "Give --out a folder you can write to."
        ) from None
    renderer = _CHARTS.renderer = ChartRenderer()
    try:
        try:
            executed = papermill.execute_notebook(
                str(workbook.notebook),
                str(scratch / f"{stem}{NOTEBOOK_SUFFIX}"),
                parameters=checked,
                progress_bar=progress,
                kernel_name=kernel.kernel_name,
                km=kernel,
                log_output=False,
                engine_name=_final_save_engine(),
            )
        except PapermillExecutionError as error:
            translated = _translate(workbook, error, checked)
            if isinstance(translated, RunError):
                translated.details.append(_keep_failed(scratch / f"{stem}{NOTEBOOK_SUFFIX}", out_dir, stem))
            elif keep_failed:  # bad data in a batch: the notebook as far as it ran, as for any failure
                _keep_failed(scratch / f"{stem}{NOTEBOOK_SUFFIX}", out_dir, stem)
            raise translated from None
        except Exception as error:  # the kernel died, timed out, or could not start
            failed = RunError(workbook.name, f"{type(error).__name__}: {_first_line(str(error))}",
                              _running_cell(scratch / f"{stem}{NOTEBOOK_SUFFIX}"), type(error).__name__)
            if failed.cell is not None:
                failed.details.append(_keep_failed(scratch / f"{stem}{NOTEBOOK_SUFFIX}", out_dir, stem))
            raise failed from None
        effective = {**default_parameters(workbook), **checked}
        summary = _summary(executed, workbook, effective, started)
        unused = [*(notes or []), *setting_notes(workbook, effective, summary)]
        summary["warnings"] = [*(summary.get("warnings") or []), *unused]
        try:
            html = render_report(executed, str(checked.get("title") or workbook.title), summary, renderer,
                                 notes=unused)
            (scratch / f"{stem}{REPORT_SUFFIX}").write_text(html, encoding="utf-8")
            (scratch / f"{stem}{SUMMARY_SUFFIX}").write_text(
                json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except Exception as error:  # a report that cannot be written is a failed run, not a crash
            raise RunError(workbook.name, f"writing the report: {type(error).__name__}: {error}") from None
        suffixes = [NOTEBOOK_SUFFIX, SUMMARY_SUFFIX, REPORT_SUFFIX]
        if chromium:
            from workbook_helpers.report.pdf import write_pdf

            try:
                write_pdf(scratch / f"{stem}{REPORT_SUFFIX}", scratch / f"{stem}{PDF_SUFFIX}", chromium)
            except RunError as error:
                raise RunError(workbook.name, f"writing the PDF: {error.summary}") from None
            suffixes.append(PDF_SUFFIX)
        failed_notebook(out_dir, stem).unlink(missing_ok=True)  # an earlier failure, now fixed
        finals = {}
        for suffix in suffixes:
            final = out_dir / f"{stem}{suffix}"
            os.replace(scratch / f"{stem}{suffix}", final)
            finals[suffix] = final
    finally:
        _CHARTS.renderer = None
        renderer.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return RunResult(workbook.name, finals[REPORT_SUFFIX], finals[NOTEBOOK_SUFFIX], finals[SUMMARY_SUFFIX], summary,
                     finals.get(PDF_SUFFIX))


class _RunCharts:
    """The chart renderer of the run going on in this process, which the engine hands each chart
    to as soon as its cell has run (a process runs one workbook at a time)."""

    renderer = None


_CHARTS = _RunCharts()


def _final_save_engine() -> str:
    """Papermill's engine, saving the executed notebook once, when execution ends (run, failed or
    its kernel dead), instead of also at every cell's start and end: each save writes the whole
    notebook, charts and all, about a second of this process's time per run. The final save
    still says which cell was running when a kernel died (see :func:`_running_cell`)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.exceptions import PapermillException

    name = "service-workbooks"
    try:
        papermill_engines.get_engine(name)
        return name
    except PapermillException:  # not registered yet in this process
        pass

    class FinalSaveManager(NotebookExecutionManager):
        final = False

        def save(self, **kwargs):
            if self.final:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):
            self.final = True
            super().notebook_complete(**kwargs)

        def cell_complete(self, cell, cell_index=None, **kwargs):
            super().cell_complete(cell, cell_index=cell_index, **kwargs)
            renderer = _CHARTS.renderer
            if renderer is not None:  # draw the cell's charts while the next cells run
                from workbook_helpers.report.html import output_chart_spec

                for output in cell.get("outputs", []):
                    spec = output_chart_spec(output)
                    if spec is not None:
                        renderer.submit(spec)

    class FinalSaveEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            # As papermill's Engine.execute_notebook, with the manager above.
            manager = FinalSaveManager(nb, output_path=output_path, progress_bar=progress_bar,
                                       log_output=log_output, autosave_cell_every=autosave_cell_every)
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()
            return manager.nb

    papermill_engines.register(name, FinalSaveEngine)
    return name


def _translate(workbook: Workbook, error, parameters: dict | None = None) -> Exception:
    """Turn a notebook's exception into the suite's: bad data stays a DataError (exit code 2)."""
    message = _strip_ansi(error.evalue or "")
    found = _data_file(workbook, message, parameters or {}) if error.ename == "DataError" else None
    if found and "column map" in message:
        message += f"\nGive this file's column map as -p {found[1]} MAP.yaml."
    cell = (error.cell_index + 1) if error.cell_index is not None else None
    if error.ename in {"DataError", "ParameterError"}:
        kind = DataError.from_text if error.ename == "DataError" else ParameterError
        translated = kind(message)
        translated.cell = cell  # where the notebook stopped, for a batch's record of the run
        if found:  # the command that lists every problem in the file, for a batch's table and index
            path, map_parameter, dataset = found
            column_map = (parameters or {}).get(map_parameter)
            translated.validate = f'workbook validate {dataset} "{path}"' + (f' --map "{column_map}"' if column_map else "")
        return translated
    return RunError(workbook.name, f"{error.ename}: {_first_line(message)}", cell, error.ename)


def _data_file(workbook: Workbook, message: str, parameters: dict) -> tuple[str, str, str] | None:
    """The data file a DataError's message is about: (its path, its column-map parameter, what
    `workbook validate` calls its dataset), or None when it names none of the run's files."""
    from workbook_helpers.data.datasets import DATASETS

    first_line = message.splitlines()[0] if message else ""
    for data_parameter, map_parameter, dataset in workbook.data_files:
        path = parameters.get(data_parameter)
        if path and first_line.endswith(f" in {path}:"):
            known = DATASETS.get(dataset)
            return str(path), map_parameter, known.command if known else dataset
    return None


def _keep_failed(partial: Path, out_dir: Path, stem: str) -> str:
    """Keep the notebook as far as it ran, with the full error, under a name no report has."""
    if not partial.exists():
        return "The notebook stopped before anything was saved."
    failed = failed_notebook(out_dir, stem)
    os.replace(partial, failed)
    return f"The notebook as far as it ran, with the full error, is in {failed}."


def _running_cell(partial: Path) -> int | None:
    """The cell (1-based) that was running when execution stopped: the last one papermill
    stamped with a start time in the notebook it saved as execution ended; None if nothing was
    saved."""
    try:
        cells = json.loads(partial.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    started = [number for number, cell in enumerate(cells, 1)
               if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "(no message)"


def setting_notes(workbook: Workbook, parameters: dict, summary: dict) -> list[str]:
    """Settings asked for that this run could not use, in words: free text asked for in a
    report for an audience that may not see it (the report policy's own check)."""
    from workbook_helpers.privacy.policy import OLDER_NAMES, ReportPolicy

    context = summary.get("context") or {}
    audience = context.get("audience") or OLDER_NAMES.get(str(context.get("privacy")), "team")
    policy = ReportPolicy(audience, context.get("suppress_below", 5))
    who = {"organisation": "directors and managers of the organisation",
           "public": "anyone (a public report)"}.get(policy.audience, policy.audience)
    return [
        f"{name} is True, but this report is for {who}, and only the team's own report shows free "
        "text, so it was left out. For the team's report with it, run with audience team."
        for name in workbook.free_text
        if parameters.get(name) is True and not policy.allows_text(True)
    ]


def _summary(executed, workbook: Workbook, parameters: dict, started: float) -> dict:
    recorded = None
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if SUMMARY_MIMETYPE in output.get("data", {}):
                recorded = output["data"][SUMMARY_MIMETYPE]
    if recorded is None:
        raise RunError(workbook.name, "the notebook did not record a summary (record_summary).")
    wanted = parameters.get("audience")
    applied = (recorded.get("context") or {}).get("audience")
    if wanted is not None and applied != wanted:
        # The shared pipeline, not each notebook, guarantees what a report may show: a notebook
        # that did not apply the audience asked for gets no report.
        raise RunError(
            workbook.name,
            f'the report was asked to be for "{wanted}" but the notebook applied "{applied}" '
            "(it must call set_policy(audience, suppress_below, privacy) before showing anything).",
        )
    return {
        "workbook": workbook.name,
        "workbook_title": workbook.title,
        "title": str(parameters.get("title") or workbook.title),
        "parameters": json_safe(parameters),
        **recorded,
        "version": __version__,
        "generated_at": clock.now().isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 2),
    }
