"""Reminders sent to owners (each one once), and owners who asked for no more."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now


class ReminderSent(SQLModel, table=True):
    """One reminder about one due date: its row is what makes sending it twice impossible."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("organisation_id", "framework_id", "kind", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    framework_id: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # plan_due | plan_overdue | progress_due | lapsing
    due_on: date
    recipients: int = 0
    sent_at: datetime = Field(default_factory=now)


class ReminderOptOut(SQLModel, table=True):
    """An owner who unsubscribed from reminders about one organisation."""

    __tablename__ = "reminder_opt_out"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=now)
