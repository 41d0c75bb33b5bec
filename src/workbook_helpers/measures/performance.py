"""Team-performance measures: each team's outstanding and upcoming work, effectiveness, spending
and actions, period by period.

The functions take the loaded files (:func:`workbook_helpers.data.loading.load_work_items`,
``load_spending``, ``load_targets``, ``load_actions``) and return tidy frames: one row per team,
period and measure. The measures are those of :data:`workbook_helpers.data.performance_measures.MEASURES`,
each counted as its ``definition`` there says. Dates are whole days (a time of day in the file is
ignored): an item closed on the last day of a period is no longer open at its end, and an item
opened and closed on the same day is never open at a period's end but is counted as opened and
completed in its period.

Periods are calendar months or weeks beginning on Monday. Only complete periods are measured: a
period counts when its last day is on or before the ``as_at`` date. Spending is budgeted by month,
so the spending measures are monthly whatever the period.

Every team has a value or a gap for every period of the range, so its charts show every period:
a count is 0 in a period with nothing to count, and a share or a median with nothing to work it
out from (no item closed, no action due) is missing, a gap that the XmR chart keeps in its place
with no moving range across it. A month missing from the spending file is a gap too, not a month
of no spending.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from workbook_helpers import clock

from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.performance_measures import MEASURES, measure
from workbook_helpers.spc.process_changes import xmr_rebased

__all__ = [
    "AGE_BANDS",
    "PERIODS",
    "UPCOMING_DAYS",
    "action_measures",
    "actions_now",
    "as_at_date",
    "dates_after",
    "financial_year",
    "measure_charts",
    "periods_between",
    "spending_by_month",
    "summary_matrix",
    "target_for",
    "team_measures",
    "teams_in",
    "work_measures",
    "work_now",
]

PERIODS = ("month", "week")
#: Age bands of open work: measure key -> (from, to) days open, ``to`` exclusive.
AGE_BANDS: dict[str, tuple[int, float]] = {
    "open_under_4_weeks": (0, 28),
    "open_4_to_12_weeks": (28, 84),
    "open_over_12_weeks": (84, np.inf),
}
#: How far ahead "upcoming" work looks, in days.
UPCOMING_DAYS = 28
_WORK_MEASURES = (
    "open_items", *AGE_BANDS, "items_opened", "due_next_28_days", "overdue_items",
    "items_completed", "completed_on_time_share", "median_days_to_complete",
)
_ACTION_MEASURES = ("actions_open", "actions_overdue", "actions_on_time_share")
_SPENDING_MEASURES = ("spend_actual", "spend_variance")
_LONG_COLUMNS = ["team", "measure", "period_start", "period_end", "value"]
_NEVER = np.iinfo(np.int64).max // 2  # a day number later than any date: "not closed"


# --------------------------------------------------------------------------------------------
# Periods and dates
# --------------------------------------------------------------------------------------------


def _check_period(period: object) -> str:
    if period not in PERIODS:
        raise ParameterError(f'period must be "month" or "week", not {period!r}.')
    return str(period)


def periods_between(first: object, as_at: object, period: str = "month") -> pd.DataFrame:
    """The complete periods from the one holding ``first`` to the last one ending by ``as_at``.

    Returns a frame with ``period_start`` and ``period_end`` (both dates, midnight), one row per
    period, oldest first. Weeks run Monday to Sunday; months are calendar months. Empty when no
    period is complete.
    """
    period = _check_period(period)
    first_day, last_day = pd.Timestamp(first).normalize(), pd.Timestamp(as_at).normalize()
    if last_day < first_day:
        return pd.DataFrame({"period_start": pd.Series(dtype="datetime64[ns]"),
                             "period_end": pd.Series(dtype="datetime64[ns]")})
    spans = pd.period_range(first_day, last_day, freq="M" if period == "month" else "W-SUN")
    frame = pd.DataFrame({
        "period_start": spans.start_time.normalize().astype("datetime64[ns]"),
        "period_end": spans.end_time.normalize().astype("datetime64[ns]"),
    })
    return frame.loc[frame["period_end"] <= last_day].reset_index(drop=True)


def financial_year(dates: pd.Series) -> pd.Series:
    """The UK financial year (April to March) each date falls in, as ``"2024-25"``."""
    dates = pd.to_datetime(dates)
    start = dates.dt.year - (dates.dt.month < 4).astype("int64")
    return start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)


def as_at_date(
    work_items: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    spending: pd.DataFrame | None = None,
    as_at: object = None,
    today: object = None,
) -> pd.Timestamp:
    """The date the report is "as at": ``as_at`` when given, else the last date in the data.

    The last date is the latest opening, closing, raising or completion of a work item or
    action (due dates and reviews lie in the future by design, so they do not count); when
    there are none, the last day of the latest month of spending. Dates after ``today`` (by
    default the day of the run) are left out: they cannot have happened yet, and one mistyped
    year would otherwise move the whole report decades ahead (:func:`dates_after` finds them).
    """
    if as_at is not None and not (isinstance(as_at, str) and not as_at.strip()):
        try:
            return pd.Timestamp(as_at).normalize()
        except (ValueError, TypeError):
            raise ParameterError(
                f"as_at must be a date such as 2025-10-31, or blank for the last date in the "
                f"data; got {as_at!r}."
            ) from None
    last_day = _today(today)
    found = []
    for frame, columns in ((work_items, _EVENT_DATES["work items"]), (actions, _EVENT_DATES["actions"])):
        if frame is not None:
            found += [frame[column].loc[frame[column] < last_day + pd.Timedelta(days=1)].max()
                      for column in columns if column in frame]
    found = [date for date in found if pd.notna(date)]
    if not found and spending is not None and len(spending):
        months = spending["month"].loc[spending["month"] <= last_day]
        found = [months.max() + pd.offsets.MonthEnd(0)] if len(months) else []
    if not found:
        raise ParameterError("The data has no dates to be as at; give as_at.")
    return pd.Timestamp(max(found)).normalize()


#: The dates of events that have happened, by file: what "the last date in the data" looks at.
_EVENT_DATES = {"work items": ("opened", "closed"), "actions": ("raised", "done")}


def _today(today: object = None) -> pd.Timestamp:
    return pd.Timestamp(clock.today() if today is None else today).normalize()


def dates_after(
    work_items: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    today: object = None,
) -> list[tuple[str, str, int, pd.Timestamp]]:
    """Openings, closings, raisings and completions later than ``today`` (by default the day
    of the run), which :func:`as_at_date` leaves out: ``(file, column, how many, latest)`` for
    each column that has any. The same test as the loaders' warning about dates after today
    (:func:`workbook_helpers.data.notes.dates_after_today`), so the two never disagree."""
    from workbook_helpers.data.notes import dates_after_today

    found = []
    for name, frame in (("work items", work_items), ("actions", actions)):
        if frame is None:
            continue
        for column, count, latest, _ in dates_after_today(frame, _EVENT_DATES[name], _today(today)):
            found.append((name, column, count, latest))
    return found


def teams_in(*frames: pd.DataFrame | None) -> list[str]:
    """Every team named in any of ``frames`` (None is skipped), sorted."""
    return sorted({
        str(team) for frame in frames if frame is not None
        for team in frame["team"].dropna().unique()
    })


def _whole_days(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with the date ``columns`` it has set to midnight: dates are whole days, so an
    item closed at 3pm on its due date is on time and a time of day never adds or loses a day."""
    present = [column for column in columns if column in frame]
    return frame.assign(**{column: pd.to_datetime(frame[column]).dt.normalize() for column in present})


