"""JupyterLab in a browser, offline: start a lab server from this environment, open notebooks in
headless Chromium with every request that would leave the machine aborted, run them, and read
back what they show.

Used by ``tests/test_lab_offline.py``. The server listens on a free local port with no token, and
has its own settings, workspaces, config and runtime folders, so the machine's own JupyterLab
settings never change what a test sees (and the test never changes them). Its settings turn off
the news and update checks, which would otherwise ask the server to fetch from the internet.

The page is driven through JupyterLab's own commands (``notebook:run-all-cells``, as Run > Run All
Cells does) and its application object, which the server is started to expose
(``--LabApp.expose_app_in_browser``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

#: Every chart drawn in an output: an image of an SVG drawing (JupyterLab's own SVG renderer
#: draws an ``<img>`` of the same kind).
CHART_IMAGES = ".jp-OutputArea-output img[src^='data:image/svg+xml']"
#: The charts inside the interactive controls' output (an ipywidgets Output widget).
WIDGET_CHART_IMAGES = ".widget-output img[src^='data:image/svg+xml']"

_SETTINGS = {
    # No news, no update check: both make the server fetch from the internet.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (the lab server, or the page's own data)."""
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return parsed.hostname in {"127.0.0.1", "localhost", "::1"}


class LabServer:
    """A JupyterLab server on a free local port serving ``root`` (a context manager)."""

    def __init__(self, root: Path, timeout: float = 90):
        self.root = Path(root)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._home = Path(tempfile.mkdtemp(prefix="sw-lab-"))
        self._timeout = timeout
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> LabServer:
        settings = self._home / "settings"
        for name, values in _SETTINGS.items():
            target = settings / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        for folder in ("workspaces", "config", "runtime"):
            (self._home / folder).mkdir()
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(self._home / "config"),
            "JUPYTER_RUNTIME_DIR": str(self._home / "runtime"),
        }
        self._log = open(self._home / "lab.log", "w")
        self._process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
                f"--ServerApp.root_dir={self.root}",
                "--IdentityProvider.token=", "--ServerApp.password=",
                "--ServerApp.disable_check_xsrf=True",
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={self._home / 'workspaces'}",
                "--LabApp.expose_app_in_browser=True",
                "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
            ],
            cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {self._timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return (self._home / "lab.log").read_text(errors="replace")[-4000:]

    def __exit__(self, *exc) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()  # the server shuts its kernels down as it stops
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()
        shutil.rmtree(self._home, ignore_errors=True)


@dataclass
class LabPage:
    """One browser page on a lab server, recording what it asked for beyond the machine and any
    error thrown in it."""

    page: object
    context: object
    left_the_machine: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.context.close()


def open_lab_page(browser, server: LabServer) -> LabPage:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    lab = LabPage(page, context)

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            lab.left_the_machine.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("pageerror", lambda error: lab.page_errors.append(str(error)))
    page.goto(f"{server.url}/lab?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    page.wait_for_selector(".jp-LabShell", timeout=60_000)
    return lab


def open_notebook(lab: LabPage, path: str, timeout: float = 60) -> None:
    """Open ``path`` (relative to the server's root) and wait for its kernel to be ready."""
    lab.page.evaluate(
        """async path => {
            const app = window.jupyterapp;
            const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
            await panel.context.ready;
            await panel.sessionContext.ready;
            app.shell.activateById(panel.id);
        }""",
        path,
    )
    lab.page.wait_for_function(
        """path => {
            const panel = window.jupyterapp.shell.currentWidget;
            return panel && panel.context && panel.context.path === path &&
                panel.sessionContext.session && panel.sessionContext.session.kernel &&
                panel.sessionContext.session.kernel.status === 'idle';
        }""",
        arg=path, timeout=timeout * 1000,
    )


def run_all_cells(lab: LabPage, timeout: float = 120) -> None:
    """Run > Run All Cells, then wait until no cell is waiting or running and the kernel is idle,
    with every code cell run or one failed (the cells after an error are not run)."""
    lab.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    lab.page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const kernel = panel.sessionContext.session.kernel;
            const cells = panel.content.widgets.filter(cell => cell.model.type === 'code');
            const prompts = Array.from(panel.content.node.querySelectorAll('.jp-InputPrompt'));
            const failed = cells.some(cell =>
                cell.model.outputs.toJSON().some(output => output.output_type === 'error'));
            return kernel.status === 'idle' && cells.length > 0 &&
                !prompts.some(prompt => prompt.textContent.includes('*')) &&
                (failed || cells.every(cell => cell.model.executionCount !== null));
        }""",
        timeout=timeout * 1000,
    )


def cell_outputs(lab: LabPage) -> list[dict]:
    """Every output of the open notebook's code cells: its ``output_type``, and its ``ename`` and
    ``evalue`` (errors) or its ``text/plain`` (anything displayed or echoed)."""
    return lab.page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const found = [];
            for (const cell of panel.content.widgets) {
                if (cell.model.type !== 'code') continue;
                for (const output of cell.model.outputs.toJSON()) {
                    const plain = (output.data || {})['text/plain'];
                    found.push({
                        output_type: output.output_type, ename: output.ename, evalue: output.evalue,
                        text: Array.isArray(plain) ? plain.join('') : plain,
                    });
                }
            }
            return found;
        }"""
    )


def error_outputs(lab: LabPage) -> list[str]:
    """Each error output of the open notebook, as ``name: value``."""
    return [f"{o['ename']}: {o['evalue']}" for o in cell_outputs(lab) if o["output_type"] == "error"]


def trusted(lab: LabPage) -> bool:
    """Whether JupyterLab trusts the open notebook's outputs (it does not trust a notebook it did
    not run or sign itself, and then shows no SVG, script or widget output of it)."""
    return lab.page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.widgets
            .filter(cell => cell.model.type === 'code').every(cell => cell.model.trusted)"""
    )


_DRAWN = """selector => Array.from(window.jupyterapp.shell.currentWidget.node.querySelectorAll(selector))
    .filter(img => img.complete && img.naturalWidth > 0 && img.getClientRects().length > 0)
    .map(img => img.getAttribute('src'))"""


def drawn_charts(lab: LabPage, selector: str = CHART_IMAGES) -> list[str]:
    """The picture of every chart drawn and visible in the open notebook (its image's address),
    in order: each image has loaded, has a size and is laid out on the page."""
    return lab.page.evaluate(_DRAWN, selector)


def wait_for_charts(lab: LabPage, count: int, selector: str = CHART_IMAGES, timeout: float = 30) -> None:
    """Wait until at least ``count`` charts are drawn in the open notebook."""
    lab.page.wait_for_function(
        f"([selector, count]) => ({_DRAWN})(selector).length >= count",
        arg=[selector, count], timeout=timeout * 1000,
    )


def wait_for_new_charts(lab: LabPage, before: list[str], selector: str, timeout: float = 30) -> None:
    """Wait until the charts drawn under ``selector`` are other than ``before`` (and not none)."""
    lab.page.wait_for_function(
        f"""([selector, before]) => {{
            const now = ({_DRAWN})(selector);
            return now.length > 0 && now.join('|') !== before.join('|');
        }}""",
        arg=[selector, before], timeout=timeout * 1000,
    )


def close_all(lab: LabPage) -> None:
    """Close every open document, shutting their kernels down (nothing is saved)."""
    lab.page.evaluate(
        """async () => {
            const app = window.jupyterapp;
            for (const widget of Array.from(app.shell.widgets('main'))) {
                if (widget.sessionContext) await widget.sessionContext.shutdown();
                if (widget.context) widget.context.model.dirty = false;
                widget.close();
            }
        }"""
    )
