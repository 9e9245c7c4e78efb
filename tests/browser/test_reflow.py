"""The public pages fit a 320 px wide screen (WCAG 1.4.10 Reflow), in Easy Read too.

A journey through every kind of public page of the demo, with JavaScript on and off: the
`journey` fixture measures each page at 320 × 640 and fails on sideways scrolling or on
any console error. The tables people come for (the action plan, a publication's levels,
the map's council list) must stack, so "Due by" and "Status" stay on screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.config import Settings
from app.demo import load_demo
from tests.browser.helpers import JourneyBrowser
from tests.demo_pages import public_pages

pytestmark = pytest.mark.browser


def test_every_public_page_fits_a_small_phone(journey: JourneyBrowser, live_server: str,
                                               settings: Settings, database_url: str) -> None:
    load_demo(settings, orgs=120, seed=7, only_if_empty=False)
    pages = public_pages(database_url)
    page = journey.new_page()
    for path in pages:
        response = page.goto(live_server + path, wait_until="load")
        assert response is not None and response.status == 200, path
    plan = next(path for path in pages if path.endswith("/action-plan"))
    page.goto(live_server + plan)
    # Stacked rows: each cell says what it is, and stays inside the screen.
    due = page.locator("td[data-label='Due by']").first
    expect(due).to_be_visible()
    box = due.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320, box
    journey.check_axe(page, "the public action plan at 320 px")
    page.goto(live_server + "/map")
    journey.check_axe(page, "the map at 320 px")
    page.goto(f"{live_server}/easy-read?on=1&next=/")
    for path in ("/", "/map", "/organisations", "/about"):
        page.goto(live_server + path)
    journey.assert_accessible()
