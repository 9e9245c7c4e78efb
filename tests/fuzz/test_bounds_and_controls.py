"""Whole numbers in addresses beyond any database's range, and control characters typed into
every text field of every form: never a server error, on each database engine.

Routes come from the app itself (every path parameter that is a whole number), so a new
route is covered without editing this file. Forms are found by crawling the app, as in the
XSS corpus test.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import lxml.html
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, select
from sqlmodel import Session

import app.models  # noqa: F401  (every table on the metadata)
from app.accounts.sessions import CSRF_HEADER
from app.config import Settings
from app.db import engine_for, metadata
from app.demo import DEMO_PASSWORD
from app.main import create_app
from app.organisations.models import Membership, Organisation
from tests.factories import login
from tests.fuzz.test_xss_corpus import ADMIN, OWNER, STARTS, check_exports, fetcher
from tests.fuzz.xss import SKIPPED_PATHS, Crawl, Form, page_forms
from tests.test_access_matrix import api_routes

# Beyond PostgreSQL's integer, beyond a 64-bit integer, and below zero.
OUT_OF_RANGE = [str(2**31), "99999999999999999999", "-1"]
# Every C0 control character but tab, line feed and carriage return, DEL and a C1 one.
CONTROLS = "".join(chr(code) for code in [*range(0, 9), 11, 12, *range(14, 32), 127, 133])
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def clients(demo_settings: Settings) -> Iterator[tuple[FastAPI, dict[str, TestClient]]]:
    demo_app = create_app(demo_settings)
    made = {role: TestClient(demo_app, raise_server_exceptions=False) for role in STARTS}
    login(made["owner"], OWNER, DEMO_PASSWORD)
    login(made["admin"], ADMIN, DEMO_PASSWORD)
    yield demo_app, made
    for client in made.values():
        client.close()


def _owned_slug(settings: Settings) -> str:
    with Session(engine_for(settings.database_url)) as db:
        slug = db.scalars(select(Organisation.slug)
                          .join(Membership, Membership.organisation_id == Organisation.id)
                          .where(Membership.role == "owner")
                          .order_by(Organisation.id)).first()
    assert slug is not None
    return slug


def _whole_number_routes(demo_app: FastAPI) -> list[tuple[str, str, list[str]]]:
    """(method, path template, names of its whole-number parameters) for every route."""
    found = []
    for route in api_routes(demo_app.routes):
        numbers = [param.name for param in route.dependant.path_params
                   if param.field_info.annotation is int]
        if numbers:
            found.extend((method, route.path, numbers) for method in sorted(route.methods))
    return found


def test_out_of_range_ids_in_every_address_are_not_found(
        demo_settings: Settings, clients: tuple[FastAPI, dict[str, TestClient]]) -> None:
    demo_app, made = clients
    slug = _owned_slug(demo_settings)
    routes = _whole_number_routes(demo_app)
    assert len(routes) >= 20, "is the route list broken?"
    problems = []
    tokens = {role: _csrf(made[role]) for role in ("owner", "admin")}
    # The owner's workspace opens: a 404 below is the id's, not the organisation's.
    assert made["owner"].get(f"/manage/{slug}").status_code == 200
    for method, template, numbers in routes:
        role = "admin" if template.startswith("/admin") else "owner"
        client, token = made[role], tokens[role]
        for value in OUT_OF_RANGE:
            path = template
            for name in re.findall(r"{(\w+)(?::\w+)?}", template):
                path = path.replace(f"{{{name}}}", value if name in numbers
                                    else slug if name == "slug" else "IA1" if name == "code"
                                    else "making-it-real-2018" if "framework" in name else "x")
            response = client.request(method, path, headers={CSRF_HEADER: token},
                                       follow_redirects=False)
            if response.status_code != 404:
                problems.append(f"{method} {path}: {response.status_code}")
    print(f"\n{len(routes)} routes with ids, {len(routes) * len(OUT_OF_RANGE)} requests")
    assert not problems, "\n".join(problems)


def _csrf(client: TestClient) -> str:
    page = client.get("/account")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


def _submit(client: TestClient, form: Form, text: str) -> int:
    data = {**form.hidden, **form.choices}
    for index, name in enumerate(form.text_fields):
        data[name] = f"{text} field {index} {string.ascii_letters[:8]}"
    if form.method == "GET":
        return client.get(form.action, params=data, follow_redirects=True).status_code
    return client.post(form.action, data=data, follow_redirects=True).status_code


def test_control_characters_in_every_form_never_break_a_page(
        demo_settings: Settings, clients: tuple[FastAPI, dict[str, TestClient]]) -> None:
    """Typed into every text field of every form: the forms answer, nothing stored holds
    one, and every page and export still works afterwards."""
    _demo_app, made = clients
    problems: list[str] = []
    slugs: set[str] = set()
    forms: dict[tuple[str, str, tuple[str, ...]], tuple[str, Form]] = {}
    for role, client in made.items():
        for path, text in Crawl(STARTS[role], limit=80, per_shape=2).paths(
                fetcher(client, problems, slugs)):
            for form in page_forms(lxml.html.document_fromstring(text), path):
                if form.text_fields and not SKIPPED_PATHS.search(form.action):
                    forms.setdefault(form.key, (role, form))
    assert len(forms) >= 10, f"only {len(forms)} forms found: is the crawl broken?"
    for role, form in forms.values():
        for text in (CONTROLS, f"Café{CONTROLS[:3]} 2026\x00"):
            status = _submit(made[role], form, text)
            if status >= 500:
                problems.append(f"{form.method} {form.action} ({role}): {status}")
    for role, client in made.items():
        starts = [*STARTS[role], *(f"/organisations/{slug}" for slug in sorted(slugs))]
        for _path, _text in Crawl(starts, limit=100, per_shape=3).paths(
                fetcher(client, problems, slugs)):
            pass
    for slug in sorted(slugs)[:6]:
        check_exports(made["anonymous"], slug, problems)
        feed = made["anonymous"].get(f"/organisations/{slug}/feed.atom")
        if feed.status_code >= 500 or _CONTROL.search(feed.text):
            problems.append(f"feed of {slug}: {feed.status_code}")
    problems.extend(_stored_controls(demo_settings))
    print(f"\ncontrol characters: {len(forms)} forms, {2 * len(forms)} submissions")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def _stored_controls(settings: Settings) -> list[str]:
    """Text columns that hold a control character (other than tab and new lines)."""
    found = []
    with engine_for(settings.database_url).connect() as connection:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            for column in columns:
                for (value,) in connection.execute(select(column).where(column.is_not(None))):
                    if isinstance(value, str) and _CONTROL.search(value):
                        found.append(f"{table.name}.{column.name} holds {value[:40]!r}")
    return found
