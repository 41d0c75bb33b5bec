"""Reading a file as it is: CSV (its encoding and separator sniffed), Excel or Parquet, a title
above the header row skipped; then its headers matched to a contract's columns, directly or
through a column map (``their header: our column``).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from workbook_helpers.data.contracts import file_columns, required_columns
from workbook_helpers.exceptions import DataError, Problem

HEADER_SEARCH_ROWS = 30  # how far down a sheet to look for the header row below a title
_MISSING_MARKERS = ["", "#N/A"]


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
        hits = sum(1 for cell in row if header_key(cell) in known_headers)
        if hits > best_hits:
            best, best_hits = position, hits
    return best if best_hits >= 2 else 0


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()



# --------------------------------------------------------------------------------------------
# columns


def header_key(header: object) -> str:
    return re.sub(r"[\s\-_]+", "_", str(header).strip().lower()).strip("_")


def contract_headers(schema: pa.DataFrameSchema, mapping: dict[str, str]) -> set[str]:
    return {header_key(name) for name in file_columns(schema)} | {header_key(h) for h in mapping}


def rename_columns(
    raw: pd.DataFrame, path: Path, schema: pa.DataFrameSchema, mapping: dict[str, str]
) -> pd.DataFrame:
    mapped = {header_key(theirs): ours for theirs, ours in mapping.items()}
    canonical = {header_key(name): name for name in file_columns(schema)}
    renames: dict[str, str] = {}
    claimed: dict[str, list[str]] = {}
    for header in raw.columns:
        key = header_key(header)
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
    by_key = {header_key(h): h for h in unused}
    close = difflib.get_close_matches(header_key(name), list(by_key), n=1, cutoff=0.6)
    if close:
        message += (
            f' Did you mean "{by_key[close[0]]}"? If so, rename it, or add '
            f"'{by_key[close[0]]}: {name}' to a column map."
        )
    message += " Columns found: " + ", ".join(f'"{h}"' for h in found) + "."
    return Problem(message)


def read_column_map(column_map: str | Path | dict, schema: pa.DataFrameSchema) -> dict[str, str]:
    """Read a column map (``their header: our column``) and check that it names our columns.

    The YAML may be the plain mapping, or have the mapping under a ``columns:`` key.
    """
    source, entries = read_map(column_map, "column map", "Expected lines like 'Date Received: received'.")
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


def read_map(given: str | Path | dict, what: str, example: str) -> tuple[str, object]:
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
