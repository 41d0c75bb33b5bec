"""The shared report pipeline under both privacy modes: tables, headline cards, the JSON summary,
free text, bar charts of counts and the report's own markup (data tables, headings, print).

Expected values are worked out by hand in the comments beside them.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest

from workbook_helpers.present import charts

from workbook_helpers.present import notebook, palette

from workbook_helpers.report import chart_tables
from workbook_helpers.report import html as report
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.present.notebook import (
    record_summary, say_text, show_free_text, table_html,
)
from workbook_helpers.outputs import SUMMARY_MIMETYPE, VEGALITE_MIMETYPE
from workbook_helpers.privacy.audience import protect_table
from workbook_helpers.privacy.chart_counts import protect_chart_counts, protect_value_failure
from workbook_helpers.privacy.policy import using_policy
from workbook_helpers.privacy.shown import Card, count_card, share_card, shown_table

C = "[c]"


@pytest.fixture
def publish():
    with using_policy("publish", 5) as policy:
        yield policy


@pytest.fixture
def internal():
    with using_policy("internal", 5) as policy:
        yield policy


@pytest.fixture
def shown(monkeypatch):
    """What the notebook helpers display, as HTML strings (or summary bundles)."""
    outputs: list = []
    monkeypatch.setattr(notebook, "display", lambda item, **_: outputs.append(
        item.data if hasattr(item, "data") else item))
    return outputs


# --------------------------------------------------------------------------------------------
# A small HTML tree, from the standard library's parser


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, *tags: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag in tags:
                    found.append(child)
                found += child.find_all(*tags)
        return found

    def find(self, tag: str) -> Node | None:
        return next(iter(self.find_all(tag)), None)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _TreeBuilder(HTMLParser):
    VOID = {"meta", "br", "img", "hr", "input", "link", "col", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(markup: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


def cells(table: Node) -> list[list[str]]:
    """The body rows of a table as lists of cell texts."""
    body = table.find("tbody")
    return [[cell.text().strip() for cell in row.find_all("th", "td")] for row in body.find_all("tr")]


def header(table: Node) -> list[str]:
    return [cell.text().strip() for cell in table.find("thead").find_all("th")]


# --------------------------------------------------------------------------------------------
# Tables of counts

TEAMS = pd.DataFrame({
    "team": ["North", "South", "Total"],
    "referred": [3, 8, 11],
    "assessed": [10, 9, 19],
    "people": [13, 17, 30],
})
TEAM_COLUMNS = {
    "team": ("Team", "text"), "referred": ("Referred", "count"),
    "assessed": ("Assessed", "count"), "people": ("People", "count"),
}
TEAM_TOTALS = {"row": "Total", "column": "people"}


def _table(frame, columns, caption, totals=None, rates=None) -> str:
    """The table as a view would show it: the audience applied, then drawn."""
    return table_html(shown_table(frame, columns, totals=totals, rates=rates), caption)


def test_internal_tables_are_shown_in_full_and_as_before(internal):
    with_counts = _table(TEAMS, TEAM_COLUMNS, "Referrals", totals=TEAM_TOTALS)
    as_before = _table(TEAMS, {k: (label, "int" if kind == "count" else kind)
                                   for k, (label, kind) in TEAM_COLUMNS.items()}, "Referrals")
    assert with_counts == as_before  # kind "count" is formatted like "int"; nothing added
    assert C not in with_counts and "sw-suppression-note" not in with_counts
    assert cells(parse(with_counts).find("table"))[0] == ["North", "3", "10", "13"]


def test_primary_suppression_alone_would_leave_the_small_count_recoverable(publish):
    # Without totals declared, only the 3 is hidden, and North's total of 13 less the 10
    # assessed gives it back: this is why tables must declare their totals.
    alone = cells(parse(_table(TEAMS, TEAM_COLUMNS, "Referrals")).find("table"))
    assert alone[0] == ["North", C, "10", "13"]


def test_published_table_hides_the_cells_that_would_give_the_small_count_away(publish):
    # By hand (disclosure.suppress_table's algorithm): primary hides North/referred (3).
    # North's row then has one hidden cell: hide its smallest other count, North/assessed (10).
    # Column referred has one hidden cell: hide South/referred (8); column assessed likewise:
    # South/assessed (9). Now every row and column with a hidden cell has two, and the four
    # hidden cells form a loop, so no sum of rows and columns pins any of them down.
    markup = _table(TEAMS, TEAM_COLUMNS, "Referrals", totals=TEAM_TOTALS)
    tree = parse(markup)
    assert cells(tree.find("table")) == [
        ["North", C, C, "13"],
        ["South", C, C, "17"],
        ["Total", "11", "19", "30"],
    ]
    # [c] is marked up for screen readers and on hover.
    marks = tree.find_all("abbr")
    assert len(marks) == 4 and all(m.attrs["title"].startswith("confidential") for m in marks)
    note = [p for p in tree.find_all("p") if p.has_class("sw-suppression-note")]
    assert [p.text() for p in note] == [
        "[c]: a count of 1 to 4, hidden to protect privacy; some other counts are hidden too, "
        "so that they cannot be worked out from the totals."
    ]


def test_protect_table_reports_what_it_hid(publish):
    protected = protect_table(TEAMS, ["referred", "assessed", "people"], TEAM_TOTALS)
    assert (protected.primary, protected.secondary, protected.rates) == (1, 3, 0)
    assert protected.mask.to_dict(orient="list") == {
        "team": [False, False, False],
        "referred": [True, True, False],
        "assessed": [True, True, False],
        "people": [False, False, False],
    }


def test_shares_resting_on_hidden_counts_are_hidden(publish):
    frame = TEAMS.assign(share=TEAMS["referred"] / TEAMS["people"])
    columns = {**TEAM_COLUMNS, "share": ("Referred, share", "pct")}
    rows = cells(parse(_table(frame, columns, "Referrals", totals=TEAM_TOTALS,
                                  rates={"share": "people"})).find("table"))
    # North: 3 of 13, a small numerator. South: 8 of 17, but its row has hidden counts and no
    # numerator was named, so 8/17 x 17 would give the hidden 8 back. Total: 11 of 30, shown.
    assert [row[-1] for row in rows] == [C, C, "36.7%"]


def test_shares_of_few_people_or_giving_a_small_count_away(publish):
    frame = pd.DataFrame({
        "group": ["A", "B", "C", "D", "E", "F"],
        "cases": [3, 20, 20, 20, 0, 20],
        "share": [1 / 3, 0.10, 0.50, 0.95, float("nan"), 0.0],
    })
    columns = {"group": ("Group", "text"), "cases": ("Cases", "int"), "share": ("Share", "pct")}
    markup = _table(frame, columns, "Shares", rates={"share": "cases"})
    # A: out of 3. B: 10% of 20 is 2 people. C: 10 of 20, shown. D: 95% of 20 leaves 1.
    # E: no cases, not applicable: blank, shown as [x]. F: 0% of 20, no one: shown.
    # Kind "int" is never suppressed (the 3 cases stay): only declared shares are.
    assert cells(parse(markup).find("table")) == [
        ["A", "3", C], ["B", "20", C], ["C", "20", "50.0%"], ["D", "20", C], ["E", "0", "[x]"],
        ["F", "20", "0.0%"],
    ]
    assert "[c]: hidden to protect privacy; shares are hidden where they are out of fewer than 5" in markup


def test_a_share_with_a_named_numerator(publish):
    frame = pd.DataFrame({"group": ["A", "B"], "done": [6, 12], "all": [20, 13], "share": [0.3, 12 / 13]})
    columns = {"group": ("Group", "text"), "done": ("Done", "count"), "all": ("All", "count"),
               "share": ("Share", "pct")}
    rows = cells(parse(_table(frame, columns, "Done", rates={"share": ("done", "all")})).find("table"))
    # A: 6 of 20 (rest 14): shown. B: 12 of 13 leaves 1 not done: hidden.
    assert [row[-1] for row in rows] == ["30.0%", C]


def test_no_note_when_nothing_is_hidden(publish):
    frame = pd.DataFrame({"team": ["North", "South"], "open": [12, 0], "days": [3, 4]})
    markup = _table(frame, {"team": ("Team", "text"), "open": ("Open", "count"),
                                "days": ("Days", "int")}, "Open work")
    assert C not in markup and "sw-suppression-note" not in markup
    assert cells(parse(markup).find("table")) == [["North", "12", "3"], ["South", "0", "4"]]


def test_show_table_displays_the_same_as_table_html(publish, shown):
    notebook.show_table(shown_table(TEAMS, TEAM_COLUMNS, totals=TEAM_TOTALS), "Referrals")
    assert shown == [_table(TEAMS, TEAM_COLUMNS, "Referrals", totals=TEAM_TOTALS)]


def test_a_table_is_drawn_as_the_audience_left_it_and_nothing_is_decided_when_drawn():
    # The audience is applied when the view makes the table, not when it is drawn: a table
    # made for the public and drawn with another policy in force still hides North's 3.
    with using_policy("publish"):
        table = shown_table(TEAMS, TEAM_COLUMNS, totals=TEAM_TOTALS)
    with using_policy("internal"):
        assert cells(parse(table_html(table, "Referrals")).find("table"))[0] == ["North", C, C, "13"]


def test_a_plain_frame_is_not_drawn_as_a_table(publish):
    # A frame with no audience applied must not reach the page: its 3 would be shown.
    with pytest.raises(ParameterError, match="audience has been applied"):
        table_html(TEAMS, "Referrals")
    with pytest.raises(ParameterError, match="audience has been applied"):
        notebook.show_table(TEAMS, "Referrals")


def test_markup_in_a_cell_stays_text_in_both_modes():
    frame = pd.DataFrame({"team": ['<img src=x onerror="alert(1)">'], "open": [3]})
    for mode in ("internal", "publish"):
        with using_policy(mode):
            markup = _table(frame, {"team": ("Team", "text"), "open": ("Open", "count")}, "<b>x</b>")
        assert "<img" not in markup and "<b>" not in markup


# --------------------------------------------------------------------------------------------
# Headline cards

def _cards() -> list:
    """Cards as a view makes them, under the policy in force."""
    return [
        ("Demand", "4,316", "in 20 weeks"),  # the old three-tuple of text: shown as it is
        count_card("Cases", 3, "all closed"),
        count_card("Open", 12, "today"),
        count_card("Waiting", 0, "nobody"),
        share_card("Predicted to return", 0.5, 4, "of cases judged"),
        share_card("Face to face", 0.46, 50, "of hours"),
        Card("Hours per case", 21.5, "median", "number"),
    ]


def _figures(markup: str) -> list[str]:
    return [p.text() for p in parse(markup).find_all("p") if p.has_class("sw-card-figure")]


def test_headline_cards_in_an_internal_report(internal, shown):
    notebook.headline_cards(_cards())
    assert _figures(shown[0]) == ["4,316", "3", "12", "0", "50%", "46%", "21.5"]
    assert "sw-suppression-note" not in shown[0]


def test_headline_cards_in_a_published_report(publish, shown):
    notebook.headline_cards(_cards())
    # 3 cases: hidden, and said as the bound it implies (1 to 4 is fewer than 5). 0 waiting:
    # shown ("no one" singles no one out). 50% of 4: out of too few for any bound. No card
    # shows a bare [c].
    assert _figures(shown[0]) == ["4,316", "fewer than 5", "12", "0", "not shown", "46%", "21.5"]
    assert C not in shown[0]
    assert "is a small number kept back to protect privacy: the bound is all this report says" in shown[0]


def test_a_hidden_share_card_gives_the_bound_its_denominator_allows(publish, shown):
    # 1 of 30 judged: the count 1 is hidden, so the share is under 5/30 = 16.7%, said as
    # "under 17%" (rounded up, so it stays true). 29 of 30: over 25/30 = 83.3%, "over 83%".
    notebook.headline_cards([share_card("Returning", 1 / 30, 30), share_card("Closed", 29 / 30, 30)])
    assert _figures(shown[0]) == ["under 17%", "over 83%"]


def test_a_count_already_hidden_by_its_table_reads_not_shown(publish, shown):
    # Total demand not small itself, but hidden as [c] by the table it is the total of: the
    # card says "not shown" (no bound can be given for it), and no note about bounds follows.
    notebook.headline_cards([count_card("Demand", "[c]", "in 20 weeks")])
    assert _figures(shown[0]) == ["not shown"] and "sw-suppression-note" not in shown[0]


def test_a_bad_card_is_refused():
    with pytest.raises(ParameterError, match="headline_cards"):
        notebook.headline_cards([("only a label",)])
    with pytest.raises(ParameterError, match="kind 'counted'"):
        notebook.headline_cards([("Cases", 3, "", "counted")])


@pytest.mark.parametrize("card", [
    ("Cases", 3, "all closed", "count"),
    Card("Cases", 3, "all closed", "count"),
    Card("Returning", 0.1, "of cases", "pct", denominator=30),
])
def test_a_count_or_share_card_not_made_by_the_audience_is_refused(publish, card):
    # Shown as it is, this card would give 3 cases (or 3 of 30) away in a public report.
    with pytest.raises(ParameterError, match="make it with count_card or share_card"):
        notebook.headline_cards([card])


def test_count_text_for_narrative(shown):
    with using_policy("publish"):
        assert notebook.count_text(3, "case") == "fewer than 5 cases"
        assert notebook.count_text(12, "case") == "12 cases"
    with using_policy("internal"):
        assert notebook.count_text(1, "case") == "1 case"


# --------------------------------------------------------------------------------------------
# The JSON summary

FIGURES = {"cases": 3, "open": 0, "contacts": 1204, "hours": 2.5, "returned_share": 0.75,
           "judged": 4, "one_stop_share": 0.66, "value_demand": 200}
BY_TEAM = pd.DataFrame({"team": ["North", "South", "West"], "items": [2, 40, 7], "days": [3, 4, 1]})


def _summary(**declared) -> dict:
    return record_summary(
        figures={**FIGURES, "top_types": BY_TEAM.copy()}, tables={"by_team": BY_TEAM.copy()},
        context={"scope": "All teams"}, **declared,
    )


def test_summary_in_a_published_report_hides_what_is_declared(publish, shown):
    summary = _summary(
        counts=["cases", "open", "contacts"], rates={"returned_share": "judged", "one_stop_share": "value_demand"},
        table_counts={"by_team": ["items"], "top_types": ["items"]},
    )
    figures = summary["figures"]
    # A hidden value is null, never the string "[c]" in a number's place.
    assert (figures["cases"], figures["open"], figures["contacts"]) == (None, 0, 1204)
    assert figures["hours"] == 2.5  # not declared: not a count
    assert figures["returned_share"] is None  # 3 of 4: out of fewer than 5
    assert figures["one_stop_share"] == 0.66  # 132 of 200
    # Column by column: 2 is hidden; the days, not declared, stay.
    assert [row["items"] for row in summary["tables"]["by_team"]] == [None, 40, 7]
    assert [row["days"] for row in summary["tables"]["by_team"]] == [3, 4, 1]
    assert [row["items"] for row in figures["top_types"]] == [None, 40, 7]
    assert summary["context"] == {"scope": "All teams", "audience": "public", "suppress_below": 5}
    # What was hidden and why: 3 cases is a small count, so fewer than 5; 3 of 4 judged rests
    # on a denominator under 5, which allows no bound; the tables' cells are counted.
    assert summary["hidden"] == {
        "cases": {"reason": "small count", "below": 5, "under": 5},
        "returned_share": {"reason": "small denominator", "below": 5},
        "top_types": {"reason": "small counts, and others that would give them away", "below": 5, "cells": 1},
        "tables.by_team": {"reason": "small counts, and others that would give them away", "below": 5, "cells": 1},
    }
    # What the runner reads back is the same, and carries no hidden number.
    bundle = shown[-1]
    assert bundle[SUMMARY_MIMETYPE] == summary
    assert "[c]" not in json.dumps(summary)
    # The line a notebook shows counts what was recorded and gives no figure away.
    assert bundle["text/plain"] == "Summary recorded for the run's JSON file: 9 figures, 1 table and 0 warnings."


def test_summary_tables_with_totals_get_secondary_suppression(publish, shown):
    summary = record_summary(figures={}, tables={"teams": TEAMS},
                             table_counts={"teams": ["referred", "assessed", "people"]},
                             table_totals={"teams": TEAM_TOTALS})
    assert [[row[c] for c in ("referred", "assessed", "people")] for row in summary["tables"]["teams"]] == [
        [None, None, 13], [None, None, 17], [11, 19, 30]]


def test_summary_in_an_internal_report_keeps_everything_and_says_so(internal, shown):
    summary = _summary(counts=["cases"], rates={"returned_share": "judged"},
                       table_counts={"by_team": ["items"]})
    assert summary["figures"]["cases"] == 3 and summary["figures"]["returned_share"] == 0.75
    assert [row["items"] for row in summary["tables"]["by_team"]] == [2, 40, 7]
    assert summary["context"]["audience"] == "team" and summary["context"]["suppress_below"] == 5
    assert summary["hidden"] == {}


def test_summary_declarations_must_name_what_is_there(publish, shown):
    with pytest.raises(ParameterError, match="not a figure"):
        record_summary(figures={"a": 1}, counts=["b"])
    with pytest.raises(ParameterError, match="not a table"):
        record_summary(figures={"a": 1}, table_counts={"a": ["x"]})


# --------------------------------------------------------------------------------------------
# Free text


def test_free_text_is_shown_only_in_an_internal_report_that_asked(shown):
    words = ['I want to stay at home <script>alert(1)</script>', "Call me back"]
    with using_policy("publish"):
        assert not show_free_text(True)
        assert say_text(words, True) is False
    with using_policy("internal"):
        assert say_text(words, False) is False
        assert say_text(words, "yes") is False
        assert shown == []
        assert say_text(words, True) is True
    assert len(shown) == 1 and "<script>" not in shown[0] and "&lt;script&gt;" in shown[0]
    assert [li.text() for li in parse(shown[0]).find_all("li")] == [
        "I want to stay at home <script>alert(1)</script>", "Call me back"]


# --------------------------------------------------------------------------------------------
# Bar charts of counts


def _data_sets(node) -> list[list[dict]]:
    """Every inline data set in a chart's spec, wherever it sits."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datasets":
                found += list(value.values())
            elif key == "values" and isinstance(value, list):
                found.append(value)
            else:
                found += _data_sets(value)
    elif isinstance(node, list):
        for item in node:
            found += _data_sets(item)
    return found


