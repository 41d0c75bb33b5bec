"""Data contracts: what each input file must hold, declared once.

Each contract is a pandera ``DataFrameSchema``. The same declaration is used three ways: the
loaders in :mod:`workbook_helpers.data.loading` check files against it, the error messages take their
wording from it, and :func:`workbook_helpers.data.docs.contract_markdown` turns it into the tables in
``docs/data-contracts.md`` (a test keeps that page in step with the code). Which dataset each
contract is for, and the workbook it feeds, :mod:`workbook_helpers.data.datasets` says.

Column ``metadata`` keys: ``required`` (bool), ``kind`` (how the loader reads the column:
``date``, ``month``, ``text``, ``category``, ``yes/no``, ``number``, ``money``, ``activity``,
``measure``, ``target``, ``identifier``, ``free text``), ``private`` (never shown in a report
unless a parameter allows it), ``allowed`` (the values a category may take), ``unit`` (for
numbers: ``minutes``, ``hours``), ``blank`` (what a blank means, where blanks are allowed),
``derived_from`` (a column the loader adds from another one; it is never read from the file),
``blank_from`` (``(column, {value of that column: value})``: the loader fills a blank from the
other column of the row, after the checks), ``measure_column`` (for a ``target``: the column
naming its measure, whose unit decides how the target is read), ``at_most`` (``(limit, words)``:
values above the limit are plausible only as mistakes, so the loader warns about them, counting
them as given; ``load_demand`` takes the handling-minutes limit as a parameter) and
``not_after_today`` (a date of something that has happened: dates after the day of the run are
warned about; for a month, the name of a column whose non-zero value makes the row something
that has happened, since a budget may be set ahead).

Schema ``metadata`` keys: ``row_checks``: for each schema-level check comparing columns of a row,
the column its problems are reported against, the wording of the problem, the columns shown for
each row and what was expected; ``all_columns``: optional columns the file lacks are added to the
loaded frame, all blank, with the dtype they would have had; ``daily_totals``: ``(column, (by,
date column), limit, words)``: totals of the column per ``by`` and day above the limit are warned
about (hours a worker records in a day).

Every file, whatever its contract, is also checked for rows that repeat an earlier row exactly
(warned about and kept unless the loader is asked to drop them) and for numbers that are not
finite or too large to work with (a problem).
"""

from __future__ import annotations

import pandera.pandas as pa

from workbook_helpers.data.performance_measures import MEASURES

CHANNELS = ("phone", "e-mail", "web", "face-to-face", "letter", "other")
DEMAND_CLASSES = ("value", "failure")
FAILURE_TYPES = (
    "progress chasing",
    "not done",
    "not done right",
    "clarification",
    "wrong place",
    "repeat",
    "other",
)

# Spellings seen in real exports, folded to the canonical values above. Keys are compared after
# lower-casing, trimming and collapsing spaces, hyphens and underscores to single spaces.
CATEGORY_SYNONYMS: dict[str, dict[str, str]] = {
    "demand_class": {
        "v": "value",
        "value": "value",
        "value demand": "value",
        "f": "failure",
        "failure": "failure",
        "failure demand": "failure",
    },
    "channel": {
        "phone": "phone",
        "telephone": "phone",
        "tel": "phone",
        "call": "phone",
        "email": "e-mail",
        "e mail": "e-mail",
        "web": "web",
        "web form": "web",
        "online": "web",
        "website": "web",
        "face to face": "face-to-face",
        "f2f": "face-to-face",
        "in person": "face-to-face",
        "visit": "face-to-face",
        "letter": "letter",
        "post": "letter",
        "other": "other",
    },
    "failure_type": {
        "progress chasing": "progress chasing",
        "chasing": "progress chasing",
        "chase": "progress chasing",
        "not done": "not done",
        "not done right": "not done right",
        "not done right first time": "not done right",
        "clarification": "clarification",
        "wrong place": "wrong place",
        "sent to the wrong place": "wrong place",
        "repeat": "repeat",
        "other": "other",
    },
    "direction": {
        "increase": "increase",
        "increasing": "increase",
        "higher": "increase",
        "higher is better": "increase",
        "up": "increase",
        "decrease": "decrease",
        "decreasing": "decrease",
        "lower": "decrease",
        "lower is better": "decrease",
        "down": "decrease",
    },
}

