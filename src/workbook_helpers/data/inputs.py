"""Finding a workbook's input files, and the words a file or a parameter may use for yes and no.

Kept free of heavy imports, so the ``workbook`` command starts quickly.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The words accepted for yes and no, in data files and in yes/no parameters (compared lower-cased).
YES_NO = {
    "yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False,
}


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
