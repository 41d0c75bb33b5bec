"""What passes between a running workbook and the runner: output kinds, plain JSON values, paths.

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


#: The words accepted for yes and no, in data files and in yes/no parameters (compared lower-cased).
YES_NO = {
    "yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False,
}


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


def project_folder() -> Path:
    """The folder holding ``notebooks/`` and ``data/`` (the repository, for an editable install);
    ``SERVICE_WORKBOOKS_HOME`` overrides it."""
    override = os.environ.get("SERVICE_WORKBOOKS_HOME")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3]


def find_input(path: str | Path | None) -> Path | None:
    """Resolve a data path given to a workbook: as given (absolute, or relative to the current
    folder), else relative to the project folder, so the sample paths work from anywhere."""
    if path is None or str(path).strip() == "":
        return None
    candidate = Path(str(path).strip()).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    in_project = project_folder() / candidate
    return in_project if in_project.exists() else candidate


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name in the same folder, then rename it into place."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