# Team-performance measures a target may name (keys, in the order of the measures table), and the
# directions of good a target may give; a blank direction is the measure's own, which may be
# "neutral" (neither higher nor lower is better).
MEASURE_KEYS = tuple(m.key for m in MEASURES)
DIRECTIONS = ("increase", "decrease")
MEASURE_DIRECTIONS = {m.key: m.improvement for m in MEASURES}

#: Handling minutes above this are warned about unless a workbook is given another ceiling: 8
#: hours on one contact is possible but rare enough to check.
MAX_HANDLING_MINUTES = 480

# The kinds of activity on a case (case events); local names map to them through an activity map
# (see workbook_helpers.data.activities.read_activity_map and the built-in activity_map.yaml).
ACTIVITY_KINDS = (
    "assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other",
)



DEMAND_LOG = pa.DataFrameSchema(
    name="demand log",
    description="One row per demand: a contact made to the service, in the customer's terms.",
    columns={
        "received": pa.Column(
            nullable=False,
            description="date or date-time the demand arrived",
            metadata={"required": True, "kind": "date", "not_after_today": True},
        ),
        "service": pa.Column(
            nullable=False,
            description="the service it was made to",
            metadata={"required": True, "kind": "text"},
        ),
        "channel": pa.Column(
            nullable=False,
            checks=pa.Check.isin(CHANNELS, name="allowed_values"),
            description="how it arrived",
            metadata={"required": True, "kind": "category", "allowed": CHANNELS},
        ),
        "demand_type": pa.Column(
            nullable=False,
            description='the type of demand in the customer\'s terms ("chasing a repair")',
            metadata={"required": True, "kind": "text"},
        ),
        "demand_class": pa.Column(
            nullable=True,
            checks=pa.Check.isin(DEMAND_CLASSES, name="allowed_values"),
            description="value demand (what the service is there to do) or failure demand "
            "(caused by a failure to do something, or to do it right, for the customer); "
            "V and F are accepted too; blank = not yet classified",
            metadata={"required": True, "kind": "category", "allowed": DEMAND_CLASSES},
        ),
        "failure_type": pa.Column(
            nullable=True,
            required=False,
            checks=pa.Check.isin(FAILURE_TYPES, name="allowed_values"),
            description="for failure demand, what kind of failure",
            metadata={"required": False, "kind": "category", "allowed": FAILURE_TYPES},
        ),
        "team": pa.Column(
            nullable=True,
            required=False,
            description="the team that took it",
            metadata={"required": False, "kind": "text"},
        ),
        "what_matters": pa.Column(
            nullable=True,
            required=False,
            description="what matters to the person, in their own words",
            metadata={"required": False, "kind": "free text", "private": True},
        ),
        "one_stop": pa.Column(
            nullable=True,
            required=False,
            description="resolved at the first contact",
            metadata={"required": False, "kind": "yes/no"},
        ),
        "handling_minutes": pa.Column(
            nullable=True,
            required=False,
            checks=pa.Check.ge(0, name="not_negative"),
            description="time spent handling it, in minutes",
            metadata={"required": False, "kind": "number", "unit": "minutes",
                      "at_most": (MAX_HANDLING_MINUTES, "8 hours; the demand study's `max_handling_minutes` sets another")},
        ),
        "contact_id": pa.Column(
            nullable=True,
            required=False,
            unique=True,
            description="the contact's reference in the source system; unique per row",
            metadata={"required": False, "kind": "identifier", "private": True},
        ),
    },
)

