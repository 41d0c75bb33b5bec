"""The suite's colours and font, in one place: the charts' theme (:mod:`workbook_helpers.present.charts`),
the icons (:mod:`workbook_helpers.present.icons`), the comparison table's verdicts
(:mod:`workbook_helpers.present.comparison_table`), and the CSS of the reports and the batch index
(:mod:`workbook_helpers.report.html`, :mod:`workbook_helpers.report.index`) all take them from here.

Chart colours are the Okabe-Ito colour-blind-safe set; the page colours are GOV.UK's, with
contrast on white given where it matters. Nothing here imports anything, so any module may use it.
"""

from __future__ import annotations

FONT = "Arial, Helvetica, sans-serif"

# The page
INK = "#1a1a1a"  # body text, 17:1 on white
MUTED = "#505a5f"  # secondary text, 7.0:1 on white and 6.3:1 on the note boxes
WHITE = "#ffffff"
PAGE = "#fff"  # the page behind the report (white, as CSS writes it)
LINK = "#1d70b8"  # links and accents, 5.2:1 on white
RULE = "#b1b4b6"  # borders and rules
NOTE_BACKGROUND = "#f3f2f1"
FOCUS = "#ffdd00"  # the keyboard focus ring's halo
ERROR = "#d4351c"  # a failed run on the index
WORSE = "#B35900"  # a change for the worse in the comparison table and chart, 4.8:1 on white
QUOTE = "#333"

# The charts
VALUE_COLOUR = "#0072B2"  # Okabe-Ito blue
FAILURE_COLOUR = "#D55E00"  # Okabe-Ito vermillion
UNCLASSIFIED_COLOUR = "#767676"  # grey, 4.5:1 on white (graphics need 3:1 to be seen)
IMPROVEMENT_COLOUR = "#0072B2"
CONCERN_COLOUR = "#E69F00"  # Okabe-Ito orange, as Making Data Count uses orange for concern
NEUTRAL_COLOUR = "#882D9E"  # purple
COMMON_COLOUR = "#6b7378"
TARGET_COLOUR = "#009E73"  # Okabe-Ito bluish green, dash-dot: the target line
TARGET_TEXT_COLOUR = "#00704f"  # a darker green for the target's label (6.1:1 on white)
GRID_COLOUR = "#e5e5e5"
PALE = "#b0b0b0"  # a pale grey: the case timeline's "other" activities
#: Categories in order (the Okabe-Ito set, then purple and grey).
CATEGORIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882D9E", "#6b7378"]


def css(template: str) -> str:
    """``template`` with ``$ink``, ``$muted``, ``$link``, ``$rule``, ``$note``, ``$focus``,
    ``$error``, ``$quote``, ``$white``, ``$page`` and ``$font`` replaced by the palette's values (CSS has braces
    of its own, so the placeholders are ``$name``)."""
    from string import Template

    return Template(template).substitute(
        ink=INK, muted=MUTED, link=LINK, rule=RULE, note=NOTE_BACKGROUND, focus=FOCUS, error=ERROR,
        quote=QUOTE, white=WHITE, page=PAGE, font=FONT,
    )
