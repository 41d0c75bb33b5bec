"""The before/after comparison workbook end to end on the sample cohorts: the published table
reproduced (changes checked against the raw files), the summary, privacy and the browser."""

from __future__ import annotations

import csv
import json
import re
from statistics import mean

import pandas as pd
import pytest

from conftest import ROOT, run_cli

EVENTS = ROOT / "data" / "sample" / "events.csv"
CASES = ROOT / "data" / "sample" / "cases.csv"
STEM = "experiment_comparison-all-teams"


def _raw(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def comparison_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("comparison")
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "privacy", "internal", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _closed():
    """The case ids the cases file gives a closing date: the cases the comparison compares."""
    return {r["case_id"] for r in _raw(CASES) if r["closed"]}


def _per_case(cohort):
    events = [r for r in _raw(EVENTS) if r["cohort"] == cohort and r["case_id"] in _closed()]
    ids = {r["case_id"] for r in events}
    return {i: [r for r in events if r["case_id"] == i] for i in ids}


def test_published_table_reproduced_from_the_raw_files(comparison_run):
    summary = json.loads((comparison_run / f"{STEM}.json").read_text())
    rows = {row["measure"]: row for row in summary["tables"]["comparison"]}
    before, after = _per_case("before"), _per_case("after")
    # Closed cases only: 3 of the 35 before are still open and left out, none of the 32 after.
    opened = {cohort: sum(r["cohort"] == cohort and not r["closed"] for r in _raw(CASES)) for cohort in ("before", "after")}
    assert (summary["figures"]["n_open_before"], summary["figures"]["n_open_after"]) == (opened["before"], opened["after"]) == (3, 0)
    assert summary["figures"]["open_cases"] == "left out"
    assert summary["figures"]["n_before"] == len(before) == 32
    assert summary["figures"]["n_after"] == len(after) == 32

    def change(count):
        return mean(count(r) for r in after.values()) / mean(count(r) for r in before.values()) - 1

    # Every assessment in the sample has "assessment" in its local name, and nothing else does.
    assessments = change(lambda rows: sum("assessment" in r["activity"].lower() for r in rows))
    people = change(lambda rows: len({r["worker"] for r in rows}))
    hours = change(lambda rows: sum(float(r["hours"]) for r in rows))
    assert rows["assessments"]["change"] == pytest.approx(assessments)
    assert rows["people_involved"]["change"] == pytest.approx(people)
    assert rows["total_hours"]["change"] == pytest.approx(hours)
    # The published figures (domain.md section 3), approximately: down 64%, 32%, 14%.
    assert assessments == pytest.approx(-0.64, abs=0.05) and people == pytest.approx(-0.32, abs=0.05)
    assert hours == pytest.approx(-0.14, abs=0.05)

    def pooled(cohort):
        events = [r for r in _raw(EVENTS) if r["cohort"] == cohort and r["case_id"] in _closed()]
        return sum(float(r["hours"]) for r in events if r["face_to_face"] == "yes") / sum(float(r["hours"]) for r in events)

    ftf = rows["face_to_face_share"]
    assert ftf["change_kind"] == "points"
    assert ftf["change"] == pytest.approx(pooled("after") - pooled("before"))
    for row in rows.values():
        if row["ci_low"] is not None:
            assert row["ci_low"] <= row["change"] <= row["ci_high"], row["measure"]
    assert rows["assessments"]["ci_high"] < 0  # a fall the interval cannot explain away


def test_report_headline_table_and_sentences(comparison_run):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (comparison_run / f"{STEM}.html").read_text(encoding="utf-8")))
    assert "Cases worked the new way (32 closed cases) against cases worked the standard way (32 closed cases)" in text
    assert "Cases still open are left out, as their journeys are not complete: 3 cases of the standard way and none of the new way." in text
    assert "Assessments per case fell by 64%" in text
    # 11 judged intervals (total hours has no direction set as better): 10 better, 1 includes no change.
    assert ("Of the 11 measures with a 95% confidence interval and a direction that counts as better, "
            "10 changed for the better and none for the worse") in text
    assert "so among 11 intervals one may do so by chance alone" in text
    assert "How long cases take to close" in text and "Median days to close fell by" in text
    assert "better" in text and "Standard way" in text and "New way" in text


