"""Tests for :mod:`workbook_helpers.measures.comparison`: the before/after comparison of two cohorts.

Every change, mean and share below is worked out by hand from the small tables built here (the
arithmetic is in the comment beside it). Intervals come from a bootstrap, so they are pinned
against scipy itself, against DABEST (when installed) and, by simulation, against the truth: a
95% interval should contain the true change in about 95% of experiments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import bootstrap

from workbook_helpers.measures.comparison import (
    COMPARISON_COLUMNS,
    compare_cohorts,
    comparison_direction,
)
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import fmt_pct, fmt_points

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def table(before: dict, after: dict, cohort_col: str = "cohort") -> pd.DataFrame:
    """One row per case: the ``before`` cases then the ``after`` ones, columns as given."""
    frames = []
    for name, columns in (("before", before), ("after", after)):
        frame = pd.DataFrame(columns)
        frame.insert(0, cohort_col, name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def one(result: pd.DataFrame, measure: str) -> pd.Series:
    return result.set_index("measure").loc[measure]


def points(change: float) -> str:
    """An interval end as the sentences write it: 0.825 -> "83" (house rounding, half away)."""
    return fmt_points(change).split(" ")[0]


# --------------------------------------------------------------------------------------------
# Each change_kind, worked by hand


def test_percent_change_of_the_mean_per_case():
    # before: ten 2s and ten 3s -> mean 2.5; after: five each of 1, 0, 1, 2 -> mean 20 / 20 = 1.0.
    # change = 1.0 / 2.5 - 1 = -0.6 ("down 60%"); difference = 1.0 - 2.5 = -1.5 per case.
    before = [2, 3] * 10
    after = [1, 0, 1, 2] * 5
    result = compare_cohorts(table({"assessments": before}, {"assessments": after}), resamples=999)
    row = one(result, "assessments")
    assert list(result.columns) == list(COMPARISON_COLUMNS)
    assert (row.n_before, row.n_after) == (20, 20)
    assert (row.before, row.after) == pytest.approx((2.5, 1.0))
    assert row.change_kind == "percent"
    assert row.change == pytest.approx(-0.6)
    assert row.difference == pytest.approx(-1.5)
    assert row.interval_method == "BCa"
    assert row.ci_low < row.change < row.ci_high < 0
    assert row.difference_low < row.difference < row.difference_high < 0
    assert row.caution == ""
    # The interval is scipy's BCa interval of the ratio of means - 1, resampling each cohort on
    # its own, from default_rng(seed): resampling row numbers draws the same cases as resampling
    # the values.
    reference = bootstrap(
        (np.array(before, float), np.array(after, float)),
        lambda b, a, axis: a.mean(axis=axis) / b.mean(axis=axis) - 1,
        vectorized=True, n_resamples=999, method="BCa", random_state=np.random.default_rng(0),
    ).confidence_interval
    assert (row.ci_low, row.ci_high) == pytest.approx((reference.low, reference.high), rel=1e-12)
    # A fall: the interval is written as the size of the fall, smaller end first.
    assert row.sentence == (
        f"Assessments per case fell by 60% (95% confidence interval {fmt_pct(-row.ci_high)} to "
        f"{fmt_pct(-row.ci_low)}), from 2.5 to 1.0."
    )
    assert comparison_direction(row) == "better"  # fewer assessments is better


def test_points_change_of_a_pooled_share_of_hours():
    # before: 10 short cases (10 hours, 2 face to face: 20%) and 10 long ones (30 hours, 18 face to
    # face: 60%). Pooled: (10*2 + 10*18) / (10*10 + 10*30) = 200 / 400 = 50% (the mean of the
    # cases' own shares would be 40%: long cases weigh more when pooled).
    # after: 20 cases of 20 hours, 13 face to face: 260 / 400 = 65%. Change +0.15 = 15 points.
    before = {"total_hours": [10.0] * 10 + [30.0] * 10, "face_to_face_hours": [2.0] * 10 + [18.0] * 10}
    after = {"total_hours": [20.0] * 20, "face_to_face_hours": [13.0] * 20}
    for frame in (before, after):  # the per-case share is there too, and must not be used
        frame["face_to_face_share"] = [f / t for f, t in zip(frame["face_to_face_hours"], frame["total_hours"])]
    row = one(compare_cohorts(table(before, after), measures=["face_to_face_share"], resamples=999),
              "face_to_face_share")
    assert (row.before, row.after) == pytest.approx((0.5, 0.65))
    assert row.change_kind == "points"
    assert row.change == pytest.approx(0.15)
    assert row.difference == pytest.approx(0.15)
    assert (row.difference_low, row.difference_high) == (row.ci_low, row.ci_high)
    assert 0 < row.ci_low < 0.15 < row.ci_high
    assert row.label == "Face-to-face time as a share of total time (all hours pooled)"
    low, high = points(row.ci_low), points(row.ci_high)
    assert row.sentence == (
        "Face-to-face time rose from 50% to 65% of all time "
        f"(up 15 percentage points, 95% confidence interval {low} to {high})."
    )
    assert comparison_direction(row) == "better"


def test_pooled_share_resamples_cases_with_their_hours():
    # The pooled share's interval is the bootstrap of total/total with a case's two figures moving
    # together: the same as scipy's paired resampling of (numerator, denominator) within a cohort.
    # Check one cohort against that, with the other cohort constant (so it adds nothing).
    rng = np.random.default_rng(7)
    total = rng.uniform(5, 40, 25)
    face = total * rng.uniform(0.2, 0.7, 25)
    before = {"total_hours": total, "face_to_face_hours": face}
    after = {"total_hours": [10.0] * 25, "face_to_face_hours": [6.0] * 25}
    row = one(compare_cohorts(table(before, after), measures=["face_to_face_share"], resamples=999),
              "face_to_face_share")
    assert row.before == pytest.approx(face.sum() / total.sum())
    # after: 60% in every resample, so the change's bootstrap is 0.6 - (the before cohort's).
    assert row.change == pytest.approx(0.6 - face.sum() / total.sum())
    assert row.n_before == 25 and row.interval_method == "BCa"
    assert row.ci_low < row.change < row.ci_high


def test_points_change_of_a_yes_no_share_ignores_unknowns():
    # before: 18 yes, 6 no and 4 not known -> 18 / 24 = 75% of the cases judged; after: 2 yes,
    # 18 no -> 2 / 20 = 10%. Change = 0.10 - 0.75 = -0.65, "down 65 percentage points".
    before = pd.array([True] * 18 + [False] * 6 + [pd.NA] * 4, dtype="boolean")
    after = pd.array([True] * 2 + [False] * 18, dtype="boolean")
    row = one(compare_cohorts(table({"predicted_return": before}, {"predicted_return": after}),
                              resamples=999), "predicted_return")
    assert (row.n_before, row.n_after) == (24, 20)
    assert (row.before, row.after) == pytest.approx((0.75, 0.10))
    assert row.change_kind == "points"
    assert row.change == pytest.approx(-0.65)
    assert row.ci_low < -0.65 < row.ci_high < 0
    low, high = points(-row.ci_high), points(-row.ci_low)  # a fall: sizes, smaller first
    assert row.sentence == (
        "Estimated demand returning into the system fell from 75% to 10% of cases judged at closure "
        f"(down 65 percentage points, 95% confidence interval {low} to {high})."
    )
    assert comparison_direction(row) == "better"


def test_yes_no_words_in_a_teams_own_table():
    # The same shares from text: "Yes"/"no"/blank. 3 yes of 12 = 25%; 9 yes of 12 = 75%.
    before = ["Yes"] * 3 + ["no"] * 9 + [""]
    after = ["yes"] * 9 + ["No"] * 3 + [None]
    row = one(compare_cohorts(table({"returned": before}, {"returned": after}), resamples=999), "returned")
    assert (row.n_before, row.n_after, row.before, row.after) == (12, 12, 0.25, 0.75)
    assert row.change == pytest.approx(0.5)
    bad = table({"returned": ["yes"] * 12}, {"returned": ["maybe"] * 12})
    with pytest.raises(ParameterError, match="'returned'.*'maybe'"):
        compare_cohorts(bad)


def test_zero_baseline_gives_the_difference_not_a_percentage():
    # before: no repeat assessments in 20 cases (mean 0: a percentage change would divide by 0);
    # after: ten 0s and ten 1s -> mean 0.5. change_kind "difference", change = 0.5 - 0 = 0.5.
    result = compare_cohorts(
        table({"repeat_assessments": [0] * 20}, {"repeat_assessments": [0, 1] * 10}), resamples=999
    )
    row = one(result, "repeat_assessments")
    assert row.change_kind == "difference"
    assert row.change == pytest.approx(0.5) and row.difference == pytest.approx(0.5)
    assert (row.ci_low, row.ci_high) == (row.difference_low, row.difference_high)
    assert 0 < row.ci_low < 0.5 < row.ci_high
    assert "no percentage change" in row.caution
    assert row.sentence.startswith("Repeat assessments per case rose from 0 to 0.5 (up 0.5, 95% confidence interval ")
    assert comparison_direction(row) == "worse"  # more rework is worse


# --------------------------------------------------------------------------------------------
# Small samples, constant measures, pairs


def test_under_ten_cases_gives_no_interval():
    # 20 before, 9 after: no interval at all, and the sentence says so.
    row = one(compare_cohorts(table({"referrals": [2, 3] * 10}, {"referrals": [1] * 5 + [2] * 4})),
              "referrals")
    assert (row.n_before, row.n_after) == (20, 9)
    # after: (5*1 + 4*2) / 9 = 13/9; change = (13/9) / 2.5 - 1 = 13/22.5 - 1 = -0.4222...
    assert row.change == pytest.approx(13 / 22.5 - 1)
    assert np.isnan([row.ci_low, row.ci_high, row.difference_low, row.difference_high]).all()
    assert row.interval_method is None
    assert "fewer than 10 cases" in row.caution.lower()
    assert "rough" not in row.caution
    # The two figures, and no change in words: 9 cases cannot say whether referrals fell.
    assert row.sentence == (
        "Referrals per case: 2.5 for the before cohort and 1.4 for the after cohort; too few cases "
        "to judge a change (fewer than 10 in the after cohort)."
    )
    assert "fell" not in row.sentence and "42%" not in row.sentence
    assert comparison_direction(row) == "too few cases"


def test_under_twenty_cases_gives_a_rough_interval():
    row = one(compare_cohorts(table({"referrals": [2, 3] * 10}, {"referrals": [1] * 10 + [2] * 9}),
                              resamples=999), "referrals")
    assert row.n_after == 19
    assert np.isfinite([row.ci_low, row.ci_high]).all()
    assert "fewer than 20 cases" in row.caution.lower() and "rough" in row.caution
    assert "fewer than 10" not in row.caution.lower()


def test_constant_measure_gives_a_zero_width_interval():
    # Every before case 2, every after case 1: change = 1/2 - 1 = -0.5 exactly, no uncertainty.
    result = compare_cohorts(
        table({"handoffs": [2] * 12, "people_involved": [3] * 12},
              {"handoffs": [1] * 12, "people_involved": [3] * 12}), resamples=999,
    )
    row = one(result, "handoffs")
    assert (row.change, row.ci_low, row.ci_high) == pytest.approx((-0.5, -0.5, -0.5))
    assert (row.difference_low, row.difference_high) == pytest.approx((-1.0, -1.0))
    assert "no width" in row.caution
    assert comparison_direction(row) == "better"
    same = one(result, "people_involved")  # the same value everywhere: no change at all
    assert (same.change, same.ci_low, same.ci_high) == (0.0, 0.0, 0.0)
    assert same.sentence.startswith("People involved end to end per case did not change: 3.0")
    assert comparison_direction(same) == "no clear change"


def test_percentile_interval_when_bca_is_not_defined(monkeypatch):
    # BCa is undefined when the estimate sits at the edge of the resampled values; scipy then
    # returns NaN ends. Make scipy's BCa fail and check the fallback: the percentile interval of
    # the same resamples, named in interval_method and explained in caution.
    from workbook_helpers.measures import comparison_bootstrap

    real = comparison_bootstrap.bootstrap

    def failing_bca(data, statistic, **options):
        result = real(data, statistic, **options)
        if options.get("method") == "BCa":
            result.confidence_interval = type(result.confidence_interval)(np.nan, np.nan)
        return result

    monkeypatch.setattr(comparison_bootstrap, "bootstrap", failing_bca)
    before, after = [2, 3] * 10, [1, 0, 1, 2] * 5
    row = one(compare_cohorts(table({"assessments": before}, {"assessments": after}), resamples=999),
              "assessments")
    reference = real(
        (np.array(before, float), np.array(after, float)),
        lambda b, a, axis: a.mean(axis=axis) / b.mean(axis=axis) - 1,
        vectorized=True, n_resamples=999, method="percentile", random_state=np.random.default_rng(0),
    ).confidence_interval
    assert row.interval_method == "percentile"
    assert (row.ci_low, row.ci_high) == pytest.approx((reference.low, reference.high), rel=1e-12)
    assert "percentile" in row.caution


def test_near_zero_baseline_is_reported_as_a_difference_with_its_interval():
    # before: one case in 20 with a referral (mean 1/20 = 0.05); after: ten of 20 (mean 0.5).
    # The percentage would be 0.5 / 0.05 - 1 = +900%, but about (19/20)^20 = 36% of resamples of
    # the before cohort hold no referral at all, where it is undefined: no interval. A headline
    # "up 900%" with no interval would mislead, so the change is the difference, 0.45 per case,
    # which has an interval.
    row = one(compare_cohorts(table({"referrals": [1] + [0] * 19}, {"referrals": [0, 1] * 10}),
                              resamples=999), "referrals")
    assert row.change_kind == "difference"
    assert row.change == pytest.approx(0.45) and row.difference == pytest.approx(0.45)
    assert (row.ci_low, row.ci_high) == (row.difference_low, row.difference_high)
    assert row.ci_low < 0.45 < row.ci_high
    assert "the change is given as the difference in the mean per case" in row.caution
    assert "900%" not in row.sentence


def test_paired_interval_is_narrower_when_pairs_are_correlated():
    # Twelve people seen both ways. Hours vary a lot between people (5 to 60) but each person's
    # new-way case took about 3 hours less: pairing removes the between-person spread.
    before_hours = np.array([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60], float)
    wobble = np.array([0.5, -0.5, 0.25, -0.25, 0.0, 0.5, -0.5, 0.25, -0.25, 0.0, 0.5, -0.5])
    after_hours = before_hours - 3 + wobble
    ids = [f"P{i:02d}" for i in range(12)]
    frame = table({"person": ids, "total_hours": before_hours},
                  {"person": ids[::-1], "total_hours": after_hours[::-1]})  # order must not matter
    # mean difference = -3 + mean(wobble) = -3 + 0 = -3 hours
    paired = one(compare_cohorts(frame, paired=True, id_col="person", resamples=999), "total_hours")
    unpaired = one(compare_cohorts(frame, resamples=999), "total_hours")
    assert paired.difference == pytest.approx(-3.0) == unpaired.difference
    paired_width = paired.difference_high - paired.difference_low
    unpaired_width = unpaired.difference_high - unpaired.difference_low
    assert paired_width < unpaired_width / 10
    assert paired.difference_high < 0 < unpaired.difference_high  # only pairing shows the fall
    assert (paired.n_before, paired.n_after) == (12, 12)


def test_paired_leaves_out_unmatched_cases_and_needs_an_id():
    ids = [f"P{i:02d}" for i in range(12)]
    frame = table({"person": ids + ["X1"], "assessments": [2] * 6 + [3] * 6 + [9]},
                  {"person": ids + ["Y1", "Y2"], "assessments": [1] * 12 + [9, 9]})
    row = one(compare_cohorts(frame, paired=True, id_col="person", resamples=999), "assessments")
    assert (row.n_before, row.n_after) == (12, 12)
    assert row.before == pytest.approx(2.5)  # X1's 9 is left out: (6*2 + 6*3) / 12
    assert "3 cases with no partner" in row.caution
    with pytest.raises(ParameterError, match="id_col"):
        compare_cohorts(frame, paired=True)
    twice = table({"person": ["A"] * 12, "assessments": [1] * 12}, {"person": ["A"] * 12, "assessments": [1] * 12})
    with pytest.raises(ParameterError, match="more than once"):
        compare_cohorts(twice, paired=True, id_col="person")


# --------------------------------------------------------------------------------------------
# Reproducibility, choices and errors


def test_same_seed_same_result_and_another_seed_differs():
    rng = np.random.default_rng(3)
    frame = table({"assessments": rng.poisson(2.5, 30)}, {"assessments": rng.poisson(0.9, 30)})
    first = compare_cohorts(frame, resamples=999, seed=11)
    pd.testing.assert_frame_equal(first, compare_cohorts(frame, resamples=999, seed=11))
    other = compare_cohorts(frame, resamples=999, seed=12)
    assert first.change.iloc[0] == other.change.iloc[0]
    assert (first.ci_low.iloc[0], first.ci_high.iloc[0]) != (other.ci_low.iloc[0], other.ci_high.iloc[0])


def test_a_measures_interval_does_not_depend_on_the_others_chosen():
    rng = np.random.default_rng(4)
    frame = table({"assessments": rng.poisson(2.5, 30), "referrals": rng.poisson(3, 30)},
                  {"assessments": rng.poisson(0.9, 30), "referrals": rng.poisson(2, 30)})
    both = compare_cohorts(frame, resamples=999)
    alone = compare_cohorts(frame, measures="referrals", resamples=999)
    pd.testing.assert_series_equal(both.iloc[1], alone.iloc[0], check_names=False)


def test_measures_default_to_the_configured_ones_present_in_order():
    frame = table({"referrals": [1] * 12, "assessments": [2] * 12, "notes": ["x"] * 12},
                  {"referrals": [1] * 12, "assessments": [1] * 12, "notes": ["y"] * 12})
    assert compare_cohorts(frame, resamples=999).measure.tolist() == ["assessments", "referrals"]
    assert compare_cohorts(frame, measures=["referrals", "assessments"], resamples=999).measure.tolist() == [
        "referrals", "assessments"]


def test_unknown_measure_and_cohort_are_named():
    frame = table({"assessments": [1] * 12}, {"assessments": [1] * 12})
    with pytest.raises(ParameterError, match=r"'asessments'.*compared in this table are: assessments"):
        compare_cohorts(frame, measures=["asessments"])
    with pytest.raises(ParameterError, match=r"'handoffs'.*assessments"):
        compare_cohorts(frame, measures=["handoffs"])  # configured, but not in this table
    with pytest.raises(ParameterError, match=r"after = 'new way'.*present are: before, after"):
        compare_cohorts(frame, after="new way")
    with pytest.raises(ParameterError, match=r"cohort_col = 'group'"):
        compare_cohorts(frame, cohort_col="group")
    with pytest.raises(ParameterError, match="confidence"):
        compare_cohorts(frame, confidence=95)
    with pytest.raises(ParameterError, match="not numbers"):
        compare_cohorts(table({"assessments": ["two"] * 12}, {"assessments": [1] * 12}))


def test_a_teams_own_measure_and_override():
    frame = table({"visits_per_case": [4, 6] * 10, "total_hours": [20.0, 30.0] * 10},
                  {"visits_per_case": [2, 4] * 10, "total_hours": [10.0, 20.0] * 10})
    own = {"visits_per_case": {"label": "Home visits per case", "better": "higher", "kind": "count"},
           "total_hours": {"better": "lower"}}
    result = compare_cohorts(frame, config=own, resamples=999)
    assert result.measure.tolist() == ["total_hours", "visits_per_case"]  # built-in ones first
    visits = one(result, "visits_per_case")
    assert visits.change == pytest.approx(3 / 5 - 1)  # means 5 -> 3
    assert comparison_direction(visits) == "worse"  # fewer visits, and more was better
    hours = one(result, "total_hours")
    assert hours.better == "lower" and hours.label == "Total hours per case"
    assert hours.sentence.endswith("from 25.0 to 15.0 hours.")


def test_own_measures_from_a_yaml_file(tmp_path):
    own = tmp_path / "our_measures.yaml"
    own.write_text(
        "phone_calls:\n  label: Phone calls per case\n  better: lower\n  kind: count\n", encoding="utf-8"
    )
    frame = table({"phone_calls": [4] * 12}, {"phone_calls": [3] * 12})
    row = one(compare_cohorts(frame, config=own, resamples=999), "phone_calls")
    assert row.change == pytest.approx(-0.25)  # 3 / 4 - 1
    assert row.sentence.startswith("Phone calls per case fell by 25% (the interval has no width)")
    with pytest.raises(ParameterError, match="measures is empty"):
        compare_cohorts(frame, measures=[], config=own)


def test_total_hours_is_neutral_by_default():
    # Fewer hours is not automatically better (time for a fair assessment is not waste).
    row = one(compare_cohorts(table({"total_hours": [20.0, 30.0] * 10}, {"total_hours": [10.0, 20.0] * 10}),
                              resamples=999), "total_hours")
    assert row.ci_high < 0
    assert comparison_direction(row) == "neutral"


# --------------------------------------------------------------------------------------------
# Sentences and direction


def test_sentence_for_an_interval_that_includes_no_change():
    # Means 2.5 and 2.4 from widely spread counts: the interval crosses zero.
    before = [0, 5, 1, 4, 2, 3] * 4  # 60 / 24 = 2.5
    after = [0, 5, 1, 4, 2, 3] * 4
    after[1] = 2.6  # 57.6 / 24 = 2.4: change = 2.4 / 2.5 - 1 = -4%
    row = one(compare_cohorts(table({"referrals": before}, {"referrals": after}), resamples=999), "referrals")
    assert row.change == pytest.approx(-0.04)
    assert row.ci_low < 0 < row.ci_high
    assert row.sentence == (
        f"Referrals per case fell by 4% (95% confidence interval a fall of {fmt_pct(-row.ci_low)} to a "
        f"rise of {fmt_pct(row.ci_high)}; the interval includes no change), from 2.5 to 2.4."
    )
    assert comparison_direction(row) == "no clear change"


def test_sentence_for_a_rise_and_another_confidence_level():
    before = [1, 2] * 10  # mean 1.5
    after = [2, 4] * 10  # mean 3: change = 3 / 1.5 - 1 = +100%
    row = one(compare_cohorts(table({"handoffs": before}, {"handoffs": after}), confidence=0.9,
                              resamples=999), "handoffs")
    assert row.sentence == (
        f"Handoffs per case rose by 100% (90% confidence interval {fmt_pct(row.ci_low)} to "
        f"{fmt_pct(row.ci_high)}), from 1.5 to 3.0."
    )
    assert comparison_direction(row) == "worse"


def test_direction_judges_the_interval_against_better():
    row = {"better": "higher", "ci_low": 0.02, "ci_high": 0.2}
    assert comparison_direction(row) == "better"
    assert comparison_direction({**row, "better": "lower"}) == "worse"
    assert comparison_direction({**row, "ci_low": -0.01}) == "no clear change"
    assert comparison_direction({**row, "better": "neutral"}) == "neutral"
    assert comparison_direction({**row, "ci_low": float("nan"), "ci_high": float("nan")}) == "no clear change"


# --------------------------------------------------------------------------------------------
# The sample cohorts


def test_sample_cohorts_reproduce_the_published_table_roughly():
    from workbook_helpers.measures.cases import case_measures
    from workbook_helpers.data.loading import load_cases, load_events

    measures = case_measures(load_events(SAMPLE / "events.csv"), load_cases(SAMPLE / "cases.csv"))
    result = compare_cohorts(measures, resamples=999).set_index("measure")
    assert result.index[:6].tolist() == [
        "assessments", "people_involved", "referrals", "total_hours", "face_to_face_share", "predicted_return"]
    assert (result.loc["assessments", "n_before"], result.loc["assessments", "n_after"]) == (35, 32)
    # domain.md section 3: down 64%, 32%, 41%, 14%; face to face 46% -> 60%; returning 71% -> 0%
    assert result.loc["assessments", "change"] == pytest.approx(-0.64, abs=0.03)
    assert result.loc["people_involved", "change"] == pytest.approx(-0.32, abs=0.03)
    assert result.loc["referrals", "change"] == pytest.approx(-0.41, abs=0.03)
    assert result.loc["total_hours", "change"] == pytest.approx(-0.14, abs=0.03)
    assert result.loc["face_to_face_share", ["before", "after"]].tolist() == pytest.approx([0.46, 0.60], abs=0.02)
    assert result.loc["predicted_return", ["before", "after"]].tolist() == pytest.approx([0.71, 0.0], abs=0.04)
    assert (result["caution"] == "").all()


# --------------------------------------------------------------------------------------------
# Coverage by simulation


def test_intervals_cover_the_true_change_about_95_percent_of_the_time():
    # 200 experiments: cohorts of 30 cases with Poisson counts, mean 2.5 the standard way and 0.9
    # the new way. True change = 0.9 / 2.5 - 1 = -0.64; true difference = 0.9 - 2.5 = -1.6.
    # A 95% interval should contain them in about 95% of experiments; the binomial spread of a
    # proportion over 200 is about 1.5 points, and bootstrap intervals at n = 30 run a little
    # narrow, so accept 88% to 99%.
    rng = np.random.default_rng(2024)
    hits_change = hits_difference = 0
    experiments = 200
    for _ in range(experiments):
        frame = table({"assessments": rng.poisson(2.5, 30)}, {"assessments": rng.poisson(0.9, 30)})
        row = compare_cohorts(frame, resamples=999, seed=int(rng.integers(2**31))).iloc[0]
        hits_change += row.ci_low <= -0.64 <= row.ci_high
        hits_difference += row.difference_low <= -1.6 <= row.difference_high
    assert 0.88 <= hits_change / experiments <= 0.99
    assert 0.88 <= hits_difference / experiments <= 0.99


def test_pooled_share_intervals_cover_the_true_change():
    # 200 experiments, 30 cases a cohort: hours per case from a gamma distribution (shape 2, mean
    # 20, skewed like real case hours) and each case's face-to-face share from a beta distribution
    # with mean 0.45 (standard way) or 0.60 (new way), independent of the hours. The pooled share's
    # true value is E[face-to-face hours] / E[hours] = the mean share, so the true change is 0.15.
    # Bootstrap intervals of a ratio run a little narrow at n = 30 (about 92-93% over 600 runs,
    # the same as a hand-written percentile bootstrap on the same data), so accept 88% to 99%.
    rng = np.random.default_rng(99)
    hits = 0
    experiments = 200
    for _ in range(experiments):
        cohorts = []
        for p in (0.45, 0.60):
            hours = rng.gamma(2.0, 10.0, 30)
            face = hours * rng.beta(20 * p, 20 * (1 - p), 30)
            cohorts.append({"total_hours": hours, "face_to_face_hours": face})
        row = compare_cohorts(table(*cohorts), measures=["face_to_face_share"], resamples=999,
                              seed=int(rng.integers(2**31))).iloc[0]
        hits += row.ci_low <= 0.15 <= row.ci_high
    assert 0.88 <= hits / experiments <= 0.99


# --------------------------------------------------------------------------------------------
# The estimation-statistics reference


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside DABEST, under pandas 3
def test_mean_difference_interval_agrees_with_dabest():
    # DABEST (Ho et al. 2019) draws 5,000 resamples and builds a BCa interval of the mean
    # difference; ours draws 9,999. Both endpoints move by about 1% of the interval's width from
    # one seed to the next (measured on the sample: 0.8-1.3%), so two independent runs differ by
    # about 1.4% of the width; 5% is over 3 of those spreads. DABEST's acceleration pools the
    # jackknife of both groups where scipy sums the groups' terms (Efron's two-sample form): on
    # these data that moves the ends by under 1% of the width, averaged over 20 seeds.
    dabest = pytest.importorskip("dabest")
    from workbook_helpers.measures.cases import case_measures
    from workbook_helpers.data.loading import load_cases, load_events

    measures = case_measures(load_events(SAMPLE / "events.csv"), load_cases(SAMPLE / "cases.csv"))
    names = ["assessments", "people_involved", "referrals", "total_hours", "handoffs", "end_to_end_days"]
    ours = compare_cohorts(measures, measures=names).set_index("measure")
    for name in names:
        data = pd.DataFrame({"cohort": measures["cohort"].astype(str).to_numpy(),
                             "value": measures[name].astype(float).to_numpy()})
        theirs = dabest.load(data, x="cohort", y="value", idx=("before", "after")).mean_diff.results.iloc[0]
        width = theirs["bca_high"] - theirs["bca_low"]
        assert ours.loc[name, "difference"] == pytest.approx(theirs["difference"])
        assert abs(ours.loc[name, "difference_low"] - theirs["bca_low"]) < 0.05 * width, name
        assert abs(ours.loc[name, "difference_high"] - theirs["bca_high"]) < 0.05 * width, name


def test_zero_width_interval_from_an_all_zero_cohort_is_not_called_constant():
    # before: 15 cases with 1 to 5 referrals; after: 15 cases with none. after/before - 1 is -1
    # in every resample, so the interval has no width, but the cases do differ: the caution must
    # not say every case has the same value.
    row = one(compare_cohorts(table({"referrals": [1, 2, 3, 4, 5] * 3}, {"referrals": [0] * 15}),
                              resamples=999), "referrals")
    assert row.change == pytest.approx(-1.0)
    assert "Every case has the same value" not in row.caution
    assert "came out the same in every resample" in row.caution
