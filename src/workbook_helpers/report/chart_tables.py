"""The data behind a chart, as tables a reader can open under it in the report.

A static chart has no tooltips, and a screen reader cannot read an SVG's bars: the exact figures
each chart was given are written out as HTML tables in a ``<details>`` block, collapsed by default
(:func:`chart_data_tables`), read from the chart's own Vega-Lite spec, so they show exactly what
the chart shows. :mod:`workbook_helpers.report.html` puts them under each chart.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import datetime

from workbook_helpers.formatting import HIDDEN, MISSING, fmt_date_short, fmt_int, fmt_money, fmt_number, fmt_pct, symbol_html


#: At most this many rows of a chart's data are written out in its table.
DATA_TABLE_ROWS = 200
# Channels whose fields are the chart's data, in the order their columns are shown (after the
# tooltip's, which the chart builders list in a reading order). Text labels, sort orders and
# grouping details repeat other fields or are internal, so they are left out.
_CHANNELS = ("facet", "row", "column", "y", "x", "color", "shape", "size", "y2", "x2",
             "theta", "fill", "stroke", "strokeDash", "opacity")
_POSITIONAL = ("x", "y")


def chart_data_tables(spec: dict, title: str) -> str:
    """The data behind a chart, as HTML tables in a ``<details>`` block collapsed by default
    ("" when the chart has no inline data to show).

    The data come from the chart's spec as Vega-Lite carries them (top-level ``datasets``
    and inline ``data.values``), so the tables show exactly what the chart was given:

    - one table for each data set that some mark draws from, in the order the chart uses them
      (a layered or concatenated chart may draw on several: a table each, captioned with the
      chart's title and the part's own title); panels drawn only as decoration (both
      positions without an axis, such as the icon panel beside an XmR chart) and data sets
      with a single field (such as the zero line of an estimation chart) are left out;
    - the columns are the fields the marks encode, in the order of their tooltips, then by
      channel; headed with their tooltip, axis or legend titles;
    - numbers in the house style: shares as percentages to one decimal place, pounds as
      ``£12,300``, whole numbers with separators, dates as ``1 Apr 2024`` (``Apr 2024`` for
      months);
    - a value the chart hides to protect privacy (blank in a row whose ``suppressed`` flag is
      set: see :mod:`workbook_helpers.present.charts`) shows as ``[c]``; any other blank as ``[x]``;
    - every value escaped; at most :data:`DATA_TABLE_ROWS` rows, with a sentence saying how
      many more there are.
    """
    sources = _chart_sources(spec)
    tables = []
    for number, (records, fields, part) in enumerate(sources, 1):
        caption = f"The data behind the chart \u201c{title}\u201d"
        if part and part != title:
            caption += f": {part}"
        elif len(sources) > 1:
            caption += f" (part {number} of {len(sources)})"
        tables.append(_data_table(records, fields, caption))
    if not tables:
        return ""
    return (
        '<details class="sw-chart-data"><summary>The data behind this chart</summary>'
        + "".join(tables) + "</details>"
    )


def title_text(title: object) -> str | None:
    """A Vega-Lite title's text on one line (a title may be a mapping or a list of lines); None for none."""
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else None


def _chart_sources(spec: dict) -> list[tuple[list[dict], list[dict], str | None]]:
    """(records, fields, part title) for each data set the chart's marks draw from."""
    datasets = spec.get("datasets") or {}
    found: dict[str, dict] = {}

    def records_of(data: object) -> tuple[str, list[dict]] | None:
        if not isinstance(data, dict):
            return None
        if isinstance(data.get("values"), list):
            values = data["values"]
        elif isinstance(data.get("name"), str) and isinstance(datasets.get(data["name"]), list):
            values = datasets[data["name"]]
        else:
            return None  # a URL or a generator: nothing inline to show
        if not all(isinstance(row, dict) for row in values):
            return None
        key = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
        return key, values

    def visit(node: object, data: object, encoding: dict, part: str | None) -> None:
        if not isinstance(node, dict):
            return
        data = node.get("data", data)
        part = title_text(node.get("title")) or part
        own = node.get("encoding") if isinstance(node.get("encoding"), dict) else {}
        merged = {**encoding, **own}
        if "mark" in node:
            source = records_of(data)
            if source and not _decorative(merged):
                key, values = source
                entry = found.setdefault(key, {"records": values, "fields": {}, "part": part, "tips": []})
                tips = _add_fields(entry["fields"], merged)
                if len(tips) > len(entry["tips"]):
                    entry["tips"] = tips
        for child in node.get("layer", []) or []:
            visit(child, data, merged, part)  # a layer's children share its encoding
        for key in ("concat", "hconcat", "vconcat"):
            for child in node.get(key, []) or []:
                visit(child, data, {}, part)
        if isinstance(node.get("spec"), dict):  # a facet: its fields head the panels
            facet = node.get("facet") or {}
            shared = ({"facet": facet} if "field" in facet else
                      {k: v for k, v in facet.items() if k in ("row", "column")})
            visit(node["spec"], data, shared, part)

    visit(spec, None, {}, None)
    sources = []
    for entry in found.values():
        present = {k for row in entry["records"] for k in row}
        # The fullest tooltip's order first (the builders list a reading order there), then
        # the other fields as the marks met them; a category or date heads each row.
        names = list(dict.fromkeys(entry["tips"] + list(entry["fields"])))
        fields = [entry["fields"][name] for name in names if name in present]
        discrete = next((f for f in fields if f["type"] in ("nominal", "ordinal", "temporal")), None)
        if discrete is not None and fields[0] is not discrete:
            fields.remove(discrete)
            fields.insert(0, discrete)
        if len(fields) >= 2:
            sources.append((entry["records"], fields, entry["part"]))
    return sources


