"""What keeps a busy worker cheap on the database: a pool that keeps its connections, id
lists as one parameter on PostgreSQL, and the search planned for its words."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlmodel import Session, col

from app.config import Settings
from app.db import engine_for, one_of
from app.main import create_app
from app.organisations.models import Organisation
from app.search.service import find
from tests.factories import make_organisation


def test_one_of_finds_the_rows_for_no_one_or_many_values(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        ids = [make_organisation(db, name=f"Group {n}").id or 0 for n in range(3)]
        db.commit()
        dialect = db.get_bind().dialect.name
        found = {count: set(db.execute(select(col(Organisation.id)).where(
            one_of(dialect, col(Organisation.id), ids[:count]))).scalars()) for count in (0, 1, 3)}
        later = select(col(Organisation.id)).where(one_of(dialect, col(Organisation.id),
                                                          key="wanted"))
        given_later = set(db.execute(later, {"wanted": ids[1:]}).scalars())
    assert found == {0: set(), 1: {ids[0]}, 3: set(ids)}
    assert given_later == set(ids[1:])


def test_on_postgresql_one_of_is_the_same_statement_for_any_number_of_values() -> None:
    from sqlalchemy.dialects import postgresql

    def sql(count: int) -> str:
        return str(select(col(Organisation.id)).where(
            one_of("postgresql", col(Organisation.id), list(range(count))))
            .compile(dialect=postgresql.dialect()))

    assert sql(1) == sql(100)
    assert "= ANY (" in sql(1)


def test_the_pool_follows_the_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"database_pool_size": 7}))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    if settings.database_url.startswith("postgresql"):
        assert app.state.engine.pool.size() == 7


def test_a_pool_of_no_connections_is_refused() -> None:
    with pytest.raises(ValidationError, match="database_pool_size"):
        Settings(database_pool_size=0)


def test_the_search_is_never_prepared_for_any_words(database_url: str) -> None:
    """psycopg prepares a statement run five times on a connection; PostgreSQL's plan for
    any words was twice as slow as one for the words typed."""
    with Session(engine_for(database_url)) as db:
        make_organisation(db, name="Barnsley Disabled People's Forum")
        db.commit()
        for _ in range(8):
            assert [hit.name for hit in find(db, "barnsly forum")] == \
                ["Barnsley Disabled People's Forum"]
            db.exec(select(col(Organisation.id)).where(col(Organisation.name) == "x")).all()
        if db.get_bind().dialect.name != "postgresql":
            return
        prepared = db.connection().execute(
            text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("organisation.name =" in statement for statement in prepared), prepared
    assert not any("organisation_search_words" in statement for statement in prepared), \
        prepared
