"""The sign-up form: a person, their organisation and what it commits to, in one."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from app.forms import Form, check_email, check_password, check_website
from app.organisations.models import CommitmentKind, OrganisationKind


class RegisterForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "name": "Enter your name",
        "email": "Enter your email address",
        "password": "Enter a password",
        "org_name": "Enter the name of your organisation",
        "org_kind": "Choose what kind of organisation it is",
        "areas": "Choose at least one council area where your organisation works",
        "framework": "Choose the framework you are signing up to",
        "commitment": "Say what your organisation commits to, in plain words",
        "commitment_kind": "Choose what your organisation commits to do",
    }
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    password: str
    org_name: str = Field(max_length=200)
    org_kind: OrganisationKind
    areas: list[str]
    website: str = ""
    description: str = Field(default="", max_length=2000)
    framework: str
    commitment: str = Field(max_length=2000)
    commitment_kind: CommitmentKind = CommitmentKind.improve
    not_a_duplicate: bool = False

    _email = field_validator("email")(check_email)
    _password = field_validator("password")(check_password)

    @field_validator("areas", mode="before")
    @classmethod
    def _areas_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        return check_website(value) if value else ""

    @field_validator("areas")
    @classmethod
    def _council_in_one_area(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("org_kind") == OrganisationKind.council and len(value) > 1:
            raise ValueError("A council works in one area: choose only your council's area")
        return value
