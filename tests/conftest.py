"""Shared fixtures: the project folder, one real run of the demand study, and a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
