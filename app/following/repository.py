"""Reading followers and the feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.following.models import Follower
from app.organisations.models import Organisation, OrganisationArea
from app.publications.models import Publication


def follower(db: Session, follower_id: int, email: str) -> Follower | None:
    found = db.get(Follower, follower_id)
    return found if found is not None and found.email == email else None


def existing(db: Session, *, email: str, organisation_id: int | None,
             area_code: str | None) -> Follower | None:
    return db.exec(select(Follower).where(Follower.email == email,
                                          Follower.organisation_id == organisation_id,
                                          Follower.area_code == area_code)).first()


def confirmed_followers(db: Session, *, organisation_ids: Sequence[int],
                        area_codes: Sequence[str], confirmed_by: datetime
                        ) -> Sequence[Follower]:
    """Confirmed followers of any of these organisations or areas, organisations first."""
    return db.exec(select(Follower)
                   .where(or_(col(Follower.organisation_id).in_(organisation_ids),
                              col(Follower.area_code).in_(area_codes)),
                          col(Follower.confirmed_at).is_not(None),
                          col(Follower.confirmed_at) <= confirmed_by)
                   .order_by(col(Follower.area_code).is_not(None), col(Follower.id))).all()


def organisation_ids_in_area(db: Session, area_code: str) -> list[int]:
    return list(db.exec(select(OrganisationArea.organisation_id)
                        .where(OrganisationArea.area_code == area_code)).all())


def feed_publications(db: Session, *, organisation_ids: Sequence[int] | None = None,
                      limit: int = 50) -> Sequence[tuple[Publication, Organisation]]:
    """The newest publications of listed organisations, or only those by (or views about)
    the organisations given."""
    statement = (select(Publication, Organisation)
                 .join(Organisation, col(Organisation.id) == col(Publication.organisation_id))
                 .where(Organisation.is_listed))
    if organisation_ids is not None:
        statement = statement.where(or_(
            col(Publication.organisation_id).in_(organisation_ids),
            col(Publication.about_organisation_id).in_(organisation_ids)))
    return db.exec(statement.order_by(col(Publication.published_at).desc(),
                                      col(Publication.id).desc()).limit(limit)).all()


def publications_since(db: Session, since: datetime) -> Sequence[Publication]:
    return db.exec(select(Publication).where(col(Publication.published_at) >= since)
                   .order_by(col(Publication.published_at), col(Publication.id))).all()
