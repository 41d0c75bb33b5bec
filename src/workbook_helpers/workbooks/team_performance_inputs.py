"""What the team-performance view checks in its inputs as it is built
(:meth:`workbook_helpers.workbooks.team_performance.TeamPerformance.build`): the as-at date against
the dates in the files, the rebase dates against the periods the charts show, and what a reader
should know about the data before trusting the figures."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.data.run_dates import check_run_date, date_range
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import fmt_date, join_words, plural
from workbook_helpers.measures import performance as pf
from workbook_helpers.spc.process_changes import ProcessChanges, rebase_points


def rebase_days(changes: ProcessChanges, measures: pd.DataFrame, teams: list[str]) -> dict[str, tuple]:
    """Each team's rebase days (those for every chart and its own), checked against the periods
    the charts show: the work and action measures' periods (spending's months when there are
    only those)."""
    if not any(changes.rebase.values()) or measures.empty:
        return {}
    spending = measures["measure"].isin(["spend_actual", "spend_variance"])
    chosen = measures.loc[~spending] if (~spending).any() else measures
    periods = chosen[["period_start", "period_end"]].drop_duplicates().sort_values("period_start")
    period = measures.attrs.get("period", "month") if (~spending).any() else "month"
    rebase_points(changes.rebase_dates(None), periods, period=period)
    days = {}
    for team in teams:
        dates = changes.rebase_dates(team)
        if team in changes.rebase:
            rebase_points(changes.rebase[team], periods, period=period, team=team)
        if dates:
            days[team] = dates
    return days


def check_as_at(
    work_items: pd.DataFrame | None,
    spending: pd.DataFrame | None,
    actions: pd.DataFrame | None,
    as_at: object,
) -> list[str]:
    """The rule for every run date (:func:`workbook_helpers.data.run_dates.check_run_date`) applied to
    ``as_at``: outside the dates in the files is an error, after the last event a warning."""
    if as_at is None or (isinstance(as_at, str) and not as_at.strip()):
        return []
    day = pf.as_at_date(as_at=as_at)  # a date, or the error saying how to write one
    columns = []
    for frame, names in ((work_items, ("opened", "closed", "due", "next_review")),
                         (actions, ("raised", "due", "done"))):
        if frame is not None:
            columns += [frame[name] for name in names if name in frame]
    if spending is not None and len(spending):
        columns += [spending["month"], spending["month"] + pd.offsets.MonthEnd(0)]
    first, last = date_range(*columns)
    try:
        last_event = pf.as_at_date(work_items, actions, spending)
    except ParameterError:
        last_event = None
    return check_run_date("as_at", day, first, last, last_event,
                          last_event_words="the last opening, closing, raising or completion in the data")


def data_notes(
    work_items: pd.DataFrame | None,
    actions: pd.DataFrame | None,
    targets: pd.DataFrame | None,
    teams: list[str],
    as_at_given: object,
    as_at: pd.Timestamp,
) -> list[str]:
    """What a reader should know about the data before trusting the figures: dates after the
    day of the run (left out when finding the last date), targets for teams not in the data
    (not used), and an as-at date before the first work item."""
    notes = []
    chosen = as_at_given is not None and not (isinstance(as_at_given, str) and not as_at_given.strip())
    if not chosen:
        for name, column, count, latest in pf.dates_after(work_items, actions):
            notes.append(
                f"The {name} file has {plural(count, column + ' date')} after today, the latest "
                f"{fmt_date(latest)}; they were left out when finding the last date in the data. "
                "Check them."
            )
    if targets is not None and len(targets) and "team" in targets:
        named = targets["team"].dropna().astype(str)
        unknown = sorted(set(named) - set(teams))
        if unknown:
            notes.append(
                f"The targets file names {plural(len(unknown), 'team')} not in the data "
                f"({join_words(unknown)}); {'its targets were' if len(unknown) == 1 else 'their targets were'} "
                "not used. Check the spelling."
            )
    if work_items is not None and len(work_items):
        first = work_items["opened"].min()
        if pd.notna(first) and as_at < first:
            notes.append(
                f"The report is as at {fmt_date(as_at)}, before the first work item opened "
                f"({fmt_date(first)}), so there is nothing to measure."
            )
    return notes
