"""Problems found in a file, as people read them: which column, which rows (numbered as a
spreadsheet numbers them, the header being row 1), what was found and what was expected.

The contract's own checks (pandera) are turned into problems here too, so every message about a
file, whichever step found it, reads the same way.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from workbook_helpers.exceptions import Problem

SHOWN_ROWS = 5  # offending rows listed per problem; the count says how many in all


def row_count(count: int) -> str:
    """``"1 row"``, ``"1,200 rows"``."""
    return f"{count:,} {'row' if count == 1 else 'rows'}"


def noun_count(count: int, noun: str) -> str:
    """``"1 case"``, ``"3 cases"``."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def problem_from_mask(
    bad: pd.Series, values: pd.Series, column: str, message: str, expected: str
) -> Problem | None:
    count = int(bad.sum())
    if not count:
        return None
    shown = values[bad].head(SHOWN_ROWS)
    return Problem(
        f"{row_count(count)} {message}",
        column=column,
        rows=tuple(int(i) for i in shown.index),
        values=tuple(shown.tolist()),
        count=count,
        expected=expected,
        all_rows=frozenset(int(i) for i in bad.index[bad.to_numpy()]),
    )



def check_contract(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, reported: set[tuple[str, int]] = frozenset()
) -> list[Problem]:
    """The contract's problems, leaving out the (column, row) cells already ``reported`` (a
    value that could not be read is not reported again as blank)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = _problems_from_failures(errors.failure_cases, schema, frame, reported)
        return [problem for problem in problems if problem.count]
    return []


def _problems_from_failures(
    failures: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame,
    reported: set[tuple[str, int]] = frozenset(),
) -> list[Problem]:
    problems = []
    failures = failures[failures["column"].notna()]
    row_checks = (schema.metadata or {}).get("row_checks", {})
    across = failures["schema_context"].eq("DataFrameSchema") & failures["check"].isin(list(row_checks))
    for check, group in failures[across].groupby("check", sort=False):
        rule = row_checks[check]
        rows = sorted(row for row in set(group["index"]) if (rule["column"], row) not in reported)
        if rows:
            problems.append(_row_check_problem(rule, rows, frame, schema))
    failures = failures[~across]
    if reported:
        # Filtered before the first rows are picked to show, so those shown are still there.
        seen = [(column, row) in reported for column, row in zip(failures["column"], failures["index"])]
        failures = failures[~pd.Series(seen, index=failures.index, dtype=bool)]
    for (column, check), group in failures.groupby(["column", "check"], sort=False):
        group = group.sort_values("index")
        count = len(group)
        rows = tuple(int(i) for i in group["index"].head(SHOWN_ROWS))
        values = tuple(None if pd.isna(v) else v for v in group["failure_case"].head(SHOWN_ROWS))
        meta = schema.columns[column].metadata
        if check == "not_nullable":
            message, expected = f"{row_count(count)} left blank.", "a value in every row"
        elif str(check).startswith("allowed_values") or str(check).startswith("isin"):
            found = group["failure_case"].astype(str).value_counts()
            listed = ", ".join(f'"{value}" ({n:,})' for value, n in found.head(8).items())
            message = f"{row_count(count)} with a value that is not allowed: {listed}."
            expected = "one of: " + ", ".join(meta["allowed"])
            if column == "demand_class":
                expected += " (V and F are accepted; blank means not yet classified)"
            elif column == "direction":
                expected = "higher or lower (which is better; increase and decrease are accepted too)"
        elif str(check).startswith("not_negative") or str(check).startswith("greater_than"):
            message, expected = f"{row_count(count)} with a negative number.", "0 or more"
        elif check == "field_uniqueness":
            article = "an" if column[:1] in "aeiou" else "a"
            message = f"{row_count(count)} sharing {article} {column} with another row."
            expected = f"each {column} only once"
        else:
            message, expected = f"{row_count(count)} failing the check {check}.", None
        all_rows = frozenset(int(i) for i in group["index"])
        problems.append(Problem(message, column, rows, values, count, expected, all_rows))
    return problems


def _row_check_problem(
    rule: dict, rows: list, frame: pd.DataFrame, schema: pa.DataFrameSchema
) -> Problem:
    """A check comparing columns of a row, e.g. closed on or after opened, or one row per team
    and month."""
    shown = rows[:SHOWN_ROWS]
    values = tuple(
        ", ".join(
            f"{column} {_cell(frame.at[row, column], schema.columns[column].metadata['kind'])}"
            for column in rule["shown"]
        )
        for row in shown
    )
    return Problem(
        f"{row_count(len(rows))} {rule['message']}",
        column=rule["column"],
        rows=tuple(int(row) for row in shown),
        values=values,
        count=len(rows),
        expected=rule["expected"],
        all_rows=frozenset(int(row) for row in rows),
    )


def _day(value: object) -> str:
    return "(blank)" if pd.isna(value) else f"{pd.Timestamp(value):%d/%m/%Y}"


def _cell(value: object, kind: str) -> str:
    """A value in a row-check problem: dates as 01/03/2024, months as Apr 2024."""
    if pd.isna(value):
        return "(blank)"
    if kind == "date":
        return _day(value)
    if kind == "month":
        return f"{pd.Timestamp(value):%b %Y}"
    return str(value)
