"""Where cases pass between organisations, and what follows what: the handoff map and the
directly-follows table, from the case events.

A **handoff** is what :func:`workbook_helpers.measures.cases.case_measures` counts: the case passing from
one worker to another between consecutive events in journey order (events with no worker
recorded are skipped, so the handoff is between the known workers either side). The map places
each handoff by the organisation of the event the case passed *from* (the last event with a known
worker before the change) and of the event it passed *to*; a handoff between two workers of the
same organisation is a handoff *within* it (the diagonal of the map). An event with no
organisation recorded counts under "not recorded". So each group's cells add up to exactly its
handoffs, and, divided by its cases, to its handoffs per case.

The **directly-follows** table counts, for each pair of activity kinds, how often an event of the
first kind is followed directly by one of the second on the same case, in journey order (every
event, whoever did it): what process-mining tools draw as a directly-follows graph, kept to the
pairs that happen most.

**Journey order** is the case review's (:mod:`workbook_helpers.measures.cases`): by date (and time, when
recorded), and events of one case on the same date in their file order (the spreadsheet's row
order), whatever order the frame's rows are in. So two events on the same day hand the case over
in the order the export lists them.

Every figure is per case of its group (a cohort, or all cases): the cases given, including those
with no handoff at all. Nothing here draws, and nothing here names a case or a worker: the frames
carry organisations, activity kinds and counts.

What a report shows of them is decided by the audience layer
(:func:`workbook_helpers.privacy.audience.protect_handoffs`,
:func:`workbook_helpers.privacy.audience.protect_follows`); the sentence and the view a workbook
shows are in :mod:`workbook_helpers.workbooks.handoffs`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook_helpers.measures import cases as cr
from workbook_helpers.exceptions import ParameterError

__all__ = [
    "ALL_CASES",
    "directly_follows",
    "handoff_pairs",
]

#: The group of every case when there are no cohorts.
ALL_CASES = "all cases"
_MAP_COLUMNS = ["group", "from_organisation", "to_organisation", "handoffs", "cases", "per_case", "within"]
_FOLLOW_COLUMNS = ["group", "from_activity", "to_activity", "transitions", "cases", "per_case"]


def case_groups(cases: pd.DataFrame, group: str | None, order: Sequence[str] | None,
                labels: dict | None) -> tuple[pd.Series, list[str]]:
    """Each case's group (by case_id) under its label, and the groups in order."""
    if "case_id" not in cases.columns:
        raise ParameterError("The cases must have a case_id column (one row per case).")
    if group is None or group not in cases.columns:
        named = pd.Series(ALL_CASES, index=cases["case_id"].to_numpy())
        return named, [ALL_CASES]
    values = cases[group].astype(object).map(lambda v: cr.NOT_RECORDED if v is None or v != v else str(v))
    named = pd.Series(values.to_numpy(), index=cases["case_id"].to_numpy())
    chosen = list(order) if order is not None else sorted(set(named))
    named = named[named.isin(chosen).to_numpy()]
    labels = labels or {}
    return named.map(lambda v: labels.get(v, v)), [labels.get(g, g) for g in chosen]


def _journey_of(events: pd.DataFrame, case_ids: pd.Index) -> tuple[pd.DataFrame, object]:
    """The events of the given cases, and their journey (the case review's order)."""
    for column in ("case_id", "date", "worker"):
        if column not in events.columns:
            raise ParameterError(f"The case events have no {column} column.")
    chosen = events[events["case_id"].isin(set(case_ids)).to_numpy()]
    return chosen, cr.journey_of(chosen)


