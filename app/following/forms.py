"""The form to follow an organisation or an area by email."""

from __future__ import annotations

from typing import ClassVar

from pydantic import field_validator

from app.forms import Form, check_email


class FollowForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "email": "Enter your email address",
        "area": "Choose the area to follow",
    }
    email: str
    organisation: str = ""
    area: str = ""

    _email = field_validator("email")(check_email)
