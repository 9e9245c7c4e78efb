"""What the account pages share with the sign-up pages (app/signup): a plain module, so those
need not import routes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.responses import Response

from app.accounts.security import TokenProblem, find_token
from app.templating import render


def token_page(request: Request, db: Session, raw: str, purpose: str,
                template: str, context: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None) -> Response:
    try:
        find_token(db, raw, purpose)
    except TokenProblem as problem:
        return render(request, "accounts/bad_link.html", {"problem": str(problem)},
                      status_code=410)
    return render(request, template, {"token": raw, "errors": errors or {}, **(context or {})})


def account_page(request: Request, user: Any, values: dict[str, Any] | None = None,
                 errors: dict[str, str] | None = None) -> Response:
    return render(request, "accounts/account.html", {
        "user": user, "values": values or {"name": user.name}, "errors": errors or {}})
