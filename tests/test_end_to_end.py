"""`workbook run demand_study` end to end: the three files, the summary's figures against a
reference computed from the raw CSV with the standard library, and the report in a browser with
the network blocked."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import datetime, timedelta

import nbformat
import pytest

from conftest import SAMPLE

STEM = "demand_study-all-teams"


def _reference_figures() -> dict:
    """The headline figures worked out from the CSV with the csv module alone."""
    with open(SAMPLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    def day(r):
        return datetime.strptime(r["received"][:10], "%d/%m/%Y").date()

    first, last = min(map(day, rows)), max(map(day, rows))
    # Complete weeks: Monday to Sunday, both inside the period (the first Monday on or after
    # the first day, then every 7 days while its Sunday is not after the last day).
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    value = [r for r in rows if r["demand_class"] == "value"]
    failure = [r for r in rows if r["demand_class"] == "failure"]
    recorded = [r for r in value if r["one_stop"] in {"yes", "no"}]
    in_weeks = [r for r in failure if any(w <= day(r) <= w + timedelta(days=6) for w in weeks)]
    minutes = sum(float(r["handling_minutes"]) for r in in_weeks if r["handling_minutes"])
    return {
        "total_demand": len(rows),
        "failure_demand_share": len(failure) / (len(value) + len(failure)),
        "one_stop_share": sum(r["one_stop"] == "yes" for r in recorded) / len(recorded),
        "failure_hours_per_week": minutes / 60 / len(weeks),
        "services": {
            s: (sum(r["service"] == s for r in rows), sum(r["service"] == s for r in failure))
            for s in {r["service"] for r in rows}
        },
    }


def test_run_writes_report_notebook_and_summary(demand_run):
    names = sorted(p.name for p in demand_run.iterdir())
    assert names == [f"{STEM}.html", f"{STEM}.ipynb", f"{STEM}.json"]


def test_summary_figures_match_a_reference_computed_from_the_csv(demand_run):
    summary = json.loads((demand_run / f"{STEM}.json").read_text())
    expected = _reference_figures()
    figures = summary["figures"]
    assert figures["total_demand"] == expected["total_demand"]
    for name in ("failure_demand_share", "one_stop_share", "failure_hours_per_week"):
        assert figures[name] == pytest.approx(expected[name], rel=1e-9), name
    by_service = {row["service"]: row for row in summary["tables"]["by_service"]}
    for service, (demand, failure) in expected["services"].items():
        assert by_service[service]["demand"] == demand
        assert by_service[service]["failure"] == failure
        # The sample classifies every row, so classified demand is all demand here.
        value = demand - failure
        assert by_service[service]["failure_share"] == pytest.approx(failure / (value + failure))


def test_summary_records_inputs_parameters_and_provenance(demand_run):
    summary = json.loads((demand_run / f"{STEM}.json").read_text())
    assert summary["workbook"] == "demand_study"
    assert set(summary) >= {"parameters", "inputs", "figures", "tables", "warnings", "version",
                            "generated_at", "duration_s"}
    (source,) = summary["inputs"]
    assert source["rows"] == 4316
    assert source["sha256"] == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert summary["parameters"]["team"] == "all"
    assert summary["parameters"]["interactive"] is False
    assert summary["duration_s"] > 0


def test_report_has_no_code_no_prompts_and_no_free_text(demand_run):
    page = (demand_run / f"{STEM}.html").read_text(encoding="utf-8")
    assert "load_demand" not in page and "import " not in page
    assert not re.search(r"In\s*\[\d*\]", page)
    with open(SAMPLE, newline="", encoding="utf-8") as handle:
        words = {r["what_matters"] for r in csv.DictReader(handle) if len(r["what_matters"]) > 25}
    leaked = [w for w in words if w in page or w.replace("'", "&#x27;") in page]
    assert leaked == [], "what_matters text appeared in the report"
    ids = re.findall(r"C\d{6}", page)
    assert ids == [], "contact ids appeared in the report"


def test_report_has_no_script_draws_its_charts_inline_and_stays_small(demand_run):
    page = (demand_run / f"{STEM}.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()  # every chart is drawn already, as SVG in the page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 6
    assert len(page.encode()) < 600_000
    # The only addresses are the SVG namespaces, which are names, never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_executed_notebook_has_outputs_and_the_summary(demand_run):
    notebook = nbformat.read(demand_run / f"{STEM}.ipynb", as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("application/vnd.service-workbooks.summary+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_report_renders_every_chart_offline_in_chromium(demand_run, browser):
    from conftest import assert_report_renders

    page_file = demand_run / f"{STEM}.html"
    assert assert_report_renders(browser, page_file) >= 6


def _canary_log(tmp_path):
    """A small demand log whose free text and names carry markup that must never run."""
    with open(SAMPLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:600]
    for number, row in enumerate(rows):
        if row["demand_class"] == "value":
            row["what_matters"] = f"<script>window.__ran = {number}</script> I want to stay at home"
    rows[0]["service"] = '<img src=x onerror="window.__ran=1">Repairs'
    for row in rows:  # the largest value demand type, in every chart of demand types
        if row["demand_type"] == "report a leak":
            row["demand_type"] = "report a leak <!--<script> please"
    path = tmp_path / "canary.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_what_matters_shown_only_when_asked_and_then_inert(tmp_path, browser):
    from conftest import run_cli

    canary = _canary_log(tmp_path)
    internal = ("-p", "privacy", "internal")
    hidden = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(canary), *internal,
                     "--out", str(tmp_path / "default"))
    assert hidden.returncode == 0, hidden.stderr
    page_text = (tmp_path / "default" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "I want to stay at home" not in page_text

    said_no = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(canary), *internal,
                      "-p", "show_what_matters", "no", "--out", str(tmp_path / "said-no"))
    assert said_no.returncode == 0, said_no.stderr
    assert "I want to stay at home" not in (tmp_path / "said-no" / f"{STEM}.html").read_text(encoding="utf-8")

    # A published report shows no free text, whatever the parameter asks for.
    published = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(canary),
                        "-p", "show_what_matters", "True", "--out", str(tmp_path / "published"))
    assert published.returncode == 0, published.stderr
    for path in (tmp_path / "published").iterdir():
        assert "I want to stay at home" not in path.read_text(encoding="utf-8"), path.name

    shown = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(canary), *internal,
                    "-p", "show_what_matters", "True", "--out", str(tmp_path / "internal"))
    assert shown.returncode == 0, shown.stderr
    report = tmp_path / "internal" / f"{STEM}.html"
    assert "I want to stay at home" in report.read_text(encoding="utf-8")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report.as_uri())
    # Every chart draws: no text from the data can swallow the page or the chart library.
    charts = page.locator("div.sw-vega").count()
    assert charts >= 6
    page.wait_for_function(
        "n => document.querySelectorAll('div.sw-vega[data-rendered=true]').length === n", arg=charts
    )
    assert page.evaluate("window.__ran") is None, "markup from the data ran in the report"
    assert dialogs == []
    assert "<script>window.__ran" in page.locator("main").inner_text()  # shown as text
    page.close()


def test_nothing_classified_still_gives_an_honest_report(tmp_path):
    from conftest import run_cli

    # 84 contacts on days 1 to 28 of April, May and June 2024, none classified yet.
    log = tmp_path / "unclassified.csv"
    rows = ["received,service,channel,demand_type,demand_class"]
    rows += [f"{d:02d}/{m:02d}/2024,Council tax,phone,pay my bill," for m in (4, 5, 6) for d in range(1, 29)]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("run", "demand_study", "--quiet", "-p", "demand_path", str(log), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / f"{STEM}.json").read_text())
    assert summary["figures"]["total_demand"] == 84
    assert summary["figures"]["failure_demand_share"] is None
    assert summary["warnings"] == [
        "84 of the 84 demands in this report have no demand class (value or failure) yet; they "
        "count in total demand but not in the value and failure shares."
    ]
    text = re.sub(r"<[^>]+>", " ", (tmp_path / f"{STEM}.html").read_text(encoding="utf-8"))
    text = re.sub(r"\s+", " ", text)
    assert "The demand has not been classified as value or failure demand yet." in text
    assert "no failure share to chart" in text
    # Weekly counts over the 12 complete weeks (1 April to 23 June): 7 a week, except the week of
    # 29 April (29 and 30 April missing: 5) and of 27 May (29 to 31 May missing: 4):
    # [7,7,7,7,5,7,7,7,4,7,7,7]. Mean 79/12 = 6.58. Moving ranges 0,0,0,2,2,0,0,3,3,0,0 (mean
    # 0.909); the two 3s exceed 3.267 x 0.909 = 2.97 and are screened out, leaving 4/9 = 0.444.
    # Limits 6.58 -/+ 2.66 x 0.444 = 5.40 to 7.77: the weeks of 5 and 4 are below the lower limit,
    # so the demand type is not predictable, and a normal week brings 5 to 8.
    assert "pay my bill [x] 6.6 5 8 no: special cause" in text.replace("&#91;x&#93;", "[x]")


# --------------------------------------------------------------------------------------------
# A published report (privacy publish, the runner's default): small counts hidden


# The demand study's counts, as it declares them to the summary.
DEMAND_COUNTS = ["total_demand", "value_demand", "failure_demand", "unclassified_demand",
                 "classified_demand", "one_stop_recorded", "failure_rows_without_minutes"]


def _two_team_log(path):
    """Team Big: Council tax, 30 value and 20 failure demands. Team Small: Housing, 12 value and
    3 failure (progress chasing); Benefits, 8 value and 9 failure (6 progress chasing, 3
    clarification). Every demand classified, by phone, in April 2024."""
    rows = []

    def add(team, service, demand_class, count, failure_type=""):
        for number in range(count):
            rows.append({
                "received": f"{1 + len(rows) % 28:02d}/04/2024 09:00", "team": team, "service": service,
                "channel": "phone", "demand_type": "pay my bill" if demand_class == "value" else "chase",
                "demand_class": demand_class, "failure_type": failure_type,
                "one_stop": ("yes" if number % 2 else "no") if demand_class == "value" else "",
                "handling_minutes": "10",
            })

    add("Big", "Council tax", "value", 30)
    add("Big", "Council tax", "failure", 20, "progress chasing")
    add("Small", "Housing", "value", 12)
    add("Small", "Housing", "failure", 3, "progress chasing")
    add("Small", "Benefits", "value", 8)
    add("Small", "Benefits", "failure", 6, "progress chasing")
    add("Small", "Benefits", "failure", 3, "clarification")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _small_counts(values) -> list:
    """The counts from 1 to 4 among ``values`` (a published summary must have none)."""
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
            and v == int(v) and 1 <= v <= 4]


@pytest.fixture(scope="module")
def published_teams(tmp_path_factory):
    """`workbook run demand_study --each-team` on the two-team log, published."""
    folder = tmp_path_factory.mktemp("demand-published")
    from conftest import run_cli

    log = _two_team_log(folder / "two-teams.csv")
    result = run_cli("run", "demand_study", "--quiet", "--each-team", "-p", "demand_path", str(log),
                     "-p", "privacy", "publish", "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    return folder / "out"


def test_published_summaries_say_so_and_hold_no_small_count(published_teams):
    summaries = sorted(published_teams.glob("*.json"))
    assert [p.stem for p in summaries] == [
        "demand_study-all-teams", "demand_study-big", "demand_study-small"]
    for path in summaries:
        summary = json.loads(path.read_text())
        assert summary["context"]["audience"] == "public" and summary["context"]["suppress_below"] == 5
        figures = summary["figures"]
        assert _small_counts(figures[key] for key in DEMAND_COUNTS) == [], path.name
        for row in summary["tables"]["by_service"]:
            counts = [row[c] for c in ("demand", "value", "failure", "unclassified", "classified")]
            assert _small_counts(counts) == [], (path.name, row)
        assert _small_counts(row["demand"] for row in figures["top_failure_types"]) == [], path.name


def test_a_small_teams_table_hides_the_small_count_and_what_would_give_it_away(published_teams):
    summary = json.loads((published_teams / "demand_study-small.json").read_text())
    rows = {row["service"]: row for row in summary["tables"]["by_service"]}
    # Housing's 3 failure demands are hidden; its value demand (12) too, or its total of 15
    # would give them away; then Benefits' value (8) and failure (9), or the totals of all
    # services (20 value, 12 failure) would give Housing's away. Shares resting on a hidden
    # count, and the classified demand they are out of, are hidden with them.
    # (A hidden value is null in the summary.)
    assert rows["Housing"] == {"service": "Housing", "demand": 15, "value": None, "failure": None,
                               "unclassified": 0, "classified": None, "failure_share": None}
    assert rows["Benefits"] == {"service": "Benefits", "demand": 17, "value": None, "failure": None,
                                "unclassified": 0, "classified": None, "failure_share": None}
    assert rows["All services"] == {"service": "All services", "demand": 32, "value": 20, "failure": 12,
                                    "unclassified": 0, "classified": 32, "failure_share": 0.375}
    # Failure types: clarification 3 is hidden, and progress chasing 9 as well, as the failure
    # demand (12) would give it away; their shares of failure demand with them.
    assert summary["figures"]["top_failure_types"] == [
        {"failure_type": "progress chasing", "demand": None, "share": None},
        {"failure_type": "clarification", "demand": None, "share": None},
    ]
    assert summary["figures"]["failure_demand_share"] == pytest.approx(12 / 32)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (published_teams / "demand_study-small.html")
                                      .read_text(encoding="utf-8")))
    assert "Housing 15 [c] [c] 0 [c]" in text and "All services 32 20 12 0 37.5%" in text
    assert "[c]: a count of 1 to 4, hidden to protect privacy; some other counts are hidden too" in text
    # The sentence keeps them back too: beside the table's total of 12 failure demands, either
    # share would give both counts away.
    assert "progress chasing (share not shown) and clarification (share not shown)" in text
    assert "the failure share of each is not shown: it rests on few demands" in text


def test_a_large_teams_published_report_is_as_the_internal_one(published_teams):
    summary = json.loads((published_teams / "demand_study-big.json").read_text())
    (service, total) = summary["tables"]["by_service"]
    assert service["value"] == 30 and service["failure"] == 20 and service["failure_share"] == pytest.approx(0.4)
    assert summary["figures"]["top_failure_types"][0]["demand"] == 20
    page = (published_teams / "demand_study-big.html").read_text(encoding="utf-8")
    shown = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # text, not the charts' specs
    assert "[c]" not in re.sub(r"<[^>]+>", " ", shown)
