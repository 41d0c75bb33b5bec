"""What passes between a running workbook and the runner: output kinds, plain JSON values, writing files.

Kept free of heavy imports, so the ``workbook`` command starts quickly.
"""

from __future__ import annotations

import math
import os
import uuid
from pathlib import Path

#: The kind of output :func:`workbook_helpers.present.notebook.record_summary` displays; reports skip it.
SUMMARY_MIMETYPE = "application/vnd.service-workbooks.summary+json"
#: The kind of output a chart displays (alongside HTML for JupyterLab); reports embed it.
VEGALITE_MIMETYPE = "application/vnd.vegalite.v6+json"


def json_safe(value):
    """Turn numpy and pandas values into plain JSON values (NaN, NA and NaT become null)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a data frame: its records
        return [json_safe(r) for r in value.to_dict(orient="records")]
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:
        return None
    if hasattr(value, "isoformat"):  # dates and timestamps
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name in the same folder, then rename it into place."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
