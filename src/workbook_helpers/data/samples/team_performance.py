"""The sample files of the team-performance workbook: seeded, synthetic, the same every time for
the same seed.

The team-performance sample follows five adult social care teams from April 2024 to the end of
October 2025, the day it was exported: their work items (:func:`make_work_items`), monthly
budget and spending by category (:func:`make_spending`), targets (:func:`make_targets`) and the
actions raised at their monthly performance meetings (:func:`make_actions`). Each team has a
story an XmR chart of its monthly measures picks up on the latest month:

- Community Team North changes how it works in January 2025; its median days to complete drops
  and stays low (special cause improvement, low) and its share done on time rises (improvement,
  high).
- Community Team West goes further over budget every month from January 2025 (its monthly
  over- or underspend is special cause concern, high).
- The Hospital Social Work Team completes about 60% of its work on time against a target of
  90%, which its process will consistently fail to meet.
- Reablement North loses referrals from June 2025: it opens fewer items and has fewer open
  under four weeks (neutral, low) and completes fewer (concern, low).
- The Adult Front Door's demand rises month on month from April 2025 (new items: neutral, high).

Most other charts show common cause variation; targets give every kind of assurance.

The ``export_`` functions give each frame as it is written to its file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook_helpers.data.samples import DEFAULT_SEED
from workbook_helpers.data.samples.case_review import (
    DIRECTORY_SIZE, council_team_members, next_weekday, practitioner_name,
)


#: The columns of the work items, in order.
WORK_ITEM_COLUMNS = ("item_id", "team", "opened", "closed", "due", "next_review", "worker", "kind")
#: The columns of the spending file, in order.
SPENDING_COLUMNS = ("team", "month", "budget", "actual", "category")
#: The columns of the targets file, in order.
TARGET_COLUMNS = ("measure", "team", "target", "direction")
#: The columns of the actions file, in order.
ACTION_COLUMNS = ("action_id", "team", "raised", "owner", "due", "done", "description")
#: The adult social care teams of the team-performance sample.
PERFORMANCE_TEAMS = (
    "Community Team North",
    "Community Team West",
    "Hospital Social Work Team",
    "Reablement North",
    "Adult Front Door",
)
#: The first day of the team-performance sample, and the day it was exported (its last day).
PERFORMANCE_START = "2024-04-01"
PERFORMANCE_AS_AT = "2025-10-31"
#: The day Community Team North changed how it works (see :func:`make_work_items`).
PRACTICE_CHANGE = "2025-01-06"

# Independent random streams for each file, so that one file's draws never move another's.
_WORK_ITEMS_STREAM, _SPENDING_STREAM, _ACTIONS_STREAM = 1, 2, 3
_MONTHS = 19  # April 2024 to October 2025

# Days allowed for each kind of work item, from the day it was opened to its due date.
_KIND_DAYS = {
    "Care Act assessment": 28,
    "Carer's assessment": 28,
    "Review": 28,
    "Safeguarding enquiry": 28,
    "Hospital discharge assessment": 14,
    "Reablement episode": 42,
    "Information and advice": 14,
}
# Complex assessments and reviews get a review eight weeks after they were opened and take longer.
_COMPLEX_KINDS = ("Care Act assessment", "Review")
_COMPLEX_REVIEW_DAYS = 56
_COMPLEX_FACTOR = 1.5
_LONGEST_DAYS = 240
# A few items wait months for something outside the team: how many, and for how long (days).
_WAITING_SHARE = 0.03
_WAITING_DAYS = (60, 150)
# Items are drawn from this many months before the sample starts, for the backlog.
_BACKLOG_MONTHS = 9


@dataclass(frozen=True)
class _TeamDesign:
    """How one team's work arrives and how long it takes.

    ``new_per_month`` is the expected number of new items in each month from April 2024.
    How long an item takes is its days allowed times a lognormal ratio with median
    ``median_ratio`` (``median_ratio_after`` for items opened from ``change``) and ``spread``
    (standard deviation of its log), so the share done on time is about ``P(ratio <= 1)``.
    """

    new_per_month: tuple[float, ...]
    kinds: dict[str, float]
    median_ratio: float
    spread: float
    complex_share: float
    extra_workers: int
    median_ratio_after: float | None = None
    change: str = PRACTICE_CHANGE


def _per_month(base: float, changes: dict[int, float] | None = None) -> tuple[float, ...]:
    """``base`` for every month, with the months in ``changes`` (0 is April 2024) replaced."""
    values = [float(base)] * _MONTHS
    for month, value in (changes or {}).items():
        values[month] = float(value)
    return tuple(values)


_COMMUNITY_KINDS = {"Care Act assessment": 0.45, "Review": 0.3, "Carer's assessment": 0.15,
                    "Safeguarding enquiry": 0.1}

_TEAM_DESIGNS: dict[str, _TeamDesign] = {
    # A genuine improvement: from January 2025 the team allocates each new piece of work on the
    # day it arrives to a worker who sees it through, and work gets done in about half the time.
    "Community Team North": _TeamDesign(
        new_per_month=_per_month(48), kinds=_COMMUNITY_KINDS, median_ratio=1.2, spread=0.45,
        complex_share=0.25, extra_workers=2, median_ratio_after=0.62,
    ),
    # Steady work; its spending drifts over budget (see _SPENDING_DRIFT).
    "Community Team West": _TeamDesign(
        new_per_month=_per_month(52), kinds=_COMMUNITY_KINDS, median_ratio=1.05, spread=0.5,
        complex_share=0.25, extra_workers=2,
    ),
    # Fast, high-volume work done on time a little over half the time, against a 90% target.
    "Hospital Social Work Team": _TeamDesign(
        new_per_month=_per_month(70),
        kinds={"Hospital discharge assessment": 0.65, "Care Act assessment": 0.2,
               "Safeguarding enquiry": 0.1, "Carer's assessment": 0.05},
        median_ratio=0.88, spread=0.45, complex_share=0.1, extra_workers=4,
    ),
    # Referrals fall away from June 2025, when the hospital starts sending people home through
    # another provider's discharge-to-assess beds: fewer new items, fewer completed. With time
    # to spare, the team finishes what it has a little sooner.
    "Reablement North": _TeamDesign(
        new_per_month=_per_month(46, {14: 34, 15: 24, 16: 18, 17: 16, 18: 15}),
        kinds={"Reablement episode": 0.75, "Review": 0.15, "Carer's assessment": 0.1},
        median_ratio=0.8, spread=0.35, complex_share=0.0, extra_workers=3,
        median_ratio_after=0.68, change="2025-06-02",
    ),
    # Demand at the front door rises month on month from April 2025.
    "Adult Front Door": _TeamDesign(
        new_per_month=_per_month(62, {12: 72, 13: 79, 14: 86, 15: 93, 16: 100, 17: 107, 18: 114}),
        kinds={"Information and advice": 0.45, "Care Act assessment": 0.25,
               "Safeguarding enquiry": 0.2, "Carer's assessment": 0.1},
        median_ratio=0.75, spread=0.5, complex_share=0.0, extra_workers=4,
    ),
}


def _team_workers(team: str, extra: int) -> list[str]:
    """The team's practitioners: its members in the case review's directory, then ``extra``
    more named by the same rule, numbered after everyone else so every name stays unique."""
    names = council_team_members(team)
    offset = DIRECTORY_SIZE + 10 * PERFORMANCE_TEAMS.index(team)
    names += [practitioner_name(offset + i) for i in range(extra)]
    return names


def _month_starts(before: int = 0) -> np.ndarray:
    """The first day of every month of the sample (and of the ``before`` months before it) and
    of the month after, as ``datetime64[D]``."""
    first = np.datetime64(PERFORMANCE_START, "M") - before
    return (first + np.arange(before + _MONTHS + 1)).astype("datetime64[D]")


def _business_days(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Monday to Friday from ``start`` up to but not including ``end``."""
    days = np.arange(start, end, dtype="datetime64[D]")
    return days[((days.astype("int64") + 3) % 7) < 5]


