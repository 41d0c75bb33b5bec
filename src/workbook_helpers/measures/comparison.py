"""The before/after comparison: did the new way of working make a difference?

:func:`compare_cohorts` takes one row per case (as :func:`workbook_helpers.measures.cases.case_measures`
returns it, or a team's own table with a cohort column and numeric measure columns) and returns one
row per measure: the standard way, the new way, the change, a bootstrap confidence interval for it,
and a sentence a director can repeat. :func:`comparison_direction` says whether a row's change is
better, worse or not clear, for the report's arrows.

Which measures are compared, in what order, with what words and which direction counts as better,
comes from one table (:mod:`workbook_helpers.measures.comparison_measures`).

How each kind of measure is compared:

- *count*, *hours*, *days*: the mean per case in each cohort; the change is the percentage change of
  the mean (``change_kind`` ``"percent"``, a fraction: -0.64 is "down 64%"). When the standard way's
  mean is 0 there is no percentage change: the change is the difference of the means
  (``"difference"``) and ``caution`` says why.
- *hours_share*: the pooled share (the cohort's total numerator hours over its total denominator
  hours, so long cases weigh more); *share*: the mean of the cases' own shares; *yes_no*: the share
  of cases with a known yes or no that are yes. The change is in percentage points (``"points"``,
  a fraction: 0.14 is 14 percentage points).
- *time_to_close*: the median days to close, by the Kaplan–Meier estimate
  (:func:`workbook_helpers.measures.time_to_close.km_median`): the measure's column holds each case's days
  (a case still open: its days so far) and the table's ``open`` column says which cases are still
  open, so their days count as "open at least this long", not as a finished journey. The change is
  the percentage change of the median.

Under :data:`MIN_CASES_FOR_INTERVAL` cases in a cohort there is no interval, and the sentence gives
the two cohorts' figures and says there are too few cases to judge a change
(:func:`comparison_direction` gives ``"too few cases"``). An interval that reaches no change at
either end says that it includes no change.

The interval comes from :func:`scipy.stats.bootstrap`: the cases of each cohort are resampled
independently (for a pooled share a case's numerator and denominator move together), or, with
``paired=True``, the matched pairs are resampled. BCa where it is defined, else the percentile
interval (``caution`` says so). Each bootstrap starts from ``numpy.random.default_rng(seed)``, so a
measure's interval is the same whichever other measures are asked for, and the same on every run.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import bootstrap

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.formatting import fmt_number, fmt_pct, fmt_points
from workbook_helpers.data.inputs import YES_NO
from workbook_helpers.measures.comparison_measures import MEASURE_KINDS, measure_config
from workbook_helpers.measures.time_to_close import km_median

__all__ = [
    "COMPARISON_COLUMNS",
    "MIN_CASES_FOR_INTERVAL",
    "OPEN_COLUMN",
    "available_measures",
    "interval_text",
    "compare_cohorts",
    "comparison_direction",
]

#: The column of a per-case table that says which cases are still open (for ``time_to_close``).
OPEN_COLUMN = "open"

#: The columns of :func:`compare_cohorts`'s result, in order.
COMPARISON_COLUMNS = (
    "measure", "label", "better", "n_before", "n_after", "before", "after", "change", "change_kind",
    "ci_low", "ci_high", "sentence", "caution",
    "difference", "difference_low", "difference_high", "interval_method",
)

MIN_CASES_FOR_INTERVAL = 10  # below this in a cohort, no interval is given
MIN_CASES_FOR_FIRM_INTERVAL = 20  # below this, the interval is given but called rough
_MIN_RESAMPLES = 100
_UNITS = {"hours": " hours", "days": " days", "time_to_close": " days"}  # after the per-case means in a sentence
# scipy 1.15 renamed bootstrap's random_state to rng (the old name still works there).
_RNG_KEYWORD = "rng" if "rng" in inspect.signature(bootstrap).parameters else "random_state"


# --------------------------------------------------------------------------------------------
# The comparison


def compare_cohorts(
    table: pd.DataFrame,
    cohort_col: str = "cohort",
    before: str = "before",
    after: str = "after",
    measures: str | Iterable[str] | None = None,
    paired: bool = False,
    id_col: str | None = None,
    confidence: float = 0.95,
    resamples: int = 9999,
    seed: int | None = 0,
    config: Mapping | pd.DataFrame | str | Path | None = None,
    before_label: str | None = None,
    after_label: str | None = None,
) -> pd.DataFrame:
    """Compare two cohorts of cases measure by measure, with bootstrap confidence intervals.

    Parameters
    ----------
    table:
        One row per case: :func:`~workbook_helpers.measures.cases.case_measures`'s output, or a team's own
        table with a cohort column and numeric measure columns (yes/no columns may hold booleans,
        0/1 or the words yes and no). Blank values are left out, measure by measure.
    cohort_col:
        The column naming each case's cohort.
    before, after:
        The cohort values to compare: the standard way (the baseline) and the new way.
    measures:
        The measures (columns) to compare, in this order. ``None``: every configured measure the
        table has a known value of, in the configuration's order.
    paired:
        Match cases across the cohorts by ``id_col`` (the same person before and after) and
        resample pairs. Cases without a partner are left out, with a caution.
    id_col:
        The column that links a case to its partner in the other cohort (only used with
        ``paired=True``, which needs it).
    confidence:
        The confidence level of the intervals, between 0 and 1.
    resamples:
        Bootstrap resamples per interval (at least 100).
    seed:
        Seed of ``numpy.random.default_rng`` for every bootstrap; the same inputs and seed give
        the same output. ``None`` draws fresh resamples on each run.
    config:
        A team's own measure entries, on top of the built-in table (see :func:`measure_config`).

    Returns
    -------
    DataFrame
        One row per measure with the columns :data:`COMPARISON_COLUMNS`:

        - ``measure``, ``label``, ``better`` (``lower``/``higher``/``neutral``);
        - ``n_before``, ``n_after``: cases with a known value in each cohort (pairs, when paired);
        - ``before``, ``after``: the per-case means, or for shares the share (0 to 1);
        - ``change``: ``after / before - 1`` (``change_kind`` ``"percent"``), ``after - before``
          for shares (``"points"``) and for a percent measure whose baseline mean is 0
          (``"difference"``); ``ci_low``, ``ci_high``: its interval (NaN when not given);
        - ``sentence``: the result in plain words; ``caution``: what to bear in mind (``""`` when
          nothing);
        - ``difference``, ``difference_low``, ``difference_high``: the change in the measure's own
          units (after minus before: means, or shares as fractions) and its interval, for the
          estimation chart;
        - ``interval_method``: ``"BCa"``, ``"percentile"`` or ``None`` (no interval, or an
          interval of no width because every case has the same value).

    Raises
    ------
    ParameterError
        For a bad argument: a column that is not in the table, a cohort that is not in the cohort
        column (listing those present), an unknown measure (listing the ones that can be
        compared), a measure column that is not numeric, or duplicated ids when paired.
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            "The table should be a data frame with one row per case (as case_measures "
            f"returns), not {type(table).__name__}."
        )
    _check_options(table, cohort_col, before, after, paired, id_col, confidence, resamples, seed)
    configured = measure_config(config)
    names = _chosen_measures(table, configured, measures)

    cohort = table[cohort_col].astype(object).where(table[cohort_col].notna(), None)
    cohort = cohort.map(lambda v: None if v is None else str(v)).to_numpy()
    in_before = np.flatnonzero(cohort == str(before))
    in_after = np.flatnonzero(cohort == str(after))
    pair_note = ""
    if paired:
        in_before, in_after, pair_note = _pairs(table, id_col, in_before, in_after, before, after)

    # Cautions and sentences name the cohorts as the report does ("standard way"), if given.
    settings = _Settings(str(before_label or before), str(after_label or after), paired, confidence,
                         resamples, seed)
    rows = [
        _compare_one(table, name, configured.loc[name], in_before, in_after, settings, pair_note)
        for name in names
    ]
    result = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return result.astype({"n_before": "int64", "n_after": "int64"})


