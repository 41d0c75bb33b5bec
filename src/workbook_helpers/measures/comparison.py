"""The before/after comparison: did the new way of working make a difference?

:func:`compare_cohorts` takes one row per case (as :func:`workbook_helpers.measures.cases.case_measures`
returns it, or a team's own table with a cohort column and numeric measure columns) and returns one
row per measure: the standard way, the new way, the change, a bootstrap confidence interval for it,
and a sentence a director can repeat (:mod:`workbook_helpers.measures.comparison_sentences`). :func:`comparison_direction` says whether a row's change is
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

The interval comes from :func:`scipy.stats.bootstrap`
(:mod:`workbook_helpers.measures.comparison_bootstrap`): the cases of each cohort are resampled
independently (for a pooled share a case's numerator and denominator move together), or, with
``paired=True``, the matched pairs are resampled. BCa where it is defined, else the percentile
interval (``caution`` says so). Each bootstrap starts from ``numpy.random.default_rng(seed)``, so a
measure's interval is the same whichever other measures are asked for, and the same on every run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.inputs import YES_NO
from workbook_helpers.measures.comparison_measures import MEASURE_KINDS, measure_config
from workbook_helpers.measures.comparison_bootstrap import (
    ESTIMATES, Interval, MIN_RESAMPLES, Settings, bootstrap_interval, cohort_estimate, finite,
)
from workbook_helpers.measures.comparison_sentences import row_sentence

__all__ = [
    "COMPARISON_COLUMNS",
    "MIN_CASES_FOR_INTERVAL",
    "OPEN_COLUMN",
    "available_measures",
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
    settings = Settings(str(before_label or before), str(after_label or after), paired, confidence,
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
    if any(finite(n) and 0 < float(n) < MIN_CASES_FOR_INTERVAL for n in sizes):
        return "too few cases"
    if row["better"] == "neutral":
        return "neutral"
    low, high = row["ci_low"], row["ci_high"]
    if not (finite(low) and finite(high)):
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
    if not whole or resamples < MIN_RESAMPLES:
        raise ParameterError(
            f"resamples = {resamples!r}; expected a whole number of at least "
            f"{MIN_RESAMPLES} (9999 by default)."
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


def _compare_one(table, name, entry, in_before, in_after, settings: Settings, pair_note: str) -> dict:
    kind = entry["kind"]
    cautions = [pair_note] if pair_note else []
    needed = _columns_needed(entry)
    estimate = ESTIMATES.get(kind, cohort_estimate)
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
                     if n and not finite(v)]
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
        main = diff = Interval(np.nan, np.nan, None, "no known values")
    elif smallest < MIN_CASES_FOR_INTERVAL:
        cautions.append(
            f"Fewer than {MIN_CASES_FOR_INTERVAL} {who} ({small_where}): too few to say how sure we "
            "can be, so no interval is given."
        )
        main = diff = Interval(np.nan, np.nan, None, "too few cases for a confidence interval")
    else:
        if smallest < MIN_CASES_FOR_FIRM_INTERVAL:
            cautions.append(
                f"Fewer than {MIN_CASES_FOR_FIRM_INTERVAL} {who} ({small_where}): treat the "
                "interval as rough."
            )
        diff = bootstrap_interval(part_b, part_a, "difference", settings, estimate)
        main = bootstrap_interval(part_b, part_a, "percent", settings, estimate) if change_kind == "percent" else diff
        if change_kind == "percent" and not finite(main.low) and finite(diff.low):
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
    sentence = row_sentence(entry, kind, change_kind, value_b, value_a, change, main, settings, too_few)
    return {
        "measure": name, "label": entry["label"], "better": entry["better"],
        "n_before": n_b, "n_after": n_a, "before": value_b, "after": value_a,
        "change": change, "change_kind": change_kind, "ci_low": main.low, "ci_high": main.high,
        "sentence": sentence, "caution": " ".join(cautions),
        "difference": difference, "difference_low": diff.low, "difference_high": diff.high,
        "interval_method": main.method,
    }