CASE_EVENTS = pa.DataFrameSchema(
    name="case events",
    description="One row per activity on a case: an assessment, a referral, a visit, a call, a "
    "meeting, a review, admin or the closure.",
    columns={
        "case_id": pa.Column(
            nullable=False,
            description="the case the activity belongs to (a case has many rows)",
            metadata={"required": True, "kind": "identifier", "private": True},
        ),
        "date": pa.Column(
            nullable=False,
            description="when the activity happened",
            metadata={"required": True, "kind": "date", "not_after_today": True},
        ),
        "activity": pa.Column(
            nullable=False,
            checks=pa.Check.isin(ACTIVITY_KINDS, name="allowed_values"),
            description="what was done, in the service's own words (\"Care Act assessment\"); "
            "read through the activity map below",
            metadata={"required": True, "kind": "activity", "allowed": ACTIVITY_KINDS},
        ),
        "activity_name": pa.Column(
            nullable=True,
            required=False,
            description="the activity as the file names it, kept beside its kind in `activity`",
            metadata={"required": False, "kind": "text", "derived_from": "activity"},
        ),
        "worker": pa.Column(
            nullable=False,
            description="who did it: an identifier or a role (never shown by name)",
            metadata={"required": True, "kind": "identifier", "private": True},
        ),
        "hours": pa.Column(
            nullable=False,
            checks=pa.Check.ge(0, name="not_negative"),
            description="time spent on it, in hours",
            metadata={"required": True, "kind": "number", "unit": "hours",
                      "at_most": (24, "the hours in a day")},
        ),
        "face_to_face": pa.Column(
            nullable=False,
            description="direct time with the person (yes), or paperwork, travel, internal "
            "meetings (no)",
            metadata={"required": True, "kind": "yes/no"},
        ),
        "organisation": pa.Column(
            nullable=True,
            required=False,
            description="the organisation that did it: council, NHS, police, housing, voluntary...",
            metadata={"required": False, "kind": "text"},
        ),
        "team": pa.Column(
            nullable=True,
            required=False,
            description="the team that did it",
            metadata={"required": False, "kind": "text"},
        ),
        "value_work": pa.Column(
            nullable=True,
            required=False,
            description="would the person see this as help (value work) or not (waste)",
            metadata={"required": False, "kind": "yes/no"},
        ),
        "cohort": pa.Column(
            nullable=True,
            required=False,
            description="the group the case belongs to, e.g. `before` / `after`",
            metadata={"required": False, "kind": "text"},
        ),
    },
    metadata={
        "daily_totals": (("hours", ("worker", "date"), 24, "hours recorded by one worker on one day"),),
    },
)


def _not_before(later: str, earlier: str):
    """A row check: True unless both dates are given and ``later`` is on an earlier day than
    ``earlier``."""

    def check(frame):
        if earlier not in frame or later not in frame:
            return frame.index.to_series().notna()
        return ~(frame[later].dt.normalize() < frame[earlier].dt.normalize())

    check.__name__ = f"{later}_not_before_{earlier}"
    return check


def _no_repeats(columns: tuple[str, ...], blank_ok: tuple[str, ...] = ()):
    """A row check: True unless the row repeats another row's values in ``columns``. Blanks in
    ``blank_ok`` count as a value; rows blank in another of the columns (already reported as
    blank or unreadable) are not compared."""

    def check(frame):
        if any(column not in frame for column in columns):
            return frame.index.to_series().notna()
        keys = frame[list(columns)]
        compared = keys.drop(columns=list(blank_ok)).notna().all(axis=1)
        repeated = keys[compared].duplicated(keep=False)
        return ~repeated.reindex(frame.index, fill_value=False)

    check.__name__ = "no_repeated_" + "_".join(columns)
    return check


def date_order(later: str, earlier: str) -> tuple[pa.Check, dict[str, dict]]:
    """The check that ``later`` is on or after ``earlier`` (where both are given), and its
    ``row_checks`` entry."""
    name = f"{later}_not_before_{earlier}"
    check = pa.Check(
        _not_before(later, earlier),
        name=name,
        description=f"`{later}` is on or after `{earlier}`, where both are given",
    )
    rule = {
        "column": later,
        "message": f"with {_a(later)} {later} date before the {earlier} date.",
        "shown": (later, earlier),
        "expected": f"{_a(later)} {later} date on or after the {earlier} date",
    }
    return check, {name: rule}


def no_repeats(
    columns: tuple[str, ...], blank_ok: tuple[str, ...], description: str, expected: str
) -> tuple[pa.Check, dict[str, dict]]:
    """The check that no two rows share their values in ``columns``, and its ``row_checks``
    entry (reported against the first of the columns)."""
    name = "no_repeated_" + "_".join(columns)
    check = pa.Check(_no_repeats(columns, blank_ok), name=name, description=description)
    words = ", ".join(columns[:-1]) + " and " + columns[-1] if len(columns) > 1 else columns[0]
    rule = {
        "column": columns[0],
        "message": f"repeating the {words} of another row.",
        "shown": columns,
        "expected": expected,
    }
    return check, {name: rule}


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