def make_work_items(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Make the synthetic work items of five adult social care teams, April 2024 to October 2025.

    Every assessment, review, enquiry or episode of support a team takes on is a work item,
    opened on a weekday and, unless it is still open on the export date (31 October 2025),
    closed on a weekday. The export lists every item open at some time from 1 April 2024: the
    items opened since then and the backlog still open on that day, opened up to nine months
    before. Nothing was closed before 1 April 2024, which is where the workbook's first period
    starts. An item's due date is the day it was opened plus the days allowed for its kind (28
    for assessments, reviews and safeguarding enquiries, 14 for hospital discharge assessments
    and information and advice, 42 for an episode of reablement). Complex assessments and
    reviews also get a review eight weeks after they were opened (``next_review``) and take
    longer, and a few items of every team wait months for something outside it (a funding
    panel, a court, an adaptation). The teams differ on purpose:

    - Community Team North changes how it works from :data:`PRACTICE_CHANGE`: items opened from
      then take about half as long, so the median days to complete drops and the share done by
      the due date rises from about a third to about four in five.
    - The Hospital Social Work Team completes about 60% of its items on time, month after month.
    - Reablement North gets far fewer referrals from June 2025, so it opens and completes fewer
      items.
    - Demand at the Adult Front Door rises month on month from April 2025.
    - Community Team West is steady; its story is in the spending (:func:`make_spending`).

    Returns
    -------
    pandas.DataFrame
        One row per item, in ``item_id`` order (the order the items were opened), with the
        columns in :data:`WORK_ITEM_COLUMNS`: ``item_id`` (``"WI-0086123"``), ``team``,
        ``opened``, ``closed`` (missing while open), ``due``, ``next_review`` (missing for most),
        ``worker`` (a made-up name) and ``kind``.
    """
    rng = np.random.default_rng([seed, _WORK_ITEMS_STREAM])
    first = np.datetime64(PERFORMANCE_START, "D")
    as_at = np.datetime64(PERFORMANCE_AS_AT, "D")
    starts = _month_starts(_BACKLOG_MONTHS)
    frames = []
    for team in PERFORMANCE_TEAMS:
        design = _TEAM_DESIGNS[team]
        per_month = (design.new_per_month[0],) * _BACKLOG_MONTHS + design.new_per_month
        opened = np.concatenate([
            np.sort(rng.choice(_business_days(starts[m], starts[m + 1]), size=count))
            for m, count in enumerate(rng.poisson(per_month))
        ])
        n = len(opened)
        kind_names = list(design.kinds)
        shares = np.array(list(design.kinds.values()))
        kind = np.array(kind_names, dtype=object)[rng.choice(len(kind_names), size=n,
                                                             p=shares / shares.sum())]
        allowed = np.array([_KIND_DAYS[k] for k in kind])
        complex_ = np.isin(kind, _COMPLEX_KINDS) & (rng.random(n) < design.complex_share)
        median = np.full(n, design.median_ratio)
        if design.median_ratio_after is not None:
            median[opened >= np.datetime64(design.change, "D")] = design.median_ratio_after
        ratio = median * np.exp(rng.normal(0.0, design.spread, size=n))
        waiting = np.where(rng.random(n) < _WAITING_SHARE, rng.integers(*_WAITING_DAYS, size=n), 0)
        worked = np.round(allowed * ratio * np.where(complex_, _COMPLEX_FACTOR, 1.0))
        days = np.clip(worked + waiting, 2, _LONGEST_DAYS).astype("int64")
        closed = next_weekday(opened + days.astype("timedelta64[D]"))
        workers = _team_workers(team, design.extra_workers)
        weight = rng.uniform(0.6, 1.0, size=len(workers))
        worker = np.array(workers, dtype=object)[rng.choice(len(workers), size=n,
                                                            p=weight / weight.sum())]
        frames.append(pd.DataFrame({
            "team": team,
            "opened": opened,
            "closed": np.where(closed <= as_at, closed, np.datetime64("NaT", "D")),
            "due": opened + allowed.astype("timedelta64[D]"),
            "next_review": np.where(complex_, opened + np.timedelta64(_COMPLEX_REVIEW_DAYS, "D"),
                                    np.datetime64("NaT", "D")),
            "worker": worker,
            "kind": kind,
            "tie": rng.random(n),
            "listed": closed >= first,  # still open on the first day of the export
        }))
    items = pd.concat(frames, ignore_index=True).sort_values(["opened", "tie"], kind="stable",
                                                            ignore_index=True)
    # One numbering for the whole system: other services' items take the numbers in between.
    numbers = 86_000 + np.cumsum(rng.integers(1, 4, size=len(items)))
    items.insert(0, "item_id", [f"WI-{number:07d}" for number in numbers])
    items = items.loc[items["listed"]].reset_index(drop=True)
    for column in ("opened", "closed", "due", "next_review"):
        items[column] = items[column].astype("datetime64[ns]")
    for column in ("item_id", "team", "worker", "kind"):
        items[column] = items[column].astype("str")
    return items.loc[:, list(WORK_ITEM_COLUMNS)]


# Each team's monthly budget by category, in pounds, for 2024/25; 2025/26 adds the pay award to
# staffing.
_BUDGETS: dict[str, dict[str, int]] = {
    "Community Team North": {"Staffing": 41_500, "Agency staff": 3_500, "Care packages": 96_000,
                             "Travel": 1_400},
    "Community Team West": {"Staffing": 39_800, "Agency staff": 4_000, "Care packages": 104_000,
                            "Travel": 1_500},
    "Hospital Social Work Team": {"Staffing": 46_200, "Agency staff": 6_000,
                                  "Care packages": 58_000, "Travel": 600},
    "Reablement North": {"Staffing": 62_000, "Agency staff": 2_500, "Equipment": 7_500,
                         "Travel": 3_200},
    "Adult Front Door": {"Staffing": 35_600, "Agency staff": 2_000, "Interpreting": 900,
                         "Travel": 300},
}
_PAY_AWARD = 0.025
# How much each category's spending wanders from its budget month to month (as a share of it).
_SPEND_NOISE = {"Staffing": 0.012, "Agency staff": 0.12, "Care packages": 0.012, "Travel": 0.08,
                "Equipment": 0.1, "Interpreting": 0.12}
# A late invoice makes one month look over and the next under: the share of each month's
# wander that is reversed the month after.
_REVERSED = 0.5
# Community Team West drifts over budget from January 2025 (month 9): each month, by category,
# this many pounds more than the month before (vacancies covered by agency staff, and care
# packages growing faster than the budget allows).
_SPENDING_DRIFT = {"Community Team West": (9, {"Staffing": -150.0, "Agency staff": 700.0,
                                              "Care packages": 1_500.0})}


def make_spending(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Make the monthly budget and actual spending of each team by category, April 2024 to
    October 2025.

    Spending wanders a little around the budget (and late invoices push some of one month's
    spending into the next), except at Community Team West, where from January 2025 agency
    staff and care packages cost more each month than the month before, so the team goes
    further over budget month after month.

    Returns
    -------
    pandas.DataFrame
        One row per team, month and category, with the columns in :data:`SPENDING_COLUMNS`:
        ``team``, ``month`` (``"2024-04"``), ``budget`` (whole pounds), ``actual`` (pounds and
        pence) and ``category``.
    """
    rng = np.random.default_rng([seed, _SPENDING_STREAM])
    months = pd.period_range(PERFORMANCE_START, periods=_MONTHS, freq="M")
    month_index = np.arange(_MONTHS)
    rows = []
    for team in PERFORMANCE_TEAMS:
        first_drift, drift = _SPENDING_DRIFT.get(team, (0, {}))
        for category, monthly in _BUDGETS[team].items():
            second_year = month_index >= 12
            budget = np.full(_MONTHS, float(monthly))
            if category == "Staffing":
                budget[second_year] = round(monthly * (1 + _PAY_AWARD), -2)
            wander = rng.normal(0.0, _SPEND_NOISE[category], size=_MONTHS + 1) * monthly
            variance = wander[1:] - _REVERSED * wander[:-1]
            variance += drift.get(category, 0.0) * np.maximum(month_index - first_drift + 1, 0)
            actual = np.round(budget + variance, 2)
            rows.append(pd.DataFrame({"team": team, "month": months.strftime("%Y-%m"),
                                      "budget": budget.astype("int64"), "actual": actual,
                                      "category": category, "order": month_index}))
    spending = pd.concat(rows, ignore_index=True)
    spending = spending.sort_values(["order"], kind="stable", ignore_index=True)
    for column in ("team", "month", "category"):
        spending[column] = spending[column].astype("str")
    return spending.loc[:, list(SPENDING_COLUMNS)]


