"""A view of this organisation, received: reading it, and replying (checked first, then
published)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.responses import Response

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
from app.forms import DbInt, Errors, form_values, parse
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.models import Organisation, Role
from app.publications.models import Publication
from app.publications.snapshot import view_markers
from app.responses import redirect
from app.templating import render
from app.views import publishing, repository
from app.views.forms import ReplyForm
from app.views.pages import base_context

router = APIRouter(include_in_schema=False)


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
    return render(request, "views/received.html", base_context(
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
                session: WebSessionDep) -> Response:
    publication, viewer, framework = _received(db, access, publication_id, catalogue)
    values = form_values(await request.form())
    form, errors = parse(ReplyForm, values)
    per_marker = {code: str(values.get(f"marker-{code}", ""))
                  for code in view_markers(publication.snapshot)}
    errors.update(publishing.reply_marker_problems(per_marker))
    if form is None or errors:
        return _received_page(request, access, db, publication, viewer, values, errors)
    words: dict[str, Any] = {"organisation": access.organisation,
                             "view_publication": publication, "framework": framework,
                             "overall": form.overall, "per_marker": per_marker,
                             "today": today()}
    try:
        if values.get("step") != "publish":  # show what would be published, first
            return _received_page(request, access, db, publication, viewer, values, {},
                                  preview=publishing.preview_reply(db, **words))
        reply_ = publishing.publish_reply(db, actor_id=access.user.id or 0, **words)
    except DomainError as broken:
        return _received_page(request, access, db, publication, viewer, values,
                              {broken.field or "overall": broken.message})
    outbox.extend(publishing.reply_emails(db, settings, reply=reply_,
                                       organisation=access.organisation, viewer=viewer))
    outbox.extend(following.notices_for(db, settings, reply_))
    session.add_flash(f"Your reply is published as publication number {reply_.number}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/{reply_.number}")
