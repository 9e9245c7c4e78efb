"""The request's settings, database session, outbox and signed-in user, as `Annotated`
aliases. Here, not in app/deps.py, so the account pages can use them; features above
organisations import them from app.deps."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import and_
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from app.accounts.models import EndedSession, User
from app.accounts.sessions import Session as WebSession
from app.accounts.sessions import get_session as get_web_session
from app.config import Settings
from app.db import session_scope
from app.email import send
from app.frameworks import FrameworkCatalogue

logger = logging.getLogger("mir.email")


# The lookups below are `async def` although they wait for nothing: FastAPI runs a plain
# function dependency in a worker thread, and each hand-off to one costs about 0.1 ms of CPU
# on every request. Only dependencies that wait (the database) are plain functions.

async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_catalogue(request: Request) -> FrameworkCatalogue:
    catalogue: FrameworkCatalogue = request.app.state.catalogue
    return catalogue


class Outbox(list[EmailMessage]):
    """Emails to send once the request's transaction has committed, and not before."""


async def get_outbox(request: Request) -> Outbox:
    if not hasattr(request.state, "outbox"):
        request.state.outbox = Outbox()
    outbox: Outbox = request.state.outbox
    return outbox


def get_db(request: Request, outbox: Annotated[Outbox, Depends(get_outbox)]) -> Iterator[Session]:
    yield from session_scope(request.app.state.engine)
    for message in outbox:
        try:
            send(request.app.state.settings, message)
        except OSError:
            logger.exception("could not send an email")


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CatalogueDep = Annotated[FrameworkCatalogue, Depends(get_catalogue)]
# scope="function": commit when the route returns, *before* the response is sent, so that
# a success answer means the change is in the database (FastAPI's default, "request", would
# commit after sending: a crash then could lose a write that was already acknowledged).
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
OutboxDep = Annotated[Outbox, Depends(get_outbox)]
async def _web_session(request: Request) -> WebSession:
    return get_web_session(request)


WebSessionDep = Annotated[WebSession, Depends(_web_session)]


@dataclass(frozen=True)
class Viewer:
    """Who is looking, for templates: plain values that outlive the request's transaction
    (an error page is rendered after a rollback has expired every database object)."""

    id: int
    name: str
    email: str
    is_admin: bool


async def load_current_user(request: Request, session: WebSessionDep,
                            db: SessionDep) -> User | None:
    """The logged-in user, or None. A disabled account, an old session epoch or a session
    its owner logged out of (a copied cookie) logs out. (A visitor who is not logged in, most
    of them, needs no database and no worker thread.)"""
    request.state.viewer = None
    if session.user_id is None:
        return None
    return await run_in_threadpool(_logged_in_user, request, session, db)


def _logged_in_user(request: Request, session: WebSession, db: Session) -> User | None:
    row = db.exec(select(User, EndedSession.sid)
                  .outerjoin(EndedSession, and_(col(EndedSession.sid) == session.sid,
                                                col(EndedSession.user_id) == User.id))
                  .where(User.id == session.user_id)).first()
    user, ended = row if row is not None else (None, None)
    if user is None or user.is_disabled or user.session_epoch != session.epoch or ended:
        session.log_out()
        return None
    request.state.viewer = Viewer(user.id or 0, user.name, user.email, user.is_admin)
    return user


OptionalUser = Annotated[User | None, Depends(load_current_user)]


class LoginRequired(Exception):
    """Handled by sending the person to /login, and back here afterwards."""


def require_user(user: OptionalUser) -> User:
    if user is None:
        raise LoginRequired
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(403, "Only site administrators can see this page.")
    return user


require_admin.required_admin = True  # type: ignore[attr-defined]  # read by the access matrix


AdminUser = Annotated[User, Depends(require_admin)]
