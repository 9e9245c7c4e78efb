"""Publishing a view: the checks and what would be published, then the publication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments.models import Assessment
from app.clock import today
from app.deps import (
    CatalogueDep,
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
from app.forms import DbInt, Errors
from app.frameworks import Framework
from app.organisations.models import Organisation, Role
from app.responses import redirect
from app.templating import render
from app.views import publishing
from app.views.pages import base_context, load_view, view_url

router = APIRouter(include_in_schema=False)


# Publishing -----------------------------------------------------------------------------------

def _publish_page(request: Request, access: OrgAccess, db: Session, view: Assessment,
                  framework: Framework, about: Organisation, errors: Errors) -> Response:
    base = view_url(access, view)
    checks = publishing.checklist(db, view=view, organisation=access.organisation,
                               about_organisation=about, base=base)
    return render(request, "views/publish.html", base_context(
        access, view=view, framework=framework, about=about, checks=checks,
        ready=all(check.done for check in checks), base=base, errors=errors,
        snapshot=publishing.preview(db, view=view, organisation=access.organisation,
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
            session: WebSessionDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    try:
        publication = publishing.publish_view(
            db, actor_id=access.user.id or 0, view=view, organisation=access.organisation,
            about_organisation=about, framework=framework, today=today(),
            upload_dir=settings.upload_dir, base=view_url(access, view))
    except DomainError as broken:
        return _publish_page(request, access, db, view, framework, about,
                             {broken.field or "publish": broken.message})
    outbox.extend(publishing.view_emails(db, settings, publication=publication,
                                      viewer=access.organisation, about_organisation=about))
    outbox.extend(following.notices_for(db, settings, publication))
    session.add_flash(f"Your view is published as publication number {publication.number}. "
                  f"We have told {about.name}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/"
                    f"{publication.number}")
