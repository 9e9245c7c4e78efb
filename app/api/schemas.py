"""What the open data API returns: response models only, never table models."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

KindName = Literal["dpulo", "council", "provider", "voluntary", "health", "other"]
StatusName = Literal["signed_up", "plan_published", "progress_reported", "plan_overdue",
                     "lapsed", "withdrawn"]


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaRef(Schema):
    code: str = Field(description="ONS GSS code of the council area", examples=["E08000001"])
    name: str = Field(examples=["Bolton"])


class Location(Schema):
    latitude: float = Field(ge=-90, le=90, examples=[53.578])
    longitude: float = Field(ge=-180, le=180, examples=[-2.429])


class CommitmentOut(Schema):
    framework: str = Field(description="Framework id", examples=["making-it-real-2018"])
    framework_title: str = Field(examples=["Making It Real"])
    signed_up_on: date
    withdrawn_on: date | None = None
    status: StatusName = Field(description="Commitment status today")
    status_label: str = Field(examples=["Plan published"])


class OrganisationLinks(Schema):
    html: str = Field(description="The organisation's public page")
    api: str = Field(description="This organisation in the API")


class OrganisationItem(Schema):
    slug: str = Field(examples=["bolton-council"])
    name: str = Field(examples=["Bolton Council"])
    kind: KindName
    kind_label: str = Field(examples=["Council"])
    description: str
    website: str
    org_ids: list[str] = Field(description="org-id.guide identifiers",
                               examples=[["GB-LAE-BOL"]])
    verified: bool = Field(description="Checked by a site administrator")
    areas: list[AreaRef]
    location: Location | None
    commitments: list[CommitmentOut] = Field(
        description="The latest commitment to each framework")
    links: OrganisationLinks


class PublicationItem(Schema):
    number: int
    kind: Literal["plan", "progress", "correction", "view", "reply"] = Field(
        description="plan, progress and correction are the organisation's own; a view is its "
                    "independent view of another organisation, a reply answers a view of it")
    kind_label: str = Field(examples=["Action plan"])
    framework: str
    published_on: date
    url: str = Field(description="The publication's public page")


class OrganisationDetail(OrganisationItem):
    publications: list[PublicationItem] = Field(description="Newest first")


class PageLinks(Schema):
    self: str
    first: str
    last: str
    prev: str | None
    next: str | None


class PageMeta(Schema):
    total: int = Field(description="Organisations matching the filters")
    page: int
    per_page: int


class OrganisationPage(Schema):
    data: list[OrganisationItem]
    links: PageLinks
    meta: PageMeta


class RegionRef(Schema):
    code: str = Field(examples=["E12000002"])
    name: str = Field(examples=["North West"])


class CouncilStatus(Schema):
    framework: str
    status: StatusName | Literal["not_signed_up"]
    status_label: str
    council: str | None = Field(description="Slug of the council's organisation, if listed")


class AreaItem(Schema):
    code: str = Field(examples=["E08000001"])
    name: str = Field(examples=["Bolton"])
    kind: str = Field(examples=["metropolitan_district"])
    region: RegionRef
    former_codes: list[str] = Field(description="Retired codes this area replaced")
    organisations_signed_up: int = Field(
        description="Listed organisations working here with a commitment not withdrawn")
    councils: list[CouncilStatus] = Field(description="The council's status, per framework")
    url: str


class AreaList(Schema):
    data: list[AreaItem]


class SourceOut(Schema):
    name: str
    url: str


class LevelOut(Schema):
    id: str
    label: str
    description: str


class MarkerOut(Schema):
    code: str = Field(examples=["IA1"])
    statement: str
    we_statement: str | None
    prompts: list[str]
    evidence_ideas: list[str]
    red_flags: list[str]
    easy_read: str | None


class ThemeOut(Schema):
    id: str
    title: str
    summary: str
    markers: list[MarkerOut]


class FrameworkSummary(Schema):
    id: str = Field(examples=["making-it-real-2018"])
    title: str
    version: str
    published: date
    source: SourceOut
    licence: str
    summary: str
    plan_due_days: int
    min_priorities: int
    themes: int = Field(description="How many themes")
    markers: int = Field(description="How many markers")
    url: str


class FrameworkList(Schema):
    data: list[FrameworkSummary]


class FrameworkDetail(Schema):
    id: str
    title: str
    version: str
    published: date
    source: SourceOut
    licence: str
    summary: str
    plan_due_days: int
    min_priorities: int
    not_applicable: bool
    scale: list[LevelOut]
    themes: list[ThemeOut]
    url: str


class CrosswalkSummary(Schema):
    id: str = Field(examples=["cqc-local-authority"])
    title: str
    owner: SourceOut = Field(description="Who wrote the statements")
    source: SourceOut = Field(description="Where this project read them")
    checked_on: date = Field(description="When this project last checked them")
    framework: str = Field(description="The framework whose markers the links point to",
                           examples=["making-it-real-2018"])
    summary: str
    reading: str = Field(description="Whose reading the links are")
    statements: int = Field(description="How many statements")
    links: int = Field(description="How many links to markers")
    url: str
    csv_url: str


class CrosswalkList(Schema):
    data: list[CrosswalkSummary]


class LinkOut(Schema):
    marker: str = Field(description="Marker code in `framework`", examples=["WI4"])
    reason: str = Field(description="Why the marker speaks to the statement, in one line")
    from_source: bool = Field(description="True if a source makes the link; false if it is "
                                          "this project's own reading")


class StatementOut(Schema):
    id: str = Field(examples=["safeguarding"])
    number: int = Field(examples=[7])
    title: str
    summary: str = Field(description="In this project's own words")
    links: list[LinkOut]


class CrosswalkThemeOut(Schema):
    id: str
    number: int
    title: str
    statements: list[StatementOut]


class CrosswalkDetail(CrosswalkSummary):
    themes: list[CrosswalkThemeOut]


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(description="[longitude, latitude] (WGS 84)")


class FeatureProperties(Schema):
    slug: str
    name: str
    kind: KindName
    kind_label: str
    url: str
    statuses: dict[str, StatusName] = Field(description="Status by framework id")


class Feature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: FeatureProperties


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]


DataPackage = dict[str, Any]
