"""The browser helpers catch what they claim to: a checker that never fails checks nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.helpers import (
    JourneyBrowser,
    assert_no_axe_violations,
    focused,
    has_visible_focus,
    public_paths,
    watch_console,
)

pytestmark = pytest.mark.browser

BROKEN = """<!DOCTYPE html><html><head><title>t</title></head><body>
<main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<a href="/x" style="outline: none">Link</a></main></body></html>"""


def test_axe_helper_lists_rule_impact_target_and_html(page: Page) -> None:
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    assert "[image-alt] (critical)" in message
    assert "[html-has-lang]" in message
    assert "target: img" in message
    assert '<img src="data:image/gif' in message


def test_console_watcher_and_focus_helpers(page: Page) -> None:
    errors = watch_console(page)
    page.set_content(BROKEN)
    page.evaluate("() => console.error('boom')")
    with pytest.raises(AssertionError, match="boom"):
        errors.assert_none()
    page.keyboard.press("Tab")
    link = focused(page)
    assert link is not None and link["text"] == "Link"
    assert not has_visible_focus(link)


def test_public_paths_cover_every_marker_and_a_missing_page() -> None:
    paths = public_paths()
    assert paths[:4] == ["/", "/frameworks", "/about", "/accessibility"]
    assert "/frameworks/making-it-real-2018/markers/WI1" in paths
    assert paths[-1] == "/no-such-page"
    assert len(paths) == len(set(paths))


WIDE = """<!DOCTYPE html><html lang="en"><head><title>Wide</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Wide</h1><table><tr><td>Action</td><td>Led by</td><td>Due by</td>
<td><div style="width: 600px">Status</div></td></tr></table></main></body></html>"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_journey_browser_fails_on_sideways_scrolling_and_console_errors(
        browser: Browser, js: bool) -> None:
    journey = JourneyBrowser(browser, js=js)
    page = journey.new_page()
    page.route("http://mir.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=WIDE))
    page.goto("http://mir.test/plan")
    with pytest.raises(AssertionError) as failure:
        journey.close()
    message = str(failure.value)
    assert "/plan: the document is" in message and "in a 320px window" in message
    assert "div (600px wide" in message

    journey = JourneyBrowser(browser, js=js)
    page = journey.new_page()
    page.route("http://mir.test/**", lambda route: route.fulfill(
        status=404, content_type="text/html", body="<title>Gone</title><p>Gone</p>"))
    page.goto("http://mir.test/gone")
    with pytest.raises(AssertionError, match="status of 404"):
        journey.close()
    journey = JourneyBrowser(browser, js=js)
    page = journey.new_page()
    page.route("http://mir.test/**", lambda route: route.fulfill(
        status=404, content_type="text/html", body="<title>Gone</title><p>Gone</p>"))
    page.goto("http://mir.test/gone")
    journey.expect_console_error("status of 404")
    journey.close()  # an error the journey meant to cause
