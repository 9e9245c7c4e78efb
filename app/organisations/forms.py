"""Forms for the organisation workspace."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from app.forms import Form, check_email, check_password, check_website
from app.organisations.models import CommitmentKind, OrganisationKind, Role

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,6}-[A-Za-z0-9-]+$")
# England lies within this box; a point outside it is almost certainly a typing slip.
ENGLAND = {"latitude": (49.8, 55.9), "longitude": (-6.5, 1.8)}


class ProfileForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "name": "Enter the name of your organisation",
        "kind": "Choose what kind of organisation it is",
        "areas": "Choose at least one council area where your organisation works",
        "public": "Choose whether to list your organisation publicly",
    }
    name: str = Field(max_length=200)
    kind: OrganisationKind
    areas: list[str]
    website: str = ""
    description: str = Field(default="", max_length=2000)
    latitude: float | None = None
    longitude: float | None = None
    org_ids: str = Field(default="", max_length=500)
    contact_email: str = ""
    contact_url: str = Field(default="", max_length=500)
    public: bool

    @field_validator("areas", mode="before")
    @classmethod
    def _areas_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("areas")
    @classmethod
    def _council_in_one_area(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("kind") == OrganisationKind.council and len(value) > 1:
            raise ValueError("A council works in one area: choose only your council's area")
        return value

    @field_validator("website", "contact_url")
    @classmethod
    def _website(cls, value: str) -> str:
        return check_website(value) if value else ""

    @field_validator("contact_email")
    @classmethod
    def _contact_email(cls, value: str) -> str:
        return check_email(value) if value else ""

    @field_validator("latitude", "longitude", mode="before")
    @classmethod
    def _coordinate(cls, value: object, info: ValidationInfo) -> object:
        name = str(info.field_name)
        try:
            number = float(str(value))
        except ValueError:
            raise ValueError(f"Enter the {name} as a number, like "
                             f"{'53.48' if name == 'latitude' else '-2.24'}") from None
        low, high = ENGLAND[name]
        if not low <= number <= high:
            raise ValueError(f"The {name} must be between {low} and {high} (in England)")
        return number

    @field_validator("longitude")
    @classmethod
    def _both_or_neither(cls, value: float | None, info: ValidationInfo) -> float | None:
        if (value is None) != (info.data.get("latitude") is None) and "latitude" in info.data:
            raise ValueError("Enter both the latitude and the longitude, or neither")
        return value

    @field_validator("org_ids")
    @classmethod
    def _org_ids(cls, value: str) -> str:
        ids = value.replace(",", " ").split()
        bad = [item for item in ids if not ORG_ID.match(item)]
        if bad:
            raise ValueError(f"{bad[0]} is not an org-id identifier: use the form GB-CHC-1234567 "
                             "(charity), GB-COH-01234567 (company) or GB-CQC-1-234567890")
        return " ".join(ids)


class SignUpForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "framework": "Choose the framework you are signing up to",
        "commitment": "Say what your organisation commits to, in plain words",
        "commitment_kind": "Choose what your organisation commits to do",
    }
    framework: str
    commitment: str = Field(max_length=2000)
    commitment_kind: CommitmentKind = CommitmentKind.improve


class WithdrawForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "reason": "Say why your organisation is withdrawing; it is shown publicly",
    }
    reason: str = Field(max_length=1000)


class InviteForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "email": "Enter the email address of the person to invite",
        "role": "Choose what they can do",
    }
    email: str
    role: Role
    _email = field_validator("email")(check_email)


class RoleForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"role": "Choose what they can do"}
    role: Role


class AcceptInvitationForm(Form):
    """For a person with no account yet: the invitation proves their email address."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "name": "Enter your name",
        "password": "Enter a password",
    }
    name: str = Field(max_length=200)
    password: str

    _password = field_validator("password")(check_password)
