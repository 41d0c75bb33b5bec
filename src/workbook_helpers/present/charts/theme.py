"""The suite's chart theme (fonts, the colour-blind-safe palette, British date formats) and
renderer, and the small helpers every chart builder shares.

The theme is switched on when :mod:`workbook_helpers.present.charts` is imported (its
``__init__`` calls :func:`use_theme`), as it was when the charts were one module.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from workbook_helpers.outputs import VEGALITE_MIMETYPE
from workbook_helpers.present.palette import FONT, GRID_COLOUR, INK, MUTED, VALUE_COLOUR
from workbook_helpers.present.palette import CATEGORIES as PALETTE


THEME = "service_workbooks"
DATE_FORMAT = "%-d %b %Y"  # 1 Apr 2024
WIDTH = 560


def _theme() -> alt.theme.ThemeConfig:
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "gridColor": GRID_COLOUR,
        "domainColor": MUTED,
        "tickColor": MUTED,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 260},
            "title": {
                "font": FONT, "fontSize": 15, "fontWeight": "bold", "color": INK,
                "anchor": "start", "subtitleColor": MUTED, "subtitleFontSize": 12,
            },
            "axis": axis,
            "legend": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                "labelColor": INK, "titleColor": INK, "orient": "top",
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "labelColor": INK},
            "range": {"category": PALETTE},
            "bar": {"color": VALUE_COLOUR},
            "line": {"color": VALUE_COLOUR, "strokeWidth": 2},
            "point": {"color": VALUE_COLOUR, "filled": True, "size": 45},
            "text": {"font": FONT, "fontSize": 11, "color": INK},
            "timeFormat": DATE_FORMAT,
            "locale": {
                "number": {
                    "decimal": ".", "thousands": ",", "grouping": [3], "currency": ["£", ""],
                },
                "time": {
                    "dateTime": "%a %e %b %X %Y", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                    "periods": ["AM", "PM"],
                    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                             "Saturday"],
                    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                    "months": ["January", "February", "March", "April", "May", "June", "July",
                               "August", "September", "October", "November", "December"],
                    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                    "Sep", "Oct", "Nov", "Dec"],
                },
            },
        }
    }


def renderer(spec: dict, **metadata) -> dict:
    """A chart's output: its Vega-Lite spec (which the report draws from) and, for JupyterLab, the
    chart drawn here in the kernel as an image (no script, no network: see
    :func:`workbook_helpers.present.chart_svg.notebook_picture`).

    JupyterLab 4 has no renderer for Vega-Lite 6, so the image is what it shows; the report reads
    the spec and draws the chart itself, and never shows the image as well.
    """
    from workbook_helpers.present.chart_svg import notebook_picture

    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    bundle = {
        VEGALITE_MIMETYPE: spec,
        "text/plain": f"Chart: {title or spec.get('description') or 'untitled'}",
    }
    try:
        bundle["text/html"] = notebook_picture(spec)
    except Exception as error:  # the report draws it again, and says so if it cannot
        bundle["text/plain"] += f" (it could not be drawn here: {type(error).__name__})"
    return bundle


def use_theme() -> None:
    """Switch on the suite's chart theme and renderer (done on import of
    :mod:`workbook_helpers.present.charts`)."""
    alt.theme.register(THEME, enable=True)(_theme)
    alt.renderers.register(THEME, renderer)
    alt.renderers.enable(THEME)
    alt.data_transformers.disable_max_rows()



def titled(chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | None = None):
    heading = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def records(frame: pd.DataFrame) -> alt.Data:
    """Embed a small frame as inline values with dates as ISO strings (no index, no row numbers)."""
    clean = frame.copy()
    for column in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[column]):
            clean[column] = clean[column].dt.strftime("%Y-%m-%d")
    return alt.Data(values=json.loads(clean.to_json(orient="records")))


def dataset(frame: pd.DataFrame) -> pd.DataFrame:
    """As :func:`records`, but kept as a frame: Altair writes it once into the spec's
    ``datasets`` and shares it between layers, where inline values would be copied for every
    layer and panel while the chart is put together (slow for a grid of many panels)."""
    clean = frame.copy().reset_index(drop=True)
    for column in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[column]):
            clean[column] = clean[column].dt.strftime("%Y-%m-%d")
    return clean


def with_note(description: str, note: str) -> str:
    return f"{description.rstrip()} {note}".strip() if note else description


def protected_frame(table: object) -> tuple[pd.DataFrame, str]:
    """A chart's frame and the sentence to add to its description: ``table`` is either a frame,
    drawn as it is, or the pair ``(frame, note)`` the audience layer
    (:mod:`workbook_helpers.privacy.chart_counts`) made of a frame of counts."""
    if isinstance(table, pd.DataFrame):
        return table, ""
    frame, note = table
    return frame, note
