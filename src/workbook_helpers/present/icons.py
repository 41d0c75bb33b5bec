"""The *Making Data Count* variation and assurance icons, drawn as small inline SVGs of our own
design, and the summary matrix that shows them for every team and measure.

Colour is never the only cue. Every icon also has its own outline shape and a letter or symbol:

======================  ======  =========================================  ============
icon                    colour  shape                                      letter
======================  ======  =========================================  ============
common_cause            grey    circle                                     a wave
improvement_high / low  blue    circle with an arrow cut out, up or down   H / L
concern_high / low      orange  square with an arrow cut out, up or down   H / L
neutral_high / low      purple  hexagon with an arrow cut out, up or down  H / L
no_variation            grey    circle with a flat bar cut out             (none)
consistent_pass         blue    shield                                     P
consistent_fail         orange  octagon (a stop sign)                      F
inconsistent            grey    diamond                                    ?
not_judged              grey    diamond with a flat bar cut out            (none)
no target (``None``)    white   circle, dashed outline                     a dash
======================  ======  =========================================  ============

``no_variation`` and ``not_judged`` are this suite's own, not *Making Data Count*'s: a chart whose
values hardly change has no variation to judge limits from (see :mod:`workbook_helpers.spc.xmr`),
so its latest point is neither common nor special cause and a target cannot be judged against
its limits. The flat bar, where common cause has a wave, says "no variation" in both places.

The colours are those of :mod:`workbook_helpers.present.charts` (Okabe-Ito, colour-blind safe); letters
are white on blue, purple and grey and near-black on orange, all at least 4.5:1 (WCAG AA), and
every outline is dark enough (3:1) to stand out from a white page. Each SVG has ``role="img"``,
an ``aria-label`` and a ``<title>`` giving its meaning in words (:data:`VARIATION_WORDS`,
:data:`ASSURANCE_WORDS`).

The outlines are kept as paths in a square from -1 to 1, the form Vega takes for a custom point
shape, so :func:`workbook_helpers.present.charts.xmr_with_icons` draws the very same icons in a chart.

This module does not import Altair: the matrix and the icons are plain HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from workbook_helpers.privacy import audience
from workbook_helpers.privacy.disclosure import SUPPRESSED
from workbook_helpers.formatting import MISSING, esc, fmt_int, fmt_money, fmt_number, fmt_pct, is_missing, symbol_html


__all__ = [
    "ASSURANCE_ICONS",
    "ASSURANCE_WORDS",
    "UNITS",
    "VARIATION_ICONS",
    "VARIATION_WORDS",
    "assurance_svg",
    "fmt_measure",
    "icon_key_html",
    "icon_pair_html",
    "summary_matrix_html",
    "variation_svg",
]

# One palette for charts, icons and pages (workbook_helpers.present.palette, which needs no Altair).
from workbook_helpers.present.palette import COMMON_COLOUR, CONCERN_COLOUR, FONT, IMPROVEMENT_COLOUR, INK, MUTED, NEUTRAL_COLOUR, WHITE  # noqa: E402,F401
# The icons SPC can give are named where it gives them, once.
from workbook_helpers.spc.xmr import ASSURANCE_ICONS, VARIATION_ICONS  # noqa: E402

#: How a measure's values are written: see :func:`fmt_measure`.
UNITS: tuple[str, ...] = ("count", "share", "days", "pounds")

#: What each variation icon means, in short plain words.
VARIATION_WORDS: dict[str, str] = {
    "common_cause": "No significant change: common-cause variation only",
    "improvement_high": "Improving: special-cause variation, higher is better",
    "improvement_low": "Improving: special-cause variation, lower is better",
    "concern_high": "Concern: special-cause variation, higher where lower is better",
    "concern_low": "Concern: special-cause variation, lower where higher is better",
    "neutral_high": "Unusually high: special-cause variation, neither direction is better",
    "neutral_low": "Unusually low: special-cause variation, neither direction is better",
    "no_variation": "No variation to judge limits from: the value hardly changes from one period "
    "to the next",
}
#: What each assurance icon means, in short plain words; ``None`` is a measure with no target.
ASSURANCE_WORDS: dict[str | None, str] = {
    "consistent_pass": "Meeting the target consistently",
    "consistent_fail": "Missing the target consistently: it will not be met without change",
    "inconsistent": "Hit and miss: the target will be met and missed at random",
    "not_judged": "Not judged: with no variation to judge limits from, the target cannot be "
    "judged against them",
    None: "No target set",
}


# --------------------------------------------------------------------------------------------
# Shapes, in a square from -1 to 1 (y downwards). Outlines run clockwise; the arrows and the wave
# run anticlockwise, so under the default (non-zero) fill rule they are cut out of the outline.

_CIRCLE = "M0,-1 A1,1 0 1,1 0,1 A1,1 0 1,1 0,-1 Z"
_SQUARE = (
    "M-0.72,-0.9 L0.72,-0.9 Q0.9,-0.9 0.9,-0.72 L0.9,0.72 Q0.9,0.9 0.72,0.9 "
    "L-0.72,0.9 Q-0.9,0.9 -0.9,0.72 L-0.9,-0.72 Q-0.9,-0.9 -0.72,-0.9 Z"
)
_HEXAGON = "M0,-1 L0.88,-0.5 L0.88,0.5 L0,1 L-0.88,0.5 L-0.88,-0.5 Z"
_SHIELD = "M-0.86,-0.92 L0.86,-0.92 L0.86,0.02 C0.86,0.5 0.42,0.8 0,1 C-0.42,0.8 -0.86,0.5 -0.86,0.02 Z"
_OCTAGON = "M-0.41,-1 L0.41,-1 L1,-0.41 L1,0.41 L0.41,1 L-0.41,1 L-1,0.41 L-1,-0.41 Z"
_DIAMOND = "M0,-1 L1,0 L0,1 L-1,0 Z"
_ARROW_UP = " M0,-0.74 L-0.3,-0.4 L0.3,-0.4 Z"
_ARROW_DOWN = " M0,0.72 L0.3,0.38 L-0.3,0.38 Z"
_FLAT = " M-0.62,0.1 L0.62,0.1 L0.62,-0.1 L-0.62,-0.1 Z"  # fits the circle
_FLAT_SHORT = " M-0.5,0.1 L0.5,0.1 L0.5,-0.1 L-0.5,-0.1 Z"  # fits the diamond
_WAVE = (
    " M-0.62,0.1 C-0.42,-0.32 -0.22,-0.32 0,0.1 C0.22,0.52 0.42,0.52 0.62,0.1"
    " L0.62,-0.14 C0.42,0.28 0.22,0.28 0,-0.14 C-0.22,-0.56 -0.42,-0.56 -0.62,-0.14 Z"
)


class _Style:
    """How one icon looks: its path, colours and letter (with the letter's baseline, as a
    fraction of the half-width below the centre)."""

    def __init__(self, path: str, fill: str, letter: str, text: str, baseline: float,
                 stroke: str | None = None, dashed: bool = False):
        self.path = path
        self.fill = fill
        self.letter = letter
        self.text = text
        self.baseline = baseline
        self.stroke = stroke or _darker(fill)
        self.dashed = dashed


def _darker(colour: str, factor: float = 0.62) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in (red, green, blue))


_HIGH_BASELINE, _LOW_BASELINE, _MIDDLE_BASELINE = 0.46, 0.2, 0.3

_STYLES: dict[str | None, _Style] = {
    "common_cause": _Style(_CIRCLE + _WAVE, COMMON_COLOUR, "", WHITE, _MIDDLE_BASELINE),
    "improvement_high": _Style(_CIRCLE + _ARROW_UP, IMPROVEMENT_COLOUR, "H", WHITE, _HIGH_BASELINE),
    "improvement_low": _Style(_CIRCLE + _ARROW_DOWN, IMPROVEMENT_COLOUR, "L", WHITE, _LOW_BASELINE),
    "concern_high": _Style(_SQUARE + _ARROW_UP, CONCERN_COLOUR, "H", INK, _HIGH_BASELINE),
    "concern_low": _Style(_SQUARE + _ARROW_DOWN, CONCERN_COLOUR, "L", INK, _LOW_BASELINE),
    "neutral_high": _Style(_HEXAGON + _ARROW_UP, NEUTRAL_COLOUR, "H", WHITE, _HIGH_BASELINE),
    "neutral_low": _Style(_HEXAGON + _ARROW_DOWN, NEUTRAL_COLOUR, "L", WHITE, _LOW_BASELINE),
    "no_variation": _Style(_CIRCLE + _FLAT, COMMON_COLOUR, "", WHITE, _MIDDLE_BASELINE),
    "consistent_pass": _Style(_SHIELD, IMPROVEMENT_COLOUR, "P", WHITE, 0.24),
    "consistent_fail": _Style(_OCTAGON, CONCERN_COLOUR, "F", INK, _MIDDLE_BASELINE),
    "inconsistent": _Style(_DIAMOND, COMMON_COLOUR, "?", WHITE, _MIDDLE_BASELINE),
    "not_judged": _Style(_DIAMOND + _FLAT_SHORT, COMMON_COLOUR, "", WHITE, _MIDDLE_BASELINE),
    None: _Style(_CIRCLE, WHITE, "\u2013", MUTED, _MIDDLE_BASELINE, stroke=MUTED, dashed=True),
}


def icon_style(icon: str | None) -> dict:
    """What :func:`workbook_helpers.present.charts.xmr_with_icons` needs to draw ``icon`` (a variation
    or assurance icon, or None for no target) as a chart mark: the outline ``path`` (from -1 to
    1), ``fill``, ``stroke``, ``dashed``, ``letter``, letter colour ``text``, letter ``baseline``
    (below the centre, in half-widths) and ``words``."""
    key = _check_any(icon)
    style = _STYLES[key]
    return {
        "path": style.path, "fill": style.fill, "stroke": style.stroke, "dashed": style.dashed,
        "letter": style.letter, "text": style.text, "baseline": style.baseline,
        "words": VARIATION_WORDS.get(key) if key in VARIATION_WORDS else ASSURANCE_WORDS[key],
    }


# --------------------------------------------------------------------------------------------
# Checking names


def _quoted(options) -> str:
    return ", ".join(f'"{option}"' for option in options)


def _check_variation(icon: object) -> str:
    if not isinstance(icon, str) or icon not in VARIATION_WORDS:
        raise ValueError(
            f"variation icon must be one of {_quoted(VARIATION_ICONS)}, not {icon!r}."
        )
    return icon


def _check_assurance(assurance: object) -> str | None:
    if is_missing(assurance):
        return None
    if not isinstance(assurance, str) or assurance not in ASSURANCE_ICONS:
        raise ValueError(
            f"assurance icon must be one of {_quoted(ASSURANCE_ICONS)} or None (no target), "
            f"not {assurance!r}."
        )
    return assurance


def _check_any(icon: object) -> str | None:
    if isinstance(icon, str) and icon in VARIATION_WORDS:
        return icon
    if is_missing(icon) or (isinstance(icon, str) and icon in ASSURANCE_ICONS):
        return None if is_missing(icon) else icon
    raise ValueError(
        f"icon must be one of {_quoted(VARIATION_ICONS + ASSURANCE_ICONS)} or None (no target), "
        f"not {icon!r}."
    )


# --------------------------------------------------------------------------------------------
# SVG

_TOKEN = re.compile(r"[MLCQAZ]|-?\d*\.?\d+")


def _scaled_path(path: str, scale: float, centre: float) -> str:
    """``path`` (absolute M, L, C, Q, A and Z commands; coordinates from -1 to 1) scaled by
    ``scale`` and moved to ``centre``, for an SVG box."""
    out: list[str] = []
    command, position = "", 0
    for token in _TOKEN.findall(path):
        if token.isalpha():
            command, position = token, 0
            out.append(token)
            continue
        number = float(token)
        index = position % 7 if command == "A" else None
        position += 1
        if index in (2, 3, 4):  # an arc's rotation and flags stay as they are
            out.append(token)
            continue
        number = number * scale + (0 if index in (0, 1) else centre)  # arc radii are not moved
        out.append(f"{number:.2f}".rstrip("0").rstrip("."))
    return " ".join(out)


def _svg(key: str | None, words: str, size: int, decorative: bool) -> str:
    if not isinstance(size, (int, float)) or isinstance(size, bool) or not 8 <= size <= 400:
        raise ValueError(f"size must be a number of pixels from 8 to 400, not {size!r}.")
    style = _STYLES[key]
    box, half = 36, 16.5
    path = _scaled_path(style.path, half, box / 2)
    dash = ' stroke-dasharray="3 2.2"' if style.dashed else ""
    label = html.escape(words, quote=True)
    letter = ""
    if style.letter:
        letter = (
            f'<text x="18" y="{18 + style.baseline * half:.1f}" text-anchor="middle" '
            f'font-family="{FONT}" font-size="15" font-weight="bold" fill="{style.text}">'
            f"{html.escape(style.letter)}</text>"
        )
    hidden = ' aria-hidden="true" focusable="false"' if decorative else ""
    name = (key or "no_target").replace("_", "-")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sw-icon sw-icon-{name}" role="img" '
        f'aria-label="{label}"{hidden} width="{size:g}" height="{size:g}" viewBox="0 0 {box} {box}" '
        f'style="vertical-align:middle;flex:none"><title>{label}</title>'
        f'<path d="{path}" fill="{style.fill}" stroke="{style.stroke}" stroke-width="1.2"{dash}/>'
        f"{letter}</svg>"
    )


def variation_svg(icon: str, size: int = 36, decorative: bool = False) -> str:
    """The variation icon ``icon`` (one of :data:`VARIATION_ICONS`) as an inline SVG ``size``
    pixels square, labelled with its meaning (:data:`VARIATION_WORDS`).

    ``decorative=True`` hides it from screen readers, for when its words are shown beside it.
    Raises ValueError naming the icons for an unknown name.
    """
    icon = _check_variation(icon)
    return _svg(icon, VARIATION_WORDS[icon], size, decorative)


def assurance_svg(assurance: str | None, size: int = 36, decorative: bool = False) -> str:
    """The assurance icon (one of :data:`ASSURANCE_ICONS`) as an inline SVG ``size`` pixels
    square, labelled with its meaning (:data:`ASSURANCE_WORDS`).

    ``None`` (or a missing value) means the measure has no target: it gives a plain white
    circle with a dashed outline and a dash, labelled "No target set", so a row of icons keeps
    its shape and the reader is told there is no target rather than left to guess.
    Raises ValueError naming the icons for an unknown name.
    """
    key = _check_assurance(assurance)
    return _svg(key, ASSURANCE_WORDS[key], size, decorative)


# --------------------------------------------------------------------------------------------
# HTML


def icon_pair_html(variation: str, assurance: str | None, words: bool = True, size: int = 36) -> str:
    """The variation and assurance icons side by side; with ``words``, each with its meaning
    written beside it (the icons are then hidden from screen readers, which read the words)."""
    variation = _check_variation(variation)
    key = _check_assurance(assurance)
    if not words:
        return (
            f'<span class="sw-icon-pair">{variation_svg(variation, size)} '
            f"{assurance_svg(key, size)}</span>"
        )
    items = [
        (variation_svg(variation, size, decorative=True), "Variation", VARIATION_WORDS[variation]),
        (assurance_svg(key, size, decorative=True), "Assurance", ASSURANCE_WORDS[key]),
    ]
    inner = "".join(
        f'<span class="sw-icon-item">{svg} <span class="sw-icon-words">'
        f'<span class="sw-icon-kind">{kind}:</span> {html.escape(text)}</span></span>'
        for svg, kind, text in items
    )
    return f'<div class="sw-icon-pair sw-icon-pair-words">{inner}</div>'


def icon_key_html(size: int = 22, missing: bool = True) -> str:
    """A key to every icon with its words, for the foot of a summary matrix; with ``missing``,
    also what ``[x]`` means."""
    def entries(svgs_and_words):
        return "".join(
            f'<li>{svg} <span class="sw-icon-words">{html.escape(text)}</span></li>'
            for svg, text in svgs_and_words
        )

    variation = entries(
        (variation_svg(icon, size, decorative=True), VARIATION_WORDS[icon]) for icon in VARIATION_ICONS
    )
    assurance = entries(
        (assurance_svg(icon, size, decorative=True), ASSURANCE_WORDS[icon])
        for icon in (*ASSURANCE_ICONS, None)
    )
    foot = (
        f'<p class="sw-icon-key-note">{symbol_html(MISSING)}: not available '
        "(no data for the period, or too few points for a chart).</p>" if missing else ""
    )
    return (
        '<div class="sw-icon-key"><p class="sw-icon-key-title"><strong>Key to the icons</strong></p>'
        '<p class="sw-icon-key-heading">Variation (how the latest point compares with the usual '
        f'range)</p><ul class="sw-icon-list">{variation}</ul>'
        '<p class="sw-icon-key-heading">Assurance (whether the target will be met)</p>'
        f'<ul class="sw-icon-list">{assurance}</ul>{foot}</div>'
    )


def fmt_measure(value: object, unit: str = "count", table: bool = False) -> str:
    """A measure's value written for people by its unit (one of :data:`UNITS`): ``count``
    ``"1,234"``; ``share`` ``"64%"`` (``"64.2%"`` with ``table``, as tables take one decimal
    place); ``days`` ``"18"`` or ``"18.5"`` (one decimal place at most); ``pounds``
    ``"£12,300"``. Missing values give ``"[x]"``."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {_quoted(UNITS)}, not {unit!r}.")
    if unit == "share":
        return fmt_pct(value, 1 if table else 0)
    if unit == "pounds":
        return fmt_money(value)
    if unit == "days":
        text = fmt_number(value, 1)
        return text[:-2] if text.endswith(".0") else text
    return fmt_int(value)


