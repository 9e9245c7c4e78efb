"""The public directory, areas, regions and the progress map; site admins edit regional
network contacts here too."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.areas.models import Region
from app.clock import today
from app.deps import AdminUser, CatalogueDep, SessionDep, WebSessionDep
from app.directory import areas as area_views
from app.directory import hexmap, repository, service
from app.directory.forms import RegionForm
from app.directory.service import MAP_KEYS, FilterChoice
from app.forms import Errors, form_values, page_number, parse
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.status import STATUS_LABELS
from app.responses import pagination
from app.templating import easy_read_on, is_htmx, render, templates

router = APIRouter(include_in_schema=False)


def _history_restore(request: Request) -> bool:
    return request.headers.get("HX-History-Restore-Request") == "true"


def _framework(catalogue: FrameworkCatalogue, framework_id: str | None) -> Framework:
    """The framework asked for, or the newest one."""
    framework = catalogue.get(framework_id or "")
    return framework if framework is not None else next(iter(catalogue))


# The directory -------------------------------------------------------------------------------

@router.get("/organisations")
def directory(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    areas = service.all_areas(db)
    choice: FilterChoice = service.choose_filters(db, catalogue, request.query_params,
                                                  areas=areas)
    rules = service.rules_for(catalogue, today())
    page = service.search(db, choice.filters, rules, catalogue,
                          page=page_number(request.query_params.get("page")))
    regions: dict[str, str] = {}
    for row in areas:
        regions.setdefault(row.region_code, row.region_name)
    partial = is_htmx(request) and not _history_restore(request)
    return render(request, "directory/organisations.html", {
        "choice": choice,
        "page": page,
        "count_text": service.count_text(page.total, easy_read=easy_read_on(request)),
        "pagination": pagination(request, page, choice.query_items(), of="results"),
        "partial": partial,
        "kinds": service.KINDS,
        "statuses": service.STATUSES,
        "sorts": service.SORTS,
        "frameworks": {framework.id: framework.title for framework in catalogue},
        "regions": regions,
        "areas": sorted(((row.code, row.name) for row in areas), key=lambda item: item[1]),
    }, block="results" if partial else None)


# Areas and regions -----------------------------------------------------------------------------

@router.get("/areas")
def areas(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    rules = service.rules_for(catalogue, today())
    return render(request, "directory/areas.html",
                  {"regions": service.areas_by_region(db, rules)})


@router.get("/areas/{code}")
def area(request: Request, code: str, db: SessionDep, catalogue: CatalogueDep) -> Response:
    found = repository.area(db, code.upper())
    if found is None:
        successors = repository.successors(db, code.upper())
        if len(successors) == 1:
            return RedirectResponse(f"/areas/{successors[0].code}", status_code=301)
        if not successors:
            raise HTTPException(404, "There is no council area with this code.")
        return render(request, "directory/successors.html",
                      {"former_code": code.upper(), "successors": successors})
    if found.code != code:
        return RedirectResponse(f"/areas/{found.code}", status_code=301)
    rules = service.rules_for(catalogue, today())
    return render(request, "directory/area.html", {
        "view": service.area_page(db, found, rules, catalogue),
        "local_views": area_views.local_views(db, found.code),
        "status_labels": STATUS_LABELS,
    })


@router.get("/regions")
def regions(request: Request, db: SessionDep) -> Response:
    return render(request, "directory/regions.html",
                  {"rows": service.regions_with_networks(db)})


@router.get("/regions/{code}")
def region(request: Request, code: str, db: SessionDep, catalogue: CatalogueDep) -> Response:
    found = repository.region(db, code.upper())
    if found is None:
        raise HTTPException(404, "There is no English region with this code.")
    framework = _framework(catalogue, None)
    rules = service.rules_for(catalogue, today())
    return render(request, "directory/region.html", {
        "view": service.region_page(db, found, rules, framework=framework.id),
        "framework": framework,
    })


# The map ---------------------------------------------------------------------------------------

def _map_data(request: Request, db: SessionDep, catalogue: CatalogueDep) -> dict[str, Any]:
    framework = _framework(catalogue, request.query_params.get("framework"))
    kind = request.query_params.get("kind", "")
    kind = kind if kind in service.KINDS else ""
    cells = service.map_cells(db, service.rules_for(catalogue, today()),
                              framework=framework.id, kind=kind)
    by_code = {cell.area.code: cell for cell in cells}
    shape = hexmap.geometry()
    query = {key: value for key, value in (("framework", framework.id), ("kind", kind))
             if value and not (key == "framework" and framework.id == catalogue.ids[0])}
    return {
        "framework": framework,
        "kind": kind,
        "kinds": service.KINDS,
        "frameworks": {item.id: item.title for item in catalogue},
        "cells": cells,
        "shape": shape,
        "hexes": [(placed, by_code[placed.code]) for placed in shape.hexes],
        "keys": MAP_KEYS,
        "query": urlencode(query),
        "title": _map_title(framework, service.KINDS.get(kind, "")),
    }


def _map_title(framework: Framework, kind_label: str) -> str:
    which = f" ({kind_label.lower()})" if kind_label else ""
    return f"{framework.title}: council status and organisations signed up{which}, by council area"


@router.get("/map")
def progress_map(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    return render(request, "directory/map.html", _map_data(request, db, catalogue))


@router.get("/map.svg")
def map_svg(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    svg = templates.env.get_template("directory/map.svg").render(
        _map_data(request, db, catalogue))
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Disposition": 'inline; filename="making-it-real-map.svg"'})


@router.get("/map.png")
def map_png(request: Request, db: SessionDep, catalogue: CatalogueDep) -> Response:
    data = _map_data(request, db, catalogue)
    styles = {cell.area.code: hexmap.HexStyle(cell.key.fill, cell.key.letter, cell.count)
              for cell in data["cells"]}
    legend = [hexmap.LegendItem(key.fill, key.letter, key.label) for key in MAP_KEYS]
    return Response(hexmap.draw_png(styles, legend, data["title"]), media_type="image/png",
                    headers={"Content-Disposition":
                             'inline; filename="making-it-real-map.png"'})


# Site admins: regional network contacts ---------------------------------------------------------

@router.get("/admin/regions")
def admin_regions(request: Request, _admin: AdminUser, db: SessionDep) -> Response:
    return render(request, "directory/admin_regions.html",
                  {"regions": repository.regions(db)})


def _region_or_404(db: SessionDep, code: str) -> Region:
    found = repository.region(db, code.upper())
    if found is None:
        raise HTTPException(404, "There is no English region with this code.")
    return found


def _region_form(request: Request, region: Region, values: dict[str, Any],
                 errors: Errors) -> Response:
    return render(request, "directory/admin_region.html",
                  {"region": region, "values": values, "errors": errors})


@router.get("/admin/regions/{code}")
def admin_region(request: Request, code: str, _admin: AdminUser, db: SessionDep) -> Response:
    found = _region_or_404(db, code)
    values = {"network_name": found.network_name, "network_email": found.network_email,
              "network_website": found.network_website, "network_notes": found.network_notes}
    return _region_form(request, found, values, {})


@router.post("/admin/regions/{code}")
async def save_region(request: Request, code: str, admin: AdminUser, db: SessionDep,
                      session: WebSessionDep) -> Response:
    found = _region_or_404(db, code)
    values = form_values(await request.form())
    form, errors = parse(RegionForm, values)
    if form is None or errors:
        return _region_form(request, found, values, errors)
    service.update_region(db, actor_id=admin.id or 0, region=found,
                          changes=service.RegionChanges(**form.model_dump()))
    session.add_flash(f"The {found.name} network's contact details have been saved.")
    return RedirectResponse(f"/regions/{found.code}", status_code=303)