def _days(dates: pd.Series, missing: int = _NEVER) -> np.ndarray:
    """Dates as whole day numbers (``missing`` for blanks), for fast comparisons."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(pd.isna(dates).to_numpy(), missing, days)


def _day(date: pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(date).normalize(), "D").astype("int64"))


# --------------------------------------------------------------------------------------------
# Work items
# --------------------------------------------------------------------------------------------


def _stock(items: pd.DataFrame, ends: Iterable[pd.Timestamp], teams: list[str]) -> dict[str, np.ndarray]:
    """Counts of open work at the end of each day in ``ends``: arrays shaped (ends, teams)."""
    team_code = pd.Categorical(items["team"].astype(str), categories=teams).codes
    opened = _days(items["opened"])
    closed = _days(items["closed"])
    due = _days(items["due"])
    review = _days(items["next_review"]) if "next_review" in items else np.full(len(items), _NEVER)
    ends = list(ends)
    shape = (len(ends), len(teams))
    counts = {key: np.zeros(shape, dtype="int64") for key in
              ("open_items", *AGE_BANDS, "due_next_28_days", "overdue_items")}

    known = team_code >= 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(team_code[mask & known], minlength=len(teams))

    for position, end in enumerate(ends):
        day = _day(end)
        is_open = (opened <= day) & (closed > day)
        counts["open_items"][position] = count(is_open)
        age = day - opened
        for key, (low, high) in AGE_BANDS.items():
            counts[key][position] = count(is_open & (age >= low) & (age < high))
        # Due (or for review) that day or in the 28 days after it; before that day is overdue.
        soon = ((due >= day) & (due <= day + UPCOMING_DAYS)) | (
            (review >= day) & (review <= day + UPCOMING_DAYS)
        )
        counts["due_next_28_days"][position] = count(is_open & soon)
        counts["overdue_items"][position] = count(is_open & ((due < day) | (review < day)))
    return counts


def _period_of(dates: pd.Series, periods: pd.DataFrame) -> pd.Series:
    """The position of the period each date falls in, or -1 outside every period."""
    starts = periods["period_start"].to_numpy(dtype="datetime64[D]").astype("int64")
    ends = periods["period_end"].to_numpy(dtype="datetime64[D]").astype("int64")
    day = _days(dates, missing=-_NEVER)
    if not len(starts):
        return pd.Series(-1, index=dates.index)
    position = np.searchsorted(starts, day, side="right") - 1
    inside = (position >= 0) & (day <= ends[np.clip(position, 0, None)])
    return pd.Series(np.where(inside, position, -1), index=dates.index)


def _long(values: dict[str, np.ndarray], periods: pd.DataFrame, teams: list[str]) -> pd.DataFrame:
    """Arrays shaped (periods, teams) per measure as the tidy long frame."""
    frames = []
    for key, array in values.items():
        frames.append(pd.DataFrame({
            "team": np.tile(teams, len(periods)),
            "measure": key,
            "period_start": np.repeat(periods["period_start"].to_numpy(), len(teams)),
            "period_end": np.repeat(periods["period_end"].to_numpy(), len(teams)),
            "value": array.reshape(-1).astype("float64"),
        }))
    return _ordered(pd.concat(frames, ignore_index=True) if frames else _empty_long())


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame({
        "team": pd.Series(dtype="str"), "measure": pd.Series(dtype="str"),
        "period_start": pd.Series(dtype="datetime64[ns]"),
        "period_end": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="float64"),
    })


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {m.key: i for i, m in enumerate(MEASURES)}
    frame = frame.assign(_order=frame["measure"].map(order))
    frame = frame.sort_values(["team", "_order", "period_start"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)[_LONG_COLUMNS]


def work_measures(items: pd.DataFrame, periods: pd.DataFrame, teams: list[str] | None = None) -> pd.DataFrame:
    """Outstanding work, upcoming work and effectiveness for each team and period.

    Parameters
    ----------
    items:
        Loaded work items (``team``, ``opened``, ``closed``, ``due``, optional ``next_review``).
    periods:
        From :func:`periods_between`.
    teams:
        The teams to measure, in order; by default every team in ``items``, sorted. A team with
        no items gets zero counts and missing shares and medians.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``team``, ``measure``, ``period_start``, ``period_end``, ``value`` (float). Counts
        of open work are taken at the end of each period's last day. ``completed_on_time_share``
        is missing in a period where no item with a due date was closed, and
        ``median_days_to_complete`` where no item was closed.
    """
    teams = teams if teams is not None else sorted(items["team"].astype(str).unique())
    items = _whole_days(items, ("opened", "closed", "due", "next_review"))
    values: dict[str, np.ndarray] = _stock(items, periods["period_end"], teams)

    opened_in = _period_of(items["opened"], periods)
    closed_in = _period_of(items["closed"], periods)
    team = items["team"].astype(str)
    shape = (len(periods), len(teams))
    team_position = {name: i for i, name in enumerate(teams)}

    def grid(series: pd.Series, fill: float) -> np.ndarray:
        array = np.full(shape, fill, dtype="float64")
        for (period, name), value in series.items():
            if name in team_position:
                array[period, team_position[name]] = value
        return array

    new = opened_in.ge(0)
    values["items_opened"] = grid(team[new].groupby([opened_in[new], team[new]]).size(), 0.0)

    done = closed_in.ge(0)
    closed = pd.DataFrame({
        "period": closed_in[done],
        "team": team[done],
        "days": (items.loc[done, "closed"] - items.loc[done, "opened"]).dt.days,
        "on_time": (items.loc[done, "closed"] <= items.loc[done, "due"]).astype("float64").where(
            items.loc[done, "due"].notna()
        ),
    })
    grouped = closed.groupby(["period", "team"])
    values["items_completed"] = grid(grouped.size(), 0.0)
    values["completed_on_time_share"] = grid(grouped["on_time"].mean(), np.nan)
    values["median_days_to_complete"] = grid(grouped["days"].median(), np.nan)
    return _long({key: values[key] for key in _WORK_MEASURES}, periods, teams)


def work_now(items: pd.DataFrame, as_at: pd.Timestamp, teams: list[str] | None = None) -> pd.DataFrame:
    """Each team's open work at the end of ``as_at``: one row per team with ``open_items``, the
    three age bands, ``due_next_28_days`` and ``overdue_items`` as whole numbers."""
    teams = teams if teams is not None else sorted(items["team"].astype(str).unique())
    counts = _stock(items, [as_at], teams)
    return pd.DataFrame({"team": teams, **{key: array[0] for key, array in counts.items()}})


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------


def action_measures(actions: pd.DataFrame, periods: pd.DataFrame, teams: list[str] | None = None) -> pd.DataFrame:
    """Open actions, overdue actions and the share done on time, for each team and period.

    An action is open at a period's end when it was raised on or before that day and not done
    by then; overdue when also its due date had passed. ``actions_on_time_share`` is, of the
    actions due during the period, the share done on or before their due date (missing when
    none fell due). Same tidy shape as :func:`work_measures`.
    """
    teams = teams if teams is not None else sorted(actions["team"].astype(str).unique())
    team_code = pd.Categorical(actions["team"].astype(str), categories=teams).codes
    raised, done, due = _days(actions["raised"]), _days(actions["done"]), _days(actions["due"])
    raised = np.where(team_code >= 0, raised, _NEVER)  # actions of other teams are never open
    shape = (len(periods), len(teams))
    values = {key: np.zeros(shape, dtype="float64") for key in _ACTION_MEASURES}
    for position, end in enumerate(periods["period_end"]):
        day = _day(end)
        is_open = (raised <= day) & (done > day)
        values["actions_open"][position] = np.bincount(team_code[is_open], minlength=len(teams))
        values["actions_overdue"][position] = np.bincount(
            team_code[is_open & (due < day)], minlength=len(teams)
        )
    due_in = _period_of(actions["due"], periods).to_numpy()
    falls_due = (due_in >= 0) & (team_code >= 0)
    on_time = (done <= due)[falls_due]
    flat = due_in[falls_due] * len(teams) + team_code[falls_due]
    total = np.bincount(flat, minlength=shape[0] * shape[1]).reshape(shape)
    kept = np.bincount(flat, weights=on_time, minlength=shape[0] * shape[1]).reshape(shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        values["actions_on_time_share"] = np.where(total > 0, kept / np.maximum(total, 1), np.nan)
    return _long(values, periods, teams)


def actions_now(actions: pd.DataFrame, as_at: pd.Timestamp) -> pd.DataFrame:
    """The actions open at the end of ``as_at``, with ``overdue`` (due date passed) and
    ``days_overdue``, most overdue first. Keeps the loaded columns (identifiers included: the
    caller decides what to show), with the dates as whole days."""
    day = pd.Timestamp(as_at).normalize()
    actions = _whole_days(actions, ("raised", "due", "done"))
    open_now = actions.loc[(actions["raised"] <= day) & ~(actions["done"] <= day)].copy()
    open_now["overdue"] = open_now["due"] < day
    open_now["days_overdue"] = (day - open_now["due"]).dt.days.clip(lower=0)
    return open_now.sort_values(["days_overdue", "due"], ascending=[False, True], kind="stable")


# --------------------------------------------------------------------------------------------
# Spending
# --------------------------------------------------------------------------------------------


def spending_by_month(spending: pd.DataFrame, as_at: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each team's budget and spending by month, with variances in the month and year to date.

    Categories are added together. Months ending after ``as_at`` are left out. Returns one row
    per team and month, in order, with ``team``, ``month`` (first day), ``financial_year``
    (``"2024-25"``), ``budget``, ``actual``, ``variance`` (actual minus budget: above zero is an
    overspend), ``variance_pct`` (variance over budget; missing when the budget is 0),
    ``budget_ytd``, ``actual_ytd``, ``variance_ytd`` and ``variance_ytd_pct``, the year-to-date
    figures running from April.
    """
    frame = spending.assign(team=spending["team"].astype(str))
    if as_at is not None:
        frame = frame.loc[frame["month"] + pd.offsets.MonthEnd(0) <= pd.Timestamp(as_at)]
    monthly = (
        frame.groupby(["team", "month"], as_index=False)[["budget", "actual"]].sum()
        .sort_values(["team", "month"], kind="stable", ignore_index=True)
    )
    monthly.insert(2, "financial_year", financial_year(monthly["month"]))
    monthly["variance"] = monthly["actual"] - monthly["budget"]
    monthly["variance_pct"] = monthly["variance"] / monthly["budget"].where(monthly["budget"] != 0)
    year = monthly.groupby(["team", "financial_year"], sort=False)
    monthly["budget_ytd"] = year["budget"].cumsum()
    monthly["actual_ytd"] = year["actual"].cumsum()
    monthly["variance_ytd"] = monthly["actual_ytd"] - monthly["budget_ytd"]
    monthly["variance_ytd_pct"] = monthly["variance_ytd"] / monthly["budget_ytd"].where(
        monthly["budget_ytd"] != 0
    )
    return monthly