def summary_matrix_html(
    matrix: pd.DataFrame,
    measure_labels: Mapping[str, str],
    value_formats: Mapping[str, str] | None = None,
    caption: str = "Latest value, variation and assurance for each measure, by team",
    icon_size: int = 22,
) -> str:
    """A table of teams (rows) by measures (columns): each cell shows the latest value, written
    for people, and the variation and assurance icons.

    Parameters
    ----------
    matrix
        Tidy: one row per team and measure, columns ``team``, ``measure`` (a key of
        ``measure_labels``), ``latest`` (a number, or missing), ``variation`` (a variation icon,
        or missing when there is no chart) and ``assurance`` (an assurance icon, or missing when
        there is no target).
    measure_labels
        Measure key -> column heading, in the order the columns are shown. Rows for measures not
        named here are left out.
    value_formats
        Measure key -> unit (``count``, ``share``, ``days`` or ``pounds``); ``count`` when not
        given.
    caption
        The table's caption.

    Returns the table inside a ``div`` of class ``sw-table-scroll`` (a keyboard-focusable region
    named by the caption) that scrolls sideways on a narrow screen. Teams keep the order they
    first appear in; a team with no row for a measure shows ``[x]``. Every text from the data is
    escaped.
    """
    missing = [c for c in ("team", "measure", "latest", "variation", "assurance") if c not in matrix]
    if missing:
        raise ValueError(f"matrix is missing column(s) {', '.join(missing)}.")
    formats = dict(value_formats or {})
    for key, unit in formats.items():
        if unit not in UNITS:
            raise ValueError(f"value_formats[{key!r}] must be one of {_quoted(UNITS)}, not {unit!r}.")
    measures = list(measure_labels)
    cells: dict[tuple[str, str], pd.Series] = {}
    teams: list[str] = []
    for row in matrix.itertuples(index=False):
        team = "" if is_missing(row.team) else str(row.team)
        if team not in teams:
            teams.append(team)
        cells[(team, str(row.measure))] = row

    head = '<th scope="col">Team</th>' + "".join(
        f'<th scope="col" class="num">{esc(measure_labels[key])}</th>' for key in measures
    )
    body = []
    for team in teams:
        row_cells = [f'<th scope="row">{esc(team)}</th>']
        for key in measures:
            record = cells.get((team, key))
            unit = formats.get(key, "count")
            latest = None if record is None else record.latest
            text = fmt_measure(latest, unit, table=True)
            if unit == "count" and audience.hides(latest):  # a small count, in a public report
                text = symbol_html(SUPPRESSED)
            elif text == MISSING:
                text = symbol_html(MISSING)
            icons = ""
            if record is not None and not is_missing(record.variation):
                icons = (
                    f' <span class="sw-icon-pair">{variation_svg(record.variation, icon_size)}'
                    f"{assurance_svg(record.assurance, icon_size)}</span>"
                )
            row_cells.append(
                f'<td class="num sw-matrix-cell"><span class="sw-matrix-value">{text}</span>{icons}</td>'
            )
        body.append("<tr>" + "".join(row_cells) + "</tr>")
    label = html.escape(caption, quote=True)
    return (
        f'<div class="sw-table-scroll" role="region" aria-label="{label}" tabindex="0">'
        f'<table class="sw-table sw-matrix"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    def luminance(colour: str) -> float:
        channels = []
        for i in (1, 3, 5):
            c = int(colour[i:i + 2], 16) / 255
            channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

