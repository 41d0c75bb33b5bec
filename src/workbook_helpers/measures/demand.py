"""Demand analysis: value and failure demand, one-stop resolution, capacity lost, predictability.

Every function takes a demand log as :func:`workbook_helpers.data.loading.load_demand` returns it and
returns a small tidy frame or a dict of figures. Nothing here reads files or draws.

Definitions (``docs/method.md`` explains them for readers):

- *failure share*: failure demand as a share of classified demand (value + failure); rows not yet
  classified count in total demand but not in the share.
- *one-stop share*: of value demand whose outcome was recorded, the share resolved at the first
  contact.
- *failure hours per week*: handling minutes of failure demand received in the period's complete
  weeks (Monday to Sunday, wholly inside the period), in hours, divided by the number of those
  weeks. A period with no complete week has no weekly figure: the report gives the hours handled
  in the days of data instead, never a figure scaled up from part of a week.
- weeks start on Monday; week-by-week measures use complete weeks only, so a part week at either
  end of the period does not look like a drop in demand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.run_dates import check_run_date, date_range
from workbook_helpers.formatting import fmt_date, join_words
from workbook_helpers.data.teams import TEAM_PREFIX, as_in_data, chosen_team
from workbook_helpers.spc.process_changes import (
    ProcessChanges, read_changes, rebase_points, shift_note, xmr_by_rebased, xmr_rebased,
)

_ISO_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
FULL_TIME_HOURS_PER_WEEK = 37  # a full-time week in UK local government
NOT_RECORDED = "not recorded"
#: Complete weeks needed for a week-by-week chart (an XmR chart needs a moving range: 2 points).
MIN_WEEKS_TO_CHART = 2
#: Complete weeks below which process limits are only a first estimate (Making Data Count).
WEEKS_TO_TRUST_LIMITS = 15


@dataclass(frozen=True)
class Period:
    """The days a study covers, inclusive."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def working_days(self) -> int:
        """The Mondays to Fridays in the period (bank holidays are not known, so they count)."""
        return int(np.busday_count(self.start.date(), (self.end + pd.Timedelta(days=1)).date()))


def as_spelt(study: pd.DataFrame, team: object, service: object) -> tuple[object, object]:
    """``team`` and ``service`` as chosen, written as the data spell them ("revenues" is the
    Revenues team), for the words of the report; the whole service stays as it was given."""
    name = chosen_team(team)
    if name is not None and "team" in study:
        team = TEAM_PREFIX + as_in_data(name, study["team"])
    if not _is_all(service) and "service" in study:
        service = as_in_data(str(service), study["service"])
    return team, service


def period_notes(log: pd.DataFrame, period_start: object = None, period_end: object = None) -> list[str]:
    """The rule for every run date (:func:`workbook_helpers.data.run_dates.check_run_date`) applied to
    the period asked for: a start after the log's last contact, or an end before its first, is a
    :class:`ParameterError` naming the range; an end after the last contact is returned as a
    warning for the report and the JSON summary."""
    first, last = date_range(log["received"])
    start = _day(period_start) if not _blank(period_start) else None
    end = _day(period_end) if not _blank(period_end) else None
    return (check_run_date("period_start", start, first, last, open_start=True)
            + check_run_date("period_end", end, first, last, last_event=last, open_end=True,
                             last_event_words="the last contact in the log"))


