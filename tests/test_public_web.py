"""The public pages about the toolkit and its frameworks."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.frameworks import load_catalogue
from app.templating import EASY_READ_COOKIE
from tests.conftest import MARKERS_DIR, checked_client

CATALOGUE = load_catalogue(MARKERS_DIR)
FRAMEWORK = CATALOGUE.get("making-it-real-2018")
assert FRAMEWORK is not None


def test_home_says_what_this_is_and_lists_every_framework(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Making It Real: see how care and support is changing" in page.text
    assert "How signing up works" in page.text
    for framework in CATALOGUE:
        assert f'href="/frameworks/{framework.id}"' in page.text


def test_framework_page_lists_every_theme_and_marker(client: TestClient) -> None:
    page = client.get(f"/frameworks/{FRAMEWORK.id}")
    assert page.status_code == 200
    for theme in FRAMEWORK.themes:
        assert f'id="{theme.id}"' in page.text
    for marker in FRAMEWORK.markers:
        assert f'/frameworks/{FRAMEWORK.id}/markers/{marker.code}"' in page.text
    for level in FRAMEWORK.scale:
        assert level.label in page.text


def test_every_marker_page_shows_statement_and_help(client: TestClient) -> None:
    for framework in CATALOGUE:
        for marker in framework.markers:
            page = client.get(f"/frameworks/{framework.id}/markers/{marker.code}")
            assert page.status_code == 200, marker.code
            html = page.text
            assert _escaped(marker.statement) in html
            if marker.we_statement:
                assert _escaped(marker.we_statement) in html
            for item in (*marker.prompts, *marker.evidence_ideas, *marker.red_flags):
                assert _escaped(item) in html


def test_every_marker_page_gives_its_guidance_in_easy_read(client: TestClient) -> None:
    """With Easy Read on, what the group will do, the questions, the evidence ideas and the
    warning signs are in Easy Read wording, in place of the standard wording."""
    client.cookies.set(EASY_READ_COOKIE, "1")
    for framework in CATALOGUE:
        for marker in framework.markers:
            html = client.get(f"/frameworks/{framework.id}/markers/{marker.code}").text
            easy = (marker.we_statement_easy_read, *marker.prompts_easy_read,
                    *marker.evidence_ideas_easy_read, *marker.red_flags_easy_read)
            standard = (marker.we_statement, *marker.prompts, *marker.evidence_ideas,
                        *marker.red_flags)
            assert marker.prompts_easy_read and marker.red_flags_easy_read, marker.code
            for easy_item, standard_item in zip(easy, standard, strict=True):
                assert (easy_item is None) == (standard_item is None), marker.code
                if easy_item and standard_item:
                    assert _escaped(easy_item) in html, marker.code
                    if easy_item.rstrip(".") != standard_item:  # some were easy already
                        assert _escaped(standard_item) not in html, marker.code


def test_marker_page_links_to_its_neighbours(client: TestClient) -> None:
    first, second = FRAMEWORK.markers[0], FRAMEWORK.markers[1]
    page = client.get(f"/frameworks/{FRAMEWORK.id}/markers/{first.code}")
    assert f'/markers/{second.code}" rel="next"' in page.text
    assert 'rel="prev"' not in page.text


def test_easy_read_switch_is_a_link_remembered_in_a_cookie(client: TestClient) -> None:
    marker = FRAMEWORK.markers[0]
    path = f"/frameworks/{FRAMEWORK.id}/markers/{marker.code}"
    assert "mir-easy-read" not in client.get(path).text
    switched = client.get(f"/easy-read?on=1&next={path}", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == path
    page = client.get(path)
    assert _escaped(marker.easy_read or "") in page.text
    assert "Turn Easy Read off" in page.text
    client.get(f"/easy-read?on=0&next={path}")
    assert "Turn Easy Read off" not in client.get(path).text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_easy_read_switch_never_redirects_off_site(client: TestClient, target: str) -> None:
    switched = client.get("/easy-read", params={"on": "1", "next": target},
                          follow_redirects=False)
    assert switched.headers["location"] == "/"


def test_unknown_pages_get_a_friendly_404_in_the_site_layout(client: TestClient) -> None:
    for path in ("/no-such-page", "/frameworks/nope", f"/frameworks/{FRAMEWORK.id}/markers/ZZ9"):
        page = client.get(path)
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert "Making It Real toolkit" in page.text


def test_server_error_page_is_friendly(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal-detail-xyz")

    with checked_client(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    assert "internal-detail-xyz" not in page.text


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_readiness_fails_with_a_reason_when_schema_is_behind(settings: Settings,
                                                             tmp_path: object) -> None:
    from app.main import create_app

    empty = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/empty.db"})
    with checked_client(create_app(empty)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "mir db upgrade" in ready.json()["reason"]


def test_readiness_fails_when_database_unreachable(settings: Settings) -> None:
    from app.main import create_app

    gone = settings.model_copy(
        update={"database_url": "postgresql://nobody@127.0.0.1:1/none"})
    with checked_client(create_app(gone)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "database unreachable" in ready.json()["reason"]


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_api_reference_is_served_from_this_site_under_the_strict_policy(
        client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    for script in ("vendor/swagger-ui/swagger-ui-bundle.js", "api-reference.js"):
        assert f'src="/static/dist/{script}' in page.text
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
    policy = page.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert 'href="/api/docs"' in client.get("/open-data").text
