"""Tests for :mod:`workbook_helpers.privacy.disclosure`: small-count suppression.

The safety of secondary suppression is checked by two attackers written here, independently of
the module: one subtracts along rows and columns, again and again, wherever a line has a single
unknown; the other solves the whole system of row and column equations exactly (fractions) and
reports every hidden cell the equations pin down. Both must come away with nothing.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook_helpers.privacy.disclosure import (
    SUPPRESSED,
    chart_gaps,
    gap_note,
    primary_mask,
    suppress_counts,
    suppress_rates,
    suppress_table,
    suppressed_text,
)
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import fmt_pct

# --------------------------------------------------------------------------------------------
# The attackers: they see only what a report shows (the values, with <NA> where hidden) and
# which row and column hold the totals.


def _lines(table: pd.DataFrame, total_row, total_column):
    """Each line with a total as (cells, total cell): cells add up to the total."""
    lines = []
    if total_column is not None:
        for row in table.index:
            lines.append(([(row, c) for c in table.columns if c != total_column], (row, total_column)))
    if total_row is not None:
        for column in table.columns:
            lines.append(([(r, column) for r in table.index if r != total_row], (total_row, column)))
    return lines


def subtraction_attack(table: pd.DataFrame, total_row=None, total_column=None) -> dict:
    """Recover hidden cells by subtraction: a line with one unknown gives it away; each cell
    recovered may open another line, so keep going until nothing more comes out."""
    known = {(r, c): int(table.at[r, c]) for r in table.index for c in table.columns
             if not pd.isna(table.at[r, c])}
    recovered = {}
    progress = True
    while progress:
        progress = False
        for cells, total in _lines(table, total_row, total_column):
            unknown = [cell for cell in [*cells, total] if cell not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == total:
                value = sum(known[c] for c in cells)
            else:
                value = known[total] - sum(known[c] for c in cells if c != cell)
            known[cell] = recovered[cell] = value
            progress = True
    return recovered


def linear_attack(table: pd.DataFrame, total_row=None, total_column=None) -> set:
    """Every hidden cell whose value the row and column equations fix, by any combination.

    Reduce the equations (unknowns on the left) to reduced row echelon form with exact
    fractions: an unknown is fixed exactly when some reduced equation mentions it alone."""
    hidden = [(r, c) for r in table.index for c in table.columns if pd.isna(table.at[r, c])]
    position = {cell: k for k, cell in enumerate(hidden)}
    equations = []
    for cells, total in _lines(table, total_row, total_column):
        row = [Fraction(0)] * len(hidden)
        for cell, sign in [*((c, 1) for c in cells), (total, -1)]:
            if cell in position:
                row[position[cell]] += sign
        if any(row):
            equations.append(row)
    pivot_row = 0
    for column in range(len(hidden)):
        found = next((k for k in range(pivot_row, len(equations)) if equations[k][column]), None)
        if found is None:
            continue
        equations[pivot_row], equations[found] = equations[found], equations[pivot_row]
        lead = equations[pivot_row][column]
        equations[pivot_row] = [x / lead for x in equations[pivot_row]]
        for k in range(len(equations)):
            if k != pivot_row and equations[k][column]:
                factor = equations[k][column]
                equations[k] = [x - factor * y for x, y in zip(equations[k], equations[pivot_row])]
        pivot_row += 1
    fixed = set()
    for equation in equations[:pivot_row]:
        mentioned = [k for k, x in enumerate(equation) if x]
        if len(mentioned) == 1:
            fixed.add(hidden[mentioned[0]])
    return fixed


def lines_with_one_hidden(result, total_row=None, total_column=None) -> list:
    """Lines that show a total and have exactly one hidden cell (there must be none)."""
    return [
        total for cells, total in _lines(result.mask, total_row, total_column)
        if sum(bool(result.mask.at[cell]) for cell in [*cells, total]) == 1
    ]


def assert_safe(result, total_row=None, total_column=None):
    assert lines_with_one_hidden(result, total_row, total_column) == []
    assert subtraction_attack(result.values, total_row, total_column) == {}
    assert linear_attack(result.values, total_row, total_column) == set()


def hidden_cells(result) -> set:
    mask = result.mask
    return {(r, c) for r in mask.index for c in mask.columns if mask.at[r, c]}


# --------------------------------------------------------------------------------------------
# The attackers work: on a table with only the small counts hidden, they get them back.


def test_the_attackers_recover_a_count_hidden_without_secondary_suppression():
    table = pd.DataFrame({"A": [2, 8, 10, 20], "B": [9, 6, 11, 26], "Total": [11, 14, 21, 46]},
                         index=["North", "South", "East", "Total"])
    shown = table.astype("Int64").mask(table < 5)  # primary only: North/A hidden
    assert subtraction_attack(shown, "Total", "Total") == {("North", "A"): 2}  # 11 - 9
    assert linear_attack(shown, "Total", "Total") == {("North", "A")}


def test_two_hidden_cells_per_line_is_not_enough_when_one_cell_joins_two_groups():
    # Two separate blocks of hidden cells (rows 1-2 x C1-C2, rows 3-4 x C3-C4) joined by one
    # hidden cell, R1/C3. Every line has two or more hidden cells, so subtraction along one line
    # gets nowhere, but (column C3 + column C4) - (row R3 + row R4) leaves R1/C3 alone:
    # C3: R1C3 + 50 + R3C3 + R4C3 = 53; C4: 50 + 50 + R3C4 + R4C4 = 102;
    # R3: 100 + R3C3 + R3C4 = 102; R4: 100 + R4C3 + R4C4 = 102
    # => R1C3 = (53 - 50) + (102 - 100) - (102 - 100) - (102 - 100) = 1.
    table = pd.DataFrame(
        {"C1": [1, 1, 50, 50], "C2": [1, 1, 50, 50], "C3": [1, 50, 1, 1], "C4": [50, 50, 1, 1]},
        index=["R1", "R2", "R3", "R4"],
    )
    full = table.assign(Total=table.sum(axis=1))
    full.loc["Total"] = full.sum()
    shown = full.astype("Int64").mask(full < 5)
    assert subtraction_attack(shown, "Total", "Total") == {}
    assert linear_attack(shown, "Total", "Total") == {("R1", "C3")}
    # suppress_table sees the link and hides one more count joining the two blocks: the first
    # of the smallest (all are 50), reading row by row, is R1/C4.
    result = suppress_table(table, row_totals=True, column_totals=True)
    primary = {(r, c) for r in full.index for c in full.columns if full.at[r, c] < 5}
    assert hidden_cells(result) == primary | {("R1", "C4")}
    assert_safe(result, "Total", "Total")


# --------------------------------------------------------------------------------------------
# Secondary suppression on tables worked by hand


def test_one_small_count_hides_the_smallest_in_its_row_and_then_in_each_column():
    table = pd.DataFrame({"A": [2, 8, 10], "B": [9, 6, 11], "C": [7, 12, 15]},
                         index=["North", "South", "East"])
    # With totals:      A   B   C | Total
    #           North   2*  9   7 |  18
    #           South   8   6  12 |  26
    #           East   10  11  15 |  36
    #           Total  20  26  34 |  80
    # Primary: North/A (2). Row North then has one hidden cell: hide its smallest other count,
    # C (7), not B (9). Columns: A has one hidden (2), so hide its smallest other, South (8);
    # C has one hidden (7): hide its smallest other, South (12). Row South now has two. Done.
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert hidden_cells(result) == {("North", "A"), ("North", "C"), ("South", "A"), ("South", "C")}
    assert result.values.loc["North"].tolist() == [pd.NA, 9, pd.NA, 18]
    assert result.values.loc["Total"].tolist() == [20, 26, 34, 80]
    assert result.notes == (
        "1 count of 1 to 4 is not shown, to protect privacy ([c]).",
        "3 more counts are not shown ([c]) so that the hidden counts cannot be worked out from "
        "the totals.",
    )
    assert_safe(result, "Total", "Total")


def test_a_hidden_count_in_a_row_can_leave_a_column_needing_another():
    table = pd.DataFrame({"A": [3, 15, 12], "B": [20, 9, 25], "C": [10, 8, 30]},
                         index=["North", "South", "East"])
    #                   A   B   C | Total
    #           North   3* 20  10 |  33
    #           South  15   9   8 |  32
    #           East   12  25  30 |  67
    #           Total  30  54  48 | 132
    # Primary: North/A. Rows: North hides C (10 < 20). Columns: A hides East (12 < 15);
    # C hides South (8 < 30). Second pass: South now has one hidden (C), so hides B (9);
    # East has one (A), so hides B (25 < 30). Column B has two then. Six in all, one loop:
    # North/A - East/A - East/B - South/B - South/C - North/C.
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert hidden_cells(result) == {
        ("North", "A"), ("North", "C"), ("South", "B"), ("South", "C"), ("East", "A"), ("East", "B"),
    }
    assert not result.mask["Total"].any() and not result.mask.loc["Total"].any()
    assert_safe(result, "Total", "Total")


def test_a_line_whose_other_counts_are_zero_hides_its_total():
    table = pd.DataFrame({"A": [2, 7], "B": [9, 0], "C": [6, 0]}, index=["r1", "r2"])
    #                A   B   C | Total
    #          r1    2*  9   6 |  17
    #          r2    7   0   0 |   7
    #          Total 9   9   6 |  24
    # Pass 1: row r1 hides C (6 < 9). Column A hides r2 (7); column C has one hidden and
    # only a zero besides, so its total (6) is hidden. Pass 2: row r2 has one hidden (A) and
    # only zeros besides: its total (7) is hidden. The Total row has one hidden (C): hide the
    # first of its smallest, A (9, before B's 9). The Total column has one (r2): hide r1's (17).
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert hidden_cells(result) == {
        ("r1", "A"), ("r1", "C"), ("r1", "Total"), ("r2", "A"), ("r2", "Total"),
        ("Total", "A"), ("Total", "C"),
    }
    assert result.values.at["r2", "B"] == 0  # zeros stay shown
    assert result.values.at["Total", "Total"] == 24
    assert_safe(result, "Total", "Total")


def test_a_line_with_only_the_hidden_count_and_its_total_hides_the_total():
    table = pd.DataFrame({"Phone": [3], "Letter": [8], "Visit": [9]}, index=["Referrals"])
    #                Phone Letter Visit | Total
    #   Referrals      3*     8     9   |  20
    #   Total          3*     8     9   |  20
    # Each column is one count and its total (the same number). Letter (8) is hidden in the
    # row, so Letter's total must be hidden too, or it would show the 8.
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert hidden_cells(result) == {
        ("Referrals", "Phone"), ("Total", "Phone"), ("Referrals", "Letter"), ("Total", "Letter"),
    }
    assert_safe(result, "Total", "Total")


def test_small_totals_are_hidden_too():
    table = pd.DataFrame({"A": [1, 20], "B": [2, 30]}, index=["x", "y"])
    #             A   B | Total
    #       x     1*  2*|  3*
    #       y    20  30 |  50
    #   Total    21  32 |  53
    # Row x is all hidden (its total, 3, is small too). Columns A, B and Total each have one
    # hidden cell, so each hides its other count in row y (20, 30 and 50).
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert result.mask.loc["x"].all()
    assert hidden_cells(result) == {
        ("x", "A"), ("x", "B"), ("x", "Total"), ("y", "A"), ("y", "B"), ("y", "Total"),
    }
    assert result.values.loc["Total"].tolist() == [21, 32, 53]
    assert_safe(result, "Total", "Total")


def test_totals_already_in_the_table_are_used_as_given():
    table = pd.DataFrame(
        {"A": [2, 8, 10], "B": [9, 6, 15], "All": [11, 14, 25]}, index=["North", "South", "All"]
    )
    #             A   B | All
    #   North     2*  9 |  11
    #   South     8   6 |  14
    #   All      10  15 |  25
    # North/A is hidden, so North hides its other count (9); column A hides South (8);
    # column B then has one hidden (9), so hides South's 6. The given totals stay shown.
    result = suppress_table(table, row_totals="All", column_totals="All")
    assert list(result.values.columns) == ["A", "B", "All"]
    assert hidden_cells(result) == {("North", "A"), ("North", "B"), ("South", "A"), ("South", "B")}
    assert_safe(result, "All", "All")


def test_row_totals_only_protects_each_row():
    table = pd.DataFrame({"A": [2, 8], "B": [9, 6], "C": [7, 1]}, index=["North", "South"])
    # No column totals, so columns say nothing: each row hides its small count and its smallest
    # other count. North: 2* and 7; South: 1* and 6.
    result = suppress_table(table, row_totals=True)
    assert list(result.values.index) == ["North", "South"]
    assert hidden_cells(result) == {("North", "A"), ("North", "C"), ("South", "C"), ("South", "B")}
    assert_safe(result, None, "Total")


def test_without_totals_only_small_counts_are_hidden():
    table = pd.DataFrame({"A": [2, 8], "B": [9, 6]}, index=["North", "South"])
    result = suppress_table(table)
    assert hidden_cells(result) == {("North", "A")}
    assert result.notes == ("1 count of 1 to 4 is not shown, to protect privacy ([c]).",)


def test_nothing_small_means_nothing_hidden():
    table = pd.DataFrame({"A": [12, 8], "B": [9, 0]}, index=["North", "South"])
    result = suppress_table(table, row_totals=True, column_totals=True)
    assert not result.mask.to_numpy().any()
    assert result.notes == ()
    assert result.values.loc["Total"].tolist() == [20, 9, 29]


def test_text_shows_the_gss_symbol():
    table = pd.DataFrame({"A": [2, 8, 10], "B": [9, 6, 11], "C": [7, 12, 1500]},
                         index=["North", "South", "East"])
    text = suppress_table(table, row_totals=True, column_totals=True).text()
    assert text.loc["North"].tolist() == ["[c]", "9", "[c]", "18"]
    assert text.at["East", "C"] == "1,500"
    assert SUPPRESSED == "[c]"


# --------------------------------------------------------------------------------------------
# Zeros and the threshold


def test_zero_is_shown_unless_asked_and_four_is_hidden_but_five_is_not():
    counts = pd.Series([0, 1, 4, 5, 6], index=list("abcde"), name="people")
    assert primary_mask(counts).tolist() == [False, True, True, False, False]
    assert primary_mask(counts, suppress_zero=True).tolist() == [True, True, True, False, False]
    assert primary_mask(counts, suppress_below=6).tolist() == [False, True, True, True, False]
    assert primary_mask(counts, suppress_below=2).tolist() == [False, True, False, False, False]
    assert primary_mask(counts).name == "people"


def test_zeros_hidden_on_request_take_part_in_secondary_suppression():
    table = pd.DataFrame({"A": [0, 8], "B": [9, 6]}, index=["North", "South"])
    # With suppress_zero, North/A (0) is hidden; North hides 9; column A hides 8; B then has two.
    result = suppress_table(table, row_totals=True, column_totals=True, suppress_zero=True)
    assert hidden_cells(result) == {("North", "A"), ("North", "B"), ("South", "A"), ("South", "B")}
    assert result.notes[0] == "1 count of 0 to 4 is not shown, to protect privacy ([c])."
    assert_safe(result, "Total", "Total")


def test_blank_counts_are_not_hidden_by_the_primary_rule():
    counts = pd.Series([np.nan, 3, 7])
    assert primary_mask(counts).tolist() == [False, True, False]


# --------------------------------------------------------------------------------------------
# Random small tables: nothing hidden can be recovered


@st.composite
def small_tables(draw):
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 4))
    count = st.one_of(st.integers(0, 6), st.integers(0, 40))  # plenty of small counts and zeros
    cells = draw(st.lists(st.lists(count, min_size=columns, max_size=columns),
                          min_size=rows, max_size=rows))
    table = pd.DataFrame(cells, index=[f"r{i}" for i in range(rows)],
                         columns=[f"c{j}" for j in range(columns)])
    return table, draw(st.booleans()), draw(st.booleans()), draw(st.booleans())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_no_hidden_count_in_a_random_table_can_be_recovered(case):
    table, row_totals, column_totals, suppress_zero = case
    result = suppress_table(
        table, row_totals=row_totals, column_totals=column_totals, suppress_zero=suppress_zero
    )
    total_row = "Total" if column_totals else None
    total_column = "Total" if row_totals else None
    assert_safe(result, total_row, total_column)
    # Every small count is hidden, and everything shown is the true count.
    full = table.copy()
    if row_totals:
        full["Total"] = full.sum(axis=1)
    if column_totals:
        full.loc["Total"] = full.sum()
    lowest = 0 if suppress_zero else 1
    assert (result.mask | ~((full >= lowest) & (full < 5))).to_numpy().all()
    shown = ~result.mask.to_numpy()
    assert (result.values.to_numpy()[shown] == full.to_numpy()[shown]).all()
    assert result.values.isna().equals(result.mask)


# --------------------------------------------------------------------------------------------
# Rates, simple tables and charts


def test_rates_resting_on_few_people_are_hidden():
    rates = pd.Series([0.5, 0.25, 0.1, np.nan], index=["North", "South", "East", "West"])
    denominators = pd.Series([2, 4, 5, 0], index=rates.index)
    # Out of 2 and 4: hidden. Out of 5: shown. Out of 0: not applicable, left as it is.
    result = suppress_rates(rates, denominators)
    assert result.mask.tolist() == [True, True, False, False]
    assert result.values.isna().tolist() == [True, True, False, True]
    assert result.text(fmt_pct).tolist() == ["[c]", "[c]", "10%", "[x]"]
    assert result.notes == (
        "2 rates are not shown ([c]): each rests on 1 to 4 people, who could be identified.",
    )


def test_a_rate_with_a_small_numerator_is_hidden_when_numerators_are_given():
    rates = pd.Series([0.02, 0.5])
    result = suppress_rates(rates, pd.Series([100, 40]), numerators=pd.Series([2, 20]))
    assert result.mask.tolist() == [True, False]  # 2% of 100 shown beside 100 would say "2 people"


def test_a_frame_of_rates_can_share_one_denominator_per_row():
    rates = pd.DataFrame({"seen": [0.5, 0.7], "closed": [0.25, 0.6]}, index=["North", "South"])
    result = suppress_rates(rates, pd.Series([4, 10], index=rates.index))
    assert result.mask.to_numpy().tolist() == [[True, True], [False, False]]
    with pytest.raises(ParameterError, match="denominators must have the same labels"):
        suppress_rates(rates, pd.Series([4, 10], index=["a", "b"]))


def test_simple_counts_with_a_label_column():
    frame = pd.DataFrame({"team": ["North", "South", "East"], "people": [3, 12, 0]})
    result = suppress_counts(frame, columns=["people"])
    assert result.mask["people"].tolist() == [True, False, False]
    assert not result.mask["team"].any()
    assert result.text()["people"].tolist() == ["[c]", "12", "0"]
    assert result.text()["team"].tolist() == ["North", "South", "East"]
    series = suppress_counts(pd.Series([1, 2, 30], name="n"))
    assert series.values.isna().tolist() == [True, True, False]
    assert series.notes == ("2 counts of 1 to 4 are not shown, to protect privacy ([c]).",)
    with pytest.raises(ParameterError, match="'staff'"):
        suppress_counts(frame, columns=["staff"])


def test_chart_gaps_and_the_note_under_the_chart():
    frame = pd.DataFrame({"week": [1, 2, 3, 4], "referrals": [12, 3, 0, 1]})
    gaps = chart_gaps(frame, "referrals")
    assert gaps["suppressed"].tolist() == [False, True, False, True]
    assert gaps["referrals"].isna().tolist() == [False, True, False, True]
    assert gaps["week"].tolist() == [1, 2, 3, 4]
    assert frame["referrals"].tolist() == [12, 3, 0, 1]  # the input is left alone
    assert gap_note(gaps["suppressed"].sum()) == (
        "2 values of 1 to 4 are not shown, to protect privacy ([c])."
    )
    assert gap_note(1) == "1 value of 1 to 4 is not shown, to protect privacy ([c])."
    assert gap_note(3, suppress_zero=True) == "3 values of 0 to 4 are not shown, to protect privacy ([c])."
    assert gap_note(0) == ""
    with pytest.raises(ParameterError, match="value_column='count'"):
        chart_gaps(frame, "count")


def test_suppressed_text():
    assert suppressed_text(3, True) == "[c]"
    assert suppressed_text(1234, False) == "1,234"
    assert suppressed_text(0.256, False, lambda v: fmt_pct(v, 1)) == "25.6%"


# --------------------------------------------------------------------------------------------
# Checks with messages for people


@pytest.mark.parametrize("bad", [1, 0, -5, 5.0, "5", True, None])
def test_the_threshold_must_be_a_whole_number_of_two_or_more(bad):
    with pytest.raises(ParameterError, match="suppress_below must be a whole number of 2 or more"):
        primary_mask(pd.Series([1, 2]), suppress_below=bad)
    with pytest.raises(ParameterError, match="suppress_table: suppress_below"):
        suppress_table(pd.DataFrame({"a": [1]}), suppress_below=bad)


def test_counts_must_be_whole_numbers_of_zero_or_more():
    table = pd.DataFrame({"A": [3, -1, 8], "B": [2.5, 4, "many"]}, index=["North", "South", "East"])
    with pytest.raises(ValueError) as caught:
        suppress_table(table, row_totals=True)
    message = str(caught.value)
    assert 'column "A": row South: -1' in message
    assert 'column "B": row North: 2.5; row East: \'many\'' in message
    with pytest.raises(ValueError, match=r'column "A": row x: \(blank\)'):
        suppress_table(pd.DataFrame({"A": [np.nan, 3]}, index=["x", "y"]))


def test_totals_must_be_where_they_are_said_to_be():
    table = pd.DataFrame({"A": [3, 8], "Total": [3, 8]}, index=["x", "y"])
    with pytest.raises(ParameterError, match="row_totals='All' names a column"):
        suppress_table(table, row_totals="All")
    with pytest.raises(ParameterError, match="already has a column named 'Total'"):
        suppress_table(table, row_totals=True)
    with pytest.raises(ParameterError, match="distinct labels"):
        suppress_table(pd.DataFrame([[1, 2], [3, 4]], index=["x", "x"]))
