"""Publishing a plan: the checks, the choice of what to publish (and whether to freeze its
reading by CQC's statements), and telling the followers. Above plans, publications, following
and crosswalks, which it brings together; the URLs are under the plan's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import repository as assessments
from app.assessments.models import Assessment
from app.clock import today
from app.crosswalks import service as by_statement
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
from app.forms import form_values, parse
from app.frameworks import Framework
from app.plans.forms import PublishForm
from app.plans.pages import plan_base, plan_framework
from app.publications import service as publishing
from app.publications.models import PUBLICATION_KIND_LABELS, PublicationKind
from app.responses import redirect
from app.templating import render

router = APIRouter(include_in_schema=False)


def _by_statement(db: Session, access: OrgAccess, catalogue: CatalogueDep,
                  framework: Framework, assessment: Assessment | None,
                  chosen: object) -> dict[str, Any] | None:
    """The view by statement to freeze with the publication, if the owner asked for it."""
    crosswalk = next((c for c in catalogue.crosswalks_for(framework.id) if c.id == chosen), None)
    if crosswalk is None or assessment is None:
        return None
    return by_statement.build(db, organisation=access.organisation, assessment=assessment,
                              framework=framework, crosswalk=crosswalk, public=True)


def _publish_page(request: Request, access: OrgAccess, db: Session, catalogue: CatalogueDep,
                  framework: Framework, values: dict[str, Any],
                  errors: dict[str, str]) -> Response:
    suggested, choices = publishing.publish_choices(db, organisation=access.organisation,
                                                    framework=framework)
    chosen = values.get("kind")
    kind = PublicationKind(chosen) if chosen in {k.value for k in PublicationKind} \
        else suggested
    latest = assessments.latest_for_framework(db, access.organisation.id or 0, framework.id)
    base = f"/manage/{access.organisation.slug}"
    checks = publishing.checklist(db, organisation=access.organisation, framework=framework,
                                  assessment=latest, kind=kind, base=base)
    snapshot = publishing.preview(
        db, organisation=access.organisation, framework=framework, assessment=latest,
        kind=kind, today=today(), what_changed=str(values.get("what_changed", "")),
        by_statement=_by_statement(db, access, catalogue, framework, latest,
                                   values.get("by_statement")))
    return render(request, "plans/publish.html", plan_base(
        access, framework=framework, checks=checks, ready=all(c.done for c in checks),
        snapshot=snapshot, kind=kind, kind_label=PUBLICATION_KIND_LABELS[kind],
        values=values, errors=errors,
        kind_options=[(c.kind.value, c.label, c.purpose) for c in choices],
        crosswalks=[(c.id, f"Yes, read by {c.title} quality statement")
                    for c in catalogue.crosswalks_for(framework.id)] if latest else [],
        plan_url=f"{base}/plans/{framework.id}"))


@router.get("/manage/{slug}/plans/{framework_id}/publish")
def publish_page(request: Request, framework_id: str, access: ViewerAccess, db: SessionDep,
                 catalogue: CatalogueDep, kind: str = "",
                 by_statement: str = "") -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    return _publish_page(request, access, db, catalogue, framework,
                         {"kind": kind, "by_statement": by_statement}, {})


@router.post("/manage/{slug}/plans/{framework_id}/publish")
async def publish(request: Request, framework_id: str, access: OwnerAccess, db: SessionDep,
                  catalogue: CatalogueDep, settings: SettingsDep, outbox: OutboxDep,
                  session: WebSessionDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    values = form_values(await request.form())
    form, errors = parse(PublishForm, values)
    if form is None or errors:
        return _publish_page(request, access, db, catalogue, framework, values, errors)
    try:
        kind = publishing.publication_kind(form.kind)
    except DomainError as broken:
        return _publish_page(request, access, db, catalogue, framework, values,
                             {broken.field or "kind": broken.message})
    latest = assessments.latest_for_framework(db, access.organisation.id or 0, framework.id)
    try:
        publication = publishing.publish(
            db, actor_id=access.user.id or 0, organisation=access.organisation,
            framework=framework, assessment=latest, kind=kind,
            what_changed=form.what_changed.strip(), today=today(),
            upload_dir=settings.upload_dir, base=f"/manage/{access.organisation.slug}",
            by_statement=_by_statement(db, access, catalogue, framework, latest,
                                       form.by_statement))
    except DomainError as broken:
        return _publish_page(request, access, db, catalogue, framework, values,
                             {broken.field or "kind": broken.message})
    outbox.extend(following.notices_for(db, settings, publication))
    session.add_flash(f"Published as publication number {publication.number}. It is now public.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/"
                    f"{publication.number}")
