"""Tests for :mod:`workbook_helpers.privacy.pseudonyms`: case and worker pseudonyms, numbered and salted."""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook_helpers.privacy import pseudonyms as privacy
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.pseudonyms import (
    CASE_CODE_CHARACTERS,
    WORKER_CODE_CHARACTERS,
    installation_salt,
    letters,
    pseudonyms,
    salt_path,
    stable_pseudonyms,
    stable_worker_pseudonyms,
    worker_pseudonyms,
)


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


# --------------------------------------------------------------------------------------------
# Salted pseudonyms, stable across reports

SALT = b"a test salt, not a secret"
OTHER_SALT = b"another test salt"
CASES = [f"K-{n:05d}" for n in range(10231, 10271)]  # 40 references in the style of a case system


@pytest.fixture(autouse=True)
def salt_in_tmp(tmp_path, monkeypatch):
    """No test may read or write the real salt of the machine running it."""
    path = tmp_path / "config" / "service-workbooks" / "salt"
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", str(path))
    return path


def expected_code(salt: bytes, message: str, length: int, alphabet: str) -> str:
    """The code worked out directly from the definition: HMAC-SHA256, read as a big-endian
    number, its digits in base len(alphabet), lowest first."""
    number = int.from_bytes(hmac.new(salt, message.encode(), hashlib.sha256).digest(), "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        digits.append(alphabet[digit])
    return "".join(digits)


def test_the_code_alphabets_leave_out_look_alikes():
    assert len(CASE_CODE_CHARACTERS) == 30 and len(set(CASE_CODE_CHARACTERS)) == 30
    assert not set("0O1ILU") & set(CASE_CODE_CHARACTERS)
    assert not set("AEIOUL0123456789") & set(WORKER_CODE_CHARACTERS)


def test_a_pseudonym_is_the_hmac_of_kind_and_identifier():
    mapping = stable_pseudonyms(["K-10231"], salt=SALT)
    code = expected_code(SALT, "Case\0K-10231", 4, CASE_CODE_CHARACTERS)
    assert mapping == {"K-10231": f"Case {code}"}
    # Pinned, so that a change to the derivation (which would change every pseudonym in every
    # installation, and break the match between this month's reports and last month's) fails here.
    assert mapping == {"K-10231": "Case 42CY"}
    workers = stable_worker_pseudonyms(["Jo Smith"], salt=SALT)
    letters_ = expected_code(SALT, "Worker\0Jo Smith", 2, WORKER_CODE_CHARACTERS)
    assert workers == {"Jo Smith": f"Worker {letters_}"} == {"Jo Smith": "Worker CB"}


def test_the_same_case_gets_the_same_pseudonym_in_every_report():
    first = stable_pseudonyms(CASES, salt=SALT)
    assert len(first) == 40
    assert all(re.fullmatch(r"Case [2-9A-HJKMNP-TV-Z]{4,}", label) for label in first.values())
    shuffled = CASES[:]
    random.Random(7).shuffle(shuffled)
    assert stable_pseudonyms(shuffled + CASES[:5], salt=SALT) == first  # order and repeats
    assert stable_pseudonyms(pd.Series(CASES), salt=SALT) == first
    # Next month's report has other cases besides: the cases in both keep their pseudonyms.
    next_month = stable_pseudonyms(CASES[20:] + [f"K-{n}" for n in range(20000, 20030)], salt=SALT)
    assert all(next_month[case] == first[case] for case in CASES[20:])


def test_different_salts_and_different_kinds_give_unrelated_codes():
    base = stable_pseudonyms(CASES, salt=SALT)
    other = stable_pseudonyms(CASES, salt=OTHER_SALT)
    assert sum(base[c] == other[c] for c in CASES) == 0  # 40 chances in 810,000 of any match
    people = stable_pseudonyms(CASES, prefix="Person", salt=SALT)
    assert sum(base[c][5:] == people[c][7:] for c in CASES) == 0  # case 17 and person 17 differ
    # The kind, not the prefix, decides the code: a new word keeps the codes when kind is kept.
    renamed = stable_pseudonyms(CASES, prefix="Referral", kind="Case", salt=SALT)
    assert all(renamed[c] == "Referral " + base[c][5:] for c in CASES)


def test_the_identifier_never_appears_in_its_pseudonym():
    ids = CASES + [str(n) for n in range(100000, 100050)] + ["Jo Smith", "Sam Patel", 4471, 20001]
    for identifier, label in stable_pseudonyms(ids, salt=SALT).items():
        assert str(identifier) not in label
    for identifier, label in stable_worker_pseudonyms(ids, salt=SALT).items():
        assert str(identifier) not in label


def test_a_code_that_would_begin_with_the_identifier_is_drawn_again():
    # Search for an identifier whose first-choice code of one character is itself (about 1 in
    # 30 identifiers that are one character of the alphabet).
    found = next(
        (kind, character)
        for kind in (f"kind{k}" for k in range(1000))
        for character in CASE_CODE_CHARACTERS
        if expected_code(SALT, f"{kind}\0{character}", 1, CASE_CODE_CHARACTERS) == character
    )
    kind, character = found
    label = stable_pseudonyms([character], salt=SALT, kind=kind, length=1)[character]
    # The next message, with a counter, that does not give the identifier back.
    redrawn = next(
        code for attempt in range(1, 100)
        if (code := expected_code(SALT, f"{kind}\0{character}\0{attempt}", 1, CASE_CODE_CHARACTERS))
        != character
    )
    assert label == f"Case {redrawn}"


def test_a_worker_code_never_spells_the_workers_initials():
    names = [f"{a}oe {b}ay" for a in WORKER_CODE_CHARACTERS for b in WORKER_CODE_CHARACTERS]
    # Under some kind, at least one of these 361 names has the first-choice code of its initials.
    kind, name = next(
        (kind, name)
        for kind in (f"kind{k}" for k in range(100))
        for name in names
        if expected_code(SALT, f"{kind}\0{name}", 2, WORKER_CODE_CHARACTERS) == name[0] + name[4]
    )
    label = stable_worker_pseudonyms([name], salt=SALT, kind=kind)[name]
    assert not label.removeprefix("Worker ").startswith(name[0] + name[4])


def test_colliding_codes_are_lengthened_for_those_identifiers_only():
    ids = [f"id{n}" for n in range(40)]  # 40 identifiers, 30 one-character codes: collisions
    mapping = stable_pseudonyms(ids, salt=SALT, length=1)
    codes = {i: label[5:] for i, label in mapping.items()}
    full = {i: expected_code(SALT, f"Case\0{i}", 40, CASE_CODE_CHARACTERS) for i in ids}
    first_choice = {i: full[i][0] for i in ids}
    shared = {i for i in ids if list(first_choice.values()).count(first_choice[i]) > 1}
    assert shared and len(shared) < len(ids)
    for i in ids:
        if i in shared:
            # One character longer than the longest start it shares with another identifier.
            longest_shared = max(len(os.path.commonprefix([full[i], full[j]])) for j in ids if j != i)
            assert codes[i] == full[i][: longest_shared + 1]
        else:
            assert codes[i] == first_choice[i]
    assert len(set(mapping.values())) == len(ids)
    # Independent of order; dropping an identifier that collided with no one changes nothing.
    assert stable_pseudonyms(ids[::-1], salt=SALT, length=1) == mapping
    loner = next(i for i in ids if i not in shared)
    without = stable_pseudonyms([i for i in ids if i != loner], salt=SALT, length=1)
    assert without == {i: label for i, label in mapping.items() if i != loner}


@given(st.lists(st.one_of(st.text(min_size=1, max_size=4), st.integers(-50, 50)), max_size=60))
def test_every_distinct_identifier_gets_its_own_salted_pseudonym(ids):
    mapping = stable_pseudonyms(ids, salt=SALT, length=1)  # short codes force collisions
    texts = {str(i) for i in ids if str(i).strip()}
    assert {str(i) for i in mapping} == texts
    by_text = {str(i): label for i, label in mapping.items()}
    assert len(set(by_text.values())) == len(by_text)
    workers = stable_worker_pseudonyms(ids, salt=SALT, length=1)
    assert len(set(workers.values())) == len({str(i) for i in workers})


def test_blank_identifiers_are_left_out_and_numbers_are_read_as_text():
    mapping = stable_pseudonyms(["K-1", None, np.nan, pd.NA, "", "  ", 1002], salt=SALT)
    assert list(mapping) == ["K-1", 1002]
    # A column of references with a blank is read as floats: 1002.0 is still case 1002.
    assert stable_pseudonyms(pd.Series([1002, None]), salt=SALT) == {1002.0: mapping[1002]}
    assert stable_pseudonyms(["1002"], salt=SALT) == {"1002": mapping[1002]}


def test_worker_pseudonyms_are_consonant_pairs_and_take_a_prefix():
    workers = ["Jo Smith", "Sam Patel", "Al Khan", "Jo Smith", None]
    mapping = stable_worker_pseudonyms(workers, salt=SALT)
    assert list(mapping) == ["Jo Smith", "Sam Patel", "Al Khan"]
    assert all(re.fullmatch(r"Worker [BCDFGHJKMNPQRSTVWXZ]{2,}", label) for label in mapping.values())
    owners = stable_worker_pseudonyms(workers, prefix="Owner", salt=SALT)
    assert all(label.startswith("Owner ") for label in owners.values())
    assert stable_worker_pseudonyms(workers[::-1], salt=SALT) == mapping


def test_bad_salts_and_lengths_are_refused():
    with pytest.raises(ParameterError, match="salt must be non-empty bytes"):
        stable_pseudonyms(["a"], salt=b"")
    with pytest.raises(ParameterError, match="salt must be non-empty bytes"):
        stable_pseudonyms(["a"], salt="text")
    with pytest.raises(ParameterError, match="length must be a whole number of 1 or more"):
        stable_pseudonyms(["a"], salt=SALT, length=0)


# The installation's salt


def test_the_salt_is_made_on_first_use_readable_by_its_owner_only(salt_in_tmp):
    assert salt_path() == salt_in_tmp
    assert not salt_in_tmp.exists()
    salt = installation_salt()
    assert len(salt) == 32
    assert salt_in_tmp.read_text() == salt.hex() + "\n"
    if os.name == "posix":
        assert stat.S_IMODE(salt_in_tmp.stat().st_mode) == 0o600
        assert stat.S_IMODE(salt_in_tmp.parent.stat().st_mode) == 0o700
    assert [p.name for p in salt_in_tmp.parent.iterdir()] == ["salt"]  # no temporary file left
    # Used again afterwards, unchanged, and by the pseudonyms when no salt is passed.
    modified = salt_in_tmp.stat().st_mtime_ns
    assert installation_salt() == salt
    assert salt_in_tmp.stat().st_mtime_ns == modified
    assert stable_pseudonyms(CASES) == stable_pseudonyms(CASES, salt=salt)
    assert stable_worker_pseudonyms(["Jo"]) == stable_worker_pseudonyms(["Jo"], salt=salt)


def test_a_salt_another_run_wrote_first_is_kept(salt_in_tmp):
    salt_in_tmp.parent.mkdir(parents=True)
    theirs = bytes(range(32))
    salt_in_tmp.write_text(theirs.hex() + "\n")
    # As if this run found no file, then another run wrote one before this one could.
    assert privacy._create_salt(salt_in_tmp) == theirs
    assert salt_in_tmp.read_text() == theirs.hex() + "\n"
    assert [p.name for p in salt_in_tmp.parent.iterdir()] == ["salt"]


def test_each_installation_makes_its_own_salt(salt_in_tmp, monkeypatch):
    first = installation_salt()
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", str(salt_in_tmp.with_name("other-salt")))
    assert installation_salt() != first
    assert stable_pseudonyms(CASES) != stable_pseudonyms(CASES, salt=first)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "is empty"), (b"  \n", "is empty"), (b"not a salt\n", "is damaged"),
     (b"ab" * 31 + b"\n", "is damaged"), (b"\xff\xfe" * 40, "is damaged")],
)
def test_an_empty_or_damaged_salt_is_a_clear_error(salt_in_tmp, content, problem):
    salt_in_tmp.parent.mkdir(parents=True)
    salt_in_tmp.write_bytes(content)
    with pytest.raises(ParameterError, match=problem) as caught:
        installation_salt()
    assert str(salt_in_tmp) in str(caught.value)
    assert "restore it from a backup" in str(caught.value)
    assert salt_in_tmp.read_bytes() == content  # never replaced behind the user's back
    with pytest.raises(ParameterError, match=problem):
        stable_pseudonyms(["K-1"])


