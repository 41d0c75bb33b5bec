"""Batch runs: every workbook for every team from one plan, in parallel, resumable, with an index.

A *plan* is a YAML file naming the runs (see :func:`load_plan`). :func:`run_batch` checks it,
skips the runs whose inputs, parameters and suite version are unchanged since they last
succeeded, runs the rest side by side (each in its own kernel, in a pool of worker processes or
on a Dask cluster), records every run in ``OUT/manifest.json`` as it finishes, and writes
``OUT/index.html``. Each run writes ``OUT/<team folder>/<workbook>.html|.ipynb|.json``, through
:func:`workbook_helpers.run.execute.run_workbook`, which renames files into place only when the whole
run succeeded.

Kept free of heavy imports at module level, so worker processes and the ``workbook`` command
start quickly.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
import uuid
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from workbook_helpers import __version__, clock
from workbook_helpers.exceptions import DataError, ParameterError, PlanError, RunError, WorkbookError
from workbook_helpers.run.execute import DEFAULT_TIMEOUT_MINUTES
from workbook_helpers.report.index import INDEX_NAME, write_index
from workbook_helpers.run.outputs import find_input, json_safe, project_folder, write_atomic  # noqa: F401 (write_atomic: for callers)
from workbook_helpers.privacy.pseudonyms import salt_id
from workbook_helpers.data.teams import WHOLE_SERVICE, chosen_team, is_all_teams, team_parameter

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
ALL_TEAMS = WHOLE_SERVICE  # the team parameter of a service-wide run ("all")
ALL_TEAMS_FOLDER = "all-teams"
FOLDER_SLUG_LIMIT = 40
# How long past its time limit a local run may go before its worker process is killed (the
# limit itself stops the kernel from inside the worker; this catches a worker that hangs).
BACKSTOP_SECONDS = 30
# How long stopping workers may take (they shut their kernels down) before they are killed.
STOP_GRACE_SECONDS = 8

_PLAN_KEYS = ("name", "out", "timeout_minutes", "defaults", "runs")
_RUN_KEYS = ("workbook", "parameters", "teams", "for_each_team", "timeout_minutes", "name", "pdf")
#: Settings a plan's ``defaults`` may give that are about the run, not the notebook's parameters.
_RUN_DEFAULTS = ("pdf",)
# Names Windows keeps for devices: a folder called "con" cannot be made there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRun:
    """One run of a plan: a workbook for one team, and where its files go."""

    key: str  # "<team folder>/<stem>": unique in the plan, and the run's key in the manifest
    workbook: str
    team: str  # the team parameter: "all", a team's name, or "team:All" for a team called All
    folder: str
    stem: str
    parameters: dict  # checked, with every data path absolute
    inputs: tuple[str, ...]  # absolute paths of the files the run reads, the notebook included
    time_limit: float  # seconds
    where: str  # "run 1", for messages
    pdf: bool = False  # also print the report to <stem>.pdf

    @property
    def team_label(self) -> str:
        return "All teams" if is_all_teams(self.team) else _team_name(self.team)


@dataclass
class Plan:
    """A checked batch plan: its name, output folder and runs (teams expanded)."""

    name: str
    path: Path
    out: Path
    runs: list[PlannedRun]


def _team_name(team) -> str | None:
    """The name of a plan's team (``team:All`` -> ``All``), None for the whole service; a value
    naming no team (blank) as it is."""
    if is_all_teams(team):
        return None
    try:
        return chosen_team(team) or str(team)
    except ParameterError:
        return str(team)


def load_plan(path: str | Path, out: str | Path | None = None, timeout_minutes: float | None = None) -> Plan:
    """Read and check a batch plan, expanding ``for_each_team`` runs into one run per team.

    Parameters
    ----------
    path:
        The plan's YAML file.
    out:
        Output folder instead of the plan's ``out`` (relative paths are from the current folder).
    timeout_minutes:
        Time limit for runs that set none of their own, instead of the plan's ``timeout_minutes``.

    Raises
    ------
    PlanError
        Listing every problem found (unknown workbook or parameter, missing file, a default no
        workbook in the plan takes, two runs writing the same files...), each with where it is.
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanError(path, [f"cannot read the plan: {error.strerror or error}."]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PlanError(path, [f"the plan is not valid YAML{where}: {problem}."]) from None
    if not isinstance(raw, dict):
        raise PlanError(path, ["the plan should be a YAML mapping with name, out, defaults and runs."])
    return _PlanChecker(path, raw, out, timeout_minutes).check()


class _PlanChecker:
    """Checks a plan's mapping, gathering every problem before raising one PlanError."""

    def __init__(self, path: Path, raw: dict, out, timeout_minutes):
        self.path = path
        self.folder = path.resolve().parent
        self.raw = raw
        self.out_override = out
        self.timeout_override = timeout_minutes
        self.problems: list[str] = []

    def check(self) -> Plan:
        raw = self.raw
        for key in raw:
            if key not in _PLAN_KEYS:
                self.problems.append(f'"{key}" is not a plan setting; the settings are {", ".join(_PLAN_KEYS)}.')
        name = str(raw.get("name") or self.path.stem)
        out = self._out(name)
        default_limit = self._minutes(raw.get("timeout_minutes"), "timeout_minutes", DEFAULT_TIMEOUT_MINUTES)
        if self.timeout_override is not None:
            default_limit = self._minutes(self.timeout_override, "--timeout", default_limit)
        defaults = raw.get("defaults") or {}
        if not isinstance(defaults, dict):
            self.problems.append("defaults: should be parameter names and values, like 'period_end: 2024-10-31'.")
            defaults = {}
        defaults = dict(defaults)
        self.default_pdf = self._yes_no(defaults.pop("pdf", False), "defaults.pdf")
        runs = raw.get("runs")
        if not isinstance(runs, list) or not runs:
            self.problems.append("runs: the plan lists no runs; give a list of runs, each with a workbook.")
            runs = []
        used_defaults: set[str] = set()
        expanded: list[tuple[dict, str]] = []  # (run facts, team)
        for number, run in enumerate(runs):
            expanded += self._check_run(number, run, defaults, default_limit, used_defaults)
        for name_ in defaults:
            if name_ not in used_defaults and runs:
                self.problems.append(
                    f'defaults.{name_}: no workbook in this plan has a parameter "{name_}", so it would '
                    "change nothing."
                )
        planned = self._place(expanded)
        if any(run.pdf for run in planned):
            from workbook_helpers.report.pdf import find_chromium

            try:
                find_chromium()
            except ParameterError as error:
                self.problems.append(f"pdf: {error}")
        if self.problems:
            raise PlanError(self.path, self.problems)
        return Plan(name=name, path=self.path, out=out, runs=planned)

    def _out(self, name: str) -> Path:
        given = self.out_override or self.raw.get("out")
        if given is None or given == "":
            return Path("reports") / _slug(name, 60)
        if isinstance(given, (list, dict, bool)):  # a number or a date is a folder name as written
            self.problems.append(f'out: should be a folder, like "reports/2024-11"; "{given}" is not.')
            return Path("reports") / _slug(name, 60)
        return Path(str(given))

    def _yes_no(self, value, where: str) -> bool:
        from workbook_helpers.run.outputs import YES_NO

        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in YES_NO:
            return YES_NO[str(value).strip().lower()]
        self.problems.append(f'{where}: should be true or false, not "{value}".')
        return False

    def _minutes(self, value, where: str, fallback: float) -> float:
        if value is None:
            return fallback
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            minutes = -1.0
        if not minutes > 0 or minutes != minutes:
            self.problems.append(f'{where}: a time limit is a number of minutes above 0, such as 30; "{value}" is not.')
            return fallback
        return minutes

    def _check_run(self, number: int, run, defaults: dict, default_limit: float, used_defaults: set) -> list:
        from workbook_helpers.run.execute import check_parameters, get_workbook

        where = f"run {number + 1}"  # numbered from 1, as a reader counts the runs in the plan
        if not isinstance(run, dict):
            self.problems.append(f"{where}: should be a mapping with a workbook, like 'workbook: demand_study'.")
            return []
        for key in run:
            if key not in _RUN_KEYS:
                self.problems.append(f'{where}: "{key}" is not a run setting; the settings are {", ".join(_RUN_KEYS)}.')
        if not run.get("workbook"):
            self.problems.append(f"{where}: names no workbook.")
            return []
        try:
            workbook = get_workbook(str(run["workbook"]))
        except ParameterError as error:
            self.problems.append(f"{where}, workbook: {error}")
            return []
        declared = _declared_parameters(workbook.name)
        given = run.get("parameters") or {}
        if not isinstance(given, dict):
            self.problems.append(f"{where}, parameters: should be names and values, like '{{team: Revenues}}'.")
            given = {}
        problems_before = len(self.problems)
        for name in given:
            if name not in declared:
                self.problems.append(
                    f'{where}, parameters: the {workbook.name} workbook has no parameter "{name}". '
                    f"Its parameters are: {', '.join(declared)}."
                )
        applied = {name: value for name, value in defaults.items() if name in declared}
        used_defaults.update(applied)
        merged = {**applied, **{name: value for name, value in given.items() if name in declared}}
        merged = self._resolve_data_paths(workbook, merged, where, given)
        limit = self._minutes(run.get("timeout_minutes"), f"{where}, timeout_minutes", default_limit)
        teams = self._teams_option(where, run, workbook, declared, given)
        if len(self.problems) > problems_before:
            return []
        team_given = merged.pop("team", None)
        if team_given is not None and not str(team_given).strip():
            self.problems.append(f"{where}, parameters.team: is empty; give a team's name, or all for every team.")
            return []
        if team_given is not None:
            try:
                chosen_team(team_given)
            except ParameterError as error:
                self.problems.append(f"{where}, parameters.team: {error}")
                return []
        # One run can be asked for several audiences (audience: [organisation, public]): one
        # report each, the audience added to the file names so they do not collide.
        audiences = merged.get("audience")
        several = isinstance(audiences, (list, tuple))
        if several and (not audiences or len(set(map(str, audiences))) < len(audiences)):
            self.problems.append(f"{where}, parameters.audience: give one audience, or a list of different ones, "
                                 "like [organisation, public].")
            return []
        variants = [dict(merged, audience=audience) for audience in audiences] if several else [merged]
        checked_variants = []
        for variant in variants:
            try:
                checked_variants.append(check_parameters(workbook, variant))
            except (ParameterError, DataError) as error:
                self.problems.append(f"{where}, parameters: {_one_line(str(error))}")
                return []
        checked = checked_variants[0]
        if teams is None:
            teams = [str(team_given) if team_given is not None else str(_defaults(workbook.name).get("team", ALL_TEAMS))]
        elif run.get("for_each_team"):
            found = self._teams_in_data(where, workbook, checked)
            if found is None:
                return []
            # Each team once, however the plan wrote it; a team called "All" as team:All, so
            # it is its own report and not a second service-wide one.
            once: dict = {}
            for team in teams + [team_parameter(name) for name in found]:
                once.setdefault(chosen_team(team), team)
            teams = list(once.values())
        pdf = self._yes_no(run.get("pdf", self.default_pdf), f"{where}, pdf")
        expanded = []
        for checked in checked_variants:
            facts = {
                "workbook": workbook, "parameters": checked, "where": where, "time_limit": limit * 60,
                "name": run.get("name"), "pdf": pdf,
                "suffix": checked.get("audience") if several else None,
            }
            expanded += [(facts, team) for team in teams]
        return expanded

    def _resolve_data_paths(self, workbook, merged: dict, where: str, given: dict) -> dict:
        """Every data file the run reads, as an absolute path: those in the plan looked for
        next to the plan, then as the workbook looks (current folder, then project folder);
        the workbook's own defaults as the kernel finds them (from the project folder)."""
        resolved = dict(merged)
        defaults = _defaults(workbook.name)
        for name in workbook.input_files({**defaults, **merged}):
            in_plan = name in merged
            value = merged.get(name) if in_plan else defaults.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            if in_plan:
                path = resolve_input(value, self.folder)
            else:  # as the kernel, which runs in the project folder, would find it
                candidate = Path(value).expanduser()
                candidate = candidate if candidate.is_absolute() else project_folder() / candidate
                path = candidate.resolve() if candidate.exists() else None
            if path is None:
                section = "parameters" if name in given else "defaults" if in_plan else "workbook default"
                looked = f"next to the plan ({self.folder}), in {Path.cwd()} and in {project_folder()}"
                self.problems.append(
                    f'{where}, {section}.{name}: the file "{value}" does not exist (looked {looked}).'
                    if in_plan else f"{where}: the {workbook.name} workbook's default {name}, \"{value}\", does not exist."
                )
                continue
            resolved[name] = str(path)
        return resolved

    def _teams_option(self, where, run, workbook, declared, given) -> list[str] | None:
        explicit, each = run.get("teams"), run.get("for_each_team", False)
        if explicit is None and not each:
            return None
        if not isinstance(each, bool):
            self.problems.append(f'{where}, for_each_team: should be true or false, not "{each}".')
        if "team" not in declared:
            self.problems.append(f"{where}: the {workbook.name} workbook is not run per team (it has no team parameter).")
            return None
        if "team" in given:
            self.problems.append(f"{where}: give the team as parameters.team, teams or for_each_team, not more than one.")
            return None
        if each is True and not workbook.team_sources:
            self.problems.append(f"{where}, for_each_team: the {workbook.name} workbook has no data that names teams.")
        teams: list[str] = []
        if explicit is not None:
            if not isinstance(explicit, list) or not explicit:
                self.problems.append(f"{where}, teams: should be a list of team names, like [Revenues, Repairs North].")
                return None
            for position, team in enumerate(explicit):
                if team is None or isinstance(team, (dict, list)):
                    self.problems.append(f"{where}, teams, team {position + 1}: should be a team's name.")
                elif not str(team).strip():
                    # The workbooks read a blank team as every team: a second all-teams report.
                    self.problems.append(
                        f"{where}, teams, team {position + 1}: is empty; give a team's name, or all for every team."
                    )
                else:
                    try:
                        chosen_team(team)
                    except ParameterError as error:
                        self.problems.append(f"{where}, teams, team {position + 1}: {error}")
                        continue
                    teams.append(str(team))
        return list(dict.fromkeys(teams))

    def _teams_in_data(self, where: str, workbook, checked: dict) -> list[str] | None:
        try:
            found = _cached_teams(workbook.name, json.dumps(checked, sort_keys=True, default=str))
        except (DataError, ParameterError) as error:
            self.problems.append(
                f"{where}, for_each_team: cannot list the teams: {_one_line(str(error))} "
                "(workbook validate shows every problem in the file)."
            )
            return None
        if not found:
            self.problems.append(f"{where}, for_each_team: the data names no teams.")
            return None
        return found

    def _place(self, expanded: list[tuple[dict, str]]) -> list[PlannedRun]:
        folders = team_folders(team for _, team in expanded)
        planned: list[PlannedRun] = []
        seen: dict[str, PlannedRun] = {}
        for facts, team in expanded:
            workbook = facts["workbook"]
            parameters = dict(facts["parameters"])
            if "team" in _declared_parameters(workbook.name):
                parameters["team"] = ALL_TEAMS if is_all_teams(team) else team
            folder = folders[team]
            stem = run_stem(workbook.name, parameters, facts["name"])
            if facts.get("suffix"):
                stem = f"{stem}-{facts['suffix']}"
            run = PlannedRun(
                key=f"{folder}/{stem}", workbook=workbook.name, team=team, folder=folder, stem=stem,
                parameters=parameters, inputs=_inputs(workbook, parameters), time_limit=facts["time_limit"],
                where=facts["where"], pdf=facts["pdf"],
            )
            if run.key in seen:
                other = seen[run.key]
                self.problems.append(
                    f"{other.where} and {run.where} would both write {run.key} (for {run.team_label}): "
                    "remove one, or give one of them a name of its own (name: in the run)."
                )
                continue
            seen[run.key] = run
            planned.append(run)
        return planned


def resolve_input(value: str, plan_folder: Path | None = None) -> Path | None:
    """An input file named in a plan: next to the plan first, then as the workbooks look for it
    (as given from the current folder, then in the project folder). None if it is nowhere."""
    candidate = Path(value.strip()).expanduser()
    if plan_folder is not None and not candidate.is_absolute() and (plan_folder / candidate).exists():
        return (plan_folder / candidate).resolve()
    found = find_input(value)
    return found.resolve() if found is not None and found.exists() else None


@lru_cache(maxsize=None)
def _declared_parameters(workbook_name: str) -> dict:
    from workbook_helpers.run.execute import get_workbook, workbook_parameters

    return workbook_parameters(get_workbook(workbook_name))


@lru_cache(maxsize=None)
def _defaults(workbook_name: str) -> dict:
    from workbook_helpers.run.execute import default_parameters, get_workbook

    return default_parameters(get_workbook(workbook_name))


@lru_cache(maxsize=None)
def _cached_teams(workbook_name: str, parameters_json: str) -> list[str]:
    from workbook_helpers.run.execute import get_workbook, teams_in_data

    return teams_in_data(get_workbook(workbook_name), json.loads(parameters_json))


def _inputs(workbook, parameters: dict) -> tuple[str, ...]:
    paths = [
        parameters[name] for name in workbook.input_files(parameters)
        if isinstance(parameters.get(name), str) and Path(parameters[name]).is_file()
    ]
    return tuple(dict.fromkeys([*paths, str(workbook.notebook.resolve())]))


def _one_line(text: str) -> str:
    """A multi-line message on one line ("Problem in x.csv: Column ...")."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    if not lines:
        return "(no message)"
    if len(lines) > 1 and lines[0].endswith(":"):
        second = re.sub(r"^\d+\.\s+", "", lines[1])
        return f"{lines[0]} {second}"
    return lines[0]


# --- names on disk ------------------------------------------------------------------------------


def _slug(text: str, limit: int) -> str:
    """Lower-case ASCII letters, digits and hyphens, at most ``limit`` long: accents are kept as
    their letters ("Môn" -> "mon"), anything else becomes a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def _fingerprint(team: str) -> str:
    return hashlib.sha256(team.encode("utf-8")).hexdigest()[:8]


def team_folders(teams) -> dict[str, str]:
    """A folder name for each of a plan's teams (``team`` parameter values: ``all``, a team's
    name, or ``team:All`` for a team called All): a readable slug of the team's name
    (``"Repairs North"`` -> ``repairs-north``, ``"team:All"`` -> ``all``), ``all-teams`` for the
    all-teams run.

    A short fingerprint of the exact name is added when the slug alone would not do: two teams
    whose names differ only in case or punctuation ("Repairs North", "Repairs-North"), a name
    with nothing left once made safe (``unnamed-<fingerprint>``), a name Windows keeps for a
    device, or a name that would make ``all-teams`` (a team called "All Teams": that folder is
    the all-teams run's, whether or not the plan has one). Folder names hold only ``a-z``,
    ``0-9`` and ``-``, never start with one, and are at most 49 characters, so no team name can
    reach outside the output folder.
    """
    unique = list(dict.fromkeys(str(team) for team in teams))
    names = {team: _team_name(team) for team in unique}
    slugs = {team: ALL_TEAMS_FOLDER if name is None else _slug(name, FOLDER_SLUG_LIMIT)
             for team, name in names.items()}
    users: dict[str, list[str]] = {}
    for team, slug in slugs.items():
        users.setdefault(slug, []).append(team)
    folders = {}
    for team, slug in slugs.items():
        name = names[team]
        if name is None:
            folders[team] = ALL_TEAMS_FOLDER
        elif not slug:
            folders[team] = f"unnamed-{_fingerprint(name)}"
        elif len(users[slug]) > 1 or slug in _RESERVED or slug == ALL_TEAMS_FOLDER:
            folders[team] = f"{slug}-{_fingerprint(name)}"
        else:
            folders[team] = slug
    return folders


def run_stem(workbook: str, parameters: dict, name: str | None = None) -> str:
    """The name a run's three files share in its team's folder: the run's own ``name`` if the
    plan gives one, else the workbook, plus the service or cohort when one is chosen."""
    if name:
        return _slug(name, 60).replace("-", "_") or workbook
    parts = [workbook]
    for setting in ("service", "cohort"):
        value = str(parameters.get(setting) or ALL_TEAMS).strip()
        if value.lower() != ALL_TEAMS:
            parts.append(_slug(value, 40) or _fingerprint(value))
    return "-".join(parts)


# --- the manifest ------------------------------------------------------------------------------


class Manifest:
    """``OUT/manifest.json``: one entry per run, keyed ``"<team folder>/<stem>"``, saved whole
    and atomically after every run, so an interrupted batch keeps what it finished."""

    def __init__(self, out: Path, plan: Plan):
        self.path = out / MANIFEST_NAME
        self.plan = plan
        self.runs: dict[str, dict] = {}
        self.note: str | None = None
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.note = f"The manifest {self.path} could not be read ({error}), so every run runs again."
            return
        if not isinstance(loaded, dict) or loaded.get("manifest_version") != MANIFEST_VERSION:
            self.note = f"The manifest {self.path} is from another version of the suite, so every run runs again."
            return
        self.runs = {key: entry for key, entry in (loaded.get("runs") or {}).items() if isinstance(entry, dict)}

    def unchanged(self, run: PlannedRun, fingerprints: dict[str, str], out: Path) -> bool:
        """Whether ``run`` last succeeded with the same inputs, parameters, suite version and
        pseudonym salt, with a PDF if and only if one is asked for, and its files are still there."""
        entry = self.runs.get(run.key)
        return bool(
            entry
            and entry.get("status") == "ok"
            and entry.get("version") == __version__
            and entry.get("salt") == salt_id()
            and entry.get("inputs") == fingerprints
            and entry.get("parameters") == _plain(run.parameters)
            and entry.get("outputs")
            and ("pdf" in entry["outputs"]) == run.pdf
            and all((out / path).is_file() for path in entry["outputs"].values())
        )

    def record(self, run: PlannedRun, fingerprints: dict[str, str], outcome: dict) -> dict:
        entry = {
            "workbook": run.workbook, "team": run.team, "folder": run.folder, "stem": run.stem,
            "status": outcome["status"],
            "started": outcome.get("started"), "finished": outcome.get("finished"),
            "seconds": outcome.get("seconds"),
            "parameters": _plain(run.parameters), "inputs": fingerprints, "version": __version__,
            "salt": salt_id(),  # another salt means other pseudonyms: the run is made again
            "outputs": outcome.get("outputs") or {},
            "error": outcome.get("error"), "cell": outcome.get("cell"), "error_kind": outcome.get("error_kind"),
            "failed_notebook": outcome.get("failed_notebook"),
        }
        self.runs[run.key] = entry
        return entry

    def save(self) -> None:
        keys = [run.key for run in self.plan.runs]
        document = {
            "manifest_version": MANIFEST_VERSION,
            "batch": self.plan.name,
            "plan": str(self.plan.path.resolve()),
            "suite_version": __version__,
            "updated_at": _now(),
            # The plan's runs, in its order; runs no longer in the plan are dropped.
            "runs": {key: self.runs[key] for key in keys if key in self.runs},
        }
        write_atomic(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _plain(value):
    return json.loads(json.dumps(json_safe(value), default=str))


_HASHES: dict[tuple, str] = {}


def fingerprint_files(paths) -> dict[str, str]:
    """sha256 of each file's bytes, by path (remembered while size and modification time stay)."""
    found = {}
    for path in paths:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in _HASHES:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            _HASHES[key] = digest.hexdigest()
        found[path] = _HASHES[key]
    return found


def _now() -> str:
    return clock.now().isoformat(timespec="seconds")


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
    started, clock = _now(), time.perf_counter()
    outcome = {"key": task["key"], "status": "failed", "started": started, "outputs": {}}
    failed_notebook = out / task["folder"] / f"{task['stem']}.failed.ipynb"
    failed_notebook.unlink(missing_ok=True)  # an earlier failure's; this run makes its own
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
        outcome.update(error=f"{type(error).__name__}: {_one_line(str(error))}", error_kind=type(error).__name__)
    if outcome["status"] == "failed" and failed_notebook.is_file():
        outcome["failed_notebook"] = failed_notebook.relative_to(out).as_posix()
    outcome["finished"] = _now()
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
        line, kind = _one_line(str(error)), type(error).__name__
        if isinstance(error, DataError):
            line = _data_problems(str(error), getattr(error, "validate", None))
    return {"error": line, "cell": cell, "error_kind": kind}


def _data_problems(text: str, validate: str | None) -> str:
    """A file's problems on one line: how many, in which file, the first, and the command that
    lists them all ("2 problems in south.csv; the first: Column "received": ... For them all:
    workbook validate demand "south.csv".")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].endswith(":"):
        return _one_line(text)
    head = lines[0][:-1]
    first = re.sub(r"^\d+\.\s+", "", lines[1])
    several = not head.startswith("Problem ")
    said = f"{head}; the first: {first}" if several else f"{head}: {first}"
    if validate:
        said = said.rstrip(".") + f". For {'them all' if several else 'the details'}: {validate}"
    return said


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
    scratch = folder / f".remote.partial-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        for relative, content in files.items():
            (scratch / Path(relative).name).write_bytes(content)
        for relative in files:
            os.replace(scratch / Path(relative).name, out / relative)
        if not any(relative.endswith(".failed.ipynb") for relative in files):
            for relative in files:
                if relative.endswith(".json"):
                    (out / relative).with_name(Path(relative).stem + ".failed.ipynb").unlink(missing_ok=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def remove_partials(out: Path, folder: str, stem: str | None = None) -> None:
    """Remove what a run stopped from outside left behind: its scratch folder (run_workbook's
    ``.<stem>.partial-*``, or a remote run's ``.remote.partial-*``)."""
    pattern = f".{stem}.partial-*" if stem else ".*.partial-*"
    for leftover in (out / folder).glob(pattern):
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
            print(f"{_now()} starting {task['key']}", flush=True)
            outcome = execute_task(task)
            print(f"{_now()} {outcome['status']} {task['key']}: {outcome.get('error') or ''}", flush=True)
            connection.send(outcome)
    except KeyboardInterrupt:
        print(f"{_now()} stopped", flush=True)


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
                               "seconds": round(time.monotonic() - worker.started, 2), "finished": _now()})
    finally:
        left = [worker.task for worker in pool if worker.task is not None]
        _stop_workers(pool, grace=STOP_GRACE_SECONDS)
        for task in left:
            remove_partials(Path(task["out"]), task["folder"], task["stem"])
    return left


# --- on a Dask cluster ---------------------------------------------------------------------------


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
                    outcome = {"key": task["key"], "status": "failed", "finished": _now(),
                               "error": f"The Dask cluster could not run it: {type(error).__name__}: "
                                        f"{_one_line(str(error))}", "error_kind": type(error).__name__}
                on_done(task, outcome)
        left = list(futures.values())
        if left:
            client.cancel(list(futures))
        return left
    finally:
        client.close()


# --- the batch ----------------------------------------------------------------------------------


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


def select_runs(plan: Plan, patterns: list[str] | None) -> list[PlannedRun]:
    """The runs matching any of ``patterns`` (shell-style, case does not matter), each tried on
    the run's key (``revenues/demand_study``), its team and its workbook; all runs if none."""
    if not patterns:
        return list(plan.runs)

    def matches(run: PlannedRun, pattern: str) -> bool:
        pattern = pattern.lower()
        return any(fnmatch.fnmatchcase(text.lower(), pattern)
                   for text in (run.key, run.team, run.team_label, run.workbook, run.folder))

    chosen = [run for run in plan.runs if any(matches(run, pattern) for pattern in patterns)]
    if not chosen:
        examples = ", ".join(run.key for run in plan.runs[:3])
        raise ParameterError(
            f"--only {' '.join(patterns)} matches none of the plan's {len(plan.runs)} runs "
            f"(they are named like {examples}; a team or a workbook also matches)."
        )
    return chosen


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
        progress = progress or _SilentProgress()
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


class _SilentProgress:
    def start(self, total, skipped, where):
        pass

    def started(self, task):
        pass

    def finished(self, task, outcome):
        pass

    def running_now(self, count):
        pass

    def close(self):
        pass


class Progress:
    """Progress on stderr: one line updated in place on a terminal (tqdm), else a plain line as
    each run ends. Shows runs done, running and failed, and the time elapsed."""

    def __init__(self, name: str, stream=None):
        self.name = name
        self.stream = stream or sys.stderr
        self.total = self.done = self.failed = self.running = 0
        self.clock = time.perf_counter()
        self.bar = None
        self._ticking = None

    def start(self, total: int, skipped: int, where: str) -> None:
        self.total, self.clock = total, time.perf_counter()
        unchanged = f", {skipped} unchanged (skipped)" if skipped else ""
        if not total:
            print(f"Batch {self.name}: nothing to run{unchanged}.", file=self.stream, flush=True)
            return
        print(f"Batch {self.name}: {total} to run{unchanged}, on {where}.", file=self.stream, flush=True)
        if total and _terminal_width(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="run", dynamic_ncols=True,
                            bar_format="{n_fmt}/{total_fmt} done |{bar}| {desc} [{elapsed}]")
            self._postfix()
            self._ticking = _Ticker(self.bar)

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_description_str(f"{self.running} running, {self.failed} failed")

    def started(self, task: dict) -> None:
        self.running += 1
        self._postfix()

    def running_now(self, count: int) -> None:
        self.running = count
        self._postfix()

    def finished(self, task: dict, outcome: dict) -> None:
        self.running = max(0, self.running - 1)
        self.done += 1
        failed = outcome["status"] != "ok"
        self.failed += failed
        line = f"{outcome['status']}: {task['key']}"
        if failed:
            line += f": {outcome.get('error')}"
        if self.bar is not None:
            if failed:
                self.bar.write(line, file=self.stream)
            self._postfix()
            self.bar.update(1)
            return
        elapsed = _clock_time(time.perf_counter() - self.clock)
        print(f"[{self.done}/{self.total}] {line} ({self.running} running, {self.failed} failed, "
              f"{elapsed} elapsed)", file=self.stream, flush=True)

    def close(self) -> None:
        if self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _Ticker:
    """Redraws a progress bar every ``seconds``, so its time elapsed keeps counting while runs
    take minutes: tqdm redraws only when told of a change."""

    def __init__(self, bar, seconds: float = 1.0):
        import threading

        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._tick, args=(bar, seconds), daemon=True)
        self._thread.start()

    def _tick(self, bar, seconds: float) -> None:
        while not self._stopped.wait(seconds):
            try:
                bar.refresh()
            except Exception:  # only for show; the bar may be closing
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(2)


