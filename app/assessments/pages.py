"""What the pages of any assessment share: loading one this organisation may see, its kind
from the URL, its marker's rating. A plain module, so other features need not import routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from app.assessments import repository
from app.assessments.kinds import SELF, Kind
from app.assessments.models import NOT_APPLICABLE, Assessment, Rating
from app.deps import OrgAccess
from app.forms import DbInt
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.models import Organisation


def load_assessment(db: Session, access: OrgAccess, assessment_id: DbInt,
                    catalogue: FrameworkCatalogue) -> tuple[Assessment, Framework]:
    """A self-assessment of this organisation (its views have pages of their own)."""
    judgement = load_judgement(db, access, assessment_id, catalogue, SELF)
    return judgement.assessment, judgement.framework


@dataclass(frozen=True)
class Judgement:
    """An assessment as its pages need it: what it is of, its kind, and where it lives."""

    assessment: Assessment
    framework: Framework
    kind: Kind
    subject: Organisation
    base: str

    def context(self, access: OrgAccess) -> dict[str, Any]:
        return {"organisation": access.organisation, "access": access, "role": access.role,
                "can_edit": access.can_edit, "assessment": self.assessment,
                "framework": self.framework, "kind": self.kind, "subject": self.subject,
                "caption": self.kind.caption(self.assessment, self.subject.name),
                "base": self.base}


# The kinds by the part of their URL after /manage/{slug}/; app/views adds the view's.
KINDS: dict[str, Kind] = {SELF.url_part: SELF}


def kind_of(request: Request) -> Kind:
    """The kind a page is for, from its URL (the same handler serves both)."""
    return KINDS[request.url.path.split("/")[3]]


KindDep = Annotated[Kind, Depends(kind_of)]


@dataclass(frozen=True)
class Panel:
    """A part of the marker or overview page that a higher feature fills in (app/voice adds
    the people's voice): its template, and the context that template needs."""

    template: str
    context: Callable[..., dict[str, Any]]  # (db, assessment, framework[, marker code])


# Filled in by the features that add to these pages, as app/views adds to KINDS.
MARKER_PANELS: list[Panel] = []
OVERVIEW_PANELS: list[Panel] = []


def marker_panels(db: Session, assessment: Assessment, framework: Framework,
                  code: str) -> dict[str, Any]:
    """The marker page's added panels: their templates and what they need."""
    context: dict[str, Any] = {"marker_panels": [panel.template for panel in MARKER_PANELS]}
    for panel in MARKER_PANELS:
        context.update(panel.context(db, assessment, framework, code))
    return context


def overview_panels(db: Session, assessment: Assessment,
                    framework: Framework) -> dict[str, Any]:
    """The overview page's added panels: their templates and what they need."""
    context: dict[str, Any] = {"overview_panels": [panel.template for panel in OVERVIEW_PANELS]}
    for panel in OVERVIEW_PANELS:
        context.update(panel.context(db, assessment, framework))
    return context


def load_judgement(db: Session, access: OrgAccess, assessment_id: DbInt,
                   catalogue: FrameworkCatalogue, kind: Kind) -> Judgement:
    """An assessment this organisation is writing, of the kind asked for; a 404 for anyone
    else's (the organisation viewed never sees a view's drafts)."""
    assessment = repository.assessment_of(db, access.organisation.id or 0, assessment_id)
    if assessment is None or assessment.is_view != kind.is_view:
        raise HTTPException(404, kind.not_found)
    framework = catalogue.get(assessment.framework_id)
    subject = access.organisation if not kind.is_view \
        else db.get(Organisation, assessment.subject_organisation_id)
    if framework is None or subject is None:
        raise HTTPException(404, "The framework of this assessment is no longer loaded.")
    base = f"/manage/{access.organisation.slug}/{kind.url_part}/{assessment.id}"
    return Judgement(assessment, framework, kind, subject, base)


def assessment_url(access: OrgAccess, assessment: Assessment) -> str:
    return f"/manage/{access.organisation.slug}/assessments/{assessment.id}"


def level_labels(framework: Framework) -> dict[str, str]:
    labels = {level.id: level.label for level in framework.scale}
    labels[NOT_APPLICABLE] = "Does not apply to us"
    return labels


def load_rating(db: Session, judgement: Judgement, code: str) -> Rating:
    framework = judgement.framework
    if framework.marker(code) is None:
        raise HTTPException(404, f"{framework.title} has no marker {code}.")
    rating = repository.rating_for(db, judgement.assessment.id or 0, code)
    if rating is None:  # a marker added to the framework after this one started
        rating = Rating(assessment_id=judgement.assessment.id or 0, marker_code=code)
        db.add(rating)
        db.flush()
    return rating
