"""The Making Data Count icons and the summary matrix: meaning in words, not colour alone."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from workbook_helpers.present import charts

from workbook_helpers.present import icons

from workbook_helpers.spc import xmr as spc

SVG = "{http://www.w3.org/2000/svg}"
ALL_ICONS = [*icons.VARIATION_ICONS, *icons.ASSURANCE_ICONS, None]


def _svg_for(icon, **kwargs) -> str:
    if icon in icons.VARIATION_ICONS:
        return icons.variation_svg(icon, **kwargs)
    return icons.assurance_svg(icon, **kwargs)


def _words(icon) -> str:
    return icons.VARIATION_WORDS[icon] if icon in icons.VARIATION_WORDS else icons.ASSURANCE_WORDS[icon]


# --------------------------------------------------------------------------------------------
# icons


def test_the_words_cover_every_icon_spc_can_give():
    assert tuple(icons.VARIATION_WORDS) == spc.VARIATION_ICONS
    assert set(icons.ASSURANCE_WORDS) == {"consistent_pass", "consistent_fail", "inconsistent", "not_judged", None}
    assert icons.ASSURANCE_WORDS[None] == "No target set"
    assert icons.VARIATION_WORDS["improvement_high"].startswith("Improving")
    assert "hit and miss" in icons.ASSURANCE_WORDS["inconsistent"].lower()


@pytest.mark.parametrize("icon", ALL_ICONS)
def test_every_icon_is_an_image_labelled_with_its_meaning(icon):
    svg = _svg_for(icon)
    root = ET.fromstring(svg)  # well-formed, self-contained SVG
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == _words(icon)
    assert root.find(SVG + "title").text == _words(icon)
    assert root.get("width") == root.get("height") == "36"
    assert root.get("aria-hidden") is None
    assert "<script" not in svg and "href" not in svg  # nothing fetched, nothing run


def test_size_and_decorative_icons():
    root = ET.fromstring(icons.variation_svg("common_cause", size=22, decorative=True))
    assert root.get("width") == "22"
    assert root.get("aria-hidden") == "true"
    assert root.find(SVG + "title").text == icons.VARIATION_WORDS["common_cause"]
    with pytest.raises(ValueError, match="size"):
        icons.variation_svg("common_cause", size=0)


def test_icons_differ_by_shape_and_letter_not_only_colour():
    looks = {}
    for icon in ALL_ICONS:
        root = ET.fromstring(_svg_for(icon))
        path = root.find(SVG + "path").get("d")
        text = root.find(SVG + "text")
        looks[icon] = (path, None if text is None else text.text)
    assert len(set(looks.values())) == len(ALL_ICONS)
    assert looks["improvement_high"][1] == looks["concern_high"][1] == looks["neutral_high"][1] == "H"
    assert looks["improvement_low"][1] == "L"
    # Same letter, different shape: improvement, concern and neutral are told apart without colour.
    assert len({looks[i][0] for i in ("improvement_high", "concern_high", "neutral_high")}) == 3
    assert [looks[i][1] for i in icons.ASSURANCE_ICONS] == ["P", "F", "?", None]
    assert looks["common_cause"][1] is None  # a wave, drawn as part of its path
    # No variation: the outline of common cause (and of hit and miss) with a flat bar instead
    # of the wave (or the question mark), so the shape tells them apart.
    assert looks["no_variation"][1] is None and looks["not_judged"][1] is None
    assert looks["no_variation"][0] != looks["common_cause"][0]
    assert looks["not_judged"][0] != looks["inconsistent"][0]


@pytest.mark.parametrize("icon", ALL_ICONS)
def test_icon_colours_meet_wcag_aa(icon):
    style = icons.icon_style(icon)
    assert icons.contrast_ratio(style["text"], style["fill"]) >= 4.5  # the letter
    assert icons.contrast_ratio(style["stroke"], "#ffffff") >= 3  # the outline on the page


def test_icons_are_coloured_from_the_one_palette():
    from workbook_helpers.present import palette

    assert icons.icon_style("improvement_low")["fill"] == palette.IMPROVEMENT_COLOUR == "#0072B2"
    assert icons.icon_style("consistent_fail")["fill"] == palette.CONCERN_COLOUR == "#E69F00"


def test_unknown_icon_names_raise_naming_the_allowed_ones():
    with pytest.raises(ValueError) as error:
        icons.variation_svg("improving")
    for name in icons.VARIATION_ICONS:
        assert f'"{name}"' in str(error.value)
    with pytest.raises(ValueError) as error:
        icons.assurance_svg("pass")
    for name in icons.ASSURANCE_ICONS:
        assert f'"{name}"' in str(error.value)
    with pytest.raises(ValueError, match="variation icon"):
        icons.variation_svg(None)
    with pytest.raises(ValueError, match="assurance icon"):
        icons.icon_pair_html("common_cause", "consistent_pass_maybe")


def test_no_target_is_a_labelled_icon():
    for missing in (None, np.nan):
        root = ET.fromstring(icons.assurance_svg(missing))
        assert root.get("aria-label") == "No target set"


def test_icon_pair_shows_both_meanings_in_words():
    pair = icons.icon_pair_html("improvement_low", "inconsistent")
    text = html.unescape(pair)
    assert icons.VARIATION_WORDS["improvement_low"] in text
    assert icons.ASSURANCE_WORDS["inconsistent"] in text
    assert pair.count("<svg") == 2
    assert pair.count('aria-hidden="true"') == 2  # the words are read, not read twice
    bare = icons.icon_pair_html("concern_high", None, words=False)
    assert bare.count('role="img"') == 2 and "aria-hidden" not in bare
    assert 'class="sw-icon-words"' not in bare


def test_icon_key_lists_every_icon_with_its_words():
    key = html.unescape(icons.icon_key_html())
    for icon in ALL_ICONS:
        assert _words(icon) in key
    assert key.count("<svg") == len(ALL_ICONS)
    assert "[x]" in key
    assert "[x]" not in icons.icon_key_html(missing=False)


# --------------------------------------------------------------------------------------------
# formatting


@pytest.mark.parametrize(
    ("value", "unit", "table", "expected"),
    [
        (1234.4, "count", False, "1,234"),
        (0.6425, "share", False, "64%"),
        (0.6425, "share", True, "64.3%"),
        (18.0, "days", False, "18"),
        (18.46, "days", True, "18.5"),
        (12300, "pounds", False, "£12,300"),
        (-1200, "pounds", False, "-£1,200"),
        (np.nan, "pounds", False, "[x]"),
        (None, "count", False, "[x]"),
    ],
)
def test_fmt_measure(value, unit, table, expected):
    assert icons.fmt_measure(value, unit, table=table) == expected


def test_fmt_measure_rejects_unknown_units():
    with pytest.raises(ValueError, match="count"):
        icons.fmt_measure(1, "percent")


# --------------------------------------------------------------------------------------------
# summary matrix


class _Table(HTMLParser):
    """Collects the table's caption, header cells and body rows (cells as text outside the
    icons, with scope)."""

    def __init__(self):
        super().__init__()
        self.caption, self.head, self.rows = "", [], []
        self._in, self._cell, self._section, self._scope = None, None, None, None
        self._svg = 0
        self.attrs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attrs.setdefault(tag, attrs)
        if tag == "svg":
            self._svg += 1
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr" and self._section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell, self._scope = "", (tag, attrs.get("scope"))

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        elif tag == "caption":
            self._in = None
        elif tag in ("th", "td") and self._cell is not None:
            cell = (self._scope, self._cell.strip())
            (self.head if self._section == "thead" else self.rows[-1]).append(cell)
            self._cell = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._cell is not None and not self._svg:
            self._cell += data


LABELS = {
    "open_items": "Open work items",
    "completed_on_time_share": "Completed by the due date",
    "median_days_to_complete": "Median days to complete",
    "spend_actual": "Spending in the month",
}
FORMATS = {"completed_on_time_share": "share", "median_days_to_complete": "days", "spend_actual": "pounds"}
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def matrix() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("North", "spend_actual", 12300.0, "neutral_high", None),
            ("North", "open_items", 1234.0, "improvement_low", "consistent_pass"),
            ("North", "completed_on_time_share", 0.642, "concern_low", "inconsistent"),
            ("North", "median_days_to_complete", 18.5, "common_cause", "consistent_fail"),
            (SCRIPT, "open_items", np.nan, None, None),
            (SCRIPT, "median_days_to_complete", 21.0, "improvement_low", np.nan),
            ("South & West", "spend_actual", 99000.0, "neutral_low", None),
            ("South & West", "not_shown", 5.0, "common_cause", None),
        ],
        columns=["team", "measure", "latest", "variation", "assurance"],
    )


def test_matrix_has_a_row_per_team_and_a_column_per_measure_in_order(matrix):
    out = icons.summary_matrix_html(matrix, LABELS, FORMATS)
    table = _Table()
    table.feed(out)
    assert table.head == [(("th", "col"), "Team")] + [(("th", "col"), label) for label in LABELS.values()]
    assert [row[0] for row in table.rows] == [
        (("th", "row"), "North"), (("th", "row"), SCRIPT), (("th", "row"), "South & West")
    ]
    assert all(len(row) == 1 + len(LABELS) for row in table.rows)
    assert table.caption == "Latest value, variation and assurance for each measure, by team"


def test_matrix_formats_values_and_shows_missing_as_x(matrix):
    table = _Table()
    table.feed(icons.summary_matrix_html(matrix, LABELS, FORMATS))
    north, script, south = ([text for _, text in row[1:]] for row in table.rows)
    assert north == ["1,234", "64.2%", "18.5", "£12,300"]
    assert script == ["[x]", "[x]", "21", "[x]"]  # a missing value, and measures with no row
    assert south == ["[x]", "[x]", "[x]", "£99,000"]


def test_matrix_cells_carry_both_icons(matrix):
    out = icons.summary_matrix_html(matrix, LABELS, FORMATS)
    # 4 + 1 + 1 cells with a variation icon, each with its assurance icon too.
    assert out.count("<svg") == 12
    assert out.count('width="22"') == 12
    for icon in ("improvement_low", "concern_low", "common_cause", "neutral_high", "neutral_low"):
        assert f'aria-label="{icons.VARIATION_WORDS[icon]}"' in out
    assert f'aria-label="{icons.ASSURANCE_WORDS["consistent_fail"]}"' in out
    assert f'aria-label="{icons.ASSURANCE_WORDS[None]}"' in out


def test_matrix_escapes_text_from_the_data(matrix):
    out = icons.summary_matrix_html(
        matrix, {**LABELS, "open_items": "Open <b>items</b>"}, FORMATS, caption="Teams <i>now</i>"
    )
    assert "<script" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "South &amp; West" in out


def test_matrix_scrolls_sideways_and_follows_the_table_conventions(matrix):
    out = icons.summary_matrix_html(matrix, LABELS, FORMATS)
    table = _Table()
    table.feed(out)
    assert table.attrs["div"]["class"] == "sw-table-scroll"
    assert table.attrs["div"]["role"] == "region" and table.attrs["div"]["tabindex"] == "0"
    assert table.attrs["div"]["aria-label"] == table.caption
    assert table.attrs["table"]["class"] == "sw-table sw-matrix"
    assert 'class="num sw-matrix-cell"' in out


def test_matrix_checks_its_arguments(matrix):
    with pytest.raises(ValueError, match="assurance"):
        icons.summary_matrix_html(matrix.drop(columns="assurance"), LABELS)
    with pytest.raises(ValueError, match="pounds"):
        icons.summary_matrix_html(matrix, LABELS, {"spend_actual": "money"})
    bad = matrix.copy()
    bad.loc[0, "variation"] = "improving"
    with pytest.raises(ValueError, match="improvement_high"):
        icons.summary_matrix_html(bad, LABELS, FORMATS)