def available_measures(table: pd.DataFrame, config: Mapping | pd.DataFrame | str | Path | None = None) -> list[str]:
    """The measures :func:`compare_cohorts` compares in ``table`` when not told which: every
    configured measure (built-in, with ``config`` on top) that the table has a known value of,
    in the configuration's order. Raises :class:`ParameterError` when there are none."""
    return _chosen_measures(table, measure_config(config), None)


def comparison_direction(row: Mapping | pd.Series) -> str:
    """Whether a comparison row's change is ``"better"``, ``"worse"``, ``"no clear change"``,
    ``"too few cases"`` or ``"neutral"``.

    ``"too few cases"`` when either cohort has fewer than :data:`MIN_CASES_FOR_INTERVAL` cases (or
    pairs) with a known value, so no interval was worked out. ``"neutral"`` for a measure whose
    ``better`` is neutral. Otherwise the interval decides: wholly above zero is a rise, wholly
    below a fall, judged against ``better``; an interval that includes zero (or ends at it), or no
    interval at all, is ``"no clear change"``.
    """
    sizes = [row.get("n_before"), row.get("n_after")] if hasattr(row, "get") else []
    if any(_finite(n) and 0 < float(n) < MIN_CASES_FOR_INTERVAL for n in sizes):
        return "too few cases"
    if row["better"] == "neutral":
        return "neutral"
    low, high = row["ci_low"], row["ci_high"]
    if not (_finite(low) and _finite(high)):
        return "no clear change"
    if low > 0:
        return "better" if row["better"] == "higher" else "worse"
    if high < 0:
        return "better" if row["better"] == "lower" else "worse"
    return "no clear change"


