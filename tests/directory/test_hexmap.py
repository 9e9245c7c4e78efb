"""The hex map: 153 areas on 153 hexagons, new areas beside their predecessors, and the page,
SVG and PNG showing the same data as the table."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from xml.etree import ElementTree

import lxml.html
from fastapi.testclient import TestClient
from PIL import Image

from app.areas.reference import read_reference_areas
from app.clock import today
from app.directory import hexmap
from tests.directory.builders import database, publish, unlisted_trio
from tests.factories import make_commitment, make_organisation

SVG = "{http://www.w3.org/2000/svg}"
CURRENT_CODES = {row["gss_code"] for row in read_reference_areas()[1]}


def test_exactly_the_153_current_areas_each_on_its_own_hexagon() -> None:
    layout = hexmap.current_layout()
    assert len(CURRENT_CODES) == 153
    assert set(layout) == CURRENT_CODES
    positions = [(cell.q, cell.r) for cell in layout.values()]
    assert len(set(positions)) == 153
    shape = hexmap.geometry()
    assert sorted(placed.code for placed in shape.hexes) == sorted(CURRENT_CODES)
    centres = {(placed.x, placed.y) for placed in shape.hexes}
    assert len(centres) == 153


def test_renamed_areas_keep_their_hexagons() -> None:
    original, layout = hexmap.original_layout(), hexmap.current_layout()
    for former, current in hexmap.RENAMED.items():
        assert (layout[current].q, layout[current].r) == original[former], current


def test_new_areas_sit_on_free_hexagons_beside_their_predecessors() -> None:
    original, layout = hexmap.original_layout(), hexmap.current_layout()
    taken_before = set(original.values())
    moved_from = {original[code] for code in hexmap.MOVED}
    for code, (former, _position) in hexmap.ADDED.items():
        cell = layout[code]
        assert (cell.q, cell.r) in hexmap.neighbours(*original[former]), code
        # Free in the 2020 file, or left free by a documented move.
        assert (cell.q, cell.r) not in taken_before or (cell.q, cell.r) in moved_from, code
        others = [other for other in layout.values()
                  if other.code != code and (other.q, other.r) == (cell.q, cell.r)]
        assert others == []
    assert (layout["E06000062"].q, layout["E06000062"].r) in \
        hexmap.neighbours(layout["E06000061"].q, layout["E06000061"].r)
    assert (layout["E06000064"].q, layout["E06000064"].r) in \
        hexmap.neighbours(layout["E06000063"].q, layout["E06000063"].r)


def test_the_only_moves_are_one_hexagon_west_into_free_space() -> None:
    original, layout = hexmap.original_layout(), hexmap.current_layout()
    moved = {code for code in CURRENT_CODES & set(original)
             if (layout[code].q, layout[code].r) != original[code]}
    assert moved == set(hexmap.MOVED) == {"E06000019", "E10000031"}
    for code in moved:
        q, r = original[code]
        assert (layout[code].q, layout[code].r) == (q - 1, r)


def test_odd_r_neighbours() -> None:
    assert sorted(hexmap.neighbours(7, 6)) == [(6, 5), (6, 6), (6, 7), (7, 5), (7, 7), (8, 6)]
    assert sorted(hexmap.neighbours(7, 5)) == [(6, 5), (7, 4), (7, 6), (8, 4), (8, 5), (8, 6)]


def _seed(database_url: str) -> None:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",))
        make_commitment(db, bolton, signed_up_on=today() - timedelta(days=40))
        publish(db, bolton)
        for number in range(3):
            make_commitment(db, make_organisation(db, name=f"Bolton group {number}",
                                                  kind="dpulo", areas=("E08000001",)))
        wigan = make_organisation(db, name="Wigan Council", kind="council",
                                  areas=("E08000010",))
        make_commitment(db, wigan, signed_up_on=today() - timedelta(days=120))
        unlisted_trio(db, area="E08000002")
        db.commit()


def _hex_links(html: str) -> dict[str, str]:
    root = lxml.html.document_fromstring(html)
    links = root.xpath("//svg[contains(@class, 'mir-hexmap')]//a")
    return {link.get("href").removeprefix("/areas/"): link.get("aria-label") for link in links}


def _table(html: str) -> dict[str, tuple[str, str, str]]:
    root = lxml.html.document_fromstring(html)
    rows = {}
    for row in root.xpath("//table[@id='map-table']/tbody/tr"):
        cells = [cell.text_content().strip() for cell in row.xpath("./th|./td")]
        rows[row.get("data-area")] = (cells[0], cells[2], cells[3])
    return rows


def test_map_page_hexagons_are_links_with_names_that_match_the_table(
        client: TestClient, database_url: str) -> None:
    _seed(database_url)
    page = client.get("/map")
    assert page.status_code == 200
    links = _hex_links(page.text)
    assert set(links) == CURRENT_CODES
    assert len(re.findall(r'<a href="/areas/E\d{8}" aria-label="', page.text)) == 153
    assert links["E08000001"] == "Bolton: council has published a plan; " \
                                 "4 organisations signed up"
    assert links["E08000010"] == "Wigan: council's plan is overdue; 1 organisation signed up"
    assert links["E08000002"] == "Bury: council has not signed up; no organisations signed up"
    table = _table(page.text)
    assert set(table) == CURRENT_CODES
    phrases = {"Plan published": "council has published a plan",
               "Plan overdue": "council's plan is overdue",
               "Council not signed up": "council has not signed up"}
    for code, (name, status, count) in table.items():
        number = int(count)
        said = "no organisations signed up" if number == 0 else \
            f"{number} organisation{'' if number == 1 else 's'} signed up"
        assert links[code] == f"{name}: {phrases[status]}; {said}"
    # Letters as well as colours, and a legend in text.
    assert re.search(r'font-weight="700">P</text>', page.text)
    assert "<strong>O</strong>: Plan overdue" in page.text
    assert "Secret" not in page.text


def test_map_filters_by_framework_and_kind(client: TestClient, database_url: str) -> None:
    _seed(database_url)
    links = _hex_links(client.get("/map?kind=council").text)
    assert links["E08000001"] == "Bolton: council has published a plan; " \
                                 "1 organisation signed up"
    links = _hex_links(client.get("/map?framework=making-it-real-2012").text)
    assert links["E08000001"] == "Bolton: council has not signed up; " \
                                 "no organisations signed up"
    # An unknown framework falls back to the newest.
    assert _hex_links(client.get("/map?framework=nope").text)["E08000001"].startswith(
        "Bolton: council has published a plan")


def test_svg_and_png_downloads_draw_the_same_hexagons(client: TestClient,
                                                      database_url: str) -> None:
    _seed(database_url)
    svg = client.get("/map.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    polygons = root.findall(f".//{SVG}polygon")
    assert len(polygons) == 153
    titles = [title.text or "" for title in root.findall(f".//{SVG}g/{SVG}title")]
    assert "Bolton: council has published a plan; 4 organisations signed up" in titles
    assert "style=" not in svg.text and "<script" not in svg.text
    png = client.get("/map.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width > 1000
    # Bolton's hexagon is yellow (plan published) in the PNG too.
    placed = next(p for p in hexmap.geometry().hexes if p.code == "E08000001")
    pixel = image.convert("RGB").getpixel((int(placed.x * 2 - 12), int(placed.y * 2 + 80)))
    assert pixel == (0xF0, 0xE4, 0x42)


def test_the_map_names_the_kind_it_counts_once(client: TestClient) -> None:
    """Counting one kind, the page says which in a few words: never "user-led organisation
    organisations"."""
    page = client.get("/map?kind=dpulo").text
    assert "groups of one kind (disabled people&#39;s user-led organisation) that work" in page
    assert "organisations signed up (disabled people&#39;s user-led organisation)" in page
    assert "organisation organisations" not in page and "organisation groups" not in page
