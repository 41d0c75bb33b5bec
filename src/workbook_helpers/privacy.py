"""Pseudonyms that stand in for case references and practitioners' names in reports.

Reports never show a case reference or a worker's name (the suite's rules for publishing
safely): a case becomes ``Case 07`` and a worker ``Worker C``. The functions here build the
mapping from each identifier to its pseudonym; a measure or chart then shows the pseudonym only.

The pseudonyms are **stable within one report**: the same input gives the same mapping every
time (no randomness, no dependence on hashing), but they are numbered by position, so ``Case 07``
in one report and ``Case 07`` in the next (with other cases, or the same cases in another order)
need not be the same case. A later piece of work adds salted pseudonyms that stay stable across
reports; until then, do not compare cases between reports by their pseudonym.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .exceptions import ParameterError

__all__ = ["pseudonyms", "worker_pseudonyms", "letters"]


def pseudonyms(
    ids: Iterable[object], prefix: str = "Case", order: Sequence[object] | None = None
) -> dict[object, str]:
    """Map each distinct identifier to a numbered pseudonym: ``"Case 01"``, ``"Case 02"``, ...

    Parameters
    ----------
    ids:
        The identifiers, in any iterable (a column, a list); repeats are allowed and blank
        values (None, NaN, NA) are left out of the mapping.
    prefix:
        The word before the number (``"Case"``, ``"Person"``). An empty prefix gives bare
        numbers (``"01"``).
    order:
        Optional sort keys, one for each entry of ``ids`` (for example each event's date, or
        each case's first event date). An identifier takes the smallest key among its entries
        (blank keys are ignored; an identifier whose keys are all blank comes after the others)
        and pseudonyms are numbered in the order of that key. Identifiers with equal keys keep
        their order of first appearance. Without ``order``, numbering follows first appearance.

    Returns
    -------
    dict
        ``{identifier: pseudonym}`` in numbering order. Numbers are zero-padded to the width of
        the count of identifiers, and to at least two digits: 9 cases are ``Case 01`` to
        ``Case 09``; 120 cases are ``Case 001`` to ``Case 120``. Keys are the identifiers as
        given (not converted to text).

    Raises
    ------
    ParameterError
        When ``order`` is not the same length as ``ids``.

    Deterministic: the same ``ids`` and ``order`` always give the same mapping. Stable within
    one report only (see the module's notes).
    """
    values = _series(ids).reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if order is not None:
        keys = _series(order)
        if len(keys) != len(values):
            raise ParameterError(
                f"pseudonyms: order has {len(keys):,} entries but ids has {len(values):,}; "
                "expected one sort key for each identifier."
            )
        known = codes >= 0
        # Smallest key per identifier; first appearance (the code) breaks ties.
        smallest = (
            pd.Series(keys.to_numpy()[known]).groupby(codes[known], sort=True).min()
            .reindex(range(len(uniques)))
        )
        ranking = pd.DataFrame({"key": smallest.to_numpy(), "first": np.arange(len(uniques))})
        ranking = ranking.sort_values(["key", "first"], na_position="last", kind="stable")
        ordered = [uniques[i] for i in ranking["first"].to_numpy()]
    else:
        ordered = list(uniques)
    width = max(2, len(str(len(ordered))))
    lead = f"{prefix} " if prefix else ""
    return {identifier: f"{lead}{number:0{width}d}" for number, identifier in enumerate(ordered, 1)}


def _series(values: Iterable[object]) -> pd.Series:
    """Any iterable as a Series (columns, indexes and arrays without copying into a list)."""
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):
        return pd.Series(values)
    return pd.Series(list(values))


def letters(number: int) -> str:
    """The spreadsheet-column letters of a positive number: 1 -> A, 26 -> Z, 27 -> AA, 28 -> AB."""
    if number < 1:
        raise ParameterError(f"letters: expected a number of 1 or more, got {number}.")
    text = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        text = chr(ord("A") + remainder) + text
    return text


def worker_pseudonyms(workers: Iterable[object], prefix: str = "Worker") -> dict[object, str]:
    """Map each distinct worker to ``"Worker A"``, ``"Worker B"``, ... in order of first appearance.

    After ``Worker Z`` come ``Worker AA``, ``Worker AB``, ... ``Worker AZ``, ``Worker BA``, as
    spreadsheet columns are lettered. Blank values are left out. Pass the workers in the order
    that should decide the letters (for example the events sorted by date, so that ``Worker A``
    is the first to act). Deterministic and stable within one report only (see the module's
    notes).

    Parameters
    ----------
    workers:
        Worker identifiers or names, repeats allowed (a column, a list).
    prefix:
        The word before the letters; ``"Worker"`` by default.

    Returns
    -------
    dict
        ``{worker: pseudonym}`` in order of first appearance.
    """
    values = _series(workers)
    uniques = pd.unique(values.dropna())
    lead = f"{prefix} " if prefix else ""
    return {worker: f"{lead}{letters(number)}" for number, worker in enumerate(uniques, 1)}
