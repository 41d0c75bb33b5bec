"""Write the data-contract documentation from the contracts themselves.

``python -m workbook_helpers.data.docs > docs/data-contracts.md`` (or ``make docs``); a test checks the
committed page matches, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from workbook_helpers.data.contracts import ACTIVITY_KINDS, CATEGORY_SYNONYMS, CONTRACTS, contract_markdown
from workbook_helpers.data.activities import default_activity_map
from workbook_helpers.measures.performance_measures import MEASURES

_INTRO = """\
# Data contracts

What each workbook needs from its data files. This page is generated from the contracts declared
in `src/workbook_helpers/data/contracts.py` (`make docs`); do not edit it by hand.

Files can be CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252, as Excel saves them;
comma, semicolon or tab separated), Excel `.xlsx` (the first sheet unless you name one; a title
above the header row is skipped) or Parquet. Headers that differ from ours only in case, spaces,
hyphens or underscores are matched automatically (`Demand Type` is `demand_type`). For other
headers, write a column map: a YAML file of `their header: our column`, for example

```yaml
Date Received: received
Service Area: service
How Contacted: channel
Customer Said: demand_type
V/F: demand_class
```

and pass it with `--map` (validate) or `-p column_map FILE` (run). Columns not in the contract
are ignored, and never reach a report.

Check a file without running anything: `workbook validate demand FILE [--map MAP.yaml]`
(or `events`, `cases` for the case review; `work-items`, `spending`, `targets`, `actions` for
team performance). Problems are listed all at once, with rows numbered as your spreadsheet
numbers them (the header is row 1). In every file, a number that is infinite or too large to
work with (`inf`, `1e308`, beyond a thousand million million either side of 0) is a problem.
Then come notes on what is accepted but worth checking, which reports and their JSON summaries
carry too: rows that are exact copies of an earlier row in every column (kept, since identical
rows can be real; a workbook's `drop_duplicates = True` leaves them out), and the values marked
below as noted.
"""

_MEASURES_INTRO = """
### The team-performance measures

A target names one of these measures by its key or its label (any case or spacing). A share is
a proportion from 0 to 1. The direction of good is the one a blank `direction` stands for.

| key | label | unit | direction of good |
| --- | --- | --- | --- |
"""
_DIRECTION_WORDS = {
    "increase": "increase (higher is better)",
    "decrease": "decrease (lower is better)",
    "neutral": "neutral (neither)",
}

_ACTIVITY_MAP_INTRO = """
### The activity map

Services name their activities in their own words. An activity map reads each name as one of
the kinds the case review counts: {kinds}. Write yours as a YAML file of `local name: kind`,
for example

```yaml
Care Act assessment: assessment
Section 117 aftercare review: review
Strategy chat: meeting
Form filling: admin
```

and pass it with `--activity-map` (validate) or `-p activity_map FILE` (run). It is read on top
of the built-in map below: where both name an activity, yours wins. Names are matched ignoring
case, extra spaces, hyphens, underscores and apostrophes (`carers re-assessment` is `Carer's
Re-assessment`). An entry whose kind is not one of the nine is reported, naming the entry.
Activities named in neither map are counted as `other`, and the check lists them with how many
rows each has, most frequent first, so you can add them to your map. The name as the file gives
it is kept in `activity_name`.

Built-in names, by kind (each kind's own name is read as that kind too):

"""


def activity_map_markdown() -> str:
    """The activity map section: how to write one, and the built-in names listed by kind."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in ACTIVITY_KINDS}
    for name, kind in default_activity_map().items():
        if name != kind:
            by_kind[kind].append(name)
    lines = [
        f"- `{kind}`: " + (", ".join(names) if names else "(only its own name)")
        for kind, names in by_kind.items()
    ]
    kinds = ", ".join(f"`{kind}`" for kind in ACTIVITY_KINDS)
    return _ACTIVITY_MAP_INTRO.format(kinds=kinds) + "\n".join(lines) + "\n"


def measures_markdown() -> str:
    """The table of team-performance measures a target may name."""
    rows = [
        f"| `{m.key}` | {m.label} | {m.unit} | {_DIRECTION_WORDS[m.improvement]} |" for m in MEASURES
    ]
    return _MEASURES_INTRO + "\n".join(rows) + "\n"


def contracts_page() -> str:
    parts = [_INTRO]
    for name, schema in CONTRACTS.items():
        command = name.replace("_", "-")
        parts.append(f"\n## `{name}`: `workbook validate {command} FILE`\n\n")
        body = contract_markdown(schema).replace("### ", "", 1).split("\n", 1)[1].lstrip()
        workbook = (schema.metadata or {}).get("workbook")
        if workbook:
            description, rest = body.split("\n", 1)
            body = f"{description} It feeds the {workbook} workbook.\n{rest}"
        parts.append(body)
        synonyms = [
            f"- `{column}`: " + ", ".join(f"{their} -> {ours}" for their, ours in mapping.items() if their != ours)
            for column, mapping in CATEGORY_SYNONYMS.items()
            if column in schema.columns
        ]
        if synonyms:
            parts.append("\nOther spellings accepted (any case, spaces, hyphens or underscores):\n\n")
            parts.append("\n".join(synonyms) + "\n")
        if any(column.metadata["kind"] == "activity" for column in schema.columns.values()):
            parts.append(activity_map_markdown())
        if any(column.metadata["kind"] == "measure" for column in schema.columns.values()):
            parts.append(measures_markdown())
    return "".join(parts)


if __name__ == "__main__":
    print(contracts_page(), end="")
