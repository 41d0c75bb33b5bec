"""Data contracts: what each input file must hold, declared once.

Each contract is a pandera ``DataFrameSchema``. The same declaration is used three ways: the
loaders in :mod:`workbook_helpers.loading` check files against it, the error messages take their
wording from it, and :func:`contract_markdown` turns it into the tables in
``docs/data-contracts.md`` (a test keeps that page in step with the code).

Column ``metadata`` keys: ``required`` (bool), ``kind`` (how the loader reads the column:
``date``, ``text``, ``category``, ``yes/no``, ``number``, ``activity``, ``identifier``,
``free text``), ``private`` (never shown in a report unless a parameter allows it), ``allowed``
(the values a category may take), ``unit`` (for numbers: ``minutes``, ``hours``), ``blank`` (what
a blank means, where blanks are allowed) and ``derived_from`` (a column the loader adds from
another one; it is never read from the file).

Schema ``metadata`` key ``row_checks``: for each schema-level check comparing columns of a row, the
column its problems are reported against, the wording of the problem and what was expected.
"""

from __future__ import annotations

import pandera.pandas as pa

from .outputs import YES_NO  # noqa: F401 (part of the contracts' vocabulary)

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
}

# The kinds of activity on a case (case events); local names map to them through an activity map
# (see workbook_helpers.loading.read_activity_map and the built-in activity_map.yaml).
ACTIVITY_KINDS = (
    "assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other",
)



def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


DEMAND_LOG = pa.DataFrameSchema(
    name="demand log",
    description="One row per demand: a contact made to the service, in the customer's terms.",
    columns={
        "received": pa.Column(
            nullable=False,
            description="date or date-time the demand arrived",
            metadata={"required": True, "kind": "date"},
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
            metadata={"required": False, "kind": "number", "unit": "minutes"},
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
            metadata={"required": True, "kind": "date"},
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
            metadata={"required": True, "kind": "number", "unit": "hours"},
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
)


def _closed_not_before_opened(frame):
    """Row by row: True unless both dates are given and closed is on an earlier day than opened."""
    if "opened" not in frame or "closed" not in frame:
        return frame.index.to_series().notna()
    return ~(frame["closed"].dt.normalize() < frame["opened"].dt.normalize())


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
            metadata={"required": False, "kind": "date", "blank": "not known"},
        ),
        "closed": pa.Column(
            nullable=True,
            required=False,
            description="when the case closed; on or after `opened`",
            metadata={"required": False, "kind": "date", "blank": "still open"},
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
    checks=[
        pa.Check(
            _closed_not_before_opened,
            name="closed_not_before_opened",
            description="`closed` is on or after `opened`, where both are given",
        )
    ],
    metadata={
        "row_checks": {
            "closed_not_before_opened": {
                "column": "closed",
                "message": "with a closed date before the opened date.",
                "shown": ("closed", "opened"),
                "expected": "a closed date on or after the opened date",
            }
        }
    },
)

CONTRACTS: dict[str, pa.DataFrameSchema] = {"demand": DEMAND_LOG, "events": CASE_EVENTS, "cases": CASES}

_KIND_RULES = {
    "date": "day first (`03/04/2024` is 3 April 2024) or ISO (`2024-04-03`), with or without a time",
    "text": "any text; spaces trimmed, spellings that differ only in case merged",
    "yes/no": "yes/no, y/n, true/false or 1/0 (any case)",
    "number": "a number, 0 or more",
    "identifier": "never shown in a report",
    "free text": "never shown in a report unless a parameter allows it, and then escaped",
}
# Kinds whose blanks mean "not known" unless the column says otherwise (metadata "blank").
_BLANK_NOT_KNOWN = {"yes/no", "number"}


def required_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The canonical names of the columns a file must have."""
    return [name for name, column in schema.columns.items() if column.metadata["required"]]


def file_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The canonical names of the columns read from a file (all but those the loader derives)."""
    return [name for name, column in schema.columns.items() if "derived_from" not in column.metadata]


def contract_markdown(schema: pa.DataFrameSchema) -> str:
    """The contract as a Markdown table: column, required, what is accepted, meaning.

    Columns the loader adds (``derived_from``) and checks across columns are listed under the
    table.
    """
    lines = [
        f"### {schema.name}",
        "",
        schema.description or "",
        "",
        "| column | required | accepted values | meaning |",
        "| --- | --- | --- | --- |",
    ]
    derived = []
    for name, column in schema.columns.items():
        meta = column.metadata
        if "derived_from" in meta:
            derived.append(f"- `{name}` (from `{meta['derived_from']}`): {column.description}")
            continue
        if meta["kind"] == "activity":
            accepted = "any activity name; read as one of: " + _allowed(meta["allowed"])
        elif "allowed" in meta:
            accepted = "one of: " + _allowed(meta["allowed"])
        else:
            accepted = _KIND_RULES[meta["kind"]]
        if column.unique and meta["kind"] == "identifier":
            accepted = "unique per row; " + accepted
        elif column.unique:
            accepted += "; unique per row"
        blank = meta.get("blank")
        if blank is None and column.nullable and meta["kind"] in _BLANK_NOT_KNOWN:
            blank = "not known"
        if blank:
            accepted += f"; blank = {blank}"
        lines.append(
            f"| `{name}` | {'yes' if meta['required'] else 'no'} | {accepted} | {column.description} |"
        )
    if derived:
        lines += ["", "Added by the loader:", "", *derived]
    checks = [check.description for check in schema.checks if check.description]
    if checks:
        lines += ["", "Also checked, row by row:", "", *(f"- {text}" for text in checks)]
    return "\n".join(lines) + "\n"
