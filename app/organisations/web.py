"""The organisation workspace (/manage), invitations, and the public profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.responses import Response

from app import ratelimit
from app.accounts.deps import (
    CatalogueDep,
    CurrentUser,
    OptionalUser,
    OutboxDep,
    SessionDep,
    SettingsDep,
    WebSessionDep,
)
from app.accounts.models import User
from app.accounts.security import TokenProblem, find_token, issue_token
from app.accounts.service import find_user
from app.audit.service import record
from app.clock import today
from app.email import compose
from app.errors import DomainError
from app.forms import DbInt, form_values, parse
from app.organisations import repository, service
from app.organisations.deps import OrgAccess, OwnerAccess, ViewerAccess
from app.organisations.forms import (
    AcceptInvitationForm,
    InviteForm,
    ProfileForm,
    RoleForm,
    SignUpForm,
    WithdrawForm,
)
from app.organisations.models import (
    COMMITMENT_KIND_OPTIONS,
    KIND_LABELS,
    Membership,
    Organisation,
    Role,
)
from app.organisations.pages import overview_context
from app.organisations.status import STATUS_LABELS, STATUS_MEANINGS
from app.responses import redirect
from app.templating import easy_read_on, render

router = APIRouter(include_in_schema=False)

ROLE_OPTIONS = [
    ("viewer", "Viewer", "Can read drafts"),
    ("editor", "Editor", "Can change drafts"),
    ("owner", "Owner", "Can also manage members, sign up and publish"),
]


def _base(access: OrgAccess, **context: Any) -> dict[str, Any]:
    return {"organisation": access.organisation, "access": access, "role": access.role,
            "kinds": {kind.value: label for kind, label in KIND_LABELS.items()},
            "status_labels": STATUS_LABELS, **context}


def _membership(db: Session, access: OrgAccess, membership_id: int) -> Membership:
    membership = db.get(Membership, membership_id)
    if membership is None or membership.organisation_id != access.organisation.id:
        raise HTTPException(404, "There is no such member of this organisation.")
    return membership


# Choosing an organisation ----------------------------------------------------------------

@router.get("/manage")
def my_organisations(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return render(request, "organisations/mine.html",
                  {"memberships": repository.memberships_of_user(db, user.id or 0),
                   "kinds": {kind.value: label for kind, label in KIND_LABELS.items()}})


@router.get("/manage/{slug}")
def overview(request: Request, access: ViewerAccess, db: SessionDep,
             catalogue: CatalogueDep) -> Response:
    organisation = access.organisation
    assert organisation.id is not None
    return render(request, "organisations/overview.html", _base(
        access,
        commitments=service.commitment_views(db, organisation.id, catalogue, today()),
        areas=repository.areas_of(db, organisation.id),
        members=len(repository.members_of(db, organisation.id)),
        status_meanings=STATUS_MEANINGS,
        **overview_context(db, organisation),
    ))


# Profile --------------------------------------------------------------------------------

def _profile_page(request: Request, access: OrgAccess, db: SessionDep,
                  values: dict[str, Any], errors: dict[str, str]) -> Response:
    return render(request, "organisations/profile.html", _base(
        access, values=values, errors=errors,
        areas=[(area.gss_code, area.name) for area in repository.areas(db)]))


@router.get("/manage/{slug}/profile")
def profile_page(request: Request, access: OwnerAccess, db: SessionDep) -> Response:
    organisation = access.organisation
    values = {
        "name": organisation.name, "kind": organisation.kind, "website": organisation.website,
        "description": organisation.description, "org_ids": organisation.org_ids,
        "contact_email": organisation.contact_email, "contact_url": organisation.contact_url,
        "latitude": "" if organisation.latitude is None else str(organisation.latitude),
        "longitude": "" if organisation.longitude is None else str(organisation.longitude),
        "public": "true" if organisation.public else "false",
        "areas": repository.area_codes_of(db, organisation.id or 0),
    }
    return _profile_page(request, access, db, values, {})


@router.post("/manage/{slug}/profile")
async def profile(request: Request, access: OwnerAccess, db: SessionDep,
                  session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(ProfileForm, values)
    known = {area.gss_code for area in repository.areas(db)}
    if form is not None and not set(form.areas) <= known:
        errors["areas"] = "Choose council areas from the list"
    if form is None or errors:
        return _profile_page(request, access, db, values, errors)
    changes = form.model_dump(exclude={"areas"})
    changes["kind"] = form.kind.value
    service.update_profile(db, actor_id=access.user.id or 0, organisation=access.organisation,
                           changes=changes, area_codes=form.areas)
    session.add_flash("Your organisation's details have been saved.")
    return redirect(f"/manage/{access.organisation.slug}")


# Frameworks: sign up and withdraw ----------------------------------------------------------

def _frameworks_page(request: Request, access: OrgAccess, db: SessionDep,
                     catalogue: CatalogueDep, values: dict[str, Any],
                     errors: dict[str, str], withdrawing: int | None = None) -> Response:
    views = service.commitment_views(db, access.organisation.id or 0, catalogue, today())
    active = {view.commitment.framework_id for view in views
              if view.commitment.withdrawn_on is None}
    return render(request, "organisations/frameworks.html", _base(
        access, commitments=views, values=values, errors=errors, withdrawing=withdrawing,
        available=[(f.id, f.title, f.summary_in(easy_read_on(request))) for f in catalogue
                   if f.id not in active],
        commitment_kinds=COMMITMENT_KIND_OPTIONS))


@router.get("/manage/{slug}/frameworks")
def frameworks_page(request: Request, access: ViewerAccess, db: SessionDep,
                    catalogue: CatalogueDep) -> Response:
    return _frameworks_page(request, access, db, catalogue, {}, {})


@router.post("/manage/{slug}/frameworks")
async def sign_up(request: Request, access: OwnerAccess, db: SessionDep,
                  catalogue: CatalogueDep, session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(SignUpForm, values)
    if form is not None and catalogue.get(form.framework) is None:
        errors["framework"] = "Choose the framework you are signing up to"
    if form is not None and not errors:
        try:
            service.sign_up(db, actor_id=access.user.id or 0, organisation=access.organisation,
                            framework_id=form.framework, statement=form.commitment, on=today(),
                            kind=form.commitment_kind)
        except DomainError as broken:
            errors[broken.field or "framework"] = broken.message
    if form is None or errors:
        return _frameworks_page(request, access, db, catalogue, values, errors)
    framework = catalogue.get(form.framework)
    session.add_flash(f"You have signed up to {framework.title if framework else form.framework}.")
    return redirect(f"/manage/{access.organisation.slug}/frameworks")


@router.post("/manage/{slug}/frameworks/{commitment_id}/withdraw")
async def withdraw(request: Request, commitment_id: DbInt, access: OwnerAccess, db: SessionDep,
                   catalogue: CatalogueDep, session: WebSessionDep) -> Response:
    commitment = next((c for c in repository.commitments_of(db, access.organisation.id or 0)
                       if c.id == commitment_id), None)
    if commitment is None:
        raise HTTPException(404, "Your organisation has no such sign-up.")
    values = form_values(await request.form())
    form, errors = parse(WithdrawForm, values)
    if form is not None:
        try:
            service.withdraw(db, actor_id=access.user.id or 0, commitment=commitment,
                             reason=form.reason, on=today())
        except DomainError as broken:
            errors[broken.field or "reason"] = broken.message
    if form is None or errors:
        errors = {f"{field}-{commitment_id}": message for field, message in errors.items()}
        return _frameworks_page(request, access, db, catalogue, values, errors,
                                withdrawing=commitment_id)
    session.add_flash("You have withdrawn. This stays in your public history.")
    return redirect(f"/manage/{access.organisation.slug}/frameworks")


# Members --------------------------------------------------------------------------------

def _members_page(request: Request, access: OrgAccess, db: SessionDep,
                  values: dict[str, Any], errors: dict[str, str]) -> Response:
    return render(request, "organisations/members.html", _base(
        access, members=repository.members_of(db, access.organisation.id or 0),
        owners=repository.owner_count(db, access.organisation.id or 0),
        role_options=ROLE_OPTIONS, values=values, errors=errors))


@router.get("/manage/{slug}/members")
def members_page(request: Request, access: ViewerAccess, db: SessionDep) -> Response:
    return _members_page(request, access, db, {"role": "editor"}, {})


@router.post("/manage/{slug}/members/invite")
async def invite(request: Request, access: OwnerAccess, db: SessionDep,
                 settings: SettingsDep, outbox: OutboxDep, session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(InviteForm, values)
    if form is None:
        return _members_page(request, access, db, values, errors)
    organisation = access.organisation
    if not ratelimit.may_email(db, "invitation", form.email):
        return _members_page(request, access, db, values, {"email": (
            f"{form.email} has had {ratelimit.EMAILS_PER_HOUR} invitations in the last hour. "
            "Try again in an hour, or ask them to look in their spam folder.")})
    token = issue_token(db, purpose="invite", email=form.email,
                        organisation_id=organisation.id, role=form.role.value,
                        created_by_id=access.user.id)
    record(db, actor_id=access.user.id, action="membership.invite",
           organisation_id=organisation.id, subject=f"invitation:{form.email}",
           after={"email": form.email, "role": form.role.value})
    outbox.append(compose(settings, to=form.email, template="invitation", context={
        "organisation": organisation.name, "inviter": access.user.name,
        "role": form.role.value, "token": token}))
    session.add_flash(f"We have emailed an invitation to {form.email}. It works once, for 7 days.")
    return redirect(f"/manage/{organisation.slug}/members")


@router.post("/manage/{slug}/members/{membership_id}/role")
async def change_role(request: Request, membership_id: DbInt, access: OwnerAccess,
                      db: SessionDep, session: WebSessionDep) -> Response:
    membership = _membership(db, access, membership_id)
    form, errors = parse(RoleForm, form_values(await request.form()))
    if form is not None:
        try:
            service.change_role(db, actor_id=access.user.id or 0, membership=membership,
                                role=form.role)
        except DomainError as broken:
            errors = {f"member-{broken.field}-{membership_id}": broken.message}
    if form is None or errors:
        return _members_page(request, access, db, {}, errors)
    session.add_flash("The role has been changed.")
    return redirect(f"/manage/{access.organisation.slug}/members")


@router.post("/manage/{slug}/members/{membership_id}/remove")
def remove_member(request: Request, membership_id: DbInt, access: ViewerAccess, db: SessionDep,
                  session: WebSessionDep) -> Response:
    """Owners remove anyone; any member may remove themselves (leave)."""
    membership = _membership(db, access, membership_id)
    leaving = membership.user_id == access.user.id
    if not leaving and not access.can(Role.owner):
        raise HTTPException(403, "Only owners can remove other members.")
    try:
        service.remove_member(db, actor_id=access.user.id or 0, membership=membership)
    except DomainError as broken:
        errors = {f"member-{broken.field}-{membership_id}": broken.message}
        return _members_page(request, access, db, {}, errors)
    if leaving:
        session.add_flash(f"You have left {access.organisation.name}.")
        return redirect("/manage")
    session.add_flash("The member has been removed.")
    return redirect(f"/manage/{access.organisation.slug}/members")


# Invitations ----------------------------------------------------------------------------

def _invitation_page(request: Request, db: SessionDep, token: str, user: User | None,
                     values: dict[str, Any], errors: dict[str, str]) -> Response:
    try:
        invitation = find_token(db, token, "invite")
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    organisation = db.get(Organisation, invitation.organisation_id)
    return render(request, "organisations/invitation.html", {
        "token": token, "invitation": invitation, "organisation": organisation,
        "has_account": find_user(db, invitation.email) is not None, "user": user,
        "values": values, "errors": errors})


@router.get("/invitations/{token}")
def invitation_page(request: Request, token: str, db: SessionDep,
                    user: OptionalUser) -> Response:
    return _invitation_page(request, db, token, user, {}, {})


@router.post("/invitations/{token}")
async def accept_invitation(request: Request, token: str, db: SessionDep, user: OptionalUser,
                            session: WebSessionDep) -> Response:
    try:
        invitation = find_token(db, token, "invite")
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    existing = find_user(db, invitation.email)
    if existing is not None:
        if user is None or user.id != existing.id:
            session.add_flash("Log in as " + invitation.email + " to accept the invitation.")
            return redirect(f"/login?next=/invitations/{token}")
        member = existing
    else:
        values = form_values(await request.form())
        form, errors = parse(AcceptInvitationForm, values)
        if form is None:
            return _invitation_page(request, db, token, user, values, errors)
        member = service.create_invited_user(db, email=invitation.email, name=form.name,
                                             password=form.password)
    organisation = service.accept_invitation(db, raw_token=token, member=member)
    session.log_in(member.id or 0, member.session_epoch)
    session.add_flash(f"You are now a member of {organisation.name if organisation else 'it'}.")
    return redirect(f"/manage/{organisation.slug if organisation else ''}")
