"""The sample demand log: seeded, synthetic, the same every time for the same seed.

The demand log imitates a demand study across three council services over twenty weeks: every
contact recorded in the customer's terms, classed as value or failure demand, with its channel,
the team that took it, whether value demand was resolved at the first contact (one-stop), how long
it took to handle and, often, what matters to the person in their own words.

The numbers are made up but shaped like real studies:

- failure demand is between about 40% and 70% of each service's demand, a little over half
  overall;
- weekly volumes of each demand type are stable, with Poisson-like noise, so most demand types are
  predictable week to week;
- one service changes part way through. Council tax rewrote its bill letter, and from week 11
  (:data:`CHANGE_WEEK` is 10, counting from 0) far fewer people ring up because they do not
  understand their bill. Council tax's weekly share of failure demand drops by about 18 percentage
  points, enough for an XmR chart to show special-cause variation.

:func:`make_demand_log` returns the log as a data frame with the canonical columns. Everything
is vectorised with numpy, so a million rows for a benchmark take a second or two, and the same
seed always gives the same log.

:func:`export_demand` gives the log as it is written to ``demand.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook_helpers.data.samples import DEFAULT_SEED
from workbook_helpers.exceptions import ParameterError


#: The service whose demand changes part way through the sample.
CHANGE_SERVICE = "Council tax"
#: The week (counting from 0 at ``start``) from which the rewritten bill letter takes effect.
CHANGE_WEEK = 10
#: The columns of the demand log, in order.
COLUMNS = (
    "contact_id",
    "received",
    "team",
    "service",
    "channel",
    "demand_type",
    "demand_class",
    "failure_type",
    "one_stop",
    "handling_minutes",
    "what_matters",
)

DEFAULT_WEEKS = 20
DEFAULT_START = "2024-04-01"


@dataclass(frozen=True)
class _Service:
    """How a service's contacts arrive and who takes them."""

    teams: dict[str, float]
    channels: dict[str, float]
    handling_factor: float


@dataclass(frozen=True)
class _DemandType:
    """One type of demand, in the customer's terms, and how much of it arrives."""

    service: str
    name: str
    per_week: float
    failure_type: str | None = None
    one_stop: float = 0.0
    what_matters: tuple[str, ...] = ()
    per_week_after_change: float | None = None

    @property
    def is_failure(self) -> bool:
        return self.failure_type is not None


_SERVICES: dict[str, _Service] = {
    "Housing repairs": _Service(
        teams={"Repairs North": 0.55, "Repairs South": 0.45},
        channels={"phone": 0.62, "web": 0.18, "e-mail": 0.12, "face-to-face": 0.03, "letter": 0.02,
                  "other": 0.03},
        handling_factor=1.0,
    ),
    "Council tax": _Service(
        teams={"Revenues": 1.0},
        channels={"phone": 0.52, "web": 0.22, "e-mail": 0.13, "face-to-face": 0.03, "letter": 0.08,
                  "other": 0.02},
        handling_factor=0.9,
    ),
    "Adult social care front door": _Service(
        teams={"Care Front Door": 1.0},
        channels={"phone": 0.63, "web": 0.05, "e-mail": 0.18, "face-to-face": 0.08, "letter": 0.03,
                  "other": 0.03},
        handling_factor=1.4,
    ),
}

# Typical handling time of one contact, in minutes, by channel (before the service's factor).
_MEDIAN_MINUTES = {"phone": 12.0, "e-mail": 9.0, "web": 6.0, "face-to-face": 30.0, "letter": 14.0,
                   "other": 10.0}
_MINUTES_SPREAD = 0.35  # standard deviation of log(minutes) around the median

# Chances that what matters was written down, and that one-stop was not recorded.
_WHAT_MATTERS_RECORDED = {"value": 0.85, "failure": 0.3}
_ONE_STOP_NOT_RECORDED = 0.03

_REPAIRS = "Housing repairs"
_TAX = "Council tax"
_CARE = "Adult social care front door"

