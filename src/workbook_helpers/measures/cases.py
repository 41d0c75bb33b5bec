"""Case review: the measures of each case's end-to-end journey, from its event log.

:func:`case_measures` takes case events as :func:`workbook_helpers.data.loading.load_events`
returns them (one row per activity, indexed by spreadsheet row number) and, optionally, the cases
file as :func:`workbook_helpers.data.loading.load_cases` returns it, and gives one row of measures
per case. Nothing here reads files or draws, and nothing loops over cases in Python: every measure
is computed on whole columns at once, so 100,000 cases with 3,000,000 events take seconds (see
``benchmarks/bench_case_measures.py``). The summaries across cases (by cohort, by organisation)
and the journey timeline are in :mod:`workbook_helpers.measures.case_summaries`, built on the
journey order and the checks defined here.

Definitions (the words a reader sees are in
:data:`workbook_helpers.measures.case_summaries.MEASURE_LABELS`):

- *journey order*: a case's events sorted by ``date`` (and time, when one is recorded). Events
  of one case on the same date (the same moment, when times are recorded) keep their file
  order, that is the order of the index (the spreadsheet row number), whatever order the rows
  of the frame are in. Only handoffs, repeat assessments and "first occurrence" depend on it.
- *assessments*, *referrals*: events whose canonical ``activity`` is ``assessment`` or
  ``referral``. *Repeat assessments* are the assessments after a case's first (rework).
- *people involved*: distinct workers on the case; *organisations involved*: distinct
  organisations (null when the events have no ``organisation`` column). Blank values do not
  count as a person or an organisation.
- *handoffs*: changes of worker between consecutive events in journey order. An event with no
  worker recorded is skipped (the handoff is counted between the known workers either side).
- *face-to-face share*: face-to-face hours over total hours (null when total hours are 0). An
  event whose ``face_to_face`` is blank counts as not face to face.
- *value work share*: hours marked value work over the hours whose ``value_work`` is known (null
  when no hours are known, or when the column is absent).
- *end to end*: from ``start`` (the cases file's ``opened``, else the first event) to ``end``
  (its ``closed``, else the last event), in whole days (completed days, rounding down when
  times are recorded). A case still open has not finished: its end is its last event, so its
  days are its journey so far.
- *open*: the cases file, where it has a ``closed`` column and the case, says so: a blank
  ``closed`` is a case still open. Otherwise the events do, when they record closures at all: a
  case with no ``closure`` event is still open. When neither says (no closing dates and no
  closure among the events), no case is taken to be open, and :func:`open_known_from` returns
  None so that a report can say it does not know (see ``docs/method.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_integer_dtype

from workbook_helpers.exceptions import ParameterError

__all__ = [
    "EVENT_COLUMNS",
    "NOT_RECORDED",
    "case_measures",
    "open_known_from",
]

EVENT_COLUMNS = ("case_id", "date", "activity", "worker", "hours", "face_to_face")
ASSESSMENT = "assessment"
REFERRAL = "referral"
CLOSURE = "closure"
NOT_RECORDED = "not recorded"
_DAY_NS = 86_400 * 10**9
#: The cases file's yes-or-no columns that case_measures passes on.
YES_NO = ("predicted_return", "returned")


# --------------------------------------------------------------------------------------------
# Checks, the journey order and the counts per group, shared with the summaries across cases
# (case_summaries.py) and the handoffs (handoffs.py)


def check_events(events: pd.DataFrame, needed: tuple[str, ...], function: str) -> None:
    """Raise ParameterError naming what is missing, before any work is done."""
    if not isinstance(events, pd.DataFrame):
        raise ParameterError(
            f"{function}: events should be a data frame of case events (as load_events returns), "
            f"not {type(events).__name__}."
        )
    missing = [column for column in needed if column not in events.columns]
    if missing:
        raise ParameterError(
            f"{function}: the events have no column {', '.join(repr(m) for m in missing)}. "
            f"Expected the columns load_events returns: {', '.join(needed)}."
        )
    for column in ("case_id", "date"):
        blank = events[column].isna().to_numpy()
        if blank.any():
            rows = events.index[blank][:5].tolist()
            raise ParameterError(
                f"{function}: {column} is blank in {int(blank.sum()):,} events "
                f"(rows {', '.join(str(r) for r in rows)}{', ...' if blank.sum() > 5 else ''}); "
                f"every event needs a {column}."
            )


def _check_cases(cases: pd.DataFrame, function: str) -> None:
    if not isinstance(cases, pd.DataFrame):
        raise ParameterError(
            f"{function}: cases should be a data frame (as load_cases returns) or None, "
            f"not {type(cases).__name__}."
        )
    if "case_id" not in cases.columns:
        raise ParameterError(f"{function}: the cases frame has no 'case_id' column.")
    repeated = cases["case_id"].duplicated(keep=False).to_numpy()
    if repeated.any():
        rows = cases.index[repeated][:5].tolist()
        raise ParameterError(
            f"{function}: {int(repeated.sum()):,} rows of the cases frame share a case_id "
            f"(rows {', '.join(str(r) for r in rows)}{', ...' if repeated.sum() > 5 else ''}); "
            "expected one row per case."
        )


@dataclass(frozen=True)
class Journey:
    """The events in journey order (case, then date, then file order) and per-event flags.

    Arrays named ``*_j`` are in journey order; ``codes`` is in the frame's own row order.
    Case numbers are 0..n-1 in order of first appearance in the frame, so journey order is
    sorted by case number and each case's events are one contiguous run.
    """

    order: np.ndarray  # row positions of the frame, in journey order
    codes: np.ndarray  # case number of each row, frame order
    case_ids: pd.Index  # case_id of each case number
    case_j: np.ndarray
    date_j: np.ndarray  # datetime64[ns]
    assessment_j: np.ndarray  # bool
    referral_j: np.ndarray  # bool
    repeat_assessment_j: np.ndarray  # bool: an assessment after the case's first
    handoff_in_j: np.ndarray  # bool: this event's worker differs from the previous known one
    worker_j: np.ndarray  # worker codes, -1 = blank


def _row_numbers(events: pd.DataFrame) -> np.ndarray:
    """The file order: spreadsheet row numbers when the index holds them, else position."""
    if is_integer_dtype(events.index.dtype):
        return events.index.to_numpy(dtype=np.int64)
    return np.arange(len(events), dtype=np.int64)


def _is(column: pd.Series, kind: str) -> np.ndarray:
    return column.eq(kind).fillna(False).to_numpy(dtype=bool)


def journey_of(events: pd.DataFrame) -> Journey:
    codes, case_ids = pd.factorize(events["case_id"])
    dates = events["date"].to_numpy(dtype="datetime64[ns]")
    # lexsort is stable: rows equal on case, date and row number keep their position.
    order = np.lexsort((_row_numbers(events), dates.view(np.int64), codes))
    case_j = codes[order]
    assessment_j = _is(events["activity"], ASSESSMENT)[order]
    referral_j = _is(events["activity"], REFERRAL)[order]

    repeat_j = np.zeros(len(order), dtype=bool)
    where = np.flatnonzero(assessment_j)
    if len(where):
        case_of = case_j[where]
        first = np.r_[True, case_of[1:] != case_of[:-1]]
        repeat_j[where[~first]] = True

    worker_j = pd.factorize(events["worker"])[0][order]
    handoff_j = np.zeros(len(order), dtype=bool)
    known = np.flatnonzero(worker_j >= 0)
    if len(known) > 1:
        c, w = case_j[known], worker_j[known]
        changed = (c[1:] == c[:-1]) & (w[1:] != w[:-1])
        handoff_j[known[1:][changed]] = True

    return Journey(
        order=order, codes=codes, case_ids=pd.Index(case_ids), case_j=case_j,
        date_j=dates[order], assessment_j=assessment_j, referral_j=referral_j,
        repeat_assessment_j=repeat_j, handoff_in_j=handoff_j, worker_j=worker_j,
    )


def count_per(groups: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows per group (int64) or, with ``weights``, the sum of the weights per group (float)."""
    counted = np.bincount(groups, weights=weights, minlength=n)
    return counted.astype(np.float64 if weights is not None else np.int64)


