"""Independent views in the organisation workspace: those it writes, and those about it.

A view's marker, evidence and co-production pages are the assessment pages (app/assessments),
for the view's kind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import repository as assessments
from app.assessments.coproduction import co_production_complete
from app.assessments.models import Assessment
from app.assessments.pages import KINDS, load_judgement
from app.clock import today
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    OutboxDep,
    OwnerAccess,
    SessionDep,
    SettingsDep,
    ViewerAccess,
    WebSessionDep,
)
from app.errors import DomainError
from app.following import service as following
from app.forms import DbInt, Errors, form_values, parse
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.models import Organisation, Role
from app.publications.models import Publication
from app.publications.snapshot import view_markers
from app.responses import redirect
from app.templating import render
from app.views import repository, service
from app.views.forms import ReplyForm, StartViewForm
from app.views.picker import choices
from app.voice import service as voice_service

router = APIRouter(include_in_schema=False)


def _base(access: OrgAccess, **context: Any) -> dict[str, Any]:
    return {"organisation": access.organisation, "access": access, "role": access.role,
            "can_edit": access.can_edit, **context}


def views_url(access: OrgAccess) -> str:
    return f"/manage/{access.organisation.slug}/views"


def view_url(access: OrgAccess, view: Assessment) -> str:
    return f"{views_url(access)}/{view.id}"


def _level_labels(framework: Framework) -> dict[str, str]:
    return {level.id: level.label for level in framework.scale}


# The marker, evidence and co-production pages of a view are an assessment's, of this kind.
KINDS[service.VIEW.url_part] = service.VIEW


def load_view(db: Session, access: OrgAccess, view_id: DbInt, catalogue: FrameworkCatalogue
              ) -> tuple[Assessment, Framework, Organisation]:
    """A view this organisation is writing: members of the organisation viewed get a 404."""
    judgement = load_judgement(db, access, view_id, catalogue, service.VIEW)
    return judgement.assessment, judgement.framework, judgement.subject


# The list: views given and received ---------------------------------------------------------

def _list_page(request: Request, access: OrgAccess, db: Session, catalogue: CatalogueDep,
               values: dict[str, Any], errors: Errors) -> Response:
    organisation_id = access.organisation.id or 0
    drafts = assessments.views_by(db, organisation_id)
    about = repository.organisations_by_id(db, [view.subject_organisation_id
                                                for view in drafts])
    published = repository.views_published_by(db, organisation_id)
    received = repository.views_published_about(db, organisation_id)
    replies = repository.replies_to(db, [p.id or 0 for p, _viewer in received])
    find = values.get("find") or request.query_params.get("find", "")
    picker = choices(db, organisation_id, str(find), catalogue)
    return render(request, "views/list.html", _base(
        access, drafts=drafts, about=about, catalogue=catalogue,
        latest_published={(p.about_organisation_id, p.framework_id): p
                           for p in reversed(published)},
        received=received, replies=replies, picker=picker, values=values, errors=errors))


@router.get("/manage/{slug}/views")
def views_page(request: Request, access: ViewerAccess, db: SessionDep,
               catalogue: CatalogueDep) -> Response:
    return _list_page(request, access, db, catalogue, {}, {})


@router.post("/manage/{slug}/views")
async def start(request: Request, access: EditorAccess, db: SessionDep,
                catalogue: CatalogueDep, web: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(StartViewForm, values)
    about = db.get(Publication, form.about) if form else None
    framework = catalogue.get(about.framework_id) if about else None
    if form is not None and (about is None or framework is None):
        errors["about"] = StartViewForm.MESSAGES["about"]
    if form is None or about is None or framework is None or errors:
        return _list_page(request, access, db, catalogue, values, errors)
    try:
        view = service.start_view(db, actor_id=access.user.id or 0,
                                  organisation=access.organisation, about=about,
                                  framework=framework)
    except DomainError as broken:
        return _list_page(request, access, db, catalogue, values,
                          {broken.field or "about": broken.message})
    web.add_flash("You have started a view. Rate the markers with the people you support.")
    return redirect(view_url(access, view))


# Receiving a view: read it and reply -----------------------------------------------------------

def _received(db: Session, access: OrgAccess, publication_id: DbInt,
              catalogue: FrameworkCatalogue) -> tuple[Publication, Organisation, Framework]:
    """A view of this organisation: members of the organisation that wrote it get a 404."""
    publication = repository.view_publication_about(db, access.organisation.id or 0,
                                                    publication_id)
    viewer = db.get(Organisation, publication.organisation_id) if publication else None
    framework = catalogue.get(publication.framework_id) if publication else None
    if publication is None or viewer is None or framework is None:
        raise HTTPException(404, "There is no such view of your organisation.")
    return publication, viewer, framework


def _received_page(request: Request, access: OrgAccess, db: Session,
                   publication: Publication, viewer: Organisation, values: dict[str, Any],
                   errors: Errors, preview: dict[str, Any] | None = None) -> Response:
    return render(request, "views/received.html", _base(
        access, publication=publication, viewer=viewer, snapshot=publication.snapshot,
        preview=preview,
        markers=view_markers(publication.snapshot),
        replies=repository.replies_to(db, [publication.id or 0]).get(publication.id or 0, []),
        file_base=f"/organisations/{viewer.slug}/publications/{publication.number}/files",
        can_publish=access.can(Role.owner), values=values, errors=errors))


@router.get("/manage/{slug}/views/received/{publication_id}")
def received_page(request: Request, publication_id: DbInt, access: ViewerAccess,
                  db: SessionDep, catalogue: CatalogueDep) -> Response:
    publication, viewer, _framework = _received(db, access, publication_id, catalogue)
    return _received_page(request, access, db, publication, viewer, {}, {})


@router.post("/manage/{slug}/views/received/{publication_id}")
async def reply(request: Request, publication_id: DbInt, access: OwnerAccess, db: SessionDep,
                catalogue: CatalogueDep, settings: SettingsDep, outbox: OutboxDep,
                web: WebSessionDep) -> Response:
    publication, viewer, framework = _received(db, access, publication_id, catalogue)
    values = form_values(await request.form())
    form, errors = parse(ReplyForm, values)
    per_marker = {code: str(values.get(f"marker-{code}", ""))
                  for code in view_markers(publication.snapshot)}
    errors.update({f"marker-{code}": "Your reply on this marker must be 20,000 characters "
                   "or fewer" for code, text in per_marker.items() if len(text) > 20_000})
    if form is None or errors:
        return _received_page(request, access, db, publication, viewer, values, errors)
    words: dict[str, Any] = {"organisation": access.organisation,
                             "view_publication": publication, "framework": framework,
                             "overall": form.overall, "per_marker": per_marker,
                             "today": today()}
    try:
        if values.get("step") != "publish":  # show what would be published, first
            return _received_page(request, access, db, publication, viewer, values, {},
                                  preview=service.preview_reply(db, **words))
        reply_ = service.publish_reply(db, actor_id=access.user.id or 0, **words)
    except DomainError as broken:
        return _received_page(request, access, db, publication, viewer, values,
                              {broken.field or "overall": broken.message})
    outbox.extend(service.reply_emails(db, settings, reply=reply_,
                                       organisation=access.organisation, viewer=viewer))
    outbox.extend(following.notices_for(db, settings, reply_))
    web.add_flash(f"Your reply is published as publication number {reply_.number}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/{reply_.number}")


# One view: its markers at a glance -----------------------------------------------------------

@router.get("/manage/{slug}/views/{view_id}")
def view_page(request: Request, view_id: DbInt, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    ratings = assessments.ratings_of(db, view.id or 0)
    record_ = assessments.co_production_of(db, view.id or 0)
    return render(request, "views/view.html", _base(
        access, view=view, framework=framework, about=about, ratings=ratings,
        theirs=service.their_words(db, view), levels=_level_labels(framework),
        about_publication=db.get(Publication, view.about_publication_id)
        if view.about_publication_id else None,
        newer=service.newer_publication(db, view),
        rated=sum(1 for r in ratings.values() if r.level is not None),
        evidence_counts=assessments.evidence_counts(db, view.id or 0),
        co_production_done=co_production_complete(record_),
        published=repository.view_publications_of_draft(db, view),
        base=view_url(access, view),
        **voice_service.overview_context(db, view, framework)))


@router.post("/manage/{slug}/views/{view_id}/newer")
def look_at_newer(view_id: DbInt, access: EditorAccess, db: SessionDep,
                  catalogue: CatalogueDep, web: WebSessionDep) -> Response:
    view, _framework, about = load_view(db, access, view_id, catalogue)
    latest = service.look_at_newer(db, actor_id=access.user.id or 0, view=view)
    web.add_flash(f"Your view is now about {about.name}'s publication of "
                  f"{latest.published_on.strftime('%-d %B %Y')}.")
    return redirect(view_url(access, view))


# Publishing -----------------------------------------------------------------------------------

def _publish_page(request: Request, access: OrgAccess, db: Session, view: Assessment,
                  framework: Framework, about: Organisation, errors: Errors) -> Response:
    base = view_url(access, view)
    checks = service.checklist(db, view=view, organisation=access.organisation,
                               about_organisation=about, base=base)
    return render(request, "views/publish.html", _base(
        access, view=view, framework=framework, about=about, checks=checks,
        ready=all(check.done for check in checks), base=base, errors=errors,
        snapshot=service.preview(db, view=view, organisation=access.organisation,
                                 about_organisation=about, framework=framework,
                                 today=today()),
        can_publish=access.can(Role.owner)))


@router.get("/manage/{slug}/views/{view_id}/publish")
def publish_page(request: Request, view_id: DbInt, access: ViewerAccess, db: SessionDep,
                 catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    return _publish_page(request, access, db, view, framework, about, {})


@router.post("/manage/{slug}/views/{view_id}/publish")
def publish(request: Request, view_id: DbInt, access: OwnerAccess, db: SessionDep,
            catalogue: CatalogueDep, settings: SettingsDep, outbox: OutboxDep,
            web: WebSessionDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    try:
        publication = service.publish_view(
            db, actor_id=access.user.id or 0, view=view, organisation=access.organisation,
            about_organisation=about, framework=framework, today=today(),
            upload_dir=settings.upload_dir, base=view_url(access, view))
    except DomainError as broken:
        return _publish_page(request, access, db, view, framework, about,
                             {broken.field or "publish": broken.message})
    outbox.extend(service.view_emails(db, settings, publication=publication,
                                      viewer=access.organisation, about_organisation=about))
    outbox.extend(following.notices_for(db, settings, publication))
    web.add_flash(f"Your view is published as publication number {publication.number}. "
                  f"We have told {about.name}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/"
                    f"{publication.number}")
