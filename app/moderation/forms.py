"""The public's concern form, and the site admin's reason for hiding a publication."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from app.forms import Form, check_email


class ConcernForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "concern": "Tell us what is wrong with this publication",
    }
    concern: str = Field(max_length=5000)
    email: str = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value) if value.strip() else ""


class HidePublicationForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "reason": "Enter the reason for hiding this publication: it is shown publicly",
    }
    reason: str = Field(max_length=1000)