# --------------------------------------------------------------------------------------------
# Checks


def _check_options(table, cohort_col, before, after, paired, id_col, confidence, resamples, seed) -> None:
    columns = ", ".join(map(str, table.columns))
    if cohort_col not in table.columns:
        raise ParameterError(
            f"cohort_col = {cohort_col!r} is not a column of the table. "
            f"The columns are: {columns}."
        )
    present = [str(v) for v in pd.unique(table[cohort_col].dropna().astype(object))]
    for name, value in (("before", before), ("after", after)):
        if str(value) not in present:
            raise ParameterError(
                f"{name} = {value!r} is not a cohort in column {cohort_col!r}. "
                f"The cohorts present are: {', '.join(present) or '(none: the column is blank)'}."
            )
    if str(before) == str(after):
        raise ParameterError(f"Before and after are both {before!r}; name two cohorts.")
    if not isinstance(paired, (bool, np.bool_)):
        raise ParameterError(f"paired should be True or False, not {paired!r}.")
    if paired:
        if id_col is None:
            raise ParameterError(
                "paired=True needs id_col, the column that links a case to the "
                "same person's case in the other cohort."
            )
        if id_col not in table.columns:
            raise ParameterError(
                f"id_col = {id_col!r} is not a column of the table. The columns "
                f"are: {columns}."
            )
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ParameterError(
            f"confidence = {confidence!r}; expected a level between 0 and 1, "
            "such as 0.95."
        )
    whole = isinstance(resamples, (int, np.integer)) and not isinstance(resamples, bool)
    if not whole or resamples < _MIN_RESAMPLES:
        raise ParameterError(
            f"resamples = {resamples!r}; expected a whole number of at least "
            f"{_MIN_RESAMPLES} (9999 by default)."
        )
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise ParameterError(f"seed = {seed!r}; expected a whole number or None.")


def _columns_needed(entry: pd.Series) -> tuple[str, ...]:
    if entry["kind"] == "hours_share":
        return (entry["numerator"], entry["denominator"])
    return ()


def _available(table: pd.DataFrame, name: str, entry: pd.Series) -> bool:
    """The table has the measure's columns (for a pooled share: its two totals, or the share;
    for time to close: the days and the ``open`` column)."""
    if entry["kind"] == "time_to_close":
        return name in table.columns and OPEN_COLUMN in table.columns
    needed = _columns_needed(entry)
    return (bool(needed) and all(c in table.columns for c in needed)) or name in table.columns


def _has_values(table: pd.DataFrame, name: str, entry: pd.Series) -> bool:
    needed = _columns_needed(entry)
    if needed and all(c in table.columns for c in needed):
        return bool(table[list(needed)].notna().all(axis=1).any())
    return bool(table[name].notna().any())


