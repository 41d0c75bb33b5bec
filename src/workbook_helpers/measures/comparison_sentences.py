"""The before/after comparison's results in words: the sentence of each row and its confidence
interval (:mod:`workbook_helpers.measures.comparison`)."""

from __future__ import annotations

import re

from workbook_helpers.formatting import fmt_number, fmt_pct, fmt_points
from workbook_helpers.measures.comparison_bootstrap import MIN_RESAMPLES, Interval, Settings, finite

_UNITS = {"hours": " hours", "days": " days", "time_to_close": " days"}  # after the per-case means in a sentence


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

    ``low``, ``high``, ``change``: as in a
    :func:`workbook_helpers.measures.comparison.compare_cohorts` row (fractions for ``"percent"``
    and ``"points"``, the measure's units for ``"difference"``)."""
    magnitude = {"percent": fmt_pct, "points": _points_number}.get(change_kind, lambda v: fmt_number(v, 1))
    settings = Settings("before", "after", False, confidence, MIN_RESAMPLES, None)
    return _interval_text(Interval(float(low), float(high), "BCa"), change, settings, magnitude)


def _interval_text(interval: Interval, change: float, settings: Settings, magnitude) -> str:
    """The interval in words; ``magnitude`` writes the size of an end (always positive).

    An interval wholly on one side of no change gives its two ends as sizes ("95% confidence
    interval 35% to 81%"); one that reaches no change at either end, or crosses it, names each end
    and says that it includes no change ("... no change to a rise of 11%; the interval includes no
    change"). An end that rounds to nothing without being nothing reads "less than 1%", so that
    an interval that excludes no change never reads as if it started at 0."""
    if interval.constant:
        return "the interval has no width"
    if not (finite(interval.low) and finite(interval.high)):
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


def row_sentence(entry, kind, change_kind, value_b, value_a, change, interval: Interval, settings,
              too_few: str | None = None) -> str:
    """The row's sentence. ``too_few``: why there are too few cases to judge a change (the
    cohort or pairs that have fewer than :data:`MIN_CASES_FOR_INTERVAL`): the sentence then gives
    the two cohorts' figures and says so, and no change in words."""
    subject = entry["subject"]
    # A median of whole days is a whole number of days.
    mean_text = (lambda v: fmt_number(v, 0)) if kind == "time_to_close" else _mean_text
    if not (finite(value_b) and finite(value_a)):
        missing = [c for c, v in ((settings.before, value_b), (settings.after, value_a)) if not finite(v)]
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
