"""Forms for starting a cycle and rating a marker."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from app.assessments.models import NOT_APPLICABLE
from app.forms import DbInt, Form

LONG_TEXT = 20_000


class StartAssessmentForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "framework": "Choose the framework to look at",
        "name": "Enter a name for this assessment, like Spring 2026",
    }
    framework: str
    name: str = Field(max_length=100)
    carry_over: bool = False


class RatingForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "version": "This form is out of date: reload the page and try again",
    }
    level: str | None = None
    not_applicable_reason: str = Field(default="", max_length=2000)
    working: str = Field(default="", max_length=LONG_TEXT)
    needs_change: str = Field(default="", max_length=LONG_TEXT)
    red_flags: list[str] = Field(default_factory=list)
    version: DbInt

    @field_validator("red_flags", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def problems(self, allowed_levels: set[str]) -> dict[str, str]:
        """Rules that need the framework: a real level, and a reason for 'does not apply'."""
        errors: dict[str, str] = {}
        if self.level is not None and self.level not in allowed_levels:
            errors["level"] = "Choose one of the levels"
        if self.level == NOT_APPLICABLE and not self.not_applicable_reason.strip():
            errors["not_applicable_reason"] = "Say why this marker does not apply to you"
        return errors
