"""Service Workbooks: the helpers behind the workbooks in ``notebooks/``.

Data flows one way, and the subpackages follow it:

    data/       file -> contract: read, map columns, normalise, check (and the sample data)
    spc/        XmR limits and signals, and where limits start afresh
    measures/   pure pandas: demand, cases, time to close, the comparison, team performance
    privacy/    the audience: what this reader may see, and pseudonyms
    present/    palette, charts, icons, sentences, what a cell shows
    workbooks/  one view per workbook, gathered once and protected for its audience
    report/     the HTML report, its PDF, and a batch's index page
    run/        the registry of workbooks, the runner, the batch, the ``workbook`` command

Under them all: ``exceptions``, ``clock`` (the day a run takes as today), ``formatting`` (numbers
and dates in words) and ``outputs`` (what a kernel passes to the runner). A module imports only
from its own layer and those before it (``tests/test_imports.py``).
"""

import sys
from importlib.metadata import PackageNotFoundError, version

# jsonschema (used by Altair and nbformat) imports the optional rfc3987_syntax package for its
# "iri" format checker, and that package builds a parser grammar on import: about 1.5 s in every
# process. Nothing here checks IRI formats, so tell jsonschema the package is absent (it treats
# an ImportError as "format not checked"). Skipped if something already imported it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

try:
    __version__ = version("service-workbooks")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from workbook_helpers.exceptions import DataError, ParameterError, Problem, RunError, WorkbookError

__all__ = ["DataError", "ParameterError", "Problem", "RunError", "WorkbookError", "__version__"]
