"""/api/docs: the interactive API reference, served from this site under the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_violations, format_violations, watch_console

pytestmark = pytest.mark.browser


def test_the_api_reference_lists_every_address_and_keeps_to_the_policy(
        live_server: str, page: Page) -> None:
    console = watch_console(page)
    page.goto(f"{live_server}/api/docs", wait_until="load")
    reference = page.locator("#api-reference")
    expect(reference.locator(".opblock").first).to_be_visible(timeout=15_000)
    for path in ("/api/v1/organisations", "/api/v1/areas", "/api/v1/frameworks"):
        expect(reference.get_by_text(path, exact=True).first).to_be_visible()
    # Open one address and call it from the page.
    reference.get_by_role("button", name="/api/v1/frameworks", exact=False).first.click()
    reference.get_by_role("button", name="Try it out").click()
    reference.get_by_role("button", name="Execute").click()
    expect(reference.locator(".live-responses-table .response .response-col_status").first) \
        .to_contain_text("200")
    page.wait_for_timeout(200)
    console.assert_none("/api/docs")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, "/api/docs")


def test_without_javascript_it_points_to_the_openapi_description(
        live_server: str, nojs_page: Page) -> None:
    nojs_page.goto(f"{live_server}/api/docs")
    link = nojs_page.get_by_role("link", name="OpenAPI description (JSON)")
    expect(link).to_have_attribute("href", "/api/v1/openapi.json")


def test_the_api_reference_fits_a_320_pixel_screen(live_server: str, page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/api/docs", wait_until="load")
    expect(page.locator("#api-reference .opblock").first).to_be_visible(timeout=15_000)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide"
