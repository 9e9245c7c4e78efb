"""Registering, confirming, logging in and out, password reset, and the account page."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import ratelimit
from app.accounts import service
from app.accounts.deps import (
    CurrentUser,
    OptionalUser,
    OutboxDep,
    SessionDep,
    SettingsDep,
    WebSessionDep,
)
from app.accounts.forms import (
    AccountNameForm,
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
)
from app.accounts.pages import account_page, token_page
from app.accounts.security import TokenProblem
from app.email import compose
from app.errors import DomainError
from app.forms import form_values, parse
from app.responses import redirect, safe_next
from app.templating import render

router = APIRouter(include_in_schema=False)


# Emails anyone can make the site send (docs/operations.md, "Rate limits"): per client
# address here; per recipient, ratelimit.may_email (a few of each kind an hour).
RESET_LIMIT = ratelimit.Limit("password-reset:address", 10, timedelta(hours=1))


def _too_many_logins(request: Request, retry_at: datetime) -> Response:
    return ratelimit.too_many(request, retry_at, doing="attempts to log in",
                              next_step=("reset your password", "/password-reset"))


# Log in and out --------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "accounts/login.html",
                  {"values": {"next": safe_next(next or "/manage")}, "errors": {}})


@router.post("/login")
async def login(request: Request, db: SessionDep, session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(LoginForm, values)
    if form is None:
        values.pop("password", None)
        return render(request, "accounts/login.html", {"values": values, "errors": errors})
    try:
        user = service.authenticate(db, email=form.email, password=form.password,
                                    ip=ratelimit.client_address(request))
    except service.LoginRefused as refused:
        if isinstance(refused.retry_at, datetime):
            return _too_many_logins(request, refused.retry_at)
        values.pop("password", None)
        return render(request, "accounts/login.html",
                      {"values": values, "errors": {"email": str(refused)}})
    session.log_in(user.id or 0, user.session_epoch)
    return redirect(safe_next(form.next))


@router.post("/logout")
def logout(session: WebSessionDep, user: OptionalUser, db: SessionDep) -> Response:
    if user is not None:
        service.log_out(db, user_id=user.id or 0, sid=session.sid)
    session.log_out()
    session.add_flash("You have logged out.")
    return redirect("/")


@router.post("/account/log-out-everywhere")
def log_out_everywhere(user: CurrentUser, db: SessionDep, session: WebSessionDep) -> Response:
    service.log_out_everywhere(db, user)
    session.log_out()
    session.add_flash("You have logged out on every device, this one too.")
    return redirect("/login")


# Password reset --------------------------------------------------------------------------

@router.get("/password-reset")
def reset_request_page(request: Request) -> Response:
    return render(request, "accounts/reset_request.html", {"values": {}, "errors": {}})


@router.post("/password-reset")
async def reset_request(request: Request, db: SessionDep, settings: SettingsDep,
                        outbox: OutboxDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(EmailForm, values)
    if form is None:
        return render(request, "accounts/reset_request.html",
                      {"values": values, "errors": errors})
    if (refused := ratelimit.per_address(request, db, RESET_LIMIT,
                                         doing="password reset requests from your connection")):
        return refused
    # The same page whether or not an email went: nothing says who has an account.
    found = service.request_password_reset(db, form.email) \
        if ratelimit.may_email(db, "reset_password", form.email) else None
    if found is not None:
        user, token = found
        outbox.append(compose(settings, to=user.email, template="reset_password",
                              context={"name": user.name, "token": token}))
    return render(request, "accounts/reset_sent.html", {"email": form.email})


@router.get("/password-reset/{token}")
def reset_page(request: Request, token: str, db: SessionDep) -> Response:
    return token_page(request, db, token, "reset_password", "accounts/reset.html")


@router.post("/password-reset/{token}")
async def reset(request: Request, token: str, db: SessionDep, session: WebSessionDep) -> Response:
    form, errors = parse(NewPasswordForm, form_values(await request.form()))
    if form is None:
        return token_page(request, db, token, "reset_password", "accounts/reset.html",
                           errors=errors)
    try:
        user = service.reset_password(db, token, form.password)
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    session.log_in(user.id or 0, user.session_epoch)
    session.add_flash("Your password has been changed.")
    return redirect("/manage")


# The account page ------------------------------------------------------------------------

@router.get("/account")
def account(request: Request, user: CurrentUser) -> Response:
    return account_page(request, user)


@router.post("/account/name")
async def account_name(request: Request, user: CurrentUser, db: SessionDep,
                       session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(AccountNameForm, values)
    if form is None:
        return account_page(request, user, values, errors)
    service.change_name(db, user, form.name)
    session.add_flash("Your name has been changed.")
    return redirect("/account")


@router.post("/account/email")
async def account_email(request: Request, user: CurrentUser, db: SessionDep,
                        settings: SettingsDep, outbox: OutboxDep,
                        session: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(EmailForm, values)
    if form is None:
        return account_page(request, user, {"name": user.name, **values}, errors)
    token = service.request_email_change(db, user, form.email)
    if token is not None and ratelimit.may_email(db, "change_email", form.email):
        outbox.append(compose(settings, to=form.email, template="change_email",
                              context={"name": user.name, "token": token}))
    session.add_flash(f"We have sent a link to {form.email}. Your email address changes when "
                  "you follow it.")
    return redirect("/account")


@router.get("/account/email/{token}")
def email_change_page(request: Request, token: str, db: SessionDep) -> Response:
    return token_page(request, db, token, "change_email", "accounts/confirm_change.html")


@router.post("/account/email/{token}")
def email_change(request: Request, token: str, db: SessionDep, session: WebSessionDep) -> Response:
    try:
        service.confirm_email_change(db, token)
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    session.add_flash("Your email address has been changed.")
    return redirect("/account")


@router.post("/account/password")
async def account_password(request: Request, user: CurrentUser, db: SessionDep,
                           session: WebSessionDep) -> Response:
    form, errors = parse(ChangePasswordForm, form_values(await request.form()))
    if form is not None:
        try:
            service.change_password(db, user, form.current_password, form.password)
        except DomainError as broken:
            errors = {broken.field or "current_password": broken.message}
    if form is None or errors:
        return account_page(request, user, None, errors)
    session.log_in(user.id or 0, user.session_epoch)  # this session goes on; all others end
    session.add_flash("Your password has been changed. You have been logged out everywhere else.")
    return redirect("/account")
