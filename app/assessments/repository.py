"""Reading assessments and ratings (the services write them, with their checks)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from app.assessments.models import Assessment, CoProduction, Evidence, Rating


def _self(organisation_id: int) -> list[ColumnElement[bool]]:
    return [col(Assessment.organisation_id) == organisation_id,
            col(Assessment.subject_organisation_id) == organisation_id]


def assessments_of(db: Session, organisation_id: int) -> Sequence[Assessment]:
    """The organisation's self-assessments, newest first."""
    return db.exec(select(Assessment).where(*_self(organisation_id))
                   .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())).all()


def views_by(db: Session, organisation_id: int) -> Sequence[Assessment]:
    """The independent views the organisation is writing, newest first."""
    return db.exec(select(Assessment).where(
        col(Assessment.organisation_id) == organisation_id,
        col(Assessment.subject_organisation_id) != organisation_id)
        .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())).all()


def latest_for_framework(db: Session, organisation_id: int,
                         framework_id: str) -> Assessment | None:
    """The organisation's newest self-assessment of a framework."""
    return db.exec(select(Assessment).where(*_self(organisation_id),
                                            Assessment.framework_id == framework_id)
                   .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
                   ).first()


def assessment_of(db: Session, organisation_id: int, assessment_id: int) -> Assessment | None:
    """An assessment (of itself or another) only if this organisation is its author."""
    return db.exec(select(Assessment).where(Assessment.id == assessment_id,
                                            Assessment.organisation_id == organisation_id)
                   ).first()


def ratings_of(db: Session, assessment_id: int) -> dict[str, Rating]:
    rows = db.exec(select(Rating).where(Rating.assessment_id == assessment_id)).all()
    return {rating.marker_code: rating for rating in rows}


def rating_for(db: Session, assessment_id: int, code: str) -> Rating | None:
    return db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                        Rating.marker_code == code)).first()


def evidence_counts(db: Session, assessment_id: int) -> dict[int, int]:
    rows = db.exec(select(Evidence.rating_id, func.count())
                   .join(Rating, Rating.id == Evidence.rating_id)  # type: ignore[arg-type]
                   .where(Rating.assessment_id == assessment_id)
                   .group_by(col(Evidence.rating_id))).all()
    return {rating_id: count for rating_id, count in rows}


def evidence_for(db: Session, rating_id: int) -> Sequence[Evidence]:
    return db.exec(select(Evidence).where(Evidence.rating_id == rating_id)
                   .order_by(col(Evidence.created_at), col(Evidence.id))).all()


def co_production_of(db: Session, assessment_id: int) -> CoProduction | None:
    return db.exec(select(CoProduction).where(CoProduction.assessment_id == assessment_id)
                   ).first()


def evidence_of_assessment(db: Session, assessment_id: int) -> dict[int, list[Evidence]]:
    """Evidence by rating id for a whole assessment, in one query."""
    found: dict[int, list[Evidence]] = {}
    for item in db.exec(select(Evidence).join(Rating, Rating.id == Evidence.rating_id)  # type: ignore[arg-type]
                        .where(Rating.assessment_id == assessment_id)
                        .order_by(col(Evidence.created_at), col(Evidence.id))):
        found.setdefault(item.rating_id, []).append(item)
    return found
