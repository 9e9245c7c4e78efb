"""Helpers for browser tests: the pages to visit, axe-core checks, console and focus checks.

Import these from any browser test (forms, journeys):

    from tests.browser.helpers import assert_no_axe_violations, public_paths
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Request,
    Route,
)

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
    """Every public page: the fixed pages, each framework, each marker, each crosswalk, and
    a 404 page."""
    catalogue = catalogue if catalogue is not None else CATALOGUE
    paths = ["/", "/frameworks", "/about", "/accessibility"]
    for framework in catalogue:
        paths.append(f"/frameworks/{framework.id}")
        paths.extend(f"/frameworks/{framework.id}/markers/{marker.code}"
                     for marker in framework.markers)
    paths.extend(f"/frameworks/{crosswalk.id}" for crosswalk in catalogue.crosswalks)
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
    page.wait_for_load_state("load")  # not half-way through a navigation a click started
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
        page.on("requestfailed", self._on_request_failed)
        return self

    def _on_request_failed(self, request: Request) -> None:
        # ERR_ABORTED is Chromium cancelling a request because the page navigated away (often
        # the favicon); a missing or broken asset shows up as a failed status or net error.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.method} {request.url} "
                               f"({request.failure})")

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


# Journeys: emails in the outbox, logging in, keyboard focus, axe without JavaScript ----------
# (Added for the account and workspace journeys; the helpers above are unchanged.)

TEST_BASE_URL = "http://testserver"  # settings.base_url in tests/conftest.py
_LINK = re.compile(r"https?://[^\s<>\"']+")


def newest_email(outbox_dir: Path, *, to: str | None = None, not_in: Collection[str] = (),
                 timeout: float = 10.0) -> EmailMessage:
    """The newest .eml in the outbox (names start with a timestamp), addressed to `to`.

    Emails go out once the request's transaction has committed, which can be a moment after
    the browser has its answer: this waits up to `timeout` seconds. `not_in` names files to
    ignore (those there before the step that sends the email: see `outbox_names`).
    """
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(outbox_dir.glob("*.eml")) if outbox_dir.exists() else []
        for path in reversed(files):
            if path.name in not_in:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if to is None or str(message["To"]).lower() == to.lower():
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no email{' to ' + to if to else ''} in {outbox_dir} after "
                                 f"{timeout}s; there are {[f.name for f in files]}")
        time.sleep(0.05)


def outbox_names(outbox_dir: Path) -> set[str]:
    """The .eml files in the outbox now: pass as `not_in` to wait for a new one."""
    return {path.name for path in outbox_dir.glob("*.eml")} if outbox_dir.exists() else set()


def email_text(message: EmailMessage) -> str:
    """The plain-text part of an email."""
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None, f"no plain-text part in the email {message['Subject']!r}"
    return str(plain.get_content())


def email_link(message: EmailMessage, live_server: str, path_prefix: str,
               base_url: str = TEST_BASE_URL) -> str:
    """The one link to `path_prefix` in the email, moved from `base_url` to the live server.

    Checks the plain-text part and the HTML part carry the same, absolute link.
    """
    start = base_url.rstrip("/") + path_prefix
    links: list[str] = sorted({link.rstrip(".,)") for link in _LINK.findall(email_text(message))
                               if link.startswith(start)})
    assert len(links) == 1, f"expected one link starting {start} in the email, found {links}"
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        assert links[0] in html.get_content(), f"the HTML part lacks the link {links[0]}"
    return live_server + links[0][len(base_url.rstrip("/")):]


def log_in(page: Page, live_server: str, email_address: str, password: str,
           expected_path: str = "/manage") -> None:
    """Log in through the login form, as a person would, and check where it lands."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(email_address)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(live_server + expected_path)


