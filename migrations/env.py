"""Alembic environment: batch mode everywhere so that SQLite can alter tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db import engine_for, metadata
from app.schema import include_object


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url
    with engine_for(url).connect() as connection:
        run(connection)


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run `mir db upgrade`.")
main()