def _chosen_measures(table: pd.DataFrame, configured: pd.DataFrame, measures) -> list[str]:
    usable = [m for m in configured.index if _available(table, m, configured.loc[m])]
    if measures is None:
        # A measure with no known value at all (organisations_involved without an organisation
        # column, say) is left out rather than reported as blank.
        names = [m for m in usable if _has_values(table, m, configured.loc[m])]
        if not names:
            raise ParameterError(
                "The table has none of the configured measures. Its columns are: "
                f"{', '.join(map(str, table.columns))}. Configured measures: "
                f"{', '.join(configured.index)}; add your own with config=."
            )
        return names
    names = [measures] if isinstance(measures, str) else list(measures)
    if not names:
        raise ParameterError(
            "measures is empty; name at least one, or leave it as None for every "
            f"configured measure the table has ({', '.join(usable) or 'none'})."
        )
    unknown = [m for m in names if m not in configured.index]
    if unknown:
        raise ParameterError(
            f"Unknown measure(s) {', '.join(map(repr, unknown))}. The measures that "
            f"can be compared in this table are: {', '.join(usable) or '(none)'}. To compare a "
            "column of your own, describe it with config= (label, better, kind)."
        )
    absent = [m for m in names if m not in usable]
    if absent:
        raise ParameterError(
            f"The table has no column for {', '.join(map(repr, absent))}. The "
            f"measures that can be compared in this table are: {', '.join(usable) or '(none)'}."
        )
    if len(set(names)) < len(names):
        raise ParameterError("A measure is named twice in measures.")
    return names


def _pairs(table, id_col, in_before, in_after, before, after):
    """Row positions of matched pairs (before, after), in the before cohort's order."""
    ids = table[id_col].astype(object).where(table[id_col].notna(), None).to_numpy()
    for name, rows in ((before, in_before), (after, in_after)):
        known = [ids[r] for r in rows if ids[r] is not None]
        repeated = pd.Index(known)[pd.Index(known).duplicated()].unique().tolist()
        if repeated:
            raise ParameterError(
                f"{len(repeated)} {id_col} value(s) appear more than once in the "
                f"{name!r} cohort ({', '.join(map(str, repeated[:5]))}{', ...' if len(repeated) > 5 else ''}); "
                "paired comparison needs one case per person in each cohort."
            )
    after_at = {ids[r]: r for r in in_after if ids[r] is not None}
    pairs = [(r, after_at[ids[r]]) for r in in_before if ids[r] is not None and ids[r] in after_at]
    unmatched = len(in_before) + len(in_after) - 2 * len(pairs)
    note = ""
    if unmatched:
        note = (
            f"{unmatched} case{'s' if unmatched != 1 else ''} with no partner in the other cohort "
            f"(matched on {id_col}) {'were' if unmatched != 1 else 'was'} left out."
        )
    if not pairs:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), note
    pb, pa = (np.array(p, dtype=np.int64) for p in zip(*pairs))
    return pb, pa, note


# --------------------------------------------------------------------------------------------
# One measure


@dataclass(frozen=True)
class _Settings:
    before: str
    after: str
    paired: bool
    confidence: float
    resamples: int
    seed: int | None


@dataclass(frozen=True)
class _Interval:
    low: float
    high: float
    method: str | None
    note: str = ""  # why there is no interval, or how it was made other than BCa
    constant: bool = False


