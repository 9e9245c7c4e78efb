"""The public pages in a real browser: accessibility (axe-core), no-JavaScript journeys,
keyboard use, scripts starting without errors, and screenshots for people to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    CATALOGUE,
    DIST_DIR,
    RESULTS_DIR,
    axe_violations,
    focused,
    format_violations,
    has_visible_focus,
    preload_axe,
    public_paths,
    watch_console,
)

pytestmark = pytest.mark.browser

FRAMEWORK = next(iter(CATALOGUE))  # newest first, as the home page lists them
FIRST_MARKER, SECOND_MARKER = FRAMEWORK.markers[0], FRAMEWORK.markers[1]
MARKER_WITH_EASY_READ = next(m for m in FRAMEWORK.markers if m.easy_read)
MARKER_PATH = f"/frameworks/{FRAMEWORK.id}/markers/{MARKER_WITH_EASY_READ.code}"


def _visit(page: Page, url: str, expected_status: int = 200) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.status == expected_status, f"{url} answered {response.status}"


def test_every_public_page_has_no_axe_violations(live_server: str, page: Page) -> None:
    preload_axe(page.context)  # much quicker than injecting it into 60-odd pages one by one
    report: list[str] = []
    paths = public_paths(CATALOGUE)
    for path in paths:
        _visit(page, live_server + path, 404 if path == "/no-such-page" else 200)
        violations = axe_violations(page)
        if violations:
            report.append(format_violations(violations, where=path))

    # Easy Read changes the markup (an extra box, another header link): check it too.
    _visit(page, f"{live_server}/easy-read?on=1&next={MARKER_PATH}")
    assert page.url == live_server + MARKER_PATH
    expect(page.locator(".mir-easy-read")).to_contain_text(MARKER_WITH_EASY_READ.easy_read or "")
    violations = axe_violations(page)
    if violations:
        report.append(format_violations(violations, where=f"{MARKER_PATH} (Easy Read on)"))

    assert not report, (f"axe-core violations on {len(report)} of {len(paths) + 1} pages:\n"
                        + "\n".join(report))


def test_without_javascript_people_can_follow_links_and_switch_easy_read(
    live_server: str, nojs_page: Page
) -> None:
    page = nojs_page
    _visit(page, live_server + "/")
    expect(page.locator("body.js-enabled")).to_have_count(0)  # init.js really did not run
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Making It Real: see how care and support is changing")

    page.get_by_role("link", name=FRAMEWORK.title, exact=True).first.click()
    expect(page).to_have_url(f"{live_server}/frameworks/{FRAMEWORK.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(FRAMEWORK.title)

    page.get_by_role("link", name=FIRST_MARKER.statement, exact=True).click()
    expect(page).to_have_url(f"{live_server}/frameworks/{FRAMEWORK.id}/markers/"
                             f"{FIRST_MARKER.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_MARKER.statement)

    page.locator("a[rel=next]").click()
    second_url = f"{live_server}/frameworks/{FRAMEWORK.id}/markers/{SECOND_MARKER.code}"
    expect(page).to_have_url(second_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(SECOND_MARKER.statement)

    # Easy Read on: a plain link, a redirect back here, and the Easy Read words shown.
    assert SECOND_MARKER.easy_read, "the test expects the second marker to have Easy Read"
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Easy Read", exact=True).click()
    expect(page).to_have_url(second_url)
    easy_read_box = page.locator("#main-content .mir-easy-read")
    expect(easy_read_box).to_be_visible()
    expect(easy_read_box).to_contain_text(SECOND_MARKER.easy_read)
    expect(page.get_by_role("link", name="Show this in Easy Read")).to_have_count(0)

    # ...and off again.
    main_nav.get_by_role("link", name="Turn Easy Read off").click()
    expect(page).to_have_url(second_url)
    expect(page.locator("#main-content .mir-easy-read")).to_have_count(0)
    expect(page.get_by_text(SECOND_MARKER.easy_read, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Show this in Easy Read")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Easy Read", exact=True)).to_be_visible()


def test_without_javascript_the_404_page_is_in_the_site_layout(
    live_server: str, nojs_page: Page
) -> None:
    page = nojs_page
    _visit(page, live_server + "/no-such-page", 404)
    expect(page).to_have_title(re.compile(r"^Page not found – Making It Real toolkit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Skip to main content")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("footer.govuk-footer")).to_be_visible()
    page.get_by_role("link", name="go to the home page").click()
    expect(page).to_have_url(live_server + "/")


def test_keyboard_skip_link_moves_focus_to_main_content_and_focus_is_visible(
    live_server: str, page: Page
) -> None:
    _visit(page, live_server + MARKER_PATH)

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip["text"] == "Skip to main content", \
        f"the first Tab should focus the skip link, focused {skip}"
    assert has_visible_focus(skip), f"the focused skip link shows no focus indicator: {skip}"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    after_skip = focused(page)
    # GOV.UK Frontend's skip link focuses <main> itself; without it the next Tab
    # starts from the target. Either way, the next Tab lands inside <main>.
    assert after_skip is None or after_skip["id"] == "main-content" or after_skip["inMain"], \
        f"after Enter on the skip link, focus is outside the main content: {after_skip}"
    page.keyboard.press("Tab")
    in_main = focused(page)
    assert in_main is not None and in_main["inMain"], \
        f"Tab after the skip link should reach the main content, focused {in_main}"
    assert has_visible_focus(in_main), f"the focused link shows no focus indicator: {in_main}"


def test_scripts_start_without_errors(live_server: str, page: Page) -> None:
    assert (DIST_DIR / "htmx.min.js").exists(), (
        f"front-end assets are not built in {DIST_DIR}: run `npm ci && npm run build` "
        "(`make test` does)")
    errors = watch_console(page)
    for path in ("/", MARKER_PATH):
        _visit(page, live_server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => typeof window.htmx") == "object", \
            f"window.htmx is not defined on {path}"
        body_class = page.evaluate("() => document.body.className").split()
        assert "govuk-frontend-supported" in body_class, f"{path}: body class is {body_class}"
        assert "js-enabled" in body_class, f"{path}: body class is {body_class}"
        # GOV.UK Frontend's initAll() started the skip link component.
        expect(page.locator(".govuk-skip-link")).to_have_attribute(
            "data-govuk-skip-link-init", "")
    errors.assert_none("the home page or a marker page")


def test_screenshots_of_home_and_a_marker_page(live_server: str, page: Page) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in (("home", "/"), ("marker", MARKER_PATH)):
        _visit(page, live_server + path)
        page.wait_for_load_state("networkidle")
        target = RESULTS_DIR / f"public-{name}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True)
        assert target.exists() and target.stat().st_size > 0, target


def test_current_page_underline_runs_unbroken_under_the_whole_link(live_server: str,
                                                                    page: Page) -> None:
    # A thick underline that skips descenders is cut at each "g" or "p": "Your org|anisations"
    # then reads as two words.
    _visit(page, f"{live_server}/organisations")
    current = page.locator(".mir-header__link[aria-current='page']")
    expect(current).to_have_text("Organisations")
    style = current.evaluate("(link) => { const s = getComputedStyle(link); return "
                             "[s.textDecorationLine, s.textDecorationSkipInk]; }")
    assert style == ["underline", "none"], style


def test_htmx_adds_no_inline_style_and_the_indicator_is_styled(live_server: str,
                                                               page: Page) -> None:
    # htmx would otherwise insert a <style> element, which the Content-Security-Policy
    # blocks with a console error; the stylesheet hides the indicator instead.
    errors = watch_console(page)
    _visit(page, f"{live_server}/organisations")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    page.evaluate("() => { const s = document.createElement('span');"
                  " s.className = 'htmx-indicator'; s.id = 'probe'; document.body.append(s); }")
    assert page.locator("#probe").evaluate("(e) => getComputedStyle(e).opacity") == "0"
    errors.assert_none("the directory")