def test_no_case_id_or_worker_name_in_any_output(comparison_run):
    raw = _raw(EVENTS)
    secrets = {r["case_id"] for r in raw} | {r["worker"] for r in raw}
    for path in comparison_run.iterdir():
        text = path.read_text(encoding="utf-8")
        found = sorted(s for s in secrets if s in text)
        assert found == [], f"{path.name} carries {found[:5]}"


def test_comparison_report_renders_offline(comparison_run, browser):
    from conftest import assert_report_renders

    assert assert_report_renders(browser, comparison_run / f"{STEM}.html") >= 6


def test_per_case_table_input(tmp_path):
    table = tmp_path / "measures.csv"
    # case_ref is a number but a reference: it must be neither compared nor shown anywhere.
    lines = ["case,case_ref,cohort,visits,satisfied"]
    lines += [f"B{i},{730011 + i},old,{3 + i % 3},{'yes' if i % 2 else 'no'}" for i in range(12)]
    lines += [f"A{i},{730051 + i},new,{1 + i % 2},yes" for i in range(12)]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "measures.yaml"
    config.write_text("visits:\n  better: lower\n", encoding="utf-8")  # only the direction
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "measures_path", str(table),
                     "-p", "before", "old", "-p", "after", "new", "-p", "measure_config", str(config),
                     "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / f"{STEM}.json").read_text())
    rows = {row["measure"]: row for row in summary["tables"]["comparison"]}
    assert set(rows) == {"visits", "satisfied"}
    assert rows["visits"]["better"] == "lower" and rows["satisfied"]["better"] == "neutral"
    references = [str(730011 + i) for i in range(12)] + [str(730051 + i) for i in range(12)]
    for path in (tmp_path / "out").iterdir():
        text = path.read_text(encoding="utf-8")
        assert [r for r in references if r in text] == [], path.name
    # visits: old 3,4,5 repeating -> mean 4; new 1,2 repeating -> mean 1.5; change 1.5/4 - 1 = -62.5%
    assert rows["visits"]["change"] == pytest.approx(-0.625)
    # satisfied (yes/no): old 6 of 12, new 12 of 12 -> up 50 percentage points
    assert rows["satisfied"]["change"] == pytest.approx(0.5) and rows["satisfied"]["change_kind"] == "points"


def test_paired_table_gives_slope_charts_without_person_ids(tmp_path, browser):
    from conftest import assert_report_renders

    # 24 people seen both ways; each has 2 visits fewer the new way (from 3 to 8 before).
    lines = ["person_id,cohort,visits"]
    for i in range(24):
        lines += [f"PX{i:03d},before,{3 + i % 6}", f"PX{i:03d},after,{1 + i % 6}"]
    table = tmp_path / "paired.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "measures_path", str(table),
                     "-p", "paired", "True", "-p", "id_col", "person_id", "-p", "privacy", "internal",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    (row,) = json.loads((out / f"{STEM}.json").read_text())["tables"]["comparison"]
    # Before mean (3+4+5+6+7+8)/6 = 5.5, after 3.5: 3.5 / 5.5 - 1 = -36.4%; every pair differs
    # by exactly 2, so the paired difference interval has no width.
    assert row["n_before"] == row["n_after"] == 24
    assert row["change"] == pytest.approx(3.5 / 5.5 - 1)
    assert row["difference_low"] == pytest.approx(-2) and row["difference_high"] == pytest.approx(-2)
    for path in out.iterdir():
        assert "PX0" not in path.read_text(encoding="utf-8"), path.name
    # the change at a glance, then the estimation and slope charts
    assert assert_report_renders(browser, out / f"{STEM}.html") == 3
    text = (out / f"{STEM}.html").read_text(encoding="utf-8")
    assert "matched pairs" in text and "Pairs" in text


# --------------------------------------------------------------------------------------------
# A published report (privacy publish, the runner's default)


