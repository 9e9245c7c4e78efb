"""Helpers for browser tests: the pages to visit, axe-core checks, console and focus checks.

Import these from any browser test (forms, journeys):

    from tests.browser.helpers import assert_no_axe_violations, public_paths
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

from app.config import PROJECT_ROOT
from app.frameworks import FrameworkCatalogue, load_catalogue

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
AXE_PATH = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DIST_DIR = PROJECT_ROOT / "app" / "static" / "dist"
RESULTS_DIR = PROJECT_ROOT / "test-results"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CATALOGUE = load_catalogue(PROJECT_ROOT / "markers")

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target,
      html: node.html,
      summary: node.failureSummary,
    })),
  }));
}
"""


def public_paths(catalogue: FrameworkCatalogue | None = None) -> list[str]:
    """Every public page: the fixed pages, each framework, each marker, and a 404 page."""
    catalogue = catalogue if catalogue is not None else CATALOGUE
    paths = ["/", "/frameworks", "/about", "/accessibility"]
    for framework in catalogue:
        paths.append(f"/frameworks/{framework.id}")
        paths.extend(f"/frameworks/{framework.id}/markers/{marker.code}"
                     for marker in framework.markers)
    paths.append("/no-such-page")
    return paths


def preload_axe(context: BrowserContext) -> None:
    """Load axe-core into every page this context opens from now on.

    Quicker than injecting it after each page load when checking many pages
    (Chromium compiles the init script once per context). Use a context of its own:
    the script is in every page, so don't combine it with console or timing checks.
    """
    context.add_init_script(path=str(AXE_PATH))


def _inject_axe(page: Page) -> None:
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    # A Content-Security-Policy without 'unsafe-inline' blocks the tag: see below.
    with contextlib.suppress(Error):
        page.add_script_tag(path=str(AXE_PATH))
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # DevTools evaluation is not subject to the page's Content-Security-Policy.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise AssertionError(f"could not load axe-core from {AXE_PATH} into {page.url}")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0–2.2 A/AA and best practice) on the page as it is now."""
    _inject_axe(page)
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, AXE_TAGS)
    return violations


def format_violations(violations: list[dict[str, Any]], where: str = "") -> str:
    """Each violation's rule, impact and help, then every failing node's selector and HTML."""
    lines: list[str] = []
    for violation in violations:
        prefix = f"{where}: " if where else ""
        lines.append(f"{prefix}[{violation['id']}] ({violation['impact']}) {violation['help']}"
                     f" <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    target: {', '.join(map(str, node['target']))}")
            lines.append(f"    html:   {node['html']}")
            if node.get("summary"):
                summary = node["summary"].replace("\n", "\n            ")
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail listing every axe-core violation on the page, with selectors and HTML."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


@dataclass
class ConsoleWatcher:
    """Collects console errors, uncaught exceptions and failed requests of one page."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> ConsoleWatcher:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: self.errors.append(
            f"request failed: {request.method} {request.url} ({request.failure})"))
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location
            self.errors.append(f"console.error: {message.text} "
                               f"({location.get('url')}:{location.get('lineNumber')})")

    def assert_none(self, where: str = "") -> None:
        assert not self.errors, f"errors in the browser{' on ' + where if where else ''}:\n" \
            + "\n".join(self.errors)


def watch_console(page: Page) -> ConsoleWatcher:
    """Start collecting errors on `page`; call .assert_none() after visiting pages."""
    return ConsoleWatcher().attach(page)


_FOCUS_STYLE = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    text: (element.textContent || '').trim().slice(0, 80),
    outlineStyle: style.outlineStyle,
    outlineWidth: style.outlineWidth,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    inMain: !!element.closest('#main-content'),
  };
}
"""


def focused(page: Page) -> dict[str, Any] | None:
    """The focused element (tag, id, text, outline, box-shadow, inside <main>?) or None."""
    result: dict[str, Any] | None = page.evaluate(_FOCUS_STYLE)
    return result


def has_visible_focus(style: dict[str, Any]) -> bool:
    """An outline wider than 0 or a box-shadow: something a sighted keyboard user can see."""
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    shadow = style["boxShadow"] not in ("none", "")
    return outline or shadow
