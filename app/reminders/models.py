"""Reminders sent to owners (each one once). Owners who asked for no more are in
app.following.models, beside the unsubscribe page that records them."""

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

