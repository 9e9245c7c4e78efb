"""Concerns about publications reported by the public, for site admins to look at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.clock import now


class ConcernReport(SQLModel, table=True):
    __tablename__ = "concern_report"

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True, ondelete="CASCADE")
    concern: str = Field(sa_column=Column(Text, nullable=False))
    email: str = Field(default="", max_length=254)  # optional: to hear back
    created_at: datetime = Field(default_factory=now, index=True)
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
