"""Reading view and reply publications (a view's draft is an assessment: its
queries are app/assessments/repository.py's)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import and_, bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.accounts.models import User
from app.assessments.models import Assessment
from app.db import one_of
from app.organisations.models import Membership, Organisation, OrganisationArea
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication, PublicationKind

# Publications that hold an assessment, so that a view can be written about them.
ASSESSED_KINDS = (PublicationKind.plan.value, PublicationKind.correction.value)


def viewable_publications(db: Session, *, excluding: int) -> list[tuple[Publication,
                                                                          Organisation]]:
    """Each listed organisation's latest visible assessed publication per framework."""
    rows = db.exec(select(Publication, Organisation)
                   .join(Organisation, col(Organisation.id) == col(Publication.organisation_id))
                   .where(col(Publication.kind).in_(ASSESSED_KINDS),
                          col(Publication.hidden_reason).is_(None),
                          col(Publication.organisation_id) != excluding, Organisation.is_listed)
                   .order_by(col(Organisation.name), col(Publication.number).desc())).all()
    latest: dict[tuple[int, str], tuple[Publication, Organisation]] = {}
    for publication, organisation in rows:
        latest.setdefault((publication.organisation_id, publication.framework_id),
                          (publication, organisation))
    return list(latest.values())


def latest_assessed(db: Session, organisation_id: int, framework_id: str) -> Publication | None:
    """The organisation's newest visible publication with an assessment, for a framework."""
    return db.exec(select(Publication)
                   .where(Publication.organisation_id == organisation_id,
                          Publication.framework_id == framework_id,
                          col(Publication.kind).in_(ASSESSED_KINDS),
                          col(Publication.hidden_reason).is_(None))
                   .order_by(col(Publication.number).desc())).first()


def latest_own_publications_of(db: Session, organisation_ids: Sequence[int]
                               ) -> dict[int, dict[str, Publication]]:
    """For each organisation, its newest visible assessed publication per framework, in one
    query (only those publications are read, not the whole history)."""
    if not organisation_ids:
        return {}
    found: dict[int, dict[str, Publication]] = {}
    for publication in db.exec(_latest_own(db.get_bind().dialect.name),
                               params={"ids": list(organisation_ids)}):
        found.setdefault(publication.organisation_id, {})[publication.framework_id] = publication
    return found


@lru_cache(maxsize=2)
def _latest_own(dialect: str) -> SelectOfScalar[Publication]:
    """latest_own_publications_of's statement, built once per process; the ids are a
    parameter."""
    visible = [one_of(dialect, col(Publication.organisation_id), key="ids"),
               col(Publication.kind).in_(ASSESSED_KINDS), col(Publication.hidden_reason).is_(None)]
    newest = (select(Publication.organisation_id, Publication.framework_id,
                     func.max(Publication.number).label("number"))
              .where(*visible)
              .group_by(col(Publication.organisation_id), col(Publication.framework_id))
              .subquery())
    return select(Publication).join(newest, and_(
        col(Publication.organisation_id) == newest.c.organisation_id,
        col(Publication.number) == newest.c.number))


def view_publications_of_draft(db: Session, view: Assessment) -> Sequence[Publication]:
    """The publications this draft's organisation made about the same organisation."""
    return db.exec(select(Publication)
                   .where(Publication.organisation_id == view.organisation_id,
                          Publication.kind == VIEW_KIND,
                          Publication.about_organisation_id == view.subject_organisation_id,
                          Publication.framework_id == view.framework_id)
                   .order_by(col(Publication.number).desc())).all()


def views_published_by(db: Session, organisation_id: int) -> Sequence[Publication]:
    return db.exec(select(Publication).where(Publication.organisation_id == organisation_id,
                                             Publication.kind == VIEW_KIND)
                   .order_by(col(Publication.number).desc())).all()


def views_published_about(db: Session, organisation_id: int
                          ) -> Sequence[tuple[Publication, Organisation]]:
    """Every view publication about this organisation, with who wrote it, newest first."""
    return db.exec(select(Publication, Organisation)
                   .join(Organisation, col(Organisation.id) == col(Publication.organisation_id))
                   .where(Publication.kind == VIEW_KIND,
                          Publication.about_organisation_id == organisation_id)
                   .order_by(col(Publication.published_at).desc(),
                             col(Publication.id).desc())).all()


def views_published_in_area(db: Session, area_code: str
                            ) -> list[tuple[Publication, Organisation, Organisation]]:
    """Every view publication about a listed organisation working in the area, with who wrote
    it (listed too) and who it is about, newest first: one query, however many there are."""
    rows = db.exec(_views_in_area(), params={"area_code": area_code}).all()
    return [(publication, viewer, organisation) for publication, viewer, organisation in rows]


@lru_cache(maxsize=1)
def _views_in_area() -> Select[Publication, Organisation, Organisation]:
    """views_published_in_area's statement, built once per process (building it took longer
    than running it); the area is a parameter."""
    about = aliased(Organisation)
    in_area = select(OrganisationArea.organisation_id).where(
        OrganisationArea.area_code == bindparam("area_code"))
    return (select(Publication, Organisation, about)
            .join(Organisation, col(Organisation.id) == col(Publication.organisation_id))
            .join(about, col(about.id) == col(Publication.about_organisation_id))
            .where(Publication.kind == VIEW_KIND,
                   col(Publication.about_organisation_id).in_(in_area),
                   # Implied by the IN, but said, so PostgreSQL's index scan skips the many
                   # publications about nobody (7 ms to 1 ms at 30 000 organisations).
                   col(Publication.about_organisation_id).is_not(None),
                   Organisation.is_listed, about.is_listed)
            .order_by(col(Publication.published_at).desc(), col(Publication.id).desc()))


def view_publication_about(db: Session, organisation_id: int,
                           publication_id: int) -> Publication | None:
    return db.exec(select(Publication).where(Publication.id == publication_id,
                                             Publication.kind == VIEW_KIND,
                                             Publication.about_organisation_id
                                             == organisation_id)).first()


def replies_to(db: Session, publication_ids: Sequence[int]) -> dict[int, list[Publication]]:
    """Replies by the publication they answer, newest first."""
    if not publication_ids:
        return {}
    found: dict[int, list[Publication]] = {}
    for reply in db.exec(select(Publication)
                         .where(Publication.kind == REPLY_KIND,
                                one_of(db.get_bind().dialect.name,
                                       col(Publication.in_reply_to_id), publication_ids))
                         .order_by(col(Publication.number).desc())):
        found.setdefault(reply.in_reply_to_id or 0, []).append(reply)
    return found


def owners_of(db: Session, organisation_id: int) -> list[tuple[int, str, str]]:
    """(user id, name, email) of each owner who can be emailed."""
    rows = db.exec(select(User).join(Membership, col(Membership.user_id) == col(User.id))
                   .where(Membership.organisation_id == organisation_id,
                          Membership.role == "owner", col(User.is_disabled).is_(False),
                          col(User.email_confirmed_at).is_not(None))
                   .order_by(col(User.id))).all()
    return [(user.id or 0, user.name, user.email) for user in rows]


def organisations_by_id(db: Session, ids: Sequence[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {org.id or 0: org for org in db.exec(select(Organisation)
                                                .where(one_of(db.get_bind().dialect.name,
                                                              col(Organisation.id), ids)))}