@pytest.fixture(scope="module")
def published_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("comparison-published")
    result = run_cli("run", "experiment_comparison", "--quiet", "-p", "privacy", "publish", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _yes_no(cohort, column):
    """(closed cases in the cohort, yes, no) for a yes/no column of the cases file."""
    rows = [r for r in _raw(CASES) if r["cohort"] == cohort and r["closed"]]
    return len(rows), sum(r[column] == "yes" for r in rows), sum(r[column] == "no" for r in rows)


def test_published_summary_hides_what_rests_on_few_cases(published_run):
    summary = json.loads((published_run / f"{STEM}.json").read_text())
    assert summary["context"]["audience"] == "public"  # asked for by its older name
    assert (summary["figures"]["n_before"], summary["figures"]["n_after"]) == (32, 32)
    # 3 before cases still open, left out: a count of 1 to 4, hidden: null, and listed.
    assert (summary["figures"]["n_open_before"], summary["figures"]["n_open_after"]) == (None, 0)
    assert summary["hidden"]["n_open_before"] == {"reason": "small count", "below": 5, "under": 5}
    rows = {row["measure"]: row for row in summary["tables"]["comparison"]}
    for row in rows.values():
        for n in ("n_before", "n_after"):
            assert not (isinstance(row[n], int) and 1 <= row[n] <= 4), row
    # Worked out from the cases file: a yes/no measure's cohort figure is hidden where its yes,
    # its no, or its cases without an answer number 1 to 4 (the cohort's size less the cases
    # answered gives those away), and the change with it.
    for measure, column in (("predicted_return", "predicted_return"), ("returned", "returned")):
        for cohort in ("before", "after"):
            size, yes, no = _yes_no(cohort, column)
            hidden = any(1 <= count <= 4 for count in (yes, no, size - yes - no))
            assert (rows[measure][cohort] is None) is hidden, (measure, cohort)
            if not hidden:
                assert rows[measure][cohort] == pytest.approx(yes / (yes + no))
    # before (closed cases): 23 yes, 9 no, all judged -> shown; after: 1 yes -> hidden, and the
    # change with it.
    assert _yes_no("before", "predicted_return") == (32, 23, 9)
    assert rows["predicted_return"]["n_before"] == 32 and rows["predicted_return"]["before"] == pytest.approx(23 / 32)
    assert rows["predicted_return"]["after"] is None
    assert rows["predicted_return"]["change"] is None and rows["predicted_return"]["ci_low"] is None
    # The sentence gives the direction and the bound: 1 of 32 hidden is under 5/32 = 15.6%,
    # said as under 16%; 23 of 32 is 71.9%, said as 72%. No interval.
    assert rows["predicted_return"]["sentence"].startswith(
        "Estimated demand returning into the system (share of cases judged at closure) fell from 72% "
        "to under 16%: the interval is not shown")
    assert summary["figures"]["changes"]["predicted_return"]["change"] is None
    assert "[c]" not in json.dumps(summary)
    # Measures every case has are shown in full.
    # Worked out from the events of the closed cases, as in the internal run's test above.
    def assessments(cohort):
        return mean(sum("assessment" in r["activity"].lower() for r in rows) for rows in _per_case(cohort).values())

    assert rows["assessments"]["change"] == pytest.approx(assessments("after") / assessments("before") - 1)


def test_published_report_shows_the_table_not_each_case(published_run):
    page = (published_run / f"{STEM}.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "2 measures are given without their intervals (at most as a bound)" in text
    assert "fell from 72% to under 16%" in text
    assert "The dot plots of each case are left out of reports beyond the team; they are in the team's report." in text
    assert "Assessments per case fell by 64%" in text
    for path in published_run.iterdir():
        assert not re.search(r"\bCase [2-9A-HJKMNP-TV-Z]{4}\b", path.read_text(encoding="utf-8")), path.name


# --------------------------------------------------------------------------------------------
# The change at a glance (issue 16)


def _view(privacy):
    from workbook_helpers.measures.cases import case_measures, open_known_from
    from workbook_helpers.measures.comparison_measures import comparison_config
    from workbook_helpers.workbooks.comparison import ComparisonView
    from workbook_helpers.data.loading import load_cases, load_events
    from workbook_helpers.privacy.policy import using_policy

    events, cases = load_events(EVENTS), load_cases(CASES)
    table = case_measures(events, cases)
    with using_policy(privacy, 5):
        view = ComparisonView.build(table, before_label="standard way", after_label="new way",
                                    config=comparison_config(table, "cohort"),
                                    open_known=open_known_from(events, cases), resamples=499)
        # What the report hides is judged under its policy: kept with the view for the tests.
        view.hidden_now = view.hidden()
        return view, view.change_frame(), view.change_chart().to_dict()


def _drawn(spec):
    """The rows each panel of the chart draws, panel by panel, in order."""
    return [[row for row in spec["datasets"][panel["layer"][1]["data"]["name"]]] for panel in spec["vconcat"]]


def _same(a, b):
    missing = a is None or a != a
    return (b is None or b != b) if missing else b == pytest.approx(a)


def test_the_change_at_a_glance_draws_the_tables_changes_and_intervals():
    from workbook_helpers.present.charts.comparison import VERDICT_STYLES

    view, frame, spec = _view("internal")
    table = view.comparison
    # Same measures, same order, same numbers.
    assert frame["measure"].tolist() == table["measure"].tolist()
    for column in ("change", "ci_low", "ci_high"):
        for a, b in zip(table[column], frame[column]):
            assert _same(a, b), column
    # Percentage changes and percentage points never share a panel (nor an axis).
    panels = _drawn(spec)
    assert [p["title"]["text"] for p in spec["vconcat"]] == [
        "Counts, hours and days per case: percentage change", "Shares: change in percentage points"]
    kinds = dict(zip(table["label"], table["change_kind"]))
    drawn_labels = [[row["label"].replace("\n", " ") for row in rows] for rows in panels]
    assert [{kinds[label] for label in labels} for labels in drawn_labels] == [{"percent"}, {"points"}]
    # Together, in order, the panels are the table; the points panel in percentage points.
    ordered = [label for labels in drawn_labels for label in labels]
    assert ordered == [label for label in table["label"] if kinds[label] == "percent"] + \
        [label for label in table["label"] if kinds[label] == "points"]
    for rows, scale in zip(panels, (1, 100)):
        for row in rows:
            record = table[table["label"] == row["label"].replace("\n", " ")].iloc[0]
            for column in ("change", "ci_low", "ci_high"):
                assert _same(record[column] * scale, row[column])
    # Better, worse and no clear change by shape and word as well as colour.
    shape = spec["vconcat"][0]["layer"][2]["encoding"]["shape"]["scale"]
    assert dict(zip(shape["domain"], shape["range"])) == {v: VERDICT_STYLES[v][1] for v in shape["domain"]}
    assert len(set(s for _, s in VERDICT_STYLES.values())) == len(VERDICT_STYLES)
    words = {row["words"] for rows in panels for row in rows}
    assert "down 64%: better" in words and "down 12%: no clear change" in words
    assert "Not on the chart" not in spec["description"]


def test_a_published_change_at_a_glance_leaves_out_the_hidden_measures_and_says_which():
    view, frame, spec = _view("publish")
    hidden = view.hidden_now["change"]
    left_out = view.comparison.loc[hidden.to_numpy(), "label"].tolist()
    # The two yes/no measures resting on one case that returned, or was predicted to: hidden.
    assert [view.comparison.loc[i, "measure"] for i in hidden[hidden].index] == ["predicted_return", "returned"]
    assert frame["measure"].tolist() == view.comparison.loc[~hidden.to_numpy(), "measure"].tolist()
    drawn = {row["label"].replace("\n", " ") for rows in _drawn(spec) for row in rows}
    assert drawn.isdisjoint(left_out)
    assert (f"Not on the chart: {left_out[0]} and {left_out[1]}, as each rests on too few cases for a "
            "public report") in spec["description"]


def test_panels_for_a_change_in_its_own_units_and_too_few_cases():
    from workbook_helpers.present import charts

    frame = pd.DataFrame([
        {"label": "Assessments per case", "panel": "percent", "change": -0.5, "ci_low": -0.7, "ci_high": -0.2,
         "verdict": "better", "words": "down 50%: better"},
        {"label": "Complaints per case", "panel": "difference: Complaints per case", "change": 2.0,
         "ci_low": None, "ci_high": None, "verdict": "no clear change", "words": "+2.0: no clear change"},
        {"label": "Face-to-face share", "panel": "points", "change": None, "ci_low": None, "ci_high": None,
         "verdict": "too few cases to judge", "words": "too few cases to judge"},
    ])
    spec = charts.change_at_a_glance(frame, "t", "d").to_dict()
    assert [p["title"]["text"] for p in spec["vconcat"]] == [
        "Counts, hours and days per case: percentage change", "Complaints per case: change in its own units",
        "Shares: change in percentage points"]
    (row,) = spec["datasets"][spec["vconcat"][2]["layer"][1]["data"]["name"]]
    assert row["change"] is None and row["words"] == "too few cases to judge"


def test_the_reports_show_the_change_at_a_glance_after_the_table_and_the_handoff_map(comparison_run, published_run):
    for run in (comparison_run, published_run):
        page = (run / f"{STEM}.html").read_text(encoding="utf-8")
        table, chart = page.find("<caption>Per case, standard way"), page.find("The change at a glance")
        assert 0 < table < chart < page.find("Assessments per case fell by 64%")
        assert "Where cases pass from one organisation to another, before and after" in page
        assert "Most handoffs were within Council adult social care: 3.6 per case in the standard way" in page
        assert "What comes next" in page
    published = (published_run / f"{STEM}.html").read_text(encoding="utf-8")
    assert "Not on the chart: Estimated demand returning into the system" in published
    assert "of the cells are not shown ([c])" in published


def test_own_headers_in_both_files_are_read_through_their_column_maps(tmp_path, comparison_run):
    # The sample files with the headers of another system; each file gets its own map.
    events_headers = {"case_id": "Case Ref", "date": "Activity Date", "activity": "Activity Type",
                      "worker": "Practitioner", "hours": "Time Spent"}
    cases_headers = {"case_id": "Case Ref", "opened": "Referral Date", "closed": "Closure Date",
                     "cohort": "Pilot Group"}
    events = pd.read_csv(EVENTS, dtype=str).rename(columns=events_headers)
    cases = pd.read_csv(CASES, dtype=str).rename(columns=cases_headers)
    events.to_csv(tmp_path / "events.csv", index=False)
    cases.to_csv(tmp_path / "cases.csv", index=False)
    for name, headers in (("events_map.yaml", events_headers), ("cases_map.yaml", cases_headers)):
        (tmp_path / name).write_text("".join(f"{theirs}: {ours}\n" for ours, theirs in headers.items()),
                                     encoding="utf-8")
    base = ["run", "experiment_comparison", "--quiet", "-p", "privacy", "internal",
            "-p", "events_path", str(tmp_path / "events.csv"), "-p", "column_map", str(tmp_path / "events_map.yaml"),
            "-p", "cases_path", str(tmp_path / "cases.csv")]
    # Without the cases file's map, the error's advice is one the workbook can take.
    failed = run_cli(*base, "--out", str(tmp_path / "no-map"))
    assert failed.returncode == 2, failed.stderr
    assert "add 'Case Ref: case_id' to a column map" in failed.stderr
    assert "Give this file's column map as -p cases_column_map MAP.yaml." in failed.stderr
    result = run_cli(*base, "-p", "cases_column_map", str(tmp_path / "cases_map.yaml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    ours = json.loads((tmp_path / "out" / f"{STEM}.json").read_text(encoding="utf-8"))
    sample = json.loads((comparison_run / f"{STEM}.json").read_text(encoding="utf-8"))
    assert ours["figures"] == sample["figures"]


def test_a_measure_with_no_direction_is_worded_apart_from_no_clear_change(comparison_run):
    # Total hours has no direction of good in comparison_measures.yaml: fewer hours is not
    # better of itself (time for a fair assessment is not waste).
    page = (comparison_run / f"{STEM}.html").read_text(encoding="utf-8")
    assert "not judged: no direction set" in page
    assert "neither better nor worse" not in page
