"""Known changes in a process: where a chart's limits start afresh (rebasing) and what happened
when (annotations), as an analyst gives them in the ``rebase`` and ``annotations`` parameters.

*Making Data Count* recalculates a chart's limits only from a change the people running the
service know about (a new way of working, a new system), never because the chart looks as if it
changed: NHSRplotthedots' ``rebase``. A run of seven or more points on one side of the mean is a
prompt to ask whether something changed then (:func:`shift_note` words it), not a reason to
rebase by itself, so nothing here rebases a chart without being asked.

The two parameters, in any of these forms (a workbook's ``parameters`` cell, ``-p``, ``-y``, a
YAML file or a batch plan):

``rebase``
    - ``None`` or blank: no rebasing;
    - a date, ``2025-02-01``, or several, ``2025-02-01, 2025-09-01`` (or a list): new limits
      from each date on every chart of the report;
    - a mapping of team to dates, ``{Community Team North: [2025-02-01]}``: on that team's charts
      only (the key ``all`` means every chart, and a team called All is ``team:All``, as for the
      ``team`` parameter);
    - the path of a YAML file (``.yaml`` or ``.yml``) holding any of these.

``annotations``
    - ``None`` or blank: none;
    - a mapping of date to a short text, ``{2025-01-06: New way of allocating work}``: a
      labelled marker on every process chart;
    - a mapping of team to such a mapping: that team's charts only (``all``: every chart);
    - the path of a YAML file holding either.

Dates are written ``2025-02-01`` (``2025-02`` is the first of the month). A rebase date must be
the first day of a period the charts show (the first of a month for monthly charts, a Monday for
weekly ones): the period that starts that day is the first with new limits. An annotation may
fall on any day; it is drawn where the day falls on the time axis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import fmt_date, join_words, plural
from workbook_helpers.data.inputs import find_input
from workbook_helpers.data.teams import chosen_team

__all__ = [
    "ALL_CHARTS",
    "Annotation",
    "MAX_ANNOTATION_CHARACTERS",
    "ProcessChanges",
    "period_words",
    "read_changes",
    "rebase_hint",
    "rebase_points",
    "shift_note",
    "shift_run",
    "xmr_by_rebased",
    "xmr_rebased",
]

#: The key of a ``rebase`` or ``annotations`` mapping that means every chart.
ALL_CHARTS = "all"
#: The longest annotation: it is drawn on the chart, so it must be short.
MAX_ANNOTATION_CHARACTERS = 60
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Annotation:
    """A labelled marker for process charts: what happened (``text``) on ``date``."""

    date: pd.Timestamp
    text: str


@dataclass(frozen=True)
class ProcessChanges:
    """The rebase dates and annotations a run was given, by team (``None``: every chart).

    Build it with :func:`read_changes`, which checks the parameters.
    """

    rebase: dict[str | None, tuple[pd.Timestamp, ...]] = field(default_factory=dict)
    annotations: dict[str | None, tuple[Annotation, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.rebase.values()) and not any(self.annotations.values())

    def rebase_dates(self, team: str | None = None) -> tuple[pd.Timestamp, ...]:
        """The dates new limits start from on ``team``'s charts (those for every chart, then
        the team's own), in date order, each once. ``team=None``: those for every chart only."""
        dates = set(self.rebase.get(None, ()))
        if team is not None:
            dates |= set(self.rebase.get(team, ()))
        return tuple(sorted(dates))

    def annotations_for(self, team: str | None = None) -> tuple[Annotation, ...]:
        """The annotations drawn on ``team``'s charts (those for every chart and the team's
        own), in date order."""
        found = list(self.annotations.get(None, ()))
        if team is not None:
            found += list(self.annotations.get(team, ()))
        return tuple(sorted(dict.fromkeys(found), key=lambda a: (a.date, a.text)))

    def teams_rebased(self) -> list[str]:
        """The teams given rebase dates of their own, sorted."""
        return sorted(team for team, dates in self.rebase.items() if team is not None and dates)

    def describe(self, teams: Sequence[str] | None = None) -> list[str]:
        """What a report's method notes say of the rebasing and annotations asked for, for the
        ``teams`` it shows (every team named when None)."""
        notes = []
        shown = None if teams is None else set(teams)
        every = self.rebase.get(None, ())
        if every:
            notes.append(
                "Limits are worked out afresh (rebased) on every chart from "
                f"{join_words([fmt_date(d) for d in every])}, where the way of working was known "
                "to change: each stretch has its own average and limits, and no rule reaches "
                "across a rebase."
            )
        own = [(team, dates) for team, dates in self.rebase.items()
               if team is not None and dates and (shown is None or team in shown)]
        for team, dates in sorted(own):
            notes.append(
                f"The charts for {team} are rebased from {join_words([fmt_date(d) for d in dates])}, "
                "where its way of working was known to change: each stretch has its own average "
                "and limits."
            )
        if every or own:
            notes.append(
                "Limits are only rebased where the analyst said the process changed, never "
                "because a chart looks as if it did; limits from fewer than "
                f"{spc.MIN_RELIABLE_POINTS} points are provisional."
            )
        marked = [a for team, items in self.annotations.items()
                  if team is None or shown is None or team in shown for a in items]
        if marked:
            notes.append(
                f"{plural(len(set(marked)), 'event')} the analyst noted {'is' if len(set(marked)) == 1 else 'are'} "
                "marked on the process charts with a labelled line."
            )
        return notes


