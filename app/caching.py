"""HTTP caching of the public pages and the open data API.

Anonymous visitors get `Cache-Control: public, max-age=60`, a weak `ETag` and a 304 answer
to a matching `If-None-Match`; a logged-in visitor (or one with a flash message waiting)
gets `private, no-store`, because the page shows their name or their message.

Rendered responses are kept in an in-process cache keyed by (path and query, Easy Read
cookie, htmx partial or not). Each entry is labelled with the versions of the data it shows
and today's date (commitment statuses move with the calendar). A page shows data of one
scope (`page_scopes`): an organisation's pages ("org:SLUG"), an area ("area:CODE"), a region
("region:CODE"), the lists (home, map, directory, API lists: "lists") or nothing that
organisations change (framework pages: no scope). Every page also depends on the global
version (`public_data_version`, one row). `bump_public_version(db, organisation_ids=...)`
raises the versions of those organisations' pages, their areas, their regions and the lists
(in the same transaction as the change); without organisations it raises the global one. The
middleware reads a page's versions once per request, one small query, so several worker
processes stay consistent without talking to each other.

A page holds the visitor's CSRF token (in `<meta name="csrf-token">`): the cached copy
keeps a placeholder instead and each visitor gets their own token put back, with an ETag
that depends on it, so no visitor ever sees another visitor's token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar, cast

from cachetools import LRUCache
from sqlalchemy import Executable, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, col
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import now, today
from app.db import one_of
from app.templating import EASY_READ_COOKIE

PUBLIC_MAX_AGE = 60
PUBLIC_CACHE_CONTROL = f"public, max-age={PUBLIC_MAX_AGE}"
PRIVATE_CACHE_CONTROL = "private, no-store"
# Paths (and everything below them) that anyone may see and that may be cached.
PUBLIC_PREFIXES = ("/organisations", "/areas", "/regions", "/map", "/frameworks",
                   "/open-data", "/api/")
# Never cached, even if a public prefix above came to cover them.
PRIVATE_PREFIXES = ("/manage", "/admin", "/account", "/login", "/logout", "/register",
                    "/password-reset", "/invitations", "/confirm", "/api/docs")
CSRF_PLACEHOLDER = b"__mir-csrf-token-placeholder__"
# A safety net: even without a version bump, nothing is served from memory for longer.
ENTRY_LIFETIME = 300.0
MAX_ENTRIES = 512
MAX_TALLIES = 64
MAX_BODY = 4 * 1024 * 1024
# The data versions a cached page was rendered from (global first), and the day.
Stamp = tuple[tuple[int, ...], date]
# Headers that belong to one response, not to the cached representation.
_OWN_HEADERS = {b"content-length", b"etag", b"cache-control", b"set-cookie", b"date"}


class PublicDataVersion(SQLModel, table=True):
    """One row: a number raised whenever published data changes."""

    __tablename__ = "public_data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)
    changed_at: datetime = Field(default_factory=now)


class PublicScopeVersion(SQLModel, table=True):
    """A number per scope of public pages, raised when that scope's data changes."""

    __tablename__ = "public_scope_version"

    scope: str = Field(primary_key=True, max_length=140)
    version: int = Field(default=0)


LISTS = "lists"
T = TypeVar("T")


def page_scopes(path: str) -> tuple[str, ...]:
    """The scopes whose data a public page shows (besides the global version)."""
    parts = path.removeprefix("/api/v1").strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "organisations":
        return (f"org:{parts[1]}",)
    if len(parts) >= 2 and parts[0] == "areas":
        return (f"area:{parts[1].upper()}",)
    if len(parts) >= 2 and parts[0] == "regions":
        return (f"region:{parts[1].upper()}",)
    if parts[0] == "frameworks" or path == "/open-data":
        return ()  # from the framework files, never from organisations
    return (LISTS,)


@dataclass(frozen=True)
class Whereabouts:
    """Where changed organisations show: their slugs, the areas they work in or just left,
    and those areas' regions."""

    slugs: frozenset[str]
    area_codes: frozenset[str]
    region_codes: frozenset[str]


