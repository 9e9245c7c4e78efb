"""Crosswalks in public: their page, the statements on each marker page, and open data."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from app.api.service import crosswalk_csv
from app.frameworks import Link, load_catalogue
from tests.conftest import MARKERS_DIR

CROSSWALK = load_catalogue(MARKERS_DIR).crosswalk("cqc-local-authority")


def test_the_crosswalk_page_shows_themes_statements_and_linked_markers(
        client: TestClient) -> None:
    page = client.get("/frameworks/cqc-local-authority")
    assert page.status_code == 200
    text = page.text
    assert "<h1 class=\"govuk-heading-xl\">CQC assessment of local authorities</h1>" in text
    assert "is this project&#39;s own reading, not CQC&#39;s" in text
    for title in ("Theme 1: Working with people", "Theme 4: Leadership", "7. Safeguarding",
                  "9. Learning, improvement and innovation"):
        assert title in text, title
    assert 'href="/frameworks/making-it-real-2018/markers/WI4"' in text
    assert "Our own reading" in text and "From a source" not in text
    assert "/frameworks/cqc-local-authority" in client.get("/frameworks").text
    assert "/frameworks/cqc-local-authority" in client.get(
        "/frameworks/making-it-real-2018").text


def test_a_marker_page_lists_the_statements_it_links_to(client: TestClient) -> None:
    text = client.get("/frameworks/making-it-real-2018/markers/WI4").text
    assert 'href="/frameworks/cqc-local-authority#safeguarding">7. Safeguarding</a>' in text
    assert "Assessing needs" not in text
    # A marker of another framework links to nothing.
    assert "CQC" not in client.get("/frameworks/making-it-real-2012/markers/IA1").text


def test_the_api_lists_crosswalks_and_their_links(client: TestClient) -> None:
    assert CROSSWALK is not None
    listed = client.get("/api/v1/crosswalks").json()["data"]
    assert [c["id"] for c in listed] == ["cqc-local-authority"]
    assert listed[0]["statements"] == 9 and listed[0]["links"] == len(CROSSWALK.links)
    detail = client.get("/api/v1/crosswalks/cqc-local-authority").json()
    assert detail["framework"] == "making-it-real-2018"
    safeguarding = detail["themes"][2]["statements"][1]
    assert safeguarding["title"] == "Safeguarding"
    first = safeguarding["links"][0]
    assert (first["marker"], first["from_source"]) == ("WI4", False)
    assert client.get("/api/v1/crosswalks/nope").status_code == 404
    assert client.get("/api/v1/crosswalks/nope.csv").status_code == 404


def test_the_csv_has_one_row_per_link(client: TestClient) -> None:
    assert CROSSWALK is not None
    response = client.get("/api/v1/crosswalks/cqc-local-authority.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(CROSSWALK.links)
    first = rows[0]
    assert first["statement"] == "Assessing needs" and first["marker_code"] == "FI1"
    assert first["from_source"] == "false" and first["reason"]
    assert first["marker_statement"].startswith("I am in charge of planning")


def test_the_crosswalk_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/crosswalks", "/api/v1/crosswalks/{crosswalk}",
                 "/api/v1/crosswalks/{crosswalk}.csv"):
        assert path in paths, path


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_run_as_formulas(start: str) -> None:
    """Each character a spreadsheet starts a formula with, as the YAML's words could hold."""
    assert CROSSWALK is not None
    statement = CROSSWALK.statements[0]
    evil = replace(statement, links=(Link("FI1", f"{start}HYPERLINK(\"http://x\")", False),))
    theme = replace(CROSSWALK.themes[0], statements=(evil,))
    crafted = replace(CROSSWALK, themes=(theme,), _by_code={})
    rows = list(csv.reader(io.StringIO(crosswalk_csv(crafted, None), newline="")))
    assert rows[1][8] == f"'{start}HYPERLINK(\"http://x\")"
