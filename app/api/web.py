"""The open data API, `/api/v1/`: JSON, CSV, GeoJSON and a Frictionless Data package.

Read-only, no key needed, open to every origin (CORS). Only listed organisations and
published data. Statuses are computed for today each time.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.api import service
from app.api.schemas import (
    AreaList,
    CrosswalkDetail,
    CrosswalkList,
    FeatureCollection,
    FrameworkDetail,
    FrameworkList,
    OrganisationDetail,
    OrganisationPage,
    PageLinks,
    PageMeta,
)
from app.clock import today
from app.deps import CatalogueDep, SessionDep, SettingsDep
from app.directory import repository
from app.directory import service as directory
from app.directory.repository import Filters, StatusRules
from app.frameworks import Crosswalk, FrameworkCatalogue

router = APIRouter(prefix="/api/v1", tags=["Open data"], include_in_schema=True)

KindParam = Literal["dpulo", "council", "provider", "voluntary", "health", "other"]
StatusParam = Literal["signed_up", "plan_published", "progress_reported", "plan_overdue",
                      "lapsed", "withdrawn"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/csv": {"schema": {"type": "string"}}},
    "description": "A CSV file (UTF-8, header row, CRLF line endings); "
                   "described by /api/v1/datapackage.json"}}


class FilterParams(BaseModel):
    """The directory's filters, as query parameters of the API."""

    q: str = Field("", max_length=200,
                   description="Words in the name or description (case does not matter)")
    kind: KindParam | None = Field(None, description="Kind of organisation")
    area: str = Field("", max_length=9, description=(
        "ONS GSS code of a council area; a former code finds its successors"))
    region: str = Field("", max_length=9,
                        description="ONS code of an English region, E12000001 to E12000009")
    framework: str = Field("", max_length=100, description="Signed up to this framework (id)")
    status: StatusParam | None = Field(None, description=(
        "Commitment status today (to `framework` if given, else to any)"))
    sort: Literal["name", "newest"] = Field("name", description=(
        "`name` (A to Z) or `newest` sign-up first. Never by score."))

    @property
    def values(self) -> dict[str, str]:
        return {key: value or "" for key, value in self.model_dump().items()}


def _base_url(settings: SettingsDep) -> str:
    return settings.base_url.rstrip("/")


def _filters(db: SessionDep, catalogue: FrameworkCatalogue,
             params: FilterParams, *, located: bool = False) -> tuple[Filters, dict[str, str]]:
    """Check the filters: an unknown framework, area or region is a 422, not ignored."""
    values = params.values
    choice = directory.choose_filters(db, catalogue, values, located=located)
    for name in ("framework", "area", "region"):
        if values[name] and not getattr(choice, name):
            raise HTTPException(422, f"Unknown {name}: {values[name]}")
    return choice.filters, choice.query_items()


def _rules(catalogue: FrameworkCatalogue) -> StatusRules:
    return directory.rules_for(catalogue, today())


@router.get("/organisations", response_model=OrganisationPage,
            summary="List organisations",
            description="Listed organisations matching the filters, 20 a page by default, "
                        "by name. `links` lead to the other pages.")
def organisations(request: Request, db: SessionDep, catalogue: CatalogueDep,
                  settings: SettingsDep, params: Annotated[FilterParams, Query()],
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=directory.MAX_PER_PAGE)] =
                  directory.PER_PAGE) -> OrganisationPage:
    filters, query = _filters(db, catalogue, params)
    rules = _rules(catalogue)
    found = directory.search(db, filters, rules, catalogue, page=page, per_page=per_page,
                             clamp=False)
    base = _base_url(settings)
    last = found.pages

    def link(number: int) -> str:
        items = {**query, "page": str(number)}
        if per_page != directory.PER_PAGE:
            items["per_page"] = str(per_page)
        return f"{base}{request.url.path}?{urlencode(items)}"

    return OrganisationPage(
        data=[service.organisation_item(card, base) for card in found.cards],
        links=PageLinks(self=link(page), first=link(1), last=link(last),
                        prev=link(min(page - 1, last)) if page > 1 else None,
                        next=link(page + 1) if page < last else None),
        meta=PageMeta(total=found.total, page=page, per_page=per_page),
    )


@router.get("/organisations.csv", response_class=Response, responses=CSV_RESPONSE,
            summary="Organisations as CSV",
            description="Every listed organisation matching the filters, one a row.")
def organisations_csv(db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep,
                      params: Annotated[FilterParams, Query()]) -> Response:
    filters, _query = _filters(db, catalogue, params)
    cards = directory.every_match(db, filters, _rules(catalogue), catalogue)
    return _csv_response(service.organisations_csv(cards, _base_url(settings)),
                         "organisations.csv")


@router.get("/commitments.csv", response_class=Response, responses=CSV_RESPONSE,
            summary="Commitments as CSV",
            description="The latest commitment of each listed organisation (matching the "
                        "filters) to each framework, with its status today.")
def commitments_csv(db: SessionDep, catalogue: CatalogueDep,
                    params: Annotated[FilterParams, Query()]) -> Response:
    filters, _query = _filters(db, catalogue, params)
    cards = directory.every_match(db, filters, _rules(catalogue), catalogue)
    return _csv_response(service.commitments_csv(cards), "commitments.csv")


