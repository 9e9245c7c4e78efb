"""People who follow an organisation or an area by email, and what they were sent."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now


class Follower(SQLModel, table=True):
    """One email address following one organisation or one area (double opt-in)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True, ondelete="CASCADE")
    area_code: str | None = Field(default=None, foreign_key="area.gss_code", index=True,
                                  max_length=9, ondelete="CASCADE")
    confirmed_at: datetime | None = None  # None until the link in the first email is followed
    created_at: datetime = Field(default_factory=now)


class FollowerNotice(SQLModel, table=True):
    """An email about a new publication sent to one address: never sent twice."""

    __tablename__ = "follower_notice"
    __table_args__ = (UniqueConstraint("publication_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254)
    sent_at: datetime = Field(default_factory=now)


class ReminderOptOut(SQLModel, table=True):
    """An owner who unsubscribed from reminders about one organisation (read by app.reminders)."""

    __tablename__ = "reminder_opt_out"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=now)
