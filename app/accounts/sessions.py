"""Sessions in a signed cookie, and CSRF tokens bound to them.

The cookie holds a random session id, the user id (once logged in), the user's session
epoch and a CSRF secret. Nothing is stored server-side, so any worker can serve any request.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings

SESSION_COOKIE = "mir_session"
SESSION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Session:
    sid: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user_id: int | None = None
    epoch: int = 0
    flash: list[str] = field(default_factory=list)
    changed: bool = False
    ended: bool = False

    def log_in(self, user_id: int, epoch: int) -> None:
        """Start a new session for this user: a new id and CSRF secret (no fixation)."""
        self.sid = secrets.token_urlsafe(16)
        self.csrf = secrets.token_urlsafe(32)
        self.user_id, self.epoch, self.changed, self.ended = user_id, epoch, True, False

    def log_out(self) -> None:
        self.log_in_anonymous()
        self.ended = True

    def log_in_anonymous(self) -> None:
        self.sid = secrets.token_urlsafe(16)
        self.csrf = secrets.token_urlsafe(32)
        self.user_id, self.epoch, self.changed = None, 0, True

    def add_flash(self, message: str) -> None:
        self.flash.append(message)
        self.changed = True

    def pop_flash(self) -> list[str]:
        messages, self.flash = self.flash, []
        if messages:
            self.changed = True
        return messages

    def to_dict(self) -> dict[str, Any]:
        return {"sid": self.sid, "csrf": self.csrf, "uid": self.user_id, "ep": self.epoch,
                "fl": self.flash}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(sid=str(data["sid"]), csrf=str(data["csrf"]), user_id=data.get("uid"),
                   epoch=int(data.get("ep", 0)), flash=list(data.get("fl", [])))


class SessionMiddleware:
    """Loads the session into `request.state.session`; writes the cookie back if it changed."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(settings.secret_key, salt="mir.session")
        self.secure = settings.is_production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.changed:
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(session))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, scope: Scope) -> Session:
        cookie = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        if cookie:
            try:
                return Session.from_dict(self.serializer.loads(cookie, max_age=SESSION_MAX_AGE))
            except (BadSignature, KeyError, TypeError, ValueError):
                pass
        session = Session()
        session.changed = True
        return session

    def _cookie(self, session: Session) -> str:
        value = self.serializer.dumps(session.to_dict())
        parts = [f"{SESSION_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax",
                 f"Max-Age={SESSION_MAX_AGE}"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)


def get_session(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def check_csrf(request: Request) -> None:
    """Refuse a state change whose token does not match this session's (403, nothing done)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    expected = get_session(request).csrf
    if not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "This form has expired or did not come from this site. "
                                 "Go back, reload the page and try again.")
