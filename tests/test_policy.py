"""The report policy: who a report is for (its audience) and the threshold for small numbers,
checked up front and applied by every helper."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from workbook_helpers.privacy import policy
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.privacy.policy import ReportPolicy, audience_from, current_policy, set_policy, using_policy


@pytest.fixture(autouse=True)
def restore_policy():
    """Each test starts from, and leaves behind, the policy in force before it."""
    with using_policy(current_policy().audience, current_policy().suppress_below):
        yield


def test_the_default_in_jupyterlab_is_the_team_with_five():
    # A fresh process: what JupyterLab gets before any set_policy.
    code = ("from workbook_helpers.privacy.policy import current_policy as c; p = c(); "
            "print(p.audience, p.suppress_below, p.hides_small_numbers, p.shows_each_case)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["team", "5", "False", "True"]


def test_importing_the_policy_loads_no_pandas():
    code = "import sys, workbook_helpers.privacy.policy; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    "audience, small_hidden, each_case, text_when_asked",
    [("team", False, True, True), ("organisation", False, False, False), ("public", True, False, False)],
)
def test_what_each_audience_may_see(audience, small_hidden, each_case, text_when_asked):
    # The issue's table: small counts hidden only for the public; each case only for the team;
    # free text only for the team, and only when asked.
    chosen = ReportPolicy(audience)
    assert chosen.hides_small_numbers is small_hidden
    assert chosen.hides(3) is small_hidden
    assert chosen.shows_each_case is each_case
    assert chosen.allows_text(True) is text_when_asked
    assert chosen.allows_text(False) is False


@pytest.mark.parametrize("given", ["public", "PUBLIC", " Public \n", "\tpublic"])
def test_set_policy_takes_any_case_and_spaces(given):
    chosen = set_policy(given, 5)
    assert chosen == ReportPolicy("public", 5)
    assert current_policy() is chosen


@pytest.mark.parametrize("older, audience", [("internal", "team"), ("publish", "public"), (" Publish ", "public")])
def test_the_older_names_still_work(older, audience):
    # Plans written before audiences said privacy: internal or privacy: publish.
    assert set_policy(older).audience == audience
    assert set_policy(privacy=older).audience == audience
    # The older parameter is given on purpose, so it wins over the notebook's own default.
    assert set_policy("team", 5, older).audience == audience


def test_with_neither_audience_nor_privacy_the_team_and_runs_say_organisation():
    assert set_policy(None, 5, None).audience == "team"
    assert audience_from(None, None, default=policy.RUN_AUDIENCE) == "organisation"
    assert audience_from("public", None, default="organisation") == "public"


@pytest.mark.parametrize("bad", ["everyone", "publish internal", 1, True, "directors"])
def test_a_bad_audience_names_the_parameter_and_the_choices(bad):
    before = current_policy()
    with pytest.raises(ParameterError) as raised:
        set_policy(bad)
    message = str(raised.value)
    assert message.startswith("audience must be")
    assert all(name in message for name in ("team", "organisation", "public"))
    assert repr(bad) in message
    assert current_policy() is before  # a refused policy changes nothing


def test_a_bad_older_name_is_named_as_privacy():
    with pytest.raises(ParameterError, match=r"^privacy must be .*'secret'"):
        set_policy("team", 5, "secret")


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, True, False, "five", "", None, "4.5"])
def test_a_bad_threshold_names_the_parameter(bad):
    with pytest.raises(ParameterError) as raised:
        set_policy("public", bad)
    assert "suppress_below" in str(raised.value)
    assert "2 or more" in str(raised.value)


@pytest.mark.parametrize("given, expected", [(5, 5), ("5", 5), (" 7 ", 7), (3.0, 3), (np.int64(4), 4), (2, 2)])
def test_thresholds_written_as_text_or_whole_floats_are_taken(given, expected):
    assert set_policy("public", given).suppress_below == expected


def test_the_policy_cannot_be_changed_behind_the_helpers_backs():
    chosen = set_policy("public")
    with pytest.raises(dataclasses.FrozenInstanceError):
        chosen.audience = "team"  # type: ignore[misc]


@pytest.mark.parametrize(
    "audience, requested, allowed",
    [
        ("team", True, True),
        ("team", np.bool_(True), True),
        ("team", False, False),
        ("team", "yes", False),  # a string is not a yes: "no" would be truthy too
        ("team", "no", False),
        ("team", 1, False),
        ("team", None, False),
        ("organisation", True, False),
        ("public", True, False),
        ("public", False, False),
    ],
)
def test_free_text_only_in_the_teams_report_that_asked(audience, requested, allowed):
    assert ReportPolicy(audience).allows_text(requested) is allowed


def test_hides_counts_of_one_to_four_only_for_the_public():
    public = ReportPolicy("public", 5)
    assert [public.hides(n) for n in (0, 1, 2, 3, 4, 5, 6, 4.0)] == [
        False, True, True, True, True, False, False, True]
    assert not any(public.hides(v) for v in (None, float("nan"), True, "[c]", "many"))
    assert public.hides("3")  # a count already written as text is still a count
    assert ReportPolicy("public", 2).hides(1) and not ReportPolicy("public", 2).hides(2)
    for audience in ("team", "organisation"):
        assert not any(ReportPolicy(audience).hides(n) for n in range(10))


def test_using_policy_puts_back_the_one_before_even_after_an_error():
    set_policy("team", 5)
    with pytest.raises(RuntimeError):
        with using_policy("public", 10) as inside:
            assert current_policy() is inside and inside.suppress_below == 10
            raise RuntimeError("stop")
    assert current_policy() == ReportPolicy("team", 5)


def test_the_audiences_the_issue_names_and_their_words():
    assert policy.AUDIENCES == ("team", "organisation", "public")
    assert policy.OLDER_NAMES == {"internal": "team", "publish": "public"}
    assert policy.RUN_AUDIENCE == "organisation" and policy.LAB_AUDIENCE == "team"
    assert policy.DEFAULT_SUPPRESS_BELOW == 5
    assert ReportPolicy("organisation").for_words == (
        "For directors and managers of the organisation: no names, no free text")
