"""Rate limits on public forms, counted in the login attempts table so that every worker
sees the same numbers (keys like "concern:ip:192.0.2.1")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import LoginAttempt
from app.clock import now


def retry_at(db: Session, key: str, *, limit: int, window: timedelta) -> datetime | None:
    """When `key` may try again, if it has used up its `limit` within `window`."""
    count, oldest = db.exec(select(func.count(), func.min(LoginAttempt.at))
                            .where(LoginAttempt.key == key,
                                   LoginAttempt.at > now() - window)).one()
    if count >= limit and oldest is not None:
        return oldest + window
    return None


def note(db: Session, key: str) -> None:
    """Count one use of `key` (in the request's transaction)."""
    db.add(LoginAttempt(key=key[:300]))
