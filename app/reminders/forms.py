"""The owner's choice: reminder emails about this organisation, or none."""

from __future__ import annotations

from typing import ClassVar, Literal

from app.forms import Form


class RemindersForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "reminders": "Choose whether to get reminder emails",
    }
    reminders: Literal["on", "off"]