def handoff_pairs(
    events: pd.DataFrame, cases: pd.DataFrame, group: str | None = "cohort",
    order: Sequence[str] | None = None, labels: dict | None = None,
) -> pd.DataFrame:
    """Handoffs between each pair of organisations, per case of each group.

    Parameters
    ----------
    events
        The case events (:func:`workbook_helpers.data.loading.load_events`), with an
        ``organisation`` column (blanks count as "not recorded").
    cases
        One row per case the figures are of (as :func:`workbook_helpers.measures.cases.case_measures`
        gives them, or a selection of it): ``case_id`` and the ``group`` column. Events of
        other cases are left out; a case with no handoff counts among its group's cases.
    group
        The column naming each case's group (a cohort); None (or a column the cases do not
        have) puts every case in one group, ``"all cases"``.
    order
        The groups to show, in order (by default every group, sorted); cases of other groups
        are left out.
    labels
        Names to show the groups under (``{"before": "standard way"}``).

    Returns
    -------
    pandas.DataFrame
        One row per group and pair of organisations (every organisation that gives or takes a
        handoff, in both roles, zeros included), groups in order, organisations by their
        handoffs (most first): ``group``, ``from_organisation``, ``to_organisation``,
        ``handoffs`` (int), ``cases`` (the group's cases), ``per_case`` (handoffs / cases) and
        ``within`` (the same organisation). Each group's ``per_case`` adds up to its handoffs
        per case. Empty, with these columns, when there are no handoffs.

    Raises
    ------
    ParameterError
        The events have no organisation column, or lack the columns a journey needs.
    """
    if "organisation" not in events.columns:
        raise ParameterError("The case events have no organisation column, so handoffs cannot be "
                             "placed between organisations.")
    group_of, groups = case_groups(cases, group, order, labels)
    chosen, journey = _journey_of(events, pd.Index(group_of.index))
    organisation = chosen["organisation"].astype(object).where(chosen["organisation"].notna(), cr.NOT_RECORDED)
    organisation_j = organisation.to_numpy()[journey.order]
    # The handoffs exactly as case_measures counts them: between consecutive known workers.
    known = np.flatnonzero(journey.worker_j >= 0)
    same_case = journey.case_j[known[1:]] == journey.case_j[known[:-1]]
    changed = same_case & (journey.worker_j[known[1:]] != journey.worker_j[known[:-1]])
    to_at, from_at = known[1:][changed], known[:-1][changed]
    handoffs = pd.DataFrame({
        "group": group_of.reindex(journey.case_ids[journey.case_j[to_at]]).to_numpy(),
        "from_organisation": organisation_j[from_at].astype(str),
        "to_organisation": organisation_j[to_at].astype(str),
    })
    cases_per_group = group_of.value_counts().reindex(groups, fill_value=0)
    if handoffs.empty:
        return pd.DataFrame(columns=_MAP_COLUMNS)
    # Organisations by the handoffs they give or take, most first; ties by name.
    involvement = pd.concat([handoffs["from_organisation"], handoffs["to_organisation"]]).value_counts()
    organisations = sorted(involvement.index, key=lambda name: (-involvement[name], name))
    counted = handoffs.groupby(["group", "from_organisation", "to_organisation"]).size()
    full = pd.MultiIndex.from_product([groups, organisations, organisations],
                                      names=["group", "from_organisation", "to_organisation"])
    frame = counted.reindex(full, fill_value=0).rename("handoffs").reset_index()
    frame["handoffs"] = frame["handoffs"].astype("int64")
    frame["cases"] = frame["group"].map(cases_per_group).astype("int64")
    frame["per_case"] = frame["handoffs"] / frame["cases"].where(frame["cases"] > 0)
    frame["within"] = frame["from_organisation"] == frame["to_organisation"]
    return frame[_MAP_COLUMNS]


def directly_follows(
    events: pd.DataFrame, cases: pd.DataFrame, group: str | None = "cohort",
    order: Sequence[str] | None = None, labels: dict | None = None, top: int = 8,
) -> pd.DataFrame:
    """How often each kind of activity is followed directly by each other on a case, per case
    of each group, for the ``top`` pairs that happen most over all groups.

    ``events``, ``cases``, ``group``, ``order`` and ``labels`` are as for
    :func:`handoff_pairs`; the events need an ``activity`` column (the canonical kinds
    :func:`workbook_helpers.data.loading.load_events` gives: assessment, referral, visit...).

    Returns one row per chosen pair and group (pairs most frequent first, ties by name; groups
    in order): ``group``, ``from_activity``, ``to_activity``, ``transitions`` (int), ``cases``
    and ``per_case``. ``frame.attrs["shown_share"]`` is the share of all transitions the chosen
    pairs make up, and ``frame.attrs["pairs"]`` how many different pairs there are.
    """
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise ParameterError(f"top must be a whole number of 1 or more, not {top!r}.")
    if "activity" not in events.columns:
        raise ParameterError("The case events have no activity column.")
    group_of, groups = case_groups(cases, group, order, labels)
    chosen, journey = _journey_of(events, pd.Index(group_of.index))
    activity = chosen["activity"].astype(object).where(chosen["activity"].notna(), cr.NOT_RECORDED)
    activity_j = activity.to_numpy()[journey.order].astype(str)
    follows = np.flatnonzero(journey.case_j[1:] == journey.case_j[:-1])  # event i -> i + 1
    steps = pd.DataFrame({
        "group": group_of.reindex(journey.case_ids[journey.case_j[follows]]).to_numpy(),
        "from_activity": activity_j[follows],
        "to_activity": activity_j[follows + 1],
    })
    cases_per_group = group_of.value_counts().reindex(groups, fill_value=0)
    if steps.empty:
        frame = pd.DataFrame(columns=_FOLLOW_COLUMNS)
        frame.attrs.update(shown_share=None, pairs=0)
        return frame
    totals = steps.groupby(["from_activity", "to_activity"]).size()
    ranked = sorted(totals.index, key=lambda pair: (-totals[pair], pair))
    kept = ranked[:top]
    counted = steps.groupby(["group", "from_activity", "to_activity"]).size()
    rows = [(g, a, b) for a, b in kept for g in groups]
    frame = pd.DataFrame(rows, columns=["group", "from_activity", "to_activity"])
    frame["transitions"] = [int(counted.get((g, a, b), 0)) for g, a, b in rows]
    frame["cases"] = frame["group"].map(cases_per_group).astype("int64")
    frame["per_case"] = frame["transitions"] / frame["cases"].where(frame["cases"] > 0)
    frame.attrs.update(shown_share=float(sum(totals[p] for p in kept) / totals.sum()), pairs=len(ranked))
    return frame[_FOLLOW_COLUMNS]