_DEMAND_TYPES: tuple[_DemandType, ...] = (
    # Housing repairs: value demand
    _DemandType(_REPAIRS, "report a leak", 9, one_stop=0.75, what_matters=(
        "stop the water coming through my ceiling",
        "I need it fixed before it damages my things",
        "someone to come when I'm in",
    )),
    _DemandType(_REPAIRS, "report broken heating", 8, one_stop=0.7, what_matters=(
        "I've got a baby and the house is freezing",
        "just get my heating working",
        "I need hot water to wash",
    )),
    _DemandType(_REPAIRS, "book a repair", 10, one_stop=0.85, what_matters=(
        "a time that fits round my work",
        "get it done in one visit",
        "I want to know exactly when they're coming",
    )),
    _DemandType(_REPAIRS, "report damp and mould", 5, one_stop=0.5, what_matters=(
        "my children keep getting ill",
        "I want the mould gone for good, not painted over",
    )),
    _DemandType(_REPAIRS, "report a blocked drain", 3, one_stop=0.8, what_matters=(
        "it smells and I can't use the sink",
    )),
    # Housing repairs: failure demand
    _DemandType(_REPAIRS, "chasing a repair", 15, "progress chasing", what_matters=(
        "just tell me when the plumber is coming",
        "I've taken two days off work already",
    )),
    _DemandType(_REPAIRS, "repair not fixed properly", 9, "not done right", what_matters=(
        "fix it properly the first time",
    )),
    _DemandType(_REPAIRS, "operative didn't turn up", 8, "not done", what_matters=(
        "I waited in all day",
    )),
    _DemandType(_REPAIRS, "same leak is back", 5, "repeat"),
    _DemandType(_REPAIRS, "told to ring a different number", 3, "wrong place"),
    _DemandType(_REPAIRS, "don't understand the repair letter", 2, "clarification"),
    # Council tax: value demand
    _DemandType(_TAX, "set up direct debit", 10, one_stop=0.9, what_matters=(
        "I want to pay without having to think about it",
        "pay on the day my wages go in",
    )),
    _DemandType(_TAX, "tell you I've moved", 11, one_stop=0.8, what_matters=(
        "only pay for when I lived there",
        "sort it in one go, I've got enough on with the move",
    )),
    _DemandType(_TAX, "apply for single person discount", 8, one_stop=0.75, what_matters=(
        "I live on my own now and money is tight",
    )),
    _DemandType(_TAX, "pay my bill", 7, one_stop=0.95, what_matters=(
        "just take the payment",
    )),
    _DemandType(_TAX, "can't afford to pay this month", 4, one_stop=0.4, what_matters=(
        "I don't want to get into debt",
        "pay a bit at a time",
    )),
    # Council tax: failure demand. The bill letter is rewritten from CHANGE_WEEK.
    _DemandType(_TAX, "don't understand my bill", 34, "clarification", per_week_after_change=4.5,
                what_matters=("tell me what I owe in plain English",)),
    _DemandType(_TAX, "chasing my refund", 8, "progress chasing", what_matters=(
        "I need that money back this month",
    )),
    _DemandType(_TAX, "sent to wrong department", 5, "wrong place"),
    _DemandType(_TAX, "direct debit took the wrong amount", 5, "not done right", what_matters=(
        "don't take money I don't owe",
    )),
    _DemandType(_TAX, "discount still not on my bill", 4, "not done"),
    _DemandType(_TAX, "can't log in to my account", 2, "other"),
    # Adult social care front door: value demand
    _DemandType(_CARE, "help at home after a fall", 6, one_stop=0.2, what_matters=(
        "I want to stay in my own home",
        "I don't want to go into a home",
        "be able to get up the stairs again",
    )),
    _DemandType(_CARE, "carer needs a break", 4, one_stop=0.25, what_matters=(
        "I love him but I'm exhausted",
        "a few hours to myself each week",
    )),
    _DemandType(_CARE, "equipment to help me wash", 5, one_stop=0.45, what_matters=(
        "wash myself without help",
        "get in and out of the bath safely",
    )),
    _DemandType(_CARE, "worried about my mum living alone", 4, one_stop=0.2, what_matters=(
        "I want her to be safe at home",
        "someone to check on her when I can't",
    )),
    _DemandType(_CARE, "advice about paying for care", 2, one_stop=0.7, what_matters=(
        "know what it will cost before we decide",
    )),
    # Adult social care front door: failure demand
    _DemandType(_CARE, "chasing my assessment", 12, "progress chasing", what_matters=(
        "I need to know when someone is coming",
    )),
    _DemandType(_CARE, "asked again for information I already gave", 7, "repeat", what_matters=(
        "tell my story once",
    )),
    _DemandType(_CARE, "equipment hasn't arrived", 6, "not done"),
    _DemandType(_CARE, "nobody rang me back", 2, "not done"),
    _DemandType(_CARE, "care visits not at the agreed time", 4, "not done right", what_matters=(
        "I need help getting up before ten",
    )),
    _DemandType(_CARE, "referred here by the hospital by mistake", 3, "wrong place"),
)

