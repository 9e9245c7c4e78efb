"""Public pages about the toolkit and the frameworks."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.clock import today
from app.deps import CatalogueDep, SessionDep
from app.directory import service as directory
from app.frameworks import Framework
from app.organisations import repository as organisations
from app.organisations import service as commitments
from app.organisations.status import STATUS_LABELS, STATUS_MEANINGS
from app.publications import repository as publications
from app.responses import safe_next
from app.templating import EASY_READ_COOKIE, render
from app.views import comparison as views

router = APIRouter(include_in_schema=False)

ONE_YEAR = 60 * 60 * 24 * 365


def _framework_or_404(catalogue: CatalogueDep, framework_id: str) -> Framework:
    framework = catalogue.get(framework_id)
    if framework is None:
        raise HTTPException(404, "There is no framework at this address.")
    return framework


@router.get("/")
def home(request: Request, catalogue: CatalogueDep, db: SessionDep) -> Response:
    rules = directory.rules_for(catalogue, today())
    return render(request, "public/home.html", {
        "frameworks": list(catalogue),
        "figures": directory.home_figures(db, rules),
        "framework_titles": {framework.id: framework.title for framework in catalogue},
    })


@router.get("/open-data")
def open_data(request: Request, catalogue: CatalogueDep) -> Response:
    """What is published, in which formats, under which licence."""
    return render(request, "public/open_data.html", {
        "frameworks": list(catalogue),
        "kinds": directory.KINDS,
        "statuses": directory.STATUSES,
    })


@router.get("/api/docs")
def api_reference(request: Request) -> Response:
    """The interactive API reference: Swagger UI, served from this site, over the OpenAPI
    description."""
    return render(request, "public/api_reference.html")


@router.get("/frameworks")
def frameworks(request: Request, catalogue: CatalogueDep) -> Response:
    return render(request, "frameworks/list.html", {"frameworks": list(catalogue),
                                                    "crosswalks": catalogue.crosswalks})


@router.get("/frameworks/{framework_id}")
def framework_page(request: Request, framework_id: str, catalogue: CatalogueDep) -> Response:
    """A framework, or a crosswalk: they share the address space (ids never clash)."""
    crosswalk = catalogue.crosswalk(framework_id)
    if crosswalk is not None:
        return render(request, "crosswalks/crosswalk.html", {
            "crosswalk": crosswalk, "framework": catalogue.get(crosswalk.framework_id)})
    framework = _framework_or_404(catalogue, framework_id)
    return render(request, "frameworks/framework.html", {
        "framework": framework, "crosswalks": catalogue.crosswalks_for(framework.id)})


@router.get("/frameworks/{framework_id}/markers/{code}")
def marker_page(request: Request, framework_id: str, code: str,
                catalogue: CatalogueDep) -> Response:
    framework = _framework_or_404(catalogue, framework_id)
    marker = framework.marker(code)
    if marker is None:
        raise HTTPException(404, f"{framework.title} has no marker {code}.")
    previous, following = framework.neighbours(code)
    return render(request, "frameworks/marker.html", {
        "framework": framework,
        "theme": framework.theme(marker.theme_id),
        "marker": marker,
        "previous": previous,
        "following": following,
        "statements": [(crosswalk, crosswalk.statements_for(code))
                       for crosswalk in catalogue.crosswalks_for(framework.id)
                       if crosswalk.statements_for(code)],
    })


@router.get("/easy-read")
def easy_read_switch(on: Literal["0", "1"] = "1", next: str | None = None) -> Response:
    """A plain link turns Easy Read on or off; the choice is kept in a cookie."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if on == "1":
        response.set_cookie(EASY_READ_COOKIE, "1", max_age=ONE_YEAR, httponly=True,
                            samesite="lax")
    else:
        response.delete_cookie(EASY_READ_COOKIE)
    return response


@router.get("/accessibility")
def accessibility(request: Request) -> Response:
    return render(request, "public/accessibility.html")


@router.get("/about")
def about(request: Request, catalogue: CatalogueDep) -> Response:
    return render(request, "public/about.html", {"frameworks": list(catalogue)})


# An organisation's public profile --------------------------------------------------------

@router.get("/organisations/{slug}")
def public_profile(request: Request, slug: str, db: SessionDep,
                   catalogue: CatalogueDep) -> Response:
    organisation, moved_to = organisations.listed_by_slug(db, slug)
    if moved_to is not None:
        return RedirectResponse(f"/organisations/{moved_to}", status_code=301)
    if organisation is None:
        raise HTTPException(404, "There is no organisation at this address.")
    assert organisation.id is not None
    # Its own latest publication: not one of its independent views of others, or a reply.
    history, newest = publications.history_of(db, organisation.id)
    latest, snapshot = newest if newest else (None, None)
    return render(request, "organisations/public_profile.html", {
        "organisation": organisation, "history": history, "latest": latest,
        "snapshot": snapshot,
        "comparisons": views.side_by_side(db, organisation),
        "views_given": views.views_given(db, organisation),
        "file_base": f"/organisations/{slug}/publications/{latest.number}/files"
        if latest else None,
        "areas": organisations.areas_of(db, organisation.id),
        "commitments": commitments.commitment_views(db, organisation.id, catalogue,
                                                    today()),
        "status_labels": STATUS_LABELS, "status_meanings": STATUS_MEANINGS,
    })
