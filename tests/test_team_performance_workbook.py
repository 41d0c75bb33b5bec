"""The team-performance workbook end to end on the sample: figures checked against the raw files
with plain Python, the summary matrix, no identifier or free text in any output, the browser."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date, datetime

import pytest

from conftest import ROOT, assert_report_renders, run_cli

SAMPLE = ROOT / "data" / "sample"
AS_AT = date(2025, 10, 31)
NORTH = "Community Team North"


def rows(name):
    with open(SAMPLE / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def day(text):
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("team-performance")
    for extra in ([], ["-p", "team", NORTH, "-p", "show_action_text", "yes", "-p", "privacy", "internal"],
                  ["-p", "team", "Reablement North", "-p", "period", "week"]):
        result = run_cli("run", "team_performance", "--quiet", "--out", str(out), *extra)
        assert result.returncode == 0, result.stderr
    return out


def summary(runs, stem):
    return json.loads((runs / f"{stem}.json").read_text(encoding="utf-8"))


def test_service_figures_match_the_raw_files(runs):
    items = rows("work_items.csv")
    is_open = [r for r in items if day(r["opened"]) <= AS_AT and not (r["closed"] and day(r["closed"]) <= AS_AT)]
    overdue = [r for r in is_open if (r["due"] and day(r["due"]) < AS_AT)
               or (r["next_review"] and day(r["next_review"]) < AS_AT)]
    # Financial year 2025-26 to October: months 2025-04 to 2025-10.
    this_year = [r for r in rows("spending.csv") if "2025-04" <= r["month"] <= "2025-10"]
    variance = sum(float(r["actual"]) - float(r["budget"]) for r in this_year)

    figures = summary(runs, "team_performance-all-teams")["figures"]
    assert figures["teams"] == 5
    assert figures["as_at"] == "2025-10-31"
    assert figures["open_items"] == len(is_open)
    assert figures["overdue_items"] == len(overdue)
    assert figures["spend_variance_ytd"] == pytest.approx(variance, abs=0.01)


def test_matrix_has_every_team_and_measure_with_icons(runs):
    matrix = summary(runs, "team_performance-all-teams")["tables"]["matrix"]
    assert len(matrix) == 5 * 15
    assert {"team", "measure", "latest", "variation", "assurance"} <= set(matrix[0])
    # The sample is built so that every icon appears (see sample.py).
    assert {row["variation"] for row in matrix} == {
        "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
        "neutral_high", "neutral_low",
    }
    assert {row["assurance"] for row in matrix} == {"consistent_pass", "consistent_fail", "inconsistent", None}
    cell = {(row["team"], row["measure"]): row for row in matrix}
    assert cell[("Hospital Social Work Team", "completed_on_time_share")]["assurance"] == "consistent_fail"
    assert cell[(NORTH, "median_days_to_complete")]["variation"] == "improvement_low"

    # October's completions per team, counted from the raw file.
    completed = Counter(r["team"] for r in rows("work_items.csv")
                        if r["closed"] and day(r["closed"]).strftime("%Y-%m") == "2025-10")
    for team, count in completed.items():
        assert cell[(team, "items_completed")]["latest"] == count
        assert cell[(team, "items_completed")]["latest_period"] == "2025-10-31"


def test_one_team_report_has_its_own_figures(runs):
    figures = summary(runs, "team_performance-community-team-north")["figures"]
    items = [r for r in rows("work_items.csv") if r["team"] == NORTH]
    assert figures["open_items"] == sum(
        1 for r in items if day(r["opened"]) <= AS_AT and not (r["closed"] and day(r["closed"]) <= AS_AT)
    )
    actions = [r for r in rows("actions.csv") if r["team"] == NORTH]
    assert figures["actions_open"] == sum(
        1 for r in actions if day(r["raised"]) <= AS_AT and not (r["done"] and day(r["done"]) <= AS_AT)
    )
    matrix = summary(runs, "team_performance-community-team-north")["tables"]["matrix"]
    assert {row["team"] for row in matrix} == {NORTH}


def test_weekly_run_charts_weeks(runs):
    matrix = summary(runs, "team_performance-reablement-north")["tables"]["matrix"]
    periods = {row["measure"]: row["latest_period"] for row in matrix}
    assert periods["items_completed"] == "2025-10-26"  # the last complete week ends on Sunday
    assert periods["spend_actual"] == "2025-10-31"  # spending stays monthly


def test_no_identifier_name_or_unasked_text_in_any_output(runs):
    items, actions = rows("work_items.csv"), rows("actions.csv")
    names = {r["worker"] for r in items if r["worker"]} | {r["owner"] for r in actions}
    descriptions = {r["description"] for r in actions if r["description"]}
    for path in runs.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"WI-\d{5,}|ACT-\d{3,}", text), path.name
        leaked = [name for name in names if name in text]
        assert not leaked, (path.name, leaked[:3])
        if "community-team-north" not in path.name:
            shown = [d for d in descriptions if d in text]
            assert not shown, (path.name, shown[:2])


def test_action_text_is_shown_only_when_asked(runs):
    html = (runs / "team_performance-community-team-north.html").read_text(encoding="utf-8")
    assert "What was agreed" in html
    assert "What was agreed" not in (runs / "team_performance-all-teams.html").read_text(encoding="utf-8")


def test_reports_draw_offline_in_a_browser(runs, browser):
    # Service-wide: headline, icon key, matrix, 5 main measures as small multiples, age bands.
    assert assert_report_renders(browser, runs / "team_performance-all-teams.html") >= 6
    # One team: a chart with icons for each of its 15 measures, and the age bands.
    assert assert_report_renders(browser, runs / "team_performance-community-team-north.html") == 16


def test_team_names_stay_in_view_when_the_matrix_scrolls_sideways(runs, browser):
    # The matrix has 15 measures: on a laptop it scrolls, and a reader must still see whose
    # row each icon is in.
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto((runs / "team_performance-all-teams.html").as_uri())
    region = page.locator(".sw-table-scroll").first
    region.scroll_into_view_if_needed()
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    region.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    name = region.locator('th[scope="row"]').first
    left = region.bounding_box()["x"]
    box = name.bounding_box()
    assert box["x"] == pytest.approx(left, abs=2)
    # Drawn over the cells it covers: the name is what is seen at its place.
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th') !== null",
                        [box["x"] + 5, box["y"] + box["height"] / 2])
    assert hit
    page.close()


def test_a_team_not_in_the_data_is_a_clear_error(tmp_path):
    result = run_cli("run", "team_performance", "--quiet", "--out", str(tmp_path), "-p", "team", "Nowhere")
    assert result.returncode == 2
    assert "'Nowhere' is not in the data" in result.stderr and "Adult Front Door" in result.stderr
    assert not list(tmp_path.glob("*.html"))


def test_a_bad_period_is_a_clear_error(tmp_path):
    result = run_cli("run", "team_performance", "--quiet", "--out", str(tmp_path), "-p", "period", "quarter")
    assert result.returncode == 2
    assert 'period must be "month" or "week"' in result.stderr