_CLOSED_AFTER_OPENED = date_order("closed", "opened")


CASES = pa.DataFrameSchema(
    name="cases",
    description="One row per case: when it opened and closed, and whether its need is expected "
    "to come back. Optional. Every case in it must have events, and every case with events a "
    "row in it: the case review checks this when it loads both files.",
    columns={
        "case_id": pa.Column(
            nullable=False,
            unique=True,
            description="the case, as in the case events",
            metadata={"required": True, "kind": "identifier", "private": True},
        ),
        "opened": pa.Column(
            nullable=True,
            required=False,
            description="when the case opened (else its first event counts)",
            metadata={"required": False, "kind": "date", "blank": "not known", "not_after_today": True},
        ),
        "closed": pa.Column(
            nullable=True,
            required=False,
            description="when the case closed; on or after `opened`",
            metadata={"required": False, "kind": "date", "blank": "still open", "not_after_today": True},
        ),
        "predicted_return": pa.Column(
            nullable=True,
            required=False,
            description="the practitioners' judgement at closure that the need will come back",
            metadata={"required": False, "kind": "yes/no"},
        ),
        "returned": pa.Column(
            nullable=True,
            required=False,
            description="whether the need did come back, when known",
            metadata={"required": False, "kind": "yes/no"},
        ),
        "cohort": pa.Column(
            nullable=True,
            required=False,
            description="the group the case belongs to, e.g. `before` / `after`",
            metadata={"required": False, "kind": "text"},
        ),
        "team": pa.Column(
            nullable=True,
            required=False,
            description="the team that held the case",
            metadata={"required": False, "kind": "text"},
        ),
    },
    checks=[_CLOSED_AFTER_OPENED[0]],
    metadata={"row_checks": _CLOSED_AFTER_OPENED[1]},
)

# --- the team-performance workbook's four files -------------------------------------------------

_WORK_CLOSED = date_order("closed", "opened")
_WORK_DUE = date_order("due", "opened")

WORK_ITEMS = pa.DataFrameSchema(
    name="work items",
    description="One row per work item (a case or a task): the team that holds it, when it "
    "opened, when it is due and when it closed.",
    columns={
        "item_id": pa.Column(
            nullable=False,
            unique=True,
            description="the item's reference in the source system",
            metadata={"required": True, "kind": "identifier", "private": True},
        ),
        "team": pa.Column(
            nullable=False,
            description="the team that holds it",
            metadata={"required": True, "kind": "text"},
        ),
        "opened": pa.Column(
            nullable=False,
            description="when it opened",
            metadata={"required": True, "kind": "date", "not_after_today": True},
        ),
        "closed": pa.Column(
            nullable=True,
            description="when it closed; on or after `opened`",
            metadata={"required": True, "kind": "date", "blank": "still open", "not_after_today": True},
        ),
        "due": pa.Column(
            nullable=True,
            description="when it should be completed; on or after `opened`",
            metadata={"required": True, "kind": "date", "blank": "no due date"},
        ),
        "next_review": pa.Column(
            nullable=True,
            required=False,
            description="when it is next to be reviewed",
            metadata={"required": False, "kind": "date", "blank": "none set"},
        ),
        "worker": pa.Column(
            nullable=True,
            required=False,
            description="who holds it",
            metadata={"required": False, "kind": "text", "private": True},
        ),
        "kind": pa.Column(
            nullable=True,
            required=False,
            description="what sort of item it is, in the service's own words (\"assessment\", "
            "\"complaint\")",
            metadata={"required": False, "kind": "text"},
        ),
    },
    checks=[_WORK_CLOSED[0], _WORK_DUE[0]],
    metadata={
        "row_checks": {**_WORK_CLOSED[1], **_WORK_DUE[1]},
        "all_columns": True,
    },
)

_SPENDING_ONCE = no_repeats(
    ("team", "month", "category"),
    blank_ok=("category",),
    description="one row per team, month and category (per team and month when there is no "
    "category)",
    expected="one row for each team, month and category",
)

