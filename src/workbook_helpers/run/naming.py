"""Every name a run gives its files, in one place: single runs and batches alike.

A run writes ``<stem>.html``, ``<stem>.ipynb`` and ``<stem>.json`` (and ``<stem>.pdf`` when asked),
where the *stem* says what the report is about:

- ``workbook run`` writes into the output folder itself, so its stem carries the team:
  ``demand_study-all-teams``, ``demand_study-repairs-north``, and the service or cohort when one
  is chosen (``demand_study-all-teams-council-tax``). See :func:`single_run_stem`.
- ``workbook batch`` gives each team a folder of its own (:func:`team_folders`: ``all-teams``,
  ``repairs-north``), so a stem there is the workbook, or the run's own ``name``, plus the service
  or cohort (:func:`batch_run_stem`), and the audience when a run asks for several
  (:func:`audience_stem`: ``experiment_comparison-public``).

Every part is made safe for a file name by :func:`slug`: lower-case letters, digits and hyphens,
so no team's name can reach outside the output folder. A short fingerprint of the exact name
(:func:`fingerprint`) keeps apart two names that would otherwise give one file name.

These are the names users already have on disk and the README documents: a change here renames
their reports. The two kinds of run differ in two small ways, kept as they were: a batch folder
keeps an accented letter as its letter ("Môn" -> ``mon``) where a single run drops it (``m-n``),
and their fingerprints are 8 and 6 characters long.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.teams import WHOLE_SERVICE, chosen_team, is_all_teams

#: The part of a file or folder name standing for the whole service.
ALL_TEAMS_STEM = "all-teams"
#: The longest a team's folder name in a batch may be before its fingerprint.
FOLDER_SLUG_LIMIT = 40
#: The endings of a run's files: report, executed notebook, headline figures, and the printed report.
REPORT_SUFFIX, NOTEBOOK_SUFFIX, SUMMARY_SUFFIX, PDF_SUFFIX = ".html", ".ipynb", ".json", ".pdf"
#: The ending of the notebook a failed run keeps, as far as it ran.
FAILED_SUFFIX = ".failed.ipynb"
#: The settings that choose part of a service, in the order a stem names them.
SELECTIONS = ("service", "cohort")
# Names Windows keeps for devices: a folder called "con" cannot be made there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def slug(text: object, limit: int = 60, keep_accented_letters: bool = True) -> str:
    """``text`` as lower-case ASCII letters, digits and hyphens, at most ``limit`` long ("" if
    nothing is left). Anything else becomes one hyphen, and none starts or ends the slug.

    With ``keep_accented_letters`` an accented letter becomes its plain letter ("Môn" ->
    ``mon``), as batch folders have it; without, it is dropped like punctuation (``m-n``), as
    single runs have it."""
    text = str(text)
    if keep_accented_letters:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def fingerprint(text: object, length: int = 8) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``text`` (UTF-8): a short, stable mark
    of the exact name, told apart from any other name's."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:length]


def chosen_selections(parameters: dict) -> list[str]:
    """The service and cohort a run chooses, as given, in :data:`SELECTIONS` order: a value that
    is blank or ``all`` (any case) chooses nothing."""
    chosen = []
    for setting in SELECTIONS:
        value = str(parameters.get(setting) or WHOLE_SERVICE).strip()
        if value.lower() != WHOLE_SERVICE:
            chosen.append(value)
    return chosen


# --- workbook run: files side by side in one folder ---------------------------------------------


def single_run_stem(workbook: str, parameters: dict) -> str:
    """The name a single run's files share: the workbook, the team, and the service or cohort
    when one is chosen, so that reports for different selections never overwrite each other
    (``demand_study-all-teams``, ``demand_study-repairs-north``,
    ``demand_study-all-teams-council-tax``).

    The whole service is ``all-teams``; a team is its name made safe (a team called "All", given
    as ``team:All``, is ``all``; see :func:`single_run_team`)."""
    team = chosen_team(parameters.get("team"))
    parts = [workbook, ALL_TEAMS_STEM if team is None else single_run_team(team)]
    parts += [_single_run_part(value) for value in chosen_selections(parameters)]
    return "-".join(parts)


def single_run_team(team: str) -> str:
    """A team's part of a single run's file name: its name made safe (``unnamed`` if nothing is
    left), with a 6-character fingerprint of the exact name when that would read as the whole
    service's (``all-teams``)."""
    part = _single_run_part(team)
    if part == ALL_TEAMS_STEM:
        part += "-" + fingerprint(team, 6)
    return part