def _values(chart, field: str) -> list:
    for data in _data_sets(chart.to_dict()):
        if data and isinstance(data[0], dict) and field in data[0]:
            return [row.get(field) for row in data]
    raise AssertionError(f"no data with {field}")


AGES = pd.DataFrame({"band": ["Under 4 weeks", "4 to 12 weeks", "Over 12 weeks"], "items": [40, 12, 3]})


def test_ranked_bars_in_an_internal_report_are_unchanged(internal):
    counted = protect_chart_counts(AGES, ["items"], row_total=False, column_total=True)
    chart = charts.ranked_bars(counted, "band", "items", "Open items", "Bars of open items.")
    assert chart.to_dict()["description"] == "Bars of open items."
    assert _values(chart, "items") == [40, 12, 3]
    assert "suppressed" not in json.dumps(_data_sets(chart.to_dict()))


def test_ranked_bars_leave_gaps_and_say_so(publish):
    counted = protect_chart_counts(AGES, ["items"], row_total=False, column_total=True)
    chart = charts.ranked_bars(counted, "band", "items", "Open items", "Bars of open items.")
    # 3 is hidden; with the total of the bars known (55 open items, in the table), 55 - 40
    # would give 12 + 3 and not 3 alone... but 55 - 40 - 12 gives 3: so 12 is hidden too.
    assert _values(chart, "items") == [40, None, None]
    assert _values(chart, "suppressed") == [False, True, True]
    assert chart.to_dict()["description"] == (
        "Bars of open items. 1 value of 1 to 4 is not shown, to protect privacy ([c]). "
        "1 more value is not shown ([c]), so that hidden values cannot be worked out from the totals."
    )
    alone = charts.ranked_bars(protect_chart_counts(AGES, ["items"], row_total=False, column_total=False),
                               "band", "items", "Open items", "Bars.")
    assert _values(alone, "items") == [40, 12, None]
    assert alone.to_dict()["description"] == "Bars. 1 value of 1 to 4 is not shown, to protect privacy ([c])."


