"""Report a concern about a publication: public, no account needed, rate-limited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts.web import client_ip
from app.clock import now
from app.deps import OutboxDep, SessionDep, SettingsDep
from app.forms import Errors, form_values, parse
from app.moderation import service
from app.moderation.forms import ConcernForm
from app.organisations.models import Organisation
from app.publications.models import Publication
from app.publications.web import _publication, listed_organisation
from app.templating import render
from app.views.snapshot import publication_kind_label

router = APIRouter(include_in_schema=False)


def _page(request: Request, organisation: Organisation, publication: Publication,
          values: dict[str, Any], errors: Errors) -> Response:
    return render(request, "moderation/concern.html", {
        "organisation": organisation, "publication": publication,
        "kind_label": publication_kind_label(publication.kind), "values": values,
        "errors": errors})


def _too_many(request: Request, retry_at: datetime) -> Response:
    wait = max(0, int((retry_at - now()).total_seconds()))
    response = render(request, "moderation/too_many.html",
                      {"retry_at": retry_at, "minutes": (wait + 59) // 60}, status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


@router.get("/organisations/{slug}/publications/{number}/concern")
def concern_page(request: Request, slug: str, number: int, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    return _page(request, organisation, _publication(db, organisation, number), {}, {})


@router.post("/organisations/{slug}/publications/{number}/concern")
async def report(request: Request, slug: str, number: int, db: SessionDep,
                 settings: SettingsDep, outbox: OutboxDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = _publication(db, organisation, number)
    retry_at = service.concern_retry_at(db, client_ip(request))
    if retry_at is not None:
        return _too_many(request, retry_at)
    values = form_values(await request.form())
    form, errors = parse(ConcernForm, values)
    if form is None:
        return _page(request, organisation, publication, values, errors)
    outbox.extend(service.report_concern(db, settings, publication=publication,
                                         organisation=organisation, concern=form.concern,
                                         email=form.email, ip=client_ip(request)))
    return RedirectResponse(f"/organisations/{slug}/publications/{number}/concern/sent",
                            status_code=303)


@router.get("/organisations/{slug}/publications/{number}/concern/sent")
def concern_sent(request: Request, slug: str, number: int, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = _publication(db, organisation, number)
    return render(request, "moderation/sent.html", {
        "organisation": organisation, "publication": publication,
        "kind_label": publication_kind_label(publication.kind)})
