"""Case review: summaries across cases, from the measures per case or the event log.

:func:`cohort_summary` sums up, per cohort (or any other group), the measures
:func:`workbook_helpers.measures.cases.case_measures` gives each case; :func:`by_organisation`
counts the work, rework and handoffs by the organisation that did them; :func:`case_timeline` gives
the events of chosen cases to draw as journeys, under labels. They read the journey order and
follow the definitions of :mod:`workbook_helpers.measures.cases`. Nothing here reads files or
draws, and nothing loops over cases in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.measures.cases import (
    EVENT_COLUMNS,
    NOT_RECORDED,
    YES_NO,
    check_events,
    count_per,
    distinct_per,
    journey_of,
)

__all__ = ["MEASURE_LABELS", "by_organisation", "case_timeline", "cohort_summary"]

ALL = "all"

#: The measures :func:`cohort_summary` summarises, in the order it lists them, with the words a
#: reader sees. Shares are 0 to 1.
MEASURE_LABELS: dict[str, str] = {
    "assessments": "Assessments per case",
    "repeat_assessments": "Repeat assessments per case",
    "referrals": "Referrals per case",
    "people_involved": "People involved per case",
    "organisations_involved": "Organisations involved per case",
    "handoffs": "Handoffs per case",
    "total_hours": "Hours per case",
    "face_to_face_hours": "Face-to-face hours per case",
    "face_to_face_share": "Face-to-face time as a share of total time",
    "value_work_share": "Value work as a share of time (where known)",
    "end_to_end_days": "Days end to end per case",
    "predicted_return": "Cases predicted to return (share of cases with a yes or no)",
    "returned": "Cases that returned (share of cases with a yes or no)",
}
_SHARES = {
    # measure: (numerator, denominator) columns whose group totals give the pooled share
    "face_to_face_share": ("face_to_face_hours", "total_hours"),
    "value_work_share": ("value_work_hours", "value_work_known_hours"),
}


# --------------------------------------------------------------------------------------------
# Cohort summary


def cohort_summary(
    measures: pd.DataFrame, by: str | None = "cohort", include_all: bool = False
) -> pd.DataFrame:
    """Per-case means and medians, totals and pooled shares of each measure, per cohort.

    Parameters
    ----------
    measures:
        One row per case, as :func:`~workbook_helpers.measures.cases.case_measures` returns it
        (or a user's own table with some of the same columns: measures it lacks are left out).
    by:
        The column that names each case's group (``"cohort"`` by default). ``None`` puts every
        case in one group, ``"all"``; so does the default when the table has no ``cohort``
        column. Another column name that is not in the table is an error. Cases with a blank
        group form the group ``"not recorded"``.
    include_all:
        Also give the rows for all cases together (group ``"all"``, after the cohorts).

    Returns
    -------
    DataFrame
        Tidy, one row per (group, measure), groups in their category order (or sorted), measures
        in the order of :data:`MEASURE_LABELS`. Columns:

        - ``group``, ``measure`` (the column name), ``label`` (plain words);
        - ``cases``: cases in the group with a known value of the measure;
        - ``mean``, ``median``: per case (for the share measures, the mean and median of the
          cases' own shares, each case counting once);
        - ``total``: the sum over cases for counts, hours and days; the number of cases
          answering yes for ``predicted_return`` and ``returned``; null for the share measures;
        - ``pooled``: only for shares. ``face_to_face_share``: the group's face-to-face hours
          over its total hours (so long cases weigh more than in ``mean``);
          ``value_work_share``: value work hours over hours whose value is known;
          ``predicted_return`` and ``returned``: the share of cases with a known yes or no that
          are yes (the same as ``mean``). Null elsewhere, and when nothing is known.

        Null where a figure cannot be worked out (no known values); never an error.
    """
    if not isinstance(measures, pd.DataFrame):
        raise ParameterError(
            f"The measures should be a data frame (as case_measures returns), "
            f"not {type(measures).__name__}."
        )
    if by is not None and by not in measures.columns and by != "cohort":
        raise ParameterError(
            f"by = {by!r} is not a column of the measures. "
            f"The columns are: {', '.join(map(str, measures.columns))}. Use by=None for all cases."
        )
    groups = _groups(measures, by)
    frames = [_summarise(measures, groups)]
    if include_all and list(groups.cat.categories) != [ALL]:
        frames.append(_summarise(measures, _groups(measures, None)))
    return pd.concat(frames, ignore_index=True)


def _groups(measures: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None or by not in measures.columns:
        return pd.Series(pd.Categorical([ALL] * len(measures), categories=[ALL]), index=measures.index)
    column = measures[by]
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(column.dropna().unique().tolist())
        order = [str(c) for c in column.cat.categories if c in present]
    else:
        order = sorted({str(v) for v in column.dropna().unique().tolist()})
    names = column.astype(object).where(column.notna(), None)
    names = names.map(lambda v: NOT_RECORDED if v is None else str(v))
    if column.isna().any() and NOT_RECORDED not in order:
        order.append(NOT_RECORDED)
    return pd.Series(pd.Categorical(names, categories=order), index=measures.index)


def _numbers(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.BooleanDtype) or column.dtype == bool:
        return column.astype("Float64").astype("float64")
    return pd.to_numeric(column, errors="coerce").astype("float64")


def _summarise(measures: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    names = list(groups.cat.categories)
    present = [m for m in MEASURE_LABELS if m in measures.columns]
    pooled_parts = sorted({c for m in present if m in _SHARES for c in _SHARES[m] if c in measures.columns})
    columns = ["group", "measure", "label", "cases", "mean", "median", "total", "pooled"]
    if not present:
        return pd.DataFrame(columns=columns)
    # One grouped pass over every measure at once (a frame of floats, NaN = not known).
    values = pd.DataFrame({m: _numbers(measures[m]) for m in present + pooled_parts}, index=measures.index)
    grouped = values.groupby(groups, observed=False)
    count = grouped.count().reindex(names)
    mean = grouped.mean().reindex(names)
    median = grouped.median().reindex(names)
    total = grouped.sum(min_count=1).reindex(names)

    def long(wide: pd.DataFrame) -> np.ndarray:
        return wide[present].to_numpy(dtype=np.float64).T.ravel()  # measure-major, groups inside

    summary = pd.DataFrame({
        "measure": np.repeat(present, len(names)),
        "group": np.tile(np.asarray(names, dtype=object), len(present)),
        "cases": long(count).astype(np.int64),
        "mean": long(mean), "median": long(median), "total": long(total),
        "pooled": np.nan,
    })
    for measure in present:
        rows = (summary["measure"] == measure).to_numpy()
        if measure in _SHARES:
            summary.loc[rows, "total"] = np.nan  # a sum of shares means nothing
            numerator, denominator = _SHARES[measure]
            if numerator in values.columns and denominator in values.columns:
                bottom = total[denominator]
                summary.loc[rows, "pooled"] = (total[numerator] / bottom.where(bottom > 0)).to_numpy()
        elif measure in YES_NO:
            summary.loc[rows, "median"] = np.nan  # the middle of yes/no answers is not useful
            summary.loc[rows, "pooled"] = summary.loc[rows, "mean"]
    summary["label"] = summary["measure"].map(MEASURE_LABELS)
    # Group first, then measures in their listed order.
    order = np.lexsort((np.repeat(np.arange(len(present)), len(names)),
                        np.tile(np.arange(len(names)), len(present))))
    summary = summary.iloc[order].reset_index(drop=True)
    summary["group"] = summary["group"].astype("str")
    return summary[columns]


# --------------------------------------------------------------------------------------------
# By organisation


def by_organisation(events: pd.DataFrame) -> pd.DataFrame:
    """Work, rework and handoffs by the organisation that did them.

    Parameters
    ----------
    events:
        Case events with an ``organisation`` column (see
        :func:`~workbook_helpers.measures.cases.case_measures`).

    Returns
    -------
    DataFrame
        One row per organisation found in the events (blank organisations together as
        ``"not recorded"``), sorted by hours, most first (ties by name), with columns
        ``organisation``, ``events``, ``cases`` (distinct cases it worked on), ``hours``,
        ``face_to_face_hours``, ``assessments``, ``repeat_assessments`` (assessments after
        the case's first, counted against the organisation that did the repeat),
        ``referrals``, and ``handoffs_in`` (handoffs whose receiving event, the one by the new
        worker, is this organisation's). Summed over organisations, each count equals the total
        over cases from :func:`~workbook_helpers.measures.cases.case_measures`.

    Raises
    ------
    ParameterError
        When the events have no ``organisation`` column or miss a required column.
    """
    check_events(events, EVENT_COLUMNS + ("organisation",), "by_organisation")
    journey = journey_of(events)
    org_codes, names = pd.factorize(events["organisation"])
    names = [str(name) for name in names]
    if (org_codes < 0).any():
        org_codes = np.where(org_codes < 0, len(names), org_codes)
        names.append(NOT_RECORDED)
    m = len(names)
    org_j = org_codes[journey.order]
    hours = events["hours"].to_numpy(dtype=np.float64, na_value=np.nan)
    face_to_face = events["face_to_face"].astype("boolean").to_numpy(dtype=bool, na_value=False)

    table = pd.DataFrame({
        "organisation": pd.array(names, dtype="str"),
        "events": count_per(org_codes, m),
        "cases": distinct_per(org_codes, journey.codes, m),
        "hours": count_per(org_codes, m, hours),
        "face_to_face_hours": count_per(org_codes, m, np.where(face_to_face, hours, 0.0)),
        "assessments": count_per(org_j[journey.assessment_j], m),
        "repeat_assessments": count_per(org_j[journey.repeat_assessment_j], m),
        "referrals": count_per(org_j[journey.referral_j], m),
        "handoffs_in": count_per(org_j[journey.handoff_in_j], m),
    })
    return table.sort_values(
        ["hours", "organisation"], ascending=[False, True], kind="stable", ignore_index=True
    )


# --------------------------------------------------------------------------------------------
# Timeline


def case_timeline(
    events: pd.DataFrame, case_labels: dict, worker_labels: dict
) -> pd.DataFrame:
    """The events to draw as a journey timeline, with identifiers replaced by the labels given.

    Parameters
    ----------
    events:
        Case events (see :func:`~workbook_helpers.measures.cases.case_measures`).
    case_labels:
        ``{case_id: label}``, usually ``pseudonyms(measures["case_id"])`` from
        :mod:`workbook_helpers.privacy.pseudonyms`. Only the cases it names are returned, so pass the
        labels of the cases to draw (the rest of the mapping order decides lane order).
    worker_labels:
        ``{worker: label}``, usually this installation's salted pseudonyms (``Worker QX``,
        :func:`workbook_helpers.privacy.pseudonyms.stable_worker_pseudonyms`) worked out over all
        the events, so a worker's label is the same whichever cases are drawn.

    Returns
    -------
    DataFrame
        One row per event of the labelled cases, sorted by the order of ``case_labels`` then
        journey order, with a fresh index and columns ``case`` (label, category in the order
        of ``case_labels``), ``date``, ``activity`` (the canonical kind), ``worker``
        (pseudonym), ``organisation`` (blank when the events have none), ``hours`` and
        ``face_to_face``. No ``case_id``, worker name, local activity name or row number.

    Raises
    ------
    ParameterError
        When a required column is missing, or ``worker_labels`` lacks some workers (their
        number is given, not their names).
    """
    check_events(events, EVENT_COLUMNS, "case_timeline")
    journey = journey_of(events)
    lane_order = list(dict.fromkeys(case_labels.values()))
    labels = pd.Categorical(journey.case_ids.map(case_labels), categories=lane_order)
    label_codes = labels.codes[journey.case_j]  # journey order; -1 = not drawn
    drawn = label_codes >= 0
    # Within the labelled cases, lanes follow the labels; each lane stays in journey order.
    rows = journey.order[drawn][np.argsort(label_codes[drawn], kind="stable")]

    workers = events["worker"].iloc[rows].reset_index(drop=True)
    shown = workers.map(worker_labels)
    unlabelled = shown.isna() & workers.notna()
    if unlabelled.any():
        raise ParameterError(
            f"case_timeline: worker_labels has no label for {workers[unlabelled].nunique():,} "
            "of the workers on the cases drawn; expected a label for every worker."
        )
    organisation = (
        events["organisation"].iloc[rows].array if "organisation" in events.columns
        else pd.Categorical([None] * len(rows))
    )
    return pd.DataFrame({
        "case": pd.Categorical.from_codes(np.sort(label_codes[drawn], kind="stable"), categories=lane_order),
        "date": events["date"].iloc[rows].to_numpy(dtype="datetime64[ns]"),
        "activity": events["activity"].iloc[rows].array,
        "worker": shown.array,
        "organisation": organisation,
        "hours": events["hours"].iloc[rows].to_numpy(dtype=np.float64, na_value=np.nan),
        "face_to_face": events["face_to_face"].iloc[rows].astype("boolean").array,
    })
