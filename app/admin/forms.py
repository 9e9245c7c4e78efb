"""The site admin's forms and filters, with the messages people read when something is wrong."""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from app.forms import Form, check_email

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_MESSAGE = "Enter a real date, like 2026-03-31"
STATUSES = {
    "all": "All organisations",
    "unverified": "Waiting to be verified",
    "duplicates": "Possible duplicates",
    "hidden": "Hidden",
}


class OrganisationFilter(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"status": "Choose which organisations to show"}
    q: str = Field(default="", max_length=200)
    status: Literal["all", "unverified", "duplicates", "hidden"] = "all"


class UserFilter(Form):
    q: str = Field(default="", max_length=254)


def _real_date(value: object) -> object:
    if isinstance(value, str):
        if not DATE.match(value):
            raise ValueError(DATE_MESSAGE)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None
    return value


class AuditFilter(Form):
    organisation: str = Field(default="", max_length=120)
    user: str = Field(default="", max_length=254)
    action: str = Field(default="", max_length=60)
    date_from: date | None = None
    date_to: date | None = None

    _user = field_validator("user")(check_email)
    _date_from = field_validator("date_from", mode="before")(_real_date)

    @field_validator("date_to", mode="before")
    @classmethod
    def _date_to(cls, value: object, info: ValidationInfo) -> object:
        checked = _real_date(value)
        start = info.data.get("date_from")
        if isinstance(checked, date) and isinstance(start, date) and checked < start:
            raise ValueError("The latest date must be the same as or after the earliest date")
        return checked


class HideForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "reason": "Enter the reason for hiding this organisation",
    }
    reason: str = Field(max_length=1000)


class MergeForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "target": "Enter the slug of the organisation to merge into, like "
                  "example-organisation",
    }
    target: str = Field(max_length=120)