def distinct_per(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """How many distinct values (codes, -1 = blank, not counted) each group has."""
    keep = values >= 0
    if not keep.any():
        return np.zeros(n, dtype=np.int64)
    width = np.int64(values.max()) + 1
    pairs = pd.unique(groups[keep].astype(np.int64) * width + values[keep])
    return np.bincount(pairs // width, minlength=n).astype(np.int64)


def _most_frequent(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Each group's most frequent value code (-1 when it has none); ties go to the value that
    appears first in the arrays' order."""
    chosen = np.full(n, -1, dtype=np.int64)
    keep = values >= 0
    if not keep.any():
        return chosen
    width = np.int64(values.max()) + 1
    pair_codes, pairs = pd.factorize(groups[keep].astype(np.int64) * width + values[keep])
    # factorize numbers the pairs in order of first appearance, so a lower number = seen first
    counts = np.bincount(pair_codes)
    group_of, value_of = pairs // width, pairs % width
    best = np.lexsort((np.arange(len(pairs)), -counts, group_of))
    leader = np.r_[True, group_of[best][1:] != group_of[best][:-1]]
    chosen[group_of[best][leader]] = value_of[best][leader]
    return chosen


def _categories(*columns: pd.Series) -> list:
    """Categories for a combined column: those of categorical sources in order, then any other
    values seen, sorted."""
    ordered: list = []
    others: set = set()
    for column in columns:
        if isinstance(column.dtype, pd.CategoricalDtype):
            ordered.extend(c for c in column.cat.categories if c not in ordered)
        else:
            others.update(column.dropna().unique().tolist())
    return ordered + sorted(others - set(ordered), key=str)


def _take(column: pd.Series, positions: np.ndarray):
    """Values of ``column`` at ``positions``; -1 gives a blank of the column's type."""
    return column.array.take(positions, allow_fill=True)


def _days(start: np.ndarray, end: np.ndarray) -> pd.arrays.IntegerArray:
    delta = end - start
    blank = np.isnat(delta)
    days = np.where(blank, 0, delta.view(np.int64)) // _DAY_NS  # floor: completed days
    return pd.arrays.IntegerArray(days.astype(np.int64), blank)


# --------------------------------------------------------------------------------------------
# Measures per case


def case_measures(events: pd.DataFrame, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row of measures per case, from the case events and, optionally, the cases file.

    Parameters
    ----------
    events:
        Case events as ``load_events`` returns them: ``case_id``, ``date``, ``activity``
        (canonical kind), ``worker``, ``hours``, ``face_to_face``, and optionally
        ``organisation``, ``team``, ``value_work``, ``cohort``; indexed by spreadsheet row
        number, which orders events of one case on the same date (see the module's notes).
    cases:
        Optional, as ``load_cases`` returns it: ``case_id`` (one row per case), ``opened``,
        ``closed`` (blank = still open), ``predicted_return``, ``returned``, optionally
        ``cohort`` and ``team``. A case in this file with no events (the loader refuses such
        files, but a caller may build one) gets a row with zero counts; a case with events but
        no row here takes its start and end from its events, and whether it is open from its
        closure events (see the module's notes).

    Returns
    -------
    DataFrame
        One row per case, sorted by first event date then ``case_id`` (cases with no events
        last), with a fresh 0..n-1 index and these columns:

        - ``case_id`` (the raw identifier: pseudonymise before showing it, see
          :mod:`workbook_helpers.privacy.pseudonyms`);
        - ``cohort``, ``team`` (category; only when either frame has the column): from the
          cases file where it has a value, else the case's most frequent value in its events
          (ties: the value met first in journey order);
        - ``events``, ``assessments``, ``repeat_assessments``, ``referrals``,
          ``people_involved``, ``handoffs`` (int64), ``organisations_involved`` (Int64, null
          for every case when the events have no ``organisation`` column);
        - ``total_hours``, ``face_to_face_hours``, ``face_to_face_share`` (float; share null
          when total hours are 0), ``value_work_share`` (float, null when no hours have a
          known ``value_work``), and the two totals it is made of, ``value_work_hours`` and
          ``value_work_known_hours`` (null without a ``value_work`` column), which
          :func:`~workbook_helpers.measures.case_summaries.cohort_summary` needs for the pooled
          share;
        - ``first_event``, ``last_event``, ``start``, ``end`` (datetime64[ns]),
          ``end_to_end_days`` (Int64: whole days from start to end);
        - ``open`` (bool: the case is still open, by its ``closed`` date in the cases file or,
          without one, by having no closure event while other cases have one; False for every
          case when neither says, see :func:`open_known_from`);
        - with a cases file only: ``predicted_return``, ``returned`` (boolean, NA = not known).

    Raises
    ------
    ParameterError
        When a required column is missing, ``case_id`` or ``date`` is blank, or the cases frame
        repeats a case.
    """
    check_events(events, EVENT_COLUMNS, "case_measures")
    if cases is not None:
        _check_cases(cases, "case_measures")
    journey = journey_of(events)
    case_ids = journey.case_ids
    if cases is not None:
        # get_indexer hashes; Series.isin on Arrow-backed text loops in Python over the values
        without_events = cases["case_id"][case_ids.get_indexer(cases["case_id"]) < 0]
        if len(without_events):
            case_ids = case_ids.append(pd.Index(without_events.to_numpy(), dtype=case_ids.dtype))
    n = len(case_ids)
    codes, case_j = journey.codes, journey.case_j

    hours = events["hours"].to_numpy(dtype=np.float64, na_value=np.nan)
    face_to_face = events["face_to_face"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    counts = count_per(codes, n)
    total_hours = count_per(codes, n, hours)
    face_hours = count_per(codes, n, np.where(face_to_face, hours, 0.0))
    assessments = count_per(case_j[journey.assessment_j], n)

    out: dict[str, object] = {"case_id": case_ids}
    out["events"] = counts
    out["assessments"] = assessments
    out["repeat_assessments"] = np.maximum(assessments - 1, 0)
    out["referrals"] = count_per(case_j[journey.referral_j], n)
    out["people_involved"] = distinct_per(case_j, journey.worker_j, n)
    if "organisation" in events.columns:
        organisations = distinct_per(codes, pd.factorize(events["organisation"])[0], n)
        out["organisations_involved"] = pd.array(organisations, dtype="Int64")
    else:
        out["organisations_involved"] = pd.array([pd.NA] * n, dtype="Int64")
    out["handoffs"] = count_per(case_j[journey.handoff_in_j], n)
    out["total_hours"] = total_hours
    out["face_to_face_hours"] = face_hours
    out["face_to_face_share"] = _share(face_hours, total_hours)
    if "value_work" in events.columns:
        value_work = events["value_work"].astype("boolean")
        known = value_work.notna().to_numpy()
        valued = value_work.to_numpy(dtype=bool, na_value=False)
        value_hours = count_per(codes, n, np.where(valued, hours, 0.0))
        known_hours = count_per(codes, n, np.where(known, hours, 0.0))
        out["value_work_share"] = _share(value_hours, known_hours)
    else:
        value_hours = known_hours = np.full(n, np.nan)
        out["value_work_share"] = np.full(n, np.nan)
    out["value_work_hours"] = value_hours
    out["value_work_known_hours"] = known_hours

    # Journey order keeps each case's events together, sorted by date.
    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    last = first.copy()
    has_events = counts > 0
    starts = np.cumsum(counts) - counts
    first[has_events] = journey.date_j[starts[has_events]]
    last[has_events] = journey.date_j[starts[has_events] + counts[has_events] - 1]
    out["first_event"], out["last_event"] = first, last

    start, end = first, last
    # Without a closing date, a case is open when the events record closures but none for it.
    closures = count_per(case_j[_is(events["activity"], CLOSURE)[journey.order]], n)
    is_open = (closures == 0) if closures.any() else np.zeros(n, dtype=bool)
    in_cases = None  # each case's row position in the cases frame, -1 = not there
    if cases is not None:
        in_cases = pd.Index(cases["case_id"]).get_indexer(case_ids)
        if "opened" in cases.columns:
            opened = np.asarray(_take(cases["opened"], in_cases), dtype="datetime64[ns]")
            start = np.where(np.isnat(opened), first, opened)
        if "closed" in cases.columns:
            closed = np.asarray(_take(cases["closed"], in_cases), dtype="datetime64[ns]")
            end = np.where(np.isnat(closed), last, closed)
            # The cases file wins for the cases it lists; the others keep their closure events.
            is_open = np.where(in_cases >= 0, np.isnat(closed), is_open)
    out["start"], out["end"] = start, end
    out["end_to_end_days"] = _days(start, end)
    out["open"] = is_open
    if cases is not None:
        for column in YES_NO:
            out[column] = (
                pd.array(_take(cases[column].astype("boolean"), in_cases), dtype="boolean")
                if column in cases.columns else pd.array([pd.NA] * n, dtype="boolean")
            )

    for column in ("cohort", "team"):
        labelled = _case_label(column, events, journey, cases, in_cases, n)
        if labelled is not None:
            out[column] = labelled

    measures = pd.DataFrame(out)
    front = ["case_id"] + [c for c in ("cohort", "team") if c in measures.columns]
    measures = measures[front + [c for c in measures.columns if c not in front]]
    return measures.sort_values(
        ["first_event", "case_id"], na_position="last", kind="stable", ignore_index=True
    )


def open_known_from(events: pd.DataFrame, cases: pd.DataFrame | None = None) -> str | None:
    """Where :func:`case_measures` learns which cases are still open: ``"cases file"`` (it
    has a ``closed`` column: a blank one is open), ``"closure events"`` (no closing dates, but
    the events record closures: a case without one is open), or None when nothing says (then
    no case is taken to be open, and a report should say that it does not know)."""
    if cases is not None and "closed" in cases.columns:
        return "cases file"
    if "activity" in events.columns and _is(events["activity"], CLOSURE).any():
        return "closure events"
    return None


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    share = np.full(len(whole), np.nan)
    np.divide(part, whole, out=share, where=whole > 0)
    return share


def _case_label(
    column: str, events: pd.DataFrame, journey: Journey, cases: pd.DataFrame | None,
    in_cases: np.ndarray | None, n: int,
) -> pd.Categorical | None:
    """A case's cohort or team: the cases file's value where it has one, else the most frequent
    value in the case's events. None when neither frame has the column."""
    sources = []
    values = np.full(n, None, dtype=object)
    if column in events.columns:
        value_codes, names = pd.factorize(events[column])
        chosen = _most_frequent(journey.case_j, value_codes[journey.order], n)
        found = chosen >= 0
        values[found] = np.asarray(names, dtype=object)[chosen[found]]
        sources.append(events[column])
    if cases is not None and column in cases.columns:
        from_cases = pd.Series(_take(cases[column], in_cases), dtype=object)
        has = from_cases.notna().to_numpy()
        values[has] = from_cases.to_numpy()[has]
        sources.append(cases[column])
    if not sources:
        return None
    return pd.Categorical(values, categories=_categories(*sources))