_FOCUS_INDICATOR = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  // GOV.UK radios and checkboxes hide the real input: the focus ring is drawn by the
  // ::before of the label that follows it.
  const hidden = element.matches('.govuk-radios__input, .govuk-checkboxes__input')
    && element.nextElementSibling;
  const ringStyle = hidden ? getComputedStyle(element.nextElementSibling, '::before')
    : getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.getAttribute('name') || '',
    type: element.getAttribute('type') || '',
    role: element.getAttribute('role') || '',
    text: (element.textContent || element.value || '').trim().slice(0, 80),
    outlineStyle: ringStyle.outlineStyle,
    outlineWidth: ringStyle.outlineWidth,
    outlineColor: ringStyle.outlineColor,
    boxShadow: ringStyle.boxShadow,
    inMain: !!element.closest('#main-content'),
  };
}
"""


def focus_indicator(page: Page) -> dict[str, Any] | None:
    """Like `focused`, but for GOV.UK radios and checkboxes gives the style of the ring
    their label draws (the input itself is invisible). None when nothing has focus."""
    result: dict[str, Any] | None = page.evaluate(_FOCUS_INDICATOR)
    return result


def tab_to(page: Page, selector: str, *, key: str = "Tab", max_presses: int = 40) -> \
        list[dict[str, Any]]:
    """Press Tab (or `key`) until the element matching `selector` has focus.

    Every control passed through on the way (and the target) must show a visible focus
    indicator. Returns what was focused at each stop.
    """
    stops: list[dict[str, Any]] = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        stop = focus_indicator(page)
        assert stop is not None, f"{key} left nothing focused after {stops}"
        assert has_visible_focus(stop), f"no visible focus indicator on {stop}"
        stops.append(stop)
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return stops
    raise AssertionError(f"{max_presses} presses of {key} did not reach {selector}; "
                         f"focus went through {[(s['tag'], s['id'], s['text']) for s in stops]}")


_SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def axe_violations_without_scripts(page: Page, viewer: Page) -> list[dict[str, Any]]:
    """axe-core on what a page with JavaScript off shows (axe needs JavaScript to run).

    Serialises `page` (its context has JavaScript switched off), strips the scripts, and
    serves that HTML to `viewer` (a page whose context has JavaScript on) at the same URL,
    so the same style sheets apply. Then runs axe there.
    """
    html = _SCRIPT_TAG.sub("", page.content())
    url = page.url.split("#", 1)[0]

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    viewer.route(url, serve)
    try:
        viewer.goto(url, wait_until="load")
    finally:
        viewer.unroute(url, serve)
    return axe_violations(viewer)


def _path_of(url: str) -> str:
    return "/" + url.split("/", 3)[-1] if url.count("/") >= 3 else url


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


# WCAG 1.4.10 Reflow: content fits 320 CSS px wide without scrolling sideways. The journeys
# run in a phone-sized window, and every page they load is measured there.
NARROW_VIEWPORT = {"width": 320, "height": 640}

_MEASURE_WIDTH = """
() => {
  const viewport = document.documentElement.clientWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= viewport) return null;
  // Name the elements that stick out, leaving out those inside a box that scrolls
  // sideways by itself (they do not widen the page).
  const scrollers = [...document.body.querySelectorAll('*')].filter((element) =>
    ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(element).overflowX));
  const culprits = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    const scrolled = scrollers.some((box) => box !== element && box.contains(element));
    if (box.right > viewport + 1 && !scrolled) {
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + (element.classList.length ? '.' + [...element.classList].join('.') : '');
      culprits.push(`${name} (${Math.round(box.width)}px wide, `
        + `right edge at ${Math.round(box.right)}px)`);
    }
    if (culprits.length >= 5) break;
  }
  return {width, viewport, culprits};
}
"""


def page_overflow(page: Page) -> str | None:
    """None when the document fits the window's width, else what sticks out (for a report)."""
    found: dict[str, Any] | None = page.evaluate(_MEASURE_WIDTH)
    if found is None:
        return None
    return (f"the document is {found['width']}px wide in a {found['viewport']}px window; "
            f"sticking out: {'; '.join(found['culprits']) or 'nothing named'}")


