"""Open data: the API's views of organisations, areas and frameworks, the CSV files, and the
Frictionless Data package that describes them. Only listed organisations and published
data, built on the same queries as the public pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.api.schemas import (
    AreaItem,
    AreaRef,
    CommitmentOut,
    CouncilStatus,
    CrosswalkDetail,
    CrosswalkSummary,
    CrosswalkThemeOut,
    Feature,
    FeatureCollection,
    FeatureProperties,
    FrameworkDetail,
    FrameworkSummary,
    LevelOut,
    LinkOut,
    Location,
    MarkerOut,
    OrganisationDetail,
    OrganisationItem,
    OrganisationLinks,
    PointGeometry,
    PublicationItem,
    RegionRef,
    SourceOut,
    StatementOut,
    ThemeOut,
)
from app.directory import repository
from app.directory.repository import PublicationRow, StatusRules
from app.directory.service import (
    KINDS,
    MAP_KEY,
    NOT_SIGNED_UP,
    STATUSES,
    OrganisationCard,
)
from app.frameworks import Crosswalk, Framework, FrameworkCatalogue
from app.publications.models import publication_kind_label
from app.text import spreadsheet_cell

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
ONS_ATTRIBUTION = ("Area codes and names: Office for National Statistics. Contains public "
                   "sector information licensed under the Open Government Licence v3.0.")


def organisation_item(card: OrganisationCard, base_url: str) -> OrganisationItem:
    return OrganisationItem(**_organisation_fields(card, base_url))


def _organisation_fields(card: OrganisationCard, base_url: str) -> dict[str, Any]:
    location = Location(latitude=card.latitude, longitude=card.longitude) \
        if card.latitude is not None and card.longitude is not None else None
    return {
        "slug": card.slug, "name": card.name, "kind": card.kind, "kind_label": card.kind_label,
        "description": card.description, "website": card.website, "org_ids": card.org_ids,
        "verified": card.verified,
        "areas": [AreaRef(code=code, name=name) for code, name in card.areas],
        "location": location,
        "commitments": [CommitmentOut(framework=view.framework_id,
                                      framework_title=view.framework_title,
                                      signed_up_on=view.signed_up_on,
                                      withdrawn_on=view.withdrawn_on,
                                      status=view.status.value, status_label=view.label)
                        for view in card.statuses],
        "links": OrganisationLinks(html=f"{base_url}/organisations/{card.slug}",
                                   api=f"{base_url}/api/v1/organisations/{card.slug}"),
    }


def organisation_detail(card: OrganisationCard, publications: Sequence[PublicationRow],
                        base_url: str) -> OrganisationDetail:
    return OrganisationDetail(
        **_organisation_fields(card, base_url),
        publications=[PublicationItem(
            number=row.number, kind=row.kind, kind_label=publication_kind_label(row.kind),
            framework=row.framework_id, published_on=row.published_on,
            url=f"{base_url}/organisations/{card.slug}/publications/{row.number}")
            for row in publications])


def feature_collection(cards: Iterable[OrganisationCard], base_url: str) -> FeatureCollection:
    return FeatureCollection(features=[
        Feature(id=card.slug,
                geometry=PointGeometry(coordinates=(card.longitude, card.latitude)),
                properties=FeatureProperties(
                    slug=card.slug, name=card.name, kind=card.kind,
                    kind_label=card.kind_label, url=f"{base_url}/organisations/{card.slug}",
                    statuses={view.framework_id: view.status.value
                              for view in card.statuses}))
        for card in cards if card.latitude is not None and card.longitude is not None])


def areas_out(db: Session, rules: StatusRules, catalogue: FrameworkCatalogue,
              base_url: str) -> list[AreaItem]:
    """Every council area with its former codes, sign-up count and council status."""
    counts = repository.signed_up_counts(db)
    former = repository.former_codes(db)
    councils: dict[tuple[str, str], repository.CouncilRow] = {}
    for row in repository.council_statuses(db, rules):
        councils.setdefault((row.area_code, row.framework_id), row)
    found = []
    for area in repository.all_areas(db):
        statuses = []
        for framework in catalogue:
            council = councils.get((area.code, framework.id))
            key = MAP_KEY[council.status.value if council else NOT_SIGNED_UP]
            statuses.append(CouncilStatus(framework=framework.id, status=key.key,
                                          status_label=key.label,
                                          council=council.slug if council else None))
        found.append(AreaItem(code=area.code, name=area.name, kind=area.kind,
                             region=RegionRef(code=area.region_code, name=area.region_name),
                             former_codes=former.get(area.code, []),
                             organisations_signed_up=counts.get(area.code, 0),
                             councils=statuses, url=f"{base_url}/areas/{area.code}"))
    return found


def framework_summary(framework: Framework, base_url: str) -> FrameworkSummary:
    return FrameworkSummary(
        id=framework.id, title=framework.title, version=framework.version,
        published=framework.published,
        source=SourceOut(name=framework.source.name, url=framework.source.url),
        licence=framework.licence, summary=framework.summary,
        plan_due_days=framework.plan_due_days, min_priorities=framework.min_priorities,
        themes=len(framework.themes), markers=len(framework.markers),
        url=f"{base_url}/frameworks/{framework.id}")


def crosswalk_summary(crosswalk: Crosswalk, base_url: str) -> CrosswalkSummary:
    return CrosswalkSummary(**_crosswalk_fields(crosswalk, base_url))


def _crosswalk_fields(crosswalk: Crosswalk, base_url: str) -> dict[str, Any]:
    return {"id": crosswalk.id, "title": crosswalk.title,
            "owner": SourceOut(name=crosswalk.owner.name, url=crosswalk.owner.url),
            "source": SourceOut(name=crosswalk.source.name, url=crosswalk.source.url),
            "checked_on": crosswalk.checked_on, "framework": crosswalk.framework_id,
            "summary": crosswalk.summary, "reading": crosswalk.reading,
            "statements": len(crosswalk.statements), "links": len(crosswalk.links),
            "url": f"{base_url}/frameworks/{crosswalk.id}",
            "csv_url": f"{base_url}/api/v1/crosswalks/{crosswalk.id}.csv"}


def crosswalk_detail(crosswalk: Crosswalk, base_url: str) -> CrosswalkDetail:
    return CrosswalkDetail(**_crosswalk_fields(crosswalk, base_url), themes=[
        CrosswalkThemeOut(id=theme.id, number=theme.number, title=theme.title, statements=[
            StatementOut(id=s.id, number=s.number, title=s.title, summary=s.summary,
                         links=[LinkOut(marker=link.code, reason=link.reason,
                                        from_source=link.from_source) for link in s.links])
            for s in theme.statements])
        for theme in crosswalk.themes])


def crosswalk_csv(crosswalk: Crosswalk, framework: Framework | None) -> str:
    """One row per link. Cells a spreadsheet would run as a formula are made plain text."""
    themes = {theme.id: theme for theme in crosswalk.themes}
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([column.name for column in CROSSWALK_COLUMNS])
    for statement, link in crosswalk.links:
        marker = framework.marker(link.code) if framework else None
        theme = themes[statement.theme_id]
        writer.writerow([spreadsheet_cell(str(value)) for value in (
            crosswalk.id, theme.number, theme.title, statement.number, statement.title,
            crosswalk.framework_id, link.code, marker.statement if marker else "",
            link.reason, "true" if link.from_source else "false")])
    return output.getvalue()


def framework_detail(framework: Framework, base_url: str) -> FrameworkDetail:
    return FrameworkDetail(
        id=framework.id, title=framework.title, version=framework.version,
        published=framework.published,
        source=SourceOut(name=framework.source.name, url=framework.source.url),
        licence=framework.licence, summary=framework.summary,
        plan_due_days=framework.plan_due_days, min_priorities=framework.min_priorities,
        not_applicable=framework.not_applicable,
        scale=[LevelOut(id=level.id, label=level.label, description=level.description)
               for level in framework.scale],
        themes=[ThemeOut(id=theme.id, title=theme.title, summary=theme.summary,
                         markers=[MarkerOut(code=marker.code, statement=marker.statement,
                                            we_statement=marker.we_statement,
                                            prompts=list(marker.prompts),
                                            evidence_ideas=list(marker.evidence_ideas),
                                            red_flags=list(marker.red_flags),
                                            easy_read=marker.easy_read)
                                  for marker in theme.markers])
                for theme in framework.themes],
        url=f"{base_url}/frameworks/{framework.id}")


# CSV files and their Frictionless Data description ----------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, number, integer, boolean, date
    description: str
    constraints: dict[str, Any] | None = None


ORGANISATION_COLUMNS = [
    Column("slug", "string", "The organisation's identifier on this site (part of its address)",
           {"required": True, "unique": True}),
    Column("name", "string", "Name", {"required": True}),
    Column("kind", "string", "Kind of organisation", {"required": True,
                                                       "enum": list(KINDS)}),
    Column("kind_label", "string", "Kind of organisation, in words"),
    Column("description", "string", "What the organisation does, in its own words"),
    Column("website", "string", "Website address"),
    Column("area_codes", "string",
           "ONS GSS codes of the council areas it works in, separated by semicolons"),
    Column("area_names", "string", "Names of those areas, separated by semicolons"),
    Column("latitude", "number", "Latitude (WGS 84), if the organisation gave its location",
           {"minimum": -90, "maximum": 90}),
    Column("longitude", "number", "Longitude (WGS 84), if the organisation gave its location",
           {"minimum": -180, "maximum": 180}),
    Column("verified", "boolean", "Checked by a site administrator"),
    Column("org_ids", "string", "org-id.guide identifiers, separated by spaces"),
    Column("url", "string", "The organisation's public page"),
]
COMMITMENT_COLUMNS = [
    Column("organisation_slug", "string", "The organisation (slug in organisations.csv)",
           {"required": True}),
    Column("framework", "string", "Framework id", {"required": True}),
    Column("framework_title", "string", "Framework title"),
    Column("signed_up_on", "date", "When the organisation signed up", {"required": True}),
    Column("withdrawn_on", "date", "When it withdrew, if it did"),
    Column("status", "string", "Commitment status today",
           {"required": True, "enum": list(STATUSES)}),
    Column("status_label", "string", "Commitment status, in words"),
]
CROSSWALK_COLUMNS = [
    Column("crosswalk", "string", "Crosswalk id", {"required": True}),
    Column("theme_number", "integer", "The theme's number"),
    Column("theme", "string", "The theme, as its owner names it"),
    Column("statement_number", "integer", "The statement's number"),
    Column("statement", "string", "The statement, as its owner names it"),
    Column("framework", "string", "The framework the marker belongs to"),
    Column("marker_code", "string", "Marker code"),
    Column("marker_statement", "string", "The marker, in this project's own words"),
    Column("reason", "string", "Why the marker speaks to the statement"),
    Column("from_source", "boolean",
           "true if a source makes the link, false if it is this project's own reading"),
]
AREA_COLUMNS = [
    Column("gss_code", "string", "ONS GSS code of the council area",
           {"required": True, "unique": True, "pattern": "E[0-9]{8}"}),
    Column("name", "string", "Name of the council area", {"required": True}),
    Column("kind", "string", "Kind of council"),
    Column("region_code", "string", "ONS code of the English region"),
    Column("region_name", "string", "Name of the region"),
    Column("former_codes", "string", "Retired codes this area replaced, separated by "
                                     "semicolons"),
    Column("organisations_signed_up", "integer",
           "Listed organisations working here with a commitment not withdrawn",
           {"minimum": 0}),
]


def _csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> str:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=[column.name for column in columns],
                            lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return output.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_cell(value)  # numbers (a longitude of -2.4) stay numbers
    return str(value)


def organisations_csv(cards: Iterable[OrganisationCard], base_url: str) -> str:
    return _csv(ORGANISATION_COLUMNS, ({
        "slug": card.slug, "name": card.name, "kind": card.kind, "kind_label": card.kind_label,
        "description": card.description, "website": card.website,
        "area_codes": ";".join(code for code, _name in card.areas),
        "area_names": ";".join(name for _code, name in card.areas),
        "latitude": card.latitude, "longitude": card.longitude, "verified": card.verified,
        "org_ids": " ".join(card.org_ids), "url": f"{base_url}/organisations/{card.slug}",
    } for card in cards))


def commitments_csv(cards: Iterable[OrganisationCard]) -> str:
    return _csv(COMMITMENT_COLUMNS, ({
        "organisation_slug": card.slug, "framework": view.framework_id,
        "framework_title": view.framework_title, "signed_up_on": view.signed_up_on,
        "withdrawn_on": view.withdrawn_on, "status": view.status.value,
        "status_label": view.label,
    } for card in cards for view in card.statuses))


def areas_csv(areas: Iterable[AreaItem]) -> str:
    return _csv(AREA_COLUMNS, ({
        "gss_code": area.code, "name": area.name, "kind": area.kind,
        "region_code": area.region.code, "region_name": area.region.name,
        "former_codes": ";".join(area.former_codes),
        "organisations_signed_up": area.organisations_signed_up,
    } for area in areas))


def _schema(columns: Sequence[Column]) -> dict[str, Any]:
    fields = []
    for column in columns:
        described: dict[str, Any] = {"name": column.name, "type": column.type,
                                     "description": column.description}
        if column.type == "boolean":
            described["trueValues"], described["falseValues"] = ["true"], ["false"]
        if column.constraints:
            described["constraints"] = column.constraints
        fields.append(described)
    return {"fields": fields, "missingValues": [""]}


def datapackage(base_url: str) -> dict[str, Any]:
    """A Frictionless Data package (v1) describing the three CSV files."""
    def resource(name: str, title: str, description: str,
                 columns: Sequence[Column]) -> dict[str, Any]:
        return {"name": name, "title": title, "description": description,
                "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": _schema(columns)}

    organisations = resource("organisations", "Organisations",
                             "Every organisation listed on the site, one a row.",
                             ORGANISATION_COLUMNS)
    organisations["schema"]["primaryKey"] = ["slug"]
    commitments = resource("commitments", "Commitments",
                           "Each organisation's latest commitment to each framework, with "
                           "its status today.", COMMITMENT_COLUMNS)
    commitments["schema"]["primaryKey"] = ["organisation_slug", "framework"]
    commitments["schema"]["foreignKeys"] = [{
        "fields": ["organisation_slug"],
        "reference": {"resource": "organisations", "fields": ["slug"]}}]
    areas = resource("areas", "Council areas",
                     "The 153 councils in England with adult social care "
                     "responsibilities. " + ONS_ATTRIBUTION, AREA_COLUMNS)
    areas["schema"]["primaryKey"] = ["gss_code"]
    areas["licenses"] = [OGL]
    return {
        "profile": "tabular-data-package",
        "name": "making-it-real-organisations",
        "title": "Making It Real: organisations, commitments and council areas",
        "description": "Organisations that signed up to Making It Real, their commitments "
                       "and status, and the council areas they work in. Live: changes "
                       "appear as soon as organisations publish.",
        "homepage": f"{base_url}/open-data",
        "licenses": [LICENCE],
        "sources": [{"title": "Making It Real toolkit", "path": f"{base_url}/"},
                    {"title": "Office for National Statistics (area codes and names)",
                     "path": "https://geoportal.statistics.gov.uk/"}],
        "resources": [organisations, commitments, areas],
    }
