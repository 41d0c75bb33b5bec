"""Reading Vega-Lite specs in the chart tests: the layers of a spec, however nested, and what
each draws."""

from __future__ import annotations

from workbook_helpers.present import palette


def layers(spec: dict) -> list[dict]:
    """Every single-view layer in a spec, however nested."""
    found = []
    if "mark" in spec:
        found.append(spec)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found.extend(layers(child))
    return found


def mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def target_lines(spec: dict) -> list[dict]:
    return [l for l in layers(spec) if mark(l).get("color") == palette.TARGET_COLOUR]


def y_field(layer: dict) -> str | None:
    y = layer.get("encoding", {}).get("y", {})
    return y.get("field") if isinstance(y, dict) else None


def data_values(spec: dict) -> list[dict]:
    """The rows of every data set a spec carries (named or inline)."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    rows += spec.get("data", {}).get("values", [])
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            rows += [row for row in child.get("data", {}).get("values", [])]
    return rows
