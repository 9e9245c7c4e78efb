"""HTTP caching: ETag and 304, Cache-Control for anonymous and logged-in visitors, the
in-process cache and its invalidation through the data version, and gzip."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import select
from starlette.types import Message, Receive, Scope, Send

from app.caching import (
    PublicCacheMiddleware,
    PublicDataVersion,
    bump_public_version,
    cache_of,
    is_public_path,
)
from app.organisations.models import Organisation
from tests.conftest import checked_client
from tests.directory.builders import database
from tests.factories import login, make_organisation, make_user

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def test_public_paths() -> None:
    for path in ("/", "/organisations", "/organisations/bolton", "/areas", "/areas/E08000001",
                 "/regions/E12000001", "/map", "/map.svg", "/map.png", "/frameworks",
                 "/frameworks/x/markers/A1", "/open-data", "/api/v1/organisations",
                 "/api/v1/organisations.csv"):
        assert is_public_path(path), path
    for path in ("/manage", "/manage/x", "/admin", "/admin/regions/E12000001", "/account",
                 "/login", "/register", "/logout", "/password-reset", "/mapping",
                 "/organisationsx", "/healthz", "/about-us", "/api/docs"):
        assert not is_public_path(path), path


def test_etag_and_304_for_anonymous_visitors(client: TestClient) -> None:
    first = client.get("/organisations")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get("/organisations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=60"
    other = client.get("/organisations", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.headers["etag"] == etag
    # The API too.
    api = client.get("/api/v1/areas")
    assert client.get("/api/v1/areas", headers={"If-None-Match": api.headers["etag"]}) \
        .status_code == 304


def test_served_from_memory_until_the_data_version_changes(app: FastAPI, client: TestClient,
                                                           database_url: str) -> None:
    cache = cache_of(app)
    assert "Quiet Newcomers" not in client.get("/organisations").text
    with database(database_url) as db:
        make_organisation(db, name="Quiet Newcomers")
        db.commit()
    # Through the ORM, the new organisation says so itself (app.organisations.changes).
    assert "Quiet Newcomers" in client.get("/organisations").text
    with database(database_url) as db:  # past the ORM: nobody says the data changed
        db.connection().execute(update(Organisation).values(name="Renamed Quietly"))
        db.commit()
    hits = cache.hits
    stale = client.get("/organisations")
    assert cache.hits == hits + 1
    assert "Renamed Quietly" not in stale.text
    with database(database_url) as db:
        bump_public_version(db)
        db.commit()
        assert db.exec(select(PublicDataVersion.version)).one() == 1
    fresh = client.get("/organisations")
    assert "Renamed Quietly" in fresh.text
    assert fresh.headers["etag"] != stale.headers["etag"]
    # The old ETag no longer gets a 304.
    assert client.get("/organisations", headers={"If-None-Match": stale.headers["etag"]}) \
        .status_code == 200


def test_each_visitor_gets_their_own_csrf_token(app: FastAPI) -> None:
    with checked_client(app) as one, checked_client(app) as two:
        first, second = one.get("/areas"), two.get("/areas")
        tokens = CSRF.search(first.text), CSRF.search(second.text)
        assert tokens[0] and tokens[1]
        assert tokens[0].group(1) != tokens[1].group(1)
        assert cache_of(app).hits >= 1
        assert first.headers["etag"] != second.headers["etag"]
        # And it is the token of their own session: a form posted with it is accepted.
        assert tokens[1].group(1) == CSRF.search(two.get("/login").text).group(1)  # type: ignore[union-attr]


def test_htmx_partials_and_easy_read_are_cached_apart(client: TestClient) -> None:
    whole = client.get("/organisations")
    partial = client.get("/organisations", headers={"HX-Request": "true"})
    assert "<html" in whole.text and "<html" not in partial.text
    assert client.get("/organisations").text.count("<html") == 1
    client.cookies.set("mir_easy_read", "1")
    assert "Turn Easy Read off" in client.get("/organisations").text
    client.cookies.delete("mir_easy_read")
    assert "Turn Easy Read off" not in client.get("/organisations").text


def test_logged_in_visitors_get_private_no_store(client: TestClient,
                                                 database_url: str) -> None:
    with database(database_url) as db:
        make_user(db, email="reader@example.org", name="Rita Reader")
        db.commit()
    assert client.get("/areas").headers["cache-control"] == "public, max-age=60"
    login(client, "reader@example.org")
    page = client.get("/areas")
    assert page.headers["cache-control"] == "private, no-store"
    assert "etag" not in page.headers
    assert "Your account" in page.text  # not someone else's cached page
    assert client.get("/api/v1/frameworks").headers["cache-control"] == "private, no-store"


def test_a_flash_message_is_never_cached(app: FastAPI, client: TestClient,
                                         database_url: str) -> None:
    with database(database_url) as db:
        make_user(db, email="leaver@example.org")
        db.commit()
    assert "You have logged out." not in client.get("/").text  # cached for anonymous visitors
    login(client, "leaver@example.org")
    token = CSRF.search(client.get("/login").text)
    assert token
    client.post("/logout", data={"csrf_token": token.group(1)}, follow_redirects=False)
    page = client.get("/")
    assert "You have logged out." in page.text
    assert page.headers["cache-control"] == "private, no-store"
    assert "etag" not in page.headers
    after = client.get("/")
    assert "You have logged out." not in after.text
    assert after.headers["cache-control"] == "public, max-age=60"


def test_private_pages_are_not_cached(client: TestClient) -> None:
    for path in ("/login", "/register", "/healthz"):
        response = client.get(path)
        assert "etag" not in response.headers, path
        assert response.headers.get("cache-control") != "public, max-age=60", path


def test_errors_and_redirects_are_not_cached(app: FastAPI, client: TestClient) -> None:
    assert client.get("/areas/E99999999").status_code == 404
    assert client.get("/areas/E10000002", follow_redirects=False).status_code == 301
    assert len(cache_of(app)) == 0


def test_gzip(client: TestClient) -> None:
    page = client.get("/areas", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["vary"]
    assert "Council areas" in page.text  # httpx decompresses
    small = client.get("/api/v1/organisations?q=nothing-at-all",
                       headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under 1,000 bytes


def test_head_requests_get_the_headers_of_a_get(app: FastAPI) -> None:
    client = TestClient(app)  # not the page-checking client: a HEAD has no page to check
    plain = {"Accept-Encoding": "identity"}
    got = client.get("/areas", headers=plain)
    head = client.head("/areas", headers=plain)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == got.headers["content-length"]
    assert client.head("/api/v1/frameworks").status_code == 200


def test_visitors_missing_the_same_page_at_once_share_one_render(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a publication every worker's copy is stale: a crowd arriving together gets one
    render between them, not one each (which on a busy page made visitors time out)."""
    monkeypatch.setattr("app.caching.read_versions", lambda engine, scopes: (7, 0))
    calls = 0

    async def slow_page(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # a page that takes a while to render
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": f"map {calls}".encode()})

    application = SimpleNamespace(state=SimpleNamespace(engine=None))
    middleware = PublicCacheMiddleware(slow_page)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def visit() -> tuple[int, bytes]:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        session = SimpleNamespace(user_id=None, flash=None, csrf="")
        scope: Scope = {"type": "http", "method": "GET", "path": "/map", "query_string": b"",
                        "headers": [], "state": {"session": session}, "app": application}
        await middleware(scope, receive, send)
        return sent[0]["status"], sent[1]["body"]

    async def crowd() -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(visit() for _ in range(8)))

    # A thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        answers = pool.submit(asyncio.run, crowd()).result()
    assert answers == [(200, b"map 1")] * 8
    assert calls == 1 and cache_of(application).renders == 1
