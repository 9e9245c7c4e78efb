"""A second, empty, migrated database (same engine as `database_url`) to import into."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.config import Settings
from app.db import engine_for, is_sqlite
from tests.conftest import MARKERS_DIR, _admin_engine, _pg_url


@pytest.fixture
def second_database_url(database_url: str, migrated_templates: dict[str, str],
                        tmp_path: Path) -> Iterator[str]:
    """Copied from the migrated template, as `database_url` is."""
    if is_sqlite(database_url):
        target = tmp_path / "second.db"
        shutil.copy(migrated_templates["sqlite"], target)
        url = f"sqlite:///{target}"
        yield url
        engine_for(url).dispose()
        return
    name = f"mir_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()  # type: ignore[no-untyped-call]
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" '
                                f'TEMPLATE "{migrated_templates["postgresql"]}"'))
    url = _pg_url(name)
    yield url
    engine_for(url).dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def second_settings(second_database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=second_database_url, markers_dir=MARKERS_DIR,
                    upload_dir=tmp_path / "second-uploads",
                    outbox_dir=tmp_path / "second-outbox", base_url="http://testserver")
