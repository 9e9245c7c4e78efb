"""The JSON form of a published action plan: a documented, versioned open-data schema.

`schema_version` goes up only when a field is removed or changes meaning; new fields may
be added within a version. Every value comes from published snapshots, never from drafts.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.text import without_control_characters

SCHEMA_VERSION = 1


class _Exported(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        """Snapshots written before forms refused control characters may hold some: Word
        files (XML) cannot, so every export leaves them out."""
        return without_control_characters(value) if isinstance(value, str) else value


class AreaOut(_Exported):
    code: str = Field(description="ONS GSS code of a council area where the organisation works")
    name: str


class OrganisationOut(_Exported):
    name: str
    slug: str = Field(description="The organisation's address on this site: /organisations/{slug}")
    kind: str = Field(description="dpulo, council, provider, voluntary, health or other")
    kind_label: str
    areas: list[AreaOut]


class FrameworkOut(_Exported):
    id: str = Field(description="The framework's identifier, e.g. making-it-real-2018")
    title: str
    version: str


class PublicationOut(_Exported):
    number: int = Field(description="The organisation's publication number (1, 2, 3…)")
    kind: Literal["plan", "correction", "progress"]
    kind_label: str
    published_on: date
    since: date | None = Field(
        default=None, description="For a progress report: it shows progress after this date")
    url: str = Field(description="The publication's own public page")


class CoProductionOut(_Exported):
    people_using_support: int
    family_carers: int
    staff: int
    partner_organisations: int
    methods: list[str]
    other_method: str
    what_people_said: str = Field(description="Markdown text")


class PriorityOut(_Exported):
    code: str = Field(description="The marker's code in the framework, e.g. IA1")
    statement: str
    level_label: str = Field(description="Where the organisation rated this marker")
    why: str


class UpdateOut(_Exported):
    on: date
    note: str


class ActionOut(_Exported):
    position: int = Field(description="1 for the first action of the plan, and so on")
    title: str
    description: str = Field(description="Markdown text")
    markers: list[str] = Field(description="Codes of the markers this action works on")
    lead: str = Field(description="Who leads the action: a name or a role")
    due_on: date | None
    status: Literal["planned", "in_progress", "done", "dropped"]
    status_label: str
    overdue: bool = Field(description="Past its due date when published, and not finished")
    dropped_reason: str = Field(description="Why a dropped action was dropped; else empty")
    updates: list[UpdateOut] = Field(
        description="Progress updates, oldest first, as published with the status")


class LevelCountOut(_Exported):
    label: str = Field(description="A level of the framework's scale, 'Does not apply' or "
                                   "'Not rated'")
    count: int = Field(description="How many of the theme's markers are at this level")


class ThemeLevelsOut(_Exported):
    theme: str = Field(description="The theme's title")
    levels: list[LevelCountOut] = Field(description="In the order of the scale")


class ViewMarkerOut(_Exported):
    code: str
    statement: str
    level_label: str = Field(description="Where local people say the organisation is")
    reasons: str = Field(description="Why, in their words")
    reply: str = Field(default="", description="The organisation's reply on this marker")


class ReplyOut(_Exported):
    number: int = Field(description="The organisation's publication number of its reply")
    published_on: date
    url: str
    overall: str = Field(description="The organisation's reply to the whole view")


class IndependentViewOut(_Exported):
    by: str = Field(description="The organisation that published the view")
    number: int = Field(description="Its publication number, at that organisation")
    published_on: date
    url: str
    markers: list[ViewMarkerOut]
    reply: ReplyOut | None = Field(default=None, description="The latest reply, if any")
    voice: VoiceOut | None = Field(
        default=None, description="People's voice: counts of the round of questions the view's "
                                  "organisation asked, as published with the view (null if none)")
class VoiceMarkerOut(_Exported):
    code: str = Field(description="The marker's code in the framework, e.g. IA1")
    statement: str
    answered: int | None = Field(
        description="How many people answered (yes, sometimes, no or don't know); null when "
                    "fewer than 5 did, so that no one can be picked out")
    counts: dict[str, int] | None = Field(
        description="Answers by kind: yes, sometimes, no, dont_know; null below 5 answers")


class VoiceOut(_Exported):
    """People's voice: what the people who draw on care and support answered, per marker."""

    opens_on: date
    closes_on: date
    people: int | None = Field(description="How many people answered; null below 5")
    people_label: str = Field(description="The same in words, e.g. \"14 people answered\"")
    answer_labels: dict[str, str]
    markers: list[VoiceMarkerOut]


