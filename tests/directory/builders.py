"""Test data for the public side: publications, unlisted organisations, and bulk inserts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from app.clock import now, today
from app.db import engine_for
from app.organisations import tallies
from app.organisations.models import Commitment, Organisation, OrganisationArea
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication, PublicationKind
from app.publications.snapshot import MarkerWords, compose_snapshot
from app.views.snapshot import LocalWords, PublicationRef, compose_view_snapshot
from tests.factories import FRAMEWORK_ID, make_commitment, make_organisation
from tests.views.factories import CATALOGUE

KINDS = ["dpulo", "council", "provider", "voluntary", "health", "other"]


@contextmanager
def database(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as db:
        yield db


def publish(db: Session, organisation: Organisation, kind: str = "plan", *,
            on: date | None = None, framework_id: str = FRAMEWORK_ID,
            hidden_reason: str | None = None) -> Publication:
    """A publication of `organisation` (numbered after its others)."""
    assert organisation.id is not None
    numbers = db.exec(select(Publication.number)  # type: ignore[call-overload]
                      .where(Publication.organisation_id == organisation.id)).all()
    publication = Publication(organisation_id=organisation.id, framework_id=framework_id,
                              number=max((row[0] for row in numbers), default=0) + 1,
                              kind=kind, published_on=on or today(), snapshot={},
                              hidden_reason=hidden_reason)
    db.add(publication)
    db.flush()
    return publication


def unlisted_trio(db: Session, area: str = "E08000001") -> list[Organisation]:
    """An unconfirmed, a hidden and a non-public organisation, each signed up and published,
    each with "Secret" in its name."""
    trio = [
        make_organisation(db, name="Secret Unconfirmed", areas=(area,), confirmed=False,
                          kind="council", latitude=53.5, longitude=-2.4),
        make_organisation(db, name="Secret Hidden", areas=(area,), kind="council",
                          hidden_reason="Spam", latitude=53.5, longitude=-2.4),
        make_organisation(db, name="Secret Private", areas=(area,), kind="council",
                          public=False, latitude=53.5, longitude=-2.4),
    ]
    for organisation in trio:
        make_commitment(db, organisation, signed_up_on=today() - timedelta(days=30))
        publish(db, organisation)
    return trio


def bulk_organisations(database_url: str, count: int, area_codes: list[str],
                       start: int = 0) -> None:
    """`count` listed organisations with areas, commitments and publications, inserted with
    SQLAlchemy core in chunks (quick on both engines)."""
    engine = engine_for(database_url)
    created = now()
    rows: list[dict[str, Any]] = [{
        "slug": f"bulk-{number}", "name": f"Bulk organisation {number}",
        "kind": KINDS[number % len(KINDS)], "website": "https://example.org",
        "description": "Supports people in their community",
        "latitude": 50.5 + (number % 300) / 100, "longitude": -4.5 + (number % 500) / 100,
        "org_ids": "", "confirmed": True, "public": True, "verified": number % 2 == 0,
        "hidden_reason": None, "created_at": created,
    } for number in range(start, start + count)]
    with engine.begin() as connection:
        for chunk in _chunks(rows):
            connection.execute(insert(Organisation).values(chunk))
        slugs = [row["slug"] for row in rows]
        ids = [row[0] for row in connection.execute(
            select(Organisation.id).where(Organisation.slug.in_(slugs))  # type: ignore[attr-defined]
            .order_by(Organisation.id))]
        links = [{"organisation_id": org_id, "area_code": area_codes[index % len(area_codes)]}
                 for index, org_id in enumerate(ids)]
        for chunk in _chunks(links):
            connection.execute(insert(OrganisationArea).values(chunk))
        start = today() - timedelta(days=200)
        commitments = [{"organisation_id": org_id, "framework_id": FRAMEWORK_ID,
                        "statement": "We will.",
                        "signed_up_on": start + timedelta(days=index % 150),
                        "withdrawn_on": None, "withdrawal_reason": None, "created_by_id": None}
                       for index, org_id in enumerate(ids)]
        for chunk in _chunks(commitments):
            connection.execute(insert(Commitment).values(chunk))
        publications = [{"organisation_id": org_id, "framework_id": FRAMEWORK_ID, "number": 1,
                         "kind": "plan", "published_on": today() - timedelta(days=20),
                         "published_at": created, "what_changed": "", "snapshot": {},
                         "hidden_reason": None}
                        for index, org_id in enumerate(ids) if index % 3 == 0]
        for chunk in _chunks(publications):
            connection.execute(insert(Publication).values(chunk))
        tallies.rebuild(connection)  # core inserts bypass the ORM's tally hook


def _chunks(rows: list[dict[str, Any]], size: int = 500) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk_views(database_url: str, count: int, start: int = 0) -> None:
    """For the bulk organisations `start` to `start + count`: each even-numbered one publishes
    a correction (an assessment, so it can be viewed), the next one publishes an independent
    view of it, and every fourth answers with a reply. Inserted in chunks, like the rest."""
    engine = engine_for(database_url)
    created = now()
    framework = CATALOGUE.get(FRAMEWORK_ID)
    assert framework is not None
    scale = [level.id for level in framework.scale]
    with engine.begin() as connection:
        ids: dict[str, int] = dict(connection.execute(
            select(Organisation.slug, Organisation.id)  # type: ignore[call-overload]
            .where(col(Organisation.slug).in_([f"bulk-{n}" for n in range(start,
                                                                          start + count)]))
        ).all())
        rows: list[dict[str, Any]] = []
        for number in range(start + start % 2, start + count - 1, 2):
            viewed, viewer = f"bulk-{number}", f"bulk-{number + 1}"
            own = 1 if number % 3 == 0 else 0  # a plan from bulk_organisations
            part = {"name": f"Bulk organisation {number}", "slug": viewed,
                    "kind_label": "Council"}
            correction = compose_snapshot(
                organisation=part, framework=framework, kind=PublicationKind.correction,
                today=today(), since=None, what_changed="", assessment_name="Bulk",
                ratings={m.code: MarkerWords(scale[index % len(scale)])
                         for index, m in enumerate(framework.markers)},
                priorities=[], co_production=None, actions=[])
            view = compose_view_snapshot(
                organisation={"name": f"Bulk organisation {number + 1}", "slug": viewer},
                about=part, about_publication=PublicationRef(own + 1, "correction", today()),
                their_snapshot=correction, framework=framework,
                words={m.code: LocalWords(scale[(index + 1) % len(scale)], "People said so")
                       for index, m in enumerate(framework.markers[:12])},
                co_production=None, today=today())
            rows.append(_publication_row(ids[viewed], own + 1, "correction", correction,
                                         created))
            rows.append(_publication_row(ids[viewer], 2 if (number + 1) % 3 == 0 else 1,
                                         VIEW_KIND, view, created,
                                         about_organisation_id=ids[viewed]))
        for chunk in _chunks(rows):
            connection.execute(insert(Publication).values(chunk))
        views = connection.execute(
            select(Publication.id, Publication.organisation_id,  # type: ignore[call-overload]
                   Publication.about_organisation_id)
            .where(Publication.kind == VIEW_KIND,
                   col(Publication.about_organisation_id).in_(list(ids.values())))).all()
        slugs = {org_id: slug for slug, org_id in ids.items()}
        replies = []
        for view_id, viewer_id, viewed_id in views:
            number = int(slugs[viewed_id].removeprefix("bulk-"))
            if number % 4 == 0:
                replies.append(_publication_row(
                    viewed_id, (1 if number % 3 == 0 else 0) + 2, REPLY_KIND,
                    {"overall": "Thank you.", "markers": [{"code": "IA1", "text": "Noted."}]},
                    created, about_organisation_id=viewer_id, in_reply_to_id=view_id))
        for chunk in _chunks(replies):
            connection.execute(insert(Publication).values(chunk))


def _publication_row(organisation_id: int, number: int, kind: str, snapshot: dict[str, Any],
                     created: Any, about_organisation_id: int | None = None,
                     in_reply_to_id: int | None = None) -> dict[str, Any]:
    return {"organisation_id": organisation_id, "framework_id": FRAMEWORK_ID,
            "number": number, "kind": kind, "published_on": today() - timedelta(days=10),
            "published_at": created, "what_changed": "", "snapshot": snapshot,
            "hidden_reason": None, "about_organisation_id": about_organisation_id,
            "in_reply_to_id": in_reply_to_id}
