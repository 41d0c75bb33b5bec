"""Interactive controls for JupyterLab: pick a service, a channel and a date range, and the main
charts redraw. Used only when a workbook runs interactively; reports show the static charts."""

from __future__ import annotations

import pandas as pd

from . import charts, demand as dm, spc


def demand_explorer(log: pd.DataFrame, period: dm.Period):
    """A widget with service, channel and date-range controls over the demand study's charts."""
    import ipywidgets as widgets
    from IPython.display import display

    services = ["all", *sorted(log["service"].dropna().astype(str).unique())]
    channels = ["all", *sorted(log["channel"].dropna().astype(str).unique())]
    weeks = list(pd.date_range(period.start, period.end, freq="7D"))
    service = widgets.Dropdown(options=services, value="all", description="Service")
    channel = widgets.Dropdown(options=channels, value="all", description="Channel")
    dates = widgets.SelectionRangeSlider(
        options=[(f"{w.day} {w:%b %Y}", w) for w in weeks] or [("all", period.start)],
        index=(0, max(len(weeks) - 1, 0)),
        description="Weeks",
        layout=widgets.Layout(width="40rem"),
    )
    output = widgets.Output()

    def redraw(*_):
        output.clear_output(wait=True)
        with output:
            try:
                start, end = dates.value
                chosen, chosen_period = dm.select_demand(
                    log, service=service.value, channel=channel.value,
                    period_start=start, period_end=end + pd.Timedelta(days=6),
                )
            except Exception as error:  # a selection with no rows: say so, keep the controls
                print(error)
                return
            display(charts.value_failure_bars(
                dm.value_failure_by(chosen, "channel"), "channel",
                "Value and failure demand by channel", "Demand by channel for the selection.",
            ))
            display(charts.pareto_chart(
                dm.failure_types(chosen), "failure_type",
                "Failure demand by type", "Failure types, largest first, for the selection.",
            ))
            weekly = dm.weekly_demand(chosen, chosen_period).dropna(subset=["failure_share"])
            if len(weekly) >= 2:
                points = spc.xmr(weekly["failure_share"], dates=weekly["week_start"], improvement="decrease")
                display(charts.xmr_chart(
                    points, "Failure demand share, week by week", "Weekly failure share for the selection.",
                    "Failure share", percent=True,
                ))

    for control in (service, channel, dates):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([service, channel]), dates, output])
