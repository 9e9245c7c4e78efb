"""People's voice: a round of questions on one assessment, and the answers people send.

An answer never carries a name, an email address, an IP address or a user agent: only what
the person chose to tell us, and the day it was sent."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.clock import now

SUPPRESS_BELOW = 5  # fewer answers than this for a marker are shown as "fewer than 5"


class Answer(StrEnum):
    yes = "yes"
    sometimes = "sometimes"
    no = "no"
    dont_know = "dont_know"
    skipped = "skipped"


ANSWER_LABELS = {Answer.yes: "Yes", Answer.sometimes: "Sometimes", Answer.no: "No",
                 Answer.dont_know: "I don't know", Answer.skipped: "Skipped"}
# The answers that count towards a marker's total (a skipped question is no answer).
COUNTED = (Answer.yes, Answer.sometimes, Answer.no, Answer.dont_know)
COUNTED_LABELS = {a.value: ANSWER_LABELS[a] for a in COUNTED}


class RespondentKind(StrEnum):
    person = "person"
    carer = "carer"
    other = "other"


RESPONDENT_LABELS = {RespondentKind.person: "Someone who draws on care and support",
                     RespondentKind.carer: "A family carer",
                     RespondentKind.other: "Someone else"}


class VoiceRound(SQLModel, table=True):
    """Questions on some markers of one assessment, open between two dates."""

    __tablename__ = "voice_round"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    token: str = Field(max_length=64, unique=True)  # the public link: cannot be guessed
    marker_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON,
                                                                           nullable=False))
    opens_on: date
    closes_on: date
    welcome: str = Field(default="", max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class VoiceResponse(SQLModel, table=True):
    """One person's set of answers. `receipt` makes sending the same set twice harmless."""

    __tablename__ = "voice_response"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="voice_round.id", index=True, ondelete="CASCADE")
    receipt: str = Field(max_length=64, unique=True)
    respondent_kind: str | None = Field(default=None, max_length=20)
    may_share: bool = False
    on_behalf: bool = False  # typed in by the team from a paper form
    sent_on: date  # the day only: a time could help pick someone out
    removed_at: datetime | None = None
    removed_reason: str = Field(default="", max_length=500)


class VoiceAnswer(SQLModel, table=True):
    """The answer to one marker. `round_id` is repeated so counts need no join."""

    __tablename__ = "voice_answer"
    # Counts read only the first index (no table rows); comments come newest first by the second.
    __table_args__ = (Index("ix_voice_answer_counts", "round_id", "removed", "marker_code",
                            "answer"),
                      Index("ix_voice_answer_newest", "round_id", "removed", "id"))

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="voice_response.id", index=True, ondelete="CASCADE")
    round_id: int = Field(foreign_key="voice_round.id", ondelete="CASCADE")
    marker_code: str = Field(max_length=20)
    answer: str = Field(max_length=20)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    removed: bool = False  # mirrors its response, so that counts need no join


class VoiceDraft(SQLModel, table=True):
    """Answers in progress, found by the hash of a random cookie: no account, no name."""

    __tablename__ = "voice_draft"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="voice_round.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True)
    easy_read: bool = False
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON,
                                                                           nullable=False))
    respondent_kind: str | None = Field(default=None, max_length=20)
    may_share: bool | None = None
    updated_at: datetime = Field(default_factory=now)