def test_an_unreadable_salt_is_a_clear_error(salt_in_tmp):
    salt_in_tmp.mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(ParameterError, match="cannot be read") as caught:
        installation_salt()
    assert str(salt_in_tmp) in str(caught.value)


def test_a_salt_this_user_may_not_read_is_a_clear_error(salt_in_tmp, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ParameterError, match=r"cannot be read \(Permission denied\)"):
        installation_salt()


def test_a_folder_that_exists_keeps_its_permissions(salt_in_tmp):
    salt_in_tmp.parent.mkdir(parents=True, mode=0o755)
    salt_in_tmp.parent.chmod(0o755)
    installation_salt()
    assert stat.S_IMODE(salt_in_tmp.parent.stat().st_mode) == 0o755  # not ours to change
    assert stat.S_IMODE(salt_in_tmp.stat().st_mode) == 0o600


def test_a_missing_salt_is_an_error_when_it_may_not_be_made(salt_in_tmp):
    with pytest.raises(ParameterError, match="no pseudonym salt"):
        installation_salt(create=False)
    assert not salt_in_tmp.exists()


def test_where_the_salt_lives(monkeypatch, tmp_path):
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", "~/secrets/salt")
    assert salt_path() == Path.home() / "secrets" / "salt"
    monkeypatch.setenv("SERVICE_WORKBOOKS_SALT_FILE", "salt")
    with pytest.raises(ParameterError, match="relative path"):
        salt_path()
    monkeypatch.delenv("SERVICE_WORKBOOKS_SALT_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert salt_path() == tmp_path / "xdg" / "service-workbooks" / "salt"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")  # as the XDG specification says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert salt_path() == tmp_path / "home" / ".config" / "service-workbooks" / "salt"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert salt_path() == tmp_path / "home" / ".config" / "service-workbooks" / "salt"
