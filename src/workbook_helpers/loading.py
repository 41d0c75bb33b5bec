"""Loading data files: read, map columns, normalise, check against the contract.

The public verb is :func:`load_demand`. Every problem found in a file is collected and raised
together as one :class:`~workbook_helpers.exceptions.DataError`, with rows numbered as a
spreadsheet numbers them (the header is row 1), so an analyst can open the file and fix it.

The frame returned has one row per data row, indexed by that spreadsheet row number, holding only
the contract's canonical columns. ``frame.attrs["source"]`` records the file (path, name, sha256,
rows) and ``frame.attrs["warnings"]`` what was accepted but is worth knowing.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from .contracts import CATEGORY_SYNONYMS, DEMAND_LOG, YES_NO, required_columns
from .exceptions import DataError, Problem

SHOWN_ROWS = 5  # offending rows listed per problem; the count says how many in all
HEADER_SEARCH_ROWS = 30  # how far down a sheet to look for the header row below a title
LOCAL_TIME_ZONE = "Europe/London"  # date-times with a time zone are read as UK clock time

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
        unreadable dates, values outside the allowed categories, negative minutes, duplicate
        contact ids, blanks in required columns.
    """
    return load_table(path, DEMAND_LOG, column_map=column_map, sheet=sheet)


def load_table(
    path: str | Path,
    schema: pa.DataFrameSchema,
    column_map: str | Path | dict | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Load any file against a contract declared in :mod:`workbook_helpers.contracts`."""
    path = Path(path)
    mapping = read_column_map(column_map, schema) if column_map is not None else {}
    raw, digest = read_raw(path, sheet=sheet, known_headers=_known_headers(schema, mapping))
    frame = _rename_columns(raw, path, schema, mapping)
    frame, problems, warnings = _normalise(frame, schema)
    # A value that could not be read is already reported; do not report it again as blank.
    unreadable = {(p.column, row) for p in problems for row in p.all_rows}
    problems += [
        problem.without_rows(unreadable) for problem in _check_contract(frame, schema)
    ]
    problems = [p for p in problems if p.count]
    if problems:
        order = {name: position for position, name in enumerate(schema.columns)}
        problems.sort(key=lambda p: order.get(p.column, -1))
        raise DataError(path, problems)
    frame = frame[[name for name in schema.columns if name in frame.columns]]
    frame.index.name = "row"
    frame.attrs["source"] = {
        "path": str(path),
        "name": path.name,
        "sha256": digest,
        "rows": int(len(frame)),
    }
    frame.attrs["warnings"] = warnings
    return frame


def read_column_map(column_map: str | Path | dict, schema: pa.DataFrameSchema) -> dict[str, str]:
    """Read a column map (``their header: our column``) and check that it names our columns.

    The YAML may be the plain mapping, or have the mapping under a ``columns:`` key.
    """
    source = "the column map"
    if isinstance(column_map, dict):
        entries = column_map
    else:
        map_path = Path(column_map)
        source = str(map_path)
        if not map_path.is_file():
            raise DataError(map_path, "The column map file does not exist.")
        try:
            entries = yaml.safe_load(map_path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" near line {mark.line + 1}" if mark is not None else ""
            raise DataError(
                map_path,
                f"The column map is not valid YAML{where}. Expected lines like "
                "'Date Received: received'.",
            ) from None
    if isinstance(entries, dict) and isinstance(entries.get("columns"), dict):
        entries = entries["columns"]
    if not isinstance(entries, dict) or not entries:
        raise DataError(
            source, "The column map is empty or not a mapping. Expected lines like "
            "'Date Received: received'."
        )
    problems = []
    known = list(schema.columns)
    for theirs, ours in entries.items():
        if str(ours) not in schema.columns:
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
    return {_header_key(name) for name in schema.columns} | {_header_key(h) for h in mapping}


def _rename_columns(
    raw: pd.DataFrame, path: Path, schema: pa.DataFrameSchema, mapping: dict[str, str]
) -> pd.DataFrame:
    mapped = {_header_key(theirs): ours for theirs, ours in mapping.items()}
    canonical = {_header_key(name): name for name in schema.columns}
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
    frame: pd.DataFrame, schema: pa.DataFrameSchema
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    problems: list[Problem] = []
    warnings: list[str] = []
    columns = {}
    for name in frame.columns:
        kind = schema.columns[name].metadata["kind"]
        series = frame[name]
        if kind == "date":
            series, problem = _parse_dates(series, name)
        elif kind == "text":
            series, problem = _merge_spellings(series), None
        elif kind == "category":
            series, problem = _fold_categories(series, name), None
        elif kind == "yes/no":
            series, problem = _parse_yes_no(series, name)
        elif kind == "minutes":
            series, problem = _parse_numbers(series, name)
        else:  # identifiers and free text: kept as text, trimmed
            series, problem = _as_text(series), None
        columns[name] = series
        if problem:
            problems.append(problem)
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


def _parse_numbers(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64"), None
    text = _as_text(series)
    grouped = text.str.match(_THOUSANDS.pattern, na=False)
    numbers = pd.to_numeric(
        text.where(~grouped, text.str.replace(",", "", regex=False)), errors="coerce"
    )
    bad = text.notna() & numbers.isna()
    problem = _problem_from_mask(
        bad, text, name, "with a value that is not a number.", "a number of minutes such as 12 or 7.5"
    )
    return numbers.astype("float64"), problem


def _parse_dates(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    """Read dates day first (03/04/2024 is 3 April 2024) or ISO, with or without a time."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):  # e.g. Parquet written with a time zone
        series = series.dt.tz_convert(LOCAL_TIME_ZONE).dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ns]"), None
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if series.dtype == object:  # Excel gives real dates for date cells and text for the rest
        is_datetime = series.map(lambda value: isinstance(value, datetime))
    else:
        is_datetime = pd.Series(False, index=series.index)
    if is_datetime.any():
        result[is_datetime] = pd.to_datetime(series[is_datetime].tolist()).astype("datetime64[ns]")
    text = _as_text(series.where(~is_datetime))
    todo = text.notna()
    iso = todo & text.str.match(_ISO_START.pattern, na=False)
    zoned = iso & text.str.contains(_ZONE_SUFFIX.pattern, na=False)
    if (iso & ~zoned).any():
        plain = iso & ~zoned
        result[plain] = pd.to_datetime(text[plain], format="ISO8601", errors="coerce")
    if zoned.any():  # "2024-04-03T09:00:00Z", "...+01:00": read as UK clock time
        stamps = pd.to_datetime(text[zoned], format="ISO8601", errors="coerce", utc=True)
        result[zoned] = stamps.dt.tz_convert(LOCAL_TIME_ZONE).dt.tz_localize(None)
    todo &= result.isna()
    for fmt in _DAY_FIRST_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        result[todo] = parsed
        todo &= result.isna()
    bad = text.notna() & result.isna()
    if not bad.any():
        return result, None
    expected = "a date such as 03/04/2024 (day first) or 2024-04-03, optionally with a time"
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


def _check_contract(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _problems_from_failures(errors.failure_cases, schema)
    return []


def _problems_from_failures(failures: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    problems = []
    failures = failures[failures["column"].notna()]
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
        elif str(check).startswith("not_negative") or str(check).startswith("greater_than"):
            message, expected = f"{_rows(count)} with a negative number.", "0 or more"
        elif check == "field_uniqueness":
            message = f"{_rows(count)} sharing a {column} with another row."
            expected = f"each {column} only once"
        else:
            message, expected = f"{_rows(count)} failing the check {check}.", None
        all_rows = frozenset(int(i) for i in group["index"])
        problems.append(Problem(message, column, rows, values, count, expected, all_rows))
    return problems
