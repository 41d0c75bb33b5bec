"""Title blocks: who a report is for, as the data spell the team, and the period it covers."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from conftest import ROOT, run_cli
from workbook_helpers.data.teams import as_in_data


def _title_block(folder) -> dict[str, str]:
    page = next(folder.glob("*.html")).read_text(encoding="utf-8")
    block = page[page.index('<header class="sw-title">'):page.index("</header>")]
    return {html.unescape(label): html.unescape(value)
            for label, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block)}


def _text(folder) -> str:
    page = next(folder.glob("*.html")).read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_name_chosen_ignoring_case_is_written_as_the_data_spell_it():
    assert as_in_data("revenues ", ["Revenues", "Repairs North"]) == "Revenues"
    assert as_in_data("REPAIRS north", ["Revenues", "Repairs North", "Repairs North"]) == "Repairs North"
    assert as_in_data("Elsewhere", ["Revenues"]) == "Elsewhere"
    assert as_in_data(None, ["Revenues"]) is None


@pytest.mark.parametrize("workbook, typed, spelt, phrase", [
    ("case_review", "community team north", "Community Team North", "of the Community Team North team"),
    ("demand_study", "revenues", "the Revenues team", "the Revenues team"),
    ("team_performance", "reablement north", "Reablement North", "Reablement North"),
])
def test_a_team_typed_in_lower_case_is_written_as_the_data_spell_it(tmp_path, workbook, typed, spelt, phrase):
    result = run_cli("run", workbook, "--quiet", "-p", "team", typed, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    block = _title_block(tmp_path)
    assert block["For"] == spelt
    assert phrase in _text(tmp_path)
    assert typed not in _text(tmp_path)
    assert "Period" in block


def test_no_title_block_says_for_the_cases(tmp_path):
    result = run_cli("run", "case_review", "--quiet", "-p", "cohort", "after", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert _title_block(tmp_path)["For"] == "the after cohort, all teams"


def test_team_performance_title_block_has_its_period(tmp_path):
    # The charts start with the month of the first completion (a work item closed or an action
    # done: method.md), read here from the raw files; as at 30 September 2025 they run to then.
    sample = ROOT / "data" / "sample"
    firsts = [pd.to_datetime(pd.read_csv(sample / name, dtype=str)[column], format="%d/%m/%Y").min()
              for name, column in (("work_items.csv", "closed"), ("actions.csv", "done"))]
    first = min(firsts).replace(day=1)
    result = run_cli("run", "team_performance", "--quiet", "-p", "as_at", "2025-09-30", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert _title_block(tmp_path)["Period"] == f"1 {first:%B %Y} to 30 September 2025"
