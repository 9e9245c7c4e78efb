"""Priorities chosen from an assessment, and the action plan that answers them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now


class Priority(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("assessment_id", "marker_code"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    marker_code: str = Field(max_length=20)
    why: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)


class ActionStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


ACTION_STATUS_LABELS = {
    ActionStatus.planned: "Planned",
    ActionStatus.in_progress: "In progress",
    ActionStatus.done: "Done",
    ActionStatus.dropped: "Dropped",
}


class Action(SQLModel, table=True):
    """One thing the organisation will do. The plan is per organisation and framework."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    framework_id: str = Field(max_length=100, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                          server_default=""))
    marker_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner: str = Field(default="", max_length=200)  # a name or a role, free text
    due_on: date | None = None
    status: str = Field(default=ActionStatus.planned, max_length=20)
    dropped_reason: str = Field(default="", max_length=2000)
    position: int = 0
    version: int = 1
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=now)


class ActionUpdate(SQLModel, table=True):
    """A dated note of progress on an action."""

    __tablename__ = "action_update"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    on: date
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)
