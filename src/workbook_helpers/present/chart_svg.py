"""Charts as static SVG, drawn once when the report is written, so they show wherever a report is
opened: with scripts off, in an e-mail preview or a document library, printed, or as a PDF.

:class:`ChartRenderer` draws Vega-Lite specs with ``vl-convert-python`` (the same Vega the live
charts used, running in Rust: no browser and no network) in a small pool of threads, which
``vl-convert`` lets run side by side. The runner hands it each chart as soon as the cell that
displays it has run, so most charts are drawn while the notebook is still running; the report
then collects them.

:func:`inline_svg` makes a drawn chart fit to sit inside a report page next to others: its ids
made unique to it (every Vega SVG numbers its clip paths from 1), one text alternative for the
whole picture (``role="img"`` named by the chart's title and description; the marks' own ARIA
labels, which a picture of ``role="img"`` hides from screen readers anyway, are dropped), and
coordinates to two decimal places (a hundredth of a pixel), which keeps reports small.

:func:`notebook_picture` is the same drawing for a notebook: what JupyterLab shows of a chart, as
an image in the output, drawn by the kernel, so a chart shows with no network, and again when the
saved notebook is opened, trusted or not (see :mod:`workbook_helpers.present.charts`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor

#: Threads drawing charts at once (``vl-convert`` releases the GIL while it draws).
WORKERS = 2

_ROOT = re.compile(r"<svg\b[^>]*>")
_ID = re.compile(r'\bid="([^"]+)"')
_COUNTED = re.compile(r"(.+_)\d+")  # an id vl-convert numbers from its counter: gradient_3
_MARK_ARIA = re.compile(r'\s(?:role|aria-label|aria-roledescription|aria-hidden)="[^"]*"')
_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")
_TAG = re.compile(r"<[^>]+>")


def spec_key(spec: dict) -> str:
    """A key for a spec: the same chart gets the same key, however its keys are ordered."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def draw_svg(spec: dict) -> str:
    """The chart as Vega draws it, as an SVG document (raises what ``vl-convert`` raises for a
    spec it cannot draw)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


class ChartRenderer:
    """Draws charts in the background: :meth:`submit` a spec as soon as it is known, and
    :meth:`svg` returns its drawing (waiting for it, or drawing it now if it was never submitted).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, workers: int = WORKERS):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chart-svg")
        self._drawn: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, spec: dict) -> Future:
        key = spec_key(spec)
        with self._lock:
            if key not in self._drawn:
                self._drawn[key] = self._pool.submit(draw_svg, spec)
            return self._drawn[key]

    def svg(self, spec: dict) -> str:
        """The drawing of ``spec``; raises what drawing it raised."""
        return self.submit(spec).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ChartRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def inline_svg(svg: str, number: int, label: str) -> str:
    """An SVG document from :func:`draw_svg` made fit to put inline in a page as chart ``number``,
    named for screen readers by ``label`` (its title and description)."""
    svg = svg.strip()
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2:].lstrip()
    # Ids unique to this chart, and every reference to them with them. vl-convert numbers some ids
    # (gradient_3) from a counter that runs on across every chart a process draws, so the
    # same report came out with other numbers when a batch worker had drawn other charts first:
    # they are numbered afresh within each chart, and the same run writes the same page.
    seen: dict[str, int] = {}
    for found in dict.fromkeys(_ID.findall(svg)):
        counted = _COUNTED.fullmatch(found)
        if counted:
            seen[counted[1]] = seen.get(counted[1], 0) + 1
        unique = f"sw{number}-{counted[1]}{seen[counted[1]]}" if counted else f"sw{number}-{found}"
        svg = (svg.replace(f'id="{found}"', f'id="{unique}"')
                  .replace(f"url(#{found})", f"url(#{unique})")
                  .replace(f'href="#{found}"', f'href="#{unique}"'))
    svg = _MARK_ARIA.sub("", svg)
    svg = _TAG.sub(lambda tag: _LONG_DECIMAL.sub(r"\1", tag.group(0)), svg)
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG document")
    opening = root.group(0)[:-1].rstrip("/").rstrip()
    opening += f' role="img" aria-label="{html.escape(label, quote=True)}" focusable="false">'
    return svg[:root.start()] + opening + svg[root.end():]


def chart_label(spec: dict) -> str:
    """A chart's text alternative: its title and its description, as the report names it."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(line) for line in title)
    title = str(title or "Chart").strip().rstrip(".")
    description = str(spec.get("description") or "").strip()
    return f"{title}." + (f" {description}" if description else "")


def notebook_picture(spec: dict) -> str:
    """The chart drawn here as an HTML image for a notebook output: the SVG of :func:`draw_svg`,
    made small as :func:`inline_svg` makes it, inside an ``<img>`` whose ``alt`` is its title and
    description.

    An image in HTML rather than an ``image/svg+xml`` output: JupyterLab does not show SVG outputs
    of a notebook it does not trust (one written by ``workbook run``, or by anyone else, and then
    opened), but it shows an image in HTML, trusted or not, as do other notebook viewers. The
    SVG goes in base64, which HTML sanitizers pass unchanged. Raises what drawing raises.
    """
    label = chart_label(spec)
    svg = inline_svg(draw_svg(spec), 0, label)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="sw-chart" src="data:image/svg+xml;base64,{data}" '
            f'alt="{html.escape(label, quote=True)}">')
