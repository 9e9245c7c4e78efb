"""Forms for evidence on a rating and for the co-production record.

Evidence fields carry their kind as a prefix (`note_text`, `quote_name`…): all four forms sit
on the marker page together, so each field needs its own id for labels and error links.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator

from app.assessments.models import EvidenceCategory, SourceKind
from app.forms import DbInt, Errors, Form

NOTE_MAX = 5000
URL_MAX = 2000
DESCRIPTION_MAX = 2000
NAME_MAX = 200
SAID_MAX = 20_000
OTHER_METHOD_MAX = 500
MOST_PEOPLE = 100_000

URL_MESSAGE = "Enter a web address starting with https://"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")

YesNo = Literal["yes", "no"]


def _at_most(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise ValueError(f"{what} must be {limit:,} characters or fewer")
    return value


def check_evidence_url(value: str) -> str:
    """Only http and https addresses: `javascript:`, `data:` and the like are refused."""
    value = value.strip()
    if not _SCHEME.match(value):
        value = "https://" + value  # "www.example.org" means the web
    parts = urlsplit(value)
    if (parts.scheme.lower() not in {"http", "https"} or not parts.hostname
            or "." not in parts.hostname or _WHITESPACE_OR_CONTROL.search(value)):
        raise ValueError(URL_MESSAGE)
    return _at_most(value, URL_MAX, "The web address")


class NoteForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"note_text": "Enter the note"}
    note_text: str
    note_publishable: YesNo = "no"

    @field_validator("note_text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _at_most(value, NOTE_MAX, "The note")


class LinkForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"link_url": "Enter the web address of the evidence"}
    link_url: str
    link_description: str = ""
    link_publishable: YesNo = "no"

    @field_validator("link_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_evidence_url(value)

    @field_validator("link_description")
    @classmethod
    def _description(cls, value: str) -> str:
        return _at_most(value, DESCRIPTION_MAX, "The description")


class FileForm(Form):
    """The words that go with an upload; the file itself is checked by its content."""

    file_description: str = ""
    file_publishable: YesNo = "no"

    @field_validator("file_description")
    @classmethod
    def _description(cls, value: str) -> str:
        return _at_most(value, DESCRIPTION_MAX, "The description")


class QuoteForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "quote_text": "Enter what the person said",
        "quote_source_kind": "Say who said this",
        "quote_consent": "Say whether they agreed to their words being published",
    }
    quote_text: str
    quote_source_kind: SourceKind
    quote_consent: YesNo
    quote_name: str = ""
    quote_publishable: YesNo = "no"

    @field_validator("quote_text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _at_most(value, NOTE_MAX, "The quote")

    @field_validator("quote_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _at_most(value, NAME_MAX, "The name")

    def problems(self) -> Errors:
        """Consent rules: no name and no publishing unless the person agreed."""
        errors: Errors = {}
        if self.quote_consent != "yes":
            if self.quote_name:
                errors["quote_name"] = ("Only give a name if the person agreed to their "
                                        "words being published")
            if self.quote_publishable == "yes":
                errors["quote_publishable"] = ("A quote can only be published if the person "
                                               "agreed to their words being published")
        return errors


class CategoryForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"category": "Choose what kind of evidence this is"}
    category: EvidenceCategory


class PublishableForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"publishable": "Say whether this may be published"}
    publishable: YesNo


# Co-production ---------------------------------------------------------------------------

METHODS = {
    "workshops": "Workshops or meetings",
    "survey": "A survey",
    "interviews": "Interviews or conversations",
    "online": "Online, like video calls or a forum",
    "other": "Another way",
}

PEOPLE_FIELDS = {
    "people_using_support": "people who use support",
    "family_carers": "family carers",
    "staff": "staff",
    "partner_organisations": "partner organisations",
}


def _count(value: object, who: str) -> int:
    text = str(value).strip().replace(",", "")
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(f"Enter the number of {who} as a whole number, like 12")
    number = int(text)
    if number > MOST_PEOPLE:
        raise ValueError(f"Enter the number of {who} as a whole number between 0 and "
                         f"{MOST_PEOPLE:,}")
    return number


class CoProductionForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "version": "This form is out of date: reload the page and try again",
    }
    people_using_support: int = 0
    family_carers: int = 0
    staff: int = 0
    partner_organisations: int = 0
    methods: list[str] = Field(default_factory=list)
    other_method: str = ""
    what_people_said: str = ""
    version: DbInt

    @field_validator(*PEOPLE_FIELDS, mode="before")
    @classmethod
    def _people(cls, value: object, info: ValidationInfo) -> int:
        return _count(value, PEOPLE_FIELDS.get(info.field_name or "", "people"))

    @field_validator("methods", mode="before")
    @classmethod
    def _methods(cls, value: object) -> object:
        chosen = [value] if isinstance(value, str) else value
        if isinstance(chosen, list) and any(item not in METHODS for item in chosen):
            raise ValueError("Choose from the ways listed")
        return chosen

    @field_validator("other_method")
    @classmethod
    def _other(cls, value: str) -> str:
        return _at_most(value, OTHER_METHOD_MAX, "The other way")

    @field_validator("what_people_said")
    @classmethod
    def _said(cls, value: str) -> str:
        return _at_most(value, SAID_MAX, "What people said")

    def chosen_methods(self) -> list[str]:
        """In the page's order; words typed about another way count as ticking it."""
        chosen = set(self.methods) | ({"other"} if self.other_method.strip() else set())
        return [method for method in METHODS if method in chosen]

    def problems(self) -> Errors:
        errors: Errors = {}
        if "other" in self.methods and not self.other_method.strip():
            errors["other_method"] = "Say what other way people took part"
        return errors
