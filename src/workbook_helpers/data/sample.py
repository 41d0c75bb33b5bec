"""Seeded, synthetic sample data the workbooks run on out of the box: a demand log, and the case
events and cases of a case review.

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

The case review follows 67 adult social care cases end to end, one row per activity, across the
council, NHS community health, housing, the voluntary sector and now and then the police: 35
``before`` cases worked the standard way and 32 ``after`` cases worked by an experiment team that
takes the demand end to end. Per case the ``after`` cohort shows roughly the changes of the
published example (``domain.md`` section 3): about 64% fewer assessments, 32% fewer people
involved, 41% fewer referrals and 14% fewer hours, a face-to-face share of hours up from about 46%
to about 60%, and a share of closed cases predicted to return down from about 71% to about 3%
(one case), with fewer handoffs and shorter cases. Each cohort's total of each count is set and
shared out at random between its cases, so every case differs but the cohort lands on its figure
for every seed. :func:`make_case_events` and :func:`make_cases` return the two frames.

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

:func:`write_sample` writes all seven files as a UK case-management system would export them
(day-first dates, ``yes``/``no`` for yes/no columns, blanks for anything missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from workbook_helpers.exceptions import ParameterError

__all__ = [
    "ACTION_COLUMNS",
    "CASE_COLUMNS",
    "CASE_EVENT_COLUMNS",
    "CHANGE_SERVICE",
    "CHANGE_WEEK",
    "COLUMNS",
    "EXPERIMENT_TEAM",
    "PERFORMANCE_AS_AT",
    "PERFORMANCE_START",
    "PERFORMANCE_TEAMS",
    "PRACTICE_CHANGE",
    "SAMPLE_FILES",
    "SPENDING_COLUMNS",
    "TARGET_COLUMNS",
    "WORK_ITEM_COLUMNS",
    "make_actions",
    "make_case_events",
    "make_cases",
    "make_demand_log",
    "make_spending",
    "make_targets",
    "make_work_items",
    "write_sample",
]

#: The service whose demand changes part way through the sample.
CHANGE_SERVICE = "Council tax"
#: The week (counting from 0 at ``start``) from which the rewritten bill letter takes effect.
CHANGE_WEEK = 10
#: The files :func:`write_sample` writes, by the name of the data they hold.
SAMPLE_FILES = {
    "demand": "demand.csv",
    "events": "events.csv",
    "cases": "cases.csv",
    "work_items": "work_items.csv",
    "spending": "spending.csv",
    "targets": "targets.csv",
    "actions": "actions.csv",
}
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

DEFAULT_SEED = 2024
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


def write_sample(out_dir: str | Path = "data/sample", seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample data as a UK case-management system would export it.

    The files are those in :data:`SAMPLE_FILES`: ``demand.csv`` (the demand log),
    ``events.csv`` (the case events) and ``cases.csv`` (the cases), each UTF-8 without a
    byte-order mark, with a header row and anything missing as an empty field. In the demand
    log ``received`` is written day first (``03/04/2024 09:15``), ``one_stop`` as ``yes``, ``no``
    or blank and ``handling_minutes`` as whole numbers. In the case events ``date`` is written
    day first (``03/04/2024``), ``hours`` with two decimals and ``face_to_face`` and
    ``value_work`` as ``yes``, ``no`` or blank; in the cases ``opened`` and ``closed`` are day
    first and ``predicted_return`` and ``returned`` are ``yes``, ``no`` or blank. The
    team-performance files are ``work_items.csv``, ``spending.csv``, ``targets.csv`` and
    ``actions.csv``: every date day first (``03/04/2024``) and blank when missing, spending's
    ``month`` as ``2024-04``, ``budget`` in whole pounds and ``actual`` in pounds and pence, and
    targets without trailing zeros (``0.9``). The bytes are the same on every run for the same
    seed (numpy does not promise the same random streams across its own major versions, so an
    upgrade may mean regenerating).

    Parameters
    ----------
    out_dir:
        The folder to write into; created if it does not exist.
    seed:
        Seed passed to :func:`make_demand_log`, :func:`make_case_events`, :func:`make_cases`,
        :func:`make_work_items`, :func:`make_spending` and :func:`make_actions`.

    Returns
    -------
    list[pathlib.Path]
        The paths written, in the order of :data:`SAMPLE_FILES`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events, cases = _draw_case_review(seed)
    exports = {
        "demand": _as_export(make_demand_log(seed=seed)),
        "events": _case_events_as_export(events),
        "cases": _cases_as_export(cases),
        "work_items": _dates_as_export(make_work_items(seed), ("opened", "closed", "due",
                                                                "next_review")),
        "spending": _spending_as_export(make_spending(seed)),
        "targets": _targets_as_export(make_targets()),
        "actions": _dates_as_export(make_actions(seed), ("raised", "due", "done")),
    }
    paths = []
    for name, export in exports.items():
        path = out / SAMPLE_FILES[name]
        export.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


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


def _as_export(log: pd.DataFrame) -> pd.DataFrame:
    """The log with its columns written the way a UK case-management export writes them."""
    export = log.copy()
    export["received"] = log["received"].dt.strftime("%d/%m/%Y %H:%M")
    export["one_stop"] = log["one_stop"].map({True: "yes", False: "no"}).astype("str")
    export["handling_minutes"] = log["handling_minutes"].round().astype("Int64")
    return export


# --- the case review: case events and cases ----------------------------------------------------

#: The columns of the case events, in order.
CASE_EVENT_COLUMNS = (
    "case_id",
    "date",
    "activity",
    "worker",
    "hours",
    "face_to_face",
    "organisation",
    "team",
    "value_work",
    "cohort",
)
#: The columns of the cases, in order.
CASE_COLUMNS = ("case_id", "opened", "closed", "predicted_return", "returned", "cohort", "team")
#: The team that works the ``after`` cohort the new way: council and NHS staff together.
EXPERIMENT_TEAM = "Experiment team"

_CASES_OPEN_FROM = "2024-04-01"
_CASES_OPEN_TO = "2024-10-31"
# At most how many cases are still open when the records are exported (fewer if closures tie).
_STILL_OPEN = 4
# Whether a closed case came back is known only once it has been closed this long.
_RETURN_KNOWN_AFTER_DAYS = 60

_COUNCIL = "Council adult social care"
_NHS = "NHS community health"
_HOUSING = "Housing"
_VOLUNTARY = "Voluntary sector"
_POLICE = "Police"
_FRONT_DOOR = "Adult Front Door"

# Every organisation's practitioners, by team. The names are made up (see _worker_directory).
_ORGANISATIONS: dict[str, dict[str, int]] = {
    _COUNCIL: {_FRONT_DOOR: 4, "Community Team North": 6, "Community Team West": 6,
               "Reablement North": 4, "Hospital Social Work Team": 3, EXPERIMENT_TEAM: 5},
    _NHS: {"Community OT": 6, "District Nursing West": 6, "Community Therapy North": 5,
           "Continuing Healthcare": 4, "Memory Service": 3, EXPERIMENT_TEAM: 3},
    _HOUSING: {"Housing Options": 9, "Tenancy Support": 9, "Home Adaptations": 7},
    _VOLUNTARY: {"Age UK Befriending": 9, "Carers Centre": 8, "Wellbeing Hub": 8},
    _POLICE: {"Neighbourhood Policing West": 10, "Neighbourhood Policing North": 8,
              "Vulnerability Unit": 7},
}
_FIRST_NAMES = (
    "Priya", "Tom", "Aisha", "James", "Sarah", "Mohammed", "Emma", "Daniel", "Grace", "Oliver",
    "Fatima", "Liam", "Hannah", "Kwame", "Chloe", "Ryan", "Zara", "Owen", "Megan", "Harpreet",
    "Lucy", "Callum", "Amara", "Gareth", "Sophie", "Imran", "Rachel", "Ben", "Niamh", "Samuel",
    "Yasmin", "Adam", "Eleanor", "Tariq", "Joanne", "Marcus", "Bethan", "Ravi", "Claire", "Dominic",
)
_SURNAMES = (
    "Shah", "Okafor", "Patel", "Hughes", "Begum", "Walsh", "Khan", "Morgan", "Evans", "Mensah",
    "Clarke", "Hussain", "Taylor", "Nowak", "Ahmed", "Brennan", "Davies", "Singh", "Campbell",
    "Adeyemi", "Wright", "Bennett", "Kaur", "Murphy", "Robinson", "Ali", "Thompson", "Jones",
    "Kowalski", "Reid", "Fraser", "Edwards", "Chowdhury", "Lewis", "Baker", "Price", "Anderson",
    "Osei", "Harris", "Phillips", "Stewart",
)

# The kinds of activity on a case, and roughly where in a case each falls (0 start, 1 end).
_KIND_POSITION = {"assessment": 0.25, "referral": 0.4, "visit": 0.55, "call": 0.5,
                  "meeting": 0.55, "review": 0.8, "admin": 0.5, "other": 0.5}
_POSITION_NOISE = 0.3
# What each organisation does on a case; the council and the NHS do everything.
_KINDS_BY_ORGANISATION = {
    _COUNCIL: frozenset(_KIND_POSITION),
    _NHS: frozenset(_KIND_POSITION),
    _HOUSING: frozenset({"assessment", "referral", "visit", "call", "meeting", "admin"}),
    _VOLUNTARY: frozenset({"assessment", "referral", "visit", "call", "admin"}),
    _POLICE: frozenset({"referral", "visit", "call", "meeting"}),
}

# The names a case-management system records, by kind and by the organisation doing the work,
# with their relative frequency. "Huddle" and "Catch-up" are local names no activity map knows.
_ACTIVITY_NAMES: dict[str, dict[str, dict[str, float]]] = {
    "assessment": {
        _COUNCIL: {"Care Act assessment": 0.6, "Carer's assessment": 0.25,
                   "Financial assessment": 0.15},
        _NHS: {"OT assessment": 0.7, "Nursing assessment": 0.3},
        _HOUSING: {"Housing needs assessment": 1.0},
        _VOLUNTARY: {"Carer's assessment": 1.0},
    },
    "referral": {
        _COUNCIL: {"Referral to OT": 0.35, "CHC referral": 0.2, "Referral to reablement": 0.3,
                   "Safeguarding referral": 0.15},
        _NHS: {"CHC referral": 0.4, "Referral to OT": 0.3, "Referral to social care": 0.3},
        _HOUSING: {"Referral to social care": 1.0},
        _VOLUNTARY: {"Referral to social care": 1.0},
        _POLICE: {"Safeguarding referral": 1.0},
    },
    "visit": {
        _COUNCIL: {"Home visit": 0.8, "Joint visit": 0.2},
        _NHS: {"Home visit": 0.8, "Joint visit": 0.2},
        _HOUSING: {"Home visit": 1.0},
        _VOLUNTARY: {"Home visit": 1.0},
        _POLICE: {"Welfare check": 1.0},
    },
    "call": {
        _COUNCIL: {"Telephone call": 0.85, "Call to GP": 0.15},
        _NHS: {"Telephone call": 0.85, "Call to GP": 0.15},
        _HOUSING: {"Telephone call": 1.0},
        _VOLUNTARY: {"Telephone call": 1.0},
        _POLICE: {"Telephone call": 1.0},
    },
    "meeting": {
        _COUNCIL: {"MDT meeting": 0.6, "Best interests meeting": 0.2, "Funding panel": 0.2},
        _NHS: {"MDT meeting": 0.8, "Best interests meeting": 0.2},
        _HOUSING: {"MDT meeting": 1.0},
        _POLICE: {"Strategy meeting": 1.0},
    },
    "review": {
        _COUNCIL: {"Case review": 0.6, "6-week review": 0.4},
        _NHS: {"Case review": 1.0},
    },
    "admin": {
        _COUNCIL: {"Case notes": 0.6, "Support plan write-up": 0.25, "Email": 0.15},
        _NHS: {"Case notes": 0.8, "Email": 0.2},
        _HOUSING: {"Case notes": 1.0},
        _VOLUNTARY: {"Case notes": 1.0},
    },
    "closure": {_COUNCIL: {"Case closure": 1.0}, _NHS: {"Case closure": 1.0}},
    "other": {_COUNCIL: {"Huddle": 0.6, "Catch-up": 0.4}, _NHS: {"Huddle": 1.0}},
}
# The chance that an activity was time with the person, by its local name (0 if not listed).
_FACE_TO_FACE = {
    "Care Act assessment": 0.85, "Carer's assessment": 0.8, "Financial assessment": 0.3,
    "OT assessment": 0.95, "Nursing assessment": 0.9, "Housing needs assessment": 0.6,
    "Home visit": 1.0, "Joint visit": 1.0, "Welfare check": 1.0,
    "Best interests meeting": 0.7, "6-week review": 0.7, "Case review": 0.3,
}
# The chance that the person would see an activity as help; repeat assessments rarely are.
_VALUE_WORK = {"assessment": 0.6, "repeat assessment": 0.15, "referral": 0.35, "visit": 0.85,
               "call": 0.5, "meeting": 0.15, "review": 0.55, "admin": 0.05, "closure": 0.3,
               "other": 0.05}
_HOURS_SPREAD = 0.45  # standard deviation of log(hours) around the median
_COMPLEXITY_SPREAD = 0.3  # standard deviation of log(complexity) across the cases of a cohort


@dataclass(frozen=True)
class _Cohort:
    """How the cases of one cohort are worked."""

    cases: int
    teams: tuple[str, ...]
    # Activities per case by kind: a fixed minimum plus a Poisson draw around a mean.
    counts: dict[str, tuple[int, float]]
    # Median hours of one activity, by kind.
    median_hours: dict[str, float]
    # People beyond the case's lead, and the organisations they come from.
    extra_people: float
    organisation_shares: dict[str, float]
    # How the lead's share of the work compares with anyone else's, and the chance the same
    # person does the next activity too.
    lead_weight: float
    keep_worker: float
    # Chance that the first contact is taken by the front door, not by the lead.
    front_door: float
    # Chance that a council or NHS colleague comes from the experiment team.
    colleague_in_team: float
    median_days: float
    predicted_return: float
    value_work_unknown: float


_STANDARD_HOURS = {"assessment": 2.0, "referral": 0.75, "visit": 1.5, "call": 0.35,
                   "meeting": 1.25, "review": 1.25, "admin": 0.75, "closure": 0.5, "other": 0.5}

_COHORTS: dict[str, _Cohort] = {
    # The standard way: assess, refer on, hand over, assess again.
    "before": _Cohort(
        cases=35,
        teams=("Community Team North", "Community Team West"),
        counts={"assessment": (1, 1.5), "referral": (1, 1.7), "visit": (1, 2.3),
                "call": (1, 4.0), "meeting": (0, 1.6), "review": (0, 1.0), "admin": (2, 3.0),
                "other": (0, 0.3)},
        # Shorter admin than the standard 0.75 hours, calibrated so that over the closed cases
        # (the comparison leaves open ones out) total hours fall by 14% and the face-to-face
        # share rises from 46% to 60%, as published.
        median_hours={**_STANDARD_HOURS, "admin": 0.6},
        extra_people=5.6,
        organisation_shares={_COUNCIL: 0.36, _NHS: 0.34, _HOUSING: 0.12, _VOLUNTARY: 0.13,
                             _POLICE: 0.05},
        lead_weight=2.0,
        keep_worker=0.3,
        front_door=0.85,
        colleague_in_team=0.0,
        median_days=80.0,
        predicted_return=0.71,
        value_work_unknown=0.12,
    ),
    # The new way: one team takes the demand end to end and spends its time with the person.
    "after": _Cohort(
        cases=32,
        teams=(EXPERIMENT_TEAM,),
        counts={"assessment": (0, 0.9), "referral": (0, 1.6), "visit": (2, 2.5),
                "call": (1, 2.5), "meeting": (0, 0.6), "review": (0, 0.8), "admin": (1, 2.0),
                "other": (0, 0.05)},
        median_hours={**_STANDARD_HOURS, "visit": 2.0},
        extra_people=4.0,
        organisation_shares={_COUNCIL: 0.3, _NHS: 0.35, _HOUSING: 0.15, _VOLUNTARY: 0.16,
                             _POLICE: 0.04},
        lead_weight=6.0,
        keep_worker=0.55,
        front_door=0.0,
        colleague_in_team=0.4,
        median_days=40.0,
        predicted_return=0.03,
        value_work_unknown=0.08,
    ),
}


@dataclass(frozen=True)
class _Worker:
    name: str
    organisation: str
    team: str


def _worker_directory() -> tuple[_Worker, ...]:
    """Every practitioner with a made-up, unique name: first and surname lists of coprime lengths
    (40 and 41) paired by the worker's number, so no two workers share a name."""
    workers = []
    for organisation, teams in _ORGANISATIONS.items():
        for team, size in teams.items():
            for _ in range(size):
                n = len(workers)
                name = f"{_FIRST_NAMES[n % len(_FIRST_NAMES)]} {_SURNAMES[7 * n % len(_SURNAMES)]}"
                workers.append(_Worker(name, organisation, team))
    return tuple(workers)


