"""The case review as the workbook shows it: measures for the selected cases, under pseudonyms.

:class:`CaseReview` gathers, once, what the case-review workbook's cells show: the per-case
measures (:func:`workbook_helpers.cases.case_measures`) for the chosen cohort and team, with every
case id replaced by a salted pseudonym ("Case 7K3P", the same in every report) and every worker
by one too ("Worker QX"), and the
tables and tidy frames its charts draw. Nothing that leaves this module carries a case id, a
worker's name or a local activity name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from . import cases as cr
from .exceptions import ParameterError
from .formatting import NOT_APPLICABLE, fmt_number, fmt_pct, join_words
from .privacy import stable_pseudonyms, stable_worker_pseudonyms

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
SHARE_LABELS = {
    "face_to_face_share": "Face-to-face share of time (all hours together)",
    "predicted_return": "Share predicted to return (of cases with a yes or no)",
}
SUMMARY_MEASURES = [
    "assessments", "repeat_assessments", "referrals", "people_involved", "organisations_involved",
    "handoffs", "total_hours", "face_to_face_share", "end_to_end_days", "predicted_return",
]


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
    closing_known: bool  # a cases file with a closed column says which cases are still open

    @classmethod
    def build(
        cls, events: pd.DataFrame, cases: pd.DataFrame | None = None, cohort: str = "all",
        team: str = "all",
    ) -> CaseReview:
        """Measure every case, keep those of ``cohort`` and ``team`` ("all" for every one), and
        list them in the order the cases started, each under its salted pseudonym. Raises :class:`ParameterError` for a
        cohort or team that is not in the data, naming those that are."""
        measures = cr.case_measures(events, cases)
        # Pseudonyms from every case in the files, so a case's does not depend on the selection.
        labels = stable_pseudonyms(measures["case_id"], prefix="Case")
        for column, wanted in (("cohort", cohort), ("team", team)):
            if wanted is None or str(wanted).strip().lower() in {"", "all"}:
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
            measures = measures[keep]
        measures = measures.reset_index(drop=True)
        measures.insert(0, "case", measures["case_id"].map(labels))
        # Cases in the order they began (pseudonyms are codes, not numbers, so they do not order).
        measures = measures.sort_values(["start", "case"], ignore_index=True)
        chosen = events[events["case_id"].isin(set(measures["case_id"])).to_numpy()]
        closing_known = cases is not None and "closed" in cases.columns
        return cls(measures, chosen, stable_worker_pseudonyms(events["worker"]),
                   cases is not None, closing_known)

    @property
    def open_cases(self) -> int | None:
        """How many cases are still open, or None when the data cannot say."""
        return int(self.measures["open"].sum()) if self.closing_known else None

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
        if "cohort" not in self.measures.columns:
            return ["all cases"]
        present = set(self._group())
        return sorted(present, key=lambda name: (COHORT_ORDER.get(name.lower(), len(COHORT_ORDER)), name))

    @property
    def several_cohorts(self) -> bool:
        return len(self.cohorts) > 1

    def _group(self) -> pd.Series:
        if "cohort" not in self.measures.columns:
            return pd.Series("all cases", index=self.measures.index)
        return self.measures["cohort"].astype(str).fillna(cr.NOT_RECORDED)

    @property
    def period(self) -> tuple[str, str]:
        """The first and last day the cases cover, as ISO dates."""
        return (self.measures["start"].min().date().isoformat(), self.measures["end"].max().date().isoformat())

    # ---- summaries ------------------------------------------------------------------------

    def summary(self, by_cohort: bool = False) -> pd.DataFrame:
        """:func:`workbook_helpers.cases.cohort_summary` of the selection, overall or by cohort."""
        frame = self.measures.drop(columns=["case_id", "case"])
        # A case still open has not finished: its days so far are not an end-to-end time.
        frame["end_to_end_days"] = frame["end_to_end_days"].astype("Float64").where(~frame["open"])
        if by_cohort and "cohort" in frame.columns:
            return cr.cohort_summary(frame, by="cohort")
        return cr.cohort_summary(frame.drop(columns=["cohort"], errors="ignore"), by="cohort")

    @cached_property
    def overall(self) -> dict[str, dict]:
        """``overall[measure][statistic]`` for all selected cases (statistics: cases, mean,
        median, total, pooled)."""
        table = self.summary().set_index("measure")
        return {measure: row.to_dict() for measure, row in table.iterrows()}

    def figures(self) -> dict:
        """The headline figures for the JSON summary."""
        overall = self.overall
        measures = self.measures
        figures = {
            "cases": int(len(measures)),
            "open_cases": self.open_cases,
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
        worst = self.worst_rework()
        figures["most_repeat_assessments"] = None if worst is None else {"case": worst[0], "repeat_assessments": worst[1]}
        return figures

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
        return table[[c for c in self.case_table_columns()]].reset_index(drop=True)

    def case_table_columns(self) -> dict[str, tuple[str, str]]:
        columns = {k: v for k, v in CASE_COLUMNS.items() if k in self.measures.columns or k == "status"}
        if not self.several_cohorts:
            columns.pop("cohort", None)
        if self.measures.get("organisations_involved", pd.Series(dtype=float)).isna().all():
            columns.pop("organisations_involved", None)
        return columns

    def summary_table(self) -> pd.DataFrame:
        """Rows of measures with mean, median and total (or pooled share), per cohort."""
        table = self.summary(by_cohort=self.several_cohorts)
        table = table[table["measure"].isin(SUMMARY_MEASURES)].copy()
        # A measure the data cannot give (no organisation column, no closed cases) is left out.
        known = table.groupby("measure")["cases"].transform("sum") > 0
        table = table[known.to_numpy()]
        shares = table["measure"].isin(["face_to_face_share", "predicted_return"]).to_numpy()
        hours = table["measure"].isin(["total_hours"]).to_numpy()
        table["label"] = table["measure"].map(SHARE_LABELS).fillna(table["label"])

        def shown(values, as_share=False, places=1):
            return [NOT_APPLICABLE if pd.isna(v) else fmt_pct(v) if as_share else fmt_number(v, places)
                    for v in values]

        table["mean_shown"] = [
            shown([p], as_share=True)[0] if share else shown([m])[0]
            for m, p, share in zip(table["mean"], table["pooled"], shares)
        ]
        table["median_shown"] = [NOT_APPLICABLE if share else shown([m])[0] for m, share in zip(table["median"], shares)]
        table["total_shown"] = [
            NOT_APPLICABLE if share and measure != "predicted_return" else shown([t], places=1 if hour else 0)[0]
            for t, share, hour, measure in zip(table["total"], shares, hours, table["measure"])
        ]
        order = {m: i for i, m in enumerate(SUMMARY_MEASURES)}
        cohort_order = {name: i for i, name in enumerate(self.cohorts)}
        table["order"] = table["measure"].map(order)
        table["group_order"] = table["group"].map(cohort_order)
        return table.sort_values(["order", "group_order"]).reset_index(drop=True)

    def summary_table_columns(self) -> dict[str, tuple[str, str]]:
        columns = {"label": ("Measure", "text")}
        if self.several_cohorts:
            columns["group"] = ("Cohort", "text")
        columns.update({"cases": ("Cases", "int"), "mean_shown": ("Mean (or share)", "figure"),
                        "median_shown": ("Median", "figure"), "total_shown": ("Total", "figure")})
        return columns

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
        return cr.case_timeline(self.events, ordered, self.worker_labels)

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
        table = cr.by_organisation(self.events)
        table["first_assessments"] = table["assessments"] - table["repeat_assessments"]
        table["organisation"] = table["organisation"].astype(str)
        return table

    def time_split(self) -> pd.DataFrame:
        """Face-to-face and other hours, per cohort (or for all cases)."""
        frame = self.measures.assign(group=self._group())
        split = frame.groupby("group")[["face_to_face_hours", "total_hours"]].sum().reindex(self.cohorts).reset_index()
        split["other_hours"] = split["total_hours"] - split["face_to_face_hours"]
        split["face_to_face_share"] = split["face_to_face_hours"] / split["total_hours"].where(split["total_hours"] > 0)
        return split
