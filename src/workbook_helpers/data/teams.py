"""Choosing a team: the whole-service keyword and teams' own names, which never collide.

A workbook's ``team`` parameter is ``all`` (or blank) for the whole service, or a team's name as
the data writes it (case and surrounding spaces aside). A team may itself be called "All": its
report is chosen with ``team:All``, the name after ``team:`` taken as it is, never as the keyword.
Any team can be written that way, but only a name the keyword would otherwise claim needs it.

Keeping ``all`` as the keyword, rather than letting a team's name win, means no existing command,
batch plan or workbook default changes meaning when a team called "All" appears in an export:
``-p team all`` and ``teams: [all]`` go on giving the service-wide report. A service-wide report
of data with such a team says how to reach the team (:func:`keyword_notes`), and ``--each-team``
and a batch plan's ``for_each_team`` write ``team:All`` for it themselves (:func:`team_parameter`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbook_helpers.exceptions import ParameterError

#: The ``team`` value for the whole service (any case; blank means it too).
WHOLE_SERVICE = "all"
#: Written before a team's name, it makes the rest the name, whatever it is.
TEAM_PREFIX = "team:"


def chosen_team(value: object) -> str | None:
    """The team a ``team`` parameter chooses, or None for the whole service.

    ``"all"`` (any case) and blank choose the whole service; ``"team:NAME"`` chooses the team
    called NAME, even ``"team:All"``; anything else is a team's name. Raises
    :class:`ParameterError` for ``"team:"`` with no name after it.
    """
    if value is None:
        return None
    text = str(value).strip()
    if text[: len(TEAM_PREFIX)].casefold() == TEAM_PREFIX:
        name = text[len(TEAM_PREFIX):].strip()
        if not name:
            raise ParameterError(
                f'team = "{text}" names no team: write the team\'s name after "{TEAM_PREFIX}", '
                f'such as "{TEAM_PREFIX}All", or give "{WHOLE_SERVICE}" for the whole service.'
            )
        return name
    if not text or text.casefold() == WHOLE_SERVICE:
        return None
    return text


def as_in_data(name: str | None, names: object) -> str | None:
    """The data's own spelling of ``name`` (a team or service chosen ignoring case and spaces
    around it), the most common one where the data spell it several ways; ``name`` itself
    when the data do not have it, and None for None."""
    if name is None or names is None:
        return name
    values = pd.Series(names, dtype=object).dropna().astype(str)
    same = values.loc[values.str.strip().str.casefold() == str(name).strip().casefold()]
    return str(same.mode().iloc[0]).strip() if len(same) else name


def is_whole_service(value: object) -> bool:
    """Whether a ``team`` parameter chooses the whole service."""
    return chosen_team(value) is None


def team_parameter(name: str) -> str:
    """The ``team`` value that chooses the team called ``name``: the name itself, or
    ``"team:"`` and the name when the name alone would be read as something else (``All``, a
    blank-looking name, a name starting ``team:``)."""
    name = str(name)
    try:
        plain = chosen_team(name) == name
    except ParameterError:
        plain = False
    return name if plain else TEAM_PREFIX + name


def claimed_names(names: Iterable[object]) -> list[str]:
    """Team names in the data that the keyword would claim if written plainly (``"All"``),
    sorted, each once."""
    found = {str(name) for name in names if not pd.isna(name)}
    return sorted(name for name in found if team_parameter(name) != name)


def keyword_notes(team: object, *team_columns: Iterable[object] | None) -> list[str]:
    """For a service-wide report, a note for each team in the data whose name the keyword
    claims, saying how to reach that team's own report; nothing for a one-team report.
    ``team_columns``: the names of the teams in the data (columns, lists; None is skipped)."""
    if not is_whole_service(team):
        return []
    names = [name for column in team_columns if column is not None for name in column]
    return [
        f'This report covers the whole service. The data also has a team called "{name}"; for '
        f'that team\'s own report, give team = "{TEAM_PREFIX}{name}".'
        for name in claimed_names(names)
    ]


def is_all_teams(team) -> bool:
    """Whether a plan's team (a ``team`` parameter value) is the whole service: ``all``, never
    a team called "All" (written ``team:All``, :mod:`workbook_helpers.data.teams`). A blank team is
    refused when the plan is checked."""
    return team is None or str(team).strip().casefold() == WHOLE_SERVICE
