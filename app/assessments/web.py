"""Cycles and theme pages of a self-assessment, and the marker pages of any assessment
(self-assessment or independent view: one handler, the differences in its `Kind`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import evidence as evidence_service
from app.assessments import repository, service
from app.assessments.forms import RatingForm, StartAssessmentForm
from app.assessments.kinds import Kind
from app.assessments.models import (
    CATEGORY_LABELS,
    EASY_READ_SOURCE_LABELS,
    NOT_APPLICABLE,
    SOURCE_LABELS,
    Rating,
)
from app.assessments.pages import (
    Judgement,
    KindDep,
    assessment_url,
    level_labels,
    load_assessment,
    load_judgement,
    load_rating,
    marker_panels,
)
from app.clock import now
from app.deps import CatalogueDep, EditorAccess, OrgAccess, SessionDep, ViewerAccess, WebSessionDep
from app.errors import Stale
from app.forms import DbInt, Errors, form_values, parse
from app.frameworks.model import Marker
from app.organisations import repository as organisations
from app.responses import redirect
from app.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


# Cycles -----------------------------------------------------------------------------------

def _list_page(request: Request, access: OrgAccess, db: SessionDep, catalogue: CatalogueDep,
               values: dict[str, Any], errors: dict[str, str]) -> Response:
    organisation_id = access.organisation.id or 0
    signed_up = [c.framework_id for c in organisations.commitments_of(db, organisation_id)
                 if c.withdrawn_on is None]
    frameworks = [f for f in catalogue if f.id in signed_up]
    cycles = repository.assessments_of(db, organisation_id)
    return render(request, "assessments/list.html", {
        "organisation": access.organisation, "access": access, "role": access.role,
        "cycles": cycles, "catalogue": catalogue,
        "framework_options": [(f.id, f.title) for f in frameworks],
        "has_previous": {f.id for f in frameworks
                         if any(c.framework_id == f.id for c in cycles)},
        "values": values, "errors": errors})


@router.get("/manage/{slug}/assessments")
def assessments(request: Request, access: ViewerAccess, db: SessionDep,
                catalogue: CatalogueDep) -> Response:
    return _list_page(request, access, db, catalogue, {"carry_over": "true"}, {})


@router.post("/manage/{slug}/assessments")
async def start(request: Request, access: EditorAccess, db: SessionDep,
                catalogue: CatalogueDep, session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(StartAssessmentForm, values)
    organisation_id = access.organisation.id or 0
    signed_up = {c.framework_id for c in organisations.commitments_of(db, organisation_id)
                 if c.withdrawn_on is None}
    framework = catalogue.get(form.framework) if form else None
    if form is not None and (framework is None or framework.id not in signed_up):
        errors["framework"] = "Choose a framework your organisation has signed up to"
    if form is None or framework is None or errors:
        return _list_page(request, access, db, catalogue, values, errors)
    assessment = service.start_assessment(db, actor_id=access.user.id or 0,
                                          organisation_id=organisation_id,
                                          framework=framework, name=form.name,
                                          carry_over=form.carry_over)
    session.add_flash(f"You have started “{assessment.name}”.")
    return redirect(assessment_url(access, assessment))


# Themes and markers -----------------------------------------------------------------------

@router.get("/manage/{slug}/assessments/{assessment_id}/themes/{theme_id}")
def theme_page(request: Request, assessment_id: DbInt, theme_id: str, access: ViewerAccess,
               db: SessionDep, catalogue: CatalogueDep) -> Response:
    assessment, framework = load_assessment(db, access, assessment_id, catalogue)
    theme = framework.theme(theme_id)
    if theme is None:
        raise HTTPException(404, f"{framework.title} has no such theme.")
    ratings = repository.ratings_of(db, assessment.id or 0)
    return render(request, "assessments/theme.html", {
        "organisation": access.organisation, "access": access, "role": access.role,
        "assessment": assessment, "framework": framework, "theme": theme,
        "ratings": ratings, "levels": level_labels(framework),
        "evidence_counts": repository.evidence_counts(db, assessment.id or 0),
        "base": assessment_url(access, assessment)})


def _marker_context(access: OrgAccess, db: Session, judgement: Judgement,
                    rating: Rating) -> dict[str, Any]:
    framework, kind = judgement.framework, judgement.kind
    marker = framework.marker(rating.marker_code)
    assert marker is not None
    previous, following = framework.neighbours(marker.code)
    options: list[tuple[str, str, str | None]] = [
        (level.id, level.label, kind.hint(level)) for level in framework.scale]
    if kind.not_applicable and framework.not_applicable:
        options.append((NOT_APPLICABLE, "Does not apply to us",
                        "Say why in the box that appears."))
    items = repository.evidence_for(db, rating.id or 0)
    their = kind.their_words(db, judgement.assessment) if kind.their_words else {}
    return {
        **judgement.context(access), "marker": marker,
        "theme": framework.theme(marker.theme_id), "rating": rating,
        "level_options": options, "levels": level_labels(framework),
        "previous": previous, "following": following,
        "evidence": items, "evidence_authors": evidence_service.authors(db, items),
        "source_labels": SOURCE_LABELS, "easy_read_source_labels": EASY_READ_SOURCE_LABELS,
        "category_labels": CATEGORY_LABELS,
        "their": their.get(marker.code),
        **marker_panels(db, judgement.assessment, framework, marker.code),
    }


def rating_values(rating: Rating) -> dict[str, Any]:
    return {"level": rating.level, "not_applicable_reason": rating.not_applicable_reason,
            "working": rating.working, "needs_change": rating.needs_change,
            "red_flags": rating.red_flags, "version": rating.version}


def marker_page_with(request: Request, access: OrgAccess, db: Session, judgement: Judgement,
                     rating: Rating, errors: Errors, status_code: int = 200,
                     **extra: Any) -> Response:
    """The marker page; the rating form shows what is saved unless `extra` says otherwise."""
    return render(request, "assessments/marker.html", {
        **_marker_context(access, db, judgement, rating), "values": rating_values(rating),
        "errors": errors, **extra}, status_code=status_code)


@router.get("/manage/{slug}/assessments/{assessment_id}/markers/{code}")
@router.get("/manage/{slug}/views/{assessment_id}/markers/{code}")
def marker_page(request: Request, assessment_id: DbInt, code: str, access: ViewerAccess,
                db: SessionDep, catalogue: CatalogueDep, kind: KindDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    return marker_page_with(request, access, db, judgement, load_rating(db, judgement, code),
                            {})


def _change(kind: Kind, marker: Marker, form: RatingForm) -> service.RatingChange:
    """What the form changes: only the boxes this kind shows."""
    shown = {field.name for field in kind.text_fields}
    return service.RatingChange(
        level=form.level, not_applicable_reason=form.not_applicable_reason.strip(),
        working=form.working if "working" in shown else "",
        needs_change=form.needs_change if "needs_change" in shown else "",
        red_flags=[flag for flag in marker.red_flags if flag in form.red_flags]
        if kind.red_flags else [])


# The words of evidence not yet added, which share the rating's form (_evidence.html).
EVIDENCE_WORDS = ("note_text", "link_url", "link_description", "file_description",
                  "quote_text", "quote_name")


def _unchanged(rating: Rating, change: service.RatingChange) -> bool:
    reason = change.not_applicable_reason if change.level == NOT_APPLICABLE else ""
    return (rating.level, rating.not_applicable_reason, rating.working, rating.needs_change,
            list(rating.red_flags)) == (change.level, reason, change.working,
                                         change.needs_change, change.red_flags)


def save_from_form(request: Request, access: OrgAccess, db: Session, judgement: Judgement,
                   rating: Rating, values: dict[str, Any], *, block: str | None,
                   only_if_changed: bool = False, **extra: Any) -> Response | None:
    """Save the rating form's words; None once saved (or if nothing changed), else the
    marker page again with every word kept: the problems, or a conflict showing both.

    `block` is the part of the page to send back (None for all of it); `extra` keeps
    other words on the page too, such as evidence not yet added. Pressing Save saves even
    unchanged words (that confirms a carried-over rating); `only_if_changed` does not.
    """
    framework, kind = judgement.framework, judgement.kind
    marker = framework.marker(rating.marker_code)
    assert marker is not None
    form, errors = parse(RatingForm, values)
    allowed = {level.id for level in framework.scale} | (
        {NOT_APPLICABLE} if kind.not_applicable and framework.not_applicable else set())
    if form is not None:
        errors = form.problems(allowed)
    if form is None or errors:
        return render(request, "assessments/marker.html", {
            **_marker_context(access, db, judgement, rating), "values": values,
            "errors": errors, **extra}, block=block)
    change = _change(kind, marker, form)
    if only_if_changed and _unchanged(rating, change):
        return None
    try:
        service.save_rating(db, actor_id=access.user.id or 0,
                            organisation_id=access.organisation.id or 0, rating=rating,
                            seen_version=form.version, change=change)
    except Stale as stale:
        theirs = stale.current
        # Keep their words on screen and ours in the form, at the version now saved.
        return render(request, "assessments/marker.html", {
            **_marker_context(access, db, judgement, rating), "conflict": True,
            "theirs": rating_values(theirs),
            "theirs_by": organisations.user_name(db, theirs.updated_by_id),
            "values": {**values, "version": theirs.version}, "errors": {}, **extra},
            status_code=409, block=block)
    return None


@router.post("/manage/{slug}/assessments/{assessment_id}/markers/{code}")
@router.post("/manage/{slug}/views/{assessment_id}/markers/{code}")
async def save_marker(request: Request, assessment_id: DbInt, code: str, access: EditorAccess,
                      db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
                      session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    rating = load_rating(db, judgement, code)
    values = form_values(await request.form())
    refused = save_from_form(request, access, db, judgement, rating, values,
                             block="rating_form")
    if refused is not None:
        return refused
    saved_at = now().strftime("%H:%M")
    if is_htmx(request):
        return render(request, "assessments/marker.html", {
            **_marker_context(access, db, judgement, rating),
            "values": rating_values(rating), "errors": {}, "saved_at": saved_at},
            block="rating_form")
    session.add_flash(f"Saved {code} at {saved_at}.")
    if any(str(values.get(name, "")).strip() for name in EVIDENCE_WORDS):
        # Evidence typed but not yet added came with the form: show it again, not lost.
        return marker_page_with(request, access, db, judgement, rating, {},
                                evidence_values=values)
    return redirect(f"{judgement.base}/markers/{code}")
