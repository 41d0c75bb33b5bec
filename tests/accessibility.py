"""Accessibility checks for reports opened in headless Chromium: axe-core, injected into the page.

Import from a test (``from accessibility import assert_accessible``; pytest puts ``tests/`` on
the path). axe-core comes bundled in the PyPI package ``axe-playwright-python``, so nothing is
fetched at run time.

axe-core finds about a third to a half of WCAG problems by itself; it cannot judge whether a
chart's description is true or a heading says what follows. The report tests check those.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The rule sets run: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: Violations of these impacts fail a report (the issue's bar: none serious or critical).
FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class AxeOutcome:
    """What axe found on a page.

    ``rules_run``: every rule axe ran (applicable or not); ``rules_checked``: the rules that
    applied to something on the page (passed, failed or needing review); ``violations``: the
    failed rules, each as axe gives it (``id``, ``impact``, ``help``, ``nodes``...)."""

    rules_run: int
    rules_checked: int
    violations: list[dict]
    incomplete: list[dict]

    def failing(self, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict]:
        return [v for v in self.violations if v.get("impact") in impacts]

    def describe(self, impacts: tuple[str, ...] = FAILING_IMPACTS) -> str:
        lines = []
        for violation in self.failing(impacts):
            targets = [", ".join(map(str, node.get("target", []))) for node in violation["nodes"][:5]]
            more = len(violation["nodes"]) - len(targets)
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}; "
                f"{len(violation['nodes'])} element(s): {'; '.join(targets)}"
                + (f"; and {more} more" if more > 0 else "")
            )
        return "\n".join(lines)


def axe_script() -> str:
    """axe.min.js as bundled by ``axe-playwright-python``."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page, tags: list[str] | None = None) -> AxeOutcome:
    """Inject axe-core into ``page`` (a Playwright page, already loaded) and run it on the
    whole document with the rules tagged ``tags`` (default :data:`WCAG_TAGS`)."""
    page.evaluate(axe_script())
    options = {
        "runOnly": {"type": "tag", "values": list(tags or WCAG_TAGS)},
        "resultTypes": ["violations", "incomplete"],
    }
    results = page.evaluate("options => axe.run(document, options)", options)
    kinds = ("passes", "violations", "incomplete", "inapplicable")
    return AxeOutcome(
        rules_run=sum(len(results.get(kind, [])) for kind in kinds),
        rules_checked=sum(len(results.get(kind, [])) for kind in kinds[:3]),
        violations=list(results.get("violations", [])),
        incomplete=list(results.get("incomplete", [])),
    )


def assert_accessible(page, tags: list[str] | None = None) -> AxeOutcome:
    """Run axe-core on ``page`` and fail with a readable list when any violation is serious
    or critical. Wait for the charts to draw first (their SVGs are part of what is checked).
    Returns the outcome, so a test can report or check more (``outcome.rules_run``)."""
    outcome = run_axe(page, tags)
    failing = outcome.failing()
    assert not failing, (
        f"axe-core found {len(failing)} serious or critical problem(s) "
        f"({outcome.rules_checked} rules applied):\n{outcome.describe()}"
    )
    return outcome


def open_report(browser, path: Path, width: int = 1280):
    """Open a report file in a new page with every request beyond the file blocked, and wait
    until each chart has drawn. Returns ``(context, page)``; close the context when done."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else route.abort())
    page = context.new_page()
    page.goto(Path(path).resolve().as_uri())
    count = page.locator("div.sw-vega").count()
    page.wait_for_function(
        "n => document.querySelectorAll('div.sw-vega[data-rendered=true] svg').length === n",
        arg=count, timeout=30_000,
    )
    return context, page
