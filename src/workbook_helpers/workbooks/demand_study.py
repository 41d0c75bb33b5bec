"""The demand study's view: what its report may show, worked out once from the measures
(:mod:`workbook_helpers.measures.demand`) so that the headline, the sentences, the tables, the
charts and the JSON summary hide the same values.

The view declares what each figure and table is (counts, the totals a table shows, shares and
their denominators); :mod:`workbook_helpers.privacy.audience` applies the report's audience to
those declarations. Nothing is hidden but in a public report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from workbook_helpers.privacy import audience, chart_counts
from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.privacy.shown import ShownTable, shown_table


#: The count columns of a :func:`~workbook_helpers.measures.demand.value_failure_by` table.
BREAKDOWN_COUNTS = ["demand", "value", "failure", "unclassified"]


def with_totals(table: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    """A :func:`~workbook_helpers.measures.demand.value_failure_by` table with ``classified`` (value plus failure: what each
    failure share is of) and, last, a row of totals whose ``by`` is ``label`` (or ``label``
    with "(total)" added, should a group already have that name)."""
    body = table.assign(classified=table["value"] + table["failure"]).reset_index(drop=True)
    names = set(body[by].astype(str))
    while label in names:
        label = f"{label} (total)"
    total = {by: label, **{column: int(body[column].sum()) for column in BREAKDOWN_COUNTS + ["classified"]}}
    total["failure_share"] = total["failure"] / total["classified"] if total["classified"] else float("nan")
    frame = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    for column in BREAKDOWN_COUNTS + ["classified"]:
        frame[column] = frame[column].astype("int64")
    frame["failure_share"] = frame["failure_share"].astype("float64")
    return frame


def breakdown_declarations(table: pd.DataFrame, by: str) -> dict:
    """What a :func:`with_totals` table shows, as ``shown_table`` and ``protect_table`` take it:
    its row of totals (the last), each row's total (``demand``), and the failure share of
    ``classified`` demand. No numerator is named for the share, so it is hidden wherever any
    count in its row is (a share and the counts shown beside it could give a hidden one away)."""
    return {"totals": {"row": table[by].iloc[-1], "column": "demand"},
            "rates": {"failure_share": "classified"}}


#: The columns of the table of demand by service: (heading, kind).
SERVICE_COLUMNS = {
    "service": ("Service", "text"), "demand": ("Demand", "count"), "value": ("Value", "count"),
    "failure": ("Failure", "count"), "unclassified": ("Not classified", "count"),
    "failure_share": ("Failure share", "pct"),
}

#: The columns of the table of what to expect in a normal week (:func:`shown_expected`).
EXPECTED_COLUMNS = {
    "demand_type": ("Demand type", "text"), "demand_class": ("Class", "text"),
    "mean": ("Average a week", "number"), "low": ("Expect at least", "int"),
    "high": ("Expect at most", "int"), "stable": ("Predictable", "text"),
}


def shown_expected(expected: pd.DataFrame) -> ShownTable:
    """What to expect in a normal week for the largest demand types
    (:func:`~workbook_helpers.measures.demand.predictability`), as the report shows it: the
    process limits are not counts of people, so nothing in it is hidden."""
    return shown_table(expected, EXPECTED_COLUMNS)


class ShownTypes(NamedTuple):
    """A Pareto or ranked table of demand as a report may draw it (:meth:`ShownDemand.types`):
    ``table`` (its shares blank where they would give a hidden total away), ``counts_hidden``
    (which counts are hidden, row for row), ``shares_hidden`` (which shares a sentence must give
    as ``[c]``)."""

    table: pd.DataFrame
    counts_hidden: pd.Series
    shares_hidden: pd.Series

    @property
    def hidden(self) -> pd.Series | None:
        """``counts_hidden`` for the chart's ``hidden`` (None when nothing is hidden)."""
        return self.counts_hidden if self.counts_hidden.any() else None

    def drawn(self) -> tuple[pd.DataFrame, str]:
        """The table as its Pareto or ranked bar chart draws it, with the sentence saying what is
        not shown (:func:`~workbook_helpers.privacy.chart_counts.protect_chart_counts`): the shares
        give the class's total away, so the counts are protected against it."""
        return chart_counts.protect_chart_counts(self.table, ["demand"], row_total=False, column_total=True,
                                             hidden=self.hidden)


