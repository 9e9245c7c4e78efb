"""Forms for starting a view and replying to one (its markers use the assessment's form)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from app.forms import DbInt, Form

LONG_TEXT = 20_000


class StartViewForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "about": "Choose the organisation and framework your view is about",
    }
    about: DbInt


class ReplyForm(Form):
    """The overall reply; the words on each marker are read field by field (`marker-CODE`)."""

    MESSAGES: ClassVar[dict[str, str]] = {"overall": "Enter your reply"}
    overall: str = Field(max_length=LONG_TEXT)
