"""Report a concern about a publication: public, no account needed, rate-limited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app import ratelimit
from app.deps import OutboxDep, SessionDep, SettingsDep
from app.forms import DbInt, Errors, form_values, parse
from app.moderation import service
from app.moderation.forms import ConcernForm
from app.organisations.models import Organisation
from app.publications.models import Publication, publication_kind_label
from app.publications.pages import listed_organisation, publication_or_404
from app.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, organisation: Organisation, publication: Publication,
          values: dict[str, Any], errors: Errors) -> Response:
    return render(request, "moderation/concern.html", {
        "organisation": organisation, "publication": publication,
        "kind_label": publication_kind_label(publication.kind), "values": values,
        "errors": errors})


@router.get("/organisations/{slug}/publications/{number}/concern")
def concern_page(request: Request, slug: str, number: DbInt, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    return _page(request, organisation, publication_or_404(db, organisation, number), {}, {})


@router.post("/organisations/{slug}/publications/{number}/concern")
async def report(request: Request, slug: str, number: DbInt, db: SessionDep,
                 settings: SettingsDep, outbox: OutboxDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = publication_or_404(db, organisation, number)
    values = form_values(await request.form())
    form, errors = parse(ConcernForm, values)
    if form is None:
        return _page(request, organisation, publication, values, errors)
    if (refused := ratelimit.per_address(request, db, service.CONCERN_LIMIT,
                                         doing="reports from your connection")):
        return refused
    outbox.extend(service.report_concern(db, settings, publication=publication,
                                         organisation=organisation, concern=form.concern,
                                         email=form.email))
    return RedirectResponse(f"/organisations/{slug}/publications/{number}/concern/sent",
                            status_code=303)


@router.get("/organisations/{slug}/publications/{number}/concern/sent")
def concern_sent(request: Request, slug: str, number: DbInt, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = publication_or_404(db, organisation, number)
    return render(request, "moderation/sent.html", {
        "organisation": organisation, "publication": publication,
        "kind_label": publication_kind_label(publication.kind)})
