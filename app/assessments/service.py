"""Self-assessment rules: starting cycles, saving ratings without losing anyone's words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.assessments import repository
from app.assessments.models import NOT_APPLICABLE, Assessment, Rating
from app.audit.service import record
from app.clock import now
from app.db import save_if_version
from app.errors import Stale
from app.frameworks import Framework


def start_assessment(db: Session, *, actor_id: int, organisation_id: int,
                     framework: Framework, name: str,
                     carry_over: bool) -> Assessment:
    """A new cycle with a rating row per marker; from the last cycle's words if asked."""
    previous = repository.latest_for_framework(db, organisation_id, framework.id) \
        if carry_over else None
    assessment = Assessment(organisation_id=organisation_id,
                            subject_organisation_id=organisation_id, framework_id=framework.id,
                            framework_version=framework.version, name=name,
                            previous_id=previous.id if previous else None,
                            created_by_id=actor_id)
    db.add(assessment)
    db.flush()
    assert assessment.id is not None
    earlier = repository.ratings_of(db, previous.id) if previous and previous.id else {}
    for marker in framework.markers:
        old = earlier.get(marker.code)
        copied = old is not None and bool(old.level or old.working or old.needs_change)
        db.add(Rating(
            assessment_id=assessment.id, marker_code=marker.code,
            level=old.level if old and copied else None,
            not_applicable_reason=old.not_applicable_reason if old and copied else "",
            working=old.working if old and copied else "",
            needs_change=old.needs_change if old and copied else "",
            red_flags=list(old.red_flags) if old and copied else [],
            carried_over=copied, updated_by_id=actor_id))
    record(db, actor_id=actor_id, action="assessment.start", organisation_id=organisation_id,
           subject=f"assessment:{assessment.id}",
           after={"name": name, "framework": framework.id,
                  "carried_over_from": previous.id if previous else None})
    return assessment


@dataclass(frozen=True)
class RatingChange:
    level: str | None
    not_applicable_reason: str
    working: str
    needs_change: str
    red_flags: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "not_applicable_reason": self.not_applicable_reason,
                "working": self.working, "needs_change": self.needs_change,
                "red_flags": self.red_flags}


def save_rating(db: Session, *, actor_id: int, organisation_id: int, rating: Rating,
                seen_version: int, change: RatingChange) -> Rating:
    """Save only if nobody saved since `seen_version`; otherwise raise Stale with theirs."""
    before = {"level": rating.level, "not_applicable_reason": rating.not_applicable_reason,
              "working": rating.working, "needs_change": rating.needs_change,
              "red_flags": list(rating.red_flags), "version": rating.version}
    values = change.as_dict()
    if change.level != NOT_APPLICABLE:
        values["not_applicable_reason"] = ""
    if not save_if_version(db, rating, seen_version, {**values, "carried_over": False,
                                                      "updated_by_id": actor_id,
                                                      "updated_at": now()}):
        raise Stale(rating)
    record(db, actor_id=actor_id, action="rating.save", organisation_id=organisation_id,
           subject=f"rating:{rating.id}", before=before,
           after={**values, "version": rating.version})
    return rating


def progress(framework: Framework, ratings: dict[str, Rating]) -> tuple[int, int]:
    """(rated, total): a marker counts as rated once it has a level."""
    rated = sum(1 for marker in framework.markers
                if (r := ratings.get(marker.code)) is not None and r.level is not None)
    return rated, len(framework.markers)