SPENDING = pa.DataFrameSchema(
    name="spending",
    description="One row per team and month (or per team, month and category of spending): the "
    "budget and the actual spending, in pounds.",
    columns={
        "team": pa.Column(
            nullable=False,
            description="the team the money belongs to",
            metadata={"required": True, "kind": "text"},
        ),
        "month": pa.Column(
            nullable=False,
            description="the month",
            metadata={"required": True, "kind": "month", "not_after_today": "actual"},
        ),
        "budget": pa.Column(
            nullable=False,
            description="the budget for the month, in pounds",
            metadata={"required": True, "kind": "money"},
        ),
        "actual": pa.Column(
            nullable=False,
            description="the actual spending in the month, in pounds",
            metadata={"required": True, "kind": "money"},
        ),
        "category": pa.Column(
            nullable=True,
            required=False,
            description="the category of spending (\"staff\", \"agency\", \"supplies\")",
            metadata={"required": False, "kind": "text", "blank": "not split by category"},
        ),
    },
    checks=[_SPENDING_ONCE[0]],
    metadata={"row_checks": _SPENDING_ONCE[1], "all_columns": True},
)

_TARGET_ONCE = no_repeats(
    ("measure", "team"),
    blank_ok=("team",),
    description="one target per measure and team (one per measure for every team)",
    expected="one target for each measure and team (a blank team is every team)",
)

TARGETS = pa.DataFrameSchema(
    name="targets",
    description="One row per target: the measure, the team it is for and the value to reach.",
    columns={
        "measure": pa.Column(
            nullable=False,
            description="the measure the target is for",
            metadata={"required": True, "kind": "measure", "allowed": MEASURE_KEYS},
        ),
        "team": pa.Column(
            nullable=True,
            description="the team it is for",
            metadata={"required": True, "kind": "text", "blank": "every team"},
        ),
        "target": pa.Column(
            nullable=False,
            description="the value to reach, in the measure's unit",
            metadata={"required": True, "kind": "target", "measure_column": "measure"},
        ),
        "direction": pa.Column(
            nullable=True,
            required=False,
            checks=pa.Check.isin(DIRECTIONS, name="allowed_values"),
            description="which side of the target is good: `increase` (higher is better) or "
            "`decrease` (lower is better)",
            metadata={
                "required": False,
                "kind": "category",
                "allowed": DIRECTIONS,
                "blank": "the measure's own direction of good (in the table below), filled in",
                "blank_from": ("measure", MEASURE_DIRECTIONS),
            },
        ),
    },
    checks=[_TARGET_ONCE[0]],
    metadata={"row_checks": _TARGET_ONCE[1], "all_columns": True},
)

_ACTION_DONE = date_order("done", "raised")
_ACTION_DUE = date_order("due", "raised")

ACTIONS = pa.DataFrameSchema(
    name="actions",
    description="One row per action agreed at a performance meeting: who owns it, when it is "
    "due and when it was done.",
    columns={
        "action_id": pa.Column(
            nullable=False,
            unique=True,
            description="the action's reference",
            metadata={"required": True, "kind": "identifier", "private": True},
        ),
        "team": pa.Column(
            nullable=False,
            description="the team the action is for",
            metadata={"required": True, "kind": "text"},
        ),
        "raised": pa.Column(
            nullable=False,
            description="the meeting date it was agreed",
            metadata={"required": True, "kind": "date", "not_after_today": True},
        ),
        "owner": pa.Column(
            nullable=False,
            description="who is to do it",
            metadata={"required": True, "kind": "text", "private": True},
        ),
        "due": pa.Column(
            nullable=False,
            description="when it is to be done by; on or after `raised`",
            metadata={"required": True, "kind": "date"},
        ),
        "done": pa.Column(
            nullable=True,
            description="when it was done; on or after `raised`",
            metadata={"required": True, "kind": "date", "blank": "not done yet", "not_after_today": True},
        ),
        "description": pa.Column(
            nullable=True,
            required=False,
            description="what the action is",
            metadata={"required": False, "kind": "free text", "private": True},
        ),
    },
    checks=[_ACTION_DONE[0], _ACTION_DUE[0]],
    metadata={
        "row_checks": {**_ACTION_DONE[1], **_ACTION_DUE[1]},
        "all_columns": True,
    },
)

def required_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The canonical names of the columns a file must have."""
    return [name for name, column in schema.columns.items() if column.metadata["required"]]


def file_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The canonical names of the columns read from a file (all but those the loader derives)."""
    return [name for name, column in schema.columns.items() if "derived_from" not in column.metadata]