@dataclass(frozen=True)
class ShownDemand:
    """What a demand study may show under the report's policy, worked out once so that the
    headline, the sentences, the tables, the charts and the JSON summary hide the same values.

    ``service_table``
        Demand by service with ``classified`` and a last row of totals (:func:`with_totals`),
        protected against its totals and shares (:func:`breakdown_declarations`) once: the
        table the report shows (:meth:`shown_services`), and what :attr:`services`,
        :attr:`service_mask` and :attr:`declared` give.
    ``channel_hidden``
        True where the chart of demand by channel must hide a count, row for row (None when
        nothing is).
    ``failure_kinds``
        Failure demand by type of failure (:func:`~workbook_helpers.measures.demand.failure_types`) as the report may draw it.
    ``figures``
        The headline figures with every hidden one as ``"[c]"``.

    Nothing is hidden in a team's report.
    """

    service_table: ShownTable
    channel_hidden: pd.DataFrame | None
    failure_kinds: ShownTypes
    figures: dict

    @property
    def services(self) -> pd.DataFrame:
        """Demand by service, with ``classified`` and the row of totals."""
        return self.service_table.frame

    @property
    def service_mask(self) -> pd.DataFrame:
        """True where :attr:`services` hides a value."""
        return self.service_table.protection.mask

    @property
    def declared(self) -> dict:
        """``totals`` and ``rates`` of :attr:`services` (:func:`breakdown_declarations`)."""
        return {"totals": dict(self.service_table.totals), "rates": dict(self.service_table.rates)}

    @property
    def by_service_hidden(self) -> pd.DataFrame | None:
        """``service_mask`` without the row of totals, for the chart beside the table (None when
        nothing is hidden: the chart is then as a team's report draws it)."""
        mask = self.service_mask.iloc[:-1].reset_index(drop=True)
        return mask if mask.to_numpy().any() else None

    def service_bars(self, by_service: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """Value and failure demand by service as its chart draws it, hiding what the table
        beside it hides (:func:`~workbook_helpers.privacy.chart_counts.protect_value_failure`)."""
        return chart_counts.protect_value_failure(by_service, hidden=self.by_service_hidden)

    def channel_bars(self, by_channel: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """Value and failure demand by channel as its chart draws it (``channel_hidden``)."""
        return chart_counts.protect_value_failure(by_channel, hidden=self.channel_hidden)

    def types(self, table: pd.DataFrame, demand_class: str) -> ShownTypes:
        """A Pareto or ranked table of ``demand_class`` demand (``"value"`` or ``"failure"``:
        :func:`~workbook_helpers.measures.demand.demand_types`, :func:`~workbook_helpers.measures.demand.failure_types`) as the report may draw it. Its shares are
        of the class's total, which the headline hides at times (a small count of unclassified
        demand can take failure demand with it): then every share is blank, as a share beside
        its count would give the total away, and one more count is hidden, so the counts do not
        add up to it either."""
        return _shown_types(table, self.figures.get(f"{demand_class}_demand") == SUPPRESSED)

    def summary_table(self) -> pd.DataFrame:
        """Demand by service for the JSON summary, with the totals row (declared in
        :meth:`summary_record` with ``table_counts`` :data:`BREAKDOWN_COUNTS` and ``declared``).
        ``classified`` is not a count column there (value and failure are), so it is hidden
        here already wherever value or failure is."""
        table = self.services.copy()
        hidden = (self.service_mask["value"] | self.service_mask["failure"]).to_numpy()
        table["classified"] = table["classified"].astype(object).mask(hidden, SUPPRESSED)
        return table[["service", "demand", "value", "failure", "unclassified", "classified",
                      "failure_share"]]

    def shown_services(self) -> ShownTable:
        """The table of demand by service, with its row of totals, as the report shows it: its
        counts are of kind ``count``, protected against its totals (``service_table``)."""
        return self.service_table

    def summary_record(self) -> dict:
        """The figures and tables of the run's JSON summary, with what each of them is (which
        figures are counts, which are shares of what, the counts and totals of each table), as
        ``record_summary`` takes them: ``record_summary(**shown.summary_record(), inputs=...)``."""
        return {
            "figures": {**self.figures, "top_failure_types": self.top_failure_types()},
            "tables": {"by_service": self.summary_table()},
            "counts": ["total_demand", "value_demand", "failure_demand", "unclassified_demand",
                       "classified_demand", "one_stop_recorded", "failure_rows_without_minutes",
                       "failure_rows_over_ceiling"],
            "rates": {"failure_demand_share": "classified_demand", "one_stop_share": "one_stop_recorded"},
            "table_counts": {"by_service": BREAKDOWN_COUNTS},
            "table_totals": {"by_service": self.declared["totals"]},
            "table_rates": {"by_service": self.declared["rates"]},
        }

    def top_failure_types(self, top: int = 3) -> pd.DataFrame:
        """The ``top`` largest failure types for the JSON summary, with the counts and shares
        the report hides as ``"[c]"`` (already hidden: :meth:`summary_record` does not declare it again)."""
        kinds = self.failure_kinds
        table = kinds.table[["failure_type", "demand", "share"]].astype(object)
        table["demand"] = table["demand"].mask(kinds.counts_hidden.to_numpy(), SUPPRESSED)
        table["share"] = table["share"].mask(kinds.shares_hidden.to_numpy(), SUPPRESSED)
        return table.head(top).reset_index(drop=True)


def hidden_counts(table: pd.DataFrame, column: str = "demand", total_hidden: bool = False) -> pd.Series:
    """Which counts of a Pareto or ranked table (:func:`~workbook_helpers.measures.demand.pareto`,
    :func:`~workbook_helpers.measures.demand.demand_types`) a report hides, row for row, under the
    current policy: the small ones, and one more where the total (which the shares give away)
    would otherwise reveal a single hidden count; the same cells as the bar charts drawn from
    :func:`workbook_helpers.privacy.chart_counts.protect_chart_counts` leave out. ``total_hidden``:
    the report hides that total, so one more count is hidden where none would be, and the
    counts shown do not add up to it."""
    if table.empty:
        return pd.Series(False, index=table.index, dtype=bool)
    label_column = table.columns[0]
    label = "__total__"
    while label in set(table[label_column].astype(str)):
        label += "_"
    total = int(table[column].sum())
    # A count of 1 stands in for a total the report hides, so it counts as hidden.
    with_total = pd.concat(
        [table[[label_column, column]].reset_index(drop=True),
         pd.DataFrame({label_column: [label], column: [1 if total_hidden and total else total]})],
        ignore_index=True,
    )
    mask = audience.protect_table(with_total, [column], totals={"row": label}).mask[column]
    return pd.Series(mask.iloc[:-1].to_numpy(), index=table.index, name=column, dtype=bool)


def _shown_types(table: pd.DataFrame, total_hidden: bool) -> ShownTypes:
    total_hidden = total_hidden and audience.hides_small_numbers() and not table.empty
    hidden = hidden_counts(table, total_hidden=total_hidden)
    if total_hidden:
        table = table.assign(**{c: float("nan") for c in ("share", "cumulative_share") if c in table})
        shares_hidden = pd.Series(True, index=table.index, dtype=bool)
    else:
        shares_hidden = hidden.copy()
    return ShownTypes(table, hidden, shares_hidden)


def _breakdown_mask(table: pd.DataFrame, by: str, forced: set[str] = frozenset()) -> pd.DataFrame:
    """``protect_table``'s mask of a :func:`with_totals` table, with the totals in ``forced``
    hidden whatever they are (a count of 1 stands in for them)."""
    frame = table.copy()
    for column in forced:
        if frame[column].iloc[-1]:
            frame.loc[frame.index[-1], column] = 1
    return audience.protect_table(frame, BREAKDOWN_COUNTS, **breakdown_declarations(frame, by)).mask


def protect_breakdowns(
    figures: dict, by_service: pd.DataFrame, by_channel: pd.DataFrame, kinds: pd.DataFrame
) -> ShownDemand:
    """Work out what a demand study hides under the current policy (nothing when internal).

    The headline figures are the totals of the breakdowns (total, value, failure and unclassified
    demand add up across services and across channels), so they are protected together: demand
    by service gets a row of totals, and its secondary suppression decides which headline
    figures are hidden; classified demand is hidden with value or failure demand, the failure
    share with any count of the totals row, and the one-stop share (and what it is out of) with
    value demand. Demand by channel is protected against the same totals, those the headline
    hides counting as hidden; should it need to hide a total the services table shows (it
    practically never does), every count by channel is hidden instead. Failure types are
    protected likewise against failure demand (:meth:`ShownDemand.types`).
    """
    services = with_totals(by_service, "service", "All services")
    service_table = shown_table(services, SERVICE_COLUMNS, **breakdown_declarations(services, "service"))
    totals = service_table.protection.mask.iloc[-1]
    hidden_totals = {column for column in BREAKDOWN_COUNTS if totals[column]}
    channel_mask = _breakdown_mask(with_totals(by_channel, "channel", "All channels"), "channel", hidden_totals)
    channel_hidden = channel_mask.iloc[:-1].reset_index(drop=True)
    if (channel_mask.iloc[-1][BREAKDOWN_COUNTS] & ~totals[BREAKDOWN_COUNTS]).any():
        channel_hidden.loc[:, BREAKDOWN_COUNTS + ["failure_share"]] = True

    hidden = {
        "total_demand": totals["demand"],
        "value_demand": totals["value"],
        "failure_demand": totals["failure"],
        "unclassified_demand": totals["unclassified"],
        "classified_demand": totals["value"] or totals["failure"],
        "failure_demand_share": totals["failure_share"],
        "one_stop_recorded": totals["value"],
        "one_stop_share": totals["value"],
    }
    shown = {
        key: (SUPPRESSED if hidden.get(key) and value is not None else value)
        for key, value in figures.items()
    }
    return ShownDemand(service_table,
                       channel_hidden if channel_hidden.to_numpy().any() else None,
                       _shown_types(kinds, bool(totals["failure"])), shown)
