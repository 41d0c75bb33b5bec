"""A report as a PDF, for board papers that are printed or filed: the same page and its print
stylesheet, printed by headless Chromium.

Why Chromium: the report is a web page whose print layout is set by its print stylesheet (A4,
the headline on page one, no chart or table row cut across a page, page numbers and the
report's "For" line in the footer as CSS page-margin boxes), and Chromium lays it out exactly
as a reader's browser prints it. Measured on the sample demand study: 2.0 s a report from
``chromium --print-to-pdf``, against 3.2 s warm (6.7 s cold) for WeasyPrint, which would also
add a Python dependency and its own layout engine. Chromium is the Debian package ``chromium``
(``SERVICE_WORKBOOKS_CHROMIUM`` names another); nothing is fetched while printing (the report
has no script and allows no requests).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from workbook_helpers.exceptions import ParameterError, RunError

#: The environment variable naming the Chromium (or Chrome) to print with.
CHROMIUM_VARIABLE = "SERVICE_WORKBOOKS_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Seconds printing one report may take.
TIME_LIMIT = 120


def find_chromium() -> str:
    """The Chromium to print with: ``SERVICE_WORKBOOKS_CHROMIUM``, else the first of chromium,
    chromium-browser or google-chrome on the PATH. Raises a :class:`ParameterError` saying
    what to install when there is none."""
    given = os.environ.get(CHROMIUM_VARIABLE, "").strip()
    if given:
        if Path(given).is_file() and os.access(given, os.X_OK):
            return given
        raise ParameterError(
            f"{CHROMIUM_VARIABLE} names {given}, which is not a program this machine can run. "
            "Point it at Chromium or Chrome, or unset it to use the chromium on the PATH."
        )
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ParameterError(
        "Making a PDF needs the Chromium web browser, which is not installed here. Install it "
        "(on Debian or Ubuntu: sudo apt-get install chromium), or set "
        f"{CHROMIUM_VARIABLE} to a Chromium or Chrome you have. The HTML report needs nothing: "
        "run again without --pdf, or print the report from a web browser."
    )


def write_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    """Print the report at ``html_path`` to ``pdf_path`` (A4, as its print stylesheet lays it
    out). Raises :class:`ParameterError` when there is no Chromium and :class:`RunError` when
    printing fails or takes over :data:`TIME_LIMIT` seconds."""
    chromium = chromium or find_chromium()
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="sw-chromium-") as profile:
        command = [
            chromium, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={profile}", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}", html_path.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT)
        except subprocess.TimeoutExpired:
            raise RunError("pdf", f"printing {html_path.name} to PDF took over {TIME_LIMIT} seconds") from None
        except OSError as error:
            raise RunError("pdf", f"could not start {chromium} to print the PDF: {error.strerror or error}") from None
    if finished.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        said = [line for line in finished.stderr.splitlines() if line.strip() and "dbus" not in line.lower()]
        raise RunError("pdf", f"Chromium could not print {html_path.name} to PDF"
                       + (f": {said[-1].strip()}" if said else f" (exit code {finished.returncode})"))
    return pdf_path