def select_demand(
    log: pd.DataFrame,
    team: str = "all",
    service: str = "all",
    channel: str = "all",
    period_start: object = None,
    period_end: object = None,
) -> tuple[pd.DataFrame, Period]:
    """The rows for one team, service, channel and period, and the period they cover.

    ``"all"`` (or blank) selects everything; a team called "All" is chosen with ``"team:All"``
    (:func:`workbook_helpers.data.teams.chosen_team`). Names are matched ignoring case and surrounding
    spaces. ``period_start`` / ``period_end`` are inclusive days; blank means the first or last
    day in the file. Raises :class:`ParameterError` for a team or service not in the data (listing
    those that are) or a period that is back to front.
    """
    selected = log
    chosen: list[str] = []
    wanted_team = chosen_team(team)  # None for the whole service; "All" only as "team:All"
    for column, wanted in (("team", wanted_team), ("service", service), ("channel", channel)):
        everything = (wanted is None) if column == "team" else _is_all(wanted)
        if everything:
            continue
        if column not in selected.columns:
            raise ParameterError(
                f'{column} = "{wanted}" was asked for, but the data has no {column} column. '
                f'Use {column} = "all".'
            )
        names = selected[column].astype("str").str.strip().str.casefold()
        match = names == str(wanted).strip().casefold()
        if not match.any():
            # List the names that would work with the choices already made, so a service that
            # exists only in other teams is not listed as if it could be chosen.
            known = sorted(selected[column].dropna().astype(str).unique())
            narrowed = join_words(chosen)
            raise ParameterError(
                f'No rows for {column} "{wanted}"'
                + (f" in {narrowed}" if narrowed else "")
                + f". The {column} names in {'those rows' if narrowed else 'the data'} are: "
                + join_words([f'"{k}"' for k in known]) + "."
            )
        selected = selected[match.to_numpy()]
        chosen.append(f'{column} "{wanted}"')
    start = _day(period_start) if not _blank(period_start) else None
    end = _day(period_end) if not _blank(period_end) else None
    if start is not None and end is not None and end < start:
        raise ParameterError(
            f"period_end ({fmt_date(end)}) is before period_start ({fmt_date(start)})."
        )
    period_notes(log, start, end)  # a period outside the data is an error naming its range
    received = selected["received"]
    keep = pd.Series(True, index=selected.index)
    if start is not None:
        keep &= received >= start
    if end is not None:
        keep &= received < end + pd.Timedelta(days=1)
    selected = selected[keep.to_numpy()]
    if selected.empty:
        raise ParameterError(
            "No demand falls in the period asked for "
            f"({fmt_date(start) if start is not None else 'start'} to "
            f"{fmt_date(end) if end is not None else 'end'}). The data runs from "
            f"{fmt_date(log['received'].min())} to {fmt_date(log['received'].max())}."
        )
    period = Period(
        start if start is not None else selected["received"].min().normalize(),
        end if end is not None else selected["received"].max().normalize(),
    )
    return selected, period


def _is_all(value: object) -> bool:
    return _blank(value) or str(value).strip().casefold() == "all"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value is pd.NaT


def _day(value: object) -> pd.Timestamp:
    try:
        if isinstance(value, str) and not _ISO_DATE.match(value):
            # UK users write 03/04/2024 for 3 April; pd.Timestamp would read 4 March.
            stamp = pd.to_datetime(value.strip(), dayfirst=True)
        else:
            stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ParameterError(
            f'"{value}" is not a date. Write dates as 2024-04-01.'
        ) from None
    return stamp.normalize()


# --------------------------------------------------------------------------------------------
# headline figures


def headline_figures(
    log: pd.DataFrame, period: Period, max_handling_minutes: float | None = None
) -> dict:
    """The figures a director reads first.

    Returns a dict with ``total_demand``, ``value_demand``, ``failure_demand``,
    ``unclassified_demand``, ``classified_demand`` (value plus failure: what the failure share is
    of), ``failure_demand_share`` (fraction of classified demand, or None), ``one_stop_share`` (or
    None when not recorded), ``one_stop_recorded`` (the value demands with a recorded outcome that
    the one-stop share is of, or None when not recorded), ``period_start``, ``period_end``,
    ``weeks`` (days in the period / 7), ``days``, ``working_days`` (Mondays to Fridays in the
    period), ``complete_weeks`` (Monday-to-Sunday weeks wholly inside it), and the capacity
    figures of :func:`failure_capacity` (``max_handling_minutes`` is passed on to it).
    """
    classes = log["demand_class"]
    value = int((classes == "value").sum())
    failure = int((classes == "failure").sum())
    figures = {
        "total_demand": int(len(log)),
        "value_demand": value,
        "failure_demand": failure,
        "unclassified_demand": int(classes.isna().sum()),
        "classified_demand": value + failure,
        "failure_demand_share": _share(failure, value + failure),
        "one_stop_share": one_stop_share(log),
        "one_stop_recorded": _one_stop_outcomes(log),
        "period_start": period.start.date().isoformat(),
        "period_end": period.end.date().isoformat(),
        "weeks": round(period.weeks, 2),
        "days": period.days,
        "working_days": period.working_days,
        "complete_weeks": len(complete_weeks(period)),
    }
    figures.update(failure_capacity(log, period, max_handling_minutes))
    return figures