def _spending_long(monthly: pd.DataFrame, as_at: pd.Timestamp | None = None) -> pd.DataFrame:
    """The spending measures in the tidy long shape, every team with every month from the first
    month in the file to the last one ending by ``as_at`` (by default the last in the file): a
    month a team has no spending rows for is a gap (missing), not a month of no spending."""
    columns = {"spend_actual": "actual", "spend_variance": "variance"}
    if len(monthly):
        last = monthly["month"].max()
        if as_at is not None:
            last = (pd.Timestamp(as_at).normalize() + pd.Timedelta(days=1)).to_period("M") - 1
            last = last.start_time
        months = pd.date_range(monthly["month"].min(), last, freq="MS")
        teams = list(dict.fromkeys(monthly["team"]))
        full = pd.MultiIndex.from_product([teams, months], names=["team", "month"])
        monthly = monthly.set_index(["team", "month"]).reindex(full).reset_index()
    frames = [
        pd.DataFrame({
            "team": monthly["team"], "measure": key, "period_start": monthly["month"],
            "period_end": monthly["month"] + pd.offsets.MonthEnd(0), "value": monthly[column],
        })
        for key, column in columns.items()
    ]
    return pd.concat(frames, ignore_index=True) if frames else _empty_long()


# --------------------------------------------------------------------------------------------
# All measures, charts and the summary matrix
# --------------------------------------------------------------------------------------------


