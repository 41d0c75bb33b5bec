"""Tests for :mod:`workbook_helpers.privacy`: case and worker pseudonyms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy import letters, pseudonyms, worker_pseudonyms


def test_case_pseudonyms_follow_first_appearance_and_ignore_repeats():
    assert pseudonyms(["K-7", "K-2", "K-7", "K-9"]) == {
        "K-7": "Case 01", "K-2": "Case 02", "K-9": "Case 03",
    }


@pytest.mark.parametrize(
    ("count", "first", "last"),
    [
        (1, "Case 01", "Case 01"),
        (9, "Case 01", "Case 09"),  # at least two digits, so "Case 09" sorts before "Case 10"
        (10, "Case 01", "Case 10"),
        (99, "Case 01", "Case 99"),
        (100, "Case 001", "Case 100"),  # padded to the width of the count
        (1234, "Case 0001", "Case 1234"),
    ],
)
def test_numbers_are_zero_padded_to_the_width_of_the_count(count, first, last):
    labels = list(pseudonyms([f"id{i}" for i in range(count)]).values())
    assert labels[0] == first and labels[-1] == last
    assert labels == sorted(labels)  # padding makes text order the numbering order


def test_order_numbers_by_each_identifiers_smallest_key():
    ids = ["a", "b", "c", "a", "d"]
    dates = pd.to_datetime(["2024-04-09", "2024-04-03", "2024-04-05", "2024-04-01", "2024-04-03"])
    # a: smallest 1 April; b and d: 3 April (b first seen first); c: 5 April
    assert pseudonyms(ids, order=dates) == {"a": "Case 01", "b": "Case 02", "d": "Case 03", "c": "Case 04"}


def test_identifiers_whose_keys_are_all_blank_come_last():
    ids = ["x", "y", "z"]
    assert pseudonyms(ids, order=[None, 2, 1]) == {"z": "Case 01", "y": "Case 02", "x": "Case 03"}


def test_order_must_match_the_identifiers():
    with pytest.raises(ParameterError, match="order has 2 entries but ids has 3"):
        pseudonyms(["a", "b", "c"], order=[1, 2])


def test_prefix_and_blank_identifiers():
    assert pseudonyms(["p", None, "q", np.nan], prefix="Person") == {"p": "Person 01", "q": "Person 02"}
    assert pseudonyms(["p", "q"], prefix="") == {"p": "01", "q": "02"}


def test_pseudonyms_are_deterministic_whatever_the_container():
    ids = ["K-3", "K-1", "K-2", "K-1"]
    expected = pseudonyms(ids)
    assert pseudonyms(ids) == expected
    assert pseudonyms(pd.Series(ids, dtype="str")) == expected
    assert pseudonyms(np.array(ids, dtype=object)) == expected
    assert pseudonyms(pd.Index(ids)) == expected
    assert pseudonyms(iter(ids)) == expected


def test_numeric_identifiers_keep_their_type_as_keys():
    assert pseudonyms([1002, 1001, 1002]) == {1002: "Case 01", 1001: "Case 02"}


@given(st.lists(st.text(min_size=1, max_size=4), max_size=60))
def test_every_distinct_identifier_gets_its_own_pseudonym(ids):
    mapping = pseudonyms(ids)
    assert set(mapping) == set(ids)
    assert len(set(mapping.values())) == len(mapping)  # no two identifiers share a label


def test_worker_letters_in_order_of_first_appearance():
    assert worker_pseudonyms(["sam", "jo", "sam", None, "al"]) == {
        "sam": "Worker A", "jo": "Worker B", "al": "Worker C",
    }


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "A"), (26, "Z"), (27, "AA"), (28, "AB"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA")],
)
def test_letters_run_as_spreadsheet_columns(number, text):
    assert letters(number) == text


def test_letters_need_a_positive_number():
    with pytest.raises(ParameterError, match="1 or more"):
        letters(0)


def test_after_worker_z_comes_worker_aa():
    labels = list(worker_pseudonyms([f"w{i}" for i in range(30)]).values())
    assert labels[:2] == ["Worker A", "Worker B"]
    assert labels[25:28] == ["Worker Z", "Worker AA", "Worker AB"]
    assert len(set(labels)) == 30


def test_worker_pseudonyms_are_deterministic_and_take_a_prefix():
    workers = pd.Series(["x", "y", "x"], dtype="str")
    assert worker_pseudonyms(workers) == worker_pseudonyms(list(workers))
    assert worker_pseudonyms(workers, prefix="Practitioner") == {"x": "Practitioner A", "y": "Practitioner B"}
