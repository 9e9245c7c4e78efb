"""The directory of organisations: search, filters, sort, pages, and htmx partials."""

from __future__ import annotations

import re
from datetime import timedelta

import lxml.html
from fastapi.testclient import TestClient

from app.clock import today
from app.templating import EASY_READ_COOKIE
from tests.directory.builders import database, publish, unlisted_trio
from tests.factories import make_commitment, make_organisation


def by_class(name: str) -> str:
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def parse(html: str) -> lxml.html.HtmlElement:
    if html.lstrip().lower().startswith("<!doctype"):
        return lxml.html.document_fromstring(html)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def names(html: str) -> list[str]:
    return [link.text_content().strip()
            for link in parse(html).xpath(by_class("mir-result__title") + "/a")]


def count(html: str) -> str:
    found = re.search(r'id="result-count" role="status" aria-live="polite">([^<]*)<', html)
    assert found, "no result count"
    return found.group(1)


def seed(database_url: str) -> None:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",), description="The council")
        make_commitment(db, bolton, signed_up_on=today() - timedelta(days=300))
        publish(db, bolton)
        voices = make_organisation(db, name="Wigan Voices", kind="dpulo", areas=("E08000010",),
                                   description="Run by DISABLED people, for disabled people")
        make_commitment(db, voices, signed_up_on=today() - timedelta(days=200))
        care = make_organisation(db, name="Anchor Care 100%", kind="provider",
                                 areas=("E06000060", "E08000001"), description="Homes")
        make_commitment(db, care, signed_up_on=today() - timedelta(days=10))
        make_organisation(db, name="Zeal Newcomers", kind="voluntary", areas=("E09000033",))
        unlisted_trio(db)
        db.commit()


def test_lists_listed_organisations_by_name_with_their_status(client: TestClient,
                                                              database_url: str) -> None:
    seed(database_url)
    page = client.get("/organisations")
    assert page.status_code == 200
    assert names(page.text) == ["Anchor Care 100%", "Bolton Council", "Wigan Voices",
                                "Zeal Newcomers"]
    assert count(page.text) == "4 organisations found"
    assert "Plan published" in page.text and "Plan overdue" in page.text
    assert "Not signed up to a framework yet." in page.text
    assert "Secret" not in page.text


def test_easy_read_calls_them_groups_as_its_menu_does(client: TestClient,
                                                      database_url: str) -> None:
    seed(database_url)
    client.cookies.set(EASY_READ_COOKIE, "1")
    page = client.get("/organisations", params={"kind": "council"})
    assert count(page.text) == "1 group found"
    assert parse(page.text).xpath("string(//h1)") == "Groups"
    assert "<title>Groups: 1 group found" in page.text
    assert count(client.get("/organisations?q=secret").text) == "No groups found"


def test_search_is_case_insensitive_on_name_and_place(client: TestClient,
                                                      database_url: str) -> None:
    seed(database_url)
    # The name first, then others working in the place named.
    assert names(client.get("/organisations?q=BOLTON").text) == \
        ["Bolton Council", "Anchor Care 100%"]
    assert names(client.get("/organisations?q=wigan+voices").text)[:1] == ["Wigan Voices"]
    assert names(client.get("/organisations?q=bolton&sort=name").text) == \
        ["Anchor Care 100%", "Bolton Council"]  # A to Z when asked
    # Misspelt, and the words found are marked.
    page = client.get("/organisations?q=wigna+voises").text
    assert names(page)[:1] == ["Wigan Voices"]
    assert "<mark>Wigan</mark> <mark>Voices</mark>" in page
    # Wildcards in the search are taken literally.
    assert names(client.get("/organisations?q=100%25").text) == ["Anchor Care 100%"]
    assert names(client.get("/organisations?q=_").text) == []
    assert count(client.get("/organisations?q=secret").text) == "No organisations found"


def test_filters(client: TestClient, database_url: str) -> None:
    seed(database_url)
    assert names(client.get("/organisations?kind=council").text) == ["Bolton Council"]
    assert names(client.get("/organisations?area=E08000001").text) == \
        ["Anchor Care 100%", "Bolton Council"]
    # Buckinghamshire's former county code finds the organisations in the new council.
    assert names(client.get("/organisations?area=E10000002").text) == ["Anchor Care 100%"]
    assert names(client.get("/organisations?region=E12000007").text) == ["Zeal Newcomers"]
    assert names(client.get("/organisations?framework=making-it-real-2018").text) == \
        ["Anchor Care 100%", "Bolton Council", "Wigan Voices"]
    assert names(client.get("/organisations?framework=making-it-real-2012").text) == []
    assert names(client.get("/organisations?status=plan_overdue").text) == ["Wigan Voices"]
    assert names(client.get("/organisations?status=plan_published&kind=council").text) == \
        ["Bolton Council"]
    assert names(client.get("/organisations?status=signed_up&area=E08000001").text) == \
        ["Anchor Care 100%"]
    # Unknown values are ignored rather than failing.
    assert len(names(client.get("/organisations?kind=nonsense&status=nope").text)) == 4


def chosen(html: str, name: str) -> list[str]:
    """The values selected in the filter form's select `name`."""
    return parse(html).xpath(f'//select[@name="{name}"]/option[@selected]/@value')


