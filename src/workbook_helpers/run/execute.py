"""Running a workbook: parameters in, report out.

:func:`run_workbook` executes a workbook's notebook with papermill, reads back the summary the
notebook recorded, and writes three files named after the workbook and team: the HTML report,
the executed notebook and the JSON summary. Everything is written under a temporary name first
and renamed into place only when the whole run succeeded, so a failed run leaves no report behind.
"""

from __future__ import annotations

import ast
import hashlib
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
from workbook_helpers.privacy.policy import RUN_AUDIENCE, audience_from, check_audience
from workbook_helpers.run.outputs import SUMMARY_MIMETYPE, YES_NO, find_input, json_safe, project_folder
from workbook_helpers.run.registry import WORKBOOKS, Workbook, get_workbook, is_settings_file, notebooks_folder  # noqa: F401
from workbook_helpers.data.teams import chosen_team

KERNEL_NAME = "service-workbooks"
DEFAULT_TIMEOUT_MINUTES = 60  # a run's time limit unless told otherwise (workbook run, batch)


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


def workbook_parameters(workbook: Workbook) -> dict[str, dict]:
    """The parameters a workbook's ``parameters`` cell declares, with their defaults and help."""
    import papermill

    return papermill.inspect_notebook(str(workbook.notebook))


def default_parameters(workbook: Workbook) -> dict:
    """The defaults written in a workbook's ``parameters`` cell, as Python values."""
    return {name: _literal(spec["default"]) for name, spec in workbook_parameters(workbook).items()}


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def safe_name(text: str, limit: int = 60) -> str:
    """A name fit for a file: lower case letters, digits and hyphens, at most ``limit`` long."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:limit].strip("-")
    return slug or "unnamed"


def _typed(workbook: Workbook, name: str, value, default):
    """A parameter value of the kind its default is: a yes/no setting must be yes or no (text
    such as "no" would otherwise count as true), a count a whole number; dates become ISO text."""
    if hasattr(value, "isoformat") and not isinstance(value, str):  # a date from YAML
        return value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        return _plain_dates(value)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in YES_NO:
            return YES_NO[str(value).strip().lower()]
        raise ParameterError(
            f'{name} must be True or False (yes/no also works); "{value}" is neither. '
            f"It is a setting of the {workbook.name} workbook."
        )
    if isinstance(default, int):
        try:
            if float(value) == int(float(value)) and not isinstance(value, bool):
                return int(float(value))
        except (TypeError, ValueError):
            pass
        raise ParameterError(f'{name} must be a whole number, such as {default}; "{value}" is not.')
    if isinstance(default, str) and value is not None and not isinstance(value, str):
        return str(value)
    return value


#: The part of a file name standing for the whole service.
WHOLE_SERVICE_STEM = "all-teams"


def _plain_dates(value):
    """A mapping or list from YAML with its dates (keys too) as ISO text, as a notebook's
    parameters and the run's records (JSON) take them: ``{2025-01-06: ...}`` from
    ``-y 'annotations: {2025-01-06: ...}'``."""
    if isinstance(value, dict):
        return {_plain_dates(key): _plain_dates(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_dates(item) for item in value]
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def output_stem(workbook: Workbook, parameters: dict) -> str:
    """The name a run's files share: the workbook, the team, and the service or cohort when one
    is chosen, so that reports for different selections never overwrite each other.

    The whole service is ``all-teams``; a team is its name made safe (a team called "All" is
    ``all``), and a team whose name would make ``all-teams`` too gets a short fingerprint of
    the name, so no team's report can take the whole service's file name."""
    def chosen(name: str) -> str | None:
        value = str(parameters.get(name) or "all").strip()
        return None if value.lower() == "all" else value

    team = chosen_team(parameters.get("team"))
    parts = [workbook.name, WHOLE_SERVICE_STEM if team is None else team_stem(team)]
    parts += [safe_name(chosen(name)) for name in ("service", "cohort") if chosen(name)]
    return "-".join(parts)


def team_stem(team: str) -> str:
    """A team's part of a file name: its name made safe, with a fingerprint of the exact name
    when that would read as the whole service's (``all-teams``)."""
    stem = safe_name(team)
    if stem == WHOLE_SERVICE_STEM:
        stem += "-" + hashlib.sha256(str(team).encode("utf-8")).hexdigest()[:6]
    return stem


