"""Every Government Statistical Service symbol a report uses is explained once in it, in the
words one table (formatting.SYMBOL_MEANINGS) gives it everywhere."""

from __future__ import annotations

import re

from conftest import run_cli
from workbook_helpers.formatting import SYMBOL_MEANINGS, symbol_html
from workbook_helpers.report.html import symbol_key

WORDS = {
    "[c]": "confidential: hidden to protect privacy, as a small number could identify someone",
    "[x]": "not available: the data do not give this figure",
    "[z]": "not applicable: there is nothing for this figure to describe",
}


def test_one_table_gives_the_words():
    assert SYMBOL_MEANINGS == WORDS


def test_a_symbol_is_marked_one_way_on_every_page_with_its_meaning_on_hover():
    assert symbol_html("[c]", "sw-c") == (
        '<abbr class="sw-c" title="confidential: hidden to protect privacy, as a small number could '
        'identify someone">[c]</abbr>')
    assert symbol_html("[x]") == '<abbr title="not available: the data do not give this figure">[x]</abbr>'
    assert symbol_html("[x]", meaning='not "given" here') == '<abbr title="not &quot;given&quot; here">[x]</abbr>'
    # Every page takes its marking from there: the chart tables, the display helpers, the icons.
    from workbook_helpers.present import notebook
    from workbook_helpers.report import chart_tables

    assert notebook.SUPPRESSED_HTML == chart_tables._SUPPRESSED_HTML == symbol_html("[c]", "sw-c")


def test_the_key_lists_the_symbols_used_and_only_those():
    assert symbol_key("<p>Nothing hidden</p>") == ""
    key = symbol_key('<td class=num>&#91;z&#93;</td><td><abbr title="x">[c]</abbr></td>')
    assert "<li><strong>[z]</strong>: not applicable" in key and "<li><strong>[c]</strong>: confidential" in key
    assert "[x]" not in key
    assert key.count("<li>") == 2


def test_a_published_team_performance_report_explains_every_symbol_it_uses_once(tmp_path):
    result = run_cli("run", "team_performance", "--quiet", "-p", "privacy", "publish", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    page = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    body, _, key = page.partition('<h2 id="symbols">What the symbols mean</h2>')
    used = {f"[{letter}]" for letter in re.findall(r"(?:\[|&#91;)([cxz])(?:\]|&#93;)", body)}
    assert used == {"[c]", "[x]", "[z]"}  # small counts, a figure not given, days overdue of an action not due
    for symbol in used:
        assert key.count(f"<li><strong>{symbol}</strong>: {WORDS[symbol]}</li>") == 1, symbol
    # Where a symbol carries hover text, it is the same words.
    titles = set(re.findall(r'<abbr[^>]*title="([^"]*)"[^>]*>\[c\]</abbr>', body))
    assert titles == {WORDS["[c]"]}, titles
