"""Loading data files: read, map columns, normalise, check against the contract.

The public verbs are :func:`load_demand`, :func:`load_events` and :func:`load_cases` (with
:func:`check_case_files` to check the last two agree), and for the team-performance workbook
:func:`load_work_items`, :func:`load_spending`, :func:`load_targets` and :func:`load_actions`.
Every problem found in a file is collected and raised together as one
:class:`~workbook_helpers.exceptions.DataError`, with rows numbered as a spreadsheet numbers them
(the header is row 1), so an analyst can open the file and fix it.

The frame returned has one row per data row, indexed by that spreadsheet row number, holding only
the contract's canonical columns (every one of them, for contracts that say ``all_columns``). ``frame.attrs["source"]`` records the file (path, name, sha256,
rows, and how many rows repeated an earlier row exactly) and ``frame.attrs["warnings"]`` what
was accepted but is worth knowing: rows repeating an earlier row exactly (kept unless
``drop_duplicates``), values above a plausible ceiling (handling minutes, hours in a day), dates
after the day of the run (:func:`workbook_helpers.clock.today`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import re
from datetime import datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from workbook_helpers import clock
from workbook_helpers.data.contracts import (
    ACTIONS,
    ACTIVITY_KINDS,
    CASE_EVENTS,
    CASES,
    CATEGORY_SYNONYMS,
    DEMAND_LOG,
    MAX_HANDLING_MINUTES,
    MEASURE_KEYS,
    SPENDING,
    TARGETS,
    WORK_ITEMS,
    YES_NO,
    file_columns,
    required_columns,
)
from workbook_helpers.exceptions import DataError, Problem
from workbook_helpers.present.formatting import fmt_date, fmt_hours, fmt_int, fmt_number, join_words
from workbook_helpers.measures.performance_measures import MEASURES, measure_key

SHOWN_ROWS = 5  # offending rows listed per problem; the count says how many in all
SHOWN_NAMES = 10  # activity names listed in the warning about names not in the activity map
SHOWN_CASES = 5  # case ids listed per problem when the cases and case events files disagree
HEADER_SEARCH_ROWS = 30  # how far down a sheet to look for the header row below a title
LOCAL_TIME_ZONE = "Europe/London"  # date-times with a time zone are read as UK clock time
#: Numbers larger than this (either side of 0) are refused: no count, time or amount a service
#: records comes near it, floating point cannot hold whole numbers exactly much beyond it, and
#: sums of numbers near the largest a computer holds overflow to infinity.
LARGEST_NUMBER = 1e15

_DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d/%m/%y",
    "%d/%m/%y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
)
_ISO_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_ZONE_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
_MISSING_MARKERS = ["", "#N/A"]
# Commas in a number are accepted only as thousands separators: "7,5" is reported, not read as 75.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


# --------------------------------------------------------------------------------------------
# public verbs


def load_demand(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    max_handling_minutes: float | None = MAX_HANDLING_MINUTES,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load a demand log (one row per contact) and check it against the demand contract.

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``, so a team's own export
        works unedited. Headers that differ from ours only in case, spaces, hyphens or
        underscores ("Demand Type") are matched without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.
    max_handling_minutes:
        Handling minutes above this are warned about (``attrs["warnings"]``) and kept as given;
        None for no check. 480 (8 hours) by default.
    drop_duplicates:
        Leave out rows that repeat an earlier row exactly (the warning then says how many were
        left out). By default they are kept, since two identical contacts can be real.

    Returns
    -------
    pandas.DataFrame
        The canonical columns present, indexed by spreadsheet row number, with ``received`` as
        dates (date-times stored with a time zone become UK clock time), categories
        normalised (``demand_class`` is ``value``, ``failure`` or blank for not yet
        classified), ``one_stop`` as yes/no booleans and ``handling_minutes`` as numbers.

    Raises
    ------
    DataError
        Listing every problem in the file: unreadable file, missing columns (with close matches),
        unreadable dates, values outside the allowed categories, negative minutes, numbers that
        are infinite or too large to work with, duplicate contact ids, blanks in required
        columns.
    """
    return load_table(
        path, DEMAND_LOG, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates,
        at_most={"handling_minutes": max_handling_minutes},
    )


