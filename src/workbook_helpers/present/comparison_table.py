"""The before/after comparison's table, the one directors remember: each measure, the two cohorts'
figures, the change, its interval, whether it is better or worse, and how many cases each row
rests on.

It draws what the comparison's view (:class:`workbook_helpers.workbooks.comparison.ComparisonView`)
gives it, with the cells the report hides already worked out; nothing is decided here.
"""

from __future__ import annotations

import html

import pandas as pd

from workbook_helpers.formatting import MISSING, esc, fmt_number, fmt_pct
from workbook_helpers.measures.comparison import MIN_CASES_FOR_INTERVAL
from workbook_helpers.measures.comparison_measures import TIME_TO_CLOSE
from workbook_helpers.measures.comparison_sentences import confidence_words
from workbook_helpers.present import palette
from workbook_helpers.present.notebook import SUPPRESSED_HTML
from workbook_helpers.present.story.comparison import VERDICT_WORDS

# The word and its colour say whether a change is better or worse; the arrow says which way the
# measure moved (up, down, or level), so colour is never the only cue.
_VERDICT_CLASSES = {
    "better": "sw-better",
    "worse": "sw-worse",
    "no clear change": "sw-unclear",
    "too few cases": "sw-unclear",
    "neutral": "sw-unclear",
}
_STYLE = (f"<style>.sw-better{{color:{palette.IMPROVEMENT_COLOUR}}}.sw-worse{{color:{palette.WORSE}}}"
          f".sw-unclear{{color:{palette.MUTED}}}</style>")


def comparison_table_html(
    comparison: pd.DataFrame, directions: list[str], hidden: pd.DataFrame, hidden_note: str = "", *,
    before_label: str, after_label: str, confidence: float, paired: bool = False,
) -> str:
    """The comparison table as HTML: measure, the two cohorts, the change, its interval, and an
    arrow whose shape and word (not only its colour) say whether the change is better or worse.

    Parameters
    ----------
    comparison:
        The rows of :func:`workbook_helpers.measures.comparison.compare_cohorts`.
    directions:
        Each row's direction (:func:`workbook_helpers.measures.comparison.comparison_direction`).
    hidden:
        Which figures of each row the report hides, row for row (the view's ``hidden()``:
        ``n_before``, ``n_after``, ``before``, ``after``, ``change``); they are drawn ``[c]``.
    hidden_note:
        What ``[c]`` means, for under the table ("" when nothing is hidden).
    before_label, after_label:
        The cohorts' names as the report gives them.
    confidence:
        The intervals' confidence level (0.95).
    paired:
        Whether the rows rest on matched pairs rather than cases.
    """
    level = f"{confidence_words(confidence)} interval"
    head = (
        f'<th scope="col">Measure</th><th scope="col" class=num>{esc(before_label).capitalize()}</th>'
        f'<th scope="col" class=num>{esc(after_label).capitalize()}</th>'
        f'<th scope="col" class=num>Change</th><th scope="col" class=num>{level}</th>'
        f'<th scope="col">Better or worse</th><th scope="col" class=num>{"Pairs" if paired else "Cases"}</th>'
    )

    def cell(text: str, hide: bool) -> str:
        return SUPPRESSED_HTML if hide else esc(text)

    rows, unavailable = [], False
    for (_, hide), record, direction in zip(hidden.iterrows(), comparison.to_dict(orient="records"), directions):
        change = _change(record["change"], record["change_kind"], direction)
        interval = _interval(record)
        unavailable |= not hide["change"] and MISSING in (change, interval)
        arrow = _arrow(record["change"]) if direction != "too few cases" else _arrow(None)
        verdict = (SUPPRESSED_HTML if hide["change"] else
                   f'<span class="{_VERDICT_CLASSES[direction]}" aria-hidden="true">{arrow}</span> '
                   f'{html.escape(VERDICT_WORDS[direction])}')
        sizes = " / ".join(cell(f"{int(record[n]):,}", bool(hide[n])) for n in ("n_before", "n_after"))
        rows.append(
            f'<tr><th scope="row">{esc(record["label"])}</th>'
            f'<td class=num>{cell(cohort_figure(record, "before"), hide["before"])}</td>'
            f'<td class=num>{cell(cohort_figure(record, "after"), hide["after"])}</td>'
            f'<td class=num>{cell(change, hide["change"])}</td>'
            f'<td class=num>{cell(interval, hide["change"])}</td>'
            f'<td>{verdict}</td>'
            f'<td class=num>{sizes}</td></tr>'
        )
    unit = "pair" if paired else "case"
    caption = (f"Per {unit}, {esc(before_label)} and {esc(after_label)}; the last column "
               f"gives how many {unit}s each row rests on (standard / new)")
    note = hidden_note
    if unavailable:
        note = (note + " " if note else "") + (
            "[x]: not available: no interval, as a cohort has fewer than "
            f"{MIN_CASES_FOR_INTERVAL} cases (then no change is given either), or none could be worked out.")
    return (f'{_STYLE}<table class="sw-table"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            + (f'<p class="sw-suppression-note">{html.escape(note)}</p>' if note else ""))


def cohort_figure(record: dict, which: str) -> str:
    """A cohort's figure as the table shows it: a share to one decimal place, a median of whole
    days in whole days, anything else to one decimal place."""
    value = record[which]
    if record["change_kind"] == "points":
        return fmt_pct(value, 1)
    return fmt_number(value, 0 if record["measure"] == TIME_TO_CLOSE else 1)


def _arrow(change) -> str:
    if change is None or change != change or change == 0:
        return "&#9644;"  # level
    return "&#9650;" if change > 0 else "&#9660;"


def _change(change: float, kind: str, direction: str = "") -> str:
    # Tables carry one decimal place (house style); the sentences round to whole numbers.
    # Under 10 cases in a cohort the table gives the two figures, not a change.
    if change is None or change != change or direction == "too few cases":
        return MISSING
    way = "down " if change < 0 else "up " if change > 0 else "no change"
    if kind == "percent":
        return way + (fmt_pct(abs(change), 1) if change else "")
    if kind == "points":
        return way + (f"{abs(change) * 100:.1f} points" if change else "")
    return f"{change:+,.1f}"


def _interval(record: dict) -> str:
    low, high = record["ci_low"], record["ci_high"]
    if low is None or high is None or low != low or high != high:
        return MISSING
    if record["change_kind"] == "percent":
        return f"{low * 100:+.1f}% to {high * 100:+.1f}%"
    if record["change_kind"] == "points":
        return f"{low * 100:+.1f} to {high * 100:+.1f} points"
    return f"{low:+,.1f} to {high:+,.1f}"
