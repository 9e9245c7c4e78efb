"""Adding, listing, downloading and deleting the evidence on a marker's rating, for any
assessment (self-assessment or independent view)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.types import Message, Receive

from app.assessments import evidence
from app.assessments.evidence_forms import (
    CategoryForm,
    FileForm,
    LinkForm,
    NoteForm,
    PublishableForm,
    QuoteForm,
)
from app.assessments.kinds import Kind
from app.assessments.models import CATEGORY_LABELS, Evidence, EvidenceKind, Rating
from app.assessments.pages import Judgement, KindDep, load_judgement, load_rating
from app.assessments.web import marker_page_with, save_from_form
from app.config import Settings
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    SessionDep,
    SettingsDep,
    ViewerAccess,
    WebSessionDep,
)
from app.forms import DbInt, Errors, form_values, parse
from app.responses import redirect

KIND_NAMES = {"note": "note", "link": "link", "file": "file", "quote": "quote"}


def _body_limit(settings: Settings) -> int:
    """The most a request may send: the largest file plus room for the form's words."""
    return (settings.max_upload_mb + 1) * evidence.MB


def _counted(receive: Receive, limit: int, message: str) -> Receive:
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message_ = await receive()
        if message_["type"] == "http.request":
            seen += len(message_.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"{message}. Go back and choose a smaller file.")
        return message_

    return counting


class UploadLimitRoute(APIRoute):
    """Refuses a body far larger than any upload may be while it streams in, before the
    CSRF check reads the form, so a huge upload is never spooled to disk in full."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            settings: Settings = request.app.state.settings
            limit = _body_limit(settings)
            message = evidence.too_large(settings.max_upload_mb)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise HTTPException(413, f"{message}. Go back and choose a smaller file.")
            return await handler(Request(request.scope, _counted(request.receive, limit,
                                                                   message)))

        return limited


router = APIRouter(include_in_schema=False, route_class=UploadLimitRoute)


def _marker_page(request: Request, access: OrgAccess, db: Session, judgement: Judgement,
                 rating: Rating, errors: Errors, values: dict[str, Any],
                 kind: str | None) -> Response:
    """The marker page again, with the evidence form's problems and the words kept.

    The problems go to the page's one error summary; the rating form shows what is saved.
    """
    return marker_page_with(request, access, db, judgement, rating, errors,
                            evidence_values=values, evidence_kind=kind)


def _yes(value: str) -> bool:
    return value == "yes"


def _read(kind: str, values: dict[str, Any]) -> tuple[evidence.NewEvidence | None, Errors]:
    """The words of one kind of evidence, or the problems with them."""
    if kind == EvidenceKind.note:
        note, errors = parse(NoteForm, values)
        return (evidence.NewEvidence(kind=EvidenceKind.note, text=note.note_text,
                                     publishable=_yes(note.note_publishable))
                if note else None), errors
    if kind == EvidenceKind.link:
        link, errors = parse(LinkForm, values)
        return (evidence.NewEvidence(kind=EvidenceKind.link, url=link.link_url,
                                     text=link.link_description,
                                     publishable=_yes(link.link_publishable))
                if link else None), errors
    if kind == EvidenceKind.file:
        upload, errors = parse(FileForm, values)
        return (evidence.NewEvidence(kind=EvidenceKind.file, text=upload.file_description,
                                     publishable=_yes(upload.file_publishable))
                if upload else None), errors
    quote_form, errors = parse(QuoteForm, values)
    if quote_form is None:
        return None, errors
    errors = quote_form.problems()
    return evidence.NewEvidence(
        kind=EvidenceKind.quote, text=quote_form.quote_text,
        source_kind=quote_form.quote_source_kind.value,
        consent_to_publish=_yes(quote_form.quote_consent),
        attributed_name=quote_form.quote_name,
        publishable=_yes(quote_form.quote_publishable)), errors


async def _store(upload: object, settings: Settings) -> evidence.StoredFile:
    """Keep an uploaded file under a random name (off the event loop: it is read and
    checked), or raise UploadProblem."""
    source, name = (upload.file, upload.filename or "") \
        if isinstance(upload, UploadFile) else (None, "")
    return await run_in_threadpool(evidence.store_upload, source, file_name=name,
                                   upload_dir=settings.upload_dir,
                                   max_mb=settings.max_upload_mb)


@router.post("/manage/{slug}/assessments/{assessment_id}/markers/{code}/evidence")
@router.post("/manage/{slug}/views/{assessment_id}/markers/{code}/evidence")
async def add(request: Request, assessment_id: DbInt, code: str, access: EditorAccess,
              db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep,
              kind_: KindDep, session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind_)
    rating = load_rating(db, judgement, code)
    form = await request.form()
    values = form_values(form)
    kind = str(values.get("kind", ""))
    if kind not in {k.value for k in EvidenceKind}:
        raise HTTPException(400, "Choose what kind of evidence to add.")
    # The rating form's words come too (one form, two kinds of button): save them first,
    # so that adding evidence never throws away a level or words not yet saved.
    if "version" in values:
        refused = save_from_form(request, access, db, judgement, rating, values, block=None,
                                 only_if_changed=True, evidence_values=values,
                                 evidence_kind=kind)
        if refused is not None:
            return refused
    new, errors = _read(kind, values)
    stored = None
    if kind == EvidenceKind.file:
        try:
            stored = await _store(form.get(evidence.FILE_FIELD), settings)
        except evidence.UploadProblem as problem:
            errors = {evidence.FILE_FIELD: problem.message, **errors}
    if new is None or errors:
        if stored is not None:
            evidence.discard(settings.upload_dir, stored)
        return _marker_page(request, access, db, judgement, rating, errors, values, kind)
    evidence.add_evidence(db, actor_id=access.user.id or 0,
                          organisation_id=access.organisation.id or 0, rating=rating,
                          new=new, stored=stored, upload_dir=settings.upload_dir)
    session.add_flash(f"Your {KIND_NAMES[kind]} has been added to {code}.")
    return redirect(f"{judgement.base}/markers/{code}#evidence-heading")


def _load_evidence(db: Session, access: OrgAccess, assessment_id: DbInt,
                   evidence_id: DbInt, catalogue: CatalogueDep, kind: Kind
                   ) -> tuple[Judgement, Evidence, Rating]:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    found = evidence.evidence_in(db, judgement.assessment.id or 0, evidence_id)
    if found is None:
        raise HTTPException(404, "There is no such evidence here.")
    return judgement, found[0], found[1]


def content_disposition(file_name: str) -> str:
    """An attachment, named for old browsers (ASCII) and new ones (RFC 5987, UTF-8)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;%' else "_"
                       for c in file_name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