@router.get("/organisations.geojson", response_model=FeatureCollection,
            summary="Organisations on a map (GeoJSON)",
            description="Listed organisations that gave their location, as a GeoJSON "
                        "FeatureCollection of points ([longitude, latitude], WGS 84).",
            responses={200: {"content": {"application/geo+json": {}}}})
def organisations_geojson(db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep,
                          params: Annotated[FilterParams, Query()]) -> Response:
    filters, _query = _filters(db, catalogue, params, located=True)
    cards = directory.every_match(db, filters, _rules(catalogue), catalogue)
    collection = service.feature_collection(cards, _base_url(settings))
    return Response(collection.model_dump_json(), media_type="application/geo+json")


@router.get("/organisations/{slug}", response_model=OrganisationDetail,
            summary="One organisation",
            description="A listed organisation with its commitments and publications. An "
                        "organisation merged into another redirects (301) to it.",
            responses={301: {"description": "Merged into another organisation"},
                       404: {"description": "No listed organisation at this address"}})
def organisation(slug: str, db: SessionDep, catalogue: CatalogueDep,
                 settings: SettingsDep) -> Any:
    rules = _rules(catalogue)
    found = directory.public_organisation(db, slug, rules, catalogue)
    if found.moved_to is not None:
        return RedirectResponse(f"/api/v1/organisations/{found.moved_to}", status_code=301)
    if found.card is None:
        raise HTTPException(404, "There is no organisation at this address.")
    return service.organisation_detail(found.card,
                                       repository.publications_of(db, [found.card.id]),
                                       _base_url(settings))


@router.get("/areas", response_model=AreaList, summary="Council areas",
            description="The 153 council areas with adult social care responsibilities, "
                        "with their former codes, how many organisations signed up there, "
                        "and the council's status for each framework.")
def areas(db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep) -> AreaList:
    return AreaList(data=service.areas_out(db, _rules(catalogue), catalogue,
                                           _base_url(settings)))


@router.get("/areas.csv", response_class=Response, responses=CSV_RESPONSE,
            summary="Council areas as CSV")
def areas_csv(db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep) -> Response:
    rows = service.areas_out(db, _rules(catalogue), catalogue, _base_url(settings))
    return _csv_response(service.areas_csv(rows), "areas.csv")


@router.get("/frameworks", response_model=FrameworkList, summary="Frameworks",
            description="The Making It Real frameworks organisations can sign up to, newest "
                        "first.")
def frameworks(catalogue: CatalogueDep, settings: SettingsDep) -> FrameworkList:
    return FrameworkList(data=[service.framework_summary(framework, _base_url(settings))
                               for framework in catalogue])


@router.get("/frameworks/{framework}", response_model=FrameworkDetail,
            summary="One framework, with its themes and markers",
            responses={404: {"description": "No such framework"}})
def framework(framework: str, catalogue: CatalogueDep,
              settings: SettingsDep) -> FrameworkDetail:
    found = catalogue.get(framework)
    if found is None:
        raise HTTPException(404, "There is no framework with this id.")
    return service.framework_detail(found, _base_url(settings))


@router.get("/crosswalks", response_model=CrosswalkList, summary="Crosswalks",
            description="Other assessment frameworks (CQC's assessment of councils first), "
                        "each read against the markers of one framework.")
def crosswalks(catalogue: CatalogueDep, settings: SettingsDep) -> CrosswalkList:
    return CrosswalkList(data=[service.crosswalk_summary(crosswalk, _base_url(settings))
                               for crosswalk in catalogue.crosswalks])


def _crosswalk(catalogue: CatalogueDep, crosswalk_id: str) -> Crosswalk:
    found = catalogue.crosswalk(crosswalk_id)
    if found is None:
        raise HTTPException(404, "There is no crosswalk with this id.")
    return found


# Before /crosswalks/{crosswalk}: that would also match "cqc-local-authority.csv".
@router.get("/crosswalks/{crosswalk}.csv", response_class=Response,
            responses={**CSV_RESPONSE, 404: {"description": "No such crosswalk"}},
            summary="One crosswalk's links, as CSV",
            description="One row per link from a statement to a marker, with the reason and "
                        "whether a source makes the link or it is this project's own reading.")
def crosswalk_csv(crosswalk: str, catalogue: CatalogueDep) -> Response:
    found = _crosswalk(catalogue, crosswalk)
    return _csv_response(service.crosswalk_csv(found, catalogue.get(found.framework_id)),
                         f"{found.id}.csv")


@router.get("/crosswalks/{crosswalk}", response_model=CrosswalkDetail,
            summary="One crosswalk, with its themes, statements and links",
            responses={404: {"description": "No such crosswalk"}})
def crosswalk(crosswalk: str, catalogue: CatalogueDep,
              settings: SettingsDep) -> CrosswalkDetail:
    return service.crosswalk_detail(_crosswalk(catalogue, crosswalk), _base_url(settings))


@router.get("/datapackage.json", summary="Data package (Frictionless Data)",
            description="Describes organisations.csv, commitments.csv and areas.csv: "
                        "fields, types, keys and licences.",
            responses={200: {"content": {"application/json": {"example": {
                "profile": "tabular-data-package", "name": "making-it-real-organisations",
                "licenses": [service.LICENCE], "resources": ["…"]}}}}})
def datapackage(settings: SettingsDep) -> dict[str, Any]:
    return service.datapackage(_base_url(settings))


def _csv_response(text: str, filename: str) -> Response:
    return Response(text.encode("utf-8"), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
