"""Reading publications: lists, numbers and published dates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.organisations import service as organisations
from app.organisations.status import PublishedDates
from app.publications.models import VIEW_KIND, Publication, PublicationKind


def published_dates(db: Session, organisation_ids: Sequence[int]
                    ) -> dict[tuple[int, str], PublishedDates]:
    """Per (organisation, framework), in one query. Hidden publications still count:
    they were published, and hiding is about content, not about the commitment."""
    if not organisation_ids:
        return {}
    is_plan = col(Publication.kind).in_([PublicationKind.plan, PublicationKind.correction])
    is_view = col(Publication.kind) == VIEW_KIND
    rows = db.connection().execute(
        sa_select(col(Publication.organisation_id), col(Publication.framework_id),
                  func.max(case((is_plan, Publication.published_on))),
                  func.max(case((col(Publication.kind) == PublicationKind.progress,
                                 Publication.published_on))),
                  func.max(case((is_view, Publication.published_on))),
                  func.count(case((is_view, 1))))
        .where(col(Publication.organisation_id).in_(organisation_ids))
        .group_by(col(Publication.organisation_id), col(Publication.framework_id))
    ).all()
    return {(org, framework): PublishedDates(plan, progress, view, int(views or 0))
            for org, framework, plan, progress, view, views in rows}


# Commitment statuses count these dates; organisations, below us, asks for them through this.
organisations.PUBLISHED_DATES.append(published_dates)


def publications_of(db: Session, organisation_id: int) -> Sequence[Publication]:
    return db.exec(select(Publication).where(Publication.organisation_id == organisation_id)
                   .order_by(col(Publication.number).desc())).all()


def publication(db: Session, organisation_id: int, number: int) -> Publication | None:
    return db.exec(select(Publication).where(Publication.organisation_id == organisation_id,
                                             Publication.number == number)).first()


def next_number(db: Session, organisation_id: int) -> int:
    current = db.exec(select(func.max(Publication.number))
                      .where(Publication.organisation_id == organisation_id)).one()
    return (current or 0) + 1
