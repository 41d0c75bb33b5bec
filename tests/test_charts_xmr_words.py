"""XmR charts in words (:mod:`workbook_helpers.present.charts.xmr_words`): the sentences that are
their text alternatives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook_helpers.present import charts


def test_describe_xmr_summary_the_example():
    summary = {"variation": "improvement_low", "assurance": "inconsistent", "value": 18.0, "mean": 21.0,
               "lpl": 15.0, "upl": 27.0, "target": 20.0}
    sentence = charts.describe_xmr_summary("Median days to complete", summary, "days",
                                           when=pd.Timestamp("2025-07-01"), monthly=True)
    assert sentence == (
        "Median days to complete: latest 18 (July 2025), average 21; improving (special-cause "
        "variation), and the target of 20 will be met and missed at random (hit and miss)."
    )


@pytest.mark.parametrize(
    ("summary", "unit", "when", "expected"),
    [
        ({"variation": "concern_high", "assurance": "consistent_fail", "value": 12300, "mean": 11000.4,
          "target": 10000},
         "pounds", pd.Timestamp("2024-04-01"),
         "Spending: latest £12,300 (1 April 2024), average £11,000; getting worse (special-cause "
         "variation), and the target of £10,000 will be missed consistently unless something changes."),
        ({"variation": "common_cause", "assurance": None, "value": 0.642, "mean": 0.61, "target": np.nan},
         "share", "Q1 2025",
         "Spending: latest 64% (Q1 2025), average 61%; no significant change (common-cause variation)."),
        ({"variation": "neutral_low", "assurance": None, "value": 5, "mean": 9, "target": 8},
         "count", None,
         "Spending: latest 5, average 9; unusually low (special-cause variation), and the target is 8."),
        ({"variation": "improvement_high", "assurance": "consistent_pass", "value": 0.95, "target": 0.9},
         "share", None,
         "Spending: latest 95%; improving (special-cause variation), and the target of 90% will be met "
         "consistently."),
        ({"variation": "common_cause", "points": 20, "special_cause_points": 0}, "count", None,
         "Spending: no significant change (common-cause variation)."),
        ({"variation": "no_variation", "assurance": "not_judged", "value": 0, "mean": 0.0667, "target": 2},
         "count", None,
         "Spending: latest 0, average 0; no variation to judge limits from, and the target of 2 "
         "cannot be judged without limits."),
    ],
)
def test_describe_xmr_summary(summary, unit, when, expected):
    assert charts.describe_xmr_summary("Spending", summary, unit, when=when) == expected


def test_describe_xmr_summary_refuses_unknown_icons():
    with pytest.raises(ValueError, match="consistent_pass"):
        charts.describe_xmr_summary("X", {"variation": "common_cause", "assurance": "yes", "target": 1})