# (session, organisation ids, areas they just left) → where they show. The organisations
# package tells the cache (app.organisations.tallies): the cache reads no feature's tables.
Locator = Callable[[Session, Sequence[int], Sequence[str]], Whereabouts]
_LOCATORS: list[Locator] = []


def locate_organisations_with(locator: Locator) -> Locator:
    """Register how to find where organisations show (once, when organisations import)."""
    if locator not in _LOCATORS:
        _LOCATORS.append(locator)
    return locator


def organisation_scopes(db: Session, organisation_ids: Iterable[int],
                        area_codes: Iterable[str] = ()) -> set[str] | None:
    """The scopes of pages that show these organisations: theirs, their areas' (and the
    `area_codes` they just left), their regions' and the lists; None when nothing says
    where organisations show."""
    if not _LOCATORS:
        return None
    found = _LOCATORS[-1](db, sorted(set(organisation_ids)), sorted(set(area_codes)))
    return {LISTS, *(f"org:{slug}" for slug in found.slugs),
            *(f"area:{code}" for code in found.area_codes),
            *(f"region:{code}" for code in found.region_codes)}


def bump_public_version(db: Session, organisation_ids: Iterable[int] | None = None,
                        area_codes: Iterable[str] = (), *, flushing: bool = False) -> None:
    """The one way to say that public data changed (on commit): the pages that show these
    organisations go stale in every worker, or every page when no organisation is named.
    Which pages those are is decided here, from `page_scopes`' scopes. `flushing`: called
    from a flush hook (so it must not flush again)."""
    if not flushing:
        db.flush()  # the areas as they are now
    scopes = None if organisation_ids is None \
        else organisation_scopes(db, organisation_ids, area_codes)
    connection = db.connection()
    if scopes is None:
        table = PublicDataVersion.__table__  # type: ignore[attr-defined]
        result = connection.execute(update(table).where(table.c.id == 1)
                                    .values(version=table.c.version + 1, changed_at=now()))
        if result.rowcount == 0:
            connection.execute(table.insert().values(id=1, version=1, changed_at=now()))
        return
    bump_scopes(connection, scopes)


def bump_scopes(connection: Connection, scopes: Iterable[str]) -> None:
    """Raise these scopes' versions (in the connection's transaction)."""
    table = PublicScopeVersion.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values([{"scope": scope, "version": 1}
                                      for scope in sorted(scopes)])  # one lock order
    connection.execute(statement.on_conflict_do_update(
        index_elements=["scope"], set_={"version": table.c.version + 1}))


@lru_cache(maxsize=4)
def _versions_query(dialect: str, with_scopes: bool) -> Executable:
    """read_versions' statement, built once per process (building it cost more than running
    it); the scopes are a parameter."""
    query = select(literal("").label("scope"), col(PublicDataVersion.version)) \
        .where(col(PublicDataVersion.id) == 1)
    if not with_scopes:
        return query
    return union_all(query, select(col(PublicScopeVersion.scope), col(PublicScopeVersion.version))
                     .where(one_of(dialect, col(PublicScopeVersion.scope), key="scopes")))


