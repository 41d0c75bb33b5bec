"""The handoff map and the directly-follows table (workbook_helpers.measures.handoffs): worked by hand on
four cases and three organisations, checked against the handoffs per case of the case measures on
the sample, and protected for a published report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from case_logs import NA, ev, make_events
from workbook_helpers.measures import handoffs as h
from workbook_helpers.privacy import audience
from workbook_helpers.workbooks import handoffs as hv
from workbook_helpers.measures.cases import case_measures
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.policy import using_policy

# Four cases, three organisations (Council, NHS, Housing); dates are days of April 2024.
#
# A (before): assessment w1 Council (1st), referral w1 Council (2nd), visit w2 NHS (3rd), call w3
#   Housing (3rd, the same day, listed after the visit), closure w1 Council (5th): handoffs
#   Council -> NHS, NHS -> Housing (same-day events in file order), Housing -> Council = 3.
# B (before) never leaves the Council: w1, w4, w4, w1: handoffs w1 -> w4 and w4 -> w1, both
#   within the Council = 2.
# C (after): on the 2nd an NHS assessment by w2 (row 11) and a Council referral by w5 (row 12),
#   given to the frame the other way round: file order puts the assessment first, so NHS ->
#   Council; then a Housing visit with no worker recorded (skipped) and a Council call by w5 (the
#   same worker as the last known one: no handoff) = 1.
# D (after): call w6 Housing, visit w6 Housing, referral w2 NHS, closure w6 Housing: Housing ->
#   NHS, NHS -> Housing = 2.
#
# Before: 5 handoffs over 2 cases, 2.5 per case (A 3, B 2): Council -> NHS 0.5, NHS -> Housing
# 0.5, Housing -> Council 0.5, within the Council 1.0.
# After: 3 handoffs over 2 cases, 1.5 per case (C 1, D 2): NHS -> Council 0.5, Housing -> NHS
# 0.5, NHS -> Housing 0.5.
ROWS = [
    (2, ev("A", 1, "assessment", "w1", 1, False, "Council", cohort="before")),
    (3, ev("A", 2, "referral", "w1", 1, False, "Council", cohort="before")),
    (4, ev("A", 3, "visit", "w2", 1, True, "NHS", cohort="before")),
    (5, ev("A", 3, "call", "w3", 1, False, "Housing", cohort="before")),
    (6, ev("A", 5, "closure", "w1", 1, False, "Council", cohort="before")),
    (7, ev("B", 1, "assessment", "w1", 1, False, "Council", cohort="before")),
    (8, ev("B", 4, "visit", "w4", 1, True, "Council", cohort="before")),
    (9, ev("B", 6, "admin", "w4", 1, False, "Council", cohort="before")),
    (10, ev("B", 8, "closure", "w1", 1, False, "Council", cohort="before")),
    (12, ev("C", 2, "referral", "w5", 1, False, "Council", cohort="after")),
    (11, ev("C", 2, "assessment", "w2", 1, True, "NHS", cohort="after")),
    (13, ev("C", 3, "visit", NA, 1, True, "Housing", cohort="after")),
    (14, ev("C", 4, "call", "w5", 1, False, "Council", cohort="after")),
    (15, ev("D", 1, "call", "w6", 1, False, "Housing", cohort="after")),
    (16, ev("D", 2, "visit", "w6", 1, True, "Housing", cohort="after")),
    (17, ev("D", 3, "referral", "w2", 1, False, "NHS", cohort="after")),
    (18, ev("D", 4, "closure", "w6", 1, False, "Housing", cohort="after")),
]


@pytest.fixture
def events():
    return make_events([row for _, row in ROWS], index=[number for number, _ in ROWS])


@pytest.fixture
def cases(events):
    return case_measures(events)


def cell(pairs, group, source, target, column="per_case"):
    row = pairs[(pairs["group"] == group) & (pairs["from_organisation"] == source)
                & (pairs["to_organisation"] == target)]
    assert len(row) == 1
    return row[column].iloc[0]


def test_handoffs_by_hand(events, cases):
    pairs = h.handoff_pairs(events, cases, "cohort", order=["before", "after"])
    # Organisations by the handoffs they give or take: Council 7, NHS 5, Housing 4.
    assert list(dict.fromkeys(pairs["from_organisation"])) == ["Council", "NHS", "Housing"]
    assert len(pairs) == 2 * 3 * 3  # every pair, zeros included, for both cohorts
    expected = {
        ("before", "Council", "NHS"): 0.5, ("before", "NHS", "Housing"): 0.5,
        ("before", "Housing", "Council"): 0.5, ("before", "Council", "Council"): 1.0,
        ("after", "NHS", "Council"): 0.5, ("after", "Housing", "NHS"): 0.5, ("after", "NHS", "Housing"): 0.5,
    }
    for (group, source, target), per_case in expected.items():
        assert cell(pairs, group, source, target) == per_case
    others = pairs[[(g, a, b) not in expected for g, a, b in
                    zip(pairs["group"], pairs["from_organisation"], pairs["to_organisation"])]]
    assert (others["handoffs"] == 0).all()
    assert set(pairs["cases"]) == {2}
    assert pairs.loc[pairs["within"], "to_organisation"].tolist() == pairs.loc[pairs["within"], "from_organisation"].tolist()
    # The cells of each cohort add up to its handoffs per case, as the case measures count them.
    by_cohort = pairs.groupby("group")["per_case"].sum()
    assert by_cohort["before"] == 2.5 and by_cohort["after"] == 1.5
    assert cases.set_index("case_id")["handoffs"].to_dict() == {"A": 3, "B": 2, "C": 1, "D": 2}


def test_one_group_and_labels(events, cases):
    pairs = h.handoff_pairs(events, cases, group=None)
    assert set(pairs["group"]) == {h.ALL_CASES} and set(pairs["cases"]) == {4}
    assert pairs["per_case"].sum() == 8 / 4
    named = h.handoff_pairs(events, cases, "cohort", order=["before", "after"],
                            labels={"before": "standard way", "after": "new way"})
    assert list(dict.fromkeys(named["group"])) == ["standard way", "new way"]
    # Only the cases given count: the after cohort alone.
    after = h.handoff_pairs(events, cases[cases["cohort"] == "after"], "cohort", order=["after"])
    assert after["handoffs"].sum() == 3 and set(after["cases"]) == {2}


def test_the_sentence_names_the_busiest_pair_and_the_busiest_between_organisations(events, cases):
    pairs = h.handoff_pairs(events, cases, "cohort", order=["before", "after"],
                            labels={"before": "before cohort", "after": "after cohort"})
    # Over both cohorts: within the Council 2 and NHS -> Housing 2 handoffs; the tie goes by name.
    assert hv.handoff_sentence(pairs) == (
        "Most handoffs were within Council: 1.0 per case in the before cohort and 0.0 in the after "
        "cohort. Between organisations, most were from NHS to Housing: 0.5 per case in the before "
        "cohort and 0.5 in the after cohort. In all, 2.5 handoffs per case in the before cohort and "
        "1.5 handoffs per case in the after cohort."
    )


def test_directly_follows_by_hand(events, cases):
    # Journey order: A assessment, referral, visit, call, closure; B assessment, visit, admin,
    # closure; C assessment, referral, visit, call; D call, visit, referral, closure: 13 steps.
    # assessment -> referral (A, C), referral -> visit (A, C) and visit -> call (A, C) twice
    # each, every other pair once.
    follows = h.directly_follows(events, cases, "cohort", order=["before", "after"], top=3)
    assert list(zip(follows["from_activity"], follows["to_activity"]))[::2] == [
        ("assessment", "referral"), ("referral", "visit"), ("visit", "call")]
    assert follows["transitions"].tolist() == [1, 1, 1, 1, 1, 1]
    assert follows["per_case"].tolist() == [0.5] * 6
    assert follows.attrs["shown_share"] == pytest.approx(6 / 13)
    assert follows.attrs["pairs"] == 10
    with pytest.raises(ParameterError, match="top must be a whole number"):
        h.directly_follows(events, cases, top=0)


def test_without_an_organisation_column_there_is_no_map(events, cases):
    with pytest.raises(ParameterError, match="no organisation column"):
        h.handoff_pairs(events.drop(columns="organisation"), cases)
    assert hv.HandoffView.build(events.drop(columns="organisation"), cases) is None


def test_a_published_map_hides_small_cells_and_what_would_give_them_away(events, cases):
    pairs = h.handoff_pairs(events, cases, "cohort", order=["before", "after"])
    # Two cases a cohort, fewer than 5: no cell of either is shown.
    assert audience.protect_handoffs(pairs, 5).all()
    assert not audience.protect_handoffs(pairs, 5, publishing=False).any()
    # With a threshold of 2 (cohorts of 2 cases may show), every single handoff is hidden, and no
    # row or column has exactly one hidden figure among its cells and its total (a total of 1 is
    # itself too small to give): none can be worked out by subtraction.
    hidden = audience.protect_handoffs(pairs, 2)
    assert hidden[pairs["handoffs"] == 1].all()
    assert not hidden[pairs["handoffs"] == 0].all()
    for group, rows in pairs.assign(hidden=hidden).groupby("group"):
        grid = rows.pivot(index="from_organisation", columns="to_organisation", values="hidden")
        counts = rows.pivot(index="from_organisation", columns="to_organisation", values="handoffs")
        for axis in (0, 1):
            for hidden_in_line, total in zip(grid.sum(axis=axis), counts.sum(axis=axis)):
                assert hidden_in_line + (total == 1) != 1, group


def test_the_view_draws_what_the_policy_allows(events, cases):
    with using_policy("internal", 5):
        view = hv.HandoffView.build(events, cases, "cohort", order=["before", "after"])
        frame = view.map_frame()
        assert not frame["suppressed"].any() and frame["per_case"].sum() == 4.0
        spec = view.chart().to_dict()
    drawn = [row for rows in spec["datasets"].values() for row in rows]
    assert sum(row["per_case"] for row in drawn) == 4.0
    assert {row["group"] for row in drawn} == {"before", "after"}
    assert "Most handoffs were within Council" in spec["description"]
    with using_policy("publish", 5):
        view = hv.HandoffView.build(events, cases, "cohort", order=["before", "after"])
        assert view.map_frame()["per_case"].isna().all()
        spec = view.chart().to_dict()
        assert "18 of the cells are not shown ([c])" in spec["description"]
        assert all(row["label"] == "[c]" for rows in spec["datasets"].values() for row in rows)
        table = view.follows_table()
        assert (table[["before", "after"]] == "[c]").all().all()


def test_on_the_sample_each_cohorts_cells_add_up_to_its_handoffs_per_case():
    from conftest import ROOT
    from workbook_helpers.data.loading import load_cases, load_events

    events = load_events(ROOT / "data" / "sample" / "events.csv")
    measures = case_measures(events, load_cases(ROOT / "data" / "sample" / "cases.csv"))
    for chosen in (measures, measures[~measures["open"]]):
        pairs = h.handoff_pairs(events, chosen, "cohort", order=["before", "after"])
        expected = chosen.groupby("cohort", observed=True)["handoffs"].mean()
        for cohort in ("before", "after"):
            assert pairs.loc[pairs["group"] == cohort, "per_case"].sum() == pytest.approx(expected[cohort])
            assert pairs.loc[pairs["group"] == cohort, "handoffs"].sum() == \
                chosen.loc[chosen["cohort"] == cohort, "handoffs"].sum()
