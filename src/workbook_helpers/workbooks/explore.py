"""Interactive controls for JupyterLab: pick a service, a channel and a range of weeks, and the
main charts redraw. Used only when a workbook runs interactively (``interactive = True``) with a
person at a front end (:func:`interactive_front_end`); a run for a report switches it off, runs
with no one at the controls (papermill, nbval) skip it, and reports show the static charts."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.present import charts

from workbook_helpers.measures import demand as dm
from workbook_helpers.privacy import chart_counts

from workbook_helpers.spc import xmr as spc


def interactive_front_end() -> bool:
    """Whether the cell now running was sent by a front end with a person at it, who can see
    these controls and change them: JupyterLab, say, rather than papermill or nbval.

    The controls are live widgets. They need a front end that draws them and sends a person's
    changes back to the kernel, and a run with no one there gains nothing from them: papermill,
    ``jupyter nbconvert --execute`` and anything else built on nbclient, nbval (``make test``),
    and ``workbook run`` and ``workbook batch`` (through papermill).

    How it tells: Jupyter's messaging protocol has one field in which a client says whether a
    person can answer the kernel, ``allow_stdin`` in every ``execute_request``. JupyterLab and
    Notebook 7 send it true (as do other front ends where a cell may ask for ``input()``);
    nbclient and nbval send it false, as no one is there to answer, and ipykernel then refuses
    ``input()`` in those runs. The controls need a person just as ``input()`` does, so this reads
    the same field, from the request the kernel is executing (``Kernel.get_parent()``). Nothing
    about the machine (environment variables, which program started the kernel) is consulted: a
    papermill run started from a notebook in JupyterLab inherits the lab's environment, yet still
    has no one at its controls.

    Returns False outside a Jupyter kernel (plain Python, pytest, terminal IPython) and when
    called other than from a cell being executed (from a widget's callback, say).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None or not hasattr(kernel, "get_parent"):
        return False
    request = kernel.get_parent("shell") or {}
    if request.get("header", {}).get("msg_type") != "execute_request":
        return False
    return request.get("content", {}).get("allow_stdin") is True


def _show_in(output, *shown) -> None:
    """Make an Output widget show ``shown`` (charts, HTML, or text as printed) instead of what it
    showed before.

    The outputs are set as the widget's state (as ``Output.append_display_data`` does), never
    captured with ``with output:``. A capture while a cell runs makes a client that stands in for
    the Output widget (nbclient's, under papermill) send each captured output back to the kernel
    on the shell channel while it waits there for the cell's reply; jupyter_client sends it
    through a plain socket that can swallow the wake-up for a reply already arrived, and the run
    waits for good (issue 19). JupyterLab draws the state the same as a capture.
    """
    from IPython import get_ipython
    from IPython.core.formatters import DisplayFormatter

    formatter = getattr(get_ipython(), "display_formatter", None) or DisplayFormatter()
    outputs = []
    for item in shown:
        if isinstance(item, str):
            outputs.append({"output_type": "stream", "name": "stdout", "text": f"{item}\n"})
        else:
            data, metadata = formatter.format(item)
            outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
    output.outputs = tuple(outputs)


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
            chart_counts.protect_value_failure(dm.value_failure_by(chosen, "channel")), "channel",
            "Value and failure demand by channel", "Demand by channel for the selection.",
        ),
        charts.pareto_chart(
            chart_counts.protect_chart_counts(dm.failure_types(chosen), ["demand"], row_total=False, column_total=True),
            "failure_type",
            "Failure demand by type", "Failure types, largest first, for the selection.",
        ),
    ]
    weekly = dm.weekly_demand(chosen, period)  # a week with no classified demand is a gap
    if weekly["failure_share"].notna().sum() >= spc.MIN_POINTS:
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
        first, last = weeks.value
        try:
            shown = explorer_charts(log, service.value, channel.value, first, last)
        except Exception as error:  # an empty selection: say so and keep the controls
            shown = [str(error)]
        _show_in(output, *shown)

    for control in (service, channel, weeks):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([service, channel]), weeks, output])