def test_pareto_hides_the_shares_that_would_give_a_count_away(publish):
    from workbook_helpers.measures import demand

    table = demand.pareto(pd.Series({"chasing": 40, "not done": 20, "wrong place": 9, "repeat": 3}), "failure_type")
    counted = protect_chart_counts(table, ["demand"], row_total=False, column_total=True)
    chart = charts.pareto_chart(counted, "failure_type", "Failure types", "Pareto chart.")
    # Total 72. "repeat" (3) is hidden; the shares give the total away (40 is 55.6%), so one
    # more is hidden: "wrong place" (9), the smallest shown. Their shares go, and the
    # cumulative line stops after "not done" (each step of it is a bar's share).
    assert _values(chart, "demand") == [40, 20, None, None]
    assert _values(chart, "share") == pytest.approx([40 / 72, 20 / 72, None, None], nan_ok=True)
    assert _values(chart, "cumulative_share") == pytest.approx([40 / 72, 60 / 72, None, None])
    assert chart.to_dict()["description"].endswith(
        "1 value of 1 to 4 is not shown, to protect privacy ([c]). 1 more value is not shown ([c]), "
        "so that hidden values cannot be worked out from the totals.")


def test_value_failure_bars_hide_the_share_of_a_group_with_a_hidden_count(publish):
    table = pd.DataFrame({"service": ["Care", "Housing"], "demand": [120, 62], "value": [70, 30],
                          "failure": [50, 30], "unclassified": [0, 2]})
    table["failure_share"] = table["failure"] / (table["value"] + table["failure"])
    chart = charts.value_failure_bars(protect_value_failure(table), "service", "By service", "Bars.")
    # Housing's 2 unclassified is hidden, and with its total of 62 known, one more: 30 (the
    # first of equals). Care is shown in full, with its share.
    assert _values(chart, "count") == [70, None, 50, 30, None]
    assert _values(chart, "failure_share") == pytest.approx([50 / 120, None], nan_ok=True)
    assert _values(chart, "share_hidden") == [False, True]
    # The label sits where Housing's drawn bar ends (30), not at its total (62).
    assert _values(chart, "demand") == [120, 30]
    assert 62 not in [row["demand"] for data in _data_sets(chart.to_dict()) for row in data if "demand" in row]


