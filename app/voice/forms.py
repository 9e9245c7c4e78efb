"""Forms of people's voice: opening a round, answering, removing an answer."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from app.forms import Form


class RoundForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"markers": "Choose which markers to ask about"}

    markers: Literal["all", "priorities", "chosen"]
    chosen: list[str] = Field(default_factory=list)
    welcome: str = Field(default="", max_length=500)


class QuestionForm(Form):
    action: Literal["answer", "skip"] = "answer"
    answer: Literal["yes", "sometimes", "no", "dont_know"] | None = None
    comment: str = Field(default="", max_length=2000)


class AboutForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "respondent_kind": "Choose who you are, or leave it empty",
        "may_share": "Choose yes or no"}

    respondent_kind: Literal["person", "carer", "other"] | None = None
    may_share: Literal["yes", "no"] = "no"


class RemoveForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"reason": "Say why you are removing this answer"}

    reason: str = Field(max_length=500)


class QuestionFields(BaseModel):
    """What the question page sends, as text (checked by QuestionForm, so that a bad value
    re-renders the page with a message rather than answering 422)."""

    action: str = ""
    answer: str = ""
    comment: str = ""


class AboutFields(BaseModel):
    respondent_kind: str = ""
    may_share: str = ""
