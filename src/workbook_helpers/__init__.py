"""Service Workbooks: the helpers behind the workbooks in ``notebooks/``.

Data flows one way: file -> contract (:mod:`.loading`, :mod:`.contracts`) -> measures
(:mod:`.demand`, :mod:`.spc`) -> charts and tables (:mod:`.charts`, :mod:`.tables`) ->
notebook narrative -> report (:mod:`.execute`, :mod:`.report`).
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

from .exceptions import DataError, ParameterError, Problem, RunError, WorkbookError

__all__ = ["DataError", "ParameterError", "Problem", "RunError", "WorkbookError", "__version__"]
