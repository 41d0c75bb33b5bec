"""Benchmark charts in JupyterLab with no network: the suite's route (each chart drawn by the kernel
as an SVG picture, with its Vega-Lite spec beside it) against Altair's own offline route
(``alt.renderers.enable("jupyter", offline=True)``: a JupyterChart widget carrying Vega's
JavaScript from ``vl-convert``).

Run from the repository root with the suite's Python:

    python benchmarks/bench_lab_charts.py [--anywidget FOLDER] [--no-browser]

For each workbook it runs ``workbook run WORKBOOK --quiet -p privacy internal`` and prints the
executed notebook's size (target: under 2 MB, as the report), its charts, the bytes of their
pictures and of their specs, the time the kernel spends drawing them (one by one, as the kernel
does), and whether the HTML report carries any picture from the notebook (it should not: the
report draws each chart once, from its spec).

Altair's route needs ``anywidget``, which the suite does not depend on. Install it apart and
point ``--anywidget`` at it::

    .venv/bin/pip install --no-deps --target /tmp/anywidget anywidget psygnal

Then the demand study is also run by papermill with Altair's route switched on after its
imports, and both executed notebooks are compared: size, run time, whether the charts' specs
are still there for the report. With Chromium (unless ``--no-browser``), JupyterLab is started
(as ``tests/test_lab_offline.py`` starts it, every request off the machine aborted) to time the
first chart of a one-chart notebook in each route, and to count the charts each executed demand
study draws when it is opened again. Exits 0 when it has run, whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbook_helpers.run.registry import BUILT_IN

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "lab-charts"
BIN = Path(sys.executable).parent
WORKBOOKS = tuple(workbook.name for workbook in BUILT_IN)
SIZE_TARGET = 2 * 1024 * 1024
VEGALITE = "application/vnd.vegalite.v6+json"
_PICTURE = re.compile(r'src="data:image/svg\+xml;base64,[^"]*"')


def kilobytes(size: float) -> str:
    return f"{size / 1024:,.0f} KB"


def outputs(notebook: dict):
    for cell in notebook["cells"]:
        yield from cell.get("outputs", [])


def our_route() -> None:
    from workbook_helpers.present.chart_svg import notebook_picture

    print("The suite's route: each workbook run with `workbook run`, sample data, privacy internal")
    print(f"{'workbook':22} {'charts':>6} {'ipynb':>9} {'pictures':>9} {'specs':>9} "
          f"{'drawing':>8} {'report':>9}  picture in report  size target")
    for workbook in WORKBOOKS:
        out = OUT / "ours" / workbook
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([str(BIN / "workbook"), "run", workbook, "--quiet", "-p", "privacy", "internal",
                        "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
        (executed,) = out.glob("*.ipynb")
        (report,) = out.glob("*.html")
        notebook = json.loads(executed.read_text(encoding="utf-8"))
        charts = [o["data"] for o in outputs(notebook) if VEGALITE in o.get("data", {})]
        pictures = sum(len("".join(c.get("text/html", ""))) for c in charts)
        specs = sum(len(json.dumps(c[VEGALITE])) for c in charts)
        started = time.perf_counter()
        for chart in charts:
            notebook_picture(chart[VEGALITE])
        drawing = time.perf_counter() - started
        size = executed.stat().st_size
        twice = bool(_PICTURE.search(report.read_text(encoding="utf-8")))
        print(f"{workbook:22} {len(charts):>6} {kilobytes(size):>9} {kilobytes(pictures):>9} "
              f"{kilobytes(specs):>9} {drawing:>7.2f}s {kilobytes(report.stat().st_size):>9}  "
              f"{'YES (twice)' if twice else 'no':17}  {'PASS' if size < SIZE_TARGET else 'MISS'} (< 2 MB)")


def _papermill(source: Path, target: Path, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "papermill"), str(source), str(target), "-k", "service-workbooks",
                    "-p", "interactive", "False", "--cwd", str(REPO), "--no-progress-bar"],
                   check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def altair_route(anywidget: Path, repeat: int) -> tuple[Path, Path]:
    import nbformat

    env = {**os.environ, "PYTHONPATH": str(anywidget)}
    bundle = subprocess.run(
        [sys.executable, "-c", "import altair as alt; alt.JupyterChart.enable_offline(); "
                               "print(len(alt.JupyterChart._esm))"],
        check=True, env=env, capture_output=True, text=True,
    ).stdout.strip()
    print(f"\nAltair's offline route: JavaScript bundle from vl-convert, {kilobytes(int(bundle))}")
    folder = OUT / "altair"
    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.read(REPO / "notebooks" / "demand_study.ipynb", as_version=4)
    imports = next(i for i, c in enumerate(notebook.cells)
                   if c.cell_type == "code" and "from workbook_helpers.present import charts" in c.source)
    notebook.cells.insert(imports + 1, nbformat.v4.new_code_cell(
        'import altair as alt\nalt.renderers.enable("jupyter", offline=True)'))
    theirs = folder / "demand_study_altair_offline.ipynb"
    nbformat.write(notebook, theirs)
    ours = folder / "demand_study.ipynb"
    shutil.copy(REPO / "notebooks" / "demand_study.ipynb", ours)
    times = {"ours": [], "altair": []}
    for _ in range(repeat):  # interleaved, so a busy spell falls on both
        times["ours"].append(_papermill(ours, folder / "ours.run.ipynb", env))
        times["altair"].append(_papermill(theirs, folder / "altair.run.ipynb", env))
    print(f"{'demand study, papermill':26} {'run':>7} {'ipynb':>9} {'widget models':>14} "
          f"{'bundle copies':>14}  specs for the report")
    for name, executed in (("ours", folder / "ours.run.ipynb"), ("altair", folder / "altair.run.ipynb")):
        run = json.loads(executed.read_text(encoding="utf-8"))
        state = run["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        models = state.get("state", {})
        copies = sum(1 for m in models.values() if len(m.get("state", {}).get("_esm", "")) > 100_000)
        specs = sum(1 for o in outputs(run) if VEGALITE in o.get("data", {}))
        print(f"{name:26} {statistics.median(times[name]):>6.1f}s {kilobytes(executed.stat().st_size):>9} "
              f"{len(models):>14} {copies:>14}  {specs}")
    return folder / "ours.run.ipynb", folder / "altair.run.ipynb"


def in_the_browser(anywidget: Path, executed: tuple[Path, Path], repeat: int) -> None:
    import nbformat
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import chromium_path
    from lab_browser import CHART_IMAGES, LabServer, close_all, drawn_charts, open_lab_page, open_notebook

    vega = ".jp-OutputArea-output .vega-embed svg, .jp-OutputArea-output .vega-embed canvas"
    root = Path(tempfile.mkdtemp(prefix="sw-bench-lab-"))
    code = ("from workbook_helpers.present import charts\nimport altair as alt, pandas as pd\n{switch}"
            "alt.Chart(pd.DataFrame({{'week': list(range(20)), 'contacts': [30 + i * 7 % 11 for i in range(20)]}}),"
            " title='Contacts').mark_line().encode(x='week:Q', y='contacts:Q')")
    for name, switch in (("ours", ""), ("altair", "alt.renderers.enable('jupyter', offline=True)\n")):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code.format(switch=switch))])
        notebook.metadata["kernelspec"] = {"name": "service-workbooks", "display_name": "Service Workbooks",
                                           "language": "python"}
        nbformat.write(notebook, root / f"one_chart_{name}.ipynb")
    for path in executed:
        shutil.copy(path, root / path.name)
    os.environ["PYTHONPATH"] = str(anywidget)  # the kernels the server starts find anywidget
    os.environ["JUPYTER_PATH"] = str(anywidget / "share" / "jupyter")  # and JupyterLab its extension
    count = "s => window.jupyterapp.shell.currentWidget.node.querySelectorAll(s).length"
    with LabServer(root) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        lab = open_lab_page(browser, server)
        first = {"ours": [], "altair": []}
        for _ in range(repeat):
            for name, selector in (("ours", CHART_IMAGES), ("altair", vega)):
                open_notebook(lab, f"one_chart_{name}.ipynb")
                started = time.perf_counter()
                lab.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                lab.page.wait_for_function(f"s => ({count})(s) > 0", arg=selector, timeout=60_000)
                first[name].append(time.perf_counter() - started)
                close_all(lab)
        print("\nJupyterLab, offline (every request off the machine aborted)")
        print(f"{'':10} {'first chart':>12}  {'executed demand study opened again: charts drawn':>50}")
        for (name, selector), path in zip((("ours", CHART_IMAGES), ("altair", vega)), executed):
            open_notebook(lab, path.name)
            lab.page.wait_for_timeout(5000)  # long enough for widgets to restore, were they to
            drawn = len(drawn_charts(lab)) if name == "ours" else lab.page.evaluate(count, selector)
            close_all(lab)
            print(f"{name:10} {statistics.median(first[name]):>11.2f}s  {drawn:>50}")
        print(f"requests off the machine: {len(lab.left_the_machine)}; page errors: {len(lab.page_errors)}")
        lab.close()
        browser.close()
    shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anywidget", type=Path, help="a folder anywidget was installed into (pip --target)")
    parser.add_argument("--no-browser", action="store_true", help="leave out the JupyterLab timings")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats (default 3)")
    args = parser.parse_args(argv)
    print(f"Charts in JupyterLab, Python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    our_route()
    if args.anywidget is None:
        print("\nAltair's offline route: left out (give --anywidget FOLDER to measure it)")
        return 0
    executed = altair_route(args.anywidget.resolve(), args.repeat)
    if not args.no_browser:
        in_the_browser(args.anywidget.resolve(), executed, args.repeat)
    print(f"Load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
