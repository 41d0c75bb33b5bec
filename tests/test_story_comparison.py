"""Tests for :mod:`workbook_helpers.present.story.comparison`: the before/after comparison's words.
Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.measures.comparison import comparison_direction
from workbook_helpers.present.story import comparison as story
from workbook_helpers.privacy.policy import using_policy


def _comparison(rows):
    """A comparison table from (measure, better, ci_low, ci_high) rows of 20 cases each."""
    frame = pd.DataFrame(rows, columns=["measure", "better", "ci_low", "ci_high"])
    frame["label"] = frame["measure"]
    frame["n_before"] = frame["n_after"] = 20
    frame["before"], frame["after"] = 1.0, 0.9
    frame["change"] = (frame["ci_low"] + frame["ci_high"]) / 2
    frame["change_kind"], frame["sentence"], frame["caution"] = "percent", "", ""
    return frame


def _judged(comparison):
    return [(comparison_direction(record), record) for record in comparison.to_dict(orient="records")]


def test_headline_counts_say_how_many_intervals_and_what_chance_could_do():
    # 12 measures: 8 intervals wholly below 0 where lower is better (better), 1 wholly above
    # (worse), 2 across 0, 1 neutral. Judged: 11 intervals; by chance alone each rules out no
    # change 1 time in 20, so about 11 x 0.05 = 0.55 of them: "one may".
    rows = ([(f"m{i}", "lower", -0.5, -0.1) for i in range(8)] + [("w", "lower", 0.1, 0.3)]
            + [("u1", "lower", -0.2, 0.1), ("u2", "higher", -0.1, 0.0), ("n", "neutral", -0.3, -0.1)])
    said = " ".join(story.verdict_sentences(_judged(_comparison(rows)), 0.95))
    assert ("Of the 11 measures with a 95% confidence interval and a direction that counts as better, "
            "**8 changed for the better** and **1 for the worse**: their intervals rule out no change.") in said
    assert "For 2 of them the interval includes no change" in said
    assert ("Each interval has about a 1 in 20 chance of ruling out no change when nothing changed, so "
            "among 11 intervals one may do so by chance alone.") in said
    # 40 intervals at 90%: 1 in 10, about 4 by chance.
    said = " ".join(story.verdict_sentences(_judged(_comparison([(f"m{i}", "lower", -0.5, -0.1) for i in range(40)])), 0.90))
    assert "about a 1 in 10 chance" in said and "among 40 intervals about 4 may" in said


def test_the_headline_names_the_cohorts_and_what_it_gives_without_an_interval():
    # One measure better (interval -50% to -10%, lower is better), and 2 hidden by the report.
    judged = _judged(_comparison([("m", "lower", -0.5, -0.1)]))
    headline = story.comparison_headline(
        judged, 2, before_label="usual way", after_label="new <b>way</b>", n_before=30, n_after=12,
        closed_only=True, opened="", confidence=0.95, paired=False)
    assert headline.startswith("Cases worked the **new &lt;b&gt;way&lt;/b&gt;** (12 closed cases) against "
                               "cases worked the **usual way** (30 closed cases).")
    assert "Of the 1 measure with a 95% confidence interval" in headline
    assert headline.endswith("2 measures are given without their intervals (at most as a bound): each rests "
                             "on a count too small for a public report; the sentences below say which way.")


def test_a_caution_gives_a_small_count_as_its_bound_in_a_public_report():
    caution = "Home visits: 1 case with no partner in the other cohort (matched on person) was left out."
    # For directors the caution is as compare_cohorts wrote it.
    with using_policy("internal", 5):
        assert story.caution_as_shown(caution) == caution
    # In public, 1 is under 5: "fewer than 5 cases", and the verb no longer says it was one.
    with using_policy("publish", 5):
        assert story.caution_as_shown(caution) == (
            "Home visits: fewer than 5 cases with no partner in the other cohort (matched on person) "
            "were left out.")
        # 12 is not small, and a threshold ("Fewer than 10 cases") is not a count.
        assert story.caution_as_shown("12 cases with no partner were left out.") == "12 cases with no partner were left out."
        assert story.caution_as_shown("Fewer than 10 cases in a cohort.") == "Fewer than 10 cases in a cohort."


def test_a_change_beside_its_dot_is_rounded_as_a_headline():
    assert story.change_words(-0.64, "percent") == "down 64%"
    assert story.change_words(0.004, "percent") == "no change"  # rounds to 0%
    assert story.change_words(0.01, "points") == "up 1 point"
    assert story.change_words(-0.146, "points") == "down 15 points"
    assert story.change_words(2.0, "difference") == "+2.0"