# --------------------------------------------------------------------------------------------
# Reading the parameters


def read_changes(
    rebase: object = None, annotations: object = None, teams: Iterable[str] | None = None,
) -> ProcessChanges:
    """Check and read the ``rebase`` and ``annotations`` parameters (see the module docstring
    for their forms).

    ``teams`` are the teams in the data: a mapping naming any other team is an error (a
    misspelt team would otherwise be rebased nowhere without a word). With ``teams=None`` any
    name is taken.

    Raises :class:`ParameterError` naming the parameter, what was given and what was expected.
    """
    known = None if teams is None else [str(team) for team in teams]
    return ProcessChanges(
        rebase=_read_rebase(_from_file(rebase, "rebase"), known),
        annotations=_read_annotations(_from_file(annotations, "annotations"), known),
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))


def _from_file(value: object, parameter: str) -> object:
    """The parameter's value, read from the YAML file it names when it names one."""
    if not isinstance(value, (str, Path)) or not str(value).strip().lower().endswith(_YAML_SUFFIXES):
        return value
    path = find_input(value)
    if path is None or not path.is_file():
        raise ParameterError(f'{parameter}: the file "{value}" does not exist.')
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{parameter}: the file {path} is not valid YAML{where}.") from None
    if isinstance(loaded, Mapping) and set(loaded) == {parameter}:
        loaded = loaded[parameter]  # a file that says "rebase:" at the top
    if isinstance(loaded, (str, Path)) and str(loaded).strip().lower().endswith(_YAML_SUFFIXES):
        raise ParameterError(f"{parameter}: the file {path} names another file; give the dates in it.")
    return loaded


def _date(value: object, parameter: str, where: str = "") -> pd.Timestamp:
    """A date written 2025-02-01 (or 2025-02 for the first of the month), or a date object."""
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return pd.Timestamp(value.strip()).normalize()
        except ValueError:
            pass
    raise ParameterError(
        f"{parameter}{where}: {value!r} is not a date; write dates as 2025-02-01 (year, month, day)."
    )


def _team(key: object, parameter: str, known: list[str] | None) -> str | None:
    """A mapping's key as a team (None for every chart: ``all``, as the ``team`` parameter
    reads it, so a team called All is ``team:All``); an unknown team is an error."""
    name = chosen_team(key)
    if name is None:
        return None
    if known is not None and name not in known:
        close = [team for team in known if team.lower() == name.lower()]
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise ParameterError(
            f'{parameter} names the team "{name}", which is not in the data.{hint} The teams are: '
            f"{join_words(known)}; use all for every chart."
        )
    return name


def _dates(value: object, parameter: str, where: str = "") -> tuple[pd.Timestamp, ...]:
    if _blank(value):
        return ()
    if isinstance(value, str):
        items: list = [part for part in re.split(r"[,;]", value) if part.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, (dt.date, pd.Timestamp)):
        items = [value]
    else:
        raise ParameterError(
            f"{parameter}{where}: expected a date such as 2025-02-01 or a list of dates, not {value!r}."
        )
    return tuple(sorted({_date(item, parameter, where) for item in items}))


def _read_rebase(value: object, known: list[str] | None) -> dict[str | None, tuple[pd.Timestamp, ...]]:
    if _blank(value):
        return {}
    if not isinstance(value, Mapping):
        return {None: _dates(value, "rebase")}
    read: dict[str | None, tuple[pd.Timestamp, ...]] = {}
    for key, dates in value.items():
        team = _team(key, "rebase", known)
        where = f" (for {team})" if team else ""
        read[team] = tuple(sorted(set(read.get(team, ())) | set(_dates(dates, "rebase", where))))
    return read


def _annotation(date: object, text: object, where: str) -> Annotation:
    day = _date(date, "annotations", where)
    if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
        raise ParameterError(
            f"annotations{where}: {fmt_date(day)} needs a short text saying what happened, "
            f"such as {{{day.date().isoformat()}: New way of allocating work}}."
        )
    words = " ".join(str(text).split())
    if len(words) > MAX_ANNOTATION_CHARACTERS:
        raise ParameterError(
            f"annotations{where}: the text for {fmt_date(day)} has {len(words)} characters; keep it "
            f"to {MAX_ANNOTATION_CHARACTERS} or fewer, as it is written on the charts "
            f'("{words[:MAX_ANNOTATION_CHARACTERS]}...").'
        )
    return Annotation(day, words)