def load_events(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    activity_map: str | Path | dict | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load case events (one row per activity on a case) and check them against their contract.

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores ("Face to face") are matched without a
        map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.
    activity_map:
        Optional YAML file (or dict) of ``local activity name: kind``, read on top of the
        built-in map (``activity_map.yaml`` in this package; its lines lose to the team's).
        Names are matched ignoring case, extra spaces, hyphens, underscores and apostrophes.
        Names in neither map are counted as ``other`` and listed in ``attrs["warnings"]``.
    drop_duplicates:
        Leave out rows that repeat an earlier row exactly; by default they are kept (and warned
        about), since one practitioner can record two identical activities on a day.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``), with the canonical columns present, in
        contract order: ``case_id`` and ``worker`` as text (``str``), ``date`` as
        ``datetime64[ns]``, ``activity`` as a category of the kinds in
        :data:`~workbook_helpers.data.contracts.ACTIVITY_KINDS` (every kind a category, in that order)
        with ``activity_name`` beside it (the name in the file, a category), ``hours`` as
        ``float64``, ``face_to_face`` and ``value_work`` as pandas ``boolean`` (blank
        ``value_work`` = not known) and ``organisation``, ``team`` and ``cohort`` as categories.
        ``attrs["source"]`` records the file (path, name, sha256, rows) and
        ``attrs["warnings"]`` the activity names counted as ``other``, rows repeated exactly,
        activities of more than 24 hours, workers with more than 24 hours on one day, and dates
        after today.

    Raises
    ------
    DataError
        Listing every problem in the file: unreadable file, missing columns (with close matches),
        unreadable dates, blanks in required columns (``face_to_face`` included), values that
        are not yes or no, hours that are not a number, are negative, infinite or too large to
        work with. A broken activity map (not YAML, or a kind that is not one of ours) is its own
        DataError naming the map.
    """
    return load_table(
        path, CASE_EVENTS, column_map=column_map, sheet=sheet, activity_map=activity_map,
        drop_duplicates=drop_duplicates,
    )


def load_cases(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load a cases file (one row per case) and check it against its contract.

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores ("Predicted Return") are matched
        without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``), with the canonical columns present, in
        contract order: ``case_id`` as text (``str``), ``opened`` and ``closed`` as
        ``datetime64[ns]`` (blank ``closed`` = still open), ``predicted_return`` and
        ``returned`` as pandas ``boolean`` (blank = not known), ``cohort`` and ``team`` as
        categories. ``attrs["source"]`` records the file and ``attrs["warnings"]`` anything
        worth knowing. Use :func:`check_case_files` to check it against the case events.

    Raises
    ------
    DataError
        Listing every problem in the file: unreadable file, missing ``case_id`` column (with
        close matches), blank or repeated case ids, unreadable dates, values that are not yes or
        no, cases closed before they were opened.
    """
    return load_table(path, CASES, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates)


def load_work_items(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load work items (one row per case or task) for the team-performance workbook.

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores are matched without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``), with every column of the contract in this
        order, the optional ones all blank when the file lacks them: ``item_id`` as text
        (``str``), ``team`` as a category, ``opened``, ``closed`` (blank = still open), ``due``
        (blank = no due date) and ``next_review`` as ``datetime64[ns]`` (day first; time zones
        converted to UK clock time), ``worker`` and ``kind`` as categories.
        ``attrs["source"]`` records the file and ``attrs["warnings"]`` anything worth knowing.

    Raises
    ------
    DataError
        Listing every problem in the file: unreadable file, missing columns (with close matches),
        blank or repeated item ids, blank teams or opened dates, unreadable dates, items closed
        or due before they were opened.
    """
    return load_table(path, WORK_ITEMS, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates)


def load_spending(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load spending (one row per team and month, or per team, month and category).

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores are matched without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``): ``team`` as a category, ``month`` as
        ``datetime64[ns]`` on the first day of the month (read from ``2024-04``, ``2024/04``,
        ``04/2024``, ``Apr-24``, ``Apr 2024``, ``April 2024``, an Excel date or any date in the
        month), ``budget`` and ``actual`` as ``float64`` pounds (``£12,300``, ``12300.50`` and
        ``(1,200)`` for -1,200 all read), ``category`` as a category (all blank when the file has
        none).

    Raises
    ------
    DataError
        Listing every problem in the file: missing columns, blank or unreadable months and
        amounts, rows repeating the team, month and category of another row.
    """
    return load_table(path, SPENDING, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates)


def load_targets(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load targets for the team-performance measures.

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores are matched without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``): ``measure`` as a category of the measure
        keys (:data:`~workbook_helpers.data.contracts.MEASURE_KEYS`, every key a category, in the
        order of the measures table), read from a key or a label in any case; ``team`` as a
        category (blank = every team, kept blank); ``target`` as ``float64`` (a share as 0.8,
        whether written 0.8 or 80%); ``direction`` as a category of ``increase``, ``decrease``
        and ``neutral``: as the file gives it (``higher``, ``lower is better``, ...), else the
        measure's own direction of good from
        :data:`~workbook_helpers.measures.performance_measures.MEASURES`.

    Raises
    ------
    DataError
        Listing every problem in the file: unknown measures (with close matches), targets that
        are not numbers, shares above 1 written without %, percentages for measures that are not
        shares, negative targets for counts and days, directions that are not one of ours,
        repeated measure and team.
    """
    return load_table(path, TARGETS, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates)


def load_actions(
    path: str | Path,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Load actions from performance meetings (one row per action).

    Parameters
    ----------
    path:
        CSV (UTF-8, UTF-8 with a byte-order mark, or Windows-1252; comma, semicolon or tab
        separated), Excel ``.xlsx`` or Parquet. A title above the header row is skipped.
    column_map:
        Optional YAML file (or dict) of ``their header: our column``. Headers that differ from
        ours only in case, spaces, hyphens or underscores are matched without a map.
    sheet:
        For Excel, the sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by spreadsheet row number (``row``): ``action_id`` as text (``str``), ``team``
        and ``owner`` as categories, ``raised``, ``due`` and ``done`` (blank = not done yet) as
        ``datetime64[ns]``, ``description`` as text (``str``, all blank when the file has none;
        private: never shown in a report unless a parameter allows it).

    Raises
    ------
    DataError
        Listing every problem in the file: missing columns, blank or repeated action ids, blanks
        in required columns, unreadable dates, actions done or due before they were raised.
    """
    return load_table(path, ACTIONS, column_map=column_map, sheet=sheet, drop_duplicates=drop_duplicates)


def check_case_files(events: pd.DataFrame, cases: pd.DataFrame | None) -> None:
    """Check that the case events and the cases file describe the same cases.

    Parameters
    ----------
    events:
        Case events from :func:`load_events`.
    cases:
        Cases from :func:`load_cases`, or None (no cases file: nothing to check).

    Raises
    ------
    DataError
        Naming both files, with one problem for the cases in the cases file that have no
        events and one for the cases with events but no row in the cases file, each listing the
        first few case ids and how many there are in all. (The ids are shown because this
        message is for the analyst at the terminal; reports never show them.)
    """
    if cases is None:
        return
    events_source = events.attrs.get("source", {})
    cases_source = cases.attrs.get("source", {})
    events_name = events_source.get("name", "the case events")
    cases_name = cases_source.get("name", "the cases file")
    event_ids = pd.Series(pd.unique(events["case_id"].dropna().astype(str)))
    case_ids = pd.Series(pd.unique(cases["case_id"].dropna().astype(str)))
    without_events = case_ids[~case_ids.isin(event_ids)].tolist()
    without_row = event_ids[~event_ids.isin(case_ids)].tolist()
    problems = []
    if without_events:
        problems.append(
            _case_list_problem(without_events, f"in {cases_name}", f"no events in {events_name}")
        )
    if without_row:
        problems.append(_case_list_problem(without_row, f"in {events_name}", f"no row in {cases_name}"))
    if problems:
        # Ids that differ only in case or spaces are a common export slip: say so.
        folded = {re.sub(r"\s+", "", i).casefold(): i for i in without_row}
        pairs = [(folded[key], i) for i in without_events
                 if (key := re.sub(r"\s+", "", i).casefold()) in folded]
        if pairs:
            in_events, in_cases = pairs[0]
            problems.append(Problem(
                f'{_count(len(pairs), "case id")} {"differs" if len(pairs) == 1 else "differ"} '
                "only in case or spaces between the files, "
                f'e.g. "{in_events}" in {events_name} and "{in_cases}" in {cases_name}: case ids '
                "must match exactly.",
                column="case_id",
            ))
        path = " and ".join(
            str(source.get("path", name))
            for source, name in ((events_source, events_name), (cases_source, cases_name))
        )
        raise DataError(path, problems)


def _case_list_problem(ids: list[str], where: str, lacking: str) -> Problem:
    shown = ", ".join(f'"{i}"' for i in ids[:SHOWN_CASES])
    if len(ids) > SHOWN_CASES:
        shown += f" and {len(ids) - SHOWN_CASES:,} more"
    verb = "has" if len(ids) == 1 else "have"
    return Problem(
        f"{_count(len(ids), 'case')} {where} {verb} {lacking}: {shown}.",
        column="case_id",
        count=len(ids),
        expected="every case in both files",
    )


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def load_table(
    path: str | Path,
    schema: pa.DataFrameSchema,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
    activity_map: str | Path | dict | None = None,
    drop_duplicates: bool = False,
    at_most: dict[str, float | None] | None = None,
) -> pd.DataFrame:
    """Load any file against a contract declared in :mod:`workbook_helpers.data.contracts`.

    ``activity_map`` is used only by contracts with an ``activity`` column (see
    :func:`load_events`); the maps are read, and any problem in them raised, before the file.
    Rows that repeat an earlier row exactly (every column of the file, the ones no contract
    reads included) are warned about, and left out with ``drop_duplicates``. ``at_most``
    overrides the plausible ceiling of a column (``{column: limit}``, None for no check) that
    the contract gives in its ``at_most`` metadata.
    """
    path = Path(path)
    mapping = read_column_map(column_map, schema) if column_map is not None else {}
    activities = (
        read_activity_map(activity_map)
        if any(c.metadata["kind"] == "activity" for c in schema.columns.values())
        else None
    )
    raw, digest = read_raw(path, sheet=sheet, known_headers=_known_headers(schema, mapping))
    copies, first_copied = exact_copies(raw)
    warnings = [_copies_warning(copies, first_copied, drop_duplicates)] if copies.any() else []
    if drop_duplicates and copies.any():
        raw = raw[~copies.to_numpy()]
    frame = _rename_columns(raw, path, schema, mapping)
    if (schema.metadata or {}).get("all_columns"):
        # Optional columns the file lacks, all blank: read like any column, so they get the
        # dtype they would have had.
        for name in file_columns(schema):
            if name not in frame.columns:
                frame[name] = pd.Series(None, index=frame.index, dtype=object)
    frame, problems, found = _normalise(frame, schema, activities)
    warnings += found
    # A value that could not be read is already reported; do not report it again as blank.
    unreadable = {(p.column, row) for p in problems for row in p.all_rows}
    problems += _check_contract(frame, schema, unreadable)
    problems = [p for p in problems if p.count]
    if problems:
        order = {name: position for position, name in enumerate(schema.columns)}
        problems.sort(key=lambda p: order.get(p.column, -1))
        raise DataError(path, problems)
    warnings += plausibility_warnings(frame, schema, at_most)
    frame = _fill_blanks(frame, schema)
    frame = frame[[name for name in schema.columns if name in frame.columns]]
    frame.index.name = "row"
    frame.attrs["source"] = {
        "path": str(path),
        "name": path.name,
        "sha256": digest,
        "rows": int(len(frame)),
        "exact_copies": int(copies.sum()),
        "exact_copies_dropped": bool(drop_duplicates and copies.any()),
    }
    frame.attrs["warnings"] = warnings
    return frame


# --------------------------------------------------------------------------------------------
# what is accepted but worth knowing: repeated rows, implausible values, dates still to come


def exact_copies(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which rows repeat an earlier row exactly, in every column of the file, and for each such
    row the row it repeats (both indexed like ``raw``; the second is blank where the first is
    False).

    Rows are hashed to find candidates quickly; each candidate is then compared value for value
    with the first row of its hash, so a hash collision can never make two different rows count
    as copies.
    """
    if raw.empty:
        return pd.Series(False, index=raw.index), pd.Series(pd.NA, index=raw.index, dtype="Int64")
    try:
        keys = pd.util.hash_pandas_object(raw, index=False)
    except TypeError:  # unhashable cells (a Parquet list column): compare their text
        raw = raw.astype(str)
        keys = pd.util.hash_pandas_object(raw, index=False)
    candidates = keys.duplicated(keep=False).to_numpy()
    copies = pd.Series(False, index=raw.index)
    first = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if not candidates.any():
        return copies, first
    at = np.flatnonzero(candidates)  # positions of the candidates, and of their hash's first row
    first_at = pd.Series(at).groupby(keys.to_numpy()[candidates]).transform("first").to_numpy()
    same = np.ones(len(at), dtype=bool)
    for position in range(raw.shape[1]):  # column by column: fast for text, whatever the dtype
        column = raw.iloc[:, position]
        values = column.iloc[at].reset_index(drop=True)
        originals = column.iloc[first_at].reset_index(drop=True)
        equal = (values == originals).fillna(False).to_numpy(dtype=bool)
        same &= equal | (values.isna() & originals.isna()).to_numpy(dtype=bool)
    repeated = same & (first_at != at)
    rows = raw.index[at[repeated]]
    copies.loc[rows] = True
    first.loc[rows] = raw.index[first_at[repeated]].to_numpy()
    return copies, first


def _copies_warning(copies: pd.Series, first: pd.Series, dropped: bool) -> str:
    rows = [int(row) for row in copies.index[copies.to_numpy()]]
    count = len(rows)
    shown = f"row {rows[0]:,} (a copy of row {int(first[rows[0]]):,})"
    if count > 1:
        others = [f"{row:,}" for row in rows[1:SHOWN_ROWS]]
        shown += f", then {'row' if len(others) == 1 else 'rows'} {join_words(others)}"
        if count > SHOWN_ROWS:
            shown += f" and {count - SHOWN_ROWS:,} more"
    one = count == 1
    if dropped:
        return (f"{_rows(count)} {'was an exact copy' if one else 'were exact copies'} of an earlier "
                f"row and {'was' if one else 'were'} left out (drop_duplicates = True): {shown}.")
    return (
        f"{_rows(count)} {'is an exact copy' if one else 'are exact copies'} of an earlier row: "
        f"{shown}. {'It was' if one else 'They were'} kept, since identical rows can be real (two "
        f"calls alike); if the export repeated {'it' if one else 'them'}, run the workbook with "
        f"drop_duplicates = True to leave {'it' if one else 'them'} out."
    )


def plausibility_warnings(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, at_most: dict[str, float | None] | None = None,
    today: object = None,
) -> list[str]:
    """Warnings about values a contract accepts but that are unlikely to be right: above a
    column's plausible ceiling (``at_most`` metadata, or the ``at_most`` given here), daily
    totals above their ceiling (``daily_totals`` schema metadata), and dates of things that have
    happened falling after ``today`` (by default the day of the run, :func:`clock.today`)."""
    at_most = at_most or {}
    warnings = []
    for name, column in schema.columns.items():
        if name not in frame.columns:
            continue
        meta = column.metadata
        if "at_most" in meta or name in at_most:
            limit, words = meta.get("at_most", (None, ""))
            if name in at_most:
                limit = at_most[name]
                words = _limit_words(limit, meta.get("unit"))
            if limit is not None:
                warning = _above_warning(frame[name], name, limit, words, meta.get("unit"))
                if warning:
                    warnings.append(warning)
    for column, (by, day), limit, words in (schema.metadata or {}).get("daily_totals", ()):
        if {column, by, day} <= set(frame.columns):
            warning = _daily_total_warning(frame, column, by, day, limit, words,
                                           schema.columns[column].metadata.get("unit"))
            if warning:
                warnings.append(warning)
    for column, count, latest, rows in dates_after_today(frame, schema, today):
        shown = f"row {rows[0]:,}" if count == 1 else f"rows {join_words([f'{r:,}' for r in rows])}"
        if count > len(rows):
            shown += f" and {count - len(rows):,} more"
        last_day = _today(today)
        if schema.columns[column].metadata["kind"] == "month":
            warnings.append(
                f"{_rows(count)} {'has' if count == 1 else 'have'} spending recorded for a month that "
                f"has not begun (after {last_day:%B %Y}), the latest {latest:%B %Y} ({shown}): check "
                f"{'it' if count == 1 else 'them'}."
            )
        else:
            warnings.append(
                f"{_rows(count)} {'has' if count == 1 else 'have'} {_date_words(column)} after "
                f"today ({fmt_date(last_day)}), the latest {fmt_date(latest)} ({shown}): check "
                f"{'it' if count == 1 else 'them'}."
            )
    return warnings


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _date_words(column: str) -> str:
    """"a received date", "an opened date", "a date" (not "a date date")."""
    return "a date" if column == "date" else f"{_a(column)} {column} date"


def _today(today: object = None) -> pd.Timestamp:
    return pd.Timestamp(clock.today() if today is None else today).normalize()


def dates_after_today(
    frame: pd.DataFrame, schema_or_columns: pa.DataFrameSchema | tuple[str, ...], today: object = None
) -> list[tuple[str, int, pd.Timestamp, tuple[int, ...]]]:
    """Dates of things that have happened that fall after ``today`` (by default the day of the
    run, :func:`workbook_helpers.clock.today`, which ``SERVICE_WORKBOOKS_TODAY`` moves): for each
    column that has any, ``(column, how many, the latest, the first few rows)``.

    ``schema_or_columns``: a contract (its columns marked ``not_after_today``) or the date
    columns to look at. A date-time on today is not after it; a month is after today when it
    begins after it, and counts only in rows whose column named by ``not_after_today`` (for
    spending, ``actual``) is neither blank nor 0, since a budget may be set ahead.
    """
    if isinstance(schema_or_columns, pa.DataFrameSchema):
        rules = {name: column.metadata.get("not_after_today")
                 for name, column in schema_or_columns.columns.items()
                 if column.metadata.get("not_after_today")}
    else:
        rules = {name: True for name in schema_or_columns}
    next_day = _today(today) + pd.Timedelta(days=1)
    found = []
    for column, rule in rules.items():
        if column not in frame.columns:
            continue
        dates = pd.to_datetime(frame[column])
        later = (dates >= next_day).to_numpy(dtype=bool)
        if isinstance(rule, str) and rule in frame.columns:
            amounts = pd.to_numeric(frame[rule], errors="coerce")
            later = later & (amounts.notna() & (amounts != 0)).to_numpy(dtype=bool)
        if later.any():
            rows = tuple(int(row) for row in frame.index[later][:SHOWN_ROWS])
            found.append((column, int(later.sum()), pd.Timestamp(dates[later].max()).normalize(), rows))
    return found


def _limit_words(limit: float | None, unit: str | None) -> str:
    if limit is None:
        return ""
    if unit == "minutes":
        return fmt_hours(limit / 60) if limit >= 60 else f"{fmt_number(limit, 0)} minutes"
    return fmt_number(limit, 1).removesuffix(".0")


def _above_warning(values: pd.Series, name: str, limit: float, words: str, unit: str | None) -> str | None:
    over = (values > limit).to_numpy()
    count = int(over.sum())
    if not count:
        return None
    rows = [f"{int(row):,}" for row in values.index[over][:SHOWN_ROWS]]
    shown = f"row {rows[0]}" if count == 1 else f"rows {join_words(rows)}"
    if count > len(rows):
        shown += f" and {count - len(rows):,} more"
    largest = values[over].max()
    unit_word = f" {unit}" if unit else ""
    limit_text = f"{fmt_number(limit, 1).removesuffix('.0')}{unit_word}"
    if words and words not in (limit_text, limit_text.removesuffix(unit_word)):
        limit_text += f" ({words})"
    return (
        f"{_rows(count)} {'has' if count == 1 else 'have'} {name} above {limit_text}, "
        f"{'at' if count == 1 else 'the largest'} {_plain_number(largest)}{unit_word} ({shown}): "
        f"{'it is' if count == 1 else 'they are'} counted as recorded, so check "
        f"{'it' if count == 1 else 'them'}."
    )


def _plain_number(value: float) -> str:
    """A number as an analyst would type it: ``1,000,000,000,000``, ``30.5``."""
    return fmt_int(value) if float(value).is_integer() else fmt_number(value, 2).rstrip("0").rstrip(".")


def _daily_total_warning(
    frame: pd.DataFrame, column: str, by: str, day: str, limit: float, words: str, unit: str | None
) -> str | None:
    days = pd.to_datetime(frame[day]).dt.normalize()
    totals = frame[column].groupby([frame[by].astype(str).to_numpy(), days.to_numpy()]).transform("sum")
    over = (totals > limit).to_numpy()
    if not over.any():
        return None
    groups = pd.DataFrame({"by": frame[by].astype(str).to_numpy(), "day": days.to_numpy()})[over]
    occasions = len(groups.drop_duplicates())
    unit_word = f" {unit}" if unit else ""
    rows = [f"{int(row):,}" for row in frame.index[over][:SHOWN_ROWS]]
    more = int(over.sum()) - len(rows)
    shown = f"row{'s' if len(rows) > 1 else ''} {join_words(rows)}" + (f" and {more:,} more" if more else "")
    return (
        f"On {'1 occasion' if occasions == 1 else f'{occasions:,} occasions'} the {words} come to more "
        f"than {fmt_number(limit, 1).removesuffix('.0')}{unit_word}, the most "
        f"{_plain_number(totals[over].max())}{unit_word} ({shown}): the {column} are counted as "
        "recorded, so check them."
    )


def read_column_map(column_map: str | Path | dict, schema: pa.DataFrameSchema) -> dict[str, str]:
    """Read a column map (``their header: our column``) and check that it names our columns.

    The YAML may be the plain mapping, or have the mapping under a ``columns:`` key.
    """
    source, entries = _read_map(column_map, "column map", "Expected lines like 'Date Received: received'.")
    if isinstance(entries, dict) and isinstance(entries.get("columns"), dict):
        entries = entries["columns"]
    if not isinstance(entries, dict) or not entries:
        raise DataError(
            source, "The column map is empty or not a mapping. Expected lines like "
            "'Date Received: received'."
        )
    problems = []
    known = file_columns(schema)
    for theirs, ours in entries.items():
        if str(ours) not in known:
            close = difflib.get_close_matches(str(ours), known, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            problems.append(
                Problem(
                    f'"{theirs}" is mapped to "{ours}", which is not a column of the '
                    f"{schema.name}.{hint}",
                    expected="one of: " + ", ".join(known),
                )
            )
    if problems:
        raise DataError(source, problems)
    return {str(theirs).strip(): str(ours) for theirs, ours in entries.items()}


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
    source, entries = _read_map(activity_map, "activity map", _ACTIVITY_MAP_EXAMPLE)
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


def _read_map(given: str | Path | dict, what: str, example: str) -> tuple[str, object]:
    """A map given as a dict or a YAML file: where it came from (for messages) and its entries."""
    if isinstance(given, dict):
        return f"the {what}", given
    map_path = Path(given)
    if not map_path.is_file():
        raise DataError(map_path, f"The {what} file does not exist.")
    try:
        return str(map_path), yaml.safe_load(map_path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark is not None else ""
        raise DataError(map_path, f"The {what} is not valid YAML{where}. {example}") from None


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# reading files


def read_raw(
    path: Path, sheet: str | int | None = None, known_headers: set[str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Read a file as it is, indexed by spreadsheet row number. Returns the frame and its sha256."""
    if not path.exists():
        raise DataError(path, "The file does not exist. Check the path and the file name.")
    if path.is_dir():
        raise DataError(path, "This is a folder, not a file.")
    with open(path, "rb") as handle:
        head = handle.read(4096)  # enough to see past blank lines above a header
    if not head.strip():
        raise DataError(path, "The file is empty.")
    kind = _file_kind(path, head)
    if kind == "excel":
        raw = _read_excel(path, sheet, known_headers or set())
    elif kind == "parquet":
        raw = _read_parquet(path)
    else:
        raw = _read_csv(path, known_headers or set())
    raw = raw.dropna(how="all")
    if raw.empty:
        raise DataError(path, "The file has a header row but no rows of data.")
    return raw, file_sha256(path)


def _file_kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            path,
            "The file is saved as UTF-16 text (Excel's \"Unicode Text\"). Save it from Excel as "
            "\"CSV UTF-8 (comma delimited)\" or as .xlsx.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            path,
            "This is an old-style Excel (.xls) file. Open it in Excel and save it as .xlsx or "
            "CSV (comma delimited).",
        )
    if head.startswith(b"PK\x03\x04"):
        if suffix in {".docx", ".pptx", ".zip", ".odt"}:
            raise DataError(path, _WRONG_TYPE.format(kind=f"a {suffix} file"))
        return "excel"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        raise DataError(path, _WRONG_TYPE.format(kind="a PDF document"))
    if suffix in {".pdf", ".doc", ".docx", ".json", ".xml", ".html"}:
        raise DataError(path, _WRONG_TYPE.format(kind=f"a {suffix} file"))
    if b"\x00" in head:
        raise DataError(path, _WRONG_TYPE.format(kind="not text (it holds binary data)"))
    return "csv"


_WRONG_TYPE = (
    "The file is {kind}, which cannot be read as a table. Expected a CSV file, an Excel "
    "workbook (.xlsx) or a Parquet file."
)


def _read_csv(path: Path, known_headers: set[str]) -> pd.DataFrame:
    encoding = _csv_encoding(path)
    # Bytes Windows-1252 leaves undefined become U+FFFD rather than stopping the load.
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        head_text = "".join(line for _, line in zip(range(HEADER_SEARCH_ROWS + 1), handle))
    delimiter = _sniff_delimiter(head_text)
    head_rows = list(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    header_at = _find_header_row(head_rows, known_headers)
    options = dict(
        sep=delimiter,
        encoding=encoding,
        encoding_errors="replace",
        dtype=str,
        skiprows=header_at,
        keep_default_na=False,
        na_values=_MISSING_MARKERS,
        skip_blank_lines=False,
    )
    try:
        frame = pd.read_csv(path, **options)
        if not isinstance(frame.index, pd.RangeIndex):
            # Every data row has more values than the header has names, so pandas took the
            # first values as an index. A separator at the end of every row is harmless (the
            # extra values are blank); anything else would shift every column.
            extra = frame.index.nlevels
            if frame.iloc[:, -extra:].notna().any(axis=None):
                width = len(frame.columns)
                raise DataError(
                    path,
                    f"Every row has {width + extra} values but the header has {width} columns. "
                    "A column may have no header, or values contain the separator without "
                    "quotes around them.",
                )
            frame = pd.read_csv(path, index_col=False, **options)
    except pd.errors.EmptyDataError:
        raise DataError(path, "The file is empty.") from None
    except pd.errors.ParserError as error:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if match:
            wanted, line, found = match.groups()
            raise DataError(
                path,
                f"Row {line} has {found} values but the header has {wanted} columns. A value "
                "probably contains the separator without quotes around it.",
            ) from None
        match = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if match:  # pandas counts from 0
            raise DataError(
                path,
                f"A quote mark (\") in row {int(match.group(1)) + 1} is never closed, so the rest "
                "of the file would be read as one value. Close the quote or remove it.",
            ) from None
        raise DataError(path, f"The file could not be read as CSV: {error}") from None
    header = head_rows[header_at] if header_at < len(head_rows) else []
    if len(header) == len(frame.columns):
        # pandas renames a repeated header ("Service", "Service.1"); keep the file's own names
        # so that a repeated column is reported instead of silently dropped.
        frame.columns = [name or column for name, column in zip(header, frame.columns)]
    # Row numbers as a spreadsheet shows them: the header is row header_at + 1.
    frame.index = pd.RangeIndex(header_at + 2, header_at + 2 + len(frame))
    return frame


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) if the whole file decodes as it, else Windows-1252."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for _ in iter(lambda: handle.read(1 << 20), ""):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _sniff_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_excel(path: Path, sheet: str | int | None, known_headers: set[str]) -> pd.DataFrame:
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except Exception:  # openpyxl raises several kinds for a damaged or non-Excel zip
        raise DataError(
            path, "The file could not be opened as an Excel workbook (.xlsx). It may be damaged "
            "or be another kind of file with an Excel name."
        ) from None
    with workbook:
        names = workbook.sheet_names
        if sheet is None:
            sheet = 0
        elif isinstance(sheet, str) and sheet not in names:
            raise DataError(
                path, f'There is no sheet called "{sheet}". The sheets are: ' + ", ".join(names) + "."
            )
        elif isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataError(path, f"There is no sheet number {sheet}; the workbook has {len(names)}.")
        grid = pd.read_excel(workbook, sheet_name=sheet, header=None, dtype=object)
    if grid.dropna(how="all").empty:
        raise DataError(path, "The sheet is empty.")
    head_rows = [
        ["" if pd.isna(cell) else str(cell) for cell in row]
        for row in grid.head(HEADER_SEARCH_ROWS).itertuples(index=False)
    ]
    header_at = _find_header_row(head_rows, known_headers)
    headers = [
        f"Unnamed: {i}" if pd.isna(cell) else str(cell).strip()
        for i, cell in enumerate(grid.iloc[header_at])
    ]
    frame = grid.iloc[header_at + 1 :].copy()
    frame.columns = headers
    frame = frame.loc[:, [not h.startswith("Unnamed: ") or frame[h].notna().any() for h in headers]]
    # pandas numbers the grid from 0 = Excel row 1.
    frame.index = frame.index + 1
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises its own error kinds
        raise DataError(path, f"The file could not be read as Parquet: {error}") from None
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _find_header_row(rows: list[list[str]], known_headers: set[str]) -> int:
    """The 0-based position of the header: the first row naming most of our columns."""
    best, best_hits = 0, 0
    for position, row in enumerate(rows):
        hits = sum(1 for cell in row if _header_key(cell) in known_headers)
        if hits > best_hits:
            best, best_hits = position, hits
    return best if best_hits >= 2 else 0


# --------------------------------------------------------------------------------------------
# columns


def _header_key(header: object) -> str:
    return re.sub(r"[\s\-_]+", "_", str(header).strip().lower()).strip("_")


def _known_headers(schema: pa.DataFrameSchema, mapping: dict[str, str]) -> set[str]:
    return {_header_key(name) for name in file_columns(schema)} | {_header_key(h) for h in mapping}


def _rename_columns(
    raw: pd.DataFrame, path: Path, schema: pa.DataFrameSchema, mapping: dict[str, str]
) -> pd.DataFrame:
    mapped = {_header_key(theirs): ours for theirs, ours in mapping.items()}
    canonical = {_header_key(name): name for name in file_columns(schema)}
    renames: dict[str, str] = {}
    claimed: dict[str, list[str]] = {}
    for header in raw.columns:
        key = _header_key(header)
        ours = mapped.get(key) or canonical.get(key)
        if ours:
            renames[header] = ours
            claimed.setdefault(ours, []).append(str(header))
    problems = [
        Problem(
            f'{len(headers)} columns would all become "{ours}": '
            + ", ".join(f'"{h}"' for h in headers)
            + ". Keep one, or map the others to different columns."
        )
        for ours, headers in claimed.items()
        if len(headers) > 1
    ]
    missing = [name for name in required_columns(schema) if name not in claimed]
    if missing:
        found = [str(h) for h in raw.columns]
        unused = [h for h in found if h not in renames]
        for name in missing:
            problems.append(_missing_column_problem(name, found, unused, mapping))
    if problems:
        raise DataError(path, problems)
    return raw[list(renames)].rename(columns=renames)


def _missing_column_problem(
    name: str, found: list[str], unused: list[str], mapping: dict[str, str]
) -> Problem:
    message = f'The required column "{name}" is missing.'
    mapped_from = [theirs for theirs, ours in mapping.items() if ours == name]
    if mapped_from:
        message += f' The column map says it is called "{mapped_from[0]}", but no column has that name.'
    by_key = {_header_key(h): h for h in unused}
    close = difflib.get_close_matches(_header_key(name), list(by_key), n=1, cutoff=0.6)
    if close:
        message += (
            f' Did you mean "{by_key[close[0]]}"? If so, rename it, or add '
            f"'{by_key[close[0]]}: {name}' to a column map."
        )
    message += " Columns found: " + ", ".join(f'"{h}"' for h in found) + "."
    return Problem(message)


# --------------------------------------------------------------------------------------------
# normalising values


def _normalise(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, activity_map: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    problems: list[Problem] = []
    warnings: list[str] = []
    columns = {}
    derived = {
        column.metadata["derived_from"]: name
        for name, column in schema.columns.items()
        if "derived_from" in column.metadata
    }
    percents: dict[str, pd.Series] = {}  # for targets: which values were written with %
    for name in [name for name in schema.columns if name in frame.columns]:
        meta = schema.columns[name].metadata
        kind = meta["kind"]
        series = frame[name]
        if kind == "activity":
            names = _merge_spellings(series)
            series, warning = _map_activities(names, activity_map or {})
            if name in derived:
                columns[derived[name]] = names
            if warning:
                warnings.append(warning)
            problem = None
        elif kind == "date":
            series, problem = _parse_dates(series, name)
        elif kind == "text":
            series, problem = _merge_spellings(series), None
        elif kind == "category":
            series, problem = _fold_categories(series, name), None
        elif kind == "yes/no":
            series, problem = _parse_yes_no(series, name)
        elif kind == "number":
            series, problem = _parse_numbers(series, name, meta.get("unit"))
        elif kind == "month":
            series, problem = _parse_months(series, name)
        elif kind == "money":
            series, problem = _parse_money(series, name)
        elif kind == "measure":
            series, problem = _parse_measures(series, name)
        elif kind == "target":
            series, percents[name], problem = _parse_targets(series, name)
        elif kind == "identifier":
            series, problem = _as_identifier(series), None
        else:  # free text: kept as text, trimmed
            series, problem = _as_text(series), None
        if problem:
            problems.append(problem)
        if kind in {"number", "money", "target"}:
            series, problem = _refuse_unusable_numbers(series, frame[name], name)
            if problem:
                problems.append(problem)
        columns[name] = series
    for name, percent in percents.items():
        measures = columns.get(schema.columns[name].metadata["measure_column"])
        if measures is not None:
            columns[name], found = _judge_targets(
                columns[name], percent, measures, frame[name], name
            )
            problems += found
    normalised = pd.DataFrame(columns, index=frame.index)
    # Blank demand classes are allowed (not yet classified); how many there are depends on the
    # rows a report selects, so the measures count them (demand.data_notes), not the loader.
    if "demand_class" in normalised:
        if "failure_type" in normalised:
            odd = normalised["demand_class"].eq("value") & normalised["failure_type"].notna()
            if odd.any():
                count = int(odd.sum())
                warnings.append(
                    f"{_rows(count)} {'is' if count == 1 else 'are'} value demand but "
                    f"{'has' if count == 1 else 'have'} a failure type; "
                    f"{'its' if count == 1 else 'their'} failure type was ignored."
                )
                normalised["failure_type"] = normalised["failure_type"].where(~odd)
    return normalised, problems, warnings


def _as_text(series: pd.Series) -> pd.Series:
    text = series.astype("str").str.strip().where(series.notna())
    return text.where(text != "")


def _as_identifier(series: pd.Series) -> pd.Series:
    """Identifiers as text. Whole numbers stored as decimals (Parquet, Excel) lose the ".0", so
    case 101 in one file matches case 101 in another."""
    if pd.api.types.is_float_dtype(series):
        present = series.dropna()
        if (present == present.round()).all():
            series = series.astype("Int64")
    elif series.dtype == object:
        series = series.map(
            lambda value: int(value) if isinstance(value, float) and value.is_integer() else value
        )
    return _as_text(series)


def _map_activities(names: pd.Series, activity_map: dict[str, str]) -> tuple[pd.Series, str | None]:
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
        f"{_count(len(names), 'activity name')} ({_rows(rows)}) {'is' if one else 'are'} not in "
        f"the activity map, so {'its' if one else 'their'} rows were counted as \"other\": "
        f"{shown}. To count {'it' if one else 'them'} as another kind, add "
        f"{'it' if one else 'them'} to an activity map ('local name: kind')."
    )


def _merge_spellings(series: pd.Series) -> pd.Series:
    """Trim, collapse spaces, and merge spellings that differ only in case (most common wins)."""
    text = _as_text(series)
    codes = text.astype("category")
    originals = pd.Series(codes.cat.categories)
    tidy = originals.str.replace(r"\s+", " ", regex=True)
    counts = codes.value_counts(sort=False).reindex(originals.values).to_numpy()
    table = pd.DataFrame({"original": originals, "tidy": tidy, "key": tidy.str.casefold(), "n": counts})
    chosen = (
        table.groupby(["key", "tidy"], sort=False)["n"].sum().reset_index()
        .sort_values(["key", "n", "tidy"], ascending=[True, False, True])
        .drop_duplicates("key")
        .set_index("key")["tidy"]
    )
    table["final"] = table["key"].map(chosen)
    mapping = dict(zip(table["original"], table["final"]))
    return codes.map(mapping).astype("category")


def _fold_categories(series: pd.Series, name: str) -> pd.Series:
    """Map known spellings to the canonical values; unknown values are kept so the check lists them."""
    synonyms = CATEGORY_SYNONYMS.get(name, {})
    text = _as_text(series).astype("category")
    mapping = {}
    for original in text.cat.categories:
        key = re.sub(r"[\s\-_]+", " ", str(original).strip().lower())
        mapping[original] = synonyms.get(key, original)
    return text.map(mapping).astype("category")


def _parse_yes_no(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    text = _as_text(series)
    parsed = text.str.lower().map(YES_NO)
    bad = text.notna() & parsed.isna()
    problem = _problem_from_mask(
        bad, text, name, "with a value that is not yes or no.", "yes/no, y/n, true/false or 1/0"
    )
    return parsed.astype("boolean"), problem


_NUMBER_EXAMPLES = {"minutes": "a number of minutes such as 12 or 7.5",
                    "hours": "a number of hours such as 2 or 1.5"}


def _parse_numbers(
    series: pd.Series, name: str, unit: str | None = None
) -> tuple[pd.Series, Problem | None]:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64"), None
    text = _as_text(series)
    grouped = text.str.match(_THOUSANDS.pattern, na=False)
    numbers = pd.to_numeric(
        text.where(~grouped, text.str.replace(",", "", regex=False)), errors="coerce"
    )
    bad = text.notna() & numbers.isna()
    problem = _problem_from_mask(
        bad, text, name, "with a value that is not a number.",
        _NUMBER_EXAMPLES.get(unit, "a number such as 12 or 7.5"),
    )
    return numbers.astype("float64"), problem


def _refuse_unusable_numbers(
    numbers: pd.Series, raw: pd.Series, name: str
) -> tuple[pd.Series, Problem | None]:
    """Numbers that are infinite ("inf", "Infinity") or larger than :data:`LARGEST_NUMBER`
    either side of 0 (``1e308``, whose sums overflow to infinity): a problem naming the rows,
    and blank in the returned numbers so no other check reports them again."""
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        unusable = ~np.isnan(values) & ~(np.abs(values) <= LARGEST_NUMBER)
    if not unusable.any():
        return numbers, None
    mask = pd.Series(unusable, index=numbers.index)
    shown = raw.astype(object).map(_as_found)
    problem = _problem_from_mask(
        mask, shown, name,
        "with a number that is infinite or too large to work with.",
        f"a number between -{LARGEST_NUMBER:,.0f} and {LARGEST_NUMBER:,.0f}",
    )
    return numbers.mask(mask), problem


def _as_found(value: object) -> object:
    """A cell as a message shows it: text as written; a number from Excel or Parquet as
    ``1e+308`` rather than 309 digits (openpyxl reads a whole 1E+308 as an int)."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return value


# Amounts as people write them: "£12,300", "12300.50", "-£1,200", "80%". Accounting negatives,
# "(1,200)", are unwrapped before this is matched.
_AMOUNT = re.compile(
    r"^(?P<sign>[-+]?)(?P<pound>£?)(?P<sign2>[-+]?)"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)(?P<percent>%?)$"
)
_MONEY_EXPECTED = "an amount in pounds such as 12300.50, £12,300 or (1,200) for -1,200"
_TARGET_EXPECTED = (
    "a number in the measure's unit, such as 25, £1,200 or, for a share, 0.8 or 80%"
)


def _read_amounts(
    series: pd.Series, percent: bool
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Numbers from amounts written as people write them (see ``_AMOUNT``), ``£`` allowed and,
    when ``percent``, a ``%`` after the number (the value is returned as written: 80 for 80%).

    Returns the numbers (``float64``), the values as text (to show in a problem), which values
    had a ``%`` and which could not be read.
    """
    index = series.index
    no = pd.Series(False, index=index)
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(object)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64"), series, no, no
    is_number = series.map(
        lambda value: isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
    ).astype(bool)  # Excel gives numbers for number cells and text for the rest
    numbers = pd.Series(np.nan, index=index, dtype="float64")
    numbers[is_number] = series[is_number].astype("float64")
    text = _as_text(series.where(~is_number))
    # Spaces only beside the signs, "£", brackets and "%" ("£ 1,200", "( 1,200 )"), never
    # between digits: "12 300" is reported, not read as 12300.
    tidy = text.str.replace("\u00a0", " ", regex=False).str.replace("\u2212", "-", regex=False)
    tidy = tidy.str.replace(r"(?<=[£(+-])\s+|\s+(?=[)%£])", "", regex=True)
    bracketed = tidy.str.match(r"^\(.*\)$", na=False)
    tidy = tidy.where(~bracketed, tidy.str.slice(1, -1))
    parts = tidy.str.extract(_AMOUNT.pattern)
    signed = parts["sign"].fillna("").ne("") | parts["sign2"].fillna("").ne("")
    has_percent = parts["percent"].fillna("").eq("%")
    readable = (
        parts["number"].notna()
        & ~(parts["sign"].fillna("").ne("") & parts["sign2"].fillna("").ne(""))
        & ~(bracketed & signed)
        & ~(has_percent & parts["pound"].fillna("").eq("£"))
    )
    if not percent:
        readable &= ~has_percent
    values = pd.to_numeric(parts["number"].str.replace(",", "", regex=False), errors="coerce")
    negative = bracketed | parts["sign"].eq("-") | parts["sign2"].eq("-")
    values = values.where(~negative, -values).where(readable)
    numbers = numbers.where(is_number, values)
    shown = series.where(is_number, text)
    bad = text.notna() & numbers.isna()
    return numbers.astype("float64"), shown, has_percent & readable, bad


def _parse_money(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    numbers, shown, _, bad = _read_amounts(series, percent=False)
    problem = _problem_from_mask(
        bad, shown, name, "with a value that is not an amount in pounds.", _MONEY_EXPECTED
    )
    return numbers, problem


def _parse_targets(series: pd.Series, name: str) -> tuple[pd.Series, pd.Series, Problem | None]:
    """Targets as written: numbers, amounts in pounds, or percentages (returned as written, with
    which were percentages, for :func:`_judge_targets` to read by the measure's unit)."""
    numbers, shown, percent, bad = _read_amounts(series, percent=True)
    problem = _problem_from_mask(
        bad, shown, name, "with a target that is not a number.", _TARGET_EXPECTED
    )
    return numbers, percent, problem


_MEASURE_UNITS = {m.key: m.unit for m in MEASURES}


def _judge_targets(
    values: pd.Series, percent: pd.Series, measures: pd.Series, raw: pd.Series, name: str
) -> tuple[pd.Series, list[Problem]]:
    """Read targets by their measure's unit: a share is 0.8 whether written 0.8 or 80%; a share
    outside 0 to 1, or a percentage for a measure that is not a share, is a problem."""
    units = measures.astype(object).map(_MEASURE_UNITS)
    share = units.eq("share")
    values = values.where(~percent, values / 100)
    shown = _as_text(raw)
    problems = []
    outside = share & ((values > 1) | (values < 0))
    problem = _problem_from_mask(
        outside, shown, name,
        "with a target for a share that is not between 0 and 1. A share is written like 0.8 or "
        "80%.",
        "a share such as 0.8 or 80%",
    )
    if problem:
        problems.append(problem)
    negative = units.isin(["count", "days"]) & (values < 0)
    problem = _problem_from_mask(
        negative, shown, name,
        "with a negative target for a count or a number of days, which cannot be below 0.",
        "0 or more for a count or a number of days",
    )
    if problem:
        problems.append(problem)
    misplaced = percent & units.notna() & ~share
    problem = _problem_from_mask(
        misplaced, shown, name, "with a percentage for a measure that is not a share.",
        "a number in the measure's unit (a count, days or pounds)",
    )
    if problem:
        problems.append(problem)
    return values, problems


def _fold_name(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


_MEASURE_NAMES = {
    _fold_name(name): m.key for m in MEASURES for name in (m.key, m.label)
}


def _parse_measures(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    """Measure keys or labels (any case or spacing) read as keys, a category of every key.
    Names of no measure are a problem, with the closest measure suggested for each."""
    text = _as_text(series)
    found = pd.unique(text.dropna())
    keys = {value: measure_key(value) for value in found}
    result = pd.Series(
        pd.Categorical(text.map(keys), categories=list(MEASURE_KEYS)), index=series.index
    )
    bad = text.notna() & result.isna()
    if not bad.any():
        return result, None
    unknown = list(dict.fromkeys(text[bad]))
    listed = []
    for value in unknown[:SHOWN_ROWS]:
        close = difflib.get_close_matches(_fold_name(value), list(_MEASURE_NAMES), n=1, cutoff=0.6)
        hint = f' (did you mean "{_MEASURE_NAMES[close[0]]}"?)' if close else ""
        listed.append(f'"{value}"{hint}')
    if len(unknown) > SHOWN_ROWS:
        listed.append(f"{len(unknown) - SHOWN_ROWS:,} more")
    problem = _problem_from_mask(
        bad, text, name,
        "naming a measure that is not in the measures table: " + ", ".join(listed) + ".",
        "the key or the label of a measure: " + ", ".join(MEASURE_KEYS),
    )
    return result, problem


_MONTH_NAMES = {
    **{f"{datetime(2000, n, 1):%b}".lower(): n for n in range(1, 13)},
    **{f"{datetime(2000, n, 1):%B}".lower(): n for n in range(1, 13)},
    "sept": 9,
}
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})$")  # 2024-04, 2024/04
_MONTH_YEAR = re.compile(r"^(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})$")  # 04/2024
_NAMED_MONTH = re.compile(r"^(?P<name>[A-Za-z]{3,9})\.?[\s\-/',]*(?P<year>\d{4}|\d{2})$")  # Apr-24
_MONTH_EXPECTED = (
    "a month such as 2024-04, 04/2024, Apr-24 or April 2024, or a date in the month "
    "(03/04/2024, day first, or 2024-04-03)"
)


def _parse_months(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    """Months, as the first day of the month: 2024-04, 2024/04, 04/2024, Apr-24, Apr 2024,
    April 2024, or any date in the month (day first or ISO, or an Excel date)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        dates, problem = _parse_dates(series, name)
        return _month_start(dates), problem
    is_datetime = series.map(lambda value: isinstance(value, datetime)).astype(bool)
    text = _as_text(series.where(~is_datetime))
    year = pd.Series(np.nan, index=series.index)
    month = pd.Series(np.nan, index=series.index)
    for pattern in (_YEAR_MONTH, _MONTH_YEAR):
        parts = text.str.extract(pattern.pattern)
        year = year.fillna(pd.to_numeric(parts["year"]))
        month = month.fillna(pd.to_numeric(parts["month"]))
    parts = text.str.extract(_NAMED_MONTH.pattern)
    named = pd.to_numeric(parts["name"].str.lower().map(_MONTH_NAMES))
    named_year = pd.to_numeric(parts["year"])
    named_year = named_year.where(parts["year"].str.len() != 2, named_year + 2000)
    year = year.fillna(named_year.where(named.notna()))
    month = month.fillna(named)
    valid = year.notna() & month.between(1, 12)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if valid.any():
        result[valid] = _nanosecond_dates(pd.to_datetime(
            pd.DataFrame({"year": year[valid], "month": month[valid], "day": 1}).astype(int),
            errors="coerce",
        ))
    rest = is_datetime | (text.notna() & ~valid)
    if rest.any():  # dates in the month, read as any date is
        dates, _ = _parse_dates(series[rest], name)
        result[rest] = _month_start(dates)
    bad = text.notna() & result.isna()
    problem = _problem_from_mask(
        bad, text, name, "with a month that could not be read.", _MONTH_EXPECTED
    )
    return result, problem


def _month_start(dates: pd.Series) -> pd.Series:
    days = dates.dt.normalize()
    return (days - pd.to_timedelta(days.dt.day - 1, unit="D")).astype("datetime64[ns]")


def _fill_blanks(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Fill the blanks of columns declaring ``blank_from`` from another column of the row (the
    direction of a target from its measure), as a category of the allowed values and the fills."""
    for name, column in schema.columns.items():
        rule = column.metadata.get("blank_from")
        if not rule or name not in frame.columns or rule[0] not in frame.columns:
            continue
        other, lookup = rule
        given = frame[name].astype(object)
        filled = given.where(given.notna(), frame[other].astype(object).map(lookup))
        categories = list(dict.fromkeys([*column.metadata.get("allowed", ()), *lookup.values()]))
        frame[name] = pd.Categorical(filled, categories=categories)
    return frame


_DATE_EXPECTED = "a date such as 03/04/2024 (day first) or 2024-04-03, optionally with a time"


def _nanosecond_dates(dates: pd.Series) -> pd.Series:
    """Dates as ``datetime64[ns]``, those outside what it holds (before 1678 or after 2261: a
    year typed as 0001 or 9999) blank, to be reported as dates that could not be read."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce")
    inside = dates.notna() & (dates >= pd.Timestamp.min) & (dates <= pd.Timestamp.max)
    return dates.where(inside).astype("datetime64[ns]")


def _parse_dates(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    """Read dates day first (03/04/2024 is 3 April 2024) or ISO, with or without a time."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):  # e.g. Parquet written with a time zone
        series = series.dt.tz_convert(LOCAL_TIME_ZONE).dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = _nanosecond_dates(series)
        return dates, _problem_from_mask(series.notna() & dates.isna(), series.astype(object), name,
                                         "with a date outside the years 1678 to 2261.", _DATE_EXPECTED)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if series.dtype == object:  # Excel gives real dates for date cells and text for the rest
        is_datetime = series.map(lambda value: isinstance(value, datetime))
    else:
        is_datetime = pd.Series(False, index=series.index)
    if is_datetime.any():
        result[is_datetime] = _nanosecond_dates(pd.Series(pd.to_datetime(series[is_datetime].tolist()),
                                                          index=series.index[is_datetime]))
    text = _as_text(series.where(~is_datetime))
    todo = text.notna()
    iso = todo & text.str.match(_ISO_START.pattern, na=False)
    zoned = iso & text.str.contains(_ZONE_SUFFIX.pattern, na=False)
    if (iso & ~zoned).any():
        plain = iso & ~zoned
        result[plain] = _nanosecond_dates(pd.to_datetime(text[plain], format="ISO8601", errors="coerce"))
    if zoned.any():  # "2024-04-03T09:00:00Z", "...+01:00": read as UK clock time
        stamps = pd.to_datetime(text[zoned], format="ISO8601", errors="coerce", utc=True)
        result[zoned] = _nanosecond_dates(stamps.dt.tz_convert(LOCAL_TIME_ZONE).dt.tz_localize(None))
    todo &= result.isna()
    for fmt in _DAY_FIRST_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        result[todo] = _nanosecond_dates(parsed)
        todo &= result.isna()
    bad = text.notna() & result.isna()
    if not bad.any():
        return result, None
    expected = _DATE_EXPECTED
    message = "with a date that could not be read."
    # Judge only the values shaped like dates, so one stray word does not hide the hint.
    month_first = text[bad].str.extract(_MONTH_FIRST.pattern).astype(float).dropna()
    if (month_first[1] > 12).any() and (month_first[0] <= 12).all():
        example = text[month_first.index[month_first[1] > 12][0]]
        message += (
            f' Dates such as "{example}" look like month-first (US) dates: this suite reads '
            "dates day first, so re-export them day first or as 2024-04-03."
        )
    return result, _problem_from_mask(bad, text, name, message, expected)


def _problem_from_mask(
    bad: pd.Series, values: pd.Series, column: str, message: str, expected: str
) -> Problem | None:
    count = int(bad.sum())
    if not count:
        return None
    shown = values[bad].head(SHOWN_ROWS)
    return Problem(
        f"{_rows(count)} {message}",
        column=column,
        rows=tuple(int(i) for i in shown.index),
        values=tuple(shown.tolist()),
        count=count,
        expected=expected,
        all_rows=frozenset(int(i) for i in bad.index[bad.to_numpy()]),
    )


def _rows(count: int) -> str:
    return f"{count:,} {'row' if count == 1 else 'rows'}"


# --------------------------------------------------------------------------------------------
# contract checks (pandera)


def _check_contract(
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
            message, expected = f"{_rows(count)} left blank.", "a value in every row"
        elif str(check).startswith("allowed_values") or str(check).startswith("isin"):
            found = group["failure_case"].astype(str).value_counts()
            listed = ", ".join(f'"{value}" ({n:,})' for value, n in found.head(8).items())
            message = f"{_rows(count)} with a value that is not allowed: {listed}."
            expected = "one of: " + ", ".join(meta["allowed"])
            if column == "demand_class":
                expected += " (V and F are accepted; blank means not yet classified)"
            elif column == "direction":
                expected = "higher or lower (which is better; increase and decrease are accepted too)"
        elif str(check).startswith("not_negative") or str(check).startswith("greater_than"):
            message, expected = f"{_rows(count)} with a negative number.", "0 or more"
        elif check == "field_uniqueness":
            article = "an" if column[:1] in "aeiou" else "a"
            message = f"{_rows(count)} sharing {article} {column} with another row."
            expected = f"each {column} only once"
        else:
            message, expected = f"{_rows(count)} failing the check {check}.", None
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
        f"{_rows(len(rows))} {rule['message']}",
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


def load_case_table(path: str | Path, cohort_col: str = "cohort", sheet: str | int | None = None) -> pd.DataFrame:
    """Load a table that already has one row of measures per case (for the comparison workbook).

    It must have the cohort column; every other column whose non-blank values are all numbers
    (or yes/no) is read as a measure, and the rest are kept as text. Same file types and
    encodings as the other loaders.

    Raises
    ------
    DataError
        If the cohort column is missing (listing the columns found, with a close match), the
        cohort column has blanks, or no column holds numbers.
    """
    path = Path(path)
    raw, digest = read_raw(path, sheet=sheet, known_headers={_header_key(cohort_col)})
    columns = {_header_key(c): c for c in raw.columns}
    if _header_key(cohort_col) not in columns:
        found = [str(c) for c in raw.columns]
        close = difflib.get_close_matches(cohort_col, found, n=1)
        hint = f' Did you mean "{close[0]}"? Pass it as cohort_col.' if close else ""
        raise DataError(path, Problem(
            f'There is no "{cohort_col}" column to tell the cohorts apart.{hint} Columns found: '
            + ", ".join(f'"{c}"' for c in found) + "."
        ))
    frame = raw.rename(columns={columns[_header_key(cohort_col)]: cohort_col})
    frame[cohort_col] = _as_text(frame[cohort_col])
    problems = []
    blank = frame[cohort_col].isna()
    if blank.any():
        problems.append(_problem_from_mask(blank, frame[cohort_col], cohort_col, "with no cohort.",
                                           "a cohort name in every row"))
    numeric = []
    for column in frame.columns:
        if column == cohort_col:
            continue
        text = _as_text(frame[column])
        yes_no = text.str.lower().map(YES_NO)
        numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        if text.notna().any() and (numbers.notna() | text.isna()).all():
            frame[column] = numbers.astype("float64")
            numeric.append(column)
        elif text.notna().any() and (yes_no.notna() | text.isna()).all():
            frame[column] = yes_no.astype("boolean")
            numeric.append(column)
        else:
            frame[column] = text
    if not numeric:
        problems.append(Problem("No column holds numbers, so there is nothing to compare.",
                                expected="columns of numbers (or yes/no) per case"))
    if problems:
        raise DataError(path, problems)
    frame.index.name = "row"
    frame.attrs["source"] = {"path": str(path), "name": path.name, "sha256": digest, "rows": int(len(frame))}
    frame.attrs["warnings"] = []
    return frame
