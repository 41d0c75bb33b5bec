"""Tests of the activity map (:mod:`workbook_helpers.data.activities`): the built-in map, a team's
own map on top of it, broken maps named in the error, and names in neither map counted as
``other`` with a warning. Case-events files are built with the helpers of
``test_loading_cases.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_loading_cases import events_file, raised, write
from workbook_helpers.data.activities import activity_key, default_activity_map, read_activity_map
from workbook_helpers.data.contracts import ACTIVITY_KINDS
from workbook_helpers.data.loading import load_events

KINDS = "one of: assessment, referral, visit, call, meeting, review, admin, closure, other"


# --- malformed: activity maps ---------------------------------------------------------------------


def test_unknown_kind_in_a_user_activity_map(tmp_path: Path) -> None:
    data = events_file(tmp_path, {})
    activity_map = write(
        tmp_path, "Home visit: vist\nStrategy chat: discussion\nOT assessment: Assessment\n",
        "activities.yaml",
    )
    error = raised(load_events, data, activity_map=activity_map)
    assert error.path == str(activity_map)
    assert [(p.message, p.expected) for p in error.problems] == [
        ('"Home visit" is mapped to "vist", which is not an activity kind. Did you mean "visit"?',
         KINDS),
        ('"Strategy chat" is mapped to "discussion", which is not an activity kind.', KINDS),
    ]
    assert str(error).startswith(f"2 problems in {activity_map}:\n  1. \"Home visit\" is mapped")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Home visit: visit\nPanel: meeting: review\n",
         "The activity map is not valid YAML near line 2. Expected lines like "
         "'Care Act assessment: assessment'."),
        ("- Home visit\n- Panel\n",
         "The activity map is empty or not a mapping. Expected lines like "
         "'Care Act assessment: assessment'."),
        ("# nothing yet\n",
         "The activity map is empty or not a mapping. Expected lines like "
         "'Care Act assessment: assessment'."),
        ("Home visit:\n", '"Home visit" has no kind after it.'),
        ("visit:\n  - Home visit\n  - Joint visit\n",
         "\"visit\" should be followed by one kind. Expected lines like "
         "'Care Act assessment: assessment'."),
        ("Panel: meeting\n' panel ': review\n",
         '"Panel" (meeting) and "panel" (review) are the same name once case, spaces, hyphens '
         "and apostrophes are ignored, but are mapped to different kinds. Keep one."),
    ],
    ids=["broken yaml", "a list", "empty", "blank kind", "kind: names", "one name two kinds"],
)
def test_broken_activity_map(tmp_path: Path, text: str, expected: str) -> None:
    activity_map = write(tmp_path, text, "activities.yaml")
    error = raised(load_events, events_file(tmp_path, {}), activity_map=activity_map)
    assert [p.message for p in error.problems] == [expected]
    assert error.path == str(activity_map)


def test_activity_map_file_that_does_not_exist(tmp_path: Path) -> None:
    error = raised(load_events, events_file(tmp_path, {}), activity_map=tmp_path / "nope.yaml")
    assert error.problems[0].message == "The activity map file does not exist."
    assert error.path == str(tmp_path / "nope.yaml")


def test_activity_map_given_as_a_dict_is_named_as_such(tmp_path: Path) -> None:
    error = raised(read_activity_map, {"Home visit": "house call"})
    assert error.path == "the activity map"


# --- well-formed: activities ---------------------------------------------------------------------


def test_default_map_reads_common_local_names(tmp_path: Path) -> None:
    names = ["Care Act assessment", "CHC referral", "home  VISIT", "Carer\u2019s Assessment",
             "Re assessment", "MDT meeting", "Telephone call", "Case notes", "review", "Travel"]
    events = load_events(events_file(tmp_path, *({"activity": name} for name in names)))
    assert events["activity"].tolist() == [
        "assessment", "referral", "visit", "assessment", "assessment", "meeting", "call", "admin",
        "review", "other",
    ]
    # Spaces are tidied, but the name is otherwise kept as the file gives it.
    assert events["activity_name"].tolist() == [
        "Care Act assessment", "CHC referral", "home VISIT", "Carer\u2019s Assessment",
        "Re assessment", "MDT meeting", "Telephone call", "Case notes", "review", "Travel",
    ]
    assert list(events["activity"].cat.categories) == list(ACTIVITY_KINDS)
    assert events.attrs["warnings"] == []


@pytest.mark.parametrize("form", ["dict", "yaml", "yaml activities"])
def test_user_map_overrides_the_default(tmp_path: Path, form: str) -> None:
    entries = {"Panel": "review", "Strategy chat": "meeting", "Home visit": "call"}
    text = "".join(f"{name}: {kind}\n" for name, kind in entries.items())
    activity_map = {
        "dict": entries,
        "yaml": write(tmp_path, text, "activities.yaml"),
        "yaml activities": write(
            tmp_path, "activities:\n" + "".join(f"  {line}\n" for line in text.splitlines()),
            "activities.yaml",
        ),
    }[form]
    names = ["Panel", "strategy chat", "Home visit", "Care Act assessment"]
    events = load_events(events_file(tmp_path, *({"activity": n} for n in names)),
                         activity_map=activity_map)
    assert events["activity"].tolist() == ["review", "meeting", "call", "assessment"]
    assert events.attrs["warnings"] == []
    # The default, without the team's map, reads them differently.
    default = load_events(events_file(tmp_path, *({"activity": n} for n in names)))
    assert default["activity"].tolist() == ["meeting", "other", "visit", "assessment"]


def test_unmapped_names_become_other_with_a_warning(tmp_path: Path) -> None:
    names = ["Strategy chat", "Form filling", "strategy chat", "Strategy-chat", "Home visit",
             "Form filling", "Huddle-ish", "Strategy chat"]
    events = load_events(events_file(tmp_path, *({"activity": n} for n in names)))
    assert events["activity"].tolist() == [
        "other", "other", "other", "other", "visit", "other", "other", "other",
    ]
    # Spellings differing in case or hyphens count as one name, shown in its commonest spelling;
    # most frequent first. (The repeated rows are warned about too: see test_notes.py.)
    assert [w for w in events.attrs["warnings"] if "activity map" in w] == [
        '3 activity names (7 rows) are not in the activity map, so their rows were counted as '
        '"other": "Strategy chat" (4), "Form filling" (2), "Huddle-ish" (1). To count them as '
        "another kind, add them to an activity map ('local name: kind')."
    ]


def test_one_unmapped_name_warning_is_singular(tmp_path: Path) -> None:
    events = load_events(events_file(tmp_path, {"activity": "Form filling"}, {}))
    assert events.attrs["warnings"] == [
        '1 activity name (1 row) is not in the activity map, so its rows were counted as '
        '"other": "Form filling" (1). To count it as another kind, add it to an activity map '
        "('local name: kind')."
    ]


def test_more_than_ten_unmapped_names_are_cut_short(tmp_path: Path) -> None:
    # Task 1 three times, task 2 twice, tasks 3 to 12 once each: 12 names, 15 rows.
    names = ["Task 1"] * 3 + ["Task 2"] * 2 + [f"Task {n}" for n in range(3, 13)]
    events = load_events(events_file(tmp_path, *({"activity": n} for n in names)))
    # Ties are listed alphabetically: "Task 10" comes before "Task 3".
    assert [w for w in events.attrs["warnings"] if "activity map" in w] == [
        '12 activity names (15 rows) are not in the activity map, so their rows were counted as '
        '"other": "Task 1" (3), "Task 2" (2), "Task 10" (1), "Task 11" (1), "Task 12" (1), '
        '"Task 3" (1), "Task 4" (1), "Task 5" (1), "Task 6" (1), "Task 7" (1) and 2 more. '
        "To count them as another kind, add them to an activity map ('local name: kind')."
    ]


def test_built_in_map_is_well_formed() -> None:
    entries = default_activity_map()
    assert set(entries.values()) == set(ACTIVITY_KINDS)
    for kind in ACTIVITY_KINDS:
        assert entries[kind] == kind
    keys = [activity_key(name) for name in entries]
    assert len(keys) == len(set(keys)), "two built-in names fold to the same key"
    assert read_activity_map()["care act assessment"] == "assessment"


def test_activity_key_ignores_case_spaces_hyphens_and_apostrophes() -> None:
    assert activity_key("  Carer's  Re-Assessment ") == "carers re assessment"
    assert activity_key("carer\u2019s re_assessment") == "carers re assessment"
