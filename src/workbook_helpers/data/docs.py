"""Write the data-contract documentation from the contracts themselves.

``python -m workbook_helpers.data.docs > docs/data-contracts.md`` (or ``make docs``); a test checks the
committed page matches, so the documentation cannot drift from the code. The page has a section
for every dataset in :data:`workbook_helpers.data.datasets.DATASETS`, in its order.
"""

from __future__ import annotations

import pandera.pandas as pa

from workbook_helpers.data.activities import default_activity_map
from workbook_helpers.data.contracts import ACTIVITY_KINDS, CATEGORY_SYNONYMS
from workbook_helpers.data.datasets import DATASETS
from workbook_helpers.data.performance_measures import MEASURES

_INTRO = """\
# Data contracts

What each workbook needs from its data files. This page is generated from the datasets declared
in `src/workbook_helpers/data/datasets.py` and their contracts in
`src/workbook_helpers/data/contracts.py` (`make docs`); do not edit it by hand.

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

and pass it with `--map` (validate) or `-p column_map FILE` (run; each section below names the
parameter its file's map goes in). Columns not in the contract are ignored, and never reach a
report.

Check a file without running anything: `workbook validate {first} FILE [--map MAP.yaml]`
({others}).
Problems are listed all at once, with rows numbered as your spreadsheet
numbers them (the header is row 1). In every file, a number that is infinite or too large to
work with (`inf`, `1e308`, beyond a thousand million million either side of 0) is a problem.
Then come notes on what is accepted but worth checking, which reports and their JSON summaries
carry too: rows that are exact copies of an earlier row in every column (kept, since identical
rows can be real; a workbook's `drop_duplicates = True` leaves them out), and the values marked
below as noted.
"""

_KIND_RULES = {
    "date": "day first (`03/04/2024` is 3 April 2024) or ISO (`2024-04-03`), with or without a time",
    "text": "any text; spaces trimmed, spellings that differ only in case merged",
    "yes/no": "yes/no, y/n, true/false or 1/0 (any case)",
    "number": "a number, 0 or more",
    "month": "a month: `2024-04`, `2024/04`, `04/2024`, `Apr-24`, `Apr 2024` or `April 2024`, or "
    "any date in it (day first or ISO); read as the month's first day",
    "money": "an amount in pounds such as `12300.50` or `£12,300`; `-1,200` or `(1,200)` for a "
    "negative amount",
    "measure": "the key or the label of a team-performance measure (see the table below), in any "
    "case or spacing; read as the key",
    "target": "a number in the measure's unit; for a share, `0.8` or `80%` (both read as 0.8); "
    "for pounds, `£` and thousands commas are accepted; for a count or a number of days, not below 0",
    "identifier": "never shown in a report",
    "free text": "never shown in a report unless a parameter allows it, and then escaped",
}
# Kinds whose blanks mean "not known" unless the column says otherwise (metadata "blank").
_BLANK_NOT_KNOWN = {"yes/no", "number"}




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
            accepted = "any activity name; read as one of: " + ", ".join(meta["allowed"])
        elif "allowed" in meta and meta["kind"] == "category":
            accepted = "one of: " + ", ".join(meta["allowed"])
        else:
            accepted = _KIND_RULES[meta["kind"]]
        if meta.get("private") and meta["kind"] not in {"identifier", "free text"}:
            accepted += "; never shown in a report"
        if column.unique and meta["kind"] == "identifier":
            accepted = "unique per row; " + accepted
        elif column.unique:
            accepted += "; unique per row"
        if "at_most" in meta:
            limit, words = meta["at_most"]
            accepted += f"; above {limit:g}{' ' + meta['unit'] if meta.get('unit') else ''} ({words}) is noted as worth checking"
        if meta.get("not_after_today") is True:
            accepted += "; a date after today is noted as worth checking"
        elif meta.get("not_after_today"):
            accepted += (f"; a month not yet begun is noted as worth checking where `{meta['not_after_today']}` "
                         "is not 0")
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
    if (schema.metadata or {}).get("all_columns"):
        lines += [
            "",
            "Optional columns the file does not have are still in the loaded table, all blank, so "
            "the workbook can rely on every column.",
        ]
    checks = [check.description for check in schema.checks if check.description]
    checks += [f"the {words} above {limit:g} {schema.columns[column].metadata.get('unit', '')}".rstrip()
               + " are noted as worth checking"
               for column, _, limit, words in (schema.metadata or {}).get("daily_totals", ())]
    if checks:
        lines += ["", "Also checked, row by row:", "", *(f"- {text}" for text in checks)]
    return "\n".join(lines) + "\n"


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


def _intro() -> str:
    """The page's opening, naming the command that checks each dataset."""
    datasets = list(DATASETS.values())
    by_workbook: dict[str, list[str]] = {}
    for dataset in datasets[1:]:
        by_workbook.setdefault(dataset.workbook, []).append(f"`{dataset.command}`")
    others = ";\n".join(", ".join(commands) + f" for the {workbook} workbook"
                       for workbook, commands in by_workbook.items())
    return _INTRO.format(first=datasets[0].command, others="or " + others)


def contracts_page() -> str:
    parts = [_intro()]
    for dataset in DATASETS.values():
        schema = dataset.schema
        parts.append(f"\n## `{dataset.name}`: `workbook validate {dataset.command} FILE`\n\n")
        body = contract_markdown(schema).replace("### ", "", 1).split("\n", 1)[1].lstrip()
        description, rest = body.split("\n", 1)
        body = (f"{description} It feeds the {dataset.workbook} workbook, which takes its column map "
                f"as `-p {dataset.column_map} MAP.yaml`.\n{rest}")
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