def read_versions(engine: Engine, scopes: Sequence[str]) -> tuple[int, ...]:
    """The global version then each scope's: the one query each cacheable request makes.
    One statement needs no transaction of its own: in autocommit there is no BEGIN and no
    ROLLBACK to send, which were most of its time on PostgreSQL."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        statement = _versions_query(connection.dialect.name, bool(scopes))
        found = {scope: int(version) for scope, version in connection.execute(
            statement, {"scopes": list(scopes)} if scopes else {})}
    return (found.get("", 0), *(found.get(scope, 0) for scope in scopes))


def read_public_version(engine: Engine) -> int:
    """The global data version."""
    return read_versions(engine, ())[0]


def is_public_path(path: str) -> bool:
    if path.startswith(PRIVATE_PREFIXES):
        return False
    if path == "/":
        return True
    return any(path == prefix or path.startswith(prefix if prefix.endswith("/")
                                                  else (prefix + "/", prefix + "."))
               for prefix in PUBLIC_PREFIXES)


@dataclass(frozen=True)
class CachedResponse:
    """A 200 response as rendered for anonymous visitors, CSRF token taken out."""

    stamp: Stamp
    stored_at: float
    headers: list[tuple[bytes, bytes]]
    body: bytes
    digest: str

    @property
    def personal(self) -> bool:
        return CSRF_PLACEHOLDER in self.body

    def etag(self, token: str) -> str:
        seed = self.digest + (token if self.personal else "")
        return f'W/"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"'

    def body_for(self, token: str) -> bytes:
        return self.body.replace(CSRF_PLACEHOLDER, token.encode()) if self.personal \
            else self.body


class PublicCache:
    """Least recently used responses, at most MAX_ENTRIES of them; and tallies over every
    organisation (see `tallied`)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: LRUCache[tuple[str, ...], CachedResponse] = LRUCache(max_entries)
        self.tallies: LRUCache[tuple[Any, ...], Any] = LRUCache(MAX_TALLIES)
        self._filling: dict[tuple[str, ...], tuple[asyncio.Lock, int]] = {}
        self.hits = 0
        self.misses = 0
        self.renders = 0  # pages rendered to fill the cache

    @contextlib.asynccontextmanager
    async def filling(self, key: tuple[str, ...]) -> AsyncIterator[None]:
        """One render of a page at a time in this process: when many visitors miss the
        same page at once (after a publication, or at start-up), the first renders it and
        the others wait and are served its copy, instead of all rendering it together."""
        lock, waiting = self._filling.get(key, (asyncio.Lock(), 0))
        self._filling[key] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self._filling[key]
            if waiting == 1:
                del self._filling[key]
            else:
                self._filling[key] = (lock, waiting - 1)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, ...], stamp: Stamp) -> CachedResponse | None:
        entry = self.peek(key, stamp)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def peek(self, key: tuple[str, ...], stamp: Stamp) -> CachedResponse | None:
        """Like get, without counting a hit or a miss."""
        entry = self._entries.get(key)
        if entry is None or entry.stamp != stamp \
                or time.monotonic() - entry.stored_at > ENTRY_LIFETIME:
            return None
        return entry

    def put(self, key: tuple[str, ...], entry: CachedResponse) -> None:
        self._entries[key] = entry  # the least recently used goes when it is full

    def clear(self) -> None:
        self._entries.clear()
        self.tallies.clear()


# While a cacheable page that shows the lists renders: its cache and the lists' stamp.
_LISTS_STAMP: ContextVar[tuple[PublicCache, tuple[Any, ...]] | None] = \
    ContextVar("mir_lists_stamp", default=None)


def tallied(name: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """A tally over every organisation (sign-ups per area, per kind...), computed once per
    version of the lists in each worker and shared by every page that shows it, so a page
    missing the cache (a new filter, a new page number) does not count 30 000 organisations
    again. Outside a cacheable page that shows the lists it is computed afresh."""
    current = _LISTS_STAMP.get()
    if current is None:
        return compute()
    cache, stamp = current
    key = (name, stamp)
    if key in cache.tallies:
        return cast(T, cache.tallies[key])
    found = compute()
    cache.tallies[key] = found
    return found


def cache_of(app: Any) -> PublicCache:
    """The app's own cache (each app built by create_app has one)."""
    cache: PublicCache | None = getattr(app.state, "public_cache", None)
    if cache is None:
        cache = PublicCache()
        app.state.public_cache = cache
    return cache


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted
               for tag in header.split(","))


def _cache_key(scope: Scope, headers: Headers) -> tuple[str, ...]:
    query = scope.get("query_string", b"").decode("latin-1")
    partial = headers.get("HX-Request") == "true" \
        and headers.get("HX-History-Restore-Request") != "true"
    # Starlette's own cookie parsing, as the sessions middleware uses.
    easy_read = HTTPConnection(scope).cookies.get(EASY_READ_COOKIE) == "1"
    return (scope["path"], query, "easy-read" if easy_read else "standard",
            "partial" if partial else "page")