def data_notes(figures: dict, file_warnings: list[str]) -> list[str]:
    """Caveats about the data behind a report: demand in the selection not yet classified, and
    what the loader noticed in the data file as a whole."""
    notes = []
    unclassified = figures["unclassified_demand"]
    if unclassified:
        # A count hidden in a public report arrives as "[c]" (see workbooks.demand_study.protect_breakdowns).
        def shown(value):
            return value if isinstance(value, str) else f"{value:,}"

        notes.append(
            f"{shown(unclassified)} of the {shown(figures['total_demand'])} demands in this report "
            f"{'has' if unclassified == 1 else 'have'} no demand class (value or failure) yet; "
            "they count in total demand but not in the value and failure shares."
        )
    notes += [f"In the data file, {w[:1].lower()}{w[1:]}" for w in file_warnings]
    return notes


def one_stop_share(log: pd.DataFrame) -> float | None:
    """Of value demand with a recorded outcome, the share resolved at the first contact."""
    if "one_stop" not in log.columns:
        return None
    recorded = log.loc[(log["demand_class"] == "value").to_numpy(), "one_stop"].dropna()
    return _share(int(recorded.sum()), len(recorded))


def _one_stop_outcomes(log: pd.DataFrame) -> int | None:
    """How many value demands have a recorded one-stop outcome (what the one-stop share is of)."""
    if "one_stop" not in log.columns:
        return None
    return int(log.loc[(log["demand_class"] == "value").to_numpy(), "one_stop"].notna().sum())


def failure_capacity(
    log: pd.DataFrame, period: Period, max_handling_minutes: float | None = None
) -> dict:
    """The time spent handling failure demand, and what it equals in full-time staff.

    Returns a dict of:

    ``failure_hours``
        Hours of failure demand handled in the whole period: what the log holds.
    ``failure_hours_per_week``
        Hours handled in the period's complete weeks (:func:`complete_weeks`) divided by how many
        there are; None when the period holds no complete week, so a day or a part week is never
        scaled up to a week.
    ``failure_hours_in_part_weeks``
        Hours handled in the part weeks at either end of the period, which the weekly figure
        leaves out (None when there is no weekly figure).
    ``full_time_equivalent_lost``
        ``failure_hours_per_week`` / :data:`FULL_TIME_HOURS_PER_WEEK`, or None.
    ``failure_rows_without_minutes``
        Failure demands with no handling minutes (they add nothing, so the hours are an
        underestimate).
    ``failure_rows_over_ceiling``
        Failure demands whose handling minutes are above ``max_handling_minutes`` (None when no
        ceiling is given): they are counted as recorded, but a report should say so.

    Every figure is None when the log has no handling minutes for failure demand.
    """
    empty = {
        "failure_hours": None,
        "failure_hours_per_week": None,
        "failure_hours_in_part_weeks": None,
        "full_time_equivalent_lost": None,
        "failure_rows_without_minutes": None,
        "failure_rows_over_ceiling": None,
    }
    if "handling_minutes" not in log.columns:
        return empty
    failure = (log["demand_class"] == "failure").to_numpy()
    minutes = log.loc[failure, "handling_minutes"]
    if minutes.notna().sum() == 0:
        return empty
    weeks = complete_weeks(period)
    in_weeks = _week_start(log.loc[failure, "received"]).isin(weeks).to_numpy()
    per_week = float(minutes[in_weeks].sum()) / 60 / len(weeks) if len(weeks) else None
    return {
        "failure_hours": float(minutes.sum()) / 60,
        "failure_hours_per_week": per_week,
        "failure_hours_in_part_weeks": float(minutes[~in_weeks].sum()) / 60 if len(weeks) else None,
        "full_time_equivalent_lost": per_week / FULL_TIME_HOURS_PER_WEEK if per_week is not None else None,
        "failure_rows_without_minutes": int(minutes.isna().sum()),
        "failure_rows_over_ceiling": (
            int((minutes > max_handling_minutes).sum()) if max_handling_minutes is not None else None
        ),
    }


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


# --------------------------------------------------------------------------------------------
# breakdowns


