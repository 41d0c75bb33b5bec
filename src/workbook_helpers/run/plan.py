"""A batch plan: read the YAML, check every run, expand ``for_each_team``, and place each run.

A *plan* is a YAML file naming the runs (see :func:`load_plan`). Checking gathers every problem
(unknown workbook or parameter, missing file, a default no workbook takes, two runs writing the
same files...) before raising one :class:`PlanError`, each problem with where it is in the plan.
Where each run's files go is decided by :mod:`workbook_helpers.run.naming`.

Kept free of heavy imports at module level, so the ``workbook`` command starts quickly.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbook_helpers.exceptions import DataError, ParameterError, PlanError
from workbook_helpers.run.parameters import DEFAULT_TIMEOUT_MINUTES
from workbook_helpers.run.naming import (
    audience_stem, batch_run_stem, default_batch_folder, run_key, team_folders, team_name,
)
from workbook_helpers.data.inputs import YES_NO, find_input, project_folder
from workbook_helpers.data.teams import WHOLE_SERVICE, chosen_team, is_all_teams, team_parameter

_PLAN_KEYS = ("name", "out", "timeout_minutes", "defaults", "runs")
_RUN_KEYS = ("workbook", "parameters", "teams", "for_each_team", "timeout_minutes", "name", "pdf")


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
        return "All teams" if is_all_teams(self.team) else team_name(self.team)


@dataclass
class Plan:
    """A checked batch plan: its name, output folder and runs (teams expanded)."""

    name: str
    path: Path
    out: Path
    runs: list[PlannedRun]


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
            return default_batch_folder(name)
        if isinstance(given, (list, dict, bool)):  # a number or a date is a folder name as written
            self.problems.append(f'out: should be a folder, like "reports/2024-11"; "{given}" is not.')
            return default_batch_folder(name)
        return Path(str(given))

    def _yes_no(self, value, where: str) -> bool:
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
        from workbook_helpers.run.parameters import check_parameters
        from workbook_helpers.run.registry import get_workbook

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
                self.problems.append(f"{where}, parameters: {one_line(str(error))}")
                return []
        checked = checked_variants[0]
        if teams is None:
            teams = [str(team_given) if team_given is not None else str(_defaults(workbook.name).get("team", WHOLE_SERVICE))]
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
                "audience": checked.get("audience") if several else None,
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
                f"{where}, for_each_team: cannot list the teams: {one_line(str(error))} "
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
                parameters["team"] = WHOLE_SERVICE if is_all_teams(team) else team
            folder = folders[team]
            stem = audience_stem(batch_run_stem(workbook.name, parameters, facts["name"]), facts["audience"])
            run = PlannedRun(
                key=run_key(folder, stem), workbook=workbook.name, team=team, folder=folder, stem=stem,
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
    from workbook_helpers.run.parameters import workbook_parameters
    from workbook_helpers.run.registry import get_workbook

    return workbook_parameters(get_workbook(workbook_name))


@lru_cache(maxsize=None)
def _defaults(workbook_name: str) -> dict:
    from workbook_helpers.run.parameters import default_parameters
    from workbook_helpers.run.registry import get_workbook

    return default_parameters(get_workbook(workbook_name))


@lru_cache(maxsize=None)
def _cached_teams(workbook_name: str, parameters_json: str) -> list[str]:
    from workbook_helpers.run.parameters import teams_in_data
    from workbook_helpers.run.registry import get_workbook

    return teams_in_data(get_workbook(workbook_name), json.loads(parameters_json))


def _inputs(workbook, parameters: dict) -> tuple[str, ...]:
    paths = [
        parameters[name] for name in workbook.input_files(parameters)
        if isinstance(parameters.get(name), str) and Path(parameters[name]).is_file()
    ]
    return tuple(dict.fromkeys([*paths, str(workbook.notebook.resolve())]))


def one_line(text: str) -> str:
    """A multi-line message on one line ("Problem in x.csv: Column ...")."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    if not lines:
        return "(no message)"
    if len(lines) > 1 and lines[0].endswith(":"):
        second = re.sub(r"^\d+\.\s+", "", lines[1])
        return f"{lines[0]} {second}"
    return lines[0]



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

