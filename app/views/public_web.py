"""The public side-by-side page: what an organisation says, what local people say, replies."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.deps import SessionDep
from app.publications.pages import listed_organisation
from app.templating import render
from app.views import comparison, repository

router = APIRouter(include_in_schema=False)


@router.get("/organisations/{slug}/independent-views")
def side_by_side_page(request: Request, slug: str, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    about = [(publication, viewer) for publication, viewer
             in repository.views_published_about(db, organisation.id or 0)
             if viewer.is_listed]
    return render(request, "views/side_by_side.html", {
        "organisation": organisation, "comparisons": comparison.side_by_side(db, organisation),
        "history": about,
        "replies": repository.replies_to(db, [p.id or 0 for p, _viewer in about]),
        "given": comparison.views_given(db, organisation)})
