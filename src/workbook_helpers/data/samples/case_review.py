"""The sample case events and cases of a case review: seeded, synthetic, the same every time for
the same seed.

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

:func:`export_case_events` and :func:`export_cases` give the two frames as they are written
to ``events.csv`` and ``cases.csv``. The team-performance sample takes its council practitioners
from the same directory (:func:`council_team_members`, :func:`practitioner_name`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from workbook_helpers.data.samples import DEFAULT_SEED


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
                workers.append(_Worker(practitioner_name(len(workers)), organisation, team))
    return tuple(workers)


def practitioner_name(n: int) -> str:
    """The made-up name of practitioner number ``n`` (from 0)."""
    return f"{_FIRST_NAMES[n % len(_FIRST_NAMES)]} {_SURNAMES[7 * n % len(_SURNAMES)]}"


_WORKERS = _worker_directory()
#: How many practitioners the directory has: more made-up names are numbered after them.
DIRECTORY_SIZE = len(_WORKERS)


def council_team_members(team: str) -> list[str]:
    """The practitioners of a council team, by name, in the directory's order."""
    return [w.name for w in _WORKERS if w.organisation == _COUNCIL and w.team == team]


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
    dates = next_weekday(first + offsets.astype("timedelta64[D]"))

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


def next_weekday(days: np.ndarray) -> np.ndarray:
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




def export_case_events(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample case events as they are written to ``events.csv``."""
    return _case_events_as_export(make_case_events(seed))


def export_cases(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sample cases as they are written to ``cases.csv``."""
    return _cases_as_export(make_cases(seed))
