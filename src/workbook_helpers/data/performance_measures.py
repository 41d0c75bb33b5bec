"""The team-performance measures: one table naming each measure, its plain label, its unit and
which direction is good.

Spending against budget for the financial year to date is reported as a figure and a table, not
as a measure here: a running total that restarts each April is not a series of independent
monthly values, so an XmR chart of it would flag trends that are only the total growing.

Everything that shows or judges a measure reads it from here: the measures themselves
(:mod:`workbook_helpers.measures.performance`), the targets contract (a target must name a measure in this
table), the XmR charts (the direction of good decides improvement or concern) and the report's
summary matrix (labels and order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MEASURES", "Measure", "measure", "measure_key"]

Direction = Literal["increase", "decrease", "neutral"]
Unit = Literal["count", "share", "days", "pounds"]


@dataclass(frozen=True)
class Measure:
    """One team-performance measure.

    ``key`` is the name used in files (targets) and in the JSON summary; ``label`` is what a
    report shows; ``improvement`` is the direction of good as the XmR helpers take it
    (``increase``: higher is better, ``decrease``: lower is better, ``neutral``: neither);
    ``unit`` says how to format a value; ``group`` is the heading the measure sits under;
    ``definition`` says in plain words how it is counted.
    """

    key: str
    label: str
    improvement: Direction
    unit: Unit
    group: str
    definition: str
    main: bool = False  # shown in the service-wide small multiples


MEASURES: tuple[Measure, ...] = (
    Measure(
        "open_items", "Open work items", "decrease", "count", "Outstanding work",
        "Work items open at the end of the period: opened on or before its last day and not closed "
        "by then.",
        main=True,
    ),
    Measure(
        "open_under_4_weeks", "Open under 4 weeks", "neutral", "count", "Outstanding work",
        "Open items at the end of the period that had been open for less than 28 days.",
    ),
    Measure(
        "open_4_to_12_weeks", "Open 4 to 12 weeks", "neutral", "count", "Outstanding work",
        "Open items at the end of the period that had been open for 28 to 83 days.",
    ),
    Measure(
        "open_over_12_weeks", "Open over 12 weeks", "decrease", "count", "Outstanding work",
        "Open items at the end of the period that had been open for 84 days (12 weeks) or more.",
    ),
    Measure(
        "items_opened", "New work items", "neutral", "count", "Outstanding work",
        "Work items opened during the period: the demand on the team, neither good nor bad.",
    ),
    Measure(
        "due_next_28_days", "Due in the next 28 days", "neutral", "count", "Upcoming work",
        "Open items at the end of the period whose due date or next review falls on its last day "
        "or in the 28 days after it.",
    ),
    Measure(
        "overdue_items", "Overdue work items", "decrease", "count", "Upcoming work",
        "Open items at the end of the period whose due date or next review had already passed.",
        main=True,
    ),
    Measure(
        "items_completed", "Work items completed", "increase", "count", "Effectiveness",
        "Work items closed during the period.",
    ),
    Measure(
        "completed_on_time_share", "Completed by the due date", "increase", "share", "Effectiveness",
        "Of the items closed during the period that had a due date, the share closed on or before "
        "it.",
        main=True,
    ),
    Measure(
        "median_days_to_complete", "Median days to complete", "decrease", "days", "Effectiveness",
        "The middle number of days from opening to closing, over the items closed during the "
        "period.",
        main=True,
    ),
    Measure(
        "spend_actual", "Spending in the month", "neutral", "pounds", "Spending",
        "Actual spending recorded for the month, all categories together.",
    ),
    Measure(
        "spend_variance", "Over or under budget in the month", "decrease", "pounds", "Spending",
        "Actual spending minus budget for the month: above zero is an overspend.",
        main=True,
    ),
    Measure(
        "actions_open", "Open actions", "decrease", "count", "Actions",
        "Actions from performance meetings raised on or before the end of the period and not done "
        "by then.",
    ),
    Measure(
        "actions_overdue", "Overdue actions", "decrease", "count", "Actions",
        "Open actions at the end of the period whose due date had passed.",
    ),
    Measure(
        "actions_on_time_share", "Actions done on time", "increase", "share", "Actions",
        "Of the actions due during the period, the share done on or before their due date.",
    ),
)

_BY_KEY = {m.key: m for m in MEASURES}
_BY_NAME = {name: m.key for m in MEASURES for name in (m.key, m.label.lower(), m.key.replace("_", " "))}


def measure(key: str) -> Measure:
    """The measure called ``key``; KeyError naming the known keys otherwise."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"No team-performance measure called {key!r}; the measures are {', '.join(_BY_KEY)}."
        ) from None


def measure_key(name: object) -> str | None:
    """The key of the measure ``name`` stands for (its key or its label, any case and spacing),
    or None when it names none."""
    if not isinstance(name, str):
        return None
    folded = " ".join(name.replace("_", " ").replace("-", " ").lower().split())
    return _BY_NAME.get(folded) or _BY_NAME.get(folded.replace(" ", "_"))
