"""Publications: immutable, numbered, dated snapshots of what an organisation made public."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now


class PublicationKind(StrEnum):
    plan = "plan"  # assessment summary, priorities, action plan, co-production record
    progress = "progress"  # action status and updates since the last publication
    correction = "correction"  # a corrected plan, with a "what changed" note


PUBLICATION_KIND_LABELS = {
    PublicationKind.plan: "Action plan",
    PublicationKind.progress: "Progress report",
    PublicationKind.correction: "Corrected action plan",
}

# Publications of an independent view (on the organisation writing it) and of a reply (on
# the organisation viewed): kinds as strings beside the enum, so no lower layer imports views.
VIEW_KIND = "view"
REPLY_KIND = "reply"
VIEW_KIND_LABELS = {VIEW_KIND: "Independent view", REPLY_KIND: "Reply to an independent view"}
# The kinds an organisation publishes about itself (not views of others, not replies).
OWN_KINDS = (PublicationKind.plan.value, PublicationKind.progress.value,
             PublicationKind.correction.value)
ALL_KIND_LABELS: dict[str, str] = {
    **{kind.value: label for kind, label in PUBLICATION_KIND_LABELS.items()},
    **VIEW_KIND_LABELS}
EASY_READ_KIND_LABELS = {
    PublicationKind.plan.value: "Action plan",
    PublicationKind.progress.value: "Update on the plan",
    PublicationKind.correction.value: "Plan with changes",
    VIEW_KIND: "What local people say",
    REPLY_KIND: "Answer to what local people say",
}


def publication_kind_label(kind: str, *, easy_read: bool = False) -> str:
    """A label for any publication kind, the organisation's own or a view or reply."""
    if easy_read:
        return EASY_READ_KIND_LABELS.get(kind, "Report")
    return ALL_KIND_LABELS.get(kind, "Publication")


class Publication(SQLModel, table=True):
    """Never edited once written; a correction is a new publication."""

    __table_args__ = (UniqueConstraint("organisation_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    framework_id: str = Field(max_length=100, index=True)
    number: int  # 1, 2, 3… per organisation
    kind: str = Field(max_length=20)
    published_on: date = Field(index=True)
    published_at: datetime = Field(default_factory=now, index=True)  # newest first, on /
    published_by_id: int | None = Field(default=None, foreign_key="user.id",
                                        ondelete="SET NULL")
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id",
                                      ondelete="SET NULL")
    what_changed: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                           server_default=""))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON,
                                                                           nullable=False))
    # Moderation (site admins): hidden publications show this reason in their place.
    hidden_reason: str | None = Field(default=None, max_length=1000)
    # An independent view (kind "view", app/views): the organisation it is about.
    about_organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                              index=True, ondelete="SET NULL")
    # A reply (kind "reply"): the view publication it answers.
    in_reply_to_id: int | None = Field(default=None, foreign_key="publication.id", index=True,
                                       ondelete="SET NULL")
