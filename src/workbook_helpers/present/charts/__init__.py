"""Charts: one theme, and builders that take tidy, already-aggregated frames and return Altair charts.

Builders never aggregate raw rows: what they are given is what the report carries, which keeps
reports small and makes every chart traceable to a table. Each chart has a title and a
one-sentence ``description`` (its text alternative, read out by screen readers and printed under
the chart in the report).

Colours are the Okabe-Ito colour-blind-safe palette; colour is never the only cue (special-cause
points also differ in shape, and bars are labelled).

Charts never decide what to hide, and never read the report's policy: bar charts of counts take
what the audience layer (:func:`workbook_helpers.privacy.chart_counts.protect_chart_counts`) made of
their frame, with gaps and the sentence saying how many values are not shown; XmR charts are left as they are (see
:mod:`workbook_helpers.privacy.policy`).

The builders live in modules by concern, and are all importable from here
(``from workbook_helpers.present import charts; charts.xmr_chart(...)``):

- :mod:`~workbook_helpers.present.charts.theme`: the theme and renderer, switched on when this
  package is imported;
- :mod:`~workbook_helpers.present.charts.bars`: bar charts of counts (demand, Pareto, ranked,
  stacked);
- :mod:`~workbook_helpers.present.charts.xmr`, :mod:`~workbook_helpers.present.charts.xmr_icons`,
  :mod:`~workbook_helpers.present.charts.xmr_words`: XmR charts, with their icons and small
  multiples, and in words;
- :mod:`~workbook_helpers.present.charts.cases`: case review charts and the handoff map;
- :mod:`~workbook_helpers.present.charts.comparison`: before-and-after charts.
"""

from __future__ import annotations

from workbook_helpers.present.charts.bars import pareto_chart, ranked_bars, stacked_bars, value_failure_bars
from workbook_helpers.present.charts.cases import case_distributions, handoff_map, journey_timeline
from workbook_helpers.present.charts.comparison import (
    change_at_a_glance, describe_time_to_close, estimation_chart, slope_chart, time_to_close_chart,
)
from workbook_helpers.present.charts.theme import use_theme
from workbook_helpers.present.charts.xmr import xmr_chart, xmr_panels
from workbook_helpers.present.charts.xmr_icons import small_multiples, xmr_with_icons
from workbook_helpers.present.charts.xmr_words import (
    describe_annotations, describe_rebase, describe_xmr, describe_xmr_summary,
)
# The colours a workbook passes to stacked_bars for value, failure and other parts.
from workbook_helpers.present.palette import FAILURE_COLOUR, UNCLASSIFIED_COLOUR, VALUE_COLOUR

__all__ = [
    "value_failure_bars", "pareto_chart", "ranked_bars", "stacked_bars",
    "xmr_chart", "xmr_panels", "xmr_with_icons", "small_multiples",
    "describe_xmr", "describe_xmr_summary", "describe_rebase", "describe_annotations",
    "case_distributions", "journey_timeline", "handoff_map",
    "estimation_chart", "slope_chart", "time_to_close_chart", "describe_time_to_close", "change_at_a_glance",
    "use_theme", "VALUE_COLOUR", "FAILURE_COLOUR", "UNCLASSIFIED_COLOUR",
]

use_theme()
