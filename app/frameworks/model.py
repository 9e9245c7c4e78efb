"""The framework as the rest of the app sees it: frozen, validated values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    label: str
    description: str  # in the organisation's own voice, for its self-assessment
    view_description: str | None = None  # about the organisation, for a view of it


class Guidance(NamedTuple):
    """A marker's guidance for the team, in one wording (standard or Easy Read)."""

    we_statement: str | None
    prompts: tuple[str, ...]
    evidence_ideas: tuple[str, ...]
    # (the standard wording, as stored when ticked; the wording shown)
    red_flags: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Marker:
    code: str
    statement: str
    theme_id: str
    we_statement: str | None = None
    prompts: tuple[str, ...] = ()
    evidence_ideas: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    easy_read: str | None = None
    # Easy Read wording of the guidance: one line for each standard line, in the same order
    # (the loader checks this), so a ticked warning sign is stored in its standard wording.
    we_statement_easy_read: str | None = None
    prompts_easy_read: tuple[str, ...] = ()
    evidence_ideas_easy_read: tuple[str, ...] = ()
    red_flags_easy_read: tuple[str, ...] = ()

    def guidance(self, easy_read: bool = False) -> Guidance:
        """The guidance in Easy Read when asked and written, else in standard wording."""
        if not easy_read:
            return Guidance(self.we_statement, self.prompts, self.evidence_ideas,
                            tuple(zip(self.red_flags, self.red_flags, strict=True)))
        return Guidance(
            self.we_statement_easy_read or self.we_statement,
            self.prompts_easy_read or self.prompts,
            self.evidence_ideas_easy_read or self.evidence_ideas,
            tuple(zip(self.red_flags, self.red_flags_easy_read or self.red_flags, strict=True)))


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    title: str
    summary: str
    markers: tuple[Marker, ...]
    title_easy_read: str | None = None


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: str
    version: str
    published: date
    source: Source
    licence: str
    summary: str
    scale: tuple[Level, ...]
    themes: tuple[Theme, ...]
    plan_due_days: int = 90
    min_priorities: int = 3
    not_applicable: bool = False
    summary_easy_read: str | None = None
    _markers: dict[str, Marker] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for theme in self.themes:
            for marker in theme.markers:
                self._markers[marker.code] = marker

    @property
    def markers(self) -> tuple[Marker, ...]:
        return tuple(self._markers.values())

    def summary_in(self, easy_read: bool) -> str:
        """What the framework is, in the page's wording."""
        return self.summary_easy_read or self.summary if easy_read else self.summary

    def marker(self, code: str) -> Marker | None:
        return self._markers.get(code)

    def theme(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.scale if level.id == level_id), None)

    def neighbours(self, code: str) -> tuple[Marker | None, Marker | None]:
        """The markers before and after `code`, in framework order."""
        codes = list(self._markers)
        index = codes.index(code)
        previous = self._markers[codes[index - 1]] if index > 0 else None
        following = self._markers[codes[index + 1]] if index + 1 < len(codes) else None
        return previous, following