def test_stacked_bars_of_hours_are_not_counts(publish):
    hours = pd.DataFrame({"group": ["All"], "face_to_face_hours": [2.5], "other_hours": [10.25]})
    parts = {"face_to_face_hours": "Face to face", "other_hours": "Other"}
    with pytest.raises(ParameterError, match="hours or amounts"):
        protect_chart_counts(hours, list(parts), row_total=True, column_total=False)
    chart = charts.stacked_bars(hours, "group", parts, ["#0072B2", "#767676"], "Time", "Bars.", "Hours")
    assert chart.to_dict()["description"] == "Bars." and _values(chart, "amount") == [2.5, 10.25]


def test_stacked_bars_take_the_mask_of_the_table_beside_them(publish):
    bars = TEAMS.iloc[:2]
    parts = {"referred": "Referred", "assessed": "Assessed"}
    # On its own, the chart hides North's 3 and, as each bar's total is known, North's 10;
    # South (8 and 9) is drawn. Values in the order melted: referred North, South; assessed.
    alone = charts.stacked_bars(protect_chart_counts(bars, list(parts), row_total=True, column_total=False),
                                "team", parts, ["#0072B2", "#D55E00"], "Referrals", "Bars.", "People")
    assert _values(alone, "amount") == [None, 8, None, 9]
    # The table beside it, with its totals row, also hides South's 8 and 9: given the table's
    # mask, the chart hides them too, so the two together give nothing away.
    protected = protect_table(TEAMS, ["referred", "assessed", "people"], TEAM_TOTALS)
    counted = protect_chart_counts(bars, list(parts), row_total=True, column_total=False,
                                   hidden=protected.mask.iloc[:2])
    chart = charts.stacked_bars(counted, "team", parts, ["#0072B2", "#D55E00"], "Referrals", "Bars.", "People")
    assert _values(chart, "amount") == [None, None, None, None]
    assert chart.to_dict()["description"] == (
        "Bars. 1 value of 1 to 4 is not shown, to protect privacy ([c]). 3 more values are not "
        "shown ([c]), so that hidden values cannot be worked out from the totals.")
    with pytest.raises(ParameterError, match="a yes or no for each of its table.s 2 rows, and was given 3 rows"):
        protect_chart_counts(bars, list(parts), row_total=True, column_total=False,
                             hidden=protected.mask)  # three rows for two bars


