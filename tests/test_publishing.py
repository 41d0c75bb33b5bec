"""Tests that attack the reports of every workbook: planted personal details must not reach a
published report, markup in names and free text must stay inert, and every report must pass
axe-core's accessibility checks."""

from __future__ import annotations

import base64
import re

import pytest

import canary
from accessibility import assert_accessible
from conftest import run_cli
from workbook_helpers.run.registry import BUILT_IN

WORKBOOKS = [workbook.name for workbook in BUILT_IN]
# Identifiers of the sample that were not replaced by a canary must not appear either.
SAMPLE_IDS = re.compile(r"\b(?:ASC-\d\d-\d{4,}|WI-\d{5,}|ACT-\d{3,}|C\d{6})\b")


def readable(path) -> str:
    """A written file's text, with the chart pictures of an executed notebook (SVG in base64)
    decoded, so what they draw is searched too."""
    text = path.read_text(encoding="utf-8")
    return text + "".join(base64.b64decode(found).decode("utf-8")
                          for found in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text))


def run(workbook: str, out, files: dict, *extra: str) -> None:
    args = ["run", workbook, "--quiet", "--out", str(out)]
    for name, path in files.items():
        args += ["-p", name, str(path)]
    result = run_cli(*args, *extra)
    assert result.returncode == 0, result.stderr


#: Settings that draw more on the charts, so that the checks below see it too: rebased limits
#: and annotations on the process charts.
EXTRA = {
    "team_performance": ["-y", "rebase: {all: [2025-02-01]}",
                         "-y", "annotations: {2025-01-06: Each new case allocated on the day}"],
    "demand_study": ["-p", "rebase", "2024-06-03", "-y", "annotations: {2024-06-03: New council tax letter}"],
}


#: The parameter that asks a workbook for free text, where it has one.
TEXT_PARAMETER = {w.name: w.free_text[0] for w in BUILT_IN if w.free_text}


def test_every_workbook_has_canary_data():
    # A workbook added to the registry is attacked here too, once it has canary files.
    assert sorted(canary.WORKBOOK_FILES) == sorted(WORKBOOKS)


