"""Assessments: one organisation's judgement of an organisation against a framework.

A self-assessment judges the author itself; an independent view judges another organisation
(`subject_organisation_id`), starting from that organisation's latest publication. Both have
the same ratings, evidence and co-production record (app/assessments/kinds.py says what
differs).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.clock import now

NOT_APPLICABLE = "not_applicable"


class Assessment(SQLModel, table=True):
    """One organisation's look at one framework version at one time: a cycle, or a view."""

    id: int | None = Field(default=None, primary_key=True)
    # The author: its members write the assessment.
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    # The organisation judged: the author itself for a self-assessment.
    subject_organisation_id: int = Field(foreign_key="organisation.id", index=True,
                                         ondelete="CASCADE")
    # A view: the subject's publication it looks at. No foreign key: publication.assessment_id
    # points here already, and a cycle would break the backup's table order; a publication
    # only goes with its organisation, and then this view goes too (subject cascade).
    about_publication_id: int | None = None
    framework_id: str = Field(max_length=100)
    framework_version: str = Field(max_length=40)
    name: str = Field(max_length=100)
    previous_id: int | None = Field(default=None, foreign_key="assessment.id",
                                    ondelete="SET NULL")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)

    @property
    def is_view(self) -> bool:
        """An independent view: the author judges another organisation."""
        return self.subject_organisation_id != self.organisation_id


class Rating(SQLModel, table=True):
    """Where the organisation stands on one marker. `version` guards against lost updates."""

    __table_args__ = (UniqueConstraint("assessment_id", "marker_code"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    marker_code: str = Field(max_length=20)
    level: str | None = Field(default=None, max_length=40)  # a scale id, or NOT_APPLICABLE
    not_applicable_reason: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                    server_default=""))
    # What is working; for a view, why: what local people said.
    working: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    needs_change: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                           server_default=""))
    red_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    carried_over: bool = False  # copied from the last cycle and not yet looked at again
    version: int = 1
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=now)


class EvidenceKind(StrEnum):
    note = "note"
    link = "link"
    file = "file"
    quote = "quote"


class SourceKind(StrEnum):
    person_using_support = "person_using_support"
    family_carer = "family_carer"
    staff = "staff"
    partner = "partner"


SOURCE_LABELS = {
    SourceKind.person_using_support: "A person who uses support",
    SourceKind.family_carer: "A family carer",
    SourceKind.staff: "A member of staff",
    SourceKind.partner: "A partner organisation",
}
EASY_READ_SOURCE_LABELS = {
    SourceKind.person_using_support: "A person who gets help",
    SourceKind.family_carer: "A carer in the family",
    SourceKind.staff: "Someone on the staff",
    SourceKind.partner: "Another group we work with",
}


class EvidenceCategory(StrEnum):
    """CQC's evidence categories used for councils (outcomes and observation are not)."""

    people_experience = "people_experience"
    staff_leaders = "staff_leaders"
    partners = "partners"
    processes = "processes"


CATEGORY_LABELS = {
    EvidenceCategory.people_experience: "People's experience",
    EvidenceCategory.staff_leaders: "Feedback from staff and leaders",
    EvidenceCategory.partners: "Feedback from partners",
    EvidenceCategory.processes: "Processes",
}
CATEGORY_GAPS = {
    EvidenceCategory.people_experience: "no evidence of people's experience yet",
    EvidenceCategory.staff_leaders: "no feedback from staff and leaders yet",
    EvidenceCategory.partners: "no feedback from partners yet",
    EvidenceCategory.processes: "no evidence of processes yet",
}
_CATEGORY_OF_SOURCE = {
    SourceKind.person_using_support: EvidenceCategory.people_experience,
    SourceKind.family_carer: EvidenceCategory.people_experience,
    SourceKind.staff: EvidenceCategory.staff_leaders,
    SourceKind.partner: EvidenceCategory.partners,
}


def default_category(kind: str, source_kind: str | None) -> EvidenceCategory:
    """A quote counts by who said it; notes, links and files start as processes."""
    if kind == EvidenceKind.quote and source_kind in set(SourceKind):
        return _CATEGORY_OF_SOURCE[SourceKind(source_kind)]
    return EvidenceCategory.processes


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="rating.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    url: str = Field(default="", max_length=2000)
    file_name: str = Field(default="", max_length=255)  # as uploaded, made safe to show
    stored_name: str = Field(default="", max_length=64)  # random name under MIR_UPLOAD_DIR
    content_type: str = Field(default="", max_length=100)
    size: int = 0
    source_kind: str | None = Field(default=None, max_length=30)
    consent_to_publish: bool = False
    attributed_name: str = Field(default="", max_length=200)  # only with consent
    publishable: bool = False
    # One of EvidenceCategory; the team may change the default it starts with.
    category: str = Field(default=EvidenceCategory.processes.value,
                          sa_column=Column(String(20), nullable=False,
                                           server_default=EvidenceCategory.processes.value))
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)


class CoProduction(SQLModel, table=True):
    """Who took part in the assessment and how, in their own words."""

    __tablename__ = "co_production"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", unique=True, ondelete="CASCADE")
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
