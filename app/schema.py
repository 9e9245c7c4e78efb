"""Database schema upgrades through Alembic, so operators never call Alembic directly."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app.config import PROJECT_ROOT
from app.db import normalise_url

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def include_object(_object: object, name: str | None, kind: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """Leave out what the models cannot describe: the search indexes of migrations 0010 and
    0015 (an FTS5 table with its shadow tables on SQLite; expression indexes and the table of
    words a trigger fills on PostgreSQL)."""
    return not (name or "").startswith(("organisation_fts", "ix_organisation_search_",
                                        "organisation_search_words"))


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
