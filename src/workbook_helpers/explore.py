"""Interactive controls for JupyterLab: pick a service, a channel and a range of weeks, and the
main charts redraw. Used only when a workbook runs interactively (``interactive = True``); a run
for a report switches it off, and reports show the static charts."""

from __future__ import annotations

import pandas as pd

from . import charts, demand as dm, spc


def explorer_charts(
    log: pd.DataFrame, service: str = "all", channel: str = "all",
    first_week: object = None, last_week: object = None,
) -> list:
    """The explorer's charts for one selection: demand by channel, failure types, and the weekly
    failure share on an XmR chart (when there are at least two complete weeks).

    ``first_week`` and ``last_week`` are the Mondays of the first and last weeks to include.
    Raises :class:`~workbook_helpers.exceptions.ParameterError` when the selection is empty.
    """
    end = pd.Timestamp(last_week) + pd.Timedelta(days=6) if last_week is not None else None
    chosen, period = dm.select_demand(
        log, service=service, channel=channel, period_start=first_week, period_end=end
    )
    shown = [
        charts.value_failure_bars(
            dm.value_failure_by(chosen, "channel"), "channel",
            "Value and failure demand by channel", "Demand by channel for the selection.",
        ),
        charts.pareto_chart(
            dm.failure_types(chosen), "failure_type",
            "Failure demand by type", "Failure types, largest first, for the selection.",
        ),
    ]
    weekly = dm.weekly_demand(chosen, period).dropna(subset=["failure_share"])
    if len(weekly) >= 2:
        points = spc.xmr(weekly["failure_share"], dates=weekly["week_start"], improvement="decrease")
        shown.append(charts.xmr_chart(
            points, "Failure demand share, week by week",
            charts.describe_xmr(points, "Weekly failure demand share", percent=True),
            "Failure demand share", percent=True,
        ))
    return shown


def demand_explorer(log: pd.DataFrame, period: dm.Period):
    """A widget: service, channel and week-range controls over :func:`explorer_charts`."""
    import ipywidgets as widgets
    from IPython.display import display

    services = ["all", *sorted(log["service"].dropna().astype(str).unique())]
    channels = ["all", *sorted(log["channel"].dropna().astype(str).unique())]
    mondays = list(pd.date_range(period.start - pd.Timedelta(days=period.start.weekday()),
                                 period.end, freq="7D"))
    service = widgets.Dropdown(options=services, value="all", description="Service")
    channel = widgets.Dropdown(options=channels, value="all", description="Channel")
    weeks = widgets.SelectionRangeSlider(
        options=[(f"{w.day} {w:%b %Y}", w) for w in mondays],
        index=(0, len(mondays) - 1),
        description="Weeks",
        layout=widgets.Layout(width="40rem"),
    )
    output = widgets.Output()

    def redraw(*_):
        output.clear_output(wait=True)
        with output:
            first, last = weeks.value
            try:
                shown = explorer_charts(log, service.value, channel.value, first, last)
            except Exception as error:  # an empty selection: say so and keep the controls
                print(error)
                return
            for chart in shown:
                display(chart)

    for control in (service, channel, weeks):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([service, channel]), weeks, output])


def case_explorer(review):
    """A widget for JupyterLab: pick a cohort, a team and a case, and see that case's journey and
    measures. Takes a :class:`workbook_helpers.case_review.CaseReview`."""
    import ipywidgets as widgets
    from IPython.display import HTML, display

    from .notebook import table_html

    measures = review.measures
    cohorts = ["all", *review.cohorts] if "cohort" in measures.columns else ["all"]
    # Teams by name, the whole service as None, so a team called "All" is a team like any other.
    names = sorted(measures["team"].dropna().astype(str).unique()) if "team" in measures.columns else []
    teams = [("All teams", None), *((name, name) for name in names)]
    cohort = widgets.Dropdown(options=cohorts, value="all", description="Cohort")
    team = widgets.Dropdown(options=teams, value=None, description="Team")
    case = widgets.Dropdown(options=list(measures["case"]), description="Case")
    output = widgets.Output()

    def narrow(*_):
        keep = pd.Series(True, index=measures.index)
        if cohort.value != "all":
            keep &= measures["cohort"].astype(str) == cohort.value
        if team.value is not None:
            keep &= measures["team"].astype(str) == team.value
        options = list(measures.loc[keep, "case"])
        case.options = options
        if options:
            case.value = options[0]
        else:
            output.clear_output()

    def redraw(*_):
        output.clear_output(wait=True)
        if case.value is None:
            return
        with output:
            display(HTML(table_html(review.case_detail(case.value), review.case_table_columns(),
                                    f"{case.value}: its measures")))
            display(charts.journey_timeline(
                review.timeline([case.value]), review.spans([case.value]),
                f"The journey of {case.value}", f"Timeline of every activity on {case.value}.",
            ))

    cohort.observe(narrow, names="value")
    team.observe(narrow, names="value")
    case.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([cohort, team]), case, output])