# --------------------------------------------------------------------------------------------
# The report


def _chart_output(chart) -> dict:
    return nbformat.v4.new_output("display_data", data={VEGALITE_MIMETYPE: chart.to_dict()})


def _html_output(markup: str) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": markup})


@pytest.fixture(scope="module")
def published_page() -> str:
    """A small published report: a heading written as h1, skipped levels, a Pareto chart with
    hidden counts, and a table and headline cards with [c] in them."""
    captured: list = []
    original = notebook.display
    notebook.display = lambda item, **_: captured.append(item.data)
    try:
        with using_policy("publish"):
            table = pd.DataFrame({"failure_type": ["chasing", "not done", "wrong place", "repeat"],
                                  "demand": [1040, 20, 9, 3]})
            table["share"] = table["demand"] / table["demand"].sum()
            table["cumulative_share"] = table["share"].cumsum()
            counted = protect_chart_counts(table, ["demand"], row_total=False, column_total=True)
            pareto = charts.pareto_chart(counted, "failure_type", "Failure <types>", "Pareto chart.")
            notebook.headline_cards([count_card("Cases", 3, "all closed"), count_card("Open", 12, "")])
            notebook.show_table(shown_table(TEAMS, TEAM_COLUMNS, totals=TEAM_TOTALS), "Referrals")
    finally:
        notebook.display = original
    show = nbformat.v4.new_code_cell("")
    show.outputs = [_html_output(captured[0]), _chart_output(pareto), _html_output(captured[1])]
    markdown = nbformat.v4.new_markdown_cell("# A heading written as h1\n\nText.\n\n#### Skipped to h4\n\n### Then h3")
    book = nbformat.v4.new_notebook()
    book.cells = [markdown, show]
    return report.render_report(book, "Test report", {"context": {"scope": "All teams"}})


