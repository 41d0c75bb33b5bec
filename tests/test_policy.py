"""The report policy: privacy mode and threshold, checked up front, applied by every helper."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from workbook_helpers import policy
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.policy import ReportPolicy, current_policy, set_policy, using_policy


@pytest.fixture(autouse=True)
def restore_policy():
    """Each test starts from, and leaves behind, the policy in force before it."""
    with using_policy(current_policy().privacy, current_policy().suppress_below):
        yield


def test_the_default_is_internal_with_five():
    # A fresh process: what JupyterLab gets before any set_policy.
    code = ("from workbook_helpers.policy import current_policy as c; p = c(); "
            "print(p.privacy, p.suppress_below, p.publishing)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["internal", "5", "False"]


def test_importing_the_policy_loads_no_pandas():
    code = "import sys, workbook_helpers.policy; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("given", ["publish", "PUBLISH", " Publish \n", "\tpublish"])
def test_set_policy_takes_any_case_and_spaces(given):
    chosen = set_policy(given, 5)
    assert chosen == ReportPolicy("publish", 5)
    assert current_policy() is chosen
    assert chosen.publishing


def test_set_policy_internal_with_another_threshold():
    chosen = set_policy("internal", 10)
    assert (chosen.privacy, chosen.suppress_below, chosen.publishing) == ("internal", 10, False)


@pytest.mark.parametrize("bad", ["public", "", None, 1, "publish internal", True])
def test_a_bad_privacy_names_the_parameter_and_the_choices(bad):
    before = current_policy()
    with pytest.raises(ParameterError) as raised:
        set_policy(bad)
    message = str(raised.value)
    assert "privacy" in message and "publish" in message and "internal" in message
    assert repr(bad) in message
    assert current_policy() is before  # a refused policy changes nothing


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, True, False, "five", "", None, "4.5"])
def test_a_bad_threshold_names_the_parameter(bad):
    with pytest.raises(ParameterError) as raised:
        set_policy("publish", bad)
    assert "suppress_below" in str(raised.value)
    assert "2 or more" in str(raised.value)


@pytest.mark.parametrize("given, expected", [(5, 5), ("5", 5), (" 7 ", 7), (3.0, 3), (np.int64(4), 4), (2, 2)])
def test_thresholds_written_as_text_or_whole_floats_are_taken(given, expected):
    assert set_policy("publish", given).suppress_below == expected


def test_the_policy_cannot_be_changed_behind_the_helpers_backs():
    chosen = set_policy("publish")
    with pytest.raises(dataclasses.FrozenInstanceError):
        chosen.privacy = "internal"  # type: ignore[misc]


@pytest.mark.parametrize(
    "privacy, requested, allowed",
    [
        ("internal", True, True),
        ("internal", np.bool_(True), True),
        ("internal", False, False),
        ("internal", "yes", False),  # a string is not a yes: "no" would be truthy too
        ("internal", "no", False),
        ("internal", 1, False),
        ("internal", None, False),
        ("publish", True, False),
        ("publish", False, False),
    ],
)
def test_free_text_only_in_an_internal_report_that_asked(privacy, requested, allowed):
    assert ReportPolicy(privacy).allows_text(requested) is allowed


def test_hides_counts_of_one_to_four_only_when_publishing():
    published = ReportPolicy("publish", 5)
    assert [published.hides(n) for n in (0, 1, 2, 3, 4, 5, 6, 4.0)] == [
        False, True, True, True, True, False, False, True]
    assert not any(published.hides(v) for v in (None, float("nan"), True, "[c]", "many"))
    assert published.hides("3")  # a count already written as text is still a count
    assert ReportPolicy("publish", 2).hides(1) and not ReportPolicy("publish", 2).hides(2)
    assert not any(ReportPolicy("internal").hides(n) for n in range(10))


def test_using_policy_puts_back_the_one_before_even_after_an_error():
    set_policy("internal", 5)
    with pytest.raises(RuntimeError):
        with using_policy("publish", 10) as inside:
            assert current_policy() is inside and inside.suppress_below == 10
            raise RuntimeError("stop")
    assert current_policy() == ReportPolicy("internal", 5)


def test_the_modes_are_the_two_the_issue_names():
    assert policy.PRIVACY_MODES == ("publish", "internal")
    assert policy.DEFAULT_SUPPRESS_BELOW == 5