def test_search_results_page_by_page_in_best_match_order(client: TestClient,
                                                        database_url: str) -> None:
    with database(database_url) as db:
        for number in range(45):
            make_organisation(db, name=f"Group {number:02d}", kind="voluntary")
        for number in range(3):
            make_organisation(db, name=f"Group {number:02d} Council", kind="council")
        db.commit()
    pages = [client.get(f"/organisations?q=group&kind=voluntary&page={number}").text
             for number in (1, 2, 3)]
    assert count(pages[0]) == "45 organisations found"
    # Equal scores: the shorter name, then A to Z; each page the next twenty, none twice.
    assert [names(page) for page in pages] == [
        [f"Group {number:02d}" for number in range(first, min(first + 20, 45))]
        for first in (0, 20, 40)]
    assert "Showing 21 to 40 of 45." in pages[1]
    assert "<mark>Group</mark> 27" in pages[1]
    assert names(client.get("/organisations?q=group+council&page=1").text)[:3] == \
        ["Group 00 Council", "Group 01 Council", "Group 02 Council"]


def test_filter_form_keeps_each_request_s_own_choices(client: TestClient,
                                                      database_url: str) -> None:
    # The selects are rendered once per process for each chosen value: one request's choice
    # must never show on another's page.
    seed(database_url)
    bolton = client.get("/organisations?area=E08000001&kind=council")
    assert names(bolton.text) == ["Bolton Council"]
    assert chosen(bolton.text, "area") == ["E08000001"]
    assert chosen(bolton.text, "kind") == ["council"]
    wigan = client.get("/organisations?area=E08000010&sort=newest")
    assert names(wigan.text) == ["Wigan Voices"]
    assert chosen(wigan.text, "area") == ["E08000010"]
    assert chosen(wigan.text, "kind") == [""]
    assert chosen(wigan.text, "sort") == ["newest"]
    every = client.get("/organisations")
    assert all(chosen(every.text, name) == [""]
                   for name in ("area", "kind", "region", "framework", "status"))
    assert chosen(every.text, "sort") == ["name"]
    assert chosen(client.get("/organisations?area=E08000001").text, "area") == ["E08000001"]
    # Each select keeps its label, and the label follows the reader's Easy Read choice.
    label = parse(every.text).xpath('//label[@for="kind"]')[0].text_content().strip()
    assert label == "Kind of organisation"
    client.cookies.set("mir_easy_read", "1")
    easy = client.get("/organisations")
    assert parse(easy.text).xpath('//label[@for="kind"]')[0].text_content().strip() == \
        "Kind of group"
    assert len(parse(easy.text).xpath('//select[@name="area"]/option')) == 1 + 153


def test_sort_by_newest_sign_up(client: TestClient, database_url: str) -> None:
    seed(database_url)
    page = client.get("/organisations?sort=newest")
    assert names(page.text) == ["Anchor Care 100%", "Wigan Voices", "Bolton Council",
                                "Zeal Newcomers"]
    assert 'value="newest" selected' in page.text


def test_pages_of_twenty_with_govuk_pagination(client: TestClient, database_url: str) -> None:
    with database(database_url) as db:
        for number in range(45):
            make_organisation(db, name=f"Group {number:02d}", kind="voluntary")
        db.commit()
    first = client.get("/organisations?kind=voluntary")
    assert len(names(first.text)) == 20
    assert count(first.text) == "45 organisations found"
    assert 'class="govuk-pagination"' in first.text
    assert 'href="/organisations?kind=voluntary&amp;page=2"' in first.text
    third = client.get("/organisations?kind=voluntary&page=3")
    assert names(third.text) == [f"Group {number:02d}" for number in range(40, 45)]
    assert "Showing 41 to 45 of 45." in third.text
    # Beyond the last page: the last page.
    assert names(client.get("/organisations?kind=voluntary&page=99").text) == \
        names(third.text)


def test_htmx_gets_only_the_results_block_with_the_count(client: TestClient,
                                                         database_url: str) -> None:
    seed(database_url)
    partial = client.get("/organisations?kind=council", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "<form" not in partial.text
    assert names(partial.text) == ["Bolton Council"]
    # The count goes into the live region that is already on the page.
    assert '<span hx-swap-oob="innerHTML:#result-count">1 organisation found</span>' \
        in partial.text
    assert "HX-Request" in partial.headers["vary"]
    # A history restore needs the whole page.
    whole = client.get("/organisations?kind=council",
                       headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert whole.text.lstrip().lower().startswith("<!doctype html>")


def test_the_form_works_without_javascript_and_with_htmx(client: TestClient) -> None:
    page = client.get("/organisations")
    root = lxml.html.document_fromstring(page.text)
    form = root.xpath("//form[@action='/organisations']")[0]
    assert form.get("action") == "/organisations" and form.get("method") == "get"
    assert form.get("hx-get") == "/organisations"
    assert form.get("hx-target") == "#results"
    assert form.get("hx-push-url") == "true"
    assert "input changed delay:400ms from:#q" in form.get("hx-trigger")
    assert root.get_element_by_id("q").get("name") == "q"
    status = root.get_element_by_id("result-count")
    assert status.get("role") == "status" and status.get("aria-live") == "polite"
    assert root.get_element_by_id("results") is not None
