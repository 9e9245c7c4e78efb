"""Public pages of publications: one publication, its files, and what changed between two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.responses import Response

from app.deps import SessionDep, SettingsDep
from app.forms import DbInt
from app.publications import repository
from app.publications.changes import compare_snapshots
from app.publications.models import (
    OWN_KINDS,
    PUBLICATION_KIND_LABELS,
)
from app.publications.pages import listed_organisation, publication_or_404
from app.publications.service import PUBLISHED_FILES
from app.publications.snapshot import stored_files, stored_view_files
from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/organisations/{slug}/publications/{number}")
def publication_page(request: Request, slug: str, number: DbInt, db: SessionDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = publication_or_404(db, organisation, number)
    history = repository.publications_of(db, organisation.id or 0)
    return render(request, "publications/publication.html", {
        "organisation": organisation, "publication": publication,
        "snapshot": publication.snapshot, "history": history,
        "file_base": f"/organisations/{slug}/publications/{number}/files"})


@router.get("/organisations/{slug}/publications/{number}/files/{stored_name}")
def publication_file(slug: str, number: DbInt, stored_name: str, db: SessionDep,
                     settings: SettingsDep) -> Response:
    organisation = listed_organisation(db, slug)
    publication = publication_or_404(db, organisation, number)
    files = [*stored_files(publication.snapshot), *stored_view_files(publication.snapshot)]
    item = next((f for f in files if f["stored_name"] == stored_name), None)
    path = settings.upload_dir / PUBLISHED_FILES / Path(stored_name).name
    if publication.hidden_reason or item is None or not path.is_file():
        raise HTTPException(404, "There is no such file in this publication.")
    return FileResponse(path, media_type=item["content_type"], filename=item["file_name"],
                        headers={"X-Content-Type-Options": "nosniff"})


@router.get("/organisations/{slug}/changes")
def changes_page(request: Request, slug: str, db: SessionDep, earlier: DbInt | None = None,
                 later: DbInt | None = None) -> Response:
    organisation = listed_organisation(db, slug)
    # Only the organisation's own publications compare: not its views of others, or replies.
    history = [p for p in repository.publications_of(db, organisation.id or 0)
               if p.kind in OWN_KINDS]
    context: dict[str, Any] = {"organisation": organisation, "history": history,
                               "kind_labels": PUBLICATION_KIND_LABELS, "errors": {},
                               "values": {"earlier": earlier, "later": later}}
    if earlier is not None and later is not None:
        if earlier == later:
            context["errors"] = {"later": "Choose two different publications"}
        else:
            a, b = (publication_or_404(db, organisation, n) for n in sorted((earlier, later)))
            if a.kind not in OWN_KINDS or b.kind not in OWN_KINDS:
                context["errors"] = {"later": "Choose two of the organisation's own "
                                              "publications"}
            elif a.hidden_reason or b.hidden_reason:
                context["errors"] = {"later": "One of these publications has been hidden"}
            else:
                context.update(a=a, b=b, changes=compare_snapshots(a.snapshot, b.snapshot))
    return render(request, "publications/changes.html", context)
