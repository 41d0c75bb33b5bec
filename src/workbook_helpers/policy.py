"""The report's privacy policy: who the report is for, and how small a count may be shown.

Every workbook takes two parameters, ``privacy`` and ``suppress_below``, and its setup cell
passes them to :func:`set_policy`. From then on the shared helpers apply the policy by
themselves, so no workbook carries rules of its own:

``publish`` (the default for batch runs: a report that may go to a director or into a public paper)
    - tables (:func:`workbook_helpers.notebook.table_html` / ``show_table``): columns of kind
      ``count`` have counts of 1 to ``suppress_below - 1`` replaced by ``[c]``, with secondary
      suppression against the totals the table declares, so no hidden count can be worked out
      by subtraction; shares declared with ``rates=`` are hidden where their denominator is
      small, where they would give a small count away, or where a count they rest on is hidden.
      A note under the table says what ``[c]`` means, only when something was hidden.
    - headline cards marked as counts (or shares with a denominator) show ``[c]`` likewise.
    - the JSON summary (:func:`workbook_helpers.notebook.record_summary`): the figures and
      table columns declared as counts or rates are hidden the same way, as the string ``"[c]"``.
    - bar charts of counts (:mod:`workbook_helpers.charts`: ``ranked_bars``,
      ``value_failure_bars``, ``stacked_bars``, ``pareto_chart``) leave gaps where counts are
      hidden, hide one more count where a total would otherwise give a single hidden one away,
      hide the shares that rest on hidden counts, and say so under the chart.
    - free text (what matters to people in their own words, what an action says, notes) is not
      shown at all: :meth:`ReportPolicy.allows_text` is False whatever the workbook asked for.

``internal`` (the default in JupyterLab: a report for the team doing the work)
    Counts are shown as they are; free text is shown only where a workbook parameter asks for it
    (``show_what_matters``, ``show_action_text``), and always HTML-escaped.

In both modes identifiers never appear: cases, people, workers and owners are stable pseudonyms
(:mod:`workbook_helpers.privacy`).

What is deliberately *not* suppressed, and why (open to review):

- **XmR charts of counts over time** (weekly demand for a whole service, a team's open items
  each month, and the summary matrix of the latest values) are left as they are. They show
  the volume of work arriving at or held by a whole team or service in a period, not a count
  of people sharing a characteristic, and a process-behaviour chart with gaps cannot have its
  limits worked out or read. A team small enough that its weekly count singles out a person
  should not be charted in a published report at all; choose ``team="all"`` instead.
- **Measures of one (pseudonymised) case**: the number of assessments, referrals or people
  involved in *Case 07*, its hours and days, in the case table and the dot plots. These
  describe a case's journey, not how many people share something. Columns of kind ``int`` are
  never suppressed; use kind ``count`` for counts of people, cases, items or contacts.

This module holds the policy only; :mod:`workbook_helpers.disclosure` does the suppressing.
It imports nothing heavy, so the runner can check parameters without loading pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .exceptions import ParameterError

__all__ = [
    "PRIVACY_MODES",
    "DEFAULT_SUPPRESS_BELOW",
    "ReportPolicy",
    "set_policy",
    "current_policy",
    "using_policy",
    "check_privacy",
    "check_suppress_below",
]

#: The privacy modes a report can be made in.
PRIVACY_MODES = ("publish", "internal")
#: Counts from 1 to this less one are hidden in a published report (1 to 4), as UK official
#: statistics commonly do.
DEFAULT_SUPPRESS_BELOW = 5


def check_privacy(privacy: object) -> str:
    """``privacy`` as one of :data:`PRIVACY_MODES`, in any case and with spaces around it
    (``" Publish "`` -> ``"publish"``), or a :class:`ParameterError` naming the parameter."""
    if isinstance(privacy, str) and privacy.strip().lower() in PRIVACY_MODES:
        return privacy.strip().lower()
    raise ParameterError(
        f"privacy must be publish or internal (publish: a report that may be shared, with small "
        f"counts hidden and no free text; internal: for the team, free text only where asked "
        f"for); got {privacy!r}."
    )


def check_suppress_below(suppress_below: object) -> int:
    """``suppress_below`` as a whole number of 2 or more (``"5"`` and ``5.0`` are taken as 5),
    or a :class:`ParameterError` naming the parameter."""
    value: object = suppress_below
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif hasattr(value, "item") and not isinstance(value, (bool, str)):  # numpy numbers
        value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ParameterError(
            "suppress_below must be a whole number of 2 or more (counts from 1 up to one less "
            f"are hidden in a published report: 5 hides 1 to 4); got {suppress_below!r}."
        )
    return value


@dataclass(frozen=True)
class ReportPolicy:
    """Who a report is for (``privacy``: ``"publish"`` or ``"internal"``) and the smallest count
    a published report may show (``suppress_below``, 5 by default: counts of 1 to 4 are hidden).
    Made through :func:`set_policy`, which checks both."""

    privacy: str = "internal"
    suppress_below: int = DEFAULT_SUPPRESS_BELOW

    def __post_init__(self) -> None:
        object.__setattr__(self, "privacy", check_privacy(self.privacy))
        object.__setattr__(self, "suppress_below", check_suppress_below(self.suppress_below))

    @property
    def publishing(self) -> bool:
        """True for a report that may be shared: small counts hidden, no free text."""
        return self.privacy == "publish"

    def allows_text(self, requested: object) -> bool:
        """Whether free text (people's own words, what an action says) may be shown: only in an
        internal report, and only when the workbook's parameter asked for it with a real
        ``True`` (a string such as ``"no"`` is not a yes)."""
        return not self.publishing and (requested is True or _is_numpy_true(requested))

    def hides(self, count: object) -> bool:
        """Whether a published report hides this count (1 to ``suppress_below - 1``); always
        False in an internal report, and for blanks and values that are not numbers."""
        if not self.publishing or isinstance(count, bool):
            return False
        try:
            number = float(count)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return number == number and 1 <= number < self.suppress_below


def _is_numpy_true(value: object) -> bool:
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool") and bool(value)


_current = ReportPolicy()


def set_policy(
    privacy: object = "internal", suppress_below: object = DEFAULT_SUPPRESS_BELOW
) -> ReportPolicy:
    """Set the policy every helper applies from now on in this process (a workbook's kernel),
    and return it. Call it in a workbook's setup cell with the workbook's parameters:
    ``set_policy(privacy, suppress_below)``.

    Raises :class:`ParameterError` for a ``privacy`` other than publish or internal (any case,
    spaces around allowed), or a ``suppress_below`` that is not a whole number of 2 or more.
    """
    global _current
    _current = ReportPolicy(privacy, suppress_below)  # type: ignore[arg-type]
    return _current


def current_policy() -> ReportPolicy:
    """The policy in force: as last set, or internal with ``suppress_below=5`` if never set
    (the JupyterLab default)."""
    return _current


@contextmanager
def using_policy(
    privacy: object = "internal", suppress_below: object = DEFAULT_SUPPRESS_BELOW
) -> Iterator[ReportPolicy]:
    """Apply a policy for a ``with`` block, then put back the one before (for tests and for
    previews: ``with using_policy("publish"): html = table_html(...)``)."""
    global _current
    before = _current
    policy = set_policy(privacy, suppress_below)
    try:
        yield policy
    finally:
        _current = before