def value_failure_by(log: pd.DataFrame, by: str) -> pd.DataFrame:
    """Demand by ``service``, ``channel`` or ``team``: demand, value, failure, unclassified,
    failure_share (of classified demand). Largest first; rows with no name in ``by`` are counted
    under "not recorded"."""
    if by not in log.columns:
        raise ParameterError(f'The data has no "{by}" column to break demand down by.')
    counts = pd.crosstab(
        _names(log[by]), log["demand_class"].astype("str").fillna("unclassified")
    )
    table = pd.DataFrame(
        {
            by: counts.index.astype(str),
            "demand": counts.sum(axis=1).to_numpy(),
            "value": counts.get("value", 0),
            "failure": counts.get("failure", 0),
            "unclassified": counts.get("unclassified", 0),
        }
    ).reset_index(drop=True)
    for column in ("value", "failure", "unclassified"):
        table[column] = table[column].astype("int64")
    classified = table["value"] + table["failure"]
    table["failure_share"] = (table["failure"] / classified).where(classified > 0)
    return table.sort_values(["demand", by], ascending=[False, True], ignore_index=True)


def _names(column: pd.Series) -> pd.Series:
    """A breakdown column as text, blanks as "not recorded" so no row drops out of the totals."""
    return column.astype("str").fillna(NOT_RECORDED)


def pareto(counts: pd.Series, name: str) -> pd.DataFrame:
    """A Pareto table from counts per category: largest first, with share and cumulative share."""
    counts = counts[counts > 0]
    table = (
        counts.rename("demand").rename_axis(name).reset_index()
        .sort_values(["demand", name], ascending=[False, True], ignore_index=True)
    )
    total = table["demand"].sum()
    table["share"] = table["demand"] / total
    table["cumulative_share"] = table["demand"].cumsum() / total
    return table


def failure_types(log: pd.DataFrame) -> pd.DataFrame:
    """Failure demand by failure type (a Pareto); failure rows with no type as "not recorded"."""
    failure = log.loc[(log["demand_class"] == "failure").to_numpy()]
    if "failure_type" in failure.columns:
        kinds = failure["failure_type"].astype("str").fillna(NOT_RECORDED)
    else:
        kinds = pd.Series(NOT_RECORDED, index=failure.index)
    return pareto(kinds.value_counts(), "failure_type")


def demand_types(log: pd.DataFrame, demand_class: str, top: int | None = None) -> pd.DataFrame:
    """The demand types of one class (``value`` or ``failure``) as a Pareto, largest first.

    With ``top``, the largest ``top`` types; shares stay shares of the whole class.
    """
    rows = log.loc[(log["demand_class"] == demand_class).to_numpy(), "demand_type"]
    table = pareto(rows.astype("str").value_counts(), "demand_type")
    return table.head(top) if top else table


# --------------------------------------------------------------------------------------------
# week by week


def complete_weeks(period: Period) -> pd.DatetimeIndex:
    """The Mondays of the weeks that lie wholly inside the period."""
    first = period.start + pd.Timedelta(days=(7 - period.start.weekday()) % 7)
    last = period.end - pd.Timedelta(days=6)
    if last < first:
        return pd.DatetimeIndex([], name="week_start")
    return pd.date_range(first, last, freq="7D", name="week_start")


def _week_start(received: pd.Series) -> pd.Series:
    days = received.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def weekly_demand(log: pd.DataFrame, period: Period, by: str | None = None) -> pd.DataFrame:
    """Demand per complete week: week_start, demand, value, failure, failure_share.

    With ``by`` (for example ``"service"``), one series per group, in a column of that name
    (rows with no name in ``by`` as "not recorded").
    Weeks with no demand appear with zeros, so gaps are visible rather than skipped.
    """
    weeks = complete_weeks(period)
    frame = pd.DataFrame(
        {
            "week_start": _week_start(log["received"]),
            "class": log["demand_class"].astype("str").fillna("unclassified"),
        }
    )
    keys = ["week_start"]
    if by:
        frame[by] = _names(log[by])
        keys = [by, "week_start"]
    frame = frame[frame["week_start"].isin(weeks)]
    counts = frame.groupby(keys + ["class"], observed=True).size().unstack("class", fill_value=0)
    groups = sorted(frame[by].dropna().unique()) if by else [None]
    if by:
        full = pd.MultiIndex.from_product([groups, weeks], names=keys)
    else:
        full = weeks
    counts = counts.reindex(full, fill_value=0)
    table = pd.DataFrame(index=counts.index)
    table["value"] = counts.get("value", 0)
    table["failure"] = counts.get("failure", 0)
    table["demand"] = counts.sum(axis=1) if len(counts.columns) else 0
    classified = table["value"] + table["failure"]
    table["failure_share"] = (table["failure"] / classified).where(classified > 0)
    table = table.reset_index()
    return table[keys + ["demand", "value", "failure", "failure_share"]]