@pytest.fixture(scope="module")
def rendered(published_page) -> Node:
    return parse(published_page)


def test_report_has_a_language_and_a_title(rendered):
    html_node = rendered.find("html")
    assert html_node.attrs["lang"] == "en-GB"
    assert rendered.find("title").text() == "Test report"


def test_report_headings_follow_the_title_in_order(rendered):
    levels = [int(node.tag[1]) for node in rendered.find_all("h1", "h2", "h3", "h4", "h5", "h6")]
    # The title block's h1, then "#" demoted to h2, "####" lifted to h3 (never a skipped level),
    # and "###" stays h3; last, the key to the symbols the report uses (h2).
    assert levels == [1, 2, 3, 3, 2]
    assert [h.text() for h in rendered.find_all("h1")] == ["Test report"]


def test_headings_in_order_keeps_the_levels_that_are_right():
    body = "<h2>a</h2><p>x</p><h3 id='b'>b</h3><h2>c</h2><h5>d</h5><hr><h1>e</h1>"
    assert report.headings_in_order(body) == (
        "<h2>a</h2><p>x</p><h3 id='b'>b</h3><h2>c</h2><h3>d</h3><hr><h2>e</h2>")


def test_each_chart_has_its_data_as_a_table_collapsed_by_default(rendered):
    figure = rendered.find("figure")
    details = figure.find("details")
    assert details is not None and "open" not in details.attrs
    assert details.find("summary").text() == "The data behind this chart"
    # After the printed description.
    kinds = [c.tag for c in figure.children if isinstance(c, Node)]
    assert kinds.index("figcaption") < kinds.index("details")
    table = details.find("table")
    assert table.find("caption").text() == "The data behind the chart \u201cFailure <types>\u201d"
    assert header(table) == ["Failure type", "Demands", "Share", "Cumulative share"]
    # 3 is hidden; the shares give the total (1,072) away, so 9 is hidden too, with their
    # shares and the cumulative share from the first hidden bar on. Shares to one decimal place.
    assert cells(table) == [
        ["chasing", "1,040", "97.0%", "97.0%"],
        ["not done", "20", "1.9%", "98.9%"],
        ["wrong place", C, C, C],
        ["repeat", C, C, C],
    ]
    assert len(table.find_all("abbr")) == 6


