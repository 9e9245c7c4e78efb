"""The migrations build the schema the models describe, and can be undone and redone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import app.models  # noqa: F401  (every table on the metadata)
from app.db import engine_for, metadata
from app.schema import current_revision, downgrade, head_revision, include_object, upgrade


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = engine_for(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={
            "compare_type": True, "render_as_batch": True,
            "include_object": include_object}), metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = engine_for(database_url)
    assert current_revision(engine) == head_revision()
    downgrade(database_url, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(), f"downgrade left tables behind: {tables}"
    upgrade(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM area")).scalar_one() == 153
        assert connection.execute(text("SELECT count(*) FROM region")).scalar_one() == 9


def test_former_codes_resolve_to_current_areas(database_url: str) -> None:
    with engine_for(database_url).connect() as connection:
        rows = connection.execute(text(
            "SELECT former_code, area_code FROM former_area_code ORDER BY former_code, area_code"
        )).all()
    successors: dict[str, list[str]] = {}
    for former, current in rows:
        successors.setdefault(former, []).append(current)
    assert successors["E10000002"] == ["E06000060"]  # Buckinghamshire
    assert successors["E10000006"] == ["E06000063", "E06000064"]  # Cumbria: two successors
    assert successors["E10000021"] == ["E06000061", "E06000062"]  # Northamptonshire
