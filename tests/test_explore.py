"""The JupyterLab explorer: its charts follow the selection, its controls offer the data's
services, channels and weeks, it draws without capturing output, and it is offered only when a
person is at the front end (a real kernel tells by the request's allow_stdin)."""

import pandas as pd
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import SAMPLE
from workbook_helpers.measures import demand as dm
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.workbooks.explore import demand_explorer, explorer_charts, interactive_front_end
from workbook_helpers.data.loading import load_demand


@pytest.fixture(scope="module")
def log():
    return load_demand(SAMPLE)


def _values(chart) -> list[dict]:
    """The rows the chart's first layer draws (Altair may move them into named datasets); takes a
    chart or the Vega-Lite spec a front end receives."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    data = spec.get("layer", [spec])[0].get("data") or spec["data"]
    return spec["datasets"][data["name"]] if "name" in data else data["values"]


def test_charts_follow_the_selected_service_and_channel(log):
    shown = explorer_charts(log, service="Council tax", channel="letter")
    by_channel = _values(shown[0])
    # Only Council tax letters are left: one channel, and its count is the rows that match.
    expected = int(((log["service"] == "Council tax") & (log["channel"] == "letter")).sum())
    assert {row["channel"] for row in by_channel} == {"letter"}
    assert sum(row["count"] for row in by_channel) == expected


@pytest.mark.filterwarnings("ignore:Only 8 points")
def test_week_range_limits_the_weekly_chart(log):
    shown = explorer_charts(log, first_week="2024-04-08", last_week="2024-05-27")
    weekly = _values(shown[2])
    weeks = [row["x"] for row in weekly]
    assert weeks[0] == "2024-04-08" and weeks[-1] == "2024-05-27" and len(weeks) == 8


def test_empty_selection_is_a_clear_error(log):
    with pytest.raises(ParameterError, match='No rows for service "Libraries"'):
        explorer_charts(log, service="Libraries")


def test_controls_offer_the_data_services_channels_and_weeks(log):
    _, period = dm.select_demand(log)
    box = demand_explorer(log, period)
    (service, channel), weeks = box.children[0].children, box.children[1]
    assert service.options == ("all", "Adult social care front door", "Council tax", "Housing repairs")
    assert "e-mail" in channel.options and channel.options[0] == "all"
    mondays = [value for _, value in weeks.options]
    assert mondays[0] == pd.Timestamp("2024-04-01") and mondays[-1] == pd.Timestamp("2024-08-12")
    assert weeks.value == (mondays[0], mondays[-1])


def test_case_picker_offers_every_case_and_narrows_by_cohort():
    from conftest import ROOT
    from workbook_helpers.workbooks.case_review import CaseReview
    from workbook_helpers.workbooks.explore import case_explorer
    from workbook_helpers.data.loading import load_cases, load_events

    events = load_events(ROOT / "data" / "sample" / "events.csv")
    review = CaseReview.build(events, load_cases(ROOT / "data" / "sample" / "cases.csv"))
    box = case_explorer(review)
    (cohort, team), case = box.children[0].children, box.children[1]
    assert cohort.options == ("all", "before", "after")
    # Every case the review covers: the 64 closed (the 3 still open are left out by default).
    assert len(case.options) == 64 and case.options[0] == review.measures["case"].iloc[0]
    cohort.value = "after"  # the picker now offers the 32 after cases only
    after = set(review.measures.loc[review.measures["cohort"] == "after", "case"])
    assert len(case.options) == 32 and set(case.options) == after
    assert case.value == case.options[0]


def test_comparison_explorer_switches_between_mean_and_median():
    import pandas as pd

    from workbook_helpers.measures.comparison import compare_cohorts
    from workbook_helpers.workbooks.comparison import ComparisonView
    from workbook_helpers.workbooks.explore import comparison_explorer

    # Before: 1, 2, 9 visits (mean 4, median 2); after: 1, 1, 4 (mean 2, median 1).
    table = pd.DataFrame({"case_id": list("abcdef"), "cohort": ["before"] * 3 + ["after"] * 3,
                          "assessments": [1.0, 2.0, 9.0, 1.0, 1.0, 4.0]})
    comparison = compare_cohorts(table, measures=["assessments"], resamples=199)
    view = ComparisonView(table, comparison, "cohort", "before", "after", "standard way", "new way", 0.95)
    assert view.statistics_table(["assessments"], "mean").frame[["before", "after"]].values.tolist() == [[4.0, 2.0]]
    assert view.statistics_table(["assessments"], "median").frame[["before", "after"]].values.tolist() == [[2.0, 1.0]]
    box = comparison_explorer(view)
    chooser, statistic = box.children[0], box.children[1]
    assert chooser.value == ("assessments",) and statistic.value == "mean"


VEGALITE = "application/vnd.vegalite.v6+json"


def _drawn(box) -> list[dict]:
    """What the explorer's Output widget (its last child) holds, as the front end receives it."""
    return list(box.children[-1].outputs)


