"""Write the data-contract documentation from the contracts themselves.

``python -m workbook_helpers.docs > docs/data-contracts.md`` (or ``make docs``); a test checks the
committed page matches, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from .contracts import CATEGORY_SYNONYMS, CONTRACTS, contract_markdown

_INTRO = """\
# Data contracts

What each workbook needs from its data files. This page is generated from the contracts declared
in `src/workbook_helpers/contracts.py` (`make docs`); do not edit it by hand.

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

Check a file without running anything: `workbook validate demand FILE [--map MAP.yaml]`.
Problems are listed all at once, with rows numbered as your spreadsheet numbers them (the header
is row 1).
"""


def contracts_page() -> str:
    parts = [_INTRO]
    for name, schema in CONTRACTS.items():
        parts.append(f"\n## `{name}`: `workbook validate {name} FILE`\n\n")
        parts.append(contract_markdown(schema).replace("### ", "", 1).split("\n", 1)[1].lstrip())
        synonyms = [
            f"- `{column}`: " + ", ".join(f"{their} -> {ours}" for their, ours in mapping.items() if their != ours)
            for column, mapping in CATEGORY_SYNONYMS.items()
            if column in schema.columns
        ]
        if synonyms:
            parts.append("\nOther spellings accepted (any case, spaces, hyphens or underscores):\n\n")
            parts.append("\n".join(synonyms) + "\n")
    return "".join(parts)


if __name__ == "__main__":
    print(contracts_page(), end="")
