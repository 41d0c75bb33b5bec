"""The case review as the workbook shows it: measures for the selected cases, under pseudonyms.

:class:`CaseReview` gathers, once, what the case-review workbook's cells show: the per-case
measures (:func:`workbook_helpers.measures.cases.case_measures`) for the chosen cohort and team, with every
case id replaced by a salted pseudonym ("Case 7K3P", the same in every report) and every worker
by one too ("Worker QX"), and the
tables and tidy frames its charts draw. Nothing that leaves this module carries a case id, a
worker's name or a local activity name.

In a public report (:mod:`workbook_helpers.privacy.policy`) the workbook shows figures across cases
only; the summary table, the headline figures and the charts by organisation then hide small
counts of cases, assessments and handoffs, and whatever would give one away
(:meth:`CaseReview.summary_table`, :meth:`CaseReview.hidden_overall`,
:meth:`CaseReview.organisations_hidden`). The summary table, and what it hides, is made in
:mod:`workbook_helpers.workbooks.case_summary`; the review's sentences in
:mod:`workbook_helpers.present.story.cases`.

Cases still open (:func:`workbook_helpers.measures.cases.open_known_from` says how the data tell) have not
finished their journeys, so by default the review leaves them out: every measure, table, chart and
journey is of the closed cases, and the report says how many open ones were left out (in a
public report, ``[c]`` when 1 to ``suppress_below - 1``, with the cohorts protected against
their total). With ``include_open`` they are reviewed with their journeys so far, as before; their
end-to-end days so far are never taken for an end-to-end time. Either way, when some case is
open, :meth:`CaseReview.time_to_close` gives each cohort's time to close, counting the open cases
(Kaplan–Meier, :mod:`workbook_helpers.measures.time_to_close`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from workbook_helpers.measures import case_summaries, cases as cr
from workbook_helpers.privacy import audience, chart_counts, disclosure
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import join_words
from workbook_helpers.privacy.shown import ShownTable, shown_table
from workbook_helpers.privacy.pseudonyms import stable_pseudonyms, stable_worker_pseudonyms
from workbook_helpers.data.teams import chosen_team
from workbook_helpers.measures.time_to_close import case_durations, data_as_at, time_to_close
from workbook_helpers.workbooks import case_summary

# The measures shown per case and in distributions, in reading order.
CASE_COLUMNS = {
    "case": ("Case", "text"),
    "cohort": ("Cohort", "text"),
    "assessments": ("Assessments", "int"),
    "repeat_assessments": ("Repeat assessments", "int"),
    "referrals": ("Referrals", "int"),
    "people_involved": ("People", "int"),
    "organisations_involved": ("Organisations", "int"),
    "handoffs": ("Handoffs", "int"),
    "total_hours": ("Hours", "number"),
    "face_to_face_share": ("Face to face", "pct0"),
    "end_to_end_days": ("Days end to end", "int"),
    "status": ("Status", "text"),
    "predicted_return": ("Predicted to return", "text"),
}
DISTRIBUTION_MEASURES = {
    "assessments": "Assessments",
    "referrals": "Referrals",
    "people_involved": "People involved",
    "handoffs": "Handoffs",
    "total_hours": "Hours",
    "end_to_end_days": "Days end to end",
}
COHORT_ORDER = {name: i for i, name in enumerate(
    ["before", "baseline", "standard", "control", "usual", "after", "experiment", "new", "pilot"]
)}


@dataclass
class CaseReview:
    """The selected cases' measures and everything the workbook draws from them.

    Build it with :meth:`build`. ``measures`` has one row per case with a ``case`` pseudonym and
    still holds ``case_id`` for joining; every method returns frames without it.
    """

    measures: pd.DataFrame
    events: pd.DataFrame
    worker_labels: dict[str, str]
    has_cases_file: bool
    closing_known: bool  # the data say which cases are still open (open_known is not None)
    #: Where the data say which cases are open: "cases file", "closure events" or None.
    open_known: str | None = None
    #: Whether cases still open are reviewed (with their journeys so far) or left out.
    include_open: bool = False
    #: Every selected case, open ones too (``measures`` without open cases when they are left out).
    selected: pd.DataFrame | None = field(default=None, repr=False)
    #: The date of the data: the latest date in the files (a case still open was open then).
    as_at: pd.Timestamp | None = None
    #: What a reader must know about how the cases were chosen (in the notes and the JSON
    #: summary's warnings).
    warnings: list[str] = field(default_factory=list)
    #: The chosen team and cohort as the data spell them (None for all).
    team: str | None = None
    cohort: str | None = None

    @classmethod
    def build(
        cls, events: pd.DataFrame, cases: pd.DataFrame | None = None, cohort: str = "all",
        team: str = "all", include_open: bool = False,
    ) -> CaseReview:
        """Measure every case, keep those of ``cohort`` and ``team`` ("all" for every one; a team
        called "All" as "team:All", see :mod:`workbook_helpers.data.teams`), and list them in the
        order the cases started, each under its salted pseudonym. Cases still open are left out
        of everything the review measures unless ``include_open`` (see the module's notes).
        Raises :class:`ParameterError` for a cohort or team that is not in the data, naming those
        that are, and when every case selected is still open and left out."""
        measures = cr.case_measures(events, cases)
        as_at = data_as_at(measures) if len(measures) else None
        # Pseudonyms from every case in the files, so a case's does not depend on the selection.
        labels = stable_pseudonyms(measures["case_id"], prefix="Case")
        cohort = None if cohort is None or str(cohort).strip().lower() in {"", "all"} else cohort
        spelt: dict[str, str | None] = {"cohort": None, "team": None}
        warnings = []
        for column, wanted in (("cohort", cohort), ("team", chosen_team(team))):
            if wanted is None:
                continue
            if column not in measures.columns:
                raise ParameterError(f'{column} = "{wanted}" was asked for, but the data has no {column} column.')
            names = measures[column].astype("str")
            keep = (names.str.strip().str.casefold() == str(wanted).strip().casefold()).to_numpy()
            if not keep.any():
                known = sorted(measures[column].dropna().astype(str).unique())
                raise ParameterError(
                    f'No cases for {column} "{wanted}". The {column} names in the data are: '
                    + join_words([f'"{k}"' for k in known]) + "."
                )
            spelt[column] = str(measures[column][keep].astype(str).mode().iloc[0])
            measures = measures[keep]
        if spelt["team"] is not None and (cases is None or "team" not in cases.columns):
            warnings.append(
                f'The cases of team "{spelt["team"]}" are those whose activities were mostly recorded '
                "against that team in the case events, as no cases file gives each case's lead team. "
                "With a cases file that has a team column, a case is its lead team's, which may "
                "give different cases."
            )
        measures = measures.reset_index(drop=True)
        measures.insert(0, "case", measures["case_id"].map(labels))
        # Cases in the order they began (pseudonyms are codes, not numbers, so they do not order).
        measures = measures.sort_values(["start", "case"], ignore_index=True)
        open_known = cr.open_known_from(events, cases)
        selected = measures
        if open_known and not include_open:
            still_open = measures["open"].to_numpy(dtype=bool)
            if still_open.all():
                raise ParameterError(
                    f"Every one of the {len(measures):,} cases selected is still open, and cases still "
                    "open are left out, as their journeys are not complete. Set include_open_cases to "
                    "True to review them with their journeys so far."
                )
            measures = measures[~still_open].reset_index(drop=True)
        chosen = events[events["case_id"].isin(set(measures["case_id"])).to_numpy()]
        return cls(measures, chosen, stable_worker_pseudonyms(events["worker"]),
                   cases is not None, open_known is not None, open_known=open_known,
                   include_open=bool(include_open), selected=selected, as_at=as_at,
                   warnings=warnings, team=spelt["team"], cohort=spelt["cohort"])

    @property
    def shows_cases(self) -> bool:
        """Whether the report may show each case on its own (its row, journey, dots and dates):
        only the team's."""
        return audience.shows_each_case()

    def scope(self) -> str:
        """Who the review is for, for its title block: "all teams", "Community Team North",
        "the after cohort, all teams" or "Community Team North, after cohort" (as the data
        spell them)."""
        if self.cohort is None:
            return self.team or "all teams"
        return f"{self.team}, {self.cohort} cohort" if self.team else f"the {self.cohort} cohort, all teams"

    @property
    def open_cases(self) -> int | None:
        """How many of the cases reviewed are still open (none when open cases are left out),
        or None when the data cannot say."""
        return int(self.measures["open"].sum()) if self.closing_known else None

    @property
    def open_left_out(self) -> int | None:
        """How many cases still open were left out of the review (0 when they are included), or
        None when the data cannot say which cases are open."""
        if not self.closing_known:
            return None
        return 0 if self.include_open or self.selected is None else len(self.selected) - len(self.measures)

    def open_by_cohort(self, protected: bool = True) -> dict[str, object]:
        """Cases still open among those selected, per cohort (in the review's order) and
        ``"all"``, whether left out or included; empty when the data cannot say. With
        ``protected=False``, the counts as they are (for sentences, which give a small one as
        its bound).

        In a public report a count the report may not give is ``"[c]"``: left out, a count
        from 1 to ``suppress_below - 1``, and one more where the cohorts would give a hidden one
        away from their total; included, wherever the summary table hides the cohort's closed
        cases (its cases less them would give the open ones away) or the count is small."""
        if not self.closing_known or self.selected is None:
            return {}
        group = _group_of(self.selected)
        order = _cohorts_of(group)
        counts = self.selected["open"].astype(bool).groupby(group).sum().reindex(order, fill_value=0)
        shown: dict[str, object] = {str(k): int(v) for k, v in counts.items()}
        shown["all"] = int(counts.sum())
        if not audience.hides_small_numbers() or not protected:
            return shown
        several = len(order) > 1
        if self.open_left_out:
            grid = pd.DataFrame({"n": counts.to_numpy(dtype="int64")}, index=[str(k) for k in order])
            mask = audience.protect_grid(grid, audience.suppress_below(), several)["n"].to_numpy()
            hidden = dict(zip(list(grid.index) + (["all"] if several else []), mask))
            if not several:
                hidden["all"] = hidden[str(order[0])]
        else:
            table = self.summary_table()
            rows = (table["measure"] == "end_to_end_days").to_numpy()
            closed_hidden = dict(zip(table.loc[rows, "group"].astype(str), table.attrs["hidden"].loc[rows, "cases"]))
            hidden = {name: bool(closed_hidden.get(name if several else "all", False)) or audience.hides(shown[name])
                      for name in shown if name != "all"}
            hidden["all"] = bool(self.hidden_overall()["open_cases"]) or audience.hides(shown["all"])
        return {name: disclosure.SUPPRESSED if hidden.get(name) else value for name, value in shown.items()}

    def time_to_close(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """Each cohort's time to close over every selected case, those still open counted as open
        up to :attr:`as_at` (:func:`workbook_helpers.measures.time_to_close.time_to_close`): (curve,
        summary), with the steps a public report does not draw marked. None when no selected
        case is open, or the data cannot say."""
        if not self.closing_known or self.selected is None or not self.selected["open"].any():
            return None
        frame = self.selected
        group = _group_of(frame)
        return time_to_close(case_durations(frame, self.as_at), group, order=_cohorts_of(group),
                             min_at_risk=audience.suppress_below() if audience.hides_small_numbers() else 0)

    @property
    def outside_dates(self) -> int:
        """Cases with activity before their opening date or after their closing date."""
        m = self.measures
        return int(((m["first_event"] < m["start"]) | (m["last_event"] > m["end"])).sum())

    # ---- groups ---------------------------------------------------------------------------

    @property
    def cohorts(self) -> list[str]:
        """The cohorts present, the usual way round: before ahead of after, standard ahead of
        experiment, then any others alphabetically."""
        return _cohorts_of(self._group())

    @property
    def several_cohorts(self) -> bool:
        return len(self.cohorts) > 1

    def _group(self) -> pd.Series:
        return _group_of(self.measures)

    @property
    def period(self) -> tuple[str, str]:
        """The first and last day the cases cover, as ISO dates."""
        return (self.measures["start"].min().date().isoformat(), self.measures["end"].max().date().isoformat())

    # ---- summaries ------------------------------------------------------------------------

    def summary(self, by_cohort: bool = False) -> pd.DataFrame:
        """:func:`workbook_helpers.measures.case_summaries.cohort_summary` of the selection, overall or by cohort."""
        frame = self.measures.drop(columns=["case_id", "case"])
        # A case still open has not finished: its days so far are not an end-to-end time.
        frame["end_to_end_days"] = frame["end_to_end_days"].astype("Float64").where(~frame["open"])
        if by_cohort and "cohort" in frame.columns:
            return case_summaries.cohort_summary(frame, by="cohort")
        return case_summaries.cohort_summary(frame.drop(columns=["cohort"], errors="ignore"), by="cohort")

    @cached_property
    def overall(self) -> dict[str, dict]:
        """``overall[measure][statistic]`` for all selected cases (statistics: cases, mean,
        median, total, pooled)."""
        table = self.summary().set_index("measure")
        return {measure: row.to_dict() for measure, row in table.iterrows()}

    def figures(self, protected: bool = True) -> dict:
        """The headline figures for the JSON summary. In a public report the counts and shares
        :meth:`hidden_overall` names are ``"[c]"`` already (declare the counts to
        ``record_summary`` too, which hides the small ones). With ``protected=False`` the
        figures as they are, for the headline cards and sentences, which give a small one as
        its bound and state no totals to subtract from."""
        overall = self.overall
        measures = self.measures
        figures = {
            "cases": int(len(measures)),
            "open_cases": self.open_cases,
            # Cases still open left out of every figure (0 when included; None: not known).
            "open_cases_left_out": self._left_out_shown() if protected else self.open_left_out,
            "open_cases_left_out_by_cohort": (
                {k: v for k, v in self.open_by_cohort().items() if k != "all"}
                if self.open_left_out and self.several_open_cohorts else None),
            "include_open_cases": self.include_open,
            **{f"{m}_per_case": overall[m]["mean"] for m in
               ("assessments", "referrals", "people_involved", "handoffs", "total_hours")},
            **{f"{m}_median": overall[m]["median"] for m in
               ("assessments", "referrals", "people_involved", "handoffs", "total_hours", "end_to_end_days")},
            "total_hours": overall["total_hours"]["total"],
            "face_to_face_share": overall["face_to_face_share"]["pooled"],
            "predicted_return_share": overall["predicted_return"]["pooled"] if "predicted_return" in overall else None,
            "predicted_return_judgements": int(overall["predicted_return"]["cases"]) if "predicted_return" in overall else 0,
            "repeat_assessments": overall["repeat_assessments"]["total"],
        }
        hidden_overall = self.hidden_overall() if protected else dict.fromkeys(self.hidden_overall(), False)
        for key, hidden in hidden_overall.items():
            if hidden and key in figures and figures[key] is not None:
                figures[key] = disclosure.SUPPRESSED
        if hidden_overall["cases"]:  # a mean per case beside its total gives the cases away
            for key in [key for key in figures if key.endswith("_per_case")]:
                figures[key] = disclosure.SUPPRESSED
        figures["time_to_close"] = self._time_to_close_figures()
        worst = self.worst_rework()
        if worst is None:
            figures["most_repeat_assessments"] = None
        elif not audience.shows_each_case():
            # Only the team's report shows a case on its own: the most, without naming the case.
            hidden = audience.hides(worst[1]) or figures["repeat_assessments"] == disclosure.SUPPRESSED
            figures["most_repeat_assessments"] = {
                "repeat_assessments": disclosure.SUPPRESSED if hidden else worst[1]}
        else:
            figures["most_repeat_assessments"] = {"case": worst[0], "repeat_assessments": worst[1]}
        return figures

    @property
    def several_open_cohorts(self) -> bool:
        """Whether the cases selected (open ones too) are of more than one cohort."""
        return self.selected is not None and len(_cohorts_of(_group_of(self.selected))) > 1

    def _left_out_shown(self) -> object:
        """The cases still open left out, as the report may give it (``"[c]"`` when hidden)."""
        left_out = self.open_left_out
        if not left_out:
            return left_out  # None (not known) or 0
        return self.open_by_cohort()["all"]

    def _time_to_close_figures(self) -> dict | None:
        """Each cohort's median days to close for the JSON summary (``"[c]"`` past the point
        where a public report stops drawing the curve, None when not reached)."""
        found = self.time_to_close()
        if found is None:
            return None
        summary = found[1]
        medians = {}
        for _, row in summary.iterrows():
            median = row["median_days"]
            if median != median:
                medians[row["group"]] = None
            elif audience.hides_small_numbers() and not row["median_shown"]:
                medians[row["group"]] = disclosure.SUPPRESSED
            else:
                medians[row["group"]] = float(median)
        return {"as_at": self.as_at.date().isoformat(), "median_days": medians}

    def worst_rework(self) -> tuple[str, int] | None:
        """The case with the most repeat assessments (the first such case), or None if none has any."""
        if not (self.measures["repeat_assessments"] > 0).any():
            return None
        row = self.measures.sort_values(["repeat_assessments", "case"], ascending=[False, True]).iloc[0]
        return str(row["case"]), int(row["repeat_assessments"])

    # ---- tables ---------------------------------------------------------------------------

    def case_table(self) -> pd.DataFrame:
        """One row per case under its pseudonym: the measures a reader compares, no identifiers."""
        table = self.measures.copy()
        table["status"] = table["open"].map({True: "still open", False: "closed"})
        if "predicted_return" in table.columns:
            table["predicted_return"] = table["predicted_return"].map({True: "yes", False: "no"})
        return table[[c for c in self._case_columns()]].reset_index(drop=True)

    def _case_columns(self) -> dict[str, tuple[str, str]]:
        columns = {k: v for k, v in CASE_COLUMNS.items() if k in self.measures.columns or k == "status"}
        if not self.several_cohorts:
            columns.pop("cohort", None)
        if self.measures.get("organisations_involved", pd.Series(dtype=float)).isna().all():
            columns.pop("organisations_involved", None)
        return columns

    def shown_cases(self) -> ShownTable:
        """The table of each case, as the report shows it (only the team's report shows it)."""
        return shown_table(self.case_table(), self._case_columns())

    def shown_case(self, case: str) -> ShownTable:
        """One case's row of :meth:`shown_cases`."""
        return shown_table(self.case_detail(case), self._case_columns())

    def shown_summary(self) -> ShownTable:
        """The per-case summary (:meth:`summary_table`) as the report shows it: its counts are
        already written, with ``[c]`` where a public report hides them."""
        return shown_table(self.summary_table(), case_summary.columns(self.several_cohorts))

    def summary_table(self) -> pd.DataFrame:
        """The summary table of the selection (:func:`workbook_helpers.workbooks.case_summary.table`):
        each measure's cases, mean, median and total per cohort, written for the report, with
        ``[c]`` where a public report hides them (``attrs["hidden"]`` says which,
        ``attrs["overall"]`` which figures across all the cases)."""
        return case_summary.table(self.summary(by_cohort=self.several_cohorts), self.cohorts)

    def summary_record(self) -> dict:
        """The figures and tables of the run's JSON summary, with what each of them is (which
        figures are counts, which are shares of what), as ``record_summary`` takes them:
        ``record_summary(**review.summary_record(), inputs=...)``."""
        # The table of each case goes only into the team's report's summary.
        each_case = {"cases": self.case_table()} if self.shows_cases else {}
        return {
            "figures": self.figures(),
            "tables": {"summary": self.summary_records(), **each_case},
            "counts": ["cases", "open_cases", "open_cases_left_out", "predicted_return_judgements",
                       "repeat_assessments"],
            "rates": {"predicted_return_share": "predicted_return_judgements"},
        }

    def summary_records(self) -> pd.DataFrame:
        """The summary table for the JSON summary: measure, group, cases, mean, median, total,
        pooled, with what the report hides as ``"[c]"`` (already hidden: record it as it is)."""
        table = self.summary_table()
        hidden = table.attrs["hidden"]
        records = table[["measure", "group", "cases", "mean", "median", "total", "pooled"]].astype(object)
        for column in ("cases", "mean", "total"):
            records[column] = records[column].mask(hidden[column].to_numpy(), disclosure.SUPPRESSED)
        records["pooled"] = records["pooled"].mask(
            hidden["mean"].to_numpy() & (table["measure"] == "predicted_return").to_numpy(), disclosure.SUPPRESSED)
        records.attrs = {}
        return records

    def hidden_overall(self) -> dict[str, bool]:
        """Which figures across all the selected cases a report hides under the current policy
        (all False when internal): ``cases``, ``open_cases``, ``closed_cases``,
        ``predicted_return_judgements``, ``predicted_return_share``, ``repeat_assessments``.
        Worked out with the summary table (see
        :func:`workbook_helpers.workbooks.case_summary.hidden_cells`), so that no hidden figure can
        be worked out from the others: the cases still open and those closed add up to the
        cases, the cohorts add up to all of them."""
        return self.summary_table().attrs["overall"]

    def distributions(self) -> pd.DataFrame:
        """Long frame for dot plots: case, measure (label), value, group. Open cases have no
        end-to-end time yet, so they are left out of that measure."""
        frame = self.measures.assign(group=self._group())
        frame["end_to_end_days"] = frame["end_to_end_days"].astype("Float64").where(~frame["open"])
        long = frame.melt(id_vars=["case", "group"], value_vars=list(DISTRIBUTION_MEASURES),
                          var_name="measure", value_name="value")
        long["measure"] = long["measure"].map(DISTRIBUTION_MEASURES)
        long["value"] = long["value"].astype("float64")
        return long.dropna(subset=["value"]).reset_index(drop=True)

    def closed_in_order(self) -> pd.DataFrame:
        """Closed cases in the order they closed: case, end, end_to_end_days."""
        closed = self.measures[~self.measures["open"].to_numpy()] if self.closing_known else self.measures
        closed = closed.sort_values(["end", "start", "case"])
        # One point per day on the chart: cases closing on the same day are nudged apart by
        # order, which the XmR rules need (dates must be distinct).
        ends = closed["end"] + pd.to_timedelta(closed.groupby("end").cumcount(), unit="s")
        return pd.DataFrame({"case": closed["case"].to_numpy(), "end": ends.to_numpy(),
                             "end_to_end_days": closed["end_to_end_days"].astype("float64").to_numpy()})

    # ---- journeys -------------------------------------------------------------------------

    def timeline_cases(self, limit: int) -> list[str]:
        """The cases a timeline shows: all of them, or the ``limit`` with most hours, in the
        order they began."""
        chosen = self.measures
        if limit and len(chosen) > limit:
            chosen = chosen.sort_values(["total_hours", "start", "case"], ascending=[False, True, True]).head(int(limit))
        return chosen.sort_values(["start", "case"])["case"].tolist()

    def timeline(self, shown: list[str]) -> pd.DataFrame:
        """The activities of the ``shown`` cases, pseudonymised, for the journey timeline."""
        labels = dict(zip(self.measures["case_id"], self.measures["case"]))
        # Lanes in the order the cases began (measures are in that order).
        ordered = {case_id: label for case_id, label in labels.items() if label in set(shown)}
        return case_summaries.case_timeline(self.events, ordered, self.worker_labels)

    def spans(self, shown: list[str]) -> pd.DataFrame:
        """case, start, end for the ``shown`` cases."""
        spans = self.measures[self.measures["case"].isin(shown).to_numpy()]
        return spans[["case", "start", "end"]].sort_values(["start", "case"]).reset_index(drop=True)

    def case_detail(self, case: str) -> pd.DataFrame:
        """One case's measures (a single-row case table)."""
        table = self.case_table()
        return table[table["case"] == case].reset_index(drop=True)

    # ---- breakdowns -----------------------------------------------------------------------

    def organisations(self) -> pd.DataFrame | None:
        """Per organisation: first and repeat assessments, referrals, handoffs in, hours."""
        if "organisation" not in self.events.columns:
            return None
        table = case_summaries.by_organisation(self.events)
        table["first_assessments"] = table["assessments"] - table["repeat_assessments"]
        table["organisation"] = table["organisation"].astype(str)
        return table

    def organisations_hidden(self, table: pd.DataFrame) -> pd.DataFrame | None:
        """Which counts of :meth:`organisations` the chart of first and repeat assessments hides,
        row for row (pass it as the chart's ``hidden``; all False when internal). Each
        organisation's first and repeat assessments add up to its assessments, and the
        organisations add up to all the cases' assessments, which the summary table gives:
        both are protected (secondary suppression), and a total the summary table hides
        counts as hidden here. None when nothing is (a team's report)."""
        return chart_counts.counts_hidden_with_totals(
            table, ["first_assessments", "repeat_assessments", "assessments"], row_total="assessments",
            totals_hidden=[measure for measure in ("assessments", "repeat_assessments") if self._total_hidden(measure)],
        )

    def handoffs_hidden(self, table: pd.DataFrame) -> pd.Series | None:
        """Which counts of handoffs into each organisation (:meth:`organisations`) the chart
        hides, row for row: small ones, and more so that none can be worked out from the total
        handoffs (which the summary table gives, or hides). None in a team's report."""
        hidden = chart_counts.counts_hidden_with_totals(
            table, ["handoffs_in"], totals_hidden=["handoffs_in"] if self._total_hidden("handoffs") else [])
        return None if hidden is None else hidden["handoffs_in"]

    def organisation_bars(self, table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """First and repeat assessments by organisation (:meth:`organisations`) as their stacked
        bar chart draws them: each bar's total is known, and what :meth:`organisations_hidden`
        hides is hidden too (:func:`~workbook_helpers.privacy.chart_counts.protect_chart_counts`)."""
        return chart_counts.protect_chart_counts(table, ["first_assessments", "repeat_assessments"], row_total=True,
                                             column_total=False, hidden=self.organisations_hidden(table))

    def handoff_bars(self, table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """Handoffs into each organisation as their bar chart draws them: the total of the bars is
        known, and what :meth:`handoffs_hidden` hides is hidden too."""
        return chart_counts.protect_chart_counts(table, ["handoffs_in"], row_total=False, column_total=True,
                                             hidden=self.handoffs_hidden(table))

    @property
    def hidden_below(self) -> int | None:
        """The smallest count the report shows when it hides small ones (None when it hides
        none), for the words of its charts."""
        return audience.hidden_below()

    def handoffs(self):
        """The handoff map and directly-follows table of the cases reviewed, by cohort
        (:class:`workbook_helpers.workbooks.handoffs.HandoffView`); None when the events name no
        organisation."""
        from workbook_helpers.workbooks.handoffs import HandoffView

        with_cohorts = "cohort" in self.measures.columns
        return HandoffView.build(self.events, self.measures, group="cohort" if with_cohorts else None,
                                 order=self.cohorts if with_cohorts else None,
                                 labels={name: f"{name} cohort" for name in self.cohorts} if with_cohorts else None)

    def _total_hidden(self, measure: str) -> bool:
        """Whether the summary table hides a total of ``measure`` for any cohort (then the total
        over all cases cannot be shown either, or the hidden one could be worked out)."""
        table = self.summary_table()
        return bool(table.attrs["hidden"]["total"][(table["measure"] == measure).to_numpy()].any())

    def time_split(self) -> pd.DataFrame:
        """Face-to-face and other hours, per cohort (or for all cases)."""
        frame = self.measures.assign(group=self._group())
        split = frame.groupby("group")[["face_to_face_hours", "total_hours"]].sum().reindex(self.cohorts).reset_index()
        split["other_hours"] = split["total_hours"] - split["face_to_face_hours"]
        split["face_to_face_share"] = split["face_to_face_hours"] / split["total_hours"].where(split["total_hours"] > 0)
        return split


def _group_of(measures: pd.DataFrame) -> pd.Series:
    """Each case's cohort as the review names it ("all cases" without a cohort column)."""
    if "cohort" not in measures.columns:
        return pd.Series("all cases", index=measures.index)
    return measures["cohort"].astype(str).fillna(cr.NOT_RECORDED)


def _cohorts_of(group: pd.Series) -> list[str]:
    """The cohorts present, the usual way round: before ahead of after, standard ahead of
    experiment, then any others alphabetically."""
    return sorted(set(group), key=lambda name: (COHORT_ORDER.get(name.lower(), len(COHORT_ORDER)), name))