def _single_run_part(text: str) -> str:
    return slug(text, 60, keep_accented_letters=False) or "unnamed"


def distinct_single_run_stems(workbook: str, runs: list[dict]) -> list[str]:
    """:func:`single_run_stem` for each of several runs into one folder (``--each-team``):
    teams whose names differ only in punctuation or case ("Repairs North", "Repairs-North") get
    a 6-character fingerprint of the name added, so they cannot overwrite each other."""
    stems = [single_run_stem(workbook, run) for run in runs]
    clashes = {stem for stem, count in Counter(stems).items() if count > 1}
    return [
        f"{stem}-{fingerprint(chosen_team(run.get('team')), 6)}" if stem in clashes else stem
        for stem, run in zip(stems, runs)
    ]


# --- workbook batch: a folder per team -------------------------------------------------------------


def default_batch_folder(plan_name: str) -> Path:
    """Where a batch writes when its plan gives no ``out``: ``reports/<the plan's name, made safe>``."""
    return Path("reports") / slug(plan_name, 60)


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
    names = {team: team_name(team) for team in unique}
    slugs = {team: ALL_TEAMS_STEM if name is None else slug(name, FOLDER_SLUG_LIMIT)
             for team, name in names.items()}
    users = Counter(slugs.values())
    folders = {}
    for team, folder in slugs.items():
        name = names[team]
        if name is None:
            folders[team] = ALL_TEAMS_STEM
        elif not folder:
            folders[team] = f"unnamed-{fingerprint(name)}"
        elif users[folder] > 1 or folder in _RESERVED or folder == ALL_TEAMS_STEM:
            folders[team] = f"{folder}-{fingerprint(name)}"
        else:
            folders[team] = folder
    return folders


def team_name(team) -> str | None:
    """The name of a plan's team (``team:All`` -> ``All``), None for the whole service; a value
    naming no team (``team:`` alone, which the plan's check refuses) as it is written."""
    if is_all_teams(team):
        return None
    try:
        return chosen_team(team) or str(team)
    except ParameterError:
        return str(team)


def batch_run_stem(workbook: str, parameters: dict, name: str | None = None) -> str:
    """The name a batch run's files share in its team's folder: the run's own ``name`` if the
    plan gives one (``Quarterly review`` -> ``quarterly_review``), else the workbook, plus the
    service or cohort when one is chosen (``demand_study-council-tax``)."""
    if name:
        return slug(name, 60).replace("-", "_") or workbook
    parts = [workbook]
    parts += [slug(value, 40) or fingerprint(value) for value in chosen_selections(parameters)]
    return "-".join(parts)


def audience_stem(stem: str, audience: str | None) -> str:
    """A stem with its audience added, for a run asked for several audiences, whose reports
    would otherwise share one name (``experiment_comparison-public``); as it is for one."""
    return f"{stem}-{audience}" if audience else stem


def without_audience(stem: str, audience: str | None) -> str:
    """The stem before :func:`audience_stem` added ``audience`` to it (as it is if it has none)."""
    suffix = f"-{audience}" if audience else ""
    return stem[: -len(suffix)] if suffix and stem.endswith(suffix) else stem


def run_key(folder: str, stem: str) -> str:
    """A batch run's key in its plan and manifest, and its path under the output folder without
    the ending: ``repairs-north/demand_study``."""
    return f"{folder}/{stem}"


# --- the files of one run ----------------------------------------------------------------------


def failed_notebook(folder: Path, stem: str) -> Path:
    """Where a failed run keeps its notebook as far as it ran: ``<stem>.failed.ipynb``."""
    return Path(folder) / f"{stem}{FAILED_SUFFIX}"


def scratch_folder(folder: Path, stem: str, token: str) -> Path:
    """The hidden folder a run writes into before its files are renamed into place:
    ``.<stem>.partial-<token>``."""
    return Path(folder) / f".{stem}.partial-{token}"


def scratch_pattern(stem: str | None = None) -> str:
    """The glob matching the scratch folders :func:`scratch_folder` makes for ``stem``, or every
    run's (a remote run's ``.remote.partial-*`` among them) without one."""
    return f".{stem}.partial-*" if stem else ".*.partial-*"