def make_targets() -> pd.DataFrame:
    """The targets the teams' performance is judged against.

    ``measure`` names a team-performance measure by its key or, in one row, by its label;
    ``team`` is missing where the target is for every team; ``direction`` (``"lower"`` or
    ``"higher"``: which side of the target is good) is given in one row only, where it agrees
    with the measure's own direction of good. The Hospital Social Work Team's 90% target for
    work completed on time is well beyond what its process delivers.

    Returns
    -------
    pandas.DataFrame
        The columns in :data:`TARGET_COLUMNS`.
    """
    rows = [
        ("completed_on_time_share", "Hospital Social Work Team", 0.9, None),
        ("completed_on_time_share", "Community Team North", 0.7, None),
        ("Median days to complete", None, 35.0, None),
        ("open_over_12_weeks", None, 10.0, None),
        ("actions_on_time_share", None, 0.75, None),
        ("spend_variance", None, 0.0, "lower"),
    ]
    targets = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    for column in ("measure", "team", "direction"):
        targets[column] = targets[column].astype("str")
    return targets


# Actions from each team's monthly performance meeting: the week of the month and weekday it
# meets (0 is Monday), and the chance an action is done by its due date.
_MEETINGS = {
    "Community Team North": (1, 1, 0.85),
    "Community Team West": (1, 2, 0.7),
    "Hospital Social Work Team": (0, 3, 0.8),
    "Reablement North": (1, 0, 0.8),
    "Adult Front Door": (1, 4, 0.75),
}
_ACTION_DAYS = (14, 21, 28, 42, 56)
_ACTIONS_ANY_TEAM = (
    "Review waiting list for carers' assessments with duty manager",
    "Audit the ten oldest open items and agree next steps with each worker",
    "Book dates for overdue reviews",
    "Check that closed items have an outcome recorded",
    "Share the updated safeguarding enquiry guidance with the team",
    "Ask performance team why last month's report was late",
    "Agree cover for annual leave over the holidays",
    "Pair newly qualified workers with a senior for Care Act assessments",
    "Remind the team to record next review dates on complex cases",
    "Report back on travel claims above budget",
    "Arrange refresher training on the case recording system",
    "Check the duty rota covers every day next month",
    "Follow up carers who were offered an assessment but not seen",
    "Tidy up items opened in error and ask for them to be deleted",
    "Bring the supervision tracker up to date",
)
# What the teams' own actions are about, each from the month (0 is April 2024) it makes sense.
_ACTIONS_BY_TEAM: dict[str, tuple[tuple[str, int], ...]] = {
    "Community Team North": (
        ("Try allocating new work on the day it arrives, for one month", 8),
        ("Write up how the team allocates new work on the day it arrives", 10),
        ("Present the new way of allocating work to Community Team West", 12),
        ("Check whether faster assessments mean more people coming back", 12),
    ),
    "Community Team West": (
        ("Check agency staff invoices against the vacancy list with finance", 0),
        ("List care packages that went up this month and why", 0),
        ("Ask finance for a forecast of the year-end overspend", 10),
        ("Agree with the head of service which agency posts to end", 13),
    ),
    "Hospital Social Work Team": (
        ("Agree a daily list of planned discharges with ward managers", 0),
        ("Look at why discharge assessments miss the 14-day date", 0),
        ("Ask the discharge hub for a second worker at weekends", 0),
    ),
    "Reablement North": (
        ("Check equipment orders waiting more than a week", 0),
        ("Ask the hospital why referrals for reablement have fallen", 15),
        ("Offer spare reablement capacity to the community teams", 16),
    ),
    "Adult Front Door": (
        ("Review what information and advice requests could be answered online", 0),
        ("Agree with the community teams how to pass on Care Act assessments", 0),
        ("Look into the rise in contacts since April", 14),
    ),
}
# Actions are drawn from this many months before the sample starts, for those still open then.
_ACTION_BACKLOG_MONTHS = 3


