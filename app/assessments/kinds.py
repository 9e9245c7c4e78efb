"""What differs between a self-assessment and an independent view, in one place.

Both are an `Assessment`: the same ratings, evidence and co-production record, saved by the
same services and shown by the same pages. A `Kind` says what those pages and services do
differently: where they live, what they ask, in whose voice the levels are described, which
boxes they show, and (for a view) what the organisation viewed published, which app/views
supplies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments.models import Assessment
from app.frameworks.model import Level


@dataclass(frozen=True)
class TextField:
    """A box of words on the marker form: the rating's column, its label and hint."""

    name: str  # the Rating column, and the form field
    label: str
    short: str  # where the words are shown, not asked for
    hint: str | None = None
    rows: int = 6


WORKING_HINT = ("In your own words and the words of the people you support. You can use "
                "*emphasis*, lists starting with -, and links.")
REASONS_HINT = ("In the words of the people who use their services. You can use *emphasis*, "
                "lists starting with -, and links.")

# What the organisation judged published about each marker (a view shows it beside the form).
TheirWords = Callable[[Session, Assessment], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Kind:
    is_view: bool
    url_part: str  # /manage/{slug}/{url_part}/{assessment id}
    level_question: str  # "{subject}" is the organisation judged
    text_fields: tuple[TextField, ...]
    not_applicable: bool  # may a marker "not apply"
    red_flags: bool  # warning signs to tick
    theme_pages: bool
    not_found: str
    # The co-production page
    co_production_title: str
    co_production_intro: str
    co_production_complete: str
    said_hint: str | None
    their_words: TheirWords | None = None

    def caption(self, assessment: Assessment, subject_name: str) -> str:
        """How the pages name the assessment."""
        return f"Your view of {subject_name}" if self.is_view else assessment.name

    def question(self, subject_name: str) -> str:
        return self.level_question.format(subject=subject_name)

    def hint(self, level: Level) -> str:
        """A level's description in this kind's voice: a view speaks about its subject."""
        return (level.view_description or level.description) if self.is_view \
            else level.description


SELF = Kind(
    is_view=False, url_part="assessments", level_question="Where are you now?",
    text_fields=(TextField("working", "What is working", "What is working", WORKING_HINT),
                 TextField("needs_change", "What needs to change", "What needs to change")),
    not_applicable=True, red_flags=True, theme_pages=True,
    not_found="Your organisation has no such assessment.",
    co_production_title="Who took part, and how",
    co_production_intro="Making It Real is done with the people who use support, not to "
                        "them. Say who looked at the markers with you, how they took part, "
                        "and what they thought of the way you did it.",
    co_production_complete="This record is complete enough to publish with the assessment.",
    said_hint="For example what worked for them, and what they would change next time.")


def view_kind(their_words: TheirWords) -> Kind:
    """The independent view's kind; app/views gives it what the organisation viewed said."""
    return Kind(
        is_view=True, url_part="views",
        level_question="Where do local people say {subject} is?",
        text_fields=(TextField("working", "Why: what people told you", "Why", REASONS_HINT,
                               rows=8),),
        not_applicable=False, red_flags=False, theme_pages=False,
        not_found="Your organisation is writing no such view.",
        co_production_title="How local people's views were gathered",
        co_production_intro="Say who told you what they think of {subject}, how you asked "
                            "them, and what they thought of the way you did it. This is "
                            "published with your view.",
        co_production_complete="This record is complete enough to publish with your view.",
        said_hint=None, their_words=their_words)
