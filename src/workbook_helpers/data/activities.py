"""The activity map: services name their activities in their own words ("Care Act assessment",
"Home visit"), and the map reads each name as one of the kinds the case review counts. A built-in
map (``activity_map.yaml`` beside this module) comes first; a team's own map goes on top.
"""

from __future__ import annotations

import difflib
import functools
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbook_helpers.data.contracts import ACTIVITY_KINDS
from workbook_helpers.data.problems import noun_count, row_count
from workbook_helpers.data.reading import read_map
from workbook_helpers.exceptions import DataError, Problem

SHOWN_NAMES = 10  # activity names listed in the warning about names not in the activity map

_ACTIVITY_MAP_EXAMPLE = "Expected lines like 'Care Act assessment: assessment'."


def activity_key(name: object) -> str:
    """How activity names are matched: case, extra spaces, hyphens, underscores and apostrophes
    ignored ("Carer's  Re-Assessment" -> "carers re assessment")."""
    text = re.sub(r"['\u2019]", "", str(name).casefold())
    return re.sub(r"[\s\-_]+", " ", text).strip()


def default_activity_map() -> dict[str, str]:
    """The built-in activity map as written (``local name: kind``), in the file's order."""
    return dict(_default_activity_entries())


@functools.cache
def _default_activity_entries() -> tuple[tuple[str, str], ...]:
    text = resources.files(__package__).joinpath("activity_map.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    return tuple((str(name).strip(), str(kind)) for name, kind in entries.items())


def read_activity_map(activity_map: str | Path | dict | None = None) -> dict[str, str]:
    """The activity map to use: the built-in one with a team's own map on top.

    ``activity_map`` is a YAML file (or dict) of ``local name: kind``, plain or under an
    ``activities:`` key; its lines win over the built-in ones. Returns a dict from
    :func:`activity_key` of each name to its kind (one of
    :data:`~workbook_helpers.data.contracts.ACTIVITY_KINDS`).

    Raises
    ------
    DataError
        Naming the map file: missing file, not YAML, not a mapping, or entries whose kind is
        not one of ours (with a close match when there is one), or one name given two kinds.
    """
    keyed, problems = _activity_entries(default_activity_map())
    if problems:  # the built-in map is tested; this guards edits to it
        raise DataError("the built-in activity map", problems)
    if activity_map is None:
        return keyed
    source, entries = read_map(activity_map, "activity map", _ACTIVITY_MAP_EXAMPLE)
    if isinstance(entries, dict) and isinstance(entries.get("activities"), dict):
        entries = entries["activities"]
    if not isinstance(entries, dict) or not entries:
        raise DataError(
            source, f"The activity map is empty or not a mapping. {_ACTIVITY_MAP_EXAMPLE}"
        )
    theirs, problems = _activity_entries(entries)
    if problems:
        raise DataError(source, problems)
    return {**keyed, **theirs}


def _activity_entries(entries: dict) -> tuple[dict[str, str], list[Problem]]:
    """Check ``local name: kind`` entries; returns them keyed by :func:`activity_key`."""
    expected = "one of: " + ", ".join(ACTIVITY_KINDS)
    keyed: dict[str, str] = {}
    first_name: dict[str, str] = {}
    problems = []
    for name, kind in entries.items():
        name = str(name).strip()
        if kind is None or (isinstance(kind, str) and not kind.strip()):
            problems.append(Problem(f'"{name}" has no kind after it.', expected=expected))
            continue
        if isinstance(kind, (list, dict)):
            problems.append(Problem(
                f'"{name}" should be followed by one kind. {_ACTIVITY_MAP_EXAMPLE}',
                expected=expected,
            ))
            continue
        canonical = str(kind).strip().casefold()
        if canonical not in ACTIVITY_KINDS:
            close = difflib.get_close_matches(canonical, ACTIVITY_KINDS, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            problems.append(Problem(
                f'"{name}" is mapped to "{kind}", which is not an activity kind.{hint}',
                expected=expected,
            ))
            continue
        key = activity_key(name)
        if key in keyed and keyed[key] != canonical:
            problems.append(Problem(
                f'"{first_name[key]}" ({keyed[key]}) and "{name}" ({canonical}) are the same name '
                "once case, spaces, hyphens and apostrophes are ignored, but are mapped to "
                "different kinds. Keep one.",
            ))
            continue
        keyed[key] = canonical
        first_name.setdefault(key, name)
    return keyed, problems


def map_activities(names: pd.Series, activity_map: dict[str, str]) -> tuple[pd.Series, str | None]:
    """Activity names (a category) to their kinds; names the map lacks become ``other``.

    Returns the kinds (a category of every kind, in contract order) and the warning listing the
    names counted as ``other``, most frequent first, or None.
    """
    names_found = names.cat.categories
    kinds_found = [activity_map.get(activity_key(name)) for name in names_found]
    kind_codes = np.array(
        [ACTIVITY_KINDS.index(kind or "other") for kind in kinds_found] + [-1], dtype=np.int8
    )
    codes = names.cat.codes.to_numpy()  # -1 for blank picks the -1 appended above
    kinds = pd.Series(
        pd.Categorical.from_codes(kind_codes[codes], categories=list(ACTIVITY_KINDS)),
        index=names.index,
    )
    unmapped = [name for name, kind in zip(names_found, kinds_found) if kind is None]
    if not unmapped:
        return kinds, None
    counts = names.value_counts()
    # Spellings that differ only in hyphens or apostrophes are one name: count them together
    # under the most common spelling.
    table = pd.DataFrame({"name": unmapped, "n": counts.reindex(unmapped).to_numpy()})
    table["key"] = table["name"].map(activity_key)
    table = table.sort_values(["n", "name"], ascending=[False, True])
    listed = (
        table.groupby("key", sort=False)
        .agg(name=("name", "first"), n=("n", "sum"))
        .sort_values(["n", "name"], ascending=[False, True])
    )
    return kinds, _unmapped_warning(listed["name"].tolist(), listed["n"].tolist())


def _unmapped_warning(names: list[str], counts: list[int]) -> str:
    shown = ", ".join(f'"{name}" ({n:,})' for name, n in zip(names[:SHOWN_NAMES], counts))
    if len(names) > SHOWN_NAMES:
        shown += f" and {len(names) - SHOWN_NAMES:,} more"
    rows = sum(counts)
    one = len(names) == 1
    return (
        f"{noun_count(len(names), 'activity name')} ({row_count(rows)}) {'is' if one else 'are'} not in "
        f"the activity map, so {'its' if one else 'their'} rows were counted as \"other\": "
        f"{shown}. To count {'it' if one else 'them'} as another kind, add "
        f"{'it' if one else 'them'} to an activity map ('local name: kind')."
    )
