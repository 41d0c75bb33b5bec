"""The bootstrap behind the before/after comparison (:mod:`workbook_helpers.measures.comparison`):
a cohort's figure from its cases, and the confidence interval of the change between two cohorts,
from :func:`scipy.stats.bootstrap` (BCa where it is defined, else the percentile interval)."""

from __future__ import annotations

import inspect
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import bootstrap

from workbook_helpers.measures.time_to_close import km_median

MIN_RESAMPLES = 100
# scipy 1.15 renamed bootstrap's random_state to rng (the old name still works there).
_RNG_KEYWORD = "rng" if "rng" in inspect.signature(bootstrap).parameters else "random_state"


@dataclass(frozen=True)
class Settings:
    before: str
    after: str
    paired: bool
    confidence: float
    resamples: int
    seed: int | None


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    method: str | None
    note: str = ""  # why there is no interval, or how it was made other than BCa
    constant: bool = False


def finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def cohort_estimate(parts: tuple[np.ndarray, ...], index: np.ndarray | None = None) -> np.ndarray | float:
    """The cohort's figure from its cases' values; ``index`` (..., n) picks resampled cases.

    One part: the mean per case (a yes/no is 1 or 0, so the mean is the share of yes). Two parts
    (numerator, denominator): the pooled share, total over total."""
    if index is not None:
        parts = tuple(p[index] for p in parts)
    if len(parts) == 1:
        return parts[0].mean(axis=-1)
    return parts[0].sum(axis=-1) / parts[1].sum(axis=-1)


def median_days_to_close(parts: tuple[np.ndarray, ...], index: np.ndarray | None = None):
    """The Kaplan–Meier median days to close of (days, closed); ``index`` picks resampled cases."""
    days, closed = parts if index is None else (parts[0][index], parts[1][index])
    return km_median(days, closed)


# How each kind of measure makes a cohort's figure from its cases (default: cohort_estimate).
ESTIMATES = {"time_to_close": median_days_to_close}


def bootstrap_interval(part_b, part_a, statistic_kind: str, settings: Settings, estimate=cohort_estimate) -> Interval:
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
        if estimate is median_days_to_close and np.isnan(spread).any():
            return Interval(
                np.nan, np.nan, None,
                "In some resamples of the cases more than half were still open at the date of "
                "the data, so the median days to close has no interval.",
            )
        if not np.isfinite(spread).all():
            what = (f"the {settings.before} cohort's median days to close was 0"
                    if estimate is median_days_to_close else f"no case in the {settings.before} cohort had any")
            return Interval(
                np.nan, np.nan, None,
                f"In some resamples {what}, so the "
                "percentage change has no interval; read the interval of the difference instead.",
            )
        if np.ptp(spread) == 0:
            value = float(spread[0])
            return Interval(value, value, None, constant=True)
        low, high = result.confidence_interval
        if finite(low) and finite(high):
            return Interval(float(low), float(high), "BCa")
        # BCa is undefined when the estimate sits at the edge of the resampled values (few distinct
        # values, or a statistic that cannot move one way): the percentile interval still is.
        percentile = bootstrap(data, statistic, method="percentile", bootstrap_result=result,
                               **{**options, "n_resamples": 0})
    low, high = percentile.confidence_interval
    return Interval(
        float(low), float(high), "percentile",
        "The BCa interval is not defined for these values (too few distinct values), so the "
        "interval is the simple percentile interval.",
    )