class _Captured:
    """Collects a response instead of sending it."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


def _without_body(send: Send) -> Callable[[Message], Awaitable[None]]:
    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


def _with_private(send: Send) -> Callable[[Message], Awaitable[None]]:
    async def send_private(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            if "etag" in headers:
                del headers["etag"]
        await send(message)

    return send_private


class PublicCacheMiddleware:
    """ETag, Cache-Control and 304s for public GETs, served from memory when fresh.

    Register inside the session middleware: it reads `scope["state"]["session"]`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") \
                or not is_public_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            # Answered as a GET without the body (the routes only declare GET).
            scope, send = {**scope, "method": "GET"}, _without_body(send)
        session = scope.get("state", {}).get("session")
        if session is None or session.user_id is not None or session.flash:
            await self.app(scope, receive, _with_private(send))
            return
        application = scope["app"]
        scopes = page_scopes(scope["path"])
        versions = await run_in_threadpool(read_versions, application.state.engine, scopes)
        stamp = (versions, today())
        headers = Headers(scope=scope)
        cache = cache_of(application)
        key = _cache_key(scope, headers)
        entry = cache.get(key, stamp)
        if entry is None:
            async with cache.filling(key):
                entry = cache.peek(key, stamp)  # filled while this request waited?
                if entry is None:
                    captured = _Captured()
                    # Bodies must come as bytes to be kept: no zero-copy file sending.
                    extensions = {name: value
                                  for name, value in scope.get("extensions", {}).items()
                                  if name != "http.response.pathsend"}
                    token = _LISTS_STAMP.set(
                        (cache, (versions[0], versions[1 + scopes.index(LISTS)], stamp[1]))
                        if LISTS in scopes else None)
                    try:
                        await self.app({**scope, "extensions": extensions}, receive,
                                       captured)
                    finally:
                        _LISTS_STAMP.reset(token)
                    cache.renders += 1
                    entry = self._entry(captured, session, stamp)
                    if entry is None:
                        await self._replay(captured, send, private=bool(session.user_id
                                                                        or session.flash))
                        return
                    cache.put(key, entry)
        await self._respond(entry, session.csrf, headers.get("If-None-Match"), send)

    @staticmethod
    def _entry(captured: _Captured, session: Any,
               stamp: Stamp) -> CachedResponse | None:
        """The response as a cache entry, or None when it must not be kept."""
        if captured.status != 200 or session.user_id is not None or session.flash:
            return None
        names = {name.lower() for name, _value in captured.headers}
        if b"set-cookie" in names or b"content-encoding" in names:
            return None
        body = captured.body
        if len(body) > MAX_BODY:
            return None
        if session.csrf:
            body = body.replace(session.csrf.encode(), CSRF_PLACEHOLDER)
        return CachedResponse(
            stamp=stamp, stored_at=time.monotonic(),
            headers=[(name, value) for name, value in captured.headers
                     if name.lower() not in _OWN_HEADERS],
            body=body, digest=hashlib.sha256(body).hexdigest())

    @staticmethod
    async def _replay(captured: _Captured, send: Send, *, private: bool) -> None:
        headers = captured.headers
        if private:
            headers = [(name, value) for name, value in headers
                       if name.lower() not in {b"cache-control", b"etag"}]
            headers.append((b"cache-control", PRIVATE_CACHE_CONTROL.encode()))
        await send({"type": "http.response.start", "status": captured.status,
                    "headers": headers})
        await send({"type": "http.response.body", "body": captured.body})

    @staticmethod
    async def _respond(entry: CachedResponse, token: str, if_none_match: str | None,
                       send: Send) -> None:
        etag = entry.etag(token)
        common = [(b"etag", etag.encode()),
                  (b"cache-control", PUBLIC_CACHE_CONTROL.encode())]
        if _etag_matches(if_none_match, etag):
            kept = [(name, value) for name, value in entry.headers
                    if name.lower() in {b"vary", b"content-location", b"expires"}]
            await send({"type": "http.response.start", "status": 304,
                        "headers": kept + common})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.body_for(token)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*entry.headers, *common,
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
