"""Reading the values of each column by its kind in the contract: dates day first, months, yes/no,
numbers, amounts in pounds, targets, measure names, categories and their other spellings, text
and identifiers. Each parser returns the values read and a problem naming the rows it could not
read.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime

import numpy as np
import pandas as pd
import pandera.pandas as pa

from workbook_helpers.data.activities import map_activities
from workbook_helpers.data.contracts import CATEGORY_SYNONYMS, MEASURE_KEYS
from workbook_helpers.data.inputs import YES_NO
from workbook_helpers.data.problems import SHOWN_ROWS, problem_from_mask, row_count
from workbook_helpers.exceptions import Problem
from workbook_helpers.data.performance_measures import MEASURES, measure_key

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
# Commas in a number are accepted only as thousands separators: "7,5" is reported, not read as 75.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def normalise(
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
            series, warning = map_activities(names, activity_map or {})
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
            series, problem = as_text(series), None
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
                    f"{row_count(count)} {'is' if count == 1 else 'are'} value demand but "
                    f"{'has' if count == 1 else 'have'} a failure type; "
                    f"{'its' if count == 1 else 'their'} failure type was ignored."
                )
                normalised["failure_type"] = normalised["failure_type"].where(~odd)
    return normalised, problems, warnings


def as_text(series: pd.Series) -> pd.Series:
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
    return as_text(series)


def _merge_spellings(series: pd.Series) -> pd.Series:
    """Trim, collapse spaces, and merge spellings that differ only in case (most common wins)."""
    text = as_text(series)
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
    text = as_text(series).astype("category")
    mapping = {}
    for original in text.cat.categories:
        key = re.sub(r"[\s\-_]+", " ", str(original).strip().lower())
        mapping[original] = synonyms.get(key, original)
    return text.map(mapping).astype("category")


def _parse_yes_no(series: pd.Series, name: str) -> tuple[pd.Series, Problem | None]:
    text = as_text(series)
    parsed = text.str.lower().map(YES_NO)
    bad = text.notna() & parsed.isna()
    problem = problem_from_mask(
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
    text = as_text(series)
    grouped = text.str.match(_THOUSANDS.pattern, na=False)
    numbers = pd.to_numeric(
        text.where(~grouped, text.str.replace(",", "", regex=False)), errors="coerce"
    )
    bad = text.notna() & numbers.isna()
    problem = problem_from_mask(
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
    problem = problem_from_mask(
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
    text = as_text(series.where(~is_number))
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
    problem = problem_from_mask(
        bad, shown, name, "with a value that is not an amount in pounds.", _MONEY_EXPECTED
    )
    return numbers, problem


def _parse_targets(series: pd.Series, name: str) -> tuple[pd.Series, pd.Series, Problem | None]:
    """Targets as written: numbers, amounts in pounds, or percentages (returned as written, with
    which were percentages, for :func:`_judge_targets` to read by the measure's unit)."""
    numbers, shown, percent, bad = _read_amounts(series, percent=True)
    problem = problem_from_mask(
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
    shown = as_text(raw)
    problems = []
    outside = share & ((values > 1) | (values < 0))
    problem = problem_from_mask(
        outside, shown, name,
        "with a target for a share that is not between 0 and 1. A share is written like 0.8 or "
        "80%.",
        "a share such as 0.8 or 80%",
    )
    if problem:
        problems.append(problem)
    negative = units.isin(["count", "days"]) & (values < 0)
    problem = problem_from_mask(
        negative, shown, name,
        "with a negative target for a count or a number of days, which cannot be below 0.",
        "0 or more for a count or a number of days",
    )
    if problem:
        problems.append(problem)
    misplaced = percent & units.notna() & ~share
    problem = problem_from_mask(
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
    text = as_text(series)
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
    problem = problem_from_mask(
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
    text = as_text(series.where(~is_datetime))
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
    problem = problem_from_mask(
        bad, text, name, "with a month that could not be read.", _MONTH_EXPECTED
    )
    return result, problem


def _month_start(dates: pd.Series) -> pd.Series:
    days = dates.dt.normalize()
    return (days - pd.to_timedelta(days.dt.day - 1, unit="D")).astype("datetime64[ns]")


def fill_blanks(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
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
        return dates, problem_from_mask(series.notna() & dates.isna(), series.astype(object), name,
                                         "with a date outside the years 1678 to 2261.", _DATE_EXPECTED)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if series.dtype == object:  # Excel gives real dates for date cells and text for the rest
        is_datetime = series.map(lambda value: isinstance(value, datetime))
    else:
        is_datetime = pd.Series(False, index=series.index)
    if is_datetime.any():
        result[is_datetime] = _nanosecond_dates(pd.Series(pd.to_datetime(series[is_datetime].tolist()),
                                                          index=series.index[is_datetime]))
    text = as_text(series.where(~is_datetime))
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
    return result, problem_from_mask(bad, text, name, message, expected)
