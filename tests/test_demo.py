"""`mir demo`: deterministic, realistic, every stage present, and safe to run twice."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.demo import load_demo
from app.frameworks import load_catalogue
from app.organisations.models import Organisation
from app.organisations.service import commitment_views
from app.publications.models import Publication


def names(database_url: str) -> list[str]:
    with Session(engine_for(database_url)) as db:
        return [o.name for o in db.exec(select(Organisation).order_by(Organisation.id))]


def test_demo_is_deterministic_and_covers_every_stage(settings: Settings, database_url: str,
                                                      client: TestClient) -> None:
    message = load_demo(settings, orgs=120, seed=7, only_if_empty=False)
    assert "120 organisations" in message
    first = names(database_url)
    assert len(first) == 120
    with Session(engine_for(database_url)) as db:
        kinds = Counter(o.kind for o in db.exec(select(Organisation)))
        assert {"council", "dpulo", "provider", "voluntary"} <= set(kinds)
        publication_kinds = Counter(p.kind for p in db.exec(select(Publication)))
        assert publication_kinds["plan"] > 0 and publication_kinds["progress"] > 0
        catalogue = load_catalogue(settings.markers_dir)
        statuses = Counter(view.status.value for o in db.exec(select(Organisation))
                           for view in commitment_views(db, o.id or 0, catalogue, today()))
    assert {"signed_up", "plan_published", "progress_reported", "plan_overdue",
            "lapsed"} <= set(statuses), statuses
    again = load_demo(settings, orgs=10, seed=7, only_if_empty=True)
    assert "already has 120 organisations" in again
    load_demo(settings, orgs=10, seed=7, only_if_empty=False)  # adds more, no clash
    assert len(names(database_url)) == 130
    council = names(database_url)[0]
    with Session(engine_for(database_url)) as db:
        slug = db.exec(select(Organisation.slug).where(Organisation.name == council)
                       .order_by(Organisation.id)).first()
    page = client.get(f"/organisations/{slug}")
    assert page.status_code == 200 and council in page.text