class ActionPlanExport(_Exported):
    """An organisation's latest published action plan, with its latest published progress."""

    schema_version: Literal[1] = Field(default=1,
                                       description="Changes when fields change meaning")
    organisation: OrganisationOut
    framework: FrameworkOut
    as_at: date = Field(description="The date of the newest publication included")
    plan: PublicationOut = Field(description="The action plan (or its latest correction)")
    progress: PublicationOut | None = Field(
        description="The latest progress report published after the plan, if any: the "
                    "statuses and updates of the actions come from it")
    assessment_name: str | None = Field(description="The self-assessment the plan answers")
    what_changed: str = Field(description="For a correction: what it corrected (Markdown)")
    co_production: CoProductionOut | None = Field(
        description="Who took part in the assessment, and how")
    priorities: list[PriorityOut]
    actions: list[ActionOut] = Field(description="In the organisation's own order")
    levels: list[ThemeLevelsOut] = Field(
        default_factory=list,
        description="Where the organisation is: markers at each level, by theme, from the "
                    "plan's self-assessment")
    independent_views: list[IndependentViewOut] = Field(
        default_factory=list,
        description="The latest published view of each local organisation that wrote one "
                    "about this organisation for this framework, with the organisation's reply")
    by_statement: dict[str, Any] | None = Field(
        default=None,
        description="The assessment read by another framework's statements (for example "
                    "CQC's assessment of councils), if the organisation published it: per "
                    "statement the linked markers and their levels, counts of published "
                    "evidence by category, the gaps, and the actions that touch it")
    voice: VoiceOut | None = Field(
        default=None, description="People's voice: counts of the newest round of questions "
                                  "published with the plan or progress report")


EXAMPLE = ActionPlanExport(
    organisation=OrganisationOut(
        name="Bolton Council", slug="bolton-council", kind="council", kind_label="Council",
        areas=[AreaOut(code="E08000001", name="Bolton")]),
    framework=FrameworkOut(id="making-it-real-2018", title="Making It Real (2018)",
                           version="2018"),
    as_at=date(2026, 9, 30),
    plan=PublicationOut(number=1, kind="plan", kind_label="Action plan",
                        published_on=date(2026, 3, 31),
                        url="https://example.org/organisations/bolton-council/publications/1"),
    progress=PublicationOut(
        number=2, kind="progress", kind_label="Progress report",
        published_on=date(2026, 9, 30), since=date(2026, 3, 31),
        url="https://example.org/organisations/bolton-council/publications/2"),
    assessment_name="Spring 2026",
    what_changed="",
    co_production=CoProductionOut(
        people_using_support=12, family_carers=3, staff=4, partner_organisations=1,
        methods=["Workshops", "A survey"], other_method="",
        what_people_said="People said the workshops felt like being heard."),
    priorities=[PriorityOut(code="IA1", statement="I have the information I need.",
                            level_label="Getting started",
                            why="Members told us the leaflets are hard to follow.")],
    actions=[ActionOut(
        position=1, title="Rewrite the leaflet with members", description="",
        markers=["IA1"], lead="Head of Adult Social Care", due_on=date(2026, 12, 31),
        status="in_progress", status_label="In progress", overdue=False, dropped_reason="",
        updates=[UpdateOut(on=date(2026, 6, 1), note="First draft shared with members.")])],
).model_dump(mode="json")