def test_the_data_table_escapes_and_caps_rows():
    frame = pd.DataFrame({"kind": [f"<b>type {n}</b>" for n in range(250)], "count": range(250)})
    with using_policy("internal"):
        chart = charts.ranked_bars(frame, "kind", "count", "Many", "Bars.")
    markup = chart_tables.chart_data_tables(chart.to_dict(), "Many")
    tree = parse(markup)
    rows = cells(tree.find("table"))
    assert len(rows) == chart_tables.DATA_TABLE_ROWS == 200
    assert rows[0] == ["<b>type 0</b>", "0"] and "<b>" not in markup
    assert "The first 200 rows are shown; 50 more are not." in tree.text()


def test_layered_and_concatenated_charts_give_a_table_per_data_set():
    cases = pd.DataFrame({"group": ["before", "before", "after"], "case": ["Case 1", "Case 2", "Case 3"],
                          "value": [4.0, 6.0, 2.5]})
    chart = charts.estimation_chart(cases, ["before", "after"], -2.5, -4.0, -1.0, "Assessments",
                                    "Dots.", "Assessments per case")
    tree = parse(chart_tables.chart_data_tables(chart.to_dict(), "Assessments"))
    tables = tree.find_all("table")
    # The dots and the means share their data; the difference is a second table; the zero
    # line (one field) is left out.
    assert len(tables) == 2
    assert header(tables[0]) == ["Case", "Cohort", "Assessments per case"]
    assert cells(tables[0]) == [["Case 1", "before", "4.0"], ["Case 2", "before", "6.0"],
                                ["Case 3", "after", "2.5"]]
    assert header(tables[1]) == ["Label", "Difference", "Interval from", "Interval to"]
    # Each column in the house style: whole numbers without decimals, others to the chart's one.
    assert cells(tables[1]) == [["Difference", "-2.5", "-4", "-1"]]