def measure_values(column: pd.Series, name: str, yes_no: bool) -> np.ndarray:
    """A measure column as floats, NaN = not known. Text yes/no is read for yes_no measures."""
    if isinstance(column.dtype, pd.BooleanDtype) or column.dtype == bool:
        return column.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    text = column.astype(object).where(column.notna(), None)
    blank = text.map(lambda v: v is None or str(v).strip() == "").to_numpy(dtype=bool)
    if yes_no:
        numbers = text.map(lambda v: np.nan if v is None else float(YES_NO.get(str(v).strip().lower(), np.nan)))
    else:
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce")
    bad = ~blank & numbers.isna().to_numpy()
    if bad.any():
        found = ", ".join(repr(v) for v in pd.unique(text[bad].to_numpy())[:5])
        expected = "yes or no (or 1/0, True/False)" if yes_no else "numbers"
        raise ParameterError(
            f"The column {name!r} holds values that are not {expected}: {found}."
        )
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _compare_one(table, name, entry, in_before, in_after, settings: _Settings, pair_note: str) -> dict:
    kind = entry["kind"]
    cautions = [pair_note] if pair_note else []
    needed = _columns_needed(entry)
    estimate = _ESTIMATES.get(kind, _estimate)
    if kind == "time_to_close":
        # (days, closed): a case still open counts as open for at least its days so far.
        days = measure_values(table[name], name, False)
        still_open = measure_values(table[OPEN_COLUMN], OPEN_COLUMN, True) == 1
        parts = (days, (~still_open).astype(np.float64))  # 1 = closed, as numbers like every part
        known = ~np.isnan(days)
    elif needed and all(c in table.columns for c in needed):
        parts = tuple(measure_values(table[c], c, False) for c in needed)
        known = ~np.isnan(parts[0]) & ~np.isnan(parts[1]) & (parts[1] > 0)
    else:
        if needed:  # a pooled share whose hours are not in the table: use the cases' own shares
            kind = "share"
            cautions.append(
                f"The table has no {' or '.join(c for c in needed if c not in table.columns)} "
                "column, so the share is the mean of the cases' own shares, not pooled hours."
            )
        parts = (measure_values(table[name], name, kind == "yes_no"),)
        known = ~np.isnan(parts[0])

    if settings.paired:
        keep = known[in_before] & known[in_after]
        dropped = int((~keep).sum())
        rows_b, rows_a = in_before[keep], in_after[keep]
        if dropped:
            cautions.append(
                f"{dropped} pair{'s' if dropped != 1 else ''} with this measure blank on either "
                f"side {'were' if dropped != 1 else 'was'} left out."
            )
    else:
        rows_b, rows_a = in_before[known[in_before]], in_after[known[in_after]]
    part_b = tuple(p[rows_b] for p in parts)
    part_a = tuple(p[rows_a] for p in parts)
    n_b, n_a = len(rows_b), len(rows_a)
    value_b = estimate(part_b) if n_b else np.nan
    value_a = estimate(part_a) if n_a else np.nan
    if kind == "time_to_close":
        unreached = [c for c, n, v in ((settings.before, n_b, value_b), (settings.after, n_a, value_a))
                     if n and not _finite(v)]
        if unreached:
            cautions.append(
                f"More than half the cases of the {' and of the '.join(unreached)} cohort "
                "were still open at the date of the data, so there is no median days to close yet."
            )

    change_kind = MEASURE_KINDS[kind]
    if change_kind == "percent" and n_b and value_b <= 0:
        change_kind = "difference"
        if value_b == 0 and kind == "time_to_close":
            cautions.append(
                f"Half the cases of the {settings.before} cohort closed on the day they opened (a "
                "median of 0 days), so there is no percentage change: the change is the difference "
                "in days."
            )
        elif value_b == 0:
            cautions.append(
                f"No case in the {settings.before} cohort had any, so there is no percentage "
                "change: the change is the difference in the mean per case."
            )
        else:
            cautions.append(
                f"The {settings.before} cohort's mean is below zero, so a percentage change would "
                "mislead: the change is the difference in the mean per case."
            )
    difference = value_a - value_b
    change = value_a / value_b - 1 if change_kind == "percent" else difference

    who = "pairs" if settings.paired else "cases"
    smallest = min(n_b, n_a)
    if settings.paired:
        small_where = f"{smallest} matched pairs"
    else:
        small_cohort = settings.before if n_b <= n_a else settings.after
        small_where = f"the {small_cohort} cohort has {smallest} with a known value"

    if smallest == 0:
        missing = [c for c, n in ((settings.before, n_b), (settings.after, n_a)) if n == 0]
        cautions.append(f"No known values in the {' or '.join(missing)} cohort.")
        main = diff = _Interval(np.nan, np.nan, None, "no known values")
    elif smallest < MIN_CASES_FOR_INTERVAL:
        cautions.append(
            f"Fewer than {MIN_CASES_FOR_INTERVAL} {who} ({small_where}): too few to say how sure we "
            "can be, so no interval is given."
        )
        main = diff = _Interval(np.nan, np.nan, None, "too few cases for a confidence interval")
    else:
        if smallest < MIN_CASES_FOR_FIRM_INTERVAL:
            cautions.append(
                f"Fewer than {MIN_CASES_FOR_FIRM_INTERVAL} {who} ({small_where}): treat the "
                "interval as rough."
            )
        diff = _interval(part_b, part_a, "difference", settings, estimate)
        main = _interval(part_b, part_a, "percent", settings, estimate) if change_kind == "percent" else diff
        if change_kind == "percent" and not _finite(main.low) and _finite(diff.low):
            # A baseline near zero: the percentage has no interval (and may be huge), so the
            # change is given as the difference per case, which has one.
            cautions.append(
                f"{main.note.split(';')[0]}, so the change is given as the difference in the mean "
                "per case, which has an interval."
            )
            change_kind, change, main = "difference", difference, diff
        elif main.constant:
            if all(np.ptp(p) == 0 for p in (*part_b, *part_a)):
                cautions.append("Every case has the same value in each cohort, so the interval has no width.")
            else:
                cautions.append(
                    "The change came out the same in every resample of the cases (for example, "
                    "every case in one cohort has none), so the interval has no width: read it "
                    "with care."
                )
        elif main.note:
            cautions.append(main.note)
        if diff is not main and not diff.constant and diff.note and diff.note != main.note:
            cautions.append(f"For the difference in the measure's own units: {diff.note}")

    too_few = None
    if 0 < smallest < MIN_CASES_FOR_INTERVAL:
        where = ("each cohort" if max(n_b, n_a) < MIN_CASES_FOR_INTERVAL else f"the {small_cohort} cohort")
        too_few = (f"fewer than {MIN_CASES_FOR_INTERVAL} matched pairs" if settings.paired else
                   f"fewer than {MIN_CASES_FOR_INTERVAL} in {where}")
    sentence = _sentence(entry, kind, change_kind, value_b, value_a, change, main, settings, too_few)
    return {
        "measure": name, "label": entry["label"], "better": entry["better"],
        "n_before": n_b, "n_after": n_a, "before": value_b, "after": value_a,
        "change": change, "change_kind": change_kind, "ci_low": main.low, "ci_high": main.high,
        "sentence": sentence, "caution": " ".join(cautions),
        "difference": difference, "difference_low": diff.low, "difference_high": diff.high,
        "interval_method": main.method,
    }


