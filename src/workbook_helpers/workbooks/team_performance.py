"""The team-performance workbook's view: every measure for every team, judged on XmR charts, and
what a report shows of it for the whole service or for one team.

:class:`TeamPerformance` gathers, once, what the workbook's cells show. Work item ids, action ids
and owners' names never leave it: actions are listed under salted pseudonyms (``Action 7K3P``)
with their owner as ``Owner QX``, and action descriptions only when the workbook is asked for internal text.

Its sentences (headline, spending, method notes) are made from its figures in
:mod:`workbook_helpers.present.story.performance`; what it checks in its inputs as it is built is
in :mod:`workbook_helpers.workbooks.team_performance_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbook_helpers.measures import performance as pf
from workbook_helpers.spc import xmr as spc
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import NOT_APPLICABLE, fmt_date, fmt_int, fmt_money, fmt_pct, join_words, plural
from workbook_helpers.data.performance_measures import MEASURES, Measure, measure
from workbook_helpers.present.story.performance import period_word, year_to_date
from workbook_helpers.privacy import audience, chart_counts
from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.privacy.shown import ShownTable, count_card, shown_table
from workbook_helpers.spc.process_changes import Annotation, ProcessChanges, read_changes, shift_note, shift_run
from workbook_helpers.privacy.pseudonyms import stable_pseudonyms, stable_worker_pseudonyms
from workbook_helpers.data.teams import as_in_data, chosen_team, keyword_notes
from workbook_helpers.workbooks.team_performance_inputs import check_as_at, data_notes, rebase_days

#: The kind of column :func:`workbook_helpers.present.notebook.table_html` uses for each unit.
UNIT_KINDS = {"count": "int", "share": "pct0", "days": "number", "pounds": "money"}
ALL_TEAMS = "All teams"  # the label of the row adding the teams up
AGE_BAND_LABELS = {
    "open_under_4_weeks": "Under 4 weeks",
    "open_4_to_12_weeks": "4 to 12 weeks",
    "open_over_12_weeks": "Over 12 weeks",
}


#: The columns of the tables the report shows: (heading, kind).
_SHIFT_COLUMNS = {"team": ("Team", "text"), "measure": ("Measure", "text"), "since": ("Since", "text"),
                  "points": ("Periods in a row", "int"), "side": ("Where", "text"),
                  "setting": ("To rebase there", "text")}
_SPENDING_COLUMNS = {
    "month_name": ("Month", "text"), "budget": ("Budget", "money"), "actual": ("Spent", "money"),
    "variance": ("Over (+) or under (-)", "money"), "variance_pct": ("Over or under, %", "pct"),
    "variance_ytd": ("Year to date, over or under", "money"),
    "variance_ytd_pct": ("Year to date, %", "pct"),
}
_SPENDING_TEAM_COLUMNS = {
    "team": ("Team", "text"), "budget_ytd": ("Budget to date", "money"),
    "actual_ytd": ("Spent to date", "money"), "variance_ytd": ("Over (+) or under (-)", "money"),
    "variance_ytd_pct": ("Over or under, %", "pct"),
}


@dataclass
class TeamPerformance:
    """Measures, charts and tables for the service (``team="all"``) or for one team.

    Build it with :meth:`build`.
    """

    team: str
    period: str
    as_at: pd.Timestamp
    teams: list[str]
    measures: pd.DataFrame
    charts: dict[tuple[str, str], pd.DataFrame]
    matrix: pd.DataFrame
    notes: list[str]
    work_items: pd.DataFrame | None
    spending: pd.DataFrame | None
    actions: pd.DataFrame | None
    monthly_spending: pd.DataFrame | None = None
    now: pd.DataFrame | None = None
    changes: ProcessChanges = field(default_factory=ProcessChanges)
    _owner_names: dict = field(default_factory=dict)
    #: The view is of the whole service (``team`` is then "all"; a team called "all" is not).
    service_wide: bool = False
    #: What a reader must know before trusting the figures (a date after the last event, targets
    #: for teams not in the data...): in the method notes, and the JSON summary's warnings.
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        work_items: pd.DataFrame | None,
        spending: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        actions: pd.DataFrame | None = None,
        team: str = "all",
        period: str = "month",
        as_at: object = None,
        rebase: object = None,
        annotations: object = None,
    ) -> TeamPerformance:
        """Measure every team for every complete period up to ``as_at`` and chart each measure.

        ``team`` is ``"all"`` for the service-wide view or one team's name (``"team:All"`` for a
        team called All, :mod:`workbook_helpers.data.teams`); a team not in the data is a
        :class:`ParameterError` naming those that are. ``rebase`` and ``annotations`` are the
        workbook's parameters of those names (:mod:`workbook_helpers.spc.process_changes`): dates
        where a team's charts, or every chart, start new limits, and labelled markers for the
        charts. A rebase date that is not the first day of a period the charts show is a
        :class:`ParameterError` saying why.
        """
        date_notes = check_as_at(work_items, spending, actions, as_at)
        measures = pf.team_measures(work_items, spending, actions, period=period, as_at=as_at)
        # The teams in the files, whether or not any period is complete by as_at.
        teams = pf.teams_in(work_items, spending, actions)
        if not isinstance(team, str) or not team.strip():
            raise ParameterError('team must be "all" or the name of a team in the data.')
        chosen = as_in_data(chosen_team(team), teams)  # "reablement north" is Reablement North
        if chosen is not None and chosen not in teams:
            raise ParameterError(
                f"team {chosen!r} is not in the data. The teams are: {join_words(teams)}."
            )
        changes = read_changes(rebase, annotations, teams)
        charts, notes = pf.measure_charts(measures, targets, rebase=rebase_days(changes, measures, teams))
        as_at_day = measures.attrs["as_at"]
        warnings = date_notes + data_notes(work_items, actions, targets, teams, as_at, as_at_day)
        notes = warnings + keyword_notes(team, teams) + notes
        view = cls(
            team="all" if chosen is None else chosen,
            period=measures.attrs["period"],
            as_at=as_at_day,
            teams=teams,
            measures=measures,
            charts=charts,
            matrix=pf.summary_matrix(charts),
            notes=notes,
            work_items=work_items,
            spending=spending,
            actions=actions,
            service_wide=chosen is None,
            changes=changes,
            warnings=warnings,
        )
        if work_items is not None:
            view.now = pf.work_now(work_items, as_at_day, teams)
        if spending is not None:
            view.monthly_spending = pf.spending_by_month(spending, as_at_day)
        if actions is not None:
            view._owner_names = stable_worker_pseudonyms(actions["owner"], prefix="Owner")
        return view

    # ----------------------------------------------------------------------------------------
    # scope

    @property
    def shown_teams(self) -> list[str]:
        return self.teams if self.service_wide else [self.team]

    @property
    def period_word(self) -> str:
        return period_word(self.period)

    @property
    def one_team(self) -> str | None:
        """The team the view is of, or None for the whole service (the sentences' ``team``)."""
        return None if self.service_wide else self.team

    @property
    def x_title(self) -> str:
        """The time axis title of the charts (points sit at each period's last day)."""
        return "Month" if self.period == "month" else "Week ending"

    def covered(self) -> dict:
        """The days the report covers, for its title block and the JSON summary: from the first
        day of the first period charted (or the as-at date, when none is) to the as-at date, as
        ``{"period_start": ..., "period_end": ...}`` (ISO dates)."""
        starts = self.measures["period_start"] if len(self.measures) else pd.Series(dtype="datetime64[ns]")
        first = starts.min() if len(starts) else self.as_at
        return {"period_start": pd.Timestamp(first).date().isoformat(),
                "period_end": self.as_at.date().isoformat()}

    def scope(self) -> str:
        """Who the report covers, in words: "5 teams" or "Community Team North"."""
        return plural(len(self.teams), "team") if self.service_wide else self.team

    # ----------------------------------------------------------------------------------------
    # headline figures

    def figures(self) -> dict:
        """The headline figures for the scope, as at :attr:`as_at`: teams, open and overdue work
        items, items due in the next 28 days, spending against budget in the financial year so
        far, and open and overdue actions. Missing datasets give None."""
        figures: dict = {"teams": len(self.shown_teams), "as_at": self.as_at.date().isoformat(),
                         "period": self.period}
        if self.now is not None:
            now = self.now.loc[self.now["team"].isin(self.shown_teams)]
            for key in ("open_items", "overdue_items", "due_next_28_days", *AGE_BAND_LABELS):
                figures[key] = int(now[key].sum())
        else:
            figures.update(open_items=None, overdue_items=None, due_next_28_days=None)
        year = self.spending_year()
        if year is not None and len(year):
            latest = year.iloc[-1]
            figures.update(
                spend_month=latest["month"].strftime("%Y-%m"),
                spend_first_month=year["month"].min().strftime("%Y-%m"),
                financial_year=latest["financial_year"],
                spend_budget_ytd=float(latest["budget_ytd"]),
                spend_actual_ytd=float(latest["actual_ytd"]),
                spend_variance_ytd=float(latest["variance_ytd"]),
                spend_variance_ytd_pct=_float(latest["variance_ytd_pct"]),
            )
        else:
            figures.update(spend_variance_ytd=None)
        if self.actions is not None:
            open_now = self.open_actions()
            figures.update(actions_open=len(open_now), actions_overdue=int(open_now["overdue"].sum()))
        counts = self.matrix.loc[self.matrix["team"].isin(self.shown_teams)]
        figures["measures_improving"] = int(counts["variation"].str.startswith("improvement").sum())
        figures["measures_concerning"] = int(counts["variation"].str.startswith("concern").sum())
        figures["measures_without_variation"] = int((counts["variation"] == "no_variation").sum())
        figures["targets_failing"] = int((counts["assurance"] == "consistent_fail").sum())
        return figures

    def headline_cards(self) -> list:
        """Cards for :func:`workbook_helpers.present.notebook.headline_cards`: counts of work items and
        actions are count cards, so a public report hides small ones."""
        f = self.figures()
        on = f"on {fmt_date(self.as_at)}"
        cards: list = []
        if self.service_wide:
            cards.append(("Teams", fmt_int(f["teams"]), "in this report"))
        if f.get("open_items") is not None:
            cards.append(count_card("Open work items", f["open_items"], on))
            small = audience.hides(f["overdue_items"]) or audience.hides(f["open_items"])
            share = _share(f["overdue_items"], f["open_items"])
            cards.append(count_card("Overdue", f["overdue_items"],
                                    "of the open items" if small else f"{fmt_pct(share)} of open items"))
            if not self.service_wide:
                cards.append(count_card("Due in the next 4 weeks", f["due_next_28_days"], "due dates and reviews"))
        if f.get("spend_variance_ytd") is not None:
            variance = f["spend_variance_ytd"]
            word = "over budget" if variance > 0 else "under budget" if variance < 0 else "on budget"
            cards.append((
                "Spending against budget", fmt_money(abs(variance)),
                f"{word}, {year_to_date(f['spend_month'], first=f['spend_first_month'])}",
            ))
        if not self.service_wide and f.get("actions_open") is not None:
            # Actions are tasks agreed by managers, not records about people: shown as they are.
            cards.append(("Open actions", fmt_int(f["actions_open"]), f"{fmt_int(f['actions_overdue'])} overdue"))
        return cards

    # ----------------------------------------------------------------------------------------
    # charts

    def measures_shown(self) -> list[Measure]:
        """The measures that have at least one chart, in the table's order."""
        keys = set(self.matrix.loc[self.matrix["team"].isin(self.shown_teams), "measure"])
        return [m for m in MEASURES if m.key in keys]

    def groups(self) -> dict[str, list[Measure]]:
        """The measures with charts, under their headings (Outstanding work, ...)."""
        grouped: dict[str, list[Measure]] = {}
        for m in self.measures_shown():
            grouped.setdefault(m.group, []).append(m)
        return grouped

    def chart(self, team: str, key: str) -> tuple[pd.DataFrame, dict] | None:
        """The XmR points and their summary for one team and measure, or None without a chart."""
        points = self.charts.get((team, key))
        return None if points is None else (points, spc.xmr_summary(points))

    def by_team(self, key: str) -> pd.DataFrame:
        """One measure's XmR points for every shown team, stacked with a ``team`` column."""
        frames = [self.charts[(team, key)].assign(team=team)
                  for team in self.shown_teams if (team, key) in self.charts]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def summaries(self, key: str) -> dict[str, dict]:
        """Each shown team's :func:`~workbook_helpers.spc.xmr.xmr_summary` for measure ``key``."""
        return {team: spc.xmr_summary(self.charts[(team, key)])
                for team in self.shown_teams if (team, key) in self.charts}

    def annotations_for(self, team: str) -> tuple[Annotation, ...]:
        """The annotations drawn on ``team``'s charts (those for every chart and its own)."""
        return self.changes.annotations_for(team)

    def annotations_by_team(self) -> dict[str, tuple[Annotation, ...]]:
        """Each shown team's annotations, for the service-wide small multiples."""
        return {team: self.annotations_for(team) for team in self.shown_teams}

    def shift_note(self, team: str, key: str) -> str | None:
        """The sentence for ``team``'s chart of measure ``key`` when its latest points have sat
        on one side of its average for 7 or more periods and it is not rebased
        (:func:`workbook_helpers.spc.process_changes.shift_note`), else None."""
        points = self.charts.get((team, key))
        if points is None:
            return None
        m = measure(key)
        # Spending is monthly whatever the period.
        period = "month" if key in ("spend_actual", "spend_variance") else self.period
        return shift_note(points, m.label, period=period, x_is="period_end", team=team)

    def shift_table(self) -> pd.DataFrame:
        """Every shown chart with a shift still going and no rebase, in the order of teams and
        of the measures table: ``team``, ``measure`` (its label), ``since`` (the first period
        of the run, in words), ``points`` (how many in a row), ``side`` ("above" or "below"
        the average) and ``setting`` (the parameter that would rebase the chart there)."""
        rows = []
        for team in self.shown_teams:
            for m in MEASURES:
                points = self.charts.get((team, m.key))
                if points is None:
                    continue
                period = "month" if m.key in ("spend_actual", "spend_variance") else self.period
                run = shift_run(points, period=period, x_is="period_end", team=team)
                if run:
                    rows.append({"team": team, "measure": m.label, "since": run["since"],
                                 "points": run["points"], "side": f"{run['side']} the average",
                                 "setting": run["hint"]})
        return pd.DataFrame(rows, columns=["team", "measure", "since", "points", "side", "setting"])

    def shown_shifts(self) -> ShownTable:
        """:meth:`shift_table` as the report shows it (no counts of people: nothing hidden)."""
        return shown_table(self.shift_table(), _SHIFT_COLUMNS)

    def matrix_table(self) -> pd.DataFrame:
        """The summary matrix for the shown teams: team, measure, label, latest value, latest
        period, variation, assurance and target (the JSON summary's ``tables.matrix``)."""
        frame = self.matrix.loc[self.matrix["team"].isin(self.shown_teams)].copy()
        frame["latest_period"] = pd.to_datetime(frame["latest_period"]).dt.date.astype(str)
        return frame.reset_index(drop=True)

    def value_formats(self) -> dict[str, str]:
        return {m.key: m.unit for m in MEASURES}

    def measure_labels(self) -> dict[str, str]:
        return {m.key: m.label for m in self.measures_shown()}

    # ----------------------------------------------------------------------------------------
    # tables

    def age_bands(self) -> pd.DataFrame:
        """Open work on the as-at date by age band, for the shown teams (one row per band)."""
        now = self.now.loc[self.now["team"].isin(self.shown_teams)]
        return pd.DataFrame({
            "band": list(AGE_BAND_LABELS.values()),
            "items": [int(now[key].sum()) for key in AGE_BAND_LABELS],
        })

    def work_now_table(self) -> pd.DataFrame:
        """Each shown team's open, overdue and upcoming work on the as-at date; for the service,
        with a last row ``All teams`` adding them up."""
        table = self.now.loc[self.now["team"].isin(self.shown_teams)].reset_index(drop=True)
        if self.service_wide:
            total = table.drop(columns="team").sum().to_dict()
            table = pd.concat([table, pd.DataFrame([{"team": ALL_TEAMS, **total}])], ignore_index=True)
        return table

    def shown_ages(self) -> ShownTable:
        """Open work by age for each shown team, as the report shows it: its counts are
        protected against its totals (open items are each row's total; the service's last row
        adds the teams up), so a public report can hide small counts safely."""
        columns = {"team": ("Team", "text"),
                   **{key: (label, "count") for key, label in AGE_BAND_LABELS.items()},
                   "open_items": ("Open", "count")}
        totals = {"column": "open_items", **({"row": ALL_TEAMS} if self.service_wide else {})}
        return shown_table(self.work_now_table()[list(columns)], columns, totals=totals)

    def shown_upcoming(self) -> ShownTable:
        """Work due in the next four weeks and overdue, per shown team, as :meth:`shown_ages`."""
        columns = {"team": ("Team", "text"), "due_next_28_days": ("Due in the next 4 weeks", "count"),
                   "overdue_items": ("Overdue", "count")}
        totals = {"row": ALL_TEAMS} if self.service_wide else {}
        return shown_table(self.work_now_table()[list(columns)], columns, totals=totals)

    def age_band_bars(self) -> tuple[pd.DataFrame, str]:
        """Open work by age band (:meth:`age_bands`) as its bar chart draws it: the total of the
        bars is known, and the bands the age table hides are hidden too
        (:func:`~workbook_helpers.privacy.chart_counts.protect_chart_counts`)."""
        return chart_counts.protect_chart_counts(self.age_bands(), ["items"], row_total=False, column_total=True,
                                             hidden=self.age_band_hidden())

    def age_band_hidden(self) -> pd.Series:
        """Which age bands a chart of the scope's open work must leave out: those the age table
        (:meth:`shown_ages`) hides in its last row (the service total, or the one team)."""
        last = self.shown_ages().hidden.iloc[-1]
        return pd.Series([bool(last[key]) for key in AGE_BAND_LABELS])

    def spending_year(self) -> pd.DataFrame | None:
        """This financial year's months for the scope (all teams added together for the
        service), with budget, actual and variances in the month and year to date."""
        if self.monthly_spending is None or self.monthly_spending.empty:
            return None
        monthly = self.monthly_spending.loc[self.monthly_spending["team"].isin(self.shown_teams)]
        if monthly.empty:
            return None
        latest_year = monthly.sort_values("month")["financial_year"].iloc[-1]
        year = monthly.loc[monthly["financial_year"] == latest_year]
        totals = year.groupby(["month", "financial_year"], as_index=False)[
            ["budget", "actual", "budget_ytd", "actual_ytd"]].sum()
        totals["variance"] = totals["actual"] - totals["budget"]
        totals["variance_pct"] = totals["variance"] / totals["budget"].where(totals["budget"] != 0)
        totals["variance_ytd"] = totals["actual_ytd"] - totals["budget_ytd"]
        totals["variance_ytd_pct"] = totals["variance_ytd"] / totals["budget_ytd"].where(totals["budget_ytd"] != 0)
        totals["month_name"] = totals["month"].dt.strftime("%B %Y")
        return totals

    def shown_spending(self) -> ShownTable | None:
        """:meth:`spending_year` as the report shows it (money, not counts of people), or None
        without spending."""
        year = self.spending_year()
        return None if year is None else shown_table(year, _SPENDING_COLUMNS)

    def shown_spending_by_team(self) -> ShownTable | None:
        """:meth:`spending_by_team` as the report shows it, or None without spending."""
        teams = self.spending_by_team()
        return None if teams is None else shown_table(teams, _SPENDING_TEAM_COLUMNS)

    def spending_by_team(self) -> pd.DataFrame | None:
        """Each shown team's spending in the financial year to date, most over budget first."""
        if self.monthly_spending is None or self.monthly_spending.empty:
            return None
        monthly = self.monthly_spending.loc[self.monthly_spending["team"].isin(self.shown_teams)]
        latest = monthly.sort_values("month").groupby("team").tail(1)
        return latest.sort_values("variance_ytd", ascending=False, kind="stable").reset_index(drop=True)

    def open_actions(self) -> pd.DataFrame:
        """The shown teams' actions open on the as-at date, most overdue first."""
        chosen = self.actions.loc[self.actions["team"].astype(str).isin(self.shown_teams)]
        return pf.actions_now(chosen, self.as_at)

    def actions_table(self, show_text: bool = False) -> pd.DataFrame:
        """The open actions as the report lists them: ``action`` (a salted pseudonym, the same in
        every report), ``team``, ``owner`` (a pseudonym), ``raised``, ``due``,
        ``status`` (overdue or open), ``days_overdue`` and, only with ``show_text``, the
        ``description``. No action id or owner's name."""
        open_now = self.open_actions()
        numbers = stable_pseudonyms(self.actions["action_id"], prefix="Action")
        table = pd.DataFrame({
            "action": open_now["action_id"].map(numbers),
            "team": open_now["team"].astype(str),
            "owner": open_now["owner"].map(self._owner_names),
            "raised": open_now["raised"],
            "due": open_now["due"],
            "status": open_now["overdue"].map({True: "Overdue", False: "Open"}),
            "days_overdue": open_now["days_overdue"].where(open_now["overdue"]),
        })
        # Not overdue is "not applicable" ([z]), not a missing figure ([x]).
        table["days_overdue_shown"] = [
            fmt_int(days) if overdue else NOT_APPLICABLE
            for days, overdue in zip(table["days_overdue"], open_now["overdue"])
        ]
        if show_text and "description" in open_now:
            table["description"] = open_now["description"]
        return table.reset_index(drop=True)

    def shown_actions(self, show_text: bool = False) -> ShownTable:
        """The open actions (:meth:`actions_table`) as the report lists them: pseudonyms, and the
        description only with ``show_text``."""
        return shown_table(self.actions_table(show_text=show_text), self._actions_columns(show_text))

    def _actions_columns(self, show_text: bool = False) -> dict[str, tuple[str, str]]:
        columns = {"action": ("Action", "text")}
        if self.service_wide:
            columns["team"] = ("Team", "text")
        columns.update({
            "owner": ("Owner", "text"), "raised": ("Raised", "date"), "due": ("Due", "date"),
            "status": ("Status", "text"), "days_overdue_shown": ("Days overdue", "figure"),
        })
        if show_text:
            columns["description"] = ("What was agreed", "text")
        return columns

    def main_measures(self) -> list[Measure]:
        """The measures the service-wide view shows team by team (``main`` in the table)."""
        return [m for m in self.measures_shown() if m.main]

    def summary_record(self) -> dict:
        """The figures and tables of the run's JSON summary, with what each of them is (which
        figures are counts), as ``record_summary`` takes them:
        ``record_summary(**performance.summary_record(), inputs=...)``."""
        return {
            "figures": self.figures(),
            "tables": {"matrix": self.summary_table()},
            "counts": ["open_items", "overdue_items", "due_next_28_days", "open_under_4_weeks",
                       "open_4_to_12_weeks", "open_over_12_weeks"],
        }

    def summary_table(self) -> pd.DataFrame:
        """The JSON summary's ``tables.matrix``: team, measure, label, latest value and period,
        variation, assurance and target. In a public report a latest count of 1 to
        ``suppress_below - 1`` is ``"[c]"``, as in the report's matrix."""
        table = self.matrix_table()[
            ["team", "measure", "label", "latest", "latest_period", "variation", "assurance", "target"]
        ]
        counts = table["measure"].map(lambda key: measure(key).unit == "count")
        hidden = counts & table["latest"].map(audience.hides)
        if hidden.any():
            table = table.astype({"latest": object})
            table.loc[hidden, "latest"] = SUPPRESSED
        return table

    def spending_behind(self) -> list[tuple[str, pd.Timestamp]]:
        """Shown teams whose spending stops before the latest month any shown team has, with
        that latest month: their spending is missing from the service totals for it."""
        if self.monthly_spending is None or self.monthly_spending.empty or not self.service_wide:
            return []
        monthly = self.monthly_spending.loc[self.monthly_spending["team"].isin(self.shown_teams)]
        last = monthly.groupby("team")["month"].max()
        latest = last.max()
        return [(team, latest) for team, month in last.items() if month < latest]


def _share(part: float | None, whole: float | None) -> float | None:
    return None if not whole else part / whole


def _float(value: object) -> float | None:
    return None if pd.isna(value) else float(value)