# Share of contacts by day of the week, Monday to Sunday: Monday busiest, a few on Saturday.
_DAY_SHARE = np.array([0.24, 0.21, 0.19, 0.18, 0.165, 0.015, 0.0])
# Contacts arrive in half-hour slots from 08:30 to 17:00, busiest mid-morning.
_FIRST_SLOT_MINUTE = 8 * 60 + 30
_SLOT_SHARE = np.array([5, 8, 9, 8.5, 8, 7, 6.5, 5, 5, 6, 6.5, 6.5, 6, 5, 4.5, 4, 3], dtype=float)
# On Saturdays only the 09:00 to 12:30 slots are open.
_SATURDAY_SLOTS = (1, 8)


def make_demand_log(
    seed: int = DEFAULT_SEED,
    weeks: int = DEFAULT_WEEKS,
    start: str = DEFAULT_START,
    rows: int | None = None,
) -> pd.DataFrame:
    """Make a synthetic demand log, the same every time for the same arguments.

    Parameters
    ----------
    seed:
        Seed for :func:`numpy.random.default_rng`. The same seed gives an identical frame.
    weeks:
        How many weeks the log covers, starting on ``start``. Week ``w`` runs from
        ``start + w weeks`` for seven days.
    start:
        The first day of the log, as an ISO date (``"2024-04-01"``).
    rows:
        ``None`` for the natural size of the sample (about 200 to 230 contacts a week across the
        three services, so roughly 4,300 rows over 20 weeks). A number asks for exactly that many
        rows spread over the same weeks in the same proportions, for example a million for a
        benchmark.

    Returns
    -------
    pandas.DataFrame
        One row per contact, sorted by the time received, with the columns in :data:`COLUMNS`:
        ``contact_id`` (``"C000001"`` upwards, unique), ``received`` (date and time, Monday to
        Friday in working hours and a few Saturday mornings), ``team``, ``service``,
        ``channel``, ``demand_type``, ``demand_class`` (``"value"`` or ``"failure"``),
        ``failure_type`` (missing for value demand), ``one_stop`` (``True``/``False`` for value
        demand, occasionally missing where it was not recorded; always missing for failure
        demand), ``handling_minutes`` (whole minutes, at least 1) and ``what_matters`` (the
        person's own words, or missing).

    Raises
    ------
    ParameterError
        If ``weeks`` is less than 1, ``rows`` is negative or ``start`` is not a date.
    """
    weeks, first_day = _check_arguments(weeks, start, rows)
    rng = np.random.default_rng(seed)

    week, kind = _draw_weeks_and_types(rng, weeks, rows)
    received = _draw_times(rng, week, first_day)
    order = np.argsort(received, kind="stable")
    return _build_frame(rng, kind[order], received[order])


# --- how the log is drawn ----------------------------------------------------------------------


def _check_arguments(weeks: int, start: str, rows: int | None) -> tuple[int, np.datetime64]:
    if isinstance(weeks, bool) or not isinstance(weeks, (int, np.integer)) or weeks < 1:
        raise ParameterError(f"weeks must be a whole number of at least 1, not {weeks!r}.")
    if rows is not None and (
        isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 0
    ):
        raise ParameterError(f"rows must be a whole number of 0 or more, or None, not {rows!r}.")
    try:
        first_day = np.datetime64(pd.Timestamp(start).date(), "D")
    except (TypeError, ValueError) as error:
        raise ParameterError(f"start must be a date such as 2024-04-01, not {start!r}.") from error
    return int(weeks), first_day


def _weekly_means(weeks: int) -> np.ndarray:
    """Expected contacts of each demand type in each week: an array of shape (weeks, types)."""
    means = np.array([[t.per_week for t in _DEMAND_TYPES]] * weeks, dtype=float)
    for column, demand_type in enumerate(_DEMAND_TYPES):
        if demand_type.per_week_after_change is not None:
            means[CHANGE_WEEK:, column] = demand_type.per_week_after_change
    return means