def weekly_counts_by_type(log: pd.DataFrame, period: Period, top: int = 6) -> pd.DataFrame:
    """Weekly counts of the ``top`` largest demand types: demand_type, demand_class,
    week_start, demand. Complete weeks only, zeros included."""
    weeks = complete_weeks(period)
    in_weeks = log[_week_start(log["received"]).isin(weeks).to_numpy()]
    # Ties broken by name, so the choice does not depend on the order of the rows.
    largest = (
        in_weeks["demand_type"].astype("str").value_counts().rename_axis("demand_type")
        .reset_index().sort_values(["count", "demand_type"], ascending=[False, True])
        .set_index("demand_type")["count"].head(top)
    )
    rows = in_weeks[in_weeks["demand_type"].astype("str").isin(largest.index).to_numpy()]
    counts = (
        pd.DataFrame(
            {"demand_type": rows["demand_type"].astype("str"), "week_start": _week_start(rows["received"])}
        )
        .groupby(["demand_type", "week_start"]).size()
        .reindex(pd.MultiIndex.from_product([largest.index, weeks], names=["demand_type", "week_start"]), fill_value=0)
        .rename("demand").reset_index()
    )
    classes = (
        rows.assign(demand_type=rows["demand_type"].astype("str"))
        .groupby("demand_type", observed=True)["demand_class"]
        .agg(lambda c: c.mode().iloc[0] if c.notna().any() else None)
    )
    counts["demand_class"] = counts["demand_type"].map(classes).astype("object")
    order = {name: position for position, name in enumerate(largest.index)}
    counts = counts.sort_values(["demand_type", "week_start"], key=lambda s: s.map(order) if s.name == "demand_type" else s)
    return counts[["demand_type", "demand_class", "week_start", "demand"]].reset_index(drop=True)


