"""Reading concern reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.moderation.models import ConcernReport
from app.organisations.models import Organisation
from app.publications.models import Publication


def concerns(db: Session, *, open_only: bool, limit: int = 100
             ) -> Sequence[tuple[ConcernReport, Publication, Organisation]]:
    """Reports with the publication and its organisation, newest first."""
    statement = (select(ConcernReport, Publication, Organisation)
                 .join(Publication, col(Publication.id) == col(ConcernReport.publication_id))
                 .join(Organisation, col(Organisation.id) == col(Publication.organisation_id)))
    statement = statement.where(col(ConcernReport.closed_at).is_(None)) if open_only \
        else statement.where(col(ConcernReport.closed_at).is_not(None))
    return db.exec(statement.order_by(col(ConcernReport.created_at).desc(),
                                      col(ConcernReport.id).desc()).limit(limit)).all()


def concerns_about(db: Session, publication_id: int) -> Sequence[ConcernReport]:
    return db.exec(select(ConcernReport).where(ConcernReport.publication_id == publication_id)
                   .order_by(col(ConcernReport.created_at).desc())).all()


def open_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(ConcernReport)
                   .where(col(ConcernReport.closed_at).is_(None))).one()
