"""Every query about assessments and ratings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.assessments.models import Assessment, CoProduction, Evidence, Rating


def assessments_of(db: Session, organisation_id: int) -> Sequence[Assessment]:
    return db.exec(select(Assessment).where(Assessment.organisation_id == organisation_id)
                   .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())).all()


def latest_for_framework(db: Session, organisation_id: int,
                         framework_id: str) -> Assessment | None:
    return db.exec(select(Assessment).where(Assessment.organisation_id == organisation_id,
                                            Assessment.framework_id == framework_id)
                   .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
                   ).first()


def assessment_of(db: Session, organisation_id: int, assessment_id: int) -> Assessment | None:
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
