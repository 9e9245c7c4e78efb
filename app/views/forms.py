"""Forms for starting a view, rating a marker of it, and replying to one."""

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


class ViewRatingForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "version": "This form is out of date: reload the page and try again",
    }
    level: str | None = None
    reasons: str = Field(default="", max_length=LONG_TEXT)
    version: DbInt


class ReplyForm(Form):
    """The overall reply; the words on each marker are read field by field (`marker-CODE`)."""

    MESSAGES: ClassVar[dict[str, str]] = {"overall": "Enter your reply"}
    overall: str = Field(max_length=LONG_TEXT)