def _estimate(parts: tuple[np.ndarray, ...], index: np.ndarray | None = None) -> np.ndarray | float:
    """The cohort's figure from its cases' values; ``index`` (..., n) picks resampled cases.

    One part: the mean per case (a yes/no is 1 or 0, so the mean is the share of yes). Two parts
    (numerator, denominator): the pooled share, total over total."""
    if index is not None:
        parts = tuple(p[index] for p in parts)
    if len(parts) == 1:
        return parts[0].mean(axis=-1)
    return parts[0].sum(axis=-1) / parts[1].sum(axis=-1)


def _median_days_to_close(parts: tuple[np.ndarray, ...], index: np.ndarray | None = None):
    """The Kaplan–Meier median days to close of (days, closed); ``index`` picks resampled cases."""
    days, closed = parts if index is None else (parts[0][index], parts[1][index])
    return km_median(days, closed)


# How each kind of measure makes a cohort's figure from its cases (default: _estimate).
_ESTIMATES = {"time_to_close": _median_days_to_close}


def _interval(part_b, part_a, statistic_kind: str, settings: _Settings, estimate=_estimate) -> _Interval:
    """The bootstrap interval of after/before - 1 (``"percent"``) or after - before, of the
    cohorts' figures as ``estimate`` makes them from their cases."""

    # The samples handed to scipy are the cases' row numbers, so a resample of a cohort moves a
    # case's numerator and denominator together (pooled shares) and, paired, both halves of a pair.
    def statistic(index_b, index_a, axis=-1):
        b, a = estimate(part_b, index_b), estimate(part_a, index_a)
        return a / b - 1 if statistic_kind == "percent" else a - b

    data = (np.arange(len(part_b[0])), np.arange(len(part_a[0])))
    options = dict(
        n_resamples=settings.resamples, vectorized=True, paired=settings.paired,
        confidence_level=settings.confidence,
    )
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # scipy warns when BCa is undefined; that case is handled below, with a caution.
        warnings.simplefilter("ignore")
        result = bootstrap(data, statistic, method="BCa", **options,
                           **{_RNG_KEYWORD: np.random.default_rng(settings.seed)})
        spread = result.bootstrap_distribution
        if estimate is _median_days_to_close and np.isnan(spread).any():
            return _Interval(
                np.nan, np.nan, None,
                "In some resamples of the cases more than half were still open at the date of "
                "the data, so the median days to close has no interval.",
            )
        if not np.isfinite(spread).all():
            what = (f"the {settings.before} cohort's median days to close was 0"
                    if estimate is _median_days_to_close else f"no case in the {settings.before} cohort had any")
            return _Interval(
                np.nan, np.nan, None,
                f"In some resamples {what}, so the "
                "percentage change has no interval; read the interval of the difference instead.",
            )
        if np.ptp(spread) == 0:
            value = float(spread[0])
            return _Interval(value, value, None, constant=True)
        low, high = result.confidence_interval
        if _finite(low) and _finite(high):
            return _Interval(float(low), float(high), "BCa")
        # BCa is undefined when the estimate sits at the edge of the resampled values (few distinct
        # values, or a statistic that cannot move one way): the percentile interval still is.
        percentile = bootstrap(data, statistic, method="percentile", bootstrap_result=result,
                               **{**options, "n_resamples": 0})
    low, high = percentile.confidence_interval
    return _Interval(
        float(low), float(high), "percentile",
        "The BCa interval is not defined for these values (too few distinct values), so the "
        "interval is the simple percentile interval.",
    )


