"""Independent views in the organisation workspace: the list of those it writes and those
about it, starting one, and one view's markers at a glance. Replying is in
`received_web.py`, publishing in `publish_web.py`; a view's marker, evidence and
co-production pages are the assessment pages (app/assessments), for the view's kind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import repository as assessments
from app.assessments.coproduction import co_production_complete
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    SessionDep,
    ViewerAccess,
    WebSessionDep,
)
from app.errors import DomainError
from app.forms import DbInt, Errors, form_values, parse
from app.organisations.pages import OVERVIEW_CONTEXT
from app.publications.models import Publication
from app.responses import redirect
from app.templating import render
from app.views import repository, service
from app.views.forms import StartViewForm
from app.views.pages import base_context, level_labels, load_view, view_url
from app.views.picker import choices
from app.voice import service as voice_service

router = APIRouter(include_in_schema=False)

# An organisation's overview lists the views of it waiting for its reply.
OVERVIEW_CONTEXT.append(lambda db, organisation: {
    "waiting_views": service.views_waiting_for_reply(db, organisation.id or 0)})


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
    return render(request, "views/list.html", base_context(
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
                catalogue: CatalogueDep, session: WebSessionDep) -> Response:
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
    session.add_flash("You have started a view. Rate the markers with the people you support.")
    return redirect(view_url(access, view))


# One view: its markers at a glance -----------------------------------------------------------

@router.get("/manage/{slug}/views/{view_id}")
def view_page(request: Request, view_id: DbInt, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    ratings = assessments.ratings_of(db, view.id or 0)
    record_ = assessments.co_production_of(db, view.id or 0)
    return render(request, "views/view.html", base_context(
        access, view=view, framework=framework, about=about, ratings=ratings,
        theirs=service.their_words(db, view), levels=level_labels(framework),
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
                  catalogue: CatalogueDep, session: WebSessionDep) -> Response:
    view, _framework, about = load_view(db, access, view_id, catalogue)
    latest = service.look_at_newer(db, actor_id=access.user.id or 0, view=view)
    session.add_flash(f"Your view is now about {about.name}'s publication of "
                  f"{latest.published_on.strftime('%-d %B %Y')}.")
    return redirect(view_url(access, view))
