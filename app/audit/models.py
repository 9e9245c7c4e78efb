"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.clock import now


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                 ondelete="SET NULL")
    action: str = Field(max_length=60, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True,
                                        ondelete="SET NULL")
    subject: str = Field(default="", max_length=200)  # e.g. "user:12", "membership:4"
    before: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