def teams_in_data(workbook: Workbook, parameters: dict) -> list[str]:
    """The teams named in a workbook's data, sorted: from the first of its ``team_sources`` whose
    file is given (or is the default), loaded and checked as the workbook loads it. These are the
    names as the data writes them; :func:`workbook_helpers.data.teams.team_parameter` gives the
    ``team`` value that chooses each (``team:All`` for a team called All).

    Raises :class:`DataError` for a file that breaks its contract and :class:`ParameterError`
    when the workbook has no team column to go by.
    """
    from workbook_helpers.data.datasets import get_dataset

    merged = {**default_parameters(workbook), **parameters}
    for data_parameter, dataset, map_parameter in workbook.team_sources:
        path = find_input(merged.get(data_parameter))
        if path is None:
            continue
        frame = get_dataset(dataset).load(
            path, column_map=find_input(merged.get(map_parameter)), sheet=merged.get("sheet")
        )
        if dataset == "events":
            # Events name every practitioner's team; a case belongs to its lead team.
            from workbook_helpers.measures.cases import case_measures

            frame = case_measures(frame)
        if "team" in frame.columns:
            return sorted(frame["team"].dropna().astype(str).unique())
    if "team" not in default_parameters(workbook):
        raise ParameterError(
            f"The {workbook.name} workbook has no team parameter, so it is not run for each team: "
            "run it without --each-team."
        )
    raise ParameterError(
        f"Running the {workbook.name} workbook for each team needs a team column in its data, and "
        "the files given have none."
    )


def check_parameters(workbook: Workbook, parameters: dict) -> dict:
    """Check names against the workbook's parameters cell and make data paths absolute.

    Raises :class:`ParameterError` for unknown names (listing the known ones) and
    :class:`DataError` for a data file that does not exist.
    """
    declared = workbook_parameters(workbook)
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        raise ParameterError(
            f"The {workbook.name} workbook has no parameter "
            + ", ".join(f'"{n}"' for n in unknown)
            + ". Its parameters are: "
            + ", ".join(declared)
            + "."
        )
    defaults = default_parameters(workbook)
    checked = {name: _typed(workbook, name, value, defaults[name]) for name, value in parameters.items()}
    for name in workbook.input_files(checked):
        value = checked.get(name)
        if isinstance(value, str) and value.strip():
            path = find_input(value)
            if path is None or not path.exists():
                raise DataError(value, f"The file given as {name} does not exist.")
            checked[name] = str(path.resolve())
    for name in ("period_start", "period_end"):
        value = checked.get(name)
        if value is not None and not isinstance(value, str):
            raise ParameterError(f'{name} must be a date written as 2024-04-01; "{value}" is not.')
    if "interactive" in declared:
        checked["interactive"] = False
    if "audience" in declared:
        # Reports written by a run are made to be sent on: for directors and managers of the
        # organisation unless asked otherwise. (The notebook's own default, team, is for an
        # analyst working in JupyterLab.) privacy is the older name, kept for older plans.
        older = checked.pop("privacy", None)
        given = checked.get("audience")
        audience = audience_from(given, older, default=RUN_AUDIENCE)
        if older not in (None, "") and given not in (None, "") and check_audience(given) != audience:
            raise ParameterError(
                f'audience is "{given}" but privacy (its older name) is "{older}": give only audience.'
            )
        checked["audience"] = audience
    return checked


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
        (see :func:`output_stem`).
    progress:
        Show papermill's progress bar of cells run.
    kernel_name:
        Jupyter kernel to run in; by default the suite's own kernel if registered, else this
        Python.
    stem:
        The name the three files share, instead of :func:`output_stem`'s.
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
    kernel = start_kernel(workbook, kernel_name or _default_kernel())
    watchdog = _TimeLimit(kernel, time_limit) if time_limit else None
    try:
        return _run_in_kernel(workbook, kernel, parameters or {}, Path(out_dir), progress, started, stem,
                              chromium, keep_failed, notes)
    except RunError as error:
        if watchdog is not None and watchdog.fired:
            raise RunError(
                workbook.name, f"it ran over its time limit of {describe_seconds(time_limit)} "
                "and was stopped", error.cell, "TimeLimit", error.details,
            ) from None
        raise
    finally:
        if watchdog is not None:
            watchdog.cancel()
        _shutdown(kernel)


def describe_seconds(seconds: float) -> str:
    """``90`` -> ``"1 minute 30 seconds"``; ``600`` -> ``"10 minutes"``; ``12.5`` -> ``"12.5 seconds"``."""
    minutes, rest = divmod(round(float(seconds), 1), 60)
    parts = []
    if minutes:
        parts.append(f"{int(minutes)} minute{'s' if minutes != 1 else ''}")
    if rest or not parts:
        rest = int(rest) if float(rest).is_integer() else rest
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


class _TimeLimit:
    """Kills a kernel (and anything it started) once ``seconds`` have passed. A killed kernel
    makes papermill stop with an error, which :func:`run_workbook` reports as over time.

    A signal to the kernel's process group is all the timer thread does: the kernel was started
    in a session of its own, so this reaches nothing else, and it is safe from any thread."""

    def __init__(self, manager, seconds: float):
        import threading

        self.fired = False
        self._pid = _kernel_pid(manager)
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        if self._pid is not None:
            self._timer.start()

    def _fire(self) -> None:
        import signal

        self.fired = True
        try:
            os.killpg(self._pid, signal.SIGKILL)
        except (OSError, AttributeError):  # gone already, or no process groups (Windows)
            try:
                os.kill(self._pid, signal.SIGTERM)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _kernel_pid(manager) -> int | None:
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None)
    return getattr(process, "pid", None) or getattr(provisioner, "pid", None)


