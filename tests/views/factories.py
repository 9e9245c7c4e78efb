"""Factories for the independent views tests: published plans, views and replies, made with
the services (no HTTP), flushed but not committed, like tests/factories.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app.accounts.models import User
from app.assessments import repository as assessments
from app.assessments.coproduction import CoProductionChange, save_co_production
from app.assessments.evidence import NewEvidence, add_evidence, store_upload
from app.assessments.models import Assessment, CoProduction, EvidenceKind, Rating
from app.assessments.service import RatingChange, save_rating, start_assessment
from app.clock import today
from app.frameworks import Framework, load_catalogue
from app.moderation.models import ConcernReport
from app.organisations.models import Organisation
from app.plans.models import ActionStatus
from app.plans.service import ActionChange, add_action, set_priorities
from app.publications.models import Publication, PublicationKind
from app.publications.service import publish
from app.views import publishing, service
from tests.conftest import MARKERS_DIR
from tests.factories import FRAMEWORK_ID

CATALOGUE = load_catalogue(MARKERS_DIR)
FRAMEWORK: Framework = CATALOGUE.get(FRAMEWORK_ID)  # type: ignore[assignment]
COMPLETE_CO_PRODUCTION = CoProductionChange(
    people_using_support=9, family_carers=2, staff=0, partner_organisations=0,
    methods=["workshops"], other_method="", what_people_said="Members said they felt heard.")


def publish_plan(db: Session, organisation: Organisation, owner: User, *,
                 upload_dir: Path, level: str = "making_progress",
                 words: str = "Public words", draft_secret: str | None = None) -> Publication:
    """A rated assessment, priorities and an action, published as a plan."""
    assessment = start_assessment(db, actor_id=owner.id or 0,
                                  organisation_id=organisation.id or 0, framework=FRAMEWORK,
                                  name="Spring 2026", carry_over=False)
    for rating in db.exec(select(Rating).where(Rating.assessment_id == assessment.id)):
        rating.level, rating.working = level, f"{words} on {rating.marker_code}"
        db.add(rating)
    db.add(CoProduction(assessment_id=assessment.id or 0, people_using_support=12,
                        family_carers=3, staff=4, partner_organisations=1,
                        methods=["workshops"], what_people_said="It felt like being heard."))
    set_priorities(db, actor_id=owner.id or 0, organisation_id=organisation.id or 0,
                   assessment_id=assessment.id or 0,
                   chosen={code: f"Because {code} matters" for code in ("IA1", "IA2", "IA3")})
    add_action(db, actor_id=owner.id or 0, organisation_id=organisation.id or 0,
               framework_id=FRAMEWORK.id,
               change=ActionChange(title="Rewrite the leaflet", description="", marker_codes=[],
                                   owner="", due_on=None, status=ActionStatus.planned,
                                   dropped_reason=""))
    db.flush()
    publication = publish(db, actor_id=owner.id or 0, organisation=organisation,
                          framework=FRAMEWORK, assessment=assessment,
                          kind=PublicationKind.plan, what_changed="", today=today(),
                          upload_dir=upload_dir, base=f"/manage/{organisation.slug}")
    if draft_secret is not None:  # the drafts change after publishing
        for rating in db.exec(select(Rating).where(Rating.assessment_id == assessment.id)):
            rating.level, rating.working = "real", f"{draft_secret} draft words"
            db.add(rating)
        db.flush()
    return publication


def start_view(db: Session, viewer: Organisation, actor: User,
               about: Publication) -> Assessment:
    return service.start_view(db, actor_id=actor.id or 0, organisation=viewer, about=about,
                              framework=FRAMEWORK)


def complete_view(db: Session, view: Assessment, actor: User, *,
                  levels: dict[str, str] | None = None, reasons: str = "People told us") -> None:
    """Rate some markers and fill in the co-production record, ready to publish."""
    ratings = assessments.ratings_of(db, view.id or 0)
    for code, level in (levels or {"IA1": "getting_started", "IA2": "making_progress"}).items():
        save_rating(db, actor_id=actor.id or 0, organisation_id=view.organisation_id,
                    rating=ratings[code], seen_version=ratings[code].version,
                    change=reasons_only(level, f"{reasons} about {code}"))
    current = assessments.co_production_of(db, view.id or 0)
    save_co_production(db, actor_id=actor.id or 0, organisation_id=view.organisation_id,
                       assessment_id=view.id or 0,
                       seen_version=current.version if current else 0,
                       change=COMPLETE_CO_PRODUCTION)


def reasons_only(level: str | None, reasons: str) -> RatingChange:
    """A view's rating: a level and why (its reasons are the rating's `working`)."""
    return RatingChange(level=level, not_applicable_reason="", working=reasons,
                        needs_change="", red_flags=[])


def publish_view(db: Session, view: Assessment, viewer: Organisation, actor: User, *,
                 upload_dir: Path) -> Publication:
    about = db.get(Organisation, view.subject_organisation_id)
    assert about is not None
    return publishing.publish_view(db, actor_id=actor.id or 0, view=view, organisation=viewer,
                                about_organisation=about, framework=FRAMEWORK, today=today(),
                                upload_dir=upload_dir, base="/manage")


def view_values(db: Session, *, organisation: Organisation, owner: User,
                other: Organisation, other_owner: User, upload_dir: Path) -> dict[str, Any]:
    """Path values for the access matrix: a view `organisation` writes about `other`, with
    evidence; a published view by `other` about `organisation`; a concern report."""
    mine = publish_plan(db, organisation, owner, upload_dir=upload_dir)
    theirs = publish_plan(db, other, other_owner, upload_dir=upload_dir)
    draft = start_view(db, organisation, owner, theirs)
    complete_view(db, draft, owner)
    stored = store_upload(io.BytesIO(b"what,who\nleaflet,members\n"), file_name="notes.csv",
                          upload_dir=upload_dir, max_mb=1)
    item = add_evidence(db, actor_id=owner.id or 0, organisation_id=organisation.id or 0,
                        rating=assessments.ratings_of(db, draft.id or 0)["IA1"],
                        new=NewEvidence(kind=EvidenceKind.file, text="Our notes"),
                        stored=stored)
    about_us = start_view(db, other, other_owner, mine)
    complete_view(db, about_us, other_owner)
    published = publish_view(db, about_us, other, other_owner, upload_dir=upload_dir)
    concern = ConcernReport(publication_id=published.id or 0, concern="Not true")
    db.add(concern)
    db.flush()
    return {"view_id": draft.id, "view_evidence_id": item.id,
            "publication_id": published.id, "concern_id": concern.id}
