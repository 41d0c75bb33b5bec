"""Shared fixtures: the project folder, one real run of the demand study, and a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Every test, and every command a test runs, uses a throwaway pseudonym salt, never the machine's.
os.environ["SERVICE_WORKBOOKS_SALT_FILE"] = str(Path(tempfile.mkdtemp(prefix="sw-salt-")) / "salt")
SAMPLE = ROOT / "data" / "sample" / "demand.csv"
WORKBOOK = Path(sys.executable).parent / "workbook"


def run_cli(
    *args: str, cwd: Path = ROOT, timeout: int = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the installed `workbook` command as a user would, capturing its output."""
    return subprocess.run(
        [str(WORKBOOK), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def demand_run(tmp_path_factory) -> Path:
    """The output folder of one `workbook run demand_study` on the sample data."""
    out = tmp_path_factory.mktemp("demand-run")
    result = run_cli("run", "demand_study", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def chromium_path() -> str | None:
    return os.environ.get("SERVICE_WORKBOOKS_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. In CI a missing browser fails the run
    rather than skipping the browser tests."""
    executable = chromium_path()
    if not executable:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield launched
        launched.close()


def assert_report_renders(browser, path: Path) -> int:
    """Open a report with every request beyond the file blocked; assert each chart drew an SVG
    with a text alternative, nothing went to the console as an error and nothing left the file.
    Returns the number of charts."""
    context = browser.new_context()
    page = context.new_page()
    left_the_file, errors = [], []

    def block(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            left_the_file.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    charts = page.locator("div.sw-vega")
    count = charts.count()
    page.wait_for_function(
        "n => document.querySelectorAll('div.sw-vega[data-rendered=true] svg').length === n",
        arg=count, timeout=30_000,
    )
    for index in range(count):
        svg = charts.nth(index).locator("svg").first
        assert svg.get_attribute("aria-label"), "each chart's SVG carries its description"
    assert errors == [], errors
    assert left_the_file == [], left_the_file
    context.close()
    return count


@pytest.fixture(scope="session")
def written_files(tmp_path_factory) -> dict[str, Path]:
    """The sample data as `workbook sample` writes it: each dataset's file, by dataset name."""
    from workbook_helpers.data.datasets import DATASETS, write_sample

    paths = write_sample(tmp_path_factory.mktemp("sample"))
    assert [path.name for path in paths] == [dataset.sample_file for dataset in DATASETS.values()]
    return dict(zip(DATASETS, paths))
