"""The site admin pages: organisations, people, the audit log and the frameworks loaded."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from app.accounts.models import User
from app.admin import repository, service
from app.admin.forms import (
    STATUSES,
    AuditFilter,
    HideForm,
    MergeForm,
    OrganisationFilter,
    UserFilter,
)
from app.audit.models import AuditEvent
from app.clock import today
from app.db import Page
from app.deps import AdminUser, CatalogueDep, SessionDep, WebSessionDep, require_admin
from app.forms import DbInt, Errors, form_values, page_number, parse
from app.moderation import repository as moderation
from app.moderation import service as moderation_service
from app.moderation.forms import HidePublicationForm
from app.moderation.models import ConcernReport
from app.organisations.models import (
    Organisation,
    organisation_kind_label,
)
from app.publications.models import Publication, publication_kind_label
from app.responses import pagination, redirect
from app.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False,
                   dependencies=[Depends(require_admin)])


def _query(request: Request, *names: str) -> dict[str, str]:
    return {name: request.query_params.get(name, "").strip() for name in names}


def _pagination(request: Request, page: Page[Any]) -> dict[str, Any] | None:
    return pagination(request, page, {key: value for key, value in request.query_params.items()
                                      if key != "page"})


# Dashboard ----------------------------------------------------------------------------------

@router.get("")
def dashboard(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    return render(request, "admin/dashboard.html",
                  {"counts": repository.counts(db), "frameworks": len(catalogue),
                   "open_concerns": moderation.open_count(db)})


# Organisations ------------------------------------------------------------------------------

@router.get("/organisations")
def organisations(request: Request, db: SessionDep) -> Response:
    values = _query(request, "q", "status")
    filters, errors = parse(OrganisationFilter, values)
    page = None
    if filters is not None:
        page = repository.organisations_page(db, q=filters.q, status=filters.status,
                                             number=page_number(request.query_params.get("page")))
    return render(request, "admin/organisations.html", {
        "values": values, "errors": errors, "statuses": STATUSES, "page": page,
        "pagination": _pagination(request, page) if page else None,
        "organisation_kind_label": organisation_kind_label})


def _organisation_or_404(db: SessionDep, organisation_id: int) -> Organisation:
    organisation = repository.organisation(db, organisation_id)
    if organisation is None:
        raise HTTPException(404, "There is no organisation with this number.")
    return organisation


def _organisation_page(request: Request, db: SessionDep, catalogue: CatalogueDep,
                       organisation: Organisation, values: dict[str, Any] | None = None,
                       errors: Errors | None = None) -> Response:
    assert organisation.id is not None
    commitments = [(commitment, catalogue.get(commitment.framework_id))
                   for commitment in repository.commitments_of(db, organisation.id)]
    others = repository.organisations_pointing_at(db, organisation.id)
    return render(request, "admin/organisation.html", {
        "organisation": organisation,
        "kind": organisation_kind_label(organisation.kind),
        "areas": repository.areas_by_organisation(db, [organisation.id]).get(organisation.id,
                                                                              []),
        "members": repository.members_of(db, organisation.id),
        "commitments": commitments,
        "duplicate_of": repository.organisation(db, organisation.possible_duplicate_of_id)
        if organisation.possible_duplicate_of_id else None,
        "merged_into": repository.organisation(db, organisation.merged_into_id)
        if organisation.merged_into_id else None,
        "merged_from": [other for other in others if other.merged_into_id == organisation.id],
        "flagged_by": [other for other in others
                       if other.possible_duplicate_of_id == organisation.id],
        "values": values or {}, "errors": errors or {},
    })


@router.get("/organisations/{organisation_id}")
def organisation_page(request: Request, organisation_id: DbInt, db: SessionDep,
                      catalogue: CatalogueDep) -> Response:
    return _organisation_page(request, db, catalogue, _organisation_or_404(db, organisation_id))


@router.post("/organisations/{organisation_id}/verify")
def verify(organisation_id: DbInt, db: SessionDep, admin: AdminUser,
           session: WebSessionDep) -> Response:
    organisation = _organisation_or_404(db, organisation_id)
    service.set_verified(db, actor=admin, organisation=organisation, verified=True)
    session.add_flash(f"{organisation.name} is now verified.")
    return redirect(f"/admin/organisations/{organisation_id}")


@router.post("/organisations/{organisation_id}/unverify")
def unverify(organisation_id: DbInt, db: SessionDep, admin: AdminUser,
             session: WebSessionDep) -> Response:
    organisation = _organisation_or_404(db, organisation_id)
    service.set_verified(db, actor=admin, organisation=organisation, verified=False)
    session.add_flash(f"{organisation.name} is no longer marked as verified.")
    return redirect(f"/admin/organisations/{organisation_id}")


@router.post("/organisations/{organisation_id}/hide")
async def hide(request: Request, organisation_id: DbInt, db: SessionDep,
               catalogue: CatalogueDep, admin: AdminUser, session: WebSessionDep) -> Response:
    organisation = _organisation_or_404(db, organisation_id)
    values = form_values(await request.form())
    form, errors = parse(HideForm, values)
    if form is None:
        return _organisation_page(request, db, catalogue, organisation, values, errors)
    service.hide(db, actor=admin, organisation=organisation, reason=form.reason)
    session.add_flash(f"{organisation.name} is now hidden from the public.")
    return redirect(f"/admin/organisations/{organisation_id}")


@router.post("/organisations/{organisation_id}/unhide")
def unhide(organisation_id: DbInt, db: SessionDep, admin: AdminUser,
           session: WebSessionDep) -> Response:
    organisation = _organisation_or_404(db, organisation_id)
    service.unhide(db, actor=admin, organisation=organisation)
    session.add_flash(f"{organisation.name} is shown to the public again.")
    return redirect(f"/admin/organisations/{organisation_id}")


@router.post("/organisations/{organisation_id}/not-duplicate")
def not_duplicate(organisation_id: DbInt, db: SessionDep, admin: AdminUser,
                  session: WebSessionDep) -> Response:
    organisation = _organisation_or_404(db, organisation_id)
    service.not_a_duplicate(db, actor=admin, organisation=organisation)
    session.add_flash(f"{organisation.name} is no longer flagged as a possible duplicate.")
    return redirect(f"/admin/organisations/{organisation_id}")


def _merge_page(request: Request, db: SessionDep, source: Organisation,
                values: dict[str, Any]) -> Response:
    """Ask for the organisation to merge into; once it is known, show what will move."""
    plan: service.MergePlan | None = None
    errors: Errors = {}
    if "target" in values:
        form, errors = parse(MergeForm, values)
        if form is not None:
            try:
                target = service.check_merge(db, source=source, target_slug=form.target)
            except service.DomainError as broken:
                errors = {broken.field or "target": broken.message}
            else:
                plan = service.plan_merge(db, source=source, target=target)
    find = request.query_params.get("find", "").strip()
    return render(request, "admin/merge.html", {
        "organisation": source, "plan": plan, "values": values, "errors": errors,
        "find": find,
        "found": service.merge_candidates(db, source=source, find=find) if find else []})


@router.get("/organisations/{organisation_id}/merge")
def merge_page(request: Request, organisation_id: DbInt, db: SessionDep) -> Response:
    source = _organisation_or_404(db, organisation_id)
    values = _query(request, "target") if "target" in request.query_params else {}
    return _merge_page(request, db, source, values)


@router.post("/organisations/{organisation_id}/merge")
async def merge(request: Request, organisation_id: DbInt, db: SessionDep, admin: AdminUser,
                session: WebSessionDep) -> Response:
    source = _organisation_or_404(db, organisation_id)
    values = form_values(await request.form())
    form, _errors = parse(MergeForm, values)
    try:
        target = service.check_merge(db, source=source,
                                     target_slug=form.target if form else "")
    except service.DomainError:
        return _merge_page(request, db, source, {"target": values.get("target", "")})
    service.merge(db, actor=admin, source=source, target=target, on=today())
    session.add_flash(f"{source.name} has been merged into {target.name}.")
    return redirect(f"/admin/organisations/{target.id}")


# People -------------------------------------------------------------------------------------

@router.get("/users")
def users(request: Request, db: SessionDep) -> Response:
    values = _query(request, "q")
    filters, errors = parse(UserFilter, values)
    page = None
    if filters is not None:
        page = repository.users_page(db, q=filters.q,
                                     number=page_number(request.query_params.get("page")))
    return render(request, "admin/users.html", {
        "values": values, "errors": errors, "page": page,
        "pagination": _pagination(request, page) if page else None})


def _user_or_404(db: SessionDep, user_id: int) -> User:
    user = repository.user(db, user_id)
    if user is None:
        raise HTTPException(404, "There is no account with this number.")
    return user


def _user_page(request: Request, db: SessionDep, user: User, admin: User,
               errors: Errors | None = None) -> Response:
    return render(request, "admin/user.html", {
        "user": user, "is_me": user.id == admin.id,
        "memberships": repository.memberships_of_user(db, user.id or 0),
        "errors": errors or {}})


@router.get("/users/{user_id}")
def user_page(request: Request, user_id: DbInt, db: SessionDep, admin: AdminUser) -> Response:
    return _user_page(request, db, _user_or_404(db, user_id), admin)


def _change_user(request: Request, db: SessionDep, admin: User, session: WebSessionDep,
                 user_id: int, *, disabled: bool | None = None, is_admin: bool | None = None,
                 message: str) -> Response:
    user = _user_or_404(db, user_id)
    try:
        if disabled is not None:
            service.set_disabled(db, actor=admin, user=user, disabled=disabled)
        if is_admin is not None:
            service.set_admin(db, actor=admin, user=user, admin=is_admin)
    except service.DomainError as broken:
        return _user_page(request, db, user, admin, {broken.field or "actions": broken.message})
    session.add_flash(message.format(name=user.name))
    return redirect(f"/admin/users/{user_id}")


@router.post("/users/{user_id}/disable")
def disable_user(request: Request, user_id: DbInt, db: SessionDep, admin: AdminUser,
                 session: WebSessionDep) -> Response:
    return _change_user(request, db, admin, session, user_id, disabled=True,
                        message="{name} can no longer log in.")


@router.post("/users/{user_id}/enable")
def enable_user(request: Request, user_id: DbInt, db: SessionDep, admin: AdminUser,
                session: WebSessionDep) -> Response:
    return _change_user(request, db, admin, session, user_id, disabled=False,
                        message="{name} can log in again.")


@router.post("/users/{user_id}/make-admin")
def make_admin(request: Request, user_id: DbInt, db: SessionDep, admin: AdminUser,
               session: WebSessionDep) -> Response:
    return _change_user(request, db, admin, session, user_id, is_admin=True,
                        message="{name} is now a site administrator.")


@router.post("/users/{user_id}/remove-admin")
def remove_admin(request: Request, user_id: DbInt, db: SessionDep, admin: AdminUser,
                 session: WebSessionDep) -> Response:
    return _change_user(request, db, admin, session, user_id, is_admin=False,
                        message="{name} is no longer a site administrator.")


# Audit log ----------------------------------------------------------------------------------

def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "none"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes(values: dict[str, object] | None) -> list[tuple[str, str]]:
    """Audit values as (name, value) pairs a person can read."""
    return [(key.replace("_", " "), _shown(value)) for key, value in (values or {}).items()]


def who(event: AuditEvent, email: str | None) -> str:
    if email is not None:
        return email
    return "deleted user" if event.actor_id is not None else "system or a deleted user"


AUDIT_FIELDS = ("organisation", "user", "action", "date_from", "date_to")


@router.get("/audit")
def audit(request: Request, db: SessionDep) -> Response:
    values = _query(request, *AUDIT_FIELDS)
    actions = repository.audit_actions(db)
    filters, errors = parse(AuditFilter, values)
    page = None
    if filters is not None:
        try:
            page = service.audit_log(db, filters=filters, actions=actions,
                                     number=page_number(request.query_params.get("page")))
        except service.Problems as problem:
            errors = problem.errors
    return render(request, "admin/audit.html", {
        "values": values, "errors": errors, "page": page,
        "pagination": _pagination(request, page) if page else None,
        "actions": [("", "Any action"), *((action, action) for action in actions)],
        "who": who, "changes": changes})


# Publications and concerns about them ----------------------------------------------------------

@router.get("/concerns")
def concerns(request: Request, db: SessionDep) -> Response:
    return render(request, "admin/concerns.html", {
        "open": moderation.concerns(db, open_only=True),
        "closed": moderation.concerns(db, open_only=False, limit=50),
        "publication_kind_label": publication_kind_label})


@router.post("/concerns/{concern_id}/close")
def close_concern(concern_id: DbInt, db: SessionDep, admin: AdminUser,
                  session: WebSessionDep) -> Response:
    report = db.get(ConcernReport, concern_id)
    if report is None:
        raise HTTPException(404, "There is no concern with this number.")
    moderation_service.close_concern(db, actor=admin, report=report)
    session.add_flash("The concern is marked as dealt with.")
    return redirect("/admin/concerns")


def _publication_or_404(db: SessionDep, publication_id: int) -> tuple[Publication,
                                                                      Organisation]:
    publication = db.get(Publication, publication_id)
    organisation = db.get(Organisation, publication.organisation_id) if publication else None
    if publication is None or organisation is None:
        raise HTTPException(404, "There is no publication with this number.")
    return publication, organisation


def _publication_page(request: Request, db: SessionDep, publication_id: int,
                      values: dict[str, Any] | None = None,
                      errors: Errors | None = None) -> Response:
    publication, organisation = _publication_or_404(db, publication_id)
    return render(request, "admin/publication.html", {
        "publication": publication, "organisation": organisation,
        "kind_label": publication_kind_label(publication.kind),
        "concerns": moderation.concerns_about(db, publication_id),
        "values": values or {}, "errors": errors or {}})


@router.get("/publications/{publication_id}")
def publication_page(request: Request, publication_id: DbInt, db: SessionDep) -> Response:
    return _publication_page(request, db, publication_id)


@router.post("/publications/{publication_id}/hide")
async def hide_publication(request: Request, publication_id: DbInt, db: SessionDep,
                           admin: AdminUser, session: WebSessionDep) -> Response:
    publication, _organisation = _publication_or_404(db, publication_id)
    values = form_values(await request.form())
    form, errors = parse(HidePublicationForm, values)
    if form is None:
        return _publication_page(request, db, publication_id, values, errors)
    moderation_service.hide_publication(db, actor=admin, publication=publication,
                                        reason=form.reason)
    session.add_flash("The publication is hidden. The public sees your reason in its place.")
    return redirect(f"/admin/publications/{publication_id}")


@router.post("/publications/{publication_id}/unhide")
def unhide_publication(publication_id: DbInt, db: SessionDep, admin: AdminUser,
                       session: WebSessionDep) -> Response:
    publication, _organisation = _publication_or_404(db, publication_id)
    moderation_service.unhide_publication(db, actor=admin, publication=publication)
    session.add_flash("The publication is shown to the public again.")
    return redirect(f"/admin/publications/{publication_id}")


# Frameworks ---------------------------------------------------------------------------------

@router.get("/frameworks")
def frameworks(request: Request, catalogue: CatalogueDep) -> Response:
    return render(request, "admin/frameworks.html", {"frameworks": list(catalogue)})
