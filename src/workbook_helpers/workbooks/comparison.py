"""The before/after comparison as the workbook shows it: the table directors remember, its
sentences, estimation charts, notes and summary, from :func:`workbook_helpers.measures.comparison.compare_cohorts`.
The view gathers the figures and works out what a report hides; the words are
:mod:`workbook_helpers.present.story.comparison`'s and the table is drawn by
:mod:`workbook_helpers.present.comparison_table`.

Cases appear only as pseudonyms ("Case 07"); cohort and measure names from the data are escaped.

In a public report (:mod:`workbook_helpers.privacy.policy`) the number of cases (or pairs) behind a
measure is ``[c]`` when it is from 1 to ``suppress_below - 1``, and so is each figure that rests
on it: the cohort's mean or share, the change and its interval, and the sentence. A share of
cases saying yes (a yes/no measure) is also hidden where it would give a small count of yes or
no away. The workbook then shows no case on its own: the table is the view of the comparison
that may be shared, and the dot plots of each case are in the team's report.

Open cases (:meth:`ComparisonView.build`): by default the comparison is of closed cases, whose
journeys are complete, and the report says how many cases of each cohort are still open and left
out; with ``include_open_cases`` they are compared with their journeys so far, and end-to-end time
becomes the median days to close (Kaplan–Meier), which counts a case still open as open for at
least as long as it has been. Either way, when the data say which cases are open, the report
shows the time to close of each cohort (:mod:`workbook_helpers.measures.time_to_close`). In a published
report its curve stops where fewer than ``suppress_below`` cases of a cohort are still open (a
step resting on fewer would show what happened to one or two people), its median is hidden when
it falls past that point, and the number still open is a count like any other (``[c]`` from 1 to
``suppress_below - 1``); the days on which individual cases were last seen open are marked only
in a team's report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from IPython.display import HTML, display

from workbook_helpers.present import charts
from workbook_helpers.present.comparison_table import comparison_table_html
from workbook_helpers.present.story import comparison as story
from workbook_helpers.measures.comparison import (
    OPEN_COLUMN, available_measures, compare_cohorts, comparison_direction, measure_values,
)
from workbook_helpers.measures.comparison_sentences import confidence_words
from workbook_helpers.measures.comparison_measures import END_TO_END, TIME_TO_CLOSE, measure_config
from workbook_helpers.privacy import audience
from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.formatting import esc, is_finite
from workbook_helpers.privacy.pseudonyms import stable_pseudonyms
from workbook_helpers.privacy.shown import ShownTable, shown_table
from workbook_helpers.measures.time_to_close import case_durations, data_as_at, drawable, time_to_close


@dataclass
class ComparisonView:
    """What the comparison workbook shows, built from the per-case table and the comparison."""

    table: pd.DataFrame
    comparison: pd.DataFrame
    cohort_col: str
    before: str
    after: str
    before_label: str
    after_label: str
    confidence: float
    id_col: str | None = None
    paired: bool = False
    #: Where the data say which cases are still open (``"cases file"``, ``"closure events"``),
    #: or None when they do not (a team's own table, or events with no closures).
    open_known: str | None = None
    #: Whether the comparison includes cases still open, with their journeys so far.
    include_open: bool = False
    #: Every case of both cohorts, open ones too, with ``days_to_close``: what time to close
    #: rests on (None when open cases are not known).
    all_cases: pd.DataFrame | None = field(default=None, repr=False)
    #: The comparison of median days to close (one row, as ``comparison``), or None.
    closure: pd.DataFrame | None = field(default=None, repr=False)
    as_at: pd.Timestamp | None = None

    @classmethod
    def build(
        cls, table: pd.DataFrame, *, cohort_col: str = "cohort", before: str = "before",
        after: str = "after", before_label: str | None = None, after_label: str | None = None,
        confidence: float = 0.95, paired: bool = False, id_col: str | None = None,
        config: dict | None = None, include_open_cases: bool = False, open_known: str | None = None,
        as_at: object = None, resamples: int = 9999, seed: int | None = 0,
    ) -> ComparisonView:
        """Compare the cohorts of a per-case table and gather what the workbook shows.

        ``table``: one row per case (:func:`workbook_helpers.measures.cases.case_measures`, or a team's own
        table). ``open_known``: where its ``open`` column comes from
        (:func:`workbook_helpers.measures.cases.open_known_from`); None when the table does not say which
        cases are open, and then every case is compared as it stands.

        With ``open_known`` and ``include_open_cases`` False (the default) only closed cases are
        compared; with it True, every case is, and end-to-end days give way to the median days
        to close (Kaplan–Meier). In both, :attr:`closure` compares the median days to close of
        every case, counting those still open up to ``as_at`` (default: the latest date in the
        table). The other arguments are :func:`workbook_helpers.measures.comparison.compare_cohorts`'s.
        """
        before_label = str(before_label or before)
        after_label = str(after_label or after)
        options = dict(cohort_col=cohort_col, before=before, after=after, paired=paired, id_col=id_col,
                       confidence=confidence, resamples=resamples, seed=seed, config=config or None,
                       before_label=before_label, after_label=after_label)
        if not open_known or OPEN_COLUMN not in table.columns:
            comparison = compare_cohorts(table, **options)
            return cls(table, comparison, cohort_col, before, after, before_label, after_label, confidence,
                       id_col, paired)
        as_at = data_as_at(table) if as_at is None else pd.Timestamp(as_at)
        every = table.assign(**{TIME_TO_CLOSE: case_durations(table, as_at)["days"]})
        names = [m for m in available_measures(every, config or None) if m != TIME_TO_CLOSE]
        if include_open_cases:
            compared = every
            # Days so far are not end-to-end days: time to close takes their place.
            names = [TIME_TO_CLOSE if m == END_TO_END else m for m in names]
        else:
            compared = every[~every[OPEN_COLUMN].to_numpy(dtype=bool)].reset_index(drop=True)
        comparison = compare_cohorts(compared, measures=names, **options)
        if include_open_cases and TIME_TO_CLOSE in names:
            closure = comparison[comparison["measure"] == TIME_TO_CLOSE].reset_index(drop=True)
        else:
            closure = compare_cohorts(every, measures=[TIME_TO_CLOSE], **options)
        return cls(compared, comparison, cohort_col, before, after, before_label, after_label, confidence,
                   id_col, paired, open_known=open_known, include_open=bool(include_open_cases),
                   all_cases=every, closure=closure, as_at=as_at)

    @property
    def groups(self) -> list[str]:
        return [str(self.before_label), str(self.after_label)]

    @property
    def n_before(self) -> int:
        return int(self.comparison["n_before"].max()) if len(self.comparison) else 0

    @property
    def n_after(self) -> int:
        return int(self.comparison["n_after"].max()) if len(self.comparison) else 0

    @property
    def period(self) -> tuple[str | None, str | None]:
        if {"start", "end"} <= set(self.table.columns):
            return (self.table["start"].min().date().isoformat(), self.table["end"].max().date().isoformat())
        return (None, None)

    def scope(self) -> str:
        return f"the {self.after_label} against the {self.before_label}"

    def directions(self) -> list[str]:
        return [comparison_direction(row) for row in self.comparison.to_dict(orient="records")]

    # ---- open cases ---------------------------------------------------------------------------

    def open_counts(self) -> dict[str, int] | None:
        """Cases still open in each cohort (``{"before": n, "after": n}``), whether left out or
        included; None when the data do not say which cases are open."""
        if not self.open_known or self.all_cases is None:
            return None
        cohort = self.all_cases[self.cohort_col].astype(object).map(lambda v: None if v is None or v != v else str(v))
        is_open = self.all_cases[OPEN_COLUMN].to_numpy(dtype=bool)
        return {side: int((is_open & (cohort == str(value)).to_numpy()).sum())
                for side, value in (("before", self.before), ("after", self.after))}

    def open_sentence(self) -> str:
        """What the comparison did with cases still open, in a sentence or two ("" for a team's
        own table, which does not say)."""
        return story.open_sentence(
            self.open_counts(), self.before_label, self.after_label, self.include_open,
            open_unknown=self.open_known is None and OPEN_COLUMN in self.table.columns)

    # ---- what a public report hides --------------------------------------------------------

    def hidden(self) -> pd.DataFrame:
        """Which figures of each comparison row a report hides under the current policy (all
        False when internal), row for row: ``n_before``, ``n_after`` (cases or pairs, hidden
        from 1 to ``suppress_below - 1``, and where the cases without a known value are: the
        cohort's size less them would give that count away), ``before``, ``after`` (a cohort's
        figure, hidden with its cases, and a yes/no share also where it gives a small count of
        yes or no away; a median days to close also where it falls past the point at which the
        report stops drawing its cohort's curve) and ``change`` (the change, its interval, the
        verdict and the sentence, hidden with either cohort's figure)."""
        return self._hidden_rows(self.comparison)

    def _hidden_rows(self, comparison: pd.DataFrame) -> pd.DataFrame:
        columns = ["n_before", "n_after", "before", "after", "change"]
        mask = pd.DataFrame(False, index=comparison.index, columns=columns)
        if not audience.hides_small_numbers() or comparison.empty:
            return mask
        kinds = [kind for _, kind in self._kinds(comparison)]
        sizes = {side: int(comparison[f"n_{side}"].max()) for side in ("before", "after")}
        for position, (index, record) in enumerate(comparison.iterrows()):
            row = {}
            for side in ("before", "after"):
                n, value = record[f"n_{side}"], record[side]
                row[f"n_{side}"] = audience.hides(n) or audience.hides(sizes[side] - n)
                share_of_cases = kinds[position] == "yes_no" and value == value
                row[side] = row[f"n_{side}"] or bool(
                    share_of_cases and audience.share_hidden(value, n, None, audience.suppress_below()))
                if kinds[position] == "time_to_close":
                    row[side] = row[side] or self._median_hidden(side)
            row["change"] = row["before"] or row["after"]
            mask.loc[index] = [row[column] for column in columns]
        return mask

    @property
    def shows_cases(self) -> bool:
        """Whether the report may show each case (its dots and slopes): only the team's."""
        return audience.shows_each_case()

    def _hidden_note(self, mask: pd.DataFrame) -> str:
        if not mask.to_numpy().any():
            return ""
        counts = mask[["n_before", "n_after"]].to_numpy().any()
        figures = mask[["before", "after"]].to_numpy().any()
        return audience.suppression_note(audience.suppress_below(), primary=bool(counts), rates=bool(figures))

    # ---- headline, table and sentences -------------------------------------------------------

    def headline(self) -> str:
        """The opening paragraph (:func:`workbook_helpers.present.story.comparison.comparison_headline`);
        a change the table hides is not counted as better or worse either."""
        shown = ~self.hidden()["change"].to_numpy()
        records = self.comparison.to_dict(orient="records")
        judged = [(d, r) for d, r, show in zip(self.directions(), records, shown) if show]
        return story.comparison_headline(
            judged, int((~shown).sum()), before_label=self.before_label, after_label=self.after_label,
            n_before=self.n_before, n_after=self.n_after,
            closed_only=bool(self.open_known and not self.include_open), opened=self.open_sentence(),
            confidence=self.confidence, paired=self.paired)

    def show_table(self) -> None:
        """Display the comparison table (:func:`workbook_helpers.present.comparison_table.comparison_table_html`)
        with the figures this report hides as ``[c]``."""
        mask = self.hidden()
        display(HTML(comparison_table_html(
            self.comparison, self.directions(), mask, self._hidden_note(mask), before_label=self.before_label,
            after_label=self.after_label, confidence=self.confidence, paired=self.paired)))

    def sentences(self) -> list[str]:
        """The sentence for each measure; in a public report, where the row's figures are
        hidden, a sentence that says so instead."""
        return [esc(sentence) for sentence in self._sentences()]

    def _sentences(self) -> list[str]:
        return story.measure_sentences(self.comparison, self.hidden(), [kind for _, kind in self._kinds()])

    # ---- charts -----------------------------------------------------------------------------

    def _labels(self) -> dict:
        keys = self.table["case_id"] if "case_id" in self.table.columns else pd.Series(self.table.index.astype(str), index=self.table.index)
        return stable_pseudonyms(keys.astype(str), prefix="Case")

    def case_values(self, measure: str) -> pd.DataFrame:
        """group, case (pseudonym), value: each case's own value of ``measure`` in both cohorts."""
        keys = self.table["case_id"] if "case_id" in self.table.columns else pd.Series(self.table.index.astype(str), index=self.table.index)
        labels = self._labels()
        cohort = self.table[self.cohort_col].astype(str)
        chosen = cohort.isin([self.before, self.after]).to_numpy()
        frame = pd.DataFrame({
            "group": cohort[chosen].map({self.before: self.before_label, self.after: self.after_label}),
            "case": keys.astype(str)[chosen].map(labels),
            "value": measure_values(self.table.loc[chosen, measure], measure,
                                 str(self.table[measure].dtype) in {"boolean", "bool", "object", "str"}),
        })
        return frame.dropna(subset=["value"]).reset_index(drop=True)

    def statistics_table(self, measures: list[str], statistic: str = "mean") -> ShownTable:
        """Each chosen measure's per-case ``statistic`` ("mean" or "median") in both cohorts, from
        the cases' own values (shares here are each case's own, not pooled), for the explorer."""
        rows = []
        for measure in measures:
            label = self.comparison.set_index("measure").loc[measure, "label"]
            summary = self.case_values(measure).groupby("group")["value"].agg(statistic)
            rows.append({"label": label,
                         "before": summary.get(self.before_label), "after": summary.get(self.after_label)})
        frame = pd.DataFrame(rows, columns=["label", "before", "after"])
        return shown_table(frame, {"label": ("Measure", "text"),
                                   "before": (self.before_label.capitalize(), "number"),
                                   "after": (self.after_label.capitalize(), "number")})

    def estimation_charts(self, measures: list[str] | None = None) -> list:
        shown = []
        for record in self.comparison.to_dict(orient="records"):
            if measures is not None and record["measure"] not in measures:
                continue
            if record["measure"] not in self.table.columns or record["measure"] == TIME_TO_CLOSE:
                continue  # time to close has a chart of its own
            points = record["change_kind"] == "points"
            low, high = record.get("difference_low"), record.get("difference_high")
            interval = None if low is None or low != low else (low, high)
            description = (
                f"Dot plot of each case's {record['label'].lower()} in both cohorts, and the "
                f"difference between them" + (" with its confidence interval." if interval else " (no interval: too few cases).")
            )
            if points:
                description += " Dots show each case's own share; the difference is of the pooled shares."
            shown.append(charts.estimation_chart(
                self.case_values(record["measure"]), self.groups, record["difference"],
                interval[0] if interval else None, interval[1] if interval else None,
                record["label"], description, record["label"],
                value_format=".0%" if points else ",.1f",
                difference_title="Difference (percentage points)" if points else "Difference per case",
            ))
        return shown

    def slope_charts(self) -> list:
        if not self.id_col or self.id_col not in self.table.columns:
            return []
        people = stable_pseudonyms(self.table[self.id_col].astype(str), prefix="Person")
        shown = []
        for record in self.comparison.to_dict(orient="records"):
            if record["measure"] not in self.table.columns or record["measure"] == TIME_TO_CLOSE:
                continue
            frame = self.table[self.table[self.cohort_col].astype(str).isin([self.before, self.after]).to_numpy()]
            pairs = pd.DataFrame({
                "pair": frame[self.id_col].astype(str).map(people),
                "group": frame[self.cohort_col].astype(str).map({self.before: self.before_label, self.after: self.after_label}),
                "value": pd.to_numeric(frame[record["measure"]].astype("Float64"), errors="coerce"),
            }).dropna()
            pairs = pairs[pairs.groupby("pair")["group"].transform("nunique") == 2]  # matched only
            shown.append(charts.slope_chart(
                pairs, self.groups, f"{record['label']}: each person before and after",
                f"Slope chart of {record['label'].lower()} for each person in both cohorts.", record["label"],
                value_format=".0%" if record["change_kind"] == "points" else ",.1f",
            ))
        return shown

    # ---- the change at a glance -------------------------------------------------------------

    def change_frame(self) -> pd.DataFrame:
        """What the change-at-a-glance chart draws: one row per measure of the table, in its
        order, but those the report hides (:meth:`hidden`): ``measure``, ``label``,
        ``change_kind``, ``panel`` (``percent``, ``points``, or ``difference: <label>`` for a
        change in the measure's own units), ``change``, ``ci_low``, ``ci_high`` (the table's
        figures, missing where it has none), ``verdict`` (better, worse, no clear change,
        not judged: no direction set, or too few cases to judge) and ``words`` (written beside
        the dot: "down 64%: better")."""
        mask = self.hidden()["change"].to_numpy()
        rows = []
        for record, direction, hidden in zip(self.comparison.to_dict(orient="records"), self.directions(), mask):
            if hidden:
                continue
            verdict = story.VERDICT_WORDS[direction]
            too_few = direction == "too few cases"
            kind = record["change_kind"]
            change = None if too_few or not is_finite(record["change"]) else float(record["change"])
            low, high = record["ci_low"], record["ci_high"]
            interval = (not too_few) and is_finite(low) and is_finite(high)
            rows.append({
                "measure": record["measure"], "label": record["label"], "change_kind": kind,
                "panel": kind if kind in ("percent", "points") else f"difference: {record['label']}",
                "change": change,
                "ci_low": float(low) if interval else None, "ci_high": float(high) if interval else None,
                "verdict": verdict,
                "words": verdict if change is None else f"{story.change_words(change, kind)}: {verdict}",
            })
        columns = ["measure", "label", "change_kind", "panel", "change", "ci_low", "ci_high", "verdict", "words"]
        return pd.DataFrame(rows, columns=columns)

    def change_left_out(self) -> list[str]:
        """The labels of the measures the chart leaves out: those the report hides."""
        mask = self.hidden()["change"].to_numpy()
        return [label for label, hidden in zip(self.comparison["label"], mask) if hidden]

    def change_note(self) -> str:
        """Which measures the chart leaves out and why ("" when none)."""
        return story.change_note(self.change_left_out())

    def change_chart(self):
        """The change at a glance (:func:`workbook_helpers.present.charts.change_at_a_glance`): every
        measure the report shows, with its interval; None when it shows none."""
        frame = self.change_frame()
        if frame.empty:
            return None
        level = confidence_words(self.confidence)
        description = story.change_description(frame, self.before_label, self.after_label, level, self.change_note())
        return charts.change_at_a_glance(frame, "The change at a glance", description, level=level)

    # ---- time to close ----------------------------------------------------------------------

    def closure_curves(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """Each cohort's time to close (:func:`workbook_helpers.measures.time_to_close.time_to_close`),
        as (curve, summary) with the cohorts under their labels; in a public report the
        steps resting on fewer than ``suppress_below`` cases still open are marked not shown.
        None when the data do not say which cases are open."""
        if self.all_cases is None:
            return None
        cohort = self.all_cases[self.cohort_col].astype(object).map(
            lambda v: None if v is None or v != v else str(v))
        labels = cohort.map({str(self.before): self.before_label, str(self.after): self.after_label})
        durations = pd.DataFrame({
            "days": self.all_cases[TIME_TO_CLOSE].astype("float64"),
            "closed": ~self.all_cases[OPEN_COLUMN].to_numpy(dtype=bool),
        }, index=self.all_cases.index)
        return time_to_close(durations, labels, order=self.groups,
                             min_at_risk=audience.suppress_below() if audience.hides_small_numbers() else 0)

    def _median_hidden(self, side: str) -> bool:
        """Whether a public report hides a cohort's median days to close: it falls past the
        point where the report stops drawing the cohort's curve."""
        curves = self.closure_curves() if audience.hides_small_numbers() else None
        if curves is None:
            return False
        summary = curves[1].set_index("group")
        label = self.before_label if side == "before" else self.after_label
        row = summary.loc[label]
        return bool(not math.isnan(row["median_days"]) and not row["median_shown"])

    def closure_hidden(self) -> pd.Series | None:
        """What a report hides of :attr:`closure` (as :meth:`hidden` does for a row)."""
        return None if self.closure is None else self._hidden_rows(self.closure).iloc[0]

    def time_to_close_chart(self):
        """The step chart of the share of each cohort's cases still open by days since opening,
        with each median marked (a public report's curves stop where fewer than
        ``suppress_below`` cases remain, and it marks no case on its own). None when the data
        do not say which cases are open, or a public report has nothing it may draw."""
        curves = self.closure_curves()
        if curves is None:
            return None
        curve, summary = curves
        line, marks, medians = drawable(curve, summary, each_case=self.shows_cases)
        if line.empty:
            return None  # every cohort too small for a public report to draw
        counts = self.open_counts() or {}
        still = {self.before_label: counts.get("before", 0), self.after_label: counts.get("after", 0)}
        return charts.time_to_close_chart(line, marks, medians, self.groups, "How long cases take to close",
                                          charts.describe_time_to_close(summary, still, audience.hidden_below()))

    def time_to_close_text(self) -> str:
        """What the time-to-close chart says
        (:func:`workbook_helpers.present.story.comparison.time_to_close_text`)."""
        if self.closure is None or self.closure.empty:
            return ""
        curves = self.closure_curves()
        return story.time_to_close_text(
            self.closure.iloc[0], self.closure_hidden(), self.open_counts() or {"before": 0, "after": 0},
            self.as_at, self.before_label, self.after_label,
            nothing_drawn=curves is not None and not curves[0]["shown"].any())

    # ---- notes and summary ------------------------------------------------------------------

    def cautions(self) -> list[str]:
        """Each row's caution as the report gives it."""
        return story.cautions(self.comparison)

    def notes(self) -> list[str]:
        """The notes under the comparison (:func:`workbook_helpers.present.story.comparison.comparison_notes`)."""
        return story.comparison_notes(
            self.comparison, self._kinds(), confidence=self.confidence, paired=self.paired,
            before_label=self.before_label, open_known=self.open_known, include_open=self.include_open,
            as_at=self.as_at)

    def _kinds(self, comparison: pd.DataFrame | None = None) -> list[tuple[str, str]]:
        config = measure_config()
        kinds = []
        comparison = self.comparison if comparison is None else comparison
        for record in comparison.to_dict(orient="records"):
            measure = record["measure"]
            if measure in config.index:
                kind = config.loc[measure, "kind"]
            elif record["change_kind"] == "points" and measure in self.table.columns and (
                pd.api.types.is_bool_dtype(self.table[measure]) or str(self.table[measure].dtype) == "boolean"
            ):
                kind = "yes_no"  # a team's own yes/no column (see own_measures)
            else:
                kind = "count"
            kinds.append((record["label"], kind))
        return kinds

    def figures(self) -> dict:
        """The headline figures for the JSON summary: declare ``n_before``, ``n_after``,
        ``n_open_before`` and ``n_open_after`` as counts to ``record_summary``; a change the
        report hides is ``"[c]"`` here already.

        ``n_before``, ``n_after``: the cases compared (closed ones only, unless open cases are
        included); ``n_open_before``, ``n_open_after``: cases still open in each cohort (left
        out, or included), None when not known; ``open_cases``: ``"left out"``, ``"included"``
        or ``"not known"``; ``time_to_close``: the median days to close of each cohort (every
        case, open ones counted as open up to ``as_at``), its change and interval, or None."""
        mask = self.hidden()
        changes = {}
        for record, hidden in zip(self.comparison.to_dict(orient="records"), mask["change"]):
            changes[record["measure"]] = {
                "change": SUPPRESSED if hidden else record["change"], "change_kind": record["change_kind"],
                "ci_low": SUPPRESSED if hidden else record["ci_low"],
                "ci_high": SUPPRESSED if hidden else record["ci_high"],
            }
        counts = self.open_counts()
        figures = {
            "n_before": self.n_before, "n_after": self.n_after,
            # Cases still open in each cohort: left out of the comparison, or included.
            "n_open_before": counts["before"] if counts else None,
            "n_open_after": counts["after"] if counts else None,
            "open_cases": ("not known" if counts is None else "included" if self.include_open else "left out"),
            "changes": changes,
            "time_to_close": None,
        }
        if self.closure is not None and not self.closure.empty:
            row, hidden = self.closure.iloc[0], self.closure_hidden()
            figures["time_to_close"] = {
                "as_at": self.as_at.date().isoformat(),
                "median_days_before": SUPPRESSED if hidden["before"] else _number(row["before"]),
                "median_days_after": SUPPRESSED if hidden["after"] else _number(row["after"]),
                "change": SUPPRESSED if hidden["change"] else _number(row["change"]),
                "change_kind": row["change_kind"],
                "ci_low": SUPPRESSED if hidden["change"] else _number(row["ci_low"]),
                "ci_high": SUPPRESSED if hidden["change"] else _number(row["ci_high"]),
            }
        return figures

    def summary_record(self) -> dict:
        """The figures and tables of the run's JSON summary, with what each of them is (which
        figures are counts), as ``record_summary`` takes them:
        ``record_summary(**view.summary_record(), inputs=...)``."""
        return {
            "figures": self.figures(),
            "tables": {"comparison": self.summary_table()},
            "counts": ["n_before", "n_after", "n_open_before", "n_open_after"],
        }

    def summary_table(self) -> pd.DataFrame:
        """The comparison for the JSON summary, with what the report hides as ``"[c]"`` (the
        cases behind each figure, the cohorts' figures, the change, its intervals and the
        sentence) and the cautions as the report gives them. Hidden already: record it without
        declaring its counts again (a count of cases can be hidden for the cases it leaves out,
        which a declaration of counts alone would not see)."""
        mask = self.hidden()
        table = self.comparison.copy()
        if mask.to_numpy().any():
            table = table.astype(object)
            for column in ("n_before", "n_after", "before", "after"):
                table[column] = table[column].mask(mask[column], SUPPRESSED)
            for column in ("change", "ci_low", "ci_high", "difference", "difference_low", "difference_high"):
                table[column] = table[column].mask(mask["change"], SUPPRESSED)
            table["sentence"] = self._sentences()
        if "caution" in table.columns:
            table["caution"] = [story.caution_as_shown(str(c)) if isinstance(c, str) else c for c in table["caution"]]
        return table


def _number(value) -> float | None:
    """A figure for the JSON summary: a float, or None where it is not known."""
    return float(value) if is_finite(value) else None