def test_an_xmr_chart_data_table_uses_its_tooltip_titles_and_dates():
    from workbook_helpers.spc import xmr as spc

    weeks = pd.date_range("2024-04-01", periods=3, freq="7D")
    with pytest.warns(spc.UnreliableLimitsWarning):  # three points: fine for a table's test
        points = spc.xmr(pd.Series([0.5, 0.25, 0.75]), dates=weeks)
    chart = charts.xmr_chart(points, "Share", "An XmR chart.", "Failure share", percent=True)
    table = parse(chart_tables.chart_data_tables(chart.to_dict(), "Share")).find("table")
    assert header(table)[:3] == ["Week beginning", "Failure share", "Mean"]
    assert [row[:3] for row in cells(table)] == [
        ["1 Apr 2024", "50.0%", "50.0%"], ["8 Apr 2024", "25.0%", "50.0%"], ["15 Apr 2024", "75.0%", "50.0%"]]


def test_print_stylesheet_keeps_charts_whole_and_the_headline_first():
    css = report._CSS
    printed = css[css.index("@media print"):]
    assert re.search(r"figure, \.sw-chart[^{]*\{ break-inside: avoid; \}", printed)
    assert ".sw-vega svg" in printed and "max-width: 100% !important" in printed
    assert ".sw-chart-data" in printed and "display: none" in printed
    assert "break-before: avoid" in printed  # the title block and the headline stay together
    assert "page-break-before: always" not in css and "break-before: page" not in css


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_in_the_stylesheet_meets_aa():
    backgrounds = {"#fff", "#f3f2f1"}  # the page and the note boxes
    text_colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", report._CSS))
    assert text_colours >= {"#1a1a1a", "#505a5f", "#1d70b8"}
    for colour in text_colours:
        for background in backgrounds:
            assert _contrast(colour, background) >= 4.5, (colour, background)
    # Chart text and the grey of unclassified bars (graphics need 3:1).
    for colour in (palette.INK, palette.MUTED, palette.TARGET_TEXT_COLOUR):
        assert _contrast(colour, "#fff") >= 4.5
    assert _contrast(palette.UNCLASSIFIED_COLOUR, "#fff") >= 3


# --------------------------------------------------------------------------------------------
# axe-core on a real report


def test_a_published_report_with_hidden_values_passes_axe_core(published_page, browser, tmp_path):
    if os.environ.get("CI") is None:
        pytest.importorskip("axe_playwright_python")
    from accessibility import assert_accessible, open_report

    path = tmp_path / "published.html"
    path.write_text(published_page, encoding="utf-8")
    context, page = open_report(browser, path)
    try:
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        outcome = assert_accessible(page)
        # table and chart data; the card gives its bound in words instead
        assert page.locator("abbr.sw-c").count() == 4 + 6
    finally:
        context.close()
    assert outcome.rules_checked > 20


def test_a_sample_report_passes_axe_core(demand_run, browser):
    if os.environ.get("CI") is None:
        pytest.importorskip("axe_playwright_python")
    from accessibility import assert_accessible, open_report

    context, page = open_report(browser, next(demand_run.glob("*.html")))
    try:
        collapsed = assert_accessible(page)
        # The data tables too: open every <details> and check again.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        opened = assert_accessible(page)
    finally:
        context.close()
    assert collapsed.rules_run > 80 and opened.rules_checked >= collapsed.rules_checked
    print(f"axe-core: {opened.rules_run} rules run, {opened.rules_checked} applied, "
          f"{len(opened.violations)} violations")


def test_a_cell_ending_in_record_summary_shows_one_line_and_no_out_value(shown):
    from IPython.core.formatters import DisplayFormatter

    summary = record_summary(figures={"contacts": 1204, "hours": 2.5}, warnings=["Dates after today."])
    assert shown[-1]["text/plain"] == "Summary recorded for the run's JSON file: 2 figures, 0 tables and 1 warning."
    # IPython echoes a cell's last value as Out[...] only when it formats to something.
    assert DisplayFormatter().format(summary) == ({}, {})
    assert summary["figures"] == {"contacts": 1204, "hours": 2.5}  # still the summary, as a dict


def test_a_chart_told_what_to_hide_in_a_form_it_cannot_use_says_so_in_words():
    from workbook_helpers.privacy import chart_counts

    frame = pd.DataFrame({"team": ["North", "South", "West"], "cases": [12, 3, 30]})
    with pytest.raises(ParameterError) as raised:
        chart_counts.protect_chart_counts(frame, ["cases"], row_total=False, column_total=True,
                                          hidden=[True, False])
    assert str(raised.value) == ("The chart was told which values to hide in a form it cannot use: it "
                                 "needs a yes or no for each of its table's 3 rows, and was given 2 rows.")
