"""The public side in a real browser: axe-core on the directory, areas, a region, the map
and the open data page; htmx filtering; the points map; and journeys without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.clock import today
from tests.browser.helpers import assert_no_axe_violations, watch_console
from tests.directory.builders import database, publish
from tests.factories import make_commitment, make_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(database_url: str) -> None:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",), latitude=53.578, longitude=-2.429,
                                   description="The council for Bolton")
        make_commitment(db, bolton, signed_up_on=today() - timedelta(days=40))
        publish(db, bolton)
        wigan = make_organisation(db, name="Wigan Council", kind="council",
                                  areas=("E08000010",), latitude=53.545, longitude=-2.632)
        make_commitment(db, wigan, signed_up_on=today() - timedelta(days=150))
        for number in range(25):
            organisation = make_organisation(
                db, name=f"Community group {number:02d}", kind="voluntary",
                areas=("E08000001",), latitude=53.5 + number / 100,
                longitude=-2.4 - number / 100)
            make_commitment(db, organisation, signed_up_on=today() - timedelta(days=number))
        db.commit()


def _visit(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url


@pytest.mark.usefixtures("seeded")
def test_public_side_pages_have_no_axe_violations(live_server: str, page: Page) -> None:
    for path in ("/organisations", "/organisations?q=nothing+matches+this", "/areas",
                 "/areas/E08000001", "/areas/E10000006", "/regions", "/regions/E12000002", "/map",
                 "/open-data", "/"):
        _visit(page, live_server + path)
        if path == "/map":
            # The points map appears once Leaflet has the data: check it too.
            expect(page.locator(".mir-points")).to_be_visible()
            expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
        assert_no_axe_violations(page)


@pytest.mark.usefixtures("seeded")
def test_scripts_run_without_errors(live_server: str, page: Page) -> None:
    console = watch_console(page)
    _visit(page, f"{live_server}/map")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    cluster = page.locator(".mir-points__cluster").first
    expect(cluster).to_contain_text("organisations. Select to zoom in.")
    _visit(page, f"{live_server}/organisations")
    page.get_by_label("Search by name or place").fill("group")
    expect(page.locator("#result-count")).to_have_text("25 organisations found")
    console.assert_none("the map and the directory")


@pytest.mark.usefixtures("seeded")
def test_htmx_filters_swap_the_results_and_change_the_address(live_server: str,
                                                              page: Page) -> None:
    _visit(page, f"{live_server}/organisations")
    status = page.locator("#result-count")
    expect(status).to_have_text("27 organisations found")
    page.get_by_label("Search by name or place").fill("council")
    expect(status).to_have_text("2 organisations found")
    expect(page).to_have_url(f"{live_server}/organisations?q=council&kind=&region=&area="
                             "&framework=&status=&sort=name")
    expect(page.locator(".mir-result__title a")).to_have_text(["Bolton Council",
                                                               "Wigan Council"])
    page.get_by_label("Status").select_option("plan_overdue")
    expect(status).to_have_text("1 organisation found")
    expect(page.locator(".mir-result__title a")).to_have_text(["Wigan Council"])
    # The form is still there (only the results were swapped) and keeps its values.
    expect(page.get_by_label("Search by name or place")).to_have_value("council")
    assert_no_axe_violations(page)


@pytest.mark.usefixtures("seeded")
def test_without_javascript_the_filter_form_and_pages_work(live_server: str,
                                                           nojs_page: Page) -> None:
    page = nojs_page
    _visit(page, f"{live_server}/organisations")
    expect(page.locator("#result-count")).to_have_text("27 organisations found")
    page.get_by_label("Kind of organisation").select_option("voluntary")
    page.get_by_label("Search by name or place").fill("group 1")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(f"{live_server}/organisations?q=group+1&kind=voluntary&region="
                             "&area=&framework=&status=&sort=name")
    expect(page.locator("#result-count")).to_have_text("10 organisations found")
    page.get_by_label("Kind of organisation").select_option("")
    page.get_by_label("Search by name or place").fill("")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".mir-result__title a")).to_have_count(7)


@pytest.mark.usefixtures("seeded")
def test_without_javascript_a_hexagon_leads_to_its_area(live_server: str,
                                                        nojs_page: Page) -> None:
    page = nojs_page
    _visit(page, f"{live_server}/map")
    expect(page.locator(".mir-points")).to_be_hidden()
    hexagon = page.get_by_role("link", name="Bolton: council has published a plan; "
                                            "26 organisations signed up")
    expect(hexagon).to_have_count(1)
    hexagon.click()
    expect(page).to_have_url(f"{live_server}/areas/E08000001")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bolton")


@pytest.mark.usefixtures("seeded")
def test_hexagons_can_be_reached_and_followed_with_the_keyboard(live_server: str,
                                                                page: Page) -> None:
    _visit(page, f"{live_server}/map")
    hexagon = page.get_by_role("link", name="Wigan: council's plan is overdue; "
                                            "1 organisation signed up")
    hexagon.focus()
    fill = hexagon.locator("polygon").evaluate("element => getComputedStyle(element).fill")
    assert fill == "rgb(255, 221, 0)"  # the GOV.UK focus yellow
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/areas/E08000010")