# --------------------------------------------------------------------------------------------
# Sentences


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def confidence_words(confidence: float) -> str:
    whole = abs(confidence * 100 - round(confidence * 100)) < 1e-9
    return fmt_pct(confidence, 0 if whole else 1)


def _mean_text(value: float) -> str:
    return "0" if value == 0 else fmt_number(value, 1)


def _points_number(value: float) -> str:
    """A share change as a bare number of percentage points (0.14 -> "14")."""
    return fmt_points(value).split(" ", 1)[0]


def interval_text(low: float, high: float, change: float, change_kind: str = "percent",
                  confidence: float = 0.95) -> str:
    """A confidence interval in the words the sentences use: ``"95% confidence interval 35% to
    81%"`` for one wholly on one side of no change, and for one that reaches no change at
    either end or crosses it, each end named and ``"; the interval includes no change"``
    (``"95% confidence interval no change to a rise of 11%; the interval includes no change"``).

    ``low``, ``high``, ``change``: as in a :func:`compare_cohorts` row (fractions for
    ``"percent"`` and ``"points"``, the measure's units for ``"difference"``)."""
    magnitude = {"percent": fmt_pct, "points": _points_number}.get(change_kind, lambda v: fmt_number(v, 1))
    settings = _Settings("before", "after", False, confidence, _MIN_RESAMPLES, None)
    return _interval_text(_Interval(float(low), float(high), "BCa"), change, settings, magnitude)