def _terminal_width(stream) -> int:
    """The width of the terminal ``stream`` writes to; 0 if it is not a terminal (or says 0)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 0
    except (AttributeError, OSError, ValueError):
        return 0


def _clock_time(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def describe_duration(seconds: float) -> str:
    """``75`` -> ``"1 min 15 s"``; ``7.25`` -> ``"7.3 s"``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def end_table(result: BatchResult) -> str:
    """The table printed at the end: every chosen run with its status, time and any error."""
    rows = result.rows
    counts = {status: sum(1 for row in rows if row["status"] == status)
              for status in ("ok", "skipped", "failed", "interrupted", "not run")}
    said = [f"{counts['ok']} ok"]
    if counts["skipped"]:
        said.append(f"{counts['skipped']} skipped (unchanged)")
    said.append(f"{counts['failed']} failed")
    for status in ("interrupted", "not run"):
        if counts[status]:
            said.append(f"{counts[status]} {status}")
    lines = [f"Batch {result.plan.name}: {len(rows)} run{'' if len(rows) == 1 else 's'} in {describe_duration(result.seconds)}: {', '.join(said)}.", ""]
    team_width = max([len("team"), *(len(row["team"]) for row in rows)])
    workbook_width = max([len("workbook"), *(len(row["workbook"]) for row in rows)])
    lines.append(f"  {'status':<11} {'team':<{team_width}}  {'workbook':<{workbook_width}}  {'time':>9}  note")
    for row in rows:
        seconds = describe_duration(row["seconds"]) if row["seconds"] is not None else "-"
        if row["status"] == "failed":
            note = row["error"] or ""
            if row["cell"]:
                note += f" (cell {row['cell']})"
        elif row["status"] == "skipped":
            note = "unchanged since it last ran"
        elif row["status"] == "ok":
            note = row["html"] or ""
        else:
            note = "not finished"
        lines.append(f"  {row['status']:<11} {row['team']:<{team_width}}  {row['workbook']:<{workbook_width}}  "
                     f"{seconds:>9}  {note}")
    return "\n".join(lines)