def comparison_table(view, measures: list[str], statistic: str = "mean") -> pd.DataFrame:
    """Each chosen measure's per-case ``statistic`` ("mean" or "median") in both cohorts, from the
    cases' own values (shares here are each case's own, not pooled)."""
    rows = []
    for measure in measures:
        label = view.comparison.set_index("measure").loc[measure, "label"]
        values = view.case_values(measure)
        summary = values.groupby("group")["value"].agg(statistic)
        rows.append({"label": label,
                     "before": summary.get(view.before_label), "after": summary.get(view.after_label)})
    return pd.DataFrame(rows, columns=["label", "before", "after"])


def comparison_explorer(view):
    """A widget for JupyterLab: choose the measures shown and switch between mean and median.
    Takes a :class:`workbook_helpers.comparison_view.ComparisonView`."""
    import ipywidgets as widgets
    from IPython.display import HTML, display

    from .notebook import table_html

    available = [m for m in view.comparison["measure"] if m in view.table.columns]
    labels = dict(zip(view.comparison["measure"], view.comparison["label"]))
    chooser = widgets.SelectMultiple(options=[(labels[m], m) for m in available], value=tuple(available[:3]),
                                     description="Measures", rows=min(len(available), 8),
                                     layout=widgets.Layout(width="36rem"))
    statistic = widgets.ToggleButtons(options=[("Mean", "mean"), ("Median", "median")], value="mean",
                                      description="Per case")
    output = widgets.Output()

    def redraw(*_):
        output.clear_output(wait=True)
        with output:
            chosen = list(chooser.value)
            if not chosen:
                print("Choose one or more measures.")
                return
            display(HTML(table_html(
                comparison_table(view, chosen, statistic.value),
                {"label": ("Measure", "text"), "before": (view.before_label.capitalize(), "number"),
                 "after": (view.after_label.capitalize(), "number")},
                f"{statistic.label} per case",
            )))
            for chart in view.estimation_charts(chosen):
                display(chart)

    chooser.observe(redraw, names="value")
    statistic.observe(redraw, names="value")
    redraw()
    return widgets.VBox([chooser, statistic, output])


def performance_chart(performance, team: str, key: str):
    """One team's XmR chart for measure ``key`` with its variation and assurance icons and a
    sentence saying what it shows, or None when the team has no chart for it. Takes a
    :class:`workbook_helpers.team_performance.TeamPerformance`."""
    from .performance_measures import measure

    found = performance.chart(team, key)
    if found is None:
        return None
    points, summary = found
    m = measure(key)
    return charts.xmr_with_icons(
        points, summary, m.label,
        charts.describe_xmr_summary(m.label, summary, m.unit, monthly=performance.period == "month"),
        m.label,
        unit=m.unit, x_title=performance.x_title,
    )


def performance_explorer(performance):
    """A widget for JupyterLab: pick a team and a measure and see its XmR chart with its icons.
    Takes a :class:`workbook_helpers.team_performance.TeamPerformance`."""
    import ipywidgets as widgets
    from IPython.display import display

    measures = performance.measures_shown()
    team = widgets.Dropdown(options=performance.shown_teams, description="Team")
    chosen = widgets.Dropdown(options=[(m.label, m.key) for m in measures],
                              value=measures[0].key if measures else None, description="Measure",
                              layout=widgets.Layout(width="32rem"))
    output = widgets.Output()

    def redraw(*_):
        output.clear_output(wait=True)
        with output:
            chart = performance_chart(performance, team.value, chosen.value)
            if chart is None:
                print(f"{team.value} has too few points to chart this measure.")
            else:
                display(chart)

    team.observe(redraw, names="value")
    chosen.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([team, chosen]), output])
