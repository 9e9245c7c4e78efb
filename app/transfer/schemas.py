"""The archive's `organisation.json`: every row of one organisation, without database ids.

Rows refer to each other by meaning, not by id: people by email address, organisations by
slug, assessments by a `key` that is only used inside the archive. Files are stored beside
it in the zip, under `files/uploads/` (evidence) and `files/published/` (the copies
publications point to), each listed in `files` with its SHA-256.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from app.publications.models import ALL_KIND_LABELS

FORMAT = "mir-organisation"
FORMAT_VERSION = 1
MANIFEST = "organisation.json"
UPLOADS = "files/uploads/"
PUBLISHED = "files/published/"
# A stored file's name: no folders, no dot files (names are random tokens with a suffix).
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

Email = str


def safe_file_name(name: str) -> bool:
    return bool(_SAFE_NAME.fullmatch(name)) and ".." not in name


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserRecord(_Record):
    """A member's account. Never the site-administrator flag."""

    email: Email = Field(min_length=3, max_length=254)
    name: str
    password_hash: str
    email_confirmed_at: AwareDatetime | None
    disabled: bool = False
    created_at: AwareDatetime

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()


class MemberRecord(_Record):
    email: Email
    role: Literal["owner", "editor", "viewer"]
    created_at: AwareDatetime


class OrganisationRecord(_Record):
    slug: str = Field(min_length=1, max_length=120)
    name: str
    kind: Literal["dpulo", "council", "provider", "voluntary", "health", "other"]
    website: str
    description: str
    latitude: float | None
    longitude: float | None
    org_ids: str
    contact_email: str = ""  # added later: older archives have none
    contact_url: str = ""
    confirmed: bool
    public: bool
    verified: bool
    hidden_reason: str | None
    possible_duplicate_of: str | None = Field(description="another organisation's slug")
    merged_into: str | None = Field(description="another organisation's slug")
    created_at: AwareDatetime
    areas: list[str] = Field(description="GSS codes of council areas")


class CommitmentRecord(_Record):
    framework_id: str
    statement: str
    signed_up_on: date
    withdrawn_on: date | None
    withdrawal_reason: str | None
    created_by: Email | None


class EvidenceRecord(_Record):
    kind: Literal["note", "link", "file", "quote"]
    text: str
    url: str
    file_name: str
    stored_name: str
    content_type: str
    size: int
    source_kind: str | None
    consent_to_publish: bool
    attributed_name: str
    publishable: bool
    created_by: Email | None
    created_at: AwareDatetime
    file: str | None = Field(description="the file's path in the archive, if it was stored")
    category: Literal["people_experience", "staff_leaders", "partners", "processes"] | None = \
        Field(default=None, description="CQC evidence category; older archives have none "
                                        "and get the default for the kind and source")


class RatingRecord(_Record):
    marker_code: str
    level: str | None
    not_applicable_reason: str
    working: str
    needs_change: str
    red_flags: list[str]
    carried_over: bool
    version: int
    updated_by: Email | None
    updated_at: AwareDatetime
    evidence: list[EvidenceRecord]


class CoProductionRecord(_Record):
    people_using_support: int
    family_carers: int
    staff: int
    partner_organisations: int
    methods: list[str]
    other_method: str
    what_people_said: str
    version: int
    updated_by: Email | None
    updated_at: AwareDatetime


class PriorityRecord(_Record):
    marker_code: str
    why: str
    created_by: Email | None
    created_at: AwareDatetime


class VoiceAnswerRecord(_Record):
    marker_code: str
    answer: str = Field(description="yes, sometimes, no, dont_know or skipped")
    comment: str = ""


class VoiceResponseRecord(_Record):
    """One person's answers: never a name, an email, an IP address or a browser's name."""

    receipt: str = Field(description="the hash that stops one browser sending twice")
    respondent_kind: str | None = None
    may_share: bool = False
    on_behalf: bool = Field(default=False, description="typed in by the team from paper")
    sent_on: date
    removed_at: AwareDatetime | None = None
    removed_reason: str = ""
    answers: list[VoiceAnswerRecord]


class VoiceRoundRecord(_Record):
    """A round of people's voice questions on the assessment, with every answer sent."""

    token: str = Field(description="the public link's secret part, kept so that printed "
                                   "links and QR codes still work")
    marker_codes: list[str]
    opens_on: date
    closes_on: date
    welcome: str = ""
    created_by: Email | None
    created_at: AwareDatetime
    responses: list[VoiceResponseRecord]


class AssessmentRecord(_Record):
    key: int = Field(description="refers to this assessment inside the archive only")
    framework_id: str
    framework_version: str
    name: str
    previous: int | None = Field(description="the key of the cycle this one carried over")
    created_by: Email | None
    created_at: AwareDatetime
    ratings: list[RatingRecord]
    co_production: CoProductionRecord | None
    priorities: list[PriorityRecord]
    # An independent view: the organisation it judges, and which of its publications.
    subject: str | None = Field(default=None, description="the slug of the organisation "
                                "viewed; none for a self-assessment")
    about_publication: int | None = Field(default=None, description="the number of the "
                                          "subject's publication the view looks at")
    voice_rounds: list[VoiceRoundRecord] = Field(default_factory=list)


class UpdateRecord(_Record):
    on: date
    note: str
    created_by: Email | None
    created_at: AwareDatetime


class ActionRecord(_Record):
    framework_id: str
    title: str
    description: str
    marker_codes: list[str]
    owner: str
    due_on: date | None
    status: Literal["planned", "in_progress", "done", "dropped"]
    dropped_reason: str
    position: int
    version: int
    created_by: Email | None
    created_at: AwareDatetime
    updated_by: Email | None
    updated_at: AwareDatetime
    updates: list[UpdateRecord]


class PublicationRecord(_Record):
    """Kept verbatim: number, dates and the frozen snapshot."""

    framework_id: str
    number: int = Field(ge=1)
    kind: str = Field(description="any publication kind: " + ", ".join(ALL_KIND_LABELS))
    published_on: date
    published_at: AwareDatetime
    published_by: Email | None
    assessment: int | None = Field(description="the key of the assessment it published")
    what_changed: str
    snapshot: dict[str, Any]
    hidden_reason: str | None
    about: str | None = Field(default=None, description="a view or reply: the slug of the "
                              "other organisation")
    in_reply_to: int | None = Field(default=None, description="a reply: the number of the "
                                    "view it answers, a publication of `about`")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in ALL_KIND_LABELS:
            raise ValueError("must be one of " + ", ".join(ALL_KIND_LABELS))
        return value


class FileRecord(_Record):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)

    @field_validator("path")
    @classmethod
    def _inside_files(cls, value: str) -> str:
        folder = next((f for f in (UPLOADS, PUBLISHED) if value.startswith(f)), None)
        if folder is None or not safe_file_name(value[len(folder):]):
            raise ValueError(f"must be {UPLOADS}NAME or {PUBLISHED}NAME with a plain "
                             "file name")
        return value


class OrganisationArchive(_Record):
    format: Literal["mir-organisation"]
    version: Literal[1]
    exported_at: AwareDatetime
    organisation: OrganisationRecord
    users: list[UserRecord] = Field(description="the members' accounts")
    members: list[MemberRecord]
    commitments: list[CommitmentRecord]
    assessments: list[AssessmentRecord]
    actions: list[ActionRecord]
    publications: list[PublicationRecord]
    files: list[FileRecord]
