"""Forms for priorities, actions and progress updates."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from app.forms import DbInt, Form
from app.plans.models import ActionStatus


class ActionForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "title": "Enter a short title for the action",
        "status": "Choose the status of the action",
    }
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=20_000)
    marker_codes: list[str] = Field(default_factory=list)
    owner: str = Field(default="", max_length=200)
    status: ActionStatus = ActionStatus.planned
    dropped_reason: str = Field(default="", max_length=2000)
    version: DbInt | None = None

    @field_validator("marker_codes", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class UpdateForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"note": "Say what has happened"}
    note: str = Field(max_length=20_000)


class PublishForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "kind": "Choose what you are publishing",
    }
    kind: str
    what_changed: str = Field(default="", max_length=20_000)
    by_statement: str = Field(default="", max_length=100)  # a crosswalk id, to include
