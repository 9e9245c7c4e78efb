"""Fixtures: a clean, migrated database per test on each engine, and a checked client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.config import PROJECT_ROOT, Settings
from app.db import engine_for, normalise_url
from app.main import create_app
from app.schema import upgrade
from tests.pagecheck import check_html

MARKERS_DIR = PROJECT_ROOT / "markers"
POSTGRES_URL = os.environ.get("MIR_TEST_DATABASE_URL")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _admin_engine():  # type: ignore[no-untyped-def]
    assert POSTGRES_URL
    return create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    assert POSTGRES_URL
    return make_url(normalise_url(POSTGRES_URL)).set(database=name) \
        .render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Run the migrations once per engine; each test then copies the result."""
    templates: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{sqlite_file}")
    engine_for(f"sqlite:///{sqlite_file}").dispose()
    templates["sqlite"] = str(sqlite_file)
    if POSTGRES_URL:
        name = f"mir_template_{os.getpid()}"
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade(_pg_url(name))
        engine_for(_pg_url(name)).dispose()
        templates["postgresql"] = name
    yield templates
    if POSTGRES_URL:
        with _admin_engine().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{templates["postgresql"]}" '
                                    "WITH (FORCE)"))


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, migrated_templates: dict[str, str],
                 tmp_path: Path) -> Iterator[str]:
    """A fresh database at the migrations' head, for this test only."""
    if request.param == "sqlite":
        target = tmp_path / "mir.db"
        shutil.copy(migrated_templates["sqlite"], target)
        url = f"sqlite:///{target}"
        yield url
        engine_for(url).dispose()
        return
    name = f"mir_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        template = migrated_templates["postgresql"]
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = _pg_url(name)
    yield url
    engine_for(url).dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        markers_dir=MARKERS_DIR,
        upload_dir=tmp_path / "uploads",
        outbox_dir=tmp_path / "outbox",
        base_url="http://testserver",
    )


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    """A session on this test's database (test modules may define their own)."""
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


def check_page(response: httpx.Response) -> None:
    """Every HTML response passes the page checker (a hook on every test client)."""
    if "text/html" not in response.headers.get("content-type", ""):
        return
    response.read()
    fragment = response.request.headers.get("HX-Request") == "true"
    check_html(response.text, fragment=fragment,
               where=f"{response.request.method} {response.request.url.path}")


def checked_client(app: FastAPI, **kwargs: object) -> TestClient:
    client = TestClient(app, **kwargs)  # type: ignore[arg-type]
    client.event_hooks["response"].append(check_page)
    return client


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with checked_client(app) as test_client:
        yield test_client


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing() -> Iterator[None]:
    """Argon2 with test-sized costs: the suite hashes hundreds of passwords."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from app.accounts import security

    production = security._hasher
    security._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192,
                                                  parallelism=1),))
    yield
    security._hasher = production
