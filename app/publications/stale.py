"""A publication made, hidden or shown again changes its organisation's public pages (and,
for an independent view or a reply, those of the organisation it is about): one flush hook
tells the public cache, so no publishing path has to remember."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from app.caching import bump_public_version
from app.publications.models import Publication


def changed_publishers(session: Session) -> set[int]:
    ids: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Publication):
            ids.add(instance.organisation_id)
            if instance.about_organisation_id is not None:
                ids.add(instance.about_organisation_id)
    return ids


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    ids = changed_publishers(session)
    if ids:
        bump_public_version(session, ids, flushing=True)
