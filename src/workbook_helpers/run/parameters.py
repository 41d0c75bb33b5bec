"""A workbook's parameters: what its ``parameters`` cell declares, and the values a run is given,
checked and made plain before anything runs.

Kept free of heavy imports at module level, so the ``workbook`` command starts quickly.
"""

from __future__ import annotations

import ast

from workbook_helpers.exceptions import DataError, ParameterError
from workbook_helpers.privacy.policy import RUN_AUDIENCE, audience_from, check_audience
from workbook_helpers.data.inputs import YES_NO, find_input
from workbook_helpers.run.registry import Workbook

DEFAULT_TIMEOUT_MINUTES = 60  # a run's time limit unless told otherwise (workbook run, batch)


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
