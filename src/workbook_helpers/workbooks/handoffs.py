"""The handoff map and the directly-follows table as the case review and the before-and-after
comparison show them: the sentence under the map, the map's frame and description, and the
table of what follows what (from :mod:`workbook_helpers.measures.handoffs`).

What a report hides of them is decided by :mod:`workbook_helpers.privacy.audience`; this view
shows what it leaves.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbook_helpers.measures.handoffs import case_groups, directly_follows, handoff_pairs
from workbook_helpers.present import charts
from workbook_helpers.formatting import fmt_number, join_words
from workbook_helpers.privacy import audience, disclosure
from workbook_helpers.privacy.shown import ShownTable, shown_table

__all__ = ["HandoffView", "handoff_sentence"]


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

    ``pairs`` (:func:`~workbook_helpers.measures.handoffs.handoff_pairs`) and ``follows`` (:func:`~workbook_helpers.measures.handoffs.directly_follows`) hold every
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
        if "organisation" not in events.columns:
            return None
        pairs = handoff_pairs(events, cases, group, order, labels)
        follows = directly_follows(events, cases, group, order, labels, top=top)
        _, groups = case_groups(cases, group, order, labels)
        return cls(pairs, follows, *audience.handoffs_hidden(pairs, follows), groups)

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

    def shown_follows(self) -> ShownTable:
        """The directly-follows table (:meth:`follows_table`) as the report shows it: its figures
        are already written, with ``[c]`` where a public report hides them."""
        return shown_table(self.follows_table(), self._follows_columns())

    def _follows_columns(self) -> dict[str, tuple[str, str]]:
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
            note += (f" {disclosure.SUPPRESSED}: fewer than {audience.suppress_below()} such steps (or a cohort of fewer "
                     f"than {audience.suppress_below()} cases), hidden to protect privacy.")
        return note
