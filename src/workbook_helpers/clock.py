"""The date and time a run takes as "now".

Everything in the suite that depends on the day it runs asks here: the team-performance check
for dates that cannot have happened yet, the "Produced" line of reports and of the batch index,
and the manifest's times. ``SERVICE_WORKBOOKS_TODAY`` (an ISO date such as ``2027-12-02``, or a
date and time) moves the calendar for a run and every kernel it starts, so a test can show that
nothing passes today and fails next month because of the date. Unset, it is the machine's clock.
"""

from __future__ import annotations

import os
from datetime import date, datetime

#: The environment variable that sets the day a run takes as today.
TODAY_VARIABLE = "SERVICE_WORKBOOKS_TODAY"


def now() -> datetime:
    """The current local date and time, with its time zone; on the day set by
    ``SERVICE_WORKBOOKS_TODAY`` when that is set (at the clock's time of day, unless it gives one)."""
    current = datetime.now().astimezone()
    given = os.environ.get(TODAY_VARIABLE, "").strip()
    if not given:
        return current
    try:
        chosen = datetime.fromisoformat(given)
    except ValueError:
        raise ValueError(
            f"{TODAY_VARIABLE} must be a date such as 2027-12-02 (or a date and time); it is {given!r}."
        ) from None
    if len(given) <= 10:  # a date only: keep the time of day
        chosen = datetime.combine(chosen.date(), current.timetz())
    return chosen if chosen.tzinfo else chosen.astimezone()


def today() -> date:
    """The date of :func:`now`."""
    return now().date()
