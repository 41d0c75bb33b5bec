"""Counts and shares in sentences, as the report's audience lets them be given (see
:mod:`workbook_helpers.present.story`)."""

from __future__ import annotations

from workbook_helpers.privacy.bounds import count_bound
from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.present.notebook import count_text
from workbook_helpers.privacy import audience
from workbook_helpers.formatting import fmt_int, fmt_pct


def kept_back(count: object, hidden: bool = False) -> bool:
    """Whether a sentence keeps a count back: small in a public report, or given as ``"[c]"``.

    ``hidden`` (a table or card set beside the sentence hides the count to protect another one)
    does not carry into prose: a sentence states no totals to subtract from, so it gives each
    count that is not itself small (the headline does not cascade). It is kept as a parameter
    so callers can pass a table's mask without caring which."""
    return (isinstance(count, str) and count == SUPPRESSED) or audience.hides(count)


def hidden_count_words(count: object) -> str:
    """How a sentence gives a count it keeps back: the bound it implies, "fewer than 5", or
    "an unstated number of" when all that is known is that it was hidden (a ``"[c]"``)."""
    bound = count_bound(count, audience.suppress_below())
    return bound.words() if bound is not None else "an unstated number of"


def sentence_case(sentence: str) -> str:
    """A sentence with its first letter a capital, for one that opens with a bound ("fewer
    than 5 cases are still open" -> "Fewer than 5 cases are still open")."""
    return sentence[:1].upper() + sentence[1:]


def count_words(count: object, singular: str, plural_form: str | None = None, hidden: bool = False) -> str:
    """A count in words, ``"3 cases"``, or in a public report ``"fewer than 5 cases"`` when the
    count is small (or ``"an unstated number of cases"`` when given as ``"[c]"``)."""
    if kept_back(count, hidden):
        return f"{hidden_count_words(count)} {plural_form or singular + 's'}"
    return count_text(count, singular, plural_form)



def number_words(count: object, hidden: bool = False) -> str:
    """A count as a bare number (``"1,204"``), or its bound ("fewer than 5") when kept back."""
    return hidden_count_words(count) if kept_back(count, hidden) else fmt_int(count)


def agreeing_word(count: object, one: str, many: str, hidden: bool = False) -> str:
    """The word that goes with a count as shown: ``many`` after a bound, so the grammar does
    not tell whether the hidden count is 1."""
    return one if not kept_back(count, hidden) and fmt_int(count) == "1" else many


def open_note(open_cases: object, left_out: object = None) -> str:
    """The note under a case review's count of cases: how many are still open (its bound when
    small in a public report), all closed, or not known (``None``); with ``left_out`` (cases
    still open that the review leaves out), how many were left out."""
    if open_cases is None:
        return "open or closed not known"
    if left_out:
        return f"{number_words(left_out)} still open, left out"
    return f"{number_words(open_cases)} still open" if open_cases else "all closed"


def share_text(share: object, denominator: object = None, numerator: object = None) -> str:
    """A share in words (``"57%"``), or in a public report the bound its denominator gives
    (``"under 17%"``, ``"over 83%"``) where it would rest on few or give a small count away
    (``numerator``, or share x denominator); "not shown" where given as ``"[c]"``, or resting
    on fewer than ``suppress_below``. Without a denominator the share is taken to rest on
    enough."""
    if isinstance(share, str) and share == SUPPRESSED:
        return "not shown"
    bound = audience.share_shown(share, denominator, numerator)
    if bound is not None:
        return bound.words(percent=True)
    return fmt_pct(share)


def pct_or_hidden(share: object, hidden: object) -> str:
    """``fmt_pct(share)``, or "share not shown" when ``hidden`` (a cell of a table's or chart's
    mask), for inside brackets in a sentence."""
    return "share not shown" if bool(hidden) else fmt_pct(share)
