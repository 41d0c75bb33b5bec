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

In a public report (:func:`protect_handoffs`, :func:`protect_follows`) a cell resting on 1 to
``suppress_below - 1`` handoffs (or transitions) is hidden, and in the map enough other cells
that none can be worked out from its row, column or group totals; a group with fewer cases than
that shows no cell at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook_helpers.measures import cases as cr
from workbook_helpers.privacy import disclosure
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.formatting import fmt_number, join_words

__all__ = [
    "ALL_CASES",
    "directly_follows",
    "handoff_pairs",
    "handoff_sentence",
    "protect_follows",
    "protect_handoffs",
]

#: The group of every case when there are no cohorts.
ALL_CASES = "all cases"
_MAP_COLUMNS = ["group", "from_organisation", "to_organisation", "handoffs", "cases", "per_case", "within"]
_FOLLOW_COLUMNS = ["group", "from_activity", "to_activity", "transitions", "cases", "per_case"]


def _groups(cases: pd.DataFrame, group: str | None, order: Sequence[str] | None,
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
    return chosen, cr._journey(chosen)


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
    group_of, groups = _groups(cases, group, order, labels)
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
    group_of, groups = _groups(cases, group, order, labels)
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


# --------------------------------------------------------------------------------------------
# What a public report may show


def protect_handoffs(pairs: pd.DataFrame, suppress_below: int, publishing: bool = True) -> pd.Series:
    """Which cells of :func:`handoff_pairs` a report hides, row for row (all False when not
    ``publishing``).

    Within each group: a cell of 1 to ``suppress_below - 1`` handoffs is hidden; the group's
    handoffs from each organisation, into each, and in all can be worked out from figures a
    reader may have (the handoffs into each organisation, the handoffs per case and the cases),
    so enough other cells are hidden that none can be worked out from those totals
    (:func:`workbook_helpers.privacy.disclosure.suppress_table`). A group of 1 to
    ``suppress_below - 1`` cases shows no cell: every figure of it is per case of too few.
    """
    hidden = pd.Series(False, index=pairs.index)
    if not publishing or pairs.empty:
        return hidden
    for _, rows in pairs.groupby("group", sort=False):
        cases = int(rows["cases"].iloc[0])
        if 0 < cases < suppress_below:
            hidden[rows.index] = True
            continue
        grid = rows.pivot(index="from_organisation", columns="to_organisation", values="handoffs")
        if not grid.to_numpy().any():
            continue
        mask = disclosure.suppress_table(grid.reset_index(drop=True), suppress_below=suppress_below,
                                         row_totals=True, column_totals=True, total_label="__total__").mask
        mask = mask.iloc[:-1].drop(columns="__total__").set_axis(grid.index)
        hidden[rows.index] = [bool(mask.loc[a, b]) for a, b in
                              zip(rows["from_organisation"], rows["to_organisation"])]
    return hidden


def protect_follows(follows: pd.DataFrame, suppress_below: int, publishing: bool = True) -> pd.Series:
    """Which rows of :func:`directly_follows` a report hides (all False when not
    ``publishing``): 1 to ``suppress_below - 1`` transitions, or a group of that few cases.
    The table shows the top pairs only, with no totals, so nothing more need be hidden."""
    if not publishing or follows.empty:
        return pd.Series(False, index=follows.index)
    small = follows["transitions"].between(1, suppress_below - 1)
    few_cases = follows["cases"].between(1, suppress_below - 1)
    return (small | few_cases).astype(bool)


# --------------------------------------------------------------------------------------------
# In words


def _place(from_org: str, to_org: str) -> str:
    return f"within {from_org}" if from_org == to_org else f"from {from_org} to {to_org}"


def handoff_sentence(pairs: pd.DataFrame, hidden: pd.Series | None = None) -> str:
    """The sentence under the map: where most handoffs happened, with its figure per case in
    each group ("Most handoffs were from Council adult social care to NHS community health: 3.1
    per case in the standard way, 1.2 in the new way."), then the handoffs per case of each
    group in all. "" when there are none.

    The busiest pair is the one with the most handoffs per case over all groups together (each
    group counting by its cases). A figure the report hides is said as too few to show. Plain
    text: escape it before showing it as Markdown.
    """
    if pairs.empty or not pairs["handoffs"].any():
        return ""
    hidden = pd.Series(False, index=pairs.index) if hidden is None else hidden
    groups = list(dict.fromkeys(pairs["group"]))
    cases = pairs.drop_duplicates("group").set_index("group")["cases"]
    # Over the groups together: all their handoffs over all their cases.
    together = pairs.groupby(["from_organisation", "to_organisation"], sort=False)["handoffs"].sum()
    visible = pairs.loc[~hidden.to_numpy()].groupby(["from_organisation", "to_organisation"], sort=False).size()
    shown = together[together.index.isin(visible.index)]
    if shown.empty or not shown.any():
        return "Every cell of the map rests on too few handoffs to show in a public report."
    (from_org, to_org) = sorted(shown.index, key=lambda pair: (-shown[pair], pair))[0]

    def figure(group: str, pair: tuple[str, str]) -> str:
        row = pairs[(pairs["group"] == group) & (pairs["from_organisation"] == pair[0])
                    & (pairs["to_organisation"] == pair[1])]
        if bool(hidden[row.index].any()):
            return "too few to show"
        return f"{fmt_number(row['per_case'].iloc[0], 1)} per case"

    def figures(pair: tuple[str, str]) -> str:
        if len(groups) == 1:
            return figure(groups[0], pair)
        return join_words([f"{figure(g, pair)} in the {g}" if i == 0 else
                           f"{figure(g, pair).replace(' per case', '')} in the {g}"
                           for i, g in enumerate(groups)])

    sentence = f"Most handoffs were {_place(from_org, to_org)}: {figures((from_org, to_org))}."
    if from_org == to_org:
        # The system's story is the handoffs between organisations: name the busiest of those too.
        between = shown[[a != b for a, b in shown.index]]
        if len(between) and between.any():
            pair = sorted(between.index, key=lambda p: (-between[p], p))[0]
            sentence += f" Between organisations, most were {_place(*pair)}: {figures(pair)}."
    in_all = []
    for group in groups:
        rows = pairs[pairs["group"] == group]
        if bool(hidden[rows.index].all()):
            continue  # a cohort of too few cases: nothing of it is shown
        # The cells are protected with the group's total taken as known (it is the summary
        # table's handoffs per case), so it may be given.
        total = rows["handoffs"].sum() / cases[group] if cases[group] else float("nan")
        in_all.append((group, total))
    if len(in_all) == len(groups):
        if len(groups) == 1:
            sentence += f" In all, {fmt_number(in_all[0][1], 1)} handoffs per case."
        else:
            sentence += " In all, " + join_words(
                [f"{fmt_number(total, 1)} handoffs per case in the {group}" for group, total in in_all]) + "."
    return sentence


# --------------------------------------------------------------------------------------------
# What a workbook shows


class HandoffView:
    """The handoff map and the directly-follows table as a workbook shows them, under the
    report's privacy policy. Build it with :meth:`build`.

    ``pairs`` (:func:`handoff_pairs`) and ``follows`` (:func:`directly_follows`) hold every
    figure; ``pairs_hidden`` and ``follows_hidden`` say which a report hides (all False in an
    internal report).
    """

    def __init__(self, pairs: pd.DataFrame, follows: pd.DataFrame, pairs_hidden: pd.Series,
                 follows_hidden: pd.Series, groups: list[str]):
        self.pairs, self.follows = pairs, follows
        self.pairs_hidden, self.follows_hidden = pairs_hidden, follows_hidden
        self.groups = groups

    @classmethod
    def build(
        cls, events: pd.DataFrame, cases: pd.DataFrame, group: str | None = "cohort",
        order: Sequence[str] | None = None, labels: dict | None = None, top: int = 10,
    ) -> HandoffView | None:
        """The view of ``cases`` (one row per case reviewed or compared, with ``case_id`` and
        ``group``) from their ``events``; None when the events name no organisation."""
        from workbook_helpers.privacy.policy import current_policy

        if "organisation" not in events.columns:
            return None
        policy = current_policy()
        pairs = handoff_pairs(events, cases, group, order, labels)
        follows = directly_follows(events, cases, group, order, labels, top=top)
        _, groups = _groups(cases, group, order, labels)
        return cls(pairs, follows, protect_handoffs(pairs, policy.suppress_below, policy.hides_small_numbers),
                   protect_follows(follows, policy.suppress_below, policy.hides_small_numbers), groups)

    @property
    def several(self) -> bool:
        return len(self.groups) > 1

    def map_frame(self) -> pd.DataFrame:
        """What the map draws: ``group``, ``from_organisation``, ``to_organisation``,
        ``per_case`` (missing where hidden), ``handoffs`` (likewise), ``cases`` and
        ``suppressed``."""
        frame = self.pairs.copy()
        frame["suppressed"] = self.pairs_hidden.to_numpy()
        frame["per_case"] = frame["per_case"].mask(frame["suppressed"])
        frame["handoffs"] = frame["handoffs"].astype("float64").mask(frame["suppressed"])
        return frame.drop(columns=["within"])

    def sentence(self) -> str:
        return handoff_sentence(self.pairs, self.pairs_hidden)

    def chart(self):
        """The handoff map (:func:`workbook_helpers.present.charts.handoff_map`), or None without
        handoffs."""
        from workbook_helpers.present import charts

        if self.pairs.empty or not self.pairs["handoffs"].any():
            return None
        sides = (f" for {join_words([f'the {g}' for g in self.groups])}, side by side on one colour scale"
                 if self.several else "")
        description = (
            "Grid of handoffs per case from the organisation of each row to the organisation of each "
            f"column{sides}, the figure written in each cell; the diagonal is handoffs within one "
            f"organisation. {self.sentence()}"
        )
        hidden = int(self.pairs_hidden.sum())
        if hidden:
            description += (f" {hidden} of the cells {'is' if hidden == 1 else 'are'} not shown "
                            f"({disclosure.SUPPRESSED}): they rest on too few handoffs or cases for a "
                            "public report, or would give such a cell away.")
        title = "Where cases pass from one organisation to another" + (", before and after" if self.several else "")
        return charts.handoff_map(self.map_frame(), self.groups, title, description)

    def follows_table(self) -> pd.DataFrame:
        """The directly-follows table, one row per pair of activity kinds (most frequent
        first): ``first_kind``, ``next_kind`` (the kind that follows it) and a column of
        transitions per case for each group, written as the report shows them (``[c]`` where
        hidden)."""
        frame = self.follows.assign(hidden=self.follows_hidden.to_numpy())
        frame["shown"] = [disclosure.SUPPRESSED if hide else fmt_number(value, 2)
                          for value, hide in zip(frame["per_case"], frame["hidden"])]
        wide = frame.pivot_table(index=["from_activity", "to_activity"], columns="group", values="shown",
                                 aggfunc="first", sort=False)
        wide = wide.reindex(columns=self.groups).reset_index()
        wide.columns = ["first_kind", "next_kind", *self.groups]
        return wide

    def follows_columns(self) -> dict[str, tuple[str, str]]:
        columns = {"first_kind": ("After", "text"), "next_kind": ("Comes next", "text")}
        for group in self.groups:
            columns[group] = (f"Per case, {group}" if self.several else "Per case", "figure")
        return columns

    def follows_note(self) -> str:
        """What the table leaves out, and what [c] means there."""
        share = self.follows.attrs.get("shown_share")
        pairs = self.follows.attrs.get("pairs", 0)
        if share is None:
            return ""
        pairs_shown = self.follows[["from_activity", "to_activity"]].drop_duplicates().shape[0]
        note = (f"The {pairs_shown} most frequent of the {pairs} pairs of activities that follow one "
                f"another, {round(share * 100)}% of all such steps.")
        if self.follows_hidden.any():
            note += (f" {disclosure.SUPPRESSED}: fewer than {_threshold()} such steps (or a cohort of fewer "
                     f"than {_threshold()} cases), hidden to protect privacy.")
        return note


def _threshold() -> int:
    from workbook_helpers.privacy.policy import current_policy

    return current_policy().suppress_below