def predictability(
    by_type: pd.DataFrame, changes: DemandChanges | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """How predictable the largest demand types are, from :func:`weekly_counts_by_type`.

    Returns the XmR points of each type (for its chart) and a table of what to expect in a normal
    week: demand_type, demand_class, mean, low (the lower limit, at least 0), high, and stable
    ("yes" when no week shows special-cause variation, else "no: special cause"; "no variation
    to judge" when the weekly count hardly changes, so there are no limits and low and high are
    missing). With ``changes`` (:func:`demand_changes`) the charts are rebased as asked, and the
    expected range is that of the latest limits.
    """
    if changes is None:
        points = spc.xmr_by(by_type, "demand_type", "demand", "week_start", improvement="neutral")
    else:
        points = changes.xmr_by(by_type, "demand_type", "demand", "week_start", improvement="neutral")
    classes = by_type.drop_duplicates("demand_type").set_index("demand_type")["demand_class"]
    table = pd.DataFrame(
        [
            {
                "demand_type": name,
                "demand_class": classes.get(name),
                "mean": series["mean"].iloc[-1],
                "low": max(series["lpl"].iloc[-1], 0),
                "high": series["upl"].iloc[-1],
                "stable": (
                    "no: special cause" if series["special_cause"].any()
                    else "no variation to judge" if series["no_variation"].iloc[-1]
                    else "yes"
                ),
            }
            for name, series in points.items()
        ],
        columns=["demand_type", "demand_class", "mean", "low", "high", "stable"],
    )
    return points, table


# --------------------------------------------------------------------------------------------
# Known changes in the process: rebasing and annotations (workbook_helpers.spc.process_changes)


@dataclass
class DemandChanges:
    """The ``rebase`` and ``annotations`` parameters as they apply to one demand study's
    week-by-week charts. Build it with :func:`demand_changes`.

    ``rebase_at`` holds the Mondays where new limits start (checked against the study's
    complete weeks); ``annotations`` the markers drawn on every process chart.
    """

    changes: ProcessChanges
    team: str | None
    weeks: pd.DataFrame
    rebase_at: list
    annotations: tuple
    not_rebased: list[str]

    def xmr(self, values, dates, name: str = "the chart", **options) -> pd.DataFrame:
        """:func:`workbook_helpers.spc.xmr.xmr` of a weekly series, rebased as asked where it can
        be (a chart whose gaps leave too few values after a rebase is not, and the notes say
        so)."""
        points, rebased = xmr_rebased(values, dates, self.rebase_at, **options)
        if not rebased:
            self.not_rebased.append(name)
        return points

    def xmr_by(self, frame: pd.DataFrame, group: str, value: str, date: str, **options) -> dict[str, pd.DataFrame]:
        """:func:`workbook_helpers.spc.xmr.xmr_by`, rebased as :meth:`xmr` does it."""
        points, not_rebased = xmr_by_rebased(frame, group, value, date, self.rebase_at, **options)
        self.not_rebased.extend(not_rebased)
        return points

    def shift_note(self, points: pd.DataFrame, label: str) -> str | None:
        """The sentence for a chart not rebased whose latest weeks have sat on one side of its
        average for 7 or more weeks (:func:`workbook_helpers.spc.process_changes.shift_note`)."""
        return shift_note(points, label, period="week", x_is="period_start", team=self.team)

    def notes(self) -> list[str]:
        """Method notes on the rebasing and annotations of this report."""
        notes = self.changes.describe([self.team] if self.team else [])
        others = [team for team in self.changes.teams_rebased() if team != self.team]
        if others and self.team is None:
            notes.append(
                f"Rebase dates given for {join_words(others)} apply to "
                f"{'its' if len(others) == 1 else 'their'} own reports; this report covers every "
                "team, so its charts are not rebased for them."
            )
        if self.not_rebased:
            shown = self.not_rebased[:5]
            more = len(self.not_rebased) - len(shown)
            notes.append(
                f"Not rebased: {join_words(shown + ([f'{more} more'] if more else []))}, where gaps "
                f"leave fewer than {spc.MIN_POINTS} weeks with values on one side of a rebase date."
            )
        if len(self.weeks):
            first, last = self.weeks["period_start"].iloc[0], self.weeks["period_end"].iloc[-1]
            for item in self.annotations:
                if not first <= item.date <= last:
                    notes.append(
                        f"The annotation for {fmt_date(item.date)} (\u201c{item.text}\u201d) falls "
                        f"outside the weeks charted, {fmt_date(first)} to {fmt_date(last)}, so it is "
                        "not drawn."
                    )
        return notes


def demand_changes(
    log: pd.DataFrame, team: object, period: Period, rebase: object = None, annotations: object = None,
) -> DemandChanges:
    """Read the ``rebase`` and ``annotations`` parameters for a demand study of ``team`` (or
    every team) over ``period``: rebase dates for every chart and for the team itself apply;
    each must be the Monday of one of the study's complete weeks, not the last, or a
    :class:`ParameterError` says why and what the weeks are. A mapping naming a team not in the
    log's team column is an error too."""
    teams = sorted(log["team"].dropna().astype(str).unique()) if "team" in log.columns else []
    changes = read_changes(rebase, annotations, teams if "team" in log.columns else None)
    chosen = chosen_team(team)
    if chosen is not None:
        # The team as the data spells it (the team parameter is matched ignoring case).
        wanted = chosen.strip().casefold()
        chosen = next((name for name in teams if name.strip().casefold() == wanted), chosen)
    mondays = complete_weeks(period)
    weeks = pd.DataFrame({"period_start": mondays, "period_end": mondays + pd.Timedelta(days=6),
                          "week_start": mondays})
    rebase_at: list = []
    if changes.rebase_dates(chosen):
        if weeks.empty:
            raise ParameterError("rebase: there are no complete weeks in the period to rebase.")
        rebase_at = rebase_points(changes.rebase.get(None, ()), weeks, period="week", x="week_start")
        if chosen in changes.rebase:
            rebase_at += rebase_points(changes.rebase[chosen], weeks, period="week", x="week_start",
                                       team=chosen)
    return DemandChanges(changes, chosen, weeks, sorted(set(rebase_at)), changes.annotations_for(chosen), [])