def _draw_weeks_and_types(
    rng: np.random.Generator, weeks: int, rows: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """The week and demand type of every contact, as two integer arrays."""
    means = _weekly_means(weeks)
    if rows is None:
        counts = rng.poisson(means)
    else:
        counts = rng.multinomial(rows, (means / means.sum()).ravel()).reshape(means.shape)
    cells = np.repeat(np.arange(counts.size), counts.ravel())
    week, kind = np.divmod(cells, len(_DEMAND_TYPES))
    return week, kind


def _draw_times(rng: np.random.Generator, week: np.ndarray, first_day: np.datetime64) -> np.ndarray:
    """When each contact arrived, as ``datetime64[m]``, within its week and in working hours."""
    n = len(week)
    weekday = rng.choice(7, size=n, p=_DAY_SHARE)
    first_weekday = (first_day.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    day = week * 7 + (weekday - first_weekday) % 7

    slot = rng.choice(len(_SLOT_SHARE), size=n, p=_SLOT_SHARE / _SLOT_SHARE.sum())
    saturday = weekday == 5
    slot[saturday] = rng.integers(*_SATURDAY_SLOTS, size=int(saturday.sum()))
    minute = _FIRST_SLOT_MINUTE + slot * 30 + rng.integers(0, 30, size=n)

    return first_day.astype("datetime64[m]") + (day * 24 * 60 + minute).astype("timedelta64[m]")


def _pick(rng: np.random.Generator, kind: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """For each row, an option drawn with its demand type's shares (a types x options array)."""
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
    cumulative[:, -1] = 1.0
    draws = rng.random(len(kind))
    picked = np.zeros(len(kind), dtype=np.intp)
    for column in range(shares.shape[1] - 1):
        picked += draws >= cumulative[kind, column]
    return picked


def _build_frame(rng: np.random.Generator, kind: np.ndarray, received: np.ndarray) -> pd.DataFrame:
    """Draw the remaining columns for contacts of the given types and assemble the frame."""
    n = len(kind)
    types = _DEMAND_TYPES
    service_of = np.array([t.service for t in types], dtype=object)
    failure = np.array([t.is_failure for t in types])[kind]

    team_names = [team for service in _SERVICES.values() for team in service.teams]
    team_shares = np.array(
        [[_SERVICES[t.service].teams.get(team, 0.0) for team in team_names] for t in types]
    )
    team = np.array(team_names, dtype=object)[_pick(rng, kind, team_shares)]

    channel_names = list(_MEDIAN_MINUTES)
    channel_shares = np.array(
        [[_SERVICES[t.service].channels[channel] for channel in channel_names] for t in types]
    )
    channel_index = _pick(rng, kind, channel_shares)

    median = np.array([_MEDIAN_MINUTES[c] for c in channel_names])[channel_index] * np.array(
        [_SERVICES[t.service].handling_factor for t in types]
    )[kind]
    spread = np.exp(rng.normal(0.0, _MINUTES_SPREAD, size=n))
    minutes = np.maximum(np.round(median * spread), 1.0)

    resolved = rng.random(n) < np.array([t.one_stop for t in types])[kind]
    not_recorded = failure | (rng.random(n) < _ONE_STOP_NOT_RECORDED)
    one_stop = pd.arrays.BooleanArray(resolved, not_recorded)

    failure_type = np.array([t.failure_type for t in types], dtype=object)[kind]

    return pd.DataFrame(
        {
            "contact_id": _contact_ids(n),
            "received": pd.Series(received.astype("datetime64[ns]")),
            "team": pd.Series(team, dtype="str"),
            "service": pd.Series(service_of[kind], dtype="str"),
            "channel": pd.Series(np.array(channel_names, dtype=object)[channel_index], dtype="str"),
            "demand_type": pd.Series(
                np.array([t.name for t in types], dtype=object)[kind], dtype="str"
            ),
            "demand_class": pd.Series(np.where(failure, "failure", "value"), dtype="str"),
            "failure_type": pd.Series(failure_type, dtype="str"),
            "one_stop": one_stop,
            "handling_minutes": minutes,
            "what_matters": pd.Series(_what_matters(rng, kind, failure), dtype="str"),
        },
        columns=list(COLUMNS),
    )


def _contact_ids(n: int) -> pd.Series:
    width = max(6, len(str(n)))
    return "C" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(width)


def _what_matters(rng: np.random.Generator, kind: np.ndarray, failure: np.ndarray) -> np.ndarray:
    """What matters to each person in their own words, or ``None`` where nothing was recorded."""
    phrases = np.array(
        [phrase for t in _DEMAND_TYPES for phrase in t.what_matters] + [None], dtype=object
    )
    count = np.array([len(t.what_matters) for t in _DEMAND_TYPES])
    offset = np.concatenate([[0], np.cumsum(count)[:-1]])

    n = len(kind)
    choice = offset[kind] + np.floor(rng.random(n) * count[kind]).astype(np.intp)
    chance = np.where(failure, _WHAT_MATTERS_RECORDED["failure"], _WHAT_MATTERS_RECORDED["value"])
    recorded = (rng.random(n) < chance) & (count[kind] > 0)
    return phrases[np.where(recorded, choice, len(phrases) - 1)]


def as_export(log: pd.DataFrame) -> pd.DataFrame:
    """The log with its columns written the way a UK case-management export writes them."""
    export = log.copy()
    export["received"] = log["received"].dt.strftime("%d/%m/%Y %H:%M")
    export["one_stop"] = log["one_stop"].map({True: "yes", False: "no"}).astype("str")
    export["handling_minutes"] = log["handling_minutes"].round().astype("Int64")
    return export




def export_demand(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample demand log as it is written to ``demand.csv``."""
    return as_export(make_demand_log(seed=seed))
