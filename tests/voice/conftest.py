"""Fixtures: a database session, and Bolton Council with its plan ready to publish."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.db import engine_for
from tests.exports.builders import Built, build_plan


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def planned(db: Session) -> Built:
    built = build_plan(db)
    db.commit()
    return built
