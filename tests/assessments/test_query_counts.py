"""No N+1: the theme, marker and overview pages issue as many SQL statements with every
marker rated (and evidence on them) as with none rated.

Run with `-s` to see the counts, e.g. "theme page: 6 queries".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.assessments import service
from app.assessments.models import CoProduction, Evidence, Rating
from app.db import engine_for
from app.frameworks import load_catalogue
from tests.conftest import MARKERS_DIR
from tests.factories import login, make_commitment, make_organisation, make_user

BASE = "/manage/team-org/assessments"
FRAMEWORK = load_catalogue(MARKERS_DIR).get("making-it-real-2018")


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_counts(client: TestClient, engine: Engine, assessment_id: int) -> dict[str, int]:
    pages = {"theme page": f"{BASE}/{assessment_id}/themes/information-and-advice",
             "marker page": f"{BASE}/{assessment_id}/markers/IA1",
             "overview page": f"{BASE}/{assessment_id}"}
    counts = {}
    for name, url in pages.items():
        with counting(engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        counts[name] = len(statements)
    return counts


def rate_everything(db: Session, assessment_id: int) -> None:
    """Every marker rated, warning signs ticked, evidence on each: all straight in the
    database."""
    assert FRAMEWORK is not None
    ratings = db.exec(select(Rating).where(Rating.assessment_id == assessment_id)).all()
    levels = [level.id for level in FRAMEWORK.scale]
    for index, rating in enumerate(ratings):
        marker = FRAMEWORK.marker(rating.marker_code)
        assert marker is not None and rating.id is not None
        rating.level = levels[index % len(levels)]
        rating.working = f"What works for {marker.code}"
        rating.red_flags = list(marker.red_flags[:1])
        rating.carried_over = index % 3 == 0
        db.add(rating)
        for number in range(1 + index % 3):
            db.add(Evidence(rating_id=rating.id, kind="note", text=f"Note {number}"))
    db.add(CoProduction(assessment_id=assessment_id, people_using_support=4, staff=2))
    db.commit()


def test_page_query_counts_do_not_grow_with_ratings(client: TestClient,
                                                    database_url: str) -> None:
    assert FRAMEWORK is not None
    engine = engine_for(database_url)
    with Session(engine) as db:
        owner = make_user(db, email="owner@example.org")
        organisation = make_organisation(db, owner=owner, name="Team Org")
        make_commitment(db, organisation)
        db.commit()
        assessment = service.start_assessment(db, actor_id=owner.id or 0,
                                              organisation_id=organisation.id or 0,
                                              framework=FRAMEWORK, name="Spring 2026",
                                              carry_over=False)
        db.commit()
        assessment_id = assessment.id or 0
    login(client, "owner@example.org")
    client.get(f"{BASE}/{assessment_id}")  # warm up: the first request opens the pool

    none_rated = page_counts(client, engine, assessment_id)
    with Session(engine) as db:
        rate_everything(db, assessment_id)
        evidence = len(db.exec(select(Evidence)).all())
    all_rated = page_counts(client, engine, assessment_id)

    report = "; ".join(f"{name}: {none_rated[name]} queries with none rated, "
                       f"{all_rated[name]} with all {len(FRAMEWORK.markers)} rated "
                       f"and {evidence} evidence items" for name in none_rated)
    print(f"\n[{engine.dialect.name}] {report}")  # shown with -s, quoted in reviews
    assert none_rated == all_rated, report
    assert all(count <= 10 for count in all_rated.values()), report
