"""People, their one-time tokens, and the sessions they logged out of."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.clock import now


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=500)
    is_admin: bool = False
    is_disabled: bool = False
    email_confirmed_at: datetime | None = None
    # Bumped on password change: every session signed with an older epoch stops working.
    session_epoch: int = 0
    created_at: datetime = Field(default_factory=now)


class Token(SQLModel, table=True):
    """A single-use, expiring link sent by email. Only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=30)  # confirm_email | reset_password | invite | change_email
    token_hash: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                ondelete="CASCADE")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        ondelete="CASCADE")
    role: str | None = Field(default=None, max_length=10)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)
    expires_at: datetime
    used_at: datetime | None = None


class EndedSession(SQLModel, table=True):
    """A session its owner logged out of: its signed cookie, if copied, opens nothing.

    Kept for as long as a session cookie lives (two weeks), then forgotten."""

    __tablename__ = "ended_session"

    sid: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    ended_at: datetime = Field(default_factory=now, index=True)
