"""Tests for :mod:`workbook_helpers.privacy.bounds`: what a hidden value may still say in words.
Every bound is worked out by hand."""

from __future__ import annotations

import pytest

from workbook_helpers.privacy.bounds import Bound, count_bound, share_bound


def test_a_hidden_count_is_fewer_than_the_threshold():
    assert count_bound(3).words() == "fewer than 5"
    assert count_bound(1, suppress_below=10).words() == "fewer than 10"
    assert count_bound(0) is None and count_bound(5) is None and count_bound(None) is None
    assert count_bound(4).as_json(5) == {"reason": "small count", "below": 5, "under": 5}


def test_a_hidden_share_is_bounded_by_what_its_denominator_allows():
    """Worked by hand, with k = 5:
    1 of 30 judged: the count 1 is hidden, so the share is under 5/30 = 16.67%: "under 17%".
    25 of 35: neither 25 nor the other 10 is small: shown.
    28 of 30: the other 2 are few, so the share is over 25/30 = 83.3%: "over 83%".
    2 of 4: so few judged that any share says what happened to each: no bound."""
    assert share_bound(1 / 30, 30).words(percent=True) == "under 17%"
    assert share_bound(1 / 30, 30).under == pytest.approx(5 / 30)
    assert share_bound(25 / 35, 35) is None
    assert share_bound(28 / 30, 30).words(percent=True) == "over 83%"
    small = share_bound(0.5, 4)
    assert small.words(percent=True) == "not shown" and small.reason == "small denominator"
    assert share_bound(0.1, 40, numerator=4).words(percent=True) == "under 13%"  # 5/40 = 12.5%
    assert share_bound(0.2, 20, suppress_below=10).words(percent=True) == "under 50%"
    assert share_bound(None, 30) is None and share_bound(float("nan"), 30) is None
    assert share_bound(0.5, None).reason == "denominator not known"


def test_a_bound_rounds_outwards_so_it_stays_true():
    assert Bound(under=0.1201).words(percent=True) == "under 13%"
    assert Bound(under=0.12).words(percent=True) == "under 12%"  # exactly 12%: no rounding up
    assert Bound(over=0.8399).words(percent=True) == "over 83%"
