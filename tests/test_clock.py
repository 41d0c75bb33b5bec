"""The calendar: nothing the README's commands do may pass today and fail next month because of
the date. ``SERVICE_WORKBOOKS_TODAY`` moves the day for a run and every kernel it starts."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from conftest import run_cli
from workbook_helpers import clock
from workbook_helpers.run.plan import Plan
from workbook_helpers.report.index import render_index

REAL_TODAY = date.today()
MOVED = {"a year back": REAL_TODAY - timedelta(days=365), "a year forward": REAL_TODAY + timedelta(days=365)}


def test_the_clock_is_the_machines_unless_set(monkeypatch):
    monkeypatch.delenv(clock.TODAY_VARIABLE, raising=False)
    assert clock.today() == date.today()
    monkeypatch.setenv(clock.TODAY_VARIABLE, "2031-02-28")
    assert clock.today() == date(2031, 2, 28)
    assert clock.now().tzinfo is not None
    monkeypatch.setenv(clock.TODAY_VARIABLE, "2031-02-28T09:30:00+00:00")
    assert (clock.now().hour, clock.now().minute) == (9, 30)


def test_a_bad_date_is_refused_with_the_variable_named(monkeypatch):
    monkeypatch.setenv(clock.TODAY_VARIABLE, "next tuesday")
    with pytest.raises(ValueError, match="SERVICE_WORKBOOKS_TODAY must be a date such as"):
        clock.now()


def test_the_index_page_is_produced_on_the_day_set(monkeypatch, tmp_path):
    monkeypatch.setenv(clock.TODAY_VARIABLE, "2030-01-15")
    page = render_index(Plan(name="Dates", path=tmp_path / "p.yaml", out=tmp_path, runs=[]), {}, tmp_path)
    assert "<dt>Produced</dt><dd>15 January 2030 at" in page


@pytest.fixture(scope="module")
def team_runs(tmp_path_factory) -> dict[str, dict]:
    """The team-performance workbook on the sample (the workbook whose defaults look at today),
    run as a user runs it, on the real day and with the calendar moved a year each way."""
    summaries = {}
    for when, day in {"today": None, **MOVED}.items():
        out = tmp_path_factory.mktemp("calendar")
        env = {clock.TODAY_VARIABLE: day.isoformat()} if day else {}
        result = run_cli("run", "team_performance", "--quiet", "--out", str(out), env=env)
        assert result.returncode == 0, (when, result.stderr)
        summaries[when] = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
        summaries[when]["html"] = next(out.glob("*.html")).read_text(encoding="utf-8")
    return summaries


@pytest.mark.parametrize("when", sorted(MOVED))
def test_team_performance_gives_the_same_figures_whatever_the_day(team_runs, when):
    today, moved = team_runs["today"], team_runs[when]
    assert moved["figures"] == today["figures"]
    assert moved["warnings"] == today["warnings"]
    assert moved["generated_at"].startswith(MOVED[when].isoformat())
    produced = f"{MOVED[when].day} {MOVED[when]:%B %Y} at"
    assert f"<dt>Produced</dt><dd>{produced}" in moved["html"]
