"""Who a report is for (its audience), and how small a count it may show.

Every workbook takes the parameters ``audience`` and ``suppress_below`` (and ``privacy``, the
older name, kept so plans written before still run), and its setup cell passes them to
:func:`set_policy`. From then on the shared helpers apply the policy by themselves, so no
workbook carries rules of its own. There are three audiences:

``team`` (the default in JupyterLab: the team doing the work)
    Every count is shown; each case's row, journey and dates are shown under pseudonyms; free
    text (people's own words, what an action says) only where a workbook parameter asks for it
    (``show_what_matters``, ``show_action_text``), and always HTML-escaped.

``organisation`` (the default for ``workbook run`` and ``workbook batch``: directors and
managers inside the organisation)
    Every count is shown, small ones too: these readers manage the cases and see them in their
    own systems, so what makes their report unsafe is names, ids and free text, not small
    numbers. No case is shown on its own (no per-case rows, journeys or case dates; distributions
    without labels or dates are fine) and no free text, whatever the workbook asked for.

``public`` (anyone: a published paper, a board paper on the web, a partner outside)
    As ``organisation``, and small numbers are hidden:

    - tables (made by the views with :func:`workbook_helpers.privacy.shown.shown_table`, which
      applies :func:`workbook_helpers.privacy.audience.protect_table`, and drawn by
      :func:`workbook_helpers.present.notebook.show_table`): columns of kind
      ``count`` have counts of 1 to ``suppress_below - 1`` replaced by ``[c]``, with secondary
      suppression against the totals the table declares, so no hidden count can be worked out
      by subtraction; shares declared with ``rates=`` are hidden where their denominator is
      small, where they would give a small count away, or where a count they rest on is hidden.
      A note under the table says what ``[c]`` means, only when something was hidden.
    - headline cards and sentences give a hidden count as the bound it implies ("fewer than
      5") and a hidden share as the bound its denominator gives ("under 17%"):
      :mod:`workbook_helpers.privacy.bounds` (``Bound``). A bound discloses no more than ``[c]``.
    - the JSON summary (:func:`workbook_helpers.present.notebook.record_summary`): a hidden figure is
      ``null``, and ``hidden`` says which and why.
    - bar charts of counts (:mod:`workbook_helpers.present.charts`) leave gaps where counts are hidden,
      hide one more where a total would give a single hidden one away, and say so.

In every audience identifiers never appear: cases, people, workers and owners are stable
pseudonyms (:mod:`workbook_helpers.privacy.pseudonyms`).

What is deliberately *not* suppressed in ``public``, and why (open to review):

- **XmR charts of counts over time** (weekly demand for a whole service, a team's open items
  each month, and the summary matrix of the latest values) are left as they are. They show
  the volume of work arriving at or held by a whole team or service in a period, not a count
  of people sharing a characteristic, and a process-behaviour chart with gaps cannot have its
  limits worked out or read. A team small enough that its weekly count singles out a person
  should not be charted in a public report at all; choose ``team="all"`` instead.
- Columns of kind ``int`` (measures of one case, such as its number of assessments) are never
  suppressed; use kind ``count`` for counts of people, cases, items or contacts.

This module holds the policy only; :mod:`workbook_helpers.privacy.audience` applies it to what each
workbook's view declares, with the algorithms of :mod:`workbook_helpers.privacy.disclosure`.
It imports nothing heavy, so the runner can check parameters without loading pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from workbook_helpers.exceptions import ParameterError

__all__ = [
    "AUDIENCES",
    "OLDER_NAMES",
    "RUN_AUDIENCE",
    "LAB_AUDIENCE",
    "AUDIENCE_WORDS",
    "AUDIENCE_SHORT",
    "DEFAULT_SUPPRESS_BELOW",
    "ReportPolicy",
    "set_policy",
    "current_policy",
    "using_policy",
    "check_audience",
    "audience_from",
    "check_suppress_below",
]

#: The audiences a report can be made for, from the closest reader to the widest.
AUDIENCES = ("team", "organisation", "public")
#: The older names (the ``privacy`` parameter) and the audience each now means.
OLDER_NAMES = {"internal": "team", "publish": "public"}
#: The audience of a report written by ``workbook run`` or ``workbook batch`` unless told.
RUN_AUDIENCE = "organisation"
#: The audience of a workbook opened in JupyterLab (its parameter cell's default).
LAB_AUDIENCE = "team"
#: Who each audience is, in words for a report's title block and the index page.
AUDIENCE_WORDS = {
    "team": "For the team doing the work: cases under pseudonyms, no names",
    "organisation": "For directors and managers of the organisation: no names, no free text",
    "public": "For anyone: no names, no free text, small numbers hidden",
}
#: The same, short, for the index page beside each report.
AUDIENCE_SHORT = {
    "team": "For the team",
    "organisation": "For directors and managers",
    "public": "For anyone (public)",
}
#: Counts from 1 to this less one are hidden in a public report (1 to 4), as UK official
#: statistics commonly do.
DEFAULT_SUPPRESS_BELOW = 5


def check_audience(audience: object, name: str = "audience") -> str:
    """``audience`` as one of :data:`AUDIENCES`, in any case and with spaces around it; the
    older names ``internal`` and ``publish`` are taken as ``team`` and ``public``. Anything
    else is a :class:`ParameterError` naming the parameter ``name``."""
    if isinstance(audience, str):
        word = audience.strip().lower()
        word = OLDER_NAMES.get(word, word)
        if word in AUDIENCES:
            return word
    raise ParameterError(
        f"{name} must be team (for the team doing the work), organisation (for directors and "
        f"managers inside the organisation: no case on its own, no free text) or public (for "
        f"anyone: small numbers hidden too); got {audience!r}."
    )


def audience_from(audience: object = None, privacy: object = None, default: str = LAB_AUDIENCE) -> str:
    """The audience a run asked for: ``privacy`` when given (the older parameter, which a plan
    or a papermill run sets only on purpose: ``internal`` is ``team``, ``publish`` is
    ``public``), or else ``audience``, or else ``default``."""
    if not _blank(privacy):
        return check_audience(privacy, "privacy")
    if not _blank(audience):
        return check_audience(audience)
    return check_audience(default)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
            f"are hidden in a public report: 5 hides 1 to 4); got {suppress_below!r}."
        )
    return value


@dataclass(frozen=True)
class ReportPolicy:
    """Who a report is for (``audience``: ``"team"``, ``"organisation"`` or ``"public"``) and
    the smallest count a public report may show (``suppress_below``, 5 by default: counts of 1
    to 4 are hidden). Made through :func:`set_policy`, which checks both."""

    audience: str = LAB_AUDIENCE
    suppress_below: int = DEFAULT_SUPPRESS_BELOW

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", check_audience(self.audience))
        object.__setattr__(self, "suppress_below", check_suppress_below(self.suppress_below))

    @property
    def hides_small_numbers(self) -> bool:
        """True for a public report: counts of 1 to ``suppress_below - 1`` are hidden."""
        return self.audience == "public"

    @property
    def shows_each_case(self) -> bool:
        """True for the team's report only: rows, journeys and dates of single cases (under
        pseudonyms), and the names of teams or workers a single case or item points to."""
        return self.audience == "team"

    @property
    def for_words(self) -> str:
        """Who the report is for, in words for its title block."""
        return AUDIENCE_WORDS[self.audience]

    def allows_text(self, requested: object) -> bool:
        """Whether free text (people's own words, what an action says) may be shown: only in
        the team's report, and only when the workbook's parameter asked for it with a real
        ``True`` (a string such as ``"no"`` is not a yes)."""
        return self.audience == "team" and (requested is True or _is_numpy_true(requested))

    def hides(self, count: object) -> bool:
        """Whether this report hides this count (1 to ``suppress_below - 1`` in a public
        report); always False for the other audiences, and for blanks and values that are not
        numbers."""
        if not self.hides_small_numbers or isinstance(count, bool):
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
    audience: object = None, suppress_below: object = DEFAULT_SUPPRESS_BELOW, privacy: object = None
) -> ReportPolicy:
    """Set the policy every helper applies from now on in this process (a workbook's kernel),
    and return it. Call it in a workbook's setup cell with the workbook's parameters:
    ``set_policy(audience, suppress_below, privacy)``.

    ``audience`` is team, organisation or public; ``privacy`` is its older name (internal for
    team, publish for public) and wins when given, since the workbook's own ``audience`` is then
    only its default. With neither, the team's audience. Raises :class:`ParameterError` for
    anything else, or for a ``suppress_below`` that is not a whole number of 2 or more.
    """
    global _current
    _current = ReportPolicy(audience_from(audience, privacy), suppress_below)  # type: ignore[arg-type]
    return _current


def current_policy() -> ReportPolicy:
    """The policy in force: as last set, or the team's with ``suppress_below=5`` if never set
    (the JupyterLab default)."""
    return _current


@contextmanager
def using_policy(
    audience: object = None, suppress_below: object = DEFAULT_SUPPRESS_BELOW, privacy: object = None
) -> Iterator[ReportPolicy]:
    """Apply a policy for a ``with`` block, then put back the one before (for tests and for
    previews: ``with using_policy("public"): table = shown_table(...)``)."""
    global _current
    before = _current
    policy = set_policy(audience, suppress_below, privacy)
    try:
        yield policy
    finally:
        _current = before
