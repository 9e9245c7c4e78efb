"""Fixtures: a database session, and Bolton Council with its action plan published."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.config import Settings
from app.db import engine_for
from tests.exports.builders import Built, build_plan, publish_plan


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def planned(db: Session) -> Built:
    """Bolton Council's plan, ready but not yet published."""
    built = build_plan(db)
    db.commit()
    return built


@pytest.fixture
def published(db: Session, settings: Settings, planned: Built) -> Built:
    """…and published as publication 1 on 31 March 2026."""
    publish_plan(db, settings, planned)
    db.commit()
    return planned