_WORKERS = _worker_directory()


def make_case_events(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Make the synthetic case events of a case review, the same every time for the same seed.

    Two cohorts of adult social care cases opened between April and October 2024: 35 ``before``
    cases worked the standard way by two community teams, and 32 ``after`` cases worked by the
    :data:`EXPERIMENT_TEAM`, council and NHS staff who take the demand end to end. Other
    practitioners (other council teams, NHS community health, housing, the voluntary sector and
    now and then the police) join cases of both cohorts. Per case, the ``after`` cohort shows
    roughly the published changes: about 64% fewer assessments, 32% fewer people involved, 41%
    fewer referrals, 14% fewer hours, a face-to-face share of hours up from about 46% to about
    60%, fewer handoffs and shorter cases, with case-to-case variation. The records were
    exported on the day of a late closure (in December 2024 for the default seed), so up to four
    cases are still open and have no closure yet.

    Parameters
    ----------
    seed:
        Seed for :func:`numpy.random.default_rng`; :func:`make_cases` with the same seed gives
        the matching cases.

    Returns
    -------
    pandas.DataFrame
        One row per activity, sorted by case and date, with the columns in
        :data:`CASE_EVENT_COLUMNS`: ``case_id`` (``"ASC-24-01873"``: an identifier that must
        never reach a report), ``date`` (a weekday, no time), ``activity`` (the local name the
        system records, such as ``"Care Act assessment"`` or ``"MDT meeting"``; ``"Huddle"``
        and ``"Catch-up"`` are local names that map to no canonical kind), ``worker`` (a
        practitioner's made-up full name), ``hours`` (quarter hours, at least 0.25),
        ``face_to_face`` (``True``/``False``), ``organisation``, ``team`` (the worker's team),
        ``value_work`` (``True``/``False``, missing where unknown) and ``cohort``
        (``"before"`` or ``"after"``).
    """
    return _draw_case_review(seed)[0]


def make_cases(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Make the cases that go with :func:`make_case_events` for the same seed.

    Returns
    -------
    pandas.DataFrame
        One row per case, in ``case_id`` order, with the columns in :data:`CASE_COLUMNS`:
        ``case_id``, ``opened`` (on or before the case's first event), ``closed`` (the day of
        its ``"Case closure"`` event, its last; missing while the case is still open),
        ``predicted_return`` (the practitioners' judgement at closure that the need will come
        back; missing while open), ``returned`` (known only for cases closed at least 60 days
        before the export; missing otherwise), ``cohort`` and ``team`` (the team that led it).
    """
    return _draw_case_review(seed)[1]


def _draw_case_review(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw every case of both cohorts: the events frame and the cases frame."""
    rng = np.random.default_rng(seed)
    opening_days = pd.bdate_range(_CASES_OPEN_FROM, _CASES_OPEN_TO).to_numpy().astype(
        "datetime64[D]"
    )

    cases: list[dict] = []
    events: list[pd.DataFrame] = []
    for name, cohort in _COHORTS.items():
        complexity = _complexities(rng, cohort.cases)
        counts = {kind: minimum + _share_out(rng, mean, complexity)
                  for kind, (minimum, mean) in cohort.counts.items()}
        extra_people = _share_out(rng, cohort.extra_people, np.sqrt(complexity), shape=8.0)
        cohort_events = []
        for i in range(cohort.cases):
            case, case_events = _draw_case(
                rng, cohort, float(complexity[i]), {kind: int(n[i]) for kind, n in counts.items()},
                int(extra_people[i]), opening_days,
            )
            cohort_events.append(case_events.assign(case=len(cases), cohort=name))
            cases.append({**case, "cohort": name})
        events.append(_settle_hours(pd.concat(cohort_events, ignore_index=True), cohort))
    event_frame = pd.concat(events, ignore_index=True)

    # The records were exported on the day of a late closure: the cases that would close after
    # it are still open, and nothing after the export is in the file yet.
    extracted = np.sort([case["end"] for case in cases])[-_STILL_OPEN - 1]
    event_frame = event_frame[event_frame["date"] <= extracted]
    for case in cases:
        case["closed"] = case["end"] if case["end"] <= extracted else np.datetime64("NaT", "D")
    _judge_returns(rng, cases, extracted)

    # Reference numbers are handed out in the order the cases were opened.
    numbers = np.sort(rng.choice(np.arange(1000, 5000), size=len(cases), replace=False))
    order = np.argsort([case["opened"] for case in cases], kind="stable")
    case_ids = np.empty(len(cases), dtype=object)
    case_ids[order] = [f"ASC-24-{number:05d}" for number in numbers]

    case_frame = pd.DataFrame(
        {
            "case_id": pd.Series(case_ids, dtype="str"),
            "opened": pd.Series(np.array([c["opened"] for c in cases]).astype("datetime64[ns]")),
            "closed": pd.Series(np.array([c["closed"] for c in cases]).astype("datetime64[ns]")),
            "predicted_return": pd.array([c["predicted_return"] for c in cases], dtype="boolean"),
            "returned": pd.array([c["returned"] for c in cases], dtype="boolean"),
            "cohort": pd.Series([c["cohort"] for c in cases], dtype="str"),
            "team": pd.Series([c["team"] for c in cases], dtype="str"),
        },
        columns=list(CASE_COLUMNS),
    )
    case_frame = case_frame.sort_values("case_id", kind="stable", ignore_index=True)

    event_frame = pd.DataFrame(
        {
            "case_id": pd.Series(case_ids[event_frame["case"].to_numpy()], dtype="str"),
            "date": event_frame["date"].to_numpy().astype("datetime64[ns]"),
            "activity": event_frame["activity"].to_numpy(),
            "worker": event_frame["worker"].to_numpy(),
            "hours": event_frame["hours"].to_numpy(dtype="float64"),
            "face_to_face": event_frame["face_to_face"].to_numpy(dtype="bool"),
            "organisation": event_frame["organisation"].to_numpy(),
            "team": event_frame["team"].to_numpy(),
            "value_work": pd.array(event_frame["value_work"].tolist(), dtype="boolean"),
            "cohort": event_frame["cohort"].to_numpy(),
        },
        columns=list(CASE_EVENT_COLUMNS),
    ).astype({c: "str" for c in ("activity", "worker", "organisation", "team", "cohort")})
    event_frame = event_frame.sort_values(["case_id", "date"], kind="stable", ignore_index=True)
    return event_frame, case_frame


def _draw_case(
    rng: np.random.Generator,
    cohort: _Cohort,
    complexity: float,
    counts: dict[str, int],
    extra_people: int,
    opening_days: np.ndarray,
) -> tuple[dict, pd.DataFrame]:
    """One case, worked to its end: its details and its events in date order, with each
    event's kind and its hours before :func:`_settle_hours`."""
    # What happens, in order: the first contact, the work, the closure.
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    position = np.array([_KIND_POSITION[kind] for kind in kinds]) + rng.uniform(
        -_POSITION_NOISE, _POSITION_NOISE, size=len(kinds)
    )
    kinds = ["call"] + [kinds[i] for i in np.argsort(position, kind="stable")] + ["closure"]

    # Who does it.
    team = cohort.teams[int(rng.integers(len(cohort.teams)))]
    lead = _choose_worker(rng, [w for w in _WORKERS if w.team == team], [])
    extras = _choose_extras(rng, cohort, min(extra_people, len(kinds) - 2), lead)
    workers = _assign_workers(rng, cohort, kinds, lead, extras)
    if rng.random() < cohort.front_door:
        front_door = [w for w in _WORKERS if w.team == _FRONT_DOOR]
        workers[0] = _choose_worker(rng, front_door, [])

    # When: the first contact a few days after the case was opened, the closure weeks later.
    opened = opening_days[int(rng.integers(len(opening_days)))]
    first = opened + (0 if rng.random() < 0.55 else int(rng.integers(1, 11)))
    days = max(7.0, cohort.median_days * np.sqrt(complexity) * float(np.exp(rng.normal(0, 0.45))))
    offsets = np.concatenate(
        [[0], np.sort(np.floor(rng.uniform(0, days, size=len(kinds) - 2))), [np.floor(days)]]
    ).astype("int64")
    dates = _next_weekday(first + offsets.astype("timedelta64[D]"))

    activity, face_to_face, value_work = [], [], []
    assessments = 0
    for kind, worker in zip(kinds, workers):
        names = _ACTIVITY_NAMES[kind][worker.organisation]
        local = str(rng.choice(list(names), p=np.array(list(names.values())) / sum(names.values())))
        activity.append(local)
        face_to_face.append(bool(rng.random() < _FACE_TO_FACE.get(local, 0.0)))
        value_kind = "repeat assessment" if kind == "assessment" and assessments else kind
        assessments += kind == "assessment"
        helped = bool(rng.random() < _VALUE_WORK[value_kind])
        value_work.append(None if rng.random() < cohort.value_work_unknown else helped)
    median = np.array([cohort.median_hours[kind] for kind in kinds])
    hours = median * np.exp(rng.normal(0.0, _HOURS_SPREAD, size=len(kinds)))

    frame = pd.DataFrame(
        {
            "date": dates,
            "kind": kinds,
            "activity": activity,
            "worker": [w.name for w in workers],
            "hours": hours,
            "face_to_face": face_to_face,
            "organisation": [w.organisation for w in workers],
            "team": [w.team for w in workers],
            "value_work": value_work,
        }
    )
    case = {"opened": opened, "end": dates[-1], "team": team, "assessments": assessments}
    return case, frame


def _settle_hours(events: pd.DataFrame, cohort: _Cohort) -> pd.DataFrame:
    """Scale the drawn hours of each kind of activity so that across the cohort they average what
    the cohort's medians imply, and round them to quarter hours (at least a quarter)."""
    typical = events["kind"].map(cohort.median_hours) * np.exp(_HOURS_SPREAD**2 / 2)
    drawn = events.groupby("kind")["hours"].transform("mean")
    hours = np.maximum(0.25, np.round(events["hours"] * typical / drawn * 4) / 4)
    return events.assign(hours=hours)


def _team_of(organisation: str, team: str) -> list[_Worker]:
    return [w for w in _WORKERS if w.organisation == organisation and w.team == team]


def _free(pool: list[_Worker], taken: list[_Worker]) -> list[_Worker]:
    return [w for w in pool if w not in taken]


def _complexities(rng: np.random.Generator, cases: int) -> np.ndarray:
    """How complex each case of a cohort is, as a factor on how much happens and for how long.

    Some cases are simply more complex than others (a lognormal spread), and both cohorts take
    the same mix: the factors are evenly spaced quantiles in a random order, so a difference
    between the cohorts comes from how the cases were worked, not from the luck of the draw.
    """
    normal = NormalDist()
    factors = [np.exp(_COMPLEXITY_SPREAD * normal.inv_cdf((i + 0.5) / cases)) for i in range(cases)]
    return np.array(factors)[rng.permutation(cases)]


def _share_out(
    rng: np.random.Generator, mean: float, weight: np.ndarray, shape: float = 3.0
) -> np.ndarray:
    """Counts for each case that average ``mean`` over the cohort (to the nearest whole total),
    shared out at random, more to cases with more ``weight`` and with a gamma-distributed extra
    spread (less spread for a larger ``shape``), so no two cases look alike but the cohort lands
    on its figure."""
    spread = weight * rng.gamma(shape, 1.0 / shape, size=len(weight))
    return rng.multinomial(int(round(mean * len(weight))), spread / spread.sum())


def _choose_worker(rng: np.random.Generator, pool: list[_Worker], taken: list[_Worker]) -> _Worker:
    free = _free(pool, taken)
    return free[int(rng.integers(len(free)))]


def _choose_extras(
    rng: np.random.Generator, cohort: _Cohort, wanted: int, lead: _Worker
) -> list[_Worker]:
    """The people beyond the lead who join the case, each from an organisation's other teams (or,
    for the experiment, sometimes a colleague in the same team)."""
    organisations = list(cohort.organisation_shares)
    shares = np.array(list(cohort.organisation_shares.values()))
    extras: list[_Worker] = []
    for _ in range(wanted):
        organisation = organisations[int(rng.choice(len(organisations), p=shares / shares.sum()))]
        taken = [lead, *extras]
        in_team = organisation in (_COUNCIL, _NHS) and rng.random() < cohort.colleague_in_team
        if in_team and not _free(_team_of(organisation, EXPERIMENT_TEAM), taken):
            in_team = False  # everyone in the team is on the case already
        pool = [w for w in _WORKERS if w.organisation == organisation
                and (w.team == EXPERIMENT_TEAM) == in_team and w.team != _FRONT_DOOR]
        extras.append(_choose_worker(rng, pool, taken))
    return extras


def _assign_workers(
    rng: np.random.Generator,
    cohort: _Cohort,
    kinds: list[str],
    lead: _Worker,
    extras: list[_Worker],
) -> list[_Worker]:
    """Who does each activity: the lead takes the first contact and the closure; in between the
    work passes between the people on the case, each doing only what their organisation does,
    and everyone on the case does at least one thing."""
    workers = [lead] * len(kinds)
    people = [lead, *extras]
    weights = np.array([cohort.lead_weight] + [1.0] * len(extras))
    previous = lead
    for i in range(1, len(kinds) - 1):
        able = np.array([kinds[i] in _KINDS_BY_ORGANISATION[p.organisation] for p in people])
        if kinds[i] in _KINDS_BY_ORGANISATION[previous.organisation] and (
            rng.random() < cohort.keep_worker
        ):
            workers[i] = previous
        else:
            chance = weights * able
            workers[i] = people[int(rng.choice(len(people), p=chance / chance.sum()))]
        previous = workers[i]

    for extra in extras:
        if extra in workers:
            continue
        done = {w: workers.count(w) for w in workers}
        movable = [i for i in range(1, len(kinds) - 1) if done[workers[i]] > 1
                   and kinds[i] in _KINDS_BY_ORGANISATION[extra.organisation]]
        if movable:
            workers[movable[int(rng.integers(len(movable)))]] = extra
    return workers


def _next_weekday(days: np.ndarray) -> np.ndarray:
    """Days moved forward off Saturdays and Sundays to the Monday after."""
    weekday = (days.astype("int64") + 3) % 7  # 0 is Monday; 1970-01-01 was a Thursday
    return days + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")


def _judge_returns(rng: np.random.Generator, cases: list[dict], extracted: np.datetime64) -> None:
    """Fill in, for closed cases, whether the practitioners predicted the need would come back and
    (once enough time has passed) whether it did; both stay unknown while a case is open. Each
    cohort's share predicted to return is held to its set share of the closed cases, and the
    cases with most assessments are likeliest to be the ones."""
    for case in cases:
        case["predicted_return"] = case["returned"] = None
    for name, cohort in _COHORTS.items():
        closed = [c for c in cases if c["cohort"] == name and not np.isnat(c["closed"])]
        predicted = int(round(cohort.predicted_return * len(closed)))
        weight = np.array([1.0 + c["assessments"] for c in closed])
        chosen = set(
            rng.choice(len(closed), size=predicted, replace=False, p=weight / weight.sum())
        )
        for i, case in enumerate(closed):
            case["predicted_return"] = i in chosen
            if case["closed"] + np.timedelta64(_RETURN_KNOWN_AFTER_DAYS, "D") <= extracted:
                case["returned"] = bool(rng.random() < (0.6 if i in chosen else 0.08))
    for case in cases:
        del case["assessments"], case["end"]


def _case_events_as_export(events: pd.DataFrame) -> pd.DataFrame:
    """Case events written the way a UK case-management export writes them."""
    export = events.copy()
    export["date"] = events["date"].dt.strftime("%d/%m/%Y")
    export["hours"] = events["hours"].map("{:.2f}".format).astype("str")
    export["face_to_face"] = events["face_to_face"].map({True: "yes", False: "no"}).astype("str")
    export["value_work"] = events["value_work"].map({True: "yes", False: "no"}).astype("str")
    return export


def _cases_as_export(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases written the way a UK case-management export writes them."""
    export = cases.copy()
    for column in ("opened", "closed"):
        export[column] = cases[column].dt.strftime("%d/%m/%Y")
    for column in ("predicted_return", "returned"):
        export[column] = cases[column].map({True: "yes", False: "no"}).astype("str")
    return export


# --- team performance: work items, spending, targets and actions -------------------------------

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
    names = [w.name for w in _WORKERS if w.organisation == _COUNCIL and w.team == team]
    offset = len(_WORKERS) + 10 * PERFORMANCE_TEAMS.index(team)
    for i in range(extra):
        n = offset + i
        names.append(f"{_FIRST_NAMES[n % len(_FIRST_NAMES)]} {_SURNAMES[7 * n % len(_SURNAMES)]}")
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
        closed = _next_weekday(opened + days.astype("timedelta64[D]"))
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
                    done = _next_weekday(np.array([due + late]))[0]
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