def _read_annotations(value: object, known: list[str] | None) -> dict[str | None, tuple[Annotation, ...]]:
    if _blank(value):
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(
            "annotations: expected dates and short texts, such as "
            f"{{2025-01-06: New way of allocating work}}, not {value!r}."
        )
    read: dict[str | None, list[Annotation]] = {}
    for key, item in value.items():
        if isinstance(item, Mapping):  # a team's own annotations
            team = _team(key, "annotations", known)
            where = f" (for {team})" if team else ""
            read.setdefault(team, []).extend(_annotation(date, text, where) for date, text in item.items())
        else:
            read.setdefault(None, []).append(_annotation(key, item, ""))
    return {team: tuple(sorted(set(items), key=lambda a: (a.date, a.text))) for team, items in read.items()}


# --------------------------------------------------------------------------------------------
# Rebase dates against a chart's periods


def period_words(period: str) -> str:
    """``"month"`` or ``"week"``, checked."""
    if period not in ("month", "week"):
        raise ValueError(f'period must be "month" or "week", not {period!r}.')
    return period


def _month(day: pd.Timestamp) -> str:
    return f"{day:%B %Y}"


def _data_range(periods: pd.DataFrame, period: str) -> str:
    first, last = periods["period_start"].iloc[0], periods["period_end"].iloc[-1]
    if period == "month":
        return f"The charts run month by month from {_month(first)} to {_month(last)}."
    return (f"The charts run week by week (Monday to Sunday) from {fmt_date(first)} to "
            f"{fmt_date(last)}.")


def _start_phrase(start: pd.Timestamp, period: str) -> str:
    """A period in words from its first day: "March 2025", "the week of 10 March 2025"."""
    return _month(start) if period == "month" else f"the week beginning {fmt_date(start)}"


def rebase_points(
    dates: Sequence[pd.Timestamp], periods: pd.DataFrame, *, period: str = "month",
    x: str = "period_end", team: str | None = None, parameter: str = "rebase",
) -> list:
    """The x values of the charts' points where new limits start, one for each rebase date.

    ``periods`` are the periods every chart of the set has a place for, oldest first, with
    ``period_start`` and ``period_end`` (and ``x`` when the points sit elsewhere); ``x`` names
    the column holding each period's x value on the charts. A date must be the first day of
    one of them, and not of the last (new limits need at least two points).

    Raises :class:`ParameterError` naming the parameter, the date, what is wrong (before the
    data, after it, inside a period, or leaving too few periods) and the data's range.
    """
    period = period_words(period)
    if not len(dates):
        return []
    periods = periods.sort_values("period_start").reset_index(drop=True)
    if periods.empty:
        raise ParameterError(f"{parameter}: there are no complete {period}s to rebase.")
    starts = pd.to_datetime(periods["period_start"]).dt.normalize()
    ends = pd.to_datetime(periods["period_end"]).dt.normalize()
    for_team = f" (for {team})" if team else ""
    span = _data_range(periods, period)
    problems, found = [], []
    for date in dates:
        day = pd.Timestamp(date).normalize()
        given = f"{parameter}{for_team}: {day.date().isoformat()}"
        if day < starts.iloc[0]:
            problems.append(f"{given} is before the data. {span}")
        elif day > ends.iloc[-1]:
            problems.append(f"{given} is after the data. {span}")
        elif not starts.eq(day).any():
            inside = int(starts.searchsorted(day, side="right")) - 1
            start = starts.iloc[inside]
            following = starts.iloc[inside + 1] if inside + 1 < len(starts) else None
            choices = [f"{start.date().isoformat()} for new limits from {_start_phrase(start, period)}"]
            if following is not None:
                choices.append(f"{following.date().isoformat()} from {_start_phrase(following, period)}")
            problems.append(
                f"{given} falls inside {_start_phrase(start, period)}, between the start of one "
                f"{period} and the next; new limits start with a whole {period}: give "
                f"{' or '.join(choices)}. {span}"
            )
        elif day == starts.iloc[-1]:
            problems.append(
                f"{given} leaves only one {period} ({_start_phrase(day, period)}) after it, and new "
                f"limits need at least {spc.MIN_POINTS}. {span}"
            )
        else:
            found.append(periods.loc[starts.eq(day).to_numpy(), x].iloc[0])
    if problems:
        raise ParameterError("\n".join(problems))
    return found


# --------------------------------------------------------------------------------------------
# Charts rebased where they can be