def start_kernel(workbook: Workbook, kernel_name: str):
    """Start a kernel for ``workbook`` in the project folder, importing its modules as it boots.

    Returns the started ``AsyncKernelManager`` (papermill runs the notebook in it); the caller
    shuts it down.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class TrackedKernelManager(AsyncKernelManager):
        """Remembers the clients it hands out (to papermill), so they can be closed with it."""

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients_made.append(made)
            return made

    manager = TrackedKernelManager(kernel_name=kernel_name)
    manager.clients_made = []
    # The kernel's own log (connection notices) is not for the user; errors in cells still are.
    arguments = ["--IPKernelApp.log_level=ERROR"]
    if workbook.preload:
        # One statement that binds no name the notebook could see.
        modules = ", ".join(repr(m) for m in workbook.preload)
        arguments.append(f"--IPKernelApp.exec_lines=[__import__(m) for m in ({modules},)] and None")
    run_sync(manager.start_kernel)(cwd=str(project_folder()), extra_arguments=arguments)
    return manager


def _shutdown(manager) -> None:
    from jupyter_core.utils import run_sync

    for client in getattr(manager, "clients_made", []):
        try:
            client.stop_channels()
            client.context.destroy(linger=0)
        except Exception:  # already closed
            pass
    try:
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
        manager.context.destroy(linger=0)
    except Exception:  # the kernel may already be gone (it died, or Ctrl-C reached it first)
        pass


def _run_in_kernel(
    workbook: Workbook, kernel, parameters: dict, out_dir: Path, progress: bool, started: float,
    stem: str | None, chromium: str | None = None, keep_failed: bool = False, notes: list[str] | None = None,
) -> RunResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from workbook_helpers.present.chart_svg import ChartRenderer
    from workbook_helpers.report.html import render_report

    checked = check_parameters(workbook, parameters)
    stem = stem or output_stem(workbook, checked)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        scratch = out_dir / f".{stem}.partial-{uuid.uuid4().hex[:8]}"
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
                str(scratch / f"{stem}.ipynb"),
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
                translated.details.append(_keep_failed(scratch / f"{stem}.ipynb", out_dir, stem))
            elif keep_failed:  # bad data in a batch: the notebook as far as it ran, as for any failure
                _keep_failed(scratch / f"{stem}.ipynb", out_dir, stem)
            raise translated from None
        except Exception as error:  # the kernel died, timed out, or could not start
            failed = RunError(workbook.name, f"{type(error).__name__}: {_first_line(str(error))}",
                              _running_cell(scratch / f"{stem}.ipynb"), type(error).__name__)
            if failed.cell is not None:
                failed.details.append(_keep_failed(scratch / f"{stem}.ipynb", out_dir, stem))
            raise failed from None
        effective = {**default_parameters(workbook), **checked}
        summary = _summary(executed, workbook, effective, started)
        unused = [*(notes or []), *setting_notes(workbook, effective, summary)]
        summary["warnings"] = [*(summary.get("warnings") or []), *unused]
        try:
            html = render_report(executed, str(checked.get("title") or workbook.title), summary, renderer,
                                 notes=unused)
            (scratch / f"{stem}.html").write_text(html, encoding="utf-8")
            (scratch / f"{stem}.json").write_text(
                json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except Exception as error:  # a report that cannot be written is a failed run, not a crash
            raise RunError(workbook.name, f"writing the report: {type(error).__name__}: {error}") from None
        suffixes = [".ipynb", ".json", ".html"]
        if chromium:
            from workbook_helpers.report.pdf import write_pdf

            try:
                write_pdf(scratch / f"{stem}.html", scratch / f"{stem}.pdf", chromium)
            except RunError as error:
                raise RunError(workbook.name, f"writing the PDF: {error.summary}") from None
            suffixes.append(".pdf")
        (out_dir / f"{stem}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure, now fixed
        finals = {}
        for suffix in suffixes:
            final = out_dir / f"{stem}{suffix}"
            os.replace(scratch / f"{stem}{suffix}", final)
            finals[suffix] = final
    finally:
        _CHARTS.renderer = None
        renderer.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return RunResult(workbook.name, finals[".html"], finals[".ipynb"], finals[".json"], summary,
                     finals.get(".pdf"))


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


def _default_kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        return KERNEL_NAME
    except NoSuchKernel:
        return "python3"


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
    failed = out_dir / f"{stem}.failed.ipynb"
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
