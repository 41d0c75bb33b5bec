"""Tests for :mod:`workbook_helpers.privacy.shown`: tables and headline cards with the report's
audience applied once, by the view, before anything draws them. Expected cells and bounds are
worked out by hand (the drawing of these tables is tested in test_report_html)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.policy import using_policy
from workbook_helpers.privacy.shown import count_card, share_card, shown_table

TEAMS = pd.DataFrame({
    "team": ["North", "South", "Total"],
    "referred": [3, 8, 11],
    "assessed": [10, 9, 19],
    "people": [13, 17, 30],
    "note": ["a", "b", "c"],  # in the frame, not shown
})
COLUMNS = {
    "team": ("Team", "text"), "referred": ("Referred", "count"),
    "assessed": ("Assessed", "count"), "people": ("People", "count"),
}
TOTALS = {"row": "Total", "column": "people"}


def test_a_public_table_knows_which_of_its_shown_cells_are_hidden():
    # By hand: North's 3 referred is small; with its row and column totals, North's assessed
    # (10), South's referred (8) and South's assessed (9) go too, so none can be subtracted out.
    with using_policy("public"):
        table = shown_table(TEAMS, COLUMNS, totals=TOTALS)
    assert list(table.hidden.columns) == ["team", "referred", "assessed", "people"]  # not "note"
    assert table.hidden.to_dict("list") == {
        "team": [False] * 3, "referred": [True, True, False], "assessed": [True, True, False],
        "people": [False] * 3}
    assert table.note().startswith("[c]: a count of 1 to 4, hidden to protect privacy; some other counts")
    assert table.totals == TOTALS and len(table) == 3 and not table.empty


def test_the_organisations_table_hides_nothing():
    with using_policy("organisation"):
        table = shown_table(TEAMS, COLUMNS, totals=TOTALS)
    assert not table.hidden.to_numpy().any() and table.note() == ""


@pytest.mark.parametrize("totals, rates, words", [
    ({"row": "All"}, None, "exactly one row"),
    ({"column": "team"}, None, "must be one of the count columns"),
    ({"rows": "Total"}, None, "totals may say only"),
    (None, {"share": "people"}, "share column 'share' is not one of the columns the table shows"),
])
def test_mistaken_declarations_are_refused_for_every_audience(totals, rates, words):
    for audience in ("team", "organisation", "public"):
        with using_policy(audience), pytest.raises(ParameterError, match=words):
            shown_table(TEAMS, COLUMNS, totals=totals, rates=rates)


def test_a_column_to_show_must_be_in_the_frame_and_given_as_heading_and_kind():
    with pytest.raises(ParameterError, match="no column 'open' to show; it has 'team', 'referred'"):
        shown_table(TEAMS, {**COLUMNS, "open": ("Open", "count")})
    with pytest.raises(ParameterError, match=r"column 'referred' should be given as \(heading, kind\)"):
        shown_table(TEAMS, {**COLUMNS, "referred": "Referred"})
    with pytest.raises(ParameterError, match="must be a data frame; got list"):
        shown_table([1, 2], COLUMNS)


def test_counts_must_be_whole_numbers():
    with using_policy("public"), pytest.raises(ValueError, match="whole numbers"):
        shown_table(TEAMS.assign(referred=[3.5, 8, 11.5]), COLUMNS)


def test_a_count_card_carries_its_bound_and_why():
    with using_policy("public"):
        small, large, none = count_card("Open", 3), count_card("Open", 12), count_card("Waiting", 0)
    assert small.bound.words() == "fewer than 5" and small.why.startswith("A figure given as")
    assert large.bound is None and large.why == "" and none.bound is None  # 0 singles no one out
    assert small.checked and small.kind == "count"
    with using_policy("organisation"):
        assert count_card("Open", 3).bound is None


def test_a_share_card_carries_the_bound_its_denominator_allows():
    # 1 of 30: under 5/30 = 16.7%, said "under 17%"; 2 of 4: out of too few for any bound.
    with using_policy("public"):
        one_of_thirty, two_of_four = share_card("Returning", 1 / 30, 30), share_card("Closed", 0.5, 4)
    assert one_of_thirty.bound.words(percent=True) == "under 17%"
    assert two_of_four.bound.words(percent=True) == "not shown"


def test_a_count_already_hidden_as_c_is_not_shown():
    card = count_card("Demand", "[c]", "in 20 weeks")
    assert (card.value, card.kind, card.bound, card.checked) == ("not shown", "figure", None, True)
