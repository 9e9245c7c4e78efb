"""Independent views: one organisation's look at another's published markers, in drafts.

A view is written about a publication of the organisation viewed, never about its drafts.
Publishing a view freezes a `Publication` of kind "view" on the organisation writing it; a
reply is a `Publication` of kind "reply" on the organisation viewed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now

VIEW_KIND = "view"
REPLY_KIND = "reply"
VIEW_KIND_LABELS = {VIEW_KIND: "Independent view", REPLY_KIND: "Reply to an independent view"}


class IndependentView(SQLModel, table=True):
    """The draft of one organisation's view of another's markers for one framework."""

    __tablename__ = "independent_view"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    about_organisation_id: int = Field(foreign_key="organisation.id", index=True,
                                       ondelete="CASCADE")
    framework_id: str = Field(max_length=100)
    # The publication of the organisation viewed that this view looks at.
    about_publication_id: int | None = Field(default=None, foreign_key="publication.id",
                                             ondelete="SET NULL")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)


class ViewRating(SQLModel, table=True):
    """What local people say about one marker. `version` guards against lost updates."""

    __tablename__ = "view_rating"
    __table_args__ = (UniqueConstraint("view_id", "marker_code"),)

    id: int | None = Field(default=None, primary_key=True)
    view_id: int = Field(foreign_key="independent_view.id", index=True, ondelete="CASCADE")
    marker_code: str = Field(max_length=20)
    level: str | None = Field(default=None, max_length=40)  # a scale id
    reasons: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = 1
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=now)


class ViewEvidence(SQLModel, table=True):
    """Evidence on a view's marker: the same kinds and consent rules as an assessment's."""

    __tablename__ = "view_evidence"

    id: int | None = Field(default=None, primary_key=True)
    view_rating_id: int = Field(foreign_key="view_rating.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    url: str = Field(default="", max_length=2000)
    file_name: str = Field(default="", max_length=255)
    stored_name: str = Field(default="", max_length=64)
    content_type: str = Field(default="", max_length=100)
    size: int = 0
    source_kind: str | None = Field(default=None, max_length=30)
    consent_to_publish: bool = False
    attributed_name: str = Field(default="", max_length=200)
    publishable: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)


class ViewCoProduction(SQLModel, table=True):
    """How local people's views were gathered for this view."""

    __tablename__ = "view_co_production"

    id: int | None = Field(default=None, primary_key=True)
    view_id: int = Field(foreign_key="independent_view.id", unique=True, ondelete="CASCADE")
    people_using_support: int = 0
    family_carers: int = 0
    staff: int = 0
    partner_organisations: int = 0
    methods: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    other_method: str = Field(default="", max_length=500)
    what_people_said: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                               server_default=""))
    version: int = 1
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=now)