def _decorative(encoding: dict) -> bool:
    """Whether a mark is drawn without axes on either position (an icon, a label panel)."""
    positions = [encoding.get(channel) for channel in _POSITIONAL if isinstance(encoding.get(channel), dict)]
    with_field = [d for d in positions if "field" in d]
    return bool(with_field) and all("axis" in d and d["axis"] is None for d in with_field)


def _add_fields(fields: dict, encoding: dict) -> list[str]:
    """Add the encoded fields to ``fields`` (name -> field, title, type, format), in order;
    return the names of the tooltip's fields. A tooltip's title is preferred to an axis
    title (an axis may be shared by several fields)."""
    tooltips = encoding.get("tooltip")
    definitions = []
    if isinstance(tooltips, list):
        definitions += [(t, "tooltip") for t in tooltips]
    elif isinstance(tooltips, dict):
        definitions.append((tooltips, "tooltip"))
    definitions += [(encoding.get(channel), channel) for channel in _CHANNELS]
    for definition, channel in definitions:
        if not isinstance(definition, dict) or not isinstance(definition.get("field"), str):
            continue
        name = definition["field"].replace("\\.", ".")
        title = definition.get("title")
        if not isinstance(title, str):
            for guide in ("axis", "legend", "header"):
                guide_title = definition[guide].get("title") if isinstance(
                    definition.get(guide), dict) else None
                if isinstance(guide_title, str):
                    title = guide_title
                    break
        number_format = definition.get("format")
        if number_format is None:
            for guide in ("axis", "legend"):
                guide_format = definition[guide].get("format") if isinstance(
                    definition.get(guide), dict) else None
                if isinstance(guide_format, str):
                    number_format = guide_format
                    break
        title = title if isinstance(title, str) else None
        entry = fields.get(name)
        if entry is None:
            entry = fields[name] = {"field": name, "title": None, "tip_title": None,
                                    "type": definition.get("type"), "format": number_format}
        if channel == "tooltip":
            entry["tip_title"] = entry["tip_title"] or title
            entry["format"] = number_format or entry["format"]
        else:
            entry["title"] = entry["title"] or title
            entry["format"] = entry["format"] or number_format
        entry["type"] = entry["type"] or definition.get("type")
    return [d["field"].replace("\\.", ".") for d, channel in definitions
            if channel == "tooltip" and isinstance(d, dict) and isinstance(d.get("field"), str)]


def _heading(field: dict) -> str:
    if field.get("tip_title") or field["title"]:
        return field.get("tip_title") or field["title"]
    words = field["field"].replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _data_table(records: list[dict], fields: list[dict], caption: str) -> str:
    numeric = []
    for field in fields:
        values = [row.get(field["field"]) for row in records if not _is_blank(row.get(field["field"]))]
        is_number = field["type"] == "quantitative" or (
            bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values))
        whole = is_number and all(float(v).is_integer() for v in values if isinstance(v, (int, float)))
        numeric.append((is_number and field["type"] != "temporal", whole))
    head = "".join(
        f'<th scope="col"{" class=num" if is_number else ""}>{html.escape(_heading(field))}</th>'
        for field, (is_number, _) in zip(fields, numeric)
    )
    rows = []
    for record in records[:DATA_TABLE_ROWS]:
        hidden = bool(record.get("suppressed"))
        cells = []
        for position, (field, (is_number, whole)) in enumerate(zip(fields, numeric)):
            value = record.get(field["field"])
            if _is_blank(value):
                text = _SUPPRESSED_HTML if hidden else MISSING
            else:
                text = html.escape(_data_value(value, field, is_number, whole))
            if position == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td{" class=num" if is_number else ""}>{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(records) - DATA_TABLE_ROWS
    after = ""
    if more > 0:
        after = (f'<p class="sw-table-more">The first {DATA_TABLE_ROWS} rows are shown; '
                 f"{more:,} more {'is' if more == 1 else 'are'} not.</p>")
    return (
        f'<div class="sw-table-scroll" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
        f'<table class="sw-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{after}"
    )


_SUPPRESSED_HTML = symbol_html(HIDDEN, "sw-c")
_DECIMALS = re.compile(r"\.(\d+)[f%]")
_DAY_DIRECTIVES = ("%d", "%e", "%-d", "%a", "%A", "%j")


def _data_value(value: object, field: dict, is_number: bool, whole: bool) -> str:
    """One value of a chart's data, written in the house style."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    number_format = field["format"] if isinstance(field["format"], str) else ""
    if field["type"] == "temporal":
        try:
            stamp = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if number_format and not any(d in number_format for d in _DAY_DIRECTIVES):
            return f"{stamp:%b %Y}"
        return fmt_date_short(stamp)
    if not is_number or not isinstance(value, (int, float)):
        return str(value)
    if "%" in number_format:
        if "percentage point" in _heading(field).lower():  # a change in a share: points, not %
            return fmt_number(value * 100, 1)
        return fmt_pct(value, 1)  # shares in tables: one decimal place
    if number_format.startswith("$"):
        return fmt_money(value)
    if whole:
        return fmt_int(value)
    places = _DECIMALS.search(number_format)
    return fmt_number(value, max(1, int(places.group(1))) if places else 1)
