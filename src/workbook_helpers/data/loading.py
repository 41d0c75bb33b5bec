"""Loading data files: read, map columns, normalise, check against the contract.

The public verbs are :func:`load_demand`, :func:`load_events` and :func:`load_cases` (with
:func:`check_case_files` to check the last two agree), :func:`load_case_table` for a table of
measures per case, and for the team-performance workbook :func:`load_work_items`,
:func:`load_spending`, :func:`load_targets` and :func:`load_actions`. Every problem found in a
file is collected and raised together as one :class:`~workbook_helpers.exceptions.DataError`,
with rows numbered as a spreadsheet numbers them (the header is row 1), so an analyst can open
the file and fix it.

The frame returned has one row per data row, indexed by that spreadsheet row number, holding only
the contract's canonical columns (every one of them, for contracts that say ``all_columns``).
``frame.attrs["source"]`` records the file (path, name, sha256, rows, and how many rows repeated
an earlier row exactly) and ``frame.attrs["warnings"]`` what was accepted but is worth knowing:
rows repeating an earlier row exactly (kept unless ``drop_duplicates``), values above a
plausible ceiling (handling minutes, hours in a day), dates after the day of the run
(:func:`workbook_helpers.clock.today`).

Each step has a module of its own: :mod:`~workbook_helpers.data.reading` (the file and its
headers), :mod:`~workbook_helpers.data.parsing` (values by kind),
:mod:`~workbook_helpers.data.activities` (the activity map), :mod:`~workbook_helpers.data.notes`
(what is worth a note) and :mod:`~workbook_helpers.data.problems` (what is wrong, in words).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from workbook_helpers.data.activities import read_activity_map
from workbook_helpers.data.contracts import (
    ACTIONS,
    CASE_EVENTS,
    CASES,
    DEMAND_LOG,
    MAX_HANDLING_MINUTES,
    SPENDING,
    TARGETS,
    WORK_ITEMS,
    file_columns,
)
from workbook_helpers.data.inputs import YES_NO
from workbook_helpers.data.notes import copies_warning, exact_copies, plausibility_warnings
from workbook_helpers.data.parsing import as_text, fill_blanks, normalise
from workbook_helpers.data.problems import check_contract, noun_count, problem_from_mask
from workbook_helpers.data.reading import contract_headers, header_key, read_column_map, read_raw, rename_columns
from workbook_helpers.exceptions import DataError, Problem

SHOWN_CASES = 5  # case ids listed per problem when the cases and case events files disagree


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
        :data:`~workbook_helpers.data.performance_measures.MEASURES`.

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
                f'{noun_count(len(pairs), "case id")} {"differs" if len(pairs) == 1 else "differ"} '
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
        f"{noun_count(len(ids), 'case')} {where} {verb} {lacking}: {shown}.",
        column="case_id",
        count=len(ids),
        expected="every case in both files",
    )


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
    raw, digest = read_raw(path, sheet=sheet, known_headers=contract_headers(schema, mapping))
    copies, first_copied = exact_copies(raw)
    warnings = [copies_warning(copies, first_copied, drop_duplicates)] if copies.any() else []
    if drop_duplicates and copies.any():
        raw = raw[~copies.to_numpy()]
    frame = rename_columns(raw, path, schema, mapping)
    if (schema.metadata or {}).get("all_columns"):
        # Optional columns the file lacks, all blank: read like any column, so they get the
        # dtype they would have had.
        for name in file_columns(schema):
            if name not in frame.columns:
                frame[name] = pd.Series(None, index=frame.index, dtype=object)
    frame, problems, found = normalise(frame, schema, activities)
    warnings += found
    # A value that could not be read is already reported; do not report it again as blank.
    unreadable = {(p.column, row) for p in problems for row in p.all_rows}
    problems += check_contract(frame, schema, unreadable)
    problems = [p for p in problems if p.count]
    if problems:
        order = {name: position for position, name in enumerate(schema.columns)}
        problems.sort(key=lambda p: order.get(p.column, -1))
        raise DataError(path, problems)
    warnings += plausibility_warnings(frame, schema, at_most)
    frame = fill_blanks(frame, schema)
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
    raw, digest = read_raw(path, sheet=sheet, known_headers={header_key(cohort_col)})
    columns = {header_key(c): c for c in raw.columns}
    if header_key(cohort_col) not in columns:
        found = [str(c) for c in raw.columns]
        close = difflib.get_close_matches(cohort_col, found, n=1)
        hint = f' Did you mean "{close[0]}"? Pass it as cohort_col.' if close else ""
        raise DataError(path, Problem(
            f'There is no "{cohort_col}" column to tell the cohorts apart.{hint} Columns found: '
            + ", ".join(f'"{c}"' for c in found) + "."
        ))
    frame = raw.rename(columns={columns[header_key(cohort_col)]: cohort_col})
    frame[cohort_col] = as_text(frame[cohort_col])
    problems = []
    blank = frame[cohort_col].isna()
    if blank.any():
        problems.append(problem_from_mask(blank, frame[cohort_col], cohort_col, "with no cohort.",
                                           "a cohort name in every row"))
    numeric = []
    for column in frame.columns:
        if column == cohort_col:
            continue
        text = as_text(frame[column])
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
