"""Charts of a before-and-after comparison (:mod:`workbook_helpers.present.charts.comparison`)."""

from __future__ import annotations

import json

import pandas as pd

from chart_specs import layers
from workbook_helpers.present import charts


def test_time_to_close_chart_steps_dashes_and_medians():
    from workbook_helpers.report.chart_tables import chart_data_tables
    from workbook_helpers.privacy.policy import using_policy
    from workbook_helpers.measures.time_to_close import drawable, time_to_close

    # before: closes on days 10, 20 and 30 (median 20); after: 5, 15 and one still open on day 40.
    durations = pd.DataFrame({"days": [10, 20, 30, 5, 15, 40], "closed": [True] * 5 + [False]})
    groups = pd.Series(["before"] * 3 + ["after"] * 3)
    curve, summary = time_to_close(durations, groups, order=["before", "after"])
    line, marks, medians = drawable(curve, summary, each_case=True)
    description = charts.describe_time_to_close(summary)
    assert description.startswith(
        "Step chart of the share of cases still open by days since opening, for the before cohort "
        "(median 20 days, none still open) and the after cohort (median 15 days, 1 case still open).")
    spec = charts.time_to_close_chart(line, marks, medians, ["before", "after"], "Time to close", description).to_dict()
    drawn = layers(spec)
    lines = [layer for layer in drawn if (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == "line"]
    assert lines[0]["mark"]["interpolate"] == "step-after"
    # Colour is not the only cue: the cohorts differ in dash too.
    assert lines[0]["encoding"]["strokeDash"]["field"] == "group"
    assert lines[0]["encoding"]["y"]["axis"]["format"] == ".0%"
    labels = json.dumps(spec)
    assert "median 20 days" in labels and "median 15 days" in labels
    # The data behind the chart: the curve, the crosses and the medians, each once.
    tables = chart_data_tables(spec, "Time to close")
    assert tables.count("<table") == 3
    with using_policy("publish", 5):
        # 3 cases per cohort: fewer than 5 at risk from the start, so nothing is drawn but day 0 is
        # not either; the description says why.
        curve, summary = time_to_close(durations, groups, order=["before", "after"], min_at_risk=5)
        line, marks, medians = drawable(curve, summary, each_case=False)
        assert line.empty and marks is None and medians.empty
        assert "The curves stop where fewer than 5 cases" in charts.describe_time_to_close(summary, hidden_below=5)