def xmr_rebased(values, dates, rebase_at: Sequence = (), **options) -> tuple[pd.DataFrame, bool]:
    """:func:`workbook_helpers.spc.xmr.xmr` with new limits from each of ``rebase_at`` (x values
    checked by :func:`rebase_points`), and whether it was rebased as asked.

    A series whose gaps leave a stretch between rebase points with fewer than 2 values cannot
    have limits of its own there: it is charted without rebasing (False), for the report to
    say so, rather than failing the whole run. Other problems raise as :func:`spc.xmr` does.
    """
    if not len(rebase_at):
        return spc.xmr(values, dates=dates, **options), True
    try:
        return spc.xmr(values, dates=dates, rebase_at=list(rebase_at), **options), True
    except ValueError:
        return spc.xmr(values, dates=dates, **options), False


def xmr_by_rebased(
    frame: pd.DataFrame, group: str, value: str, date: str, rebase_at: Sequence = (), **options,
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """:func:`workbook_helpers.spc.xmr.xmr_by` with the same rebase points for every group, as
    :func:`xmr_rebased` does them: the charts, and the groups that could not be rebased."""
    charts: dict[str, pd.DataFrame] = {}
    not_rebased: list[str] = []
    for name, rows in frame.groupby(group, sort=False, observed=True):
        if int(rows[value].notna().sum()) < spc.MIN_POINTS:
            continue
        charts[str(name)], rebased = xmr_rebased(rows[value], rows[date], rebase_at, **options)
        if not rebased:
            not_rebased.append(str(name))
    return charts, not_rebased


# --------------------------------------------------------------------------------------------
# A run on one side of the mean, in words


def rebase_hint(start: pd.Timestamp, team: str | None = None) -> str:
    """The parameter that would rebase a chart at ``start`` (the first day of a period), as
    YAML: ``rebase: {Community Team North: [2025-02-01]}`` or ``rebase: 2025-02-01``."""
    day = pd.Timestamp(start).date().isoformat()
    return f"rebase: {{{team}: [{day}]}}" if team else f"rebase: {day}"


def _period_start(x: object, period: str, x_is: str) -> pd.Timestamp:
    day = pd.Timestamp(x).normalize()
    if x_is == "period_start":
        return day
    return day.replace(day=1) if period == "month" else day - pd.Timedelta(days=6)


def _when(x: object, period: str, x_is: str) -> str:
    day = pd.Timestamp(x).normalize()
    if period == "month":
        return _month(day)
    return f"the week {'beginning' if x_is == 'period_start' else 'ending'} {fmt_date(day)}"


def shift_run(
    points: pd.DataFrame, *, period: str = "month", x_is: str = "period_end", team: str | None = None,
) -> dict[str, Any] | None:
    """The run a chart's latest points make on one side of its average, when it is seven or
    more periods long and the chart is not rebased; None otherwise.

    ``points`` is :func:`workbook_helpers.spc.xmr.xmr` output with dates as x; ``x_is`` says where
    each point sits in its period (``period_end`` for team performance, ``period_start`` for the
    demand study's weeks); ``team`` goes into the suggested parameter.

    Returns :func:`workbook_helpers.spc.xmr.shift_in_progress`'s dict with ``since`` (the run's
    first period in words: "February 2025", "the week ending 9 March 2025"), ``rebase_from``
    (the first day of that period) and ``hint`` (the parameter that would rebase there, as
    :func:`rebase_hint` writes it) added.
    """
    period = period_words(period)
    if x_is not in ("period_start", "period_end"):
        raise ValueError(f'x_is must be "period_start" or "period_end", not {x_is!r}.')
    if "rebase_group" in points and points["rebase_group"].max() > 0:
        return None  # rebased: the analyst has said where the process changed
    run = spc.shift_in_progress(points)
    if run is None:
        return None
    start = _period_start(run["start"], period, x_is)
    return {**run, "since": _when(run["start"], period, x_is), "rebase_from": start,
            "hint": rebase_hint(start, team)}


def shift_note(
    points: pd.DataFrame, label: str, *, period: str = "month", x_is: str = "period_end",
    team: str | None = None,
) -> str | None:
    """A sentence for a chart whose points have sat on one side of the average for a run of
    seven or more periods up to the latest, when it is not rebased (:func:`shift_run`); None
    otherwise.

    For example: "Open work items: every month since February 2025 (9 in a row) has been
    below the average. If the way of working changed then, rebase there (rebase: {Community
    Team North: [2025-02-01]}); if not, find out what did."

    Plain text: escape it before showing it as Markdown.
    """
    run = shift_run(points, period=period, x_is=x_is, team=team)
    if run is None:
        return None
    return (
        f"{label}: every {period} since {run['since']} ({run['points']} in a row) has been "
        f"{run['side']} the average. If the way of working changed then, rebase there "
        f"({run['hint']}); if not, find out what did."
    )
