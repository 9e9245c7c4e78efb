"""Reading publications: lists, numbers and published dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, and_, case, func, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.organisations import service as organisations
from app.organisations.status import PublishedDates
from app.publications.models import OWN_KINDS, VIEW_KIND, Publication, PublicationKind


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


@dataclass(frozen=True)
class HistoryItem:
    """One publication as a list of them shows it (no snapshot)."""

    number: int
    kind: str
    published_on: date
    hidden_reason: str | None


def history_of(db: Session, organisation_id: int
               ) -> tuple[list[HistoryItem], tuple[HistoryItem, dict[str, Any]] | None]:
    """Every publication, newest first; and the newest visible one of the organisation's own
    (not a view of another, nor a reply) with its snapshot, the only snapshot read."""
    own = and_(col(Publication.hidden_reason).is_(None), col(Publication.kind).in_(OWN_KINDS))
    place = func.row_number().over(partition_by=case((own, 1), else_=0),
                                   order_by=col(Publication.number).desc())
    snapshot = type_coerce(case((and_(own, place == 1), col(Publication.snapshot))), JSON)
    rows = db.connection().execute(
        sa_select(col(Publication.number), col(Publication.kind), col(Publication.published_on),
                  col(Publication.hidden_reason), snapshot)
        .where(col(Publication.organisation_id) == organisation_id)
        .order_by(col(Publication.number).desc())).all()
    history = [HistoryItem(number, kind, published_on, hidden_reason)
               for number, kind, published_on, hidden_reason, _snapshot in rows]
    latest = next(((item, row[4]) for item, row in zip(history, rows, strict=True)
                   if row[4] is not None), None)
    return history, latest


def publication(db: Session, organisation_id: int, number: int) -> Publication | None:
    return db.exec(select(Publication).where(Publication.organisation_id == organisation_id,
                                             Publication.number == number)).first()


def next_number(db: Session, organisation_id: int) -> int:
    current = db.exec(select(func.max(Publication.number))
                      .where(Publication.organisation_id == organisation_id)).one()
    return (current or 0) + 1