def _interval_text(interval: _Interval, change: float, settings: _Settings, magnitude) -> str:
    """The interval in words; ``magnitude`` writes the size of an end (always positive).

    An interval wholly on one side of no change gives its two ends as sizes ("95% confidence
    interval 35% to 81%"); one that reaches no change at either end, or crosses it, names each end
    and says that it includes no change ("... no change to a rise of 11%; the interval includes no
    change"). An end that rounds to nothing without being nothing reads "less than 1%", so that
    an interval that excludes no change never reads as if it started at 0."""
    if interval.constant:
        return "the interval has no width"
    if not (_finite(interval.low) and _finite(interval.high)):
        if interval.note in ("too few cases for a confidence interval", "no known values"):
            return interval.note
        return "no confidence interval could be worked out"
    low, high = interval.low, interval.high
    level = f"{confidence_words(settings.confidence)} confidence interval"

    def size(value: float) -> str:
        text = magnitude(value)
        if value != 0 and re.fullmatch(r"0(\.0+)?\D*", text.split(" ", 1)[0]):
            return "less than " + re.sub(r"0(?=\D*$)", "1", text, count=1)  # 0% -> 1%, 0.0 -> 0.1
        return text

    if change >= 0 and low > 0:
        return f"{level} {size(low)} to {size(high)}"
    if change <= 0 and high < 0:
        return f"{level} {size(-high)} to {size(-low)}"

    def end(value: float) -> str:
        if value < 0:
            return f"a fall of {size(-value)}"
        if value > 0:
            return f"a rise of {size(value)}"
        return "no change"

    text = f"{level} {end(low)} to {end(high)}"
    if low <= 0 <= high:
        text += "; the interval includes no change"
    return text


def _sentence(entry, kind, change_kind, value_b, value_a, change, interval: _Interval, settings,
              too_few: str | None = None) -> str:
    """The row's sentence. ``too_few``: why there are too few cases to judge a change (the
    cohort or pairs that have fewer than :data:`MIN_CASES_FOR_INTERVAL`): the sentence then gives
    the two cohorts' figures and says so, and no change in words."""
    subject = entry["subject"]
    # A median of whole days is a whole number of days.
    mean_text = (lambda v: fmt_number(v, 0)) if kind == "time_to_close" else _mean_text
    if not (_finite(value_b) and _finite(value_a)):
        missing = [c for c, v in ((settings.before, value_b), (settings.after, value_a)) if not _finite(v)]
        if kind == "time_to_close":
            return (f"{subject}: more than half the cases of the {' and of the '.join(missing)} cohort "
                    "were still open at the date of the data, so there is no median yet.")
        return f"{subject}: not known for the {' or '.join(missing)} cohort."

    if too_few is not None:
        if change_kind == "points":
            share_of = f" {entry['share_of']}" if entry["share_of"] else ""
            first, second = f"{fmt_pct(value_b)}{share_of}", fmt_pct(value_a)
        else:
            unit = _UNITS.get(kind, "")
            first, second = f"{mean_text(value_b)}{unit}", f"{mean_text(value_a)}{unit}"
        return (f"{subject}: {first} for the {settings.before} cohort and {second} for the "
                f"{settings.after} cohort; too few cases to judge a change ({too_few}).")

    if change_kind == "points":
        share_of = f" {entry['share_of']}" if entry["share_of"] else ""
        inside = _interval_text(interval, change, settings, _points_number)
        if change == 0:
            return f"{subject} did not change: {fmt_pct(value_b)}{share_of} in both cohorts ({inside})."
        size = fmt_points(abs(change))
        if size.startswith("0 "):
            size = "less than 1 percentage point"
        verb, way = ("rose", "up") if change > 0 else ("fell", "down")
        return (f"{subject} {verb} from {fmt_pct(value_b)} to {fmt_pct(value_a)}{share_of} "
                f"({way} {size}, {inside}).")

    unit = _UNITS.get(kind, "")
    if change_kind == "difference":
        inside = _interval_text(interval, change, settings, lambda v: fmt_number(v, 1))
        if change == 0:
            return f"{subject} did not change: {mean_text(value_b)}{unit} in both cohorts ({inside})."
        verb, way = ("rose", "up") if change > 0 else ("fell", "down")
        return (f"{subject} {verb} from {mean_text(value_b)} to {mean_text(value_a)}{unit} "
                f"({way} {fmt_number(abs(change), 1)}, {inside}).")

    inside = _interval_text(interval, change, settings, fmt_pct)
    if change == 0:
        return f"{subject} did not change: {mean_text(value_b)}{unit} in both cohorts ({inside})."
    size = fmt_pct(abs(change))
    if size == "0%":
        size = "less than 1%"
    verb = "rose by" if change > 0 else "fell by"
    return (f"{subject} {verb} {size} ({inside}), from {mean_text(value_b)} to "
            f"{mean_text(value_a)}{unit}.")