def make_actions(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Make the actions raised at each team's monthly performance meeting, April 2024 to
    October 2025.

    Each team meets once a month on its own day and raises two to six actions, each with an
    owner from the team and a due date two to eight weeks later (the first always two weeks,
    so every month has actions falling due). Most are done on time; the rest are done late,
    and those not done by the export date (31 October 2025) have no ``done`` date. As with the
    work items, the export lists every action open at some time from 1 April 2024, so a few
    were raised at the February and March 2024 meetings.

    Returns
    -------
    pandas.DataFrame
        One row per action, in ``action_id`` order (the order they were raised), with the
        columns in :data:`ACTION_COLUMNS`: ``action_id`` (``"ACT-0123"``), ``team``,
        ``raised``, ``owner`` (a made-up name), ``due``, ``done`` (missing while not done) and
        ``description`` (short free text).
    """
    rng = np.random.default_rng([seed, _ACTIONS_STREAM])
    first = np.datetime64(PERFORMANCE_START, "D")
    as_at = np.datetime64(PERFORMANCE_AS_AT, "D")
    starts = _month_starts(_ACTION_BACKLOG_MONTHS)
    rows = []
    for position in range(len(starts) - 1):
        month = position - _ACTION_BACKLOG_MONTHS
        days = _business_days(starts[position], starts[position + 1])
        for team in PERFORMANCE_TEAMS:
            week, weekday, on_time = _MEETINGS[team]
            meeting = days[((days.astype("int64") + 3) % 7) == weekday][week]
            count = int(np.clip(2 + rng.poisson(2.0), 2, 6))
            owners = _team_workers(team, _TEAM_DESIGNS[team].extra_workers)[:4]
            own = [text for text, since in _ACTIONS_BY_TEAM[team] if month >= since]
            texts = _ACTIONS_ANY_TEAM + tuple(own)
            weights = np.array([1.0] * len(_ACTIONS_ANY_TEAM) + [3.0] * len(own))
            chosen = rng.choice(len(texts), size=count, replace=False, p=weights / weights.sum())
            for i in range(count):
                allowed = _ACTION_DAYS[0] if i == 0 else int(rng.choice(_ACTION_DAYS))
                due = meeting + np.timedelta64(allowed, "D")
                if rng.random() < on_time:
                    done = meeting + np.timedelta64(int(rng.integers(1, allowed + 1)), "D")
                    done = done if ((done.astype("int64") + 3) % 7) < 5 else due
                else:
                    late = np.timedelta64(int(rng.integers(1, 36)), "D")
                    done = next_weekday(np.array([due + late]))[0]
                rows.append({"team": team, "raised": meeting,
                             "owner": owners[int(rng.integers(len(owners)))], "due": due,
                             "done": done if done <= as_at else np.datetime64("NaT", "D"),
                             "description": texts[int(chosen[i])]})
    actions = pd.DataFrame(rows)
    actions.insert(0, "action_id", [f"ACT-{n:04d}" for n in range(1, 1 + len(actions))])
    # Listed: everything still open on the first day of the export.
    actions = actions.loc[~(actions["done"] < first)].reset_index(drop=True)
    for column in ("raised", "due", "done"):
        actions[column] = actions[column].astype("datetime64[ns]")
    for column in ("action_id", "team", "owner", "description"):
        actions[column] = actions[column].astype("str")
    return actions.loc[:, list(ACTION_COLUMNS)]


def _dates_as_export(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with its date ``columns`` written day first (``03/04/2024``), blank if missing."""
    export = frame.copy()
    for column in columns:
        export[column] = frame[column].dt.strftime("%d/%m/%Y")
    return export


def _spending_as_export(spending: pd.DataFrame) -> pd.DataFrame:
    """Spending with whole-pound budgets and actual spending in pounds and pence."""
    export = spending.copy()
    export["actual"] = spending["actual"].map("{:.2f}".format).astype("str")
    return export


def _targets_as_export(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets written as numbers without trailing zeros (``0.9``, ``35``)."""
    export = targets.copy()
    export["target"] = targets["target"].map("{:g}".format).astype("str")
    return export


def export_work_items(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample work items as they are written to ``work_items.csv``."""
    return _dates_as_export(make_work_items(seed), ("opened", "closed", "due", "next_review"))


def export_spending(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample spending as it is written to ``spending.csv``."""
    return _spending_as_export(make_spending(seed))


def export_targets(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample targets as they are written to ``targets.csv`` (set, not drawn: the seed is
    not used)."""
    return _targets_as_export(make_targets())


def export_actions(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample actions as they are written to ``actions.csv``."""
    return _dates_as_export(make_actions(seed), ("raised", "due", "done"))