def test_explorer_draws_its_charts_as_widget_state_not_by_capture(log):
    # The charts must be in the Output widget's state itself: a capture (`with output:`) during
    # a cell is what made plain papermill runs hang (issue 19), and outside a kernel it would
    # leave the widget empty.
    _, period = dm.select_demand(log)
    box = demand_explorer(log, period)
    drawn = _drawn(box)
    assert [o["output_type"] for o in drawn] == ["display_data"] * 3
    assert all(VEGALITE in o["data"] for o in drawn)
    assert sum(row["count"] for row in _values(drawn[0]["data"][VEGALITE])) == len(log)
    # Each chart also as a picture drawn in the kernel, which JupyterLab shows with no network.
    assert all(o["data"]["text/html"].startswith('<img class="sw-chart" src="data:image/svg+xml;base64,')
               for o in drawn)


def test_explorer_redraws_for_a_new_selection_and_says_when_it_is_empty(log):
    _, period = dm.select_demand(log)
    box = demand_explorer(log, period)
    (service, channel), weeks = box.children[0].children, box.children[1]
    channel.value = "letter"
    assert {row["channel"] for row in _values(_drawn(box)[0]["data"][VEGALITE])} == {"letter"}
    # The adult social care front door had no letters in the week of 22 April 2024.
    service.value = "Adult social care front door"
    week = pd.Timestamp("2024-04-22")
    weeks.value = (week, week)
    (said,) = _drawn(box)
    assert said["output_type"] == "stream"
    assert said["text"].startswith("No demand falls in the period asked for (22 April 2024 to 28 April 2024)")
    assert box.children[0].children[0].value == "Adult social care front door"  # controls kept


def test_no_person_at_a_front_end_outside_a_kernel():
    assert interactive_front_end() is False


@pytest.fixture(scope="module")
def kernel():
    """A real IPython kernel (this Python), and a client to it."""
    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str, allow_stdin: bool) -> str:
    """Execute code as a front end would, saying whether a person can answer; its printed text."""
    printed = []
    reply = client.execute_interactive(
        code, allow_stdin=allow_stdin, timeout=60,
        output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        stdin_hook=lambda msg: pytest.fail("the kernel asked for input"),
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(printed).strip()


CHECK = "from workbook_helpers.workbooks.explore import interactive_front_end; print(interactive_front_end())"


def test_a_front_end_with_a_person_at_it_gets_the_controls(kernel):
    # JupyterLab sends allow_stdin true with every cell it runs.
    assert _run(kernel, CHECK, allow_stdin=True) == "True"


def test_papermill_and_nbval_runs_get_no_controls(kernel):
    # nbclient (under papermill and nbconvert) and nbval send allow_stdin false: no one can answer.
    assert _run(kernel, CHECK, allow_stdin=False) == "False"
    # ...and the answer follows each request, not whichever client came first.
    assert _run(kernel, CHECK, allow_stdin=True) == "True"
