"""The public pages and the API make the same number of SQL queries (at most 10) whether
there are 300 or 3,000 organisations, and 150 or 1,500 independent views and their replies:
no query per organisation, view or reply."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.areas.reference import read_reference_areas
from app.caching import cache_of
from app.db import engine_for
from tests.directory.builders import bulk_organisations, bulk_views

PATHS = [
    "/",
    "/organisations?q=organisation+1",
    "/organisations?status=plan_published&kind=dpulo&sort=newest",
    "/organisations/bulk-7",
    "/organisations/bulk-14",  # viewed by bulk-15
    "/organisations/bulk-14/independent-views",
    "/areas/E08000001",  # bulk-14, bulk-167, bulk-320… work here; the even ones are viewed
    "/map",
    "/api/v1/organisations",
]
MAX_QUERIES = 10


@contextmanager
def counting(database_url: str) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = engine_for(database_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(app: FastAPI, client: TestClient, database_url: str) -> dict[str, int]:
    found = {}
    for path in PATHS:
        cache_of(app).clear()  # the uncached path
        with counting(database_url) as statements:
            response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        found[path] = len(statements)
    return found


def test_query_counts_do_not_grow_with_the_number_of_organisations(
        app: FastAPI, client: TestClient, database_url: str) -> None:
    codes = [row["gss_code"] for row in read_reference_areas()[1]]
    bulk_organisations(database_url, 300, codes)
    bulk_views(database_url, 300)
    small = measure(app, client, database_url)
    assert "What local people say" in client.get("/areas/E08000001").text
    bulk_organisations(database_url, 2700, codes, start=300)
    bulk_views(database_url, 2700, start=300)
    large = measure(app, client, database_url)
    area = client.get("/areas/E08000001").text
    assert area.count("Independent view by Bulk organisation") >= 9, area
    print(f"\nSQL queries per request ({database_url.split(':')[0]}): "
          + ", ".join(f"{path} {small[path]}→{large[path]}" for path in PATHS))
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large
