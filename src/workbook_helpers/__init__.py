"""Service Workbooks: the helpers behind the workbooks in ``notebooks/``.

Data flows one way: file -> contract (:mod:`.loading`, :mod:`.contracts`) -> measures
(:mod:`.demand`, :mod:`.spc`) -> charts and tables (:mod:`.charts`, :mod:`.tables`) ->
notebook narrative -> report (:mod:`.execute`, :mod:`.report`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("service-workbooks")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from .exceptions import DataError, ParameterError, Problem, RunError, WorkbookError

__all__ = ["DataError", "ParameterError", "Problem", "RunError", "WorkbookError", "__version__"]