def case_explorer(review):
    """A widget for JupyterLab: pick a cohort, a team and a case, and see that case's journey and
    measures. Takes a :class:`workbook_helpers.workbooks.case_review.CaseReview`."""
    import ipywidgets as widgets
    from IPython.display import HTML

    from workbook_helpers.present.notebook import table_html

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
            _show_in(output)

    def redraw(*_):
        if case.value is None:
            _show_in(output)
            return
        _show_in(
            output,
            HTML(table_html(review.shown_case(case.value), f"{case.value}: its measures")),
            charts.journey_timeline(
                review.timeline([case.value]), review.spans([case.value]),
                f"The journey of {case.value}", f"Timeline of every activity on {case.value}.",
            ),
        )

    cohort.observe(narrow, names="value")
    team.observe(narrow, names="value")
    case.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([cohort, team]), case, output])


def comparison_explorer(view):
    """A widget for JupyterLab: choose the measures shown and switch between mean and median.
    Takes a :class:`workbook_helpers.workbooks.comparison.ComparisonView`."""
    import ipywidgets as widgets
    from IPython.display import HTML

    from workbook_helpers.present.notebook import table_html

    available = [m for m in view.comparison["measure"] if m in view.table.columns]
    labels = dict(zip(view.comparison["measure"], view.comparison["label"]))
    chooser = widgets.SelectMultiple(options=[(labels[m], m) for m in available], value=tuple(available[:3]),
                                     description="Measures", rows=min(len(available), 8),
                                     layout=widgets.Layout(width="36rem"))
    statistic = widgets.ToggleButtons(options=[("Mean", "mean"), ("Median", "median")], value="mean",
                                      description="Per case")
    output = widgets.Output()

    def redraw(*_):
        chosen = list(chooser.value)
        if not chosen:
            _show_in(output, "Choose one or more measures.")
            return
        table = HTML(table_html(view.statistics_table(chosen, statistic.value), f"{statistic.label} per case"))
        _show_in(output, table, *view.estimation_charts(chosen))

    chooser.observe(redraw, names="value")
    statistic.observe(redraw, names="value")
    redraw()
    return widgets.VBox([chooser, statistic, output])


def performance_chart(performance, team: str, key: str):
    """One team's XmR chart for measure ``key`` with its variation and assurance icons and a
    sentence saying what it shows, or None when the team has no chart for it. Takes a
    :class:`workbook_helpers.workbooks.team_performance.TeamPerformance`."""
    from workbook_helpers.data.performance_measures import measure

    found = performance.chart(team, key)
    if found is None:
        return None
    points, summary = found
    m = measure(key)
    return charts.xmr_with_icons(
        points, summary, m.label,
        charts.describe_xmr_summary(m.label, summary, m.unit, monthly=performance.period == "month"),
        m.label,
        unit=m.unit, x_title=performance.x_title, annotations=performance.annotations_for(team),
    )


def performance_explorer(performance):
    """A widget for JupyterLab: pick a team and a measure and see its XmR chart with its icons.
    Takes a :class:`workbook_helpers.workbooks.team_performance.TeamPerformance`."""
    import ipywidgets as widgets

    measures = performance.measures_shown()
    team = widgets.Dropdown(options=performance.shown_teams, description="Team")
    chosen = widgets.Dropdown(options=[(m.label, m.key) for m in measures],
                              value=measures[0].key if measures else None, description="Measure",
                              layout=widgets.Layout(width="32rem"))
    output = widgets.Output()

    def redraw(*_):
        chart = performance_chart(performance, team.value, chosen.value)
        if chart is None:
            _show_in(output, f"{team.value} has too few points to chart this measure.")
        else:
            _show_in(output, chart)

    team.observe(redraw, names="value")
    chosen.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([team, chosen]), output])