@pytest.fixture(scope="module", params=[(w, a) for w in WORKBOOKS for a in ("organisation", "public")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def published(request, tmp_path_factory):
    """One run of each workbook on its canary data for directors (organisation) and for the
    public, each asking for free text where the workbook can show it (neither may): (workbook,
    output folder)."""
    workbook, audience = request.param
    folder = tmp_path_factory.mktemp(f"canary-{workbook}-{audience}")
    files = canary.WORKBOOK_FILES[workbook](folder)
    asked = ["-p", TEXT_PARAMETER[workbook], "True"] if workbook in TEXT_PARAMETER else []
    run(workbook, folder / "out", files, "-p", "audience", audience, *asked, *EXTRA.get(workbook, []))
    return workbook, folder / "out", audience


def test_no_planted_detail_reaches_any_published_output(published):
    workbook, out, _ = published
    outputs = sorted(out.iterdir())
    assert {path.suffix for path in outputs} == {".html", ".ipynb", ".json"}
    for path in outputs:
        text = readable(path)
        assert canary.found_in(text) == [], (workbook, path.name)
        assert not SAMPLE_IDS.search(text), (workbook, path.name, SAMPLE_IDS.search(text).group())


def test_the_summary_says_who_it_is_for(published):
    import json

    workbook, out, audience = published
    summary = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert summary["context"]["audience"] == audience
    assert "[c]" not in json.dumps(summary)  # hidden values are null
    assert summary["context"]["suppress_below"] == 5


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_team_reports_still_carry_no_identifier(workbook, tmp_path):
    files = canary.WORKBOOK_FILES[workbook](tmp_path)
    text_parameter = TEXT_PARAMETER
    extra = ["-p", text_parameter[workbook], "yes"] if workbook in text_parameter else []
    run(workbook, tmp_path / "out", files, "-p", "audience", "team", *extra)
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    if workbook in text_parameter:
        # The free text asked for is shown, with whatever people wrote in it...
        assert canary.EMAIL in html
    for path in (tmp_path / "out").iterdir():
        text = readable(path)
        if workbook not in text_parameter:
            assert canary.found_in(text) == [], path.name
        # ...but no identifier column reaches a report: workers and owners (planted as a name
        # and a number) and the sample's other ids become pseudonyms.
        assert not re.search(rf"({canary.NAME}|{canary.OTHER_NAME}) \d", text), path.name
        assert not SAMPLE_IDS.search(text), path.name


def test_published_reports_pass_axe(published, browser):
    workbook, out, _ = published
    report = next(out.glob("*.html"))
    page = browser.new_page()
    page.goto(report.as_uri())
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.sw-vega')].every(el => el.dataset.rendered)",
        timeout=30_000,
    )
    outcome = assert_accessible(page)  # no violation of impact serious or critical
    assert outcome.rules_run > 80 and outcome.rules_checked > 20, "axe ran its WCAG rules"
    if workbook in EXTRA:  # the rebased, annotated process charts drew
        assert page.locator("svg text", has_text="New limits").count() > 0
        assert page.locator("svg text", has_text="New council tax letter" if workbook == "demand_study"
                            else "Each new").count() > 0
    print(f"{workbook}: axe ran {outcome.rules_run} rules, {outcome.rules_checked} applied")
    page.close()


# --------------------------------------------------------------------------------------------
# markup in names and free text

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMAGE = "<img src=x onerror=\"window.__pwned = 'img'\">"
LINK = "<a href=\"javascript:window.__pwned = 'link'\">click me</a>"


def _inject_demand(folder):
    import pandas as pd

    log = pd.read_csv(canary.SAMPLE / "demand.csv", dtype=str, keep_default_na=False)
    log.loc[log["team"] == "Revenues", "team"] = f"Revenues {SCRIPT}"
    log.loc[log["service"] == "Council tax", "service"] = f"Council tax {IMAGE}"
    log.loc[log["what_matters"] != "", "what_matters"] = f"Please help {LINK} {SCRIPT} {IMAGE}"
    path = folder / "demand.csv"
    log.to_csv(path, index=False)
    return {"demand_path": path}, ["-p", "show_what_matters", "yes"]


def _inject_cases(folder):
    import pandas as pd

    events = pd.read_csv(canary.SAMPLE / "events.csv", dtype=str, keep_default_na=False)
    cases = pd.read_csv(canary.SAMPLE / "cases.csv", dtype=str, keep_default_na=False)
    for frame in (events, cases):
        frame.loc[frame["team"] == "Community Team North", "team"] = f"North {SCRIPT} {IMAGE}"
    events.loc[events["organisation"] == "Council adult social care", "organisation"] = f"Council {LINK}"
    paths = {"events_path": folder / "events.csv", "cases_path": folder / "cases.csv"}
    events.to_csv(paths["events_path"], index=False)
    cases.to_csv(paths["cases_path"], index=False)
    return paths, []


def _inject_team_performance(folder):
    import pandas as pd

    paths = {}
    for name, parameter in (("work_items.csv", "work_items_path"), ("actions.csv", "actions_path"),
                            ("spending.csv", "spending_path"), ("targets.csv", "targets_path")):
        frame = pd.read_csv(canary.SAMPLE / name, dtype=str, keep_default_na=False)
        if "team" in frame:
            frame.loc[frame["team"] == "Reablement North", "team"] = f"Reablement {SCRIPT} {IMAGE}"
        if "description" in frame:
            frame["description"] = f"Agreed {LINK} {SCRIPT}"
        paths[parameter] = folder / name
        frame.to_csv(paths[parameter], index=False)
    return paths, ["-p", "show_action_text", "yes"]


INJECTIONS = {
    "demand_study": _inject_demand,
    "case_review": _inject_cases,
    "experiment_comparison": _inject_cases,
    "team_performance": _inject_team_performance,
}


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_markup_in_names_and_free_text_stays_inert(workbook, tmp_path, browser):
    files, extra = INJECTIONS[workbook](tmp_path)
    if workbook == "experiment_comparison":
        extra = ["-p", "before_label", f"usual {SCRIPT}", "-p", "after_label", f"new {IMAGE}"]
    run(workbook, tmp_path / "out", files, "-p", "privacy", "internal", *extra)
    report = next((tmp_path / "out").glob("*.html"))
    html = report.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<img src=x" not in html

    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.sw-vega')].every(el => el.dataset.rendered)",
        timeout=30_000,
    )
    # Open every collapsed table and hover every chart mark, so tooltips render too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    for mark in page.locator("div.sw-vega svg path, div.sw-vega svg .mark-symbol path").all()[:40]:
        try:
            mark.hover(timeout=500)
        except Exception:  # marks hidden behind others cannot be hovered; that is fine
            pass
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    # The text itself is still there for the reader, as text.
    assert "window.__pwned" in page.locator("body").inner_text()
    context.close()


@pytest.mark.parametrize("name, stem", [
    ("../../etc/passwd", "demand_study-etc-passwd"),
    ("..", "demand_study-unnamed"),
    ("a/b\\c", "demand_study-a-b-c"),
    ("", "demand_study-all-teams"),  # blank is every team
    ("   ", "demand_study-all-teams"),
    ("<script>", "demand_study-script"),
    ("Ω", "demand_study-unnamed"),
])
def test_names_in_output_paths_are_sanitised(name, stem):
    from workbook_helpers.run.naming import single_run_stem

    assert single_run_stem("demand_study", {"team": name}) == stem


def test_a_very_long_name_is_cut_to_a_safe_length():
    from workbook_helpers.run.naming import single_run_stem

    stem = single_run_stem("demand_study", {"team": "North " * 40, "service": "x" * 300})
    team, service = stem.split("-", 1)[1], stem.rsplit("-", 1)[1]
    assert len(stem) <= 255 - len(".partial.ipynb") and set(stem) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(team) <= 130 and service == "x" * 60
