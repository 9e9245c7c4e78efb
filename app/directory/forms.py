"""The one form of the public side: a regional network's contact details (site admins)."""

from __future__ import annotations

from pydantic import Field, field_validator

from app.forms import Form, check_email, check_website


class RegionForm(Form):
    network_name: str = Field(default="", max_length=200)
    network_email: str = Field(default="", max_length=254)
    network_website: str = Field(default="", max_length=500)
    network_notes: str = Field(default="", max_length=2000)

    @field_validator("network_email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value) if value.strip() else ""

    @field_validator("network_website")
    @classmethod
    def _website(cls, value: str) -> str:
        return check_website(value) if value.strip() else ""
