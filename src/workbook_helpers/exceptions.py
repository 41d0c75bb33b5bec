"""The small tree of exceptions the suite raises, so callers can catch what they expect.

``WorkbookError``
    ``DataError``       an input file is unreadable or breaks its contract (exit code 2)
    ``ParameterError``  a run was asked for with parameters that cannot work (exit code 2)
        ``PlanError``   a batch plan that cannot run as written, every problem listed (exit code 2)
    ``RunError``        a notebook failed while it ran (exit code 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class WorkbookError(Exception):
    """Base class of every error the suite raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, in words an analyst can act on.

    ``rows`` are numbered as a spreadsheet numbers them (the header is row 1) and ``values``
    holds what was found in each of those rows. ``count`` is how many rows have the problem in
    all (only the first few are listed).
    """

    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    values: tuple[object, ...] = ()
    count: int = 0
    expected: str | None = None
    all_rows: frozenset[int] = field(default=frozenset(), repr=False, compare=False)

    def describe(self, limit: int = 5) -> str:
        lines = []
        head = f'Column "{self.column}": {self.message}' if self.column else self.message
        if self.expected:
            head = f"{head} Expected {self.expected}."
        lines.append(head)
        for row, value in list(zip(self.rows, self.values))[:limit]:
            lines.append(f"    row {row}: {_show(value)}")
        if self.rows and self.count > min(limit, len(self.rows)):
            lines.append(f"    ... and {self.count - min(limit, len(self.rows)):,} more rows")
        return "\n".join(lines)


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "(blank)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text == "":
        return "(blank)"
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{text}"'


class DataError(WorkbookError):
    """A data file that cannot be used as it is. Carries every problem found, not only the first."""

    exit_code = 2

    def __init__(
        self, path: str | Path | None, problems: list[Problem] | Problem | str, text: str | None = None
    ):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.path = str(path) if path is not None else None
        self.problems: list[Problem] = list(problems)
        super().__init__(text or self.describe())

    @classmethod
    def from_text(cls, text: str) -> DataError:
        """A DataError carried across a process boundary as its message (from a notebook's kernel)."""
        return cls(None, [], text=text)

    def describe(self) -> str:
        where = f"in {self.path}" if self.path else "in the data"
        if len(self.problems) == 1:
            return f"Problem {where}:\n  {self.problems[0].describe()}"
        body = "\n".join(
            f"  {number}. {problem.describe()}" for number, problem in enumerate(self.problems, 1)
        )
        return f"{len(self.problems)} problems {where}:\n{body}"


class ParameterError(WorkbookError):
    """A run was given parameters that cannot work (unknown name, unknown workbook, bad value)."""

    exit_code = 2


class PlanError(ParameterError):
    """A batch plan that cannot run as written. Carries every problem found, each saying where in
    the plan it is (``run 3, parameters: ...``), so they can all be put right at once."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        if len(self.problems) == 1:
            return f"Problem in the batch plan {self.path}:\n  {self.problems[0]}"
        body = "\n".join(f"  {number}. {problem}" for number, problem in enumerate(self.problems, 1))
        return f"{len(self.problems)} problems in the batch plan {self.path}:\n{body}"


@dataclass
class RunError(WorkbookError):
    """A workbook failed while it ran. ``cell`` is the number of the cell that failed (1-based)."""

    workbook: str
    summary: str
    cell: int | None = None
    error_name: str | None = None
    details: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" in cell {self.cell}" if self.cell else ""
        return f"The {self.workbook} workbook failed{where}: {self.summary}"
