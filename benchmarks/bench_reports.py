"""Benchmark the reports themselves: how big each workbook's report is, how long drawing its charts
as static SVG takes, and how long printing it to PDF takes.

Run from the repository root with the suite's Python:

    python benchmarks/bench_reports.py [--repeat 3]

For each workbook it runs ``workbook run WORKBOOK --quiet --pdf`` on the sample data (service-wide,
the default parameters), then, on the executed notebook that run wrote, times:

- drawing every chart to SVG with ``vl-convert`` one after another (what it would cost with no
  overlap), and with the runner's two-thread :class:`~workbook_helpers.present.chart_svg.ChartRenderer`;
- :func:`~workbook_helpers.report.html.render_report` from start to finish (charts drawn inside it);
- printing the HTML to PDF with headless Chromium (:func:`~workbook_helpers.report.pdf.write_pdf`).

It prints the HTML, PDF and executed-notebook sizes, the number of charts, the medians of
``--repeat`` timings, and PASS or MISS against the report-size target (under 600 KB each, with no
script). Exits 0 when it has run, whatever the verdicts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from workbook_helpers.run.registry import BUILT_IN

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "reports"
BIN = Path(sys.executable).parent
WORKBOOKS = tuple(workbook.name for workbook in BUILT_IN)
SIZE_TARGET = 600 * 1024


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def kilobytes(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats of each step (default 3)")
    args = parser.parse_args(argv)

    import nbformat

    from workbook_helpers.present.chart_svg import ChartRenderer, draw_svg
    from workbook_helpers.report.pdf import find_chromium, write_pdf
    from workbook_helpers.report.html import chart_specs, render_report

    chromium = find_chromium()
    print(f"Report benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'workbook':<22} {'charts':>6} {'HTML':>9} {'PDF':>9} {'ipynb':>9} {'SVG one by one':>15} "
          f"{'SVG 2 threads':>14} {'report':>8} {'PDF print':>10}  size target")
    for workbook in WORKBOOKS:
        out = OUT / workbook
        out.mkdir(parents=True, exist_ok=True)
        ran = subprocess.run([str(BIN / "workbook"), "run", workbook, "--quiet", "--pdf", "--out", str(out)],
                             capture_output=True, text=True, cwd=REPO)
        if ran.returncode != 0:
            print(f"{workbook}: the run failed:\n{ran.stderr}")
            continue
        stem = f"{workbook}-all-teams"
        html_path, pdf_path, notebook_path = (out / f"{stem}{suffix}" for suffix in (".html", ".pdf", ".ipynb"))
        notebook = nbformat.read(notebook_path, as_version=4)
        specs = list(chart_specs(notebook))
        one_by_one = median_seconds(lambda: [draw_svg(spec) for spec in specs], args.repeat)

        def threaded():
            with ChartRenderer() as renderer:
                for spec in specs:
                    renderer.submit(spec)
                for spec in specs:
                    renderer.svg(spec)

        two_threads = median_seconds(threaded, args.repeat)
        report = median_seconds(lambda: render_report(notebook, workbook), args.repeat)
        printing = median_seconds(lambda: write_pdf(html_path, out / "timing.pdf", chromium), args.repeat)
        html = html_path.read_text(encoding="utf-8")
        size = html_path.stat().st_size
        passed = size < SIZE_TARGET and "<script" not in html.lower()
        print(f"{workbook:<22} {len(specs):>6} {kilobytes(size):>9} {kilobytes(pdf_path.stat().st_size):>9} "
              f"{kilobytes(notebook_path.stat().st_size):>9} {one_by_one:>13.2f} s {two_threads:>12.2f} s "
              f"{report:>6.2f} s {printing:>8.2f} s  {'PASS' if passed else 'MISS'} (< {kilobytes(SIZE_TARGET)}, no script)")
    print(f"Load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
