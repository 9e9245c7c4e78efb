"""Hypothesis profiles: `ci` (the default) is repeatable and writes no example database;
HYPOTHESIS_PROFILE=explore runs more, different examples each time, to look for new bugs."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from app.config import Settings
from app.db import engine_for
from app.demo import load_demo
from app.main import create_app
from tests.conftest import ENGINES, MARKERS_DIR, _admin_engine, _pg_url

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    database=None,
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# A database with demo data for the fuzz tests of one module, on each engine -------------


def _demo_database(kind: str, templates: dict[str, str], folder: Path) -> Iterator[Settings]:
    if kind == "sqlite":
        shutil.copy(templates["sqlite"], folder / "mir.db")
        url, name = f"sqlite:///{folder / 'mir.db'}", None
    else:
        name = f"mir_fuzz_{uuid.uuid4().hex[:12]}"
        with _admin_engine().connect() as connection:
            connection.execute(
                text(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
            )
        url = _pg_url(name)
    settings = Settings(
        database_url=url,
        markers_dir=MARKERS_DIR,
        upload_dir=folder / "uploads",
        outbox_dir=folder / "outbox",
        base_url="http://testserver",
    )
    load_demo(settings, orgs=8, seed=5, only_if_empty=False)
    yield settings
    engine_for(url).dispose()
    if name:
        with _admin_engine().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=ENGINES)
def demo_settings(
    request: pytest.FixtureRequest,
    migrated_templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Settings]:
    """Settings for a database with a small demo (8 organisations), shared by a module."""
    yield from _demo_database(request.param, migrated_templates, tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def demo_app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def sqlite_demo_settings(
    migrated_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """The same on SQLite only, for checks where the engine makes no difference."""
    yield from _demo_database("sqlite", migrated_templates, tmp_path_factory.mktemp("fuzz"))
