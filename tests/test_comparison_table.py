"""Tests for :mod:`workbook_helpers.present.comparison_table`: the comparison table draws the
rows and the hidden cells it is given. Every expected figure is worked out by hand."""

from __future__ import annotations

import html
import re

import pandas as pd

from workbook_helpers.measures.comparison import compare_cohorts, comparison_direction
from workbook_helpers.present.comparison_table import comparison_table_html


def _cells(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def _draw(comparison, hidden, note=""):
    directions = [comparison_direction(record) for record in comparison.to_dict(orient="records")]
    return comparison_table_html(comparison, directions, hidden, note, before_label="usual way",
                                 after_label="new way", confidence=0.95)


def _nothing_hidden(comparison):
    return pd.DataFrame(False, index=comparison.index, columns=["n_before", "n_after", "before", "after", "change"])


def test_a_cohort_of_two_gives_the_two_values_and_no_change():
    table = pd.DataFrame({"cohort": ["before"] * 2 + ["after"] * 2, "referrals": [2, 2, 1, 1]})
    comparison = compare_cohorts(table, resamples=999)
    page = _draw(comparison, _nothing_hidden(comparison))
    # Means 2 and 1 of 2 cases each: no "down 50%", and no interval; the arrow is level.
    assert "too few cases to judge" in page and "50" not in re.sub(r"<[^>]+>", " ", page.split("<tbody>")[1])
    assert _cells(page) == [["Referrals per case", "2.0", "1.0", "[x]", "[x]", "▬ too few cases to judge", "2 / 2"]]
    # A note under the table says what [x] means (fewer than 10 cases in a cohort).
    assert page.endswith('<p class="sw-suppression-note">[x]: not available: no interval, as a cohort has '
                         'fewer than 10 cases (then no change is given either), or none could be worked out.</p>')


def test_the_cells_it_is_told_are_hidden_are_drawn_c_with_the_note_it_is_given():
    # 12 cases a cohort, referrals 2 then 1 per case: down 50%, every resample the same.
    table = pd.DataFrame({"cohort": ["before"] * 12 + ["after"] * 12, "referrals": [2] * 12 + [1] * 12})
    comparison = compare_cohorts(table, resamples=999)
    shown = _cells(_draw(comparison, _nothing_hidden(comparison)))[0]
    assert shown[:4] == ["Referrals per case", "2.0", "1.0", "down 50.0%"]
    hidden = _nothing_hidden(comparison)
    hidden.loc[0, ["n_after", "after", "change"]] = True
    page = _draw(comparison, hidden, "[c]: a count of 1 to 4, hidden to protect privacy.")
    assert _cells(page) == [["Referrals per case", "2.0", "[c]", "[c]", "[c]", "[c]", "12 / [c]"]]
    assert page.endswith('<p class="sw-suppression-note">[c]: a count of 1 to 4, hidden to protect privacy.</p>')
    # Its change and interval are hidden, not "not available": no [x] note.
    assert "[x]:" not in page
