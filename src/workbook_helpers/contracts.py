"""Data contracts: what each input file must hold, declared once.

Each contract is a pandera ``DataFrameSchema``. The same declaration is used three ways:
:func:`workbook_helpers.loading.load_demand` checks files against it, the error messages take
their wording from it, and :func:`contract_markdown` turns it into the table in
``docs/data-contracts.md`` (a test keeps that page in step with the code).

Column ``metadata`` keys: ``required`` (bool), ``kind`` (how the loader reads the column:
``date``, ``text``, ``category``, ``yes/no``, ``minutes``, ``identifier``, ``free text``),
``private`` (never shown in a report unless a parameter allows it).
"""

from __future__ import annotations

import pandera.pandas as pa

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

YES_NO = {
    "yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False,
}


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
            metadata={"required": False, "kind": "minutes"},
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

CONTRACTS: dict[str, pa.DataFrameSchema] = {"demand": DEMAND_LOG}

_KIND_RULES = {
    "date": "day first (`03/04/2024` is 3 April 2024) or ISO (`2024-04-03`), with or without a time",
    "text": "any text; spaces trimmed, spellings that differ only in case merged",
    "yes/no": "yes/no, y/n, true/false or 1/0 (any case); blank = not known",
    "minutes": "a number, 0 or more; blank = not known",
    "identifier": "unique per row; never shown in a report",
    "free text": "never shown in a report unless a parameter allows it, and then escaped",
}


def required_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The canonical names of the columns a file must have."""
    return [name for name, column in schema.columns.items() if column.metadata["required"]]


def contract_markdown(schema: pa.DataFrameSchema) -> str:
    """The contract as a Markdown table: column, required, what is accepted, meaning."""
    lines = [
        f"### {schema.name}",
        "",
        schema.description or "",
        "",
        "| column | required | accepted values | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for name, column in schema.columns.items():
        meta = column.metadata
        if "allowed" in meta:
            accepted = "one of: " + _allowed(meta["allowed"])
        else:
            accepted = _KIND_RULES[meta["kind"]]
        if column.unique and meta["kind"] != "identifier":
            accepted += "; unique per row"
        lines.append(
            f"| `{name}` | {'yes' if meta['required'] else 'no'} | {accepted} | {column.description} |"
        )
    return "\n".join(lines) + "\n"
