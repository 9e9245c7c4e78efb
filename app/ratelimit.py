"""Rate limits: how often one client address, one account or one email address may do
something, and the one "too many" page (429 with `Retry-After`).

Uses are counted in the database, not in memory, so that every worker sees the same numbers.
A key is the limit's name and a hash of who it counts (an address or an account), so the
table keeps no email address in plain text. Any feature can reuse it:

    ANSWERS = Limit("voice-answer:address", count=10, window=timedelta(hours=1))
    if (refused := ratelimit.per_address(request, db, ANSWERS, doing="answers")):
        return refused  # the 429 page; otherwise this use is counted and the route goes on

The limits chosen, and why, are listed in docs/operations.md ("Rate limits").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlmodel import Field, Session, SQLModel, col, delete, func, select
from starlette.responses import Response

from app.clock import now
from app.templating import render


class RateLimitHit(SQLModel, table=True):
    """One counted use of a limited thing (a failed login, a reset email asked for...)."""

    __tablename__ = "rate_limit_hit"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, index=True)  # "login:account:" + a hash of the address
    at: datetime = Field(default_factory=now, index=True)


@dataclass(frozen=True)
class Limit:
    """At most `count` uses in `window`. With `then_every`, a limit that slows rather than
    locks: once used up, one more use is allowed each `then_every`."""

    name: str
    count: int
    window: timedelta
    then_every: timedelta | None = None


def _key(limit: Limit, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:40]
    return f"{limit.name[:55]}:{digest}"


def retry_at(db: Session, limit: Limit, subject: str) -> datetime | None:
    """When `subject` may try again, if it has used up `limit`; None if it may go on now."""
    count, oldest, newest = db.exec(
        select(func.count(), func.min(RateLimitHit.at), func.max(RateLimitHit.at))
        .where(RateLimitHit.key == _key(limit, subject),
               col(RateLimitHit.at) > now() - limit.window)).one()
    if count < limit.count or oldest is None or newest is None:
        return None
    if limit.then_every is not None:
        allowed = newest + limit.then_every
        return allowed if allowed > now() else None
    return oldest + limit.window


# No limit looks further back than this: older counts are dropped as new ones come in.
KEEP = timedelta(days=1)


def hit(db: Session, limit: Limit, subject: str) -> None:
    """Count one use (in the request's transaction), and forget counts no limit needs."""
    assert limit.window <= KEEP
    db.exec(delete(RateLimitHit).where(col(RateLimitHit.at) < now() - KEEP))
    db.add(RateLimitHit(key=_key(limit, subject)))


def allow(db: Session, limit: Limit, subject: str) -> bool:
    """Count one use if the limit allows it; False (and nothing counted) if it does not."""
    if retry_at(db, limit, subject) is not None:
        return False
    hit(db, limit, subject)
    return True


def forget(db: Session, limit: Limit, subject: str) -> None:
    """Start counting again (a successful login clears its failures)."""
    db.exec(delete(RateLimitHit).where(col(RateLimitHit.key) == _key(limit, subject)))


# Emails: never the same kind of email to one address more than a few times an hour, whoever
# asks for it and from wherever. The page answers the same either way (nothing is revealed).
EMAILS_PER_HOUR = 3


def may_email(db: Session, kind: str, to: str) -> bool:
    """True (and counted) if one more `kind` email may go to `to` this hour."""
    return allow(db, Limit(f"email:{kind}", EMAILS_PER_HOUR, timedelta(hours=1)), to)


# The web side -----------------------------------------------------------------------------------

def client_address(request: Request) -> str:
    """The client's IP address (behind a proxy, as `mir serve` reads X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def too_many(request: Request, retry_at: datetime, *, doing: str,
             next_step: tuple[str, str] | None = None, title: str = "Too many attempts",
             note: str = "") -> Response:
    """The one "too many" page: 429, with when to try again in words and in `Retry-After`.
    `doing` names what was refused ("attempts to log in"); `next_step` is an optional
    (link text, address) to offer instead; `title` and `note` (a sentence before the time)
    let a feature speak its own words, such as people's voice's "Your answers are kept"."""
    wait = max(1, int((retry_at - now()).total_seconds()))
    response = render(request, "errors/too_many.html", {
        "retry_at": retry_at, "minutes": (wait + 59) // 60, "doing": doing,
        "next_step": next_step, "title": title, "note": note}, status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


def per_address(request: Request, db: Session, limit: Limit, *, doing: str) -> Response | None:
    """The "too many" page if the client's address has used up `limit`; otherwise None, and
    this use is counted."""
    address = client_address(request)
    waited = retry_at(db, limit, address)
    if waited is not None:
        return too_many(request, waited, doing=doing)
    hit(db, limit, address)
    return None