@router.get("/manage/{slug}/assessments/{assessment_id}/evidence/{evidence_id}/download")
@router.get("/manage/{slug}/views/{assessment_id}/evidence/{evidence_id}/download")
def download(assessment_id: DbInt, evidence_id: DbInt, access: ViewerAccess, db: SessionDep,
             catalogue: CatalogueDep, settings: SettingsDep, kind: KindDep) -> Response:
    _judgement, item, _rating = _load_evidence(db, access, assessment_id, evidence_id,
                                               catalogue, kind)
    path = evidence.stored_path(settings.upload_dir, item.stored_name) \
        if item.kind == EvidenceKind.file else None
    if path is None or not path.is_file():
        raise HTTPException(404, "This evidence has no file to download.")
    return FileResponse(path, media_type=item.content_type, headers={
        "Content-Disposition": content_disposition(item.file_name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })


@router.post("/manage/{slug}/assessments/{assessment_id}/evidence/{evidence_id}/delete")
@router.post("/manage/{slug}/views/{assessment_id}/evidence/{evidence_id}/delete")
def delete(assessment_id: DbInt, evidence_id: DbInt, access: EditorAccess, db: SessionDep,
           catalogue: CatalogueDep, settings: SettingsDep, kind_: KindDep,
           session: WebSessionDep) -> Response:
    judgement, item, rating = _load_evidence(db, access, assessment_id, evidence_id,
                                             catalogue, kind_)
    kind = KIND_NAMES.get(item.kind, "evidence")
    evidence.delete_evidence(db, actor_id=access.user.id or 0,
                             organisation_id=access.organisation.id or 0, item=item,
                             upload_dir=settings.upload_dir)
    session.add_flash(f"The {kind} has been deleted from {rating.marker_code}.")
    return redirect(f"{judgement.base}/markers/{rating.marker_code}#evidence-heading")


@router.post("/manage/{slug}/assessments/{assessment_id}/evidence/{evidence_id}/publishable")
@router.post("/manage/{slug}/views/{assessment_id}/evidence/{evidence_id}/publishable")
async def publishable(request: Request, assessment_id: DbInt, evidence_id: DbInt,
                      access: EditorAccess, db: SessionDep, catalogue: CatalogueDep,
                      kind: KindDep, session: WebSessionDep) -> Response:
    judgement, item, rating = _load_evidence(db, access, assessment_id, evidence_id,
                                             catalogue, kind)
    form, errors = parse(PublishableForm, form_values(await request.form()))
    if form is None:
        raise HTTPException(400, next(iter(errors.values()), "Check this information"))
    try:
        evidence.set_publishable(db, actor_id=access.user.id or 0,
                                 organisation_id=access.organisation.id or 0, item=item,
                                 publishable=_yes(form.publishable))
    except evidence.NotAllowed as refused:
        return _marker_page(request, access, db, judgement, rating,
                            {f"evidence-{item.id}": refused.message}, {}, None)
    session.add_flash("This evidence may now be published." if item.publishable
                  else "This evidence is now private.")
    return redirect(f"{judgement.base}/markers/{rating.marker_code}#evidence-{item.id}")


@router.post("/manage/{slug}/assessments/{assessment_id}/evidence/{evidence_id}/category")
@router.post("/manage/{slug}/views/{assessment_id}/evidence/{evidence_id}/category")
async def category(request: Request, assessment_id: DbInt, evidence_id: DbInt,
                   access: EditorAccess, db: SessionDep, catalogue: CatalogueDep,
                   kind: KindDep, session: WebSessionDep) -> Response:
    judgement, item, rating = _load_evidence(db, access, assessment_id, evidence_id,
                                             catalogue, kind)
    form, errors = parse(CategoryForm, form_values(await request.form()))
    if form is None:
        return _marker_page(request, access, db, judgement, rating,
                            {f"category-{item.id}": errors.get("category", "")}, {}, None)
    evidence.set_category(db, actor_id=access.user.id or 0,
                          organisation_id=access.organisation.id or 0, item=item,
                          category=form.category)
    session.add_flash(f"This evidence now counts as: {CATEGORY_LABELS[form.category]}.")
    return redirect(f"{judgement.base}/markers/{rating.marker_code}#evidence-{item.id}")
