"""What a hidden value still says: the bound a sentence or a headline card gives instead of a
count or a share a report hides ("fewer than 5", "under 17%", "over 83%").

A bound discloses no more than the ``[c]`` it stands for (see :class:`Bound`), so a reader may
repeat it. Which values are hidden is decided by :mod:`workbook_helpers.privacy.disclosure`
(tables, charts) and :mod:`workbook_helpers.privacy.audience` (the policy in force).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook_helpers.formatting import fmt_int
from workbook_helpers.privacy.disclosure import check_threshold

__all__ = ["Bound", "count_bound", "share_bound"]


@dataclass(frozen=True)
class Bound:
    """What a reader may be told of a hidden value: that it lies below ``under`` or above
    ``over`` (exclusive), or nothing more than that it is hidden (both None).

    A bound discloses no more than the ``[c]`` it stands for: a count hidden as 1 to ``k - 1``
    is "fewer than k"; a share whose count is hidden is below ``k`` out of its denominator; a
    share whose remainder is hidden is above ``(denominator - k)`` out of it. Numbers are in the
    value's own units (a count, or a share from 0 to 1)."""

    under: float | None = None
    over: float | None = None
    reason: str = "small count"

    def words(self, percent: bool = False) -> str:
        """``"fewer than 5"``, ``"under 17%"``, ``"over 83%"``; for a value with no bound,
        ``"not shown"``."""
        import math

        if self.under is not None:
            if percent:  # rounded up, so the bound stays true: under 16.7% is said as under 17%
                return f"under {math.ceil(round(self.under * 100, 9))}%"
            return f"fewer than {fmt_int(self.under)}"
        if self.over is not None:
            if percent:  # rounded down: over 83.3% is said as over 83%
                return f"over {math.floor(round(self.over * 100, 9))}%"
            return f"more than {fmt_int(self.over)}"
        return "not shown"

    def as_json(self, suppress_below: int) -> dict:
        """The entry for a summary's ``hidden``: why, the threshold, and the bound if any."""
        entry: dict = {"reason": self.reason, "below": suppress_below}
        if self.under is not None:
            entry["under"] = round(self.under, 6)
        if self.over is not None:
            entry["over"] = round(self.over, 6)
        return entry


def count_bound(count: object, suppress_below: int = 5) -> Bound | None:
    """The bound for a count hidden as small (1 to ``suppress_below - 1``): fewer than
    ``suppress_below``. None when the count would be shown (0, or ``suppress_below`` or more,
    or not a number)."""
    threshold = check_threshold(suppress_below, "count_bound")
    try:
        number = float(count)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number != number or not 1 <= number < threshold:
        return None
    return Bound(under=threshold, reason="small count")


def share_bound(
    share: object, denominator: object, suppress_below: int = 5, numerator: object = None
) -> Bound | None:
    """The bound for a share out of ``denominator`` that a report hides, or None when it may be
    shown. Hidden, with the bound each case allows:

    - the count it stands for (``numerator``, or ``share x denominator``) is 1 to ``k - 1``: the
      share is under ``k / denominator`` ("under 17%" for 1 of 30 with k = 5);
    - the rest of the denominator is 1 to ``k - 1``: the share is over ``(denominator - k) /
      denominator``;
    - the denominator itself is 1 to ``k - 1``: no bound (any share of so few says what happened
      to each of them);
    - the denominator is unknown or not a number: no bound.
    """
    import math

    k = check_threshold(suppress_below, "share_bound")
    try:
        value = float(share)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if value != value:
        return None  # a blank share is not available, not hidden
    try:
        below = float(denominator)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Bound(reason="denominator not known")
    if not math.isfinite(below):
        return Bound(reason="denominator not known")
    if 1 <= below < k:
        return Bound(reason="small denominator")
    try:
        top = round(value * below if numerator is None else float(numerator))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Bound(reason="denominator not known")
    if 1 <= top < k:
        return Bound(under=k / below, reason="small count")
    if 1 <= below - top < k:
        return Bound(over=(below - k) / below, reason="small count")
    return None