class JourneyBrowser:
    """Fresh browser contexts, all with JavaScript on or all off, for one journey test.

    `new_page()` opens a page in a new context (its own cookies: another person), 320 × 640
    CSS px like a small phone. Every page it loads is measured: a document wider than the
    window (sideways scrolling) is noted, and so is every console error, with or without
    JavaScript; `close()` (every journey fixture calls it) fails the test on either. A
    test that makes the browser log an error on purpose (an expired link answering 410)
    says so with `expect_console_error`.
    `check_axe(page, where)` runs axe-core, whether JavaScript is on or off, and notes any
    violations; `assert_accessible()` at the end of the journey fails listing them all, so
    one run of a journey reports every page with a problem, not only the first.
    """

    def __init__(self, browser: Browser, *, js: bool) -> None:
        self.browser = browser
        self.js = js
        self.contexts: list[BrowserContext] = []
        self.watchers: list[ConsoleWatcher] = []
        self.axe_report: list[str] = []
        self.axe_checks = 0
        self.reflow_report: list[str] = []
        self.pages_measured = 0
        self.expected_errors: list[str] = []
        self._viewer: Page | None = None

    def _context(self, js: bool) -> BrowserContext:
        context = self.browser.new_context(locale="en-GB", java_script_enabled=js,
                                           viewport=NARROW_VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        return context

    def new_page(self) -> Page:
        page = self._context(self.js).new_page()
        self.watchers.append(watch_console(page))
        page.on("load", self._measure)
        return page

    def _measure(self, page: Page) -> None:
        # Runs on each page's "load" event, while the journey goes on: a page left at once
        # may be gone before it is measured. close() measures the pages still open.
        try:
            problem = page_overflow(page)
        except Error:
            return  # the journey already moved on to the next page, which is measured too
        self.pages_measured += 1
        line = f"{_path_of(page.url)}: {problem}"
        if problem and line not in self.reflow_report:
            self.reflow_report.append(line)

    def expect_console_error(self, *parts: str) -> None:
        """Errors containing one of `parts` are what this journey means to cause."""
        self.expected_errors.extend(parts)

    def assert_every_page_fine(self) -> None:
        """No page loaded in this journey scrolled sideways at 320 px or logged an error."""
        assert not self.reflow_report, (
            f"pages that scroll sideways at 320 px wide (JavaScript {'on' if self.js else 'off'},"
            f" {len(self.reflow_report)} of {self.pages_measured} loads):\n"
            + "\n".join(self.reflow_report))
        self.assert_no_console_errors()

    def axe_violations(self, page: Page) -> list[dict[str, Any]]:
        page.wait_for_load_state("load")
        if self.js:
            # Evaluate axe-core through DevTools straight away: trying a <script> tag first
            # (as `axe_violations` does) logs a Content-Security-Policy error in the console,
            # which `assert_no_console_errors` would then blame on the app.
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(_axe_source() + "\n;undefined")
            return axe_violations(page)
        if self._viewer is None:
            self._viewer = self._context(True).new_page()
        return axe_violations_without_scripts(page, self._viewer)

    def check_axe(self, page: Page, where: str) -> None:
        """Run axe-core on the page as it is now; violations are reported at the end."""
        self.axe_checks += 1
        violations = self.axe_violations(page)
        if violations:
            path = _path_of(page.url)
            self.axe_report.append(format_violations(violations, where=f"{where} ({path})"))

    def assert_accessible(self) -> None:
        """Fail listing every axe-core violation `check_axe` found during the journey."""
        assert not self.axe_report, (
            f"axe-core violations (JavaScript {'on' if self.js else 'off'}) in "
            f"{len(self.axe_report)} of {self.axe_checks} checks:\n" + "\n".join(self.axe_report))

    def assert_no_console_errors(self, ignore: Collection[str] = ()) -> None:
        self.expect_console_error(*ignore)
        errors = [error for watcher in self.watchers for error in watcher.errors
                  if not any(part in error for part in self.expected_errors)]
        assert not errors, "errors in the browser:\n" + "\n".join(errors)

    def close(self) -> None:
        """Close the contexts, then fail if a page scrolled sideways or logged an error:
        every journey fixture closes its JourneyBrowser, so every journey is checked."""
        for context in self.contexts:
            for page in context.pages:
                if page is not self._viewer and not page.is_closed():
                    self._measure(page)
            context.close()
        self.contexts.clear()
        self.assert_every_page_fine()


# Content-Security-Policy ----------------------------------------------------------------
# The app sends a policy with no 'unsafe-inline' (app/security.py). Chromium reports every
# inline script, style= attribute, <style> element or foreign resource it blocks as a
# console error ("Refused to … because it violates the following Content Security Policy
# directive: …"), with or without JavaScript, so ConsoleWatcher.assert_none() and
# JourneyBrowser.assert_no_console_errors() already fail on them; these pick them out.

CSP_VIOLATION_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def csp_violations(watcher: ConsoleWatcher) -> list[str]:
    """The console errors of `watcher` that are Content-Security-Policy violations."""
    return [error for error in watcher.errors
            if any(marker in error for marker in CSP_VIOLATION_MARKERS)]


def assert_no_csp_violations(watcher: ConsoleWatcher, where: str = "") -> None:
    found = csp_violations(watcher)
    assert not found, f"Content-Security-Policy violations{' on ' + where if where else ''}" \
        ":\n" + "\n".join(found)


def heading(page: Page) -> Locator:
    """The page's one <h1>."""
    return page.get_by_role("heading", level=1)


def flash(page: Page) -> Locator:
    """The green banner that says something was done."""
    return page.locator(".govuk-notification-banner--success")


def submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
