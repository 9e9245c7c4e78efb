"""Signing up and confirming the address; the service makes the account and its organisation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import ratelimit
from app.accounts.deps import (
    CatalogueDep,
    CurrentUser,
    OutboxDep,
    SessionDep,
    SettingsDep,
    WebSessionDep,
)
from app.accounts.forms import DeleteAccountForm
from app.accounts.pages import account_page, token_page
from app.accounts.security import TokenProblem
from app.clock import today
from app.errors import DomainError
from app.forms import form_values, parse
from app.organisations import repository as organisations
from app.organisations.models import (
    COMMITMENT_KIND_OPTIONS,
    OrganisationKind,
    organisation_kind_label,
)
from app.responses import redirect
from app.signup import service
from app.signup.forms import RegisterForm
from app.templating import easy_read_on, render

router = APIRouter(include_in_schema=False)

# Emails anyone can make the site send (docs/operations.md, "Rate limits"): per client
# address here; per recipient, ratelimit.may_email (a few of each kind an hour).
REGISTER_LIMIT = ratelimit.Limit("register:address", 10, timedelta(hours=1))


# Sign up --------------------------------------------------------------------------------

def _register_page(request: Request, db: SessionDep, catalogue: CatalogueDep,
                   values: dict[str, Any], errors: dict[str, str],
                   duplicates: list[Any] | None = None) -> Response:
    return render(request, "accounts/register.html", {
        "values": values, "errors": errors, "duplicates": duplicates or [],
        "kinds": {kind.value: organisation_kind_label(kind, easy_read=easy_read_on(request))
                  for kind in OrganisationKind},
        "areas": [(area.gss_code, area.name) for area in organisations.areas(db)],
        "frameworks": [(f.id, f.title, f.summary_in(easy_read_on(request))) for f in catalogue],
        "commitment_kinds": COMMITMENT_KIND_OPTIONS,
    })


@router.get("/register")
def register_page(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    return _register_page(request, db, catalogue, {}, {})


@router.post("/register")
async def register(request: Request, db: SessionDep, catalogue: CatalogueDep,
                   settings: SettingsDep, outbox: OutboxDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(RegisterForm, values)
    known_areas = {area.gss_code for area in organisations.areas(db)}
    if form and not set(form.areas) <= known_areas:
        errors["areas"] = "Choose council areas from the list"
    if form and catalogue.get(form.framework) is None:
        errors["framework"] = "Choose the framework you are signing up to"
    if form is None or errors:
        return _register_page(request, db, catalogue, values, errors)
    duplicates = list(service.same_name_in_areas(db, form.org_name, form.areas))
    if duplicates and not form.not_a_duplicate:
        return _register_page(request, db, catalogue, values, {}, duplicates)
    if (refused := ratelimit.per_address(request, db, REGISTER_LIMIT,
                                         doing="sign-ups from your connection")):
        return refused
    result = service.register(db, form, today=today())
    outbox.extend(service.registration_emails(db, settings, form, result, duplicates))
    session = request.state.session
    session.add_flash(f"registered:{result.email}")
    return redirect("/register/check-your-email")


@router.get("/register/check-your-email")
def check_your_email(request: Request, session: WebSessionDep) -> Response:
    flashes = session.pop_flash()
    email = next((f.removeprefix("registered:") for f in flashes if f.startswith("registered:")),
                 None)
    return render(request, "accounts/check_email.html", {"email": email, "flash": []})



@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str, db: SessionDep) -> Response:
    return token_page(request, db, token, "confirm_email", "accounts/confirm.html")


@router.post("/confirm/{token}")
def confirm(request: Request, token: str, db: SessionDep, session: WebSessionDep) -> Response:
    try:
        user = service.confirm_email(db, token)
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    session.log_in(user.id or 0, user.session_epoch)
    session.add_flash("Your email address is confirmed. Your organisation is now listed publicly.")
    return redirect(service.workspace_home(db, user.id or 0))


# Delete an account -------------------------------------------------------------------------

@router.post("/account/delete")
async def account_delete(request: Request, user: CurrentUser, db: SessionDep,
                         session: WebSessionDep) -> Response:
    form, errors = parse(DeleteAccountForm, form_values(await request.form()))
    if form is not None:
        try:
            service.delete_account(db, user, form.delete_password)
        except DomainError as broken:
            errors = {broken.field or "delete_password": broken.message}
    if form is None or errors:
        return account_page(request, user, None, errors)
    session.log_out()
    session.add_flash("Your account has been deleted.")
    return redirect("/")