def team_measures(
    work_items: pd.DataFrame | None = None,
    spending: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    period: str = "month",
    as_at: object = None,
    start: object = None,
) -> pd.DataFrame:
    """Every measure for every team and complete period, as one tidy frame.

    Parameters
    ----------
    work_items, spending, actions:
        The loaded files; any may be None (its measures are then absent).
    period:
        ``"month"`` or ``"week"`` (Monday to Sunday). Spending measures are monthly either way.
    as_at:
        The last day counted; None for the last date in the data (:func:`as_at_date`).
    start:
        The first day of the first period. By default the period holding the earliest closing
        of a work item or completion of an action, since an export that lists only the items
        closed since some date cannot say how much work was open before it; failing that, the
        earliest opening or raising.

    Returns
    -------
    pandas.DataFrame
        ``team``, ``measure``, ``period_start``, ``period_end``, ``value``, ordered by team, by
        measure as in :data:`~workbook_helpers.data.performance_measures.MEASURES`, then by date.
        ``attrs["as_at"]`` and ``attrs["period"]`` record what was used.
    """
    period = _check_period(period)
    as_at = as_at_date(work_items, actions, spending, as_at)
    teams = teams_in(work_items, spending, actions)
    if start is None:
        start = _default_start(work_items, actions, as_at)
    periods = periods_between(start, as_at, period)
    parts = []
    if work_items is not None:
        parts.append(work_measures(work_items, periods, teams))
    if actions is not None:
        parts.append(action_measures(actions, periods, teams))
    if spending is not None:
        parts.append(_spending_long(spending_by_month(spending, as_at), as_at))
    frame = _ordered(pd.concat(parts, ignore_index=True)) if parts else _empty_long()
    frame.attrs.update(as_at=as_at, period=period)
    return frame


def _default_start(work_items: pd.DataFrame | None, actions: pd.DataFrame | None, as_at: pd.Timestamp) -> pd.Timestamp:
    for columns in ((("closed", work_items), ("done", actions)), (("opened", work_items), ("raised", actions))):
        found = [frame[column].min() for column, frame in columns if frame is not None and len(frame)]
        found = [date for date in found if pd.notna(date)]
        if found:
            return min(found)
    return as_at


def target_for(targets: pd.DataFrame | None, team: str, key: str) -> tuple[float | None, str]:
    """The target for ``team`` on measure ``key`` and the direction of good to judge it by.

    A row for the team wins over a row for every team (blank team). Without a target the
    direction is the measure's own. Returns ``(target or None, improvement)``.
    """
    improvement = measure(key).improvement
    if targets is None or targets.empty:
        return None, improvement
    rows = targets.loc[targets["measure"] == key]
    own = rows.loc[rows["team"].astype("string") == team]
    chosen = own if len(own) else rows.loc[rows["team"].isna()]
    if chosen.empty:
        return None, improvement
    row = chosen.iloc[0]
    direction = row.get("direction")
    return float(row["target"]), (direction if isinstance(direction, str) and direction else improvement)


def measure_charts(
    measures: pd.DataFrame, targets: pd.DataFrame | None = None,
    rebase: Mapping[str, Sequence[pd.Timestamp]] | None = None,
) -> tuple[dict[tuple[str, str], pd.DataFrame], list[str]]:
    """An XmR chart (:func:`workbook_helpers.spc.xmr.xmr`) for every team and measure.

    Every period keeps its place: a period where a share or median has no items to be worked
    out from is a gap in that chart, with no moving range to it or from it. Series with fewer
    than 2 values have no chart. ``rebase`` maps a team to the days its charts' limits start
    afresh from, each the first day of a period (checked by
    :func:`workbook_helpers.spc.process_changes.rebase_points`): the period starting that day is
    the first of the new limits; on a monthly spending chart of a weekly report, the first
    month starting on or after it. A chart where gaps would leave a stretch with fewer than 2
    values is not rebased, and a note says so. Returns the charts keyed by ``(team, measure)`` and notes on what was left
    out or is provisional, in plain words.
    """
    charts: dict[tuple[str, str], pd.DataFrame] = {}
    notes: list[str] = []
    short = []
    not_rebased = []
    rebase = rebase or {}
    for (team, key), rows in measures.groupby(["team", "measure"], sort=False):
        values = int(rows["value"].notna().sum())
        if values < spc.MIN_POINTS:
            continue
        target, improvement = target_for(targets, team, key)
        at = _rebase_x(rows, rebase.get(team, ()))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", spc.UnreliableLimitsWarning)
            chart, rebased = xmr_rebased(rows["value"], rows["period_end"], at,
                                         improvement=improvement, target=target)
        if not rebased:  # gaps leave a stretch too few values for limits of its own
            not_rebased.append((team, measure(key).label))
        if caught:
            fewest = int(chart.loc[chart["value"].notna()].groupby("rebase_group").size().min())
            short.append((team, measure(key).label, fewest))
        chart.attrs.update(team=team, measure=key)
        charts[(team, key)] = chart
    if short:
        fewest = min(points for *_, points in short)
        behind = "have limits worked out from" if rebase else "have"
        notes.append(
            f"{len(short)} of {len(charts)} charts {behind} fewer than {spc.MIN_RELIABLE_POINTS} "
            f"points (the fewest {fewest}), so their limits are provisional."
        )
    for team, label in not_rebased:
        notes.append(
            f"{team}'s chart of {label.lower()} is not rebased: it has too few values on one side "
            f"of a rebase date for limits of their own (at least {spc.MIN_POINTS} are needed)."
        )
    return charts, notes


def _rebase_x(rows: pd.DataFrame, days: Sequence[pd.Timestamp]) -> list:
    """The x values (period ends) of the first period of ``rows`` starting on or after each
    day, each once."""
    starts = pd.to_datetime(rows["period_start"]).reset_index(drop=True)
    ends = rows["period_end"].reset_index(drop=True)
    found = []
    for day in days:
        later = starts.ge(pd.Timestamp(day)).to_numpy()
        if later.any():
            found.append(ends[later.argmax()])
    return list(dict.fromkeys(found))


def summary_matrix(charts: dict[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    """One row per team and measure: the latest value and period, the variation and assurance
    icons, the target and the number of points, for the report's summary matrix."""
    rows = []
    for (team, key), chart in charts.items():
        summary = spc.xmr_summary(chart)
        rows.append({
            "team": team,
            "measure": key,
            "label": measure(key).label,
            "latest": summary["value"],
            "latest_period": summary["x"],
            "variation": summary["variation"],
            "assurance": summary["assurance"],
            "target": summary["target"],
            "points": summary["points"],
        })
    columns = ["team", "measure", "label", "latest", "latest_period", "variation", "assurance", "target", "points"]
    return pd.DataFrame(rows, columns=columns)
